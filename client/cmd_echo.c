/*
 * cmd_echo.c - `tdkt echo TEXT`: send text through a worker and back.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "output.h"
#include "utf8.h"
#include "version.h"
#include "xmalloc.h"

#define ECHO_ARENA_BUDGET	(1024 * 1024)

static int
echo_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__EchoRequest	 echo = TDKT__ECHO_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	char			*text, *end;
	size_t			 len = 0;
	long			 delay = 0;
	int			 ch, rc = EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+d:", longopts, NULL)) != -1) {
		if (ch != 'd') {
			cmds_usage(stderr, &cmd_echo_entry);
			return EXIT_USAGE;
		}
		delay = strtol(optarg, &end, 10);
		if (*end != '\0' || delay < 0 || delay > TDKT_ECHO_MAX_DELAY_MS) {
			fprintf(stderr, "tdkt: --delay phải là số mili giây từ 0 "
			    "đến %d\n", TDKT_ECHO_MAX_DELAY_MS);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cmds_usage(stderr, &cmd_echo_entry);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = xcalloc(1, len);
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	if (!utf8_valid(text, strlen(text), NULL)) {
		fprintf(stderr, "tdkt: văn bản không phải UTF-8 hợp lệ\n");
		free(text);
		return EXIT_USAGE;
	}

	a = arena_new(ECHO_ARENA_BUDGET);
	echo.text = text;
	echo.delay_ms = (uint32_t)delay;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST;
	req.echo_request = &echo;
	conn_set_timeout(ctx->conn, ctx->conf->timeout_ms + delay);
	if ((rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_ECHO_REPLY, a, &reply)) != EXIT_OK)
		goto out;
	if (ctx->json) {
		struct output_json j;

		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_string(&j, "text", reply->echo_reply->text);
		output_json_string(&j, "worker", reply->echo_reply->worker_name);
		output_json_uint(&j, "job_id", reply->echo_reply->job_id);
		output_json_end(&j);
	} else
		printf("%s\n(tiến trình xử lý %s, tác vụ %llu)\n",
		    reply->echo_reply->text, reply->echo_reply->worker_name,
		    (unsigned long long)reply->echo_reply->job_id);
out:
	arena_free(&a);
	free(text);
	return rc;
}

const struct cmd_entry cmd_echo_entry = {
	.name = "echo",
	.args = "[--delay MS] VĂN_BẢN...",
	.summary = "Gửi văn bản qua một tiến trình xử lý và nhận lại",
	.help = "Máy chủ giao văn bản cho một tiến trình xử lý (worker) dưới dạng tác vụ\n"
	    "`echo`, rồi trả lại văn bản cùng tên tiến trình đã xử lý. Dùng để kiểm tra\n"
	    "đường đi của tác vụ từ đầu đến cuối.\n"
	    "\n"
	    "  --delay MS   tiến trình xử lý chờ MS mili giây trước khi trả lời (tối đa 10000)\n",
	.exec = echo_exec,
};
