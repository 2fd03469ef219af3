/*
 * worker_config.h - the worker's options, loaded from YAML through cfg.h.
 */
#ifndef TDKT_WORKER_CONFIG_H
#define TDKT_WORKER_CONFIG_H

#include <stdint.h>

#include "cfg.h"
#include "remind_render.h"

struct worker_config {
	char	*server;
	char	*server_public_key;
	char	*key_file;
	char	*name;
	int64_t	 capacity;
	int64_t	 heartbeat_ms;
	int64_t	 liveness;
	int64_t	 resend_ms;
	int64_t	 reconnect_min_ms;
	int64_t	 reconnect_max_ms;
	int64_t	 max_message_bytes;
	int64_t	 shutdown_grace_ms;
	int	 log_level;
	char	*smtp_url;
	int	 smtp_tls;		/* enum smtp_tls */
	char	*smtp_from;
	char	*smtp_from_name;
	char	*smtp_helo;
	char	*smtp_username;
	char	*smtp_password_file;
	int64_t	 smtp_timeout_ms;
	char	*template_subject[REMIND_NKINDS];	/* "": built-in */
	char	*template_body[REMIND_NKINDS];
};

extern const struct cfg_option	worker_config_options[];
extern const size_t		worker_config_noptions;
extern const char		worker_config_header[];

void	worker_config_init(struct worker_config *);
void	worker_config_clear(struct worker_config *);
/* Loads `path` over the defaults; -1 after printing every problem to stderr. */
int	worker_config_load(struct worker_config *, const char *path);
/*
 * Fills in what the example configuration shows beyond the defaults: the
 * built-in reminder templates, written out so they can be edited in place.
 */
void	worker_config_example(struct worker_config *);

#endif
