/*
 * request.c - the life of one client request; see request.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "log.h"
#include "request.h"
#include "server.h"
#include "utf8.h"
#include "version.h"
#include "wire.h"
#include "xmalloc.h"

struct request *
request_new(struct server *s, const void *routing_id, size_t routing_id_len)
{
	struct request	*req;

	req = xcalloc(1, sizeof *req);
	req->server = s;
	req->arena = arena_new((size_t)s->conf->limits_request_memory_bytes);
	if (routing_id_len > sizeof req->routing_id)
		routing_id_len = sizeof req->routing_id;
	memcpy(req->routing_id, routing_id, routing_id_len);
	req->routing_id_len = routing_id_len;
	req->received_ms = clock_monotonic_ms();
	req->name = "?";
	s->requests_live++;
	return req;
}

void
request_set_address(struct request *req, zmq_msg_t *frame)
{
	const char	*address = zmq_msg_gets(frame, "Peer-Address");

	snprintf(req->address, sizeof req->address, "%s",
	    address != NULL ? address : "");
}

static void
request_free(struct request **reqp)
{
	struct request	*req = *reqp;

	req->server->requests_live--;
	arena_free(&req->arena);
	free(req);
	*reqp = NULL;
}

void
request_reply(struct request **reqp, Tdkt__ClientEnvelope *reply)
{
	struct request	*req = *reqp;

	reply->version = TDKT_PROTOCOL_VERSION;
	reply->request_id = req->request_id;
	if (wire_send(req->server->clients, req->routing_id, req->routing_id_len,
	    &reply->base) < 0) {
		/* EHOSTUNREACH: the client left before its answer was ready. */
		log_info("could not answer %s request %llu: %s", req->name,
		    (unsigned long long)req->request_id, zmq_strerror(errno));
	} else
		log_debug("answered %s request %llu in %lld ms", req->name,
		    (unsigned long long)req->request_id,
		    (long long)(clock_monotonic_ms() - req->received_ms));
	request_free(reqp);
}

static void
request_vfail(struct request **reqp, Tdkt__ErrorCode code,
    const char *message_vi, const char *fmt, va_list ap)
{
	Tdkt__ClientEnvelope	reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__Error		error = TDKT__ERROR__INIT;
	char			detail[512];

	vsnprintf(detail, sizeof detail, fmt, ap);
	utf8_trim_partial(detail);	/* a reply must stay valid UTF-8 */
	wire_error_fill(&error, code, detail);
	if (message_vi != NULL)
		error.message_vi = (char *)message_vi;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_ERROR;
	reply.error = &error;
	request_reply(reqp, &reply);
}

void
request_fail(struct request **reqp, Tdkt__ErrorCode code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	request_vfail(reqp, code, NULL, fmt, ap);
	va_end(ap);
}

void
request_fail_vi(struct request **reqp, Tdkt__ErrorCode code,
    const char *message_vi, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	request_vfail(reqp, code, message_vi, fmt, ap);
	va_end(ap);
}

void
request_refuse(struct request **reqp, const char *message_vi, char **problems,
    size_t n)
{
	Tdkt__ClientEnvelope	reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__Error		error = TDKT__ERROR__INIT;
	char			detail[128];

	snprintf(detail, sizeof detail, "%zu problem%s found; nothing was saved",
	    n, n == 1 ? "" : "s");
	wire_error_fill(&error, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
	    detail);
	error.message_vi = (char *)message_vi;
	error.problems = problems;
	error.n_problems = n > REQUEST_MAX_PROBLEMS ? REQUEST_MAX_PROBLEMS : n;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_ERROR;
	reply.error = &error;
	request_reply(reqp, &reply);
}
