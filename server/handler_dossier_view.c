/*
 * handler_dossier_view.c - the requests that read dossiers: show, list, the
 * reviewer's queue, and a dossier's audit trail.
 *
 * Anyone whose roles reach the dossier's unit may read it (the unit's own
 * people, its offices above); the queue is what awaits the caller's own
 * unit at its level, within the caller's roles (a specialist sees the
 * schools of their level).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "db_dossier.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"

#define DOSSIER_LIST_DEFAULT	500
#define DOSSIER_LIST_MAX	5000

static void
dossier_view_failed(struct request **reqp, const char *error)
{
	log_warnx("%s: %s", (*reqp)->name, error);
	request_fail(reqp, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
	    "could not read dossiers: %s", error);
}


/* show */

static void
dossier_show_done(void *arg, Tdkt__DossierShowReply *show, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;

	if (error != NULL)
		dossier_view_failed(&req, error);
	else if (show == NULL)
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "Không có hồ sơ này", "no such dossier");
	else {
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SHOW_REPLY;
		reply.dossier_show_reply = show;
		request_reply(&req, &reply);
	}
}

static void
dossier_show_exec(struct request *req)
{
	char	today[DATE_BUF_SIZE];

	date_format_iso(date_today_vn(), today);
	db_dossier_show(req->server->db, req->arena,
	    req->env->dossier_show_request->dossier_id, today, dossier_show_done,
	    req);
}

const struct handler_entry handler_dossier_show_entry = {
	.name = "dossier-show",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SHOW_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = dossier_show_exec,
};

/* list and queue */

static void
dossier_list_done(void *arg, Tdkt__Dossier **items, size_t n,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierListReply	 out = TDKT__DOSSIER_LIST_REPLY__INIT;

	if (error != NULL) {
		dossier_view_failed(&req, error);
		return;
	}
	out.dossiers = items;
	out.n_dossiers = n;
	reply.body_case = req->env->body_case ==
	    TDKT__CLIENT_ENVELOPE__BODY_QUEUE_REQUEST ?
	    TDKT__CLIENT_ENVELOPE__BODY_QUEUE_REPLY :
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_LIST_REPLY;
	reply.dossier_list_reply = &out;	/* the queue's reply shares the slot */
	request_reply(&req, &reply);
}

static void
dossier_list_exec(struct request *req)
{
	const Tdkt__DossierListRequest	*in = req->env->dossier_list_request;
	struct db_dossier_filter	 f = { 0 };
	char				 today[DATE_BUF_SIZE];

	if (strlen(in->state) > 64 || strlen(in->type) > 64 ||
	    strlen(in->period) > 64) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a filter is over 64 bytes");
		return;
	}
	date_format_iso(date_today_vn(), today);
	f.account_id = req->caller.account_id;
	f.unit = req->unit;
	f.state = in->state;
	f.type = in->type;
	f.period = in->period;
	f.limit = in->limit == 0 ? DOSSIER_LIST_DEFAULT :
	    in->limit > DOSSIER_LIST_MAX ? DOSSIER_LIST_MAX : in->limit;
	f.today = today;
	db_dossier_list(req->server->db, req->arena, &f, dossier_list_done, req);
}

static const char *
dossier_list_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->dossier_list_request->unit;
}

const struct handler_entry handler_dossier_list_entry = {
	.name = "dossier-list",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_LIST_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = dossier_list_target,
	.exec = dossier_list_exec,
};

static void
queue_exec(struct request *req)
{
	char	today[DATE_BUF_SIZE];

	date_format_iso(date_today_vn(), today);
	db_dossier_queue(req->server->db, req->arena, req->caller.account_id,
	    today, dossier_list_done, req);
}

static const char *
queue_target(struct request *req, const char **extra)
{
	(void)req;
	(void)extra;
	return "";
}

const struct handler_entry handler_queue_entry = {
	.name = "queue",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_QUEUE_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_HEAD | ROLE_BLOCK_LEADER | ROLE_SPECIALIST |
	    ROLE_OFFICE_HEAD | ROLE_DEPARTMENT | ROLE_MINISTRY,
	.target = AUTH_TARGET_UNIT,
	.target_key = queue_target,
	.exec = queue_exec,
};

/* history */

static void
dossier_history_done(void *arg, Tdkt__HistoryEntry **entries, size_t n,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierHistoryReply out = TDKT__DOSSIER_HISTORY_REPLY__INIT;

	if (error != NULL) {
		dossier_view_failed(&req, error);
		return;
	}
	if (n == 0) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "Không có hồ sơ này", "no such dossier");
		return;
	}
	out.dossier_id = req->env->dossier_history_request->dossier_id;
	out.entries = entries;
	out.n_entries = n;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_HISTORY_REPLY;
	reply.dossier_history_reply = &out;
	request_reply(&req, &reply);
}

static void
dossier_history_exec(struct request *req)
{
	db_dossier_history(req->server->db, req->arena,
	    req->env->dossier_history_request->dossier_id, dossier_history_done,
	    req);
}

const struct handler_entry handler_dossier_history_entry = {
	.name = "dossier-history",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_HISTORY_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = dossier_history_exec,
};
