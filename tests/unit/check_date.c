/*
 * check_date.c - unit tests for day-number dates (date.c).
 *
 * Every deadline in a rulebook goes through these conversions, so the tests
 * walk every day from 1900 to 9999 and back, pin a few day numbers computed
 * independently, and hold date_parse_iso to exactly "YYYY-MM-DD": a rulebook
 * with "2024-6-3" or "03/06/2024" must be refused, not read as something
 * else. Times in Vietnam (UTC+7, no daylight saving) are pinned at the
 * edges of its days, where a wrong rounding or sign would move a reminder
 * to the day before; and in test builds the test clock is held to its
 * contract: the file read on every call, TDKT_TEST_TODAY when the file
 * holds no time, the wall clock when neither stands in.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* 2024-05-21 00:00 UTC, which is 07:00 that day in Vietnam. */
#define MS_0521_0700	INT64_C(1716249600000)
#define HOUR_MS		(3600 * INT64_C(1000))

START_TEST(test_date_parse_vn_time_good)
{
	int64_t	ms;

	ck_assert(date_parse_vn_time("2024-05-21 07:00", &ms));
	ck_assert_int_eq(ms, MS_0521_0700);
	ck_assert(date_parse_vn_time("2024-05-21 08:00", &ms));
	ck_assert_int_eq(ms, MS_0521_0700 + HOUR_MS);
	ck_assert(date_parse_vn_time("2024-05-21T08:00", &ms));
	ck_assert_int_eq(ms, MS_0521_0700 + HOUR_MS);
	ck_assert(date_parse_vn_time("2024-05-21 00:00", &ms));
	ck_assert_int_eq(ms, MS_0521_0700 - 7 * HOUR_MS);
	ck_assert(date_parse_vn_time("2024-05-20 23:59", &ms));
	ck_assert_int_eq(ms, MS_0521_0700 - 7 * HOUR_MS - 60000);
	ck_assert(date_parse_vn_time("1970-01-01 07:00", &ms));
	ck_assert_int_eq(ms, 0);
	ck_assert(date_parse_vn_time("1970-01-01 00:00", &ms));
	ck_assert_int_eq(ms, -7 * HOUR_MS);
	ck_assert(date_parse_vn_time("2024-02-29 23:59", &ms));
	ck_assert_int_eq(ms, date_at_hour_vn(19782, 23) + 59 * 60000);
	ck_assert(date_parse_vn_time("1900-01-01 00:00", &ms));
	ck_assert_int_eq(ms, date_at_hour_vn(-25567, 0));
	ck_assert(date_parse_vn_time("9999-12-31 23:59", &ms));
	ck_assert_int_eq(ms, date_at_hour_vn(2932896, 23) + 59 * 60000);
}
END_TEST

static const char *const date_bad_vn_time[] = {
	"", "2024-05-21", "2024-05-21 ", "2024-05-21 8:00", "2024-05-21 08:0",
	"2024-05-21 08:00:00", "2024-05-21 24:00", "2024-05-21 23:60",
	"2024-05-21  8:00", "2024-05-21 +8:00", "2024-05-21 -8:00",
	"2024-05-21 08:+0", "2024-05-21 08:-0", "2024-05-21 08-00",
	"2024-05-21 08.00", "2024-05-21_08:00", "2024-05-21t08:00",
	"2024-05-21 08:00Z", "2024-05-21 08:00 ", " 2024-05-21 08:00",
	"2024-05-21 08:00\n", "2024-05-21 0800 ", "2024-05-21 08h00",
	"2024-5-21  08:00", "2024-02-30 08:00", "2023-02-29 08:00",
	"1899-12-31 23:59", "21/05/2024 08:00", "2024/05/21 08:00",
	"2024-05-21 0a:00", "2024-05-21 08:0a", "2024-05-21 99:99",
	"2024-05-21\t08:00", "2024-05-21 08:00+07", "2024-05-21 08",
};

START_TEST(test_date_parse_vn_time_strict)
{
	int64_t	ms = 777;

	ck_assert_msg(!date_parse_vn_time(date_bad_vn_time[_i], &ms),
	    "\"%s\" accepted", date_bad_vn_time[_i]);
	ck_assert_int_eq(ms, 777);
}
END_TEST

/* Every minute of a day reads back as that day, in Vietnam. */
START_TEST(test_date_parse_vn_time_every_minute)
{
	char	buf[32];
	int64_t	ms, start = MS_0521_0700 - 7 * HOUR_MS;

	for (int h = 0; h < 24; h++) {
		for (int m = 0; m < 60; m++) {
			snprintf(buf, sizeof buf, "2024-05-21 %02d:%02d", h, m);
			if (!date_parse_vn_time(buf, &ms) ||
			    ms != start + (h * 60 + m) * INT64_C(60000) ||
			    date_of_ms_vn(ms) != 19864)
				ck_abort_msg("\"%s\" read wrong", buf);
		}
	}
}
END_TEST

START_TEST(test_date_of_ms_vn)
{
	/* Vietnam's day starts at 17:00 UTC the day before. */
	ck_assert_int_eq(date_of_ms_vn(MS_0521_0700), 19864);
	ck_assert_int_eq(date_of_ms_vn(MS_0521_0700 - 7 * HOUR_MS), 19864);
	ck_assert_int_eq(date_of_ms_vn(MS_0521_0700 - 7 * HOUR_MS - 1), 19863);
	ck_assert_int_eq(date_of_ms_vn(MS_0521_0700 + 17 * HOUR_MS - 1), 19864);
	ck_assert_int_eq(date_of_ms_vn(MS_0521_0700 + 17 * HOUR_MS), 19865);
	/* Around the epoch, where the division must round down. */
	ck_assert_int_eq(date_of_ms_vn(0), 0);
	ck_assert_int_eq(date_of_ms_vn(-7 * HOUR_MS), 0);
	ck_assert_int_eq(date_of_ms_vn(-7 * HOUR_MS - 1), -1);
	ck_assert_int_eq(date_of_ms_vn(-7 * HOUR_MS - DATE_DAY_MS), -1);
	ck_assert_int_eq(date_of_ms_vn(-7 * HOUR_MS - DATE_DAY_MS - 1), -2);
	ck_assert_int_eq(date_of_ms_vn(17 * HOUR_MS - 1), 0);
	ck_assert_int_eq(date_of_ms_vn(17 * HOUR_MS), 1);
}
END_TEST

START_TEST(test_date_at_hour_vn)
{
	ck_assert_int_eq(date_at_hour_vn(19864, 7), MS_0521_0700);
	ck_assert_int_eq(date_at_hour_vn(19864, 0), MS_0521_0700 - 7 * HOUR_MS);
	ck_assert_int_eq(date_at_hour_vn(19864, 23),
	    MS_0521_0700 + 16 * HOUR_MS);
	ck_assert_int_eq(date_at_hour_vn(0, 7), 0);
	ck_assert_int_eq(date_at_hour_vn(-1, 7), -DATE_DAY_MS);
	/* An hour past the day is plain arithmetic: the next day's. */
	ck_assert_int_eq(date_at_hour_vn(19864, 24), date_at_hour_vn(19865, 0));
	/* The whole range of int32_t day numbers fits in int64_t ms. */
	ck_assert_int_eq(date_at_hour_vn(INT32_MAX, 23),
	    (int64_t)INT32_MAX * DATE_DAY_MS + 16 * HOUR_MS);
	ck_assert_int_eq(date_at_hour_vn(INT32_MIN, 0),
	    (int64_t)INT32_MIN * DATE_DAY_MS - 7 * HOUR_MS);
}
END_TEST

/* Every hour of every day 1900-9999 is on that day, and its edges too. */
START_TEST(test_date_of_ms_vn_all)
{
	for (int32_t d = -25567; d <= 2932896; d++) {
		int64_t	start = date_at_hour_vn(d, 0);

		if (date_of_ms_vn(start) != d ||
		    date_of_ms_vn(start - 1) != d - 1 ||
		    date_of_ms_vn(start + DATE_DAY_MS - 1) != d ||
		    date_of_ms_vn(date_at_hour_vn(d, 12)) != d ||
		    date_at_hour_vn(d, 24) != date_at_hour_vn(d + 1, 0))
			ck_abort_msg("day %d: wrong edges", d);
	}
}
END_TEST

#ifdef TDKT_TEST_CLOCK
/* Where the test clock's file is, made afresh for each test. */
static char	date_now_path[64];

static void
date_clock_setup(void)
{
	const char	*tmp = getenv("TMPDIR");
	int		 fd;

	snprintf(date_now_path, sizeof date_now_path, "%s/tdkt-now-XXXXXX",
	    tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
	if ((fd = mkstemp(date_now_path)) == -1)
		ck_abort_msg("mkstemp %s failed", date_now_path);
	close(fd);
	unsetenv("TDKT_TEST_NOW_FILE");
	unsetenv("TDKT_TEST_TODAY");
}

static void
date_clock_teardown(void)
{
	unsetenv("TDKT_TEST_NOW_FILE");
	unsetenv("TDKT_TEST_TODAY");
	unlink(date_now_path);
}

/* Sets the test clock's file to `text`, as a test moving time on would. */
static void
date_clock_write(const char *text)
{
	FILE	*f = fopen(date_now_path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static int64_t
date_wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Holds date_now_ms() to the wall clock: within the calls around it. */
static void
date_check_wall_clock(void)
{
	int64_t	before = date_wall_ms(), now = date_now_ms();
	int64_t	after = date_wall_ms();

	ck_assert(!date_clock_is_injected());
	ck_assert_int_ge(now, before);
	ck_assert_int_le(now, after);
	ck_assert_int_ge(date_today_vn(), 19723);	/* 2024-01-01 */
}

START_TEST(test_date_clock_file)
{
	date_clock_write("2024-05-21 08:00");
	ck_assert_int_eq(setenv("TDKT_TEST_NOW_FILE", date_now_path, 1), 0);
	ck_assert(date_clock_is_injected());
	ck_assert_int_eq(date_now_ms(), MS_0521_0700 + HOUR_MS);
	ck_assert_int_eq(date_today_vn(), 19864);

	/* Read on every call: the test moves time on by rewriting it. */
	date_clock_write("2024-05-21 23:59\n");
	ck_assert_int_eq(date_now_ms(), MS_0521_0700 + 16 * HOUR_MS + 59 *
	    60000);
	ck_assert_int_eq(date_today_vn(), 19864);
	date_clock_write("2024-05-22 00:00 \n");
	ck_assert_int_eq(date_now_ms(), MS_0521_0700 + 17 * HOUR_MS);
	ck_assert_int_eq(date_today_vn(), 19865);
	date_clock_write("2024-05-29T07:00");
	ck_assert_int_eq(date_now_ms(), MS_0521_0700 + 8 * DATE_DAY_MS);
	ck_assert_int_eq(date_today_vn(), 19872);
	/* Back in time too: it is whatever the file says. */
	date_clock_write("2023-09-01 00:00\n");
	ck_assert_int_eq(date_today_vn(), 19601);
	ck_assert(date_clock_is_injected());
}
END_TEST

START_TEST(test_date_clock_today)
{
	ck_assert_int_eq(setenv("TDKT_TEST_TODAY", "2024-06-03", 1), 0);
	ck_assert(date_clock_is_injected());
	ck_assert_int_eq(date_now_ms(), date_at_hour_vn(19877, 12));
	ck_assert_int_eq(date_today_vn(), 19877);
	/* The file, when it holds a time, wins over TDKT_TEST_TODAY. */
	date_clock_write("2024-05-21 08:00\n");
	ck_assert_int_eq(setenv("TDKT_TEST_NOW_FILE", date_now_path, 1), 0);
	ck_assert_int_eq(date_now_ms(), MS_0521_0700 + HOUR_MS);
	ck_assert_int_eq(date_today_vn(), 19864);
}
END_TEST

/* What the file holds that is no time falls back to TDKT_TEST_TODAY. */
static const char *const date_clock_garbage[] = {
	"", "\n", "not a time", "2024-05-21", "2024-05-21 24:00",
	"2024-05-21 08:00:00", "21/05/2024 08:00", "2024-02-30 08:00",
	" 2024-05-21 08:00", "2024-05-21 08:00 junk",
	"2024-05-21 08:00 2024-05-21 08:00 2024-05-21 08:00 2024-05-21 08:00 "
	    "2024-05-21 08:00",
};

START_TEST(test_date_clock_garbage)
{
	date_clock_write(date_clock_garbage[_i]);
	ck_assert_int_eq(setenv("TDKT_TEST_NOW_FILE", date_now_path, 1), 0);
	ck_assert_int_eq(setenv("TDKT_TEST_TODAY", "2024-06-03", 1), 0);
	ck_assert(date_clock_is_injected());
	ck_assert_int_eq(date_now_ms(), date_at_hour_vn(19877, 12));
	ck_assert_int_eq(date_today_vn(), 19877);
	/* And with no TDKT_TEST_TODAY, or a bad one, to the wall clock. */
	ck_assert_int_eq(setenv("TDKT_TEST_TODAY", "2024-6-3", 1), 0);
	date_check_wall_clock();
	unsetenv("TDKT_TEST_TODAY");
	date_check_wall_clock();
}
END_TEST

START_TEST(test_date_clock_missing)
{
	/* A file that is not there. */
	ck_assert_int_eq(unlink(date_now_path), 0);
	ck_assert_int_eq(setenv("TDKT_TEST_NOW_FILE", date_now_path, 1), 0);
	date_check_wall_clock();
	ck_assert_int_eq(setenv("TDKT_TEST_TODAY", "2024-06-03", 1), 0);
	ck_assert_int_eq(date_today_vn(), 19877);
	/* It appears: time is the file's from the next call. */
	date_clock_write("2024-05-21 08:00");
	ck_assert_int_eq(date_today_vn(), 19864);
	/* The hooks gone, the wall clock again. */
	unsetenv("TDKT_TEST_NOW_FILE");
	unsetenv("TDKT_TEST_TODAY");
	date_check_wall_clock();
	/* An empty name, or a directory, is no file of a time. */
	ck_assert_int_eq(setenv("TDKT_TEST_NOW_FILE", "", 1), 0);
	date_check_wall_clock();
	ck_assert_int_eq(setenv("TDKT_TEST_NOW_FILE", "/", 1), 0);
	date_check_wall_clock();
	ck_assert_int_eq(setenv("TDKT_TEST_TODAY", "", 1), 0);
	date_check_wall_clock();
}
END_TEST
#else
/* A production build has no hook: the variables change nothing. */
START_TEST(test_date_clock_absent)
{
	ck_assert_int_eq(setenv("TDKT_TEST_TODAY", "2000-01-01", 1), 0);
	ck_assert(!date_clock_is_injected());
	ck_assert_int_ge(date_today_vn(), 19723);	/* 2024-01-01 */
	unsetenv("TDKT_TEST_TODAY");
}
END_TEST
#endif

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
	tcase_add_test(tc, test_date_parse_vn_time_good);
	tcase_add_loop_test(tc, test_date_parse_vn_time_strict, 0,
	    (int)(sizeof date_bad_vn_time / sizeof date_bad_vn_time[0]));
	tcase_add_test(tc, test_date_parse_vn_time_every_minute);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("vn_time");
	tcase_add_test(tc, test_date_of_ms_vn);
	tcase_add_test(tc, test_date_at_hour_vn);
	tcase_add_test(tc, test_date_of_ms_vn_all);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

#ifdef TDKT_TEST_CLOCK
	/* The test clock (test builds only); fixtures run in the child. */
	tc = tcase_create("clock");
	tcase_add_checked_fixture(tc, date_clock_setup, date_clock_teardown);
	tcase_add_test(tc, test_date_clock_file);
	tcase_add_test(tc, test_date_clock_today);
	tcase_add_loop_test(tc, test_date_clock_garbage, 0,
	    (int)(sizeof date_clock_garbage / sizeof date_clock_garbage[0]));
	tcase_add_test(tc, test_date_clock_missing);
	suite_add_tcase(s, tc);
#else
	tc = tcase_create("clock");
	tcase_add_test(tc, test_date_clock_absent);
	suite_add_tcase(s, tc);
#endif

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
