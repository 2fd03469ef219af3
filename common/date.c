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

int32_t
date_today_vn(void)
{
	time_t	now = time(NULL) + DATE_VN_UTC_OFFSET;

#ifdef TDKT_TEST_CLOCK
	const char	*fake = getenv("TDKT_TEST_TODAY");
	int32_t		 today;

	if (fake != NULL && date_parse_iso(fake, &today))
		return today;
#endif
	return (int32_t)(now / 86400 - (now < 0 && now % 86400 != 0));
}
