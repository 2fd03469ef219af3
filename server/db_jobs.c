/*
 * db_jobs.c - the durable job queue in PostgreSQL; see db_jobs.h. The SQL
 * functions it calls, and the picture of a job's life, are in migration
 * 0007.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_array.h"
#include "db_internal.h"
#include "db_jobs.h"
#include "log.h"
#include "xmalloc.h"

/* A job's columns as JobInfo wants them; db_jobs_info_row reads them. */
#define DB_JOBS_INFO_COLUMNS \
	"id, kind, state, priority, attempts, max_attempts," \
	" (extract(epoch FROM run_at) * 1000)::bigint," \
	" (extract(epoch FROM created_at) * 1000)::bigint," \
	" coalesce((extract(epoch FROM started_at) * 1000)::bigint, 0)," \
	" coalesce((extract(epoch FROM finished_at) * 1000)::bigint, 0)," \
	" coalesce(lease_owner, ''), coalesce(last_error, '')," \
	" coalesce(unique_key, ''), coalesce(dossier_id, 0)," \
	" octet_length(payload)"

struct db_jobs_call {
	db_jobs_leased_cb	*leased_cb;
	db_jobs_settled_cb	*settled_cb;
	db_jobs_count_cb	*count_cb;
	db_jobs_list_cb		*list_cb;
	db_jobs_show_cb		*show_cb;
	db_jobs_acted_cb	*acted_cb;
	void			*arg;
	struct db		*db;
	struct arena		*arena;
	uint64_t		 id;
	char			*state_before;
	Tdkt__JobsListReply	*list;		/* list, waiting for its stats */
	Tdkt__JobShowReply	*show;		/* show, waiting for its runs */
};

static struct db_jobs_call *
db_jobs_call_new(void *arg)
{
	struct db_jobs_call	*call = xcalloc(1, sizeof *call);

	call->arg = arg;
	return call;
}

static void
db_jobs_call_free(struct db_jobs_call *call)
{
	free(call->state_before);
	free(call);
}

static uint64_t
db_jobs_uint(const PGresult *res, int row, int col)
{
	return strtoull(PQgetvalue(res, row, col), NULL, 10);
}

static int64_t
db_jobs_int(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static char *
db_jobs_text(struct arena *a, const PGresult *res, int row, int col)
{
	return arena_strdup(a, PQgetvalue(res, row, col));
}

/* Rows of (id, kind, lease_token, timeout_ms[, payload, attempt]). */
static void
db_jobs_leased_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	struct db_job_lease	*leases = NULL;
	unsigned char		**payloads = NULL;
	int			 n = error == NULL ? PQntuples(res) : 0;
	bool			 with_payload = error == NULL && PQnfields(res) >= 6;

	if (n > 0) {
		leases = xcalloc((size_t)n, sizeof *leases);
		payloads = xcalloc((size_t)n, sizeof *payloads);
	}
	for (int i = 0; i < n; i++) {
		leases[i].id = db_jobs_uint(res, i, 0);
		leases[i].kind = PQgetvalue(res, i, 1);
		leases[i].lease_token = PQgetvalue(res, i, 2);
		leases[i].timeout_ms = (uint32_t)db_jobs_uint(res, i, 3);
		if (!with_payload)
			continue;
		payloads[i] = PQunescapeBytea(
		    (const unsigned char *)PQgetvalue(res, i, 4),
		    &leases[i].len);
		if (payloads[i] == NULL)
			fatalx("out of memory reading a job's payload");
		leases[i].payload = payloads[i];
		leases[i].attempt = (uint32_t)db_jobs_uint(res, i, 5);
	}
	call->leased_cb(call->arg, leases, (size_t)n, error);
	for (int i = 0; i < n; i++)
		PQfreemem(payloads[i]);
	free(payloads);
	free(leases);
	db_jobs_call_free(call);
}

void
db_jobs_claim(struct db *db, const struct db_job_holder *who,
    const char *claim_id, char *const *kinds, size_t nkinds, uint32_t limit,
    uint32_t lease_ms, db_jobs_leased_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	struct db_array		 kind_array;
	char			 lim[16], lease[16];
	const char		*params[6];

	call->leased_cb = cb;
	db_array_init(&kind_array);
	for (size_t i = 0; i < nkinds; i++)
		db_array_add_text(&kind_array, kinds[i]);
	snprintf(lim, sizeof lim, "%" PRIu32, limit);
	snprintf(lease, sizeof lease, "%" PRIu32, lease_ms);
	params[0] = who->owner;
	params[1] = who->holder;
	params[2] = claim_id;
	params[3] = db_array_finish(&kind_array);
	params[4] = lim;
	params[5] = lease;
	db_query(db, "SELECT id, kind, lease_token, timeout_ms, payload, attempts"
	    " FROM job_claim($1, $2, $3, $4::text[], $5::integer, $6::integer)",
	    6, params, db_jobs_leased_done, call);
	db_array_clear(&kind_array);
}

/* Fills two arrays with ids and tokens. */
static void
db_jobs_leases_arrays(struct db_array *ids, struct db_array *tokens,
    const uint64_t *id, char *const *token, size_t n)
{
	db_array_init(ids);
	db_array_init(tokens);
	for (size_t i = 0; i < n; i++) {
		db_array_add_uint(ids, id[i]);
		db_array_add_text(tokens, token[i]);
	}
	db_array_finish(ids);
	db_array_finish(tokens);
}

void
db_jobs_adopt(struct db *db, const struct db_job_holder *who,
    const uint64_t *id, char *const *token, size_t n, uint32_t lease_ms,
    db_jobs_leased_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	struct db_array		 ids, tokens;
	char			 lease[16];
	const char		*params[5];

	call->leased_cb = cb;
	db_jobs_leases_arrays(&ids, &tokens, id, token, n);
	snprintf(lease, sizeof lease, "%" PRIu32, lease_ms);
	params[0] = who->owner;
	params[1] = who->holder;
	params[2] = ids.buf;
	params[3] = tokens.buf;
	params[4] = lease;
	db_query(db, "SELECT id, kind, lease_token, timeout_ms"
	    " FROM job_adopt($1, $2, $3::bigint[], $4::text[], $5::integer)",
	    5, params, db_jobs_leased_done, call);
	db_array_clear(&ids);
	db_array_clear(&tokens);
}

/* Rows of (id, lease_token or NULL, outcome). */
static void
db_jobs_settled_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	struct db_job_settled	*settled = NULL;
	int			 n = error == NULL ? PQntuples(res) : 0;

	if (call->settled_cb == NULL) {
		db_jobs_call_free(call);
		return;
	}
	if (n > 0)
		settled = xcalloc((size_t)n, sizeof *settled);
	for (int i = 0; i < n; i++) {
		settled[i].id = db_jobs_uint(res, i, 0);
		settled[i].lease_token = PQgetisnull(res, i, 1) ? NULL :
		    PQgetvalue(res, i, 1);
		settled[i].outcome = PQgetvalue(res, i, 2);
	}
	call->settled_cb(call->arg, settled, (size_t)n, error);
	free(settled);
	db_jobs_call_free(call);
}

void
db_jobs_complete(struct db *db, const struct db_job_result *results,
    size_t n, db_jobs_settled_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	struct db_array		 ids, tokens, oks, payloads, effects, errors;
	struct db_array		 permanent, unknown;
	const char		*params[8];

	call->settled_cb = cb;
	db_array_init(&ids);
	db_array_init(&tokens);
	db_array_init(&oks);
	db_array_init(&payloads);
	db_array_init(&effects);
	db_array_init(&errors);
	db_array_init(&permanent);
	db_array_init(&unknown);
	for (size_t i = 0; i < n; i++) {
		const struct db_job_result	*r = &results[i];

		db_array_add_uint(&ids, r->id);
		db_array_add_text(&tokens, r->lease_token);
		db_array_add_bool(&oks, r->ok);
		db_array_add_bytea(&payloads, r->ok ? r->result : NULL, r->len);
		db_array_add_text(&effects, r->ok ? r->effect : NULL);
		db_array_add_text(&errors, r->ok ? NULL : r->error);
		db_array_add_bool(&permanent, r->permanent);
		db_array_add_bool(&unknown, r->unknown);
	}
	params[0] = db_array_finish(&ids);
	params[1] = db_array_finish(&tokens);
	params[2] = db_array_finish(&oks);
	params[3] = db_array_finish(&payloads);
	params[4] = db_array_finish(&effects);
	params[5] = db_array_finish(&errors);
	params[6] = db_array_finish(&permanent);
	params[7] = db_array_finish(&unknown);
	db_query(db, "SELECT id, lease_token, outcome FROM job_complete("
	    "$1::bigint[], $2::text[], $3::boolean[], $4::bytea[], $5::jsonb[],"
	    " $6::text[], $7::boolean[], $8::boolean[])", 8, params,
	    db_jobs_settled_done, call);
	db_array_clear(&ids);
	db_array_clear(&tokens);
	db_array_clear(&oks);
	db_array_clear(&payloads);
	db_array_clear(&effects);
	db_array_clear(&errors);
	db_array_clear(&permanent);
	db_array_clear(&unknown);
}

void
db_jobs_release(struct db *db, const uint64_t *id, char *const *token,
    size_t n, const char *holder, const char *why, const char *error,
    db_jobs_settled_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	struct db_array		 ids, tokens;
	const char		*params[5];

	call->settled_cb = cb;
	db_jobs_leases_arrays(&ids, &tokens, id, token, n);
	params[0] = ids.buf;
	params[1] = tokens.buf;
	params[2] = holder;
	params[3] = why;
	params[4] = error;
	db_query(db, "SELECT id, NULL, outcome FROM job_release($1::bigint[],"
	    " $2::text[], $3, $4, $5)", 5, params, db_jobs_settled_done, call);
	db_array_clear(&ids);
	db_array_clear(&tokens);
}

static void
db_jobs_count_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	uint64_t		 count = 0;

	if (error == NULL && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		count = db_jobs_uint(res, 0, 0);
	if (call->count_cb != NULL)
		call->count_cb(call->arg, count, error);
	db_jobs_call_free(call);
}

void
db_jobs_release_claim(struct db *db, const char *claim_id, const char *holder,
    db_jobs_count_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	const char		*params[2] = { claim_id, holder };

	call->count_cb = cb;
	db_query(db, "SELECT job_release_claim($1, $2)", 2, params,
	    db_jobs_count_done, call);
}

void
db_jobs_renew(struct db *db, const uint64_t *id, char *const *token,
    char *const *holder, size_t n, uint32_t lease_ms, db_jobs_settled_cb *cb,
    void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	struct db_array		 ids, tokens, holders;
	char			 lease[16];
	const char		*params[4];

	call->settled_cb = cb;
	db_jobs_leases_arrays(&ids, &tokens, id, token, n);
	db_array_init(&holders);
	for (size_t i = 0; i < n; i++)
		db_array_add_text(&holders, holder[i]);
	snprintf(lease, sizeof lease, "%" PRIu32, lease_ms);
	params[0] = ids.buf;
	params[1] = tokens.buf;
	params[2] = db_array_finish(&holders);
	params[3] = lease;
	db_query(db, "SELECT id, lease_token, 'gone' FROM job_renew("
	    "$1::bigint[], $2::text[], $3::text[], $4::integer)", 4, params,
	    db_jobs_settled_done, call);
	db_array_clear(&ids);
	db_array_clear(&tokens);
	db_array_clear(&holders);
}

void
db_jobs_rescue_expired(struct db *db, uint32_t limit, db_jobs_settled_cb *cb,
    void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	char			 lim[16];
	const char		*params[1] = { lim };

	call->settled_cb = cb;
	snprintf(lim, sizeof lim, "%" PRIu32, limit);
	db_query(db, "SELECT id, lease_token, outcome"
	    " FROM job_rescue_expired($1::integer)", 1, params,
	    db_jobs_settled_done, call);
}

void
db_jobs_prune(struct db *db, uint32_t keep_done_minutes,
    uint32_t keep_history_days, uint32_t keep_keys_days, uint32_t batch,
    db_jobs_count_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	char			 done[16], history[16], keys[16], lim[16];
	const char		*params[4] = { done, history, keys, lim };

	call->count_cb = cb;
	snprintf(done, sizeof done, "%" PRIu32, keep_done_minutes);
	snprintf(history, sizeof history, "%" PRIu32, keep_history_days);
	snprintf(keys, sizeof keys, "%" PRIu32, keep_keys_days);
	snprintf(lim, sizeof lim, "%" PRIu32, batch);
	db_query(db, "SELECT job_prune($1::integer * interval '1 minute',"
	    " $2::integer * interval '1 day', $3::integer * interval '1 day',"
	    " $4::integer)", 4, params, db_jobs_count_done, call);
}

void
db_jobs_enqueue(struct db *db, const char *kind, const void *payload,
    size_t len, const char *unique_key, db_jobs_count_cb *cb, void *arg)
{
	static const char	 hex[] = "0123456789abcdef";
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	const unsigned char	*p = payload;
	char			*text = xmalloc(2 * len + 1);
	const char		*params[3] = { kind, text, unique_key };

	call->count_cb = cb;
	for (size_t i = 0; i < len; i++) {
		text[2 * i] = hex[p[i] >> 4];
		text[2 * i + 1] = hex[p[i] & 0x0f];
	}
	text[2 * len] = '\0';
	db_query(db, "SELECT job_enqueue($1, decode($2, 'hex'), $3)", 3, params,
	    db_jobs_count_done, call);
	free(text);
}

void
db_jobs_waiting(struct db *db, db_jobs_count_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);

	call->count_cb = cb;
	db_query(db, "SELECT count(*) FROM jobs"
	    " WHERE state = 'queued' AND run_at <= now()", 0, NULL,
	    db_jobs_count_done, call);
}

/* One row of DB_JOBS_INFO_COLUMNS from `col` on, in `a`; NULL when spent. */
static Tdkt__JobInfo *
db_jobs_info_row(struct arena *a, const PGresult *res, int row, int col)
{
	Tdkt__JobInfo	*info = arena_zalloc(a, sizeof *info);

	if (info == NULL)
		return NULL;
	tdkt__job_info__init(info);
	info->id = db_jobs_uint(res, row, col + 0);
	info->kind = db_jobs_text(a, res, row, col + 1);
	info->state = db_jobs_text(a, res, row, col + 2);
	info->priority = (int32_t)db_jobs_int(res, row, col + 3);
	info->attempts = (uint32_t)db_jobs_uint(res, row, col + 4);
	info->max_attempts = (uint32_t)db_jobs_uint(res, row, col + 5);
	info->run_at_unix_ms = db_jobs_int(res, row, col + 6);
	info->created_at_unix_ms = db_jobs_int(res, row, col + 7);
	info->started_at_unix_ms = db_jobs_int(res, row, col + 8);
	info->finished_at_unix_ms = db_jobs_int(res, row, col + 9);
	info->lease_owner = db_jobs_text(a, res, row, col + 10);
	info->last_error = db_jobs_text(a, res, row, col + 11);
	info->unique_key = db_jobs_text(a, res, row, col + 12);
	info->dossier_id = db_jobs_uint(res, row, col + 13);
	info->payload_bytes = db_jobs_uint(res, row, col + 14);
	if (info->kind == NULL || info->state == NULL ||
	    info->lease_owner == NULL || info->last_error == NULL ||
	    info->unique_key == NULL)
		return NULL;
	return info;
}

static void
db_jobs_stats_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	Tdkt__JobsListReply	*list = call->list;
	int			 n = error == NULL ? PQntuples(res) : 0;

	if (error == NULL && n > 0 &&
	    (list->kinds = arena_zalloc(call->arena,
	    (size_t)n * sizeof *list->kinds)) == NULL)
		error = "the job statistics do not fit the request's memory";
	for (int i = 0; error == NULL && i < n; i++) {
		Tdkt__JobKindStats	*k = arena_zalloc(call->arena, sizeof *k);

		if (k == NULL) {
			error = "the job statistics do not fit the request's memory";
			break;
		}
		tdkt__job_kind_stats__init(k);
		k->kind = db_jobs_text(call->arena, res, i, 0);
		k->queued = db_jobs_uint(res, i, 1);
		k->due = db_jobs_uint(res, i, 2);
		k->running = db_jobs_uint(res, i, 3);
		k->discarded = db_jobs_uint(res, i, 4);
		k->unknown = db_jobs_uint(res, i, 5);
		k->oldest_due_ms = db_jobs_uint(res, i, 6);
		k->done_last_hour = db_jobs_uint(res, i, 7);
		k->latency_p50_ms = db_jobs_uint(res, i, 8);
		k->latency_p95_ms = db_jobs_uint(res, i, 9);
		if (k->kind == NULL) {
			error = "the job statistics do not fit the request's memory";
			break;
		}
		list->kinds[list->n_kinds++] = k;
	}
	call->list_cb(call->arg, error == NULL ? list : NULL, error);
	db_jobs_call_free(call);
}

static void
db_jobs_list_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	Tdkt__JobsListReply	*list = arena_zalloc(call->arena, sizeof *list);
	int			 n = error == NULL ? PQntuples(res) : 0;

	if (error == NULL && list == NULL)
		error = "the job list does not fit the request's memory";
	if (error == NULL) {
		tdkt__jobs_list_reply__init(list);
		if (n > 0 && (list->jobs = arena_zalloc(call->arena,
		    (size_t)n * sizeof *list->jobs)) == NULL)
			error = "the job list does not fit the request's memory";
	}
	for (int i = 0; error == NULL && i < n; i++) {
		if ((list->jobs[i] = db_jobs_info_row(call->arena, res, i, 0)) ==
		    NULL)
			error = "the job list does not fit the request's memory";
		else
			list->n_jobs++;
	}
	if (error != NULL) {
		call->list_cb(call->arg, NULL, error);
		db_jobs_call_free(call);
		return;
	}
	call->list = list;
	db_query(call->db, "SELECT * FROM job_stats()", 0, NULL,
	    db_jobs_stats_done, call);
}

void
db_jobs_list(struct db *db, struct arena *a, const char *state,
    const char *kind, uint32_t limit, db_jobs_list_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	char			 lim[16];
	const char		*params[3] = { state, kind, lim };

	call->list_cb = cb;
	call->db = db;
	call->arena = a;
	snprintf(lim, sizeof lim, "%" PRIu32, limit);
	/* "" state: the live jobs, the ones someone may need to look at. */
	db_query(db, "SELECT " DB_JOBS_INFO_COLUMNS " FROM jobs"
	    " WHERE ($1 = '' AND state NOT IN ('done', 'cancelled')"
	    "        OR state = $1)"
	    "   AND ($2 = '' OR kind = $2)"
	    " ORDER BY id DESC LIMIT $3::integer", 3, params,
	    db_jobs_list_done, call);
}

static void
db_jobs_runs_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	Tdkt__JobShowReply	*show = call->show;
	int			 n = error == NULL ? PQntuples(res) : 0;

	if (error == NULL && n > 0 && (show->runs = arena_zalloc(call->arena,
	    (size_t)n * sizeof *show->runs)) == NULL)
		error = "the job's runs do not fit the request's memory";
	for (int i = 0; error == NULL && i < n; i++) {
		Tdkt__JobRun	*run = arena_zalloc(call->arena, sizeof *run);

		if (run == NULL) {
			error = "the job's runs do not fit the request's memory";
			break;
		}
		tdkt__job_run__init(run);
		run->attempt = (uint32_t)db_jobs_uint(res, i, 0);
		run->worker = db_jobs_text(call->arena, res, i, 1);
		run->started_at_unix_ms = db_jobs_int(res, i, 2);
		run->ended_at_unix_ms = db_jobs_int(res, i, 3);
		run->outcome = db_jobs_text(call->arena, res, i, 4);
		run->error = db_jobs_text(call->arena, res, i, 5);
		run->late_result_at_unix_ms = db_jobs_int(res, i, 6);
		if (run->worker == NULL || run->outcome == NULL ||
		    run->error == NULL) {
			error = "the job's runs do not fit the request's memory";
			break;
		}
		show->runs[show->n_runs++] = run;
	}
	call->show_cb(call->arg, error == NULL ? show : NULL, error);
	db_jobs_call_free(call);
}

static void
db_jobs_show_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	Tdkt__JobShowReply	*show;
	char			 id[24];
	const char		*params[1] = { id };

	if (error != NULL || PQntuples(res) != 1) {
		call->show_cb(call->arg, NULL, error);
		db_jobs_call_free(call);
		return;
	}
	if ((show = arena_zalloc(call->arena, sizeof *show)) == NULL) {
		call->show_cb(call->arg, NULL,
		    "the job does not fit the request's memory");
		db_jobs_call_free(call);
		return;
	}
	tdkt__job_show_reply__init(show);
	if ((show->job = db_jobs_info_row(call->arena, res, 0, 0)) == NULL) {
		call->show_cb(call->arg, NULL,
		    "the job does not fit the request's memory");
		db_jobs_call_free(call);
		return;
	}
	call->show = show;
	snprintf(id, sizeof id, "%" PRIu64, call->id);
	db_query(call->db, "SELECT attempt, worker,"
	    " (extract(epoch FROM started_at) * 1000)::bigint,"
	    " coalesce((extract(epoch FROM ended_at) * 1000)::bigint, 0),"
	    " coalesce(outcome, ''), coalesce(error, ''),"
	    " coalesce((extract(epoch FROM late_result_at) * 1000)::bigint, 0)"
	    " FROM job_runs WHERE job_id = $1::bigint ORDER BY started_at",
	    1, params, db_jobs_runs_done, call);
}

void
db_jobs_show(struct db *db, struct arena *a, uint64_t job_id,
    db_jobs_show_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	char			 id[24];
	const char		*params[1] = { id };

	call->show_cb = cb;
	call->db = db;
	call->arena = a;
	call->id = job_id;
	snprintf(id, sizeof id, "%" PRIu64, job_id);
	db_query(db, "SELECT " DB_JOBS_INFO_COLUMNS " FROM jobs"
	    " WHERE id = $1::bigint", 1, params, db_jobs_show_done, call);
}

static void
db_jobs_acted_info_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	Tdkt__JobInfo		*info = NULL;

	if (error == NULL && PQntuples(res) == 1 &&
	    (info = db_jobs_info_row(call->arena, res, 0, 0)) == NULL)
		error = "the job does not fit the request's memory";
	call->acted_cb(call->arg, info, call->state_before, error);
	db_jobs_call_free(call);
}

static void
db_jobs_act_done(void *arg, const PGresult *res, const char *error)
{
	struct db_jobs_call	*call = arg;
	char			 id[24];
	const char		*params[1] = { id };

	if (error != NULL || PQntuples(res) != 1) {
		call->acted_cb(call->arg, NULL, NULL, error);
		db_jobs_call_free(call);
		return;
	}
	call->state_before = xstrdup(PQgetvalue(res, 0, 0));
	snprintf(id, sizeof id, "%" PRIu64, call->id);
	db_query(call->db, "SELECT " DB_JOBS_INFO_COLUMNS " FROM jobs"
	    " WHERE id = $1::bigint", 1, params, db_jobs_acted_info_done, call);
}

void
db_jobs_act(struct db *db, struct arena *a, uint64_t job_id,
    const char *action, int64_t account_id, const char *address,
    db_jobs_acted_cb *cb, void *arg)
{
	struct db_jobs_call	*call = db_jobs_call_new(arg);
	char			 id[24], account[24];
	const char		*params[4] = { id, action, account, address };

	call->acted_cb = cb;
	call->db = db;
	call->arena = a;
	call->id = job_id;
	snprintf(id, sizeof id, "%" PRIu64, job_id);
	snprintf(account, sizeof account, "%" PRId64, account_id);
	db_query(db, "SELECT state_before, state_after FROM job_admin_act("
	    "$1::bigint, $2, $3::bigint, $4)", 4, params, db_jobs_act_done,
	    call);
}
