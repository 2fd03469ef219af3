/*
 * runner.h - running jobs on threads of their own.
 *
 * The worker's main thread owns its socket to the server and must keep
 * heartbeating while jobs run, so each job runs on a thread of its own. The
 * thread hands its packed Result envelope back over an inproc PUSH socket of
 * its own to the main thread's PULL at RUNNER_ENDPOINT (a ZeroMQ socket is
 * never shared between threads).
 */
#ifndef TDKT_RUNNER_H
#define TDKT_RUNNER_H

#include "job.h"
#include "worker.pb-c.h"

#define RUNNER_ENDPOINT	"inproc://tdkt-results"

/*
 * Starts a thread that runs `job` (copied) with `kind` and sends its Result,
 * always exactly one, to RUNNER_ENDPOINT. The job reads `context`, which
 * must outlive the thread. A result that would not pack into
 * max_result_bytes becomes a failure saying so: the server would refuse the
 * message, and the worker would resend it forever. Returns 0, or -1 if no
 * thread could be started.
 */
int	runner_start(void *zctx, const Tdkt__Job *job, const struct job_kind *kind,
	    const struct job_context *context, const char *worker_name,
	    size_t max_result_bytes);

#endif
