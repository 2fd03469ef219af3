/*
 * cmd_admin_remind.c - `tdkt admin remind`: runs the reminder planner now.
 *
 * The server plans reminders of coming deadlines, and notices to offices
 * about deadlines passed, on its own schedule; an administrator who has
 * just loaded a rulebook or granted an extension need not wait for it. Only
 * one server plans at a time, so the answer is either what this run queued
 * or which server holds the planner's turn.
 */
#include <inttypes.h>
#include <stdio.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_admin.h"
#include "cmd_args.h"
#include "output.h"

/*
 * The server answers once what it planned is committed, which for a whole
 * country's units takes longer than an ordinary request; a retry would only
 * plan again, so give the first attempt time to finish.
 */
#define REMIND_EXTRA_TIMEOUT_MS	30000

static void
remind_print(bool json, const Tdkt__RemindPlanReply *r)
{
	struct output_json	j;
	char			when[32];
	uint32_t		escalations;

	if (json) {
		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_bool(&j, "planned", r->planned);
		output_json_uint(&j, "reminders", r->reminders);
		output_json_uint(&j, "escalations", r->escalations);
		jsonw_key(&j.w, "now_ms");
		jsonw_int(&j.w, r->now_ms);
		output_json_string(&j, "holder", r->holder);
		output_json_end(&j);
		return;
	}
	if (!r->planned) {
		printf("Chưa lập lịch nhắc hạn: %s%s%s đang giữ lượt lập lịch "
		    "và sẽ tự chạy theo lịch của nó.\n", r->holder[0] != '\0' ?
		    "máy chủ \"" : "một máy chủ khác", r->holder,
		    r->holder[0] != '\0' ? "\"" : "");
		return;
	}
	output_time_vn(r->now_ms, when);
	printf("Đã lập lịch nhắc hạn tính đến %s (giờ Việt Nam).\n", when);
	if (r->reminders == 0) {
		printf("Không có thông báo mới nào cần gửi.\n");
		return;
	}
	/* Escalations are counted among the reminders. */
	escalations = r->escalations <= r->reminders ? r->escalations :
	    r->reminders;
	printf("Đã xếp hàng gửi %" PRIu32 " thông báo: %" PRIu32 " nhắc hạn, "
	    "%" PRIu32 " báo quá hạn gửi cơ quan quản lý.\n", r->reminders,
	    r->reminders - escalations, escalations);
}

int
cmd_admin_remind_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RemindPlanRequest	 plan = TDKT__REMIND_PLAN_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	char			 key[33];
	int			 rc;

	if ((rc = cmd_args_only_json(ctx, &cmd_admin_entry, argc, argv,
	    "admin remind")) != EXIT_OK)
		return rc;

	/* It queues jobs: one key for every retry, as for every change. */
	conn_new_idempotency_key(key);
	req.idempotency_key = key;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_REMIND_PLAN_REQUEST;
	req.remind_plan_request = &plan;
	conn_set_timeout(ctx->conn, ctx->conf->timeout_ms +
	    REMIND_EXTRA_TIMEOUT_MS);
	a = arena_new(1024 * 1024);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_REMIND_PLAN_REPLY,
	    a, &reply);
	if (rc == EXIT_OK)
		remind_print(ctx->json, reply->remind_plan_reply);
	arena_free(&a);
	return rc;
}
