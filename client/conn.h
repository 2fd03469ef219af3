/*
 * conn.h - the client library: one connection to the server, and calls on it.
 *
 * A call sends one request and waits for its answer with a timeout. With no
 * answer in time it closes the socket, opens a fresh one and sends the same
 * envelope again, with the same request id and idempotency key, up to
 * `retries` times (the Lazy Pirate pattern over a DEALER: a lost reply can
 * never wedge the socket the way it wedges a REQ). Answers to an earlier
 * attempt that arrive late are recognised by request id and dropped. The CLI
 * and the benchmarks link this library.
 */
#ifndef TDKT_CONN_H
#define TDKT_CONN_H

#include <stdint.h>

#include "arena.h"
#include "client.pb-c.h"

struct conn_options {
	const char	*endpoint;
	/* The server's CURVE public key; required for a tcp:// endpoint. */
	const char	*server_public_key;
	int64_t		 timeout_ms;	/* per attempt */
	int64_t		 retries;	/* attempts after the first */
	int64_t		 max_message_bytes;
};

enum conn_status {
	CONN_OK,		/* *reply holds the answer */
	CONN_SERVER_ERROR,	/* *reply holds an Error body */
	CONN_UNREACHABLE,	/* no answer after every attempt */
	CONN_BAD_REPLY,		/* an answer we cannot read */
	CONN_INTERRUPTED	/* the interrupt fd became readable first */
};

struct conn;

/* Returns a connection (sockets open lazily, at the first call). */
struct conn		*conn_new(const struct conn_options *);
/* NULL is allowed. */
void			 conn_free(struct conn **);

/*
 * Sends `req` (its version and request_id are set here) and waits for the
 * answer, which is unpacked into `a` and stored in *reply (owned by `a`).
 * With CONN_UNREACHABLE, CONN_BAD_REPLY or CONN_INTERRUPTED, *reply is NULL
 * and *cause says why (static, English).
 */
enum conn_status	 conn_call(struct conn *, Tdkt__ClientEnvelope *req,
			    struct arena *a, Tdkt__ClientEnvelope **reply,
			    const char **cause);

/*
 * Makes every later call also watch `fd` (-1: none) while it waits for an
 * answer: once `fd` is readable the call gives up at once with
 * CONN_INTERRUPTED, leaving `fd` unread. A command that runs until it is
 * stopped (`tdkt watch`) passes its signalfd, so Ctrl-C is prompt even in
 * the middle of a call to a server that does not answer.
 */
void			 conn_set_interrupt_fd(struct conn *, int fd);

/* Changes the per-attempt timeout, for a call known to take longer. */
void			 conn_set_timeout(struct conn *, int64_t timeout_ms);

/*
 * Sets a fresh random idempotency key (32 hex digits) into `buf`, which must
 * hold 33 bytes, for a mutating request; reuse it for every retry.
 */
void			 conn_new_idempotency_key(char buf[33]);

#endif
