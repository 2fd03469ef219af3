/*
 * db.h - the server's asynchronous connection to PostgreSQL.
 *
 * The connection is non-blocking and lives inside the server's event loop:
 * the loop polls db_socket() for db_poll_events() and hands readiness to
 * db_handle_io(); db_tick() retries a lost connection with back-off. Queries
 * are queued and run one at a time in order; each one's callback runs exactly
 * once, with the result or an error, also when the connection is lost or the
 * db is freed. Query functions live in db_*.c files, which alone see libpq
 * (db_internal.h); the rest of the server sees plain structs.
 */
#ifndef TDKT_DB_H
#define TDKT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* Returns a db that starts connecting to `conninfo` at the first db_tick(). */
struct db	*db_new(const char *conninfo);
/* Fails every queued query ("shutting down"), closes and frees; NULL is allowed. */
void		 db_free(struct db **);

/* The socket to poll, or -1 while there is none. */
int		 db_socket(const struct db *);
/* ZMQ_POLLIN and/or ZMQ_POLLOUT, as the connection needs now. */
short		 db_poll_events(const struct db *);
/* Proceeds with connecting, sending or reading after the socket was ready. */
void		 db_handle_io(struct db *, short revents);
/* Starts (re)connecting when due and abandons a connection attempt that hangs. */
void		 db_tick(struct db *, int64_t now_ms);

bool		 db_ready(const struct db *);
/* Queries queued or running. */
size_t		 db_pending(const struct db *);
/* PostgreSQL's version as it reported it ("15.18"), or "" before connecting. */
const char	*db_server_version(const struct db *);

#endif
