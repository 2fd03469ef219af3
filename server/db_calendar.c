/*
 * db_calendar.c - a unit's windows and deadlines, in one query; see db_calendar.h.
 */
#include <stdlib.h>

#include "db_calendar.h"
#include "db_internal.h"
#include "xmalloc.h"

struct db_calendar_call {
	db_calendar_cb	*cb;
	void		*arg;
};

static void
db_calendar_done(void *arg, const PGresult *res, const char *error)
{
	struct db_calendar_call		*call = arg;
	struct db_calendar_entry	*entries;
	int				 n;

	if (error != NULL) {
		call->cb(call->arg, NULL, NULL, 0, error);
		free(call);
		return;
	}
	/* Row 0 is the unit itself; an empty result: no such unit. */
	n = PQntuples(res);
	if (n == 0) {
		call->cb(call->arg, NULL, NULL, 0, NULL);
		free(call);
		return;
	}
	entries = xcalloc((size_t)n, sizeof *entries);
	for (int i = 1; i < n; i++) {
		struct db_calendar_entry *e = &entries[i - 1];

		e->issuer = PQgetvalue(res, i, 1);
		e->period = PQgetvalue(res, i, 2);
		e->code = PQgetvalue(res, i, 3);
		e->name = PQgetvalue(res, i, 4);
		e->kind = PQgetvalue(res, i, 5);
		e->opens = PQgetvalue(res, i, 6);
		e->closes = PQgetvalue(res, i, 7);
		e->hard_deadline = PQgetvalue(res, i, 8);
	}
	call->cb(call->arg, PQgetvalue(res, 0, 4), entries, (size_t)n - 1, NULL);
	free(entries);
	free(call);
}

void
db_calendar(struct db *db, const char *unit, db_calendar_cb *cb, void *arg)
{
	struct db_calendar_call	*call = xmalloc(sizeof *call);
	const char		*params[1] = { unit };

	call->cb = cb;
	call->arg = arg;
	db_query(db,
	    "WITH me AS (SELECT id, path, name FROM units WHERE code = $1),"
	    " entries AS ("
	    "  SELECT iu.code AS issuer, r.period, d.code, d.name,"
	    "    'dossier' AS kind, d.opens, d.closes, d.hard_deadline"
	    "  FROM me, current_rulebooks r"
	    "  JOIN units iu ON iu.id = r.issuer_unit_id"
	    "  JOIN rulebook_dossier_types d ON d.rulebook_id = r.id"
	    "  WHERE iu.path @> me.path AND iu.id <> me.id"
	    "    AND (d.submitter = 'unit' OR EXISTS (SELECT 1 FROM blocks b"
	    "      WHERE b.rulebook_id = r.id AND b.leader_unit_id = me.id))"
	    "  UNION ALL"
	    "  SELECT iu.code, r.period, s.code, s.name, 'office_step',"
	    "    s.from_date, s.to_date, s.to_date"
	    "  FROM me, current_rulebooks r"
	    "  JOIN units iu ON iu.id = r.issuer_unit_id"
	    "  JOIN rulebook_office_steps s ON s.rulebook_id = r.id"
	    "  WHERE r.issuer_unit_id = me.id)"
	    " SELECT 0 AS o, '', '', '', name, '', NULL::date, NULL::date,"
	    "   NULL::date FROM me"
	    " UNION ALL"
	    " SELECT 1, issuer, period, code, name, kind, opens, closes,"
	    "   hard_deadline FROM entries"
	    " ORDER BY 1, 8, 7, 4", 1, params, db_calendar_done, call);
}
