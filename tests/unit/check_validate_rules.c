/*
 * check_validate_rules.c - unit tests for the validate job's rules
 * (worker/validate_rules.c), its findings collector (worker/findings.c) and
 * the job itself (worker/job_validate.c).
 *
 * Every test starts from one valid year-end dossier (test_base: a primary
 * school in a block, two teachers for Lao động tiên tiến, one of them also
 * for Chiến sĩ thi đua cơ sở, the school for Tập thể lao động xuất sắc, its
 * head for a Giấy khen), built as the server would send it, and breaks one
 * thing; it then asserts the exact findings, code, severity and subject,
 * in order. "rules" has a passing and a failing case for every rule, "order"
 * the baseline and a dossier with many problems, "robust" what a hostile
 * job may hold, "job" the packing around it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "arena.h"
#include "date.h"
#include "findings.h"
#include "job.h"
#include "validate_rules.h"
#include "wire.h"

static struct arena	*ta;		/* the test's job lives here */
static struct findings	*found;

static void
test_setup(void)
{
	ta = arena_new(64 * 1024 * 1024);
	found = NULL;
}

static void
test_teardown(void)
{
	findings_free(&found);
	arena_free(&ta);
}

/*
 * -- Building jobs ------------------------------------------------------
 *
 * The builders check with ck_abort_msg rather than ck_assert, which records
 * its place on every call: test_large_job calls them a million times.
 */

static void *
talloc(size_t size)
{
	void	*p = arena_zalloc(ta, size);

	if (p == NULL)
		ck_abort_msg("test arena exhausted");
	return p;
}

static char *
tstr(const char *s)
{
	char	*p = arena_strdup(ta, s);

	if (p == NULL)
		ck_abort_msg("test arena exhausted");
	return p;
}

/*
 * The array of n pointers at `old`, with room for one more: a copy twice
 * the size when n is 0 or a power of two, else `old` itself (arrays grow
 * only through here, one at a time, so it has room).
 */
static void *
tgrow(void *old, size_t n)
{
	void	*p;

	if (n != 0 && (n & (n - 1)) != 0)
		return old;
	p = talloc((n == 0 ? 2 : 2 * n) * sizeof(void *));
	if (n > 0)
		memcpy(p, old, n * sizeof(void *));
	return p;
}

static int32_t
day(int y, int m, int d)
{
	int32_t	out;

	ck_assert(date_from_ymd(y, m, d, &out));
	return out;
}

static Tdkt__ValidateTitle *
add_title(Tdkt__ValidateJob *job, const char *code, const char *name,
    const char *kind, const char *target)
{
	Tdkt__ValidateTitle	*t = talloc(sizeof *t);

	tdkt__validate_title__init(t);
	t->code = tstr(code);
	t->name = tstr(name);
	t->kind = tstr(kind);
	t->target = tstr(target);
	t->decided_by = tstr("district");
	job->titles = tgrow(job->titles, job->n_titles);
	job->titles[job->n_titles++] = t;
	return t;
}

static Tdkt__ValidateDocumentType *
add_required(Tdkt__ValidateJob *job, const char *code, const char *name,
    bool editable, bool pdf)
{
	Tdkt__ValidateDocumentType	*dt = talloc(sizeof *dt);

	tdkt__validate_document_type__init(dt);
	dt->code = tstr(code);
	dt->name = tstr(name);
	dt->editable = editable;
	dt->pdf = pdf;
	job->required = tgrow(job->required, job->n_required);
	job->required[job->n_required++] = dt;
	return dt;
}

/* A document, inspected as sound in `format`. */
static Tdkt__ValidateDocument *
add_document(Tdkt__ValidateJob *job, const char *document, const char *slot,
    const char *filename, const char *format)
{
	Tdkt__ValidateDocument	*d = talloc(sizeof *d);
	Tdkt__InspectFileResult	*ins = talloc(sizeof *ins);

	tdkt__validate_document__init(d);
	tdkt__inspect_file_result__init(ins);
	d->document = tstr(document);
	d->slot = tstr(slot);
	d->filename = tstr(filename);
	d->size = 12345;
	d->sha256 = tstr("9f86d081884c7d659a2feaa0c55ad015"
	    "a3bf4f1b2b0b822cd15d6c15b0f00a08");
	ins->format = tstr(format);
	ins->pages = strcmp(format, "pdf") == 0 ? 3 : 0;
	d->inspection = ins;
	job->documents = tgrow(job->documents, job->n_documents);
	job->documents[job->n_documents++] = d;
	return d;
}

static Tdkt__ValidateNominee *
add_nominee(Tdkt__ValidateJob *job, const char *person, const char *name,
    const char *title)
{
	Tdkt__ValidateNominee	*n = talloc(sizeof *n);

	tdkt__validate_nominee__init(n);
	n->person_code = tstr(person);
	n->full_name = tstr(name);
	n->title_code = tstr(title);
	n->registered = true;
	job->nominees = tgrow(job->nominees, job->n_nominees);
	job->nominees[job->n_nominees++] = n;
	return n;
}

static void
remove_nominee(Tdkt__ValidateJob *job, size_t i)
{
	ck_assert_uint_lt(i, job->n_nominees);
	memmove(&job->nominees[i], &job->nominees[i + 1],
	    (job->n_nominees - i - 1) * sizeof *job->nominees);
	job->n_nominees--;
}

static Tdkt__ValidateAward *
add_award(Tdkt__ValidateNominee *n, const char *title, const char *number,
    int32_t decided, int32_t from, int32_t to)
{
	Tdkt__ValidateAward	*a = talloc(sizeof *a);

	tdkt__validate_award__init(a);
	a->title_code = tstr(title);
	a->decision_number = tstr(number);
	a->decision_date = decided;
	a->achievement_from = from;
	a->achievement_to = to;
	a->decided_by = tstr("district");
	n->awards = tgrow(n->awards, n->n_awards);
	n->awards[n->n_awards++] = a;
	return a;
}

static Tdkt__ValidatePending *
new_pending(const char *kind, int32_t opened, const char *note)
{
	Tdkt__ValidatePending	*p = talloc(sizeof *p);

	tdkt__validate_pending__init(p);
	p->kind = tstr(kind);
	p->opened_on = opened;
	p->note = tstr(note);
	return p;
}

static void
add_pending(Tdkt__ValidateNominee *n, const char *kind, int32_t opened)
{
	n->pending = tgrow(n->pending, n->n_pending);
	n->pending[n->n_pending++] = new_pending(kind, opened, "");
}

static void
add_unit_pending(Tdkt__ValidateJob *job, const char *kind, int32_t opened)
{
	Tdkt__ValidateCollective	*c = job->collective;

	c->pending = tgrow(c->pending, c->n_pending);
	c->pending[c->n_pending++] = new_pending(kind, opened, "thanh tra");
}

static Tdkt__ValidateDiscipline *
add_member_discipline(Tdkt__ValidateJob *job, const char *person,
    const char *name, const char *level, int32_t decided, int32_t until)
{
	Tdkt__ValidateCollective	*c = job->collective;
	Tdkt__ValidateDiscipline	*d = talloc(sizeof *d);

	tdkt__validate_discipline__init(d);
	d->person_code = tstr(person);
	d->full_name = tstr(name);
	d->level = tstr(level);
	d->decided_on = decided;
	d->effective_to = until;
	c->member_discipline = tgrow(c->member_discipline,
	    c->n_member_discipline);
	c->member_discipline[c->n_member_discipline++] = d;
	return d;
}

static void
add_awarded(Tdkt__ValidateJob *job, const char *title, uint32_t count)
{
	Tdkt__ValidateCollective	*c = job->collective;
	Tdkt__ValidateTitleCount	*tc = talloc(sizeof *tc);

	tdkt__validate_title_count__init(tc);
	tc->title_code = tstr(title);
	tc->count = count;
	c->awarded = tgrow(c->awarded, c->n_awarded);
	c->awarded[c->n_awarded++] = tc;
}

static void
add_block_proposal(Tdkt__ValidateJob *job, const char *unit, const char *name,
    const char *title, uint64_t dossier)
{
	Tdkt__ValidateBlockProposal	*bp = talloc(sizeof *bp);

	tdkt__validate_block_proposal__init(bp);
	bp->unit_code = tstr(unit);
	bp->unit_name = tstr(name);
	bp->title_code = tstr(title);
	bp->dossier_id = dossier;
	job->block_proposals = tgrow(job->block_proposals,
	    job->n_block_proposals);
	job->block_proposals[job->n_block_proposals++] = bp;
}

/* The nominees of test_base, by position. */
enum {
	BASE_AN_LDTT,		/* GV01 Nguyễn Văn An, Lao động tiên tiến */
	BASE_BINH_LDTT,		/* GV02 Trần Thị Bình, Lao động tiên tiến */
	BASE_AN_CSTDCS,		/* GV01, Chiến sĩ thi đua cơ sở */
	BASE_SCHOOL_TTLDXS,	/* the school, Tập thể lao động xuất sắc */
	BASE_HEAD_GK,		/* HT01 Lê Thị Cúc, the head, Giấy khen */
	BASE_NOMINEES
};

#define BASE_UNIT	"TH_LNH"
#define BASE_UNIT_NAME	"Trường Tiểu học Lê Ngọc Hân"
#define BASE_DOSSIER	42

/*
 * A valid year-end dossier of school year 2023-2024 (15/08/2023 to
 * 31/05/2024) under a District 1 style rulebook.
 */
static Tdkt__ValidateJob *
test_base(void)
{
	Tdkt__ValidateJob		*job = talloc(sizeof *job);
	Tdkt__ValidateRules		*rules = talloc(sizeof *rules);
	Tdkt__ValidateCouncil		*council = talloc(sizeof *council);
	Tdkt__ValidateCollective	*coll = talloc(sizeof *coll);
	Tdkt__ValidateTitle		*t;
	Tdkt__ValidateNominee		*n;

	tdkt__validate_job__init(job);
	job->dossier_id = BASE_DOSSIER;
	job->version = 1;
	job->type_code = tstr("CUOI_NAM");
	job->type_name = tstr("Hồ sơ đề nghị khen thưởng cuối năm");
	job->purpose = tstr("year_end");
	job->unit_code = tstr(BASE_UNIT);
	job->unit_name = tstr(BASE_UNIT_NAME);
	job->block_code = tstr("KHOI_TH1");
	job->period = tstr("2023-2024");
	job->period_from = day(2023, 8, 15);
	job->period_to = day(2024, 5, 31);
	job->today = day(2024, 5, 20);

	tdkt__validate_rules__init(rules);
	rules->quorum_numerator = 2;
	rules->quorum_denominator = 3;
	rules->discipline_blocks_from = tstr("warning");
	job->rules = rules;

	add_title(job, "LDTT", "Lao động tiên tiến", "title", "individual");
	t = add_title(job, "CSTDCS", "Chiến sĩ thi đua cơ sở", "title",
	    "individual");
	t->requires = tstr("LDTT");
	t->quota_of = tstr("LDTT");
	t->quota_max_percent = 50;
	t->vote_min_percent = 80;
	add_title(job, "TTLDXS", "Tập thể lao động xuất sắc", "title",
	    "collective");
	t = add_title(job, "CO_TP", "Cờ thi đua của Ủy ban nhân dân Thành phố",
	    "title", "collective");
	t->per_block_max = 1;
	add_title(job, "GK", "Giấy khen của Chủ tịch UBND Quận 1", "award",
	    "both");
	t = add_title(job, "BK_UBND", "Bằng khen của Chủ tịch UBND Thành phố",
	    "award", "both");
	t->min_interval_years = 2;
	t = add_title(job, "GK_CD", "Giấy khen chuyên đề chuyển đổi số",
	    "award", "both");
	t->campaign = true;

	add_required(job, "TO_TRINH", "Tờ trình đề nghị khen thưởng", true,
	    true);
	add_required(job, "BIEN_BAN_HD", "Biên bản họp Hội đồng thi đua", false,
	    true);
	add_document(job, "TO_TRINH", "editable", "to-trinh.docx", "docx");
	add_document(job, "TO_TRINH", "pdf", "to-trinh.pdf", "pdf");
	add_document(job, "BIEN_BAN_HD", "pdf", "bien-ban.pdf", "pdf");

	add_nominee(job, "GV01", "Nguyễn Văn An", "LDTT");
	add_nominee(job, "GV02", "Trần Thị Bình", "LDTT");
	add_nominee(job, "GV01", "Nguyễn Văn An", "CSTDCS");
	add_nominee(job, "", BASE_UNIT_NAME, "TTLDXS");
	n = add_nominee(job, "HT01", "Lê Thị Cúc", "GK");
	n->is_head = true;
	n->registered = false;		/* award forms need no registration */
	/* Her Giấy khen of last year: the same form, a later achievement. */
	add_award(n, "GK", "15/QĐ-UBND", day(2023, 6, 20), day(2022, 8, 15),
	    day(2023, 5, 31));

	tdkt__validate_council__init(council);
	council->recorded = true;
	council->members = 9;
	council->present = 7;
	council->held_on = day(2024, 5, 16);
	job->council = council;

	tdkt__validate_collective__init(coll);
	job->collective = coll;
	/* A reprimand is below the rulebook's "warning": it does not block. */
	add_member_discipline(job, "NV07", "Phạm Văn Dũng", "reprimand",
	    day(2023, 11, 2), 0);
	/* The other school of the block proposes the flag; this one doesn't. */
	add_block_proposal(job, "TH_DK", "Trường Tiểu học Đinh Tiên Hoàng",
	    "CO_TP", 77);
	return job;
}

/* -- Checking findings -------------------------------------------------- */

/* Every finding, one a line, for failure messages. */
static const char *
findings_text(const struct findings *f)
{
	static char	buf[16384];
	size_t		used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < f->n && used < sizeof buf; i++) {
		int	w = snprintf(buf + used, sizeof buf - used,
			    "\n  %s %s [%s] %s | %s", f->items[i].code,
			    findings_severity_name(f->items[i].severity),
			    f->items[i].subject, f->items[i].message_vi,
			    f->items[i].detail);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return f->n == 0 ? "(none)" : buf;
}

static struct findings *
run(const Tdkt__ValidateJob *job)
{
	findings_free(&found);
	found = findings_new(VALIDATE_MAX_FINDINGS);
	validate_rules_run(job, found);
	return found;
}

static void
expect_none(const Tdkt__ValidateJob *job)
{
	struct findings	*f = run(job);

	ck_assert_msg(f->n == 0, "expected no findings, got:%s",
	    findings_text(f));
}

static void
expect_at(const struct findings *f, size_t i, const char *code,
    enum finding_severity severity, const char *subject)
{
	ck_assert_msg(i < f->n, "no finding %zu (%s) in:%s", i, code,
	    findings_text(f));
	ck_assert_msg(strcmp(f->items[i].code, code) == 0 &&
	    f->items[i].severity == severity &&
	    strcmp(f->items[i].subject, subject) == 0,
	    "finding %zu is not %s %s [%s]:%s", i, code,
	    findings_severity_name(severity), subject, findings_text(f));
	ck_assert_msg(f->items[i].message_vi[0] != '\0' &&
	    f->items[i].detail[0] != '\0', "finding %zu lacks a text", i);
}

/* Exactly one finding, this one; returns its message. */
static const char *
expect_only(const Tdkt__ValidateJob *job, const char *code,
    enum finding_severity severity, const char *subject)
{
	struct findings	*f = run(job);

	ck_assert_msg(f->n == 1, "expected only %s, got:%s", code,
	    findings_text(f));
	expect_at(f, 0, code, severity, subject);
	return f->items[0].message_vi;
}

static void
expect_contains(const char *text, const char *part)
{
	ck_assert_msg(strstr(text, part) != NULL, "\"%s\" not in \"%s\"",
	    part, text);
}

/* -- Rules -------------------------------------------------------------- */

START_TEST(test_valid_dossier)
{
	expect_none(test_base());
}
END_TEST

/* Rule 1. */
START_TEST(test_missing_document)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	/* The PDF of the Tờ trình goes; the editable file stays. */
	job->documents[1] = job->documents[2];
	job->n_documents = 2;
	msg = expect_only(job, "missing_document", FINDING_ERROR, "TO_TRINH");
	expect_contains(msg, "bản PDF");
	expect_contains(msg, "Tờ trình đề nghị khen thưởng");

	/* Both files of it gone: still one finding, naming both. */
	job->documents[0] = job->documents[1];
	job->n_documents = 1;
	msg = expect_only(job, "missing_document", FINDING_ERROR, "TO_TRINH");
	expect_contains(msg, "01 tệp chỉnh sửa được và 01 bản PDF");
}
END_TEST

START_TEST(test_missing_document_only_wanted_forms)
{
	Tdkt__ValidateJob	*job = test_base();

	/* The minutes are wanted as a PDF only: no editable file needed. */
	ck_assert(!job->required[1]->editable);
	expect_none(job);
	job->required[1]->editable = true;
	expect_only(job, "missing_document", FINDING_ERROR, "BIEN_BAN_HD");
}
END_TEST

/* Rule 2. */
START_TEST(test_document_not_inspected)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	job->documents[2]->inspection = NULL;
	msg = expect_only(job, "document_not_inspected", FINDING_ERROR,
	    "BIEN_BAN_HD");
	expect_contains(msg, "đang được kiểm tra");
	expect_contains(msg, "nộp lại");
}
END_TEST

START_TEST(test_pdf_unreadable)
{
	static const struct {
		const char	*problem;
		const char	*vi;
	} cases[] = {
		{ "not_pdf", "không phải tệp PDF" },
		{ "truncated", "tệp PDF bị cắt cụt, không đầy đủ" },
		{ "damaged", "tệp PDF bị hỏng" },
		{ "encrypted", "tệp PDF có mật khẩu, không mở được" },
		{ "no_pages", "tệp PDF không có trang nào" },
		{ "too_complex", "tệp PDF quá phức tạp, không mở được trong "
		    "giới hạn thời gian, bộ nhớ" },
		{ "something_new", "tệp PDF không đọc được" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Tdkt__ValidateJob	*job = test_base();
		const char		*msg;

		job->documents[1]->inspection->problem =
		    tstr(cases[i].problem);
		job->documents[1]->inspection->detail = tstr("xref broken");
		msg = expect_only(job, "pdf_unreadable", FINDING_ERROR,
		    "TO_TRINH");
		expect_contains(msg, cases[i].vi);
		expect_contains(msg, "to-trinh.pdf");
		expect_contains(found->items[0].detail, cases[i].problem);
	}
}
END_TEST

START_TEST(test_pdf_slot_wrong_format)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	job->documents[2]->inspection->format = tstr("docx");
	msg = expect_only(job, "pdf_unreadable", FINDING_ERROR, "BIEN_BAN_HD");
	expect_contains(msg, "không phải tệp PDF mà là tệp Word (.docx)");
}
END_TEST

START_TEST(test_editable_mismatch)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	/* A PDF renamed .docx. */
	job->documents[0]->inspection->format = tstr("pdf");
	msg = expect_only(job, "editable_mismatch", FINDING_ERROR, "TO_TRINH");
	expect_contains(msg, "có đuôi .docx nhưng thực chất là tệp PDF");

	/* A .xlsx that really is an .xls. */
	job->documents[0]->filename = tstr("Danh sách.xlsx");
	job->documents[0]->inspection->format = tstr("xls");
	msg = expect_only(job, "editable_mismatch", FINDING_ERROR, "TO_TRINH");
	expect_contains(msg, "thực chất là tệp Excel cũ (.xls)");

	/* Not an editable format at all, whatever it is. */
	job->documents[0]->filename = tstr("to-trinh.pdf");
	job->documents[0]->inspection->format = tstr("pdf");
	msg = expect_only(job, "editable_mismatch", FINDING_ERROR, "TO_TRINH");
	expect_contains(msg, "không phải tệp chỉnh sửa được");
	job->documents[0]->filename = tstr("to-trinh");
	job->documents[0]->inspection->format = tstr("docx");
	expect_only(job, "editable_mismatch", FINDING_ERROR, "TO_TRINH");
}
END_TEST

START_TEST(test_editable_extension_any_case)
{
	static const char *const formats[] = {
		"docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls",
		"ppt",
	};
	Tdkt__ValidateJob	*job = test_base();
	char			 name[64];

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		snprintf(name, sizeof name, "Tờ trình.%s", formats[i]);
		job->documents[0]->filename = tstr(name);
		job->documents[0]->inspection->format = tstr(formats[i]);
		expect_none(job);
	}
	job->documents[0]->filename = tstr("TO-TRINH.DocX");
	job->documents[0]->inspection->format = tstr("docx");
	expect_none(job);
}
END_TEST

START_TEST(test_checksum_mismatch)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	/* On the editable slot... */
	job->documents[0]->inspection->problem = tstr("sha256_mismatch");
	msg = expect_only(job, "checksum_mismatch", FINDING_ERROR, "TO_TRINH");
	expect_contains(msg, "sai lệch so với bản đã tải lên");
	/* ...and on the PDF slot, where it is not also pdf_unreadable. */
	job->documents[0]->inspection->problem = tstr("");
	job->documents[2]->inspection->problem = tstr("sha256_mismatch");
	expect_only(job, "checksum_mismatch", FINDING_ERROR, "BIEN_BAN_HD");
}
END_TEST

/* Rule 3. */
START_TEST(test_no_nominees)
{
	Tdkt__ValidateJob	*job = test_base();

	job->n_nominees = 0;
	expect_only(job, "no_nominees", FINDING_ERROR, "");
	job->purpose = tstr("sudden");
	expect_only(job, "no_nominees", FINDING_ERROR, "");
	job->purpose = tstr("campaign");
	expect_only(job, "no_nominees", FINDING_ERROR, "");
	/* A registration dossier proposes nobody. */
	job->purpose = tstr("registration");
	expect_none(job);
}
END_TEST

/* Rule 4. */
START_TEST(test_no_meeting)
{
	Tdkt__ValidateJob	*job = test_base();

	job->council->recorded = false;
	expect_only(job, "no_meeting", FINDING_ERROR, "");
	job->council = NULL;
	expect_only(job, "no_meeting", FINDING_ERROR, "");
	/* Only the year-end dossier needs the council's minutes. */
	job->purpose = tstr("sudden");
	expect_none(job);
}
END_TEST

START_TEST(test_quorum)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	job->council->present = 5;
	msg = expect_only(job, "quorum", FINDING_ERROR, "");
	ck_assert_str_eq(msg, "Cuộc họp Hội đồng thi đua chỉ có 5/9 thành viên "
	    "dự, chưa đủ 2/3");
	/* Exactly two thirds is enough. */
	job->council->present = 6;
	expect_none(job);
	/* The fraction is the rulebook's. */
	job->rules->quorum_numerator = 3;
	job->rules->quorum_denominator = 4;
	msg = expect_only(job, "quorum", FINDING_ERROR, "");
	ck_assert_str_eq(msg, "Cuộc họp Hội đồng thi đua chỉ có 6/9 thành viên "
	    "dự, chưa đủ 3/4");
	/* No fraction: nothing to judge by. */
	job->rules = NULL;
	expect_none(job);
}
END_TEST

/* Rule 5. */
START_TEST(test_unknown_title)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	add_nominee(job, "GV04", "Đỗ Văn Hải", "CSTD_TINH");
	msg = expect_only(job, "unknown_title", FINDING_ERROR, "GV04");
	expect_contains(msg, "Ông/bà Đỗ Văn Hải");
	expect_contains(msg, "\"CSTD_TINH\"");
}
END_TEST

/* Rule 6. */
START_TEST(test_target_mismatch)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	/* The school proposed for an individual title. */
	job->nominees[BASE_SCHOOL_TTLDXS]->title_code = tstr("LDTT");
	msg = expect_only(job, "target_mismatch", FINDING_ERROR, BASE_UNIT);
	expect_contains(msg, "Danh hiệu \"Lao động tiên tiến\" chỉ xét cho cá "
	    "nhân");
	/* A teacher proposed for a collective one. */
	job = test_base();
	add_nominee(job, "GV02", "Trần Thị Bình", "TTLDXS");
	msg = expect_only(job, "target_mismatch", FINDING_ERROR, "GV02");
	expect_contains(msg, "chỉ xét cho tập thể");
	/* A form for both goes to either. */
	job = test_base();
	job->nominees[BASE_SCHOOL_TTLDXS]->title_code = tstr("GK");
	expect_none(job);
}
END_TEST

/* Rule 7. */
START_TEST(test_not_registered)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	job->nominees[BASE_BINH_LDTT]->registered = false;
	msg = expect_only(job, "not_registered", FINDING_ERROR, "GV02");
	ck_assert_str_eq(msg, "Ông/bà Trần Thị Bình chưa đăng ký thi đua danh "
	    "hiệu \"Lao động tiên tiến\"");
	/* The collective too, under the unit's code. */
	job = test_base();
	job->nominees[BASE_SCHOOL_TTLDXS]->registered = false;
	msg = expect_only(job, "not_registered", FINDING_ERROR, BASE_UNIT);
	ck_assert_str_eq(msg, "Tập thể " BASE_UNIT_NAME " chưa đăng ký thi đua "
	    "danh hiệu \"Tập thể lao động xuất sắc\"");
}
END_TEST

START_TEST(test_forms_need_no_registration)
{
	Tdkt__ValidateJob	*job = test_base();

	/* The head's Giấy khen in test_base is unregistered and passes. */
	ck_assert(!job->nominees[BASE_HEAD_GK]->registered);
	expect_none(job);
}
END_TEST

/* Rule 8. */
START_TEST(test_collective_discipline)
{
	Tdkt__ValidateJob	*job = test_base();
	struct findings		*f;

	add_member_discipline(job, "GV09", "Hoàng Văn Em", "warning",
	    day(2024, 1, 10), 0);
	f = run(job);
	ck_assert_msg(f->n == 2, "%s", findings_text(f));
	expect_at(f, 0, "collective_discipline", FINDING_ERROR, BASE_UNIT);
	expect_contains(f->items[0].message_vi, "Hoàng Văn Em");
	expect_contains(f->items[0].message_vi, "cảnh cáo");
	expect_contains(f->items[0].message_vi, "10/01/2024");
	/* The head follows the collective (rule 16). */
	expect_at(f, 1, "head_with_collective", FINDING_ERROR, "HT01");
}
END_TEST

START_TEST(test_collective_discipline_not_in_force)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateDiscipline *d;

	/* Ended before the period began. */
	d = add_member_discipline(job, "GV09", "Hoàng Văn Em", "dismissal",
	    day(2022, 1, 10), day(2023, 8, 14));
	expect_none(job);
	/* Ends inside it: it counts. */
	d->effective_to = day(2023, 8, 15);
	ck_assert_uint_eq(run(job)->n, 2);
	/* Decided after it. */
	d->decided_on = day(2024, 6, 1);
	d->effective_to = 0;
	expect_none(job);
	/* The rulebook may block from reprimand on. */
	job->rules->discipline_blocks_from = tstr("reprimand");
	ck_assert_uint_eq(run(job)->n, 2);
	expect_at(found, 0, "collective_discipline", FINDING_ERROR, BASE_UNIT);
	expect_contains(found->items[0].message_vi, "Phạm Văn Dũng");
	/* Individuals are not blocked by their colleagues. */
	remove_nominee(job, BASE_HEAD_GK);
	remove_nominee(job, BASE_SCHOOL_TTLDXS);
	expect_none(job);
}
END_TEST

/* Rule 9. */
START_TEST(test_pending_matter)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	add_pending(job->nominees[BASE_BINH_LDTT], "investigation",
	    day(2024, 3, 1));
	msg = expect_only(job, "pending_matter", FINDING_ERROR, "GV02");
	ck_assert_str_eq(msg, "Ông/bà Trần Thị Bình đang bị điều tra (từ ngày "
	    "01/03/2024), chưa được đề nghị khen thưởng");
}
END_TEST

START_TEST(test_pending_matter_of_unit)
{
	Tdkt__ValidateJob	*job = test_base();
	struct findings		*f;

	add_unit_pending(job, "inspection", day(2024, 4, 2));
	f = run(job);
	ck_assert_msg(f->n == 2, "%s", findings_text(f));
	expect_at(f, 0, "pending_matter", FINDING_ERROR, BASE_UNIT);
	expect_contains(f->items[0].message_vi, "đang bị thanh tra, kiểm tra");
	expect_at(f, 1, "head_with_collective", FINDING_ERROR, "HT01");
}
END_TEST

/* Rule 10 (a). */
START_TEST(test_two_forms_in_dossier)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	add_nominee(job, "HT01", "Lê Thị Cúc", "BK_UBND")->is_head = true;
	msg = expect_only(job, "one_achievement_one_form", FINDING_ERROR,
	    "HT01");
	expect_contains(msg, "\"Giấy khen của Chủ tịch UBND Quận 1\" và "
	    "\"Bằng khen của Chủ tịch UBND Thành phố\"");
	/* A title and a form are not two forms. */
	job = test_base();
	add_nominee(job, "", BASE_UNIT_NAME, "GK");
	expect_none(job);
}
END_TEST

/* Rule 10 (b). */
START_TEST(test_form_for_same_achievement)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateNominee	*head = job->nominees[BASE_HEAD_GK];
	const char		*msg;

	/* A Giấy khen already given for this school year's work. */
	add_award(head, "GK", "88/QĐ-UBND", day(2024, 1, 20), day(2023, 9, 5),
	    day(2024, 1, 15));
	msg = expect_only(job, "one_achievement_one_form", FINDING_ERROR,
	    "HT01");
	expect_contains(msg, "88/QĐ-UBND");
	expect_contains(msg, "từ 05/09/2023 đến 15/01/2024");
}
END_TEST

START_TEST(test_form_unknown_code_counts)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateAward	*a;

	/* A form the rulebook no longer lists is still a form. */
	a = add_award(job->nominees[BASE_HEAD_GK], "BK_BO", "1/QĐ-BGDĐT",
	    day(2024, 3, 1), 0, 0);
	a->title_name = tstr("Bằng khen của Bộ trưởng");
	expect_only(job, "one_achievement_one_form", FINDING_ERROR, "HT01");
	expect_contains(found->items[0].message_vi, "Bằng khen của Bộ trưởng");
	/* An emulation title is not a form. */
	a->title_code = tstr("LDTT");
	expect_none(job);
}
END_TEST

/* Rule 12 with 10 (b): a campaign award is not the same achievement. */
START_TEST(test_form_campaign_not_counted)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateAward	*a;

	a = add_award(job->nominees[BASE_HEAD_GK], "GK", "90/QĐ-UBND",
	    day(2024, 1, 20), day(2023, 9, 5), day(2024, 1, 15));
	a->campaign = true;
	expect_none(job);
	/* Nor one whose title the rulebook marks as a campaign's. */
	a->campaign = false;
	a->title_code = tstr("GK_CD");
	expect_none(job);
}
END_TEST

/* Rule 11. */
START_TEST(test_interval)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateNominee	*head = job->nominees[BASE_HEAD_GK];
	Tdkt__ValidateAward	*a;
	const char		*msg;

	head->title_code = tstr("BK_UBND");
	/* One year after the last one: two are needed. */
	a = add_award(head, "BK_UBND", "2150/QĐ-UBND", day(2023, 7, 10),
	    day(2022, 8, 15), day(2023, 5, 31));
	msg = expect_only(job, "interval", FINDING_ERROR, "HT01");
	ck_assert_str_eq(msg, "Ông/bà Lê Thị Cúc đã được \"Bằng khen của Chủ "
	    "tịch UBND Thành phố\" theo Quyết định số 2150/QĐ-UBND ngày "
	    "10/07/2023 (thành tích đến 31/05/2023); phải sau 2 năm mới được "
	    "đề nghị lại");
	/* Two full years: fine. */
	a->achievement_to = day(2022, 5, 31);
	expect_none(job);
}
END_TEST

START_TEST(test_interval_from_decision_date)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateNominee	*head = job->nominees[BASE_HEAD_GK];
	Tdkt__ValidateAward	*a;
	const char		*msg;

	head->title_code = tstr("BK_UBND");
	/* No achievement period in the decision: its date counts. */
	a = add_award(head, "BK_UBND", "777/QĐ-UBND", day(2022, 7, 1), 0, 0);
	msg = expect_only(job, "interval", FINDING_ERROR, "HT01");
	expect_contains(msg, "Quyết định số 777/QĐ-UBND ngày 01/07/2022");
	expect_contains(found->items[0].detail, "1 full years");
	a->decision_date = day(2022, 5, 31);
	expect_none(job);
	/* Another title's award does not start the interval. */
	a->decision_date = day(2024, 1, 1);
	a->title_code = tstr("GK");
	expect_only(job, "one_achievement_one_form", FINDING_ERROR, "HT01");
}
END_TEST

/* Rule 12 with 11. */
START_TEST(test_interval_campaign_not_counted)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateNominee	*head = job->nominees[BASE_HEAD_GK];
	Tdkt__ValidateAward	*a;

	head->title_code = tstr("BK_UBND");
	a = add_award(head, "BK_UBND", "2150/QĐ-UBND", day(2023, 7, 10),
	    day(2022, 8, 15), day(2023, 5, 31));
	a->campaign = true;
	expect_none(job);
}
END_TEST

/* Rule 13. */
START_TEST(test_title_chain)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	/* Lao động tiên tiến goes to someone else: An has only CSTĐCS. */
	job->nominees[BASE_AN_LDTT]->person_code = tstr("GV03");
	job->nominees[BASE_AN_LDTT]->full_name = tstr("Võ Thị Giang");
	msg = expect_only(job, "title_chain", FINDING_ERROR, "GV01");
	ck_assert_str_eq(msg, "Ông/bà Nguyễn Văn An được đề nghị \"Chiến sĩ "
	    "thi đua cơ sở\" nhưng chưa đạt và chưa được đề nghị \"Lao động "
	    "tiên tiến\" trong năm nay");
}
END_TEST

START_TEST(test_title_chain_by_award)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateNominee	*an = job->nominees[BASE_AN_CSTDCS];
	Tdkt__ValidateAward	*a;

	job->nominees[BASE_AN_LDTT]->person_code = tstr("GV03");
	/* Already recognised as Lao động tiên tiến for this school year. */
	a = add_award(an, "LDTT", "12/QĐ-THLNH", day(2024, 5, 25),
	    day(2023, 8, 15), day(2024, 5, 31));
	expect_none(job);
	/* Last year's does not count. */
	a->achievement_from = day(2022, 8, 15);
	a->achievement_to = day(2023, 5, 31);
	expect_only(job, "title_chain", FINDING_ERROR, "GV01");
	/* Rule 12: nor does a campaign award. */
	a->achievement_from = day(2023, 8, 15);
	a->achievement_to = day(2024, 5, 31);
	a->campaign = true;
	expect_only(job, "title_chain", FINDING_ERROR, "GV01");
}
END_TEST

/* Rule 14. */
START_TEST(test_quota)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	/* Two CSTĐCS for two LĐTT, at most 50%. */
	add_nominee(job, "GV02", "Trần Thị Bình", "CSTDCS");
	msg = expect_only(job, "quota", FINDING_ERROR, "CSTDCS");
	ck_assert_str_eq(msg, "Số đề nghị \"Chiến sĩ thi đua cơ sở\" (2) vượt "
	    "quá 50% số \"Lao động tiên tiến\" (2): tối đa 1");
	/* Staff already recognised as LĐTT this period count too. */
	add_awarded(job, "TTLDXS", 10);
	add_awarded(job, "LDTT", 2);
	expect_none(job);
}
END_TEST

/* Rule 15. */
START_TEST(test_block_limit)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	add_nominee(job, "", BASE_UNIT_NAME, "CO_TP");
	msg = expect_only(job, "block_limit", FINDING_ERROR, "CO_TP");
	ck_assert_str_eq(msg, "Mỗi khối thi đua chỉ được đề nghị 1 \"Cờ thi "
	    "đua của Ủy ban nhân dân Thành phố\"; khối đã có đề nghị của "
	    "Trường Tiểu học Đinh Tiên Hoàng");
	/* The only proposal of the block: fine. */
	job->n_block_proposals = 0;
	expect_none(job);
	/* A proposal from this very dossier is not another unit's. */
	add_block_proposal(job, BASE_UNIT, BASE_UNIT_NAME, "CO_TP",
	    BASE_DOSSIER);
	expect_none(job);
	/* Two here, against a limit of one. */
	add_nominee(job, "", BASE_UNIT_NAME, "CO_TP");
	expect_only(job, "block_limit", FINDING_ERROR, "CO_TP");
	/* No block, no limit. */
	job->block_code = tstr("");
	expect_none(job);
}
END_TEST

START_TEST(test_block_limit_names_units)
{
	Tdkt__ValidateJob	*job = test_base();
	char			 code[16];

	job->titles[3]->per_block_max = 3;
	add_nominee(job, "", BASE_UNIT_NAME, "CO_TP");
	for (int i = 0; i < 7; i++) {
		snprintf(code, sizeof code, "MN%02d", i);
		add_block_proposal(job, code, "", "CO_TP", 100 + (uint64_t)i);
	}
	expect_only(job, "block_limit", FINDING_ERROR, "CO_TP");
	expect_contains(found->items[0].message_vi, "Trường Tiểu học Đinh Tiên "
	    "Hoàng, MN00, MN01, MN02, MN03 và 3 đơn vị khác");
}
END_TEST

/* Rule 16. */
START_TEST(test_head_without_collective)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	remove_nominee(job, BASE_SCHOOL_TTLDXS);
	msg = expect_only(job, "head_without_collective", FINDING_WARNING,
	    "HT01");
	expect_contains(msg, "Ông/bà Lê Thị Cúc là thủ trưởng đơn vị");
	ck_assert_str_eq(found->items[0].detail, "the head's award is judged "
	    "on the collective's achievements; the dossier proposes nothing "
	    "for the collective");
	/* Not the head (one place up, the school gone): nothing to say. */
	job->nominees[BASE_HEAD_GK - 1]->is_head = false;
	expect_none(job);
}
END_TEST

START_TEST(test_head_with_collective)
{
	Tdkt__ValidateJob	*job = test_base();
	const char		*msg;

	/* Blocked even when the dossier proposes nothing for the school. */
	remove_nominee(job, BASE_SCHOOL_TTLDXS);
	add_unit_pending(job, "complaint", day(2024, 2, 1));
	msg = expect_only(job, "head_with_collective", FINDING_ERROR, "HT01");
	expect_contains(msg, "khiếu nại");
	job->collective->n_pending = 0;
	add_member_discipline(job, "GV09", "Hoàng Văn Em", "removal",
	    day(2024, 1, 10), 0);
	msg = expect_only(job, "head_with_collective", FINDING_ERROR, "HT01");
	expect_contains(msg, "Hoàng Văn Em bị kỷ luật cách chức");
}
END_TEST

/* -- Order -------------------------------------------------------------- */

START_TEST(test_several_problems_in_order)
{
	Tdkt__ValidateJob	*job = test_base();
	struct findings		*f;

	/* Added in an order unlike the rules'. */
	add_pending(job->nominees[BASE_HEAD_GK], "review", day(2024, 5, 1));
	job->nominees[BASE_BINH_LDTT]->registered = false;
	job->nominees[BASE_AN_LDTT]->registered = false;
	job->council->present = 3;
	job->documents[2]->inspection = NULL;
	job->n_documents = 2;			/* the minutes' PDF is gone */
	job->documents[0]->inspection = NULL;
	job->nominees[BASE_SCHOOL_TTLDXS]->title_code = tstr("???");

	f = run(job);
	ck_assert_msg(f->n == 7, "%s", findings_text(f));
	expect_at(f, 0, "missing_document", FINDING_ERROR, "BIEN_BAN_HD");
	expect_at(f, 1, "document_not_inspected", FINDING_ERROR, "TO_TRINH");
	expect_at(f, 2, "quorum", FINDING_ERROR, "");
	expect_at(f, 3, "unknown_title", FINDING_ERROR, BASE_UNIT);
	expect_at(f, 4, "not_registered", FINDING_ERROR, "GV01");
	expect_at(f, 5, "not_registered", FINDING_ERROR, "GV02");
	expect_at(f, 6, "pending_matter", FINDING_ERROR, "HT01");
}
END_TEST

START_TEST(test_findings_capped)
{
	Tdkt__ValidateJob	*job = test_base();
	struct findings		*f;
	char			 code[16];

	for (int i = 0; i < 1500; i++) {
		snprintf(code, sizeof code, "NV%04d", i);
		add_nominee(job, code, "", "LDTT")->registered = false;
	}
	f = run(job);
	ck_assert_uint_eq(f->n, VALIDATE_MAX_FINDINGS + 1);
	expect_at(f, 0, "not_registered", FINDING_ERROR, "NV0000");
	expect_at(f, VALIDATE_MAX_FINDINGS - 1, "not_registered", FINDING_ERROR,
	    "NV0999");
	expect_at(f, VALIDATE_MAX_FINDINGS, "too_many_findings",
	    FINDING_WARNING, "");
	expect_contains(f->items[VALIDATE_MAX_FINDINGS].detail, "500 more");
	/* An empty name falls back on the code. */
	expect_contains(f->items[0].message_vi, "Ông/bà NV0000 chưa đăng ký");
}
END_TEST

START_TEST(test_findings_byte_budget)
{
	Tdkt__ValidateJob	*job = test_base();
	struct findings		*f;
	char			 code[16], *name;
	size_t			 total = 0;

	/* Long names: the text budget runs out before the count does. */
	name = talloc(901);
	for (int i = 0; i < 300; i++)
		memcpy(name + 3 * i, "\xe1\xbb\x87", 3);	/* "ệ" */
	for (int i = 0; i < 900; i++) {
		snprintf(code, sizeof code, "NV%04d", i);
		add_nominee(job, code, name, "LDTT")->registered = false;
	}
	f = run(job);
	ck_assert_uint_lt(f->n, 900);
	ck_assert_uint_gt(f->n, 100);
	snprintf(code, sizeof code, "NV%04zu", f->n - 2);
	expect_at(f, f->n - 2, "not_registered", FINDING_ERROR, code);
	expect_at(f, f->n - 1, "too_many_findings", FINDING_WARNING, "");
	for (size_t i = 0; i + 1 < f->n; i++)
		total += strlen(f->items[i].code) + strlen(f->items[i].subject) +
		    strlen(f->items[i].message_vi) +
		    strlen(f->items[i].detail);
	ck_assert_uint_le(total, FINDINGS_MAX_BYTES);
}
END_TEST

/* -- Robustness --------------------------------------------------------- */

START_TEST(test_empty_job)
{
	Tdkt__ValidateJob	job = TDKT__VALIDATE_JOB__INIT;

	expect_none(&job);
	job.purpose = tstr("year_end");
	run(&job);
	ck_assert_uint_eq(found->n, 2);
	expect_at(found, 0, "no_nominees", FINDING_ERROR, "");
	expect_at(found, 1, "no_meeting", FINDING_ERROR, "");
}
END_TEST

START_TEST(test_absent_submessages)
{
	Tdkt__ValidateJob	*job = test_base();

	job->rules = NULL;
	job->council = NULL;
	job->collective = NULL;
	for (size_t i = 0; i < job->n_documents; i++)
		job->documents[i]->inspection = NULL;
	job->nominees[BASE_SCHOOL_TTLDXS]->registered = false;
	run(job);
	ck_assert_msg(found->n == 5, "%s", findings_text(found));
	expect_at(found, 3, "no_meeting", FINDING_ERROR, "");
	expect_at(found, 4, "not_registered", FINDING_ERROR, BASE_UNIT);
}
END_TEST

START_TEST(test_hostile_values)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateNominee	*head = job->nominees[BASE_HEAD_GK];
	char			*big;

	/* Dates at the ends of int32, counts at the ends of uint32. */
	job->period_from = INT32_MIN;
	job->period_to = INT32_MAX;
	head->title_code = tstr("BK_UBND");
	add_award(head, "BK_UBND", "", INT32_MIN, 0, INT32_MIN);
	add_award(head, "BK_UBND", "", INT32_MAX, INT32_MAX, 0);
	add_pending(head, "", INT32_MAX);
	add_member_discipline(job, "", "", "warning", INT32_MIN, INT32_MAX);
	job->council->members = UINT32_MAX;
	job->council->present = UINT32_MAX - 1;
	job->rules->quorum_numerator = UINT32_MAX;
	job->rules->quorum_denominator = UINT32_MAX;
	job->titles[1]->quota_max_percent = UINT32_MAX;
	add_awarded(job, "LDTT", UINT32_MAX);
	add_awarded(job, "LDTT", UINT32_MAX);
	job->titles[3]->per_block_max = UINT32_MAX;
	/* A name as long as a payload. */
	big = talloc(100001);
	memset(big, 'a', 100000);
	memcpy(big + 99998, "\xc3\xa0", 2);		/* "à" across the cut */
	job->nominees[BASE_BINH_LDTT]->full_name = big;
	job->nominees[BASE_BINH_LDTT]->registered = false;
	run(job);
	ck_assert_uint_gt(found->n, 0);
	for (size_t i = 0; i < found->n; i++) {
		ck_assert_uint_le(strlen(found->items[i].message_vi),
		    FINDINGS_MAX_TEXT);
		ck_assert_uint_le(strlen(found->items[i].detail),
		    FINDINGS_MAX_TEXT);
	}
}
END_TEST

/*
 * Sizes a peer may choose: tens of thousands of everything, the same person
 * over and over. A rule that compared every pair would take minutes here;
 * the suite's timeout catches it.
 */
START_TEST(test_large_job)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateNominee	*n;
	char			 code[16];

	for (int i = 0; i < 5000; i++) {
		snprintf(code, sizeof code, "T%05d", i);
		add_title(job, code, "", "award", "both")->per_block_max = 1;
	}
	for (int i = 0; i < 40000; i++) {
		snprintf(code, sizeof code, "T%05d", i % 5000);
		n = add_nominee(job, i % 2 ? "" : "GV01", "", code);
		n->is_head = true;
		add_block_proposal(job, "X", "", code, 1000 + (uint64_t)i);
		add_awarded(job, code, 1);
		add_member_discipline(job, "GV09", "", "warning", 0, 0);
	}
	for (int i = 0; i < 40000; i++)
		add_award(job->nominees[BASE_HEAD_GK], "CSTDCS", "", 0, 0, 0);
	run(job);
	ck_assert_uint_eq(found->n, VALIDATE_MAX_FINDINGS + 1);
	expect_at(found, VALIDATE_MAX_FINDINGS, "too_many_findings",
	    FINDING_WARNING, "");
}
END_TEST

START_TEST(test_clip_utf8)
{
	struct findings	*f = findings_new(10);
	char		*msg = malloc(FINDINGS_MAX_TEXT + 100);
	char		*detail = NULL;
	size_t		 len;

	/* "ế" (3 bytes) over and over: the cut must fall between them. */
	for (size_t i = 0; i + 3 < FINDINGS_MAX_TEXT + 100; i += 3)
		memcpy(msg + i, "\xe1\xba\xbf", 3);
	msg[FINDINGS_MAX_TEXT + 99 - (FINDINGS_MAX_TEXT + 99) % 3] = '\0';
	findings_add(f, "x", FINDING_ERROR, "s", &msg, &detail);
	ck_assert_ptr_null(msg);
	len = strlen(f->items[0].message_vi);
	ck_assert_uint_le(len, FINDINGS_MAX_TEXT);
	ck_assert_uint_eq(len % 3, 0);
	ck_assert_str_eq(f->items[0].message_vi + len - 3, "\xe2\x80\xa6");
	ck_assert_str_eq(f->items[0].detail, "");
	findings_end(f);
	findings_end(f);
	ck_assert_uint_eq(f->n, 1);
	findings_free(&f);
	ck_assert_ptr_null(f);
	findings_free(&f);
}
END_TEST

/* -- The job ------------------------------------------------------------ */

static void
run_job(const void *payload, size_t len, struct job_output *out)
{
	struct job_input	in = {
		.job_id = 1, .kind = "validate", .payload = payload,
		.len = len, .timeout_ms = 30000, .worker_name = "w1",
	};

	memset(out, 0, sizeof *out);
	ck_assert_ptr_eq(jobs_find("validate"), &job_validate_kind);
	job_validate_kind.run(&in, out);
}

START_TEST(test_job_round_trip)
{
	Tdkt__ValidateJob	*job = test_base();
	Tdkt__ValidateResult	*result;
	struct job_output	 out;
	struct wire_error	 err;
	size_t			 len;
	void			*payload;

	job->nominees[BASE_BINH_LDTT]->registered = false;
	remove_nominee(job, BASE_SCHOOL_TTLDXS);
	payload = wire_pack(ta, &job->base, &len);
	ck_assert_ptr_nonnull(payload);
	run_job(payload, len, &out);
	ck_assert(out.ok);
	result = (Tdkt__ValidateResult *)wire_unpack(ta,
	    &tdkt__validate_result__descriptor, out.payload, out.len, out.len,
	    &err);
	ck_assert_ptr_nonnull(result);
	ck_assert_uint_eq(result->n_findings, 2);
	ck_assert_str_eq(result->findings[0]->code, "not_registered");
	ck_assert_str_eq(result->findings[0]->severity, "error");
	ck_assert_str_eq(result->findings[0]->subject, "GV02");
	ck_assert_str_eq(result->findings[0]->message_vi, "Ông/bà Trần Thị "
	    "Bình chưa đăng ký thi đua danh hiệu \"Lao động tiên tiến\"");
	ck_assert_str_eq(result->findings[1]->code, "head_without_collective");
	ck_assert_str_eq(result->findings[1]->severity, "warning");
	free(out.payload);

	/* A valid dossier: no findings, and which round it judged. */
	job = test_base();
	job->dossier_id = 42;
	job->version = 7;
	payload = wire_pack(ta, &job->base, &len);
	run_job(payload, len, &out);
	ck_assert(out.ok);
	result = (Tdkt__ValidateResult *)wire_unpack(ta,
	    &tdkt__validate_result__descriptor, out.payload, out.len, out.len,
	    &err);
	ck_assert_ptr_nonnull(result);
	ck_assert_uint_eq(result->n_findings, 0);
	ck_assert_uint_eq(result->dossier_id, 42);
	ck_assert_uint_eq(result->version, 7);
	free(out.payload);
}
END_TEST

START_TEST(test_job_bad_payload)
{
	static const unsigned char	junk[] = { 0x0a, 0xff, 0xff, 0x01 };
	static const unsigned char	bad_utf8[] = { 0x32, 0x02, 0xc3, 0x28 };
	struct job_output		out;

	run_job(junk, sizeof junk, &out);
	ck_assert(!out.ok);
	ck_assert_int_eq(out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	ck_assert_ptr_null(out.payload);
	expect_contains(out.detail, "bad validate payload");
	/* unit_code (field 6) that is not UTF-8. */
	run_job(bad_utf8, sizeof bad_utf8, &out);
	ck_assert(!out.ok);
	ck_assert_int_eq(out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	/* Nothing at all is an empty job, which passes. */
	run_job("", 0, &out);
	ck_assert(out.ok);
	free(out.payload);
}
END_TEST

static Suite *
validate_rules_suite(void)
{
	Suite	*s = suite_create("validate_rules");
	TCase	*tc;

	tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_test(tc, test_valid_dossier);
	tcase_add_test(tc, test_missing_document);
	tcase_add_test(tc, test_missing_document_only_wanted_forms);
	tcase_add_test(tc, test_document_not_inspected);
	tcase_add_test(tc, test_pdf_unreadable);
	tcase_add_test(tc, test_pdf_slot_wrong_format);
	tcase_add_test(tc, test_editable_mismatch);
	tcase_add_test(tc, test_editable_extension_any_case);
	tcase_add_test(tc, test_checksum_mismatch);
	tcase_add_test(tc, test_no_nominees);
	tcase_add_test(tc, test_no_meeting);
	tcase_add_test(tc, test_quorum);
	tcase_add_test(tc, test_unknown_title);
	tcase_add_test(tc, test_target_mismatch);
	tcase_add_test(tc, test_not_registered);
	tcase_add_test(tc, test_forms_need_no_registration);
	tcase_add_test(tc, test_collective_discipline);
	tcase_add_test(tc, test_collective_discipline_not_in_force);
	tcase_add_test(tc, test_pending_matter);
	tcase_add_test(tc, test_pending_matter_of_unit);
	tcase_add_test(tc, test_two_forms_in_dossier);
	tcase_add_test(tc, test_form_for_same_achievement);
	tcase_add_test(tc, test_form_unknown_code_counts);
	tcase_add_test(tc, test_form_campaign_not_counted);
	tcase_add_test(tc, test_interval);
	tcase_add_test(tc, test_interval_from_decision_date);
	tcase_add_test(tc, test_interval_campaign_not_counted);
	tcase_add_test(tc, test_title_chain);
	tcase_add_test(tc, test_title_chain_by_award);
	tcase_add_test(tc, test_quota);
	tcase_add_test(tc, test_block_limit);
	tcase_add_test(tc, test_block_limit_names_units);
	tcase_add_test(tc, test_head_without_collective);
	tcase_add_test(tc, test_head_with_collective);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_test(tc, test_several_problems_in_order);
	tcase_add_test(tc, test_findings_capped);
	tcase_add_test(tc, test_findings_byte_budget);
	suite_add_tcase(s, tc);

	tc = tcase_create("robust");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	/* A job of 40,000 of everything: seconds under ASan on a busy box. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_empty_job);
	tcase_add_test(tc, test_absent_submessages);
	tcase_add_test(tc, test_hostile_values);
	tcase_add_test(tc, test_large_job);
	tcase_add_test(tc, test_clip_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("job");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_test(tc, test_job_round_trip);
	tcase_add_test(tc, test_job_bad_payload);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(validate_rules_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
