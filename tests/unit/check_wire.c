/*
 * check_wire.c - unit tests for checked unpacking and packing (wire.c).
 *
 * wire_unpack is the trust boundary: every byte a client or worker sends
 * passes through it before a handler looks at it. The tests feed it good
 * envelopes, garbage, oversized input, input that fits the length limit but
 * not the arena budget, and strings that are not UTF-8 at every depth the
 * schemas have (envelope field, oneof body, nested message, repeated string),
 * and check the typed error each one yields. Strings with bad bytes are made
 * by letting protobuf-c pack a char * holding them: it does not check.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <zmq.h>

#include "arena.h"
#include "errors.h"
#include "wire.h"

/* The codes the tests expect, by their short names. */
#define MALFORMED		TDKT__ERROR_CODE__ERROR_CODE_MALFORMED
#define TOO_LARGE		TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE
#define INVALID_ARGUMENT	TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT

#define WIRE_TEST_MAX_LEN	(64 * 1024)
#define WIRE_TEST_BUDGET	(256 * 1024)

static struct arena	*arena;

static void
wire_test_setup(void)
{
	arena = arena_new(WIRE_TEST_BUDGET);
}

static void
wire_test_teardown(void)
{
	arena_free(&arena);
}

/* Packs `m` into a new malloc'd buffer; the caller frees it. */
static uint8_t *
wire_test_pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t	*buf;

	*len = protobuf_c_message_get_packed_size(m);
	buf = malloc(*len > 0 ? *len : 1);
	ck_assert_uint_eq(protobuf_c_message_pack(m, buf), *len);
	return buf;
}

/* Packs a client envelope whose body is an echo request with `text`. */
static uint8_t *
wire_test_pack_echo(const char *text, size_t *len)
{
	Tdkt__ClientEnvelope	env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__EchoRequest	echo = TDKT__ECHO_REQUEST__INIT;

	echo.text = (char *)text;
	env.version = 1;
	env.request_id = 7;
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST;
	env.echo_request = &echo;
	return wire_test_pack(&env.base, len);
}

/* Unpacks a client envelope expected to be refused with `code`. */
static void
wire_test_refused(const uint8_t *buf, size_t len, Tdkt__ErrorCode code,
    const char *detail)
{
	struct wire_error	err = { 0 };
	Tdkt__ClientEnvelope	*env;

	env = wire_unpack_client(arena, buf, len, WIRE_TEST_MAX_LEN, &err);
	ck_assert_ptr_null(env);
	ck_assert_msg(err.code == code, "code %s, expected %s",
	    errors_code_name(err.code), errors_code_name(code));
	if (detail != NULL)
		ck_assert_str_eq(err.detail, detail);
}

START_TEST(test_wire_ping_round_trip)
{
	Tdkt__ClientEnvelope	 env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingRequest	 ping = TDKT__PING_REQUEST__INIT;
	Tdkt__ClientEnvelope	*got;
	struct wire_error	 err = { 0 };
	uint8_t			*buf;
	size_t			 len;

	env.version = 1;
	env.request_id = UINT64_C(0xfeedfacecafe);
	env.session_token = "phiên-42";
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	env.ping_request = &ping;
	buf = wire_test_pack(&env.base, &len);

	got = wire_unpack_client(arena, buf, len, WIRE_TEST_MAX_LEN, &err);
	free(buf);
	ck_assert_msg(got != NULL, "refused: %s", err.detail);
	ck_assert_uint_eq(got->version, 1);
	ck_assert_uint_eq(got->request_id, UINT64_C(0xfeedfacecafe));
	ck_assert_str_eq(got->session_token, "phiên-42");
	ck_assert_str_eq(got->idempotency_key, "");
	ck_assert_int_eq(got->body_case,
	    TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST);
	ck_assert_ptr_nonnull(got->ping_request);
	ck_assert_ptr_eq(got->base.descriptor,
	    &tdkt__client_envelope__descriptor);
	/* It lives in the arena. */
	ck_assert_uint_gt(arena_used(arena), 0);
}
END_TEST

START_TEST(test_wire_empty_is_empty_envelope)
{
	struct wire_error	 err = { 0 };
	Tdkt__ClientEnvelope	*got;
	uint8_t			 none = 0;

	/* Zero bytes are a valid proto3 message with every field unset. */
	got = wire_unpack_client(arena, &none, 0, WIRE_TEST_MAX_LEN, &err);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got->version, 0);
	ck_assert_int_eq(got->body_case, TDKT__CLIENT_ENVELOPE__BODY__NOT_SET);
}
END_TEST

/* Byte strings that are not a ClientEnvelope, each for its own reason. */
static const struct {
	const char	*name;
	const char	*bytes;
	size_t		 len;
} wire_garbage[] = {
#define WIRE_GARBAGE(name, lit)	{ name, lit, sizeof lit - 1 }
	WIRE_GARBAGE("tag varint too long",
	    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
	WIRE_GARBAGE("wire type 7", "\x0f\x01"),
	WIRE_GARBAGE("field number 0", "\x00\x01"),
	WIRE_GARBAGE("varint value missing", "\x08"),
	WIRE_GARBAGE("varint value too long",
	    "\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"),
	WIRE_GARBAGE("length past the end", "\x1a\x64" "abc"),
	WIRE_GARBAGE("body length past the end", "\x6a\x10\x0a\x02hi"),
	WIRE_GARBAGE("garbage inside the body", "\x5a\x03\xff\xff\xff"),
	WIRE_GARBAGE("fixed64 cut short", "\x11\x01\x02\x03"),
	WIRE_GARBAGE("text", "hello, world"),
#undef WIRE_GARBAGE
};

START_TEST(test_wire_garbage_malformed)
{
	struct wire_error	 err = { 0 };
	uint8_t			*buf;
	size_t			 len = wire_garbage[_i].len;
	char			 want[200];

	/* Exactly `len` bytes on the heap, so an overread is caught. */
	buf = malloc(len);
	memcpy(buf, wire_garbage[_i].bytes, len);
	ck_assert_msg(wire_unpack_client(arena, buf, len, WIRE_TEST_MAX_LEN,
	    &err) == NULL, "%s accepted", wire_garbage[_i].name);
	free(buf);
	ck_assert_msg(err.code == MALFORMED,
	    "%s: code %s", wire_garbage[_i].name, errors_code_name(err.code));
	snprintf(want, sizeof want, "cannot decode %zu bytes as "
	    "tdkt.ClientEnvelope", len);
	ck_assert_str_eq(err.detail, want);
}
END_TEST

/* A tiny deterministic generator, so a failure can be replayed. */
static uint32_t
wire_test_rand(uint32_t *state)
{
	uint32_t	x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

START_TEST(test_wire_random_bytes)
{
	uint32_t	 state = 0x7d4b1e05;
	size_t		 malformed = 0;

	for (int round = 0; round < 5000; round++) {
		struct wire_error	 err = { 0 };
		size_t			 len = 1 + wire_test_rand(&state) % 96;
		uint8_t			*buf = malloc(len);
		const char		*which = round % 2 ? "worker" :
		    "client";
		void			*m;

		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)wire_test_rand(&state);
		if (round % 2)
			m = wire_unpack_worker(arena, buf, len, 4096, &err);
		else
			m = wire_unpack_client(arena, buf, len, 4096, &err);
		if (m == NULL) {
			ck_assert_msg(err.code ==
			    MALFORMED ||
			    err.code == INVALID_ARGUMENT,
			    "round %d (%s): code %s", round, which,
			    errors_code_name(err.code));
			if (err.code == MALFORMED)
				malformed++;
		}
		free(buf);
		arena_reset(arena);
	}
	/* Random bytes are almost never a valid envelope. */
	ck_assert_uint_gt(malformed, 4000);
}
END_TEST

START_TEST(test_wire_too_large_by_length)
{
	struct wire_error	 err = { 0 };
	uint8_t			*buf;
	size_t			 len;

	buf = wire_test_pack_echo("Lao động tiên tiến", &len);
	ck_assert_ptr_null(wire_unpack_client(arena, buf, len, len - 1, &err));
	ck_assert_int_eq(err.code, TOO_LARGE);
	{
		char	want[200];

		snprintf(want, sizeof want, "message of %zu bytes exceeds the "
		    "limit of %zu", len, len - 1);
		ck_assert_str_eq(err.detail, want);
	}
	/* The limit itself is allowed. */
	ck_assert_ptr_nonnull(wire_unpack_client(arena, buf, len, len, &err));
	free(buf);
}
END_TEST

/* The length is checked before protobuf-c reads a single byte. */
START_TEST(test_wire_too_large_not_read)
{
	struct wire_error	 err = { 0 };
	uint8_t			*one = malloc(1);

	*one = 0x08;
	ck_assert_ptr_null(wire_unpack_client(arena, one, (size_t)1 << 40,
	    WIRE_TEST_MAX_LEN, &err));
	ck_assert_int_eq(err.code, TOO_LARGE);
	ck_assert_uint_eq(arena_used(arena), 0);
	free(one);
}
END_TEST

START_TEST(test_wire_too_large_by_budget)
{
	struct arena		*tiny = arena_new(1024);
	struct wire_error	 err = { 0 };
	char			*text;
	uint8_t			*buf;
	size_t			 len;

	/* 20 KB of valid Vietnamese: within max_len, beyond the budget. */
	text = malloc(20001);
	text[0] = '\0';
	while (strlen(text) + strlen("Khiêm ") < 20000)
		strcat(text, "Khiêm ");
	buf = wire_test_pack_echo(text, &len);
	ck_assert_uint_le(len, WIRE_TEST_MAX_LEN);

	ck_assert_ptr_null(wire_unpack_client(tiny, buf, len, WIRE_TEST_MAX_LEN,
	    &err));
	ck_assert_int_eq(err.code, TOO_LARGE);
	ck_assert_str_eq(err.detail,
	    "message needs more memory than the request budget");
	ck_assert(arena_exhausted(tiny));

	/* The same bytes fit the suite's larger arena. */
	{
		Tdkt__ClientEnvelope	*env;

		env = wire_unpack_client(arena, buf, len, WIRE_TEST_MAX_LEN,
		    &err);
		ck_assert_ptr_nonnull(env);
		ck_assert_str_eq(env->echo_request->text, text);
	}
	free(buf);
	free(text);
	arena_free(&tiny);
}
END_TEST

START_TEST(test_wire_vietnamese_passes)
{
	const char		*text = "Trường Tiểu học Nguyễn Bỉnh Khiêm "
	    "— Lao động tiên tiến \xF0\x9F\x8F\x86";
	struct wire_error	 err = { 0 };
	Tdkt__ClientEnvelope	*env;
	uint8_t			*buf;
	size_t			 len;

	buf = wire_test_pack_echo(text, &len);
	env = wire_unpack_client(arena, buf, len, WIRE_TEST_MAX_LEN, &err);
	free(buf);
	ck_assert_msg(env != NULL, "refused: %s", err.detail);
	ck_assert_int_eq(env->body_case,
	    TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST);
	ck_assert_str_eq(env->echo_request->text, text);
}
END_TEST

START_TEST(test_wire_bad_utf8_in_body)
{
	uint8_t	*buf;
	size_t	 len;

	/* "Xin chào" is 9 bytes; the stray 0xFF is the tenth. */
	buf = wire_test_pack_echo("Xin chào\xff", &len);
	wire_test_refused(buf, len, INVALID_ARGUMENT,
	    "field EchoRequest.text is not valid UTF-8 at byte 9");
	free(buf);

	buf = wire_test_pack_echo("\xed\xa0\x80 surrogate", &len);
	wire_test_refused(buf, len, INVALID_ARGUMENT,
	    "field EchoRequest.text is not valid UTF-8 at byte 0");
	free(buf);

	buf = wire_test_pack_echo("overlong \xc0\xaf", &len);
	wire_test_refused(buf, len, INVALID_ARGUMENT,
	    "field EchoRequest.text is not valid UTF-8 at byte 9");
	free(buf);
}
END_TEST

START_TEST(test_wire_bad_utf8_in_envelope)
{
	Tdkt__ClientEnvelope	 env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingRequest	 ping = TDKT__PING_REQUEST__INIT;
	uint8_t			*buf;
	size_t			 len;

	env.idempotency_key = "key-\xe1\xbb";
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	env.ping_request = &ping;
	buf = wire_test_pack(&env.base, &len);
	wire_test_refused(buf, len, INVALID_ARGUMENT,
	    "field ClientEnvelope.idempotency_key is not valid UTF-8 "
	    "at byte 4");
	free(buf);
}
END_TEST

/* A string two messages down: WorkerEnvelope.result.error.detail. */
START_TEST(test_wire_bad_utf8_nested)
{
	Tdkt__WorkerEnvelope	 env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Result		 result = TDKT__RESULT__INIT;
	Tdkt__Error		 error = TDKT__ERROR__INIT;
	struct wire_error	 err = { 0 };
	uint8_t			*buf;
	size_t			 len;

	error.code = TDKT__ERROR_CODE__ERROR_CODE_JOB_FAILED;
	error.message_vi = "Tác vụ xử lý không thành công";
	error.detail = "worker crashed \x80";
	result.job_id = 9;
	result.lease_token = "lease";
	result.error = &error;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_RESULT;
	env.result = &result;
	buf = wire_test_pack(&env.base, &len);

	ck_assert_ptr_null(wire_unpack_worker(arena, buf, len,
	    WIRE_TEST_MAX_LEN, &err));
	ck_assert_int_eq(err.code, INVALID_ARGUMENT);
	ck_assert_str_eq(err.detail,
	    "field Error.detail is not valid UTF-8 at byte 15");
	free(buf);

	/* Mended, the same message passes. */
	error.detail = "worker crashed";
	buf = wire_test_pack(&env.base, &len);
	{
		Tdkt__WorkerEnvelope	*got;

		got = wire_unpack_worker(arena, buf, len, WIRE_TEST_MAX_LEN,
		    &err);
		ck_assert_msg(got != NULL, "refused: %s", err.detail);
		ck_assert_str_eq(got->result->error->message_vi,
		    "Tác vụ xử lý không thành công");
	}
	free(buf);
}
END_TEST

/* Each element of a repeated string field is checked. */
START_TEST(test_wire_bad_utf8_repeated)
{
	Tdkt__WorkerEnvelope	 env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Ready		 ready = TDKT__READY__INIT;
	char			*kinds[] = { "echo", "xếp-loại",
	    "bad\xf4\x90\x80\x80" };
	struct wire_error	 err = { 0 };
	Tdkt__WorkerEnvelope	*got;
	uint8_t			*buf;
	size_t			 len;

	ready.name = "máy-1:4242";
	ready.capacity = 4;
	ready.kinds = kinds;
	ready.n_kinds = 3;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_READY;
	env.ready = &ready;
	buf = wire_test_pack(&env.base, &len);
	ck_assert_ptr_null(wire_unpack_worker(arena, buf, len,
	    WIRE_TEST_MAX_LEN, &err));
	ck_assert_int_eq(err.code, INVALID_ARGUMENT);
	ck_assert_str_eq(err.detail,
	    "field Ready.kinds is not valid UTF-8 at byte 3");
	free(buf);

	ready.n_kinds = 2;
	buf = wire_test_pack(&env.base, &len);
	got = wire_unpack_worker(arena, buf, len, WIRE_TEST_MAX_LEN, &err);
	ck_assert_msg(got != NULL, "refused: %s", err.detail);
	ck_assert_uint_eq(got->ready->n_kinds, 2);
	ck_assert_str_eq(got->ready->kinds[1], "xếp-loại");
	ck_assert_str_eq(got->ready->name, "máy-1:4242");
	free(buf);
}
END_TEST

/* Bytes fields carry opaque payloads: they are not UTF-8 checked. */
START_TEST(test_wire_bytes_not_checked)
{
	Tdkt__WorkerEnvelope	 env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Job		 job = TDKT__JOB__INIT;
	uint8_t			 payload[] = { 0xff, 0x00, 0xc0, 0x80, 0xed,
	    0xa0 };
	struct wire_error	 err = { 0 };
	Tdkt__WorkerEnvelope	*got;
	uint8_t			*buf;
	size_t			 len;

	job.job_id = 12;
	job.lease_token = "lt";
	job.kind = "echo";
	job.payload.data = payload;
	job.payload.len = sizeof payload;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_JOB;
	env.job = &job;
	buf = wire_test_pack(&env.base, &len);
	got = wire_unpack_worker(arena, buf, len, WIRE_TEST_MAX_LEN, &err);
	free(buf);
	ck_assert_msg(got != NULL, "refused: %s", err.detail);
	ck_assert_uint_eq(got->job->payload.len, sizeof payload);
	ck_assert_mem_eq(got->job->payload.data, payload, sizeof payload);
}
END_TEST

/*
 * A message of our own with a oneof holding a string and a message, which
 * the schemas do not have yet but may: wire_check_strings must look at a
 * oneof member only when it is the chosen one, since all members share one
 * pointer. Written out as protoc-c would generate it for
 *
 *	message Choice { oneof which { string name = 1; EchoJob job = 2; } }
 */
struct wire_test_choice {
	ProtobufCMessage	 base;
	uint32_t		 which_case;
	union {
		char		*name;
		Tdkt__EchoJob	*job;
	};
};

static const ProtobufCMessageDescriptor wire_test_choice_descriptor;

static void
wire_test_choice_init(struct wire_test_choice *m)
{
	static const struct wire_test_choice init = {
		.base = PROTOBUF_C_MESSAGE_INIT(&wire_test_choice_descriptor)
	};

	*m = init;
}

static const ProtobufCFieldDescriptor wire_test_choice_fields[] = {
	{
		.name = "name",
		.id = 1,
		.label = PROTOBUF_C_LABEL_NONE,
		.type = PROTOBUF_C_TYPE_STRING,
		.quantifier_offset = offsetof(struct wire_test_choice,
		    which_case),
		.offset = offsetof(struct wire_test_choice, name),
		.flags = PROTOBUF_C_FIELD_FLAG_ONEOF,
	},
	{
		.name = "job",
		.id = 2,
		.label = PROTOBUF_C_LABEL_NONE,
		.type = PROTOBUF_C_TYPE_MESSAGE,
		.quantifier_offset = offsetof(struct wire_test_choice,
		    which_case),
		.offset = offsetof(struct wire_test_choice, job),
		.descriptor = &tdkt__echo_job__descriptor,
		.flags = PROTOBUF_C_FIELD_FLAG_ONEOF,
	},
};
static const unsigned wire_test_choice_by_name[] = { 1, 0 };
static const ProtobufCIntRange wire_test_choice_ranges[] = {
	{ 1, 0 }, { 0, 2 }
};

static const ProtobufCMessageDescriptor wire_test_choice_descriptor = {
	.magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
	.name = "test.Choice",
	.short_name = "Choice",
	.c_name = "WireTestChoice",
	.package_name = "test",
	.sizeof_message = sizeof(struct wire_test_choice),
	.n_fields = 2,
	.fields = wire_test_choice_fields,
	.fields_sorted_by_name = wire_test_choice_by_name,
	.n_field_ranges = 1,
	.field_ranges = wire_test_choice_ranges,
	.message_init = (ProtobufCMessageInit)wire_test_choice_init,
};

/*
 * With `name` chosen, reading the union as the `job` message would take the
 * string's bytes ("zzzzzzzz") for a descriptor pointer and crash.
 */
START_TEST(test_wire_oneof_string_chosen)
{
	struct wire_test_choice	 c;
	struct wire_error	 err = { 0 };
	struct wire_test_choice	*got;
	uint8_t			*buf;
	size_t			 len;

	wire_test_choice_init(&c);
	c.which_case = 1;
	c.name = "zzzzzzzzzzzzzzzz Nguyễn";
	buf = wire_test_pack(&c.base, &len);
	got = (struct wire_test_choice *)wire_unpack(arena,
	    &wire_test_choice_descriptor, buf, len, WIRE_TEST_MAX_LEN, &err);
	free(buf);
	ck_assert_msg(got != NULL, "refused: %s", err.detail);
	ck_assert_uint_eq(got->which_case, 1);
	ck_assert_str_eq(got->name, "zzzzzzzzzzzzzzzz Nguyễn");

	c.name = "zz\xc3";
	buf = wire_test_pack(&c.base, &len);
	ck_assert_ptr_null(wire_unpack(arena, &wire_test_choice_descriptor,
	    buf, len, WIRE_TEST_MAX_LEN, &err));
	ck_assert_int_eq(err.code, INVALID_ARGUMENT);
	ck_assert_str_eq(err.detail,
	    "field Choice.name is not valid UTF-8 at byte 2");
	free(buf);
}
END_TEST

/* With `job` chosen, its strings are checked and the pointer is no string. */
START_TEST(test_wire_oneof_message_chosen)
{
	struct wire_test_choice	 c;
	Tdkt__EchoJob		 job = TDKT__ECHO_JOB__INIT;
	struct wire_error	 err = { 0 };
	struct wire_test_choice	*got;
	uint8_t			*buf;
	size_t			 len;

	wire_test_choice_init(&c);
	c.which_case = 2;
	c.job = &job;
	job.text = "Khiêm";
	job.delay_ms = 3;
	buf = wire_test_pack(&c.base, &len);
	got = (struct wire_test_choice *)wire_unpack(arena,
	    &wire_test_choice_descriptor, buf, len, WIRE_TEST_MAX_LEN, &err);
	free(buf);
	ck_assert_msg(got != NULL, "refused: %s", err.detail);
	ck_assert_uint_eq(got->which_case, 2);
	ck_assert_str_eq(got->job->text, "Khiêm");
	ck_assert_uint_eq(got->job->delay_ms, 3);

	job.text = "Khi\xeam";
	buf = wire_test_pack(&c.base, &len);
	ck_assert_ptr_null(wire_unpack(arena, &wire_test_choice_descriptor,
	    buf, len, WIRE_TEST_MAX_LEN, &err));
	ck_assert_int_eq(err.code, INVALID_ARGUMENT);
	ck_assert_str_eq(err.detail,
	    "field EchoJob.text is not valid UTF-8 at byte 3");
	free(buf);
}
END_TEST

/*
 * When two oneof members arrive (concatenated messages merge), protobuf-c
 * keeps the last one, but the strings are checked on the wire, before that
 * choice: a bad string is refused wherever it stands, even in a member that
 * would have been replaced. Nothing invalid passes either way.
 */
START_TEST(test_wire_oneof_bad_member_refused_either_order)
{
	Tdkt__ClientEnvelope	 env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingReply		 pong = TDKT__PING_REPLY__INIT;
	uint8_t			*bad, *good, *both;
	size_t			 bad_len, good_len;

	pong.server_version = "0.1\xff";
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REPLY;
	env.ping_reply = &pong;
	bad = wire_test_pack(&env.base, &bad_len);
	good = wire_test_pack_echo("Khiêm", &good_len);
	both = malloc(bad_len + good_len);

	/* Bad member first, replaced by a good one. */
	memcpy(both, bad, bad_len);
	memcpy(both + bad_len, good, good_len);
	wire_test_refused(both, bad_len + good_len,
	    INVALID_ARGUMENT,
	    "field PingReply.server_version is not valid UTF-8 at byte 3");

	/* Good member first, replaced by the bad one. */
	memcpy(both, good, good_len);
	memcpy(both + good_len, bad, bad_len);
	wire_test_refused(both, bad_len + good_len,
	    INVALID_ARGUMENT,
	    "field PingReply.server_version is not valid UTF-8 at byte 3");

	free(both);
	free(good);
	free(bad);
}
END_TEST

/*
 * A NUL inside a string must be refused, not cut: protobuf-c keeps strings
 * without their length, so "ab\0\xff" would otherwise arrive as "ab".
 */
START_TEST(test_wire_nul_in_string_refused)
{
	/* ClientEnvelope { echo_request (13) { text (1) = "ab\0\xff" } } */
	static const uint8_t	bytes[] = { 0x6a, 0x06, 0x0a, 0x04, 'a', 'b',
	    0x00, 0xff };

	wire_test_refused(bytes, sizeof bytes, INVALID_ARGUMENT,
	    "field EchoRequest.text is not valid UTF-8 at byte 2");
}
END_TEST

/* wire_unpack works for any descriptor, here a job payload. */
START_TEST(test_wire_unpack_other_descriptor)
{
	Tdkt__EchoJob		 job = TDKT__ECHO_JOB__INIT;
	struct wire_error	 err = { 0 };
	Tdkt__EchoJob		*got;
	uint8_t			*buf;
	size_t			 len;

	job.text = "Bỉnh";
	job.delay_ms = 10;
	buf = wire_test_pack(&job.base, &len);
	got = (Tdkt__EchoJob *)wire_unpack(arena, &tdkt__echo_job__descriptor,
	    buf, len, WIRE_TEST_MAX_LEN, &err);
	free(buf);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got->text, "Bỉnh");
	ck_assert_uint_eq(got->delay_ms, 10);

	job.text = "B\xe1\xbb";
	buf = wire_test_pack(&job.base, &len);
	ck_assert_ptr_null(wire_unpack(arena, &tdkt__echo_job__descriptor,
	    buf, len, WIRE_TEST_MAX_LEN, &err));
	ck_assert_int_eq(err.code, INVALID_ARGUMENT);
	ck_assert_str_eq(err.detail,
	    "field EchoJob.text is not valid UTF-8 at byte 1");
	free(buf);
}
END_TEST

START_TEST(test_wire_pack_round_trip)
{
	Tdkt__ClientEnvelope	 env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingReply		 pong = TDKT__PING_REPLY__INIT;
	struct arena		*other = arena_new(WIRE_TEST_BUDGET);
	struct wire_error	 err = { 0 };
	Tdkt__ClientEnvelope	*got;
	void			*buf;
	size_t			 len = 0, used;

	pong.server_version = "0.1.0";
	pong.postgres_version = "PostgreSQL 15.4";
	pong.schema_version = 3;
	pong.workers_connected = 2;
	pong.installation_id = "Trường Tiểu học Nguyễn Bỉnh Khiêm";
	pong.uptime_ms = UINT64_C(86400000);
	pong.protocol_version = 1;
	env.version = 1;
	env.request_id = 99;
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REPLY;
	env.ping_reply = &pong;

	used = arena_used(arena);
	buf = wire_pack(arena, &env.base, &len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, tdkt__client_envelope__get_packed_size(&env));
	ck_assert_uint_ge(arena_used(arena), used + len);

	got = wire_unpack_client(other, buf, len, WIRE_TEST_MAX_LEN, &err);
	ck_assert_msg(got != NULL, "refused: %s", err.detail);
	ck_assert_uint_eq(got->request_id, 99);
	ck_assert_int_eq(got->body_case,
	    TDKT__CLIENT_ENVELOPE__BODY_PING_REPLY);
	ck_assert_str_eq(got->ping_reply->server_version, "0.1.0");
	ck_assert_str_eq(got->ping_reply->postgres_version, "PostgreSQL 15.4");
	ck_assert_uint_eq(got->ping_reply->schema_version, 3);
	ck_assert_uint_eq(got->ping_reply->workers_connected, 2);
	ck_assert_str_eq(got->ping_reply->installation_id,
	    "Trường Tiểu học Nguyễn Bỉnh Khiêm");
	ck_assert_uint_eq(got->ping_reply->uptime_ms, UINT64_C(86400000));
	ck_assert_uint_eq(got->ping_reply->protocol_version, 1);
	arena_free(&other);
}
END_TEST

START_TEST(test_wire_pack_over_budget)
{
	Tdkt__EchoRequest	 echo = TDKT__ECHO_REQUEST__INIT;
	struct arena		*tiny = arena_new(32);
	char			 text[100];
	size_t			 len = 0;

	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	echo.text = text;
	ck_assert_ptr_null(wire_pack(tiny, &echo.base, &len));
	ck_assert(arena_exhausted(tiny));
	arena_free(&tiny);
}
END_TEST

START_TEST(test_wire_error_fill)
{
	Tdkt__ClientEnvelope	 env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__Error		 e = TDKT__ERROR__INIT;
	struct wire_error	 err = { 0 };
	Tdkt__ClientEnvelope	*got;
	void			*buf;
	size_t			 len;

	wire_error_fill(&e, TOO_LARGE,
	    "message of 70000 bytes exceeds the limit of 65536");
	ck_assert_int_eq(e.code, TOO_LARGE);
	ck_assert_str_eq(e.message_vi,
	    errors_message_vi(TOO_LARGE));
	ck_assert_str_eq(e.message_vi,
	    "Yêu cầu vượt quá kích thước cho phép");
	ck_assert_str_eq(e.detail,
	    "message of 70000 bytes exceeds the limit of 65536");

	/* The filled error survives the wire, Vietnamese text and all. */
	env.version = 1;
	env.request_id = 5;
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_ERROR;
	env.error = &e;
	buf = wire_pack(arena, &env.base, &len);
	ck_assert_ptr_nonnull(buf);
	got = wire_unpack_client(arena, buf, len, WIRE_TEST_MAX_LEN, &err);
	ck_assert_msg(got != NULL, "refused: %s", err.detail);
	ck_assert_int_eq(got->body_case, TDKT__CLIENT_ENVELOPE__BODY_ERROR);
	ck_assert_int_eq(got->error->code, TOO_LARGE);
	ck_assert_str_eq(got->error->message_vi,
	    "Yêu cầu vượt quá kích thước cho phép");
	ck_assert_str_eq(got->error->detail,
	    "message of 70000 bytes exceeds the limit of 65536");

	/* No detail becomes an empty one, not NULL. */
	wire_error_fill(&e, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL);
	ck_assert_int_eq(e.code, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE);
	ck_assert_str_eq(e.message_vi,
	    errors_message_vi(TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE));
	ck_assert_ptr_nonnull(e.detail);
	ck_assert_str_eq(e.detail, "");
}
END_TEST

/* Receives one frame from `sock` into a new malloc'd buffer. */
static uint8_t *
wire_test_recv(void *sock, size_t *len, int *more)
{
	zmq_msg_t	 msg;
	uint8_t		*buf;

	zmq_msg_init(&msg);
	ck_assert_int_ge(zmq_msg_recv(&msg, sock, 0), 0);
	*len = zmq_msg_size(&msg);
	*more = zmq_msg_more(&msg);
	buf = malloc(*len > 0 ? *len : 1);
	memcpy(buf, zmq_msg_data(&msg), *len);
	zmq_msg_close(&msg);
	return buf;
}

/* wire_send over an inproc pair: small and large messages, routing frame. */
START_TEST(test_wire_send)
{
	void			*ctx = zmq_ctx_new();
	void			*tx = zmq_socket(ctx, ZMQ_PAIR);
	void			*rx = zmq_socket(ctx, ZMQ_PAIR);
	char			*big = malloc(5000);
	struct wire_error	 err = { 0 };
	Tdkt__WorkerEnvelope	 env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Disconnect	 bye = TDKT__DISCONNECT__INIT;
	Tdkt__WorkerEnvelope	*got;
	uint8_t			*frame;
	size_t			 len;
	int			 more;

	ck_assert_int_eq(zmq_bind(rx, "inproc://check-wire"), 0);
	ck_assert_int_eq(zmq_connect(tx, "inproc://check-wire"), 0);
	env.version = 1;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_DISCONNECT;
	env.disconnect = &bye;

	/* Small: one frame. */
	bye.reason = "đang dừng";
	ck_assert_int_eq(wire_send(tx, NULL, 0, &env.base), 0);
	frame = wire_test_recv(rx, &len, &more);
	ck_assert_int_eq(more, 0);
	got = wire_unpack_worker(arena, frame, len, WIRE_TEST_MAX_LEN, &err);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got->disconnect->reason, "đang dừng");
	free(frame);

	/* Larger than wire_send's stack buffer, after a routing id frame. */
	memset(big, 'z', 4999);
	big[4999] = '\0';
	bye.reason = big;
	ck_assert_int_eq(wire_send(tx, "peer-1", 6, &env.base), 0);
	frame = wire_test_recv(rx, &len, &more);
	ck_assert_int_eq(more, 1);
	ck_assert_uint_eq(len, 6);
	ck_assert_mem_eq(frame, "peer-1", 6);
	free(frame);
	frame = wire_test_recv(rx, &len, &more);
	ck_assert_int_eq(more, 0);
	got = wire_unpack_worker(arena, frame, len, WIRE_TEST_MAX_LEN, &err);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got->disconnect->reason, big);
	free(frame);

	free(big);
	zmq_close(tx);
	zmq_close(rx);
	zmq_ctx_term(ctx);
}
END_TEST

static Suite *
wire_suite(void)
{
	Suite	*s = suite_create("wire");
	TCase	*tc;

	tc = tcase_create("unpack");
	tcase_add_checked_fixture(tc, wire_test_setup, wire_test_teardown);
	tcase_add_test(tc, test_wire_ping_round_trip);
	tcase_add_test(tc, test_wire_empty_is_empty_envelope);
	tcase_add_test(tc, test_wire_unpack_other_descriptor);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, wire_test_setup, wire_test_teardown);
	tcase_add_loop_test(tc, test_wire_garbage_malformed, 0,
	    (int)(sizeof wire_garbage / sizeof wire_garbage[0]));
	tcase_add_test(tc, test_wire_random_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("too_large");
	tcase_add_checked_fixture(tc, wire_test_setup, wire_test_teardown);
	tcase_add_test(tc, test_wire_too_large_by_length);
	tcase_add_test(tc, test_wire_too_large_not_read);
	tcase_add_test(tc, test_wire_too_large_by_budget);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_checked_fixture(tc, wire_test_setup, wire_test_teardown);
	tcase_add_test(tc, test_wire_vietnamese_passes);
	tcase_add_test(tc, test_wire_bad_utf8_in_body);
	tcase_add_test(tc, test_wire_bad_utf8_in_envelope);
	tcase_add_test(tc, test_wire_bad_utf8_nested);
	tcase_add_test(tc, test_wire_bad_utf8_repeated);
	tcase_add_test(tc, test_wire_bytes_not_checked);
	tcase_add_test(tc, test_wire_nul_in_string_refused);
	tcase_add_test(tc, test_wire_oneof_string_chosen);
	tcase_add_test(tc, test_wire_oneof_message_chosen);
	tcase_add_test(tc, test_wire_oneof_bad_member_refused_either_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("pack");
	tcase_add_checked_fixture(tc, wire_test_setup, wire_test_teardown);
	tcase_add_test(tc, test_wire_pack_round_trip);
	tcase_add_test(tc, test_wire_pack_over_budget);
	tcase_add_test(tc, test_wire_error_fill);
	tcase_add_test(tc, test_wire_send);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(wire_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
