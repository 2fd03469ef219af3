/*
 * handler_admin.c - what administrators ask of the running system:
 * `workers-list`, the workers connected to this server (their kinds,
 * credit, jobs in flight and done, when last heard) and the jobs waiting.
 *
 * The answer is the server's own view, read in memory; nothing here needs
 * the database beyond the authorisation every request passes.
 */
#include "handler.h"
#include "roles.h"
#include "server.h"
#include "worker_pool.h"

static void
workers_list_exec(struct request *req)
{
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WorkersListReply	 out = TDKT__WORKERS_LIST_REPLY__INIT;

	worker_pool_describe(req->server->pool, req->arena, &out);
	if (arena_exhausted(req->arena)) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "out of request memory");
		return;
	}
	/* Packed now, while the pool's strings it points to are current. */
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REPLY;
	reply.workers_list_reply = &out;
	request_reply(&req, &reply);
}

const struct handler_entry handler_workers_list_entry = {
	.name = "workers-list",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = workers_list_exec,
};
