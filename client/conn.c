/*
 * conn.c - request/reply with timeout and retry; see conn.h.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "clock.h"
#include "conn.h"
#include "curve.h"
#include "log.h"
#include "sock.h"
#include "version.h"
#include "wire.h"
#include "xmalloc.h"

struct conn {
	struct conn_options	 opts;
	char			*endpoint;
	char			*server_public_key;
	void			*zctx;
	void			*sock;		/* DEALER; NULL until used */
	uint64_t		 next_request_id;
	int			 interrupt_fd;	/* -1: none */
};

static uint64_t
conn_random64(void)
{
	uint64_t	v;

	if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
		v = (uint64_t)clock_wall_ms() ^ ((uint64_t)getpid() << 32);
	return v;
}

struct conn *
conn_new(const struct conn_options *opts)
{
	struct conn	*c;

	c = xcalloc(1, sizeof *c);
	c->opts = *opts;
	c->endpoint = xstrdup(opts->endpoint);
	c->opts.endpoint = c->endpoint;
	c->server_public_key = xstrdup(opts->server_public_key != NULL ?
	    opts->server_public_key : "");
	c->opts.server_public_key = c->server_public_key;
	/* Random start: ids from two runs of the CLI never collide. */
	c->next_request_id = (conn_random64() >> 1) | 1;
	c->interrupt_fd = -1;
	if ((c->zctx = zmq_ctx_new()) == NULL)
		fatalx("could not create a ZeroMQ context: %s", zmq_strerror(errno));
	return c;
}

static void
conn_close_socket(struct conn *c)
{
	int	zero = 0;

	if (c->sock == NULL)
		return;
	/* What is unsent belongs to an attempt we gave up on. */
	zmq_setsockopt(c->sock, ZMQ_LINGER, &zero, sizeof zero);
	sock_close(&c->sock);
}

void
conn_free(struct conn **cp)
{
	struct conn	*c = *cp;

	if (c == NULL)
		return;
	conn_close_socket(c);
	zmq_ctx_term(c->zctx);
	free(c->endpoint);
	free(c->server_public_key);
	free(c);
	*cp = NULL;
}

static int
conn_open_socket(struct conn *c, const char **cause)
{
	char	*why = NULL;

	if (curve_endpoint_needs(c->endpoint) &&
	    !curve_key_valid(c->server_public_key)) {
		*cause = "the server is reached over TCP, so the configuration "
		    "needs its server_public_key";
		return -1;
	}
	if ((c->sock = sock_new(c->zctx, ZMQ_DEALER,
	    c->opts.max_message_bytes)) == NULL) {
		*cause = "could not create a socket";
		return -1;
	}
	/* A key pair of our own per socket: the session says who we are. */
	if (curve_endpoint_needs(c->endpoint) &&
	    curve_setup_client(c->sock, c->server_public_key, NULL) < 0) {
		conn_close_socket(c);
		*cause = "could not set up the encrypted connection";
		return -1;
	}
	if (sock_connect(c->sock, c->endpoint, &why) < 0) {
		free(why);
		conn_close_socket(c);
		*cause = "invalid server endpoint";
		return -1;
	}
	return 0;
}

/*
 * Waits until `deadline` for the answer to `request_id`. Returns 1 with
 * *reply set, 0 on timeout, -1 for an unreadable answer, -2 when the
 * interrupt fd became readable.
 */
static int
conn_wait(struct conn *c, uint64_t request_id, int64_t deadline,
    struct arena *a, Tdkt__ClientEnvelope **reply, const char **cause)
{
	for (;;) {
		zmq_pollitem_t		items[2] = {
			{ c->sock, 0, ZMQ_POLLIN, 0 },
			{ NULL, c->interrupt_fd, ZMQ_POLLIN, 0 }
		};
		int64_t			left = deadline - clock_monotonic_ms();
		struct sock_message	m;
		struct wire_error	err;
		Tdkt__ClientEnvelope	*env;

		if (left <= 0)
			return 0;
		if (zmq_poll(items, c->interrupt_fd >= 0 ? 2 : 1,
		    (long)left) < 0) {
			if (errno == EINTR)
				continue;
			*cause = "could not wait for the answer";
			return -1;
		}
		if (c->interrupt_fd >= 0 && (items[1].revents & ZMQ_POLLIN)) {
			*cause = "interrupted";
			return -2;
		}
		if (!(items[0].revents & ZMQ_POLLIN))
			continue;
		if (sock_recv_message(c->sock, &m) < 0)
			continue;
		if (m.total_frames != 1) {
			sock_message_close(&m);
			continue;
		}
		env = wire_unpack_client(a, sock_frame_data(&m, 0),
		    sock_frame_size(&m, 0), (size_t)c->opts.max_message_bytes, &err);
		sock_message_close(&m);
		if (env == NULL) {
			*cause = "the server's answer could not be read";
			return -1;
		}
		/* An error about an unreadable request cannot carry our id. */
		if (env->request_id == request_id || (env->request_id == 0 &&
		    env->body_case == TDKT__CLIENT_ENVELOPE__BODY_ERROR)) {
			*reply = env;
			return 1;
		}
		/* A late answer to an attempt we gave up on: ignore it. */
	}
}

enum conn_status
conn_call(struct conn *c, Tdkt__ClientEnvelope *req, struct arena *a,
    Tdkt__ClientEnvelope **reply, const char **cause)
{
	size_t	 len;
	void	*buf;

	*reply = NULL;
	req->version = TDKT_PROTOCOL_VERSION;
	req->request_id = c->next_request_id++;
	if ((buf = wire_pack(a, &req->base, &len)) == NULL) {
		*cause = "the request is too large";
		return CONN_BAD_REPLY;
	}
	for (int64_t attempt = 0; attempt <= c->opts.retries; attempt++) {
		int	rc;

		if (c->sock == NULL && conn_open_socket(c, cause) < 0)
			return CONN_UNREACHABLE;
		if (zmq_send(c->sock, buf, len, ZMQ_DONTWAIT) < 0) {
			conn_close_socket(c);
			continue;
		}
		rc = conn_wait(c, req->request_id,
		    clock_monotonic_ms() + c->opts.timeout_ms, a, reply, cause);
		if (rc == -2)
			return CONN_INTERRUPTED;
		if (rc < 0)
			return CONN_BAD_REPLY;
		if (rc == 1)
			return (*reply)->body_case == TDKT__CLIENT_ENVELOPE__BODY_ERROR ?
			    CONN_SERVER_ERROR : CONN_OK;
		/* No answer: a fresh socket, the same request. */
		conn_close_socket(c);
	}
	*cause = "no answer from the server";
	return CONN_UNREACHABLE;
}

void
conn_set_interrupt_fd(struct conn *c, int fd)
{
	c->interrupt_fd = fd;
}

void
conn_set_timeout(struct conn *c, int64_t timeout_ms)
{
	c->opts.timeout_ms = timeout_ms;
}

void
conn_new_idempotency_key(char buf[33])
{
	uint64_t	a = conn_random64(), b = conn_random64();

	snprintf(buf, 33, "%016llx%016llx", (unsigned long long)a,
	    (unsigned long long)b);
}
