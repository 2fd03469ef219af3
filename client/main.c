/*
 * main.c - tdkt, the command-line client: global options, then one command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_config.h"
#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "version.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "cách dùng: tdkt [TÙY CHỌN CHUNG] LỆNH [THAM SỐ...]\n"
	    "\n"
	    "tdkt là chương trình dòng lệnh của hệ thống thi đua – khen thưởng ngành\n"
	    "giáo dục: nộp và theo dõi hồ sơ, xét duyệt, quản trị hệ thống.\n"
	    "\n"
	    "Lệnh:\n");
	cmds_list(fp);
	fprintf(fp,
	    "\n"
	    "Tùy chọn chung:\n"
	    "  -c, --config TỆP   tệp cấu hình (mặc định: $TDKT_CONFIG, rồi\n"
	    "                     $XDG_CONFIG_HOME/tdkt/client.yaml)\n"
	    "      --json         in kết quả dạng JSON cho máy đọc\n"
	    "      --timeout MS   thời gian chờ mỗi lần gửi, tính bằng mili giây\n"
	    "  -h, --help         in hướng dẫn này; `tdkt LỆNH --help` cho từng lệnh\n"
	    "  -V, --version      in phiên bản\n"
	    "      --example-config  in tệp cấu hình mẫu có chú thích\n"
	    "\n"
	    "Mã thoát: 0 thành công, 1 máy chủ báo lỗi, 2 sai cách dùng hoặc cấu hình,\n"
	    "3 không liên lạc được với máy chủ, 4 máy chủ đã nhận nhưng việc chưa xong\n"
	    "(ví dụ hồ sơ vẫn đang được kiểm tra).\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "example-config", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	struct client_config	 conf;
	struct conn_options	 opts;
	struct cmd_ctx		 ctx = { 0 };
	const struct cmd_entry	*cmd;
	const char		*config_path = NULL, *timeout = NULL;
	char			*used_path = NULL, *cause = NULL;
	int			 ch, rc;

	log_init("tdkt", LOG_LEVEL_WARN);
	while ((ch = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'j':
			ctx.json = true;
			break;
		case 't':
			timeout = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("tdkt %s (giao thức %d)\n", TDKT_VERSION,
			    TDKT_PROTOCOL_VERSION);
			return EXIT_OK;
		case 'E':
			client_config_init(&conf);
			cfg_write(stdout, client_config_options,
			    client_config_noptions, &conf, client_config_header);
			client_config_clear(&conf);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((cmd = cmds_find(argv[0])) == NULL) {
		fprintf(stderr, "tdkt: không có lệnh \"%s\"; xem `tdkt --help`\n",
		    argv[0]);
		return EXIT_USAGE;
	}
	if (cmds_wants_help(argc, argv)) {
		cmds_usage(stdout, cmd);
		return EXIT_OK;
	}

	client_config_init(&conf);
	if (client_config_load(&conf, config_path, &used_path) < 0 ||
	    (timeout != NULL && cfg_set_option(client_config_options,
	    client_config_noptions, &conf, "timeout_ms", timeout, &cause) < 0)) {
		if (cause != NULL)
			fprintf(stderr, "tdkt: --timeout: %s\n", cause);
		free(cause);
		free(used_path);
		client_config_clear(&conf);
		return EXIT_USAGE;
	}
	opts.endpoint = conf.server;
	opts.server_public_key = conf.server_public_key;
	opts.timeout_ms = conf.timeout_ms;
	opts.retries = conf.retries;
	opts.max_message_bytes = conf.max_message_bytes;
	ctx.conf = &conf;
	ctx.conn = conn_new(&opts);
	if ((ctx.session_path = client_config_session_path(&conf)) != NULL)
		session_load(ctx.session_path, ctx.session_token);
	rc = cmd->exec(&ctx, argc, argv);
	explicit_bzero(ctx.session_token, sizeof ctx.session_token);
	free(ctx.session_path);
	conn_free(&ctx.conn);
	free(used_path);
	client_config_clear(&conf);
	return rc;
}
