/*
 * cmd_session.c - `tdkt login|logout|whoami|password`: the user's session
 * and password.
 *
 * Passwords are read from the terminal with echo off, or from the first
 * line of a file (--password-file) for scripts; they never appear on the
 * command line, where other users could read them in the process list.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "output.h"
#include "session.h"

#define CMD_SESSION_ARENA	(1024 * 1024)

/* Frees a password after overwriting it. */
static void
password_free(char **pp)
{
	if (*pp == NULL)
		return;
	explicit_bzero(*pp, strlen(*pp));
	free(*pp);
	*pp = NULL;
}

static int
login_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__LoginRequest	 login = TDKT__LOGIN_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const char		*password_file = NULL;
	char			*password;
	struct arena		*a;
	int			 ch, rc;

	/* 0: a fresh start, which lets options follow the arguments. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'p') {
			cmds_usage(stderr, &cmd_login_entry);
			return EXIT_USAGE;
		}
		password_file = optarg;
	}
	if (optind != argc - 1) {
		cmds_usage(stderr, &cmd_login_entry);
		return EXIT_USAGE;
	}
	if (ctx->session_path == NULL) {
		fprintf(stderr, "tdkt: không có nơi lưu phiên đăng nhập; hãy đặt "
		    "session_file trong tệp cấu hình\n");
		return EXIT_USAGE;
	}
	if ((password = cmds_read_password(password_file, "Mật khẩu: ")) == NULL)
		return EXIT_USAGE;
	login.username = argv[optind];
	login.password = password;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_LOGIN_REQUEST;
	req.login_request = &login;
	/* A stale token from an earlier login is of no use here. */
	req.session_token = "";
	ctx->session_token[0] = '\0';
	a = arena_new(CMD_SESSION_ARENA);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_LOGIN_REPLY, a,
	    &reply);
	password_free(&password);
	if (rc == EXIT_OK) {
		const Tdkt__LoginReply *r = reply->login_reply;

		if (session_save(ctx->session_path, r->session_token) < 0)
			rc = EXIT_USAGE;
		else if (r->account != NULL) {
			if (!ctx->json)
				printf("Đã đăng nhập.\n");
			output_account(stdout, ctx->json, r->account,
			    r->expires_at_unix_ms);
			if (!ctx->json && r->account->must_change_password)
				printf("\nHãy đổi mật khẩu ngay: tdkt password\n");
		}
		explicit_bzero(r->session_token, strlen(r->session_token));
	}
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_login_entry = {
	.name = "login",
	.args = "[--password-file TỆP] TÊN-ĐĂNG-NHẬP",
	.summary = "Đăng nhập; phiên được lưu cho các lệnh sau",
	.help = "  --password-file TỆP   đọc mật khẩu ở dòng đầu của tệp (cho "
	    "kịch bản);\n"
	    "                        không có: nhập từ bàn phím, không hiện "
	    "trên màn hình\n"
	    "Sai mật khẩu nhiều lần liền, tài khoản tạm bị khóa đăng nhập.\n",
	.exec = login_exec,
};

static int
logout_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__LogoutRequest	 logout = TDKT__LOGOUT_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	int			 rc;

	(void)argv;
	if (argc != 1) {
		cmds_usage(stderr, &cmd_logout_entry);
		return EXIT_USAGE;
	}
	if (ctx->session_token[0] == '\0') {
		if (!ctx->json)
			printf("Chưa đăng nhập.\n");
		return EXIT_OK;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_LOGOUT_REQUEST;
	req.logout_request = &logout;
	a = arena_new(CMD_SESSION_ARENA);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_LOGOUT_REPLY, a,
	    &reply);
	/* Ended on the server, or unusable there: either way, forget it. */
	if (rc == EXIT_OK || (reply != NULL &&
	    reply->body_case == TDKT__CLIENT_ENVELOPE__BODY_ERROR &&
	    reply->error->code == TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED)) {
		session_remove(ctx->session_path);
		if (!ctx->json && rc == EXIT_OK)
			printf("Đã đăng xuất.\n");
	}
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_logout_entry = {
	.name = "logout",
	.args = "",
	.summary = "Đăng xuất: kết thúc phiên trên máy chủ và xóa khỏi máy này",
	.help = "",
	.exec = logout_exec,
};

static int
whoami_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WhoamiRequest	 whoami = TDKT__WHOAMI_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	int			 rc;

	(void)argv;
	if (argc != 1) {
		cmds_usage(stderr, &cmd_whoami_entry);
		return EXIT_USAGE;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WHOAMI_REQUEST;
	req.whoami_request = &whoami;
	a = arena_new(CMD_SESSION_ARENA);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_WHOAMI_REPLY, a,
	    &reply);
	if (rc == EXIT_OK && reply->whoami_reply->account != NULL)
		output_account(stdout, ctx->json, reply->whoami_reply->account,
		    reply->whoami_reply->session_expires_at_unix_ms);
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_whoami_entry = {
	.name = "whoami",
	.args = "",
	.summary = "Tài khoản đang đăng nhập: đơn vị, vai trò, hạn của phiên",
	.help = "",
	.exec = whoami_exec,
};

static int
password_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "old-password-file", required_argument, NULL, 'o' },
		{ "new-password-file", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PasswordChangeRequest	 change =
					    TDKT__PASSWORD_CHANGE_REQUEST__INIT;
	Tdkt__ClientEnvelope		*reply;
	const char			*old_file = NULL, *new_file = NULL;
	char				*old_pw = NULL, *new_pw = NULL;
	char				*again = NULL;
	struct arena			*a;
	int				 ch, rc = EXIT_USAGE;

	/* 0: a fresh start, which lets options follow the arguments. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'o')
			old_file = optarg;
		else if (ch == 'n')
			new_file = optarg;
		else {
			cmds_usage(stderr, &cmd_password_entry);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmds_usage(stderr, &cmd_password_entry);
		return EXIT_USAGE;
	}
	if ((old_pw = cmds_read_password(old_file, "Mật khẩu hiện tại: ")) == NULL ||
	    (new_pw = cmds_read_password(new_file, "Mật khẩu mới: ")) == NULL)
		goto out;
	if (new_file == NULL) {
		if ((again = cmds_read_password(NULL,
		    "Nhập lại mật khẩu mới: ")) == NULL)
			goto out;
		if (strcmp(again, new_pw) != 0) {
			fprintf(stderr, "tdkt: hai lần nhập mật khẩu mới không "
			    "khớp nhau\n");
			goto out;
		}
	}
	change.old_password = old_pw;
	change.new_password = new_pw;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_PASSWORD_CHANGE_REQUEST;
	req.password_change_request = &change;
	a = arena_new(CMD_SESSION_ARENA);
	rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_PASSWORD_CHANGE_REPLY, a, &reply);
	if (rc == EXIT_OK && !ctx->json)
		printf("Đã đổi mật khẩu; các phiên đăng nhập khác của tài khoản "
		    "đã kết thúc.\n");
	arena_free(&a);
out:
	password_free(&old_pw);
	password_free(&new_pw);
	password_free(&again);
	return rc;
}

const struct cmd_entry cmd_password_entry = {
	.name = "password",
	.args = "[--old-password-file TỆP] [--new-password-file TỆP]",
	.summary = "Đổi mật khẩu của tài khoản đang đăng nhập",
	.help = "Mật khẩu mới có ít nhất 10 ký tự và khác tên đăng nhập. Không "
	    "có tùy chọn tệp:\nnhập từ bàn phím (mật khẩu mới nhập hai lần).\n",
	.exec = password_exec,
};
