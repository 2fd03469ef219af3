/*
 * check_config.c - configuration checks and the CLI's contract with scripts.
 *
 * `tdkt-server -n` and `tdkt-worker -n` say "configuration OK" or list every
 * problem of a file as path:line:col: message and exit 1; the tests pin the
 * exact positions. The shipped client example must load in the CLI, and the
 * CLI's exit codes (0 ok, 1 server error, 2 usage, 3 unreachable) must hold.
 * No server runs here except where a test says so.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "harness_json.h"

#ifndef TDKT_SOURCE_DIR
#error "TDKT_SOURCE_DIR must name the source tree"
#endif

/* The port the shipped client example points at. */
#define CONFIG_EXAMPLE_PORT	7450

static struct harness	*h;

static void
config_teardown(void)
{
	harness_free(&h);
}

static bool
config_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Checks that `program -n -c path` exits 1 and reports exactly `expected`,
 * each line prefixed with "path:", on stderr.
 */
static void
config_expect_problems(const char *program, const char *path,
    const char *const *expected, size_t n)
{
	struct harness_output	 out;
	char			*want = NULL;
	size_t			 size = 0;
	FILE			*fp = open_memstream(&want, &size);

	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s:%s\n", path, expected[i]);
	fclose(fp);

	ck_assert_int_eq(harness_run(h, &out, program, "-n", "-c", path, NULL),
	    1);
	ck_assert_str_eq(out.out, "");
	ck_assert_msg(strcmp(out.err, want) == 0,
	    "%s -n reported:\n%s\nexpected:\n%s", program, out.err, want);
	harness_output_clear(&out);
	free(want);
}

START_TEST(test_server_config_check)
{
	static const char broken[] =
	    "# tdkt-server configuration with mistakes\n"
	    "listen:\n"
	    "  clients: \"tcp://127.0.0.1:7450\"\n"
	    "  bogus: yes\n"
	    "workers:\n"
	    "  heartbeat_ms: often\n"
	    "  liveness: 99\n"
	    "database:\n"
	    "  fsync: maybe\n"
	    "log:\n"
	    "  level: &loud debug\n"
	    "shutdown:\n"
	    "  grace_ms: *loud\n";
	static const char *const problems[] = {
	    "4:3: unknown option \"listen.bogus\"",
	    "6:17: invalid integer \"often\" for \"workers.heartbeat_ms\"",
	    "7:13: value 99 for \"workers.liveness\" is out of range [2, 20]",
	    "9:10: invalid boolean \"maybe\" for \"database.fsync\": expected "
	    "true or false",
	    "11:10: YAML anchors are not allowed in configuration",
	    "13:13: YAML aliases are not allowed in configuration",
	};
	struct harness_output	out;
	const char		*good;

	h = harness_new();
	good = harness_server_config(h, "good.yaml");
	ck_assert_int_eq(harness_run(h, &out, "tdkt-server", "-n", "-c", good,
	    NULL), 0);
	ck_assert_str_eq(out.out, "configuration OK\n");
	ck_assert_str_eq(out.err, "");
	harness_output_clear(&out);

	config_expect_problems("tdkt-server", harness_write(h, "broken.yaml",
	    broken), problems, sizeof problems / sizeof problems[0]);
}
END_TEST

START_TEST(test_worker_config_check)
{
	static const char good[] =
	    "server: \"tcp://127.0.0.1:7451\"\n"
	    "name: \"Trường THCS Lê Quý Đôn\"\n"
	    "capacity: 4\n"
	    "reconnect:\n"
	    "  min_ms: 100\n";
	static const char broken[] =
	    "# tdkt-worker configuration with mistakes\n"
	    "server: \"tcp://127.0.0.1:7451\"\n"
	    "capacity: 0\n"
	    "heartbeat_ms: 1s\n"
	    "colour: blue\n"
	    "name: *who\n"
	    "reconnect:\n"
	    "  min_ms: [1, 2]\n";
	static const char *const problems[] = {
	    "3:11: value 0 for \"capacity\" is out of range [1, 256]",
	    "4:15: invalid integer \"1s\" for \"heartbeat_ms\"",
	    "5:1: unknown option \"colour\"",
	    "6:7: YAML aliases are not allowed in configuration",
	    "8:11: option \"reconnect.min_ms\" takes a single value, not a "
	    "list",
	};
	struct harness_output	out;

	h = harness_new();
	ck_assert_int_eq(harness_run(h, &out, "tdkt-worker", "-n", "-c",
	    harness_write(h, "good.yaml", good), NULL), 0);
	ck_assert_str_eq(out.out, "configuration OK\n");
	ck_assert_str_eq(out.err, "");
	harness_output_clear(&out);

	config_expect_problems("tdkt-worker", harness_write(h, "broken.yaml",
	    broken), problems, sizeof problems / sizeof problems[0]);
}
END_TEST

START_TEST(test_client_example_config)
{
	struct harness_output	 out;
	struct harness_json	*j;
	struct sockaddr_in	 sin;
	int			 fd;
	bool			 dead;

	h = harness_new();
	/*
	 * Hold the example's port without listening, so the endpoint is
	 * surely dead; if something else has it, only the loading is tested.
	 */
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(CONFIG_EXAMPLE_PORT);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	dead = bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
	if (!dead)
		fprintf(stderr, "note: port %d is in use: %s\n",
		    CONFIG_EXAMPLE_PORT, strerror(errno));

	harness_run(h, &out, "tdkt", "--config",
	    TDKT_SOURCE_DIR "/config/tdkt-client.example.yaml",
	    "--timeout", "200", "--json", "ping", NULL);
	close(fd);
	ck_assert_msg(out.code != 2, "the example does not load: %s", out.err);
	if (dead) {
		ck_assert_int_eq(out.code, 3);
		ck_assert_msg((j = harness_json_parse(out.out)) != NULL,
		    "not one JSON object: %s", out.out);
		ck_assert_int_eq(harness_json_bool(j, "ok"), 0);
		ck_assert_str_eq(harness_json_string(j, "error"),
		    "unreachable");
		/* The endpoint is the example's, so the file was read. */
		ck_assert_str_eq(harness_json_string(j, "server"),
		    "tcp://127.0.0.1:7450");
		harness_json_free(&j);
	}
	harness_output_clear(&out);
}
END_TEST

START_TEST(test_cli_usage)
{
	struct harness_output	 out;
	const char		*broken;

	h = harness_new();
	/* Unknown command. */
	ck_assert_int_eq(harness_cli(h, &out, "frobnicate", NULL), 2);
	ck_assert_str_eq(out.out, "");
	ck_assert_msg(strstr(out.err, "\"frobnicate\"") != NULL,
	    "the command is not named: %s", out.err);
	harness_output_clear(&out);
	/* No command. */
	ck_assert_int_eq(harness_cli(h, &out, NULL), 2);
	ck_assert_msg(config_starts_with(out.err, "cách dùng: tdkt"),
	    "no usage: %s", out.err);
	harness_output_clear(&out);
	/* Help is not an error. */
	ck_assert_int_eq(harness_cli(h, &out, "ping", "--help", NULL), 0);
	ck_assert_msg(config_starts_with(out.out,
	    "cách dùng: tdkt [TÙY CHỌN CHUNG] ping"),
	    "no usage of ping: %s", out.out);
	ck_assert_str_eq(out.err, "");
	harness_output_clear(&out);
	ck_assert_int_eq(harness_run(h, &out, "tdkt", "--help", NULL), 0);
	ck_assert_msg(strstr(out.out, "echo") != NULL, "no command list: %s",
	    out.out);
	harness_output_clear(&out);
	/* Bad arguments to a command. */
	ck_assert_int_eq(harness_cli(h, &out, "ping", "extra", NULL), 2);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "echo", NULL), 2);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "echo", "--delay", "10001", "x",
	    NULL), 2);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "echo", "\xc3\x28", NULL), 2);
	harness_output_clear(&out);
	/* No file at all (see test_cli_bad_timeout_with_config). */
	ck_assert_int_eq(setenv("XDG_CONFIG_HOME", h->dir, 1), 0);
	ck_assert_int_eq(unsetenv("TDKT_CONFIG"), 0);
	ck_assert_int_eq(harness_run(h, &out, "tdkt", "--timeout", "5", "ping",
	    NULL), 2);
	ck_assert_msg(strstr(out.err, "tdkt: --timeout: value 5 for "
	    "\"timeout_ms\" is out of range") != NULL, "no reason: %s",
	    out.err);
	harness_output_clear(&out);
	/* A configuration that is missing or broken. */
	ck_assert_int_eq(harness_run(h, &out, "tdkt", "--config",
	    "/nonexistent/client.yaml", "ping", NULL), 2);
	ck_assert_msg(config_starts_with(out.err,
	    "/nonexistent/client.yaml:1:1: could not open configuration file"),
	    "unexpected: %s", out.err);
	harness_output_clear(&out);
	broken = harness_write(h, "broken-client.yaml",
	    "server: \"tcp://127.0.0.1:1\"\nretries: many\n");
	ck_assert_int_eq(harness_run(h, &out, "tdkt", "--config", broken,
	    "ping", NULL), 2);
	ck_assert_msg(strstr(out.err, ":2:10: invalid integer \"many\" for "
	    "\"retries\"") != NULL, "unexpected: %s", out.err);
	harness_output_clear(&out);
}
END_TEST

START_TEST(test_cli_unreachable)
{
	struct harness_output	 out;
	struct harness_json	*j;

	/* The harness's ports are free, and no server is started. */
	h = harness_new();
	ck_assert_int_eq(harness_cli(h, &out, "--timeout", "200", "--json",
	    "ping", NULL), 3);
	ck_assert_msg((j = harness_json_parse(out.out)) != NULL,
	    "not one JSON object: %s", out.out);
	ck_assert_int_eq(harness_json_bool(j, "ok"), 0);
	ck_assert_str_eq(harness_json_string(j, "error"), "unreachable");
	ck_assert_str_eq(harness_json_string(j, "server"), h->clients_endpoint);
	ck_assert_str_ne(harness_json_string(j, "message"), "");
	harness_json_free(&j);
	harness_output_clear(&out);

	ck_assert_int_eq(harness_cli(h, &out, "--timeout", "200", "echo", "a",
	    NULL), 3);
	ck_assert_str_eq(out.out, "");
	ck_assert_msg(strstr(out.err, "[unreachable]") != NULL,
	    "no [unreachable] in: %s", out.err);
	ck_assert_msg(strstr(out.err, h->clients_endpoint) != NULL,
	    "the endpoint is not named: %s", out.err);
	harness_output_clear(&out);
}
END_TEST

/*
 * KNOWN BUG, left out by its tag unless asked for (harness.h): client/main.c
 * does not free the configuration path it loaded when --timeout is refused,
 * so under LeakSanitizer the CLI exits 1 instead of 2. Remove the tag once
 * that is fixed.
 */
START_TEST(test_cli_bad_timeout_with_config)
{
	struct harness_output	out;

	h = harness_new();
	ck_assert_int_eq(harness_cli(h, &out, "--timeout", "5", "ping", NULL),
	    2);
	ck_assert_msg(strstr(out.err, "LeakSanitizer") == NULL, "%s", out.err);
	harness_output_clear(&out);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc;

	tc = tcase_create("check");
	tcase_add_checked_fixture(tc, NULL, config_teardown);
	tcase_add_test(tc, test_server_config_check);
	tcase_add_test(tc, test_worker_config_check);
	tcase_add_test(tc, test_client_example_config);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, NULL, config_teardown);
	tcase_add_test(tc, test_cli_usage);
	tcase_add_test(tc, test_cli_unreachable);
	tcase_add_test(tc, test_cli_bad_timeout_with_config);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return harness_main(config_suite);
}
