/*
 * job_hooks.h - what the server does around a worker's run, for the kinds
 * of job that need more than the queue itself:
 *
 * - prepare: the payload a worker is sent, built when the job is
 *   dispatched from what its row holds (a reference: a dossier's id, a
 *   file's SHA-256), so that the row stays small and the input is read
 *   fresh;
 * - effect: what a worker's result means for the database, as the JSON
 *   job_complete() hands to job_apply_effect() (migration 0008), applied
 *   in the completion's transaction.
 *
 * A kind without hooks (echo) is sent its payload as stored and has no
 * effect.
 */
#ifndef TDKT_JOB_HOOKS_H
#define TDKT_JOB_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

struct db_job_lease;
struct server;

/*
 * The payload to send (valid only during the callback), or NULL with
 * `error`: `permanent` when the job can never be prepared (what it refers
 * to is gone), else the database failed and the job should wait its turn.
 */
typedef void	job_prepared_cb(void *arg, const void *payload, size_t len,
		    const char *error, bool permanent);

struct job_hooks {
	const char	*kind;
	/* NULL: the payload goes as stored. */
	void		 (*prepare)(struct server *, const struct db_job_lease *,
			    job_prepared_cb *, void *arg);
	/*
	 * NULL: no effect. Otherwise returns the effect's JSON (caller
	 * frees), or NULL with *error (caller frees) for a result that cannot
	 * be read, which then counts as a failed attempt.
	 */
	char		*(*effect)(const void *result, size_t len, char **error);
};

/* The hooks of `kind`, or NULL. */
const struct job_hooks	*job_hooks_find(const char *kind);

#endif
