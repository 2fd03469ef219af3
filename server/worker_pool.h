/*
 * worker_pool.h - the workers' ROUTER: who is connected, their credit, and
 * the protocol of proto/worker.proto.
 *
 * Workers announce themselves with Ready (capacity and job kinds) and
 * exchange heartbeats with the server. The pool never lets a worker hold
 * more jobs than its announced capacity (its credit), so no socket buffer
 * ever holds a job that could be dropped, and offers the least recently
 * used worker first. A worker silent for workers.liveness heartbeats, or
 * whose connection is gone, is dead: the job queue (job_queue.h) takes its
 * leases back. Which jobs run, and their results, are the job queue's.
 *
 * Each connection of a worker is a session, numbered from 1; a worker that
 * reconnects is a new session.
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

struct worker_pool	*worker_pool_new(struct server *);
/* Tells workers goodbye; NULL is allowed. */
void			 worker_pool_free(struct worker_pool **);

/* Handles whatever is waiting on the workers' ROUTER. */
void			 worker_pool_handle_input(struct worker_pool *);
/* Heartbeats, and dead workers. */
void			 worker_pool_tick(struct worker_pool *, int64_t now_ms);

/*
 * Disconnects every worker whose CURVE key the ZAP handler no longer
 * allows (its leases are taken back); workers on plain ipc:// have no key
 * and stay.
 */
void			 worker_pool_cut_off_disallowed(struct worker_pool *);
/* Workers connected with this key. */
uint32_t		 worker_pool_count_key(const struct worker_pool *,
			    const char *key);

/* Workers connected. */
uint32_t		 worker_pool_count(const struct worker_pool *);

/*
 * Fills `out` with the connected workers, in `a` (NULL entries when the
 * arena is spent, which the caller checks), and the jobs they run.
 */
struct arena;
void			 worker_pool_describe(const struct worker_pool *,
			    struct arena *a, Tdkt__WorkersListReply *out);
/* True if some connected worker runs jobs of `kind`. */
bool			 worker_pool_serves(const struct worker_pool *,
			    const char *kind);

/* A worker with credit, as a claim needs it; its pointers are the worker's. */
struct worker_slot {
	uint64_t	 session;
	const char	*name;
	char *const	*kinds;
	size_t		 nkinds;
	uint32_t	 credit;	/* jobs it can take now */
};

/* The least recently used worker with credit, not dry; false if none. */
bool			 worker_pool_next_free(struct worker_pool *,
			    struct worker_slot *);
/*
 * No due jobs for the kinds of `session`'s worker: it and every worker
 * whose kinds are among them are dry, and offered no more, until
 * worker_pool_wet.
 */
void			 worker_pool_dry(struct worker_pool *, uint64_t session);
void			 worker_pool_wet(struct worker_pool *);
/*
 * Sends a leased job to the worker of `session`, which the caller has
 * counted in flight (worker_pool_hold). Returns 0, or -1 if that worker is
 * gone or its pipe is full (the lease is the caller's).
 */
struct db_job_lease;
int			 worker_pool_send_job(struct worker_pool *,
			    uint64_t session, const struct db_job_lease *);
/* One more job of `session` in flight; false if the session is gone. */
bool			 worker_pool_hold(struct worker_pool *, uint64_t session);
/* One job of `session` ended: its credit comes back. */
void			 worker_pool_release(struct worker_pool *,
			    uint64_t session);
/* Acknowledges a result, once it is durable or known to be stale. */
void			 worker_pool_ack(struct worker_pool *,
			    const void *routing_id, size_t id_len,
			    uint64_t job_id, const char *lease_token);

#endif
