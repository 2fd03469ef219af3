/*
 * server_config.h - the server's options, loaded from YAML through cfg.h.
 */
#ifndef TDKT_SERVER_CONFIG_H
#define TDKT_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

struct server_config {
	char	*data_dir;
	char	*listen_clients;
	char	*listen_workers;
	char	*listen_events;
	char	*database_url;
	char	*database_pg_bindir;
	char	*database_run_as;
	bool	 database_fsync;
	int64_t	 limits_max_message_bytes;
	int64_t	 limits_request_memory_bytes;
	int64_t	 limits_max_requests;
	int64_t	 limits_max_file_bytes;
	int64_t	 limits_file_chunk_bytes;
	int64_t	 workers_heartbeat_ms;
	int64_t	 workers_liveness;
	int64_t	 jobs_timeout_ms;
	int64_t	 jobs_lease_ms;
	int64_t	 jobs_poll_ms;
	int64_t	 jobs_claim_batch;
	int64_t	 jobs_keep_done_minutes;
	int64_t	 jobs_keep_history_days;
	int64_t	 jobs_keep_keys_days;
	int64_t	 reminders_plan_every_ms;
	int64_t	 reminders_send_hour;
	int64_t	 events_poll_ms;
	int64_t	 events_watch_ttl_ms;
	int64_t	 events_max_watchers;
	int64_t	 shutdown_grace_ms;
	char	*security_key_file;
	int64_t	 auth_session_ttl_s;
	int64_t	 auth_failure_window_s;
	int64_t	 auth_max_failures_per_account;
	int64_t	 auth_max_failures_per_address;
	int64_t	 auth_hash_threads;
	int64_t	 auth_hash_memory_kib;
	int64_t	 auth_hash_passes;
	int64_t	 auth_max_pending_hashes;
	int	 log_level;	/* enum log_level */
};

extern const struct cfg_option	server_config_options[];
extern const size_t		server_config_noptions;

/* The header comment of the example and of the file `init` writes. */
extern const char		server_config_header[];

/* Fills `conf` with the defaults; free with server_config_clear. */
void	server_config_init(struct server_config *conf);
void	server_config_clear(struct server_config *conf);

/*
 * Loads `path` over the defaults. Returns 0, or -1 after printing every
 * problem as "file:line:col: message" to stderr.
 */
int	server_config_load(struct server_config *conf, const char *path);

/* The server's CURVE key file: security.key_file, or DATA_DIR/server.key. Caller frees. */
char	*server_config_key_path(const struct server_config *conf);

/* True when the server runs its own PostgreSQL (no database.url). */
bool	server_config_embedded(const struct server_config *conf);

#endif
