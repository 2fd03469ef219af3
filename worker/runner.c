/*
 * runner.c - one thread per running job; see runner.h.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "log.h"
#include "runner.h"
#include "sock.h"
#include "version.h"
#include "wire.h"
#include "xmalloc.h"

struct runner_job {
	void			*zctx;
	const struct job_kind	*kind;
	const struct job_context *context;
	uint64_t		 job_id;
	char			*lease_token;
	char			*kind_name;
	void			*payload;
	size_t			 len;
	uint32_t		 timeout_ms;
	char			*worker_name;
	size_t			 max_result_bytes;
};

static void
runner_job_free(struct runner_job *rj)
{
	free(rj->lease_token);
	free(rj->kind_name);
	free(rj->payload);
	free(rj->worker_name);
	free(rj);
}

static void
runner_send_result(struct runner_job *rj, struct job_output *out)
{
	Tdkt__WorkerEnvelope	 env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Result		 result = TDKT__RESULT__INIT;
	Tdkt__Error		 error = TDKT__ERROR__INIT;
	void			*push;

	/* Room for the envelope around it, which is small. */
	if (out->ok && out->len > rj->max_result_bytes - 1024) {
		out->ok = false;
		out->code = TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE;
		snprintf(out->detail, sizeof out->detail, "the result of %zu "
		    "bytes is over the %zu a message may carry", out->len,
		    rj->max_result_bytes);
	}
	result.job_id = rj->job_id;
	result.lease_token = rj->lease_token;
	result.kind = rj->kind_name;
	result.ok = out->ok;
	if (out->ok) {
		result.payload.data = out->payload;
		result.payload.len = out->len;
	} else {
		wire_error_fill(&error, out->code, out->detail);
		result.error = &error;
	}
	env.version = TDKT_PROTOCOL_VERSION;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_RESULT;
	env.result = &result;

	if ((push = sock_new(rj->zctx, ZMQ_PUSH, 0)) == NULL ||
	    zmq_connect(push, RUNNER_ENDPOINT) < 0)
		fatalx("could not connect a job thread to the worker: %s",
		    zmq_strerror(zmq_errno()));
	/* Blocking is right here: inproc, and the main thread always reads. */
	size_t	 len = protobuf_c_message_get_packed_size(&env.base);
	void	*buf = xmalloc(len);

	protobuf_c_message_pack(&env.base, buf);
	if (zmq_send(push, buf, len, 0) < 0)
		log_warnx("could not hand back the result of job %llu: %s",
		    (unsigned long long)rj->job_id, zmq_strerror(zmq_errno()));
	free(buf);
	zmq_close(push);
}

static void *
runner_main(void *arg)
{
	struct runner_job	*rj = arg;
	struct job_output	 out = { 0 };
	struct job_input	 in = {
		.job_id = rj->job_id, .kind = rj->kind_name,
		.payload = rj->payload, .len = rj->len,
		.timeout_ms = rj->timeout_ms, .worker_name = rj->worker_name,
		.context = rj->context,
	};

	rj->kind->run(&in, &out);
	runner_send_result(rj, &out);
	free(out.payload);
	runner_job_free(rj);
	return NULL;
}

int
runner_start(void *zctx, const Tdkt__Job *job, const struct job_kind *kind,
    const struct job_context *context, const char *worker_name,
    size_t max_result_bytes)
{
	struct runner_job	*rj;
	pthread_t		 thread;
	pthread_attr_t		 attr;
	int			 rc;

	rj = xcalloc(1, sizeof *rj);
	rj->zctx = zctx;
	rj->kind = kind;
	rj->context = context;
	rj->job_id = job->job_id;
	rj->lease_token = xstrdup(job->lease_token);
	rj->kind_name = xstrdup(job->kind);
	rj->payload = xmalloc(job->payload.len);
	if (job->payload.len > 0)
		memcpy(rj->payload, job->payload.data, job->payload.len);
	rj->len = job->payload.len;
	rj->timeout_ms = job->timeout_ms;
	rj->worker_name = xstrdup(worker_name);
	rj->max_result_bytes = max_result_bytes;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&thread, &attr, runner_main, rj);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		log_warnx("could not start a thread for job %llu: %s",
		    (unsigned long long)job->job_id, strerror(rc));
		runner_job_free(rj);
		return -1;
	}
	return 0;
}
