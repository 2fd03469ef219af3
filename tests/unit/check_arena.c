/*
 * check_arena.c - unit tests for the per-request bump allocator (arena.c).
 *
 * The arena is what bounds the memory one peer's request can cost, so the
 * tests press on its edges: every pointer aligned for any type, the budget
 * refused exactly when it would be exceeded (and remembered as exhausted),
 * reset giving back the whole budget, oversized allocations, and the
 * protobuf-c allocator that wire_unpack relies on. Suites run under ASan, so
 * a block that overlaps another or outlives arena_free shows up as a report.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "arena.h"
#include "client.pb-c.h"

#define ARENA_ALIGN	alignof(max_align_t)

static size_t
arena_test_round(size_t size)
{
	if (size == 0)
		size = 1;
	return (size + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
}

START_TEST(test_arena_new_is_empty)
{
	struct arena	*a = arena_new(1024);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(arena_used(a), 0);
	ck_assert(!arena_exhausted(a));
	arena_free(&a);
	ck_assert_ptr_null(a);
}
END_TEST

START_TEST(test_arena_alignment)
{
	static const size_t	 sizes[] = { 1, 2, 3, 5, 7, 8, 9, 13, 15, 16,
	    17, 31, 33, 63, 100, 255, 0, 1000 };
	struct arena		*a = arena_new(1 << 16);
	unsigned char		*p[sizeof sizes / sizeof sizes[0]];
	size_t			 expect_used = 0;

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		p[i] = arena_alloc(a, sizes[i]);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_msg((uintptr_t)p[i] % ARENA_ALIGN == 0,
		    "allocation %zu of %zu bytes misaligned: %p", i, sizes[i],
		    (void *)p[i]);
		memset(p[i], (int)i + 1, sizes[i]);
		expect_used += arena_test_round(sizes[i]);
	}
	/* No block overlapped another: each still holds its own pattern. */
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (size_t k = 0; k < sizes[i]; k++)
			ck_assert_uint_eq(p[i][k], i + 1);
	}
	ck_assert_uint_eq(arena_used(a), expect_used);
	arena_free(&a);
}
END_TEST

/* Long doubles and pointers live in arena memory (UBSan checks alignment). */
START_TEST(test_arena_typed_use)
{
	struct arena	*a = arena_new(4096);
	char		*c = arena_alloc(a, 1);
	long double	*ld = arena_alloc(a, sizeof *ld * 4);
	void		**pp = arena_alloc(a, sizeof *pp * 3);

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(ld);
	ck_assert_ptr_nonnull(pp);
	*c = 'x';
	for (int i = 0; i < 4; i++)
		ld[i] = (long double)i / 3;
	pp[0] = c;
	pp[1] = ld;
	pp[2] = NULL;
	ck_assert_ptr_eq(pp[0], c);
	ck_assert(ld[3] == (long double)3 / 3);
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_budget_refused)
{
	struct arena	*a = arena_new(4 * ARENA_ALIGN);
	void		*p, *q;

	p = arena_alloc(a, 3 * ARENA_ALIGN);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(arena_used(a), 3 * ARENA_ALIGN);
	ck_assert(!arena_exhausted(a));

	/* One byte more than is left rounds up past the budget. */
	q = arena_alloc(a, ARENA_ALIGN + 1);
	ck_assert_ptr_null(q);
	ck_assert(arena_exhausted(a));
	ck_assert_uint_eq(arena_used(a), 3 * ARENA_ALIGN);

	/* What is left can still be had; the flag stays set until reset. */
	q = arena_alloc(a, ARENA_ALIGN);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(arena_used(a), 4 * ARENA_ALIGN);
	ck_assert(arena_exhausted(a));

	/* The budget is now spent exactly: even one byte is refused. */
	ck_assert_ptr_null(arena_alloc(a, 1));
	ck_assert_ptr_null(arena_zalloc(a, 1));
	ck_assert_ptr_null(arena_strdup(a, ""));
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_budget_exact)
{
	struct arena	*a = arena_new(1000);

	/* 1000 is not a multiple of the alignment: 1000 rounds past it. */
	if (1000 % ARENA_ALIGN != 0)
		ck_assert_ptr_null(arena_alloc(a, 1000));
	arena_reset(a);
	ck_assert_ptr_nonnull(arena_alloc(a, 1000 / ARENA_ALIGN * ARENA_ALIGN));
	ck_assert(!arena_exhausted(a));
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_huge_sizes)
{
	struct arena	*a = arena_new(1 << 20);

	/* Sizes near SIZE_MAX must not wrap around the rounding. */
	ck_assert_ptr_null(arena_alloc(a, SIZE_MAX));
	ck_assert(arena_exhausted(a));
	arena_reset(a);
	ck_assert_ptr_null(arena_alloc(a, SIZE_MAX - ARENA_ALIGN + 2));
	ck_assert(arena_exhausted(a));
	arena_reset(a);
	ck_assert_ptr_null(arena_alloc(a, SIZE_MAX / 2));
	ck_assert(arena_exhausted(a));
	ck_assert_uint_eq(arena_used(a), 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_zero_size)
{
	struct arena	*a = arena_new(1024);
	void		*p = arena_alloc(a, 0);
	void		*q = arena_alloc(a, 0);

	/* Distinct, non-NULL pointers, as with malloc(0) on glibc. */
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(p, q);
	ck_assert_uint_eq(arena_used(a), 2 * ARENA_ALIGN);
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_reset)
{
	struct arena	*a = arena_new(256);
	unsigned char	*first, *again;

	first = arena_alloc(a, 100);
	ck_assert_ptr_nonnull(first);
	memset(first, 0xAB, 100);
	ck_assert_ptr_null(arena_alloc(a, 200));
	ck_assert(arena_exhausted(a));
	ck_assert_uint_gt(arena_used(a), 0);

	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	ck_assert(!arena_exhausted(a));

	/* The whole budget is back, and the first chunk is reused. */
	again = arena_alloc(a, 200);
	ck_assert_ptr_nonnull(again);
	ck_assert_ptr_eq(again, first);
	memset(again, 0x11, 200);
	ck_assert_uint_eq(arena_used(a), arena_test_round(200));

	/* Reset of a fresh arena and repeated resets are harmless. */
	arena_reset(a);
	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_zalloc_after_reset)
{
	struct arena	*a = arena_new(4096);
	unsigned char	*p;

	p = arena_alloc(a, 512);
	memset(p, 0xFF, 512);
	arena_reset(a);
	p = arena_zalloc(a, 512);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < 512; i++)
		ck_assert_uint_eq(p[i], 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_large_allocations)
{
	const size_t	 big = 100 * 1000;	/* far beyond one chunk */
	struct arena	*a = arena_new(1 << 20);
	unsigned char	*small1, *large, *small2, *large2;

	for (int round = 0; round < 3; round++) {
		small1 = arena_alloc(a, 10);
		large = arena_alloc(a, big);
		small2 = arena_alloc(a, 10);
		large2 = arena_zalloc(a, 3 * big);
		ck_assert_ptr_nonnull(small1);
		ck_assert_ptr_nonnull(large);
		ck_assert_ptr_nonnull(small2);
		ck_assert_ptr_nonnull(large2);
		ck_assert_uint_eq((uintptr_t)large % ARENA_ALIGN, 0);
		ck_assert_uint_eq((uintptr_t)large2 % ARENA_ALIGN, 0);

		/* Every byte is ours (ASan would object otherwise). */
		memset(small1, 1, 10);
		memset(large, 2, big);
		memset(small2, 3, 10);
		ck_assert_uint_eq(large2[0], 0);
		ck_assert_uint_eq(large2[3 * big - 1], 0);
		memset(large2, 4, 3 * big);
		ck_assert_uint_eq(small1[9], 1);
		ck_assert_uint_eq(large[0], 2);
		ck_assert_uint_eq(large[big - 1], 2);
		ck_assert_uint_eq(small2[0], 3);

		ck_assert_uint_eq(arena_used(a), 2 * arena_test_round(10) +
		    arena_test_round(big) + arena_test_round(3 * big));
		ck_assert(!arena_exhausted(a));
		/* Reset must free the extra chunks: LeakSanitizer checks. */
		arena_reset(a);
	}
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_many_chunks)
{
	struct arena	*a = arena_new(1 << 20);
	char		*prev = NULL;
	size_t		 n = 0;

	/* Fill several standard chunks with blocks that link to each other. */
	for (;;) {
		char	**p = arena_alloc(a, 1000);

		if (p == NULL)
			break;
		*p = prev;
		prev = (char *)p;
		n++;
	}
	ck_assert(arena_exhausted(a));
	ck_assert_uint_eq(n, (1 << 20) / arena_test_round(1000));
	while (prev != NULL) {
		prev = *(char **)prev;
		n--;
	}
	ck_assert_uint_eq(n, 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_strdup)
{
	const char	*src = "Trường Tiểu học Nguyễn Bỉnh Khiêm";
	struct arena	*a = arena_new(256);
	char		*s, *e;

	s = arena_strdup(a, src);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_ne(s, src);
	ck_assert_str_eq(s, src);
	ck_assert_uint_eq(arena_used(a), arena_test_round(strlen(src) + 1));

	e = arena_strdup(a, "");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e, "");

	/* A copy that does not fit is refused whole. */
	{
		char	 longer[300];

		memset(longer, 'x', sizeof longer - 1);
		longer[sizeof longer - 1] = '\0';
		ck_assert_ptr_null(arena_strdup(a, longer));
		ck_assert(arena_exhausted(a));
	}
	ck_assert_str_eq(s, src);
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_free_null)
{
	struct arena	*a = NULL;

	arena_free(&a);
	ck_assert_ptr_null(a);

	a = arena_new(64);
	ck_assert_ptr_nonnull(arena_alloc(a, 8));
	arena_free(&a);
	ck_assert_ptr_null(a);
	/* A second free through the nulled pointer is a no-op. */
	arena_free(&a);
	ck_assert_ptr_null(a);
}
END_TEST

/* Packs an envelope carrying an echo request; the caller frees the buffer. */
static uint8_t *
arena_test_pack_echo(const char *text, size_t *len)
{
	Tdkt__ClientEnvelope	env = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__EchoRequest	echo = TDKT__ECHO_REQUEST__INIT;
	uint8_t			*buf;

	echo.text = (char *)text;
	echo.delay_ms = 250;
	env.version = 1;
	env.request_id = 0x1122334455667788ULL;
	env.idempotency_key = "khóa-01";
	env.body_case = TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST;
	env.echo_request = &echo;

	*len = tdkt__client_envelope__get_packed_size(&env);
	buf = malloc(*len);
	ck_assert_uint_eq(tdkt__client_envelope__pack(&env, buf), *len);
	return buf;
}

START_TEST(test_arena_protobuf_allocator)
{
	const char		*text = "Lao động tiên tiến";
	struct arena		*a = arena_new(4096);
	ProtobufCAllocator	 alloc;
	Tdkt__ClientEnvelope	*env;
	uint8_t			*buf;
	size_t			 len;

	buf = arena_test_pack_echo(text, &len);
	arena_protobuf_allocator(a, &alloc);
	ck_assert_ptr_eq(alloc.allocator_data, a);

	env = tdkt__client_envelope__unpack(&alloc, len, buf);
	ck_assert_ptr_nonnull(env);
	ck_assert_uint_eq(env->version, 1);
	ck_assert_uint_eq(env->request_id, 0x1122334455667788ULL);
	ck_assert_str_eq(env->idempotency_key, "khóa-01");
	ck_assert_int_eq(env->body_case,
	    TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST);
	ck_assert_str_eq(env->echo_request->text, text);
	ck_assert_uint_eq(env->echo_request->delay_ms, 250);

	/* All of it came from the arena, and the arena owns it. */
	ck_assert_uint_ge(arena_used(a), sizeof *env +
	    sizeof *env->echo_request + strlen(text) + 1);
	ck_assert_uint_eq((uintptr_t)env % ARENA_ALIGN, 0);
	free(buf);
	/* No *_free_unpacked: arena_free releases it (LeakSanitizer checks). */
	arena_free(&a);
}
END_TEST

START_TEST(test_arena_protobuf_allocator_budget)
{
	char			 text[2000];
	struct arena		*a = arena_new(512);
	ProtobufCAllocator	 alloc;
	uint8_t			*buf;
	size_t			 len;

	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	buf = arena_test_pack_echo(text, &len);
	arena_protobuf_allocator(a, &alloc);

	/* The text alone exceeds the budget: unpack fails cleanly. */
	ck_assert_ptr_null(tdkt__client_envelope__unpack(&alloc, len, buf));
	ck_assert(arena_exhausted(a));

	/* After a reset, the same arena unpacks a small message. */
	free(buf);
	arena_reset(a);
	buf = arena_test_pack_echo("ok", &len);
	ck_assert_ptr_nonnull(tdkt__client_envelope__unpack(&alloc, len, buf));
	ck_assert(!arena_exhausted(a));
	free(buf);
	arena_free(&a);
}
END_TEST

static Suite *
arena_suite(void)
{
	Suite	*s = suite_create("arena");
	TCase	*tc;

	tc = tcase_create("alloc");
	tcase_add_test(tc, test_arena_new_is_empty);
	tcase_add_test(tc, test_arena_alignment);
	tcase_add_test(tc, test_arena_typed_use);
	tcase_add_test(tc, test_arena_zero_size);
	tcase_add_test(tc, test_arena_large_allocations);
	tcase_add_test(tc, test_arena_many_chunks);
	tcase_add_test(tc, test_arena_strdup);
	suite_add_tcase(s, tc);

	tc = tcase_create("budget");
	tcase_add_test(tc, test_arena_budget_refused);
	tcase_add_test(tc, test_arena_budget_exact);
	tcase_add_test(tc, test_arena_huge_sizes);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_test(tc, test_arena_reset);
	tcase_add_test(tc, test_arena_zalloc_after_reset);
	tcase_add_test(tc, test_arena_free_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("protobuf");
	tcase_add_test(tc, test_arena_protobuf_allocator);
	tcase_add_test(tc, test_arena_protobuf_allocator_budget);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(arena_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
