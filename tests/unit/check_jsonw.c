/*
 * check_jsonw.c - unit tests for the bounded JSON writer (jsonw.c).
 *
 * What the writer produces goes to PostgreSQL as jsonb and to scripts
 * reading the client's --json output, so every test compares the whole
 * text: commas and nesting, strings escaped exactly as JSON requires
 * (quotes, backslashes, control characters, DEL) while Vietnamese passes
 * through untouched, NULL strings as null, the extremes of 64-bit integers.
 * Then the limits: a document of exactly the size limit is written and one
 * byte less fails, as do unbalanced ends, keys outside objects and nesting
 * past JSONW_MAX_DEPTH; jsonw_finish says so by returning NULL.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "jsonw.h"

#define JSONW_TEST_MAX	(1024 * 1024)

static struct jsonw	w;

static void
jsonw_test_setup(void)
{
	jsonw_init(&w, JSONW_TEST_MAX);
}

static void
jsonw_test_teardown(void)
{
	jsonw_clear(&w);
}

/* The writer holds exactly `want`. */
static void
jsonw_test_is(const char *want)
{
	const char	*text;
	size_t		 len = 12345;

	ck_assert_msg(!w.failed, "the writer failed");
	text = jsonw_finish(&w, &len);
	ck_assert_msg(text != NULL, "no text, expected %s", want);
	ck_assert_str_eq(text, want);
	ck_assert_uint_eq(len, strlen(want));
	/* The length may be left out, and finishing twice is the same. */
	ck_assert_ptr_eq(jsonw_finish(&w, NULL), text);
}

/* The writer has no text to give; `len` is left alone. */
static void
jsonw_test_no_text(void)
{
	const char	*text;
	size_t		 len = 12345;

	text = jsonw_finish(&w, &len);
	ck_assert_msg(text == NULL, "text %s, expected none", text);
	ck_assert_uint_eq(len, 12345);
	ck_assert_ptr_null(jsonw_finish(&w, NULL));
}

static void
jsonw_test_string(const char *s, const char *want)
{
	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_string(&w, s);
	jsonw_test_is(want);
}

START_TEST(test_jsonw_scalars)
{
	jsonw_test_string("", "\"\"");
	jsonw_test_string("abc", "\"abc\"");
	jsonw_test_string(NULL, "null");

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_int(&w, -42);
	jsonw_test_is("-42");

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_bool(&w, false);
	jsonw_test_is("false");

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_null(&w);
	jsonw_test_is("null");
}
END_TEST

START_TEST(test_jsonw_empty_containers)
{
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	jsonw_test_is("{}");

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_test_is("[]");

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_array_begin(&w);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_array_end(&w);
	jsonw_test_is("[[],{},[]]");
}
END_TEST

START_TEST(test_jsonw_object)
{
	jsonw_object_begin(&w);
	jsonw_key(&w, "code");
	jsonw_string(&w, "TH_01");
	jsonw_key(&w, "line");
	jsonw_uint(&w, 2);
	jsonw_key(&w, "is_head");
	jsonw_bool(&w, true);
	jsonw_key(&w, "retired");
	jsonw_bool(&w, false);
	jsonw_key(&w, "parent");
	jsonw_string(&w, NULL);
	jsonw_key(&w, "email");
	jsonw_null(&w);
	jsonw_key(&w, "delta");
	jsonw_int(&w, -7);
	jsonw_object_end(&w);
	jsonw_test_is("{\"code\":\"TH_01\",\"line\":2,\"is_head\":true,"
	    "\"retired\":false,\"parent\":null,\"email\":null,\"delta\":-7}");
}
END_TEST

/* Commas go between siblings only, at every depth. */
START_TEST(test_jsonw_nesting)
{
	jsonw_array_begin(&w);
	jsonw_int(&w, 1);
	jsonw_array_begin(&w);
	jsonw_int(&w, 2);
	jsonw_array_begin(&w);
	jsonw_int(&w, 3);
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	jsonw_array_end(&w);
	jsonw_array_end(&w);
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_key(&w, "b");
	jsonw_object_begin(&w);
	jsonw_key(&w, "c");
	jsonw_null(&w);
	jsonw_key(&w, "d");
	jsonw_array_begin(&w);
	jsonw_string(&w, "x");
	jsonw_string(&w, NULL);
	jsonw_object_begin(&w);
	jsonw_key(&w, "e");
	jsonw_uint(&w, 0);
	jsonw_object_end(&w);
	jsonw_array_end(&w);
	jsonw_object_end(&w);
	jsonw_object_end(&w);
	jsonw_string(&w, "y");
	jsonw_array_end(&w);
	jsonw_test_is("[1,[2,[3,{}]],{\"a\":[],\"b\":{\"c\":null,"
	    "\"d\":[\"x\",null,{\"e\":0}]}},\"y\"]");
}
END_TEST

START_TEST(test_jsonw_escapes)
{
	jsonw_test_string("say \"hi\"", "\"say \\\"hi\\\"\"");
	jsonw_test_string("C:\\tdkt\\", "\"C:\\\\tdkt\\\\\"");
	jsonw_test_string("\\\"", "\"\\\\\\\"\"");
	jsonw_test_string("line 1\nline 2", "\"line 1\\nline 2\"");
	jsonw_test_string("a\tb", "\"a\\tb\"");
	jsonw_test_string("\x01", "\"\\u0001\"");
	jsonw_test_string("a\x1f" "b", "\"a\\u001fb\"");
	jsonw_test_string("\r\n", "\"\\u000d\\n\"");
	jsonw_test_string("\b\f", "\"\\u0008\\u000c\"");
	jsonw_test_string("\x1b[31m", "\"\\u001b[31m\"");
	jsonw_test_string("del\x7f", "\"del\\u007f\"");
	/* The solidus needs no escape. */
	jsonw_test_string("a/b</", "\"a/b</\"");
	/* Keys are escaped the same way. */
	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "k\"\\\n\x02");
	jsonw_string(&w, "v");
	jsonw_object_end(&w);
	jsonw_test_is("{\"k\\\"\\\\\\n\\u0002\":\"v\"}");
}
END_TEST

/* Every ASCII byte, against an independent statement of the rule. */
START_TEST(test_jsonw_every_ascii_byte)
{
	char	in[128], want[1024];
	size_t	n = 0;

	want[n++] = '"';
	for (int c = 1; c < 128; c++) {
		in[c - 1] = (char)c;
		if (c == '"' || c == '\\')
			n += (size_t)sprintf(want + n, "\\%c", c);
		else if (c == '\n')
			n += (size_t)sprintf(want + n, "\\n");
		else if (c == '\t')
			n += (size_t)sprintf(want + n, "\\t");
		else if (c < 0x20 || c == 0x7f)
			n += (size_t)sprintf(want + n, "\\u%04x", c);
		else
			want[n++] = (char)c;
	}
	in[127] = '\0';
	want[n++] = '"';
	want[n] = '\0';
	jsonw_test_string(in, want);
}
END_TEST

/* Text above ASCII passes through as it is. */
START_TEST(test_jsonw_vietnamese)
{
	jsonw_test_string("Trường Tiểu học Nguyễn Bỉnh Khiêm",
	    "\"Trường Tiểu học Nguyễn Bỉnh Khiêm\"");
	jsonw_test_string("Lao động tiên tiến \xF0\x9F\x8E\x89",
	    "\"Lao động tiên tiến \xF0\x9F\x8E\x89\"");
	/* Decomposed: a combining mark after its letter. */
	jsonw_test_string("Vie\xCC\xA3\xCC\x82t", "\"Vie\xCC\xA3\xCC\x82t\"");
	jsonw_test_string("\xE2\x80\xA8\xC2\x80", "\"\xE2\x80\xA8\xC2\x80\"");

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "tên");
	jsonw_string(&w, "Trần \"Bé\"\nThị");
	jsonw_object_end(&w);
	jsonw_test_is("{\"tên\":\"Trần \\\"Bé\\\"\\nThị\"}");
}
END_TEST

START_TEST(test_jsonw_integers)
{
	jsonw_array_begin(&w);
	jsonw_int(&w, INT64_MIN);
	jsonw_int(&w, INT64_MAX);
	jsonw_int(&w, 0);
	jsonw_int(&w, -1);
	jsonw_uint(&w, UINT64_MAX);
	jsonw_uint(&w, 0);
	jsonw_uint(&w, (uint64_t)INT64_MAX + 1);
	jsonw_array_end(&w);
	jsonw_test_is("[-9223372036854775808,9223372036854775807,0,-1,"
	    "18446744073709551615,0,9223372036854775808]");
}
END_TEST

/* Writes the same document of 125 bytes into any writer. */
static void
jsonw_test_document(struct jsonw *x)
{
	jsonw_object_begin(x);
	jsonw_key(x, "name");
	jsonw_string(x, "Trường \"Bé\"\n");
	jsonw_key(x, "n");
	jsonw_array_begin(x);
	jsonw_int(x, INT64_MIN);
	jsonw_uint(x, UINT64_MAX);
	jsonw_null(x);
	jsonw_bool(x, true);
	jsonw_bool(x, false);
	jsonw_string(x, NULL);
	jsonw_object_begin(x);
	jsonw_object_end(x);
	jsonw_array_end(x);
	jsonw_key(x, "e\x01");
	jsonw_string(x, "\x7f\t\\");
	jsonw_object_end(x);
}

#define JSONW_TEST_DOCUMENT \
	"{\"name\":\"Trường \\\"Bé\\\"\\n\",\"n\":[-9223372036854775808," \
	"18446744073709551615,null,true,false,null,{}]," \
	"\"e\\u0001\":\"\\u007f\\t\\\\\"}"

/*
 * A document of exactly `max` bytes is written; with any smaller limit the
 * writer fails, whichever piece crosses it.
 */
START_TEST(test_jsonw_size_limit)
{
	const size_t	size = sizeof JSONW_TEST_DOCUMENT - 1;
	struct jsonw	x;
	const char	*text;
	size_t		 len;

	ck_assert_uint_eq(size, 125);
	for (size_t max = 0; max <= size + 2; max++) {
		jsonw_init(&x, max);
		jsonw_test_document(&x);
		text = jsonw_finish(&x, &len);
		if (max >= size) {
			ck_assert_msg(text != NULL, "refused, max %zu", max);
			ck_assert_str_eq(text, JSONW_TEST_DOCUMENT);
			ck_assert_uint_eq(len, size);
			ck_assert(!x.failed);
		} else {
			ck_assert_msg(text == NULL, "accepted, max %zu", max);
			ck_assert(x.failed);
			ck_assert_uint_le(x.len, max);
		}
		jsonw_clear(&x);
	}
}
END_TEST

/* The same at the boundary of a large document, across buffer growth. */
START_TEST(test_jsonw_size_limit_large)
{
	const int	 n = 100000;
	size_t		 size = 2, len;
	const char	*text;
	char		 num[32], controls[1001];

	/* [0,1,...,n-1] */
	for (int i = 0; i < n; i++)
		size += (size_t)snprintf(num, sizeof num, "%d", i) + (i > 0);

	for (size_t max = size - 1; max <= size; max++) {
		jsonw_clear(&w);
		jsonw_init(&w, max);
		jsonw_array_begin(&w);
		for (int i = 0; i < n; i++)
			jsonw_int(&w, i);
		jsonw_array_end(&w);
		text = jsonw_finish(&w, &len);
		if (max < size) {
			ck_assert_ptr_null(text);
			continue;
		}
		ck_assert_ptr_nonnull(text);
		ck_assert_uint_eq(len, size);
		ck_assert_uint_eq(strlen(text), size);
		ck_assert(strncmp(text, "[0,1,2,3,", 9) == 0);
		ck_assert_str_eq(text + size - 13, ",99998,99999]");
	}

	/* One long string: its escapes count towards the limit. */
	memset(controls, '\x01', sizeof controls - 1);
	controls[sizeof controls - 1] = '\0';
	for (size_t max = 6000; max <= 6003; max++) {
		jsonw_clear(&w);
		jsonw_init(&w, max);
		jsonw_string(&w, controls);
		text = jsonw_finish(&w, &len);
		if (max < 6002) {
			ck_assert_ptr_null(text);
			continue;
		}
		ck_assert_ptr_nonnull(text);
		ck_assert_uint_eq(len, 6002);
		ck_assert(strncmp(text, "\"\\u0001\\u0001", 13) == 0);
		ck_assert_str_eq(text + 6002 - 7, "\\u0001\"");
	}
}
END_TEST

/* Once failed, a writer stays failed. */
START_TEST(test_jsonw_failure_sticks)
{
	jsonw_clear(&w);
	jsonw_init(&w, 4);
	jsonw_array_begin(&w);
	jsonw_string(&w, "toolong");
	ck_assert(w.failed);
	jsonw_array_end(&w);
	jsonw_test_no_text();

	jsonw_clear(&w);
	jsonw_init(&w, 100);
	jsonw_array_end(&w);		/* misuse */
	ck_assert(w.failed);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_test_no_text();
}
END_TEST

START_TEST(test_jsonw_unbalanced)
{
	/* Begun, not ended: no text, but the writer can still be finished. */
	jsonw_array_begin(&w);
	jsonw_object_begin(&w);
	jsonw_test_no_text();
	ck_assert(!w.failed);
	jsonw_object_end(&w);
	jsonw_test_no_text();
	jsonw_array_end(&w);
	jsonw_test_is("[{}]");

	/* Ended once too often. */
	jsonw_array_end(&w);
	ck_assert(w.failed);
	jsonw_test_no_text();

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_object_end(&w);
	ck_assert(w.failed);
	jsonw_test_no_text();
}
END_TEST

START_TEST(test_jsonw_key_misuse)
{
	/* A key outside any object. */
	jsonw_key(&w, "a");
	ck_assert(w.failed);
	jsonw_test_no_text();

	/* Two keys in a row. */
	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_key(&w, "b");
	ck_assert(w.failed);
	jsonw_string(&w, "x");
	jsonw_object_end(&w);
	jsonw_test_no_text();

	/* A key without its value, closed... */
	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_object_end(&w);
	ck_assert(w.failed);
	jsonw_test_no_text();

	/* ...or not. */
	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_test_no_text();
}
END_TEST

/*
 * JSONW_MAX_DEPTH counts the top level: JSONW_MAX_DEPTH - 1 containers
 * nest, one more fails.
 */
START_TEST(test_jsonw_depth_limit)
{
	char	want[2 * JSONW_MAX_DEPTH + 8];
	int	n = JSONW_MAX_DEPTH - 1;

	for (int i = 0; i < n; i++)
		jsonw_array_begin(&w);
	jsonw_int(&w, 7);
	for (int i = 0; i < n; i++)
		jsonw_array_end(&w);
	memset(want, '[', (size_t)n);
	want[n] = '7';
	memset(want + n + 1, ']', (size_t)n);
	want[2 * n + 1] = '\0';
	jsonw_test_is(want);

	/* Objects count the same. */
	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	for (int i = 0; i < n; i++) {
		jsonw_object_begin(&w);
		jsonw_key(&w, "k");
	}
	jsonw_null(&w);
	for (int i = 0; i < n; i++)
		jsonw_object_end(&w);
	ck_assert(!w.failed);
	ck_assert_ptr_nonnull(jsonw_finish(&w, NULL));

	/* One more fails, whatever follows. */
	for (int extra = 0; extra < 3; extra++) {
		jsonw_clear(&w);
		jsonw_init(&w, JSONW_TEST_MAX);
		for (int i = 0; i < n + 1 + extra; i++)
			jsonw_array_begin(&w);
		ck_assert(w.failed);
		for (int i = 0; i < n + 1 + extra; i++)
			jsonw_array_end(&w);
		jsonw_test_no_text();
	}
	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	for (int i = 0; i < n; i++)
		jsonw_array_begin(&w);
	jsonw_object_begin(&w);
	ck_assert(w.failed);
	jsonw_test_no_text();
}
END_TEST

/* A writer can be cleared in any state, and used again after init. */
START_TEST(test_jsonw_clear)
{
	struct jsonw	x;

	jsonw_init(&x, 10);
	jsonw_clear(&x);
	ck_assert_ptr_null(x.buf);
	jsonw_clear(&x);

	jsonw_init(&x, 2);
	jsonw_string(&x, "abc");
	ck_assert(x.failed);
	jsonw_clear(&x);
	jsonw_init(&x, 2);
	jsonw_array_begin(&x);
	jsonw_array_end(&x);
	ck_assert_str_eq(jsonw_finish(&x, NULL), "[]");
	jsonw_clear(&x);
	ck_assert_ptr_null(x.buf);
}
END_TEST

/*
 * Regression tests for a bug found by this suite and fixed since: the
 * writer kept no record of whether each level is an object or an
 * array, so misuse inside containers went unnoticed and jsonw_finish
 * returned text that is not JSON.
 */

/* ["k":1] is returned. */
START_TEST(test_jsonw_bug_key_in_array)
{
	jsonw_array_begin(&w);
	jsonw_key(&w, "k");
	jsonw_int(&w, 1);
	jsonw_array_end(&w);
	jsonw_test_no_text();
}
END_TEST

/* {"x"} and {"a":1,2} are returned. */
START_TEST(test_jsonw_bug_value_without_key)
{
	jsonw_object_begin(&w);
	jsonw_string(&w, "x");
	jsonw_object_end(&w);
	jsonw_test_no_text();

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_int(&w, 1);
	jsonw_int(&w, 2);
	jsonw_object_end(&w);
	jsonw_test_no_text();
}
END_TEST

/* [} and {] are returned. */
START_TEST(test_jsonw_bug_mismatched_end)
{
	jsonw_array_begin(&w);
	jsonw_object_end(&w);
	jsonw_test_no_text();

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_object_begin(&w);
	jsonw_array_end(&w);
	jsonw_test_no_text();
}
END_TEST

/* Two values at the top level: 1,2 is returned. */
START_TEST(test_jsonw_bug_two_top_level_values)
{
	jsonw_int(&w, 1);
	jsonw_int(&w, 2);
	jsonw_test_no_text();

	jsonw_clear(&w);
	jsonw_init(&w, JSONW_TEST_MAX);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_test_no_text();
}
END_TEST

static Suite *
jsonw_suite(void)
{
	Suite	*s = suite_create("jsonw");
	TCase	*tc;

	tc = tcase_create("write");
	tcase_add_checked_fixture(tc, jsonw_test_setup, jsonw_test_teardown);
	tcase_add_test(tc, test_jsonw_scalars);
	tcase_add_test(tc, test_jsonw_empty_containers);
	tcase_add_test(tc, test_jsonw_object);
	tcase_add_test(tc, test_jsonw_nesting);
	tcase_add_test(tc, test_jsonw_escapes);
	tcase_add_test(tc, test_jsonw_every_ascii_byte);
	tcase_add_test(tc, test_jsonw_vietnamese);
	tcase_add_test(tc, test_jsonw_integers);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, jsonw_test_setup, jsonw_test_teardown);
	tcase_add_test(tc, test_jsonw_size_limit);
	tcase_add_test(tc, test_jsonw_size_limit_large);
	tcase_add_test(tc, test_jsonw_failure_sticks);
	tcase_add_test(tc, test_jsonw_unbalanced);
	tcase_add_test(tc, test_jsonw_key_misuse);
	tcase_add_test(tc, test_jsonw_depth_limit);
	tcase_add_test(tc, test_jsonw_clear);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_checked_fixture(tc, jsonw_test_setup, jsonw_test_teardown);
	tcase_add_test(tc, test_jsonw_bug_key_in_array);
	tcase_add_test(tc, test_jsonw_bug_value_without_key);
	tcase_add_test(tc, test_jsonw_bug_mismatched_end);
	tcase_add_test(tc, test_jsonw_bug_two_top_level_values);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(jsonw_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
