/*
 * db_internal.h - what db_*.c files share: libpq and the query queue.
 *
 * Only server/db*.c include this file, so libpq types never reach the rest
 * of the server: each db_<topic>.c turns its PGresults into plain structs
 * before calling back.
 */
#ifndef TDKT_DB_INTERNAL_H
#define TDKT_DB_INTERNAL_H

#include <libpq-fe.h>

#include "db.h"

/*
 * Called once per query. On success `res` holds the result and `error` is
 * NULL; on failure `error` says why (English, for logs) and `res` is the
 * failed result or NULL. `res` is cleared after the callback returns.
 */
typedef void	db_result_cb(void *arg, const PGresult *res, const char *error);

/*
 * Queues `sql` with `nparams` text parameters (copied; NULL for SQL NULL).
 * The callback may run before db_query returns when the database is down.
 */
void	db_query(struct db *, const char *sql, int nparams,
	    const char *const *params, db_result_cb *cb, void *arg);

/*
 * Opens a blocking connection for start-up work (migrations, init). Returns
 * it, or NULL with *cause set (caller frees).
 */
PGconn	*db_connect_blocking(const char *conninfo, char **cause);

/* Runs a command on a blocking connection; 0, or -1 with *cause set. */
int	db_exec_blocking(PGconn *, const char *sql, char **cause);

/*
 * Splits `text` (modified in place) at any of `separators` into its
 * non-empty items: returns how many and sets *items to a new array of
 * pointers into `text` (caller frees the array, not the items; NULL when
 * there are none). For the problems SQL functions return, one per line
 * ("\n"), and for lists joined with commas (",").
 */
size_t	db_split(char *text, const char *separators, char ***items);

#endif
