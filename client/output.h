/*
 * output.h - what tdkt prints: aligned Vietnamese text for people, JSON for
 * scripts (--json), and the one way errors are reported.
 *
 * Text is aligned by display width, not bytes: "Trường" is 6 columns in 9
 * bytes. JSON keys and codes are stable English identifiers; values carry
 * the Vietnamese text unchanged (UTF-8, not \u-escaped).
 */
#ifndef TDKT_OUTPUT_H
#define TDKT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "client.pb-c.h"
#include "conn.h"
#include "jsonw.h"

/* Prints `s` and pads it with spaces to `width` display columns. */
void	output_padded(FILE *, const char *s, size_t width);
/* Prints "label   value\n" with labels padded to `width` columns. */
void	output_field(FILE *, size_t width, const char *label, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/*
 * A table for people: rows of cells, printed with each column as wide as
 * its widest cell in display columns, so Vietnamese text lines up.
 */
struct output_table {
	size_t	  ncolumns;
	char	**cells;	/* row-major, copies */
	size_t	  nrows;	/* the first row is the header */
};

/* Starts a table whose header row is the `ncolumns` strings that follow. */
void	output_table_init(struct output_table *, size_t ncolumns, ...);
/* Adds a row of `ncolumns` strings (copied; NULL prints as empty). */
void	output_table_row(struct output_table *, ...);
/* Prints the table, two spaces between columns, a rule under the header. */
void	output_table_print(FILE *, const struct output_table *);
void	output_table_clear(struct output_table *);

/*
 * A JSON object built field by field (common/jsonw.c does the escaping) and
 * written as one line by output_json_end.
 */
struct output_json {
	FILE		*fp;
	struct jsonw	 w;
};

void	output_json_begin(struct output_json *, FILE *);
void	output_json_string(struct output_json *, const char *key, const char *value);
void	output_json_uint(struct output_json *, const char *key, uint64_t value);
void	output_json_bool(struct output_json *, const char *key, bool value);
void	output_json_strings(struct output_json *, const char *key,
	    char *const *values, size_t n);
/* Closes the object and ends the line. */
void	output_json_end(struct output_json *);

/* Prints an account: labelled lines for people, one JSON object with --json. */
void	output_account(FILE *, bool json, const Tdkt__Account *,
	    int64_t session_expires_ms);

/* Writes a Unix time in ms as local "YYYY-MM-DD HH:MM" (0: "—") into buf[32]. */
void	output_time(int64_t unix_ms, char buf[32]);
/* The same to the second, for events a few seconds apart. */
void	output_time_seconds(int64_t unix_ms, char buf[32]);

/*
 * Writes a Unix time in ms as "dd/mm/yyyy HH:MM" in Vietnam's time (UTC+7,
 * whatever the machine's zone: deadlines and reminders are Vietnamese
 * times) into buf[32]; 0 gives "—".
 */
void	output_time_vn(int64_t unix_ms, char buf[32]);
/* The time of day alone, "HH:MM:SS" in Vietnam's time, into buf[16]. */
void	output_clock_vn(int64_t unix_ms, char buf[16]);

/*
 * Prints `text` (valid UTF-8), a message body of several lines, with
 * `indent` before each line and a newline after the last; control
 * characters other than newlines and tabs print as spaces, so a body can
 * never move the cursor or recolour the terminal. Prints nothing for "".
 */
void	output_indented(FILE *, const char *indent, const char *text);

/*
 * Copies `s` (valid UTF-8) into buf[size] as one line for a table cell:
 * control characters (a stack trace's newlines) become spaces, and past
 * `max` code points, or past what buf holds, it is cut on a character
 * boundary and ends in "…".
 */
void	output_shorten(const char *s, size_t max, char *buf, size_t size);

/*
 * Reports a failed call (to stderr as text, to stdout as JSON with --json)
 * and returns the exit code for it.
 */
int	output_call_failed(bool json, enum conn_status, const Tdkt__ClientEnvelope *reply,
	    const char *cause, const char *endpoint);

#endif
