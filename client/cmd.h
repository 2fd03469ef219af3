/*
 * cmd.h - the tdkt command table and what every command shares.
 *
 * Each command is one cmd_<name>.c exporting one struct cmd_entry, and one
 * line in cmds.c. A command parses its own arguments, makes its calls
 * through the connection in the context, prints with output.h, and returns
 * the process exit code.
 */
#ifndef TDKT_CMD_H
#define TDKT_CMD_H

#include <stdbool.h>

#include "arena.h"
#include "client_config.h"
#include "conn.h"
#include "session.h"

/* Exit codes, part of the CLI's contract with scripts. */
#define EXIT_OK			0
#define EXIT_SERVER_ERROR	1	/* the server answered with an error */
#define EXIT_USAGE		2	/* bad command line or configuration */
#define EXIT_UNREACHABLE	3	/* no answer from the server */
#define EXIT_PENDING		4	/* accepted; its outcome is not known yet */

struct cmd_ctx {
	const struct client_config	*conf;
	struct conn			*conn;
	bool				 json;
	char				*session_path;	/* NULL: nowhere */
	/* From the session file, sent with every request; "" if none. */
	char				 session_token[SESSION_TOKEN_MAX + 1];
};

struct cmd_entry {
	const char	*name;
	const char	*args;		/* e.g. "[--delay MS] TEXT..." */
	const char	*summary;	/* one line, Vietnamese */
	const char	*help;		/* paragraphs after the usage, Vietnamese */
	int		(*exec)(struct cmd_ctx *, int argc, char **argv);
};

/* The command called `name`, or NULL. */
const struct cmd_entry	*cmds_find(const char *name);
/* Prints "  name  summary" for every command. */
void			 cmds_list(FILE *);
/* Prints a command's usage and help. */
void			 cmds_usage(FILE *, const struct cmd_entry *);

/*
 * Sends `req` and waits for an answer whose body is `expect`, unpacked into
 * `a` and stored in *reply. Returns EXIT_OK, or, after reporting the failure
 * (output_call_failed), the exit code to return.
 */
int			 cmds_call(struct cmd_ctx *, Tdkt__ClientEnvelope *req,
			    Tdkt__ClientEnvelope__BodyCase expect, struct arena *a,
			    Tdkt__ClientEnvelope **reply);

/*
 * Reads a password: the first line of `file` if not NULL, else from the
 * terminal with echo off after printing `prompt`. Returns it (the caller
 * wipes and frees it), or NULL after saying why on stderr.
 */
char			*cmds_read_password(const char *file, const char *prompt);

/*
 * Reads the file at `path`, at most `max` bytes, NUL-terminated; returns it
 * (the caller frees) with *len set, or NULL after saying why on stderr.
 */
char			*cmds_read_file(const char *path, size_t max, size_t *len);

/* True if argv holds -h or --help (every command accepts them). */
bool			 cmds_wants_help(int argc, char **argv);

extern const struct cmd_entry	cmd_admin_entry;
extern const struct cmd_entry	cmd_login_entry;
extern const struct cmd_entry	cmd_logout_entry;
extern const struct cmd_entry	cmd_password_entry;
extern const struct cmd_entry	cmd_ping_entry;
extern const struct cmd_entry	cmd_user_entry;
extern const struct cmd_entry	cmd_whoami_entry;
extern const struct cmd_entry	cmd_worker_entry;
extern const struct cmd_entry	cmd_calendar_entry;
extern const struct cmd_entry	cmd_echo_entry;
extern const struct cmd_entry	cmd_import_entry;
extern const struct cmd_entry	cmd_register_entry;
extern const struct cmd_entry	cmd_registrations_entry;
extern const struct cmd_entry	cmd_rulebook_entry;
extern const struct cmd_entry	cmd_units_entry;
extern const struct cmd_entry	cmd_dossier_entry;
extern const struct cmd_entry	cmd_review_entry;
extern const struct cmd_entry	cmd_queue_entry;
extern const struct cmd_entry	cmd_decide_entry;
extern const struct cmd_entry	cmd_extension_entry;
extern const struct cmd_entry	cmd_inbox_entry;
extern const struct cmd_entry	cmd_watch_entry;

#endif
