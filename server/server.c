/*
 * server.c - start-up, the event loop and orderly shutdown of tdkt-server.
 *
 * Start-up runs in this order, each step needing the one before: the
 * embedded PostgreSQL (when no database.url), migrations in one transaction,
 * the asynchronous database connection, then the sockets, bound last so no
 * client is accepted before the server can answer it.
 *
 * Shutdown (SIGTERM or SIGINT) stops taking requests, lets those in progress
 * finish for up to shutdown.grace_ms, then answers the rest with a
 * shutting-down error, says goodbye to the workers and stops PostgreSQL.
 */
#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "clock.h"
#include "curve.h"
#include "date.h"
#include "db.h"
#include "db_embedded.h"
#include "db_migrations.h"
#include "event_feed.h"
#include "events.h"
#include "log.h"
#include "passwords.h"
#include "remind_planner.h"
#include "server.h"
#include "sig.h"
#include "sock.h"
#include "job_queue.h"
#include "worker_pool.h"
#include "xmalloc.h"
#include "zap.h"

#define SERVER_TICK_MS	100

/* SIGCHLD: the embedded PostgreSQL; SIGHUP: read, and said to be ignored. */
static const int server_signals[] = { SIGINT, SIGTERM, SIGCHLD, SIGHUP };

static void
server_begin_stop(struct server *s, int64_t grace_ms)
{
	if (s->stopping)
		return;
	s->stopping = true;
	s->stop_deadline_ms = clock_monotonic_ms() + grace_ms;
	log_info("shutting down (%zu requests in progress)", s->requests_live);
}

static void
server_handle_signals(struct server *s)
{
	struct signalfd_siginfo	si;

	while (read(s->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			server_begin_stop(s, s->conf->shutdown_grace_ms);
			break;
		case SIGCHLD:
			if (s->embedded != NULL && db_embedded_exited(s->embedded)) {
				log_warnx("the embedded PostgreSQL stopped "
				    "unexpectedly; the server cannot go on");
				s->exit_code = 1;
				server_begin_stop(s, 0);
			}
			break;
		case SIGHUP:
			log_info("SIGHUP ignored: restart the server to "
			    "change its configuration");
			break;
		}
	}
}

/* Binds a socket; on TCP it is a CURVE server under `zap_domain`. */
static int
server_open_socket(struct server *s, void **sockp, int type,
    const char *endpoint, const struct curve_keypair *kp,
    const char *zap_domain, char **cause)
{
	if ((*sockp = sock_new(s->zctx, type,
	    s->conf->limits_max_message_bytes)) == NULL) {
		*cause = xasprintf("could not create a socket: %s",
		    zmq_strerror(errno));
		return -1;
	}
	/* Watchers subscribe only to topics we issued (events.h). */
	if (type == ZMQ_XPUB && zmq_setsockopt(*sockp, ZMQ_XPUB_MANUAL,
	    &(int){ 1 }, sizeof(int)) < 0) {
		*cause = xasprintf("could not set up the event socket: %s",
		    zmq_strerror(errno));
		return -1;
	}
	if (curve_endpoint_needs(endpoint) &&
	    curve_setup_server(*sockp, kp, zap_domain) < 0) {
		*cause = xasprintf("could not set up CURVE on %s: %s", endpoint,
		    zmq_strerror(errno));
		return -1;
	}
	return sock_bind(*sockp, endpoint, cause);
}

/* Reads the server's key pair if some endpoint is TCP; 0 or -1. */
static int
server_load_key(const struct server_config *conf, struct curve_keypair *kp,
    char **cause)
{
	char	*path, *why = NULL;
	int	 rc = 0;

	memset(kp, 0, sizeof *kp);
	if (!curve_endpoint_needs(conf->listen_clients) &&
	    !curve_endpoint_needs(conf->listen_workers) &&
	    !curve_endpoint_needs(conf->listen_events))
		return 0;
	path = server_config_key_path(conf);
	if (curve_keyfile_read(path, kp, &why) < 0) {
		*cause = xasprintf("TCP sockets are encrypted with the server's "
		    "key, which could not be read: %s (`tdkt-server keygen` "
		    "makes one)", why);
		rc = -1;
	}
	free(why);
	free(path);
	return rc;
}

struct server *
server_new(const struct server_config *conf, char **cause)
{
	struct server		*s;
	const char		*conninfo;
	struct curve_keypair	 kp;
	struct password_cost	 cost;

	s = xcalloc(1, sizeof *s);
	s->conf = conf;
	s->signal_fd = -1;
	s->started_ms = clock_monotonic_ms();
	/* First, before ZeroMQ's threads exist (sig.h). */
	if ((s->signal_fd = sig_open_fd(server_signals, sizeof server_signals /
	    sizeof server_signals[0], cause)) < 0)
		goto fail;

	if (server_config_embedded(conf)) {
		if ((s->embedded = db_embedded_start(conf, cause)) == NULL)
			goto fail;
		conninfo = db_embedded_conninfo(s->embedded);
	} else
		conninfo = conf->database_url;
	if (db_migrations_run(conninfo, &s->schema_version, cause) < 0)
		goto fail;
	log_info("database schema is at version %u", s->schema_version);
	s->db = db_new(conninfo);
	db_tick(s->db, clock_monotonic_ms());

	if ((s->zctx = zmq_ctx_new()) == NULL) {
		*cause = xasprintf("could not create a ZeroMQ context: %s",
		    zmq_strerror(errno));
		goto fail;
	}
	/* The ZAP handler must be bound before any CURVE socket. */
	if ((s->zap = zap_new(s->zctx, cause)) == NULL)
		goto fail;
	cost.ops = (unsigned long long)conf->auth_hash_passes;
	cost.memory_bytes = (size_t)conf->auth_hash_memory_kib * 1024;
	if ((s->passwords = passwords_new(s->zctx, (int)conf->auth_hash_threads,
	    (size_t)conf->auth_max_pending_hashes, &cost, cause)) == NULL)
		goto fail;
	s->pool = worker_pool_new(s);
	s->jobs = job_queue_new(s);
	if (server_load_key(conf, &kp, cause) < 0)
		goto fail;
	if (server_open_socket(s, &s->clients, ZMQ_ROUTER, conf->listen_clients,
	    &kp, ZAP_DOMAIN_CLIENTS, cause) < 0 ||
	    server_open_socket(s, &s->workers, ZMQ_ROUTER, conf->listen_workers,
	    &kp, ZAP_DOMAIN_WORKERS, cause) < 0 ||
	    server_open_socket(s, &s->events_sock, ZMQ_XPUB, conf->listen_events,
	    &kp, ZAP_DOMAIN_EVENTS, cause) < 0) {
		curve_keypair_clear(&kp);
		goto fail;
	}
	curve_keypair_clear(&kp);
	s->events = events_new(s);
	s->feed = event_feed_new(s);
	s->planner = remind_planner_new(s);
	if (date_clock_is_injected())
		log_warnx("TEST CLOCK: the calendar is the test's "
		    "(TDKT_TEST_NOW_FILE or TDKT_TEST_TODAY), not the wall "
		    "clock; this build is for tests only");
	if (kp.public_key[0] != '\0')
		log_info("CURVE on TCP sockets; server public key %s",
		    kp.public_key);
	log_info("listening: clients %s, workers %s, events %s",
	    conf->listen_clients, conf->listen_workers, conf->listen_events);
	return s;
fail:
	server_free(&s);
	return NULL;
}

int
server_run(struct server *s)
{
	int64_t	last_tick = 0, now;

	log_info("ready");
	for (;;) {
		zmq_pollitem_t	items[7] = {
			{ s->clients, 0, ZMQ_POLLIN, 0 },
			{ s->workers, 0, ZMQ_POLLIN, 0 },
			{ NULL, s->signal_fd, ZMQ_POLLIN, 0 },
			{ zap_socket(s->zap), 0, ZMQ_POLLIN, 0 },
			{ passwords_socket(s->passwords), 0, ZMQ_POLLIN, 0 },
			{ s->events_sock, 0, ZMQ_POLLIN, 0 },
			{ NULL, db_socket(s->db), db_poll_events(s->db), 0 },
		};
		int		nitems = items[6].fd >= 0 && items[6].events ? 7 : 6;

		if (zmq_poll(items, nitems, SERVER_TICK_MS) < 0) {
			if (errno == EINTR)
				continue;
			fatalx("zmq_poll failed: %s", zmq_strerror(errno));
		}
		if (items[2].revents & ZMQ_POLLIN)
			server_handle_signals(s);
		if (items[3].revents & ZMQ_POLLIN)
			zap_handle_input(s->zap, clock_monotonic_ms());
		if (nitems == 7 && items[6].revents != 0)
			db_handle_io(s->db, items[6].revents);
		if (items[5].revents & ZMQ_POLLIN)
			events_handle_input(s->events);
		if (items[4].revents & ZMQ_POLLIN)
			passwords_handle_input(s->passwords);
		if (items[1].revents & ZMQ_POLLIN)
			worker_pool_handle_input(s->pool);
		if (items[0].revents & ZMQ_POLLIN)
			server_client_handle_input(s);

		now = clock_monotonic_ms();
		if (now - last_tick >= SERVER_TICK_MS) {
			db_tick(s->db, now);
			worker_keys_tick(s, now);
			worker_pool_tick(s->pool, now);
			job_queue_tick(s->jobs, now);
			events_tick(s->events, now);
			event_feed_tick(s->feed, now);
			remind_planner_tick(s->planner, now);
			last_tick = now;
		}
		if (s->stopping &&
		    (s->requests_live == 0 || now >= s->stop_deadline_ms))
			break;
	}
	return s->exit_code;
}

void
server_free(struct server **sp)
{
	struct server	*s = *sp;

	if (s == NULL)
		return;
	/*
	 * These answer what is still pending, so the sockets must still be
	 * open; password checks first, as their callbacks may query. The
	 * database's callbacks reach the planner, the feed and the job queue,
	 * the queue's the pool, and the pool's the watchers, so each goes
	 * before what it calls.
	 */
	passwords_free(&s->passwords);
	db_free(&s->db);
	remind_planner_free(&s->planner);
	event_feed_free(&s->feed);
	job_queue_free(&s->jobs);
	worker_pool_free(&s->pool);
	events_free(&s->events);
	sock_close(&s->clients);
	sock_close(&s->workers);
	sock_close(&s->events_sock);
	zap_free(&s->zap);
	if (s->zctx != NULL)
		zmq_ctx_term(s->zctx);
	db_embedded_stop(&s->embedded);
	if (s->signal_fd >= 0)
		close(s->signal_fd);
	free(s);
	*sp = NULL;
}
