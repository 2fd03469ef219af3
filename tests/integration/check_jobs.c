/*
 * check_jobs.c - the durable job queue under failure, with real processes:
 * workers killed and frozen mid-job, the server and PostgreSQL restarted
 * under load, no workers at all, a poison job, jobs that act outside.
 *
 * Every test runs the server against an external PostgreSQL, so that the
 * jobs' tables can be read with psql whatever the server is doing, and so
 * that PostgreSQL itself can be restarted. Jobs are queued with SQL
 * (job_enqueue, as the transactions that need them will), as `echo` jobs
 * whose payload is a packed EchoJob.
 *
 * What each test asserts comes down to job_runs, one row per lease handed
 * out: a job is done exactly once when it has exactly one run whose
 * outcome is `done`, and it was never lost when every job is done.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "clock.h"
#include "harness.h"
#include "xmalloc.h"

/* EchoJob{text: "t", delay_ms: N}, hex, for SQL's decode(). */
#define JOBS_ECHO_FAST		"0a0174" "1014"		/* 20 ms */
#define JOBS_ECHO_SLOW		"0a0174" "10b017"	/* 3000 ms */
#define JOBS_ECHO_CRASH		"0a0174" "1801"		/* crash_worker */
#define JOBS_NOT_PROTOBUF	"ffffffff"

static struct harness	*h;
static const char	*jobs_db;	/* the external PostgreSQL's URL */

static void
jobs_teardown(void)
{
	harness_free(&h);
}

/*
 * A server on an external PostgreSQL, with heartbeats every 200 ms (a dead
 * worker is noticed within a second) and `nworkers` workers of `capacity`.
 */
static void
jobs_start(unsigned nworkers, const char *capacity)
{
	h = harness_new();
	jobs_db = harness_extpg_start(h);
	harness_server_set(h, "database.url", jobs_db);
	harness_server_set(h, "workers.heartbeat_ms", "200");
	harness_server_set(h, "workers.liveness", "4");
	harness_worker_set(h, "heartbeat_ms", "200");
	harness_worker_set(h, "liveness", "4");
	harness_worker_set(h, "capacity", capacity);
	harness_worker_set(h, "resend_ms", "500");
	harness_start(h, nworkers);
}

/* Runs `sql` with psql; returns its unaligned output, trimmed, owned by h. */
static const char *
jobs_sql(const char *fmt, ...)
{
	struct harness_output	 out;
	char			*sql, *text;
	size_t			 len;
	va_list			 ap;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		ck_abort_msg("out of memory");
	va_end(ap);
	harness_run(h, &out, "/usr/bin/psql", jobs_db, "-X", "-At",
	    "-v", "ON_ERROR_STOP=1", "-c", sql, NULL);
	ck_assert_msg(out.code == 0, "psql failed on %s:\n%s", sql, out.err);
	text = xstrdup(out.out);
	len = strlen(text);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	harness_output_clear(&out);
	free(sql);
	return harness_keep(h, text);
}

/* Waits until `sql` answers `want`; fails the test after timeout_ms. */
static void
jobs_wait_sql(const char *want, int64_t timeout_ms, const char *sql)
{
	int64_t		 deadline = clock_monotonic_ms() + timeout_ms;
	const char	*got;

	for (;;) {
		got = jobs_sql("%s", sql);
		if (strcmp(got, want) == 0)
			return;
		ck_assert_msg(clock_monotonic_ms() < deadline,
		    "waited %lld ms for \"%s\" to be %s; it is %s",
		    (long long)timeout_ms, sql, want, got);
		usleep(100 * 1000);
	}
}

/* Queues `n` echo jobs with payload `hex`; returns the first id. */
static long
jobs_enqueue(unsigned n, const char *hex)
{
	return atol(jobs_sql("SELECT min(job_enqueue('echo', decode('%s',"
	    " 'hex'))) FROM generate_series(1, %u)", hex, n));
}

/* The name of the worker job `id` went to first, from the server's log. */
static char *
jobs_worker_of(long id)
{
	char		 needle[64];
	const char	*rest;

	snprintf(needle, sizeof needle, "job %ld (echo) to worker ", id);
	rest = harness_log_wait(h, h->server, needle, HARNESS_WAIT_MS);
	ck_assert_msg(rest != NULL, "job %ld was never dispatched", id);
	return xstrdup(rest);
}

static struct harness_proc *
jobs_find_worker(const char *name)
{
	char	label[64];

	snprintf(label, sizeof label, "worker %s", name);
	for (struct harness_proc *p = h->procs; p != NULL; p = p->next) {
		if (strcmp(p->name, label) == 0 && harness_proc_running(h, p))
			return p;
	}
	ck_abort_msg("no running worker %s", name);
	return NULL;
}

/* Every job done, each by exactly one run, and none run after it was. */
static void
jobs_assert_each_done_once(unsigned n)
{
	char	want[16];

	snprintf(want, sizeof want, "%u", n);
	ck_assert_str_eq(jobs_sql("SELECT count(*) FROM jobs WHERE state = 'done'"),
	    want);
	ck_assert_str_eq(jobs_sql("SELECT count(*) FROM job_runs"
	    " WHERE outcome = 'done'"), want);
	ck_assert_str_eq(jobs_sql("SELECT count(*) FROM (SELECT job_id FROM"
	    " job_runs WHERE outcome = 'done' GROUP BY job_id"
	    " HAVING count(*) > 1) twice"), "0");
}

START_TEST(test_zero_workers)
{
	jobs_start(0, "2");
	jobs_enqueue(5, JOBS_ECHO_FAST);
	usleep(1500 * 1000);
	/* Nobody to run them: they wait, untouched. */
	ck_assert_str_eq(jobs_sql("SELECT count(*) FROM jobs"
	    " WHERE state = 'queued' AND attempts = 0"), "5");
	ck_assert_str_eq(jobs_sql("SELECT count(*) FROM job_runs"), "0");

	harness_worker_start(h, "late");
	jobs_wait_sql("5", HARNESS_WAIT_MS,
	    "SELECT count(*) FROM jobs WHERE state = 'done'");
	jobs_assert_each_done_once(5);
	ck_assert_str_eq(jobs_sql("SELECT DISTINCT worker FROM job_runs"), "late");
}
END_TEST

START_TEST(test_worker_killed_mid_job)
{
	struct harness_proc	*victim;
	char			*name;
	long			 id;

	jobs_start(2, "1");
	id = jobs_enqueue(1, JOBS_ECHO_SLOW);
	name = jobs_worker_of(id);
	victim = jobs_find_worker(name);
	ck_assert_ptr_nonnull(harness_log_wait(h, victim, "started",
	    HARNESS_WAIT_MS));
	harness_proc_stop(h, victim, SIGKILL);

	jobs_wait_sql("done", HARNESS_WAIT_MS,
	    "SELECT state FROM jobs");
	jobs_assert_each_done_once(1);
	/* The first attempt is recorded as lost, on the worker that died. */
	ck_assert_str_eq(jobs_sql("SELECT outcome FROM job_runs"
	    " WHERE worker = '%s'", name), "lost");
	ck_assert_str_eq(jobs_sql("SELECT attempts FROM jobs"), "2");
	free(name);
}
END_TEST

START_TEST(test_worker_frozen_past_its_lease)
{
	struct harness_proc	*frozen;
	char			*name;
	long			 id;

	jobs_start(2, "1");
	id = jobs_enqueue(1, JOBS_ECHO_SLOW);
	name = jobs_worker_of(id);
	frozen = jobs_find_worker(name);
	ck_assert_ptr_nonnull(harness_log_wait(h, frozen, "started",
	    HARNESS_WAIT_MS));
	ck_assert_int_eq(kill(frozen->pid, SIGSTOP), 0);

	/* Taken for dead, its job runs again on the other worker. */
	jobs_wait_sql("done", 30000, "SELECT state FROM jobs");
	ck_assert_str_eq(jobs_sql("SELECT count(*) FROM job_runs WHERE"
	    " worker <> '%s' AND outcome = 'done'", name), "1");

	/* Thawed, it finishes and reports under a lease that is gone. */
	ck_assert_int_eq(kill(frozen->pid, SIGCONT), 0);
	jobs_wait_sql("1", 30000, "SELECT count(*) FROM job_runs"
	    " WHERE late_result_at IS NOT NULL");
	ck_assert_ptr_nonnull(harness_log_wait(h, h->server,
	    "dropped a late result for job", HARNESS_WAIT_MS));
	jobs_assert_each_done_once(1);
	/* The result kept is the other worker's. */
	ck_assert_str_eq(jobs_sql("SELECT position(convert_to('%s', 'UTF8')"
	    " IN result) = 0 FROM jobs", name), "t");
	ck_assert_str_eq(jobs_sql("SELECT outcome FROM job_runs"
	    " WHERE worker = '%s'", name), "lost");
	free(name);
}
END_TEST

START_TEST(test_server_killed_under_load)
{
	jobs_start(2, "4");
	jobs_enqueue(200, JOBS_ECHO_FAST);
	jobs_wait_sql("t", HARNESS_WAIT_MS, "SELECT count(*) >= 40 FROM jobs"
	    " WHERE state = 'done'");
	harness_proc_stop(h, h->server, SIGKILL);
	h->server = NULL;
	ck_assert_str_ne(jobs_sql("SELECT count(*) FROM jobs"
	    " WHERE state = 'done'"), "200");

	harness_server_start(h, NULL);
	jobs_wait_sql("200", 60000,
	    "SELECT count(*) FROM jobs WHERE state = 'done'");
	jobs_assert_each_done_once(200);
}
END_TEST

START_TEST(test_server_restarted_mid_job)
{
	struct harness_proc	*w;

	jobs_start(1, "1");
	jobs_enqueue(1, JOBS_ECHO_SLOW);
	w = jobs_find_worker("w1");
	ck_assert_ptr_nonnull(harness_log_wait(h, w, "started",
	    HARNESS_WAIT_MS));
	harness_proc_stop(h, h->server, SIGKILL);
	h->server = NULL;

	/* The worker comes back naming its job, and keeps it. */
	harness_server_start(h, NULL);
	ck_assert_ptr_nonnull(harness_log_wait(h, h->server,
	    "a reconnected worker keeps 1 of the 1 jobs it runs",
	    HARNESS_WAIT_MS));
	jobs_wait_sql("done", HARNESS_WAIT_MS, "SELECT state FROM jobs");
	ck_assert_str_eq(jobs_sql("SELECT string_agg(worker || ':' || outcome,"
	    " ',') FROM job_runs"), "w1:done");
}
END_TEST

START_TEST(test_postgres_restarted_under_load)
{
	jobs_start(2, "4");
	jobs_enqueue(200, JOBS_ECHO_FAST);
	jobs_wait_sql("t", HARNESS_WAIT_MS, "SELECT count(*) >= 40 FROM jobs"
	    " WHERE state = 'done'");
	ck_assert_int_eq(harness_extpg_stop(h), 0);
	usleep(500 * 1000);
	harness_extpg_start(h);

	jobs_wait_sql("200", 60000,
	    "SELECT count(*) FROM jobs WHERE state = 'done'");
	jobs_assert_each_done_once(200);
	ck_assert(harness_log_contains(h, h->server,
	    "database connection lost"));
	/*
	 * No result was acknowledged without its commit: a worker that had
	 * been told so would have dropped it, and the job would have run a
	 * second time once its lease expired.
	 */
	ck_assert_str_eq(jobs_sql("SELECT count(*) FROM job_runs"), "200");
}
END_TEST

START_TEST(test_expired_leases_rescued_at_start)
{
	struct harness_proc	*w;
	long			 id;

	h = harness_new();
	jobs_db = harness_extpg_start(h);
	harness_server_set(h, "database.url", jobs_db);
	harness_server_set(h, "jobs.lease_ms", "3000");
	harness_worker_set(h, "capacity", "1");
	harness_start(h, 1);
	id = jobs_enqueue(1, JOBS_ECHO_SLOW);
	w = jobs_find_worker("w1");
	ck_assert_ptr_nonnull(harness_log_wait(h, w, "started",
	    HARNESS_WAIT_MS));

	/* The server and its worker die together; nobody renews the lease. */
	harness_proc_stop(h, h->server, SIGKILL);
	h->server = NULL;
	harness_proc_stop(h, w, SIGKILL);
	ck_assert_str_eq(jobs_sql("SELECT state FROM jobs WHERE id = %ld", id),
	    "running");

	harness_server_start(h, NULL);
	harness_worker_start(h, "w2");
	jobs_wait_sql("done", 30000, "SELECT state FROM jobs");
	ck_assert_str_eq(jobs_sql("SELECT string_agg(worker || ':' || outcome,"
	    " ',' ORDER BY started_at) FROM job_runs"), "w1:expired,w2:done");
}
END_TEST

START_TEST(test_bad_payload_discarded_at_once)
{
	jobs_start(1, "1");
	jobs_enqueue(1, JOBS_NOT_PROTOBUF);
	jobs_wait_sql("discarded", HARNESS_WAIT_MS, "SELECT state FROM jobs");
	/* Retrying cannot mend its input: one attempt, and why. */
	ck_assert_str_eq(jobs_sql("SELECT attempts FROM jobs"), "1");
	ck_assert_str_eq(jobs_sql("SELECT last_error LIKE 'w1: bad echo"
	    " payload%%' FROM jobs"), "t");
	ck_assert(harness_log_contains(h, h->server, "discarded after its last"
	    " attempt"));
}
END_TEST

START_TEST(test_outside_effect_lost_is_unknown)
{
	struct harness_proc	*victim;
	char			*name;
	long			 id;

	jobs_start(2, "1");
	/* As if echo sent e-mail: a lost attempt may have sent it. */
	jobs_sql("UPDATE job_kinds SET outside_effect = true"
	    " WHERE kind = 'echo'");
	id = jobs_enqueue(1, JOBS_ECHO_SLOW);
	name = jobs_worker_of(id);
	victim = jobs_find_worker(name);
	ck_assert_ptr_nonnull(harness_log_wait(h, victim, "started",
	    HARNESS_WAIT_MS));
	harness_proc_stop(h, victim, SIGKILL);

	jobs_wait_sql("unknown", HARNESS_WAIT_MS, "SELECT state FROM jobs");
	usleep(1500 * 1000);
	/* Never retried blindly, though a worker is idle. */
	ck_assert_str_eq(jobs_sql("SELECT state || ' ' || attempts FROM jobs"),
	    "unknown 1");
	ck_assert_str_eq(jobs_sql("SELECT count(*) FROM job_runs"), "1");

	/* A person decides to run it again. */
	ck_assert_str_eq(jobs_sql("SELECT job_retry(%ld)", id), "queued");
	jobs_wait_sql("done", HARNESS_WAIT_MS, "SELECT state FROM jobs");
	free(name);
}
END_TEST

#ifdef TDKT_TEST_CLOCK
/*
 * Reaps the workers the poison killed (each must have died of SIGKILL);
 * with `restart`, starts a new one for each, as a supervisor would.
 */
static void
jobs_reap_poisoned(unsigned *restarts, bool restart)
{
	char	name[16];

	for (struct harness_proc *p = h->procs; p != NULL; p = p->next) {
		if (strncmp(p->name, "worker ", 7) != 0 || p->reported ||
		    harness_proc_running(h, p))
			continue;
		ck_assert_int_eq(harness_proc_wait(h, p, 0), 128 + SIGKILL);
		if (!restart)
			continue;
		snprintf(name, sizeof name, "r%u", ++*restarts);
		harness_worker_start(h, name);
	}
}

START_TEST(test_poison_job_discarded)
{
	int64_t		deadline;
	unsigned	restarts = 0;

	/*
	 * One job at a time per worker: jobs running beside the poison would
	 * die with it, and their attempts count too (nobody can tell which
	 * of them killed the worker).
	 */
	jobs_start(2, "1");
	jobs_enqueue(1, JOBS_ECHO_CRASH);
	jobs_enqueue(20, JOBS_ECHO_FAST);

	deadline = clock_monotonic_ms() + 60000;
	while (strcmp(jobs_sql("SELECT state FROM jobs WHERE id = 1"),
	    "discarded") != 0) {
		ck_assert_msg(clock_monotonic_ms() < deadline,
		    "the poison job was not discarded within a minute");
		jobs_reap_poisoned(&restarts, true);
		usleep(100 * 1000);
	}
	jobs_reap_poisoned(&restarts, false);
	ck_assert_str_eq(jobs_sql("SELECT attempts || ' ' || max_attempts"
	    " FROM jobs WHERE id = 1"), "3 3");
	ck_assert_str_eq(jobs_sql("SELECT string_agg(DISTINCT outcome, ',')"
	    " FROM job_runs WHERE job_id = 1"), "lost");
	/* Everything else ran, and the server never went down. */
	jobs_wait_sql("20", HARNESS_WAIT_MS,
	    "SELECT count(*) FROM jobs WHERE state = 'done'");
	ck_assert_int_eq(harness_ping(h, NULL), 0);
}
END_TEST
#endif

static Suite *
jobs_suite(void)
{
	Suite	*s = suite_create("jobs");
	TCase	*tc = tcase_create("failures");

	tcase_add_checked_fixture(tc, NULL, jobs_teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_zero_workers);
	tcase_add_test(tc, test_worker_killed_mid_job);
	tcase_add_test(tc, test_worker_frozen_past_its_lease);
	tcase_add_test(tc, test_server_killed_under_load);
	tcase_add_test(tc, test_server_restarted_mid_job);
	tcase_add_test(tc, test_postgres_restarted_under_load);
	tcase_add_test(tc, test_expired_leases_rescued_at_start);
	tcase_add_test(tc, test_bad_payload_discarded_at_once);
	tcase_add_test(tc, test_outside_effect_lost_is_unknown);
#ifdef TDKT_TEST_CLOCK
	tcase_add_test(tc, test_poison_job_discarded);
#endif
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_main(jobs_suite);
}
