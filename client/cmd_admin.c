/*
 * cmd_admin.c - `tdkt admin SUB`: what a system administrator looks at to
 * run the system. This file holds the command's entry and usage, the table
 * of its sub-commands and `admin workers`: the workers connected to the
 * server (kinds, credit, jobs in flight and done, when last heard from) and
 * the jobs waiting for one. The job queue itself (`admin jobs`, `admin job
 * show|retry|cancel`) is in cmd_admin_jobs.c, running the reminder planner
 * now (`admin remind`) in cmd_admin_remind.c.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_admin.h"
#include "cmd_args.h"
#include "output.h"

static void
admin_print_workers(const Tdkt__WorkersListReply *r)
{
	struct output_table	t;

	printf("Tiến trình xử lý đang kết nối: %zu; tác vụ chờ: %u, đang chạy: "
	    "%u\n\n", r->n_workers, r->jobs_waiting, r->jobs_running);
	if (r->n_workers == 0)
		return;
	output_table_init(&t, 8, "Tên", "Khóa", "Loại việc", "Sức chứa",
	    "Đang chạy", "Đã xong", "Kết nối lúc", "Lần cuối");
	for (size_t i = 0; i < r->n_workers; i++) {
		const Tdkt__WorkerInfo	*w = r->workers[i];
		char			 key[16], cap[16], run[40], done[24];
		char			 since[32], seen[32], kinds[256];
		size_t			 used = 0;

		/* The start of the key is enough to tell keys apart. */
		snprintf(key, sizeof key, "%.8s", w->public_key[0] != '\0' ?
		    w->public_key : "—");
		kinds[0] = '\0';
		for (size_t k = 0; k < w->n_kinds && used < sizeof kinds; k++)
			used += (size_t)snprintf(kinds + used, sizeof kinds - used,
			    "%s%s", k > 0 ? ", " : "", w->kinds[k]);
		snprintf(cap, sizeof cap, "%u", w->capacity);
		snprintf(run, sizeof run, "%u%s", w->in_flight,
		    w->draining ? " (đang dừng)" : "");
		snprintf(done, sizeof done, "%llu", (unsigned long long)w->done);
		output_time(w->connected_at_unix_ms, since);
		snprintf(seen, sizeof seen, "%.1f giây trước",
		    w->last_seen_ms_ago / 1000.0);
		output_table_row(&t, w->name, key, kinds, cap, run, done, since,
		    seen);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static void
admin_json_workers(const Tdkt__WorkersListReply *r)
{
	for (size_t i = 0; i < r->n_workers; i++) {
		const Tdkt__WorkerInfo	*w = r->workers[i];
		struct output_json	 j;

		output_json_begin(&j, stdout);
		output_json_string(&j, "name", w->name);
		output_json_string(&j, "public_key", w->public_key);
		output_json_strings(&j, "kinds", w->kinds, w->n_kinds);
		output_json_uint(&j, "capacity", w->capacity);
		output_json_uint(&j, "in_flight", w->in_flight);
		output_json_uint(&j, "done", w->done);
		output_json_bool(&j, "draining", w->draining);
		output_json_uint(&j, "connected_at_unix_ms",
		    (uint64_t)w->connected_at_unix_ms);
		output_json_uint(&j, "last_seen_ms_ago", w->last_seen_ms_ago);
		output_json_uint(&j, "jobs_waiting", r->jobs_waiting);
		output_json_uint(&j, "jobs_running", r->jobs_running);
		output_json_end(&j);
	}
}

static int
admin_workers(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WorkersListRequest list = TDKT__WORKERS_LIST_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	int			 rc;

	if ((rc = cmd_args_only_json(ctx, &cmd_admin_entry, argc, argv,
	    "admin workers")) != EXIT_OK)
		return rc;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REQUEST;
	req.workers_list_request = &list;
	a = arena_new(4 * 1024 * 1024);
	rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REPLY, a, &reply);
	if (rc == EXIT_OK && ctx->json)
		admin_json_workers(reply->workers_list_reply);
	else if (rc == EXIT_OK)
		admin_print_workers(reply->workers_list_reply);
	arena_free(&a);
	return rc;
}

static const struct {
	const char	*name;
	int		(*exec)(struct cmd_ctx *, int, char **);
} admin_subs[] = {
	{ "workers", admin_workers },
	{ "jobs", cmd_admin_jobs_exec },
	{ "job", cmd_admin_job_exec },
	{ "remind", cmd_admin_remind_exec },
};

static int
admin_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char	*sub = argc > 1 ? argv[1] : "";

	for (size_t i = 0; i < sizeof admin_subs / sizeof admin_subs[0]; i++) {
		if (strcmp(sub, admin_subs[i].name) == 0)
			return admin_subs[i].exec(ctx, argc - 1, argv + 1);
	}
	if (sub[0] == '\0')
		return cmd_args_usage_error(&cmd_admin_entry,
		    "admin cần một lệnh con: workers, jobs, job hoặc "
		    "remind");
	return cmd_args_usage_error(&cmd_admin_entry,
	    "admin không có lệnh con \"%s\"", sub);
}

const struct cmd_entry cmd_admin_entry = {
	.name = "admin",
	.args = "workers\n"
	    "       tdkt admin jobs [--state TRẠNG_THÁI] [--kind LOẠI] "
	    "[--limit N]\n"
	    "       tdkt admin job show|retry|cancel MÃ_VIỆC\n"
	    "       tdkt admin remind",
	.summary = "Vận hành hệ thống: tiến trình xử lý, hàng đợi việc, nhắc "
	    "hạn",
	.help =
	    "Dành cho quản trị viên hệ thống.\n"
	    "\n"
	    "  workers      các tiến trình xử lý (worker) đang kết nối: loại "
	    "việc, sức\n"
	    "               chứa, số việc đang chạy và đã xong, lần cuối liên "
	    "lạc; và số\n"
	    "               tác vụ đang chờ\n"
	    "  jobs         hàng đợi việc: với mỗi loại việc, số việc đang chờ "
	    "(và số đã\n"
	    "               đến hạn), đang chạy, bị loại bỏ, chưa rõ kết quả; "
	    "việc đến hạn\n"
	    "               chờ lâu nhất; số việc xong trong 1 giờ qua và độ "
	    "trễ từ lúc đến\n"
	    "               hạn đến lúc xong (p50 / p95). Rồi danh sách việc, "
	    "mới nhất\n"
	    "               trước; mặc định là những việc chưa xong (mọi trạng "
	    "thái trừ\n"
	    "               done và cancelled)\n"
	    "      --state TRẠNG_THÁI   chỉ những việc ở trạng thái này\n"
	    "      --kind LOẠI          chỉ những việc thuộc loại này, ví dụ "
	    "echo\n"
	    "      --limit N            nhiều nhất N việc (mặc định 50, tối "
	    "đa 1000)\n"
	    "  job show     một việc và từng lần chạy nó: tiến trình nào, bắt "
	    "đầu, kết thúc,\n"
	    "               kết quả, lỗi\n"
	    "  job retry    chạy lại từ đầu một việc bị loại bỏ, chưa rõ kết "
	    "quả hoặc đã huỷ\n"
	    "  job cancel   huỷ hẳn một việc chưa xong; nếu việc đang chạy, "
	    "kết quả đến sau\n"
	    "               sẽ không được dùng\n"
	    "  remind       lập lịch nhắc hạn ngay, không chờ đến lượt theo "
	    "lịch: xếp hàng\n"
	    "               gửi các thông báo nhắc hạn và báo quá hạn đã đến "
	    "lúc gửi; in số\n"
	    "               thông báo đã xếp hàng, hoặc máy chủ nào đang giữ "
	    "lượt lập lịch\n"
	    "\n"
	    "Trạng thái (--state): queued (đang chờ), running (đang chạy), "
	    "done (đã xong),\n"
	    "discarded (bị loại bỏ), unknown (chưa rõ kết quả), cancelled (đã "
	    "huỷ). Việc\n"
	    "chưa rõ kết quả là việc mất liên lạc giữa chừng mà có thể đã tác "
	    "động ra bên\n"
	    "ngoài (ví dụ đã gửi thư): hãy kiểm tra trước khi chạy lại.\n"
	    "\n"
	    "Với --json (đặt trước hoặc sau lệnh con): workers in mỗi tiến "
	    "trình một đối\n"
	    "tượng JSON trên một dòng; jobs, job show, retry, cancel và remind "
	    "in một đối\n"
	    "tượng (remind: planned, reminders, escalations, now_ms, holder);\n"
	    "trạng thái là mã tiếng Anh ở trên, kết quả mỗi lần chạy (outcome) "
	    "là done,\n"
	    "failed, lost, expired, handed_back, unsent hoặc cancelled (\"\": "
	    "đang chạy).\n",
	.exec = admin_exec,
};
