/*
 * wire.c - checked unpacking and non-blocking sending of envelopes; see wire.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "errors.h"
#include "utf8.h"
#include "wire.h"
#include "xmalloc.h"

/* Messages are not recursive, but a limit costs nothing and keeps it so. */
#define WIRE_MAX_DEPTH	16

static void
wire_error_set(struct wire_error *err, Tdkt__ErrorCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
wire_error_set(struct wire_error *err, Tdkt__ErrorCode code, const char *fmt, ...)
{
	va_list	ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof err->detail, fmt, ap);
	va_end(ap);
}

/* Reads a varint at *p, advancing it; returns 0, or -1 past `end` or 10 bytes. */
static int
wire_read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t	r = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t	b;

		if (*p >= end)
			return -1;
		b = *(*p)++;
		r |= (uint64_t)(b & 0x7F) << shift;
		if ((b & 0x80) == 0) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

/*
 * Walks the encoded message `data[0..len)` of type `d` and checks every
 * string field, at any depth, as it is on the wire: valid UTF-8 and no NUL
 * byte. It must be done on the bytes, before protobuf-c, because protobuf-c
 * keeps strings NUL-terminated without their length: "ab\0\xff" would come
 * out as "ab", silently cut and never checked. Returns 0 or -1 with `err`.
 */
static int
wire_scan(const ProtobufCMessageDescriptor *d, const uint8_t *data, size_t len,
    int depth, struct wire_error *err)
{
	const uint8_t	*p = data, *end = data + len;

	if (depth > WIRE_MAX_DEPTH) {
		wire_error_set(err, TDKT__ERROR_CODE__ERROR_CODE_MALFORMED,
		    "message nested deeper than %d levels", WIRE_MAX_DEPTH);
		return -1;
	}
	while (p < end) {
		const ProtobufCFieldDescriptor	*f;
		uint64_t			 key, n;
		size_t				 bad;

		if (wire_read_varint(&p, end, &key) < 0 || key >> 3 == 0 ||
		    key >> 3 > UINT32_MAX)
			goto malformed;
		switch (key & 7) {
		case 0:		/* varint */
			if (wire_read_varint(&p, end, &n) < 0)
				goto malformed;
			break;
		case 1:		/* 64-bit */
			if (end - p < 8)
				goto malformed;
			p += 8;
			break;
		case 5:		/* 32-bit */
			if (end - p < 4)
				goto malformed;
			p += 4;
			break;
		case 2:		/* length-delimited */
			if (wire_read_varint(&p, end, &n) < 0 ||
			    n > (uint64_t)(end - p))
				goto malformed;
			f = protobuf_c_message_descriptor_get_field(d,
			    (unsigned)(key >> 3));
			if (f != NULL && f->type == PROTOBUF_C_TYPE_STRING &&
			    !utf8_valid((const char *)p, n, &bad)) {
				wire_error_set(err,
				    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
				    "field %s.%s is not valid UTF-8 at byte %zu",
				    d->short_name, f->name, bad);
				return -1;
			}
			if (f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE &&
			    wire_scan(f->descriptor, p, n, depth + 1, err) < 0)
				return -1;
			p += n;
			break;
		default:	/* groups: not in proto3, not ours */
			goto malformed;
		}
	}
	return 0;
malformed:
	wire_error_set(err, TDKT__ERROR_CODE__ERROR_CODE_MALFORMED,
	    "cannot decode %zu bytes as %s", len, d->name);
	return -1;
}

ProtobufCMessage *
wire_unpack(struct arena *a, const ProtobufCMessageDescriptor *desc,
    const void *data, size_t len, size_t max_len, struct wire_error *err)
{
	ProtobufCAllocator	 allocator;
	ProtobufCMessage	*m;

	if (len > max_len) {
		wire_error_set(err, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "message of %zu bytes exceeds the limit of %zu", len, max_len);
		return NULL;
	}
	if (wire_scan(desc, data, len, 0, err) < 0) {
		/* Name the message the peer sent, not the part that broke. */
		if (err->code == TDKT__ERROR_CODE__ERROR_CODE_MALFORMED)
			wire_error_set(err, err->code,
			    "cannot decode %zu bytes as %s", len, desc->name);
		return NULL;
	}
	arena_protobuf_allocator(a, &allocator);
	m = protobuf_c_message_unpack(desc, &allocator, len, data);
	if (m == NULL) {
		/*
		 * protobuf-c does not say why; running out of the request's
		 * budget is the only case that is not malformed input, and
		 * the arena remembers that.
		 */
		if (arena_exhausted(a))
			wire_error_set(err, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
			    "message needs more memory than the request budget");
		else
			wire_error_set(err, TDKT__ERROR_CODE__ERROR_CODE_MALFORMED,
			    "cannot decode %zu bytes as %s", len, desc->name);
		return NULL;
	}
	return m;
}

Tdkt__ClientEnvelope *
wire_unpack_client(struct arena *a, const void *data, size_t len,
    size_t max_len, struct wire_error *err)
{
	return (Tdkt__ClientEnvelope *)wire_unpack(a,
	    &tdkt__client_envelope__descriptor, data, len, max_len, err);
}

Tdkt__WorkerEnvelope *
wire_unpack_worker(struct arena *a, const void *data, size_t len,
    size_t max_len, struct wire_error *err)
{
	return (Tdkt__WorkerEnvelope *)wire_unpack(a,
	    &tdkt__worker_envelope__descriptor, data, len, max_len, err);
}

void *
wire_pack(struct arena *a, const ProtobufCMessage *msg, size_t *len)
{
	void	*buf;

	*len = protobuf_c_message_get_packed_size(msg);
	if ((buf = arena_alloc(a, *len)) == NULL)
		return NULL;
	protobuf_c_message_pack(msg, buf);
	return buf;
}

int
wire_send(void *sock, const void *routing_id, size_t routing_id_len,
    const ProtobufCMessage *msg)
{
	unsigned char	 small[1024];
	unsigned char	*buf = small;
	size_t		 len;
	int		 rc = 0, saved;

	len = protobuf_c_message_get_packed_size(msg);
	if (len > sizeof small)
		buf = xmalloc(len);
	protobuf_c_message_pack(msg, buf);

	if (routing_id != NULL &&
	    zmq_send(sock, routing_id, routing_id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
		rc = -1;
	else if (zmq_send(sock, buf, len, ZMQ_DONTWAIT) < 0)
		rc = -1;

	saved = errno;
	if (buf != small)
		free(buf);
	errno = saved;
	return rc;
}

void
wire_error_fill(Tdkt__Error *e, Tdkt__ErrorCode code, const char *detail)
{
	e->code = code;
	/* protobuf-c's pack only reads these strings. */
	e->message_vi = (char *)errors_message_vi(code);
	e->detail = (char *)(detail != NULL ? detail : "");
}
