/*
 * cmd_calendar.c - `tdkt calendar --unit CODE`: what is due, and when.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "date.h"
#include "output.h"

/* "còn 5 ngày", "hôm nay", "quá hạn 3 ngày", or "đã qua" for what is past. */
static void
calendar_days_left(int32_t today, int32_t opens, int32_t closes, char *buf,
    size_t size)
{
	int32_t	left = closes - today;

	if (today < opens)
		snprintf(buf, size, "mở sau %d ngày", (int)(opens - today));
	else if (left > 0)
		snprintf(buf, size, "còn %d ngày", (int)left);
	else if (left == 0)
		snprintf(buf, size, "hôm nay");
	else
		snprintf(buf, size, "đã qua %d ngày", (int)-left);
}

static int
calendar_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "today", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__CalendarRequest	 cal = TDKT__CALENDAR_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const Tdkt__CalendarReply *r;
	struct output_table	 t;
	struct arena		*a;
	int32_t			 today = date_today_vn();
	int			 ch, rc = EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch == 'u')
			cal.unit = optarg;
		else if (ch == 't' && date_parse_iso(optarg, &today))
			continue;
		else {
			if (ch == 't')
				fprintf(stderr, "tdkt: --today cần ngày dạng "
				    "YYYY-MM-DD\n");
			cmds_usage(stderr, &cmd_calendar_entry);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || cal.unit[0] == '\0') {
		cmds_usage(stderr, &cmd_calendar_entry);
		return EXIT_USAGE;
	}
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_CALENDAR_REQUEST;
	req.calendar_request = &cal;
	a = arena_new(16 * 1024 * 1024);
	rc = cmds_call(ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_CALENDAR_REPLY, a, &reply);
	if (rc != EXIT_OK) {
		arena_free(&a);
		return rc;
	}
	r = reply->calendar_reply;
	if (!ctx->json)
		printf("Lịch thi đua của %s (%s)\n\n", r->unit_name, r->unit);
	output_table_init(&t, 6, "Mã", "Nội dung", "Từ ngày", "Đến ngày",
	    "Hạn cuối", "Thời hạn");
	for (size_t i = 0; i < r->n_entries; i++) {
		const Tdkt__CalendarEntry	*e = r->entries[i];
		int32_t				 opens, closes, hard;
		char				 o[DATE_BUF_SIZE], c[DATE_BUF_SIZE];
		char				 h[DATE_BUF_SIZE], left[64];

		if (!date_parse_iso(e->opens, &opens) ||
		    !date_parse_iso(e->closes, &closes) ||
		    !date_parse_iso(e->hard_deadline, &hard))
			continue;	/* cannot happen: the server writes ISO */
		calendar_days_left(today, opens, closes, left, sizeof left);
		if (ctx->json) {
			struct output_json j;

			output_json_begin(&j, stdout);
			output_json_string(&j, "issuer", e->issuer);
			output_json_string(&j, "period", e->period);
			output_json_string(&j, "code", e->code);
			output_json_string(&j, "name", e->name);
			output_json_string(&j, "kind", e->kind);
			output_json_string(&j, "opens", e->opens);
			output_json_string(&j, "closes", e->closes);
			output_json_string(&j, "hard_deadline", e->hard_deadline);
			output_json_uint(&j, "days_left", closes >= today ?
			    (uint64_t)(closes - today) : 0);
			output_json_bool(&j, "past", closes < today);
			output_json_end(&j);
			continue;
		}
		date_format_vn(opens, o);
		date_format_vn(closes, c);
		date_format_vn(hard, h);
		output_table_row(&t, e->code, e->name, o, c, h, left);
	}
	if (!ctx->json) {
		if (r->n_entries == 0)
			printf("Không có hồ sơ hay thời hạn nào áp dụng.\n");
		else
			output_table_print(stdout, &t);
	}
	output_table_clear(&t);
	arena_free(&a);
	return rc;
}

const struct cmd_entry cmd_calendar_entry = {
	.name = "calendar",
	.args = "--unit MÃ [--today YYYY-MM-DD]",
	.summary = "Các hồ sơ, thời hạn áp dụng cho một đơn vị, theo thứ tự ngày",
	.help = "In mọi hồ sơ đơn vị phải nộp theo quy định thi đua của các đơn vị cấp\n"
	    "trên (hồ sơ khối nếu đơn vị là khối trưởng), và công việc của chính đơn\n"
	    "vị nếu là cơ quan ban hành quy định, kèm số ngày còn lại.\n"
	    "\n"
	    "  --unit MÃ            mã đơn vị, ví dụ Q1-TH-DINHTIENHOANG\n"
	    "  --today YYYY-MM-DD   tính số ngày còn lại từ ngày này (mặc định: hôm nay)\n"
	    "Với --json: mỗi dòng một đối tượng JSON.\n",
	.exec = calendar_exec,
};
