/*
 * auth.c - authorisation of every request; see auth.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "auth.h"
#include "db_accounts.h"
#include "handler.h"
#include "log.h"
#include "request.h"
#include "roles.h"
#include "server.h"
#include "xmalloc.h"

/* Longer names than this name nothing: unit codes and usernames are short. */
#define AUTH_TARGET_MAX	256

static const char *const auth_target_kinds[] = {
	[AUTH_TARGET_NONE] = "none",
	[AUTH_TARGET_UNIT] = "unit",
	[AUTH_TARGET_BLOCK] = "block",
	[AUTH_TARGET_ACCOUNT] = "account",
	[AUTH_TARGET_DOSSIER] = "dossier",
};

struct auth_check {
	struct request			*req;
	const struct handler_entry	*h;
	const char			*target;	/* as the request named it */
};

void
auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash_hex[AUTH_TOKEN_LEN + 1])
{
	unsigned char	raw[AUTH_TOKEN_LEN / 2];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, AUTH_TOKEN_LEN + 1, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	auth_token_hash(token, hash_hex);
}

int
auth_token_hash(const char *token, char hash_hex[AUTH_TOKEN_LEN + 1])
{
	unsigned char	digest[crypto_hash_sha256_BYTES];

	if (strlen(token) != AUTH_TOKEN_LEN ||
	    strspn(token, "0123456789abcdef") != AUTH_TOKEN_LEN)
		return -1;
	crypto_hash_sha256(digest, (const unsigned char *)token, AUTH_TOKEN_LEN);
	sodium_bin2hex(hash_hex, AUTH_TOKEN_LEN + 1, digest, sizeof digest);
	return 0;
}

/* Copies what the database said about the caller into the request. */
static void
auth_fill_caller(struct request *req, const struct db_auth *a,
    const char *target)
{
	struct caller	*c = &req->caller;

	c->account_id = a->account_id;
	c->username = arena_strdup(req->arena, a->username);
	c->display_name = arena_strdup(req->arena, a->display_name);
	c->unit = arena_strdup(req->arena, a->unit);
	c->roles = roles_parse_all(a->roles, a->nroles);
	c->covering = roles_parse_all(a->covering, a->ncovering);
	c->must_change_password = a->must_change_password;
	c->expires_ms = a->expires_ms;
	/* An unknown unit keeps its name, for the handler to say so. */
	req->unit = arena_strdup(req->arena, a->target_unit[0] != '\0' ?
	    a->target_unit : target);
	req->authenticated = c->username != NULL && c->unit != NULL &&
	    req->unit != NULL;
}

static void
auth_deny(struct auth_check *ac)
{
	struct request	*req = ac->req;
	char		 need[128], held[128];
	const char	*target = req->unit[0] != '\0' ? req->unit :
			    ac->target[0] != '\0' ? ac->target : "the system";

	roles_format(ac->h->roles, need, sizeof need);
	roles_format(req->caller.roles, held, sizeof held);
	log_info("denied %s to %s on %s", ac->h->name, req->caller.username,
	    target);
	db_audit_append(req->server->db, req->caller.account_id, req->address,
	    ac->h->name, target, "denied", held);
	request_fail(&ac->req, TDKT__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
	    "%s on %s needs one of the roles %s reaching it; %s holds %s",
	    ac->h->name, target, need[0] != '\0' ? need : "(none)",
	    req->caller.username, held[0] != '\0' ? held : "none");
}

static void
auth_done(void *arg, const struct db_auth *a, const char *error)
{
	struct auth_check		*ac = arg;
	const struct handler_entry	*h = ac->h;
	struct request			*req = ac->req;

	if (a == NULL) {
		log_warnx("could not authorise %s: %s", h->name, error);
		request_fail(&ac->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not check the session: %s", error);
	} else if (strcmp(a->status, "ok") != 0)
		request_fail(&ac->req, TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    strcmp(a->status, "disabled") == 0 ?
		    "the account is disabled" :
		    "the session is unknown, ended or expired; log in again");
	else {
		auth_fill_caller(req, a, ac->target);
		if (!req->authenticated)
			request_fail(&ac->req,
			    TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
			    "out of request memory");
		else if (req->caller.must_change_password &&
		    !(h->flags & HANDLER_SELF))
			request_fail(&ac->req,
			    TDKT__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED,
			    "%s must change their password first",
			    req->caller.username);
		else if (!(h->flags & HANDLER_SELF) &&
		    (h->roles & req->caller.covering) == 0)
			auth_deny(ac);
		else
			h->exec(req);
	}
	free(ac);
}

void
auth_authorize(struct request *req, const struct handler_entry *h)
{
	struct auth_check	*ac;
	const char		*target = "", *extra = "";
	enum auth_target	 kind;

	if (h->flags & HANDLER_PUBLIC) {
		h->exec(req);
		return;
	}
	if (req->env->session_token[0] == '\0' ||
	    auth_token_hash(req->env->session_token,
	    req->caller.token_hash) < 0) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
		    req->env->session_token[0] == '\0' ?
		    "%s needs a session; log in first" :
		    "%s: the session token is malformed; log in again", h->name);
		return;
	}
	if (h->target != AUTH_TARGET_NONE) {
		target = h->target_key(req, &extra);
		if (target == NULL) {
			request_fail(&req,
			    TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
			    "out of request memory");
			return;
		}
		if (strlen(target) > AUTH_TARGET_MAX ||
		    strlen(extra) > AUTH_TARGET_MAX) {
			request_fail(&req,
			    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
			    "%s: the name of what it is about is over %d bytes",
			    h->name, AUTH_TARGET_MAX);
			return;
		}
	}
	kind = h->target;
	if (kind == AUTH_TARGET_UNIT && target[0] == '\0' &&
	    (h->flags & HANDLER_NO_UNIT_IS_SYSTEM))
		kind = AUTH_TARGET_NONE;
	ac = xcalloc(1, sizeof *ac);
	ac->req = req;
	ac->h = h;
	ac->target = target;
	db_auth_request(req->server->db, req->caller.token_hash,
	    auth_target_kinds[kind], target, extra, auth_done, ac);
}
