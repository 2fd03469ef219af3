/*
 * dossier_output.c - printing dossiers, their findings and what a change
 * did; see dossier_output.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "dossier_output.h"
#include "output.h"

/* "lỗi" for an error, "cảnh báo" for a warning, else the code itself. */
static const char *
dossier_output_severity(const char *severity)
{
	if (strcmp(severity, "error") == 0)
		return "lỗi";
	if (strcmp(severity, "warning") == 0)
		return "cảnh báo";
	return severity;
}

void
dossier_output_finding_json(struct jsonw *w, const Tdkt__Finding *f)
{
	jsonw_key(w, "code");
	jsonw_string(w, f->code);
	jsonw_key(w, "severity");
	jsonw_string(w, f->severity);
	jsonw_key(w, "subject");
	jsonw_string(w, f->subject);
	jsonw_key(w, "message_vi");
	jsonw_string(w, f->message_vi);
	jsonw_key(w, "detail");
	jsonw_string(w, f->detail);
}

void
dossier_output_findings(FILE *fp, Tdkt__Finding *const *findings, size_t n)
{
	struct output_table	t;

	output_table_init(&t, 3, "Mức độ", "Về", "Nội dung");
	for (size_t i = 0; i < n; i++) {
		const Tdkt__Finding *f = findings[i];

		output_table_row(&t, dossier_output_severity(f->severity),
		    f->subject, f->message_vi);
	}
	output_table_print(fp, &t);
	output_table_clear(&t);
}

void
dossier_output_act(bool json, const Tdkt__DossierActReply *r,
    const char *headline)
{
	struct output_json	j;

	if (json) {
		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", true);
		output_json_uint(&j, "dossier_id", r->dossier_id);
		output_json_uint(&j, "version", r->version);
		output_json_string(&j, "state", r->state);
		output_json_string(&j, "level", r->level);
		output_json_string(&j, "level_name", r->level_name);
		output_json_string(&j, "awaiting_unit", r->awaiting_unit);
		output_json_string(&j, "awaiting_unit_name",
		    r->awaiting_unit_name);
		output_json_bool(&j, "replayed", r->replayed);
		output_json_uint(&j, "awarded", r->awarded);
		/* Only a check finds anything; other answers stay flat. */
		if (r->n_findings > 0) {
			jsonw_key(&j.w, "findings");
			jsonw_array_begin(&j.w);
			for (size_t i = 0; i < r->n_findings; i++) {
				jsonw_object_begin(&j.w);
				dossier_output_finding_json(&j.w, r->findings[i]);
				jsonw_object_end(&j.w);
			}
			jsonw_array_end(&j.w);
		}
		output_json_end(&j);
		return;
	}
	printf("%s\n", headline);
	/* Who must act next; a draft, a decision or a rejection needs no line. */
	if (dossier_output_awaiting(r->state) && r->level[0] != '\0')
		printf("Đang chờ cấp %s xét duyệt%s%s%s.\n",
		    r->level_name[0] != '\0' ? r->level_name : r->level,
		    r->awaiting_unit[0] != '\0' ? " (đơn vị: " : "",
		    r->awaiting_unit_name[0] != '\0' ? r->awaiting_unit_name :
		    r->awaiting_unit, r->awaiting_unit[0] != '\0' ? ")" : "");
	else if ((strcmp(r->state, "returned") == 0 ||
	    strcmp(r->state, "needs_fixes") == 0) && r->awaiting_unit[0] != '\0')
		printf("Đơn vị %s cần bổ sung, sửa chữa rồi nộp lại.\n",
		    r->awaiting_unit_name[0] != '\0' ? r->awaiting_unit_name :
		    r->awaiting_unit);
	if (r->replayed)
		printf("(Yêu cầu này đã được thực hiện trước đó; lần này không "
		    "thay đổi gì.)\n");
	if (r->n_findings > 0) {
		printf("\nKết quả kiểm tra hồ sơ:\n");
		dossier_output_findings(stdout, r->findings, r->n_findings);
	}
}

void
dossier_output_dossier_json(struct jsonw *w, const Tdkt__Dossier *d)
{
	jsonw_key(w, "id");
	jsonw_uint(w, d->id);
	jsonw_key(w, "type");
	jsonw_string(w, d->type);
	jsonw_key(w, "type_name");
	jsonw_string(w, d->type_name);
	jsonw_key(w, "purpose");
	jsonw_string(w, d->purpose);
	jsonw_key(w, "unit");
	jsonw_string(w, d->unit);
	jsonw_key(w, "unit_name");
	jsonw_string(w, d->unit_name);
	jsonw_key(w, "issuer");
	jsonw_string(w, d->issuer);
	jsonw_key(w, "period");
	jsonw_string(w, d->period);
	jsonw_key(w, "label");
	jsonw_string(w, d->label);
	jsonw_key(w, "state");
	jsonw_string(w, d->state);
	jsonw_key(w, "version");
	jsonw_uint(w, d->version);
	jsonw_key(w, "chain");
	jsonw_array_begin(w);
	for (size_t i = 0; i < d->n_chain; i++)
		jsonw_string(w, d->chain[i]);
	jsonw_array_end(w);
	jsonw_key(w, "step");
	jsonw_uint(w, d->step);
	jsonw_key(w, "level");
	jsonw_string(w, d->level);
	jsonw_key(w, "level_name");
	jsonw_string(w, d->level_name);
	jsonw_key(w, "awaiting_unit");
	jsonw_string(w, d->awaiting_unit);
	jsonw_key(w, "awaiting_unit_name");
	jsonw_string(w, d->awaiting_unit_name);
	jsonw_key(w, "opens");
	jsonw_string(w, d->opens);
	jsonw_key(w, "closes");
	jsonw_string(w, d->closes);
	jsonw_key(w, "extension_until");
	jsonw_string(w, d->extension_until);
	jsonw_key(w, "due");
	jsonw_string(w, d->due);
	jsonw_key(w, "days_left");
	jsonw_int(w, d->days_left);
	jsonw_key(w, "council_members");
	jsonw_uint(w, d->council_members);
	jsonw_key(w, "council_present");
	jsonw_uint(w, d->council_present);
	jsonw_key(w, "meeting_date");
	jsonw_string(w, d->meeting_date);
	jsonw_key(w, "nominees");
	jsonw_uint(w, d->nominees);
	jsonw_key(w, "created_at_unix_ms");
	jsonw_int(w, d->created_at_unix_ms);
	jsonw_key(w, "updated_at_unix_ms");
	jsonw_int(w, d->updated_at_unix_ms);
	jsonw_key(w, "submitted_at_unix_ms");
	jsonw_int(w, d->submitted_at_unix_ms);
	jsonw_key(w, "awaiting_since_unix_ms");
	jsonw_int(w, d->awaiting_since_unix_ms);
}

void
dossier_output_days_left(const char *due, int32_t days_left, char buf[32])
{
	if (due[0] == '\0')
		snprintf(buf, 32, "—");
	else if (days_left < 0)
		snprintf(buf, 32, "quá hạn %" PRId64 " ngày", -(int64_t)days_left);
	else
		snprintf(buf, 32, "%" PRId32 " ngày", days_left);
}

void
dossier_output_size(uint64_t bytes, char buf[32])
{
	if (bytes < 1024)
		snprintf(buf, 32, "%" PRIu64 " B", bytes);
	else if (bytes < 1024 * 1024)
		snprintf(buf, 32, "%.1f KiB", (double)bytes / 1024.0);
	else
		snprintf(buf, 32, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
}

bool
dossier_output_awaiting(const char *state)
{
	return strcmp(state, "awaiting_review") == 0;
}

const char *
dossier_output_level(const char *code, const char *name)
{
	if (name[0] != '\0')
		return name;
	return code[0] != '\0' ? code : "—";
}

void
dossier_output_list_json(const Tdkt__DossierListReply *r)
{
	for (size_t i = 0; i < r->n_dossiers; i++) {
		struct output_json	j;

		output_json_begin(&j, stdout);
		dossier_output_dossier_json(&j.w, r->dossiers[i]);
		output_json_end(&j);
	}
}

const char *
dossier_output_date(const char *iso, char buf[DOSSIER_OUTPUT_DATE_SIZE])
{
	char	vn[DATE_BUF_SIZE];
	int32_t	d;

	if (date_parse_iso(iso, &d)) {
		date_format_vn(d, vn);
		snprintf(buf, DOSSIER_OUTPUT_DATE_SIZE, "%s", vn);
	} else
		snprintf(buf, DOSSIER_OUTPUT_DATE_SIZE, "%s", iso);
	return buf;
}
