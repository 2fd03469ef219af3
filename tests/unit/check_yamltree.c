/*
 * check_yamltree.c - unit tests for the positioned YAML tree (yamltree.c).
 *
 * Every later complaint about a rulebook or an import points at a node's
 * line and column, so the tests pin positions in block and flow style and in
 * multi-byte text. Then every refusal, each with its whole message: aliases,
 * anchors, tags, duplicate and non-scalar keys, a second document, nesting
 * and node limits, broken UTF-8 and NUL bytes (with where they are). The
 * suite runs under ASan, so each test frees what it made and a leak fails it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "yamltree.h"

static struct yamltree_errors	errs;
static struct yamltree		*tree;

static void
yamltree_test_setup(void)
{
	memset(&errs, 0, sizeof errs);
	tree = NULL;
}

static void
yamltree_test_teardown(void)
{
	yamltree_free(&tree);
	yamltree_errors_free(&errs);
}

static struct yamltree *
yamltree_test_parse_len(const char *text, size_t len)
{
	yamltree_free(&tree);
	tree = yamltree_parse("t.yaml", text, len, &errs);
	return tree;
}

static struct yamltree *
yamltree_test_parse(const char *text)
{
	return yamltree_test_parse_len(text, strlen(text));
}

/* The text is refused with exactly one error, `want`. */
static void
yamltree_test_refused(const char *text, size_t len, const char *want)
{
	size_t	before = errs.n;

	ck_assert_msg(yamltree_test_parse_len(text, len) == NULL,
	    "\"%s\" was accepted", text);
	ck_assert_msg(errs.n == before + 1, "%zu errors for \"%s\"",
	    errs.n - before, text);
	ck_assert_str_eq(errs.items[before], want);
}

#define REFUSED(text, want) \
	yamltree_test_refused(text, sizeof(text) - 1, want)

static void
yamltree_test_at(const struct yamltree_node *n, enum yamltree_kind kind,
    size_t line, size_t column)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, kind);
	ck_assert_uint_eq(n->line, line);
	ck_assert_uint_eq(n->column, column);
}

START_TEST(test_yamltree_positions)
{
	const struct yamltree_node	*root, *a, *b, *m;

	ck_assert_ptr_nonnull(yamltree_test_parse(
	    "# comment\n"
	    "a: 1\n"
	    "b:\n"
	    "  - x\n"
	    "  - {c: d, e: [f, 'g']}\n"
	    "tên: \"Trường Bé Ngoan\"\n"
	    "sau: Bé Ngoan\n"));
	ck_assert_uint_eq(errs.n, 0);
	root = tree->root;
	yamltree_test_at(root, YAMLTREE_MAPPING, 2, 1);
	ck_assert_uint_eq(root->n, 4);
	yamltree_test_at(root->keys[0], YAMLTREE_SCALAR, 2, 1);
	ck_assert_str_eq(root->keys[0]->value, "a");

	a = yamltree_get(root, "a");
	yamltree_test_at(a, YAMLTREE_SCALAR, 2, 4);
	ck_assert_str_eq(a->value, "1");
	ck_assert_uint_eq(a->len, 1);
	ck_assert(a->plain);

	b = yamltree_get(root, "b");
	yamltree_test_at(b, YAMLTREE_SEQUENCE, 4, 3);
	ck_assert_uint_eq(b->n, 2);
	ck_assert_ptr_null(b->keys);
	yamltree_test_at(b->items[0], YAMLTREE_SCALAR, 4, 5);
	m = b->items[1];
	yamltree_test_at(m, YAMLTREE_MAPPING, 5, 5);
	yamltree_test_at(yamltree_get(m, "c"), YAMLTREE_SCALAR, 5, 9);
	yamltree_test_at(yamltree_get(m, "e"), YAMLTREE_SEQUENCE, 5, 15);
	yamltree_test_at(yamltree_get(m, "e")->items[1], YAMLTREE_SCALAR, 5, 19);
	ck_assert(!yamltree_get(m, "e")->items[1]->plain);
	ck_assert_str_eq(yamltree_get(m, "e")->items[1]->value, "g");

	/* Columns count characters, not bytes: "tên" is 3 wide, 4 bytes. */
	yamltree_test_at(yamltree_get(root, "tên"), YAMLTREE_SCALAR, 6, 6);
	ck_assert_str_eq(yamltree_get(root, "tên")->value, "Trường Bé Ngoan");
	yamltree_test_at(yamltree_get(root, "sau"), YAMLTREE_SCALAR, 7, 6);
	ck_assert_ptr_null(yamltree_get(root, "missing"));
	ck_assert_ptr_null(yamltree_get(b, "a"));	/* not a mapping */
	ck_assert_ptr_null(yamltree_get(NULL, "a"));
}
END_TEST

START_TEST(test_yamltree_nesting)
{
	const struct yamltree_node	*n;
	char				 text[512];
	size_t				 used = 0;

	/* 32 levels: the most allowed. */
	for (int i = 0; i < YAMLTREE_MAX_DEPTH - 1; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "[");
	used += (size_t)snprintf(text + used, sizeof text - used, "[deep");
	for (int i = 0; i < YAMLTREE_MAX_DEPTH; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "]");
	ck_assert_ptr_nonnull(yamltree_test_parse(text));
	n = tree->root;
	for (int i = 0; i < YAMLTREE_MAX_DEPTH; i++) {
		ck_assert_int_eq(n->kind, YAMLTREE_SEQUENCE);
		ck_assert_uint_eq(n->n, 1);
		ck_assert_uint_eq(n->column, (size_t)i + 1);
		n = n->items[0];
	}
	ck_assert_int_eq(n->kind, YAMLTREE_SCALAR);
	ck_assert_str_eq(n->value, "deep");

	ck_assert_ptr_nonnull(yamltree_test_parse(
	    "a:\n"
	    "  b:\n"
	    "    c:\n"
	    "      - d: e\n"
	    "        f: [g, {h: i}]\n"));
	n = yamltree_get(yamltree_get(yamltree_get(tree->root, "a"), "b"), "c");
	yamltree_test_at(n, YAMLTREE_SEQUENCE, 4, 7);
	n = n->items[0];
	yamltree_test_at(n, YAMLTREE_MAPPING, 4, 9);
	n = yamltree_get(n, "f")->items[1];
	yamltree_test_at(n, YAMLTREE_MAPPING, 5, 16);
	ck_assert_str_eq(yamltree_get(n, "h")->value, "i");
}
END_TEST

START_TEST(test_yamltree_depth_limit)
{
	char	text[2048];
	size_t	used = 0;

	for (int i = 0; i < YAMLTREE_MAX_DEPTH + 1; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "[");
	for (int i = 0; i < YAMLTREE_MAX_DEPTH + 1; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "]");
	yamltree_test_refused(text, used,
	    "t.yaml:1:33: nested deeper than 32 levels");

	/* Block style, mappings: the same limit. */
	used = 0;
	for (int i = 0; i < YAMLTREE_MAX_DEPTH + 1; i++)
		used += (size_t)snprintf(text + used, sizeof text - used,
		    "%*sk:\n", i, "");
	used += (size_t)snprintf(text + used, sizeof text - used, "%*sv\n",
	    YAMLTREE_MAX_DEPTH + 1, "");
	ck_assert_ptr_null(yamltree_test_parse_len(text, used));
	ck_assert_str_eq(errs.items[errs.n - 1],
	    "t.yaml:33:33: nested deeper than 32 levels");
}
END_TEST

/*
 * Exactly YAMLTREE_MAX_NODES nodes, then one more. The nodes are spread over
 * lists of 100 so the test stays quick under ASan, whose realloc always
 * copies.
 */
START_TEST(test_yamltree_node_limit)
{
	size_t	 cap = 2 * YAMLTREE_MAX_NODES + 64, len = 0, nodes = 1;
	char	*text = malloc(cap), *last;

	text[len++] = '[';
	while (nodes < YAMLTREE_MAX_NODES) {
		size_t	scalars = YAMLTREE_MAX_NODES - nodes - 1;

		if (scalars > 99)
			scalars = 99;
		if (nodes > 1)
			text[len++] = ',';
		text[len++] = '[';
		for (size_t i = 0; i < scalars; i++) {
			if (i > 0)
				text[len++] = ',';
			text[len++] = '1';
		}
		text[len++] = ']';
		nodes += scalars + 1;
	}
	text[len++] = ']';
	ck_assert_uint_eq(nodes, YAMLTREE_MAX_NODES);
	ck_assert_ptr_nonnull(yamltree_test_parse_len(text, len));
	ck_assert_uint_eq(tree->root->n, 2000);

	/* One more scalar in the last list: refused, at that scalar. */
	memcpy(text + len - 2, ",1]]", 4);
	len += 2;
	last = text + len - 3;
	ck_assert_ptr_null(yamltree_test_parse_len(text, len));
	ck_assert_uint_eq(errs.n, 1);
	{
		char	want[128];

		snprintf(want, sizeof want, "t.yaml:1:%zu: the document has more "
		    "than %d nodes", (size_t)(last - text) + 1,
		    YAMLTREE_MAX_NODES);
		ck_assert_str_eq(errs.items[0], want);
	}
	free(text);
}
END_TEST

START_TEST(test_yamltree_alias)
{
	REFUSED("a: 1\nb: *x\n", "t.yaml:2:4: YAML aliases are not allowed here");
	REFUSED("a: [1, *x]\n",
	    "t.yaml:1:8: YAML aliases are not allowed here");
}
END_TEST

START_TEST(test_yamltree_anchor)
{
	/* The anchor is refused before its alias is ever seen. */
	REFUSED("a: &x 1\nb: *x\n",
	    "t.yaml:1:4: YAML anchors are not allowed here");
	REFUSED("&k a: 1\n", "t.yaml:1:1: YAML anchors are not allowed here");
	REFUSED("a: &m {b: 1}\n",
	    "t.yaml:1:4: YAML anchors are not allowed here");
	REFUSED("a:\n  - &s [1]\n",
	    "t.yaml:2:5: YAML anchors are not allowed here");
}
END_TEST

START_TEST(test_yamltree_tag)
{
	REFUSED("a: !!str 1\n", "t.yaml:1:4: YAML tags are not allowed here");
	REFUSED("a: !custom 1\n", "t.yaml:1:4: YAML tags are not allowed here");
	REFUSED("!!map\na: 1\n", "t.yaml:1:1: YAML tags are not allowed here");
	REFUSED("a: !!seq [1]\n", "t.yaml:1:4: YAML tags are not allowed here");
}
END_TEST

START_TEST(test_yamltree_duplicate_key)
{
	REFUSED("a: 1\nb: 2\na: 3\n", "t.yaml:3:1: key \"a\" appears twice");
	REFUSED("m: {x: 1, x: 2}\n", "t.yaml:1:11: key \"x\" appears twice");
	/* Quoting does not make a key different. */
	REFUSED("a: 1\n'a': 2\n", "t.yaml:2:1: key \"a\" appears twice");
	/* The same key in two mappings is fine. */
	ck_assert_ptr_nonnull(yamltree_test_parse("- a: 1\n- a: 2\n"));
}
END_TEST

START_TEST(test_yamltree_non_scalar_key)
{
	REFUSED("? [a]\n: 1\n", "t.yaml:1:3: mapping keys must be plain text");
	REFUSED("? {a: b}\n: 1\n",
	    "t.yaml:1:3: mapping keys must be plain text");
	REFUSED("x: {[a]: 1}\n", "t.yaml:1:5: mapping keys must be plain text");
}
END_TEST

START_TEST(test_yamltree_two_documents)
{
	REFUSED("a: 1\n---\nb: 2\n",
	    "t.yaml:2:1: only one YAML document is allowed");
	REFUSED("--- 1\n--- 2\n",
	    "t.yaml:2:1: only one YAML document is allowed");
	/* One explicit document, with its end marker, is fine. */
	ck_assert_ptr_nonnull(yamltree_test_parse("---\na: 1\n...\n"));
}
END_TEST

START_TEST(test_yamltree_invalid_utf8)
{
	REFUSED("a: 1\nb: x\xff\n", "t.yaml:2:5: invalid leading UTF-8 octet");
	/* After multi-byte characters the column still counts characters. */
	REFUSED("tên: Bé\xfeNgoan\n",
	    "t.yaml:1:8: invalid leading UTF-8 octet");
	/* An overlong form of '/'. */
	REFUSED("tên: Bé\xc0\xafNgoan\n",
	    "t.yaml:1:8: invalid length of a UTF-8 sequence");
	/* A sequence cut short is reported at the byte that broke it. */
	REFUSED("a: 1\nb: \xc3\xa9\xc3\n",
	    "t.yaml:2:6: invalid trailing UTF-8 octet");
	/* An overlong form and a surrogate. */
	ck_assert_ptr_null(yamltree_test_parse("a: \xe0\x80\xaf\n"));
	ck_assert_ptr_null(yamltree_test_parse("a: \xed\xa0\x80\n"));
}
END_TEST

START_TEST(test_yamltree_nul)
{
	/* A raw NUL byte, inside the length given. */
	REFUSED("a: x\0y\n", "t.yaml:1:5: control characters are not allowed");
	/* An escaped one makes a value with a NUL in it. */
	REFUSED("a: \"x\\0y\"\n",
	    "t.yaml:1:4: text is not valid UTF-8 or holds a NUL byte");
	REFUSED("\"k\\0\": 1\n",
	    "t.yaml:1:1: text is not valid UTF-8 or holds a NUL byte");
}
END_TEST

START_TEST(test_yamltree_syntax_error)
{
	REFUSED("a: [1, 2\n", "t.yaml:2:1: did not find expected ',' or ']' "
	    "while parsing a flow sequence");
	REFUSED("a: 1\n b: 2\n",
	    "t.yaml:2:3: mapping values are not allowed in this context");
	REFUSED("a: 'x\n", "t.yaml:2:1: found unexpected end of stream "
	    "while scanning a quoted scalar");
}
END_TEST

START_TEST(test_yamltree_empty)
{
	ck_assert_ptr_nonnull(yamltree_test_parse(""));
	ck_assert_ptr_null(tree->root);
	ck_assert_ptr_nonnull(yamltree_test_parse("# only a comment\n\n"));
	ck_assert_ptr_null(tree->root);
	ck_assert_ptr_nonnull(yamltree_test_parse_len(NULL, 0));
	ck_assert_ptr_null(tree->root);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_str_eq(tree->file, "t.yaml");

	/* An explicit empty document is one null scalar, not nothing. */
	ck_assert_ptr_nonnull(yamltree_test_parse("---\n"));
	ck_assert_ptr_nonnull(tree->root);
	ck_assert(yamltree_is_null(tree->root));
}
END_TEST

START_TEST(test_yamltree_null)
{
	const struct yamltree_node	*root;

	ck_assert_ptr_nonnull(yamltree_test_parse(
	    "a:\nb: ~\nc: null\nd: ''\ne: \"~\"\nf: 0\ng: [~]\n"));
	root = tree->root;
	ck_assert(yamltree_is_null(yamltree_get(root, "a")));
	ck_assert(yamltree_is_null(yamltree_get(root, "b")));
	ck_assert(yamltree_is_null(yamltree_get(root, "c")));
	ck_assert(!yamltree_is_null(yamltree_get(root, "d")));	/* quoted */
	ck_assert(!yamltree_is_null(yamltree_get(root, "e")));
	ck_assert(!yamltree_is_null(yamltree_get(root, "f")));
	ck_assert(!yamltree_is_null(yamltree_get(root, "g")));
	ck_assert(yamltree_is_null(yamltree_get(root, "g")->items[0]));
	ck_assert(!yamltree_is_null(NULL));
	ck_assert_uint_eq(yamltree_get(root, "d")->len, 0);
}
END_TEST

START_TEST(test_yamltree_error_format)
{
	const struct yamltree_node	*a;

	ck_assert_ptr_nonnull(yamltree_test_parse("x: 1\na: Bé\n"));
	a = yamltree_get(tree->root, "a");
	yamltree_error(&errs, tree, a, "bad value \"%s\" (%d)", a->value, 7);
	yamltree_error(&errs, tree, NULL, "the file as a whole");
	ck_assert_uint_eq(errs.n, 2);
	ck_assert_str_eq(errs.items[0], "t.yaml:2:4: bad value \"Bé\" (7)");
	ck_assert_str_eq(errs.items[1], "t.yaml: the file as a whole");
}
END_TEST

/* Errors are appended to what is there, and a refused parse frees all. */
START_TEST(test_yamltree_errors_accumulate)
{
	REFUSED("a: *x\n", "t.yaml:1:4: YAML aliases are not allowed here");
	REFUSED("a: 1\na: 1\n", "t.yaml:2:1: key \"a\" appears twice");
	ck_assert_uint_eq(errs.n, 2);
	ck_assert_str_eq(errs.items[0],
	    "t.yaml:1:4: YAML aliases are not allowed here");
	yamltree_errors_free(&errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_null(errs.items);
	yamltree_errors_free(&errs);	/* twice is fine */
}
END_TEST

START_TEST(test_yamltree_free_null)
{
	struct yamltree	*t = NULL;

	yamltree_free(&t);
	ck_assert_ptr_null(t);
	t = yamltree_parse("f.yaml", "a: [1, {b: c}]\n", 15, &errs);
	ck_assert_ptr_nonnull(t);
	yamltree_free(&t);
	ck_assert_ptr_null(t);
}
END_TEST

/*
 * Errors in the middle of mappings and sequences at several depths, with
 * keys waiting for their values: nothing may leak (ASan checks at exit).
 */
START_TEST(test_yamltree_no_leaks_on_refusal)
{
	static const char *const	texts[] = {
		"a:\n  b:\n    c: &x 1\n",
		"a:\n  b:\n    c: [1, 2, *x]\n",
		"a: {b: {c: !!str d}}\n",
		"a: {b: {c: d, c: e}}\n",
		"a:\n  - b: 1\n    ? [x]\n    : 2\n",
		"a: {b: [1, 2\n",
		"a: {b: [1, 2]}\n---\nc: 1\n",
		"a: {b: \"\\0\"}\n",
		"a: {b: [1, \"x\xff\"]}\n",
		"k:\n",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		yamltree_test_parse(texts[i]);
	ck_assert_uint_eq(errs.n, sizeof texts / sizeof texts[0] - 1);
}
END_TEST

static Suite *
yamltree_suite(void)
{
	Suite	*s = suite_create("yamltree");
	TCase	*tc;

	tc = tcase_create("tree");
	tcase_add_checked_fixture(tc, yamltree_test_setup,
	    yamltree_test_teardown);
	tcase_add_test(tc, test_yamltree_positions);
	tcase_add_test(tc, test_yamltree_nesting);
	tcase_add_test(tc, test_yamltree_empty);
	tcase_add_test(tc, test_yamltree_null);
	tcase_add_test(tc, test_yamltree_error_format);
	tcase_add_test(tc, test_yamltree_errors_accumulate);
	tcase_add_test(tc, test_yamltree_free_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_checked_fixture(tc, yamltree_test_setup,
	    yamltree_test_teardown);
	tcase_add_test(tc, test_yamltree_alias);
	tcase_add_test(tc, test_yamltree_anchor);
	tcase_add_test(tc, test_yamltree_tag);
	tcase_add_test(tc, test_yamltree_duplicate_key);
	tcase_add_test(tc, test_yamltree_non_scalar_key);
	tcase_add_test(tc, test_yamltree_two_documents);
	tcase_add_test(tc, test_yamltree_invalid_utf8);
	tcase_add_test(tc, test_yamltree_nul);
	tcase_add_test(tc, test_yamltree_syntax_error);
	tcase_add_test(tc, test_yamltree_depth_limit);
	tcase_add_test(tc, test_yamltree_node_limit);
	tcase_add_test(tc, test_yamltree_no_leaks_on_refusal);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(yamltree_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
