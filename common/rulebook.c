/*
 * rulebook.c - reading and checking a rulebook; see rulebook.h and the format
 * in config/rulebooks/README.md.
 *
 * The file is first read by yamltree, which has already refused what makes
 * YAML ambiguous (aliases, tags, duplicate keys, broken UTF-8); this file
 * walks the tree. Each mapping has a list of the keys it allows, and every
 * value goes through one converter per type (text, code, integer, boolean,
 * date, one of a list of names) that says what is wrong and where. Nothing
 * stops at the first problem: a value that is wrong is left unset, the walk
 * goes on, and the checks that relate values (ranges, duplicates, references)
 * skip what is unset, so one mistake gives one message rather than a cascade.
 *
 * Problems are kept with the node they are about and reported in file order
 * once the walk is over. If there is any, the half-built rulebook is freed
 * and nothing is returned, so a caller never sees a rulebook with holes.
 *
 * Every list is bounded (RULEBOOK_MAX_ITEMS, and RULEBOOK_MAX_LEVELS for the
 * lists every reference is looked up in) so the checks for duplicates and
 * references, which compare items pairwise, stay cheap on a hostile file;
 * block members, the one list that can honestly be long, are checked by
 * sorting instead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "log.h"
#include "rulebook.h"
#include "xmalloc.h"
#include "yamltree.h"

#define RULEBOOK_MAX_CODE	64	/* bytes of a code */
#define RULEBOOK_MAX_NAME	2000	/* bytes of a name or a short text */
#define RULEBOOK_MAX_TEXT	10000	/* bytes of the theme or a legal text */
#define RULEBOOK_MAX_ITEMS	1000	/* items of a list */
#define RULEBOOK_MAX_LEVELS	100	/* levels, phases, chains, chain steps */
#define RULEBOOK_MAX_MEMBERS	100000	/* units in one block */
#define RULEBOOK_MAX_PROBLEMS	500	/* reported; the rest are counted */
#define RULEBOOK_EXCERPT_SIZE	48	/* a quoted piece of the file */
#define RULEBOOK_LABEL_SIZE	96	/* "dossier type \"CODE\"" */

/* A problem found, with the node it is about (NULL: the whole file). */
struct rulebook_problem {
	const struct yamltree_node	*node;
	size_t				 seq;
	char				*msg;
};

struct rulebook_parser {
	struct yamltree		*tree;
	struct rulebook		*rb;

	/* What later checks may rely on. */
	bool			 have_period;	/* period_from < period_to */
	bool			 have_levels;	/* `levels` was read */
	bool			 have_chains;	/* `chains` was read */

	struct rulebook_problem	*problems;
	size_t			 nproblems;
	size_t			 problems_size;
};

/* A unit named as a block member, for the check that it is in one block. */
struct rulebook_member {
	const char			*code;
	const struct yamltree_node	*node;
	size_t				 block;	/* index in rb->blocks */
	size_t				 order;	/* in the file */
};

static const char *const rulebook_period_kind_names[] = {
	"school_year", "calendar_year", NULL
};
static const char *const rulebook_target_names[] = {
	"individual", "collective", "both", NULL
};
static const char *const rulebook_kind_names[] = { "title", "award", NULL };
static const char *const rulebook_purpose_names[] = {
	"registration", "block_registration", "block_report", "year_end",
	"block_flag_vote", "campaign", "sudden", NULL
};
static const char *const rulebook_submitter_names[] = {
	"unit", "block_leader", NULL
};
static const char *const rulebook_handler_names[] = {
	"unit", "block_leader", "district_office", "department", "ministry",
	NULL
};
static const char *const rulebook_school_level_names[] = {
	"preschool", "primary", "lower_secondary", "upper_secondary", "mixed",
	NULL
};
static const char *const rulebook_channel_names[] = {
	"inbox", "email", "push", NULL
};
static const char *const rulebook_discipline_names[] = {
	"reprimand", "warning", "dismissal", NULL
};

static void
rulebook_problem(struct rulebook_parser *, const struct yamltree_node *,
    const char *, ...) __attribute__((format(printf, 3, 4)));

static void
rulebook_problem(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *fmt, ...)
{
	struct rulebook_problem	*pr;
	va_list			 ap;

	if (p->nproblems == p->problems_size) {
		p->problems_size = p->problems_size == 0 ? 16 :
		    p->problems_size * 2;
		p->problems = xreallocarray(p->problems, p->problems_size,
		    sizeof *p->problems);
	}
	pr = &p->problems[p->nproblems];
	pr->node = node;
	pr->seq = p->nproblems++;
	va_start(ap, fmt);
	if (vasprintf(&pr->msg, fmt, ap) < 0)
		fatalx("out of memory formatting a rulebook error");
	va_end(ap);
}

/* File-level problems first, then by position, then in the order found. */
static int
rulebook_problem_cmp(const void *a, const void *b)
{
	const struct rulebook_problem	*x = a, *y = b;
	size_t				 xl, yl, xc, yc;

	xl = x->node != NULL ? x->node->line : 0;
	yl = y->node != NULL ? y->node->line : 0;
	xc = x->node != NULL ? x->node->column : 0;
	yc = y->node != NULL ? y->node->column : 0;
	if (xl != yl)
		return xl < yl ? -1 : 1;
	if (xc != yc)
		return xc < yc ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Moves the problems, in file order, to `errs` as "file:line:col: message". */
static void
rulebook_report(struct rulebook_parser *p, struct yamltree_errors *errs)
{
	if (p->nproblems > 1)
		qsort(p->problems, p->nproblems, sizeof *p->problems,
		    rulebook_problem_cmp);
	for (size_t i = 0; i < p->nproblems; i++) {
		if (i < RULEBOOK_MAX_PROBLEMS)
			yamltree_error(errs, p->tree, p->problems[i].node, "%s",
			    p->problems[i].msg);
		free(p->problems[i].msg);
	}
	if (p->nproblems > RULEBOOK_MAX_PROBLEMS)
		yamltree_error(errs, p->tree, NULL, "%zu more problems not shown",
		    p->nproblems - RULEBOOK_MAX_PROBLEMS);
	free(p->problems);
	p->problems = NULL;
	p->nproblems = p->problems_size = 0;
}

/*
 * A piece of the file fit to quote in a message: at most about 40 bytes, cut
 * on a character boundary, control characters shown as '?', so a message
 * stays one line of valid UTF-8 whatever the file holds.
 */
static const char *
rulebook_excerpt(const char *s, char buf[RULEBOOK_EXCERPT_SIZE])
{
	size_t	n = 0, len = strlen(s), limit = RULEBOOK_EXCERPT_SIZE - 8;

	if (len > limit) {
		len = limit;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		buf[n++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
	}
	if (len < strlen(s)) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* "what \"code\"", or "this what" while the code is not known. */
static const char *
rulebook_label(char buf[RULEBOOK_LABEL_SIZE], const char *what,
    const char *code)
{
	if (code != NULL)
		snprintf(buf, RULEBOOK_LABEL_SIZE, "%s \"%s\"", what, code);
	else
		snprintf(buf, RULEBOOK_LABEL_SIZE, "this %s", what);
	return buf;
}

static const char *
rulebook_iso(int32_t date, char buf[DATE_BUF_SIZE])
{
	date_format_iso(date, buf);
	return buf;
}

/* How a node that has the wrong type is described: "not a list". */
static const char *
rulebook_node_kind(const struct yamltree_node *node)
{
	switch (node->kind) {
	case YAMLTREE_MAPPING:
		return "a mapping";
	case YAMLTREE_SEQUENCE:
		return "a list";
	case YAMLTREE_SCALAR:
		break;
	}
	return yamltree_is_null(node) ? "null" : "text";
}

/*
 * The element of `array` (n elements of `size` bytes) whose string at
 * `offset` is `code`, or NULL.
 */
static const void *
rulebook_find(const void *array, size_t n, size_t size, size_t offset,
    const char *code)
{
	const char	*base = array;

	if (array == NULL || code == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char	*s;

		memcpy(&s, base + i * size + offset, sizeof s);
		if (s != NULL && strcmp(s, code) == 0)
			return base + i * size;
	}
	return NULL;
}

/* Reports every key of `map` that is not in `allowed` (NULL-terminated). */
static void
rulebook_keys(struct rulebook_parser *p, const struct yamltree_node *map,
    const char *const *allowed)
{
	char	ex[RULEBOOK_EXCERPT_SIZE];

	for (size_t i = 0; i < map->n; i++) {
		size_t	j;

		for (j = 0; allowed[j] != NULL; j++) {
			if (strcmp(map->keys[i]->value, allowed[j]) == 0)
				break;
		}
		if (allowed[j] == NULL)
			rulebook_problem(p, map->keys[i], "unknown key \"%s\"",
			    rulebook_excerpt(map->keys[i]->value, ex));
	}
}

/* The value of `key` in `map`, or NULL; reported if required and missing. */
static const struct yamltree_node *
rulebook_get(struct rulebook_parser *p, const struct yamltree_node *map,
    const char *key, bool required)
{
	const struct yamltree_node	*v = yamltree_get(map, key);

	if (v == NULL && required)
		rulebook_problem(p, map, "missing required key \"%s\"", key);
	return v;
}

/* True if `node` is of `kind` (a scalar: and not null); else reported. */
static bool
rulebook_expect(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, enum yamltree_kind kind, const char *what)
{
	if (node->kind == kind &&
	    (kind != YAMLTREE_SCALAR || !yamltree_is_null(node)))
		return true;
	rulebook_problem(p, node, "\"%s\" must be %s, not %s", key, what,
	    rulebook_node_kind(node));
	return false;
}

/* The mapping under `key`, or NULL (reported if it is wrong or required). */
static const struct yamltree_node *
rulebook_mapping(struct rulebook_parser *p, const struct yamltree_node *map,
    const char *key, bool required, const char *const *allowed)
{
	const struct yamltree_node	*v = rulebook_get(p, map, key, required);

	if (v == NULL || !rulebook_expect(p, v, key, YAMLTREE_MAPPING,
	    "a mapping"))
		return NULL;
	rulebook_keys(p, v, allowed);
	return v;
}

/*
 * The list under `key`, or NULL: reported if it is not a list, is longer
 * than `max`, or is required and missing or empty.
 */
static const struct yamltree_node *
rulebook_list(struct rulebook_parser *p, const struct yamltree_node *map,
    const char *key, bool required, size_t max)
{
	const struct yamltree_node	*v = rulebook_get(p, map, key, required);

	if (v == NULL || !rulebook_expect(p, v, key, YAMLTREE_SEQUENCE, "a list"))
		return NULL;
	if (v->n > max) {
		rulebook_problem(p, v, "\"%s\" has more than %zu items", key, max);
		return NULL;
	}
	if (v->n == 0 && required) {
		rulebook_problem(p, v, "\"%s\" is empty", key);
		return NULL;
	}
	return v;
}

/* Item `i` of `list` if it is a mapping, its keys checked; else NULL. */
static const struct yamltree_node *
rulebook_item(struct rulebook_parser *p, const struct yamltree_node *list,
    size_t i, const char *key, const char *const *allowed)
{
	const struct yamltree_node	*item = list->items[i];

	if (item->kind != YAMLTREE_MAPPING) {
		rulebook_problem(p, item, "each item of \"%s\" must be a mapping, "
		    "not %s", key, rulebook_node_kind(item));
		return NULL;
	}
	rulebook_keys(p, item, allowed);
	return item;
}

/*
 * Converters. Each takes the value node (NULL: absent, nothing to do) and
 * the key it was under, for messages; returns true and sets *out if the value
 * is right, else reports why and returns false with *out untouched.
 */

static bool
rulebook_text(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, size_t max, bool multiline, char **out)
{
	size_t	i;

	if (node == NULL)
		return false;
	if (node->kind != YAMLTREE_SCALAR) {
		rulebook_problem(p, node, "\"%s\" must be text, not %s", key,
		    rulebook_node_kind(node));
		return false;
	}
	for (i = 0; i < node->len; i++) {
		if (strchr(" \t\n\r", node->value[i]) == NULL)
			break;
	}
	if (i == node->len || yamltree_is_null(node)) {
		rulebook_problem(p, node, "\"%s\" is empty", key);
		return false;
	}
	if (node->len > max) {
		rulebook_problem(p, node, "\"%s\" is longer than %zu bytes", key,
		    max);
		return false;
	}
	for (i = 0; i < node->len; i++) {
		unsigned char	c = (unsigned char)node->value[i];

		if ((c < 0x20 || c == 0x7F) &&
		    !(multiline && (c == '\n' || c == '\t'))) {
			rulebook_problem(p, node, "\"%s\" holds a control "
			    "character", key);
			return false;
		}
	}
	free(*out);
	*out = xstrdup(node->value);
	return true;
}

static bool
rulebook_is_code(const char *s, size_t len)
{
	if (len == 0 || len > RULEBOOK_MAX_CODE)
		return false;
	for (size_t i = 0; i < len; i++) {
		char	c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool
rulebook_code(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, char **out)
{
	char	ex[RULEBOOK_EXCERPT_SIZE];

	if (node == NULL || !rulebook_expect(p, node, key, YAMLTREE_SCALAR,
	    "a code"))
		return false;
	if (!rulebook_is_code(node->value, node->len)) {
		rulebook_problem(p, node, "invalid code \"%s\" for \"%s\": "
		    "expected 1 to %d letters, digits, \"_\" or \"-\"",
		    rulebook_excerpt(node->value, ex), key, RULEBOOK_MAX_CODE);
		return false;
	}
	free(*out);
	*out = xstrdup(node->value);
	return true;
}

/* A unit code, kept with its position for the server's checks. */
static bool
rulebook_unit(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, struct rulebook_ref *out)
{
	if (!rulebook_code(p, node, key, &out->code))
		return false;
	out->line = node->line;
	out->column = node->column;
	return true;
}

static bool
rulebook_int(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, int min, int max, int *out)
{
	const char	*s;
	long long	 v = 0;
	size_t		 i = 0, digits = 0;
	char		 ex[RULEBOOK_EXCERPT_SIZE];

	if (node == NULL || !rulebook_expect(p, node, key, YAMLTREE_SCALAR,
	    "an integer"))
		return false;
	s = node->value;
	if (s[0] == '-')
		i++;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		/* Past 12 digits it is out of any range we take. */
		if (digits++ < 12)
			v = v * 10 + (s[i] - '0');
	}
	if (digits == 0 || s[i] != '\0') {
		rulebook_problem(p, node, "invalid integer \"%s\" for \"%s\"",
		    rulebook_excerpt(s, ex), key);
		return false;
	}
	if (s[0] == '-')
		v = -v;
	if (digits > 12 || v < min || v > max) {
		rulebook_problem(p, node, "value %s for \"%s\" is out of range "
		    "[%d, %d]", rulebook_excerpt(s, ex), key, min, max);
		return false;
	}
	*out = (int)v;
	return true;
}

static bool
rulebook_bool(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, bool *out)
{
	const char	*s;
	char		 ex[RULEBOOK_EXCERPT_SIZE];

	if (node == NULL || !rulebook_expect(p, node, key, YAMLTREE_SCALAR,
	    "true or false"))
		return false;
	s = node->value;
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 ||
	    strcmp(s, "on") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 ||
	    strcmp(s, "off") == 0)
		*out = false;
	else {
		rulebook_problem(p, node, "invalid boolean \"%s\" for \"%s\": "
		    "expected true or false", rulebook_excerpt(s, ex), key);
		return false;
	}
	return true;
}

static bool
rulebook_date(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, int32_t *out)
{
	char	ex[RULEBOOK_EXCERPT_SIZE];

	if (node == NULL || !rulebook_expect(p, node, key, YAMLTREE_SCALAR,
	    "a date"))
		return false;
	if (!date_parse_iso(node->value, out)) {
		rulebook_problem(p, node, "invalid date \"%s\" for \"%s\": "
		    "expected YYYY-MM-DD", rulebook_excerpt(node->value, ex), key);
		return false;
	}
	return true;
}

/* One of `names` (NULL-terminated); *out is its index. */
static bool
rulebook_enum(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, const char *const *names, int *out)
{
	char	list[256], ex[RULEBOOK_EXCERPT_SIZE];
	size_t	used = 0;

	if (node == NULL)
		return false;
	list[0] = '\0';
	for (int i = 0; names[i] != NULL; i++) {
		int	w = snprintf(list + used, sizeof list - used, "%s%s",
		    i > 0 ? ", " : "", names[i]);

		if (w < 0 || (size_t)w >= sizeof list - used)
			break;
		used += (size_t)w;
	}
	if (node->kind != YAMLTREE_SCALAR || yamltree_is_null(node)) {
		rulebook_problem(p, node, "\"%s\" must be one of %s, not %s",
		    key, list, rulebook_node_kind(node));
		return false;
	}
	for (int i = 0; names[i] != NULL; i++) {
		if (strcmp(node->value, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	rulebook_problem(p, node, "invalid value \"%s\" for \"%s\": expected "
	    "one of %s", rulebook_excerpt(node->value, ex), key, list);
	return false;
}

/* "YYYY" as a year from 1900 to 9998, or -1. */
static int
rulebook_year(const char *s)
{
	int	y = 0;

	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	return y >= 1900 && y <= 9998 ? y : -1;
}

static int
rulebook_year_of(int32_t date)
{
	int	y, m, d;

	date_to_ymd(date, &y, &m, &d);
	return y;
}

/* Top-level scalars and small mappings. */

static bool
rulebook_parse_format(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	const struct yamltree_node	*node;
	int				 format;

	node = rulebook_get(p, root, "format", true);
	if (!rulebook_int(p, node, "format", 0, 1000000, &format))
		return true;
	if (format != RULEBOOK_FORMAT) {
		rulebook_problem(p, node, "unsupported format %d: this version "
		    "reads format %d", format, RULEBOOK_FORMAT);
		return false;
	}
	p->rb->format = format;
	return true;
}

static void
rulebook_parse_issuer(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "unit", "name", NULL };
	const struct yamltree_node	*map;

	if ((map = rulebook_mapping(p, root, "issuer", true, keys)) == NULL)
		return;
	rulebook_unit(p, rulebook_get(p, map, "unit", true), "unit",
	    &p->rb->issuer);
	rulebook_text(p, rulebook_get(p, map, "name", true), "name",
	    RULEBOOK_MAX_NAME, false, &p->rb->issuer_name);
}

static void
rulebook_parse_document(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "number", "date", "title",
	    NULL };
	const struct yamltree_node	*map;

	if ((map = rulebook_mapping(p, root, "document", true, keys)) == NULL)
		return;
	rulebook_text(p, rulebook_get(p, map, "number", true), "number",
	    RULEBOOK_MAX_NAME, false, &p->rb->document_number);
	rulebook_date(p, rulebook_get(p, map, "date", true), "date",
	    &p->rb->document_date);
	rulebook_text(p, rulebook_get(p, map, "title", false), "title",
	    RULEBOOK_MAX_NAME, false, &p->rb->document_title);
}

/* The period's code must agree with its kind and its dates. */
static void
rulebook_check_period_code(struct rulebook_parser *p,
    const struct yamltree_node *code_n, const struct yamltree_node *from_n,
    bool have_from, const struct yamltree_node *to_n, bool have_to)
{
	struct rulebook	*rb = p->rb;
	const char	*code = rb->period;
	char		 ex[RULEBOOK_EXCERPT_SIZE], d1[DATE_BUF_SIZE];
	int		 y1, y2;

	if (rb->period_kind == RULEBOOK_SCHOOL_YEAR) {
		y1 = rulebook_year(code);
		y2 = y1 >= 0 && code[4] == '-' ? rulebook_year(code + 5) : -1;
		if (strlen(code) != 9 || y1 < 0 || y2 != y1 + 1) {
			rulebook_problem(p, code_n, "invalid school year \"%s\": "
			    "expected two consecutive years, as in \"2023-2024\"",
			    rulebook_excerpt(code, ex));
			return;
		}
		if (have_from && rulebook_year_of(rb->period_from) != y1)
			rulebook_problem(p, from_n, "\"from\" (%s) is not in %d, "
			    "the first year of school year \"%s\"",
			    rulebook_iso(rb->period_from, d1), y1, code);
		if (have_to && rulebook_year_of(rb->period_to) != y2)
			rulebook_problem(p, to_n, "\"to\" (%s) is not in %d, "
			    "the second year of school year \"%s\"",
			    rulebook_iso(rb->period_to, d1), y2, code);
		return;
	}
	y1 = rulebook_year(code);
	if (strlen(code) != 4 || y1 < 0) {
		rulebook_problem(p, code_n, "invalid calendar year \"%s\": "
		    "expected a year, as in \"2024\"", rulebook_excerpt(code, ex));
		return;
	}
	if (have_from) {
		int32_t	first;

		date_from_ymd(y1, 1, 1, &first);
		if (rb->period_from != first)
			rulebook_problem(p, from_n, "\"from\" (%s) must be "
			    "%d-01-01 for calendar year \"%s\"",
			    rulebook_iso(rb->period_from, d1), y1, code);
	}
	if (have_to) {
		int32_t	last;

		date_from_ymd(y1, 12, 31, &last);
		if (rb->period_to != last)
			rulebook_problem(p, to_n, "\"to\" (%s) must be %d-12-31 "
			    "for calendar year \"%s\"",
			    rulebook_iso(rb->period_to, d1), y1, code);
	}
}

static void
rulebook_parse_period(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "kind", "code", "from", "to",
	    NULL };
	struct rulebook			*rb = p->rb;
	const struct yamltree_node	*map, *code_n, *from_n, *to_n;
	bool				 have_kind, have_code, have_from, have_to;
	int				 kind;
	char				 d1[DATE_BUF_SIZE], d2[DATE_BUF_SIZE];

	if ((map = rulebook_mapping(p, root, "period", true, keys)) == NULL)
		return;
	have_kind = rulebook_enum(p, rulebook_get(p, map, "kind", true), "kind",
	    rulebook_period_kind_names, &kind);
	if (have_kind)
		rb->period_kind = (enum rulebook_period_kind)kind;
	code_n = rulebook_get(p, map, "code", true);
	have_code = rulebook_text(p, code_n, "code", RULEBOOK_MAX_NAME, false,
	    &rb->period);
	from_n = rulebook_get(p, map, "from", true);
	have_from = rulebook_date(p, from_n, "from", &rb->period_from);
	to_n = rulebook_get(p, map, "to", true);
	have_to = rulebook_date(p, to_n, "to", &rb->period_to);

	if (have_from && have_to) {
		if (rb->period_to <= rb->period_from)
			rulebook_problem(p, to_n, "\"to\" (%s) is not after "
			    "\"from\" (%s)", rulebook_iso(rb->period_to, d1),
			    rulebook_iso(rb->period_from, d2));
		else
			p->have_period = true;
	}
	if (have_kind && have_code)
		rulebook_check_period_code(p, code_n, from_n, have_from, to_n,
		    have_to);
}

static void
rulebook_parse_legal_basis(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	const struct yamltree_node	*list;
	struct rulebook			*rb = p->rb;

	list = rulebook_list(p, root, "legal_basis", false, RULEBOOK_MAX_ITEMS);
	if (list == NULL)
		return;
	rb->legal_basis = xcalloc(list->n, sizeof *rb->legal_basis);
	for (size_t i = 0; i < list->n; i++) {
		char	*text = NULL;

		if (rulebook_text(p, list->items[i], "legal_basis",
		    RULEBOOK_MAX_TEXT, true, &text))
			rb->legal_basis[rb->nlegal_basis++] = text;
	}
}

/* A date range {from, to} inside the period, for phases and office steps. */
static bool
rulebook_range(struct rulebook_parser *p, const struct yamltree_node *map,
    const char *label, int32_t *from, int32_t *to)
{
	const struct yamltree_node	*from_n, *to_n;
	bool				 have_from, have_to;
	char				 d1[DATE_BUF_SIZE], d2[DATE_BUF_SIZE];
	const struct rulebook		*rb = p->rb;

	from_n = rulebook_get(p, map, "from", true);
	have_from = rulebook_date(p, from_n, "from", from);
	to_n = rulebook_get(p, map, "to", true);
	have_to = rulebook_date(p, to_n, "to", to);
	if (p->have_period && have_from && *from < rb->period_from)
		rulebook_problem(p, from_n, "%s starts on %s, before the period "
		    "starts on %s", label, rulebook_iso(*from, d1),
		    rulebook_iso(rb->period_from, d2));
	if (p->have_period && have_to && *to > rb->period_to)
		rulebook_problem(p, to_n, "%s ends on %s, after the period ends "
		    "on %s", label, rulebook_iso(*to, d1),
		    rulebook_iso(rb->period_to, d2));
	if (!have_from || !have_to)
		return false;
	if (*to < *from) {
		rulebook_problem(p, to_n, "\"to\" (%s) is before \"from\" (%s)",
		    rulebook_iso(*to, d1), rulebook_iso(*from, d2));
		return false;
	}
	return true;
}

/* A reference to a level: reported unless it names a known one. */
static bool
rulebook_level_ref(struct rulebook_parser *p, const struct yamltree_node *node,
    const char *key, const char *label, const char *verb, char **out)
{
	if (!rulebook_code(p, node, key, out))
		return false;
	if (p->have_levels && rulebook_level(p->rb, *out) == NULL) {
		rulebook_problem(p, node, "%s %s unknown level \"%s\"", label,
		    verb, *out);
		return false;
	}
	return true;
}

/*
 * A level's `handled_by`. The usual level codes need none: they say it
 * themselves (see config/rulebooks/README.md); any other code must.
 */
static void
rulebook_parse_handler(struct rulebook_parser *p,
    const struct yamltree_node *item, const struct yamltree_node *code_n,
    struct rulebook_level *l)
{
	static const struct {
		const char		*code;
		enum rulebook_handler	 by;
	} usual[] = {
		{ "school", RULEBOOK_BY_UNIT },
		{ "unit", RULEBOOK_BY_UNIT },
		{ "block", RULEBOOK_BY_BLOCK_LEADER },
		{ "district_office", RULEBOOK_BY_DISTRICT_OFFICE },
		{ "district", RULEBOOK_BY_DISTRICT_OFFICE },
		{ "department", RULEBOOK_BY_DEPARTMENT },
		{ "city", RULEBOOK_BY_DEPARTMENT },
		{ "province", RULEBOOK_BY_DEPARTMENT },
		{ "ministry", RULEBOOK_BY_MINISTRY },
		{ "government", RULEBOOK_BY_MINISTRY },
		{ "state", RULEBOOK_BY_MINISTRY },
	};
	const struct yamltree_node	*by_n;
	int				 v;

	by_n = rulebook_get(p, item, "handled_by", false);
	if (by_n != NULL) {
		if (rulebook_enum(p, by_n, "handled_by", rulebook_handler_names,
		    &v))
			l->handled_by = (enum rulebook_handler)v;
		return;
	}
	if (l->code == NULL)
		return;
	for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++) {
		if (strcmp(l->code, usual[i].code) == 0) {
			l->handled_by = usual[i].by;
			return;
		}
	}
	rulebook_problem(p, code_n, "level \"%s\" needs \"handled_by\": one of "
	    "unit, block_leader, district_office, department, ministry", l->code);
}

/* Lists of records. */

static void
rulebook_parse_levels(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "code", "name", "handled_by",
					    NULL };
	const struct yamltree_node	*list;
	struct rulebook			*rb = p->rb;

	list = rulebook_list(p, root, "levels", true, RULEBOOK_MAX_LEVELS);
	if (list == NULL)
		return;
	rb->levels = xcalloc(list->n, sizeof *rb->levels);
	for (size_t i = 0; i < list->n; i++) {
		const struct yamltree_node	*item, *code_n;
		struct rulebook_level		*l;

		if ((item = rulebook_item(p, list, i, "levels", keys)) == NULL)
			continue;
		l = &rb->levels[rb->nlevels++];
		code_n = rulebook_get(p, item, "code", true);
		if (rulebook_code(p, code_n, "code", &l->code) &&
		    rulebook_find(rb->levels, rb->nlevels - 1, sizeof *l,
		    offsetof(struct rulebook_level, code), l->code) != NULL)
			rulebook_problem(p, code_n, "level \"%s\" is listed twice",
			    l->code);
		rulebook_text(p, rulebook_get(p, item, "name", true), "name",
		    RULEBOOK_MAX_NAME, false, &l->name);
		rulebook_parse_handler(p, item, code_n, l);
	}
	p->have_levels = true;
}

static void
rulebook_parse_phases(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "code", "name", "from", "to",
	    NULL };
	const struct yamltree_node	*list;
	const struct rulebook_phase	*prev = NULL;
	struct rulebook			*rb = p->rb;

	list = rulebook_list(p, root, "phases", false, RULEBOOK_MAX_LEVELS);
	if (list == NULL)
		return;
	rb->phases = xcalloc(list->n, sizeof *rb->phases);
	for (size_t i = 0; i < list->n; i++) {
		const struct yamltree_node	*item, *code_n;
		struct rulebook_phase		*ph;
		char				 label[RULEBOOK_LABEL_SIZE];
		char				 d1[DATE_BUF_SIZE], d2[DATE_BUF_SIZE];

		if ((item = rulebook_item(p, list, i, "phases", keys)) == NULL)
			continue;
		ph = &rb->phases[rb->nphases++];
		code_n = rulebook_get(p, item, "code", true);
		if (rulebook_code(p, code_n, "code", &ph->code) &&
		    rulebook_find(rb->phases, rb->nphases - 1, sizeof *ph,
		    offsetof(struct rulebook_phase, code), ph->code) != NULL)
			rulebook_problem(p, code_n, "phase \"%s\" is listed twice",
			    ph->code);
		rulebook_text(p, rulebook_get(p, item, "name", true), "name",
		    RULEBOOK_MAX_NAME, false, &ph->name);
		rulebook_label(label, "phase", ph->code);
		if (!rulebook_range(p, item, label, &ph->from, &ph->to))
			continue;
		if (prev != NULL && ph->from <= prev->to)
			rulebook_problem(p, yamltree_get(item, "from"), "%s starts "
			    "on %s, not after the end of phase \"%s\" (%s)", label,
			    rulebook_iso(ph->from, d1),
			    prev->code != NULL ? prev->code : "?",
			    rulebook_iso(prev->to, d2));
		else
			prev = ph;
	}
}

static void
rulebook_parse_chains(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "decided_by", "steps", NULL };
	const struct yamltree_node	*list;
	struct rulebook			*rb = p->rb;

	list = rulebook_list(p, root, "chains", true, RULEBOOK_MAX_LEVELS);
	if (list == NULL)
		return;
	p->have_chains = true;
	rb->chains = xcalloc(list->n, sizeof *rb->chains);
	for (size_t i = 0; i < list->n; i++) {
		const struct yamltree_node	*item, *by_n, *steps_n;
		const struct rulebook_level	*prev = NULL;
		struct rulebook_chain		*c;
		char				 label[RULEBOOK_LABEL_SIZE];
		bool				 have_by;

		if ((item = rulebook_item(p, list, i, "chains", keys)) == NULL)
			continue;
		c = &rb->chains[rb->nchains++];
		by_n = rulebook_get(p, item, "decided_by", true);
		have_by = rulebook_level_ref(p, by_n, "decided_by", "chain",
		    "for", &c->decided_by);
		if (have_by && rulebook_find(rb->chains, rb->nchains - 1,
		    sizeof *c, offsetof(struct rulebook_chain, decided_by),
		    c->decided_by) != NULL)
			rulebook_problem(p, by_n, "chain for \"%s\" is listed twice",
			    c->decided_by);
		if (c->decided_by != NULL)
			snprintf(label, sizeof label, "chain for \"%s\"",
			    c->decided_by);
		else
			snprintf(label, sizeof label, "this chain");

		steps_n = yamltree_get(item, "steps");
		if (steps_n == NULL) {
			rulebook_problem(p, item, "missing required key \"steps\"");
			continue;
		}
		if (!rulebook_expect(p, steps_n, "steps", YAMLTREE_SEQUENCE,
		    "a list"))
			continue;
		if (steps_n->n == 0) {
			rulebook_problem(p, steps_n, "%s has no steps", label);
			continue;
		}
		if (steps_n->n > RULEBOOK_MAX_LEVELS) {
			rulebook_problem(p, steps_n, "\"steps\" has more than %d "
			    "items", RULEBOOK_MAX_LEVELS);
			continue;
		}
		c->steps = xcalloc(steps_n->n, sizeof *c->steps);
		/* Levels are listed lowest first; a chain only climbs. */
		for (size_t j = 0; j < steps_n->n; j++) {
			const struct yamltree_node	*s = steps_n->items[j];
			const struct rulebook_level	*l;
			char				*step = NULL;

			if (!rulebook_code(p, s, "steps", &step))
				continue;
			c->steps[c->nsteps++] = step;
			l = rulebook_level(rb, step);
			if (p->have_levels && l == NULL)
				rulebook_problem(p, s, "%s names unknown level "
				    "\"%s\"", label, step);
			else if (rulebook_find(c->steps, c->nsteps - 1,
			    sizeof *c->steps, 0, step) != NULL)
				rulebook_problem(p, s, "%s names level \"%s\" "
				    "twice", label, step);
			else if (prev != NULL && l != NULL && l < prev)
				rulebook_problem(p, s, "%s goes down from \"%s\" "
				    "to \"%s\"", label, prev->code, step);
			else if (j == steps_n->n - 1 && have_by &&
			    strcmp(step, c->decided_by) != 0)
				rulebook_problem(p, s, "%s ends at \"%s\", not at "
				    "\"%s\"", label, step, c->decided_by);
			if (l != NULL)
				prev = l;
		}
	}
}

/* A title's quota: {of, max_percent}; `of` is checked once all are read. */
static const struct yamltree_node *
rulebook_parse_quota(struct rulebook_parser *p,
    const struct yamltree_node *item, struct rulebook_title *t)
{
	static const char *const	 keys[] = { "of", "max_percent", NULL };
	const struct yamltree_node	*map, *of_n;

	if ((map = rulebook_mapping(p, item, "quota", false, keys)) == NULL)
		return NULL;
	of_n = rulebook_get(p, map, "of", true);
	rulebook_int(p, rulebook_get(p, map, "max_percent", true),
	    "max_percent", 1, 100, &t->quota_max_percent);
	return rulebook_code(p, of_n, "of", &t->quota_of) ? of_n : NULL;
}

static void
rulebook_parse_titles(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	  keys[] = { "code", "name", "kind",
	    "target", "decided_by", "campaign", "min_interval_years", "quota",
	    "per_block_max", "vote_min_percent", "source", NULL };
	const struct yamltree_node	 *list, **of_nodes;
	struct rulebook			 *rb = p->rb;

	list = rulebook_list(p, root, "titles", true, RULEBOOK_MAX_ITEMS);
	if (list == NULL)
		return;
	rb->titles = xcalloc(list->n, sizeof *rb->titles);
	of_nodes = xcalloc(list->n, sizeof *of_nodes);
	for (size_t i = 0; i < list->n; i++) {
		const struct yamltree_node	*item, *code_n, *by_n;
		struct rulebook_title		*t;
		char				 label[RULEBOOK_LABEL_SIZE];
		int				 v;

		if ((item = rulebook_item(p, list, i, "titles", keys)) == NULL)
			continue;
		t = &rb->titles[rb->ntitles];
		code_n = rulebook_get(p, item, "code", true);
		if (rulebook_code(p, code_n, "code", &t->code) &&
		    rulebook_title(rb, t->code) != NULL)
			rulebook_problem(p, code_n, "title \"%s\" is listed twice",
			    t->code);
		rb->ntitles++;
		rulebook_label(label, "title", t->code);
		rulebook_text(p, rulebook_get(p, item, "name", true), "name",
		    RULEBOOK_MAX_NAME, false, &t->name);
		if (rulebook_enum(p, rulebook_get(p, item, "kind", true), "kind",
		    rulebook_kind_names, &v))
			t->kind = (enum rulebook_title_kind)v;
		if (rulebook_enum(p, rulebook_get(p, item, "target", true),
		    "target", rulebook_target_names, &v))
			t->target = (enum rulebook_target)v;
		by_n = rulebook_get(p, item, "decided_by", true);
		if (rulebook_level_ref(p, by_n, "decided_by", label,
		    "is decided by", &t->decided_by) && p->have_chains &&
		    rulebook_chain(rb, t->decided_by) == NULL)
			rulebook_problem(p, by_n, "no chain for level \"%s\", "
			    "which decides %s", t->decided_by, label);
		rulebook_bool(p, rulebook_get(p, item, "campaign", false),
		    "campaign", &t->campaign);
		rulebook_int(p, rulebook_get(p, item, "min_interval_years",
		    false), "min_interval_years", 0, 50, &t->min_interval_years);
		of_nodes[rb->ntitles - 1] = rulebook_parse_quota(p, item, t);
		rulebook_int(p, rulebook_get(p, item, "per_block_max", false),
		    "per_block_max", 1, 1000, &t->per_block_max);
		rulebook_int(p, rulebook_get(p, item, "vote_min_percent", false),
		    "vote_min_percent", 1, 100, &t->vote_min_percent);
		rulebook_text(p, rulebook_get(p, item, "source", false), "source",
		    RULEBOOK_MAX_TEXT, true, &t->source);
	}
	/* Quotas refer to titles anywhere in the list. */
	for (size_t i = 0; i < rb->ntitles; i++) {
		const struct rulebook_title	*t = &rb->titles[i];
		char				 label[RULEBOOK_LABEL_SIZE];

		if (of_nodes[i] == NULL)
			continue;
		rulebook_label(label, "title", t->code);
		if (rulebook_title(rb, t->quota_of) == NULL)
			rulebook_problem(p, of_nodes[i], "quota of %s names "
			    "unknown title \"%s\"", label, t->quota_of);
		else if (t->code != NULL && strcmp(t->quota_of, t->code) == 0)
			rulebook_problem(p, of_nodes[i], "quota of %s names the "
			    "title itself", label);
	}
	free(of_nodes);
}

static void
rulebook_parse_documents(struct rulebook_parser *p,
    const struct yamltree_node *item, struct rulebook_dossier_type *dt,
    const char *label)
{
	static const char *const	 keys[] = { "code", "name", "editable",
	    "pdf", NULL };
	const struct yamltree_node	*list;

	list = yamltree_get(item, "documents");
	if (list == NULL) {
		rulebook_problem(p, item, "missing required key \"documents\"");
		return;
	}
	if (!rulebook_expect(p, list, "documents", YAMLTREE_SEQUENCE, "a list"))
		return;
	if (list->n == 0) {
		rulebook_problem(p, list, "%s has no documents", label);
		return;
	}
	if (list->n > RULEBOOK_MAX_ITEMS) {
		rulebook_problem(p, list, "\"documents\" has more than %d items",
		    RULEBOOK_MAX_ITEMS);
		return;
	}
	dt->documents = xcalloc(list->n, sizeof *dt->documents);
	for (size_t i = 0; i < list->n; i++) {
		const struct yamltree_node	*doc, *code_n;
		struct rulebook_document	*d;
		char				 dlabel[RULEBOOK_LABEL_SIZE];

		if ((doc = rulebook_item(p, list, i, "documents", keys)) == NULL)
			continue;
		d = &dt->documents[dt->ndocuments++];
		d->editable = d->pdf = true;
		code_n = rulebook_get(p, doc, "code", true);
		if (rulebook_code(p, code_n, "code", &d->code) &&
		    rulebook_find(dt->documents, dt->ndocuments - 1, sizeof *d,
		    offsetof(struct rulebook_document, code), d->code) != NULL)
			rulebook_problem(p, code_n, "document \"%s\" is listed "
			    "twice in %s", d->code, label);
		rulebook_text(p, rulebook_get(p, doc, "name", true), "name",
		    RULEBOOK_MAX_NAME, false, &d->name);
		rulebook_bool(p, rulebook_get(p, doc, "editable", false),
		    "editable", &d->editable);
		rulebook_bool(p, rulebook_get(p, doc, "pdf", false), "pdf",
		    &d->pdf);
		if (!d->editable && !d->pdf)
			rulebook_problem(p, doc, "%s of %s asks for no file: "
			    "\"editable\" and \"pdf\" are both false",
			    rulebook_label(dlabel, "document", d->code), label);
	}
}

/* The window {opens, closes} and the hard deadline of a dossier type. */
static void
rulebook_parse_window(struct rulebook_parser *p,
    const struct yamltree_node *item, struct rulebook_dossier_type *dt,
    const char *label)
{
	static const char *const	 keys[] = { "opens", "closes", NULL };
	const struct yamltree_node	*map, *opens_n, *closes_n, *hard_n;
	const struct rulebook		*rb = p->rb;
	bool				 have_opens, have_closes, have_hard;
	char				 d1[DATE_BUF_SIZE], d2[DATE_BUF_SIZE];

	map = rulebook_mapping(p, item, "window", true, keys);
	hard_n = rulebook_get(p, item, "hard_deadline", false);
	have_hard = rulebook_date(p, hard_n, "hard_deadline", &dt->hard_deadline);
	if (map == NULL)
		return;
	opens_n = rulebook_get(p, map, "opens", true);
	have_opens = rulebook_date(p, opens_n, "opens", &dt->opens);
	closes_n = rulebook_get(p, map, "closes", true);
	have_closes = rulebook_date(p, closes_n, "closes", &dt->closes);

	if (have_opens && p->have_period && dt->opens < rb->period_from)
		rulebook_problem(p, opens_n, "window of %s opens on %s, before "
		    "the period starts on %s", label, rulebook_iso(dt->opens, d1),
		    rulebook_iso(rb->period_from, d2));
	if (have_closes && p->have_period && dt->closes > rb->period_to)
		rulebook_problem(p, closes_n, "window of %s closes on %s, after "
		    "the period ends on %s", label, rulebook_iso(dt->closes, d1),
		    rulebook_iso(rb->period_to, d2));
	if (have_opens && have_closes && dt->closes < dt->opens)
		rulebook_problem(p, closes_n, "\"closes\" (%s) is before "
		    "\"opens\" (%s)", rulebook_iso(dt->closes, d1),
		    rulebook_iso(dt->opens, d2));
	if (!have_closes)
		return;
	if (!have_hard && hard_n == NULL)
		dt->hard_deadline = dt->closes;
	else if (have_hard && dt->hard_deadline < dt->closes)
		rulebook_problem(p, hard_n, "\"hard_deadline\" (%s) is before "
		    "\"closes\" (%s)", rulebook_iso(dt->hard_deadline, d1),
		    rulebook_iso(dt->closes, d2));
}

static void
rulebook_parse_dossier_types(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "code", "name", "purpose",
	    "submitter", "recipient", "window", "hard_deadline", "phase",
	    "documents", NULL };
	const struct yamltree_node	*list;
	struct rulebook			*rb = p->rb;

	list = rulebook_list(p, root, "dossier_types", true, RULEBOOK_MAX_ITEMS);
	if (list == NULL)
		return;
	rb->dossier_types = xcalloc(list->n, sizeof *rb->dossier_types);
	for (size_t i = 0; i < list->n; i++) {
		const struct yamltree_node	*item, *code_n, *phase_n;
		struct rulebook_dossier_type	*dt;
		char				 label[RULEBOOK_LABEL_SIZE];
		int				 v;

		item = rulebook_item(p, list, i, "dossier_types", keys);
		if (item == NULL)
			continue;
		dt = &rb->dossier_types[rb->ndossier_types];
		code_n = rulebook_get(p, item, "code", true);
		if (rulebook_code(p, code_n, "code", &dt->code) &&
		    rulebook_dossier_type(rb, dt->code) != NULL)
			rulebook_problem(p, code_n, "dossier type \"%s\" is listed "
			    "twice", dt->code);
		rb->ndossier_types++;
		rulebook_label(label, "dossier type", dt->code);
		rulebook_text(p, rulebook_get(p, item, "name", true), "name",
		    RULEBOOK_MAX_NAME, false, &dt->name);
		if (rulebook_enum(p, rulebook_get(p, item, "purpose", true),
		    "purpose", rulebook_purpose_names, &v))
			dt->purpose = (enum rulebook_purpose)v;
		if (rulebook_enum(p, rulebook_get(p, item, "submitter", true),
		    "submitter", rulebook_submitter_names, &v))
			dt->submitter = (enum rulebook_submitter)v;
		rulebook_level_ref(p, rulebook_get(p, item, "recipient", true),
		    "recipient", label, "goes to", &dt->recipient);
		rulebook_parse_window(p, item, dt, label);
		phase_n = rulebook_get(p, item, "phase", false);
		if (rulebook_code(p, phase_n, "phase", &dt->phase) &&
		    rulebook_phase(rb, dt->phase) == NULL)
			rulebook_problem(p, phase_n, "%s names unknown phase \"%s\"",
			    label, dt->phase);
		rulebook_parse_documents(p, item, dt, label);
	}
}

static void
rulebook_parse_steps(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "code", "name", "level",
	    "from", "to", NULL };
	const struct yamltree_node	*list;
	struct rulebook			*rb = p->rb;

	list = rulebook_list(p, root, "office_steps", false, RULEBOOK_MAX_ITEMS);
	if (list == NULL)
		return;
	rb->steps = xcalloc(list->n, sizeof *rb->steps);
	for (size_t i = 0; i < list->n; i++) {
		const struct yamltree_node	*item, *code_n;
		struct rulebook_step		*s;
		char				 label[RULEBOOK_LABEL_SIZE];

		item = rulebook_item(p, list, i, "office_steps", keys);
		if (item == NULL)
			continue;
		s = &rb->steps[rb->nsteps++];
		code_n = rulebook_get(p, item, "code", true);
		if (rulebook_code(p, code_n, "code", &s->code) &&
		    rulebook_find(rb->steps, rb->nsteps - 1, sizeof *s,
		    offsetof(struct rulebook_step, code), s->code) != NULL)
			rulebook_problem(p, code_n, "office step \"%s\" is listed "
			    "twice", s->code);
		rulebook_label(label, "office step", s->code);
		rulebook_text(p, rulebook_get(p, item, "name", true), "name",
		    RULEBOOK_MAX_NAME, false, &s->name);
		rulebook_level_ref(p, rulebook_get(p, item, "level", true),
		    "level", label, "names", &s->level);
		rulebook_range(p, item, label, &s->from, &s->to);
	}
}

static int
rulebook_member_cmp(const void *a, const void *b)
{
	const struct rulebook_member	*x = a, *y = b;
	int				 c = strcmp(x->code, y->code);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* A unit is in at most one block, and once: reported where it comes again. */
static void
rulebook_check_members(struct rulebook_parser *p,
    struct rulebook_member *all, size_t n)
{
	const struct rulebook	*rb = p->rb;

	if (n < 2)
		return;
	qsort(all, n, sizeof *all, rulebook_member_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		const struct rulebook_block	*b;

		if (strcmp(all[i].code, all[first].code) != 0) {
			first = i;
			continue;
		}
		b = &rb->blocks[all[first].block];
		if (all[i].block == all[first].block)
			rulebook_problem(p, all[i].node, "unit \"%s\" is listed "
			    "twice in block \"%s\"", all[i].code,
			    b->code != NULL ? b->code : "?");
		else
			rulebook_problem(p, all[i].node, "unit \"%s\" is already "
			    "in block \"%s\"", all[i].code,
			    b->code != NULL ? b->code : "?");
	}
}

static void
rulebook_parse_blocks(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "code", "name",
	    "school_level", "leader", "members", NULL };
	const struct yamltree_node	*list;
	struct rulebook			*rb = p->rb;
	struct rulebook_member		*all = NULL;
	size_t				 nall = 0;

	list = rulebook_list(p, root, "blocks", false, RULEBOOK_MAX_ITEMS);
	if (list == NULL)
		return;
	rb->blocks = xcalloc(list->n, sizeof *rb->blocks);
	for (size_t i = 0; i < list->n; i++) {
		const struct yamltree_node	*item, *code_n, *leader_n;
		const struct yamltree_node	*members_n;
		struct rulebook_block		*b;
		char				 label[RULEBOOK_LABEL_SIZE];
		bool				 have_leader;
		int				 v;

		if ((item = rulebook_item(p, list, i, "blocks", keys)) == NULL)
			continue;
		b = &rb->blocks[rb->nblocks++];
		code_n = rulebook_get(p, item, "code", true);
		if (rulebook_code(p, code_n, "code", &b->code) &&
		    rulebook_find(rb->blocks, rb->nblocks - 1, sizeof *b,
		    offsetof(struct rulebook_block, code), b->code) != NULL)
			rulebook_problem(p, code_n, "block \"%s\" is listed twice",
			    b->code);
		rulebook_label(label, "block", b->code);
		rulebook_text(p, rulebook_get(p, item, "name", true), "name",
		    RULEBOOK_MAX_NAME, false, &b->name);
		if (rulebook_enum(p, rulebook_get(p, item, "school_level", true),
		    "school_level", rulebook_school_level_names, &v))
			b->school_level = xstrdup(rulebook_school_level_names[v]);
		leader_n = rulebook_get(p, item, "leader", true);
		have_leader = rulebook_unit(p, leader_n, "leader", &b->leader);

		members_n = yamltree_get(item, "members");
		if (members_n == NULL) {
			rulebook_problem(p, item, "missing required key "
			    "\"members\"");
			continue;
		}
		if (!rulebook_expect(p, members_n, "members", YAMLTREE_SEQUENCE,
		    "a list"))
			continue;
		if (members_n->n == 0) {
			rulebook_problem(p, members_n, "%s has no members", label);
			continue;
		}
		if (members_n->n > RULEBOOK_MAX_MEMBERS) {
			rulebook_problem(p, members_n, "\"members\" has more than "
			    "%d items", RULEBOOK_MAX_MEMBERS);
			continue;
		}
		b->members = xcalloc(members_n->n, sizeof *b->members);
		all = xreallocarray(all, nall + members_n->n, sizeof *all);
		for (size_t j = 0; j < members_n->n; j++) {
			const struct yamltree_node	*m = members_n->items[j];
			struct rulebook_ref		*ref;

			ref = &b->members[b->nmembers];
			if (!rulebook_unit(p, m, "members", ref))
				continue;
			b->nmembers++;
			all[nall].code = ref->code;
			all[nall].node = m;
			all[nall].block = rb->nblocks - 1;
			all[nall].order = nall;
			nall++;
		}
		if (have_leader && b->nmembers == members_n->n &&
		    rulebook_find(b->members, b->nmembers, sizeof *b->members,
		    offsetof(struct rulebook_ref, code), b->leader.code) == NULL)
			rulebook_problem(p, leader_n, "leader \"%s\" of %s is not "
			    "one of its members", b->leader.code, label);
	}
	rulebook_check_members(p, all, nall);
	free(all);
}

static void
rulebook_parse_reminders(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "offsets_days", "channels",
	    NULL };
	const struct yamltree_node	*map, *list;
	struct rulebook			*rb = p->rb;

	if ((map = rulebook_mapping(p, root, "reminders", false, keys)) == NULL)
		return;
	list = rulebook_list(p, map, "offsets_days", false, RULEBOOK_MAX_ITEMS);
	if (list != NULL) {
		rb->reminder_offsets = xcalloc(list->n,
		    sizeof *rb->reminder_offsets);
		for (size_t i = 0; i < list->n; i++) {
			int	v;
			size_t	j;

			if (!rulebook_int(p, list->items[i], "offsets_days", -60,
			    365, &v))
				continue;
			for (j = 0; j < rb->nreminder_offsets; j++) {
				if (rb->reminder_offsets[j] == v)
					break;
			}
			if (j < rb->nreminder_offsets)
				rulebook_problem(p, list->items[i], "offset %d is "
				    "listed twice", v);
			else
				rb->reminder_offsets[rb->nreminder_offsets++] = v;
		}
	}
	list = rulebook_list(p, map, "channels", false, RULEBOOK_MAX_ITEMS);
	if (list != NULL) {
		rb->reminder_channels = xcalloc(list->n,
		    sizeof *rb->reminder_channels);
		for (size_t i = 0; i < list->n; i++) {
			const char	*name;
			int		 v;

			if (!rulebook_enum(p, list->items[i], "channels",
			    rulebook_channel_names, &v))
				continue;
			name = rulebook_channel_names[v];
			if (rulebook_find(rb->reminder_channels,
			    rb->nreminder_channels, sizeof (char *), 0,
			    name) != NULL)
				rulebook_problem(p, list->items[i], "channel \"%s\" "
				    "is listed twice", name);
			else
				rb->reminder_channels[rb->nreminder_channels++] =
				    xstrdup(name);
		}
	}
}

/* "N/D" with 0 < N <= D <= 100. */
static bool
rulebook_quorum(const char *s, int *num, int *den)
{
	int	n[2] = { 0, 0 };

	for (int k = 0; k < 2; k++) {
		int	digits = 0;

		for (; *s >= '0' && *s <= '9'; s++) {
			if (++digits > 3)
				return false;
			n[k] = n[k] * 10 + (*s - '0');
		}
		if (digits == 0 || *s != (k == 0 ? '/' : '\0'))
			return false;
		s++;
	}
	if (n[0] < 1 || n[0] > n[1] || n[1] > 100)
		return false;
	*num = n[0];
	*den = n[1];
	return true;
}

static void
rulebook_parse_rules(struct rulebook_parser *p,
    const struct yamltree_node *root)
{
	static const char *const	 keys[] = { "council_quorum",
	    "discipline_blocks_collective_from", "block_leader_bonus_max",
	    NULL };
	const struct yamltree_node	*map, *node;
	struct rulebook			*rb = p->rb;
	char				 ex[RULEBOOK_EXCERPT_SIZE];
	int				 v;

	if ((map = rulebook_mapping(p, root, "rules", false, keys)) == NULL)
		return;
	node = rulebook_get(p, map, "council_quorum", false);
	if (node != NULL && rulebook_expect(p, node, "council_quorum",
	    YAMLTREE_SCALAR, "a share such as 2/3") &&
	    !rulebook_quorum(node->value, &rb->quorum_numerator,
	    &rb->quorum_denominator))
		rulebook_problem(p, node, "invalid council quorum \"%s\": "
		    "expected N/D with 0 < N <= D <= 100",
		    rulebook_excerpt(node->value, ex));
	if (rulebook_enum(p, rulebook_get(p, map,
	    "discipline_blocks_collective_from", false),
	    "discipline_blocks_collective_from", rulebook_discipline_names, &v)) {
		free(rb->discipline_blocks_from);
		rb->discipline_blocks_from =
		    xstrdup(rulebook_discipline_names[v]);
	}
	rulebook_int(p, rulebook_get(p, map, "block_leader_bonus_max", false),
	    "block_leader_bonus_max", 0, 100, &rb->block_leader_bonus_max);
}

static void
rulebook_parse_root(struct rulebook_parser *p)
{
	static const char *const	 keys[] = { "format", "issuer",
	    "document", "period", "theme", "legal_basis", "levels", "phases",
	    "titles", "dossier_types", "office_steps", "blocks", "chains",
	    "reminders", "rules", NULL };
	const struct yamltree_node	*root = p->tree->root;

	if (root == NULL) {
		rulebook_problem(p, NULL, "the rulebook is empty");
		return;
	}
	if (root->kind != YAMLTREE_MAPPING) {
		rulebook_problem(p, root, "a rulebook must be a mapping, not %s",
		    rulebook_node_kind(root));
		return;
	}
	/* Another format is another language: judge nothing else by this one. */
	if (!rulebook_parse_format(p, root))
		return;
	rulebook_keys(p, root, keys);
	rulebook_parse_issuer(p, root);
	rulebook_parse_document(p, root);
	rulebook_parse_period(p, root);
	rulebook_text(p, rulebook_get(p, root, "theme", false), "theme",
	    RULEBOOK_MAX_TEXT, true, &p->rb->theme);
	rulebook_parse_legal_basis(p, root);
	/* Levels, phases and chains first: the rest refers to them. */
	rulebook_parse_levels(p, root);
	rulebook_parse_phases(p, root);
	rulebook_parse_chains(p, root);
	rulebook_parse_titles(p, root);
	rulebook_parse_dossier_types(p, root);
	rulebook_parse_steps(p, root);
	rulebook_parse_blocks(p, root);
	rulebook_parse_reminders(p, root);
	rulebook_parse_rules(p, root);
}

struct rulebook *
rulebook_parse(const char *file, const char *data, size_t len,
    struct yamltree_errors *errs)
{
	struct rulebook_parser	p;
	struct rulebook		*rb;

	memset(&p, 0, sizeof p);
	if ((p.tree = yamltree_parse(file, data, len, errs)) == NULL)
		return NULL;
	rb = p.rb = xcalloc(1, sizeof *rb);
	rb->quorum_numerator = 2;
	rb->quorum_denominator = 3;
	rb->discipline_blocks_from = xstrdup("warning");

	rulebook_parse_root(&p);

	if (p.nproblems > 0) {
		rulebook_report(&p, errs);
		rulebook_free(&rb);
	}
	yamltree_free(&p.tree);
	return rb;
}

struct rulebook *
rulebook_load(const char *path, struct yamltree_errors *errs)
{
	struct yamltree	 t;
	struct rulebook	*rb = NULL;
	FILE		*fp;
	char		*data;
	size_t		 len;

	memset(&t, 0, sizeof t);
	t.file = xstrdup(path);
	if ((fp = fopen(path, "r")) == NULL) {
		yamltree_error(errs, &t, NULL, "could not open the rulebook: %s",
		    strerror(errno));
		free(t.file);
		return NULL;
	}
	data = xmalloc(RULEBOOK_MAX_FILE_SIZE + 1);
	len = fread(data, 1, RULEBOOK_MAX_FILE_SIZE + 1, fp);
	if (ferror(fp))
		yamltree_error(errs, &t, NULL, "could not read the rulebook: %s",
		    strerror(errno));
	else if (len > RULEBOOK_MAX_FILE_SIZE)
		yamltree_error(errs, &t, NULL, "the rulebook is larger than %d "
		    "bytes", RULEBOOK_MAX_FILE_SIZE);
	else
		rb = rulebook_parse(path, data, len, errs);
	fclose(fp);
	free(data);
	free(t.file);
	return rb;
}

void
rulebook_free(struct rulebook **rbp)
{
	struct rulebook	*rb = *rbp;

	if (rb == NULL)
		return;
	free(rb->issuer.code);
	free(rb->issuer_name);
	free(rb->document_number);
	free(rb->document_title);
	free(rb->period);
	free(rb->theme);
	for (size_t i = 0; i < rb->nlegal_basis; i++)
		free(rb->legal_basis[i]);
	free(rb->legal_basis);

	for (size_t i = 0; i < rb->nlevels; i++) {
		free(rb->levels[i].code);
		free(rb->levels[i].name);
	}
	free(rb->levels);
	for (size_t i = 0; i < rb->nphases; i++) {
		free(rb->phases[i].code);
		free(rb->phases[i].name);
	}
	free(rb->phases);
	for (size_t i = 0; i < rb->ntitles; i++) {
		struct rulebook_title	*t = &rb->titles[i];

		free(t->code);
		free(t->name);
		free(t->decided_by);
		free(t->quota_of);
		free(t->source);
	}
	free(rb->titles);
	for (size_t i = 0; i < rb->ndossier_types; i++) {
		struct rulebook_dossier_type	*dt = &rb->dossier_types[i];

		free(dt->code);
		free(dt->name);
		free(dt->recipient);
		free(dt->phase);
		for (size_t j = 0; j < dt->ndocuments; j++) {
			free(dt->documents[j].code);
			free(dt->documents[j].name);
		}
		free(dt->documents);
	}
	free(rb->dossier_types);
	for (size_t i = 0; i < rb->nsteps; i++) {
		free(rb->steps[i].code);
		free(rb->steps[i].name);
		free(rb->steps[i].level);
	}
	free(rb->steps);
	for (size_t i = 0; i < rb->nblocks; i++) {
		struct rulebook_block	*b = &rb->blocks[i];

		free(b->code);
		free(b->name);
		free(b->school_level);
		free(b->leader.code);
		for (size_t j = 0; j < b->nmembers; j++)
			free(b->members[j].code);
		free(b->members);
	}
	free(rb->blocks);
	for (size_t i = 0; i < rb->nchains; i++) {
		for (size_t j = 0; j < rb->chains[i].nsteps; j++)
			free(rb->chains[i].steps[j]);
		free(rb->chains[i].steps);
		free(rb->chains[i].decided_by);
	}
	free(rb->chains);

	free(rb->reminder_offsets);
	for (size_t i = 0; i < rb->nreminder_channels; i++)
		free(rb->reminder_channels[i]);
	free(rb->reminder_channels);
	free(rb->discipline_blocks_from);
	free(rb);
	*rbp = NULL;
}

const struct rulebook_title *
rulebook_title(const struct rulebook *rb, const char *code)
{
	if (rb == NULL)
		return NULL;
	return rulebook_find(rb->titles, rb->ntitles, sizeof *rb->titles,
	    offsetof(struct rulebook_title, code), code);
}

const struct rulebook_level *
rulebook_level(const struct rulebook *rb, const char *code)
{
	if (rb == NULL)
		return NULL;
	return rulebook_find(rb->levels, rb->nlevels, sizeof *rb->levels,
	    offsetof(struct rulebook_level, code), code);
}

const struct rulebook_phase *
rulebook_phase(const struct rulebook *rb, const char *code)
{
	if (rb == NULL)
		return NULL;
	return rulebook_find(rb->phases, rb->nphases, sizeof *rb->phases,
	    offsetof(struct rulebook_phase, code), code);
}

const struct rulebook_dossier_type *
rulebook_dossier_type(const struct rulebook *rb, const char *code)
{
	if (rb == NULL)
		return NULL;
	return rulebook_find(rb->dossier_types, rb->ndossier_types,
	    sizeof *rb->dossier_types,
	    offsetof(struct rulebook_dossier_type, code), code);
}

const struct rulebook_chain *
rulebook_chain(const struct rulebook *rb, const char *decided_by)
{
	if (rb == NULL)
		return NULL;
	return rulebook_find(rb->chains, rb->nchains, sizeof *rb->chains,
	    offsetof(struct rulebook_chain, decided_by), decided_by);
}

const struct rulebook_block *
rulebook_block_of(const struct rulebook *rb, const char *unit)
{
	if (rb == NULL || unit == NULL)
		return NULL;
	for (size_t i = 0; i < rb->nblocks; i++) {
		const struct rulebook_block	*b = &rb->blocks[i];

		if (rulebook_find(b->members, b->nmembers, sizeof *b->members,
		    offsetof(struct rulebook_ref, code), unit) != NULL)
			return b;
	}
	return NULL;
}

/* names[e], or "unknown" for a value out of the table. */
static const char *
rulebook_name(const char *const *names, size_t n, int e)
{
	return e >= 0 && (size_t)e < n - 1 ? names[e] : "unknown";
}

const char *
rulebook_purpose_name(enum rulebook_purpose e)
{
	return rulebook_name(rulebook_purpose_names,
	    sizeof rulebook_purpose_names / sizeof rulebook_purpose_names[0],
	    (int)e);
}

const char *
rulebook_target_name(enum rulebook_target e)
{
	return rulebook_name(rulebook_target_names,
	    sizeof rulebook_target_names / sizeof rulebook_target_names[0],
	    (int)e);
}

const char *
rulebook_kind_name(enum rulebook_title_kind e)
{
	return rulebook_name(rulebook_kind_names,
	    sizeof rulebook_kind_names / sizeof rulebook_kind_names[0], (int)e);
}

const char *
rulebook_submitter_name(enum rulebook_submitter e)
{
	return rulebook_name(rulebook_submitter_names,
	    sizeof rulebook_submitter_names / sizeof rulebook_submitter_names[0],
	    (int)e);
}

const char *
rulebook_handler_name(enum rulebook_handler e)
{
	return rulebook_name(rulebook_handler_names,
	    sizeof rulebook_handler_names / sizeof rulebook_handler_names[0],
	    (int)e);
}

const char *
rulebook_period_kind_name(enum rulebook_period_kind e)
{
	return rulebook_name(rulebook_period_kind_names,
	    sizeof rulebook_period_kind_names /
	    sizeof rulebook_period_kind_names[0], (int)e);
}
