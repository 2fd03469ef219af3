/*
 * db_live_events.c - live events from PostgreSQL; see db_live_events.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_live_events.h"
#include "log.h"
#include "xmalloc.h"

struct db_live_call {
	db_live_events_cb	*cb;
	void			*arg;
	int			 limit;
};

static int64_t
db_live_int(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 :
	    strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static void
db_live_read(const PGresult *res, int row, struct db_live_event *e)
{
	e->id = db_live_int(res, row, 2);
	e->kind = PQgetvalue(res, row, 3);
	e->unit_id = db_live_int(res, row, 4);
	e->unit_code = PQgetvalue(res, row, 5);
	e->unit_name = PQgetvalue(res, row, 6);
	e->unit_kind = PQgetvalue(res, row, 7);
	e->unit_path = PQgetvalue(res, row, 8);
	e->dossier_id = db_live_int(res, row, 9);
	e->type_code = PQgetvalue(res, row, 10);
	e->state_from = PQgetvalue(res, row, 11);
	e->state_to = PQgetvalue(res, row, 12);
	e->level = PQgetvalue(res, row, 13);
	e->to_unit_id = db_live_int(res, row, 14);
	e->to_level = PQgetvalue(res, row, 15);
	e->alert_kind = PQgetvalue(res, row, 16);
	e->key = PQgetvalue(res, row, 17);
	e->subject = PQgetvalue(res, row, 18);
	e->body = PQgetvalue(res, row, 19);
	e->planned_ms = db_live_int(res, row, 20);
	e->at_ms = db_live_int(res, row, 21);
}

static void
db_live_since_done(void *arg, const PGresult *res, const char *error)
{
	struct db_live_call	*call = arg;
	struct db_live_event	*events = NULL;
	struct db_live_cursor	 next;
	size_t			 n = 0;
	int			 rows;

	if (error != NULL || (rows = PQntuples(res)) == 0) {
		call->cb(call->arg, NULL, 0, NULL, error != NULL ? error :
		    "live_events_since returned no horizon");
		free(call);
		return;
	}
	/* No events: one row, the horizon, with the event's columns NULL. */
	events = xcalloc((size_t)rows, sizeof *events);
	for (int i = 0; i < rows; i++) {
		if (!PQgetisnull(res, i, 2))
			db_live_read(res, i, &events[n++]);
	}
	memset(&next, 0, sizeof next);
	next.set = true;
	if (n > 0 && (int)n >= call->limit) {
		snprintf(next.xid, sizeof next.xid, "%s",
		    PQgetvalue(res, rows - 1, 1));
		next.id = events[n - 1].id;
	} else
		snprintf(next.xid, sizeof next.xid, "%s", PQgetvalue(res, 0, 0));
	call->cb(call->arg, events, n, &next, NULL);
	free(events);
	free(call);
}

void
db_live_events_since(struct db *db, const struct db_live_cursor *from,
    int limit, db_live_events_cb *cb, void *arg)
{
	struct db_live_call	*call = xmalloc(sizeof *call);
	char			 id[24], lim[16];
	const char		*params[3];

	call->cb = cb;
	call->arg = arg;
	call->limit = limit;
	snprintf(id, sizeof id, "%" PRId64, from->id);
	snprintf(lim, sizeof lim, "%d", limit);
	params[0] = from->set ? from->xid : NULL;
	params[1] = id;
	params[2] = lim;
	db_query(db, "SELECT * FROM live_events_since($1::xid8, $2::bigint,"
	    " $3::integer)", 3, params, db_live_since_done, call);
}

static void
db_live_pruned(void *arg, const PGresult *res, const char *error)
{
	(void)arg;
	(void)res;
	if (error != NULL)
		log_warnx("could not prune live events: %s", error);
}

void
db_live_events_prune(struct db *db)
{
	db_query(db, "SELECT live_events_prune()", 0, NULL, db_live_pruned,
	    NULL);
}
