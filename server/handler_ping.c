/*
 * handler_ping.c - `tdkt ping`: is the whole system alive, and what is it?
 *
 * The answer comes from a real query, so a reply proves the client, the
 * server and PostgreSQL all work; it adds the versions and the number of
 * connected workers an operator wants to see first.
 */
#include "clock.h"
#include "db_status.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "version.h"
#include "worker_pool.h"

static void
ping_status_done(void *arg, const struct db_status *status, const char *error)
{
	struct request		*req = arg;
	struct server		*s = req->server;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingReply		 pong = TDKT__PING_REPLY__INIT;

	if (status == NULL) {
		log_warnx("ping: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not query the database: %s", error);
		return;
	}
	pong.server_version = TDKT_VERSION;
	pong.postgres_version = (char *)status->postgres_version;
	pong.schema_version = status->schema_version;
	pong.workers_connected = worker_pool_count(s->pool);
	pong.installation_id = (char *)status->installation_id;
	pong.uptime_ms = (uint64_t)(clock_monotonic_ms() - s->started_ms);
	pong.protocol_version = TDKT_PROTOCOL_VERSION;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REPLY;
	reply.ping_reply = &pong;
	request_reply(&req, &reply);
}

static void
ping_exec(struct request *req)
{
	db_status_fetch(req->server->db, ping_status_done, req);
}

const struct handler_entry handler_ping_entry = {
	.name = "ping",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST,
	.flags = HANDLER_NEEDS_DB | HANDLER_PUBLIC,
	.exec = ping_exec,
};
