/*
 * cmd_dossier_history.c - `tdkt dossier history`: a dossier's audit trail,
 * who did what to it, when, from where, and what came of it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_args.h"
#include "cmd_dossier.h"
#include "dossier_names.h"
#include "output.h"
#include "xmalloc.h"

/* "Đang soạn → Đã nộp", one name when the state did not change, or "". */
static char *
history_states(const Tdkt__HistoryEntry *e)
{
	if (e->state_to[0] == '\0')
		return xstrdup(dossier_state_name(e->state_from));
	if (e->state_from[0] == '\0' || strcmp(e->state_from, e->state_to) == 0)
		return xstrdup(dossier_state_name(e->state_to));
	return xasprintf("%s → %s", dossier_state_name(e->state_from),
	    dossier_state_name(e->state_to));
}

static void
history_print(const Tdkt__DossierHistoryReply *r)
{
	struct output_table	 t;
	char			 when[32], *who, *states;

	printf("Nhật ký hồ sơ số %llu\n\n", (unsigned long long)r->dossier_id);
	if (r->n_entries == 0) {
		printf("Chưa có mục nào.\n");
		return;
	}
	output_table_init(&t, 8, "Thời điểm", "Người thực hiện", "Địa chỉ",
	    "Việc", "Kết quả", "Trạng thái", "Cấp", "Ghi chú");
	for (size_t i = 0; i < r->n_entries; i++) {
		const Tdkt__HistoryEntry *e = r->entries[i];

		output_time(e->at_unix_ms, when);
		who = e->username[0] == '\0' ? xstrdup("(hệ thống)") :
		    xasprintf("%s (%s)", e->display_name, e->username);
		states = history_states(e);
		output_table_row(&t, when, who, e->address,
		    dossier_action_name(e->action),
		    e->outcome, states, e->level, e->detail);
		free(states);
		free(who);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static void
history_json(const Tdkt__DossierHistoryReply *r)
{
	for (size_t i = 0; i < r->n_entries; i++) {
		const Tdkt__HistoryEntry	*e = r->entries[i];
		struct output_json		 j;

		output_json_begin(&j, stdout);
		output_json_uint(&j, "dossier_id", r->dossier_id);
		jsonw_key(&j.w, "at_unix_ms");
		jsonw_int(&j.w, e->at_unix_ms);
		output_json_string(&j, "username", e->username);
		output_json_string(&j, "display_name", e->display_name);
		output_json_string(&j, "address", e->address);
		output_json_string(&j, "action", e->action);
		output_json_string(&j, "outcome", e->outcome);
		output_json_string(&j, "state_from", e->state_from);
		output_json_string(&j, "state_to", e->state_to);
		output_json_string(&j, "level", e->level);
		output_json_string(&j, "detail", e->detail);
		output_json_end(&j);
	}
}

int
cmd_dossier_history_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierHistoryRequest	 history =
					    TDKT__DOSSIER_HISTORY_REQUEST__INIT;
	Tdkt__ClientEnvelope		*reply;
	struct arena			*a;
	int				 rc;

	if ((rc = cmd_args_only_dossier_id(&cmd_dossier_entry, argc, argv,
	    &history.dossier_id)) != EXIT_OK)
		return rc;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_HISTORY_REQUEST;
	req.dossier_history_request = &history;
	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_HISTORY_REPLY, a, &reply);
	if (rc == EXIT_OK && ctx->json)
		history_json(reply->dossier_history_reply);
	else if (rc == EXIT_OK)
		history_print(reply->dossier_history_reply);
	arena_free(&a);
	return rc;
}
