/*
 * db_jobs.h - the durable job queue in PostgreSQL (migration 0007), as the
 * server's scheduler (job_queue.c) and the administrators' handlers use it.
 *
 * Each function is one query and one transaction; batches travel as arrays,
 * so a thousand completions cost one round trip. Callbacks run once, after
 * the transaction committed (or with an error, when nothing did); pointers
 * they get are valid only during the callback.
 */
#ifndef TDKT_DB_JOBS_H
#define TDKT_DB_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "client.pb-c.h"
#include "db.h"

/* A job leased to a worker by db_jobs_claim, or kept by db_jobs_adopt. */
struct db_job_lease {
	uint64_t	 id;
	const char	*kind;
	const char	*lease_token;
	const void	*payload;	/* claim only */
	size_t		 len;
	uint32_t	 timeout_ms;
	uint32_t	 attempt;	/* claim only */
};

typedef void	db_jobs_leased_cb(void *arg, const struct db_job_lease *,
		    size_t n, const char *error);

/*
 * Who leases: `owner` names the worker for people; `holder` is this server
 * instance and the worker's connection ("<instance>/<session>"), which
 * releases and renewals must name (migration 0007).
 */
struct db_job_holder {
	const char	*owner;
	const char	*holder;
};

/*
 * Leases up to `limit` due jobs of `kinds` for lease_ms, as claim `claim_id`
 * (db_jobs_release_claim gives them back if this answer is lost).
 */
void	db_jobs_claim(struct db *, const struct db_job_holder *,
	    const char *claim_id, char *const *kinds, size_t nkinds,
	    uint32_t limit, uint32_t lease_ms, db_jobs_leased_cb *, void *arg);

/*
 * A reconnected worker's jobs stay its: the returned ones are current, with
 * the time they have left as timeout_ms.
 */
void	db_jobs_adopt(struct db *, const struct db_job_holder *,
	    const uint64_t *ids, char *const *tokens, size_t n,
	    uint32_t lease_ms, db_jobs_leased_cb *, void *arg);

/* A worker's result, as job_complete() takes it. */
struct db_job_result {
	uint64_t	 id;
	const char	*lease_token;
	bool		 ok;
	const void	*result;	/* when ok */
	size_t		 len;
	const char	*effect;	/* when ok: JSON for job_apply_effect, or NULL */
	const char	*error;		/* when !ok; English */
	bool		 permanent;	/* when !ok: retrying cannot help */
	bool		 unknown;	/* when !ok: it may have acted */
};

/* What became of a job: "done", "queued", "discarded", "unknown", "stale". */
struct db_job_settled {
	uint64_t	 id;
	const char	*lease_token;	/* NULL from release and rescue */
	const char	*outcome;
};

typedef void	db_jobs_settled_cb(void *arg, const struct db_job_settled *,
		    size_t n, const char *error);

/* Applies results under their leases (fenced), with their effects. */
void	db_jobs_complete(struct db *, const struct db_job_result *, size_t n,
	    db_jobs_settled_cb *, void *arg);

/*
 * Takes leases of `holder` back: why is "handed_back" or "unsent" (no
 * attempt spent) or "lost" (a failed attempt that may have acted).
 */
void	db_jobs_release(struct db *, const uint64_t *ids, char *const *tokens,
	    size_t n, const char *holder, const char *why, const char *error,
	    db_jobs_settled_cb *, void *arg);

typedef void	db_jobs_count_cb(void *arg, uint64_t count, const char *error);

/* Gives back, unsent, the leases of a claim whose answer was lost. */
void	db_jobs_release_claim(struct db *, const char *claim_id,
	    const char *holder, db_jobs_count_cb *, void *arg);

/*
 * Renews leases, each for its holder, whose jobs are within their time;
 * `cb` gets the leases not renewed (outcome "gone").
 */
void	db_jobs_renew(struct db *, const uint64_t *ids, char *const *tokens,
	    char *const *holders, size_t n, uint32_t lease_ms,
	    db_jobs_settled_cb *, void *arg);

/* Rescues up to `limit` leases nobody renewed in time. */
void	db_jobs_rescue_expired(struct db *, uint32_t limit,
	    db_jobs_settled_cb *, void *arg);

/* Moves finished jobs to the history and forgets old history and keys. */
void	db_jobs_prune(struct db *, uint32_t keep_done_minutes,
	    uint32_t keep_history_days, uint32_t keep_keys_days, uint32_t batch,
	    db_jobs_count_cb *, void *arg);

/* Queues a job; `cb` gets its id (0: a job with unique_key exists). */
void	db_jobs_enqueue(struct db *, const char *kind, const void *payload,
	    size_t len, const char *unique_key, db_jobs_count_cb *, void *arg);

/* Jobs queued and due now: what waits for a worker. */
void	db_jobs_waiting(struct db *, db_jobs_count_cb *, void *arg);

/* What an administrator reads; messages built in `a`. */
typedef void	db_jobs_list_cb(void *arg, Tdkt__JobsListReply *,
		    const char *error);
void	db_jobs_list(struct db *, struct arena *, const char *state,
	    const char *kind, uint32_t limit, db_jobs_list_cb *, void *arg);

/* `reply` is NULL (and error too) when there is no such job. */
typedef void	db_jobs_show_cb(void *arg, Tdkt__JobShowReply *,
		    const char *error);
void	db_jobs_show(struct db *, struct arena *, uint64_t id,
	    db_jobs_show_cb *, void *arg);

/*
 * An administrator's retry or cancel ("retry", "cancel"): `cb` gets the
 * job afterwards, and `state_before`, or NULL job for no such job.
 */
typedef void	db_jobs_acted_cb(void *arg, Tdkt__JobInfo *,
		    const char *state_before, const char *error);
void	db_jobs_act(struct db *, struct arena *, uint64_t id,
	    const char *action, int64_t account_id, const char *address,
	    db_jobs_acted_cb *, void *arg);

#endif
