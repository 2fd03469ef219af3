/*
 * check_utf8.c - unit tests for the strict UTF-8 validator (utf8.c).
 *
 * Every string from a peer or a file goes through utf8_valid before it is
 * stored, so these tests pin down both halves of its contract: Vietnamese
 * text and every boundary code point pass, and each class of ill-formed input
 * (overlong forms, surrogates, values above U+10FFFF, truncated and stray
 * sequences, NUL) fails with bad_offset at the first bad byte.
 *
 * utf8_trim_partial repairs what snprintf leaves when it cuts Vietnamese
 * text short: the tests cut two-, three- and four-byte characters after
 * each of their bytes, check that whole characters are never touched, and
 * truncate a sentence at every length to see that the result is always the
 * longest valid prefix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "utf8.h"

/* A byte string with its length, so embedded NULs are allowed. */
struct utf8_case {
	const char	*name;
	const char	*s;
	size_t		 len;
	size_t		 bad_offset;	/* ignored for the valid cases */
};

#define UTF8_CASE(name, lit, off)	{ name, lit, sizeof lit - 1, off }

static const struct utf8_case utf8_good[] = {
	UTF8_CASE("empty", "", 0),
	UTF8_CASE("ascii", "Hello, world! 0123456789 ~`{}", 0),
	UTF8_CASE("school", "Trường Tiểu học Nguyễn Bỉnh Khiêm", 0),
	UTF8_CASE("title", "Lao động tiên tiến", 0),
	UTF8_CASE("emoji", "thi đua \xF0\x9F\x8E\x89 khen thưởng", 0),
	UTF8_CASE("U+0080", "\xC2\x80", 0),
	UTF8_CASE("U+07FF", "\xDF\xBF", 0),
	UTF8_CASE("U+0800", "\xE0\xA0\x80", 0),
	UTF8_CASE("U+D7FF", "\xED\x9F\xBF", 0),
	UTF8_CASE("U+E000", "\xEE\x80\x80", 0),
	UTF8_CASE("U+FFFD", "\xEF\xBF\xBD", 0),
	UTF8_CASE("U+FFFF", "\xEF\xBF\xBF", 0),
	UTF8_CASE("U+10000", "\xF0\x90\x80\x80", 0),
	UTF8_CASE("U+10FFFF", "\xF4\x8F\xBF\xBF", 0),
	UTF8_CASE("U+007F", "\x7F", 0),
};

static const struct utf8_case utf8_bad[] = {
	UTF8_CASE("overlong 2-byte NUL", "\xC0\x80", 0),
	UTF8_CASE("overlong 2-byte C1", "ab\xC1\xBF", 2),
	UTF8_CASE("overlong 3-byte NUL", "\xE0\x80\x80", 0),
	UTF8_CASE("overlong 3-byte U+07FF", "x\xE0\x9F\xBF", 1),
	UTF8_CASE("overlong 4-byte U+FFFF", "\xF0\x8F\xBF\xBF", 0),
	UTF8_CASE("high surrogate", "\xED\xA0\x80", 0),
	UTF8_CASE("low surrogate", "Khiêm\xED\xBF\xBF", 6),
	UTF8_CASE("above U+10FFFF", "\xF4\x90\x80\x80", 0),
	UTF8_CASE("lead byte F5", "ok \xF5\x80\x80\x80", 3),
	UTF8_CASE("lead byte FF", "\xFF", 0),
	UTF8_CASE("lead byte FE", "a\xFE", 1),
	UTF8_CASE("truncated 2 of 3 at end", "Trường\xE1\xBB", 9),
	UTF8_CASE("truncated 1 of 2 at end", "Bỉnh\xC3", 6),
	UTF8_CASE("truncated 3 of 4 at end", "\xF0\x9F\x8E", 0),
	UTF8_CASE("truncated 3 of 4 mid", "\xF0\x9F\x8E" "abc", 0),
	UTF8_CASE("truncated 2 of 3 mid", "a\xE1\xBB" "b", 1),
	UTF8_CASE("stray continuation", "\x80", 0),
	UTF8_CASE("stray continuation mid", "Lao \xBF" "động", 4),
	UTF8_CASE("two continuations after ok", "Nguyễn\x80\x80", 8),
	UTF8_CASE("lead then lead", "\xC3\xC3\xA0", 0),
	UTF8_CASE("embedded NUL", "ab\0cd", 2),
	UTF8_CASE("leading NUL", "\0", 0),
	UTF8_CASE("NUL after Vietnamese", "tiên\0tiến", 5),
};

START_TEST(test_utf8_good)
{
	const struct utf8_case	*c = &utf8_good[_i];
	size_t			 bad = 12345;

	ck_assert_msg(utf8_valid(c->s, c->len, &bad), "%s refused", c->name);
	ck_assert_msg(bad == 12345, "%s: bad_offset written on success",
	    c->name);
	ck_assert_msg(utf8_valid(c->s, c->len, NULL), "%s refused", c->name);
}
END_TEST

START_TEST(test_utf8_bad)
{
	const struct utf8_case	*c = &utf8_bad[_i];
	size_t			 bad = 12345;

	ck_assert_msg(!utf8_valid(c->s, c->len, &bad), "%s accepted", c->name);
	ck_assert_msg(bad == c->bad_offset, "%s: bad_offset %zu, expected %zu",
	    c->name, bad, c->bad_offset);
	/* bad_offset may be NULL. */
	ck_assert_msg(!utf8_valid(c->s, c->len, NULL), "%s accepted", c->name);
}
END_TEST

/* Only the first `len` bytes count: a good prefix of a bad string passes. */
START_TEST(test_utf8_len_bounds_the_check)
{
	const char	*s = "Khiêm\xFF";
	size_t		 bad;

	ck_assert(utf8_valid(s, 6, NULL));
	ck_assert(!utf8_valid(s, 7, &bad));
	ck_assert_uint_eq(bad, 6);
	/* Cutting a multi-byte character in half makes it truncated. */
	ck_assert(!utf8_valid(s, 4, &bad));
	ck_assert_uint_eq(bad, 3);
	ck_assert(utf8_valid(s, 0, NULL));
}
END_TEST

/*
 * A sequence cut short at the very end of a heap buffer must be refused
 * without reading past the buffer (AddressSanitizer catches an overread).
 */
START_TEST(test_utf8_no_overread)
{
	static const unsigned char seqs[][4] = {
		{ 0xC3, 0xA0 },			/* à */
		{ 0xE1, 0xBB, 0x87 },		/* ệ */
		{ 0xF0, 0x9F, 0x8E, 0x89 },	/* party popper */
		{ 0xF4, 0x8F, 0xBF, 0xBF },	/* U+10FFFF */
	};
	static const size_t lens[] = { 2, 3, 4, 4 };
	size_t	 bad;

	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		for (size_t have = 1; have <= lens[i]; have++) {
			char	*buf = malloc(have);

			memcpy(buf, seqs[i], have);
			if (have == lens[i])
				ck_assert_msg(utf8_valid(buf, have, NULL),
				    "sequence %zu refused", i);
			else {
				bad = 99;
				ck_assert_msg(!utf8_valid(buf, have, &bad),
				    "sequence %zu cut to %zu bytes accepted", i,
				    have);
				ck_assert_uint_eq(bad, 0);
			}
			free(buf);
		}
	}
}
END_TEST

/* Every single byte on its own: exactly 01..7F are valid. */
START_TEST(test_utf8_single_bytes)
{
	for (int b = 0; b < 256; b++) {
		char	c = (char)b;
		size_t	bad = 99;
		bool	ok = utf8_valid(&c, 1, &bad);

		if (b >= 0x01 && b <= 0x7F)
			ck_assert_msg(ok, "byte %02x refused", b);
		else {
			ck_assert_msg(!ok, "byte %02x accepted", b);
			ck_assert_uint_eq(bad, 0);
		}
	}
}
END_TEST

/* Of the two-byte sequences from C0 and up, exactly C2..DF 80..BF are valid. */
START_TEST(test_utf8_two_byte_range)
{
	char	s[2];

	for (int lead = 0xC0; lead <= 0xDF; lead++) {
		for (int cont = 0; cont < 256; cont++) {
			bool	expect = lead >= 0xC2 && cont >= 0x80 &&
			    cont <= 0xBF;

			s[0] = (char)lead;
			s[1] = (char)cont;
			ck_assert_msg(utf8_valid(s, 2, NULL) == expect,
			    "%02x %02x: expected %s", lead, cont,
			    expect ? "valid" : "invalid");
		}
	}
}
END_TEST

/* A string with its last character cut short, and what trimming leaves. */
struct utf8_trim_case {
	const char	*name;
	const char	*s;
	const char	*want;
};

static const struct utf8_trim_case utf8_trims[] = {
	{ "empty", "", "" },
	{ "ascii", "abc", "abc" },
	{ "ends in ascii", "Trường", "Trường" },
	{ "whole 2-byte", "Khiê", "Khiê" },
	{ "whole 3-byte", "Lao động tiên tiế", "Lao động tiên tiế" },
	{ "whole 4-byte", "a\xF0\x9F\x8E\x89", "a\xF0\x9F\x8E\x89" },
	{ "whole 4-byte alone", "\xF0\x9F\x8E\x89", "\xF0\x9F\x8E\x89" },
	{ "whole U+10FFFF", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF" },
	{ "whole U+0080", "x\xC2\x80", "x\xC2\x80" },
	{ "2-byte, 1 left", "Khi\xC3", "Khi" },
	{ "3-byte, 2 left", "Lao động ti\xE1\xBA", "Lao động ti" },
	{ "3-byte, 1 left", "Lao động ti\xE1", "Lao động ti" },
	{ "4-byte, 3 left", "x\xF0\x9F\x8E", "x" },
	{ "4-byte, 2 left", "x\xF0\x9F", "x" },
	{ "4-byte, 1 left", "x\xF0", "x" },
	{ "only a 2-byte lead", "\xC3", "" },
	{ "only 2 of 3", "\xE1\xBB", "" },
	{ "only 3 of 4", "\xF0\x9F\x8E", "" },
	{ "after a whole 2-byte", "é\xC3", "é" },
	{ "after a whole 3-byte", "ệ\xE1\xBB", "ệ" },
	{ "after a whole 4-byte", "\xF0\x9F\x8E\x89\xF0\x9F\x8E",
	  "\xF0\x9F\x8E\x89" },
	{ "after a space", "Nguyễn \xE1", "Nguyễn " },
};

START_TEST(test_utf8_trim_partial)
{
	const struct utf8_trim_case	*c = &utf8_trims[_i];
	char				 buf[64];

	ck_assert_uint_lt(strlen(c->s), sizeof buf);
	strcpy(buf, c->s);
	utf8_trim_partial(buf);
	ck_assert_msg(strcmp(buf, c->want) == 0, "%s: \"%s\", expected \"%s\"",
	    c->name, buf, c->want);
	/* Trimming twice changes nothing more. */
	utf8_trim_partial(buf);
	ck_assert_str_eq(buf, c->want);
}
END_TEST

/*
 * A sentence truncated by snprintf at every length: trimming leaves the
 * longest prefix that ends on a character boundary, and it is valid UTF-8.
 */
START_TEST(test_utf8_trim_after_snprintf)
{
	static const char	text[] =
	    "Trường Tiểu học Nguyễn Bỉnh Khiêm \xF0\x9F\x8E\x89 đạt "
	    "Lao động tiên tiến";
	const size_t		len = sizeof text - 1;
	char			buf[sizeof text];

	for (size_t size = 1; size <= sizeof buf; size++) {
		size_t	cut = size - 1, want = cut;

		ck_assert_int_eq(snprintf(buf, size, "%s", text), (int)len);
		ck_assert_uint_eq(strlen(buf), cut);
		while (want < len && ((unsigned char)text[want] & 0xC0) == 0x80)
			want--;
		utf8_trim_partial(buf);
		ck_assert_msg(strlen(buf) == want, "cut at %zu: %zu bytes "
		    "left, expected %zu", cut, strlen(buf), want);
		ck_assert(memcmp(buf, text, want) == 0);
		ck_assert_msg(utf8_valid(buf, want, NULL), "cut at %zu: not "
		    "valid", cut);
	}
}
END_TEST

static Suite *
utf8_suite(void)
{
	Suite	*s = suite_create("utf8");
	TCase	*tc;

	tc = tcase_create("valid");
	tcase_add_loop_test(tc, test_utf8_good, 0,
	    (int)(sizeof utf8_good / sizeof utf8_good[0]));
	tcase_add_test(tc, test_utf8_len_bounds_the_check);
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_add_loop_test(tc, test_utf8_bad, 0,
	    (int)(sizeof utf8_bad / sizeof utf8_bad[0]));
	tcase_add_test(tc, test_utf8_no_overread);
	tcase_add_test(tc, test_utf8_single_bytes);
	tcase_add_test(tc, test_utf8_two_byte_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("trim_partial");
	tcase_add_loop_test(tc, test_utf8_trim_partial, 0,
	    (int)(sizeof utf8_trims / sizeof utf8_trims[0]));
	tcase_add_test(tc, test_utf8_trim_after_snprintf);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(utf8_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
