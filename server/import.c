/*
 * import.c - checking CSV imports of units and people; see import.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "import.h"
#include "jsonw.h"
#include "xmalloc.h"
#include "yamltree.h"

#define IMPORT_JSON_MAX		(512 * 1024 * 1024)

enum import_type {
	IMPORT_CODE,		/* [A-Za-z0-9_-]{1,64} */
	IMPORT_TEXT,		/* non-empty text, at most `max` bytes */
	IMPORT_OPTIONAL_TEXT,
	IMPORT_UNIT_KIND,
	IMPORT_EMAIL,		/* optional */
	IMPORT_BOOL,		/* optional; empty is false */
	IMPORT_REF		/* a unit code; its column goes along */
};

struct import_column {
	const char	*key;		/* JSON key and first accepted heading */
	const char	*names;		/* more headings: NUL-separated, "" ends */
	bool		 required;
	enum import_type type;
	size_t		 max;
};

static const struct import_column import_units_columns[] = {
	{ "code", "ma\0mã\0mã đơn vị\0Mã đơn vị\0", true, IMPORT_CODE, 64 },
	{ "name", "ten\0tên\0tên đơn vị\0Tên đơn vị\0", true, IMPORT_TEXT, 500 },
	{ "kind", "loai\0loại\0loại hình\0Loại hình\0", true, IMPORT_UNIT_KIND, 0 },
	{ "parent", "cap_tren\0đơn vị cấp trên\0Đơn vị cấp trên\0Mã đơn vị cấp trên\0",
	  false, IMPORT_REF, 64 },
	{ "email", "thu_dien_tu\0thư điện tử\0Thư điện tử\0", false, IMPORT_EMAIL, 254 },
	{ NULL, NULL, false, IMPORT_TEXT, 0 }
};

static const struct import_column import_people_columns[] = {
	{ "code", "ma\0mã\0mã cán bộ\0Mã cán bộ\0mã định danh\0Mã định danh\0",
	  true, IMPORT_CODE, 64 },
	{ "full_name", "name\0ho_ten\0họ và tên\0Họ và tên\0", true, IMPORT_TEXT, 200 },
	{ "position", "chuc_vu\0chức vụ\0Chức vụ\0", false, IMPORT_OPTIONAL_TEXT, 200 },
	{ "unit", "don_vi\0mã đơn vị\0Mã đơn vị\0đơn vị\0Đơn vị\0", true, IMPORT_REF, 64 },
	{ "is_head", "thu_truong\0thủ trưởng\0Thủ trưởng\0", false, IMPORT_BOOL, 0 },
	{ "email", "thu_dien_tu\0thư điện tử\0Thư điện tử\0", false, IMPORT_EMAIL, 254 },
	{ NULL, NULL, false, IMPORT_TEXT, 0 }
};

/* Unit kinds: the stored code, then the Vietnamese words offices write. */
static const char *const import_unit_kinds[][4] = {
	{ "ministry", "Bộ", "bộ", NULL },
	{ "department", "Sở", "sở", NULL },
	{ "district_office", "Phòng", "phòng", NULL },
	{ "commune", "Xã", "Phường", "xã" },
	{ "preschool", "Mầm non", "mầm non", NULL },
	{ "primary", "Tiểu học", "tiểu học", NULL },
	{ "lower_secondary", "THCS", "Trung học cơ sở", NULL },
	{ "upper_secondary", "THPT", "Trung học phổ thông", NULL },
	{ "multi_level", "Liên cấp", "liên cấp", NULL },
	{ "attached", "Trực thuộc", "trực thuộc", NULL },
	{ "office", "Cơ quan", "cơ quan", NULL },
};

struct import_code_line {
	const char	*code;
	size_t		 line, column;
};

static void
import_error(struct yamltree_errors *errs, const char *file, size_t line,
    size_t column, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
import_error(struct yamltree_errors *errs, const char *file, size_t line,
    size_t column, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	errs->items = xreallocarray(errs->items, errs->n + 1, sizeof *errs->items);
	errs->items[errs->n++] = xasprintf("%s:%zu:%zu: %s", file, line, column,
	    msg != NULL ? msg : "cannot format the error");
	free(msg);
}

static bool
import_code_valid(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool
import_email_valid(const char *s)
{
	const char	*at = strchr(s, '@');

	return strlen(s) <= 254 && at != NULL && at != s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strpbrk(s, " \t\r\n,;<>") == NULL;
}

static const char *
import_unit_kind(const char *value)
{
	for (size_t i = 0; i < sizeof import_unit_kinds /
	    sizeof import_unit_kinds[0]; i++) {
		for (size_t k = 0; k < 4 && import_unit_kinds[i][k] != NULL; k++) {
			if (strcmp(value, import_unit_kinds[i][k]) == 0)
				return import_unit_kinds[i][0];
		}
	}
	return NULL;
}

/* Returns 1 for yes, 0 for no, -1 for neither. */
static int
import_bool(const char *v)
{
	static const char *const yes[] = { "x", "X", "1", "có", "Có", "yes",
	    "true", NULL };
	static const char *const no[] = { "", "0", "không", "Không", "no",
	    "false", NULL };

	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcmp(v, yes[i]) == 0)
			return 1;
	}
	for (size_t i = 0; no[i] != NULL; i++) {
		if (strcmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Maps each header field to a column spec; -1 where none. */
static int *
import_map_header(const struct csv *c, const struct import_column *cols,
    const char *file, struct yamltree_errors *errs)
{
	const struct csv_record	*h = &c->records[0];
	int			*map = xcalloc(h->nfields, sizeof *map);
	size_t			 expected_len = 0;
	char			 expected[256] = "";

	for (const struct import_column *col = cols; col->key != NULL; col++) {
		int w = snprintf(expected + expected_len,
		    sizeof expected - expected_len, "%s%s",
		    expected_len > 0 ? ", " : "", col->key);
		if (w > 0 && (size_t)w < sizeof expected - expected_len)
			expected_len += (size_t)w;
	}
	for (size_t i = 0; i < h->nfields; i++) {
		map[i] = -1;
		for (int k = 0; cols[k].key != NULL && map[i] < 0; k++) {
			if (strcasecmp(h->fields[i], cols[k].key) == 0)
				map[i] = k;
			for (const char *n = cols[k].names; *n != '\0' &&
			    map[i] < 0; n += strlen(n) + 1) {
				if (strcasecmp(h->fields[i], n) == 0)
					map[i] = k;
			}
		}
		if (map[i] < 0)
			import_error(errs, file, h->line, h->columns[i],
			    "unknown column \"%s\"; the columns are: %s",
			    h->fields[i], expected);
		for (size_t j = 0; j < i && map[i] >= 0; j++) {
			if (map[j] == map[i]) {
				import_error(errs, file, h->line, h->columns[i],
				    "column \"%s\" appears twice",
				    cols[map[i]].key);
				break;
			}
		}
	}
	for (int k = 0; cols[k].key != NULL; k++) {
		bool found = false;

		for (size_t i = 0; i < h->nfields; i++)
			found = found || map[i] == k;
		if (!found && cols[k].required)
			import_error(errs, file, h->line, 1,
			    "missing column \"%s\"", cols[k].key);
	}
	return map;
}

/* Checks one field and writes it into the row object. */
static void
import_field(struct jsonw *w, const struct import_column *col,
    const char *value, size_t line, size_t column, const char *file,
    struct yamltree_errors *errs)
{
	const char	*kind;
	char		 ref_key[64];
	int		 b;

	switch (col->type) {
	case IMPORT_CODE:
	case IMPORT_REF:
		if (value[0] == '\0' && col->type == IMPORT_REF && !col->required)
			break;
		if (!import_code_valid(value))
			import_error(errs, file, line, column, "\"%s\" is not a "
			    "valid code (1 to 64 letters, digits, _ or -)", value);
		if (col->type == IMPORT_REF) {
			snprintf(ref_key, sizeof ref_key, "%s_column", col->key);
			jsonw_key(w, ref_key);
			jsonw_uint(w, column);
		}
		break;
	case IMPORT_TEXT:
	case IMPORT_OPTIONAL_TEXT:
		if (value[0] == '\0' && col->type == IMPORT_TEXT)
			import_error(errs, file, line, column, "%s is empty",
			    col->key);
		else if (strlen(value) > col->max)
			import_error(errs, file, line, column, "%s is longer "
			    "than %zu bytes", col->key, col->max);
		break;
	case IMPORT_UNIT_KIND:
		if ((kind = import_unit_kind(value)) == NULL)
			import_error(errs, file, line, column, "unknown unit "
			    "kind \"%s\"", value);
		else
			value = kind;
		break;
	case IMPORT_EMAIL:
		if (value[0] != '\0' && !import_email_valid(value))
			import_error(errs, file, line, column, "\"%s\" is not an "
			    "e-mail address", value);
		break;
	case IMPORT_BOOL:
		if ((b = import_bool(value)) < 0)
			import_error(errs, file, line, column, "\"%s\" is not "
			    "yes or no (x, có, không, ...)", value);
		jsonw_key(w, col->key);
		jsonw_bool(w, b == 1);
		return;
	}
	jsonw_key(w, col->key);
	jsonw_string(w, value);
}

static int
import_compare_codes(const void *a, const void *b)
{
	const struct import_code_line *x = a, *y = b;
	int c = strcmp(x->code, y->code);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Reports every code that appears on more than one row, in one pass. */
static void
import_check_duplicates(const struct csv *c, int code_field, const char *file,
    struct yamltree_errors *errs)
{
	size_t			 n = c->nrecords - 1, first = 0;
	struct import_code_line	*codes = xcalloc(n > 0 ? n : 1, sizeof *codes);

	for (size_t i = 0; i < n; i++) {
		const struct csv_record *r = &c->records[i + 1];
		bool has = (size_t)code_field < r->nfields;

		codes[i].code = has ? r->fields[code_field] : "";
		codes[i].line = has ? r->lines[code_field] : r->line;
		codes[i].column = has ? r->columns[code_field] : 1;
	}
	qsort(codes, n, sizeof *codes, import_compare_codes);
	for (size_t i = 1; i < n; i++) {
		/* `first` starts the run of equal codes that i is in. */
		if (strcmp(codes[i].code, codes[first].code) != 0) {
			first = i;
			continue;
		}
		if (codes[i].code[0] != '\0')
			import_error(errs, file, codes[i].line, codes[i].column,
			    "code \"%s\" appears again (first on line %zu)",
			    codes[i].code, codes[first].line);
	}
	free(codes);
}

/* True if `file` is named like YAML rather than CSV. */
static bool
import_is_yaml(const char *file)
{
	size_t	n = strlen(file);

	return (n > 5 && strcasecmp(file + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcasecmp(file + n - 4, ".yml") == 0);
}

static void
import_record_add(struct csv_record *rec, const char *value, size_t line,
    size_t column)
{
	rec->fields = xreallocarray(rec->fields, rec->nfields + 1,
	    sizeof *rec->fields);
	rec->lines = xreallocarray(rec->lines, rec->nfields + 1,
	    sizeof *rec->lines);
	rec->columns = xreallocarray(rec->columns, rec->nfields + 1,
	    sizeof *rec->columns);
	rec->fields[rec->nfields] = xstrdup(value);
	rec->lines[rec->nfields] = line;
	rec->columns[rec->nfields++] = column;
}

/*
 * Reads a YAML import, a list of mappings whose keys are the CSV columns
 * (`- {code: Q1-TH-A, name: ..., kind: primary}`), into the shape csv_parse
 * gives, so both formats take the same checks. Returns NULL with problems.
 */
static struct csv *
import_yaml(const struct import_column *cols, const char *file,
    const char *data, size_t len, struct yamltree_errors *errs)
{
	struct yamltree		*t;
	struct yamltree_node	*root;
	struct csv		*c;
	size_t			 ncols = 0, errors_before = errs->n;

	if ((t = yamltree_parse(file, data, len, errs)) == NULL)
		return NULL;
	root = t->root;
	if (root == NULL || root->kind != YAMLTREE_SEQUENCE) {
		yamltree_error(errs, t, root, "the file must be a list of %s",
		    cols == import_units_columns ? "units" : "people");
		yamltree_free(&t);
		return NULL;
	}
	while (cols[ncols].key != NULL)
		ncols++;
	c = xcalloc(1, sizeof *c);
	c->cap = root->n + 1;
	c->records = xcalloc(c->cap, sizeof *c->records);
	/* The header: every column, by its key. */
	c->records[0].line = 1;
	for (size_t k = 0; k < ncols; k++)
		import_record_add(&c->records[0], cols[k].key, 1, 1);
	c->nrecords = 1;
	for (size_t i = 0; i < root->n; i++) {
		const struct yamltree_node	*item = root->items[i];
		struct csv_record		*rec = &c->records[c->nrecords++];

		rec->line = item->line;
		if (item->kind != YAMLTREE_MAPPING) {
			yamltree_error(errs, t, item, "each item must be a "
			    "mapping of column: value");
			continue;
		}
		for (size_t k = 0; k < item->n; k++) {
			bool known = false;

			for (size_t m = 0; m < ncols && !known; m++)
				known = strcmp(item->keys[k]->value,
				    cols[m].key) == 0;
			if (!known)
				yamltree_error(errs, t, item->keys[k],
				    "unknown key \"%s\"", item->keys[k]->value);
			else if (item->items[k]->kind != YAMLTREE_SCALAR)
				yamltree_error(errs, t, item->items[k],
				    "\"%s\" must be a single value",
				    item->keys[k]->value);
		}
		for (size_t m = 0; m < ncols; m++) {
			const struct yamltree_node *v = yamltree_get(item,
			    cols[m].key);

			if (v != NULL && v->kind == YAMLTREE_SCALAR &&
			    !yamltree_is_null(v))
				import_record_add(rec, v->value, v->line,
				    v->column);
			else
				import_record_add(rec, "", item->line,
				    item->column);
		}
	}
	yamltree_free(&t);
	if (errs->n > errors_before)
		csv_free(&c);
	return c;
}

char *
import_rows_json(enum import_kind kind, const char *file, const char *data,
    size_t len, size_t *nrows, struct yamltree_errors *errs)
{
	const struct import_column	*cols = kind == IMPORT_UNITS ?
					    import_units_columns :
					    import_people_columns;
	size_t				 errors_before = errs->n;
	struct csv			*c;
	struct jsonw			 w;
	int				*map = NULL, code_field = -1;
	char				*json = NULL;
	const char			*text;

	if (import_is_yaml(file))
		c = import_yaml(cols, file, data, len, errs);
	else
		c = csv_parse(file, data, len, IMPORT_MAX_ROWS + 1, errs);
	if (c == NULL)
		return NULL;
	if (c->nrecords < 2) {
		import_error(errs, file, 1, 1, "the file has no rows under its "
		    "header");
		csv_free(&c);
		return NULL;
	}
	map = import_map_header(c, cols, file, errs);
	if (errs->n > errors_before)
		goto out;
	for (size_t i = 0; i < c->records[0].nfields; i++) {
		if (strcmp(cols[map[i]].key, "code") == 0)
			code_field = (int)i;
	}

	jsonw_init(&w, IMPORT_JSON_MAX);
	jsonw_array_begin(&w);
	for (size_t r = 1; r < c->nrecords; r++) {
		const struct csv_record *rec = &c->records[r];

		if (rec->nfields != c->records[0].nfields) {
			import_error(errs, file, rec->line, 1, "the row has %zu "
			    "fields, the header %zu", rec->nfields,
			    c->records[0].nfields);
			continue;
		}
		jsonw_object_begin(&w);
		jsonw_key(&w, "line");
		jsonw_uint(&w, rec->line);
		for (size_t i = 0; i < rec->nfields; i++)
			import_field(&w, &cols[map[i]], rec->fields[i],
			    rec->lines[i], rec->columns[i], file, errs);
		jsonw_object_end(&w);
	}
	jsonw_array_end(&w);
	import_check_duplicates(c, code_field, file, errs);
	if (errs->n == errors_before) {
		if ((text = jsonw_finish(&w, NULL)) == NULL)
			import_error(errs, file, 1, 1, "the file is too large");
		else {
			json = xstrdup(text);
			*nrows = c->nrecords - 1;
		}
	}
	jsonw_clear(&w);
out:
	free(map);
	csv_free(&c);
	return json;
}
