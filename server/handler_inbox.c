/*
 * handler_inbox.c - the caller's inbox: `inbox-list` (a page, newest first)
 * and `inbox-mark` (read or unread). Any role reaches its own unit's inbox;
 * which messages of it an account reads is the database's inbox_of().
 */
#include "db_inbox.h"
#include "handler.h"
#include "roles.h"
#include "server.h"

#define INBOX_LIST_DEFAULT	50
#define INBOX_LIST_MAX		500
#define INBOX_MARK_MAX		1000

/* The caller's own unit: an inbox is always one's own. */
static const char *
inbox_target(struct request *req, const char **extra)
{
	(void)req;
	(void)extra;
	return "";
}

static void
inbox_list_done(void *arg, Tdkt__InboxListReply *list, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;

	if (list == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the inbox: %s", error);
		return;
	}
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_LIST_REPLY;
	reply.inbox_list_reply = list;
	request_reply(&req, &reply);
}

static void
inbox_list_exec(struct request *req)
{
	const Tdkt__InboxListRequest	*in = req->env->inbox_list_request;
	uint32_t			 limit = in->limit;

	if (in->before_id > INT64_MAX) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "no message has an id that large");
		return;
	}
	if (limit == 0)
		limit = INBOX_LIST_DEFAULT;
	if (limit > INBOX_LIST_MAX)
		limit = INBOX_LIST_MAX;
	db_inbox_list(req->server->db, req->arena, req->caller.account_id,
	    in->unread_only, limit, in->before_id, inbox_list_done, req);
}

const struct handler_entry handler_inbox_list_entry = {
	.name = "inbox-list",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_LIST_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = inbox_target,
	.exec = inbox_list_exec,
};

static void
inbox_mark_done(void *arg, uint32_t changed, uint32_t unread,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__InboxMarkReply	 out = TDKT__INBOX_MARK_REPLY__INIT;

	if (error != NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not mark the messages: %s", error);
		return;
	}
	out.changed = changed;
	out.unread = unread;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_MARK_REPLY;
	reply.inbox_mark_reply = &out;
	request_reply(&req, &reply);
}

static void
inbox_mark_exec(struct request *req)
{
	const Tdkt__InboxMarkRequest	*in = req->env->inbox_mark_request;

	if (in->all == (in->n_ids > 0)) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "name the messages, or all of them, not both");
		return;
	}
	if (in->n_ids > INBOX_MARK_MAX) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "at most %d messages at once", INBOX_MARK_MAX);
		return;
	}
	for (size_t i = 0; i < in->n_ids; i++) {
		if (in->ids[i] == 0 || in->ids[i] > INT64_MAX) {
			request_fail(&req,
			    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
			    "%llu is no message id",
			    (unsigned long long)in->ids[i]);
			return;
		}
	}
	db_inbox_mark(req->server->db, req->caller.account_id, in->ids,
	    in->n_ids, in->all, in->unread, inbox_mark_done, req);
}

const struct handler_entry handler_inbox_mark_entry = {
	.name = "inbox-mark",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_MARK_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = inbox_target,
	.exec = inbox_mark_exec,
};
