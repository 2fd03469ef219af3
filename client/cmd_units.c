/*
 * cmd_units.c - `tdkt units [--under CODE] [--tree]`: the unit hierarchy.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "output.h"

/* Vietnamese names of the unit kinds (server/migrations/0002_hierarchy.sql). */
static const char *const units_kinds[][2] = {
	{ "ministry", "Bộ" },
	{ "department", "Sở" },
	{ "district_office", "Phòng GDĐT" },
	{ "commune", "Xã, phường" },
	{ "preschool", "Mầm non" },
	{ "primary", "Tiểu học" },
	{ "lower_secondary", "THCS" },
	{ "upper_secondary", "THPT" },
	{ "multi_level", "Liên cấp" },
	{ "attached", "Đơn vị trực thuộc" },
	{ "office", "Cơ quan" },
};

static const char *
units_kind_vi(const char *kind)
{
	for (size_t i = 0; i < sizeof units_kinds / sizeof units_kinds[0]; i++) {
		if (strcmp(units_kinds[i][0], kind) == 0)
			return units_kinds[i][1];
	}
	return kind;
}

static void
units_print_tree(const Tdkt__UnitsListReply *r)
{
	for (size_t i = 0; i < r->n_units; i++) {
		const Tdkt__UnitInfo *u = r->units[i];

		for (uint32_t d = 0; d < u->depth; d++)
			fputs(d + 1 == u->depth ? "└─ " : "   ", stdout);
		printf("%s  %s (%s)\n", u->code, u->name, units_kind_vi(u->kind));
	}
}

static void
units_print_table(const Tdkt__UnitsListReply *r)
{
	struct output_table	t;

	output_table_init(&t, 4, "Mã", "Tên", "Loại hình", "Cấp trên");
	for (size_t i = 0; i < r->n_units; i++) {
		const Tdkt__UnitInfo *u = r->units[i];

		output_table_row(&t, u->code, u->name, units_kind_vi(u->kind),
		    u->parent);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static void
units_print_json(const Tdkt__UnitsListReply *r)
{
	/* One object per line: a whole country streams without a parser. */
	for (size_t i = 0; i < r->n_units; i++) {
		const Tdkt__UnitInfo	*u = r->units[i];
		struct output_json	 j;

		output_json_begin(&j, stdout);
		output_json_string(&j, "code", u->code);
		output_json_string(&j, "name", u->name);
		output_json_string(&j, "kind", u->kind);
		output_json_string(&j, "parent", u->parent);
		output_json_string(&j, "email", u->email);
		output_json_uint(&j, "depth", u->depth);
		output_json_end(&j);
	}
}

static int
units_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "under", required_argument, NULL, 'u' },
		{ "tree", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UnitsListRequest	 list = TDKT__UNITS_LIST_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	bool			 tree = false;
	int			 ch, rc = EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch == 'u')
			list.under = optarg;
		else if (ch == 't')
			tree = true;
		else {
			cmds_usage(stderr, &cmd_units_entry);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmds_usage(stderr, &cmd_units_entry);
		return EXIT_USAGE;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_UNITS_LIST_REQUEST;
	req.units_list_request = &list;
	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	if ((rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_UNITS_LIST_REPLY, a, &reply)) != EXIT_OK)
		goto out;
	if (ctx->json)
		units_print_json(reply->units_list_reply);
	else if (tree)
		units_print_tree(reply->units_list_reply);
	else
		units_print_table(reply->units_list_reply);
out:
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_units_entry = {
	.name = "units",
	.args = "[--under MÃ] [--tree]",
	.summary = "Danh sách đơn vị trong hệ thống, hoặc các đơn vị trực thuộc một đơn vị",
	.help = "  --under MÃ   chỉ đơn vị này và mọi đơn vị bên dưới nó\n"
	    "  --tree       in dạng cây theo cấp\n"
	    "Với --json: mỗi dòng một đối tượng JSON.\n",
	.exec = units_exec,
};
