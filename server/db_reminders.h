/*
 * db_reminders.h - the reminder planner's queries and a reminder's input
 * for its worker (migration 0009).
 */
#ifndef TDKT_DB_REMINDERS_H
#define TDKT_DB_REMINDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worker.pb-c.h"

struct arena;
struct db;
struct remind_candidate;

/* The lease's holder after the attempt (ours when we hold it), or NULL. */
typedef void	db_reminders_lease_cb(void *arg, const char *holder,
		    const char *error);
/* Takes or renews the planner's lease for `holder`, for `ttl_ms`. */
void	db_reminders_lease(struct db *, const char *holder, int64_t ttl_ms,
	    db_reminders_lease_cb *, void *arg);

/* Candidates valid during the callback only; NULL with `error` on failure. */
typedef void	db_reminders_candidates_cb(void *arg,
		    const struct remind_candidate *, size_t n,
		    const char *error);
/*
 * Units owing a dossier whose deadline is near `now_ms`, that got no
 * reminder for it in the last day.
 */
void	db_reminders_candidates(struct db *, int64_t now_ms,
	    db_reminders_candidates_cb *, void *arg);

typedef void	db_reminders_commit_cb(void *arg, bool planned,
		    unsigned reminders, unsigned escalations, const char *error);
/*
 * Writes the reminders in `items_json` (see reminder_plan_commit) with
 * their jobs, if `holder` still holds the lease, and renews it for `ttl_ms`.
 */
void	db_reminders_commit(struct db *, const char *holder, int64_t ttl_ms,
	    const char *items_json, db_reminders_commit_cb *, void *arg);

/*
 * The job (in `arena`) for reminder `key`, or NULL: with `error` when the
 * query failed, without when there is no such reminder.
 */
typedef void	db_reminders_job_cb(void *arg, Tdkt__RemindJob *,
		    const char *error);
void	db_reminders_job_input(struct db *, struct arena *, const char *key,
	    db_reminders_job_cb *, void *arg);

#endif
