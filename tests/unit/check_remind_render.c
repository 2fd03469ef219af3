/*
 * check_remind_render.c - unit tests for the reminder's words
 * (worker/remind_render.c) and for the inbox and push reminder jobs around
 * them (worker/job_remind.c); the e-mail job is check_smtp's.
 *
 * Every test starts from one reminder (test_job: a primary school, its
 * year-end dossier due on 31/05/2024, two items missing) and changes what
 * it is about. "kinds" picks the template for each audience and day,
 * "placeholders" fills each one, "hostile" feeds what a broken or hostile
 * server might send, "config" checks templates as start-up does, and "job"
 * drives the job kinds as the runner does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "date.h"
#include "job.h"
#include "job_context.h"
#include "remind_render.h"
#include "utf8.h"
#include "worker.pb-c.h"
#include "worker_config.h"

static char *test_missing[] = {
	"Báo cáo thành tích của tập thể",
	"Biên bản họp Hội đồng thi đua",
};

static struct remind_templates	*templates;
static struct remind_text	 text;

static void
test_setup(void)
{
	const char *const	 none[REMIND_NKINDS] = { NULL };
	char			*cause = NULL;

	templates = remind_templates_new(none, none, &cause);
	ck_assert_msg(templates != NULL, "built-in templates: %s", cause);
	memset(&text, 0, sizeof text);
}

static void
test_teardown(void)
{
	remind_text_clear(&text);
	remind_templates_free(&templates);
}

static int32_t
day(int y, int m, int d)
{
	int32_t	date;

	ck_assert(date_from_ymd(y, m, d, &date));
	return date;
}

/* The reminder every test starts from: 3 days before the deadline. */
static Tdkt__RemindJob
test_job(void)
{
	Tdkt__RemindJob	job = TDKT__REMIND_JOB__INIT;

	job.key = "remind:r1:year_end:19874:th-hoa-binh:-3:inbox";
	job.channel = "inbox";
	job.audience = "unit";
	job.message_id = "remind-1@tdkt.example.vn";
	job.unit_code = "TH-HOA-BINH";
	job.unit_name = "Trường Tiểu học Hòa Bình";
	job.recipient_name = "Trường Tiểu học Hòa Bình";
	job.recipient_email = "";
	job.type_code = "year_end";
	job.type_name = "Hồ sơ đề nghị khen thưởng cuối năm";
	job.opens = day(2024, 5, 1);
	job.deadline = day(2024, 5, 31);
	job.days_left = 3;
	job.dossier_state = "draft";
	job.dossier_id = 42;
	job.n_missing = 2;
	job.missing = test_missing;
	job.issuer_name = "Phòng Giáo dục và Đào tạo quận Ba Đình";
	job.period = "2023-2024";
	job.level_name = "Tiểu học";
	return job;
}

/* Templates from one subject and one body for every kind. */
static struct remind_templates *
templates_of(const char *subject, const char *body)
{
	const char *const	 s[REMIND_NKINDS] = { subject, subject, subject,
				    subject };
	const char *const	 b[REMIND_NKINDS] = { body, body, body, body };
	struct remind_templates	*t;
	char			*cause = NULL;

	t = remind_templates_new(s, b, &cause);
	ck_assert_msg(t != NULL, "templates refused: %s", cause);
	return t;
}

static void
render(const struct remind_templates *t, const Tdkt__RemindJob *job)
{
	char	*cause = NULL;

	remind_text_clear(&text);
	ck_assert_msg(remind_render(t, job, &text, &cause) == 0, "render: %s",
	    cause);
	ck_assert(utf8_valid(text.subject, strlen(text.subject), NULL));
	ck_assert(utf8_valid(text.body, strlen(text.body), NULL));
	ck_assert_uint_le(strlen(text.subject), REMIND_SUBJECT_MAX);
	ck_assert_uint_le(strlen(text.body), REMIND_BODY_MAX);
	ck_assert_ptr_null(strpbrk(text.subject, "\r\n"));
}

/* Renders `tmpl` as a body for `job`. */
static const char *
render_body(const char *tmpl, const Tdkt__RemindJob *job)
{
	struct remind_templates	*t = templates_of(NULL, tmpl);

	render(t, job);
	remind_templates_free(&t);
	return text.body;
}

/* -- kinds -------------------------------------------------------------- */

START_TEST(test_kind_before)
{
	Tdkt__RemindJob	job = test_job();

	ck_assert_int_eq(remind_render_kind(&job), REMIND_BEFORE);
	render(templates, &job);
	ck_assert_str_eq(text.subject, "Nhắc hạn: hồ sơ “Hồ sơ đề nghị khen "
	    "thưởng cuối năm” còn 3 ngày (hạn chót 31/05/2024)");
	ck_assert_str_eq(text.body,
	    "Kính gửi Trường Tiểu học Hòa Bình,\n"
	    "\n"
	    "Hạn chót nộp hồ sơ “Hồ sơ đề nghị khen thưởng cuối năm” năm học "
	    "2023-2024 của Trường Tiểu học Hòa Bình là ngày 31/05/2024, chỉ "
	    "còn 3 ngày nữa.\n"
	    "\n"
	    "Tình trạng hồ sơ: đang soạn.\n"
	    "Những mục còn thiếu:\n"
	    "- Báo cáo thành tích của tập thể\n"
	    "- Biên bản họp Hội đồng thi đua\n"
	    "\n"
	    "Đề nghị đơn vị hoàn thiện và nộp hồ sơ trên hệ thống trước hạn "
	    "chót.\n"
	    "\n"
	    "Trân trọng,\n"
	    "Phòng Giáo dục và Đào tạo quận Ba Đình\n"
	    "\n"
	    "Thông báo này được gửi tự động từ hệ thống quản lý thi đua, khen "
	    "thưởng.\n");
}
END_TEST

START_TEST(test_kind_today)
{
	Tdkt__RemindJob	job = test_job();

	job.days_left = 0;
	job.extended = true;
	ck_assert_int_eq(remind_render_kind(&job), REMIND_TODAY);
	render(templates, &job);
	ck_assert_str_eq(text.subject, "Hôm nay là hạn chót nộp hồ sơ “Hồ sơ "
	    "đề nghị khen thưởng cuối năm” (31/05/2024)");
	ck_assert_ptr_nonnull(strstr(text.body, "Hôm nay, ngày 31/05/2024 (đã "
	    "được gia hạn), là hạn chót"));
	ck_assert_ptr_nonnull(strstr(text.body, "- Biên bản họp Hội đồng thi "
	    "đua\n"));
}
END_TEST

START_TEST(test_kind_overdue)
{
	Tdkt__RemindJob	job = test_job();

	job.days_left = -4;
	job.dossier_state = "needs_fixes";
	ck_assert_int_eq(remind_render_kind(&job), REMIND_OVERDUE);
	render(templates, &job);
	ck_assert_str_eq(text.subject, "Quá hạn: hồ sơ “Hồ sơ đề nghị khen "
	    "thưởng cuối năm” đã quá hạn 4 ngày (hạn chót 31/05/2024)");
	ck_assert_ptr_nonnull(strstr(text.body, "đã quá hạn chót (ngày "
	    "31/05/2024) 4 ngày nhưng vẫn chưa được nộp."));
	ck_assert_ptr_nonnull(strstr(text.body, "Tình trạng hồ sơ: cần bổ "
	    "sung, sửa chữa.\n"));
}
END_TEST

START_TEST(test_kind_escalation)
{
	Tdkt__RemindJob	job = test_job();

	job.audience = "office";
	job.recipient_name = "Phòng Giáo dục và Đào tạo quận Ba Đình";
	job.dossier_state = "";
	job.n_missing = 0;
	/* An escalation whatever the days left; the countdown says which. */
	for (int32_t left = -2; left <= 2; left++) {
		job.days_left = left;
		ck_assert_int_eq(remind_render_kind(&job), REMIND_ESCALATION);
	}
	job.days_left = -2;
	render(templates, &job);
	ck_assert_str_eq(text.subject, "Đơn vị chưa nộp hồ sơ: Trường Tiểu "
	    "học Hòa Bình (TH-HOA-BINH), “Hồ sơ đề nghị khen thưởng cuối "
	    "năm”, hạn chót 31/05/2024");
	ck_assert_ptr_nonnull(strstr(text.body, "Kính gửi Phòng Giáo dục và "
	    "Đào tạo quận Ba Đình,\n"));
	ck_assert_ptr_nonnull(strstr(text.body, "(mã TH-HOA-BINH, cấp học: "
	    "Tiểu học) chưa nộp hồ sơ"));
	ck_assert_ptr_nonnull(strstr(text.body, "Hạn chót là ngày 31/05/2024; "
	    "đã quá hạn 2 ngày.\n"));
	ck_assert_ptr_nonnull(strstr(text.body, "Tình trạng hồ sơ: chưa lập "
	    "hồ sơ.\n"));
	ck_assert_ptr_nonnull(strstr(text.body, "Những mục còn thiếu:\n(Hệ "
	    "thống chưa ghi nhận mục nào còn thiếu.)\n"));
	job.days_left = 0;
	render(templates, &job);
	ck_assert_ptr_nonnull(strstr(text.body, "; hôm nay là hạn chót.\n"));
	job.days_left = 5;
	render(templates, &job);
	ck_assert_ptr_nonnull(strstr(text.body, "; còn 5 ngày.\n"));
}
END_TEST

START_TEST(test_kind_unknown_audience)
{
	Tdkt__RemindJob	 job = test_job();
	char		*cause = NULL;

	job.audience = "everyone";
	ck_assert_int_eq(remind_render_kind(&job), -1);
	ck_assert_int_eq(remind_render(templates, &job, &text, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_null(text.subject);
	free(cause);
}
END_TEST

/* Every built-in template names the dossier and the deadline. */
START_TEST(test_kind_builtins_complete)
{
	for (int k = 0; k < REMIND_NKINDS; k++) {
		const char	*s = remind_render_default_subject(k);
		const char	*b = remind_render_default_body(k);
		char		*cause = NULL;

		ck_assert_int_eq(remind_render_check(s, true, &cause), 0);
		ck_assert_int_eq(remind_render_check(b, false, &cause), 0);
		ck_assert_ptr_nonnull(strstr(s, "{dossier}"));
		ck_assert_ptr_nonnull(strstr(s, "{deadline}"));
		ck_assert_ptr_nonnull(strstr(b, "{dossier}"));
		ck_assert_ptr_nonnull(strstr(b, "{deadline}"));
		ck_assert_ptr_nonnull(strstr(b, "{missing}"));
		ck_assert_ptr_nonnull(strstr(b, "{state}"));
		/* The configuration caps a string at 4096 bytes. */
		ck_assert_uint_lt(strlen(b), 4096);
	}
}
END_TEST

/* -- placeholders ------------------------------------------------------- */

START_TEST(test_placeholders_all)
{
	Tdkt__RemindJob	job = test_job();

	ck_assert_str_eq(render_body("{unit}|{unit_code}|{recipient}|{dossier}|"
	    "{dossier_id}|{deadline}|{opens}|{days_left}|{days_overdue}|"
	    "{countdown}|{extended}|{period}|{issuer}|{level}|{state}", &job),
	    "Trường Tiểu học Hòa Bình|TH-HOA-BINH|Trường Tiểu học Hòa Bình|"
	    "Hồ sơ đề nghị khen thưởng cuối năm|42|31/05/2024|01/05/2024|3|0|"
	    "còn 3 ngày||2023-2024|Phòng Giáo dục và Đào tạo quận Ba Đình|"
	    "Tiểu học|đang soạn");
	job.days_left = -7;
	job.extended = true;
	job.dossier_id = 0;
	ck_assert_str_eq(render_body("{days_left}|{days_overdue}|{extended}|"
	    "{dossier_id}|{countdown}", &job),
	    "0|7| (đã được gia hạn)||đã quá hạn 7 ngày");
}
END_TEST

START_TEST(test_placeholders_braces)
{
	Tdkt__RemindJob	job = test_job();

	ck_assert_str_eq(render_body("{{unit}} is {unit}; }{{}}", &job),
	    "{unit} is Trường Tiểu học Hòa Bình; }{}");
}
END_TEST

START_TEST(test_placeholders_state)
{
	static const char *const states[][2] = {
		{ "", "chưa lập hồ sơ" },
		{ "draft", "đang soạn" },
		{ "needs_fixes", "cần bổ sung, sửa chữa" },
		{ "something_new", "something_new" },
	};
	Tdkt__RemindJob	job = test_job();

	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		job.dossier_state = (char *)states[i][0];
		ck_assert_str_eq(render_body("{state}", &job), states[i][1]);
	}
}
END_TEST

START_TEST(test_placeholders_missing)
{
	Tdkt__RemindJob		 job = test_job();
	struct remind_templates	*t = templates_of("[{missing}]", "{missing}");

	render(t, &job);
	ck_assert_str_eq(text.subject, "[Báo cáo thành tích của tập thể; Biên "
	    "bản họp Hội đồng thi đua]");
	ck_assert_str_eq(text.body, "- Báo cáo thành tích của tập thể\n"
	    "- Biên bản họp Hội đồng thi đua");
	job.n_missing = 0;
	render(t, &job);
	ck_assert_str_eq(text.subject, "[chưa ghi nhận mục nào]");
	ck_assert_str_eq(text.body, "(Hệ thống chưa ghi nhận mục nào còn "
	    "thiếu.)");
	remind_templates_free(&t);
}
END_TEST

/* A long list is cut at REMIND_MISSING_MAX lines and says how many more. */
START_TEST(test_placeholders_missing_many)
{
	Tdkt__RemindJob	  job = test_job();
	char		**items = calloc(1000, sizeof *items);
	char		  last[64];
	const char	 *body;
	size_t		  lines = 0;

	for (size_t i = 0; i < 1000; i++) {
		items[i] = malloc(32);
		snprintf(items[i], 32, "Mục %zu", i + 1);
	}
	job.missing = items;
	job.n_missing = 1000;
	body = render_body("{missing}", &job);
	for (const char *p = body; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	ck_assert_uint_eq(lines, REMIND_MISSING_MAX);
	ck_assert(strncmp(body, "- Mục 1\n- Mục 2\n", 16) == 0);
	snprintf(last, sizeof last, "- Mục %d\n... và %d mục khác",
	    REMIND_MISSING_MAX, 1000 - REMIND_MISSING_MAX);
	ck_assert_ptr_nonnull(strstr(body, last));
	for (size_t i = 0; i < 1000; i++)
		free(items[i]);
	free(items);
}
END_TEST

/* -- hostile values ----------------------------------------------------- */

START_TEST(test_hostile_line_breaks)
{
	Tdkt__RemindJob		 job = test_job();
	char			*missing[] = { "a\r\nTo: victim@example.vn",
				    "\n\n" };

	struct remind_templates	*t = templates_of("{unit} / {dossier} / "
				    "{missing}", "{unit}\n{dossier}\n{missing}");

	job.unit_name = "Trường A\r\nBcc: all@example.vn\r\n\r\nxin chào";
	/* U+2028, NEL (U+0085), a tab and an escape sequence. */
	job.type_name = "Hồ sơ\u2028cuối\xc2\x85năm\ttab\x1b[31m";
	job.missing = missing;
	job.n_missing = 2;
	render(t, &job);
	remind_templates_free(&t);
	ck_assert_str_eq(text.subject, "Trường A Bcc: all@example.vn xin chào / "
	    "Hồ sơ cuối năm tab [31m / a To: victim@example.vn");
	/* No value adds a line to the body either: one per listed item. */
	ck_assert_str_eq(text.body, "Trường A Bcc: all@example.vn xin chào\n"
	    "Hồ sơ cuối năm tab [31m\n"
	    "- a To: victim@example.vn");
}
END_TEST

START_TEST(test_hostile_invalid_utf8)
{
	Tdkt__RemindJob	job = test_job();

	/* A stray byte, an overlong "/", a surrogate, a cut sequence. */
	job.unit_name = "A\xff" "B\xc0\xaf" "C\xed\xa0\x80" "D\xe1\xba";
	job.recipient_name = "\xe1";
	ck_assert_str_eq(render_body("{unit}|{recipient}", &job),
	    "A\uFFFDB\uFFFD\uFFFDC\uFFFD\uFFFD\uFFFDD\uFFFD\uFFFD|\uFFFD");
}
END_TEST

/* Each value is cut at REMIND_VALUE_MAX bytes, on a character. */
START_TEST(test_hostile_long_value)
{
	Tdkt__RemindJob	 job = test_job();
	char		*big = malloc(100001);
	const char	*body;

	for (size_t i = 0; i < 100000; i += 2)
		memcpy(big + i, "\xc6\xb0", 2);		/* ư */
	big[100000] = '\0';
	job.unit_name = big;
	body = render_body("{unit}", &job);
	ck_assert_uint_le(strlen(body), REMIND_VALUE_MAX);
	ck_assert_uint_gt(strlen(body), REMIND_VALUE_MAX - 8);
	ck_assert_str_eq(body + strlen(body) - 3, "…");
	free(big);
}
END_TEST

/* Output past its bound is cut on a character and says so. */
START_TEST(test_hostile_huge_output)
{
	Tdkt__RemindJob		  job = test_job();
	char			**items = calloc(REMIND_MISSING_MAX, sizeof *items);
	char			 *tmpl = malloc(4001);
	struct remind_templates	 *t;

	for (size_t i = 0; i < REMIND_MISSING_MAX; i++) {
		items[i] = malloc(2001);
		for (size_t k = 0; k < 2000; k += 3)
			memcpy(items[i] + k, "ữ", 3 < 2000 - k ? 3 : 2000 - k);
		items[i][2000] = '\0';
	}
	job.missing = items;
	job.n_missing = REMIND_MISSING_MAX;
	for (size_t i = 0; i < 4000; i += 9)
		memcpy(tmpl + i, "{missing}", 9 < 4000 - i ? 9 : 4000 - i);
	tmpl[4000 - 4000 % 9] = '\0';
	t = templates_of(tmpl, tmpl);
	render(t, &job);
	ck_assert_uint_gt(strlen(text.subject), REMIND_SUBJECT_MAX - 8);
	ck_assert_str_eq(text.subject + strlen(text.subject) - 3, "…");
	ck_assert_uint_gt(strlen(text.body), REMIND_BODY_MAX - 64);
	ck_assert_ptr_nonnull(strstr(text.body, "(Nội dung quá dài nên đã được "
	    "cắt bớt.)"));
	remind_templates_free(&t);
	for (size_t i = 0; i < REMIND_MISSING_MAX; i++)
		free(items[i]);
	free(items);
	free(tmpl);
}
END_TEST

START_TEST(test_hostile_extreme_numbers)
{
	Tdkt__RemindJob	job = test_job();

	job.days_left = INT32_MIN;
	job.deadline = INT32_MIN;
	job.opens = INT32_MAX;
	job.dossier_id = UINT64_MAX;
	ck_assert_int_eq(remind_render_kind(&job), REMIND_OVERDUE);
	render(templates, &job);
	ck_assert_ptr_nonnull(strstr(text.subject, "đã quá hạn 2147483648 ngày"));
	ck_assert_str_eq(render_body("{dossier_id} {countdown}", &job),
	    "18446744073709551615 đã quá hạn 2147483648 ngày");
}
END_TEST

/* -- config ------------------------------------------------------------- */

START_TEST(test_config_unknown_placeholder)
{
	const char *const	 bad[] = {
		"{foo}", "x {Unit} y", "{unit", "{", "a {} b", "{unit }",
		"{un-it}",
	};
	char			*cause = NULL;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(remind_render_check(bad[i], false, &cause) == -1,
		    "\"%s\" accepted", bad[i]);
		ck_assert_ptr_nonnull(cause);
		free(cause);
		cause = NULL;
	}
	ck_assert_int_eq(remind_render_check("{foo}", true, &cause), -1);
	ck_assert_str_eq(cause, "unknown placeholder {foo}");
	free(cause);
}
END_TEST

START_TEST(test_config_subject_one_line)
{
	char	*cause = NULL;

	ck_assert_int_eq(remind_render_check("a\nb", true, &cause), -1);
	free(cause);
	ck_assert_int_eq(remind_render_check("a\tb", true, &cause), -1);
	free(cause);
	ck_assert_int_eq(remind_render_check("a\nb\tc", false, &cause), 0);
	ck_assert_int_eq(remind_render_check("a\rb", false, &cause), -1);
	free(cause);
	ck_assert_int_eq(remind_render_check("\xff", false, &cause), -1);
	free(cause);
}
END_TEST

START_TEST(test_config_names_the_template)
{
	const char *const	 subjects[REMIND_NKINDS] = { NULL, "", NULL, NULL };
	const char *const	 bodies[REMIND_NKINDS] = { NULL, NULL,
				    "{dossier} {bogus}", NULL };
	struct remind_templates	*t;
	char			*cause = NULL;

	t = remind_templates_new(subjects, bodies, &cause);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(cause, "templates.overdue.body: unknown placeholder "
	    "{bogus}");
	free(cause);
}
END_TEST

/* The worker's start-up reports every bad template, not just the first. */
START_TEST(test_config_context_reports_all)
{
	struct worker_config	 conf;
	struct cfg_errors	 errs = { 0 };
	struct job_context	*ctx;

	worker_config_init(&conf);
	free(conf.template_subject[REMIND_TODAY]);
	conf.template_subject[REMIND_TODAY] = strdup("{nope}");
	free(conf.template_body[REMIND_ESCALATION]);
	conf.template_body[REMIND_ESCALATION] = strdup("{unit");
	ctx = job_context_new(&conf, &errs);
	ck_assert_ptr_null(ctx);
	ck_assert_uint_eq(errs.n, 2);
	ck_assert_str_eq(errs.items[0],
	    "templates.today.subject: unknown placeholder {nope}");
	ck_assert(strncmp(errs.items[1], "templates.escalation.body: ", 27) ==
	    0);
	cfg_errors_free(&errs);
	worker_config_clear(&conf);

	/* The defaults, and the example's written-out templates, are good. */
	worker_config_init(&conf);
	ctx = job_context_new(&conf, &errs);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_ptr_null(ctx->smtp);
	job_context_free(&ctx);
	worker_config_example(&conf);
	ctx = job_context_new(&conf, &errs);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_uint_eq(errs.n, 0);
	job_context_free(&ctx);
	worker_config_clear(&conf);
}
END_TEST

/* -- job ---------------------------------------------------------------- */

struct job_run {
	struct job_output	 out;
	Tdkt__RemindResult	*result;	/* when out.ok */
};

static void
job_run_payload(const struct job_kind *kind, const void *payload, size_t len,
    const struct job_context *ctx, struct job_run *r)
{
	struct job_input	in = {
		.job_id = 7, .kind = kind->name, .payload = payload,
		.len = len, .timeout_ms = 30000, .worker_name = "test",
		.context = ctx,
	};

	memset(r, 0, sizeof *r);
	kind->run(&in, &r->out);
	if (r->out.ok) {
		r->result = tdkt__remind_result__unpack(NULL, r->out.len,
		    r->out.payload);
		ck_assert_ptr_nonnull(r->result);
	}
}

static void
job_run(const struct job_kind *kind, const Tdkt__RemindJob *job,
    const struct job_context *ctx, struct job_run *r)
{
	size_t	 len = protobuf_c_message_get_packed_size(&job->base);
	void	*payload = malloc(len + 1);

	protobuf_c_message_pack(&job->base, payload);
	job_run_payload(kind, payload, len, ctx, r);
	free(payload);
}

static void
job_run_free(struct job_run *r)
{
	if (r->result != NULL)
		tdkt__remind_result__free_unpacked(r->result, NULL);
	free(r->out.payload);
}

START_TEST(test_job_inbox_and_push)
{
	struct job_context	ctx = { .templates = templates };
	Tdkt__RemindJob		job = test_job();
	struct job_run		r;

	job_run(&job_remind_inbox_kind, &job, &ctx, &r);
	ck_assert_msg(r.out.ok, "failed: %s", r.out.detail);
	ck_assert_str_eq(r.result->key, job.key);
	ck_assert_str_eq(r.result->channel, "inbox");
	ck_assert(strncmp(r.result->subject, "Nhắc hạn: hồ sơ",
	    strlen("Nhắc hạn: hồ sơ")) == 0);
	ck_assert_ptr_nonnull(strstr(r.result->body, "- Báo cáo thành tích"));
	ck_assert_str_eq(r.result->message_id, "");
	ck_assert(!r.result->skipped);
	job_run_free(&r);

	job.channel = "push";
	job_run(&job_remind_push_kind, &job, &ctx, &r);
	ck_assert_msg(r.out.ok, "failed: %s", r.out.detail);
	ck_assert_str_eq(r.result->channel, "push");
	job_run_free(&r);
}
END_TEST

START_TEST(test_job_bad_input)
{
	static const uint8_t	 junk[] = { 0xff, 0xff, 0xff, 0x0a, 0x05 };
	struct job_context	 ctx = { .templates = templates };
	Tdkt__RemindJob		 job = test_job();
	struct job_run		 r;

	/* Not a RemindJob. */
	job_run_payload(&job_remind_inbox_kind, junk, sizeof junk, &ctx, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	job_run_free(&r);
	/* A channel that is not the kind's. */
	job.channel = "email";
	job_run(&job_remind_push_kind, &job, &ctx, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(r.out.detail, "channel push"));
	job_run_free(&r);
	/* An audience no template fits. */
	job.channel = "inbox";
	job.audience = "nobody";
	job_run(&job_remind_inbox_kind, &job, &ctx, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	job_run_free(&r);
	/* No context: the worker's fault, not the job's. */
	job.audience = "unit";
	job_run(&job_remind_inbox_kind, &job, NULL, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code, TDKT__ERROR_CODE__ERROR_CODE_INTERNAL);
	job_run_free(&r);
}
END_TEST

/* Inbox and push are everyone's; e-mail only a worker with a relay's. */
START_TEST(test_job_offered)
{
	struct job_context	 ctx = { .templates = templates };
	const char		*names[16];
	size_t			 total, n;

	jobs_names(&total);
	ck_assert_uint_le(total, 16);
	ck_assert_ptr_eq(jobs_find("remind_inbox"), &job_remind_inbox_kind);
	ck_assert_ptr_eq(jobs_find("remind_push"), &job_remind_push_kind);
	ck_assert_ptr_eq(jobs_find("remind_email"), &job_remind_email_kind);
	ck_assert(jobs_offers(&job_remind_inbox_kind, &ctx));
	ck_assert(!jobs_offers(&job_remind_email_kind, &ctx));
	n = jobs_offered(&ctx, names);
	ck_assert_uint_eq(n, total - 1);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_ne(names[i], "remind_email");
}
END_TEST

static Suite *
remind_render_suite(void)
{
	Suite	*s = suite_create("remind_render");
	TCase	*tc;

	tc = tcase_create("kinds");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_test(tc, test_kind_before);
	tcase_add_test(tc, test_kind_today);
	tcase_add_test(tc, test_kind_overdue);
	tcase_add_test(tc, test_kind_escalation);
	tcase_add_test(tc, test_kind_unknown_audience);
	tcase_add_test(tc, test_kind_builtins_complete);
	suite_add_tcase(s, tc);

	tc = tcase_create("placeholders");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_test(tc, test_placeholders_all);
	tcase_add_test(tc, test_placeholders_braces);
	tcase_add_test(tc, test_placeholders_state);
	tcase_add_test(tc, test_placeholders_missing);
	tcase_add_test(tc, test_placeholders_missing_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hostile_line_breaks);
	tcase_add_test(tc, test_hostile_invalid_utf8);
	tcase_add_test(tc, test_hostile_long_value);
	tcase_add_test(tc, test_hostile_huge_output);
	tcase_add_test(tc, test_hostile_extreme_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_test(tc, test_config_unknown_placeholder);
	tcase_add_test(tc, test_config_subject_one_line);
	tcase_add_test(tc, test_config_names_the_template);
	tcase_add_test(tc, test_config_context_reports_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("job");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_test(tc, test_job_inbox_and_push);
	tcase_add_test(tc, test_job_bad_input);
	tcase_add_test(tc, test_job_offered);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(remind_render_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
