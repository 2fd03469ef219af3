/*
 * db_reminders.c - the reminder planner's queries; see db_reminders.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "date.h"
#include "db_internal.h"
#include "db_reminders.h"
#include "remind_plan.h"
#include "xmalloc.h"

struct db_reminders_call {
	void			*arg;
	db_reminders_lease_cb	*lease_cb;
	db_reminders_candidates_cb *candidates_cb;
	db_reminders_commit_cb	*commit_cb;
	db_reminders_job_cb	*job_cb;
	struct arena		*arena;
};

static struct db_reminders_call *
db_reminders_call_new(void *arg)
{
	struct db_reminders_call	*call = xcalloc(1, sizeof *call);

	call->arg = arg;
	return call;
}

static int32_t
db_reminders_date(const PGresult *res, int row, int col)
{
	int32_t	d = 0;

	if (!PQgetisnull(res, row, col))
		date_parse_iso(PQgetvalue(res, row, col), &d);
	return d;
}

static int64_t
db_reminders_int(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 :
	    strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static void
db_reminders_lease_done(void *arg, const PGresult *res, const char *error)
{
	struct db_reminders_call	*call = arg;

	if (error == NULL && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		call->lease_cb(call->arg, PQgetvalue(res, 0, 0), NULL);
	else
		call->lease_cb(call->arg, NULL, error != NULL ? error :
		    "the planner's lease has no holder");
	free(call);
}

void
db_reminders_lease(struct db *db, const char *holder, int64_t ttl_ms,
    db_reminders_lease_cb *cb, void *arg)
{
	struct db_reminders_call	*call = db_reminders_call_new(arg);
	char				 ttl[24];
	const char			*params[2] = { holder, ttl };

	call->lease_cb = cb;
	snprintf(ttl, sizeof ttl, "%" PRId64, ttl_ms);
	db_query(db, "SELECT planner_lease_take('reminders', $1, $2::integer)",
	    2, params, db_reminders_lease_done, call);
}

/* How many items the array literal "{7,3,-1}" holds, at most. */
static size_t
db_reminders_count_items(const char *text)
{
	size_t	n = 1;

	for (; *text != '\0'; text++)
		n += *text == ',';
	return n;
}

/* Parses "{7,3,-1}" into `out`; returns how many. */
static size_t
db_reminders_offsets(const char *text, int32_t *out, size_t max)
{
	size_t	n = 0;
	char	*end;
	long	 v;

	if (*text == '{')
		text++;
	while (*text != '\0' && *text != '}' && n < max) {
		v = strtol(text, &end, 10);
		if (end == text)
			break;
		if (v >= INT32_MIN && v <= INT32_MAX)
			out[n++] = (int32_t)v;
		text = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* The channel bits of "{inbox,email}". */
static unsigned
db_reminders_channels(const char *text)
{
	char		 buf[256], *save = NULL, *item;
	unsigned	 bits = 0;

	snprintf(buf, sizeof buf, "%s", text[0] == '{' ? text + 1 : text);
	buf[strcspn(buf, "}")] = '\0';
	for (item = strtok_r(buf, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save))
		bits |= remind_channel_parse(item);
	return bits;
}

static void
db_reminders_candidates_done(void *arg, const PGresult *res,
    const char *error)
{
	struct db_reminders_call	*call = arg;
	struct remind_candidate		*c;
	int32_t				**offsets;
	size_t				 max;
	int				 n;

	if (error != NULL) {
		call->candidates_cb(call->arg, NULL, 0, error);
		free(call);
		return;
	}
	n = PQntuples(res);
	c = xcalloc(n > 0 ? (size_t)n : 1, sizeof *c);
	offsets = xcalloc(n > 0 ? (size_t)n : 1, sizeof *offsets);
	for (int i = 0; i < n; i++) {
		c[i].rulebook_id = db_reminders_int(res, i, 0);
		c[i].type_code = PQgetvalue(res, i, 1);
		c[i].closes = db_reminders_date(res, i, 3);
		c[i].extended_until = db_reminders_date(res, i, 4);
		c[i].unit_id = db_reminders_int(res, i, 5);
		c[i].unit_level = PQgetvalue(res, i, 6);
		c[i].office_id = db_reminders_int(res, i, 7);
		max = db_reminders_count_items(PQgetvalue(res, i, 8));
		offsets[i] = xcalloc(max, sizeof *offsets[i]);
		c[i].offsets = offsets[i];
		c[i].noffsets = db_reminders_offsets(PQgetvalue(res, i, 8),
		    offsets[i], max);
		c[i].channels = db_reminders_channels(PQgetvalue(res, i, 9));
		c[i].issuer_id = db_reminders_int(res, i, 10);
		c[i].period = PQgetvalue(res, i, 11);
	}
	call->candidates_cb(call->arg, c, (size_t)n, NULL);
	for (int i = 0; i < n; i++)
		free(offsets[i]);
	free(offsets);
	free(c);
	free(call);
}

void
db_reminders_candidates(struct db *db, int64_t now_ms,
    db_reminders_candidates_cb *cb, void *arg)
{
	struct db_reminders_call	*call = db_reminders_call_new(arg);
	char				 now[24];
	const char			*params[1] = { now };

	call->candidates_cb = cb;
	snprintf(now, sizeof now, "%" PRId64, now_ms);
	db_query(db, "SELECT * FROM reminder_candidates(to_timestamp("
	    "$1::bigint / 1000.0))", 1, params, db_reminders_candidates_done,
	    call);
}

static void
db_reminders_commit_done(void *arg, const PGresult *res, const char *error)
{
	struct db_reminders_call	*call = arg;

	if (error == NULL && PQntuples(res) == 1)
		call->commit_cb(call->arg,
		    strcmp(PQgetvalue(res, 0, 0), "t") == 0,
		    (unsigned)db_reminders_int(res, 0, 1),
		    (unsigned)db_reminders_int(res, 0, 2), NULL);
	else
		call->commit_cb(call->arg, false, 0, 0, error != NULL ? error :
		    "reminder_plan_commit returned nothing");
	free(call);
}

void
db_reminders_commit(struct db *db, const char *holder, int64_t ttl_ms,
    const char *items_json, db_reminders_commit_cb *cb, void *arg)
{
	struct db_reminders_call	*call = db_reminders_call_new(arg);
	char				 ttl[24];
	const char			*params[3] = { holder, ttl, items_json };

	call->commit_cb = cb;
	snprintf(ttl, sizeof ttl, "%" PRId64, ttl_ms);
	db_query(db, "SELECT * FROM reminder_plan_commit($1, $2::integer,"
	    " $3::jsonb)", 3, params, db_reminders_commit_done, call);
}

/* The job's list of what is missing, from its lines, in `a`. */
static void
db_reminders_missing(struct arena *a, const PGresult *res, int row, int col,
    Tdkt__RemindJob *job)
{
	char	*text, **items = NULL;
	size_t	 n;

	text = arena_strdup(a, PQgetvalue(res, row, col));
	n = text != NULL ? db_split(text, "\n", &items) : 0;
	job->missing = arena_alloc(a, (n > 0 ? n : 1) * sizeof *job->missing);
	for (size_t i = 0; i < n && job->missing != NULL; i++)
		job->missing[i] = items[i];
	job->n_missing = n;
	free(items);
}

static void
db_reminders_job_done(void *arg, const PGresult *res, const char *error)
{
	struct db_reminders_call	*call = arg;
	struct arena			*a = call->arena;
	Tdkt__RemindJob			*job;

	if (error != NULL || PQntuples(res) != 1) {
		call->job_cb(call->arg, NULL, error);
		free(call);
		return;
	}
	if ((job = arena_alloc(a, sizeof *job)) == NULL) {
		call->job_cb(call->arg, NULL, "the reminder is too large");
		free(call);
		return;
	}
	tdkt__remind_job__init(job);
	job->key = arena_strdup(a, PQgetvalue(res, 0, 0));
	job->channel = arena_strdup(a, PQgetvalue(res, 0, 1));
	job->audience = arena_strdup(a, PQgetvalue(res, 0, 2));
	job->unit_code = arena_strdup(a, PQgetvalue(res, 0, 3));
	job->unit_name = arena_strdup(a, PQgetvalue(res, 0, 4));
	job->recipient_name = arena_strdup(a, PQgetvalue(res, 0, 5));
	job->recipient_email = arena_strdup(a, PQgetvalue(res, 0, 6));
	job->type_code = arena_strdup(a, PQgetvalue(res, 0, 7));
	job->type_name = arena_strdup(a, PQgetvalue(res, 0, 8));
	job->opens = db_reminders_date(res, 0, 9);
	job->deadline = db_reminders_date(res, 0, 10);
	job->extended = strcmp(PQgetvalue(res, 0, 11), "t") == 0;
	job->offset_days = (int32_t)db_reminders_int(res, 0, 12);
	job->planned_at_ms = db_reminders_int(res, 0, 13);
	job->days_left = job->deadline - date_of_ms_vn(job->planned_at_ms);
	job->dossier_state = arena_strdup(a, PQgetvalue(res, 0, 14));
	job->dossier_id = (uint64_t)db_reminders_int(res, 0, 15);
	db_reminders_missing(a, res, 0, 16, job);
	job->issuer_name = arena_strdup(a, PQgetvalue(res, 0, 17));
	job->period = arena_strdup(a, PQgetvalue(res, 0, 18));
	job->level_name = arena_strdup(a, PQgetvalue(res, 0, 19));
	job->obsolete = strcmp(PQgetvalue(res, 0, 20), "t") == 0;
	job->message_id = arena_strdup(a, PQgetvalue(res, 0, 21));
	call->job_cb(call->arg, arena_exhausted(a) ? NULL : job,
	    arena_exhausted(a) ? "the reminder is too large" : NULL);
	free(call);
}

void
db_reminders_job_input(struct db *db, struct arena *a, const char *key,
    db_reminders_job_cb *cb, void *arg)
{
	struct db_reminders_call	*call = db_reminders_call_new(arg);
	const char			*params[1] = { key };

	call->job_cb = cb;
	call->arena = a;
	db_query(db, "SELECT key, channel, audience, unit_code, unit_name,"
	    " recipient_name, recipient_email, type_code, type_name, opens,"
	    " deadline, extended, offset_days, planned_ms, dossier_state,"
	    " dossier_id, array_to_string(ARRAY(SELECT replace(m, E'\\n', ' ')"
	    " FROM unnest(missing) m), E'\\n'), issuer_name, period, level,"
	    " obsolete,"
	    " format('<%s@tdkt>', encode(sha256(convert_to(key, 'UTF8')),"
	    " 'hex')) FROM reminder_job_input($1)", 1, params,
	    db_reminders_job_done, call);
}
