/*
 * cmd_dossier.h - the sub-commands of `tdkt dossier`, one file each, which
 * cmd_dossier.c dispatches to, and the call every change to a dossier
 * makes (shared with `tdkt review` and `tdkt decide`).
 *
 * Each sub-command gets argv with its own name at argv[0] and returns the
 * process exit code, like a command; on a bad command line it prints the
 * usage of cmd_dossier_entry.
 */
#ifndef TDKT_CMD_DOSSIER_H
#define TDKT_CMD_DOSSIER_H

#include "arena.h"
#include "cmd.h"

int	cmd_dossier_attach_exec(struct cmd_ctx *, int argc, char **argv);
int	cmd_dossier_get_file_exec(struct cmd_ctx *, int argc, char **argv);
int	cmd_dossier_nominate_exec(struct cmd_ctx *, int argc, char **argv);
int	cmd_dossier_show_exec(struct cmd_ctx *, int argc, char **argv);
int	cmd_dossier_list_exec(struct cmd_ctx *, int argc, char **argv);
int	cmd_dossier_history_exec(struct cmd_ctx *, int argc, char **argv);

/* An arena big enough for any request changing a dossier and its answer. */
#define CMD_DOSSIER_ARENA	(4 * 1024 * 1024)

/*
 * Sends `req`, a request that changes a dossier, under a fresh idempotency
 * key (conn.c sends the same key with every retry, so a retry never acts
 * twice) and waits for its DossierActReply, the body `expect`. Returns
 * EXIT_OK with *act pointing into `a`, or the exit code after reporting the
 * failure.
 */
int	cmd_dossier_act(struct cmd_ctx *, Tdkt__ClientEnvelope *req,
	    Tdkt__ClientEnvelope__BodyCase expect, struct arena *a,
	    const Tdkt__DossierActReply **act);

#endif
