/*
 * check_date.c - unit tests for day-number dates (date.c).
 *
 * Every deadline in a rulebook goes through these conversions, so the tests
 * walk every day from 1900 to 9999 and back, pin a few day numbers computed
 * independently, and hold date_parse_iso to exactly "YYYY-MM-DD": a rulebook
 * with "2024-6-3" or "03/06/2024" must be refused, not read as something
 * else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "date.h"

/* Day numbers from Python's datetime.date(...) - date(1970, 1, 1). */
static const struct {
	int	y, m, d;
	int32_t	days;
} date_known[] = {
	{ 1970, 1, 1, 0 },
	{ 1969, 12, 31, -1 },
	{ 1900, 1, 1, -25567 },
	{ 2000, 2, 29, 11016 },
	{ 2023, 10, 12, 19642 },
	{ 2024, 6, 3, 19877 },
	{ 9999, 12, 31, 2932896 },
};

START_TEST(test_date_known_values)
{
	int32_t	out;
	int	y, m, d;

	ck_assert(date_from_ymd(date_known[_i].y, date_known[_i].m,
	    date_known[_i].d, &out));
	ck_assert_int_eq(out, date_known[_i].days);
	date_to_ymd(date_known[_i].days, &y, &m, &d);
	ck_assert_int_eq(y, date_known[_i].y);
	ck_assert_int_eq(m, date_known[_i].m);
	ck_assert_int_eq(d, date_known[_i].d);
}
END_TEST

/* Every valid day from 1900 to 9999: consecutive numbers, exact round trip. */
START_TEST(test_date_round_trip_all)
{
	int32_t	expect, out;
	int	y2, m2, d2;

	ck_assert(date_from_ymd(1900, 1, 1, &expect));
	for (int y = 1900; y <= 9999; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= 31; d++) {
				if (!date_from_ymd(y, m, d, &out))
					continue;
				/* Not ck_assert: in fork mode each is a write. */
				if (out != expect)
					ck_abort_msg("%04d-%02d-%02d is %d, expected "
					    "%d", y, m, d, out, expect);
				date_to_ymd(out, &y2, &m2, &d2);
				if (y2 != y || m2 != m || d2 != d)
					ck_abort_msg("%d came back as %04d-%02d-%02d",
					    out, y2, m2, d2);
				expect++;
			}
		}
	}
	/* 8100 years of 365 days, plus the leap days. */
	ck_assert_int_eq(expect - (-25567), 8100 * 365 + 1964);
}
END_TEST

START_TEST(test_date_leap_years)
{
	int32_t	out;

	ck_assert(date_from_ymd(2000, 2, 29, &out));	/* divisible by 400 */
	ck_assert(date_from_ymd(2024, 2, 29, &out));
	ck_assert(date_from_ymd(1904, 2, 29, &out));
	ck_assert(!date_from_ymd(1900, 2, 29, &out));	/* by 100, not 400 */
	ck_assert(!date_from_ymd(2100, 2, 29, &out));
	ck_assert(!date_from_ymd(2023, 2, 29, &out));
	ck_assert(!date_from_ymd(2024, 2, 30, &out));
}
END_TEST

START_TEST(test_date_invalid)
{
	static const int	bad[][3] = {
		{ 2024, 0, 1 }, { 2024, 13, 1 }, { 2024, 1, 0 }, { 2024, 1, 32 },
		{ 2024, 4, 31 }, { 2024, 6, 31 }, { 2024, 9, 31 }, { 2024, 11, 31 },
		{ 1899, 12, 31 }, { 10000, 1, 1 }, { -1, 1, 1 }, { 2024, -1, 1 },
		{ 2024, 1, -1 },
	};
	int32_t			out = 12345;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(!date_from_ymd(bad[i][0], bad[i][1], bad[i][2],
		    &out), "%d-%d-%d accepted", bad[i][0], bad[i][1], bad[i][2]);
		ck_assert_int_eq(out, 12345);
	}
}
END_TEST

START_TEST(test_date_parse_iso_good)
{
	int32_t	out;

	ck_assert(date_parse_iso("2024-06-03", &out));
	ck_assert_int_eq(out, 19877);
	ck_assert(date_parse_iso("1900-01-01", &out));
	ck_assert_int_eq(out, -25567);
	ck_assert(date_parse_iso("9999-12-31", &out));
	ck_assert_int_eq(out, 2932896);
	ck_assert(date_parse_iso("2024-02-29", &out));
}
END_TEST

static const char *const date_bad_iso[] = {
	"", "2024", "2024-06", "2024-6-03", "2024-06-3", "24-06-03",
	" 2024-06-03", "2024-06-03 ", "2024-06-03\n", "2024-06-03x",
	"+024-06-03", "-024-06-03", "2024-+6-03", "2024-06-+3", "2024--6-03",
	"2024/06/03", "03/06/2024", "20240603", "2024-06-03T00:00",
	"2024-0a-03", "2024 06 03", "2024-13-01", "2024-00-10", "2024-02-30",
	"2023-02-29", "1900-02-29", "1899-12-31", "0000-01-01",
	"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94-06-03",
};

START_TEST(test_date_parse_iso_strict)
{
	int32_t	out = 777;

	ck_assert_msg(!date_parse_iso(date_bad_iso[_i], &out), "\"%s\" accepted",
	    date_bad_iso[_i]);
	ck_assert_int_eq(out, 777);
}
END_TEST

START_TEST(test_date_format)
{
	char	buf[DATE_BUF_SIZE];
	int32_t	d;

	ck_assert(date_from_ymd(2024, 6, 3, &d));
	date_format_vn(d, buf);
	ck_assert_str_eq(buf, "03/06/2024");
	date_format_iso(d, buf);
	ck_assert_str_eq(buf, "2024-06-03");
	ck_assert(date_from_ymd(1900, 1, 1, &d));
	date_format_vn(d, buf);
	ck_assert_str_eq(buf, "01/01/1900");
	ck_assert(date_from_ymd(9999, 12, 31, &d));
	date_format_iso(d, buf);
	ck_assert_str_eq(buf, "9999-12-31");
}
END_TEST

/* What format_iso writes, parse_iso reads back, on every day of the range. */
START_TEST(test_date_format_parse_round_trip)
{
	int32_t	first, last, back;
	char	buf[DATE_BUF_SIZE];

	ck_assert(date_from_ymd(1900, 1, 1, &first));
	ck_assert(date_from_ymd(9999, 12, 31, &last));
	for (int32_t d = first; d <= last; d++) {
		date_format_iso(d, buf);
		if (!date_parse_iso(buf, &back) || back != d)
			ck_abort_msg("%d -> \"%s\" did not come back", d, buf);
	}
}
END_TEST

START_TEST(test_date_today_vn)
{
	int32_t	today = date_today_vn(), start;
	int	y, m, d;

	ck_assert(date_from_ymd(2024, 1, 1, &start));
	ck_assert_int_ge(today, start);
	date_to_ymd(today, &y, &m, &d);
	ck_assert_int_lt(y, 2200);
}
END_TEST

static Suite *
date_suite(void)
{
	Suite	*s = suite_create("date");
	TCase	*tc;

	tc = tcase_create("convert");
	tcase_add_loop_test(tc, test_date_known_values, 0,
	    (int)(sizeof date_known / sizeof date_known[0]));
	tcase_add_test(tc, test_date_round_trip_all);
	tcase_add_test(tc, test_date_leap_years);
	tcase_add_test(tc, test_date_invalid);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_date_parse_iso_good);
	tcase_add_loop_test(tc, test_date_parse_iso_strict, 0,
	    (int)(sizeof date_bad_iso / sizeof date_bad_iso[0]));
	tcase_add_test(tc, test_date_format);
	tcase_add_test(tc, test_date_format_parse_round_trip);
	tcase_add_test(tc, test_date_today_vn);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(date_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
