/*
 * worker_config.c - the worker's option table, from which its defaults, YAML
 * loader, --help text and config/tdkt-worker.example.yaml derive.
 */
#include <stdio.h>
#include <string.h>

#include "worker_config.h"

#define OPT(field)	offsetof(struct worker_config, field)

static const char *const log_levels[] = { "error", "warn", "info", "debug", NULL };

const struct cfg_option worker_config_options[] = {
	{ "server", CFG_STRING, OPT(server), "tcp://127.0.0.1:7451", 0, 0, NULL,
	  "ZeroMQ endpoint of the server's worker socket (its listen.workers).",
	  CFG_NONEMPTY },
	{ "server_public_key", CFG_STRING, OPT(server_public_key), "", 0, 0, NULL,
	  "The server's CURVE public key (`tdkt-server public-key` prints it), "
	  "required when the server is reached over TCP: the connection is "
	  "encrypted and the worker knows it talks to the real server.", 0 },
	{ "key_file", CFG_STRING, OPT(key_file), "", 0, 0, NULL,
	  "This worker's CURVE key pair (`tdkt-worker keygen --out FILE` makes "
	  "one), required over TCP. The server admits the worker only once an "
	  "administrator has allowed its public key: `tdkt worker allow KEY`.", 0 },
	{ "name", CFG_STRING, OPT(name), "", 0, 0, NULL,
	  "Name shown to administrators. Empty: host:pid.", 0 },
	{ "capacity", CFG_INT, OPT(capacity), "2", 1, 256, NULL,
	  "Jobs this worker runs at once. The server never sends more, so this "
	  "is also the worker's credit.", 0 },
	{ "heartbeat_ms", CFG_INT, OPT(heartbeat_ms), "1000", 100, 60000, NULL,
	  "Interval of heartbeats to the server; keep it equal to the server's "
	  "workers.heartbeat_ms.", 0 },
	{ "liveness", CFG_INT, OPT(liveness), "4", 2, 20, NULL,
	  "Heartbeat intervals of silence after which the server is taken for "
	  "gone and the worker reconnects.", 0 },
	{ "resend_ms", CFG_INT, OPT(resend_ms), "3000", 100, 600000, NULL,
	  "How long a finished job's result waits for the server's "
	  "acknowledgement (which comes once it is committed) before it is sent "
	  "again.", 0 },
	{ "reconnect.min_ms", CFG_INT, OPT(reconnect_min_ms), "500", 10, 60000, NULL,
	  "First wait before reconnecting to a server that went away; it doubles "
	  "on each failure.", 0 },
	{ "reconnect.max_ms", CFG_INT, OPT(reconnect_max_ms), "16000", 10, 600000,
	  NULL, "Longest wait between reconnection attempts.", 0 },
	{ "max_message_bytes", CFG_INT, OPT(max_message_bytes), "16777216", 4096,
	  256 * 1024 * 1024, NULL,
	  "Largest message accepted from the server, and the largest result "
	  "sent to it (a bigger result is reported as a failure); keep it "
	  "equal to the server's limits.max_message_bytes.", 0 },
	{ "shutdown_grace_ms", CFG_INT, OPT(shutdown_grace_ms), "10000", 0, 600000,
	  NULL,
	  "On SIGTERM or SIGINT, how long running jobs may take to finish and "
	  "have their results acknowledged before the worker exits anyway.", 0 },
	{ "log.level", CFG_ENUM, OPT(log_level), "info", 0, 0, log_levels,
	  "Most verbose level written to stderr.", 0 },
};
const size_t worker_config_noptions =
    sizeof worker_config_options / sizeof worker_config_options[0];

const char worker_config_header[] =
    "tdkt-worker configuration.\n"
    "Check it with `tdkt-worker -n -c FILE`. Every option is shown with its "
    "default; delete the ones you do not change.";

void
worker_config_init(struct worker_config *conf)
{
	memset(conf, 0, sizeof *conf);
	cfg_set_defaults(worker_config_options, worker_config_noptions, conf);
}

void
worker_config_clear(struct worker_config *conf)
{
	cfg_free_values(worker_config_options, worker_config_noptions, conf);
}

int
worker_config_load(struct worker_config *conf, const char *path)
{
	return cfg_load_file_report(worker_config_options, worker_config_noptions, conf,
	    path, stderr);
}
