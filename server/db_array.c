/*
 * db_array.c - PostgreSQL array literals; see db_array.h.
 *
 * Every text item is double-quoted, with '"' and '\' escaped, which the
 * array parser accepts for any content, so no item can end the literal or
 * pass for NULL.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_array.h"
#include "xmalloc.h"

static void
db_array_reserve(struct db_array *a, size_t more)
{
	if (a->len + more + 2 <= a->cap)	/* room for "}" and NUL */
		return;
	while (a->len + more + 2 > a->cap)
		a->cap = a->cap < 64 ? 64 : a->cap * 2;
	a->buf = xreallocarray(a->buf, a->cap, 1);
}

static void
db_array_append(struct db_array *a, const char *s, size_t len)
{
	db_array_reserve(a, len);
	memcpy(a->buf + a->len, s, len);
	a->len += len;
	a->buf[a->len] = '\0';
}

/* The comma before every item but the first. */
static void
db_array_next(struct db_array *a)
{
	if (a->n++ > 0)
		db_array_append(a, ",", 1);
}

void
db_array_init(struct db_array *a)
{
	memset(a, 0, sizeof *a);
	db_array_append(a, "{", 1);
}

void
db_array_add_uint(struct db_array *a, uint64_t v)
{
	char	num[24];
	int	len = snprintf(num, sizeof num, "%" PRIu64, v);

	db_array_next(a);
	db_array_append(a, num, (size_t)len);
}

void
db_array_add_bool(struct db_array *a, bool v)
{
	db_array_next(a);
	db_array_append(a, v ? "t" : "f", 1);
}

void
db_array_add_text(struct db_array *a, const char *s)
{
	db_array_next(a);
	if (s == NULL) {
		db_array_append(a, "NULL", 4);
		return;
	}
	db_array_append(a, "\"", 1);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			db_array_append(a, "\\", 1);
		db_array_append(a, p, 1);
	}
	db_array_append(a, "\"", 1);
}

void
db_array_add_bytea(struct db_array *a, const void *data, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = data;

	db_array_next(a);
	if (data == NULL) {
		db_array_append(a, "NULL", 4);
		return;
	}
	/* "\\x..." inside the literal is the bytea input "\x...". */
	db_array_reserve(a, 2 * len + 5);
	db_array_append(a, "\"\\\\x", 4);
	for (size_t i = 0; i < len; i++) {
		a->buf[a->len++] = hex[p[i] >> 4];
		a->buf[a->len++] = hex[p[i] & 0x0f];
	}
	db_array_append(a, "\"", 1);
}

const char *
db_array_finish(struct db_array *a)
{
	db_array_append(a, "}", 1);
	return a->buf;
}

void
db_array_clear(struct db_array *a)
{
	free(a->buf);
	memset(a, 0, sizeof *a);
}
