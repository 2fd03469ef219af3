/*
 * request.h - one client request, from receipt to its single reply.
 *
 * A request owns the arena its envelope was unpacked into and the routing id
 * of the client that sent it. The handler that receives it must end it
 * exactly once, with request_reply or request_fail, now or from a callback
 * later; ending it sends the reply and frees everything the request held.
 */
#ifndef TDKT_REQUEST_H
#define TDKT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zmq.h>

#include "arena.h"
#include "auth.h"
#include "client.pb-c.h"

struct server;

#define REQUEST_ROUTING_ID_MAX	256

struct request {
	struct server		*server;
	struct arena		*arena;
	unsigned char		 routing_id[REQUEST_ROUTING_ID_MAX];
	size_t			 routing_id_len;
	uint64_t		 request_id;	/* 0 until the envelope is read */
	Tdkt__ClientEnvelope	*env;		/* in arena; NULL until read */
	const char		*name;		/* handler name, for logs */
	int64_t			 received_ms;
	char			 address[64];	/* the peer's IP; "" over ipc */
	/* Set by auth.c before the handler runs (not for HANDLER_PUBLIC): */
	bool			 authenticated;
	struct caller		 caller;
	const char		*unit;		/* the target unit, resolved */
};

/* Returns a new request from the client with this routing id. */
struct request	*request_new(struct server *, const void *routing_id,
		    size_t routing_id_len);

/* Records the peer address ZeroMQ reports for the frame, for audits. */
void		 request_set_address(struct request *, zmq_msg_t *frame);

/*
 * Sends `reply` (its version and request_id are filled in here) and frees
 * the request, setting *reqp to NULL.
 */
void		 request_reply(struct request **reqp, Tdkt__ClientEnvelope *reply);

/* Sends a typed error reply and frees the request. */
void		 request_fail(struct request **reqp, Tdkt__ErrorCode code,
		    const char *detail_fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same with a Vietnamese message of its own instead of the code's. */
void		 request_fail_vi(struct request **reqp, Tdkt__ErrorCode code,
		    const char *message_vi, const char *detail_fmt, ...)
		    __attribute__((format(printf, 4, 5)));

/*
 * Refuses a file (a rulebook, an import, a list): an INVALID_ARGUMENT error
 * whose Vietnamese message is `message_vi`, with every problem (at most
 * REQUEST_MAX_PROBLEMS) for the person to fix at once. Frees the request.
 */
void		 request_refuse(struct request **reqp, const char *message_vi,
		    char **problems, size_t n);

#define REQUEST_MAX_PROBLEMS	200

#endif
