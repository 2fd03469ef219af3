/*
 * harness_json.c - just enough JSON to read what `tdkt --json` prints; see
 * harness_json.h.
 *
 * The CLI prints one flat object per command, so that is all this parses,
 * but it parses it strictly: a test that reads a value from output that is
 * not valid JSON fails rather than matching a substring by luck.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "harness_json.h"
#include "xmalloc.h"

struct harness_json {
	size_t	  n;
	char	**keys;
	char	**values;
	char	 *types;	/* 's'tring, 'n'umber, 'b'oolean, 'z' null */
};

static void
harness_json_space(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static int
harness_json_hex4(const char *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char	c = p[i];

		*out <<= 4;
		if (c >= '0' && c <= '9')
			*out |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*out |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*out |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static size_t
harness_json_utf8(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Parses a string at *p (at its quote); returns it unescaped or NULL. */
static char *
harness_json_str(const char **p)
{
	const char	*s = *p + 1;
	char		*out, *o;
	unsigned	 cp, lo;

	if (**p != '"')
		return NULL;
	out = o = xmalloc(strlen(s) + 1);
	for (; *s != '"'; s++) {
		if (*s == '\0' || (unsigned char)*s < 0x20)
			goto bad;
		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (harness_json_hex4(s + 1, &cp) < 0)
				goto bad;
			s += 4;
			if (cp >= 0xD800 && cp < 0xDC00) {
				if (s[1] != '\\' || s[2] != 'u' ||
				    harness_json_hex4(s + 3, &lo) < 0 ||
				    lo < 0xDC00 || lo > 0xDFFF)
					goto bad;
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				    (lo - 0xDC00);
				s += 6;
			} else if (cp >= 0xDC00 && cp < 0xE000)
				goto bad;
			if (cp == 0)
				goto bad;	/* no NUL inside our strings */
			o += harness_json_utf8(cp, o);
			break;
		default:
			goto bad;
		}
	}
	*o = '\0';
	*p = s + 1;
	return out;
bad:
	free(out);
	return NULL;
}

/* Parses a scalar value at *p; returns its text and sets *type, or NULL. */
static char *
harness_json_value(const char **p, char *type)
{
	const char	*s = *p;
	static const char *const words[] = { "true", "false", "null" };

	if (*s == '"') {
		*type = 's';
		return harness_json_str(p);
	}
	for (size_t i = 0; i < 3; i++) {
		size_t	len = strlen(words[i]);

		if (strncmp(s, words[i], len) == 0) {
			*type = i < 2 ? 'b' : 'z';
			*p = s + len;
			return xstrdup(words[i]);
		}
	}
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return NULL;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return NULL;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	*type = 'n';
	char *v = xstrndup(*p, (size_t)(s - *p));
	*p = s;
	return v;
}

struct harness_json *
harness_json_parse(const char *text)
{
	struct harness_json	*j = xcalloc(1, sizeof *j);
	const char		*p = text;
	char			*key, *value, type;

	harness_json_space(&p);
	if (*p++ != '{')
		goto bad;
	harness_json_space(&p);
	if (*p == '}')
		p++;
	else {
		for (;;) {
			harness_json_space(&p);
			if ((key = harness_json_str(&p)) == NULL)
				goto bad;
			harness_json_space(&p);
			if (*p++ != ':') {
				free(key);
				goto bad;
			}
			harness_json_space(&p);
			if ((value = harness_json_value(&p, &type)) == NULL) {
				free(key);
				goto bad;
			}
			j->keys = xreallocarray(j->keys, j->n + 1,
			    sizeof *j->keys);
			j->values = xreallocarray(j->values, j->n + 1,
			    sizeof *j->values);
			j->types = xreallocarray(j->types, j->n + 1, 1);
			j->keys[j->n] = key;
			j->values[j->n] = value;
			j->types[j->n++] = type;
			harness_json_space(&p);
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p++ != '}')
				goto bad;
			break;
		}
	}
	harness_json_space(&p);
	if (*p != '\0')
		goto bad;
	return j;
bad:
	harness_json_free(&j);
	return NULL;
}

void
harness_json_free(struct harness_json **jp)
{
	struct harness_json	*j = *jp;

	if (j == NULL)
		return;
	for (size_t i = 0; i < j->n; i++) {
		free(j->keys[i]);
		free(j->values[i]);
	}
	free(j->keys);
	free(j->values);
	free(j->types);
	free(j);
	*jp = NULL;
}

static ssize_t
harness_json_find(const struct harness_json *j, const char *key)
{
	for (size_t i = 0; i < j->n; i++) {
		if (strcmp(j->keys[i], key) == 0)
			return (ssize_t)i;
	}
	return -1;
}

const char *
harness_json_string(const struct harness_json *j, const char *key)
{
	ssize_t	i = harness_json_find(j, key);

	return i >= 0 && j->types[i] == 's' ? j->values[i] : NULL;
}

int
harness_json_uint(const struct harness_json *j, const char *key, uint64_t *out)
{
	ssize_t	 i = harness_json_find(j, key);
	char	*end;

	if (i < 0 || j->types[i] != 'n' || j->values[i][0] == '-')
		return -1;
	errno = 0;
	*out = strtoull(j->values[i], &end, 10);
	return *end == '\0' && errno == 0 ? 0 : -1;
}

int
harness_json_bool(const struct harness_json *j, const char *key)
{
	ssize_t	i = harness_json_find(j, key);

	if (i < 0 || j->types[i] != 'b')
		return -1;
	return strcmp(j->values[i], "true") == 0;
}
