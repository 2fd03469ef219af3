/*
 * cmd_args.c - strict numbers and dates on the command line; see cmd_args.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd_args.h"
#include "date.h"

int
cmd_args_number(const char *what, const char *s, uint64_t min, uint64_t max,
    uint64_t *out)
{
	unsigned long long	 v;
	char			*end;

	/* strtoull alone would take blanks, a sign and an empty string. */
	if (s[0] < '0' || s[0] > '9')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "tdkt: %s không hợp lệ: \"%s\" (cần số từ %llu đến "
	    "%llu)\n", what, s, (unsigned long long)min,
	    (unsigned long long)max);
	return -1;
}

int
cmd_args_dossier_id(const char *s, uint64_t *out)
{
	/* Ids are PostgreSQL bigints: never above INT64_MAX. */
	return cmd_args_number("số hồ sơ", s, 1, INT64_MAX, out);
}

int
cmd_args_uint32(const char *what, const char *s, uint32_t min, uint32_t *out)
{
	uint64_t	v;

	if (cmd_args_number(what, s, min, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
cmd_args_date(const char *what, const char *s)
{
	int32_t	day;

	if (date_parse_iso(s, &day))
		return 0;
	fprintf(stderr, "tdkt: %s không hợp lệ: \"%s\" (cần ngày có thật, dạng "
	    "YYYY-MM-DD)\n", what, s);
	return -1;
}

int
cmd_args_one_dossier_id(const struct cmd_entry *cmd, int nargs, char **args,
    uint64_t *id)
{
	if (nargs != 1)
		return cmd_args_usage_error(cmd, "cần đúng một SỐ_HỒ_SƠ");
	if (cmd_args_dossier_id(args[0], id) < 0)
		return cmd_args_usage_error(cmd, NULL);
	return EXIT_OK;
}

int
cmd_args_only_dossier_id(const struct cmd_entry *cmd, int argc, char **argv,
    uint64_t *id)
{
	static const struct option no_options[] = {
		{ NULL, 0, NULL, 0 }
	};

	/* No options; getopt still refuses unknown ones and takes "--". */
	optind = 0;
	if (getopt_long(argc, argv, "", no_options, NULL) != -1)
		return cmd_args_usage_error(cmd, NULL);
	return cmd_args_one_dossier_id(cmd, argc - optind, argv + optind, id);
}

int
cmd_args_only_json(struct cmd_ctx *ctx, const struct cmd_entry *cmd, int argc,
    char **argv, const char *what)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'j')
			return cmd_args_usage_error(cmd, NULL);
		ctx->json = true;
	}
	if (optind != argc)
		return cmd_args_usage_error(cmd, "%s không nhận tham số", what);
	return EXIT_OK;
}

int
cmd_args_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
{
	va_list	ap;

	if (fmt != NULL) {
		fputs("tdkt: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputs("\n", stderr);
	}
	cmds_usage(stderr, cmd);
	return EXIT_USAGE;
}
