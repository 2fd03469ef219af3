/*
 * handler_echo.c - `tdkt echo`: a round trip through a worker.
 *
 * The text goes to a worker as a durable `echo` job and comes back; the
 * reply names the worker. It exercises the whole job path (the queue in
 * PostgreSQL, credit, leases, results and acknowledgements) with nothing
 * else in the way.
 */
#include <string.h>

#include "handler.h"
#include "roles.h"
#include "server.h"
#include "version.h"
#include "wire.h"
#include "job_queue.h"
#include "worker_pool.h"

#define ECHO_MAX_TEXT		(64 * 1024)

static void
echo_done(void *arg, const struct job_outcome *out)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__EchoReply		 echo = TDKT__ECHO_REPLY__INIT;
	Tdkt__EchoResult	*result;
	struct wire_error	 err;

	if (!out->ok) {
		request_fail(&req, out->code, "%s", out->detail);
		return;
	}
	result = (Tdkt__EchoResult *)wire_unpack(req->arena,
	    &tdkt__echo_result__descriptor, out->payload, out->len, out->len, &err);
	if (result == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INTERNAL,
		    "worker %s returned an unreadable echo result: %s",
		    out->worker_name, err.detail);
		return;
	}
	echo.text = result->text;
	echo.worker_name = (char *)out->worker_name;
	echo.job_id = out->job_id;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_ECHO_REPLY;
	reply.echo_reply = &echo;
	request_reply(&req, &reply);
}

static void
echo_exec(struct request *req)
{
	const Tdkt__EchoRequest	*in = req->env->echo_request;
	Tdkt__EchoJob		 job = TDKT__ECHO_JOB__INIT;
	void			*payload;
	size_t			 len;

	if (strlen(in->text) > ECHO_MAX_TEXT) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "echo text is longer than %d bytes", ECHO_MAX_TEXT);
		return;
	}
	if (in->delay_ms > TDKT_ECHO_MAX_DELAY_MS) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "echo delay is longer than %d ms", TDKT_ECHO_MAX_DELAY_MS);
		return;
	}
	/*
	 * The client is waiting: with no worker to run it, say so now rather
	 * than after jobs.timeout_ms.
	 */
	if (!worker_pool_serves(req->server->pool, "echo")) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "no connected worker runs echo jobs");
		return;
	}
	job.text = in->text;
	job.delay_ms = in->delay_ms;
	if ((payload = wire_pack(req->arena, &job.base, &len)) == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "the echo job does not fit the request's memory budget");
		return;
	}
	job_queue_submit(req->server->jobs, "echo", payload, len,
	    req->server->conf->jobs_timeout_ms + in->delay_ms, echo_done, req);
}

const struct handler_entry handler_echo_entry = {
	.name = "echo",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST,
	.flags = 0,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = echo_exec,
};
