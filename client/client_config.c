/*
 * client_config.c - the client's option table and configuration search.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_config.h"
#include "xmalloc.h"

#define OPT(field)	offsetof(struct client_config, field)

const struct cfg_option client_config_options[] = {
	{ "server", CFG_STRING, OPT(server), "tcp://127.0.0.1:7450", 0, 0, NULL,
	  "ZeroMQ endpoint of the server's client socket (its listen.clients).",
	  CFG_NONEMPTY },
	{ "server_public_key", CFG_STRING, OPT(server_public_key), "", 0, 0, NULL,
	  "The server's CURVE public key, from its administrator (`tdkt-server "
	  "public-key`). Required for a tcp:// server: the connection is then "
	  "encrypted, and only the real server can answer.", 0 },
	{ "session_file", CFG_STRING, OPT(session_file), "", 0, 0, NULL,
	  "Where `tdkt login` keeps the session token (readable by you alone). "
	  "Empty: $XDG_STATE_HOME/tdkt/session, or ~/.local/state/tdkt/session.",
	  0 },
	{ "events", CFG_STRING, OPT(events), "tcp://127.0.0.1:7452", 0, 0, NULL,
	  "ZeroMQ endpoint of the server's event socket (its listen.events).", 0 },
	{ "timeout_ms", CFG_INT, OPT(timeout_ms), "5000", 100, 600000, NULL,
	  "How long to wait for each answer before trying again.", 0 },
	{ "retries", CFG_INT, OPT(retries), "2", 0, 20, NULL,
	  "How many times to resend a request that got no answer, each on a "
	  "fresh connection, before giving up (exit code 3).", 0 },
	{ "max_message_bytes", CFG_INT, OPT(max_message_bytes), "16777216", 4096,
	  256 * 1024 * 1024, NULL, "Largest answer accepted from the server.", 0 },
};
const size_t client_config_noptions =
    sizeof client_config_options / sizeof client_config_options[0];

const char client_config_header[] =
    "tdkt client configuration.\n"
    "Found by `tdkt` through --config FILE, then TDKT_CONFIG, then "
    "$XDG_CONFIG_HOME/tdkt/client.yaml.";

void
client_config_init(struct client_config *conf)
{
	memset(conf, 0, sizeof *conf);
	cfg_set_defaults(client_config_options, client_config_noptions, conf);
}

void
client_config_clear(struct client_config *conf)
{
	cfg_free_values(client_config_options, client_config_noptions, conf);
}

char *
client_config_session_path(const struct client_config *conf)
{
	const char	*state = getenv("XDG_STATE_HOME");
	const char	*home = getenv("HOME");

	if (conf->session_file[0] != '\0')
		return xstrdup(conf->session_file);
	if (state != NULL && state[0] == '/')
		return xasprintf("%s/tdkt/session", state);
	if (home != NULL && home[0] != '\0')
		return xasprintf("%s/.local/state/tdkt/session", home);
	return NULL;
}

/* The per-user file, or NULL when there is no home to look in. */
static char *
client_config_user_path(void)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/tdkt/client.yaml", xdg);
	if (home != NULL && home[0] != '\0')
		return xasprintf("%s/.config/tdkt/client.yaml", home);
	return NULL;
}

int
client_config_load(struct client_config *conf, const char *explicit_path,
    char **used_path)
{
	const char	*env = getenv("TDKT_CONFIG");
	char		*path;

	*used_path = NULL;
	if (explicit_path != NULL)
		path = xstrdup(explicit_path);
	else if (env != NULL && env[0] != '\0')
		path = xstrdup(env);
	else {
		path = client_config_user_path();
		if (path == NULL || access(path, F_OK) < 0) {
			free(path);
			return 0;	/* no file: the defaults */
		}
	}
	if (cfg_load_file_report(client_config_options, client_config_noptions,
	    conf, path, stderr) < 0) {
		free(path);
		return -1;
	}
	*used_path = path;
	return 0;
}
