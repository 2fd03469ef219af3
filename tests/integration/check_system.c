/*
 * check_system.c - the whole system through the tdkt CLI: ping, echo through
 * a worker, echo with no worker to run it, and a server stopped while it
 * serves a request.
 *
 * Each test starts its own installation (harness.h): a private PostgreSQL
 * cluster, the server and workers, and talks to it as a user would, with
 * `tdkt --config client.yaml ...`, in text and in --json.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "harness.h"
#include "harness_json.h"

/* The Vietnamese text of the echo test, with an en dash (U+2013). */
#define SYSTEM_VI_TEXT \
	"Trường Tiểu học Nguyễn Bỉnh Khiêm – Lao động tiên tiến"

static struct harness	*h;

static void
system_teardown(void)
{
	harness_free(&h);
}

START_TEST(test_ping)
{
	struct harness_output	 out;
	struct harness_json	*j;
	const char		*pg, *id;
	char			*text;
	uint64_t		 v;

	h = harness_new();
	harness_start(h, 2);

	/* People read aligned Vietnamese labels. */
	ck_assert_int_eq(harness_cli(h, &out, "ping", NULL), 0);
	ck_assert_msg(strstr(out.out, "PostgreSQL:") != NULL,
	    "no PostgreSQL line in:\n%s", out.out);
	ck_assert_msg(strstr(out.out,
	    "Tiến trình xử lý:      2 đang kết nối") != NULL,
	    "the text does not show 2 workers:\n%s", out.out);
	ck_assert_str_eq(out.err, "");
	text = strdup(out.out);
	harness_output_clear(&out);

	/* Scripts read JSON. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "ping", NULL), 0);
	ck_assert_msg((j = harness_json_parse(out.out)) != NULL,
	    "not one JSON object: %s", out.out);
	ck_assert_int_eq(harness_json_bool(j, "ok"), 1);
	ck_assert_int_eq(harness_json_uint(j, "schema_version", &v), 0);
	ck_assert_uint_ge(v, 1);
	ck_assert_int_eq(harness_json_uint(j, "workers_connected", &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(harness_json_uint(j, "protocol_version", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(harness_json_uint(j, "uptime_ms", &v), 0);
	ck_assert_ptr_nonnull(harness_json_string(j, "server_version"));
	ck_assert_ptr_nonnull(pg = harness_json_string(j, "postgres_version"));
	ck_assert_msg(pg[0] >= '1' && pg[0] <= '9',
	    "postgres_version \"%s\" is not a version", pg);
	/* The text names the same version. */
	ck_assert_msg(strstr(text, pg) != NULL, "the text does not name "
	    "PostgreSQL %s:\n%s", pg, text);
	/* installation_id is a UUID. */
	ck_assert_ptr_nonnull(id = harness_json_string(j, "installation_id"));
	ck_assert_uint_eq(strlen(id), 36);
	ck_assert_msg(strstr(text, id) != NULL, "the text does not name "
	    "installation %s", id);
	harness_json_free(&j);
	harness_output_clear(&out);
	free(text);

	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_echo_vietnamese)
{
	struct harness_output	 out;
	struct harness_json	*j;
	const char		*worker;
	uint64_t		 job_id;

	h = harness_new();
	harness_start(h, 2);

	ck_assert_int_eq(harness_cli(h, &out, "--json", "echo", SYSTEM_VI_TEXT,
	    NULL), 0);
	/* Byte for byte in the output, not \u-escaped... */
	ck_assert_msg(strstr(out.out, "\"text\":\"" SYSTEM_VI_TEXT "\"") !=
	    NULL, "the text did not come back intact: %s", out.out);
	/* ...and the same once parsed. */
	ck_assert_msg((j = harness_json_parse(out.out)) != NULL,
	    "not one JSON object: %s", out.out);
	ck_assert_int_eq(harness_json_bool(j, "ok"), 1);
	ck_assert_str_eq(harness_json_string(j, "text"), SYSTEM_VI_TEXT);
	ck_assert_ptr_nonnull(worker = harness_json_string(j, "worker"));
	ck_assert_msg(strcmp(worker, "w1") == 0 || strcmp(worker, "w2") == 0,
	    "the reply names worker \"%s\"", worker);
	ck_assert_int_eq(harness_json_uint(j, "job_id", &job_id), 0);
	ck_assert_uint_eq(job_id, 1);
	harness_json_free(&j);
	harness_output_clear(&out);

	/* Words are joined with spaces; the text output names the worker. */
	ck_assert_int_eq(harness_cli(h, &out, "echo", "Xin", "chào", NULL), 0);
	ck_assert_msg(strncmp(out.out, "Xin chào\n(tiến trình xử lý w",
	    strlen("Xin chào\n(tiến trình xử lý w")) == 0,
	    "unexpected output: %s", out.out);
	ck_assert_msg(strstr(out.out, ", tác vụ 2)\n") != NULL,
	    "the second job is not job 2: %s", out.out);
	harness_output_clear(&out);

	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_echo_no_workers)
{
	struct harness_output	 out;
	struct harness_json	*j;
	const char		*message, *detail;
	int64_t			 started;

	h = harness_new();
	harness_server_set(h, "jobs.timeout_ms", "30000");
	harness_start(h, 0);
	started = clock_monotonic_ms();
	ck_assert_int_eq(harness_cli(h, &out, "--json", "echo", "ai đó?", NULL),
	    1);
	ck_assert_msg((j = harness_json_parse(out.out)) != NULL,
	    "not one JSON object: %s", out.out);
	ck_assert_int_eq(harness_json_bool(j, "ok"), 0);
	ck_assert_str_eq(harness_json_string(j, "error"), "unavailable");
	/* Told at once, not after jobs.timeout_ms. */
	ck_assert_int_lt(clock_monotonic_ms() - started, 15000);
	ck_assert_ptr_nonnull(message = harness_json_string(j, "message"));
	ck_assert_str_eq(message,
	    "Dịch vụ tạm thời không sẵn sàng; vui lòng thử lại sau");
	ck_assert_ptr_nonnull(detail = harness_json_string(j, "detail"));
	ck_assert_msg(strstr(detail, "no connected worker") != NULL, "%s", detail);
	harness_json_free(&j);
	harness_output_clear(&out);

	/* In text, the error goes to stderr with its code. */
	ck_assert_int_eq(harness_cli(h, &out, "echo", "ai đó?", NULL), 1);
	ck_assert_str_eq(out.out, "");
	ck_assert_msg(strstr(out.err, "[unavailable]") != NULL,
	    "no [unavailable] in: %s", out.err);
	harness_output_clear(&out);

	/* The server is none the worse for it. */
	ck_assert_int_eq(harness_ping(h, NULL), 0);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_shutdown_finishes_requests)
{
	struct harness_proc	*cli, *server;
	struct harness_output	 out;

	h = harness_new();
	harness_start(h, 1);
	cli = harness_cli_start(h, "--json", "echo", "--delay", "1500",
	    "chưa xong", NULL);
	ck_assert_ptr_nonnull(harness_log_wait(h, h->server,
	    "job 1 (echo) to worker w1", HARNESS_WAIT_MS));

	/* shutdown.grace_ms (5 s) is time enough for the echo. */
	server = h->server;
	ck_assert_int_eq(harness_server_stop(h), 0);
	ck_assert(harness_log_contains(h, server,
	    "shutting down (1 requests in progress)"));
	ck_assert_int_eq(harness_proc_output(h, cli, &out, HARNESS_WAIT_MS), 0);
	ck_assert_msg(strstr(out.out, "\"text\":\"chưa xong\"") != NULL,
	    "unexpected answer: %s", out.out);
	harness_output_clear(&out);
}
END_TEST

START_TEST(test_shutdown_grace_over)
{
	struct harness_proc	*cli;
	struct harness_output	 out;
	struct harness_json	*j;

	h = harness_new();
	harness_server_set(h, "shutdown.grace_ms", "0");
	harness_start(h, 1);
	cli = harness_cli_start(h, "--json", "echo", "--delay", "3000", "muộn",
	    NULL);
	ck_assert_ptr_nonnull(harness_log_wait(h, h->server,
	    "job 1 (echo) to worker w1", HARNESS_WAIT_MS));

	/* No grace: what is in progress is told the server is stopping. */
	ck_assert_int_eq(harness_server_stop(h), 0);
	ck_assert_int_eq(harness_proc_output(h, cli, &out, HARNESS_WAIT_MS), 1);
	ck_assert_msg((j = harness_json_parse(out.out)) != NULL,
	    "not one JSON object: %s", out.out);
	ck_assert_int_eq(harness_json_bool(j, "ok"), 0);
	ck_assert_str_eq(harness_json_string(j, "error"), "shutting_down");
	harness_json_free(&j);
	harness_output_clear(&out);
}
END_TEST

static Suite *
system_suite(void)
{
	Suite	*s = suite_create("system");
	TCase	*tc;

	tc = tcase_create("ping");
	tcase_add_checked_fixture(tc, NULL, system_teardown);
	tcase_add_test(tc, test_ping);
	suite_add_tcase(s, tc);

	tc = tcase_create("echo");
	tcase_add_checked_fixture(tc, NULL, system_teardown);
	tcase_add_test(tc, test_echo_vietnamese);
	tcase_add_test(tc, test_echo_no_workers);
	suite_add_tcase(s, tc);

	tc = tcase_create("shutdown");
	tcase_add_checked_fixture(tc, NULL, system_teardown);
	tcase_add_test(tc, test_shutdown_finishes_requests);
	tcase_add_test(tc, test_shutdown_grace_over);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return harness_main(system_suite);
}
