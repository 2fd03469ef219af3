/*
 * server_client.c - the clients' ROUTER: from frames to a handler.
 *
 * Every message is checked here, in this order, before any handler sees it:
 * one body frame after the routing id; no larger than limits.max_message_bytes
 * (ZMQ_MAXMSGSIZE already disconnects bigger ones); a ClientEnvelope that
 * decodes within the request's memory budget with valid UTF-8 strings; our
 * protocol version; a body the server serves; the handler's declared needs
 * (handler.h), the session and the caller's roles last (auth.c). Each failure is answered with a typed error and the server
 * goes on serving everyone else.
 */
#include <errno.h>

#include "auth.h"
#include "db.h"
#include "handler.h"
#include "log.h"
#include "request.h"
#include "server.h"
#include "sock.h"
#include "version.h"
#include "wire.h"

/* Messages handled per wake-up, so a flood on one socket cannot starve the rest. */
#define SERVER_CLIENT_BATCH	256

static void
server_client_dispatch(struct server *s, struct sock_message *m)
{
	struct request			*req;
	const struct handler_entry	*h;
	struct wire_error		 err;

	req = request_new(s, sock_frame_data(m, 0), sock_frame_size(m, 0));
	if (m->nframes > 1)
		request_set_address(req, &m->frames[1]);
	if (m->total_frames != 2) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_MALFORMED,
		    "expected one frame holding an envelope, got %zu",
		    m->total_frames - 1);
		return;
	}
	req->env = wire_unpack_client(req->arena, sock_frame_data(m, 1),
	    sock_frame_size(m, 1), (size_t)s->conf->limits_max_message_bytes, &err);
	if (req->env == NULL) {
		log_info("refused a client message: %s", err.detail);
		request_fail(&req, err.code, "%s", err.detail);
		return;
	}
	req->request_id = req->env->request_id;
	if (req->env->version != TDKT_PROTOCOL_VERSION) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_VERSION,
		    "protocol version %u is not supported; this server speaks %u",
		    req->env->version, TDKT_PROTOCOL_VERSION);
		return;
	}
	if ((h = handlers_find(req->env->body_case)) == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNKNOWN_TYPE,
		    "the server serves no request of type %d",
		    (int)req->env->body_case);
		return;
	}
	req->name = h->name;
	/* This request is counted in requests_live already. */
	if (s->requests_live > (size_t)s->conf->limits_max_requests) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the server is serving %lld requests, its limit",
		    (long long)s->conf->limits_max_requests);
		return;
	}
	if (s->stopping) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_SHUTTING_DOWN,
		    "the server is shutting down");
		return;
	}
	/* A session is checked in the database too. */
	if ((h->flags & HANDLER_NEEDS_DB || !(h->flags & HANDLER_PUBLIC)) &&
	    !db_ready(s->db)) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the database is not connected");
		return;
	}
	log_debug("%s request %llu", h->name, (unsigned long long)req->request_id);
	auth_authorize(req, h);
}

void
server_client_handle_input(struct server *s)
{
	struct sock_message	m;

	for (int i = 0; i < SERVER_CLIENT_BATCH; i++) {
		if (sock_recv_message(s->clients, &m) < 0) {
			if (errno != EAGAIN)
				log_warnx("could not receive from clients: %s",
				    zmq_strerror(errno));
			return;
		}
		if (m.nframes < 1) {
			sock_message_close(&m);
			continue;
		}
		server_client_dispatch(s, &m);
		sock_message_close(&m);
	}
}
