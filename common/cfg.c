/*
 * cfg.c - the option-table configuration loader and writer; see cfg.h.
 *
 * The loader walks libyaml's event stream rather than its document tree:
 * events carry the line and column of every key and value, and an alias is
 * seen (and refused) before libyaml could resolve it into a shared node. It
 * keeps going after a bad key or value so the user sees every problem at
 * once; only a YAML syntax error stops it, since nothing after one can be
 * trusted.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "cfg.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

#define CFG_MAX_FILE_SIZE	(1024 * 1024)
#define CFG_MAX_DEPTH		8
#define CFG_MAX_NAME		128
#define CFG_MAX_STRING		4096

struct cfg_loader {
	const struct cfg_option	*table;
	size_t			 n;
	void			*conf;
	bool			*seen;		/* per option: already set by this file */
	char			**sections;	/* sections already read */
	size_t			 nsections;
	const char		*file;
	const char		*data;
	size_t			 len;
	yaml_parser_t		 parser;
	struct cfg_errors	*errs;
	size_t			 nerrs;
	bool			 broken;	/* a syntax error: stop */
};

static void
cfg_error_at(struct cfg_loader *l, yaml_mark_t mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
cfg_error_at(struct cfg_loader *l, yaml_mark_t mark, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatalx("out of memory formatting a configuration error");
	va_end(ap);
	l->errs->items = xreallocarray(l->errs->items, l->errs->n + 1,
	    sizeof *l->errs->items);
	l->errs->items[l->errs->n++] = xasprintf("%s:%zu:%zu: %s", l->file,
	    mark.line + 1, mark.column + 1, msg);
	l->nerrs++;
	free(msg);
}

static void *
cfg_field(const struct cfg_option *o, void *conf)
{
	return (char *)conf + o->offset;
}

static const struct cfg_option *
cfg_find(const struct cfg_option *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	}
	return NULL;
}

/* True if some option lives under section `prefix` (e.g. "database"). */
static bool
cfg_is_section(const struct cfg_option *table, size_t n, const char *prefix)
{
	size_t	plen = strlen(prefix);

	for (size_t i = 0; i < n; i++) {
		if (strncmp(table[i].name, prefix, plen) == 0 &&
		    table[i].name[plen] == '.')
			return true;
	}
	return false;
}

static const char *
cfg_type_name(const struct cfg_option *o)
{
	switch (o->type) {
	case CFG_STRING:
		return "string";
	case CFG_INT:
		return "integer";
	case CFG_BOOL:
		return "boolean";
	case CFG_ENUM:
		return "one of";
	}
	return "?";
}

/*
 * Converts `value` for option `o` and stores it in `conf`. Returns 0, or -1
 * with *cause set (caller frees).
 */
static int
cfg_assign(const struct cfg_option *o, void *conf, const char *value,
    char **cause)
{
	void	*field = cfg_field(o, conf);
	size_t	 len = strlen(value);

	switch (o->type) {
	case CFG_STRING:
		if (len > CFG_MAX_STRING) {
			*cause = xasprintf("value for \"%s\" is longer than %d bytes",
			    o->name, CFG_MAX_STRING);
			return -1;
		}
		if (!utf8_valid(value, len, NULL)) {
			*cause = xasprintf("value for \"%s\" is not valid UTF-8",
			    o->name);
			return -1;
		}
		if ((o->flags & (CFG_NONEMPTY | CFG_ABSOLUTE)) && len == 0) {
			*cause = xasprintf("option \"%s\" must not be empty",
			    o->name);
			return -1;
		}
		if ((o->flags & CFG_ABSOLUTE) && value[0] != '/') {
			*cause = xasprintf("option \"%s\" must be an absolute "
			    "path, not \"%s\"", o->name, value);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CFG_INT: {
		char		*end;
		long long	 v;

		errno = 0;
		v = strtoll(value, &end, 10);
		if (len == 0 || *end != '\0' || errno == ERANGE) {
			*cause = xasprintf("invalid integer \"%s\" for \"%s\"",
			    value, o->name);
			return -1;
		}
		if (v < o->min || v > o->max) {
			*cause = xasprintf("value %lld for \"%s\" is out of range "
			    "[%lld, %lld]", v, o->name, (long long)o->min,
			    (long long)o->max);
			return -1;
		}
		*(int64_t *)field = v;
		return 0;
	}
	case CFG_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
		    strcmp(value, "on") == 0)
			*(bool *)field = true;
		else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
		    strcmp(value, "off") == 0)
			*(bool *)field = false;
		else {
			*cause = xasprintf("invalid boolean \"%s\" for \"%s\": "
			    "expected true or false", value, o->name);
			return -1;
		}
		return 0;
	case CFG_ENUM:
		for (int i = 0; o->enum_names[i] != NULL; i++) {
			if (strcmp(value, o->enum_names[i]) == 0) {
				*(int *)field = i;
				return 0;
			}
		}
		{
			size_t	 cap = 256, used = 0;
			char	*list = xmalloc(cap);

			list[0] = '\0';
			for (int i = 0; o->enum_names[i] != NULL; i++) {
				int w = snprintf(list + used, cap - used, "%s%s",
				    i > 0 ? ", " : "", o->enum_names[i]);
				if (w < 0 || (size_t)w >= cap - used)
					break;
				used += (size_t)w;
			}
			*cause = xasprintf("invalid value \"%s\" for \"%s\": "
			    "expected one of %s", value, o->name, list);
			free(list);
		}
		return -1;
	}
	fatalx("option \"%s\" has an unknown type", o->name);
}

void
cfg_set_defaults(const struct cfg_option *table, size_t n, void *conf)
{
	char	*cause;

	for (size_t i = 0; i < n; i++) {
		if (cfg_assign(&table[i], conf, table[i].default_value, &cause) < 0)
			fatalx("bad default in option table: %s", cause);
	}
}

int
cfg_set_option(const struct cfg_option *table, size_t n, void *conf,
    const char *name, const char *value, char **cause)
{
	const struct cfg_option	*o;

	if ((o = cfg_find(table, n, name)) == NULL) {
		*cause = xasprintf("unknown option \"%s\"", name);
		return -1;
	}
	return cfg_assign(o, conf, value, cause);
}

/* Remembers section `name`; returns true if it was read before. */
static bool
cfg_section_seen(struct cfg_loader *l, const char *name)
{
	for (size_t i = 0; i < l->nsections; i++) {
		if (strcmp(l->sections[i], name) == 0)
			return true;
	}
	l->sections = xreallocarray(l->sections, l->nsections + 1,
	    sizeof *l->sections);
	l->sections[l->nsections++] = xstrdup(name);
	return false;
}

/* Reads the next event; on a syntax error records it and returns -1. */
static int
cfg_next(struct cfg_loader *l, yaml_event_t *ev)
{
	if (yaml_parser_parse(&l->parser, ev))
		return 0;

	yaml_mark_t	mark = l->parser.problem_mark;

	if (l->parser.error == YAML_READER_ERROR) {
		/* Reader errors carry only a byte offset; find its line. */
		size_t	off = l->parser.problem_offset;

		mark.line = 0;
		mark.column = 0;
		for (size_t i = 0; i < off && i < l->len; i++) {
			if (l->data[i] == '\n') {
				mark.line++;
				mark.column = 0;
			} else if (((unsigned char)l->data[i] & 0xC0) != 0x80)
				mark.column++;
		}
		cfg_error_at(l, mark, "cannot read the file: %s",
		    l->parser.problem != NULL ? l->parser.problem :
		    "unreadable input");
	} else
		cfg_error_at(l, mark, "%s%s%s",
		    l->parser.problem != NULL ? l->parser.problem : "syntax error",
		    l->parser.context != NULL ? " " : "",
		    l->parser.context != NULL ? l->parser.context : "");
	l->broken = true;
	return -1;
}

/*
 * Consumes the rest of a node whose start event was just read, so the walk
 * can carry on after a key it refused. Returns -1 on a syntax error.
 */
static int
cfg_skip_node(struct cfg_loader *l, yaml_event_type_t start)
{
	int		depth = 1;
	yaml_event_t	ev;

	if (start != YAML_MAPPING_START_EVENT && start != YAML_SEQUENCE_START_EVENT)
		return 0;
	while (depth > 0) {
		if (cfg_next(l, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (ev.type == YAML_MAPPING_END_EVENT ||
		    ev.type == YAML_SEQUENCE_END_EVENT)
			depth--;
		else if (ev.type == YAML_ALIAS_EVENT)
			cfg_error_at(l, ev.start_mark,
			    "YAML aliases are not allowed in configuration");
		yaml_event_delete(&ev);
	}
	return 0;
}

static const char *
cfg_event_anchor(const yaml_event_t *ev)
{
	if (ev->type == YAML_SCALAR_EVENT)
		return (const char *)ev->data.scalar.anchor;
	if (ev->type == YAML_MAPPING_START_EVENT)
		return (const char *)ev->data.mapping_start.anchor;
	if (ev->type == YAML_SEQUENCE_START_EVENT)
		return (const char *)ev->data.sequence_start.anchor;
	return NULL;
}

/* A plain ~, null or empty scalar: the option is left empty. */
static bool
cfg_scalar_is_null(const yaml_event_t *ev)
{
	const char	*v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

/* Sets option `name` from the scalar `ev`; problems with the name point at `key_mark`. */
static void
cfg_apply_scalar(struct cfg_loader *l, const char *name, yaml_mark_t key_mark,
    const yaml_event_t *ev)
{
	const struct cfg_option	*o = cfg_find(l->table, l->n, name);
	const char		*value = (const char *)ev->data.scalar.value;
	char			*cause;

	if (o == NULL) {
		cfg_error_at(l, key_mark, "unknown option \"%s\"", name);
		return;
	}
	if (l->seen[o - l->table]) {
		cfg_error_at(l, key_mark, "option \"%s\" is set twice", name);
		return;
	}
	l->seen[o - l->table] = true;
	if (strlen(value) != ev->data.scalar.length) {
		cfg_error_at(l, ev->start_mark, "value for \"%s\" contains a NUL byte",
		    name);
		return;
	}
	if (cfg_scalar_is_null(ev)) {
		if (o->type != CFG_STRING) {
			cfg_error_at(l, ev->start_mark, "option \"%s\" needs a value",
			    name);
			return;
		}
		value = "";
	}
	if (cfg_assign(o, l->conf, value, &cause) < 0) {
		cfg_error_at(l, ev->start_mark, "%s", cause);
		free(cause);
	}
}

/*
 * Walks the mapping whose start event was just read; `prefix` is its dotted
 * path ("" at the top). Returns -1 only on a syntax error.
 */
static int
cfg_walk_mapping(struct cfg_loader *l, const char *prefix, int depth)
{
	yaml_event_t	key, value;
	char		name[CFG_MAX_NAME];

	for (;;) {
		if (cfg_next(l, &key) < 0)
			return -1;
		if (key.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&key);
			return 0;
		}
		if (key.type != YAML_SCALAR_EVENT) {
			cfg_error_at(l, key.start_mark, key.type == YAML_ALIAS_EVENT ?
			    "YAML aliases are not allowed in configuration" :
			    "option names must be plain text");
			yaml_event_type_t t = key.type;
			yaml_event_delete(&key);
			if (cfg_skip_node(l, t) < 0)
				return -1;
			/* The value that follows is skipped as well. */
			if (cfg_next(l, &value) < 0)
				return -1;
			t = value.type;
			yaml_event_delete(&value);
			if (cfg_skip_node(l, t) < 0)
				return -1;
			continue;
		}
		if (cfg_event_anchor(&key) != NULL)
			cfg_error_at(l, key.start_mark,
			    "YAML anchors are not allowed in configuration");
		if (strlen((const char *)key.data.scalar.value) !=
		    key.data.scalar.length)
			cfg_error_at(l, key.start_mark,
			    "option name contains a NUL byte");
		if (snprintf(name, sizeof name, "%s%s%s", prefix,
		    prefix[0] != '\0' ? "." : "",
		    (const char *)key.data.scalar.value) >= (int)sizeof name) {
			cfg_error_at(l, key.start_mark, "option name is too long");
			name[0] = '\0';
		}
		yaml_mark_t key_mark = key.start_mark;
		yaml_event_delete(&key);

		if (cfg_next(l, &value) < 0)
			return -1;
		if (cfg_event_anchor(&value) != NULL)
			cfg_error_at(l, value.start_mark,
			    "YAML anchors are not allowed in configuration");

		switch (value.type) {
		case YAML_SCALAR_EVENT:
			if (name[0] != '\0' && cfg_is_section(l->table, l->n, name))
				cfg_error_at(l, value.start_mark,
				    "\"%s\" is a section and needs options "
				    "beneath it", name);
			else if (name[0] != '\0')
				cfg_apply_scalar(l, name, key_mark, &value);
			yaml_event_delete(&value);
			break;
		case YAML_MAPPING_START_EVENT:
			yaml_event_delete(&value);
			if (name[0] == '\0' ||
			    !cfg_is_section(l->table, l->n, name)) {
				if (name[0] != '\0' &&
				    cfg_find(l->table, l->n, name) != NULL)
					cfg_error_at(l, key_mark, "option \"%s\" "
					    "takes a single value, not a mapping",
					    name);
				else if (name[0] != '\0')
					cfg_error_at(l, key_mark,
					    "unknown section \"%s\"", name);
				if (cfg_skip_node(l, YAML_MAPPING_START_EVENT) < 0)
					return -1;
			} else if (cfg_section_seen(l, name)) {
				cfg_error_at(l, key_mark, "section \"%s\" "
				    "appears twice", name);
				if (cfg_skip_node(l, YAML_MAPPING_START_EVENT) < 0)
					return -1;
			} else if (depth + 1 > CFG_MAX_DEPTH) {
				cfg_error_at(l, key_mark, "sections nested too deep");
				if (cfg_skip_node(l, YAML_MAPPING_START_EVENT) < 0)
					return -1;
			} else if (cfg_walk_mapping(l, name, depth + 1) < 0)
				return -1;
			break;
		case YAML_ALIAS_EVENT:
			cfg_error_at(l, value.start_mark,
			    "YAML aliases are not allowed in configuration");
			yaml_event_delete(&value);
			break;
		default:
			cfg_error_at(l, value.start_mark,
			    "option \"%s\" takes a single value, not a list", name);
			yaml_event_type_t t = value.type;
			yaml_event_delete(&value);
			if (cfg_skip_node(l, t) < 0)
				return -1;
			break;
		}
	}
}

/* Walks the whole stream: at most one document, whose root is a mapping. */
static void
cfg_walk(struct cfg_loader *l)
{
	yaml_event_t	ev;
	int		documents = 0;

	for (;;) {
		if (cfg_next(l, &ev) < 0)
			return;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			return;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1)
				cfg_error_at(l, ev.start_mark,
				    "only one YAML document is allowed");
			break;
		case YAML_MAPPING_START_EVENT:
			if (cfg_event_anchor(&ev) != NULL)
				cfg_error_at(l, ev.start_mark,
				    "YAML anchors are not allowed in configuration");
			yaml_event_delete(&ev);
			if (cfg_walk_mapping(l, "", 1) < 0)
				return;
			continue;
		case YAML_SCALAR_EVENT:
			/* An empty document is a plain empty scalar: no options. */
			if (!cfg_scalar_is_null(&ev))
				cfg_error_at(l, ev.start_mark,
				    "configuration must be a mapping of options");
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_ALIAS_EVENT:
			cfg_error_at(l, ev.start_mark,
			    "configuration must be a mapping of options");
			if (cfg_skip_node(l, ev.type) < 0) {
				yaml_event_delete(&ev);
				return;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
}

size_t
cfg_load_buffer(const struct cfg_option *table, size_t n, void *conf,
    const char *name, const char *data, size_t len, struct cfg_errors *errs)
{
	struct cfg_loader	l = {
		.table = table, .n = n, .conf = conf, .file = name,
		.data = data, .len = len, .errs = errs,
	};

	l.seen = xcalloc(n, sizeof *l.seen);
	if (!yaml_parser_initialize(&l.parser))
		fatalx("could not initialise the YAML parser");
	yaml_parser_set_input_string(&l.parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&l.parser, YAML_UTF8_ENCODING);
	cfg_walk(&l);
	yaml_parser_delete(&l.parser);
	for (size_t i = 0; i < l.nsections; i++)
		free(l.sections[i]);
	free(l.sections);
	free(l.seen);
	return l.nerrs;
}

size_t
cfg_load_file(const struct cfg_option *table, size_t n, void *conf,
    const char *path, struct cfg_errors *errs)
{
	FILE		*fp;
	char		*data;
	size_t		 len, nerrs;
	yaml_mark_t	 start = { 0, 0, 0 };
	struct cfg_loader l = { .file = path, .errs = errs };

	if ((fp = fopen(path, "r")) == NULL) {
		cfg_error_at(&l, start, "could not open configuration file: %s",
		    strerror(errno));
		return 1;
	}
	data = xmalloc(CFG_MAX_FILE_SIZE + 1);
	len = fread(data, 1, CFG_MAX_FILE_SIZE + 1, fp);
	if (ferror(fp)) {
		cfg_error_at(&l, start, "could not read configuration file: %s",
		    strerror(errno));
		nerrs = 1;
	} else if (len > CFG_MAX_FILE_SIZE) {
		cfg_error_at(&l, start, "configuration file is larger than %d bytes",
		    CFG_MAX_FILE_SIZE);
		nerrs = 1;
	} else
		nerrs = cfg_load_buffer(table, n, conf, path, data, len, errs);
	fclose(fp);
	free(data);
	return nerrs;
}

int
cfg_load_file_report(const struct cfg_option *table, size_t n, void *conf,
    const char *path, FILE *errfp)
{
	struct cfg_errors	errs = { 0 };

	if (cfg_load_file(table, n, conf, path, &errs) == 0)
		return 0;
	for (size_t i = 0; i < errs.n; i++)
		fprintf(errfp, "%s\n", errs.items[i]);
	cfg_errors_free(&errs);
	return -1;
}

void
cfg_free_values(const struct cfg_option *table, size_t n, void *conf)
{
	for (size_t i = 0; i < n; i++) {
		if (table[i].type == CFG_STRING) {
			char **field = cfg_field(&table[i], conf);
			free(*field);
			*field = NULL;
		}
	}
}

void
cfg_errors_free(struct cfg_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		free(errs->items[i]);
	free(errs->items);
	errs->items = NULL;
	errs->n = 0;
}

/*
 * Writes `text` wrapped at 78 columns, each line indented by `indent` and
 * started with `marker` ("#" for YAML comments, "" for --help).
 */
static void
cfg_write_text(FILE *fp, int indent, const char *marker, const char *text)
{
	const char	*p = text;

	while (*p != '\0') {
		size_t	width = 76 - (size_t)indent, take = strlen(p), nl;

		nl = strcspn(p, "\n");
		if (nl < take)
			take = nl;
		if (take > width) {
			size_t cut = width;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			take = cut > 0 ? cut : width;
		}
		fprintf(fp, "%*s%s%s%.*s\n", indent, "", marker,
		    take > 0 && marker[0] != '\0' ? " " : "", (int)take, p);
		p += take;
		while (*p == ' ' || *p == '\n')
			p++;
	}
}

/*
 * Writes a string as a double-quoted YAML scalar that reads back to the same
 * bytes. Besides quotes and backslashes, that means escaping what YAML
 * readers refuse or fold in raw text: C0 and C1 controls, DEL, the line and
 * paragraph separators and the non-characters U+FFFE/U+FFFF.
 */
static void
cfg_write_quoted(FILE *fp, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;

	fputc('"', fp);
	while (*s != '\0') {
		uint32_t	cp;
		size_t		n;

		if (*s < 0x80) {
			cp = *s;
			n = 1;
		} else if ((*s & 0xE0) == 0xC0 && s[1] != '\0') {
			cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
			n = 2;
		} else if ((*s & 0xF0) == 0xE0 && s[1] != '\0' && s[2] != '\0') {
			cp = (uint32_t)(s[0] & 0x0F) << 12 |
			    (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
			n = 3;
		} else {
			/* Four bytes (or, defensively, a stray byte): as is. */
			cp = 0x10000;
			n = 1;
		}
		if (cp == '"' || cp == '\\')
			fprintf(fp, "\\%c", (int)cp);
		else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			fprintf(fp, "\\x%02x", (unsigned)cp);
		else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
		    cp == 0xFFFE || cp == 0xFFFF)
			fprintf(fp, "\\u%04x", (unsigned)cp);
		else
			fwrite(s, 1, n, fp);
		s += n;
	}
	fputc('"', fp);
}

static void
cfg_write_value(FILE *fp, const struct cfg_option *o, const void *conf)
{
	const void	*field = (const char *)conf + o->offset;

	switch (o->type) {
	case CFG_STRING: {
		const char *s = *(char *const *)field;
		cfg_write_quoted(fp, s != NULL ? s : "");
		break;
	}
	case CFG_INT:
		fprintf(fp, "%lld", (long long)*(const int64_t *)field);
		break;
	case CFG_BOOL:
		fputs(*(const bool *)field ? "true" : "false", fp);
		break;
	case CFG_ENUM:
		fputs(o->enum_names[*(const int *)field], fp);
		break;
	}
}

static void
cfg_write_describe(FILE *fp, int indent, const char *marker,
    const struct cfg_option *o)
{
	fprintf(fp, "%*s%s%s%s", indent, "", marker, marker[0] != '\0' ? " " : "",
	    cfg_type_name(o));
	if (o->type == CFG_INT)
		fprintf(fp, " in [%lld, %lld]", (long long)o->min, (long long)o->max);
	if (o->type == CFG_ENUM) {
		for (int i = 0; o->enum_names[i] != NULL; i++)
			fprintf(fp, "%s%s", i > 0 ? ", " : " ", o->enum_names[i]);
	}
	fprintf(fp, "; default: %s\n", o->default_value[0] != '\0' ?
	    o->default_value : "(empty)");
}

/* Number of leading dotted components `a` and `b` share, as sections. */
static int
cfg_common_sections(const char *a, const char *b)
{
	int	common = 0;

	for (;;) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		if (a[la] != '.' || b[lb] != '.' || la != lb ||
		    strncmp(a, b, la) != 0)
			return common;
		common++;
		a += la + 1;
		b += lb + 1;
	}
}

void
cfg_write(FILE *fp, const struct cfg_option *table, size_t n,
    const void *conf, const char *header)
{
	const char	*prev = "";

	cfg_write_text(fp, 0, "#", header);
	for (size_t i = 0; i < n; i++) {
		const struct cfg_option	*o = &table[i];
		int			 common = cfg_common_sections(prev, o->name);
		const char		*p = o->name;
		int			 level = 0;

		/* Skip the sections already open, then open the new ones. */
		for (; level < common; level++)
			p += strcspn(p, ".") + 1;
		for (size_t len; p[len = strcspn(p, ".")] == '.'; level++) {
			fprintf(fp, "\n%*s%.*s:\n", level * 2, "", (int)len, p);
			p += len + 1;
		}
		fputc('\n', fp);
		cfg_write_text(fp, level * 2, "#", o->help);
		cfg_write_describe(fp, level * 2, "#", o);
		fprintf(fp, "%*s%s: ", level * 2, "", p);
		cfg_write_value(fp, o, conf);
		fputc('\n', fp);
		prev = o->name;
	}
}

void
cfg_write_help(FILE *fp, const struct cfg_option *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct cfg_option	*o = &table[i];

		fprintf(fp, "  %s\n", o->name);
		cfg_write_text(fp, 6, "", o->help);
		cfg_write_describe(fp, 6, "", o);
	}
}
