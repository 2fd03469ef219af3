/*
 * handler_remind.c - `remind-plan`: runs the reminder planner now, for
 * administrators (and tests that move the clock); answered once what it
 * planned is committed.
 */
#include "handler.h"
#include "remind_planner.h"
#include "roles.h"
#include "server.h"

static void
remind_plan_done(void *arg, const struct remind_run *run)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RemindPlanReply	 out = TDKT__REMIND_PLAN_REPLY__INIT;

	if (run->error != NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the reminder planner failed: %s", run->error);
		return;
	}
	out.planned = run->planned;
	out.reminders = run->reminders;
	out.escalations = run->escalations;
	out.now_ms = run->now_ms;
	out.holder = (char *)(run->holder != NULL ? run->holder : "");
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_REMIND_PLAN_REPLY;
	reply.remind_plan_reply = &out;
	request_reply(&req, &reply);
}

static void
remind_plan_exec(struct request *req)
{
	remind_planner_run_now(req->server->planner, remind_plan_done, req);
}

const struct handler_entry handler_remind_plan_entry = {
	.name = "remind-plan",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_REMIND_PLAN_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = remind_plan_exec,
};
