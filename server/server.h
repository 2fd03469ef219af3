/*
 * server.h - the tdkt-server process: its state and its parts.
 *
 * One thread runs one event loop (server.c) over the clients' ROUTER, the
 * workers' ROUTER, the database socket, a signalfd and a 100 ms tick. The
 * parts, one file each:
 *
 *   server.c          start-up, the event loop, signals, orderly shutdown
 *   server_client.c   the clients' ROUTER: envelope checks, handler dispatch
 *   request.c         one client request from receipt to its single reply
 *   handlers.c        the table of request handlers (handler_<name>.c)
 *   auth.c            the session and roles behind every request
 *   passwords.c       Argon2id hashing threads, off the loop
 *   zap.c             the ZAP handler: who may open a CURVE connection
 *   worker_keys.c     the workers' allow-list, kept in step with the database
 *   worker_pool.c     the workers' ROUTER: registry, heartbeats, credit
 *   job_queue.c       durable jobs: claims, leases, results, rescue, pruning
 *   events.c          the XPUB socket of live events: watchers and topics
 *   event_feed.c      live events from PostgreSQL, in commit order
 *   remind_planner.c  when to plan deadline reminders (remind_plan.c: what)
 *   db*.c             PostgreSQL: the only files that see libpq
 */
#ifndef TDKT_SERVER_H
#define TDKT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server_config.h"

struct db;
struct db_embedded;
struct event_feed;
struct events;
struct job_queue;
struct passwords;
struct remind_planner;
struct worker_pool;
struct zap;

struct server {
	const struct server_config *conf;
	void			*zctx;
	void			*clients;	/* ROUTER, clients' DEALERs */
	void			*workers;	/* ROUTER, workers' DEALERs */
	void			*events_sock;	/* XPUB, live events (events.c) */
	int			 signal_fd;
	struct db_embedded	*embedded;	/* NULL with database.url */
	struct db		*db;
	struct worker_pool	*pool;
	struct job_queue	*jobs;
	struct zap		*zap;
	struct passwords	*passwords;
	struct events		*events;
	struct event_feed	*feed;
	struct remind_planner	*planner;
	int64_t			 worker_keys_refreshed_ms;
	bool			 worker_keys_refreshing;
	uint32_t		 schema_version;
	int64_t			 started_ms;
	size_t			 requests_live;	/* received, not yet answered */
	bool			 stopping;
	int64_t			 stop_deadline_ms;
	int			 exit_code;
};

/*
 * Starts everything the server needs: the embedded cluster (if configured),
 * migrations, the database connection and the sockets. Returns the server,
 * or NULL with *cause set (caller frees).
 */
struct server	*server_new(const struct server_config *, char **cause);

/* Runs the event loop until a signal stops it; returns the exit code. */
int		 server_run(struct server *);

/* Answers what is pending, stops the embedded cluster, frees; NULL is allowed. */
void		 server_free(struct server **);

/* Handles whatever is waiting on the clients' ROUTER (server_client.c). */
void		 server_client_handle_input(struct server *);

/* Rereads the allow-list every few seconds (worker_keys.c). */
void		 worker_keys_tick(struct server *, int64_t now_ms);
/* A key was allowed or revoked here: the ZAP handler and pool follow at once. */
void		 worker_keys_allowed(struct server *, const char *key);
void		 worker_keys_revoked(struct server *, const char *key);

#endif
