/*
 * client_config.h - the client's options and where its configuration file is.
 */
#ifndef TDKT_CLIENT_CONFIG_H
#define TDKT_CLIENT_CONFIG_H

#include <stdint.h>

#include "cfg.h"

struct client_config {
	char	*server;
	char	*server_public_key;
	char	*session_file;
	char	*events;
	int64_t	 timeout_ms;
	int64_t	 retries;
	int64_t	 max_message_bytes;
};

extern const struct cfg_option	client_config_options[];
extern const size_t		client_config_noptions;
extern const char		client_config_header[];

void	client_config_init(struct client_config *);
void	client_config_clear(struct client_config *);

/*
 * Loads the configuration from, in order: `explicit_path` (--config), the
 * TDKT_CONFIG environment variable, $XDG_CONFIG_HOME/tdkt/client.yaml (or
 * ~/.config/tdkt/client.yaml). A file named by the first two must exist; the
 * last is optional. Returns 0, or -1 after printing every problem to stderr.
 * *used_path is set to the file read, or NULL (caller frees).
 */
int	client_config_load(struct client_config *, const char *explicit_path,
	    char **used_path);

/*
 * The file holding this user's session token: session_file, else
 * $XDG_STATE_HOME/tdkt/session, else ~/.local/state/tdkt/session. NULL if
 * there is no home to put it in. Caller frees.
 */
char	*client_config_session_path(const struct client_config *);

#endif
