/*
 * cmds.c - the table of tdkt commands: one line per command.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include "cmd.h"
#include "output.h"
#include "xmalloc.h"

static const struct cmd_entry *const cmds_table[] = {
	&cmd_login_entry,
	&cmd_logout_entry,
	&cmd_whoami_entry,
	&cmd_password_entry,
	&cmd_ping_entry,
	&cmd_echo_entry,
	&cmd_units_entry,
	&cmd_import_entry,
	&cmd_rulebook_entry,
	&cmd_calendar_entry,
	&cmd_register_entry,
	&cmd_registrations_entry,
	&cmd_user_entry,
	&cmd_worker_entry,
	&cmd_admin_entry,
	&cmd_dossier_entry,
	&cmd_review_entry,
	&cmd_queue_entry,
	&cmd_decide_entry,
	&cmd_extension_entry,
	&cmd_inbox_entry,
	&cmd_watch_entry,
};

/* Longer than the server accepts (256 bytes), so it can say so itself. */
#define PASSWORD_INPUT_MAX	1024

#define CMDS_COUNT	(sizeof cmds_table / sizeof cmds_table[0])

const struct cmd_entry *
cmds_find(const char *name)
{
	for (size_t i = 0; i < CMDS_COUNT; i++) {
		if (strcmp(cmds_table[i]->name, name) == 0)
			return cmds_table[i];
	}
	return NULL;
}

void
cmds_list(FILE *fp)
{
	for (size_t i = 0; i < CMDS_COUNT; i++) {
		fputs("  ", fp);
		output_padded(fp, cmds_table[i]->name, 10);
		fprintf(fp, "%s\n", cmds_table[i]->summary);
	}
}

void
cmds_usage(FILE *fp, const struct cmd_entry *cmd)
{
	fprintf(fp, "cách dùng: tdkt [TÙY CHỌN CHUNG] %s %s\n\n%s\n", cmd->name,
	    cmd->args, cmd->summary);
	if (cmd->help[0] != '\0')
		fprintf(fp, "\n%s", cmd->help);
}

bool
cmds_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

char *
cmds_read_password(const char *file, const char *prompt)
{
	char		 buf[PASSWORD_INPUT_MAX + 2], *password;
	struct termios	 saved, quiet;
	FILE		*fp;
	bool		 tty;

	fp = file != NULL ? fopen(file, "re") : fopen("/dev/tty", "r+e");
	if (fp == NULL) {
		fprintf(stderr, file != NULL ? "tdkt: không mở được tệp \"%s\": "
		    "%s\n" : "tdkt: không có thiết bị đầu cuối để nhập mật khẩu "
		    "(%s%s); hãy dùng --password-file\n",
		    file != NULL ? file : "", strerror(errno));
		return NULL;
	}
	tty = file == NULL && tcgetattr(fileno(fp), &saved) == 0;
	if (tty) {
		fputs(prompt, fp);
		fflush(fp);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(fp), TCSAFLUSH, &quiet);
	}
	if (fgets(buf, sizeof buf, fp) == NULL)
		buf[0] = '\0';
	if (tty) {
		tcsetattr(fileno(fp), TCSAFLUSH, &saved);
		fputs("\n", fp);
	}
	fclose(fp);
	buf[strcspn(buf, "\r\n")] = '\0';
	password = strlen(buf) <= PASSWORD_INPUT_MAX ? xstrdup(buf) : NULL;
	explicit_bzero(buf, sizeof buf);
	if (password == NULL)
		fprintf(stderr, "tdkt: mật khẩu quá dài\n");
	return password;
}

/* Reads at most `max` bytes of `path`; NULL with a message on stderr. */
char *
cmds_read_file(const char *path, size_t max, size_t *len)
{
	FILE	*fp;
	char	*data;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "tdkt: không mở được tệp \"%s\": %s\n", path,
		    strerror(errno));
		return NULL;
	}
	data = xmalloc(max + 1);
	*len = fread(data, 1, max + 1, fp);
	if (ferror(fp) || *len > max) {
		fprintf(stderr, ferror(fp) ? "tdkt: không đọc được tệp \"%s\"\n" :
		    "tdkt: tệp \"%s\" quá lớn (tối đa %zu byte)\n", path, max);
		fclose(fp);
		free(data);
		return NULL;
	}
	fclose(fp);
	data[*len] = '\0';
	return data;
}


int
cmds_call(struct cmd_ctx *ctx, Tdkt__ClientEnvelope *req,
    Tdkt__ClientEnvelope__BodyCase expect, struct arena *a,
    Tdkt__ClientEnvelope **reply)
{
	enum conn_status	 status;
	const char		*cause = NULL;

	if (req->session_token[0] == '\0')
		req->session_token = ctx->session_token;
	status = conn_call(ctx->conn, req, a, reply, &cause);
	if (status == CONN_OK && (*reply)->body_case != expect) {
		status = CONN_BAD_REPLY;
		cause = "the server answered with something else";
	}
	if (status == CONN_OK)
		return EXIT_OK;
	return output_call_failed(ctx->json, status, *reply, cause,
	    ctx->conf->server);
}
