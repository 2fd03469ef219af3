/*
 * cmd_admin.h - the sub-commands of `tdkt admin` that have a file of their
 * own, which the dispatcher in cmd_admin.c calls: the durable job queue
 * (cmd_admin_jobs.c) and running the reminder planner (cmd_admin_remind.c).
 *
 * Each gets argv with its own name at argv[0] and returns the process exit
 * code, like a command; on a bad command line it says why and prints the
 * usage of cmd_admin_entry.
 */
#ifndef TDKT_CMD_ADMIN_H
#define TDKT_CMD_ADMIN_H

#include "cmd.h"

/* `admin jobs [--state S] [--kind K] [--limit N] [--json]` */
int	cmd_admin_jobs_exec(struct cmd_ctx *, int argc, char **argv);
/* `admin job show|retry|cancel ID [--json]` */
int	cmd_admin_job_exec(struct cmd_ctx *, int argc, char **argv);
/* `admin remind [--json]` */
int	cmd_admin_remind_exec(struct cmd_ctx *, int argc, char **argv);

#endif
