/*
 * check_workers.c - workers that die, a server that restarts, and the events
 * that tell subscribers about workers.
 *
 * A worker killed while it runs a job must cost only the time until its
 * heartbeats are missed: the job goes back to the queue and another worker
 * answers the client; one stopped with SIGTERM finishes its job first. A
 * worker outlives a server restart and connects to the new one by itself.
 * And every worker that comes or goes is published on the server's event
 * socket.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "harness.h"
#include "harness_json.h"

/* How soon a running worker must be back after the server restarts. */
#define WORKERS_RECONNECT_MS	5000

static struct harness	*h;

static void
workers_teardown(void)
{
	harness_free(&h);
}

START_TEST(test_worker_killed_mid_job)
{
	struct harness_proc	*w[2], *victim, *survivor, *cli;
	struct harness_output	 out;
	struct harness_json	*j;
	const char		*name;
	char			 lost[64], gone[64];
	uint64_t		 job_id;

	h = harness_new();
	/* Room for a lost worker and a second run of the 3 s job. */
	harness_server_set(h, "jobs.timeout_ms", "20000");
	harness_init(h);
	harness_server_start(h, NULL);
	w[0] = harness_worker_start(h, "w1");
	w[1] = harness_worker_start(h, "w2");
	harness_wait_workers(h, 2);

	cli = harness_cli_start(h, "--json", "echo", "--delay", "3000",
	    "Phòng Giáo dục và Đào tạo", NULL);
	name = harness_log_wait(h, h->server, "job 1 (echo) to worker ",
	    HARNESS_WAIT_MS);
	ck_assert_msg(name != NULL, "the echo job was not dispatched");
	ck_assert_msg(strcmp(name, "w1") == 0 || strcmp(name, "w2") == 0,
	    "job 1 went to worker \"%s\"", name);
	victim = strcmp(name, "w1") == 0 ? w[0] : w[1];
	survivor = victim == w[0] ? w[1] : w[0];
	ck_assert_ptr_nonnull(harness_log_wait(h, victim,
	    "job 1 (echo) started", HARNESS_WAIT_MS));

	ck_assert_int_eq(harness_proc_stop(h, victim, SIGKILL), 128 + SIGKILL);
	/*
	 * The server takes it for gone, at its next heartbeat (the killed
	 * connection is unroutable) or after its missed heartbeats, and gives
	 * its job to the other worker.
	 */
	ck_assert_ptr_nonnull(harness_log_wait(h, h->server,
	    "job 1 goes back to the queue", HARNESS_WAIT_MS));
	snprintf(gone, sizeof gone, "worker %s disconnected", name);
	snprintf(lost, sizeof lost, "worker %s lost (no heartbeat)", name);
	ck_assert_msg(harness_log_contains(h, h->server, gone) ||
	    harness_log_contains(h, h->server, lost),
	    "the server never said worker %s was gone", name);

	ck_assert_int_eq(harness_proc_output(h, cli, &out, HARNESS_WAIT_MS), 0);
	ck_assert_msg((j = harness_json_parse(out.out)) != NULL,
	    "not one JSON object: %s", out.out);
	ck_assert_int_eq(harness_json_bool(j, "ok"), 1);
	ck_assert_str_eq(harness_json_string(j, "text"),
	    "Phòng Giáo dục và Đào tạo");
	ck_assert_str_eq(harness_json_string(j, "worker"),
	    strcmp(name, "w1") == 0 ? "w2" : "w1");
	ck_assert_int_eq(harness_json_uint(j, "job_id", &job_id), 0);
	ck_assert_uint_eq(job_id, 1);
	harness_json_free(&j);
	harness_output_clear(&out);
	ck_assert_ptr_nonnull(harness_log_wait(h, survivor,
	    "job 1 (echo) started", 0));

	harness_wait_workers(h, 1);
	ck_assert_int_eq(harness_proc_stop(h, survivor, SIGTERM), 0);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_server_restart)
{
	struct harness_pong	 before, after;
	struct harness_proc	*w;
	struct harness_output	 out;
	int64_t			 started;

	h = harness_new();
	harness_init(h);
	harness_server_start(h, NULL);
	w = harness_worker_start(h, "w1");
	harness_wait_workers(h, 1);
	ck_assert_int_eq(harness_ping(h, &before), 0);

	ck_assert_int_eq(harness_server_stop(h), 0);
	ck_assert_msg(harness_proc_running(h, w),
	    "the worker exited %d with the server", w->code);

	/* The same data directory: the same database, the same worker. */
	harness_server_start(h, NULL);
	started = clock_monotonic_ms();
	harness_wait_workers(h, 1);
	ck_assert_int_le(clock_monotonic_ms() - started, WORKERS_RECONNECT_MS);
	ck_assert_int_eq(harness_ping(h, &after), 0);
	ck_assert_str_eq(after.installation_id, before.installation_id);
	ck_assert_uint_eq(after.schema_version, before.schema_version);

	ck_assert_int_eq(harness_cli(h, &out, "--json", "echo", "lại đây",
	    NULL), 0);
	ck_assert_msg(strstr(out.out, "\"worker\":\"w1\"") != NULL,
	    "unexpected answer: %s", out.out);
	harness_output_clear(&out);

	ck_assert_int_eq(harness_proc_stop(h, w, SIGTERM), 0);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

START_TEST(test_worker_drains)
{
	struct harness_proc	*w, *cli;
	struct harness_output	 out;

	h = harness_new();
	harness_init(h);
	harness_server_start(h, NULL);
	w = harness_worker_start(h, "w1");
	harness_wait_workers(h, 1);
	cli = harness_cli_start(h, "--json", "echo", "--delay", "1500",
	    "làm cho xong", NULL);
	ck_assert_ptr_nonnull(harness_log_wait(h, w, "job 1 (echo) started",
	    HARNESS_WAIT_MS));

	/* SIGTERM: it finishes and delivers the running job, then leaves. */
	ck_assert_int_eq(harness_proc_stop(h, w, SIGTERM), 0);
	ck_assert_ptr_nonnull(harness_log_wait(h, h->server,
	    "worker w1 is stopping", HARNESS_WAIT_MS));
	ck_assert_ptr_nonnull(harness_log_wait(h, h->server,
	    "worker w1 disconnected", HARNESS_WAIT_MS));
	ck_assert_int_eq(harness_proc_output(h, cli, &out, HARNESS_WAIT_MS), 0);
	ck_assert_msg(strstr(out.out, "\"text\":\"làm cho xong\",\"worker\":"
	    "\"w1\"") != NULL, "unexpected answer: %s", out.out);
	harness_output_clear(&out);
	harness_wait_workers(h, 0);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

/* Receives one event on `sub` and checks its frames and worker part. */
static void
workers_expect_event(void *sub, const char *topic,
    Tdkt__WorkerEvent__Kind kind, const char *name, uint32_t connected,
    int64_t after_ms)
{
	struct harness_message	 m;
	Tdkt__Event		*ev;

	ck_assert_msg(harness_recv(sub, HARNESS_WAIT_MS, &m) == 0,
	    "no worker event of kind %d", (int)kind);
	ck_assert_uint_eq(m.total, 2);
	ck_assert_str_eq((char *)m.data[0], topic);
	ev = tdkt__event__unpack(NULL, m.len[1], m.data[1]);
	ck_assert_msg(ev != NULL, "the event does not unpack");
	ck_assert_int_ge(ev->at_unix_ms, after_ms - 1000);
	ck_assert_int_le(ev->at_unix_ms, clock_wall_ms() + 1000);
	ck_assert_int_eq(ev->body_case, TDKT__EVENT__BODY_WORKER);
	ck_assert_int_eq(ev->worker->kind, kind);
	ck_assert_str_eq(ev->worker->name, name);
	ck_assert_uint_eq(ev->worker->capacity, 2);
	ck_assert_uint_eq(ev->worker->workers_connected, connected);
	tdkt__event__free_unpacked(ev, NULL);
	harness_message_clear(&m);
}

START_TEST(test_worker_events)
{
	struct harness_proc	*w;
	struct harness_message	 m;
	void			*sub, *stray;
	const char		*topic;
	int64_t			 now;

	h = harness_new();
	harness_start(h, 0);
	sub = harness_socket(h, ZMQ_SUB);
	topic = harness_watch(h, "admin", sub);
	/* A subscription to a topic the server did not issue is ignored. */
	stray = harness_socket(h, ZMQ_SUB);
	ck_assert_int_eq(zmq_setsockopt(stray, ZMQ_SUBSCRIBE, "", 0), 0);
	ck_assert_int_eq(harness_socket_connect(h, stray, h->events_endpoint,
	    HARNESS_WAIT_MS), 0);

	now = clock_wall_ms();
	w = harness_worker_start(h, "w1");
	workers_expect_event(sub, topic,
	    TDKT__WORKER_EVENT__KIND__KIND_CONNECTED, "w1", 1, now);

	now = clock_wall_ms();
	ck_assert_int_eq(harness_proc_stop(h, w, SIGTERM), 0);
	workers_expect_event(sub, topic,
	    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED, "w1", 0, now);
	ck_assert_msg(harness_recv(stray, 500, &m) != 0,
	    "an unissued subscription received an event");

	harness_socket_close(h, &stray);
	harness_socket_close(h, &sub);
	ck_assert_int_eq(harness_server_stop(h), 0);
}
END_TEST

/* `tdkt admin workers`: who is connected, with what, and what they did. */
START_TEST(test_admin_workers)
{
	struct harness_output	 out;
	const char		*line;
	size_t			 lines = 0, done = 0;

	h = harness_new();
	harness_start(h, 2);
	harness_wait_workers(h, 2);
	ck_assert_int_eq(harness_cli(h, &out, "echo", "xin chào", NULL), 0);
	harness_output_clear(&out);

	ck_assert_int_eq(harness_cli(h, &out, "--json", "admin", "workers",
	    NULL), 0);
	/* One object per worker (kinds is a list: read the rest by hand). */
	for (line = out.out; (line = strstr(line, "\"done\":")) != NULL;
	    line++) {
		done += strtoull(line + strlen("\"done\":"), NULL, 10);
		lines++;
	}
	ck_assert_msg(strstr(out.out, "\"kinds\":[\"echo\"") != NULL &&
	    strstr(out.out, "\"jobs_waiting\":0") != NULL &&
	    strstr(out.out, h->worker_keys.public_key) != NULL, "%s", out.out);
	ck_assert_uint_eq(lines, 2);
	ck_assert_uint_eq(done, 1);
	harness_output_clear(&out);

	/* The table for people names its columns in Vietnamese. */
	ck_assert_int_eq(harness_cli(h, &out, "admin", "workers", NULL), 0);
	ck_assert_msg(strstr(out.out, "Tiến trình xử lý đang kết nối: 2") !=
	    NULL && strstr(out.out, "Đã xong") != NULL, "%s", out.out);
	harness_output_clear(&out);
}
END_TEST

/*
 * `tdkt admin jobs` and `tdkt admin job`: the durable queue as a system
 * administrator sees it, what it refuses, and whom.
 */
START_TEST(test_admin_jobs)
{
	struct harness_output	 out;
	struct harness_json	*j;
	char			 id[24], needle[128];
	const char		*at;
	uint64_t		 job_id;
	size_t			 runs = 0;

	h = harness_new();
	harness_start(h, 1);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "echo", "xin chào",
	    NULL), 0);
	ck_assert_msg((j = harness_json_parse(out.out)) != NULL, "%s", out.out);
	ck_assert_int_eq(harness_json_uint(j, "job_id", &job_id), 0);
	harness_json_free(&j);
	harness_output_clear(&out);
	snprintf(id, sizeof id, "%llu", (unsigned long long)job_id);

	/* One JSON object: each kind's queue, then the jobs, by code. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "admin", "jobs",
	    "--state", "done", NULL), 0);
	snprintf(needle, sizeof needle, "{\"id\":%s,\"kind\":\"echo\","
	    "\"state\":\"done\",", id);
	ck_assert_msg(strncmp(out.out, "{\"ok\":true,\"kinds\":[{\"kind\":"
	    "\"echo\",", strlen("{\"ok\":true,\"kinds\":[{\"kind\":"
	    "\"echo\",")) == 0 && strstr(out.out, needle) != NULL &&
	    strstr(out.out, "\"lease_owner\":\"w1\"") != NULL &&
	    strchr(out.out, '\n') == out.out + strlen(out.out) - 1,
	    "%s", out.out);
	harness_output_clear(&out);

	/* For people: the state in Vietnamese; no live job is a sentence. */
	ck_assert_int_eq(harness_cli(h, &out, "admin", "jobs", "--state",
	    "done", "--kind", "echo", NULL), 0);
	ck_assert_msg(strstr(out.out, "Hàng đợi theo loại việc") != NULL &&
	    strstr(out.out, "đã xong") != NULL &&
	    strstr(out.out, "1/3") != NULL, "%s", out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "admin", "jobs", NULL), 0);
	ck_assert_msg(strstr(out.out, "Không có việc nào đang chờ") != NULL,
	    "%s", out.out);
	harness_output_clear(&out);

	/* The job and its one attempt, which w1 ran to the end. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "admin", "job", "show",
	    id, NULL), 0);
	for (at = out.out; (at = strstr(at, "\"attempt\":")) != NULL; at++)
		runs++;
	ck_assert_msg(runs == 1 && strstr(out.out, "\"runs\":[{\"attempt\":1,"
	    "\"worker\":\"w1\",") != NULL &&
	    strstr(out.out, "\"outcome\":\"done\"") != NULL, "%s", out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "admin", "job", "show", id,
	    NULL), 0);
	ck_assert_msg(strstr(out.out, "Các lần chạy") != NULL &&
	    strstr(out.out, "đã xong") != NULL, "%s", out.out);
	harness_output_clear(&out);

	/* A finished job can be neither cancelled nor retried. */
	ck_assert_int_eq(harness_cli(h, &out, "--json", "admin", "job",
	    "cancel", id, NULL), 1);
	ck_assert_msg(strstr(out.out, "\"error\":\"conflict\"") != NULL,
	    "%s", out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "admin", "job", "retry", id,
	    NULL), 1);
	ck_assert_msg(strstr(out.err, "[conflict]") != NULL, "%s", out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "admin", "job", "show",
	    "999999", NULL), 1);
	ck_assert_msg(strstr(out.out, "\"error\":\"not_found\"") != NULL,
	    "%s", out.out);
	harness_output_clear(&out);

	/* Refused before anything is sent, saying why. */
	ck_assert_int_eq(harness_cli(h, &out, "admin", "jobs", "--state",
	    "bogus", NULL), 2);
	ck_assert_msg(strstr(out.err, "--state không hợp lệ: \"bogus\"") !=
	    NULL && strstr(out.err, "queued, running, done") != NULL, "%s",
	    out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "admin", "job", "show", "12x",
	    NULL), 2);
	ck_assert_msg(strstr(out.err, "mã việc không hợp lệ") != NULL, "%s",
	    out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli(h, &out, "admin", "job", "cancel", NULL),
	    2);
	ck_assert_msg(strstr(out.err, "cần đúng một MÃ_VIỆC") != NULL, "%s",
	    out.err);
	harness_output_clear(&out);

	/* Only system administrators see the queue. */
	harness_load_district1(h);
	harness_user(h, "gv", "Q1-TH-DINHTIENHOANG", "staff", NULL);
	ck_assert_int_eq(harness_cli_as(h, &out, "gv", "--json", "admin",
	    "jobs", NULL), 1);
	ck_assert_msg(strstr(out.out, "\"error\":\"permission_denied\"") !=
	    NULL, "%s", out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli_as(h, &out, "gv", "admin", "job", "cancel",
	    id, NULL), 1);
	ck_assert_msg(strstr(out.err, "[permission_denied]") != NULL, "%s",
	    out.err);
	harness_output_clear(&out);
	/* A district's administrator runs its accounts, not the system. */
	harness_user(h, "qtq1", "PGDDT-Q1", "admin", NULL);
	ck_assert_int_eq(harness_cli_as(h, &out, "qtq1", "--json", "admin",
	    "job", "show", id, NULL), 1);
	ck_assert_msg(strstr(out.out, "\"error\":\"permission_denied\"") !=
	    NULL, "%s", out.out);
	harness_output_clear(&out);
}
END_TEST

static Suite *
workers_suite(void)
{
	Suite	*s = suite_create("workers");
	TCase	*tc;

	tc = tcase_create("failure");
	tcase_add_checked_fixture(tc, NULL, workers_teardown);
	tcase_add_test(tc, test_worker_killed_mid_job);
	tcase_add_test(tc, test_server_restart);
	tcase_add_test(tc, test_worker_drains);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_checked_fixture(tc, NULL, workers_teardown);
	tcase_add_test(tc, test_worker_events);
	tcase_add_test(tc, test_admin_workers);
	tcase_add_test(tc, test_admin_jobs);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return harness_main(workers_suite);
}
