/*
 * db_accounts.c - accounts, sessions, audit and worker keys in PostgreSQL;
 * see db_accounts.h. The decisions live in migration 0005's functions;
 * this file turns their rows into structs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_accounts.h"
#include "db_internal.h"
#include "log.h"
#include "xmalloc.h"

/* One query's callback, whichever kind it is. */
struct db_accounts_call {
	db_auth_cb		*auth_cb;
	db_login_cb		*login_cb;
	db_login_finish_cb	*finish_cb;
	db_outcome_cb		*outcome_cb;
	db_accounts_cb		*accounts_cb;
	db_worker_keys_cb	*keys_cb;
	db_keys_cb		*allowed_cb;
	void			*arg;
};

static struct db_accounts_call *
db_accounts_call_new(void *arg)
{
	struct db_accounts_call	*call = xcalloc(1, sizeof *call);

	call->arg = arg;
	return call;
}

static int64_t
db_int(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static bool
db_bool(const PGresult *res, int row, int col)
{
	return PQgetvalue(res, row, col)[0] == 't';
}

static void
db_auth_done(void *arg, const PGresult *res, const char *error)
{
	struct db_accounts_call	*call = arg;
	struct db_auth		 a = { 0 };
	char			*roles, *covering;

	if (error != NULL || PQntuples(res) != 1) {
		call->auth_cb(call->arg, NULL, error != NULL ? error :
		    "unexpected result authorising a request");
		free(call);
		return;
	}
	a.status = PQgetvalue(res, 0, 0);
	a.account_id = db_int(res, 0, 1);
	a.username = PQgetvalue(res, 0, 2);
	a.display_name = PQgetvalue(res, 0, 3);
	a.unit = PQgetvalue(res, 0, 4);
	a.must_change_password = db_bool(res, 0, 5);
	roles = xstrdup(PQgetvalue(res, 0, 6));
	covering = xstrdup(PQgetvalue(res, 0, 7));
	a.nroles = db_split(roles, ",", &a.roles);
	a.ncovering = db_split(covering, ",", &a.covering);
	a.target_unit = PQgetvalue(res, 0, 8);
	a.expires_ms = db_int(res, 0, 9);
	call->auth_cb(call->arg, &a, NULL);
	free(a.roles);
	free(a.covering);
	free(roles);
	free(covering);
	free(call);
}

void
db_auth_request(struct db *db, const char *token_hash_hex, const char *kind,
    const char *target, const char *extra, db_auth_cb *cb, void *arg)
{
	struct db_accounts_call	*call = db_accounts_call_new(arg);
	const char		*params[4] = { token_hash_hex, kind, target,
				    extra };

	call->auth_cb = cb;
	db_query(db, "SELECT status, coalesce(account_id, 0), username,"
	    " display_name, unit, must_change, array_to_string(roles, ','),"
	    " array_to_string(covering, ','), target_unit, expires_ms"
	    " FROM auth_request(decode($1, 'hex'), $2, $3, $4)", 4, params,
	    db_auth_done, call);
}

static void
db_login_begin_done(void *arg, const PGresult *res, const char *error)
{
	struct db_accounts_call	*call = arg;
	struct db_login		 l = { 0 };

	if (error != NULL || PQntuples(res) != 1) {
		call->login_cb(call->arg, NULL, error != NULL ? error :
		    "unexpected result starting a login");
		free(call);
		return;
	}
	l.account_id = PQgetisnull(res, 0, 0) ? 0 : db_int(res, 0, 0);
	l.password_hash = PQgetvalue(res, 0, 1);
	l.disabled = db_bool(res, 0, 2);
	l.user_failures = db_int(res, 0, 3);
	l.address_failures = db_int(res, 0, 4);
	call->login_cb(call->arg, &l, NULL);
	free(call);
}

void
db_login_begin(struct db *db, const char *username, const char *address,
    int64_t window_s, db_login_cb *cb, void *arg)
{
	struct db_accounts_call	*call = db_accounts_call_new(arg);
	char			 window[32];
	const char		*params[3] = { username, address, window };

	snprintf(window, sizeof window, "%" PRId64 " seconds", window_s);
	call->login_cb = cb;
	db_query(db, "SELECT * FROM login_begin($1, $2, $3::interval)", 3,
	    params, db_login_begin_done, call);
}

static void
db_login_finish_done(void *arg, const PGresult *res, const char *error)
{
	struct db_accounts_call	*call = arg;

	if (call->finish_cb == NULL) {
		if (error != NULL)
			log_warnx("could not record a login: %s", error);
	} else if (error != NULL || PQntuples(res) != 1)
		call->finish_cb(call->arg, 0, error != NULL ? error :
		    "unexpected result finishing a login");
	else
		call->finish_cb(call->arg, db_int(res, 0, 0), NULL);
	free(call);
}

void
db_login_finish(struct db *db, int64_t account_id, const char *username,
    const char *address, const char *outcome, const char *detail,
    const char *token_hash_hex, int64_t ttl_s, db_login_finish_cb *cb,
    void *arg)
{
	struct db_accounts_call	*call = db_accounts_call_new(arg);
	char			 id[24], ttl[32];
	const char		*params[7] = { account_id > 0 ? id : NULL,
				    username, address, outcome, detail,
				    token_hash_hex, ttl };

	snprintf(id, sizeof id, "%" PRId64, account_id);
	snprintf(ttl, sizeof ttl, "%" PRId64 " seconds", ttl_s);
	call->finish_cb = cb;
	db_query(db, "SELECT expires_ms FROM login_finish($1::bigint, $2, $3,"
	    " $4, $5, decode($6, 'hex'), $7::interval)", 7, params,
	    db_login_finish_done, call);
}

/* For functions answering (outcome) or (outcome, problem). */
static void
db_outcome_done(void *arg, const PGresult *res, const char *error)
{
	struct db_accounts_call	*call = arg;

	if (error != NULL || PQntuples(res) != 1)
		call->outcome_cb(call->arg, NULL, NULL, error != NULL ? error :
		    "unexpected result");
	else
		call->outcome_cb(call->arg, PQgetvalue(res, 0, 0),
		    PQnfields(res) > 1 ? PQgetvalue(res, 0, 1) : "", NULL);
	free(call);
}

static void
db_outcome_query(struct db *db, const char *sql, int nparams,
    const char *const *params, db_outcome_cb *cb, void *arg)
{
	struct db_accounts_call	*call = db_accounts_call_new(arg);

	call->outcome_cb = cb;
	db_query(db, sql, nparams, params, db_outcome_done, call);
}

void
db_session_end(struct db *db, int64_t account_id, const char *address,
    const char *token_hash_hex, db_outcome_cb *cb, void *arg)
{
	char		 id[24];
	const char	*params[3] = { id, address, token_hash_hex };

	snprintf(id, sizeof id, "%" PRId64, account_id);
	db_outcome_query(db,
	    "WITH gone AS (DELETE FROM sessions"
	    "  WHERE token_hash = decode($3, 'hex') RETURNING account_id),"
	    " logged AS (INSERT INTO audit_log (account_id, address, action,"
	    "  outcome) SELECT $1::bigint, $2, 'logout', 'ok' FROM gone"
	    "  RETURNING 1)"
	    " SELECT CASE WHEN EXISTS (SELECT 1 FROM logged) THEN 'ok'"
	    "  ELSE 'no_session' END", 3, params, cb, arg);
}

static void
db_accounts_done(void *arg, const PGresult *res, const char *error)
{
	struct db_accounts_call	*call = arg;
	struct db_account	*accounts;
	char			**roles;
	int			 n;

	if (error != NULL) {
		call->accounts_cb(call->arg, NULL, 0, error);
		free(call);
		return;
	}
	n = PQntuples(res);
	accounts = xcalloc((size_t)n + 1, sizeof *accounts);
	roles = xcalloc((size_t)n + 1, sizeof *roles);
	for (int i = 0; i < n; i++) {
		struct db_account *a = &accounts[i];

		a->id = db_int(res, i, 0);
		a->username = PQgetvalue(res, i, 1);
		a->display_name = PQgetvalue(res, i, 2);
		a->unit = PQgetvalue(res, i, 3);
		a->unit_name = PQgetvalue(res, i, 4);
		roles[i] = xstrdup(PQgetvalue(res, i, 5));
		a->nroles = db_split(roles[i], ",", &a->roles);
		a->disabled = db_bool(res, i, 6);
		a->must_change_password = db_bool(res, i, 7);
		a->created_ms = db_int(res, i, 8);
		a->last_login_ms = db_int(res, i, 9);
	}
	call->accounts_cb(call->arg, accounts, (size_t)n, NULL);
	for (int i = 0; i < n; i++) {
		free(accounts[i].roles);
		free(roles[i]);
	}
	free(roles);
	free(accounts);
	free(call);
}

#define DB_ACCOUNT_COLUMNS \
	"v.id, v.username, v.display_name, v.unit, v.unit_name," \
	" array_to_string(v.roles, ','), v.disabled, v.must_change_password," \
	" v.created_ms, v.last_login_ms"

void
db_accounts_get(struct db *db, const char *username, db_accounts_cb *cb,
    void *arg)
{
	struct db_accounts_call	*call = db_accounts_call_new(arg);
	const char		*params[1] = { username };

	call->accounts_cb = cb;
	db_query(db, "SELECT " DB_ACCOUNT_COLUMNS " FROM account_view v"
	    " WHERE v.username = $1", 1, params, db_accounts_done, call);
}

void
db_accounts_list(struct db *db, const char *unit, db_accounts_cb *cb, void *arg)
{
	struct db_accounts_call	*call = db_accounts_call_new(arg);
	const char		*params[1] = { unit };

	call->accounts_cb = cb;
	if (unit[0] == '\0')
		db_query(db, "SELECT " DB_ACCOUNT_COLUMNS " FROM account_view v"
		    " ORDER BY v.unit_path NULLS FIRST, v.username", 0, NULL,
		    db_accounts_done, call);
	else
		db_query(db, "SELECT " DB_ACCOUNT_COLUMNS " FROM account_view v"
		    " JOIN units r ON v.unit_path <@ r.path WHERE r.code = $1"
		    " ORDER BY v.unit_path, v.username", 1, params,
		    db_accounts_done, call);
}

/* Writes `roles` as a PostgreSQL array literal; they are checked role texts. */
static char *
db_roles_literal(char *const *roles, size_t n)
{
	size_t	 size = 3, used = 0;
	char	*out;

	for (size_t i = 0; i < n; i++)
		size += strlen(roles[i]) + 1;
	out = xmalloc(size);
	out[used++] = '{';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s",
		    i > 0 ? "," : "", roles[i]);
	snprintf(out + used, size - used, "}");
	return out;
}

void
db_accounts_add(struct db *db, int64_t actor, const char *address,
    const char *username, const char *display_name, const char *unit,
    char *const *roles, size_t nroles, const char *hash, bool must_change,
    db_outcome_cb *cb, void *arg)
{
	char		 id[24];
	char		*roles_literal = db_roles_literal(roles, nroles);
	const char	*params[8] = { actor > 0 ? id : NULL, address, username,
			    display_name, unit, roles_literal, hash,
			    must_change ? "true" : "false" };

	snprintf(id, sizeof id, "%" PRId64, actor);
	db_outcome_query(db, "SELECT outcome, problem FROM account_add("
	    "$1::bigint, $2, $3, $4, $5, $6::text[], $7, $8::boolean)", 8,
	    params, cb, arg);
	free(roles_literal);
}

void
db_accounts_set_password(struct db *db, int64_t actor, const char *address,
    const char *username, const char *hash, bool must_change,
    const char *keep_hex, const char *action, db_outcome_cb *cb, void *arg)
{
	char		 id[24];
	const char	*params[7] = { id, address, username, hash,
			    must_change ? "true" : "false", keep_hex, action };

	snprintf(id, sizeof id, "%" PRId64, actor);
	db_outcome_query(db, "SELECT outcome FROM account_set_password("
	    "$1::bigint, $2, $3, $4, $5::boolean, decode($6, 'hex'), $7)", 7,
	    params, cb, arg);
}

void
db_accounts_set_disabled(struct db *db, int64_t actor, const char *address,
    const char *username, bool disabled, db_outcome_cb *cb, void *arg)
{
	char		 id[24];
	const char	*params[4] = { id, address, username,
			    disabled ? "true" : "false" };

	snprintf(id, sizeof id, "%" PRId64, actor);
	db_outcome_query(db, "SELECT outcome FROM account_set_disabled("
	    "$1::bigint, $2, $3, $4::boolean)", 4, params, cb, arg);
}

static void
db_audit_done(void *arg, const PGresult *res, const char *error)
{
	(void)arg;
	(void)res;
	if (error != NULL)
		log_warnx("could not write to the audit log: %s", error);
}

void
db_audit_append(struct db *db, int64_t actor, const char *address,
    const char *action, const char *target, const char *outcome,
    const char *detail)
{
	char		 id[24];
	const char	*params[6] = { actor > 0 ? id : NULL, address, action,
			    target, outcome, detail };

	snprintf(id, sizeof id, "%" PRId64, actor);
	db_query(db, "INSERT INTO audit_log (account_id, address, action,"
	    " target, outcome, detail) VALUES ($1::bigint, $2, $3, $4, $5, $6)",
	    6, params, db_audit_done, NULL);
}

static void
db_worker_keys_done(void *arg, const PGresult *res, const char *error)
{
	struct db_accounts_call	*call = arg;
	struct db_worker_key	*keys;
	int			 n;

	if (error != NULL) {
		call->keys_cb(call->arg, NULL, 0, error);
		free(call);
		return;
	}
	n = PQntuples(res);
	keys = xcalloc((size_t)n + 1, sizeof *keys);
	for (int i = 0; i < n; i++) {
		keys[i].public_key = PQgetvalue(res, i, 0);
		keys[i].name = PQgetvalue(res, i, 1);
		keys[i].added_by = PQgetvalue(res, i, 2);
		keys[i].added_ms = db_int(res, i, 3);
		keys[i].revoked_ms = db_int(res, i, 4);
	}
	call->keys_cb(call->arg, keys, (size_t)n, NULL);
	free(keys);
	free(call);
}

void
db_worker_keys_list(struct db *db, db_worker_keys_cb *cb, void *arg)
{
	struct db_accounts_call	*call = db_accounts_call_new(arg);

	call->keys_cb = cb;
	db_query(db, "SELECT k.public_key, k.name, coalesce(a.username, ''),"
	    " (extract(epoch FROM k.added_at) * 1000)::bigint,"
	    " coalesce((extract(epoch FROM k.revoked_at) * 1000)::bigint, 0)"
	    " FROM worker_keys k LEFT JOIN accounts a ON a.id = k.added_by"
	    " ORDER BY k.added_at DESC", 0, NULL, db_worker_keys_done, call);
}

static void
db_worker_keys_allowed_done(void *arg, const PGresult *res, const char *error)
{
	struct db_accounts_call	*call = arg;
	char			**keys;
	int			 n;

	if (error != NULL) {
		call->allowed_cb(call->arg, NULL, 0, error);
		free(call);
		return;
	}
	n = PQntuples(res);
	keys = xcalloc((size_t)n + 1, sizeof *keys);
	for (int i = 0; i < n; i++)
		keys[i] = PQgetvalue(res, i, 0);
	call->allowed_cb(call->arg, keys, (size_t)n, NULL);
	free(keys);
	free(call);
}

void
db_worker_keys_allowed(struct db *db, db_keys_cb *cb, void *arg)
{
	struct db_accounts_call	*call = db_accounts_call_new(arg);

	call->allowed_cb = cb;
	db_query(db, "SELECT public_key FROM worker_keys WHERE revoked_at IS NULL",
	    0, NULL, db_worker_keys_allowed_done, call);
}

void
db_worker_keys_set(struct db *db, int64_t actor, const char *address,
    const char *key, const char *name, bool allow, db_outcome_cb *cb,
    void *arg)
{
	char		 id[24];
	const char	*params[5] = { actor > 0 ? id : NULL, address, key, name,
			    allow ? "true" : "false" };

	snprintf(id, sizeof id, "%" PRId64, actor);
	db_outcome_query(db, "SELECT outcome FROM worker_key_set($1::bigint,"
	    " $2, $3, $4, $5::boolean)", 5, params, cb, arg);
}

int
db_accounts_add_first_admin(const char *conninfo, const char *username,
    const char *display_name, const char *hash, bool must_change,
    char **cause)
{
	const char	*params[4] = { username, display_name, hash,
			    must_change ? "true" : "false" };
	PGconn		*conn;
	PGresult	*res;
	int		 rc = -1;

	if ((conn = db_connect_blocking(conninfo, cause)) == NULL)
		return -1;
	/* The lock makes two inits racing on one database add one admin. */
	res = PQexecParams(conn,
	    "WITH lock AS (SELECT pg_advisory_xact_lock(x'7464'::bigint))"
	    " SELECT CASE WHEN EXISTS (SELECT 1 FROM accounts) THEN 'existed'"
	    "  ELSE (SELECT outcome || ':' || problem FROM account_add(NULL,"
	    "  'tdkt-server init', $1, $2, '', ARRAY['admin'], $3, $4::boolean))"
	    "  END FROM lock", 4, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		*cause = xasprintf("could not add the administrator: %s",
		    PQresultErrorMessage(res));
		(*cause)[strcspn(*cause, "\n")] = '\0';
	} else if (strcmp(PQgetvalue(res, 0, 0), "existed") == 0)
		rc = 0;
	else if (strcmp(PQgetvalue(res, 0, 0), "ok:") == 0)
		rc = 1;
	else
		*cause = xasprintf("could not add the administrator: %s",
		    PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(conn);
	return rc;
}
