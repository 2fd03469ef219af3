/*
 * jsonw.c - the bounded JSON writer; see jsonw.h.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "xmalloc.h"

void
jsonw_init(struct jsonw *w, size_t max)
{
	memset(w, 0, sizeof *w);
	w->max = max;
	w->first[0] = true;
}

void
jsonw_clear(struct jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof *w);
}

static void
jsonw_append(struct jsonw *w, const char *s, size_t n)
{
	if (w->failed)
		return;
	if (n > w->max || w->len > w->max - n) {
		w->failed = true;
		return;
	}
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap > 0 ? w->cap : 256;

		while (cap < w->len + n + 1)
			cap *= 2;
		w->buf = xreallocarray(w->buf, cap, 1);
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/*
 * Writes the comma before a value, as its position needs, and refuses a
 * value where JSON has none: a second top-level value, or a value in an
 * object without its key.
 */
static void
jsonw_separate(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if ((w->depth == 0 && w->complete) ||
	    (w->depth > 0 && w->open[w->depth] == '{')) {
		w->failed = true;
		return;
	}
	if (!w->first[w->depth])
		jsonw_append(w, ",", 1);
	w->first[w->depth] = false;
}

/* After a value: at the top level, the document is complete. */
static void
jsonw_done_value(struct jsonw *w)
{
	if (w->depth == 0)
		w->complete = true;
}

static void
jsonw_open(struct jsonw *w, const char *c)
{
	jsonw_separate(w);
	if (w->depth + 1 >= JSONW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	jsonw_append(w, c, 1);
	w->first[++w->depth] = true;
	w->open[w->depth] = c[0];
}

static void
jsonw_close(struct jsonw *w, const char *c)
{
	char	opener = c[0] == '}' ? '{' : '[';

	if (w->depth == 0 || w->after_key || w->open[w->depth] != opener) {
		w->failed = true;
		return;
	}
	w->depth--;
	jsonw_append(w, c, 1);
	jsonw_done_value(w);
}

void
jsonw_object_begin(struct jsonw *w)
{
	jsonw_open(w, "{");
}

void
jsonw_object_end(struct jsonw *w)
{
	jsonw_close(w, "}");
}

void
jsonw_array_begin(struct jsonw *w)
{
	jsonw_open(w, "[");
}

void
jsonw_array_end(struct jsonw *w)
{
	jsonw_close(w, "]");
}

static void
jsonw_quoted(struct jsonw *w, const char *s)
{
	char	esc[8];

	jsonw_append(w, "\"", 1);
	for (const char *run = s; ; s++) {
		unsigned char	c = (unsigned char)*s;

		if (c != '\0' && c >= 0x20 && c != '"' && c != '\\' && c != 0x7F)
			continue;
		jsonw_append(w, run, (size_t)(s - run));
		if (c == '\0')
			break;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			jsonw_append(w, esc, 2);
		} else if (c == '\n')
			jsonw_append(w, "\\n", 2);
		else if (c == '\t')
			jsonw_append(w, "\\t", 2);
		else {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			jsonw_append(w, esc, 6);
		}
		run = s + 1;
	}
	jsonw_append(w, "\"", 1);
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	if (w->after_key || w->depth == 0 || w->open[w->depth] != '{') {
		w->failed = true;
		return;
	}
	if (!w->first[w->depth])
		jsonw_append(w, ",", 1);
	w->first[w->depth] = false;
	jsonw_quoted(w, key);
	jsonw_append(w, ":", 1);
	w->after_key = true;
}

void
jsonw_string(struct jsonw *w, const char *s)
{
	if (s == NULL) {
		jsonw_null(w);
		return;
	}
	jsonw_separate(w);
	jsonw_quoted(w, s);
	jsonw_done_value(w);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char	buf[32];
	int	n = snprintf(buf, sizeof buf, "%" PRId64, v);

	jsonw_separate(w);
	jsonw_append(w, buf, (size_t)n);
	jsonw_done_value(w);
}

void
jsonw_uint(struct jsonw *w, uint64_t v)
{
	char	buf[32];
	int	n = snprintf(buf, sizeof buf, "%" PRIu64, v);

	jsonw_separate(w);
	jsonw_append(w, buf, (size_t)n);
	jsonw_done_value(w);
}

void
jsonw_bool(struct jsonw *w, bool v)
{
	jsonw_separate(w);
	jsonw_append(w, v ? "true" : "false", v ? 4 : 5);
	jsonw_done_value(w);
}

void
jsonw_null(struct jsonw *w)
{
	jsonw_separate(w);
	jsonw_append(w, "null", 4);
	jsonw_done_value(w);
}

const char *
jsonw_finish(struct jsonw *w, size_t *len)
{
	if (w->failed || w->depth != 0 || w->after_key || w->buf == NULL)
		return NULL;
	if (len != NULL)
		*len = w->len;
	return w->buf;
}
