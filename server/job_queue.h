/*
 * job_queue.h - the server's side of the durable job queue: claiming due
 * jobs for workers with credit, holding their leases, applying results,
 * rescuing what was lost, and pruning what is finished.
 *
 * Jobs live in PostgreSQL (db_jobs.h, migration 0007); this module keeps
 * only what a running server needs in memory: the leases it handed to
 * workers that are connected now, the results waiting for their
 * transaction, and the requests waiting for a job of theirs (echo). The
 * worker pool (worker_pool.h) owns the workers and their sockets and tells
 * this module what they say.
 *
 * Guarantees, and how:
 * - A job is never lost: every lease is in PostgreSQL before the job is
 *   sent, and a lease nobody renews expires and is rescued, also after this
 *   server died (every server rescues expired leases, first at start).
 * - A result is applied at most once: job_complete() accepts it only while
 *   the job runs under the lease token it was sent with.
 * - An acknowledged result is durable: the Ack goes out only after the
 *   result's transaction committed; until then the worker keeps resending.
 */
#ifndef TDKT_JOB_QUEUE_H
#define TDKT_JOB_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.pb-c.h"
#include "worker.pb-c.h"

struct server;
struct job_queue;

/* How a job a request waits for ended. Pointers: valid during the callback. */
struct job_outcome {
	uint64_t	 job_id;
	int		 ok;
	const void	*payload;	/* the worker's result when ok */
	size_t		 len;
	Tdkt__ErrorCode	 code;		/* when !ok */
	const char	*detail;	/* when !ok */
	const char	*worker_name;	/* NULL if no worker ran it */
};

typedef void	job_outcome_cb(void *arg, const struct job_outcome *);

struct job_queue	*job_queue_new(struct server *);
/* Tells waiting requests the server is stopping; NULL is allowed. */
void			 job_queue_free(struct job_queue **);

/* Polls for due jobs, renews leases, rescues expired ones, prunes. */
void			 job_queue_tick(struct job_queue *, int64_t now_ms);
/* Claims jobs if a worker has credit and due jobs may be waiting. */
void			 job_queue_dispatch(struct job_queue *);
/* Jobs were just committed: claim now rather than at the next poll. */
void			 job_queue_poke(struct job_queue *);
/* This server's instance: random per start, naming its leases. */
const char		*job_queue_instance(const struct job_queue *);

/*
 * What the worker pool reports. `session` identifies one connection of a
 * worker (0: a sender the pool does not know); `routing_id` is where to
 * acknowledge.
 */
void	job_queue_on_result(struct job_queue *, uint64_t session,
	    const char *worker_name, const void *routing_id, size_t id_len,
	    const Tdkt__Result *);
/* The worker of `session` is gone: its leases are lost attempts. */
void	job_queue_worker_gone(struct job_queue *, uint64_t session,
	    const char *worker_name);
/* The worker of `session` still runs these jobs from before it reconnected. */
void	job_queue_adopt(struct job_queue *, uint64_t session,
	    const char *worker_name, Tdkt__HeldJob *const *held, size_t n);

/*
 * Queues a job of `kind` with a copy of `payload` for a request that waits
 * for it: `cb` runs exactly once, with the result, with the error it ended
 * with, or with a timeout after timeout_ms (the job itself stays queued
 * and runs when it can).
 */
void	job_queue_submit(struct job_queue *, const char *kind,
	    const void *payload, size_t len, int64_t timeout_ms,
	    job_outcome_cb *cb, void *arg);

#endif
