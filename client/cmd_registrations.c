/*
 * cmd_registrations.c - `tdkt registrations --unit CODE`: what a unit
 * registered its collective and staff for.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "output.h"

static int
registrations_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "period", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RegistrationsRequest list = TDKT__REGISTRATIONS_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const Tdkt__RegistrationsReply *r;
	struct output_table	 t;
	struct arena		*a;
	int			 ch, rc = EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch == 'u')
			list.unit = optarg;
		else if (ch == 'p')
			list.period = optarg;
		else {
			cmds_usage(stderr, &cmd_registrations_entry);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || list.unit[0] == '\0') {
		cmds_usage(stderr, &cmd_registrations_entry);
		return EXIT_USAGE;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_REGISTRATIONS_REQUEST;
	req.registrations_request = &list;
	a = arena_new(16 * 1024 * 1024);
	rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_REGISTRATIONS_REPLY, a, &reply);
	if (rc != EXIT_OK) {
		arena_free(&a);
		return rc;
	}
	r = reply->registrations_reply;
	if (ctx->json) {
		for (size_t i = 0; i < r->n_items; i++) {
			struct output_json	j;

			output_json_begin(&j, stdout);
			output_json_string(&j, "period", i < r->n_periods ?
			    r->periods[i] : "");
			output_json_string(&j, "person", r->items[i]->person);
			output_json_string(&j, "person_name",
			    r->items[i]->person_name);
			output_json_string(&j, "title", r->items[i]->title);
			output_json_string(&j, "title_name",
			    r->items[i]->title_name);
			output_json_string(&j, "targets", r->items[i]->targets);
			output_json_end(&j);
		}
		arena_free(&a);
		return rc;
	}
	printf("Đăng ký thi đua của %s (%s)\n\n", r->unit_name, r->unit);
	if (r->n_items == 0) {
		printf("Chưa có đăng ký nào.\n");
		arena_free(&a);
		return rc;
	}
	output_table_init(&t, 5, "Kỳ", "Đăng ký cho", "Mã", "Danh hiệu",
	    "Chỉ tiêu");
	for (size_t i = 0; i < r->n_items; i++) {
		const Tdkt__Registration *g = r->items[i];

		output_table_row(&t, i < r->n_periods ? r->periods[i] : "",
		    g->person[0] != '\0' ? g->person_name : "Tập thể đơn vị",
		    g->title, g->title_name, g->targets);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_registrations_entry = {
	.name = "registrations",
	.args = "--unit MÃ [--period KỲ]",
	.summary = "Các đăng ký thi đua của một đơn vị",
	.help = "Với --json: mỗi dòng một đối tượng JSON.\n",
	.exec = registrations_exec,
};
