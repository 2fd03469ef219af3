/*
 * cmd_dossier_show.c - `tdkt dossier show`: everything about one dossier,
 * as labelled lines and tables for people or one nested JSON object.
 *
 * People see where the dossier stands (state, the level and unit it waits
 * for, its deadlines), then its documents with the missing ones marked,
 * the nominees, the findings of the last check and the decisions. Scripts
 * get the same as {dossier, documents, nominees, findings, decisions}.
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
#include "dossier_output.h"
#include "output.h"
#include "xmalloc.h"

#define SHOW_LABEL_WIDTH	18
/* Code points of an achievement summary shown in the nominees table. */
#define SHOW_SUMMARY_MAX	48
/* Hex digits of a SHA-256 shown: enough to compare two files by eye. */
#define SHOW_SHA256_SHOWN	12

/*
 * Copies `s` into buf, cut to `max` code points with "…" when longer, so
 * one long summary does not push the table off the screen.
 */
static void
show_truncated(const char *s, size_t max, char *buf, size_t size)
{
	size_t	n = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		/* Count lead bytes only; continuation bytes are 10xxxxxx. */
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			break;
	}
	if (s[i] == '\0' || i + sizeof "…" > size) {
		snprintf(buf, size, "%s", s);
		return;
	}
	snprintf(buf, size, "%.*s…", (int)i, s);
}

/* "school → [district] → department": the chain, the awaited step marked. */
static char *
show_chain(const Tdkt__Dossier *d)
{
	char	*chain = xstrdup(""), *longer;

	for (size_t i = 0; i < d->n_chain; i++) {
		bool current = dossier_output_awaiting(d->state) && i == d->step;

		longer = xasprintf("%s%s%s%s%s", chain, i > 0 ? " → " : "",
		    current ? "[" : "", d->chain[i], current ? "]" : "");
		free(chain);
		chain = longer;
	}
	return chain;
}

static void
show_dossier(const Tdkt__Dossier *d)
{
	char	 when[32], left[32], *chain;
	char	 d1[DOSSIER_OUTPUT_DATE_SIZE], d2[DOSSIER_OUTPUT_DATE_SIZE];
	char	 d3[DOSSIER_OUTPUT_DATE_SIZE];
	size_t	 w = SHOW_LABEL_WIDTH;

	output_field(stdout, w, "Số hồ sơ", "%llu", (unsigned long long)d->id);
	if (d->label[0] != '\0')
		output_field(stdout, w, "Nhãn", "%s", d->label);
	output_field(stdout, w, "Loại", "%s (%s)", d->type_name, d->type);
	output_field(stdout, w, "Đơn vị", "%s (%s)", d->unit_name, d->unit);
	output_field(stdout, w, "Kỳ", "%s, theo quy định của %s", d->period,
	    d->issuer);
	output_field(stdout, w, "Trạng thái", "%s", dossier_state_name(d->state));
	output_field(stdout, w, "Phiên bản", "%u", d->version);
	if (dossier_output_awaiting(d->state) && d->level[0] != '\0') {
		output_field(stdout, w, "Cấp đang xét", "%s",
		    dossier_output_level(d->level, d->level_name));
		if (d->awaiting_unit[0] != '\0')
			output_field(stdout, w, "Đơn vị xét", "%s (%s)",
			    d->awaiting_unit_name, d->awaiting_unit);
	}
	chain = show_chain(d);
	output_field(stdout, w, "Chuỗi xét duyệt", "%s", chain);
	free(chain);
	output_field(stdout, w, "Hạn nộp", "%s – %s%s%s",
	    dossier_output_date(d->opens, d1), dossier_output_date(d->closes, d2),
	    d->extension_until[0] != '\0' ? ", gia hạn đến " : "",
	    dossier_output_date(d->extension_until, d3));
	if (d->due[0] != '\0') {
		dossier_output_days_left(d->due, d->days_left, left);
		output_field(stdout, w, "Hạn xử lý", "%s (%s%s)",
		    dossier_output_date(d->due, d1),
		    d->days_left >= 0 ? "còn " : "", left);
	}
	if (d->council_members > 0)
		output_field(stdout, w, "Họp hội đồng", "%u/%u thành viên có mặt, "
		    "ngày %s", d->council_present, d->council_members,
		    dossier_output_date(d->meeting_date, d1));
	else
		output_field(stdout, w, "Họp hội đồng", "chưa ghi biên bản");
	output_time(d->created_at_unix_ms, when);
	output_field(stdout, w, "Tạo lúc", "%s", when);
	if (d->submitted_at_unix_ms > 0) {
		output_time(d->submitted_at_unix_ms, when);
		output_field(stdout, w, "Nộp lúc", "%s", when);
	}
	output_time(d->updated_at_unix_ms, when);
	output_field(stdout, w, "Cập nhật lúc", "%s", when);
}

static void
show_documents(const Tdkt__DossierShowReply *s)
{
	struct output_table	t;
	char			size[32], sha256[SHOW_SHA256_SHOWN + 1];

	printf("\nTài liệu\n");
	if (s->n_documents == 0) {
		printf("Loại hồ sơ này không yêu cầu tài liệu nào.\n");
		return;
	}
	output_table_init(&t, 6, "Mã", "Tài liệu", "Loại tệp", "Tên tệp",
	    "Kích thước", "SHA-256");
	for (size_t i = 0; i < s->n_documents; i++) {
		const Tdkt__DossierDocument *doc = s->documents[i];

		if (doc->sha256[0] == '\0') {
			output_table_row(&t, doc->document, doc->name,
			    dossier_slot_name(doc->slot),
			    doc->required ? "thiếu" : "(không bắt buộc)", "—",
			    "—");
			continue;
		}
		dossier_output_size(doc->size, size);
		snprintf(sha256, sizeof sha256, "%s", doc->sha256);
		output_table_row(&t, doc->document, doc->name,
		    dossier_slot_name(doc->slot), doc->filename, size, sha256);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static void
show_nominees(const Tdkt__DossierShowReply *s)
{
	struct output_table	t;
	char			summary[SHOW_SUMMARY_MAX * 4 + sizeof "…"];
	char			span[64], *who, *title;
	char			d1[DOSSIER_OUTPUT_DATE_SIZE], d2[DOSSIER_OUTPUT_DATE_SIZE];

	printf("\nĐề nghị khen thưởng\n");
	if (s->n_nominees == 0) {
		printf("Chưa có đề nghị nào.\n");
		return;
	}
	output_table_init(&t, 5, "Cán bộ", "Danh hiệu", "Tóm tắt thành tích",
	    "Quyết định", "Thành tích trong");
	for (size_t i = 0; i < s->n_nominees; i++) {
		const Tdkt__Nominee *n = s->nominees[i];

		who = n->person[0] == '\0' ? xstrdup("Tập thể đơn vị") :
		    xasprintf("%s (%s)", n->person_name, n->person);
		/* The code too: `nominate --remove` takes it. */
		title = n->title_name[0] == '\0' ? xstrdup(n->title) :
		    xasprintf("%s (%s)", n->title_name, n->title);
		show_truncated(n->summary, SHOW_SUMMARY_MAX, summary,
		    sizeof summary);
		if (n->achievement_from[0] != '\0')
			snprintf(span, sizeof span, "%s – %s",
			    dossier_output_date(n->achievement_from, d1),
			    dossier_output_date(n->achievement_to, d2));
		else
			snprintf(span, sizeof span, "—");
		output_table_row(&t, who, title, summary,
		    n->decision[0] != '\0' ? n->decision : "—", span);
		free(title);
		free(who);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static void
show_decisions(const Tdkt__DossierShowReply *s)
{
	struct output_table	t;
	char			span[64], awarded[16];
	char			d1[DOSSIER_OUTPUT_DATE_SIZE], d2[DOSSIER_OUTPUT_DATE_SIZE];
	char			d3[DOSSIER_OUTPUT_DATE_SIZE];

	printf("\nQuyết định\n");
	output_table_init(&t, 6, "Cấp", "Số quyết định", "Ngày", "Người ký",
	    "Thành tích trong", "Được khen");
	for (size_t i = 0; i < s->n_decisions; i++) {
		const Tdkt__Decision *d = s->decisions[i];

		if (d->achievement_from[0] != '\0')
			snprintf(span, sizeof span, "%s – %s",
			    dossier_output_date(d->achievement_from, d1),
			    dossier_output_date(d->achievement_to, d2));
		else
			snprintf(span, sizeof span, "—");
		snprintf(awarded, sizeof awarded, "%u", d->awarded);
		output_table_row(&t, d->level, d->number,
		    dossier_output_date(d->date, d3), d->signer, span, awarded);
	}
	output_table_print(stdout, &t);
	output_table_clear(&t);
}

static void
show_json(const Tdkt__DossierShowReply *s)
{
	struct output_json	j;

	output_json_begin(&j, stdout);
	output_json_bool(&j, "ok", true);
	jsonw_key(&j.w, "dossier");
	jsonw_object_begin(&j.w);
	dossier_output_dossier_json(&j.w, s->dossier);
	jsonw_object_end(&j.w);

	jsonw_key(&j.w, "documents");
	jsonw_array_begin(&j.w);
	for (size_t i = 0; i < s->n_documents; i++) {
		const Tdkt__DossierDocument *doc = s->documents[i];

		jsonw_object_begin(&j.w);
		jsonw_key(&j.w, "document");
		jsonw_string(&j.w, doc->document);
		jsonw_key(&j.w, "name");
		jsonw_string(&j.w, doc->name);
		jsonw_key(&j.w, "slot");
		jsonw_string(&j.w, doc->slot);
		jsonw_key(&j.w, "required");
		jsonw_bool(&j.w, doc->required);
		jsonw_key(&j.w, "sha256");
		jsonw_string(&j.w, doc->sha256);
		jsonw_key(&j.w, "filename");
		jsonw_string(&j.w, doc->filename);
		jsonw_key(&j.w, "size");
		jsonw_uint(&j.w, doc->size);
		jsonw_key(&j.w, "attached_at_unix_ms");
		jsonw_int(&j.w, doc->attached_at_unix_ms);
		jsonw_object_end(&j.w);
	}
	jsonw_array_end(&j.w);

	jsonw_key(&j.w, "nominees");
	jsonw_array_begin(&j.w);
	for (size_t i = 0; i < s->n_nominees; i++) {
		const Tdkt__Nominee *n = s->nominees[i];

		jsonw_object_begin(&j.w);
		jsonw_key(&j.w, "person");
		jsonw_string(&j.w, n->person);
		jsonw_key(&j.w, "person_name");
		jsonw_string(&j.w, n->person_name);
		jsonw_key(&j.w, "title");
		jsonw_string(&j.w, n->title);
		jsonw_key(&j.w, "title_name");
		jsonw_string(&j.w, n->title_name);
		jsonw_key(&j.w, "summary");
		jsonw_string(&j.w, n->summary);
		jsonw_key(&j.w, "source");
		jsonw_string(&j.w, n->source);
		jsonw_key(&j.w, "decided_by");
		jsonw_string(&j.w, n->decided_by);
		jsonw_key(&j.w, "decision");
		jsonw_string(&j.w, n->decision);
		jsonw_key(&j.w, "achievement_from");
		jsonw_string(&j.w, n->achievement_from);
		jsonw_key(&j.w, "achievement_to");
		jsonw_string(&j.w, n->achievement_to);
		jsonw_object_end(&j.w);
	}
	jsonw_array_end(&j.w);

	jsonw_key(&j.w, "findings");
	jsonw_array_begin(&j.w);
	for (size_t i = 0; i < s->n_findings; i++) {
		jsonw_object_begin(&j.w);
		dossier_output_finding_json(&j.w, s->findings[i]);
		jsonw_object_end(&j.w);
	}
	jsonw_array_end(&j.w);

	jsonw_key(&j.w, "decisions");
	jsonw_array_begin(&j.w);
	for (size_t i = 0; i < s->n_decisions; i++) {
		const Tdkt__Decision *d = s->decisions[i];

		jsonw_object_begin(&j.w);
		jsonw_key(&j.w, "level");
		jsonw_string(&j.w, d->level);
		jsonw_key(&j.w, "number");
		jsonw_string(&j.w, d->number);
		jsonw_key(&j.w, "date");
		jsonw_string(&j.w, d->date);
		jsonw_key(&j.w, "signer");
		jsonw_string(&j.w, d->signer);
		jsonw_key(&j.w, "achievement_from");
		jsonw_string(&j.w, d->achievement_from);
		jsonw_key(&j.w, "achievement_to");
		jsonw_string(&j.w, d->achievement_to);
		jsonw_key(&j.w, "awarded");
		jsonw_uint(&j.w, d->awarded);
		jsonw_object_end(&j.w);
	}
	jsonw_array_end(&j.w);
	output_json_end(&j);
}

int
cmd_dossier_show_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierShowRequest	 show = TDKT__DOSSIER_SHOW_REQUEST__INIT;
	Tdkt__ClientEnvelope		*reply;
	const Tdkt__DossierShowReply	*s;
	struct arena			*a;
	int				 rc;

	if ((rc = cmd_args_only_dossier_id(&cmd_dossier_entry, argc, argv,
	    &show.dossier_id)) != EXIT_OK)
		return rc;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SHOW_REQUEST;
	req.dossier_show_request = &show;
	a = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	if ((rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SHOW_REPLY, a, &reply)) != EXIT_OK)
		goto out;
	s = reply->dossier_show_reply;
	if (s->dossier == NULL) {
		rc = output_call_failed(ctx->json, CONN_BAD_REPLY, NULL,
		    "the answer holds no dossier", ctx->conf->server);
		goto out;
	}
	if (ctx->json) {
		show_json(s);
		goto out;
	}
	show_dossier(s->dossier);
	show_documents(s);
	show_nominees(s);
	if (s->n_findings > 0) {
		printf("\nKết quả kiểm tra\n");
		dossier_output_findings(stdout, s->findings, s->n_findings);
	}
	if (s->n_decisions > 0)
		show_decisions(s);
out:
	arena_free(&a);
	return rc;
}
