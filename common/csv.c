/*
 * csv.c - the CSV reader; see csv.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "utf8.h"
#include "xmalloc.h"

struct csv_reader {
	const char		*file;
	const char		*p, *end;
	size_t			 line, column;	/* of *p */
	struct yamltree_errors	*errs;
	size_t			 nerrs;
};

static void
csv_error(struct csv_reader *r, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
csv_error(struct csv_reader *r, size_t line, size_t column, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	r->errs->items = xreallocarray(r->errs->items, r->errs->n + 1,
	    sizeof *r->errs->items);
	r->errs->items[r->errs->n++] = xasprintf("%s:%zu:%zu: %s", r->file, line,
	    column, msg != NULL ? msg : "cannot format the error");
	r->nerrs++;
	free(msg);
}

/* Moves past one character, keeping line and column (in characters). */
static void
csv_advance(struct csv_reader *r)
{
	if (*r->p == '\n') {
		r->line++;
		r->column = 1;
	} else if (((unsigned char)*r->p & 0xC0) != 0x80)
		r->column++;
	r->p++;
}

static char *
csv_trimmed(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return xstrndup(s, len);
}

/*
 * Reads one field at r->p into `out` (at most CSV_MAX_FIELD_BYTES). Returns
 * 0, or -1 after recording why the file cannot be read on.
 */
static int
csv_field(struct csv_reader *r, char *buf, size_t *len)
{
	size_t	start_line = r->line, start_column = r->column;
	int	quoted = 0;

	*len = 0;
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
		csv_advance(r);
	if (r->p < r->end && *r->p == '"') {
		quoted = 1;
		csv_advance(r);
	}
	for (;;) {
		if (r->p >= r->end) {
			if (quoted) {
				csv_error(r, start_line, start_column,
				    "quoted field is never closed");
				return -1;
			}
			return 0;
		}
		if (quoted && *r->p == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"') {
				csv_advance(r);
			} else {
				csv_advance(r);
				while (r->p < r->end && (*r->p == ' ' ||
				    *r->p == '\t' || *r->p == '\r'))
					csv_advance(r);
				if (r->p < r->end && *r->p != ',' && *r->p != '\n') {
					csv_error(r, r->line, r->column,
					    "unexpected text after a closing quote");
					return -1;
				}
				return 0;
			}
		} else if (!quoted && (*r->p == ',' || *r->p == '\n' ||
		    (*r->p == '\r' && (r->p + 1 == r->end || r->p[1] == '\n'))))
			return 0;
		else if (!quoted && *r->p == '"') {
			csv_error(r, r->line, r->column,
			    "a quote inside an unquoted field (quote the whole "
			    "field and double the quote)");
			return -1;
		}
		if (*len >= CSV_MAX_FIELD_BYTES) {
			csv_error(r, start_line, start_column,
			    "field is longer than %d bytes", CSV_MAX_FIELD_BYTES);
			return -1;
		}
		buf[(*len)++] = *r->p;
		csv_advance(r);
	}
}

static void
csv_record_free(struct csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++)
		free(rec->fields[i]);
	free(rec->fields);
	free(rec->lines);
	free(rec->columns);
}

void
csv_free(struct csv **cp)
{
	struct csv	*c = *cp;

	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nrecords; i++)
		csv_record_free(&c->records[i]);
	free(c->records);
	free(c);
	*cp = NULL;
}

struct csv *
csv_parse(const char *file, const char *data, size_t len, size_t max_records,
    struct yamltree_errors *errs)
{
	struct csv_reader	 r = {
		.file = file, .p = data, .end = data + len, .line = 1,
		.column = 1, .errs = errs,
	};
	struct csv		*c;
	char			*buf;
	size_t			 bad;

	if (!utf8_valid(data, len, &bad)) {
		size_t	line = 1, column = 1, i = 0;

		/* The byte order mark takes no column. */
		if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 && bad >= 3)
			i = 3;
		for (; i < bad; i++) {
			if (data[i] == '\n') {
				line++;
				column = 1;
			} else if (((unsigned char)data[i] & 0xC0) != 0x80)
				column++;
		}
		csv_error(&r, line, column, "the file is not UTF-8 text (save it "
		    "from the spreadsheet as \"CSV UTF-8\")");
		return NULL;
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r.p += 3;	/* the byte order mark spreadsheets write */

	c = xcalloc(1, sizeof *c);
	buf = xmalloc(CSV_MAX_FIELD_BYTES + 1);
	while (r.p < r.end) {
		struct csv_record	rec = { .line = r.line };

		/* Skip blank lines. */
		if (*r.p == '\n' || (*r.p == '\r' && r.p + 1 < r.end &&
		    r.p[1] == '\n')) {
			while (r.p < r.end && *r.p != '\n')
				csv_advance(&r);
			csv_advance(&r);
			continue;
		}
		if (c->nrecords >= max_records) {
			csv_error(&r, r.line, 1, "more than %zu rows", max_records);
			break;
		}
		for (;;) {
			size_t	flen, line = r.line, column = r.column;

			if (csv_field(&r, buf, &flen) < 0)
				goto fail_record;
			if (rec.nfields >= CSV_MAX_FIELDS) {
				csv_error(&r, line, column,
				    "more than %d columns", CSV_MAX_FIELDS);
				goto fail_record;
			}
			rec.fields = xreallocarray(rec.fields, rec.nfields + 1,
			    sizeof *rec.fields);
			rec.lines = xreallocarray(rec.lines, rec.nfields + 1,
			    sizeof *rec.lines);
			rec.columns = xreallocarray(rec.columns, rec.nfields + 1,
			    sizeof *rec.columns);
			rec.fields[rec.nfields] = csv_trimmed(buf, flen);
			rec.lines[rec.nfields] = line;
			rec.columns[rec.nfields++] = column;
			if (r.p < r.end && *r.p == '\r')
				csv_advance(&r);
			if (r.p >= r.end || *r.p == '\n') {
				if (r.p < r.end)
					csv_advance(&r);
				break;
			}
			csv_advance(&r);	/* the comma */
		}
		/* Doubling: a whole country's units is linear to read. */
		if (c->nrecords == c->cap) {
			c->cap = c->cap > 0 ? c->cap * 2 : 64;
			c->records = xreallocarray(c->records, c->cap,
			    sizeof *c->records);
		}
		c->records[c->nrecords++] = rec;
		continue;
fail_record:
		csv_record_free(&rec);
		break;
	}
	free(buf);
	if (r.nerrs > 0) {
		csv_free(&c);
		return NULL;
	}
	return c;
}

int
csv_column(const struct csv *c, const char *names)
{
	if (c->nrecords == 0)
		return -1;
	for (const char *n = names; *n != '\0'; n += strlen(n) + 1) {
		for (size_t i = 0; i < c->records[0].nfields; i++) {
			if (strcasecmp(c->records[0].fields[i], n) == 0)
				return (int)i;
		}
	}
	return -1;
}
