/*
 * check_bad_input.c - hostile and broken clients on a real server.
 *
 * A raw ZeroMQ DEALER, built here rather than through the client library,
 * sends what no honest client would: garbage, a foreign protocol version,
 * envelopes with no body, a reply body or only a field from the future,
 * two frames, text that is not UTF-8 or holds a NUL byte, and a message over
 * limits.max_message_bytes. Each must get its typed error (or, when too
 * large, a dropped connection) and nothing more: the same client can go on,
 * another client is served, and the server still exits 0 on SIGTERM, which
 * under ASan and UBSan also means no memory error was made on the way.
 *
 * Last, a client that asks for a slow echo and leaves before the answer:
 * the server notes that it cannot answer and goes on.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "harness.h"

#define MALFORMED		TDKT__ERROR_CODE__ERROR_CODE_MALFORMED
#define VERSION			TDKT__ERROR_CODE__ERROR_CODE_VERSION
#define UNKNOWN_TYPE		TDKT__ERROR_CODE__ERROR_CODE_UNKNOWN_TYPE
#define INVALID_ARGUMENT	TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT

/* No answer at all: the server disconnects the peer. */
#define BAD_NO_ANSWER		(-1)
/* How long to be sure no answer comes. */
#define BAD_SILENCE_MS		1500

struct bad_input {
	const char	*name;
	void		(*send)(void *sock);
	int		 code;		/* expected error, or BAD_NO_ANSWER */
	uint64_t	 request_id;	/* expected in the answer */
};

static struct harness	*h;

static void
bad_teardown(void)
{
	harness_free(&h);
}

static void
bad_send_bytes(void *sock, const void *data, size_t len, int flags)
{
	ck_assert_int_eq(zmq_send(sock, data, len, flags | ZMQ_DONTWAIT),
	    (int)len);
}

static void
bad_send_envelope(void *sock, Tdkt__ClientEnvelope *env)
{
	ck_assert_int_eq(harness_send(sock, &env->base), 0);
}

static void
bad_garbage(void *sock)
{
	/* A varint that never ends: no protobuf decoder can take it. */
	static const unsigned char garbage[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};

	bad_send_bytes(sock, garbage, sizeof garbage, 0);
}

static void
bad_version(void *sock)
{
	Tdkt__ClientEnvelope	env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingRequest	ping = TDKT__PING_REQUEST__INIT;

	env.version = 99;
	env.request_id = 42;
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	env.ping_request = &ping;
	bad_send_envelope(sock, &env);
}

static void
bad_no_body(void *sock)
{
	Tdkt__ClientEnvelope	env = TDKT__CLIENT_ENVELOPE__INIT;

	env.version = 1;
	env.request_id = 43;
	bad_send_envelope(sock, &env);
}

static void
bad_reply_body(void *sock)
{
	Tdkt__ClientEnvelope	env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingReply		pong = TDKT__PING_REPLY__INIT;

	env.version = 1;
	env.request_id = 44;
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REPLY;
	env.ping_reply = &pong;
	bad_send_envelope(sock, &env);
}

static void
bad_unknown_field(void *sock)
{
	/* version = 1, request_id = 45, and field 99 (a varint) = 1. */
	static const unsigned char env[] = {
		0x08, 0x01, 0x10, 0x2d, 0x98, 0x06, 0x01
	};

	bad_send_bytes(sock, env, sizeof env, 0);
}

static void
bad_two_frames(void *sock)
{
	Tdkt__ClientEnvelope	env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingRequest	ping = TDKT__PING_REQUEST__INIT;
	unsigned char		buf[64];
	size_t			len;

	env.version = 1;
	env.request_id = 46;
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	env.ping_request = &ping;
	len = protobuf_c_message_pack(&env.base, buf);
	bad_send_bytes(sock, buf, len, ZMQ_SNDMORE);
	bad_send_bytes(sock, buf, len, 0);
}

static void
bad_utf8(void *sock)
{
	Tdkt__ClientEnvelope	env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__EchoRequest	echo = TDKT__ECHO_REQUEST__INIT;

	/* "Trường " then a lead byte followed by no continuation. */
	echo.text = "Tr\xc6\xb0\xe1\xbb\x9dng \xc3\x28";
	env.version = 1;
	env.request_id = 47;
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST;
	env.echo_request = &echo;
	bad_send_envelope(sock, &env);
}

static void
bad_nul(void *sock)
{
	/*
	 * version = 1, request_id = 48, echo_request = { text = "a\0b" }:
	 * protobuf-c would keep only "a", so it must be refused on the bytes.
	 */
	static const unsigned char env[] = {
		0x08, 0x01, 0x10, 0x30, 0x6a, 0x05, 0x0a, 0x03, 'a', 0x00, 'b'
	};

	bad_send_bytes(sock, env, sizeof env, 0);
}

static void
bad_too_large(void *sock)
{
	/* The harness sets limits.max_message_bytes to 65536. */
	size_t		 len = 65536 + 4096;
	unsigned char	*big = calloc(1, len);

	bad_send_bytes(sock, big, len, 0);
	free(big);
}

/*
 * Messages whose envelope cannot be read (or not trusted) are answered with
 * request id 0: the server does not know which request it was.
 */
static const struct bad_input bad_inputs[] = {
	{ "garbage bytes", bad_garbage, MALFORMED, 0 },
	{ "protocol version 99", bad_version, VERSION, 42 },
	{ "no body", bad_no_body, UNKNOWN_TYPE, 43 },
	{ "a reply as a request", bad_reply_body, UNKNOWN_TYPE, 44 },
	{ "only an unknown field", bad_unknown_field, UNKNOWN_TYPE, 45 },
	{ "two frames", bad_two_frames, MALFORMED, 0 },
	{ "text that is not UTF-8", bad_utf8, INVALID_ARGUMENT, 0 },
	{ "text with a NUL byte", bad_nul, INVALID_ARGUMENT, 0 },
	{ "over max_message_bytes", bad_too_large, BAD_NO_ANSWER, 0 },
};

/* Sends a good ping with `request_id` on `sock` and checks its answer. */
static void
bad_ping_ok(void *sock, uint64_t request_id, const char *after)
{
	Tdkt__ClientEnvelope	 env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingRequest	 ping = TDKT__PING_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;

	env.version = 1;
	env.request_id = request_id;
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	env.ping_request = &ping;
	bad_send_envelope(sock, &env);
	reply = harness_recv_envelope(sock, HARNESS_WAIT_MS);
	ck_assert_msg(reply != NULL, "no answer to a ping after %s", after);
	ck_assert_msg(reply->body_case ==
	    TDKT__CLIENT_ENVELOPE__BODY_PING_REPLY,
	    "a ping after %s was answered with body %d", after,
	    (int)reply->body_case);
	ck_assert_uint_eq(reply->request_id, request_id);
	tdkt__client_envelope__free_unpacked(reply, NULL);
}

START_TEST(test_bad_input)
{
	const struct bad_input	*bad = &bad_inputs[_i];
	Tdkt__ClientEnvelope	*reply;
	void			*sock;

	h = harness_new();
	harness_start(h, 0);
	sock = harness_socket(h, ZMQ_DEALER);
	ck_assert_int_eq(harness_socket_connect(h, sock, h->clients_endpoint,
	    HARNESS_WAIT_MS), 0);

	bad->send(sock);
	reply = harness_recv_envelope(sock, bad->code == BAD_NO_ANSWER ?
	    BAD_SILENCE_MS : HARNESS_WAIT_MS);
	if (bad->code == BAD_NO_ANSWER)
		ck_assert_msg(reply == NULL, "%s was answered", bad->name);
	else {
		ck_assert_msg(reply != NULL, "%s was not answered", bad->name);
		ck_assert_msg(reply->body_case ==
		    TDKT__CLIENT_ENVELOPE__BODY_ERROR,
		    "%s was answered with body %d, not an error", bad->name,
		    (int)reply->body_case);
		ck_assert_msg((int)reply->error->code == bad->code,
		    "%s: error code %d, expected %d (%s)", bad->name,
		    (int)reply->error->code, bad->code, reply->error->detail);
		ck_assert_uint_eq(reply->version, 1);
		ck_assert_uint_eq(reply->request_id, bad->request_id);
		ck_assert_str_ne(reply->error->message_vi, "");
		ck_assert_str_ne(reply->error->detail, "");
		tdkt__client_envelope__free_unpacked(reply, NULL);
		/* The same client can go on. */
		bad_ping_ok(sock, 1000 + (uint64_t)_i, bad->name);
	}
	/* Everyone else is served... */
	ck_assert_msg(harness_ping(h, NULL) == 0, "no ping after %s",
	    bad->name);
	ck_assert(harness_proc_running(h, h->server));
	harness_socket_close(h, &sock);
	/* ...and the server stops cleanly. */
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_client_leaves_mid_request)
{
	Tdkt__ClientEnvelope	 env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__EchoRequest	 echo = TDKT__ECHO_REQUEST__INIT;
	struct harness_output	 out;
	void			*sock;
	int			 linger = 2000;

	h = harness_new();
	harness_start(h, 1);
	sock = harness_socket(h, ZMQ_DEALER);
	ck_assert_int_eq(harness_socket_connect(h, sock, h->clients_endpoint,
	    HARNESS_WAIT_MS), 0);

	/* `tdkt echo --delay 1500`, then gone at once. */
	echo.text = "đi đâu rồi?";
	echo.delay_ms = 1500;
	env.version = 1;
	env.request_id = 77;
	env.session_token = (char *)harness_session(h, "admin");
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST;
	env.echo_request = &echo;
	ck_assert_int_eq(harness_send(sock, &env.base), 0);
	/* Lingering sends the request before the connection goes. */
	zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
	harness_socket_close(h, &sock);

	ck_assert_ptr_nonnull(harness_log_wait(h, h->server, "echo request 77",
	    HARNESS_WAIT_MS));
	ck_assert_ptr_nonnull(harness_log_wait(h, h->server,
	    "could not answer echo request 77", HARNESS_WAIT_MS));

	/* The server, and the worker the job held, go on serving. */
	ck_assert_int_eq(harness_ping(h, NULL), 0);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "echo", "vẫn ở đây",
	    NULL), 0);
	ck_assert_msg(strstr(out.out, "\"text\":\"vẫn ở đây\"") != NULL,
	    "unexpected answer: %s", out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

static Suite *
bad_input_suite(void)
{
	Suite	*s = suite_create("bad_input");
	TCase	*tc;

	tc = tcase_create("envelopes");
	tcase_add_checked_fixture(tc, NULL, bad_teardown);
	tcase_add_loop_test(tc, test_bad_input, 0,
	    (int)(sizeof bad_inputs / sizeof bad_inputs[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("disconnect");
	tcase_add_checked_fixture(tc, NULL, bad_teardown);
	tcase_add_test(tc, test_client_leaves_mid_request);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return harness_main(bad_input_suite);
}
