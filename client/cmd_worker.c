/*
 * cmd_worker.c - `tdkt worker allow|revoke|keys`: which workers the server
 * admits, by their CURVE public keys (system administrators).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "output.h"

static void
worker_print_keys(struct cmd_ctx *ctx, const Tdkt__WorkerKeysReply *r)
{
	struct output_table	t;
	char			added[32], revoked[32], connected[16];

	if (ctx->json) {
		for (size_t i = 0; i < r->n_keys; i++) {
			const Tdkt__WorkerKey	*k = r->keys[i];
			struct output_json	 j;

			output_json_begin(&j, stdout);
			output_json_string(&j, "public_key", k->public_key);
			output_json_string(&j, "name", k->name);
			output_json_string(&j, "added_by", k->added_by);
			output_json_uint(&j, "added_at_unix_ms",
			    (uint64_t)k->added_at_unix_ms);
			output_json_uint(&j, "revoked_at_unix_ms",
			    (uint64_t)k->revoked_at_unix_ms);
			output_json_uint(&j, "connected", k->connected);
			output_json_end(&j);
		}
		return;
	}
	output_table_init(&t, 6, "Khóa công khai", "Tên", "Người thêm",
	    "Thêm lúc", "Thu hồi lúc", "Đang kết nối");
	for (size_t i = 0; i < r->n_keys; i++) {
		const Tdkt__WorkerKey *k = r->keys[i];

		output_time(k->added_at_unix_ms, added);
		output_time(k->revoked_at_unix_ms, revoked);
		snprintf(connected, sizeof connected, "%u", k->connected);
		output_table_row(&t, k->public_key, k->name, k->added_by, added,
		    revoked, connected);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static int
worker_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WorkerAllowRequest	 allow = TDKT__WORKER_ALLOW_REQUEST__INIT;
	Tdkt__WorkerRevokeRequest	 revoke = TDKT__WORKER_REVOKE_REQUEST__INIT;
	Tdkt__WorkerKeysRequest		 keys = TDKT__WORKER_KEYS_REQUEST__INIT;
	Tdkt__ClientEnvelope__BodyCase	 expect;
	Tdkt__ClientEnvelope		*reply;
	const char			*sub = argc > 1 ? argv[1] : "";
	struct arena			*a;
	int				 ch, rc;

	if (argc < 2) {
		cmds_usage(stderr, &cmd_worker_entry);
		return EXIT_USAGE;
	}
	/* 0: a fresh start, which lets options follow the arguments. */
	optind = 0;
	while ((ch = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
		if (ch != 'n') {
			cmds_usage(stderr, &cmd_worker_entry);
			return EXIT_USAGE;
		}
		allow.name = optarg;
	}
	/* optind counts in argv + 1. */
	optind++;
	if (strcmp(sub, "allow") == 0 && optind == argc - 1) {
		allow.public_key = argv[optind];
		req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REQUEST;
		req.worker_allow_request = &allow;
		expect = TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REPLY;
	} else if (strcmp(sub, "revoke") == 0 && optind == argc - 1) {
		revoke.public_key = argv[optind];
		req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_REVOKE_REQUEST;
		req.worker_revoke_request = &revoke;
		expect = TDKT__CLIENT_ENVELOPE__BODY_WORKER_REVOKE_REPLY;
	} else if (strcmp(sub, "keys") == 0 && optind == argc) {
		req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_KEYS_REQUEST;
		req.worker_keys_request = &keys;
		expect = TDKT__CLIENT_ENVELOPE__BODY_WORKER_KEYS_REPLY;
	} else {
		cmds_usage(stderr, &cmd_worker_entry);
		return EXIT_USAGE;
	}
	a = arena_new((size_t)ctx->conf->max_message_bytes * 2);
	rc = cmds_call(ctx, &req, expect, a, &reply);
	if (rc == EXIT_OK) {
		const Tdkt__WorkerKeysReply *r =
		    expect == TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REPLY ?
		    reply->worker_allow_reply :
		    expect == TDKT__CLIENT_ENVELOPE__BODY_WORKER_REVOKE_REPLY ?
		    reply->worker_revoke_reply : reply->worker_keys_reply;

		if (!ctx->json && expect != TDKT__CLIENT_ENVELOPE__BODY_WORKER_KEYS_REPLY)
			printf(expect == TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REPLY ?
			    "Đã cho phép máy xử lý có khóa này kết nối.\n\n" :
			    "Đã thu hồi khóa; máy xử lý dùng khóa này bị ngắt "
			    "kết nối.\n\n");
		worker_print_keys(ctx, r);
	}
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_worker_entry = {
	.name = "worker",
	.args = "allow [--name TÊN] KHÓA | revoke KHÓA | keys",
	.summary = "Cho phép, thu hồi khóa của máy xử lý (worker); xem danh sách",
	.help = "  worker allow [--name TÊN] KHÓA   cho máy xử lý có khóa công "
	    "khai KHÓA kết nối\n"
	    "                                   (`tdkt-worker keygen` in ra "
	    "khóa này)\n"
	    "  worker revoke KHÓA               thu hồi: máy đang kết nối bị "
	    "ngắt ngay\n"
	    "  worker keys                      mọi khóa đã cho phép, kể cả đã "
	    "thu hồi\n"
	    "Khóa có thể bắt đầu bằng dấu '-': hãy đặt -- trước khóa.\n",
	.exec = worker_exec,
};
