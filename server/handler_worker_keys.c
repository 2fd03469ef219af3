/*
 * handler_worker_keys.c - `tdkt worker allow|revoke|keys`: the allow-list of
 * worker keys, for system-wide administrators.
 *
 * A key allowed here is let in by the ZAP handler at once; a key revoked
 * here is forgotten by it at once and every worker connected with it is cut
 * off (worker_keys.c). Other servers on the same database follow within
 * seconds.
 */
#include <string.h>

#include "curve.h"
#include "db_accounts.h"
#include "handler.h"
#include "roles.h"
#include "server.h"
#include "worker_pool.h"

#define WORKER_KEY_NAME_MAX	200

static void
worker_keys_reply(void *arg, const struct db_worker_key *keys, size_t n,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WorkerKeysReply	 out = TDKT__WORKER_KEYS_REPLY__INIT;
	Tdkt__WorkerKey		*items;

	if (error != NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the worker keys: %s", error);
		return;
	}
	items = arena_zalloc(req->arena, (n + 1) * sizeof *items);
	out.keys = arena_zalloc(req->arena, (n + 1) * sizeof *out.keys);
	if (items == NULL || out.keys == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "too many worker keys for one answer");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		tdkt__worker_key__init(&items[i]);
		items[i].public_key = (char *)keys[i].public_key;
		items[i].name = (char *)keys[i].name;
		items[i].added_by = (char *)keys[i].added_by;
		items[i].added_at_unix_ms = keys[i].added_ms;
		items[i].revoked_at_unix_ms = keys[i].revoked_ms;
		items[i].connected = worker_pool_count_key(req->server->pool,
		    keys[i].public_key);
		out.keys[i] = &items[i];
	}
	out.n_keys = n;
	switch (req->env->body_case) {
	case TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REQUEST:
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REPLY;
		reply.worker_allow_reply = &out;
		break;
	case TDKT__CLIENT_ENVELOPE__BODY_WORKER_REVOKE_REQUEST:
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_REVOKE_REPLY;
		reply.worker_revoke_reply = &out;
		break;
	default:
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_KEYS_REPLY;
		reply.worker_keys_reply = &out;
		break;
	}
	request_reply(&req, &reply);
}

static void
worker_keys_changed(void *arg, const char *outcome, const char *problem,
    const char *error)
{
	struct request	*req = arg;
	bool		 allow = req->env->body_case ==
			    TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REQUEST;
	const char	*key = allow ? req->env->worker_allow_request->public_key :
			    req->env->worker_revoke_request->public_key;

	(void)problem;
	if (outcome == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not save the worker key: %s", error);
		return;
	}
	if (strcmp(outcome, "unknown") == 0) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "the key %s is not allowed now", key);
		return;
	}
	if (allow)
		worker_keys_allowed(req->server, key);
	else
		worker_keys_revoked(req->server, key);
	db_worker_keys_list(req->server->db, worker_keys_reply, req);
}

/* Checks the key, then allows or revokes it. */
static void
worker_keys_set(struct request *req, const char *key, const char *name,
    bool allow)
{
	if (!curve_key_valid(key)) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "Khóa công khai của máy xử lý phải gồm đúng 40 ký tự Z85 "
		    "(lệnh `tdkt-worker keygen` in ra khóa này)",
		    "not a CURVE public key: 40 Z85 characters expected");
		return;
	}
	if (strlen(name) > WORKER_KEY_NAME_MAX) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a key's name is at most %d bytes", WORKER_KEY_NAME_MAX);
		return;
	}
	db_worker_keys_set(req->server->db, req->caller.account_id,
	    req->address, key, name, allow, worker_keys_changed, req);
}

static void
worker_allow_exec(struct request *req)
{
	worker_keys_set(req, req->env->worker_allow_request->public_key,
	    req->env->worker_allow_request->name, true);
}

static void
worker_revoke_exec(struct request *req)
{
	worker_keys_set(req, req->env->worker_revoke_request->public_key, "",
	    false);
}

static void
worker_keys_exec(struct request *req)
{
	db_worker_keys_list(req->server->db, worker_keys_reply, req);
}

const struct handler_entry handler_worker_allow_entry = {
	.name = "worker-allow",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = worker_allow_exec,
};

const struct handler_entry handler_worker_revoke_entry = {
	.name = "worker-revoke",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_REVOKE_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = worker_revoke_exec,
};

const struct handler_entry handler_worker_keys_entry = {
	.name = "worker-keys",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_KEYS_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = worker_keys_exec,
};
