/*
 * handler_jobs.c - the durable job queue for system administrators:
 * `jobs-list` (the jobs, and each kind's depth and latency), `job-show`
 * (a job and every attempt at it) and `job-act` (retry or cancel one).
 */
#include <string.h>

#include "db_jobs.h"
#include "handler.h"
#include "job_queue.h"
#include "roles.h"
#include "server.h"

#define JOBS_LIST_DEFAULT	50
#define JOBS_LIST_MAX		1000

static const char *const jobs_states[] = {
	"queued", "running", "done", "discarded", "unknown", "cancelled",
};

static bool
jobs_state_known(const char *state)
{
	for (size_t i = 0; i < sizeof jobs_states / sizeof jobs_states[0]; i++) {
		if (strcmp(state, jobs_states[i]) == 0)
			return true;
	}
	return false;
}

static void
jobs_list_done(void *arg, Tdkt__JobsListReply *list, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;

	if (list == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the jobs: %s", error);
		return;
	}
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOBS_LIST_REPLY;
	reply.jobs_list_reply = list;
	request_reply(&req, &reply);
}

static void
jobs_list_exec(struct request *req)
{
	const Tdkt__JobsListRequest	*in = req->env->jobs_list_request;
	uint32_t			 limit = in->limit;

	if (in->state[0] != '\0' && !jobs_state_known(in->state)) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "unknown job state \"%.32s\": queued, running, done, "
		    "discarded, unknown or cancelled", in->state);
		return;
	}
	if (strlen(in->kind) > 32) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a job kind is at most 32 bytes");
		return;
	}
	if (limit == 0)
		limit = JOBS_LIST_DEFAULT;
	if (limit > JOBS_LIST_MAX)
		limit = JOBS_LIST_MAX;
	db_jobs_list(req->server->db, req->arena, in->state, in->kind, limit,
	    jobs_list_done, req);
}

static void
job_show_done(void *arg, Tdkt__JobShowReply *show, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;

	if (show == NULL) {
		if (error != NULL)
			request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
			    "could not read the job: %s", error);
		else
			request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
			    "no job %llu (finished jobs move to the history "
			    "after jobs.keep_done_minutes)",
			    (unsigned long long)req->env->job_show_request->job_id);
		return;
	}
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOB_SHOW_REPLY;
	reply.job_show_reply = show;
	request_reply(&req, &reply);
}

/* Ids PostgreSQL cannot hold name no job. */
static bool
jobs_id_possible(uint64_t id)
{
	return id >= 1 && id <= INT64_MAX;
}

static void
job_show_exec(struct request *req)
{
	uint64_t	id = req->env->job_show_request->job_id;

	if (!jobs_id_possible(id)) {
		job_show_done(req, NULL, NULL);
		return;
	}
	db_jobs_show(req->server->db, req->arena, id, job_show_done, req);
}

static void
job_act_done(void *arg, Tdkt__JobInfo *job, const char *state_before,
    const char *error)
{
	struct request		*req = arg;
	const Tdkt__JobActRequest *in = req->env->job_act_request;
	bool			 retry = in->action ==
				    TDKT__JOB_ACT_REQUEST__ACTION__ACTION_RETRY;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__JobActReply	 out = TDKT__JOB_ACT_REPLY__INIT;

	if (error != NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not change the job: %s", error);
		return;
	}
	if (job == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no job %llu", (unsigned long long)in->job_id);
		return;
	}
	/*
	 * A finished job is neither run again nor cancelled. Asking for what
	 * is already so (a retry of a queued job, a cancel of a cancelled
	 * one) succeeds: a client resending after a lost reply must not hear
	 * of a conflict.
	 */
	if (strcmp(state_before, "done") == 0) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_CONFLICT,
		    "Việc này đã xong: không chạy lại hay huỷ được nữa.",
		    "job %llu is done; finished jobs cannot be %s",
		    (unsigned long long)in->job_id, retry ? "retried" :
		    "cancelled");
		return;
	}
	if (retry)
		job_queue_poke(req->server->jobs);
	out.job = job;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOB_ACT_REPLY;
	reply.job_act_reply = &out;
	request_reply(&req, &reply);
}

static void
job_act_exec(struct request *req)
{
	const Tdkt__JobActRequest	*in = req->env->job_act_request;
	const char			*action;

	switch (in->action) {
	case TDKT__JOB_ACT_REQUEST__ACTION__ACTION_RETRY:
		action = "retry";
		break;
	case TDKT__JOB_ACT_REQUEST__ACTION__ACTION_CANCEL:
		action = "cancel";
		break;
	default:
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "the action must be retry or cancel");
		return;
	}
	if (!jobs_id_possible(in->job_id)) {
		job_act_done(req, NULL, NULL, NULL);
		return;
	}
	db_jobs_act(req->server->db, req->arena, in->job_id, action,
	    req->caller.account_id, req->address, job_act_done, req);
}

const struct handler_entry handler_jobs_list_entry = {
	.name = "jobs-list",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOBS_LIST_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = jobs_list_exec,
};

const struct handler_entry handler_job_show_entry = {
	.name = "job-show",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOB_SHOW_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = job_show_exec,
};

const struct handler_entry handler_job_act_entry = {
	.name = "job-act",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_JOB_ACT_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = job_act_exec,
};
