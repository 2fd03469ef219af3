/*
 * worker_config.c - the worker's option table, from which its defaults, YAML
 * loader, --help text and config/tdkt-worker.example.yaml derive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp.h"
#include "worker_config.h"
#include "xmalloc.h"

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
	{ "smtp.url", CFG_STRING, OPT(smtp_url), "", 0, 0, NULL,
	  "The relay that deadline reminders are e-mailed through: "
	  "smtp://host:port (587 for submission with STARTTLS, 25 for a relay "
	  "on this host) or smtps://host:465. Empty: this worker sends no "
	  "e-mail and does not offer the remind_email job, so the server gives "
	  "those to workers that do. A message is sent once per attempt and "
	  "never retried by the worker itself.", 0 },
	{ "smtp.tls", CFG_ENUM, OPT(smtp_tls), "starttls", 0, 0, smtp_tls_names,
	  "starttls: smtp:// and STARTTLS required before anything is sent; "
	  "implicit: smtps://, TLS from the start; none: clear text, allowed "
	  "only to a relay on this host (127.0.0.1, ::1, localhost). The "
	  "relay's certificate is checked against the system's CAs.", 0 },
	{ "smtp.from", CFG_STRING, OPT(smtp_from), "", 0, 0, NULL,
	  "Sender address of the reminders (plain ASCII, e.g. "
	  "thidua@sgd.example.vn); required with smtp.url.", 0 },
	{ "smtp.from_name", CFG_STRING, OPT(smtp_from_name),
	  "Hệ thống thi đua, khen thưởng", 0, 0, NULL,
	  "Sender name shown to recipients; Vietnamese is fine.", 0 },
	{ "smtp.helo", CFG_STRING, OPT(smtp_helo), "", 0, 0, NULL,
	  "Name this worker gives the relay in EHLO. Empty: this host's "
	  "name.", 0 },
	{ "smtp.username", CFG_STRING, OPT(smtp_username), "", 0, 0, NULL,
	  "Login at the relay. Empty: none.", 0 },
	{ "smtp.password_file", CFG_STRING, OPT(smtp_password_file), "", 0, 0,
	  NULL,
	  "File whose first line is the password for smtp.username, so the "
	  "password is not in this file; readable by the worker only "
	  "(chmod 600).", 0 },
	{ "smtp.timeout_ms", CFG_INT, OPT(smtp_timeout_ms), "30000", 1000,
	  600000, NULL,
	  "Longest a whole send may take, connection included; it is also "
	  "held under the job's own time limit. A send that times out after "
	  "the message went out is reported as of unknown outcome, for an "
	  "administrator to check, and never sent again on its own.", 0 },
	{ "templates.before.subject", CFG_STRING,
	  OPT(template_subject[REMIND_BEFORE]), "", 0, 0, NULL,
	  "Reminder templates. Each has placeholders: {unit}, {unit_code}, "
	  "{recipient}, {dossier} (the dossier type), {dossier_id}, "
	  "{deadline} and {opens} (dd/mm/yyyy), {days_left}, {days_overdue}, "
	  "{countdown} (\"còn 3 ngày\", \"đã quá hạn 2 ngày\"), {extended} "
	  "(\" (đã được gia hạn)\" or nothing), {period}, {issuer}, {level}, "
	  "{state} and {missing} (one \"- item\" per line); {{ and }} are "
	  "braces. An unknown placeholder stops the worker at start-up. "
	  "Empty: the built-in text, which `tdkt-worker --example-config` "
	  "writes out.\n"
	  "This one: the subject (one line) of a reminder to a unit before "
	  "its deadline.", 0 },
	{ "templates.before.body", CFG_STRING, OPT(template_body[REMIND_BEFORE]),
	  "", 0, 0, NULL, "Its body.", 0 },
	{ "templates.today.subject", CFG_STRING,
	  OPT(template_subject[REMIND_TODAY]), "", 0, 0, NULL,
	  "Subject of a reminder to a unit on its deadline day.", 0 },
	{ "templates.today.body", CFG_STRING, OPT(template_body[REMIND_TODAY]),
	  "", 0, 0, NULL, "Its body.", 0 },
	{ "templates.overdue.subject", CFG_STRING,
	  OPT(template_subject[REMIND_OVERDUE]), "", 0, 0, NULL,
	  "Subject of a reminder to a unit past its deadline.", 0 },
	{ "templates.overdue.body", CFG_STRING,
	  OPT(template_body[REMIND_OVERDUE]), "", 0, 0, NULL, "Its body.", 0 },
	{ "templates.escalation.subject", CFG_STRING,
	  OPT(template_subject[REMIND_ESCALATION]), "", 0, 0, NULL,
	  "Subject of an escalation: to an office's specialists about a school "
	  "that has not submitted ({recipient} is the office).", 0 },
	{ "templates.escalation.body", CFG_STRING,
	  OPT(template_body[REMIND_ESCALATION]), "", 0, 0, NULL, "Its body.",
	  0 },
};
const size_t worker_config_noptions =
    sizeof worker_config_options / sizeof worker_config_options[0];

const char worker_config_header[] =
    "tdkt-worker configuration.\n"
    "Check it with `tdkt-worker -n -c FILE`. Every option is shown with its "
    "default (the reminder templates with the built-in text an empty value "
    "stands for); delete the ones you do not change.";

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

void
worker_config_example(struct worker_config *conf)
{
	for (int k = 0; k < REMIND_NKINDS; k++) {
		free(conf->template_subject[k]);
		free(conf->template_body[k]);
		conf->template_subject[k] =
		    xstrdup(remind_render_default_subject(k));
		conf->template_body[k] = xstrdup(remind_render_default_body(k));
	}
}
