/*
 * cmd_admin.c - `tdkt admin workers`: what an administrator looks at to run
 * the system: the workers connected to the server (kinds, credit, jobs in
 * flight and done, when last heard from) and the jobs waiting for one.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
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
admin_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WorkersListRequest list = TDKT__WORKERS_LIST_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	int			 rc;

	if (argc != 2 || strcmp(argv[1], "workers") != 0) {
		cmds_usage(stderr, &cmd_admin_entry);
		return EXIT_USAGE;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REQUEST;
	req.workers_list_request = &list;
	a = arena_new(4 * 1024 * 1024);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REPLY,
	    a, &reply);
	if (rc == EXIT_OK && ctx->json)
		admin_json_workers(reply->workers_list_reply);
	else if (rc == EXIT_OK)
		admin_print_workers(reply->workers_list_reply);
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_admin_entry = {
	.name = "admin",
	.args = "workers",
	.summary = "Vận hành hệ thống: các tiến trình xử lý đang kết nối",
	.help = "  admin workers   các tiến trình xử lý (worker) đang kết nối: "
	    "loại việc,\n                  sức chứa, số việc đang chạy và đã "
	    "xong, lần cuối liên lạc;\n                  và số tác vụ đang chờ "
	    "(quản trị viên hệ thống)\n"
	    "\nVới --json: mỗi tiến trình một đối tượng JSON trên một dòng.\n",
	.exec = admin_exec,
};
