/*
 * date.h - calendar dates as day numbers.
 *
 * Rulebooks speak in whole days in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7
 * all year, no daylight saving). A date is the number of days since
 * 1970-01-01, so comparisons and "days left" are plain integer arithmetic.
 */
#ifndef TDKT_DATE_H
#define TDKT_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Vietnam's offset from UTC, in seconds. */
#define DATE_VN_UTC_OFFSET	(7 * 3600)

/* The day number of year-month-day; false if there is no such date. */
bool	date_from_ymd(int year, int month, int day, int32_t *out);
void	date_to_ymd(int32_t date, int *year, int *month, int *day);

/* Parses "YYYY-MM-DD" exactly; false for anything else or no such date. */
bool	date_parse_iso(const char *s, int32_t *out);
/* Room for a formatted date and its NUL, with margin. */
#define DATE_BUF_SIZE	16

/* Writes "YYYY-MM-DD" into buf. */
void	date_format_iso(int32_t date, char buf[DATE_BUF_SIZE]);
/* Writes the Vietnamese form "dd/mm/yyyy" into buf. */
void	date_format_vn(int32_t date, char buf[DATE_BUF_SIZE]);

/* Milliseconds in a day. */
#define DATE_DAY_MS		(86400 * INT64_C(1000))

/*
 * Parses a time in Vietnam, "YYYY-MM-DD HH:MM" (or with a "T" between),
 * into milliseconds since the Unix epoch; false for anything else.
 */
bool	date_parse_vn_time(const char *s, int64_t *ms);
/* The day number, in Vietnam, of a time in milliseconds since the epoch. */
int32_t	date_of_ms_vn(int64_t ms);
/* Milliseconds since the epoch of `hour`:00 in Vietnam on day `date`. */
int64_t	date_at_hour_vn(int32_t date, int hour);

/*
 * Now, on the calendar deadlines are measured against, in milliseconds
 * since the Unix epoch: the wall clock. In a build with TDKT_TEST_CLOCK
 * (make test) only, a test may stand in for it: with the file named by
 * TDKT_TEST_NOW_FILE, which holds a time in Vietnam ("2024-05-21 08:00")
 * and is read on every call so the test can move time on; or else with
 * TDKT_TEST_TODAY=YYYY-MM-DD (noon that day). Production builds have no
 * such hook at all.
 */
int64_t	date_now_ms(void);
/* Today in Vietnam: the day of date_now_ms(). */
int32_t	date_today_vn(void);
/* True when a test clock stands in for the wall clock (test builds only). */
bool	date_clock_is_injected(void);

#endif
