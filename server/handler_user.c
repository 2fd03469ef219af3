/*
 * handler_user.c - `tdkt user add|list|disable|enable|reset`: accounts,
 * managed by administrators within the subtree their own unit reaches.
 *
 * A password the server makes up (an account added without one, a reset)
 * is shown once, in the reply, and must be changed at first login. Every
 * change is audited in the statement that makes it (migration 0005).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "account_proto.h"
#include "db_accounts.h"
#include "handler.h"
#include "log.h"
#include "passwords.h"
#include "roles.h"
#include "server.h"
#include "utf8.h"
#include "xmalloc.h"

#define USER_MAX_ROLES		ROLES_COUNT
#define USER_DISPLAY_NAME_MAX	200	/* characters */

/* One add or reset on its way through hashing and saving. */
struct user_change {
	struct request	*req;
	const char	*username;
	char		 generated[17];	/* "" unless the server made it up */
};

static void
user_change_free(struct user_change *uc)
{
	sodium_memzero(uc->generated, sizeof uc->generated);
	free(uc);
}

/* Replies with the account as it is now, and the made-up password if any. */
static void
user_reply(void *arg, const struct db_account *accounts, size_t n,
    const char *error)
{
	struct user_change	*uc = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UserReply		 out = TDKT__USER_REPLY__INIT;

	if (n != 1) {
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "saved, but could not read the account back: %s",
		    error != NULL ? error : "it is gone");
		user_change_free(uc);
		return;
	}
	if ((out.account = account_proto(uc->req->arena, &accounts[0])) == NULL) {
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "out of request memory");
		user_change_free(uc);
		return;
	}
	out.password = uc->generated;
	if (uc->req->env->body_case == TDKT__CLIENT_ENVELOPE__BODY_USER_ADD_REQUEST) {
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_ADD_REPLY;
		reply.user_add_reply = &out;
	} else {
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_UPDATE_REPLY;
		reply.user_update_reply = &out;
	}
	request_reply(&uc->req, &reply);
	user_change_free(uc);
}

/* After a change: reports its outcome, or reads the account for the reply. */
static void
user_changed(void *arg, const char *outcome, const char *problem,
    const char *error)
{
	struct user_change	*uc = arg;

	if (outcome == NULL)
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not save the account: %s", error);
	else if (strcmp(outcome, "exists") == 0)
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS,
		    "the username \"%s\" is taken", uc->username);
	else if (strcmp(outcome, "no_unit") == 0)
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no unit has the code \"%s\"", uc->req->unit);
	else if (strcmp(outcome, "no_account") == 0)
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no account is called \"%s\"", uc->username);
	else if (strcmp(outcome, "invalid") == 0)
		request_fail(&uc->req,
		    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, "%s", problem);
	else {
		db_accounts_get(uc->req->server->db, uc->username, user_reply, uc);
		return;
	}
	user_change_free(uc);
}

static void
user_add_hashed(void *arg, bool ok, const char *hash, const char *error)
{
	struct user_change		*uc = arg;
	struct request			*req = uc->req;
	const Tdkt__UserAddRequest	*in = req->env->user_add_request;

	if (!ok) {
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not hash the password: %s", error);
		user_change_free(uc);
		return;
	}
	db_accounts_add(req->server->db, req->caller.account_id, req->address,
	    in->username, in->display_name, req->unit, in->roles, in->n_roles,
	    hash, uc->generated[0] != '\0', user_changed, uc);
}

/* The Vietnamese reason a username is unusable, or NULL. */
static const char *
user_username_problem(const char *username)
{
	size_t	len = strlen(username);

	if (len < 2 || len > 64 ||
	    strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != len ||
	    strchr("._-", username[0]) != NULL)
		return "Tên đăng nhập gồm 2–64 ký tự: chữ thường không dấu, chữ "
		    "số, dấu chấm, gạch dưới, gạch ngang, bắt đầu bằng chữ hoặc số";
	return NULL;
}

/* The Vietnamese reason a display name is unusable, or NULL. */
static const char *
user_display_name_problem(const char *name)
{
	size_t	chars = utf8_length(name);

	if (chars == 0 || chars > USER_DISPLAY_NAME_MAX)
		return "Họ tên phải có từ 1 đến 200 ký tự";
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "Họ tên không được chứa ký tự điều khiển";
	}
	return NULL;
}

static void
user_add_exec(struct request *req)
{
	const Tdkt__UserAddRequest	*in = req->env->user_add_request;
	struct user_change		*uc;
	const char			*problem, *level, *password;

	if ((problem = user_username_problem(in->username)) != NULL ||
	    (problem = user_display_name_problem(in->display_name)) != NULL) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    problem, "invalid username or display name");
		return;
	}
	if (in->n_roles < 1 || in->n_roles > USER_MAX_ROLES) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "an account has 1 to %d roles", USER_MAX_ROLES);
		return;
	}
	for (size_t i = 0; i < in->n_roles; i++) {
		if (strlen(in->roles[i]) > ROLES_TEXT_MAX ||
		    roles_parse(in->roles[i], &level) == 0) {
			request_fail(&req,
			    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
			    "\"%.40s\" is no role (staff, head, block_leader, "
			    "specialist:LEVEL, office_head, department, ministry, "
			    "admin)", in->roles[i]);
			return;
		}
	}
	if (in->password[0] != '\0' && (problem = passwords_weakness(in->password,
	    in->username)) != NULL) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    problem, "the password is too weak");
		return;
	}
	uc = xcalloc(1, sizeof *uc);
	uc->req = req;
	uc->username = in->username;
	password = in->password;
	if (password[0] == '\0') {
		passwords_generate(uc->generated);
		password = uc->generated;
	}
	if (passwords_hash(req->server->passwords, password, user_add_hashed,
	    uc) < 0) {
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "too many password checks at once; try again in a moment");
		user_change_free(uc);
	}
}

/* An empty unit here means a system-wide account, not the caller's unit. */
static const char *
user_add_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->user_add_request->unit;
}

const struct handler_entry handler_user_add_entry = {
	.name = "user-add",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_ADD_REQUEST,
	.flags = HANDLER_NEEDS_DB | HANDLER_NO_UNIT_IS_SYSTEM,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_UNIT,
	.target_key = user_add_target,
	.exec = user_add_exec,
};

static void
user_list_done(void *arg, const struct db_account *accounts, size_t n,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UserListReply	 out = TDKT__USER_LIST_REPLY__INIT;

	if (error != NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not list the accounts: %s", error);
		return;
	}
	out.accounts = arena_zalloc(req->arena, (n + 1) * sizeof *out.accounts);
	for (size_t i = 0; out.accounts != NULL && i < n; i++) {
		if ((out.accounts[i] = account_proto(req->arena,
		    &accounts[i])) == NULL) {
			out.accounts = NULL;
			break;
		}
	}
	if (out.accounts == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "too many accounts for one answer; list a smaller unit");
		return;
	}
	out.n_accounts = n;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_LIST_REPLY;
	reply.user_list_reply = &out;
	request_reply(&req, &reply);
}

static void
user_list_exec(struct request *req)
{
	db_accounts_list(req->server->db, req->unit, user_list_done, req);
}

static const char *
user_list_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->user_list_request->unit;
}

const struct handler_entry handler_user_list_entry = {
	.name = "user-list",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_LIST_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN | ROLE_OFFICE_HEAD | ROLE_DEPARTMENT | ROLE_MINISTRY,
	.target = AUTH_TARGET_UNIT,
	.target_key = user_list_target,
	.exec = user_list_exec,
};

static void
user_reset_hashed(void *arg, bool ok, const char *hash, const char *error)
{
	struct user_change	*uc = arg;
	struct request		*req = uc->req;

	if (!ok) {
		request_fail(&uc->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not hash the password: %s", error);
		user_change_free(uc);
		return;
	}
	db_accounts_set_password(req->server->db, req->caller.account_id,
	    req->address, uc->username, hash, true, NULL, "user_reset",
	    user_changed, uc);
}

static void
user_update_exec(struct request *req)
{
	const Tdkt__UserUpdateRequest	*in = req->env->user_update_request;
	struct user_change		*uc;
	bool				 disable;

	if (in->action != TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_DISABLE &&
	    in->action != TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_ENABLE &&
	    in->action != TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_RESET) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "the action must be disable, enable or reset");
		return;
	}
	if (strcmp(in->username, req->caller.username) == 0) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "Không thể tự khóa, mở hoặc đặt lại tài khoản của chính mình; "
		    "hãy dùng `tdkt password` hoặc nhờ quản trị viên khác",
		    "an administrator cannot change their own account this way");
		return;
	}
	uc = xcalloc(1, sizeof *uc);
	uc->req = req;
	uc->username = in->username;
	if (in->action == TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_RESET) {
		passwords_generate(uc->generated);
		if (passwords_hash(req->server->passwords, uc->generated,
		    user_reset_hashed, uc) < 0) {
			request_fail(&uc->req,
			    TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
			    "too many password checks at once; try again");
			user_change_free(uc);
		}
		return;
	}
	disable = in->action == TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_DISABLE;
	db_accounts_set_disabled(req->server->db, req->caller.account_id,
	    req->address, in->username, disable, user_changed, uc);
}

static const char *
user_update_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->user_update_request->username;
}

const struct handler_entry handler_user_update_entry = {
	.name = "user-update",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_UPDATE_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_ACCOUNT,
	.target_key = user_update_target,
	.exec = user_update_exec,
};
