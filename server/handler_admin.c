/*
 * handler_admin.c - what administrators ask of the running system:
 * `workers-list`, the workers connected to this server (their kinds,
 * credit, jobs in flight and done, when last heard) and the jobs waiting.
 *
 * The workers are the server's own view, read in memory; the jobs waiting
 * for them are counted in PostgreSQL.
 */
#include "db_jobs.h"
#include "handler.h"
#include "roles.h"
#include "server.h"
#include "worker_pool.h"

static void
workers_list_counted(void *arg, uint64_t waiting, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WorkersListReply	 out = TDKT__WORKERS_LIST_REPLY__INIT;

	if (error != NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not count the jobs waiting: %s", error);
		return;
	}
	worker_pool_describe(req->server->pool, req->arena, &out);
	if (arena_exhausted(req->arena)) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "out of request memory");
		return;
	}
	out.jobs_waiting = waiting > UINT32_MAX ? UINT32_MAX : (uint32_t)waiting;
	/* Packed now, while the pool's strings it points to are current. */
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REPLY;
	reply.workers_list_reply = &out;
	request_reply(&req, &reply);
}

static void
workers_list_exec(struct request *req)
{
	db_jobs_waiting(req->server->db, workers_list_counted, req);
}

const struct handler_entry handler_workers_list_entry = {
	.name = "workers-list",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = workers_list_exec,
};
