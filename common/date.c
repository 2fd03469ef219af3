/*
 * date.c - day-number dates; see date.h.
 *
 * The conversions are Howard Hinnant's days_from_civil / civil_from_days,
 * exact for the proleptic Gregorian calendar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"

static bool
date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && date_is_leap(y) ? 29 : days[m - 1];
}

bool
date_from_ymd(int y, int m, int d, int32_t *out)
{
	int	era, yoe, doy, doe;

	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > date_days_in_month(y, m))
		return false;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = era * 146097 + doe - 719468;
	return true;
}

void
date_to_ymd(int32_t z, int *year, int *month, int *day)
{
	int	era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	*year = y + (m <= 2);
	*month = m;
	*day = d;
}

bool
date_parse_iso(const char *s, int32_t *out)
{
	int	y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	}
	return date_from_ymd(y, m, d, out);
}

void
date_format_iso(int32_t date, char buf[DATE_BUF_SIZE])
{
	int	y, m, d;

	date_to_ymd(date, &y, &m, &d);
	snprintf(buf, DATE_BUF_SIZE, "%04d-%02d-%02d", y % 10000, m, d);
}

void
date_format_vn(int32_t date, char buf[DATE_BUF_SIZE])
{
	int	y, m, d;

	date_to_ymd(date, &y, &m, &d);
	snprintf(buf, DATE_BUF_SIZE, "%02d/%02d/%04d", d, m, y % 10000);
}

bool
date_parse_vn_time(const char *s, int64_t *ms)
{
	char	day[11];
	int32_t	date;
	int	hh, mm, n = 0;

	if (strlen(s) != 16 || (s[10] != ' ' && s[10] != 'T'))
		return false;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (!date_parse_iso(day, &date) ||
	    sscanf(s + 11, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5 ||
	    s[13] != ':' || hh < 0 || hh > 23 || mm < 0 || mm > 59)
		return false;
	for (int i = 11; i < 16; i++) {
		if (i != 13 && (s[i] < '0' || s[i] > '9'))
			return false;
	}
	*ms = date_at_hour_vn(date, hh) + (int64_t)mm * 60000;
	return true;
}

int32_t
date_of_ms_vn(int64_t ms)
{
	int64_t	local = ms + (int64_t)DATE_VN_UTC_OFFSET * 1000;

	return (int32_t)(local / DATE_DAY_MS - (local < 0 &&
	    local % DATE_DAY_MS != 0));
}

int64_t
date_at_hour_vn(int32_t date, int hour)
{
	return (int64_t)date * DATE_DAY_MS + (int64_t)hour * 3600000 -
	    (int64_t)DATE_VN_UTC_OFFSET * 1000;
}

#ifdef TDKT_TEST_CLOCK
/* The test's stand-in for now, or false to use the wall clock. */
static bool
date_test_now_ms(int64_t *ms)
{
	const char	*path = getenv("TDKT_TEST_NOW_FILE");
	const char	*today = getenv("TDKT_TEST_TODAY");
	char		 buf[64];
	int32_t		 date;
	FILE		*f;
	size_t		 n;

	if (path != NULL && (f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
		    buf[n - 1] == ' '))
			n--;
		buf[n] = '\0';
		if (date_parse_vn_time(buf, ms))
			return true;
	}
	if (today != NULL && date_parse_iso(today, &date)) {
		*ms = date_at_hour_vn(date, 12);
		return true;
	}
	return false;
}
#endif

int64_t
date_now_ms(void)
{
	struct timespec	ts;

#ifdef TDKT_TEST_CLOCK
	int64_t		ms;

	if (date_test_now_ms(&ms))
		return ms;
#endif
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int32_t
date_today_vn(void)
{
	return date_of_ms_vn(date_now_ms());
}

bool
date_clock_is_injected(void)
{
#ifdef TDKT_TEST_CLOCK
	int64_t	ms;

	return date_test_now_ms(&ms);
#else
	return false;
#endif
}
