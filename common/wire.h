/*
 * wire.h - packing, checking and sending protocol envelopes.
 *
 * Everything that arrives from a socket goes through wire_unpack: the length
 * is checked and every string field at any depth is checked to be valid
 * UTF-8 without NUL bytes, all before protobuf-c sees a byte; then the
 * message is unpacked into the request's arena, so its memory is bounded by
 * the arena's budget. What comes out is
 * safe for handlers to read; the protocol version is left to the caller,
 * which needs the request id to answer.
 */
#ifndef TDKT_WIRE_H
#define TDKT_WIRE_H

#include <stddef.h>

#include "arena.h"
#include "client.pb-c.h"
#include "common.pb-c.h"
#include "worker.pb-c.h"

/* Why wire_unpack refused a message. */
struct wire_error {
	Tdkt__ErrorCode	code;
	char		detail[200];	/* English, for logs and Error.detail */
};

/*
 * Unpacks `len` bytes as a message of type `desc` into arena `a`. Returns the
 * message, owned by the arena, or NULL with `err` filled: TOO_LARGE when
 * `len` > `max_len` or the arena budget runs out, MALFORMED for bytes that are
 * not such a message, INVALID_ARGUMENT for a string that is not UTF-8.
 */
ProtobufCMessage	*wire_unpack(struct arena *a,
			    const ProtobufCMessageDescriptor *desc,
			    const void *data, size_t len, size_t max_len,
			    struct wire_error *err);

Tdkt__ClientEnvelope	*wire_unpack_client(struct arena *, const void *, size_t,
			    size_t max_len, struct wire_error *);
Tdkt__WorkerEnvelope	*wire_unpack_worker(struct arena *, const void *, size_t,
			    size_t max_len, struct wire_error *);

/*
 * Packs `msg` into a new buffer from arena `a`; returns it and sets *len, or
 * returns NULL when the arena budget is exhausted.
 */
void			*wire_pack(struct arena *a, const ProtobufCMessage *msg,
			    size_t *len);

/*
 * Packs `msg` and sends it on `sock` without blocking, preceded by a routing
 * id frame when `routing_id` is not NULL (ROUTER sockets). Returns 0, or -1
 * with errno from zmq_send (EAGAIN: peer's queue full; EHOSTUNREACH: the
 * peer is gone).
 */
int			 wire_send(void *sock, const void *routing_id,
			    size_t routing_id_len, const ProtobufCMessage *msg);

/* Fills `e` (already initialised) with `code`, its Vietnamese text and `detail`. */
void			 wire_error_fill(Tdkt__Error *e, Tdkt__ErrorCode code,
			    const char *detail);

#endif
