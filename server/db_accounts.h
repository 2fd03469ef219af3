/*
 * db_accounts.h - accounts, sessions, the audit trail and the workers'
 * allow-list in PostgreSQL (migration 0005).
 *
 * Every change here writes its audit entry in the same statement, so no
 * change is ever on record without its author, nor the other way round.
 * Sessions are found by the SHA-256 of their token, passed as 64 hex digits.
 */
#ifndef TDKT_DB_ACCOUNTS_H
#define TDKT_DB_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* An account as account_view shows it; strings live as long as the callback. */
struct db_account {
	int64_t		 id;
	const char	*username;
	const char	*display_name;
	const char	*unit;		/* "" : system-wide */
	const char	*unit_name;
	char		**roles;	/* "head", "specialist:primary", ... */
	size_t		 nroles;
	bool		 disabled;
	bool		 must_change_password;
	int64_t		 created_ms;
	int64_t		 last_login_ms;
};

/* What auth_request() found; see migration 0005. */
struct db_auth {
	const char		*status;	/* "ok", "no_session", "disabled" */
	int64_t			 account_id;
	const char		*username;
	const char		*display_name;
	const char		*unit;
	bool			 must_change_password;
	char			**roles;
	size_t			 nroles;
	char			**covering;	/* roles reaching the target */
	size_t			 ncovering;
	const char		*target_unit;
	int64_t			 expires_ms;
};

typedef void	db_auth_cb(void *arg, const struct db_auth *, const char *error);

/* Finds the session and which of its roles reach the target (kind, key, extra). */
void	db_auth_request(struct db *, const char *token_hash_hex,
	    const char *kind, const char *target, const char *extra,
	    db_auth_cb *, void *arg);

struct db_login {
	int64_t		 account_id;	/* 0: no such account */
	const char	*password_hash;	/* "" when no account */
	bool		 disabled;
	int64_t		 user_failures;	/* failed logins in the window */
	int64_t		 address_failures;
};

typedef void	db_login_cb(void *arg, const struct db_login *, const char *error);

void	db_login_begin(struct db *, const char *username, const char *address,
	    int64_t window_s, db_login_cb *, void *arg);

/* expires_ms is 0 unless outcome was "ok". */
typedef void	db_login_finish_cb(void *arg, int64_t expires_ms,
		    const char *error);

/*
 * Audits a login attempt (`outcome`: ok, failed, denied, rate_limited)
 * and, for "ok", opens a session for token_hash_hex lasting ttl_s. `cb`
 * may be NULL when nobody waits (a failure is then logged).
 */
void	db_login_finish(struct db *, int64_t account_id, const char *username,
	    const char *address, const char *outcome, const char *detail,
	    const char *token_hash_hex, int64_t ttl_s, db_login_finish_cb *,
	    void *arg);

/* Ends one session; `cb` gets "ok" or "no_session". */
typedef void	db_outcome_cb(void *arg, const char *outcome,
		    const char *problem, const char *error);

void	db_session_end(struct db *, int64_t account_id, const char *address,
	    const char *token_hash_hex, db_outcome_cb *, void *arg);

typedef void	db_accounts_cb(void *arg, const struct db_account *, size_t n,
		    const char *error);

/* One account by username (n is 0 if none). */
void	db_accounts_get(struct db *, const char *username, db_accounts_cb *,
	    void *arg);
/* The accounts of a unit's subtree; unit "" : every account. */
void	db_accounts_list(struct db *, const char *unit, db_accounts_cb *,
	    void *arg);

/* outcome: "ok", "exists", "no_unit" or "invalid" (see problem). */
void	db_accounts_add(struct db *, int64_t actor, const char *address,
	    const char *username, const char *display_name, const char *unit,
	    char *const *roles, size_t nroles, const char *hash,
	    bool must_change, db_outcome_cb *, void *arg);

/*
 * Sets a password and ends the account's sessions except the one hashed as
 * keep_hex (NULL: all of them). outcome: "ok" or "no_account".
 */
void	db_accounts_set_password(struct db *, int64_t actor,
	    const char *address, const char *username, const char *hash,
	    bool must_change, const char *keep_hex, const char *action,
	    db_outcome_cb *, void *arg);

/* outcome: "ok" or "no_account". */
void	db_accounts_set_disabled(struct db *, int64_t actor,
	    const char *address, const char *username, bool disabled,
	    db_outcome_cb *, void *arg);

/* Appends to the audit log without waiting; a failure is logged. */
void	db_audit_append(struct db *, int64_t actor, const char *address,
	    const char *action, const char *target, const char *outcome,
	    const char *detail);

struct db_worker_key {
	const char	*public_key;
	const char	*name;
	const char	*added_by;
	int64_t		 added_ms;
	int64_t		 revoked_ms;	/* 0: allowed */
};

typedef void	db_worker_keys_cb(void *arg, const struct db_worker_key *,
		    size_t n, const char *error);

/* Every key ever allowed, newest first. */
void	db_worker_keys_list(struct db *, db_worker_keys_cb *, void *arg);

typedef void	db_keys_cb(void *arg, char *const *keys, size_t n,
		    const char *error);

/* The keys allowed now. */
void	db_worker_keys_allowed(struct db *, db_keys_cb *, void *arg);

/* Allows (or revokes) a key; outcome "ok", or "unknown" for a revoke. */
void	db_worker_keys_set(struct db *, int64_t actor, const char *address,
	    const char *key, const char *name, bool allow, db_outcome_cb *,
	    void *arg);

/*
 * For `tdkt-server init`, on a blocking connection: adds the first
 * system-wide administrator unless some account exists already. Returns 1
 * if it was added, 0 if accounts existed, -1 with *cause set.
 */
int	db_accounts_add_first_admin(const char *conninfo, const char *username,
	    const char *display_name, const char *hash, bool must_change,
	    char **cause);

#endif
