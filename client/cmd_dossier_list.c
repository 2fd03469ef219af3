/*
 * cmd_dossier_list.c - `tdkt dossier list`: the dossiers of a unit and the
 * units under it, newest first, optionally of one state, type or period.
 */
#include <getopt.h>
#include <stdio.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_args.h"
#include "cmd_dossier.h"
#include "dossier_names.h"
#include "dossier_output.h"
#include "output.h"

static void
list_print(const Tdkt__DossierListReply *r)
{
	struct output_table	t;
	char			id[24], updated[32];

	if (r->n_dossiers == 0) {
		printf("Không có hồ sơ nào.\n");
		return;
	}
	output_table_init(&t, 7, "Số", "Đơn vị", "Loại", "Kỳ", "Trạng thái",
	    "Cấp đang xét", "Cập nhật");
	for (size_t i = 0; i < r->n_dossiers; i++) {
		const Tdkt__Dossier *d = r->dossiers[i];

		snprintf(id, sizeof id, "%llu", (unsigned long long)d->id);
		output_time(d->updated_at_unix_ms, updated);
		output_table_row(&t, id, d->unit_name[0] != '\0' ? d->unit_name :
		    d->unit, d->type, d->period, dossier_state_name(d->state),
		    dossier_output_awaiting(d->state) ? dossier_output_level(
		    d->level, d->level_name) : "—", updated);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

int
cmd_dossier_list_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "state", required_argument, NULL, 's' },
		{ "type", required_argument, NULL, 't' },
		{ "period", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierListRequest	 list = TDKT__DOSSIER_LIST_REQUEST__INIT;
	Tdkt__ClientEnvelope		*reply;
	const Tdkt__DossierListReply	*r;
	struct arena			*a;
	int				 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			list.unit = optarg;
			break;
		case 's':
			list.state = optarg;
			break;
		case 't':
			list.type = optarg;
			break;
		case 'p':
			list.period = optarg;
			break;
		default:
			return cmd_args_usage_error(&cmd_dossier_entry, NULL);
		}
	}
	if (optind != argc)
		return cmd_args_usage_error(&cmd_dossier_entry,
		    "dossier list chỉ nhận tùy chọn");
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_LIST_REQUEST;
	req.dossier_list_request = &list;
	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	if ((rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_LIST_REPLY, a, &reply)) != EXIT_OK)
		goto out;
	r = reply->dossier_list_reply;
	if (!ctx->json) {
		list_print(r);
		goto out;
	}
	dossier_output_list_json(r);
out:
	arena_free(&a);
	return rc;
}
