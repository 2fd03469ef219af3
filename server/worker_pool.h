/*
 * worker_pool.h - the workers' ROUTER: who is connected, and the jobs given them.
 *
 * Workers announce themselves with Ready (capacity and job kinds), exchange
 * heartbeats with the server, and receive jobs. The pool never gives a worker
 * more jobs than its announced capacity (its credit), so no socket buffer
 * ever holds a job that could be dropped; it prefers the worker that has
 * waited longest. A worker silent for workers.liveness heartbeats is dead and
 * its jobs go back to the queue.
 *
 * In this step jobs live in memory and exist only while a client waits for
 * them (echo); durable jobs in PostgreSQL replace the queue in a later step,
 * keeping this dispatch and lease protocol.
 */
#ifndef TDKT_WORKER_POOL_H
#define TDKT_WORKER_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.pb-c.h"
#include "common.pb-c.h"

struct server;
struct worker_pool;

/* How a job ended. Pointers are valid only during the callback. */
struct job_outcome {
	uint64_t	 job_id;
	int		 ok;
	const void	*payload;	/* the worker's result when ok */
	size_t		 len;
	Tdkt__ErrorCode	 code;		/* when !ok */
	const char	*detail;	/* when !ok */
	const char	*worker_name;	/* NULL if no worker ran it */
};

typedef void	worker_job_cb(void *arg, const struct job_outcome *);

struct worker_pool	*worker_pool_new(struct server *);
/* Tells workers goodbye and fails every job; NULL is allowed. */
void			 worker_pool_free(struct worker_pool **);

/* Handles whatever is waiting on the workers' ROUTER. */
void			 worker_pool_handle_input(struct worker_pool *);
/* Heartbeats, dead workers, expired jobs, dispatch. */
void			 worker_pool_tick(struct worker_pool *, int64_t now_ms);

/*
 * Disconnects every worker whose CURVE key the ZAP handler no longer
 * allows (its jobs go back to the queue); workers on plain ipc:// have no
 * key and stay.
 */
void			 worker_pool_cut_off_disallowed(struct worker_pool *);
/* Workers connected with this key. */
uint32_t		 worker_pool_count_key(const struct worker_pool *,
			    const char *key);

/* Workers connected. */
uint32_t		 worker_pool_count(const struct worker_pool *);

/*
 * Fills `out` with the connected workers, in `a` (NULL entries when the
 * arena is spent, which the caller checks), and the jobs waiting and
 * running.
 */
struct arena;
void			 worker_pool_describe(const struct worker_pool *,
			    struct arena *a, Tdkt__WorkersListReply *out);
/* True if some connected worker runs jobs of `kind`. */
bool			 worker_pool_serves(const struct worker_pool *,
			    const char *kind);

/*
 * Queues a job of `kind` with a copy of `payload`. `cb` runs exactly once:
 * with the worker's result, or an error when no worker finished it within
 * `timeout_ms` or the pool shuts down. Returns the job id.
 */
uint64_t		 worker_pool_submit(struct worker_pool *, const char *kind,
			    const void *payload, size_t len, int64_t timeout_ms,
			    worker_job_cb *cb, void *arg);

#endif
