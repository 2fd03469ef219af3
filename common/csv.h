/*
 * csv.h - reading the CSV files offices keep in spreadsheets.
 *
 * RFC 4180 with what spreadsheets actually write: a UTF-8 byte order mark,
 * CRLF or LF line ends, quoted fields that hold commas, quotes ("") and line
 * breaks. Every record remembers the line it starts on, so a later
 * complaint about a value can say file:line:col. The text must be UTF-8; a
 * file saved in a legacy code page is refused with the place of the first
 * bad byte rather than imported as garbage.
 */
#ifndef TDKT_CSV_H
#define TDKT_CSV_H

#include <stddef.h>

#include "yamltree.h"	/* struct yamltree_errors: "file:line:col: message" */

#define CSV_MAX_FIELDS		64
#define CSV_MAX_FIELD_BYTES	4096

struct csv_record {
	size_t	  line;		/* 1-based line where the record starts */
	char	**fields;	/* NUL-terminated, trimmed of surrounding blanks */
	size_t	 *lines;	/* line of each field (a quoted field may span lines) */
	size_t	 *columns;	/* 1-based column of each field, on its line */
	size_t	  nfields;
};

struct csv {
	struct csv_record	*records;	/* the header is records[0] */
	size_t			 nrecords;
	size_t			 cap;
};

/*
 * Parses `len` bytes named `file` in messages. Blank lines are skipped.
 * Returns the records, or NULL with every problem appended to `errs`.
 */
struct csv	*csv_parse(const char *file, const char *data, size_t len,
		    size_t max_records, struct yamltree_errors *errs);
/* NULL is allowed. */
void		 csv_free(struct csv **);

/*
 * Finds the header column named by any of the NUL-separated, double-NUL
 * terminated `names` (compared case-insensitively for ASCII, exactly
 * otherwise). Returns its index, or -1.
 */
int		 csv_column(const struct csv *, const char *names);

#endif
