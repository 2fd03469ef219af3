/*
 * check_cfg.c - unit tests for the option-table configuration loader (cfg.c).
 *
 * The tests build a small option table of their own over struct test_conf
 * (every option type, bounds, an enum, sections two levels deep) and load
 * YAML documents through it. A configuration error is the first thing an
 * operator sees, so error tests compare whole messages, "file:line:col:"
 * included, and check that one load reports every problem rather than the
 * first. cfg_write must produce a file that loads back to the same values;
 * the round-trip tests hold it to that with awkward strings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "testutil.h"
#include "cfg.h"

struct test_conf {
	char	*name;
	int64_t	 port;
	bool	 verbose;
	int	 log_level;
	char	*db_url;
	int64_t	 pool_size;
	bool	 pool_lazy;
	int64_t	 timeout_ms;
	char	*motd;
};

static const char *const test_levels[] = { "error", "warn", "info", "debug",
    NULL };

#define TEST_OPT(name, type, field, def, lo, hi, names, help) \
	{ name, type, offsetof(struct test_conf, field), def, lo, hi, names, \
	    help, 0 }

static const struct cfg_option test_table[] = {
	TEST_OPT("name", CFG_STRING, name, "tdkt", 0, 0, NULL,
	    "Name shown in the logs."),
	TEST_OPT("port", CFG_INT, port, "8080", 1, 65535, NULL,
	    "TCP port the server listens on for clients."),
	TEST_OPT("verbose", CFG_BOOL, verbose, "false", 0, 0, NULL,
	    "Log every request. This help text is deliberately long enough "
	    "that cfg_write has to wrap it over several comment lines, "
	    "which is what the example configuration does for real options."),
	TEST_OPT("log_level", CFG_ENUM, log_level, "info", 0, 0, test_levels,
	    "Most verbose level logged."),
	TEST_OPT("database.url", CFG_STRING, db_url, "", 0, 0, NULL,
	    "PostgreSQL connection string."),
	TEST_OPT("database.pool.size", CFG_INT, pool_size, "4", 1, 64, NULL,
	    "Connections kept open."),
	TEST_OPT("database.pool.lazy", CFG_BOOL, pool_lazy, "true", 0, 0, NULL,
	    "Open connections only when needed."),
	TEST_OPT("database.timeout_ms", CFG_INT, timeout_ms, "-1", -1, 60000,
	    NULL, "Statement timeout; -1 leaves the server's."),
	TEST_OPT("motd", CFG_STRING, motd, "Xin chào", 0, 0, NULL,
	    "Lời chào hiển thị cho người dùng."),
};

#define TEST_N	(sizeof test_table / sizeof test_table[0])

enum { LEVEL_ERROR, LEVEL_WARN, LEVEL_INFO, LEVEL_DEBUG };

static struct test_conf		conf;
static struct cfg_errors	errs;

static void
cfg_test_setup(void)
{
	memset(&conf, 0, sizeof conf);
	memset(&errs, 0, sizeof errs);
	cfg_set_defaults(test_table, TEST_N, &conf);
}

static void
cfg_test_teardown(void)
{
	cfg_free_values(test_table, TEST_N, &conf);
	cfg_errors_free(&errs);
}

/* Loads `text` as file "t.yaml" over `conf`; returns the number of errors. */
static size_t
cfg_test_load(const char *text)
{
	return cfg_load_buffer(test_table, TEST_N, &conf, "t.yaml", text,
	    strlen(text), &errs);
}

/* All errors, one a line, for failure messages. */
static const char *
cfg_test_errors(void)
{
	return testutil_errors_text(errs.items, errs.n);
}

#define ASSERT_NERRS(want) \
	ck_assert_msg(errs.n == (want), "%zu errors, expected %d:%s", errs.n, \
	    (int)(want), cfg_test_errors())

/* Error `i` is exactly `want`. */
#define ASSERT_ERROR(i, want) do { \
	ck_assert_msg(errs.n > (i), "no error %d:%s", (int)(i), \
	    cfg_test_errors()); \
	ck_assert_str_eq(errs.items[i], want); \
} while (0)

/* Error `i` starts with `prefix` and contains `part`. */
#define ASSERT_ERROR_HAS(i, prefix, part) do { \
	ck_assert_msg(errs.n > (i), "no error %d:%s", (int)(i), \
	    cfg_test_errors()); \
	ck_assert_msg(strncmp(errs.items[i], prefix, strlen(prefix)) == 0, \
	    "error \"%s\" does not start with \"%s\"", errs.items[i], prefix); \
	ck_assert_msg(strstr(errs.items[i], part) != NULL, \
	    "error \"%s\" does not mention \"%s\"", errs.items[i], part); \
} while (0)

/* The defaults, as a fresh struct; the caller frees with cfg_free_values. */
static struct test_conf
cfg_test_defaults(void)
{
	struct test_conf	c;

	memset(&c, 0, sizeof c);
	cfg_set_defaults(test_table, TEST_N, &c);
	return c;
}

static void
cfg_test_assert_eq(const struct test_conf *a, const struct test_conf *b)
{
	ck_assert_str_eq(a->name, b->name);
	ck_assert_int_eq(a->port, b->port);
	ck_assert_int_eq(a->verbose, b->verbose);
	ck_assert_int_eq(a->log_level, b->log_level);
	ck_assert_str_eq(a->db_url, b->db_url);
	ck_assert_int_eq(a->pool_size, b->pool_size);
	ck_assert_int_eq(a->pool_lazy, b->pool_lazy);
	ck_assert_int_eq(a->timeout_ms, b->timeout_ms);
	ck_assert_str_eq(a->motd, b->motd);
}

/* Sets an option that must be accepted. */
static void
cfg_test_set(struct test_conf *c, const char *name, const char *value)
{
	char	*cause = NULL;

	if (cfg_set_option(test_table, TEST_N, c, name, value, &cause) != 0)
		ck_abort_msg("%s=%s refused: %s", name, value, cause);
	ck_assert_ptr_null(cause);
}

/* Writes `c` with cfg_write and returns the text; the caller frees it. */
static char *
cfg_test_write(const struct test_conf *c, const char *header)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(fp);
	cfg_write(fp, test_table, TEST_N, c, header);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_uint_eq(strlen(text), len);
	return text;
}

/* ~, null and nothing leave a string option empty (and are not NUL bytes). */
START_TEST(test_cfg_null_string_is_empty)
{
	ck_assert_uint_eq(cfg_test_load("name: ~\nmotd: null\ndatabase:\n  url:\n"),
	    0);
	ck_assert_str_eq(conf.name, "");
	ck_assert_str_eq(conf.motd, "");
	ck_assert_str_eq(conf.db_url, "");
}
END_TEST

/*
 * Strings a reader would refuse or fold in raw text (DEL, C1 controls such
 * as NEL, the line separator, non-characters) survive cfg_write and load
 * back byte for byte.
 */
START_TEST(test_cfg_round_trip_awkward_strings)
{
	static const char *const values[] = {
		"a\x7f" "b", "a\xc2\x80" "b", "a\xc2\x85" "b", "\xef\xbf\xbe",
		"a \xe2\x80\xa8 b", "x\xe2\x80\xa9y", "\xef\xbb\xbf" "bom",
		"tab\there", "Trường \"THCS\" \\ 😀",
	};

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		struct test_conf	 c = cfg_test_defaults();
		char			*text;

		cfg_test_set(&c, "motd", values[i]);
		text = cfg_test_write(&c, "awkward");
		ck_assert_msg(cfg_load_buffer(test_table, TEST_N, &conf, "w",
		    text, strlen(text), &errs) == 0, "value %zu: %s", i,
		    errs.n > 0 ? errs.items[0] : "");
		ck_assert_msg(strcmp(conf.motd, values[i]) == 0,
		    "value %zu came back different", i);
		free(text);
		cfg_free_values(test_table, TEST_N, &c);
	}
}
END_TEST

START_TEST(test_cfg_defaults)
{
	ck_assert_str_eq(conf.name, "tdkt");
	ck_assert_int_eq(conf.port, 8080);
	ck_assert(!conf.verbose);
	ck_assert_int_eq(conf.log_level, LEVEL_INFO);
	ck_assert_str_eq(conf.db_url, "");
	ck_assert_int_eq(conf.pool_size, 4);
	ck_assert(conf.pool_lazy);
	ck_assert_int_eq(conf.timeout_ms, -1);
	ck_assert_str_eq(conf.motd, "Xin chào");

	/* Setting the defaults again frees the old strings (LSan checks). */
	cfg_set_defaults(test_table, TEST_N, &conf);
	ck_assert_str_eq(conf.name, "tdkt");
}
END_TEST

START_TEST(test_cfg_load_good)
{
	size_t	n;

	n = cfg_test_load("# a full configuration\n"
	    "name: \"Trường Tiểu học\"\n"
	    "port: 9000\n"
	    "verbose: yes\n"
	    "log_level: debug\n"
	    "database:\n"
	    "  url: 'postgresql:///tdkt?host=/run/postgresql'\n"
	    "  pool:\n"
	    "    size: 16\n"
	    "    lazy: off\n"
	    "  timeout_ms: 60000\n"
	    "motd: Lao động tiên tiến\n");
	ck_assert_msg(n == 0, "errors:%s", cfg_test_errors());
	ASSERT_NERRS(0);
	ck_assert_str_eq(conf.name, "Trường Tiểu học");
	ck_assert_int_eq(conf.port, 9000);
	ck_assert(conf.verbose);
	ck_assert_int_eq(conf.log_level, LEVEL_DEBUG);
	ck_assert_str_eq(conf.db_url,
	    "postgresql:///tdkt?host=/run/postgresql");
	ck_assert_int_eq(conf.pool_size, 16);
	ck_assert(!conf.pool_lazy);
	ck_assert_int_eq(conf.timeout_ms, 60000);
	ck_assert_str_eq(conf.motd, "Lao động tiên tiến");
}
END_TEST

/* Options not in the file keep the values already in the struct. */
START_TEST(test_cfg_load_partial)
{
	ck_assert_uint_eq(cfg_test_load("database:\n  pool:\n    size: 1\n"),
	    0);
	ck_assert_int_eq(conf.pool_size, 1);
	ck_assert_int_eq(conf.port, 8080);
	ck_assert(conf.pool_lazy);
	ck_assert_str_eq(conf.motd, "Xin chào");
}
END_TEST

/* Sections may be written in flow style or block style, nested. */
START_TEST(test_cfg_nested_sections)
{
	size_t	n;

	n = cfg_test_load("database:\n"
	    "  url: \"x\"\n"
	    "  pool: {size: 2, lazy: false}\n"
	    "  timeout_ms: 0\n"
	    "port: 1\n");
	ck_assert_msg(n == 0, "errors:%s", cfg_test_errors());
	ck_assert_str_eq(conf.db_url, "x");
	ck_assert_int_eq(conf.pool_size, 2);
	ck_assert(!conf.pool_lazy);
	ck_assert_int_eq(conf.timeout_ms, 0);
	ck_assert_int_eq(conf.port, 1);
}
END_TEST

START_TEST(test_cfg_bool_spellings)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	char	doc[64];

	for (size_t i = 0; i < 3; i++) {
		snprintf(doc, sizeof doc, "verbose: %s\n", yes[i]);
		conf.verbose = false;
		ck_assert_uint_eq(cfg_test_load(doc), 0);
		ck_assert_msg(conf.verbose, "%s is not true", yes[i]);

		snprintf(doc, sizeof doc, "verbose: %s\n", no[i]);
		conf.verbose = true;
		ck_assert_uint_eq(cfg_test_load(doc), 0);
		ck_assert_msg(!conf.verbose, "%s is not false", no[i]);
	}
	ASSERT_NERRS(0);
}
END_TEST

START_TEST(test_cfg_int_bounds)
{
	/* Both bounds are inclusive, negative ones too. */
	ck_assert_uint_eq(cfg_test_load("port: 1\n"
	    "database: {timeout_ms: -1}\n"), 0);
	ck_assert_int_eq(conf.port, 1);
	ck_assert_int_eq(conf.timeout_ms, -1);
	ck_assert_uint_eq(cfg_test_load("port: 65535\n"), 0);
	ck_assert_int_eq(conf.port, 65535);
	ASSERT_NERRS(0);

	ck_assert_uint_eq(cfg_test_load("port: 65536\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:7: value 65536 for \"port\" is out of range "
	    "[1, 65535]");
	ck_assert_uint_eq(cfg_test_load("port: 0\n"), 1);
	ASSERT_ERROR(1, "t.yaml:1:7: value 0 for \"port\" is out of range "
	    "[1, 65535]");
	ck_assert_uint_eq(cfg_test_load("database:\n  timeout_ms: -2\n"), 1);
	ASSERT_ERROR(2, "t.yaml:2:15: value -2 for \"database.timeout_ms\" is "
	    "out of range [-1, 60000]");
	/* A refused value leaves the old one. */
	ck_assert_int_eq(conf.port, 65535);
	ck_assert_int_eq(conf.timeout_ms, -1);
}
END_TEST

START_TEST(test_cfg_int_invalid)
{
	ck_assert_uint_eq(cfg_test_load("port: 12abc\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:7: invalid integer \"12abc\" for \"port\"");
	ck_assert_uint_eq(cfg_test_load("\nport: 1.5\n"), 1);
	ASSERT_ERROR(1, "t.yaml:2:7: invalid integer \"1.5\" for \"port\"");
	ck_assert_uint_eq(cfg_test_load("port: 99999999999999999999\n"), 1);
	ASSERT_ERROR(2, "t.yaml:1:7: invalid integer \"99999999999999999999\" "
	    "for \"port\"");
	ck_assert_uint_eq(cfg_test_load("port: \"\"\n"), 1);
	ASSERT_ERROR(3, "t.yaml:1:7: invalid integer \"\" for \"port\"");
	ck_assert_uint_eq(cfg_test_load("port: 0x50\n"), 1);
	ASSERT_ERROR(4, "t.yaml:1:7: invalid integer \"0x50\" for \"port\"");
	ck_assert_int_eq(conf.port, 8080);
}
END_TEST

START_TEST(test_cfg_needs_value)
{
	/* An empty value is an error for non-strings... */
	ck_assert_uint_eq(cfg_test_load("port:\nverbose: ~\nlog_level: null\n"),
	    3);
	ASSERT_ERROR(0, "t.yaml:1:6: option \"port\" needs a value");
	ASSERT_ERROR(1, "t.yaml:2:10: option \"verbose\" needs a value");
	ASSERT_ERROR(2, "t.yaml:3:12: option \"log_level\" needs a value");
	cfg_errors_free(&errs);

	/* ...and the empty string for strings; quoted "null" is a word. */
	cfg_test_set(&conf, "database.url", "was set");
	ck_assert_uint_eq(cfg_test_load("database:\n  url:\n"
	    "name: ''\n"
	    "motd: \"null\"\n"), 0);
	ck_assert_str_eq(conf.db_url, "");
	ck_assert_str_eq(conf.name, "");
	ck_assert_str_eq(conf.motd, "null");
}
END_TEST

START_TEST(test_cfg_bool_invalid)
{
	ck_assert_uint_eq(cfg_test_load("verbose: maybe\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:10: invalid boolean \"maybe\" for "
	    "\"verbose\": expected true or false");
	ck_assert_uint_eq(cfg_test_load("database:\n  pool:\n    lazy: 1\n"),
	    1);
	ASSERT_ERROR(1, "t.yaml:3:11: invalid boolean \"1\" for "
	    "\"database.pool.lazy\": expected true or false");
	ck_assert(!conf.verbose);
	ck_assert(conf.pool_lazy);
}
END_TEST

START_TEST(test_cfg_enum)
{
	ck_assert_uint_eq(cfg_test_load("log_level: warn\n"), 0);
	ck_assert_int_eq(conf.log_level, LEVEL_WARN);
	ck_assert_uint_eq(cfg_test_load("log_level: loud\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:12: invalid value \"loud\" for "
	    "\"log_level\": expected one of error, warn, info, debug");
	/* Names are matched exactly. */
	ck_assert_uint_eq(cfg_test_load("log_level: DEBUG\n"), 1);
	ASSERT_ERROR_HAS(1, "t.yaml:1:12: ", "expected one of error, warn, "
	    "info, debug");
	ck_assert_int_eq(conf.log_level, LEVEL_WARN);
}
END_TEST

START_TEST(test_cfg_unknown_option)
{
	ck_assert_uint_eq(cfg_test_load("port: 1\nbogus: 1\n"), 1);
	ASSERT_ERROR_HAS(0, "t.yaml:2:", ": unknown option \"bogus\"");
	ck_assert_uint_eq(cfg_test_load("database:\n  uri: x\n"), 1);
	ASSERT_ERROR_HAS(1, "t.yaml:2:", ": unknown option \"database.uri\"");
	/* An option name is not a section name, nor the other way round. */
	ck_assert_uint_eq(cfg_test_load("pool:\n  size: 3\n"), 1);
	ASSERT_ERROR(2, "t.yaml:1:1: unknown section \"pool\"");
	ck_assert_int_eq(conf.pool_size, 4);
}
END_TEST

START_TEST(test_cfg_unknown_section)
{
	ck_assert_uint_eq(cfg_test_load("cache:\n  size: 1\n  ttl: {a: 1}\n"
	    "port: 2\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:1: unknown section \"cache\"");
	/* The walk resumes after the skipped section. */
	ck_assert_int_eq(conf.port, 2);

	ck_assert_uint_eq(cfg_test_load("database:\n  replica:\n    url: x\n"),
	    1);
	ASSERT_ERROR(1, "t.yaml:2:3: unknown section \"database.replica\"");
	ck_assert_str_eq(conf.db_url, "");
}
END_TEST

START_TEST(test_cfg_scalar_for_section)
{
	ck_assert_uint_eq(cfg_test_load("database: postgresql://x\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:11: \"database\" is a section and needs "
	    "options beneath it");
	ck_assert_uint_eq(cfg_test_load("database:\n  pool: 5\n"), 1);
	ASSERT_ERROR(1, "t.yaml:2:9: \"database.pool\" is a section and needs "
	    "options beneath it");
	ck_assert_str_eq(conf.db_url, "");
	ck_assert_int_eq(conf.pool_size, 4);
}
END_TEST

START_TEST(test_cfg_mapping_for_scalar)
{
	ck_assert_uint_eq(cfg_test_load("port:\n  value: 9000\n"
	    "verbose: true\n"), 1);
	ASSERT_ERROR_HAS(0, "t.yaml:1:1: ", "\"port\"");
	ck_assert_int_eq(conf.port, 8080);
	ck_assert(conf.verbose);

	ck_assert_uint_eq(cfg_test_load("database:\n  url: {host: x}\n"), 1);
	ASSERT_ERROR_HAS(1, "t.yaml:2:3: ", "\"database.url\"");
	ck_assert_str_eq(conf.db_url, "");
}
END_TEST

START_TEST(test_cfg_list_refused)
{
	ck_assert_uint_eq(cfg_test_load("port: [1, 2]\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:7: option \"port\" takes a single value, "
	    "not a list");
	ck_assert_uint_eq(cfg_test_load("name:\n  - a\n  - [b, {c: d}]\n"
	    "port: 3\n"), 1);
	ASSERT_ERROR(1, "t.yaml:2:3: option \"name\" takes a single value, "
	    "not a list");
	/* The whole list is skipped and the walk goes on. */
	ck_assert_int_eq(conf.port, 3);
	ck_assert_str_eq(conf.name, "tdkt");
}
END_TEST

START_TEST(test_cfg_alias_anchor)
{
	ck_assert_uint_eq(cfg_test_load("port: &x 1\nmotd: *x\n"), 2);
	ASSERT_ERROR(0, "t.yaml:1:7: YAML anchors are not allowed in "
	    "configuration");
	ASSERT_ERROR(1, "t.yaml:2:7: YAML aliases are not allowed in "
	    "configuration");
	ck_assert_str_eq(conf.motd, "Xin chào");
}
END_TEST

START_TEST(test_cfg_anchor_places)
{
	/* On a section... */
	ck_assert_uint_eq(cfg_test_load("database: &db\n  url: x\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:11: YAML anchors are not allowed in "
	    "configuration");
	/* ...on a key... */
	ck_assert_uint_eq(cfg_test_load("&k port: 5\n"), 1);
	ASSERT_ERROR(1, "t.yaml:1:1: YAML anchors are not allowed in "
	    "configuration");
	/* ...on the whole document... */
	ck_assert_uint_eq(cfg_test_load("&top\nverbose: on\n"), 1);
	ASSERT_ERROR(2, "t.yaml:1:1: YAML anchors are not allowed in "
	    "configuration");
	/* ...and an alias as a key or inside a skipped list. */
	ck_assert_uint_eq(cfg_test_load("*k : 5\nname: [a, *k]\n"), 3);
	ASSERT_ERROR(3, "t.yaml:1:1: YAML aliases are not allowed in "
	    "configuration");
	ASSERT_ERROR(4, "t.yaml:2:7: option \"name\" takes a single value, "
	    "not a list");
	ASSERT_ERROR(5, "t.yaml:2:11: YAML aliases are not allowed in "
	    "configuration");
}
END_TEST

START_TEST(test_cfg_duplicate_key)
{
	ck_assert_uint_eq(cfg_test_load("port: 1\nport: 2\n"), 1);
	ASSERT_ERROR(0, "t.yaml:2:1: option \"port\" is set twice");
	ck_assert_int_eq(conf.port, 1);

	/* A section written twice is a duplicate key too, not a merge. */
	ck_assert_uint_eq(cfg_test_load("database:\n  url: a\n"
	    "database:\n  url: b\n"), 1);
	ASSERT_ERROR(1, "t.yaml:3:1: section \"database\" appears twice");
	ck_assert_str_eq(conf.db_url, "a");
}
END_TEST

START_TEST(test_cfg_non_plain_key)
{
	ck_assert_uint_eq(cfg_test_load("[a, b]: 1\nport: 2\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:1: option names must be plain text");
	ck_assert_int_eq(conf.port, 2);
}
END_TEST

START_TEST(test_cfg_string_limits)
{
	char	*doc;
	size_t	 big = 5000;

	ck_assert_uint_eq(cfg_test_load("motd: \"a\\0b\"\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:7: value for \"motd\" contains a NUL byte");

	doc = malloc(big + 16);
	strcpy(doc, "motd: ");
	memset(doc + 6, 'x', big);
	strcpy(doc + 6 + big, "\n");
	ck_assert_uint_eq(cfg_test_load(doc), 1);
	ASSERT_ERROR(1, "t.yaml:1:7: value for \"motd\" is longer than 4096 "
	    "bytes");
	free(doc);
	ck_assert_str_eq(conf.motd, "Xin chào");
}
END_TEST

START_TEST(test_cfg_many_errors_one_load)
{
	size_t	n;

	n = cfg_test_load("port: 0\n"
	    "verbose: maybe\n"
	    "log_level: loud\n"
	    "cache:\n"
	    "  size: 1\n"
	    "database:\n"
	    "  pool:\n"
	    "    size: 65\n"
	    "  url: [a]\n"
	    "motd: ok\n"
	    "motd: again\n");
	ck_assert_uint_eq(n, 7);
	ASSERT_NERRS(7);
	ASSERT_ERROR_HAS(0, "t.yaml:1:7: ", "out of range");
	ASSERT_ERROR_HAS(1, "t.yaml:2:10: ", "invalid boolean");
	ASSERT_ERROR_HAS(2, "t.yaml:3:12: ", "expected one of");
	ASSERT_ERROR_HAS(3, "t.yaml:4:1: ", "unknown section \"cache\"");
	ASSERT_ERROR(4, "t.yaml:8:11: value 65 for \"database.pool.size\" is "
	    "out of range [1, 64]");
	ASSERT_ERROR_HAS(5, "t.yaml:9:8: ", "not a list");
	ASSERT_ERROR_HAS(6, "t.yaml:11:1: ", "set twice");
	/* Good options among the bad are still read. */
	ck_assert_str_eq(conf.motd, "ok");
}
END_TEST

/* Errors accumulate across loads into the same list. */
START_TEST(test_cfg_errors_accumulate)
{
	ck_assert_uint_eq(cfg_test_load("port: 0\n"), 1);
	ck_assert_uint_eq(cfg_load_buffer(test_table, TEST_N, &conf, "u.yaml",
	    "verbose: 2\n", 11, &errs), 1);
	ASSERT_NERRS(2);
	ASSERT_ERROR_HAS(0, "t.yaml:1:7: ", "port");
	ASSERT_ERROR_HAS(1, "u.yaml:1:10: ", "verbose");
	cfg_errors_free(&errs);
	ck_assert_ptr_null(errs.items);
	ck_assert_uint_eq(errs.n, 0);
	/* Freeing an empty list is fine. */
	cfg_errors_free(&errs);
}
END_TEST

START_TEST(test_cfg_syntax_error)
{
	ck_assert_uint_eq(cfg_test_load("port: 1\nname: a: b\n"), 1);
	ASSERT_ERROR(0, "t.yaml:2:8: mapping values are not allowed in this "
	    "context");
}
END_TEST

/* A syntax error stops the walk: errors before it stay, none after. */
START_TEST(test_cfg_syntax_error_stops)
{
	ck_assert_uint_eq(cfg_test_load("port: 0\n"
	    "name: \"open\n"
	    "verbose: maybe\n"), 2);
	ASSERT_ERROR_HAS(0, "t.yaml:1:7: ", "out of range");
	ASSERT_ERROR_HAS(1, "t.yaml:", "quoted scalar");
	ck_assert(!conf.verbose);
}
END_TEST

START_TEST(test_cfg_bad_utf8)
{
	static const char	doc1[] = "port: 1\nmotd: ab\xff" "cd\n";
	static const char	doc2[] = "port: 1\nname: x\n"
	    "motd: Nguyễn \xff\n";
	static const char	doc3[] = "port: 1\nmotd: ab\xe1\x80";

	ck_assert_uint_eq(cfg_load_buffer(test_table, TEST_N, &conf, "t.yaml",
	    doc1, sizeof doc1 - 1, &errs), 1);
	ASSERT_ERROR_HAS(0, "t.yaml:2:9: ", "UTF-8");

	/* Columns count characters: "motd: Nguyễn " is 13 of them. */
	ck_assert_uint_eq(cfg_load_buffer(test_table, TEST_N, &conf, "t.yaml",
	    doc2, sizeof doc2 - 1, &errs), 1);
	ASSERT_ERROR_HAS(1, "t.yaml:3:14: ", "UTF-8");

	/* A sequence cut off by the end of the file. */
	ck_assert_uint_eq(cfg_load_buffer(test_table, TEST_N, &conf, "t.yaml",
	    doc3, sizeof doc3 - 1, &errs), 1);
	ASSERT_ERROR_HAS(2, "t.yaml:2:9: ", "UTF-8");

	/* The broken value itself never reaches the struct. */
	ck_assert_str_eq(conf.motd, "Xin chào");
}
END_TEST

START_TEST(test_cfg_empty_documents)
{
	static const char *const docs[] = { "", "\n", "# only a comment\n",
	    "---\n", "--- ~\n", "---\n...\n", "null\n" };

	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		ck_assert_msg(cfg_test_load(docs[i]) == 0, "document %zu:%s", i,
		    cfg_test_errors());
	}
	ASSERT_NERRS(0);
	ck_assert_int_eq(conf.port, 8080);
	ck_assert_str_eq(conf.motd, "Xin chào");
}
END_TEST

START_TEST(test_cfg_top_level_not_mapping)
{
	ck_assert_uint_eq(cfg_test_load("- port: 1\n- verbose: true\n"), 1);
	ASSERT_ERROR(0, "t.yaml:1:1: configuration must be a mapping of "
	    "options");
	ck_assert_uint_eq(cfg_test_load("\nport\n"), 1);
	ASSERT_ERROR(1, "t.yaml:2:1: configuration must be a mapping of "
	    "options");
	ck_assert_int_eq(conf.port, 8080);
	ck_assert(!conf.verbose);
}
END_TEST

START_TEST(test_cfg_two_documents)
{
	ck_assert_uint_eq(cfg_test_load("port: 1\n---\nverbose: true\n"), 1);
	ASSERT_ERROR(0, "t.yaml:2:1: only one YAML document is allowed");
	cfg_errors_free(&errs);

	ck_assert_uint_ge(cfg_test_load("---\nport: 1\n...\n---\nport: 2\n"),
	    1);
	ASSERT_ERROR(0, "t.yaml:4:1: only one YAML document is allowed");
}
END_TEST

START_TEST(test_cfg_set_option)
{
	char	*cause = NULL;

	cfg_test_set(&conf, "port", "443");
	ck_assert_int_eq(conf.port, 443);
	cfg_test_set(&conf, "database.pool.size", "64");
	ck_assert_int_eq(conf.pool_size, 64);
	cfg_test_set(&conf, "database.pool.lazy", "no");
	ck_assert(!conf.pool_lazy);
	cfg_test_set(&conf, "log_level", "error");
	ck_assert_int_eq(conf.log_level, LEVEL_ERROR);
	cfg_test_set(&conf, "motd", "Chúc mừng năm mới");
	ck_assert_str_eq(conf.motd, "Chúc mừng năm mới");

	ck_assert_int_eq(cfg_set_option(test_table, TEST_N, &conf, "nope", "1",
	    &cause), -1);
	ck_assert_str_eq(cause, "unknown option \"nope\"");
	free(cause);
	/* A section is not an option. */
	ck_assert_int_eq(cfg_set_option(test_table, TEST_N, &conf, "database",
	    "x", &cause), -1);
	ck_assert_str_eq(cause, "unknown option \"database\"");
	free(cause);
	ck_assert_int_eq(cfg_set_option(test_table, TEST_N, &conf, "port",
	    "eighty", &cause), -1);
	ck_assert_str_eq(cause, "invalid integer \"eighty\" for \"port\"");
	free(cause);
	ck_assert_int_eq(cfg_set_option(test_table, TEST_N, &conf,
	    "database.pool.size", "65", &cause), -1);
	ck_assert_str_eq(cause, "value 65 for \"database.pool.size\" is out "
	    "of range [1, 64]");
	free(cause);
	ck_assert_int_eq(cfg_set_option(test_table, TEST_N, &conf, "log_level",
	    "all", &cause), -1);
	ck_assert_str_eq(cause, "invalid value \"all\" for \"log_level\": "
	    "expected one of error, warn, info, debug");
	free(cause);
	ck_assert_int_eq(cfg_set_option(test_table, TEST_N, &conf, "motd",
	    "bad \xe1\xbb", &cause), -1);
	ck_assert_str_eq(cause, "value for \"motd\" is not valid UTF-8");
	free(cause);

	/* Refused values changed nothing. */
	ck_assert_int_eq(conf.port, 443);
	ck_assert_int_eq(conf.pool_size, 64);
	ck_assert_int_eq(conf.log_level, LEVEL_ERROR);
	ck_assert_str_eq(conf.motd, "Chúc mừng năm mới");
}
END_TEST

START_TEST(test_cfg_load_file_missing)
{
	const char	*path = "/nonexistent-tdkt-dir/tdkt-test.yaml";

	ck_assert_uint_eq(cfg_load_file(test_table, TEST_N, &conf, path, &errs),
	    1);
	ASSERT_NERRS(1);
	ASSERT_ERROR(0, "/nonexistent-tdkt-dir/tdkt-test.yaml:1:1: could not "
	    "open configuration file: No such file or directory");
	ck_assert_int_eq(conf.port, 8080);
}
END_TEST

START_TEST(test_cfg_load_file)
{
	char	 path[] = "/tmp/check_cfg.XXXXXX";
	char	 want[128];
	int	 fd = mkstemp(path);
	FILE	*fp;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("port: 7000\ndatabase:\n  pool:\n    size: 99\n", fp);
	ck_assert_int_eq(fclose(fp), 0);

	ck_assert_uint_eq(cfg_load_file(test_table, TEST_N, &conf, path, &errs),
	    1);
	unlink(path);
	ck_assert_int_eq(conf.port, 7000);
	/* Messages name the file by its path. */
	snprintf(want, sizeof want, "%s:4:11: value 99 for "
	    "\"database.pool.size\" is out of range [1, 64]", path);
	ASSERT_ERROR(0, want);
}
END_TEST

START_TEST(test_cfg_write_format)
{
	const char	*header = "# tdkt test configuration\n"
	    "# Generated for check_cfg.\n";
	char		*text = cfg_test_write(&conf,
	    "tdkt test configuration\nGenerated for check_cfg.");
	char		*line, *save = NULL;

	ck_assert_msg(strncmp(text, header, strlen(header)) == 0,
	    "header:\n%s", text);
	ck_assert_ptr_nonnull(strstr(text,
	    "\n# TCP port the server listens on for clients.\n"
	    "# integer in [1, 65535]; default: 8080\n"
	    "port: 8080\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "\n# one of error, warn, info, debug; default: info\n"
	    "log_level: info\n"));
	ck_assert_ptr_nonnull(strstr(text, "\ndatabase:\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "  # string; default: (empty)\n  url: \"\"\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "\n  pool:\n\n    # Connections kept open.\n"
	    "    # integer in [1, 64]; default: 4\n    size: 4\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  timeout_ms: -1\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nmotd: \"Xin chào\"\n"));

	/* Long help is wrapped: no line is wider than 78 bytes. */
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		ck_assert_msg(strlen(line) <= 78, "line too long: \"%s\"",
		    line);
	free(text);
}
END_TEST

START_TEST(test_cfg_round_trip_defaults)
{
	struct test_conf	 other = cfg_test_defaults();
	char			*text = cfg_test_write(&conf, "defaults");
	size_t			 n;

	/* Move every option away from its default first. */
	cfg_test_set(&other, "name", "khác");
	cfg_test_set(&other, "port", "1");
	cfg_test_set(&other, "verbose", "true");
	cfg_test_set(&other, "log_level", "error");
	cfg_test_set(&other, "database.url", "postgresql://other");
	cfg_test_set(&other, "database.pool.size", "9");
	cfg_test_set(&other, "database.pool.lazy", "false");
	cfg_test_set(&other, "database.timeout_ms", "100");
	cfg_test_set(&other, "motd", "");

	n = cfg_load_buffer(test_table, TEST_N, &other, "written.yaml", text,
	    strlen(text), &errs);
	ck_assert_msg(n == 0, "written file refused:%s\n%s", cfg_test_errors(),
	    text);
	cfg_test_assert_eq(&other, &conf);
	cfg_free_values(test_table, TEST_N, &other);
	free(text);
}
END_TEST

START_TEST(test_cfg_round_trip_values)
{
	struct test_conf	 back = cfg_test_defaults();
	char			*text;
	size_t			 n;

	cfg_test_set(&conf, "name", "Ông \"Ba\" nói: C:\\thư mục\\ — "
	    "Trường Tiểu học Nguyễn Bỉnh Khiêm");
	cfg_test_set(&conf, "port", "65535");
	cfg_test_set(&conf, "verbose", "on");
	cfg_test_set(&conf, "log_level", "debug");
	cfg_test_set(&conf, "database.url",
	    "postgresql://u:p@h/db?sslmode=require&x='y' # not a comment");
	cfg_test_set(&conf, "database.pool.size", "64");
	cfg_test_set(&conf, "database.pool.lazy", "off");
	cfg_test_set(&conf, "database.timeout_ms", "60000");
	cfg_test_set(&conf, "motd",
	    "dòng 1\ndòng 2\tcột\r\\n\x01 {[&*!|>'%@`]} \xF0\x9F\x8E\x89");

	text = cfg_test_write(&conf, "values");
	n = cfg_load_buffer(test_table, TEST_N, &back, "written.yaml", text,
	    strlen(text), &errs);
	ck_assert_msg(n == 0, "written file refused:%s\n%s", cfg_test_errors(),
	    text);
	cfg_test_assert_eq(&back, &conf);
	cfg_free_values(test_table, TEST_N, &back);
	free(text);
}
END_TEST

START_TEST(test_cfg_write_help)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&text, &len);

	cfg_write_help(fp, test_table, TEST_N);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(text, "  database.pool.size\n"
	    "      Connections kept open.\n"
	    "      integer in [1, 64]; default: 4\n"));
	ck_assert_ptr_nonnull(strstr(text, "  motd\n"));
	/* Every option is listed. */
	for (size_t i = 0; i < TEST_N; i++) {
		char	want[64];

		snprintf(want, sizeof want, "  %s\n", test_table[i].name);
		ck_assert_msg(strstr(text, want) != NULL, "%s missing",
		    test_table[i].name);
	}
	free(text);
}
END_TEST

static Suite *
cfg_suite(void)
{
	Suite	*s = suite_create("cfg");
	TCase	*tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, cfg_test_setup, cfg_test_teardown);
	tcase_add_test(tc, test_cfg_defaults);
	tcase_add_test(tc, test_cfg_load_good);
	tcase_add_test(tc, test_cfg_load_partial);
	tcase_add_test(tc, test_cfg_nested_sections);
	tcase_add_test(tc, test_cfg_bool_spellings);
	tcase_add_test(tc, test_cfg_empty_documents);
	tcase_add_test(tc, test_cfg_set_option);
	tcase_add_test(tc, test_cfg_load_file);
	tcase_add_test(tc, test_cfg_load_file_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, cfg_test_setup, cfg_test_teardown);
	tcase_add_test(tc, test_cfg_int_bounds);
	tcase_add_test(tc, test_cfg_int_invalid);
	tcase_add_test(tc, test_cfg_needs_value);
	tcase_add_test(tc, test_cfg_bool_invalid);
	tcase_add_test(tc, test_cfg_enum);
	tcase_add_test(tc, test_cfg_string_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("structure");
	tcase_add_checked_fixture(tc, cfg_test_setup, cfg_test_teardown);
	tcase_add_test(tc, test_cfg_unknown_option);
	tcase_add_test(tc, test_cfg_unknown_section);
	tcase_add_test(tc, test_cfg_scalar_for_section);
	tcase_add_test(tc, test_cfg_mapping_for_scalar);
	tcase_add_test(tc, test_cfg_list_refused);
	tcase_add_test(tc, test_cfg_alias_anchor);
	tcase_add_test(tc, test_cfg_anchor_places);
	tcase_add_test(tc, test_cfg_duplicate_key);
	tcase_add_test(tc, test_cfg_non_plain_key);
	tcase_add_test(tc, test_cfg_many_errors_one_load);
	tcase_add_test(tc, test_cfg_errors_accumulate);
	tcase_add_test(tc, test_cfg_top_level_not_mapping);
	tcase_add_test(tc, test_cfg_two_documents);
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_checked_fixture(tc, cfg_test_setup, cfg_test_teardown);
	tcase_add_test(tc, test_cfg_syntax_error);
	tcase_add_test(tc, test_cfg_syntax_error_stops);
	tcase_add_test(tc, test_cfg_bad_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_checked_fixture(tc, cfg_test_setup, cfg_test_teardown);
	tcase_add_test(tc, test_cfg_write_format);
	tcase_add_test(tc, test_cfg_write_help);
	tcase_add_test(tc, test_cfg_round_trip_defaults);
	tcase_add_test(tc, test_cfg_round_trip_values);
	tcase_add_test(tc, test_cfg_round_trip_awkward_strings);
	tcase_add_test(tc, test_cfg_null_string_is_empty);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(cfg_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
