/*
 * validate_rules.c - the rules of validate_rules.h, one static function
 * each, run in the order below so that findings come out by rule and,
 * within a rule, in the order of the job's repeated fields.
 *
 * DESIGN NOTES
 *
 * The rules, their finding codes (stable: the server and the clients key on
 * them) and where they come from (seeds in shared/seeds, see DOMAIN.md):
 *
 *   1  missing_document            E  a required document lacks its editable
 *                                     file or its PDF (001 §IV.1.1)
 *   2  document_not_inspected      E  a file's inspection has not come back
 *      checksum_mismatch           E  the stored bytes are not the upload's
 *      pdf_unreadable              E  the PDF slot holds no sound PDF
 *      editable_mismatch           E  the editable file is not what its name
 *                                     says (001 §IV.1.1)
 *   3  no_nominees                 E  an award dossier that proposes nobody
 *   4  no_meeting                  E  a year-end dossier without its council
 *                                     meeting (001 §IV.1.1, biên bản họp)
 *      quorum                      E  the meeting lacked the quorum
 *                                     (001 §II.5)
 *   5  unknown_title               E  a title the rulebook does not have
 *   6  target_mismatch             E  an individual title for the collective
 *                                     or the other way round
 *   7  not_registered              E  an emulation title not registered for
 *                                     (000 §2, 001 §II.2)
 *   8  collective_discipline       E  a member's discipline blocks the
 *                                     collective (000 §2, 001 §II.2)
 *   9  pending_matter              E  a review, investigation, inspection or
 *                                     complaint is open (000 §6)
 *  10  one_achievement_one_form    E  two forms for one achievement
 *                                     (000 §7, 001 §II.4)
 *  11  interval                    E  too soon after the same title (000 §9)
 *  12  (campaign awards are never counted by 10b, 11 and 13: 000 §5,
 *      001 §II.4; see validate_award_counts)
 *  13  title_chain                 E  a title without the one it requires
 *                                     (Luật 2022 Điều 23-24)
 *  14  quota                       E  a title over its share of another
 *                                     (rulebook policy, DOMAIN rule 10)
 *  15  block_limit                 E  a block over its per-block limit, e.g.
 *                                     one flag per block (001 §IV.1.1)
 *  16  head_with_collective        E  the head proposed while the collective
 *                                     is blocked (000 §8)
 *      head_without_collective     W  the head proposed, the collective not
 *
 * Every parameter (quorum, the discipline that blocks, intervals, quotas,
 * chains, block limits) comes from the rulebook through the job; nothing is
 * fixed here. A rule whose parameter is missing (no quorum denominator, an
 * unknown discipline level) does not judge rather than guess.
 *
 * The job crosses a trust boundary, so its sizes are a peer's choice: every
 * lookup goes through a sorted index (validate_index_*) and no rule is
 * quadratic in the job's repeated fields. The indexes hold a key per element
 * of fields the arena already bounded when it unpacked the job.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "validate_rules.h"
#include "xmalloc.h"

/* Dates are clamped to 0001-01-01..9999-12-31 before calendar arithmetic. */
#define VALIDATE_DATE_MIN	(-719162)
#define VALIDATE_DATE_MAX	2932896

/* Other units named by block_limit before "và N đơn vị khác". */
#define VALIDATE_BLOCK_NAMES	5

struct validate_key {
	const char	*k1;
	const char	*k2;
	size_t		 i;		/* index in the job's repeated field */
};

/* Keys sorted by (k1, k2, i): equal keys are in input order. */
struct validate_index {
	struct validate_key	*keys;
	size_t			 n;
	size_t			 cap;
};

struct validate {
	const Tdkt__ValidateJob		*job;
	struct findings			*out;

	/* Keyed by: */
	struct validate_index	titles;		/* code */
	struct validate_index	required;	/* code */
	struct validate_index	documents;	/* document, slot */
	struct validate_index	by_title;	/* nominee: title */
	struct validate_index	by_person;	/* nominee: person, title */
	struct validate_index	forms;		/* nominee for a form: person */
	struct validate_index	awarded;	/* collective.awarded: code */
	struct validate_index	block;		/* block_proposals: code */

	/* Rule 8, worked out once: the member discipline blocking the unit. */
	const Tdkt__ValidateDiscipline	*blocker;	/* the first, or NULL */
	size_t				 nblockers;
	bool				 collective_nominated;
};

struct validate_name {
	const char	*code;
	const char	*vi;
};

/* Discipline levels, lightest first: their order is the rule's. */
static const struct validate_name validate_disciplines[] = {
	{ "reprimand", "khiển trách" },
	{ "warning", "cảnh cáo" },
	{ "removal", "cách chức" },
	{ "dismissal", "buộc thôi việc" },
};

static const struct validate_name validate_pendings[] = {
	{ "review", "đang bị xem xét kỷ luật" },
	{ "investigation", "đang bị điều tra" },
	{ "inspection", "đang bị thanh tra, kiểm tra" },
	{ "complaint", "đang có khiếu nại, tố cáo đang được xác minh" },
};

/* InspectFileResult.problem, as the school should read it. */
static const struct validate_name validate_problems[] = {
	{ "not_pdf", "không phải tệp PDF" },
	{ "truncated", "tệp PDF bị cắt cụt, không đầy đủ" },
	{ "damaged", "tệp PDF bị hỏng" },
	{ "encrypted", "tệp PDF có mật khẩu, không mở được" },
	{ "no_pages", "tệp PDF không có trang nào" },
	{ "too_complex", "tệp PDF quá phức tạp, không mở được trong giới hạn "
	    "thời gian, bộ nhớ" },
	{ "sha256_mismatch", "tệp bị sai lệch so với bản đã tải lên" },
};

/* InspectFileResult.format, as the school should read it. */
static const struct validate_name validate_formats[] = {
	{ "pdf", "tệp PDF" },
	{ "docx", "tệp Word (.docx)" },
	{ "xlsx", "tệp Excel (.xlsx)" },
	{ "pptx", "tệp PowerPoint (.pptx)" },
	{ "odt", "tệp văn bản OpenDocument (.odt)" },
	{ "ods", "tệp bảng tính OpenDocument (.ods)" },
	{ "odp", "tệp trình chiếu OpenDocument (.odp)" },
	{ "doc", "tệp Word cũ (.doc)" },
	{ "xls", "tệp Excel cũ (.xls)" },
	{ "ppt", "tệp PowerPoint cũ (.ppt)" },
	{ "zip", "tệp nén ZIP" },
};

/*
 * The editable formats, each named by its own extension: a file in the
 * editable slot must be one of them and its name must end in it.
 */
static const char *const validate_editable_formats[] = {
	"docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt",
};

#define VALIDATE_NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* The index of `code` in `table`, or -1. */
static int
validate_name_find(const struct validate_name *table, size_t n,
    const char *code)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].code, code) == 0)
			return (int)i;
	}
	return -1;
}

/* -- Indexes ------------------------------------------------------------ */

static void
validate_index_add(struct validate_index *ix, const char *k1, const char *k2,
    size_t i)
{
	if (ix->n == ix->cap) {
		ix->cap = ix->cap == 0 ? 16 : ix->cap * 2;
		ix->keys = xreallocarray(ix->keys, ix->cap, sizeof *ix->keys);
	}
	ix->keys[ix->n].k1 = k1;
	ix->keys[ix->n].k2 = k2;
	ix->keys[ix->n].i = i;
	ix->n++;
}

static int
validate_key_cmp(const void *pa, const void *pb)
{
	const struct validate_key	*a = pa, *b = pb;
	int				 c;

	if ((c = strcmp(a->k1, b->k1)) != 0)
		return c;
	if ((c = strcmp(a->k2, b->k2)) != 0)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

static void
validate_index_sort(struct validate_index *ix)
{
	if (ix->n > 1)
		qsort(ix->keys, ix->n, sizeof *ix->keys, validate_key_cmp);
}

/* The position of the first key (k1, k2), the earliest in input; or n. */
static size_t
validate_index_find(const struct validate_index *ix, const char *k1,
    const char *k2)
{
	size_t	lo = 0, hi = ix->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(ix->keys[mid].k1, k1)) == 0)
			c = strcmp(ix->keys[mid].k2, k2);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && strcmp(ix->keys[lo].k1, k1) == 0 &&
	    strcmp(ix->keys[lo].k2, k2) == 0)
		return lo;
	return ix->n;
}

/* True if the key at position `p` is (k1, k2). */
static bool
validate_index_is(const struct validate_index *ix, size_t p, const char *k1,
    const char *k2)
{
	return p < ix->n && strcmp(ix->keys[p].k1, k1) == 0 &&
	    strcmp(ix->keys[p].k2, k2) == 0;
}

static size_t
validate_index_count(const struct validate_index *ix, const char *k1,
    const char *k2)
{
	size_t	p = validate_index_find(ix, k1, k2), n = 0;

	while (validate_index_is(ix, p + n, k1, k2))
		n++;
	return n;
}

static void
validate_index_free(struct validate_index *ix)
{
	free(ix->keys);
	ix->keys = NULL;
	ix->n = ix->cap = 0;
}

/* -- Names, dates and small judgements ---------------------------------- */

static const Tdkt__ValidateTitle *
validate_title(const struct validate *v, const char *code)
{
	size_t	p = validate_index_find(&v->titles, code, "");

	return p < v->titles.n ? v->job->titles[v->titles.keys[p].i] : NULL;
}

/* The title's name in the rulebook, or its code. */
static const char *
validate_title_name(const struct validate *v, const char *code)
{
	const Tdkt__ValidateTitle	*t = validate_title(v, code);

	return t != NULL && t->name[0] != '\0' ? t->name : code;
}

/* "Danh hiệu" for an emulation title, "Hình thức" for an award form. */
static const char *
validate_title_word(const Tdkt__ValidateTitle *t)
{
	return strcmp(t->kind, "award") == 0 ? "Hình thức" : "Danh hiệu";
}

static bool
validate_is_form(const Tdkt__ValidateTitle *t)
{
	return t != NULL && strcmp(t->kind, "award") == 0;
}

/* The required document's name, or its code. */
static const char *
validate_document_name(const struct validate *v, const char *code)
{
	size_t				 p;
	const Tdkt__ValidateDocumentType *dt;

	p = validate_index_find(&v->required, code, "");
	if (p == v->required.n)
		return code;
	dt = v->job->required[v->required.keys[p].i];
	return dt->name[0] != '\0' ? dt->name : code;
}

static bool
validate_is_collective(const Tdkt__ValidateNominee *n)
{
	return n->person_code[0] == '\0';
}

/* A nominee finding's subject: the person's code, or the unit's. */
static const char *
validate_subject(const struct validate *v, const Tdkt__ValidateNominee *n)
{
	return validate_is_collective(n) ? v->job->unit_code : n->person_code;
}

/* How a message names the nominee: "Ông/bà" or "Tập thể", then this. */
static const char *
validate_who(const Tdkt__ValidateNominee *n)
{
	return validate_is_collective(n) ? "Tập thể" : "Ông/bà";
}

static const char *
validate_name(const struct validate *v, const Tdkt__ValidateNominee *n)
{
	if (n->full_name[0] != '\0')
		return n->full_name;
	if (!validate_is_collective(n))
		return n->person_code;
	return v->job->unit_name[0] != '\0' ? v->job->unit_name :
	    v->job->unit_code;
}

static int32_t
validate_date_clamp(int32_t d)
{
	if (d < VALIDATE_DATE_MIN)
		return VALIDATE_DATE_MIN;
	if (d > VALIDATE_DATE_MAX)
		return VALIDATE_DATE_MAX;
	return d;
}

/* DD/MM/YYYY, for any day number a peer may send. */
static void
validate_date(int32_t d, char buf[DATE_BUF_SIZE])
{
	date_format_vn(validate_date_clamp(d), buf);
}

/* Whole years from `from` to `to` (negative if `to` is earlier). */
static int
validate_full_years(int32_t from, int32_t to)
{
	int	y1, m1, d1, y2, m2, d2, years;

	date_to_ymd(validate_date_clamp(from), &y1, &m1, &d1);
	date_to_ymd(validate_date_clamp(to), &y2, &m2, &d2);
	years = y2 - y1;
	if (m2 < m1 || (m2 == m1 && d2 < d1))
		years--;
	return years;
}

/* "Quyết định số 12/QĐ-UBND ngày 01/06/2023", as far as the award tells. */
static char *
validate_decision(const Tdkt__ValidateAward *a)
{
	char	date[DATE_BUF_SIZE];

	validate_date(a->decision_date, date);
	if (a->decision_number[0] != '\0' && a->decision_date != 0)
		return xasprintf("Quyết định số %s ngày %s", a->decision_number,
		    date);
	if (a->decision_number[0] != '\0')
		return xasprintf("Quyết định số %s", a->decision_number);
	if (a->decision_date != 0)
		return xasprintf("quyết định ngày %s", date);
	return xstrdup("quyết định trước đây");
}

/* The award's title name: the rulebook's, the award's own, or its code. */
static const char *
validate_award_name(const struct validate *v, const Tdkt__ValidateAward *a)
{
	if (validate_title(v, a->title_code) != NULL)
		return validate_title_name(v, a->title_code);
	return a->title_name[0] != '\0' ? a->title_name : a->title_code;
}

/*
 * Rule 12 (000 §5, 001 §II.4): awards per campaign or topic (theo đợt,
 * chuyên đề) are not a condition for, nor a bar to, other awards. An earlier
 * award that is a campaign one, by its own flag or by its title's in the
 * rulebook, is never counted by one_achievement_one_form (10b), interval
 * (11) or title_chain (13); this is the one place that says so.
 */
static bool
validate_award_counts(const struct validate *v, const Tdkt__ValidateAward *a)
{
	const Tdkt__ValidateTitle	*t = validate_title(v, a->title_code);

	return !a->campaign && (t == NULL || !t->campaign);
}

/* -- The rules ---------------------------------------------------------- */

/*
 * Rule 1, missing_document (001 §IV.1.1: "01 bản file mềm và 01 bản file
 * pdf của báo cáo bản chính"): each required document in each wanted form.
 */
static void
validate_missing_document(struct validate *v)
{
	const Tdkt__ValidateJob	*job = v->job;

	for (size_t i = 0; i < job->n_required; i++) {
		const Tdkt__ValidateDocumentType *dt = job->required[i];
		const char	*name = validate_document_name(v, dt->code);
		bool		 no_editable, no_pdf;
		char		*msg, *detail;

		no_editable = dt->editable && validate_index_find(&v->documents,
		    dt->code, "editable") == v->documents.n;
		no_pdf = dt->pdf && validate_index_find(&v->documents, dt->code,
		    "pdf") == v->documents.n;
		if (no_editable && no_pdf) {
			msg = xasprintf("Chưa đính kèm \"%s\": cần 01 tệp "
			    "chỉnh sửa được và 01 bản PDF của bản chính đã ký",
			    name);
		} else if (no_editable) {
			msg = xasprintf("Chưa đính kèm tệp chỉnh sửa được "
			    "(Word, Excel...) của \"%s\"", name);
		} else if (no_pdf) {
			msg = xasprintf("Chưa đính kèm bản PDF của bản chính "
			    "đã ký của \"%s\"", name);
		} else
			continue;
		detail = xasprintf("required document %s has no %s file",
		    dt->code, no_editable && no_pdf ? "editable and no pdf" :
		    no_editable ? "editable" : "pdf");
		findings_add(v->out, "missing_document", FINDING_ERROR,
		    dt->code, &msg, &detail);
	}
}

/* The format as the school should read it. */
static const char *
validate_format_name(const char *format)
{
	int	k = validate_name_find(validate_formats,
		    VALIDATE_NITEMS(validate_formats), format);

	return k >= 0 ? validate_formats[k].vi : "tệp không rõ định dạng";
}

/* Rule 2, the editable slot: a known editable format, named by the file. */
static void
validate_editable(struct validate *v, const Tdkt__ValidateDocument *d,
    const char *docname)
{
	const char	*format = d->inspection->format;
	const char	*dot = strrchr(d->filename, '.');
	char		 ext[8], *msg, *detail;
	bool		 known = false;
	size_t		 len;

	ext[0] = '\0';
	if (dot != NULL && (len = strlen(dot + 1)) < sizeof ext) {
		for (size_t k = 0; k <= len; k++) {
			char	c = dot[1 + k];

			ext[k] = c >= 'A' && c <= 'Z' ?
			    (char)(c - 'A' + 'a') : c;
		}
	}
	for (size_t k = 0; k < VALIDATE_NITEMS(validate_editable_formats);
	    k++) {
		if (strcmp(ext, validate_editable_formats[k]) == 0)
			known = true;
	}
	if (known && strcmp(ext, format) == 0)
		return;
	if (known) {
		msg = xasprintf("Tệp \"%s\" của \"%s\" có đuôi .%s nhưng thực "
		    "chất là %s; hãy tải lên đúng tệp chỉnh sửa được",
		    d->filename, docname, ext, validate_format_name(format));
	} else {
		msg = xasprintf("Tệp \"%s\" của \"%s\" không phải tệp chỉnh "
		    "sửa được (thực chất là %s); hãy tải lên tệp Word, Excel, "
		    "PowerPoint hoặc OpenDocument", d->filename, docname,
		    validate_format_name(format));
	}
	detail = xasprintf("editable file \"%s\": extension \"%s\", inspected "
	    "format \"%s\"", d->filename, dot != NULL ? dot + 1 : "", format);
	findings_add(v->out, "editable_mismatch", FINDING_ERROR, d->document,
	    &msg, &detail);
}

/* Rule 2, the PDF slot: a PDF that opens, has pages and no password. */
static void
validate_pdf(struct validate *v, const Tdkt__ValidateDocument *d,
    const char *docname)
{
	const Tdkt__InspectFileResult	*ins = d->inspection;
	char				*msg, *detail, *why;
	int				 k;

	if (ins->problem[0] != '\0') {
		k = validate_name_find(validate_problems,
		    VALIDATE_NITEMS(validate_problems), ins->problem);
		why = xstrdup(k >= 0 ? validate_problems[k].vi :
		    "tệp PDF không đọc được");
		detail = xasprintf("pdf problem %s%s%s", ins->problem,
		    ins->detail[0] != '\0' ? ": " : "", ins->detail);
	} else if (strcmp(ins->format, "pdf") != 0) {
		why = xasprintf("không phải tệp PDF mà là %s",
		    validate_format_name(ins->format));
		detail = xasprintf("pdf slot holds format \"%s\"", ins->format);
	} else
		return;
	msg = xasprintf("Bản PDF \"%s\" của \"%s\" không dùng được: %s; hãy "
	    "tải lên bản PDF khác", d->filename, docname, why);
	free(why);
	findings_add(v->out, "pdf_unreadable", FINDING_ERROR, d->document, &msg,
	    &detail);
}

/*
 * Rule 2, every attached file as its inspection (the inspect_file job)
 * found it: inspected at all, unaltered, and the right kind for its slot.
 * One finding per file at most, the most basic first.
 */
static void
validate_document_inspections(struct validate *v)
{
	const Tdkt__ValidateJob	*job = v->job;

	for (size_t i = 0; i < job->n_documents; i++) {
		const Tdkt__ValidateDocument	*d = job->documents[i];
		const char	*docname;
		char		*msg, *detail;

		docname = validate_document_name(v, d->document);
		if (d->inspection == NULL) {
			msg = xasprintf("Tệp \"%s\" của \"%s\" đang được kiểm "
			    "tra; vui lòng nộp lại hồ sơ sau ít phút",
			    d->filename, docname);
			detail = xasprintf("%s file \"%s\" (sha256 %s) has not "
			    "been inspected yet", d->slot, d->filename,
			    d->sha256);
			findings_add(v->out, "document_not_inspected",
			    FINDING_ERROR, d->document, &msg, &detail);
		} else if (strcmp(d->inspection->problem,
		    "sha256_mismatch") == 0) {
			msg = xasprintf("Tệp \"%s\" của \"%s\" bị sai lệch so "
			    "với bản đã tải lên; hãy tải lên lại tệp này",
			    d->filename, docname);
			detail = xasprintf("%s file \"%s\": stored bytes do "
			    "not match sha256 %s%s%s", d->slot, d->filename,
			    d->sha256, d->inspection->detail[0] != '\0' ?
			    ": " : "", d->inspection->detail);
			findings_add(v->out, "checksum_mismatch", FINDING_ERROR,
			    d->document, &msg, &detail);
		} else if (strcmp(d->slot, "pdf") == 0)
			validate_pdf(v, d, docname);
		else if (strcmp(d->slot, "editable") == 0)
			validate_editable(v, d, docname);
	}
}

/* Rule 3, no_nominees: a dossier proposing awards must propose someone. */
static void
validate_no_nominees(struct validate *v)
{
	const char	*purpose = v->job->purpose;
	char		*msg, *detail;

	if (v->job->n_nominees > 0 || (strcmp(purpose, "year_end") != 0 &&
	    strcmp(purpose, "campaign") != 0 && strcmp(purpose, "sudden") != 0))
		return;
	msg = xstrdup("Hồ sơ chưa đề nghị khen thưởng cho cá nhân, tập thể "
	    "nào");
	detail = xasprintf("a %s dossier with no nominees", purpose);
	findings_add(v->out, "no_nominees", FINDING_ERROR, "", &msg, &detail);
}

/*
 * Rule 4, no_meeting (the year-end dossier holds the council's minutes,
 * 001 §IV.1.1) and quorum (001 §II.5: valid only with 2/3 of the members
 * present; the fraction is the rulebook's).
 */
static void
validate_meeting(struct validate *v)
{
	const Tdkt__ValidateCouncil	*c = v->job->council;
	const Tdkt__ValidateRules	*r = v->job->rules;
	char				*msg, *detail;

	if (strcmp(v->job->purpose, "year_end") == 0 &&
	    (c == NULL || !c->recorded)) {
		msg = xstrdup("Chưa có biên bản họp Hội đồng thi đua - khen "
		    "thưởng của đơn vị xét đề nghị khen thưởng");
		detail = xstrdup("year_end dossier without a recorded council "
		    "meeting");
		findings_add(v->out, "no_meeting", FINDING_ERROR, "", &msg,
		    &detail);
	}
	if (c == NULL || !c->recorded || r == NULL ||
	    r->quorum_denominator == 0 ||
	    (uint64_t)c->present * r->quorum_denominator >=
	    (uint64_t)c->members * r->quorum_numerator)
		return;
	msg = xasprintf("Cuộc họp Hội đồng thi đua chỉ có %u/%u thành viên dự, "
	    "chưa đủ %u/%u", (unsigned)c->present, (unsigned)c->members,
	    (unsigned)r->quorum_numerator, (unsigned)r->quorum_denominator);
	detail = xasprintf("%u of %u council members present, quorum %u/%u",
	    (unsigned)c->present, (unsigned)c->members,
	    (unsigned)r->quorum_numerator, (unsigned)r->quorum_denominator);
	findings_add(v->out, "quorum", FINDING_ERROR, "", &msg, &detail);
}

/* Rule 5, unknown_title: every proposal names a title of the rulebook. */
static void
validate_unknown_title(struct validate *v)
{
	for (size_t i = 0; i < v->job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = v->job->nominees[i];
		char				*msg, *detail;

		if (validate_title(v, n->title_code) != NULL)
			continue;
		msg = xasprintf("%s %s được đề nghị \"%s\", không có trong "
		    "danh mục danh hiệu, hình thức khen thưởng của quy định "
		    "thi đua năm nay", validate_who(n), validate_name(v, n),
		    n->title_code);
		detail = xasprintf("title \"%s\" is not in the rulebook",
		    n->title_code);
		findings_add(v->out, "unknown_title", FINDING_ERROR,
		    validate_subject(v, n), &msg, &detail);
	}
}

/*
 * Rule 6, target_mismatch: individual titles to people, collective ones to
 * the unit, those for both to either.
 */
static void
validate_target(struct validate *v)
{
	for (size_t i = 0; i < v->job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = v->job->nominees[i];
		const Tdkt__ValidateTitle	*t = validate_title(v,
						    n->title_code);
		const char			*name = validate_name(v, n);
		char				*msg, *detail;

		if (t == NULL)
			continue;
		if (strcmp(t->target, "individual") == 0 &&
		    validate_is_collective(n)) {
			msg = xasprintf("%s \"%s\" chỉ xét cho cá nhân, không "
			    "đề nghị cho tập thể %s", validate_title_word(t),
			    validate_title_name(v, t->code), name);
			detail = xasprintf("title %s targets individuals; the "
			    "nominee is the collective", t->code);
		} else if (strcmp(t->target, "collective") == 0 &&
		    !validate_is_collective(n)) {
			msg = xasprintf("%s \"%s\" chỉ xét cho tập thể, không "
			    "đề nghị cho cá nhân (ông/bà %s)",
			    validate_title_word(t),
			    validate_title_name(v, t->code), name);
			detail = xasprintf("title %s targets collectives; the "
			    "nominee is person %s", t->code, n->person_code);
		} else
			continue;
		findings_add(v->out, "target_mismatch", FINDING_ERROR,
		    validate_subject(v, n), &msg, &detail);
	}
}

/*
 * Rule 7, not_registered (000 §2, 001 §II.2): an emulation title (kind
 * title) only for whoever registered for it; award forms need no
 * registration.
 */
static void
validate_registered(struct validate *v)
{
	for (size_t i = 0; i < v->job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = v->job->nominees[i];
		const Tdkt__ValidateTitle	*t = validate_title(v,
						    n->title_code);
		char				*msg, *detail;

		if (t == NULL || strcmp(t->kind, "title") != 0 || n->registered)
			continue;
		msg = xasprintf("%s %s chưa đăng ký thi đua danh hiệu \"%s\"",
		    validate_who(n), validate_name(v, n),
		    validate_title_name(v, t->code));
		detail = xasprintf("no registration for title %s", t->code);
		findings_add(v->out, "not_registered", FINDING_ERROR,
		    validate_subject(v, n), &msg, &detail);
	}
}

/* "khiển trách" for "reprimand"; the code itself when unknown. */
static const char *
validate_discipline_name(const char *level)
{
	int	k = validate_name_find(validate_disciplines,
		    VALIDATE_NITEMS(validate_disciplines), level);

	return k >= 0 ? validate_disciplines[k].vi : level;
}

/*
 * Rule 8, worked out once for rules 8 and 16: the member disciplines at or
 * above the rulebook's discipline_blocks_from that are in force during the
 * period (decided by its end, not expired before its start).
 */
static void
validate_find_blockers(struct validate *v)
{
	const Tdkt__ValidateJob		*job = v->job;
	const Tdkt__ValidateCollective	*c = job->collective;
	int				 from;

	if (job->rules == NULL || c == NULL)
		return;
	from = validate_name_find(validate_disciplines,
	    VALIDATE_NITEMS(validate_disciplines),
	    job->rules->discipline_blocks_from);
	if (from < 0)
		return;
	for (size_t i = 0; i < c->n_member_discipline; i++) {
		const Tdkt__ValidateDiscipline	*d = c->member_discipline[i];

		if (validate_name_find(validate_disciplines,
		    VALIDATE_NITEMS(validate_disciplines), d->level) < from ||
		    d->decided_on > job->period_to ||
		    (d->effective_to != 0 &&
		    d->effective_to < job->period_from))
			continue;
		if (v->blocker == NULL)
			v->blocker = d;
		v->nblockers++;
	}
}

/* "thành viên Nguyễn Văn B bị kỷ luật cảnh cáo (ngày ...)" and the rest. */
static char *
validate_blocker_text(const struct validate *v)
{
	const Tdkt__ValidateDiscipline	*d = v->blocker;
	const char	*who = d->full_name[0] != '\0' ? d->full_name :
			    d->person_code;
	char		 date[DATE_BUF_SIZE], *text, *more;

	validate_date(d->decided_on, date);
	more = v->nblockers > 1 ? xasprintf(" và %zu trường hợp kỷ luật khác",
	    v->nblockers - 1) : xstrdup("");
	if (d->decided_on != 0)
		text = xasprintf("thành viên %s bị kỷ luật %s (quyết định ngày "
		    "%s)%s", who, validate_discipline_name(d->level), date,
		    more);
	else
		text = xasprintf("thành viên %s bị kỷ luật %s%s", who,
		    validate_discipline_name(d->level), more);
	free(more);
	return text;
}

/*
 * Rule 8, collective_discipline (000 §2, 001 §II.2): a collective with a
 * member disciplined at the rulebook's level or above is not considered.
 */
static void
validate_collective_discipline(struct validate *v)
{
	const Tdkt__ValidateDiscipline	*d = v->blocker;

	if (d == NULL)
		return;
	for (size_t i = 0; i < v->job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = v->job->nominees[i];
		char				*msg, *detail, *why;
		char				 on[DATE_BUF_SIZE];

		if (!validate_is_collective(n))
			continue;
		why = validate_blocker_text(v);
		msg = xasprintf("Tập thể %s không được xét \"%s\" vì có %s",
		    validate_name(v, n), validate_title_name(v, n->title_code),
		    why);
		free(why);
		date_format_iso(validate_date_clamp(d->decided_on), on);
		detail = xasprintf("%zu member disciplines in force block the "
		    "collective (from %s); first: %s %s decided %s",
		    v->nblockers, v->job->rules->discipline_blocks_from,
		    d->person_code, d->level, on);
		findings_add(v->out, "collective_discipline", FINDING_ERROR,
		    validate_subject(v, n), &msg, &detail);
	}
}

/* The collective's own open matters, or none. */
static size_t
validate_unit_pending(const struct validate *v,
    Tdkt__ValidatePending *const **list)
{
	const Tdkt__ValidateCollective	*c = v->job->collective;

	if (c == NULL || c->n_pending == 0) {
		*list = NULL;
		return 0;
	}
	*list = (Tdkt__ValidatePending *const *)c->pending;
	return c->n_pending;
}

/* "đang bị điều tra" for "investigation". */
static const char *
validate_pending_name(const char *kind)
{
	int	k = validate_name_find(validate_pendings,
		    VALIDATE_NITEMS(validate_pendings), kind);

	return k >= 0 ? validate_pendings[k].vi :
	    "đang có vụ việc chưa giải quyết xong";
}

/*
 * Rule 9, pending_matter (000 §6): nobody under disciplinary review,
 * investigation, inspection or with a complaint being verified is proposed;
 * for the collective, the unit's own open matters count too.
 */
static void
validate_pending(struct validate *v)
{
	Tdkt__ValidatePending *const	*unit;
	size_t				 nunit;

	nunit = validate_unit_pending(v, &unit);

	for (size_t i = 0; i < v->job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = v->job->nominees[i];
		const Tdkt__ValidatePending	*p;
		size_t				 count = n->n_pending;
		char				 date[DATE_BUF_SIZE], *msg;
		char				*detail, *since, *more;

		if (validate_is_collective(n))
			count += nunit;
		if (count == 0)
			continue;
		p = n->n_pending > 0 ? n->pending[0] : unit[0];
		validate_date(p->opened_on, date);
		since = p->opened_on != 0 ? xasprintf(" (từ ngày %s)", date) :
		    xstrdup("");
		more = count > 1 ? xasprintf("; còn %zu vụ việc khác",
		    count - 1) : xstrdup("");
		msg = xasprintf("%s %s %s%s%s, chưa được đề nghị khen thưởng",
		    validate_who(n), validate_name(v, n),
		    validate_pending_name(p->kind), since, more);
		detail = xasprintf("%zu open matters; first: %s%s%s", count,
		    p->kind, p->note[0] != '\0' ? ": " : "", p->note);
		free(since);
		free(more);
		findings_add(v->out, "pending_matter", FINDING_ERROR,
		    validate_subject(v, n), &msg, &detail);
	}
}

/*
 * The first of the nominee's earlier forms (they come newest first) whose
 * achievement period overlaps this period, or NULL; *from and *to (OUT) are
 * that achievement period as judged.
 */
static const Tdkt__ValidateAward *
validate_overlapping_form(const struct validate *v,
    const Tdkt__ValidateNominee *n, int32_t *from, int32_t *to)
{
	const Tdkt__ValidateJob	*job = v->job;

	for (size_t k = 0; k < n->n_awards; k++) {
		const Tdkt__ValidateAward	*a = n->awards[k];
		const Tdkt__ValidateTitle	*t = validate_title(v,
						    a->title_code);

		/* A code the rulebook lacks counts as a form. */
		if ((t != NULL && !validate_is_form(t)) ||
		    !validate_award_counts(v, a))
			continue;
		/* A missing end is the other end; none: the decision's day. */
		*from = a->achievement_from != 0 ? a->achievement_from :
		    a->achievement_to;
		*to = a->achievement_to != 0 ? a->achievement_to :
		    a->achievement_from;
		if (*from == 0 && *to == 0)
			*from = *to = a->decision_date;
		if (*from == 0 && *to == 0)
			continue;
		if (*from <= job->period_to && *to >= job->period_from)
			return a;
	}
	return NULL;
}

/*
 * Rule 10, one_achievement_one_form (000 §7, 001 §II.4): (a) one nominee
 * proposed for two award forms in this dossier; (b) a nominee proposed for
 * a form who already has a form for an achievement overlapping this period.
 * The same form again for a later achievement is fine (001 §II.4), and
 * campaign awards never count (rule 12).
 */
static void
validate_one_form(struct validate *v)
{
	const Tdkt__ValidateJob	*job = v->job;

	for (size_t i = 0; i < job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = job->nominees[i];
		const Tdkt__ValidateNominee	*first;
		const Tdkt__ValidateAward	*a;
		const char			*tname;
		char				*msg, *detail, *dec;
		char				 df[DATE_BUF_SIZE];
		char				 dt[DATE_BUF_SIZE];
		int32_t				 from, to;
		size_t				 p;

		if (!validate_is_form(validate_title(v, n->title_code)))
			continue;
		tname = validate_title_name(v, n->title_code);
		p = validate_index_find(&v->forms, n->person_code, "");
		first = job->nominees[v->forms.keys[p].i];
		if (first != n) {
			if (strcmp(first->title_code, n->title_code) == 0)
				msg = xasprintf("%s %s được đề nghị hai lần "
				    "\"%s\" cho cùng một thành tích",
				    validate_who(n), validate_name(v, n),
				    tname);
			else
				msg = xasprintf("%s %s được đề nghị hai hình "
				    "thức khen thưởng cho cùng một thành tích: "
				    "\"%s\" và \"%s\"", validate_who(n),
				    validate_name(v, n), validate_title_name(v,
				    first->title_code), tname);
			detail = xasprintf("award forms %s and %s proposed for "
			    "the same nominee", first->title_code,
			    n->title_code);
			findings_add(v->out, "one_achievement_one_form",
			    FINDING_ERROR, validate_subject(v, n), &msg,
			    &detail);
		}
		if ((a = validate_overlapping_form(v, n, &from, &to)) == NULL)
			continue;
		dec = validate_decision(a);
		validate_date(from, df);
		validate_date(to, dt);
		if (from == to)
			msg = xasprintf("%s %s đã được khen \"%s\" (%s) cho "
			    "thành tích trong năm nay; không đề nghị thêm "
			    "\"%s\" cho cùng thành tích", validate_who(n),
			    validate_name(v, n), validate_award_name(v, a),
			    dec, tname);
		else
			msg = xasprintf("%s %s đã được khen \"%s\" (%s) cho "
			    "thành tích từ %s đến %s; không đề nghị thêm "
			    "\"%s\" cho cùng thành tích", validate_who(n),
			    validate_name(v, n), validate_award_name(v, a),
			    dec, df, dt, tname);
		detail = xasprintf("earlier form %s (decision %s) overlaps the "
		    "period of the proposed %s", a->title_code,
		    a->decision_number, n->title_code);
		free(dec);
		findings_add(v->out, "one_achievement_one_form", FINDING_ERROR,
		    validate_subject(v, n), &msg, &detail);
	}
}

/*
 * Rule 11, interval (000 §9): a title with a minimum interval is proposed
 * again only that many full years after the achievement period written in
 * the previous award's decision (its end), or, where the decision has none,
 * after the decision's date; counted to this period's end. Campaign awards
 * do not count (rule 12).
 */
static void
validate_interval(struct validate *v)
{
	const Tdkt__ValidateJob	*job = v->job;

	for (size_t i = 0; i < job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = job->nominees[i];
		const Tdkt__ValidateTitle	*t = validate_title(v,
						    n->title_code);
		const Tdkt__ValidateAward	*last = NULL;
		int32_t				 last_from = 0;
		char				*msg, *detail, *dec;
		char				 df[DATE_BUF_SIZE];
		int				 years;

		if (t == NULL || t->min_interval_years == 0)
			continue;
		for (size_t k = 0; k < n->n_awards; k++) {
			const Tdkt__ValidateAward	*a = n->awards[k];
			int32_t				 from;

			if (strcmp(a->title_code, t->code) != 0 ||
			    !validate_award_counts(v, a))
				continue;
			from = a->achievement_to != 0 ? a->achievement_to :
			    a->decision_date;
			if (from == 0 || validate_full_years(from,
			    job->period_to) >= (int64_t)t->min_interval_years)
				continue;
			if (last == NULL || from > last_from) {
				last = a;
				last_from = from;
			}
		}
		if (last == NULL)
			continue;
		years = validate_full_years(last_from, job->period_to);
		dec = validate_decision(last);
		validate_date(last_from, df);
		msg = xasprintf("%s %s đã được \"%s\" theo %s (%s %s); phải "
		    "sau %u năm mới được đề nghị lại", validate_who(n),
		    validate_name(v, n), validate_title_name(v, t->code), dec,
		    last->achievement_to != 0 ? "thành tích đến" : "tính từ",
		    df, (unsigned)t->min_interval_years);
		detail = xasprintf("%d full years from the previous %s "
		    "(decision %s) to the end of the period; %u required",
		    years, t->code, last->decision_number,
		    (unsigned)t->min_interval_years);
		free(dec);
		findings_add(v->out, "interval", FINDING_ERROR,
		    validate_subject(v, n), &msg, &detail);
	}
}

/* Rule 13: the required title earned this period, campaign awards aside. */
static bool
validate_has_required(const struct validate *v,
    const Tdkt__ValidateNominee *n, const char *required)
{
	const Tdkt__ValidateJob	*job = v->job;

	if (validate_index_find(&v->by_person, n->person_code, required) <
	    v->by_person.n)
		return true;
	for (size_t k = 0; k < n->n_awards; k++) {
		const Tdkt__ValidateAward	*a = n->awards[k];
		int32_t				 end;

		if (strcmp(a->title_code, required) != 0 ||
		    !validate_award_counts(v, a))
			continue;
		end = a->achievement_to != 0 ? a->achievement_to :
		    a->decision_date;
		if (end != 0 && end >= job->period_from &&
		    end <= job->period_to)
			return true;
	}
	return false;
}

/*
 * Rule 13, title_chain (Luật 2022 Điều 23-24): a title that requires another
 * the same period (Chiến sĩ thi đua cơ sở needs Lao động tiên tiến) needs the
 * nominee proposed for it in this dossier too, or awarded it for an
 * achievement period ending within this one. Campaign awards do not count
 * (rule 12).
 */
static void
validate_title_chain(struct validate *v)
{
	for (size_t i = 0; i < v->job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = v->job->nominees[i];
		const Tdkt__ValidateTitle	*t = validate_title(v,
						    n->title_code);
		char				*msg, *detail;

		if (t == NULL || t->requires[0] == '\0' ||
		    validate_has_required(v, n, t->requires))
			continue;
		msg = xasprintf("%s %s được đề nghị \"%s\" nhưng chưa đạt và "
		    "chưa được đề nghị \"%s\" trong năm nay", validate_who(n),
		    validate_name(v, n), validate_title_name(v, t->code),
		    validate_title_name(v, t->requires));
		detail = xasprintf("title %s requires %s in the same period",
		    t->code, t->requires);
		findings_add(v->out, "title_chain", FINDING_ERROR,
		    validate_subject(v, n), &msg, &detail);
	}
}

/* Staff of the unit already awarded `code` this period. */
static uint64_t
validate_awarded(const struct validate *v, const char *code)
{
	size_t		 p = validate_index_find(&v->awarded, code, "");
	uint64_t	 sum = 0;

	for (; validate_index_is(&v->awarded, p, code, ""); p++) {
		sum += v->job->collective->awarded[v->awarded.keys[p].i]->count;
		if (sum > UINT32_MAX)	/* no unit is that large */
			return UINT32_MAX;
	}
	return sum;
}

/*
 * Rule 14, quota (a rulebook's policy, DOMAIN rule 10, e.g. the old "CSTDCS
 * at most 15% of LDTT"): the nominees for a title against those proposed
 * here for the title it is a share of, plus those already awarded it.
 */
static void
validate_quota(struct validate *v)
{
	for (size_t i = 0; i < v->job->n_titles; i++) {
		const Tdkt__ValidateTitle	*t = v->job->titles[i];
		uint64_t			 count, of, awarded, limit, pct;
		char				*msg, *detail;

		if (t->quota_of[0] == '\0' || validate_title(v, t->code) != t)
			continue;
		count = validate_index_count(&v->by_title, t->code, "");
		if (count == 0)
			continue;
		of = validate_index_count(&v->by_title, t->quota_of, "");
		awarded = validate_awarded(v, t->quota_of);
		/* Bounded so that the products below cannot overflow. */
		pct = t->quota_max_percent > 1000000 ? 1000000 :
		    t->quota_max_percent;
		if (count * 100 <= pct * (of + awarded))
			continue;
		limit = pct * (of + awarded) / 100;
		msg = xasprintf("Số đề nghị \"%s\" (%llu) vượt quá %u%% số "
		    "\"%s\" (%llu): tối đa %llu",
		    validate_title_name(v, t->code), (unsigned long long)count,
		    (unsigned)t->quota_max_percent,
		    validate_title_name(v, t->quota_of),
		    (unsigned long long)(of + awarded),
		    (unsigned long long)limit);
		detail = xasprintf("%llu nominees for %s > %u%% of %llu %s "
		    "(%llu proposed, %llu awarded)", (unsigned long long)count,
		    t->code, (unsigned)t->quota_max_percent,
		    (unsigned long long)(of + awarded), t->quota_of,
		    (unsigned long long)of, (unsigned long long)awarded);
		findings_add(v->out, "quota", FINDING_ERROR, t->code, &msg,
		    &detail);
	}
}

/* "Trường A, Trường B và 3 đơn vị khác": the block's other proposers. */
static char *
validate_block_units(const struct validate *v, const char *code,
    size_t others)
{
	const Tdkt__ValidateJob	*job = v->job;
	size_t			 p = validate_index_find(&v->block, code, "");
	size_t			 named = 0;
	char			*text = xstrdup(""), *next;

	for (; validate_index_is(&v->block, p, code, "") &&
	    named < VALIDATE_BLOCK_NAMES; p++) {
		const Tdkt__ValidateBlockProposal *bp =
		    job->block_proposals[v->block.keys[p].i];

		if (bp->dossier_id == job->dossier_id)
			continue;
		next = xasprintf("%s%s%s", text, named > 0 ? ", " : "",
		    bp->unit_name[0] != '\0' ? bp->unit_name : bp->unit_code);
		free(text);
		text = next;
		named++;
	}
	if (others > named) {
		next = xasprintf("%s và %zu đơn vị khác", text, others - named);
		free(text);
		text = next;
	}
	return text;
}

/*
 * Rule 15, block_limit (001 §IV.1.1: "01 đơn vị / khối" for the city flag):
 * a title limited per block counts this dossier's proposals with those of
 * the block's other dossiers.
 */
static void
validate_block_limit(struct validate *v)
{
	const Tdkt__ValidateJob	*job = v->job;

	if (job->block_code[0] == '\0')
		return;
	for (size_t i = 0; i < job->n_titles; i++) {
		const Tdkt__ValidateTitle	*t = job->titles[i];
		size_t				 mine, others = 0, p;
		char				*msg, *detail, *units;

		if (t->per_block_max == 0 || validate_title(v, t->code) != t)
			continue;
		if ((mine = validate_index_count(&v->by_title, t->code,
		    "")) == 0)
			continue;
		p = validate_index_find(&v->block, t->code, "");
		for (; validate_index_is(&v->block, p, t->code, ""); p++) {
			if (job->block_proposals[v->block.keys[p].i]->
			    dossier_id != job->dossier_id)
				others++;
		}
		if ((uint64_t)mine + others <= t->per_block_max)
			continue;
		if (others > 0) {
			units = validate_block_units(v, t->code, others);
			msg = xasprintf("Mỗi khối thi đua chỉ được đề nghị %u "
			    "\"%s\"; khối đã có đề nghị của %s",
			    (unsigned)t->per_block_max,
			    validate_title_name(v, t->code), units);
			free(units);
		} else
			msg = xasprintf("Mỗi khối thi đua chỉ được đề nghị %u "
			    "\"%s\"; hồ sơ này đề nghị %zu",
			    (unsigned)t->per_block_max,
			    validate_title_name(v, t->code), mine);
		detail = xasprintf("%zu proposed here + %zu in other dossiers "
		    "of block %s > %u for %s", mine, others, job->block_code,
		    (unsigned)t->per_block_max, t->code);
		findings_add(v->out, "block_limit", FINDING_ERROR, t->code,
		    &msg, &detail);
	}
}

/*
 * Rule 16 (000 §8): the head's award is judged on the achievements of the
 * collective he or she leads. head_with_collective: the collective is
 * blocked (a member's discipline, rule 8, or the unit's open matters);
 * head_without_collective, a warning: nothing proposed for the collective.
 */
static void
validate_head(struct validate *v)
{
	Tdkt__ValidatePending *const	*unit;
	size_t				 nunit;

	nunit = validate_unit_pending(v, &unit);

	for (size_t i = 0; i < v->job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = v->job->nominees[i];
		char				*msg, *detail, *why;

		if (!n->is_head || validate_is_collective(n))
			continue;
		if (v->blocker != NULL || nunit > 0) {
			if (v->blocker != NULL) {
				char	*text = validate_blocker_text(v);

				why = xasprintf("tập thể có %s", text);
				free(text);
			} else
				why = xasprintf("đơn vị %s",
				    validate_pending_name(unit[0]->kind));
			msg = xasprintf("Ông/bà %s là thủ trưởng đơn vị, được "
			    "xét khen thưởng theo thành tích của tập thể; %s "
			    "nên chưa đề nghị \"%s\" cho thủ trưởng",
			    validate_name(v, n), why,
			    validate_title_name(v, n->title_code));
			free(why);
			detail = xasprintf("the head's award follows the "
			    "collective, which is blocked by %s",
			    v->blocker != NULL ? "a member's discipline" :
			    "an open matter of the unit");
			findings_add(v->out, "head_with_collective",
			    FINDING_ERROR, validate_subject(v, n), &msg,
			    &detail);
		} else if (!v->collective_nominated) {
			msg = xasprintf("Ông/bà %s là thủ trưởng đơn vị, được "
			    "xét \"%s\" theo thành tích của tập thể, nhưng hồ "
			    "sơ chưa đề nghị khen thưởng cho tập thể",
			    validate_name(v, n),
			    validate_title_name(v, n->title_code));
			detail = xstrdup("the head's award is judged on the "
			    "collective's achievements; the dossier proposes "
			    "nothing for the collective");
			findings_add(v->out, "head_without_collective",
			    FINDING_WARNING, validate_subject(v, n), &msg,
			    &detail);
		}
	}
}

/* -- Running them ------------------------------------------------------- */

static void
validate_setup(struct validate *v)
{
	const Tdkt__ValidateJob		*job = v->job;
	const Tdkt__ValidateCollective	*c = job->collective;

	for (size_t i = 0; i < job->n_titles; i++)
		validate_index_add(&v->titles, job->titles[i]->code, "", i);
	validate_index_sort(&v->titles);
	for (size_t i = 0; i < job->n_required; i++)
		validate_index_add(&v->required, job->required[i]->code, "", i);
	validate_index_sort(&v->required);
	for (size_t i = 0; i < job->n_documents; i++)
		validate_index_add(&v->documents, job->documents[i]->document,
		    job->documents[i]->slot, i);
	validate_index_sort(&v->documents);
	for (size_t i = 0; i < job->n_nominees; i++) {
		const Tdkt__ValidateNominee	*n = job->nominees[i];

		validate_index_add(&v->by_title, n->title_code, "", i);
		validate_index_add(&v->by_person, n->person_code,
		    n->title_code, i);
		if (validate_is_form(validate_title(v, n->title_code)))
			validate_index_add(&v->forms, n->person_code, "", i);
		if (validate_is_collective(n))
			v->collective_nominated = true;
	}
	validate_index_sort(&v->by_title);
	validate_index_sort(&v->by_person);
	validate_index_sort(&v->forms);
	for (size_t i = 0; c != NULL && i < c->n_awarded; i++)
		validate_index_add(&v->awarded, c->awarded[i]->title_code, "",
		    i);
	validate_index_sort(&v->awarded);
	for (size_t i = 0; i < job->n_block_proposals; i++)
		validate_index_add(&v->block,
		    job->block_proposals[i]->title_code, "", i);
	validate_index_sort(&v->block);
	validate_find_blockers(v);
}

void
validate_rules_run(const Tdkt__ValidateJob *job, struct findings *out)
{
	struct validate	v;

	memset(&v, 0, sizeof v);
	v.job = job;
	v.out = out;
	validate_setup(&v);

	validate_missing_document(&v);		/* 1 */
	validate_document_inspections(&v);	/* 2 */
	validate_no_nominees(&v);		/* 3 */
	validate_meeting(&v);			/* 4 */
	validate_unknown_title(&v);		/* 5 */
	validate_target(&v);			/* 6 */
	validate_registered(&v);		/* 7 */
	validate_collective_discipline(&v);	/* 8 */
	validate_pending(&v);			/* 9 */
	validate_one_form(&v);			/* 10 */
	validate_interval(&v);			/* 11; 12 is in each */
	validate_title_chain(&v);		/* 13 */
	validate_quota(&v);			/* 14 */
	validate_block_limit(&v);		/* 15 */
	validate_head(&v);			/* 16 */
	findings_end(out);

	validate_index_free(&v.titles);
	validate_index_free(&v.required);
	validate_index_free(&v.documents);
	validate_index_free(&v.by_title);
	validate_index_free(&v.by_person);
	validate_index_free(&v.forms);
	validate_index_free(&v.awarded);
	validate_index_free(&v.block);
}
