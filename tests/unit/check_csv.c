/*
 * check_csv.c - unit tests for the CSV reader (csv.c).
 *
 * Imports of units and people start here, and every later complaint about
 * a value points at the line and column csv_parse recorded, so the tests pin
 * positions first: columns count characters, not bytes, across Vietnamese
 * text, a byte order mark, CRLF line ends and quoted fields that span lines.
 * Then what spreadsheets write (quotes, doubled quotes, commas and line
 * breaks inside fields, blank lines, a last line without a newline) and
 * every refusal with its whole "file:line:col: message": an unterminated
 * quote, a quote inside an unquoted field, text after a closing quote, too
 * many columns or rows, an over-long field, Latin-1 bytes and NUL. The suite
 * runs under ASan, and the hostile inputs are copied into buffers of exactly
 * their size so that reading one byte too far is caught.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"
#include "csv.h"

#define CSV_TEST_FILE		"t.csv"
#define CSV_TEST_MAX_RECORDS	100000

static struct yamltree_errors	 errs;
static struct csv		*csv;

static void
csv_test_setup(void)
{
	memset(&errs, 0, sizeof errs);
	csv = NULL;
}

static void
csv_test_teardown(void)
{
	csv_free(&csv);
	yamltree_errors_free(&errs);
}

/* All errors, one a line, for failure messages. */
static const char *
csv_test_errors(void)
{
	return testutil_errors_text(errs.items, errs.n);
}

/*
 * Parses a copy of `len` bytes of `text` in a heap buffer of exactly that
 * size, so that ASan sees any read past the end.
 */
static struct csv *
csv_test_parse_max(const char *text, size_t len, size_t max_records)
{
	char	*copy = malloc(len > 0 ? len : 1);

	memcpy(copy, text, len);
	csv_free(&csv);
	csv = csv_parse(CSV_TEST_FILE, copy, len, max_records, &errs);
	free(copy);
	return csv;
}

/* The text is read without complaint into `nrecords` records. */
static void
csv_test_accepted(const char *text, size_t len, size_t nrecords)
{
	size_t	before = errs.n;

	ck_assert_msg(csv_test_parse_max(text, len, CSV_TEST_MAX_RECORDS) !=
	    NULL, "refused:%s", csv_test_errors());
	ck_assert_uint_eq(errs.n, before);
	ck_assert_uint_eq(csv->nrecords, nrecords);
}

/* The text is refused with exactly one error, `want`. */
static void
csv_test_refused_max(const char *text, size_t len, size_t max_records,
    const char *want)
{
	size_t	before = errs.n;

	ck_assert_msg(csv_test_parse_max(text, len, max_records) == NULL,
	    "\"%.*s\" was accepted", (int)(len < 200 ? len : 200), text);
	ck_assert_msg(errs.n == before + 1, "%zu errors:%s", errs.n - before,
	    csv_test_errors());
	ck_assert_str_eq(errs.items[before], want);
}

#define ACCEPTED(text, n) \
	csv_test_accepted(text, sizeof(text) - 1, n)
#define REFUSED(text, want) \
	csv_test_refused_max(text, sizeof(text) - 1, CSV_TEST_MAX_RECORDS, want)

#define NOT_UTF8	"the file is not UTF-8 text (save it from the " \
			"spreadsheet as \"CSV UTF-8\")"
#define QUOTE_INSIDE	"a quote inside an unquoted field (quote the whole " \
			"field and double the quote)"

/*
 * Record `i` starts on `line` and has `nfields` fields; the variable
 * arguments are each field's text (const char *) and column (int).
 */
static void
csv_test_record(size_t i, size_t line, size_t nfields, ...)
{
	const struct csv_record	*rec;
	va_list			 ap;

	ck_assert_ptr_nonnull(csv);
	ck_assert_msg(i < csv->nrecords, "no record %zu (%zu records)", i,
	    csv->nrecords);
	rec = &csv->records[i];
	ck_assert_msg(rec->line == line, "record %zu on line %zu, expected %zu",
	    i, rec->line, line);
	ck_assert_msg(rec->nfields == nfields,
	    "record %zu has %zu fields, expected %zu", i, rec->nfields,
	    nfields);
	va_start(ap, nfields);
	for (size_t f = 0; f < nfields; f++) {
		const char	*text = va_arg(ap, const char *);
		int		 column = va_arg(ap, int);

		ck_assert_msg(strcmp(rec->fields[f], text) == 0,
		    "record %zu field %zu is \"%s\", expected \"%s\"", i, f,
		    rec->fields[f], text);
		ck_assert_msg(rec->columns[f] == (size_t)column,
		    "record %zu field %zu (\"%s\") at column %zu, expected %d",
		    i, f, text, rec->columns[f], column);
	}
	va_end(ap);
}

START_TEST(test_csv_simple)
{
	ACCEPTED("code,name,kind\nU1,Trường A,Sở\nU2,B,Bộ\n", 3);
	csv_test_record(0, 1, 3, "code", 1, "name", 6, "kind", 11);
	csv_test_record(1, 2, 3, "U1", 1, "Trường A", 4, "Sở", 13);
	csv_test_record(2, 3, 3, "U2", 1, "B", 4, "Bộ", 6);
}
END_TEST

/* Columns count characters: "Trần Thị B" is 10 wide and 14 bytes. */
START_TEST(test_csv_columns_are_characters)
{
	ACCEPTED("Mã,Họ và tên,Thủ trưởng\nP2,Trần Thị B,KHONG-CO\n", 2);
	csv_test_record(0, 1, 3, "Mã", 1, "Họ và tên", 4, "Thủ trưởng", 14);
	csv_test_record(1, 2, 3, "P2", 1, "Trần Thị B", 4, "KHONG-CO", 15);

	/* Four-byte characters are one column too. */
	ACCEPTED("\xF0\x9F\x8E\x89,x,\xF0\x9F\x8E\x89\xF0\x9F\x8E\x89,y\n", 1);
	csv_test_record(0, 1, 4, "\xF0\x9F\x8E\x89", 1, "x", 3,
	    "\xF0\x9F\x8E\x89\xF0\x9F\x8E\x89", 5, "y", 8);

	/* A tab is one column. */
	ACCEPTED("a,\tb,c\n", 1);
	csv_test_record(0, 1, 3, "a", 1, "b", 3, "c", 6);
}
END_TEST

START_TEST(test_csv_crlf)
{
	ACCEPTED("code,name\r\nU1,Trường A\r\nU2,B\r\n", 3);
	csv_test_record(0, 1, 2, "code", 1, "name", 6);
	csv_test_record(1, 2, 2, "U1", 1, "Trường A", 4);
	csv_test_record(2, 3, 2, "U2", 1, "B", 4);

	/* The last line may lack its CRLF, or keep only the CR. */
	ACCEPTED("a,b\r\nc,d", 2);
	csv_test_record(1, 2, 2, "c", 1, "d", 3);
	ACCEPTED("a,b\r\nc,d\r", 2);
	csv_test_record(1, 2, 2, "c", 1, "d", 3);

	/* LF and CRLF mixed, as after copying rows between files. */
	ACCEPTED("a,b\nc,d\r\ne,f\n", 3);
	csv_test_record(2, 3, 2, "e", 1, "f", 3);

	/* CRLF after a quoted field, and inside one (kept as it is). */
	ACCEPTED("\"x\",\"y\"\r\n\"line 1\r\nline 2\",z\r\nw,v\r\n", 3);
	csv_test_record(0, 1, 2, "x", 1, "y", 5);
	csv_test_record(1, 2, 2, "line 1\r\nline 2", 1, "z", 9);
	csv_test_record(2, 4, 2, "w", 1, "v", 3);
}
END_TEST

/* The byte order mark Excel writes is skipped and takes no column. */
START_TEST(test_csv_bom)
{
	ACCEPTED("\xEF\xBB\xBF" "code,name\r\nU1,A\r\n", 2);
	csv_test_record(0, 1, 2, "code", 1, "name", 6);
	csv_test_record(1, 2, 2, "U1", 1, "A", 4);
	ck_assert_int_eq(csv_column(csv, "code\0"), 0);

	/* A quoted first field right after the mark. */
	ACCEPTED("\xEF\xBB\xBF\"Mã\",\"Tên\"\n", 1);
	csv_test_record(0, 1, 2, "Mã", 1, "Tên", 6);

	/* The mark alone is an empty file. */
	ACCEPTED("\xEF\xBB\xBF", 0);
	ACCEPTED("\xEF\xBB\xBF\r\n\n", 0);

	/* Only at the very start: later it is text (U+FEFF) like any other. */
	ACCEPTED("a,\xEF\xBB\xBF" "b\n", 1);
	csv_test_record(0, 1, 2, "a", 1, "\xEF\xBB\xBF" "b", 3);
}
END_TEST

START_TEST(test_csv_quoted)
{
	/* Commas and doubled quotes inside quotes. */
	ACCEPTED("\"Trường \"\"Bé\"\" Ngoan\",\"a, b\",c\n", 1);
	csv_test_record(0, 1, 3, "Trường \"Bé\" Ngoan", 1, "a, b", 23, "c", 30);

	/* Empty quoted fields, and a field that is one quote. */
	ACCEPTED("a,\"\",b,\"\"\"\"\n", 1);
	csv_test_record(0, 1, 4, "a", 1, "", 3, "b", 6, "\"", 8);

	/* Blanks around the quotes are dropped, and so are blanks inside. */
	ACCEPTED(" \"a\" , b ,\"  c d  \"\t\n", 1);
	csv_test_record(0, 1, 3, "a", 1, "b", 7, "c d", 11);

	/* A quoted field may be the last, with or without a newline. */
	ACCEPTED("a,\"b\"", 1);
	csv_test_record(0, 1, 2, "a", 1, "b", 3);
	ACCEPTED("a,\"b\"\n\"c\"", 2);
	csv_test_record(1, 2, 1, "c", 1);
}
END_TEST

/* Line breaks inside quotes: lines keep counting, columns restart. */
START_TEST(test_csv_quoted_line_breaks)
{
	ACCEPTED("h1,h2\n\"line one\nline two\",x\nnext,y\n", 3);
	csv_test_record(0, 1, 2, "h1", 1, "h2", 4);
	csv_test_record(1, 2, 2, "line one\nline two", 1, "x", 11);
	csv_test_record(2, 4, 2, "next", 1, "y", 6);

	ACCEPTED("a,\"\n\n\nTrần\",b\nc\n", 2);
	csv_test_record(0, 1, 3, "a", 1, "\n\n\nTrần", 3, "b", 7);
	csv_test_record(1, 5, 1, "c", 1);
}
END_TEST

START_TEST(test_csv_trimming)
{
	ACCEPTED("  a  ,\tb\t, c d ,,  \n", 1);
	csv_test_record(0, 1, 5, "a", 1, "b", 7, "c d", 11, "", 17, "", 18);
}
END_TEST

START_TEST(test_csv_blank_lines)
{
	ACCEPTED("\n\r\na,b\n\n\r\n\nc,d\n\n", 2);
	csv_test_record(0, 3, 2, "a", 1, "b", 3);
	csv_test_record(1, 7, 2, "c", 1, "d", 3);

	/* Blank lines inside quotes are part of the field. */
	ACCEPTED("\"a\n\nb\"\n\nc\n", 2);
	csv_test_record(0, 1, 1, "a\n\nb", 1);
	csv_test_record(1, 5, 1, "c", 1);
}
END_TEST

START_TEST(test_csv_last_line)
{
	/* No newline at the end. */
	ACCEPTED("code,name\nU1,Trường", 2);
	csv_test_record(1, 2, 2, "U1", 1, "Trường", 4);

	/* A trailing comma is one more, empty, field. */
	ACCEPTED("a,b,\n", 1);
	csv_test_record(0, 1, 3, "a", 1, "b", 3, "", 5);
	ACCEPTED("a,b,", 1);
	csv_test_record(0, 1, 3, "a", 1, "b", 3, "", 5);
	ACCEPTED(",", 1);
	csv_test_record(0, 1, 2, "", 1, "", 2);

	/* One field, no newline. */
	ACCEPTED("x", 1);
	csv_test_record(0, 1, 1, "x", 1);
}
END_TEST

START_TEST(test_csv_empty_and_header_only)
{
	ACCEPTED("", 0);
	ck_assert_int_eq(csv_column(csv, "code\0"), -1);
	ACCEPTED("\n", 0);
	ACCEPTED("\r\n\r\n\n", 0);

	ACCEPTED("code,name\n", 1);
	csv_test_record(0, 1, 2, "code", 1, "name", 6);
	ck_assert_int_eq(csv_column(csv, "name\0"), 1);
	ACCEPTED("code,name", 1);
	ACCEPTED("\n\ncode,name\r\n\r\n", 1);
	csv_test_record(0, 3, 2, "code", 1, "name", 6);
}
END_TEST

START_TEST(test_csv_column)
{
	ACCEPTED(" Mã đơn vị , Tên ,loai,Đơn vị cấp trên,EMAIL\n"
	    "x,y,z,w,v\n", 2);
	/* ASCII letters compare without case; the rest exactly. */
	ck_assert_int_eq(csv_column(csv, "code\0mã đơn vị\0"), 0);
	ck_assert_int_eq(csv_column(csv, "MÃ ĐƠN VỊ\0"), -1);
	ck_assert_int_eq(csv_column(csv, "tên\0"), 1);
	ck_assert_int_eq(csv_column(csv, "TÊN\0"), -1);
	ck_assert_int_eq(csv_column(csv, "LOAI\0"), 2);
	ck_assert_int_eq(csv_column(csv, "đơn vị cấp trên\0"), -1);
	ck_assert_int_eq(csv_column(csv, "parent\0Đơn vị cấp trên\0"), 3);
	ck_assert_int_eq(csv_column(csv, "email\0"), 4);
	/* The first name in the list that is a heading wins. */
	ck_assert_int_eq(csv_column(csv, "email\0loai\0"), 4);
	ck_assert_int_eq(csv_column(csv, "loai\0email\0"), 2);
	ck_assert_int_eq(csv_column(csv, "missing\0loai\0"), 2);
	/* Only whole headings, only in the header. */
	ck_assert_int_eq(csv_column(csv, "Mã\0"), -1);
	ck_assert_int_eq(csv_column(csv, "x\0"), -1);
	ck_assert_int_eq(csv_column(csv, "missing\0other\0"), -1);
	ck_assert_int_eq(csv_column(csv, "\0"), -1);
}
END_TEST

/* A growing buffer for the generated inputs. */
struct csv_test_buf {
	char	*s;
	size_t	 len, cap;
};

static void
csv_test_append(struct csv_test_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
csv_test_add(struct csv_test_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
csv_test_add(struct csv_test_buf *b, const char *fmt, ...)
{
	char	 tmp[256];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof tmp);
	csv_test_append(b, tmp, (size_t)n);
}

/* Appends `count` copies of `s`. */
static void
csv_test_repeat(struct csv_test_buf *b, const char *s, size_t count)
{
	for (size_t i = 0; i < count; i++)
		csv_test_append(b, s, strlen(s));
}

static void
csv_test_reset(struct csv_test_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

START_TEST(test_csv_field_limits)
{
	struct csv_test_buf	b = { 0 };

	/* Exactly CSV_MAX_FIELD_BYTES bytes fit. */
	csv_test_add(&b, "a,");
	csv_test_repeat(&b, "x", CSV_MAX_FIELD_BYTES);
	csv_test_add(&b, "\n");
	csv_test_accepted(b.s, b.len, 1);
	ck_assert_uint_eq(strlen(csv->records[0].fields[1]),
	    CSV_MAX_FIELD_BYTES);
	ck_assert_uint_eq(csv->records[0].columns[1], 3);

	/* One more does not, and the field's start is blamed. */
	csv_test_reset(&b);
	csv_test_add(&b, "h,h\na,");
	csv_test_repeat(&b, "x", CSV_MAX_FIELD_BYTES + 1);
	csv_test_add(&b, "\n");
	csv_test_refused_max(b.s, b.len, CSV_TEST_MAX_RECORDS,
	    "t.csv:2:3: field is longer than 4096 bytes");

	/* Bytes, not characters: 2048 two-byte "é" fit, one more "a" not. */
	csv_test_reset(&b);
	csv_test_repeat(&b, "é", CSV_MAX_FIELD_BYTES / 2);
	csv_test_accepted(b.s, b.len, 1);
	ck_assert_uint_eq(strlen(csv->records[0].fields[0]),
	    CSV_MAX_FIELD_BYTES);
	csv_test_add(&b, "a,b");
	csv_test_refused_max(b.s, b.len, CSV_TEST_MAX_RECORDS,
	    "t.csv:1:1: field is longer than 4096 bytes");

	/* A doubled quote is one byte of the field. */
	csv_test_reset(&b);
	csv_test_add(&b, "\"");
	csv_test_repeat(&b, "\"\"", CSV_MAX_FIELD_BYTES);
	csv_test_add(&b, "\",z\n");
	csv_test_accepted(b.s, b.len, 1);
	ck_assert_uint_eq(strlen(csv->records[0].fields[0]),
	    CSV_MAX_FIELD_BYTES);
	ck_assert(strspn(csv->records[0].fields[0], "\"") ==
	    CSV_MAX_FIELD_BYTES);
	ck_assert_str_eq(csv->records[0].fields[1], "z");
	ck_assert_uint_eq(csv->records[0].columns[1],
	    2 * CSV_MAX_FIELD_BYTES + 4);

	/* Blanks before a field are not part of it. */
	csv_test_reset(&b);
	csv_test_add(&b, "   ");
	csv_test_repeat(&b, "x", CSV_MAX_FIELD_BYTES);
	csv_test_accepted(b.s, b.len, 1);
	ck_assert_uint_eq(strlen(csv->records[0].fields[0]),
	    CSV_MAX_FIELD_BYTES);

	/* A quoted field too long, spanning lines: blamed where it starts. */
	csv_test_reset(&b);
	csv_test_add(&b, "a,b\nc, \"");
	for (int i = 0; i < 200; i++)
		csv_test_add(&b, "dòng %d của một ô rất dài\n", i);
	csv_test_add(&b, "\"\n");
	csv_test_refused_max(b.s, b.len, CSV_TEST_MAX_RECORDS,
	    "t.csv:2:3: field is longer than 4096 bytes");

	/* A quote never closed in a huge file stops at the limit. */
	csv_test_reset(&b);
	csv_test_add(&b, "\"");
	csv_test_repeat(&b, "x,\n", 100000);
	csv_test_refused_max(b.s, b.len, CSV_TEST_MAX_RECORDS,
	    "t.csv:1:1: field is longer than 4096 bytes");
	free(b.s);
}
END_TEST

START_TEST(test_csv_column_limit)
{
	struct csv_test_buf	b = { 0 };

	/* CSV_MAX_FIELDS columns fit... */
	csv_test_add(&b, "c0");
	for (int i = 1; i < CSV_MAX_FIELDS; i++)
		csv_test_add(&b, ",c%d", i);
	csv_test_add(&b, "\n");
	csv_test_accepted(b.s, b.len, 1);
	ck_assert_uint_eq(csv->records[0].nfields, CSV_MAX_FIELDS);
	ck_assert_str_eq(csv->records[0].fields[CSV_MAX_FIELDS - 1], "c63");
	ck_assert_uint_eq(csv->records[0].columns[CSV_MAX_FIELDS - 1], 243);

	/* ...and one more is refused where it starts. */
	csv_test_reset(&b);
	csv_test_add(&b, "x");
	csv_test_repeat(&b, ",x", CSV_MAX_FIELDS);
	csv_test_refused_max(b.s, b.len, CSV_TEST_MAX_RECORDS,
	    "t.csv:1:129: more than 64 columns");

	/* Empty fields count, on any line. */
	csv_test_reset(&b);
	csv_test_add(&b, "a,b\r\n\r\nc");
	csv_test_repeat(&b, ",", 1000);
	csv_test_add(&b, "\r\n");
	csv_test_refused_max(b.s, b.len, CSV_TEST_MAX_RECORDS,
	    "t.csv:3:66: more than 64 columns");
	free(b.s);
}
END_TEST

START_TEST(test_csv_row_limit)
{
	static const char	text[] = "h\na\n\n\nb\n\n";

	csv_test_refused_max(text, sizeof text - 1, 2,
	    "t.csv:5:1: more than 2 rows");
	/* Blank lines after the last record do not count. */
	csv_test_refused_max("h\na\nb", 5, 1, "t.csv:2:1: more than 1 rows");
	ck_assert_ptr_nonnull(csv_test_parse_max("h\na\n\n\n", 6, 2));
	ck_assert_uint_eq(csv->nrecords, 2);
	ck_assert_ptr_nonnull(csv_test_parse_max(text, sizeof text - 1, 3));
	ck_assert_uint_eq(csv->nrecords, 3);
	csv_test_refused_max("x", 1, 0, "t.csv:1:1: more than 0 rows");
	ck_assert_ptr_nonnull(csv_test_parse_max("\n", 1, 0));
	ck_assert_uint_eq(csv->nrecords, 0);
	ck_assert_uint_eq(errs.n, 3);
}
END_TEST

/* Thousands of rows, CRLF: every line number is right to the end. */
START_TEST(test_csv_many_rows)
{
	struct csv_test_buf	b = { 0 };
	const size_t		n = 5000;
	char			want[64];

	csv_test_add(&b, "\xEF\xBB\xBFMã,Tên,Ghi chú\r\n");
	for (size_t i = 0; i < n; i++) {
		csv_test_add(&b, "U%zu,\"Trường số %zu, xã Đông\",", i, i);
		if (i % 100 == 0)
			csv_test_add(&b, "\"hai\r\ndòng\"");
		csv_test_add(&b, "\r\n");
		if (i % 1000 == 999)
			csv_test_add(&b, "\r\n");
	}
	csv_test_accepted(b.s, b.len, n + 1);
	for (size_t i = 0, line = 2; i < n; i++) {
		const struct csv_record	*rec = &csv->records[i + 1];

		ck_assert_uint_eq(rec->line, line);
		ck_assert_uint_eq(rec->nfields, 3);
		snprintf(want, sizeof want, "U%zu", i);
		ck_assert_str_eq(rec->fields[0], want);
		snprintf(want, sizeof want, "Trường số %zu, xã Đông", i);
		ck_assert_str_eq(rec->fields[1], want);
		ck_assert_uint_eq(rec->columns[1], strlen(rec->fields[0]) + 2);
		ck_assert_str_eq(rec->fields[2], i % 100 == 0 ?
		    "hai\r\ndòng" : "");
		line += i % 100 == 0 ? 2 : 1;
		line += i % 1000 == 999 ? 1 : 0;
	}
	/* The limit counts the header: n + 1 records fit in n + 1. */
	ck_assert_ptr_nonnull(csv_test_parse_max(b.s, b.len, n + 1));
	csv_test_refused_max(b.s, b.len, n,
	    "t.csv:5055:1: more than 5000 rows");
	free(b.s);
}
END_TEST

START_TEST(test_csv_unterminated_quote)
{
	REFUSED("a,b\nc,\"open\nmore\n",
	    "t.csv:2:3: quoted field is never closed");
	REFUSED("\"", "t.csv:1:1: quoted field is never closed");
	REFUSED("a,\"", "t.csv:1:3: quoted field is never closed");
	REFUSED("Tên,\"Trần", "t.csv:1:5: quoted field is never closed");
	/* A doubled quote at the end does not close it. */
	REFUSED("x\n\"ab\"\"", "t.csv:2:1: quoted field is never closed");
	REFUSED("\"a\"\"\"\"\r\n", "t.csv:1:1: quoted field is never closed");
}
END_TEST

START_TEST(test_csv_quote_inside_unquoted)
{
	REFUSED("name\nTrường \"A\"\n", "t.csv:2:8: " QUOTE_INSIDE);
	REFUSED("ab\"", "t.csv:1:3: " QUOTE_INSIDE);
	REFUSED("code,na\"me\n", "t.csv:1:8: " QUOTE_INSIDE);
	REFUSED("x,\"y\",Đ\"\n", "t.csv:1:8: " QUOTE_INSIDE);
}
END_TEST

START_TEST(test_csv_text_after_quote)
{
	REFUSED("\"ab\"c,d\n",
	    "t.csv:1:5: unexpected text after a closing quote");
	REFUSED("\"ab\"  x\n",
	    "t.csv:1:7: unexpected text after a closing quote");
	REFUSED("x,\"Tên\" đ\n",
	    "t.csv:1:9: unexpected text after a closing quote");
	REFUSED("\"a\"\"b\"c",
	    "t.csv:1:7: unexpected text after a closing quote");
	/* After a field that spans lines, on the line where the text is. */
	REFUSED("h\n\"a\nb\"x\n",
	    "t.csv:3:3: unexpected text after a closing quote");
	/* A second quoted part is text after the first. */
	REFUSED("\"a\" \"b\"\n",
	    "t.csv:1:5: unexpected text after a closing quote");
	/* Only the first problem is reported: reading stops there. */
	REFUSED("\"a\"b\n\"c\n",
	    "t.csv:1:4: unexpected text after a closing quote");
}
END_TEST

/* Files saved in a legacy code page are refused at their first bad byte. */
START_TEST(test_csv_not_utf8)
{
	REFUSED("code,name\nU1,Nguy\xEAn V\xE3n A\n", "t.csv:2:8: " NOT_UTF8);
	REFUSED("Mã,Tên\nU1,Trần\nU2,L\xEA\n", "t.csv:3:5: " NOT_UTF8);
	REFUSED("Tr\xE2n", "t.csv:1:3: " NOT_UTF8);
	REFUSED("a,\xE9", "t.csv:1:3: " NOT_UTF8);
	REFUSED("\xFF\xFE" "a\0b\0", "t.csv:1:1: " NOT_UTF8);
	/* Inside a quoted field that spans lines. */
	REFUSED("a,\"x\ny\xE9z\"\n", "t.csv:2:2: " NOT_UTF8);
	/* A mark at the start does not move positions on later lines. */
	REFUSED("\xEF\xBB\xBF" "a\nb\xFF", "t.csv:2:2: " NOT_UTF8);
	/* Before anything else is looked at: an earlier syntax error loses. */
	REFUSED("\"a\"b\nc\xC3", "t.csv:2:2: " NOT_UTF8);
	/* Overlong forms and surrogates are not UTF-8 either. */
	REFUSED("a,\xC0\xAF", "t.csv:1:3: " NOT_UTF8);
	REFUSED("đ,\xED\xA0\x80", "t.csv:1:3: " NOT_UTF8);
}
END_TEST

START_TEST(test_csv_nul)
{
	REFUSED("a,b\nc,d\0e\n", "t.csv:2:4: " NOT_UTF8);
	REFUSED("\0", "t.csv:1:1: " NOT_UTF8);
	REFUSED("Trần\0", "t.csv:1:5: " NOT_UTF8);
	REFUSED("\"a\0\"", "t.csv:1:3: " NOT_UTF8);
}
END_TEST

/* Errors are appended: what was there stays. */
START_TEST(test_csv_errors_append)
{
	errs.items = malloc(sizeof *errs.items);
	errs.items[0] = strdup("earlier");
	errs.n = 1;
	REFUSED("\"", "t.csv:1:1: quoted field is never closed");
	ck_assert_str_eq(errs.items[0], "earlier");
	/* And an earlier error does not make a good file fail. */
	ACCEPTED("a\n", 1);
	ck_assert_uint_eq(errs.n, 2);
}
END_TEST

START_TEST(test_csv_free)
{
	struct csv	*c = NULL;

	csv_free(&c);
	ck_assert_ptr_null(c);
	c = csv_parse("x.csv", "a,b\n", 4, 10, &errs);
	ck_assert_ptr_nonnull(c);
	csv_free(&c);
	ck_assert_ptr_null(c);
}
END_TEST

/*
 * Whether a file is accepted or refused, nothing is read past its end and
 * nothing leaks; a refusal is exactly one well-formed message.
 */
static void
csv_test_robust(const char *text, size_t len)
{
	size_t	 before = errs.n;
	size_t	 line, column;
	int	 used;

	if (csv_test_parse_max(text, len, CSV_TEST_MAX_RECORDS) != NULL) {
		if (errs.n != before)
			ck_abort_msg("accepted with errors:%s",
			    csv_test_errors());
		for (size_t i = 0; i < csv->nrecords; i++) {
			if (csv->records[i].nfields == 0 ||
			    csv->records[i].line == 0)
				ck_abort_msg("record %zu is malformed", i);
		}
		return;
	}
	if (errs.n != before + 1)
		ck_abort_msg("%zu errors for one refusal", errs.n - before);
	used = 0;
	if (sscanf(errs.items[before], "t.csv:%zu:%zu: %n", &line, &column,
	    &used) != 2 || used == 0 || line == 0 || column == 0 ||
	    errs.items[before][used] == '\0')
		ck_abort_msg("malformed error \"%s\"", errs.items[before]);
}

START_TEST(test_csv_hostile)
{
	static const char	doc[] =
	    "\xEF\xBB\xBF" "Mã,\"Tên \"\"đơn\"\" vị\",Loại\r\n"
	    "\r\n"
	    "U1, \"a,\nb\" ,Tiểu học\r\n"
	    "U2,x,\"\"\n"
	    "\"U3\",\xF0\x9F\x8E\x89,y";
	static const char	junk[] = { '"', ',', '\n', '\r', '\0', ' ',
	    (char)0xFF, (char)0xC3, (char)0x80 };
	char			 copy[sizeof doc];

	/* Every prefix: quotes, CRLF and characters cut anywhere. */
	for (size_t len = 0; len < sizeof doc; len++)
		csv_test_robust(doc, len);
	/* Every byte replaced by each kind of junk. */
	for (size_t i = 0; i < sizeof doc - 1; i++) {
		for (size_t j = 0; j < sizeof junk; j++) {
			memcpy(copy, doc, sizeof doc);
			copy[i] = junk[j];
			csv_test_robust(copy, sizeof doc - 1);
		}
	}
}
END_TEST

/*
 * Regression tests for bugs found by these suites and fixed since.
 */

/*
 * The UTF-8 check counts the byte order mark as a column of line 1, the
 * reader (rightly) does not: a bad byte on line 1 of a file with a mark is
 * reported one column too far right ("t.csv:1:4" here).
 */
START_TEST(test_csv_bug_bom_shifts_utf8_column)
{
	REFUSED("\xEF\xBB\xBF" "ab\xE9", "t.csv:1:3: " NOT_UTF8);
	REFUSED("\xEF\xBB\xBF" "\xE9", "t.csv:1:1: " NOT_UTF8);
}
END_TEST

/*
 * "more than 64 columns" names the line where the record starts with the
 * column of the 65th field on the line where that field is: after a quoted
 * field that spans lines the place does not exist ("t.csv:1:130" here).
 */
START_TEST(test_csv_bug_column_limit_after_line_break)
{
	struct csv_test_buf	b = { 0 };

	csv_test_add(&b, "\"a\nb\"");
	csv_test_repeat(&b, ",x", CSV_MAX_FIELDS);
	csv_test_refused_max(b.s, b.len, CSV_TEST_MAX_RECORDS,
	    "t.csv:2:130: more than 64 columns");
	free(b.s);
}
END_TEST

static Suite *
csv_suite(void)
{
	Suite	*s = suite_create("csv");
	TCase	*tc;

	tc = tcase_create("read");
	tcase_add_checked_fixture(tc, csv_test_setup, csv_test_teardown);
	tcase_add_test(tc, test_csv_simple);
	tcase_add_test(tc, test_csv_columns_are_characters);
	tcase_add_test(tc, test_csv_crlf);
	tcase_add_test(tc, test_csv_bom);
	tcase_add_test(tc, test_csv_quoted);
	tcase_add_test(tc, test_csv_quoted_line_breaks);
	tcase_add_test(tc, test_csv_trimming);
	tcase_add_test(tc, test_csv_blank_lines);
	tcase_add_test(tc, test_csv_last_line);
	tcase_add_test(tc, test_csv_empty_and_header_only);
	tcase_add_test(tc, test_csv_column);
	tcase_add_test(tc, test_csv_errors_append);
	tcase_add_test(tc, test_csv_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_checked_fixture(tc, csv_test_setup, csv_test_teardown);
	tcase_add_test(tc, test_csv_field_limits);
	tcase_add_test(tc, test_csv_column_limit);
	tcase_add_test(tc, test_csv_row_limit);
	tcase_add_test(tc, test_csv_unterminated_quote);
	tcase_add_test(tc, test_csv_quote_inside_unquoted);
	tcase_add_test(tc, test_csv_text_after_quote);
	tcase_add_test(tc, test_csv_not_utf8);
	tcase_add_test(tc, test_csv_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("large");
	tcase_add_checked_fixture(tc, csv_test_setup, csv_test_teardown);
	tcase_add_test(tc, test_csv_many_rows);
	tcase_add_test(tc, test_csv_hostile);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_checked_fixture(tc, csv_test_setup, csv_test_teardown);
	tcase_add_test(tc, test_csv_bug_bom_shifts_utf8_column);
	tcase_add_test(tc, test_csv_bug_column_limit_after_line_break);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(csv_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
