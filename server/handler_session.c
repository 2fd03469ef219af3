/*
 * handler_session.c - `tdkt login|logout|whoami|password`: sessions and the
 * caller's own password.
 *
 * A login runs in four steps, each waiting for the one before:
 *
 *   login_begin()      the account's hash and recent failures (rate limit)
 *   Argon2id check     on a password thread (passwords.h); an unknown user
 *                      is checked against a dummy hash, so both take as long
 *   login_finish()     the audit entry, and for success the session, in one
 *                      transaction: no session exists unrecorded
 *   account_view       the account, for the reply
 *
 * Unknown user and wrong password get the same answer, so a login reveals
 * nothing about which accounts exist. The token goes to the client once;
 * the database keeps only its SHA-256.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "account_proto.h"
#include "auth.h"
#include "db_accounts.h"
#include "handler.h"
#include "log.h"
#include "passwords.h"
#include "server.h"
#include "xmalloc.h"

#define LOGIN_USERNAME_MAX	64

/* One login or password change on its way through the steps. */
struct login {
	struct request	*req;
	const char	*username;
	const char	*password;	/* in the request's arena */
	const char	*new_password;	/* password change only */
	int64_t		 account_id;
	bool		 disabled;
	bool		 matched;
	char		 token[AUTH_TOKEN_LEN + 1];
	char		 token_hash[AUTH_TOKEN_LEN + 1];
};

static void
login_free(struct login *lg)
{
	sodium_memzero(lg->token, sizeof lg->token);
	free(lg);
}

static void
login_reply(void *arg, const struct db_account *accounts, size_t n,
    const char *error)
{
	struct login		*lg = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__LoginReply	 out = TDKT__LOGIN_REPLY__INIT;

	if (n != 1) {
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "logged in, but could not read the account: %s",
		    error != NULL ? error : "it is gone");
		login_free(lg);
		return;
	}
	out.session_token = lg->token;
	out.expires_at_unix_ms = lg->req->caller.expires_ms;
	if ((out.account = account_proto(lg->req->arena, &accounts[0])) == NULL) {
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "out of request memory");
		login_free(lg);
		return;
	}
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_LOGIN_REPLY;
	reply.login_reply = &out;
	log_info("%s logged in from %s", lg->username,
	    lg->req->address[0] != '\0' ? lg->req->address : "a local socket");
	request_reply(&lg->req, &reply);
	login_free(lg);
}

static void
login_finished(void *arg, int64_t expires_ms, const char *error)
{
	struct login	*lg = arg;

	if (error != NULL) {
		log_warnx("login of %s: %s", lg->username, error);
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not record the login: %s", error);
	} else if (!lg->matched)
		request_fail(&lg->req,
		    TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    "wrong username or password");
	else if (lg->disabled)
		request_fail(&lg->req,
		    TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    "the account is disabled");
	else {
		lg->req->caller.expires_ms = expires_ms;
		db_accounts_get(lg->req->server->db, lg->username, login_reply,
		    lg);
		return;
	}
	login_free(lg);
}

static void
login_checked(void *arg, bool ok, const char *hash, const char *error)
{
	struct login	*lg = arg;
	struct server	*s = lg->req->server;
	const char	*outcome = "ok", *detail = "";

	(void)hash;
	lg->matched = ok && error == NULL && lg->account_id > 0;
	if (!lg->matched) {
		outcome = "failed";
		detail = lg->account_id > 0 ? "wrong password" : "no such account";
	} else if (lg->disabled) {
		outcome = "denied";
		detail = "account disabled";
	} else
		auth_token_new(lg->token, lg->token_hash);
	db_login_finish(s->db, lg->account_id, lg->username, lg->req->address,
	    outcome, detail, lg->token_hash, s->conf->auth_session_ttl_s,
	    login_finished, lg);
}

/*
 * After login_begin(): refuses a rate-limited attempt (on the record too),
 * else has the password checked and calls `next`.
 */
static void
login_check_password(struct login *lg, const struct db_login *l,
    const char *error, passwords_cb *next)
{
	struct server	*s = lg->req->server;

	if (l == NULL) {
		log_warnx("login of %s: %s", lg->username, error);
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not check the login: %s", error);
		login_free(lg);
		return;
	}
	lg->account_id = l->account_id;
	lg->disabled = l->disabled;
	if (l->user_failures >= s->conf->auth_max_failures_per_account ||
	    l->address_failures >= s->conf->auth_max_failures_per_address) {
		log_warnx("login of %s from %s refused: too many failures",
		    lg->username, lg->req->address);
		db_login_finish(s->db, lg->account_id, lg->username,
		    lg->req->address, "rate_limited",
		    l->user_failures >= s->conf->auth_max_failures_per_account ?
		    "account" : "address", "", 0, NULL, NULL);
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_RATE_LIMITED,
		    "too many failed logins; try again in %lld minutes",
		    (long long)(s->conf->auth_failure_window_s + 59) / 60);
		login_free(lg);
		return;
	}
	if (passwords_verify(s->passwords, l->password_hash, lg->password,
	    next, lg) < 0) {
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "too many logins at once; try again in a moment");
		login_free(lg);
	}
}

static void
login_begun(void *arg, const struct db_login *l, const char *error)
{
	login_check_password(arg, l, error, login_checked);
}

static struct login *
login_new(struct request *req, const char *username, const char *password)
{
	struct login	*lg = xcalloc(1, sizeof *lg);

	lg->req = req;
	lg->username = username;
	lg->password = password;
	return lg;
}

static void
login_exec(struct request *req)
{
	const Tdkt__LoginRequest	*in = req->env->login_request;
	struct login			*lg;

	if (in->username[0] == '\0' || strlen(in->username) > LOGIN_USERNAME_MAX ||
	    strlen(in->password) > PASSWORD_MAX_BYTES) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    "wrong username or password");
		return;
	}
	lg = login_new(req, in->username, in->password);
	db_login_begin(req->server->db, in->username, req->address,
	    req->server->conf->auth_failure_window_s, login_begun, lg);
}

const struct handler_entry handler_login_entry = {
	.name = "login",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_LOGIN_REQUEST,
	.flags = HANDLER_NEEDS_DB | HANDLER_PUBLIC,
	.exec = login_exec,
};

static void
logout_done(void *arg, const char *outcome, const char *problem,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__LogoutReply	 out = TDKT__LOGOUT_REPLY__INIT;

	(void)problem;
	if (outcome == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not end the session: %s", error);
		return;
	}
	/* "no_session": ended meanwhile by another logout; the same to the caller. */
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_LOGOUT_REPLY;
	reply.logout_reply = &out;
	request_reply(&req, &reply);
}

static void
logout_exec(struct request *req)
{
	db_session_end(req->server->db, req->caller.account_id, req->address,
	    req->caller.token_hash, logout_done, req);
}

const struct handler_entry handler_logout_entry = {
	.name = "logout",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_LOGOUT_REQUEST,
	.flags = HANDLER_NEEDS_DB | HANDLER_SELF,
	.exec = logout_exec,
};

static void
whoami_done(void *arg, const struct db_account *accounts, size_t n,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WhoamiReply	 out = TDKT__WHOAMI_REPLY__INIT;

	if (n != 1) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the account: %s",
		    error != NULL ? error : "it is gone");
		return;
	}
	if ((out.account = account_proto(req->arena, &accounts[0])) == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "out of request memory");
		return;
	}
	out.session_expires_at_unix_ms = req->caller.expires_ms;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_WHOAMI_REPLY;
	reply.whoami_reply = &out;
	request_reply(&req, &reply);
}

static void
whoami_exec(struct request *req)
{
	db_accounts_get(req->server->db, req->caller.username, whoami_done, req);
}

const struct handler_entry handler_whoami_entry = {
	.name = "whoami",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_WHOAMI_REQUEST,
	.flags = HANDLER_NEEDS_DB | HANDLER_SELF,
	.exec = whoami_exec,
};

static void
password_saved(void *arg, const char *outcome, const char *problem,
    const char *error)
{
	struct login		*lg = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PasswordChangeReply out = TDKT__PASSWORD_CHANGE_REPLY__INIT;

	(void)problem;
	if (outcome == NULL || strcmp(outcome, "ok") != 0)
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not save the password: %s",
		    error != NULL ? error : outcome);
	else {
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_PASSWORD_CHANGE_REPLY;
		reply.password_change_reply = &out;
		request_reply(&lg->req, &reply);
	}
	login_free(lg);
}

static void
password_hashed(void *arg, bool ok, const char *hash, const char *error)
{
	struct login	*lg = arg;
	struct request	*req = lg->req;

	if (!ok) {
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not hash the password: %s", error);
		login_free(lg);
		return;
	}
	/* This session stays; the account's others end. */
	db_accounts_set_password(req->server->db, req->caller.account_id,
	    req->address, req->caller.username, hash, false,
	    req->caller.token_hash, "password_change", password_saved, lg);
}

static void
password_checked(void *arg, bool ok, const char *hash, const char *error)
{
	struct login	*lg = arg;
	struct server	*s = lg->req->server;

	(void)hash;
	if (!ok || error != NULL) {
		/* Counted with failed logins: guessing here is guessing there. */
		db_login_finish(s->db, lg->account_id, lg->username,
		    lg->req->address, "failed", "password change: wrong "
		    "current password", "", 0, NULL, NULL);
		request_fail(&lg->req,
		    TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    "the current password is wrong");
		login_free(lg);
		return;
	}
	if (passwords_hash(s->passwords, lg->new_password, password_hashed,
	    lg) < 0) {
		request_fail(&lg->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "too many password checks at once; try again in a moment");
		login_free(lg);
	}
}

static void
password_begun(void *arg, const struct db_login *l, const char *error)
{
	login_check_password(arg, l, error, password_checked);
}

static void
password_change_exec(struct request *req)
{
	const Tdkt__PasswordChangeRequest *in = req->env->password_change_request;
	struct login			*lg;
	const char			*weakness;

	if (strlen(in->old_password) > PASSWORD_MAX_BYTES) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    "the current password is wrong");
		return;
	}
	if ((weakness = passwords_weakness(in->new_password,
	    req->caller.username)) != NULL) {
		request_fail_vi(&req,
		    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, weakness,
		    "the new password is too weak");
		return;
	}
	if (strcmp(in->new_password, in->old_password) == 0) {
		request_fail_vi(&req,
		    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "Mật khẩu mới phải khác mật khẩu hiện tại",
		    "the new password is the current one");
		return;
	}
	lg = login_new(req, req->caller.username, in->old_password);
	lg->new_password = in->new_password;
	db_login_begin(req->server->db, req->caller.username, req->address,
	    req->server->conf->auth_failure_window_s, password_begun, lg);
}

const struct handler_entry handler_password_change_entry = {
	.name = "password",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_PASSWORD_CHANGE_REQUEST,
	.flags = HANDLER_NEEDS_DB | HANDLER_SELF,
	.exec = password_change_exec,
};
