/*
 * cmd_args.h - strict parsing of the numbers and dates commands take on
 * their command line, and the one way to refuse a bad command line.
 *
 * A dossier id typed wrong must never become another dossier's id: "12x",
 * "-1" (which strtoull would quietly wrap) and "" are refused, not read as
 * 12, 2^64-1 or 0. Every refusal says what was wrong, prints the command's
 * usage on stderr and ends in EXIT_USAGE.
 */
#ifndef TDKT_CMD_ARGS_H
#define TDKT_CMD_ARGS_H

#include <stdint.h>

#include "cmd.h"

/*
 * Parses `s` as a decimal number from `min` to `max`: digits only, no sign,
 * no blanks. Returns 0 with *out set, or -1 after saying on stderr that
 * `what` (e.g. "--members") is not valid.
 */
int	cmd_args_number(const char *what, const char *s, uint64_t min,
	    uint64_t max, uint64_t *out);

/* A dossier id: a number from 1 up. Same contract as cmd_args_number. */
int	cmd_args_dossier_id(const char *s, uint64_t *out);

/* A count or version that fits the wire's uint32. */
int	cmd_args_uint32(const char *what, const char *s, uint32_t min,
	    uint32_t *out);

/*
 * Checks that `s` is a real date written YYYY-MM-DD. Returns 0, or -1 after
 * saying on stderr that `what` is not valid.
 */
int	cmd_args_date(const char *what, const char *s);

/*
 * Takes the dossier id that must be the one argument left after the options
 * (`nargs` of them at `args`). Returns EXIT_OK with *id set, or EXIT_USAGE
 * after saying why and printing the usage of `cmd`.
 */
int	cmd_args_one_dossier_id(const struct cmd_entry *cmd, int nargs,
	    char **args, uint64_t *id);

/*
 * The same for a sub-command that takes no options, only the id: parses
 * its argv (its own name at argv[0]) with getopt, so "--" works and any
 * option is refused.
 */
int	cmd_args_only_dossier_id(const struct cmd_entry *cmd, int argc,
	    char **argv, uint64_t *id);

/*
 * For a command (`what`, e.g. "admin workers") that takes no arguments and
 * only --json: parses its argv (its own name at argv[0]), setting
 * ctx->json. Returns EXIT_OK, or EXIT_USAGE after saying why.
 */
int	cmd_args_only_json(struct cmd_ctx *ctx, const struct cmd_entry *cmd,
	    int argc, char **argv, const char *what);

/*
 * Says what is wrong (when `fmt` is not NULL) and prints the usage of `cmd`
 * on stderr. Returns EXIT_USAGE, for `return cmd_args_usage_error(...)`.
 */
int	cmd_args_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
