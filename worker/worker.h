/*
 * worker.h - tdkt-worker's connection to the server and its event loop.
 *
 * The worker speaks the protocol of proto/worker.proto in the Paranoid
 * Pirate style: it announces itself with Ready, heartbeats, and when the
 * server has been silent for `liveness` heartbeats it drops its socket and
 * connects afresh after a back-off that doubles up to reconnect.max_ms. A
 * result is kept until the server acknowledges it and is sent again after
 * every reconnection, so a server restart loses no finished work.
 */
#ifndef TDKT_WORKER_H
#define TDKT_WORKER_H

#include "job_context.h"
#include "worker_config.h"

struct worker;

/*
 * Returns a worker ready to run, or NULL with *cause set (caller frees).
 * It takes over *context (and sets it to NULL), which its jobs read.
 */
struct worker	*worker_new(const struct worker_config *,
		    struct job_context **context, char **cause);
/* Runs until SIGTERM/SIGINT and a graceful stop; returns the exit code. */
int		 worker_run(struct worker *);
/* NULL is allowed. */
void		 worker_free(struct worker **);

#endif
