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

/*
 * Today in Vietnam, from the wall clock. In a build with TDKT_TEST_CLOCK
 * (make test), the environment variable TDKT_TEST_TODAY=YYYY-MM-DD stands
 * in for it.
 */
int32_t	date_today_vn(void);

#endif
