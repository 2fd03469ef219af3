/*
 * cmd_admin_jobs.c - `tdkt admin jobs` and `tdkt admin job show|retry|
 * cancel`: the durable job queue as a system administrator sees it.
 *
 * `jobs` first answers "is the queue keeping up?" with one row per kind of
 * job (how many wait and how many of those are due, what runs, what needs
 * a person, how long the oldest due job has waited, the latency of the last
 * hour), then lists the jobs themselves, newest first: by default the live
 * ones, those someone may need to look at. `job show` is one job and every
 * attempt at it; `job retry` gives a job that ended badly a second chance,
 * `job cancel` stops one for good. The server decides who may do this and
 * which changes a job's state allows; this file parses, asks and prints.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_admin.h"
#include "cmd_args.h"
#include "job_names.h"
#include "output.h"

/*
 * Jobs listed when --limit is not given, and the most the server lists.
 * The client always says how many it wants, so it knows when the list may
 * have been cut short.
 */
#define JOBS_LIMIT_DEFAULT	50
#define JOBS_LIMIT_MAX		1000

/*
 * Code points of an error shown in the list (the rest is in `job show`),
 * and of a run's error in `job show` (a message, not a stack trace); and
 * the bytes they take: at most 4 per code point, then "…" and the NUL.
 */
#define JOBS_ERROR_SHOWN	60
#define JOBS_ERROR_BUF		(JOBS_ERROR_SHOWN * 4 + sizeof "…")
#define JOBS_RUN_ERROR_SHOWN	160
#define JOBS_RUN_ERROR_BUF	(JOBS_RUN_ERROR_SHOWN * 4 + sizeof "…")

/*
 * A duration for people: "850 ms", "12.3 giây", "4 phút 5 giây",
 * "2 giờ 10 phút", "3 ngày 4 giờ".
 */
static void
jobs_duration(uint64_t ms, char buf[32])
{
	if (ms < 1000)
		snprintf(buf, 32, "%" PRIu64 " ms", ms);
	else if (ms < 60 * 1000)
		snprintf(buf, 32, "%.1f giây", (double)ms / 1000.0);
	else if (ms < 3600 * 1000)
		snprintf(buf, 32, "%" PRIu64 " phút %" PRIu64 " giây",
		    ms / 60000, ms / 1000 % 60);
	else if (ms < 86400 * 1000)
		snprintf(buf, 32, "%" PRIu64 " giờ %" PRIu64 " phút",
		    ms / 3600000, ms / 60000 % 60);
	else
		snprintf(buf, 32, "%" PRIu64 " ngày %" PRIu64 " giờ",
		    ms / 86400000, ms / 3600000 % 24);
}

/*
 * The one time that says most about a job in a list: when it finished,
 * when its running attempt (or its last, failed one) started, or, for a
 * job that waits, when it may run.
 */
static int64_t
jobs_when(const Tdkt__JobInfo *job)
{
	if (job->finished_at_unix_ms > 0)
		return job->finished_at_unix_ms;
	if (strcmp(job->state, "queued") != 0 && job->started_at_unix_ms > 0)
		return job->started_at_unix_ms;
	return job->run_at_unix_ms;
}

/* Writes the fields of a job as keys into an open JSON object. */
static void
jobs_info_json(struct jsonw *w, const Tdkt__JobInfo *job)
{
	jsonw_key(w, "id");
	jsonw_uint(w, job->id);
	jsonw_key(w, "kind");
	jsonw_string(w, job->kind);
	jsonw_key(w, "state");
	jsonw_string(w, job->state);
	jsonw_key(w, "priority");
	jsonw_int(w, job->priority);
	jsonw_key(w, "attempts");
	jsonw_uint(w, job->attempts);
	jsonw_key(w, "max_attempts");
	jsonw_uint(w, job->max_attempts);
	jsonw_key(w, "run_at_unix_ms");
	jsonw_int(w, job->run_at_unix_ms);
	jsonw_key(w, "created_at_unix_ms");
	jsonw_int(w, job->created_at_unix_ms);
	jsonw_key(w, "started_at_unix_ms");
	jsonw_int(w, job->started_at_unix_ms);
	jsonw_key(w, "finished_at_unix_ms");
	jsonw_int(w, job->finished_at_unix_ms);
	jsonw_key(w, "lease_owner");
	jsonw_string(w, job->lease_owner);
	jsonw_key(w, "last_error");
	jsonw_string(w, job->last_error);
	jsonw_key(w, "unique_key");
	jsonw_string(w, job->unique_key);
	jsonw_key(w, "dossier_id");
	jsonw_uint(w, job->dossier_id);
	jsonw_key(w, "payload_bytes");
	jsonw_uint(w, job->payload_bytes);
}

/* Writes the job as the object `key` of an open JSON object. */
static void
jobs_job_json(struct output_json *j, const char *key, const Tdkt__JobInfo *job)
{
	jsonw_key(&j->w, key);
	jsonw_object_begin(&j->w);
	jobs_info_json(&j->w, job);
	jsonw_object_end(&j->w);
}

static void
jobs_list_json(const Tdkt__JobsListReply *r)
{
	struct output_json	j;

	output_json_begin(&j, stdout);
	output_json_bool(&j, "ok", true);
	jsonw_key(&j.w, "kinds");
	jsonw_array_begin(&j.w);
	for (size_t i = 0; i < r->n_kinds; i++) {
		const Tdkt__JobKindStats	*k = r->kinds[i];

		jsonw_object_begin(&j.w);
		jsonw_key(&j.w, "kind");
		jsonw_string(&j.w, k->kind);
		jsonw_key(&j.w, "queued");
		jsonw_uint(&j.w, k->queued);
		jsonw_key(&j.w, "due");
		jsonw_uint(&j.w, k->due);
		jsonw_key(&j.w, "running");
		jsonw_uint(&j.w, k->running);
		jsonw_key(&j.w, "discarded");
		jsonw_uint(&j.w, k->discarded);
		jsonw_key(&j.w, "unknown");
		jsonw_uint(&j.w, k->unknown);
		jsonw_key(&j.w, "oldest_due_ms");
		jsonw_uint(&j.w, k->oldest_due_ms);
		jsonw_key(&j.w, "done_last_hour");
		jsonw_uint(&j.w, k->done_last_hour);
		jsonw_key(&j.w, "latency_p50_ms");
		jsonw_uint(&j.w, k->latency_p50_ms);
		jsonw_key(&j.w, "latency_p95_ms");
		jsonw_uint(&j.w, k->latency_p95_ms);
		jsonw_object_end(&j.w);
	}
	jsonw_array_end(&j.w);
	jsonw_key(&j.w, "jobs");
	jsonw_array_begin(&j.w);
	for (size_t i = 0; i < r->n_jobs; i++) {
		jsonw_object_begin(&j.w);
		jobs_info_json(&j.w, r->jobs[i]);
		jsonw_object_end(&j.w);
	}
	jsonw_array_end(&j.w);
	output_json_end(&j);
}

/* Each kind's queue: is it keeping up, and does anything need a person? */
static void
jobs_print_kinds(const Tdkt__JobsListReply *r)
{
	struct output_table	t;

	output_table_init(&t, 8, "Loại việc", "Chờ (đến hạn)", "Đang chạy",
	    "Bị loại", "Chưa rõ", "Chờ lâu nhất", "Xong trong 1 giờ",
	    "Độ trễ p50 / p95");
	for (size_t i = 0; i < r->n_kinds; i++) {
		const Tdkt__JobKindStats	*k = r->kinds[i];
		char				 queued[48], running[24];
		char				 discarded[24], unknown[24];
		char				 oldest[32], done[24];
		char				 p50[32], p95[32], latency[72];

		snprintf(queued, sizeof queued, "%" PRIu64 " (%" PRIu64 ")",
		    k->queued, k->due);
		snprintf(running, sizeof running, "%" PRIu64, k->running);
		snprintf(discarded, sizeof discarded, "%" PRIu64, k->discarded);
		snprintf(unknown, sizeof unknown, "%" PRIu64, k->unknown);
		if (k->due > 0)
			jobs_duration(k->oldest_due_ms, oldest);
		else
			snprintf(oldest, sizeof oldest, "—");
		snprintf(done, sizeof done, "%" PRIu64, k->done_last_hour);
		if (k->done_last_hour > 0) {
			jobs_duration(k->latency_p50_ms, p50);
			jobs_duration(k->latency_p95_ms, p95);
			snprintf(latency, sizeof latency, "%s / %s", p50, p95);
		} else
			snprintf(latency, sizeof latency, "—");
		output_table_row(&t, k->kind, queued, running, discarded,
		    unknown, oldest, done, latency);
	}
	printf("Hàng đợi theo loại việc:\n\n");
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

/* What the list holds, as the heading above it or the empty list's line. */
static void
jobs_print_scope(const Tdkt__JobsListRequest *in, bool empty)
{
	printf("%s", empty ? "Không có việc nào" : "Các việc");
	if (in->state[0] != '\0')
		printf(" ở trạng thái \"%s\"", job_state_name(in->state));
	else
		printf(" đang chờ, đang chạy, bị loại bỏ hay chưa rõ kết quả");
	if (in->kind[0] != '\0')
		printf(" thuộc loại %s", in->kind);
	printf("%s\n", empty ? "." : ", mới nhất trước:");
}

static void
jobs_print(const Tdkt__JobsListRequest *in, const Tdkt__JobsListReply *r)
{
	struct output_table	t;

	if (r->n_kinds > 0) {
		jobs_print_kinds(r);
		printf("\n");
	}
	if (r->n_jobs == 0) {
		jobs_print_scope(in, true);
		return;
	}
	jobs_print_scope(in, false);
	printf("\n");
	output_table_init(&t, 7, "Mã", "Loại", "Trạng thái", "Lần chạy",
	    "Chạy lúc / Xong lúc", "Tiến trình", "Lỗi gần nhất");
	for (size_t i = 0; i < r->n_jobs; i++) {
		const Tdkt__JobInfo	*job = r->jobs[i];
		char			 id[24], attempts[24], when[32];
		char			 error[JOBS_ERROR_BUF];

		snprintf(id, sizeof id, "%" PRIu64, job->id);
		snprintf(attempts, sizeof attempts, "%" PRIu32 "/%" PRIu32,
		    job->attempts, job->max_attempts);
		output_time(jobs_when(job), when);
		output_shorten(job->last_error, JOBS_ERROR_SHOWN, error,
		    sizeof error);
		output_table_row(&t, id, job->kind, job_state_name(job->state),
		    attempts, when, job->lease_owner[0] != '\0' ?
		    job->lease_owner : "—", error);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
	if (r->n_jobs >= in->limit)
		printf("\n(Chỉ hiện %zu việc mới nhất; dùng --limit để xem "
		    "thêm, tối đa %d.)\n", r->n_jobs, JOBS_LIMIT_MAX);
}

/*
 * Checks the state --state names, so a typing mistake is told as such and
 * not answered with an empty list. Returns 0, or -1 after saying on stderr
 * which states there are.
 */
static int
jobs_state_arg(const char *state)
{
	if (job_state_known(state))
		return 0;
	fprintf(stderr, "tdkt: --state không hợp lệ: \"%s\" (cần một trong:",
	    state);
	for (size_t i = 0; job_state_code(i) != NULL; i++)
		fprintf(stderr, "%s %s", i > 0 ? "," : "", job_state_code(i));
	fprintf(stderr, ")\n");
	return -1;
}

int
cmd_admin_jobs_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "kind", required_argument, NULL, 'k' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__JobsListRequest	 list = TDKT__JOBS_LIST_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	uint64_t		 limit = JOBS_LIMIT_DEFAULT;
	int			 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (jobs_state_arg(optarg) < 0)
				return cmd_args_usage_error(&cmd_admin_entry,
				    NULL);
			list.state = optarg;
			break;
		case 'k':
			list.kind = optarg;
			break;
		case 'l':
			if (cmd_args_number("--limit", optarg, 1,
			    JOBS_LIMIT_MAX, &limit) < 0)
				return cmd_args_usage_error(&cmd_admin_entry,
				    NULL);
			break;
		case 'j':
			ctx->json = true;
			break;
		default:
			return cmd_args_usage_error(&cmd_admin_entry, NULL);
		}
	}
	if (optind != argc)
		return cmd_args_usage_error(&cmd_admin_entry,
		    "admin jobs chỉ nhận tùy chọn");
	list.limit = (uint32_t)limit;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOBS_LIST_REQUEST;
	req.jobs_list_request = &list;
	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_JOBS_LIST_REPLY,
	    a, &reply);
	if (rc == EXIT_OK && ctx->json)
		jobs_list_json(reply->jobs_list_reply);
	else if (rc == EXIT_OK)
		jobs_print(&list, reply->jobs_list_reply);
	arena_free(&a);
	return rc;
}

static void
job_show_json(const Tdkt__JobShowReply *s)
{
	struct output_json	j;

	output_json_begin(&j, stdout);
	output_json_bool(&j, "ok", true);
	jobs_job_json(&j, "job", s->job);
	jsonw_key(&j.w, "runs");
	jsonw_array_begin(&j.w);
	for (size_t i = 0; i < s->n_runs; i++) {
		const Tdkt__JobRun	*run = s->runs[i];

		jsonw_object_begin(&j.w);
		jsonw_key(&j.w, "attempt");
		jsonw_uint(&j.w, run->attempt);
		jsonw_key(&j.w, "worker");
		jsonw_string(&j.w, run->worker);
		jsonw_key(&j.w, "started_at_unix_ms");
		jsonw_int(&j.w, run->started_at_unix_ms);
		jsonw_key(&j.w, "ended_at_unix_ms");
		jsonw_int(&j.w, run->ended_at_unix_ms);
		jsonw_key(&j.w, "outcome");
		jsonw_string(&j.w, run->outcome);
		jsonw_key(&j.w, "error");
		jsonw_string(&j.w, run->error);
		jsonw_key(&j.w, "late_result_at_unix_ms");
		jsonw_int(&j.w, run->late_result_at_unix_ms);
		jsonw_object_end(&j.w);
	}
	jsonw_array_end(&j.w);
	output_json_end(&j);
}

/* Width of the labels of `job show`. */
#define JOBS_LABEL	18

static void
job_show_print(const Tdkt__JobShowReply *s)
{
	const Tdkt__JobInfo	*job = s->job;
	struct output_table	 t;
	char			 when[32];

	printf("Việc số %" PRIu64 " (%s)\n\n", job->id, job->kind);
	output_field(stdout, JOBS_LABEL, "Trạng thái", "%s",
	    job_state_name(job->state));
	output_field(stdout, JOBS_LABEL, "Số lần đã chạy", "%" PRIu32 "/%"
	    PRIu32, job->attempts, job->max_attempts);
	output_field(stdout, JOBS_LABEL, "Độ ưu tiên", "%" PRId32,
	    job->priority);
	output_time_seconds(job->created_at_unix_ms, when);
	output_field(stdout, JOBS_LABEL, "Tạo lúc", "%s", when);
	output_time_seconds(job->run_at_unix_ms, when);
	output_field(stdout, JOBS_LABEL, "Chạy từ lúc", "%s", when);
	output_time_seconds(job->started_at_unix_ms, when);
	output_field(stdout, JOBS_LABEL, "Lần chạy cuối", "%s", when);
	output_time_seconds(job->finished_at_unix_ms, when);
	output_field(stdout, JOBS_LABEL, "Kết thúc lúc", "%s", when);
	output_field(stdout, JOBS_LABEL, "Tiến trình xử lý", "%s",
	    job->lease_owner[0] != '\0' ? job->lease_owner : "—");
	if (job->dossier_id != 0)
		output_field(stdout, JOBS_LABEL, "Hồ sơ", "số %" PRIu64,
		    job->dossier_id);
	if (job->unique_key[0] != '\0')
		output_field(stdout, JOBS_LABEL, "Khoá chống trùng", "%s",
		    job->unique_key);
	output_field(stdout, JOBS_LABEL, "Dữ liệu", "%" PRIu64 " byte",
	    job->payload_bytes);
	if (job->last_error[0] != '\0')
		output_field(stdout, JOBS_LABEL, "Lỗi gần nhất", "%s",
		    job->last_error);

	if (s->n_runs == 0) {
		printf("\nChưa chạy lần nào.\n");
		return;
	}
	printf("\nCác lần chạy:\n\n");
	output_table_init(&t, 6, "Lần", "Tiến trình", "Bắt đầu", "Kết thúc",
	    "Kết quả", "Lỗi");
	for (size_t i = 0; i < s->n_runs; i++) {
		const Tdkt__JobRun	*run = s->runs[i];
		char			 attempt[16], started[32], ended[32];
		char			 late[32], outcome[128];
		char			 error[JOBS_RUN_ERROR_BUF];

		snprintf(attempt, sizeof attempt, "%" PRIu32, run->attempt);
		output_time_seconds(run->started_at_unix_ms, started);
		output_time_seconds(run->ended_at_unix_ms, ended);
		/* A result after the lease was gone changed nothing: say so. */
		if (run->late_result_at_unix_ms > 0) {
			output_time_seconds(run->late_result_at_unix_ms, late);
			snprintf(outcome, sizeof outcome, "%s; kết quả đến "
			    "muộn lúc %s", job_outcome_name(run->outcome),
			    late);
		} else
			snprintf(outcome, sizeof outcome, "%s",
			    job_outcome_name(run->outcome));
		output_shorten(run->error, JOBS_RUN_ERROR_SHOWN, error,
		    sizeof error);
		output_table_row(&t, attempt, run->worker, started, ended,
		    outcome, error);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static void
job_act_print(bool json, Tdkt__JobActRequest__Action action,
    const Tdkt__JobInfo *job)
{
	struct output_json	j;
	bool			retry = action ==
				    TDKT__JOB_ACT_REQUEST__ACTION__ACTION_RETRY;

	if (json) {
		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_string(&j, "action", retry ? "retry" : "cancel");
		jobs_job_json(&j, "job", job);
		output_json_end(&j);
		return;
	}
	if (retry)
		printf("Đã đưa việc số %" PRIu64 " (%s) trở lại hàng đợi để "
		    "chạy lại từ đầu; trạng thái: %s.\n", job->id, job->kind,
		    job_state_name(job->state));
	else
		printf("Đã huỷ việc số %" PRIu64 " (%s); trạng thái: %s.\n",
		    job->id, job->kind, job_state_name(job->state));
}

int
cmd_admin_job_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__JobShowRequest	 show = TDKT__JOB_SHOW_REQUEST__INIT;
	Tdkt__JobActRequest	 act = TDKT__JOB_ACT_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	Tdkt__ClientEnvelope__BodyCase expect;
	struct arena		*a;
	const char		*sub = argc > 1 ? argv[1] : "";
	uint64_t		 id;
	int			 ch, rc;

	if (strcmp(sub, "show") == 0) {
		req.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOB_SHOW_REQUEST;
		req.job_show_request = &show;
		expect = TDKT__CLIENT_ENVELOPE__BODY_JOB_SHOW_REPLY;
	} else if (strcmp(sub, "retry") == 0 || strcmp(sub, "cancel") == 0) {
		act.action = sub[0] == 'r' ?
		    TDKT__JOB_ACT_REQUEST__ACTION__ACTION_RETRY :
		    TDKT__JOB_ACT_REQUEST__ACTION__ACTION_CANCEL;
		req.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOB_ACT_REQUEST;
		req.job_act_request = &act;
		expect = TDKT__CLIENT_ENVELOPE__BODY_JOB_ACT_REPLY;
	} else if (sub[0] == '\0')
		return cmd_args_usage_error(&cmd_admin_entry, "admin job cần "
		    "một lệnh con: show, retry hoặc cancel");
	else
		return cmd_args_usage_error(&cmd_admin_entry, "admin job không "
		    "có lệnh con \"%s\" (chỉ có show, retry, cancel)", sub);

	/* The sub-command's own name is argv[0] for getopt. */
	argc--;
	argv++;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'j')
			return cmd_args_usage_error(&cmd_admin_entry, NULL);
		ctx->json = true;
	}
	if (argc - optind != 1)
		return cmd_args_usage_error(&cmd_admin_entry,
		    "admin job %s cần đúng một MÃ_VIỆC", sub);
	/* Ids are PostgreSQL bigints: never above INT64_MAX. */
	if (cmd_args_number("mã việc", argv[optind], 1, INT64_MAX, &id) < 0)
		return cmd_args_usage_error(&cmd_admin_entry, NULL);
	show.job_id = id;
	act.job_id = id;

	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	if ((rc = cmds_call(ctx, &req, expect, a, &reply)) != EXIT_OK)
		goto out;
	/* The job is a message field: an answer may lack it. */
	if ((expect == TDKT__CLIENT_ENVELOPE__BODY_JOB_ACT_REPLY ?
	    reply->job_act_reply->job : reply->job_show_reply->job) == NULL) {
		rc = output_call_failed(ctx->json, CONN_BAD_REPLY, reply,
		    "the answer names no job", ctx->conf->server);
		goto out;
	}
	if (expect == TDKT__CLIENT_ENVELOPE__BODY_JOB_ACT_REPLY)
		job_act_print(ctx->json, act.action, reply->job_act_reply->job);
	else if (ctx->json)
		job_show_json(reply->job_show_reply);
	else
		job_show_print(reply->job_show_reply);
out:
	arena_free(&a);
	return rc;
}
