/*
 * yamltree.c - reading a YAML document into a tree with positions; see yamltree.h.
 *
 * The tree is built from libyaml's event stream with an explicit stack, so a
 * deeply nested hostile file cannot exhaust the C stack, and the limits are
 * checked as events arrive, before memory is spent on them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "log.h"
#include "utf8.h"
#include "xmalloc.h"
#include "yamltree.h"

struct yamltree_frame {
	struct yamltree_node	*node;		/* mapping or sequence being filled */
	struct yamltree_node	*pending_key;	/* mapping: key awaiting its value */
};

static void
yamltree_verror(struct yamltree_errors *errs, const char *file, size_t line,
    size_t column, const char *fmt, va_list ap)
{
	char	*msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		fatalx("out of memory formatting an error");
	errs->items = xreallocarray(errs->items, errs->n + 1, sizeof *errs->items);
	if (line > 0)
		errs->items[errs->n++] = xasprintf("%s:%zu:%zu: %s", file, line,
		    column, msg);
	else
		errs->items[errs->n++] = xasprintf("%s: %s", file, msg);
	free(msg);
}

static void
yamltree_error_at(struct yamltree_errors *errs, const char *file, size_t line,
    size_t column, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
yamltree_error_at(struct yamltree_errors *errs, const char *file, size_t line,
    size_t column, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	yamltree_verror(errs, file, line, column, fmt, ap);
	va_end(ap);
}

void
yamltree_error(struct yamltree_errors *errs, const struct yamltree *t,
    const struct yamltree_node *node, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	yamltree_verror(errs, t->file, node != NULL ? node->line : 0,
	    node != NULL ? node->column : 0, fmt, ap);
	va_end(ap);
}

void
yamltree_errors_free(struct yamltree_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		free(errs->items[i]);
	free(errs->items);
	errs->items = NULL;
	errs->n = 0;
}

static void
yamltree_node_free(struct yamltree_node *node)
{
	if (node == NULL)
		return;
	for (size_t i = 0; i < node->n; i++) {
		if (node->keys != NULL)
			yamltree_node_free(node->keys[i]);
		yamltree_node_free(node->items[i]);
	}
	free(node->keys);
	free(node->items);
	free(node->value);
	free(node);
}

void
yamltree_free(struct yamltree **tp)
{
	struct yamltree	*t = *tp;

	if (t == NULL)
		return;
	yamltree_node_free(t->root);
	free(t->file);
	free(t);
	*tp = NULL;
}

struct yamltree_node *
yamltree_get(const struct yamltree_node *map, const char *key)
{
	if (map == NULL || map->kind != YAMLTREE_MAPPING)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		if (strcmp(map->keys[i]->value, key) == 0)
			return map->items[i];
	}
	return NULL;
}

bool
yamltree_is_null(const struct yamltree_node *node)
{
	return node != NULL && node->kind == YAMLTREE_SCALAR && node->plain &&
	    (node->len == 0 || strcmp(node->value, "~") == 0 ||
	    strcmp(node->value, "null") == 0);
}

static struct yamltree_node *
yamltree_node_new(enum yamltree_kind kind, const yaml_mark_t *mark)
{
	struct yamltree_node	*node = xcalloc(1, sizeof *node);

	node->kind = kind;
	node->line = mark->line + 1;
	node->column = mark->column + 1;
	return node;
}

static void
yamltree_append(struct yamltree_node *parent, struct yamltree_node *key,
    struct yamltree_node *item)
{
	/* Doubling: a list of a hundred thousand items is linear to build. */
	if (parent->n == parent->cap) {
		parent->cap = parent->cap > 0 ? parent->cap * 2 : 8;
		parent->items = xreallocarray(parent->items, parent->cap,
		    sizeof *parent->items);
		if (parent->kind == YAMLTREE_MAPPING)
			parent->keys = xreallocarray(parent->keys, parent->cap,
			    sizeof *parent->keys);
	}
	if (parent->kind == YAMLTREE_MAPPING)
		parent->keys[parent->n] = key;
	parent->items[parent->n++] = item;
}

/* Line and column of byte `offset`, for reader errors that carry only that. */
static void
yamltree_offset_position(const char *data, size_t len, size_t offset,
    size_t *line, size_t *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset && i < len; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*column = 1;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80)
			(*column)++;
	}
}

/*
 * Checks `node`, just read, and hangs it in the tree: as the root, an item
 * of the open sequence, a key of the open mapping or the value of its
 * pending key; a mapping or sequence is then opened. Returns false after
 * recording why the document is refused; `node` is then freed or owned by
 * the tree, never leaked.
 */
static bool
yamltree_attach(struct yamltree *t, struct yamltree_frame *stack,
    size_t *depth, struct yamltree_node *node, const char *anchor,
    const char *tag, size_t nodes, struct yamltree_errors *errs)
{
	struct yamltree_frame	*f = *depth > 0 ? &stack[*depth - 1] : NULL;
	const char		*file = t->file;

	if (anchor != NULL || tag != NULL || nodes > YAMLTREE_MAX_NODES) {
		if (nodes > YAMLTREE_MAX_NODES)
			yamltree_error_at(errs, file, node->line, node->column,
			    "the document has more than %d nodes",
			    YAMLTREE_MAX_NODES);
		else
			yamltree_error_at(errs, file, node->line, node->column,
			    anchor != NULL ? "YAML anchors are not allowed here" :
			    "YAML tags are not allowed here");
		yamltree_node_free(node);
		return false;
	}
	if (f == NULL)
		t->root = node;
	else if (f->node->kind == YAMLTREE_SEQUENCE)
		yamltree_append(f->node, NULL, node);
	else if (f->pending_key != NULL) {
		yamltree_append(f->node, f->pending_key, node);
		f->pending_key = NULL;
	} else if (node->kind != YAMLTREE_SCALAR) {
		yamltree_error_at(errs, file, node->line, node->column,
		    "mapping keys must be plain text");
		yamltree_node_free(node);
		return false;
	} else if (f->node->n >= YAMLTREE_MAX_KEYS) {
		yamltree_error_at(errs, file, node->line, node->column,
		    "a mapping has more than %d keys", YAMLTREE_MAX_KEYS);
		yamltree_node_free(node);
		return false;
	} else if (yamltree_get(f->node, node->value) != NULL) {
		yamltree_error_at(errs, file, node->line, node->column,
		    "key \"%s\" appears twice", node->value);
		yamltree_node_free(node);
		return false;
	} else {
		f->pending_key = node;
		return true;
	}
	if (node->kind == YAMLTREE_SCALAR)
		return true;
	if (*depth >= YAMLTREE_MAX_DEPTH) {
		yamltree_error_at(errs, file, node->line, node->column,
		    "nested deeper than %d levels", YAMLTREE_MAX_DEPTH);
		return false;
	}
	stack[*depth].node = node;
	stack[*depth].pending_key = NULL;
	(*depth)++;
	return true;
}

struct yamltree *
yamltree_parse(const char *file, const char *data, size_t len,
    struct yamltree_errors *errs)
{
	struct yamltree		*t;
	struct yamltree_frame	 stack[YAMLTREE_MAX_DEPTH + 1];
	size_t			 depth = 0, nodes = 0, errors_before = errs->n;
	int			 documents = 0;
	yaml_parser_t		 parser;
	yaml_event_t		 ev;
	bool			 done = false;

	t = xcalloc(1, sizeof *t);
	t->file = xstrdup(file);
	if (data == NULL) {
		/* libyaml asserts on a NULL buffer, even an empty one. */
		data = "";
		len = 0;
	}
	if (!yaml_parser_initialize(&parser))
		fatalx("could not initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	while (!done) {
		struct yamltree_node	*node = NULL;
		const char		*anchor = NULL, *tag = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			size_t line = parser.problem_mark.line + 1;
			size_t column = parser.problem_mark.column + 1;

			if (parser.error == YAML_READER_ERROR)
				yamltree_offset_position(data, len,
				    parser.problem_offset, &line, &column);
			yamltree_error_at(errs, file, line, column, "%s%s%s",
			    parser.problem != NULL ? parser.problem :
			    "syntax error", parser.context != NULL ? " " : "",
			    parser.context != NULL ? parser.context : "");
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				yamltree_error_at(errs, file,
				    ev.start_mark.line + 1, ev.start_mark.column + 1,
				    "only one YAML document is allowed");
				done = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			yamltree_error_at(errs, file, ev.start_mark.line + 1,
			    ev.start_mark.column + 1,
			    "YAML aliases are not allowed here");
			done = true;
			break;
		case YAML_SCALAR_EVENT:
			anchor = (const char *)ev.data.scalar.anchor;
			tag = (const char *)ev.data.scalar.tag;
			node = yamltree_node_new(YAMLTREE_SCALAR, &ev.start_mark);
			node->len = ev.data.scalar.length;
			node->value = xmalloc(node->len + 1);
			memcpy(node->value, ev.data.scalar.value, node->len);
			node->value[node->len] = '\0';
			node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			if (!utf8_valid(node->value, node->len, NULL)) {
				yamltree_error_at(errs, file, node->line,
				    node->column, "text is not valid UTF-8 or "
				    "holds a NUL byte");
				yamltree_node_free(node);
				node = NULL;
				done = true;
			}
			break;
		case YAML_MAPPING_START_EVENT:
			anchor = (const char *)ev.data.mapping_start.anchor;
			tag = (const char *)ev.data.mapping_start.tag;
			node = yamltree_node_new(YAMLTREE_MAPPING, &ev.start_mark);
			break;
		case YAML_SEQUENCE_START_EVENT:
			anchor = (const char *)ev.data.sequence_start.anchor;
			tag = (const char *)ev.data.sequence_start.tag;
			node = yamltree_node_new(YAMLTREE_SEQUENCE, &ev.start_mark);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (node != NULL)
			done = !yamltree_attach(t, stack, &depth, node, anchor, tag,
			    ++nodes, errs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	/* Keys still waiting for a value belong to no node yet. */
	for (size_t i = 0; i < depth; i++)
		yamltree_node_free(stack[i].pending_key);
	if (errs->n > errors_before) {
		yamltree_free(&t);
		return NULL;
	}
	return t;
}
