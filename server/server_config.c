/*
 * server_config.c - the server's option table, from which its defaults,
 * YAML loader, --help text and config/tdkt-server.example.yaml derive.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "server_config.h"
#include "xmalloc.h"

#define OPT(field)	offsetof(struct server_config, field)

static const char *const log_levels[] = { "error", "warn", "info", "debug", NULL };

const struct cfg_option server_config_options[] = {
	{ "data_dir", CFG_STRING, OPT(data_dir), "/var/lib/tdkt", 0, 0, NULL,
	  "Directory of the server's own files: this configuration as written "
	  "by `tdkt-server init`, the embedded PostgreSQL cluster (pg/), its "
	  "socket (run/) and logs (log/).", CFG_ABSOLUTE },
	{ "listen.clients", CFG_STRING, OPT(listen_clients),
	  "tcp://127.0.0.1:7450", 0, 0, NULL,
	  "ZeroMQ endpoint of the ROUTER socket that clients (tdkt) connect to.",
	  CFG_NONEMPTY },
	{ "listen.workers", CFG_STRING, OPT(listen_workers),
	  "tcp://127.0.0.1:7451", 0, 0, NULL,
	  "ZeroMQ endpoint of the ROUTER socket that workers connect to.",
	  CFG_NONEMPTY },
	{ "listen.events", CFG_STRING, OPT(listen_events),
	  "tcp://127.0.0.1:7452", 0, 0, NULL,
	  "ZeroMQ endpoint of the socket that publishes live events to `tdkt "
	  "watch` (XPUB: each client only on the topic its session was "
	  "given).",
	  CFG_NONEMPTY },
	{ "database.url", CFG_STRING, OPT(database_url), "", 0, 0, NULL,
	  "libpq connection string or URI of the PostgreSQL database, e.g. "
	  "\"postgresql://tdkt@db.example/tdkt\". Empty: the server runs its own "
	  "private PostgreSQL cluster under data_dir.", 0 },
	{ "database.pg_bindir", CFG_STRING, OPT(database_pg_bindir), "", 0, 0, NULL,
	  "Directory holding initdb and postgres for the embedded cluster. Empty: "
	  "the newest /usr/lib/postgresql/*/bin, else the PATH.", 0 },
	{ "database.run_as", CFG_STRING, OPT(database_run_as), "postgres", 0, 0, NULL,
	  "Unprivileged user that runs the embedded cluster when the server is "
	  "started as root (PostgreSQL refuses to run as root).", CFG_NONEMPTY },
	{ "database.fsync", CFG_BOOL, OPT(database_fsync), "true", 0, 0, NULL,
	  "Whether the embedded cluster flushes to disk. Turn off only for "
	  "throwaway test clusters: a crash then loses acknowledged data.", 0 },
	{ "limits.max_message_bytes", CFG_INT, OPT(limits_max_message_bytes),
	  "16777216", 4096, 256 * 1024 * 1024, NULL,
	  "Largest message accepted on any socket; a peer that sends more is "
	  "disconnected. Imports of a whole province's units and staff are "
	  "the largest messages.", 0 },
	{ "limits.request_memory_bytes", CFG_INT, OPT(limits_request_memory_bytes),
	  "33554432", 65536, 1024 * 1024 * 1024, NULL,
	  "Memory budget of one request while it is decoded and served; a "
	  "request that needs more is refused as too large.", 0 },
	{ "limits.max_file_bytes", CFG_INT, OPT(limits_max_file_bytes),
	  "20971520", 1024, 1024 * 1024 * 1024, NULL,
	  "Largest document file (a dossier's Word, Excel or PDF file) that may "
	  "be uploaded.", 0 },
	{ "limits.file_chunk_bytes", CFG_INT, OPT(limits_file_chunk_bytes),
	  "1048576", 4096, 8 * 1024 * 1024, NULL,
	  "Largest piece of a file sent in one message, up or down; keep it "
	  "well under max_message_bytes.", 0 },
	{ "limits.max_requests", CFG_INT, OPT(limits_max_requests), "10000", 1,
	  1000000, NULL,
	  "Requests being served at once, all clients together; past it a new "
	  "request is answered at once with an unavailable error, so no client "
	  "can make the server hold more than this.", 0 },
	{ "workers.heartbeat_ms", CFG_INT, OPT(workers_heartbeat_ms), "1000",
	  100, 60000, NULL,
	  "Interval of heartbeats to and from workers.", 0 },
	{ "workers.liveness", CFG_INT, OPT(workers_liveness), "4", 2, 20, NULL,
	  "Heartbeat intervals of silence after which a worker is taken for "
	  "dead and its jobs are handed to others.", 0 },
	{ "jobs.timeout_ms", CFG_INT, OPT(jobs_timeout_ms), "30000", 1000,
	  3600000, NULL,
	  "How long a job a client waits for (such as echo) may wait for a "
	  "worker and run before the client is told it timed out.", 0 },
	{ "jobs.lease_ms", CFG_INT, OPT(jobs_lease_ms), "15000", 3000, 600000,
	  NULL,
	  "A job's lease in PostgreSQL, renewed every third of it while its "
	  "worker is heard from. When this server dies with its workers, their "
	  "jobs are rescued this long after the last renewal.", 0 },
	{ "jobs.poll_ms", CFG_INT, OPT(jobs_poll_ms), "250", 20, 60000, NULL,
	  "How often the server looks for jobs that fell due (timers, back-offs, "
	  "jobs other servers queued); jobs it queues itself go out at once.",
	  0 },
	{ "jobs.claim_batch", CFG_INT, OPT(jobs_claim_batch), "64", 1, 1000, NULL,
	  "Most jobs leased to one worker in one transaction (never more than "
	  "its free capacity).", 0 },
	{ "jobs.keep_done_minutes", CFG_INT, OPT(jobs_keep_done_minutes), "60",
	  0, 10080, NULL,
	  "How long finished jobs stay in the queue's table, for `tdkt admin "
	  "jobs`, before they move to the history (which keeps no payload).",
	  0 },
	{ "jobs.keep_history_days", CFG_INT, OPT(jobs_keep_history_days), "400",
	  1, 3650, NULL,
	  "How long the history of finished jobs is kept; its unique keys are "
	  "what stops a reminder from going out twice.", 0 },
	{ "jobs.keep_keys_days", CFG_INT, OPT(jobs_keep_keys_days), "30", 1, 3650,
	  NULL,
	  "How long a client's idempotency keys are remembered; a retry older "
	  "than this is taken for a new request.", 0 },
	{ "shutdown.grace_ms", CFG_INT, OPT(shutdown_grace_ms), "5000", 0, 600000,
	  NULL,
	  "On SIGTERM or SIGINT, how long requests in progress may take to "
	  "finish before they are answered with a shutting-down error.", 0 },
	{ "security.key_file", CFG_STRING, OPT(security_key_file), "", 0, 0, NULL,
	  "File holding the server's CURVE key pair, which encrypts every TCP "
	  "socket; `tdkt-server init` creates it. Empty: data_dir/server.key. "
	  "Clients and workers need its public key (`tdkt-server public-key`).",
	  0 },
	{ "auth.session_ttl_s", CFG_INT, OPT(auth_session_ttl_s), "43200", 5,
	  30 * 86400, NULL,
	  "How long a session lasts after `tdkt login`, in seconds.", 0 },
	{ "auth.failure_window_s", CFG_INT, OPT(auth_failure_window_s), "900", 60,
	  86400, NULL,
	  "Window, in seconds, over which failed logins are counted for the two "
	  "limits below.", 0 },
	{ "auth.max_failures_per_account", CFG_INT,
	  OPT(auth_max_failures_per_account), "5", 1, 1000, NULL,
	  "Failed logins to one account within the window after which its "
	  "logins are refused until the window has passed.", 0 },
	{ "auth.max_failures_per_address", CFG_INT,
	  OPT(auth_max_failures_per_address), "30", 1, 100000, NULL,
	  "Failed logins from one IP address within the window after which its "
	  "logins are refused. A school behind one address shares it.", 0 },
	{ "auth.hash_threads", CFG_INT, OPT(auth_hash_threads), "2", 1, 16, NULL,
	  "Threads that hash and check passwords (Argon2id), off the event "
	  "loop.", 0 },
	{ "auth.hash_memory_kib", CFG_INT, OPT(auth_hash_memory_kib), "19456", 8,
	  4 * 1024 * 1024, NULL,
	  "Memory per Argon2id hash of a new password, in KiB (OWASP's minimum "
	  "is 19456 with 2 passes). Stored hashes keep the cost they were made "
	  "with.", 0 },
	{ "auth.hash_passes", CFG_INT, OPT(auth_hash_passes), "2", 1, 100, NULL,
	  "Argon2id passes per hash of a new password.", 0 },
	{ "auth.max_pending_hashes", CFG_INT, OPT(auth_max_pending_hashes), "64",
	  1, 100000, NULL,
	  "Password checks waiting at once; past it a login is refused at once "
	  "as unavailable, so a flood of logins cannot queue without end.", 0 },
	{ "reminders.plan_every_ms", CFG_INT, OPT(reminders_plan_every_ms),
	  "60000", 1000, 3600000, NULL,
	  "How often the reminder planner looks for reminders that have come "
	  "due (it also runs soon after a rulebook is loaded or an extension "
	  "granted). One server plans at a time, under a lease in PostgreSQL "
	  "of three times this.", 0 },
	{ "reminders.send_hour", CFG_INT, OPT(reminders_send_hour), "7", 0, 23,
	  NULL,
	  "Hour of the day, in Vietnam, at which each day's reminders go "
	  "out.", 0 },
	{ "events.poll_ms", CFG_INT, OPT(events_poll_ms), "200", 20, 10000, NULL,
	  "How often, while someone watches, the server reads new live events "
	  "(dossier changes, alerts) from PostgreSQL to publish them.", 0 },
	{ "events.watch_ttl_ms", CFG_INT, OPT(events_watch_ttl_ms), "120000",
	  5000, 3600000, NULL,
	  "How long a `tdkt watch` topic lives unless its client renews it "
	  "(clients renew every third of it).", 0 },
	{ "events.max_watchers", CFG_INT, OPT(events_max_watchers), "10000", 1,
	  1000000, NULL,
	  "Watch topics open at once; past it the oldest lapses.", 0 },
	{ "log.level", CFG_ENUM, OPT(log_level), "info", 0, 0, log_levels,
	  "Most verbose level written to stderr.", 0 },
};
const size_t server_config_noptions =
    sizeof server_config_options / sizeof server_config_options[0];

const char server_config_header[] =
    "tdkt-server configuration.\n"
    "Check it with `tdkt-server -n -c FILE`. Every option is shown with its "
    "default; delete the ones you do not change.";

void
server_config_init(struct server_config *conf)
{
	memset(conf, 0, sizeof *conf);
	cfg_set_defaults(server_config_options, server_config_noptions, conf);
}

void
server_config_clear(struct server_config *conf)
{
	cfg_free_values(server_config_options, server_config_noptions, conf);
}

int
server_config_load(struct server_config *conf, const char *path)
{
	return cfg_load_file_report(server_config_options, server_config_noptions, conf,
	    path, stderr);
}

char *
server_config_key_path(const struct server_config *conf)
{
	if (conf->security_key_file[0] != '\0')
		return xstrdup(conf->security_key_file);
	return xasprintf("%s/server.key", conf->data_dir);
}

bool
server_config_embedded(const struct server_config *conf)
{
	return conf->database_url[0] == '\0';
}
