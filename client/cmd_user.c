/*
 * cmd_user.c - `tdkt user add|list|disable|enable|reset`: accounts, for
 * administrators (list also for the heads of offices).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "output.h"
#include "roles.h"

#define USER_MAX_ROLES	ROLES_COUNT

/* Prints the account and, once, a password the server made up. */
static void
user_print(struct cmd_ctx *ctx, const Tdkt__UserReply *r)
{
	if (r->account != NULL)
		output_account(stdout, ctx->json, r->account, 0);
	if (r->password[0] == '\0' || ctx->json) {
		if (ctx->json && r->password[0] != '\0') {
			struct output_json j;

			output_json_begin(&j, stdout);
			output_json_string(&j, "password", r->password);
			output_json_end(&j);
		}
		return;
	}
	printf("\nMật khẩu tạm (chỉ hiện một lần; người dùng phải đổi khi "
	    "đăng nhập):\n  %s\n", r->password);
}

static int
user_add(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "unit", required_argument, NULL, 'u' },
		{ "role", required_argument, NULL, 'r' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UserAddRequest	 add = TDKT__USER_ADD_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	char			*roles[USER_MAX_ROLES];
	char			*password = NULL;
	const char		*password_file = NULL;
	struct arena		*a;
	int			 ch, rc;

	/* 0: a fresh start, which lets options follow the arguments. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			add.display_name = optarg;
			break;
		case 'u':
			add.unit = optarg;
			break;
		case 'r':
			if (add.n_roles == USER_MAX_ROLES) {
				fprintf(stderr, "tdkt: tối đa %d vai trò\n",
				    USER_MAX_ROLES);
				return EXIT_USAGE;
			}
			roles[add.n_roles++] = optarg;
			break;
		case 'p':
			password_file = optarg;
			break;
		default:
			cmds_usage(stderr, &cmd_user_entry);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || add.display_name[0] == '\0' ||
	    add.n_roles == 0) {
		fprintf(stderr, "tdkt: cần TÊN-ĐĂNG-NHẬP, --name và ít nhất một "
		    "--role\n");
		return EXIT_USAGE;
	}
	if (password_file != NULL &&
	    (password = cmds_read_password(password_file, "")) == NULL)
		return EXIT_USAGE;
	add.username = argv[optind];
	add.roles = roles;
	add.password = password != NULL ? password : "";
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_ADD_REQUEST;
	req.user_add_request = &add;
	a = arena_new(1024 * 1024);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_USER_ADD_REPLY, a,
	    &reply);
	if (rc == EXIT_OK)
		user_print(ctx, reply->user_add_reply);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	arena_free(&a);
	return rc;
}

static int
user_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UserListRequest	 list = TDKT__USER_LIST_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct output_table	 t;
	struct arena		*a;
	char			 when[32], roles[256];
	int			 rc;

	if (argc > 2) {
		cmds_usage(stderr, &cmd_user_entry);
		return EXIT_USAGE;
	}
	if (argc == 2)
		list.unit = argv[1];
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_LIST_REQUEST;
	req.user_list_request = &list;
	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	if ((rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_USER_LIST_REPLY,
	    a, &reply)) != EXIT_OK)
		goto out;
	if (ctx->json) {
		for (size_t i = 0; i < reply->user_list_reply->n_accounts; i++)
			output_account(stdout, true,
			    reply->user_list_reply->accounts[i], 0);
		goto out;
	}
	output_table_init(&t, 6, "Tài khoản", "Họ tên", "Đơn vị", "Vai trò",
	    "Trạng thái", "Đăng nhập gần nhất");
	for (size_t i = 0; i < reply->user_list_reply->n_accounts; i++) {
		const Tdkt__Account	*u = reply->user_list_reply->accounts[i];
		size_t			 used = 0;

		roles[0] = '\0';
		for (size_t k = 0; k < u->n_roles && used < sizeof roles; k++)
			used += (size_t)snprintf(roles + used, sizeof roles - used,
			    "%s%s", k > 0 ? ", " : "", u->roles[k]);
		output_time(u->last_login_unix_ms, when);
		output_table_row(&t, u->username, u->display_name,
		    u->unit[0] != '\0' ? u->unit : "(toàn hệ thống)", roles,
		    u->disabled ? "đã khóa" : u->must_change_password ?
		    "chờ đổi mật khẩu" : "hoạt động", when);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
out:
	arena_free(&a);
	return rc;
}

static int
user_update(struct cmd_ctx *ctx, int argc, char **argv,
    Tdkt__UserUpdateRequest__Action action)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UserUpdateRequest	 update = TDKT__USER_UPDATE_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	int			 rc;

	if (argc != 2) {
		cmds_usage(stderr, &cmd_user_entry);
		return EXIT_USAGE;
	}
	update.username = argv[1];
	update.action = action;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_UPDATE_REQUEST;
	req.user_update_request = &update;
	a = arena_new(1024 * 1024);
	rc = cmds_call(ctx, &req, TDKT__CLIENT_ENVELOPE__BODY_USER_UPDATE_REPLY,
	    a, &reply);
	if (rc == EXIT_OK)
		user_print(ctx, reply->user_update_reply);
	arena_free(&a);
	return rc;
}

static int
user_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char	*sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "add") == 0)
		return user_add(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return user_list(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "disable") == 0)
		return user_update(ctx, argc - 1, argv + 1,
		    TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_DISABLE);
	if (strcmp(sub, "enable") == 0)
		return user_update(ctx, argc - 1, argv + 1,
		    TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_ENABLE);
	if (strcmp(sub, "reset") == 0)
		return user_update(ctx, argc - 1, argv + 1,
		    TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_RESET);
	cmds_usage(stderr, &cmd_user_entry);
	return EXIT_USAGE;
}

const struct cmd_entry cmd_user_entry = {
	.name = "user",
	.args = "add|list|disable|enable|reset ...",
	.summary = "Quản lý tài khoản người dùng (quản trị viên)",
	.help =
	    "  user add TÊN --name \"Họ tên\" --unit MÃ --role VAI-TRÒ... "
	    "[--password-file TỆP]\n"
	    "      thêm tài khoản; không có mật khẩu thì máy chủ tạo mật khẩu "
	    "tạm, hiện một lần\n"
	    "  user list [MÃ-ĐƠN-VỊ]      tài khoản của đơn vị và các đơn vị "
	    "trực thuộc\n"
	    "  user disable TÊN           khóa tài khoản, kết thúc mọi phiên\n"
	    "  user enable TÊN            mở khóa\n"
	    "  user reset TÊN             đặt mật khẩu tạm mới\n"
	    "\n"
	    "Vai trò (--role, có thể lặp lại): staff (cán bộ, giáo viên), head "
	    "(thủ trưởng),\nblock_leader (khối trưởng), specialist:CẤP "
	    "(chuyên viên; CẤP là preschool,\nprimary, lower_secondary, "
	    "upper_secondary), office_head (lãnh đạo phòng),\ndepartment (Sở), "
	    "ministry (Bộ), admin (quản trị). Vai trò có hiệu lực với đơn vị\n"
	    "của tài khoản và mọi đơn vị trực thuộc; không có --unit: toàn hệ "
	    "thống (chỉ admin).\n",
	.exec = user_exec,
};
