/*
 * wire.c - checked unpacking and non-blocking sending of envelopes; see wire.h.
 */
#include <errno.h>
#include <stdarg.h>
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

/* Returns 0 if every string field in `m`, at any depth, is valid UTF-8. */
static int
wire_check_strings(const ProtobufCMessage *m, int depth, struct wire_error *err)
{
	const ProtobufCMessageDescriptor	*d = m->descriptor;

	if (depth > WIRE_MAX_DEPTH) {
		wire_error_set(err, TDKT__ERROR_CODE__ERROR_CODE_MALFORMED,
		    "message nested deeper than %d levels", WIRE_MAX_DEPTH);
		return -1;
	}
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor	*f = &d->fields[i];
		const char			*base = (const char *)m + f->offset;
		size_t				 n = 1;
		const void			*const *items;

		if (f->type != PROTOBUF_C_TYPE_STRING &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)((const char *)m + f->quantifier_offset);
			items = *(const void *const *const *)base;
		} else {
			/* A oneof member counts only if it is the chosen one. */
			if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
				uint32_t chosen = *(const uint32_t *)
				    ((const char *)m + f->quantifier_offset);
				if (chosen != f->id)
					continue;
			}
			items = (const void *const *)base;
		}
		for (size_t k = 0; k < n; k++) {
			const void	*v = items[k];
			size_t		 bad;

			if (v == NULL)
				continue;
			if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (wire_check_strings(v, depth + 1, err) < 0)
					return -1;
			} else if (!utf8_valid(v, strlen(v), &bad)) {
				wire_error_set(err,
				    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
				    "field %s.%s is not valid UTF-8 at byte %zu",
				    d->short_name, f->name, bad);
				return -1;
			}
		}
	}
	return 0;
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
	if (wire_check_strings(m, 0, err) < 0)
		return NULL;
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
