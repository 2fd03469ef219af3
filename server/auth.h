/*
 * auth.h - who is calling, and may they: the one place that authorises.
 *
 * Every request passes through auth_authorize before its handler runs. A
 * handler declares in its table entry (handler.h) what it needs: no session
 * at all (HANDLER_PUBLIC: ping, login), only a session (HANDLER_SELF: the
 * caller's own account), or one of a set of roles reaching the unit the
 * request touches (its target: none, a unit, a block, an account).
 * auth_authorize finds the session by the hash of its token and asks
 * PostgreSQL's auth_request() which of the caller's roles reach the target,
 * in one query; the handler runs only if the answer allows it, and finds
 * the caller and the resolved target unit in req->caller and req->unit.
 * Refusals name what was missing; refusals of a known caller are audited.
 *
 * Handlers never check roles themselves, and a handler without a declared
 * role set is refused to everyone (tests/integration/check_access.c walks
 * every request type against every role).
 */
#ifndef TDKT_AUTH_H
#define TDKT_AUTH_H

#include <stdbool.h>
#include <stdint.h>

struct handler_entry;
struct request;

/* 32 random bytes in hex; its SHA-256 in hex is what the database keeps. */
#define AUTH_TOKEN_LEN	64

/* The authenticated caller of a request; strings live in the request's arena. */
struct caller {
	int64_t		 account_id;
	const char	*username;
	const char	*display_name;
	const char	*unit;		/* "" : system-wide */
	unsigned	 roles;		/* held (roles.h bits) */
	unsigned	 covering;	/* of those, reaching the target */
	bool		 must_change_password;
	int64_t		 expires_ms;
	char		 token_hash[AUTH_TOKEN_LEN + 1];
};

/*
 * Authorises `req` for `h`, then runs h->exec(req); or answers with the
 * refusal. Takes ownership of the request either way.
 */
void	auth_authorize(struct request *req, const struct handler_entry *h);

/* Makes a new session token and the hash the database keeps of it. */
void	auth_token_new(char token[AUTH_TOKEN_LEN + 1],
	    char hash_hex[AUTH_TOKEN_LEN + 1]);

/* Hashes a token a client sent; -1 if it is not one we could have made. */
int	auth_token_hash(const char *token, char hash_hex[AUTH_TOKEN_LEN + 1]);

#endif
