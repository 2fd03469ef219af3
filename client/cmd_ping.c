/*
 * cmd_ping.c - `tdkt ping`: is the server there, and what is it running?
 */
#include <stdio.h>

#include "arena.h"
#include "clock.h"
#include "cmd.h"
#include "output.h"

#define PING_ARENA_BUDGET	(1024 * 1024)

static void
ping_print_uptime(uint64_t ms, char *buf, size_t size)
{
	uint64_t	s = ms / 1000;

	if (s < 60)
		snprintf(buf, size, "%llu giây", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%llu phút %llu giây",
		    (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	else
		snprintf(buf, size, "%llu giờ %llu phút",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600 / 60));
}

static int
ping_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingRequest	 ping = TDKT__PING_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const Tdkt__PingReply	*pong;
	struct arena		*a;
	int64_t			 started;
	double			 rtt_ms;
	char			 uptime[64];
	int			 rc = EXIT_OK;

	(void)argv;
	if (argc != 1) {
		cmds_usage(stderr, &cmd_ping_entry);
		return EXIT_USAGE;
	}
	a = arena_new(PING_ARENA_BUDGET);
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	req.ping_request = &ping;
	started = clock_monotonic_ms();
	rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_PING_REPLY, a, &reply);
	rtt_ms = (double)(clock_monotonic_ms() - started);
	if (rc != EXIT_OK) {
		arena_free(&a);
		return rc;
	}
	pong = reply->ping_reply;
	ping_print_uptime(pong->uptime_ms, uptime, sizeof uptime);
	if (ctx->json) {
		struct output_json j;

		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_string(&j, "server_version", pong->server_version);
		output_json_uint(&j, "protocol_version", pong->protocol_version);
		output_json_string(&j, "postgres_version", pong->postgres_version);
		output_json_uint(&j, "schema_version", pong->schema_version);
		output_json_uint(&j, "workers_connected", pong->workers_connected);
		output_json_string(&j, "installation_id", pong->installation_id);
		output_json_uint(&j, "uptime_ms", pong->uptime_ms);
		output_json_uint(&j, "round_trip_ms", (uint64_t)rtt_ms);
		output_json_end(&j);
	} else {
		output_field(stdout, 22, "Máy chủ:", "tdkt-server %s (giao thức %u)",
		    pong->server_version, pong->protocol_version);
		output_field(stdout, 22, "PostgreSQL:", "%s", pong->postgres_version);
		output_field(stdout, 22, "Lược đồ dữ liệu:", "phiên bản %u",
		    pong->schema_version);
		output_field(stdout, 22, "Tiến trình xử lý:", "%u đang kết nối",
		    pong->workers_connected);
		output_field(stdout, 22, "Mã cài đặt:", "%s", pong->installation_id);
		output_field(stdout, 22, "Thời gian hoạt động:", "%s", uptime);
		output_field(stdout, 22, "Thời gian phản hồi:", "%.0f ms", rtt_ms);
	}
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.args = "",
	.summary = "Kiểm tra máy chủ: phiên bản, cơ sở dữ liệu, số tiến trình xử lý",
	.help = "In phiên bản máy chủ, phiên bản PostgreSQL, phiên bản lược đồ dữ liệu\n"
	    "và số tiến trình xử lý (worker) đang kết nối. Câu trả lời đi qua cơ sở\n"
	    "dữ liệu, nên thành công nghĩa là cả hệ thống đang hoạt động.\n",
	.exec = ping_exec,
};
