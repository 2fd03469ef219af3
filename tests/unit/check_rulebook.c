/*
 * check_rulebook.c - unit tests for the rulebook reader (rulebook.c).
 *
 * Three parts. "shipped" loads the two rulebooks in config/rulebooks from
 * the source tree and checks what they say against their guidelines (seeds
 * 001 and 002): dates, documents, blocks, chains. "bad" starts from a small
 * valid rulebook (test_base), breaks one thing at a time and compares every
 * message whole, "file:line:col:" included, since these messages are what
 * an office clerk sees when a rulebook is refused. "robust" feeds hundreds
 * of mutilated copies of the shipped files (lines deleted, doubled, values
 * replaced by lists, mappings, nulls and junk, the file cut short) and asks
 * only that the reader never crashes, leaks or lies: either a rulebook that
 * holds together, or at least one well-formed error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"
#include "date.h"
#include "rulebook.h"
#include "utf8.h"

#ifndef TDKT_SOURCE_DIR
#error "TDKT_SOURCE_DIR must name the source tree"
#endif
#define RULEBOOK_DIR	TDKT_SOURCE_DIR "/config/rulebooks/"

static struct yamltree_errors	 errs;
static struct rulebook		*rb;

static void
rulebook_test_setup(void)
{
	memset(&errs, 0, sizeof errs);
	rb = NULL;
}

static void
rulebook_test_teardown(void)
{
	rulebook_free(&rb);
	yamltree_errors_free(&errs);
}

/* All errors, one a line, for failure messages. */
static const char *
rulebook_test_errors(void)
{
	return testutil_errors_text(errs.items, errs.n);
}

static int32_t
rulebook_test_day(int y, int m, int d)
{
	int32_t	day;

	ck_assert(date_from_ymd(y, m, d, &day));
	return day;
}

/* The whole file, NUL-terminated; the caller frees it. */
static char *
rulebook_test_read(const char *path, size_t *len)
{
	FILE	*fp = fopen(path, "r");
	char	*data;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	data = malloc(RULEBOOK_MAX_FILE_SIZE + 1);
	*len = fread(data, 1, RULEBOOK_MAX_FILE_SIZE, fp);
	data[*len] = '\0';
	fclose(fp);
	return data;
}

static const struct rulebook *
rulebook_test_load(const char *name)
{
	rulebook_free(&rb);
	rb = rulebook_load(name, &errs);
	ck_assert_msg(rb != NULL && errs.n == 0, "%s refused:%s", name,
	    rulebook_test_errors());
	return rb;
}

/*
 * What must hold of any rulebook the reader accepts: every reference
 * resolves, every range is ordered, every list is free of duplicates.
 * Returns what does not hold, or NULL. (Plain tests, not ck_assert: in
 * fork mode every ck_assert is a write to a pipe, and the robustness tests
 * run this thousands of times.)
 */
static const char *
rulebook_test_why_inconsistent(const struct rulebook *r)
{
	if (r->format != RULEBOOK_FORMAT || r->issuer.code == NULL ||
	    r->issuer.line == 0 || r->issuer_name == NULL ||
	    r->document_number == NULL || r->period == NULL)
		return "header";
	if (r->period_from >= r->period_to)
		return "period";
	if (r->nlevels == 0 || r->ntitles == 0 || r->ndossier_types == 0 ||
	    r->nchains == 0)
		return "a required list is empty";
	for (size_t i = 0; i < r->nlevels; i++) {
		if (r->levels[i].name == NULL ||
		    rulebook_level(r, r->levels[i].code) != &r->levels[i])
			return "level";
	}
	for (size_t i = 0; i < r->nphases; i++) {
		const struct rulebook_phase	*ph = &r->phases[i];

		if (rulebook_phase(r, ph->code) != ph || ph->name == NULL ||
		    ph->from > ph->to || ph->from < r->period_from ||
		    ph->to > r->period_to ||
		    (i > 0 && ph->from <= r->phases[i - 1].to))
			return "phase";
	}
	for (size_t i = 0; i < r->ntitles; i++) {
		const struct rulebook_title	*t = &r->titles[i];

		if (rulebook_title(r, t->code) != t || t->name == NULL ||
		    rulebook_level(r, t->decided_by) == NULL)
			return "title";
		if (rulebook_chain(r, t->decided_by) == NULL)
			return "title without a chain";
		if (t->quota_of != NULL && (rulebook_title(r, t->quota_of) ==
		    NULL || t->quota_max_percent < 1 ||
		    t->quota_max_percent > 100))
			return "quota";
		if (t->min_interval_years < 0 || t->min_interval_years > 50 ||
		    t->vote_min_percent < 0 || t->vote_min_percent > 100 ||
		    t->per_block_max < 0)
			return "title parameter";
	}
	for (size_t i = 0; i < r->ndossier_types; i++) {
		const struct rulebook_dossier_type	*dt = &r->dossier_types[i];

		if (rulebook_dossier_type(r, dt->code) != dt || dt->name == NULL ||
		    rulebook_level(r, dt->recipient) == NULL)
			return "dossier type";
		if (dt->opens > dt->closes || dt->hard_deadline < dt->closes ||
		    dt->opens < r->period_from || dt->closes > r->period_to)
			return "window";
		if (dt->phase != NULL && rulebook_phase(r, dt->phase) == NULL)
			return "dossier phase";
		if (dt->ndocuments == 0)
			return "no documents";
		for (size_t j = 0; j < dt->ndocuments; j++) {
			const struct rulebook_document	*d = &dt->documents[j];

			if (d->code == NULL || d->name == NULL ||
			    (!d->editable && !d->pdf))
				return "document";
			for (size_t k = 0; k < j; k++) {
				if (strcmp(d->code, dt->documents[k].code) == 0)
					return "document twice";
			}
		}
	}
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct rulebook_step	*st = &r->steps[i];

		if (st->code == NULL || st->name == NULL ||
		    rulebook_level(r, st->level) == NULL || st->from > st->to ||
		    st->from < r->period_from || st->to > r->period_to)
			return "office step";
	}
	for (size_t i = 0; i < r->nblocks; i++) {
		const struct rulebook_block	*b = &r->blocks[i];
		bool				 leader_in = false;

		if (b->code == NULL || b->name == NULL ||
		    b->school_level == NULL || b->leader.code == NULL ||
		    b->nmembers == 0)
			return "block";
		for (size_t j = 0; j < b->nmembers; j++) {
			if (rulebook_block_of(r, b->members[j].code) != b ||
			    b->members[j].line == 0)
				return "member";
			if (strcmp(b->members[j].code, b->leader.code) == 0)
				leader_in = true;
		}
		if (!leader_in)
			return "leader";
	}
	for (size_t i = 0; i < r->nchains; i++) {
		const struct rulebook_chain	*c = &r->chains[i];

		if (rulebook_chain(r, c->decided_by) != c || c->nsteps == 0 ||
		    strcmp(c->steps[c->nsteps - 1], c->decided_by) != 0)
			return "chain";
		for (size_t j = 0; j < c->nsteps; j++) {
			if (rulebook_level(r, c->steps[j]) == NULL)
				return "chain step";
			for (size_t k = 0; k < j; k++) {
				if (strcmp(c->steps[j], c->steps[k]) == 0)
					return "chain step twice";
			}
		}
	}
	for (size_t i = 0; i < r->nreminder_offsets; i++) {
		if (r->reminder_offsets[i] < -60 || r->reminder_offsets[i] > 365)
			return "reminder offset";
	}
	if (r->quorum_numerator < 1 ||
	    r->quorum_numerator > r->quorum_denominator ||
	    r->quorum_denominator > 100 || r->discipline_blocks_from == NULL)
		return "rules";
	return NULL;
}

static void
rulebook_test_consistent(const struct rulebook *r)
{
	const char	*why = rulebook_test_why_inconsistent(r);

	ck_assert_msg(why == NULL, "inconsistent rulebook: %s", why);
}

/* The rulebooks that ship. */

START_TEST(test_rulebook_q1_header)
{
	const struct rulebook	*r = rulebook_test_load(RULEBOOK_DIR
	    "q1-2023-2024.yaml");

	rulebook_test_consistent(r);
	ck_assert_str_eq(r->issuer.code, "PGDDT-Q1");
	ck_assert_uint_eq(r->issuer.line, 12);
	ck_assert_uint_eq(r->issuer.column, 9);
	ck_assert_str_eq(r->issuer_name, "Phòng Giáo dục và Đào tạo Quận 1");
	ck_assert_str_eq(r->document_number, "1382/HD-GDĐT");
	ck_assert_int_eq(r->document_date, rulebook_test_day(2023, 10, 12));
	ck_assert_str_eq(r->document_title,
	    "Hướng dẫn công tác thi đua, khen thưởng năm học 2023 – 2024");
	ck_assert_int_eq(r->period_kind, RULEBOOK_SCHOOL_YEAR);
	ck_assert_str_eq(r->period, "2023-2024");
	ck_assert_int_eq(r->period_from, rulebook_test_day(2023, 9, 1));
	ck_assert_int_eq(r->period_to, rulebook_test_day(2024, 8, 31));
	/* Folded: one line, no trailing newline. */
	ck_assert_str_eq(r->theme, "Đổi mới, sáng tạo trong quản lý, giảng "
	    "dạy và học tập; thi đua “Dạy tốt – học tốt”");
	ck_assert_uint_eq(r->nlegal_basis, 7);
	ck_assert_str_eq(r->legal_basis[0],
	    "Luật Thi đua, khen thưởng số 06/2022/QH15");
	ck_assert_uint_eq(r->nphases, 0);

	ck_assert_uint_eq(r->nlevels, 7);
	ck_assert_str_eq(r->levels[0].code, "school");
	ck_assert_str_eq(r->levels[2].code, "district_office");
	ck_assert_str_eq(r->levels[6].code, "state");
	ck_assert_str_eq(rulebook_level(r, "city")->name,
	    "Ủy ban nhân dân Thành phố Hồ Chí Minh");

	ck_assert_uint_eq(r->nreminder_offsets, 5);
	ck_assert_int_eq(r->reminder_offsets[0], 7);
	ck_assert_int_eq(r->reminder_offsets[3], 0);
	ck_assert_int_eq(r->reminder_offsets[4], -1);
	ck_assert_uint_eq(r->nreminder_channels, 3);
	ck_assert_str_eq(r->reminder_channels[0], "inbox");
	ck_assert_str_eq(r->reminder_channels[2], "push");
	ck_assert_int_eq(r->quorum_numerator, 2);
	ck_assert_int_eq(r->quorum_denominator, 3);
	ck_assert_str_eq(r->discipline_blocks_from, "warning");
	ck_assert_int_eq(r->block_leader_bonus_max, 5);
}
END_TEST

START_TEST(test_rulebook_q1_titles)
{
	const struct rulebook		*r = rulebook_test_load(RULEBOOK_DIR
	    "q1-2023-2024.yaml");
	const struct rulebook_title	*t;

	ck_assert_uint_eq(r->ntitles, 8);
	t = rulebook_title(r, "LDTT");
	ck_assert_str_eq(t->name, "Lao động tiên tiến");
	ck_assert_int_eq(t->kind, RULEBOOK_TITLE);
	ck_assert_int_eq(t->target, RULEBOOK_INDIVIDUAL);
	ck_assert_str_eq(t->decided_by, "school");
	ck_assert_int_eq(t->vote_min_percent, 0);
	ck_assert_ptr_null(t->quota_of);
	ck_assert(!t->campaign);

	t = rulebook_title(r, "CSTDCS");
	ck_assert_str_eq(t->decided_by, "district");
	ck_assert_int_eq(t->vote_min_percent, 80);
	/* No CSTDCS/LDTT ratio in District 1 (DOMAIN rule 10). */
	ck_assert_ptr_null(t->quota_of);

	t = rulebook_title(r, "CO_TP");
	ck_assert_str_eq(t->name, "Cờ thi đua của Ủy ban nhân dân Thành phố");
	ck_assert_int_eq(t->target, RULEBOOK_COLLECTIVE);
	ck_assert_str_eq(t->decided_by, "city");
	ck_assert_int_eq(t->per_block_max, 1);
	ck_assert_int_eq(t->vote_min_percent, 80);
	ck_assert_str_eq(t->source, "1382/HD-GDĐT mục IV.1.1 (01 đơn vị/khối)");

	t = rulebook_title(r, "CO_CP");
	ck_assert_str_eq(t->decided_by, "government");
	t = rulebook_title(r, "GK");
	ck_assert_int_eq(t->kind, RULEBOOK_AWARD);
	ck_assert_int_eq(t->target, RULEBOOK_BOTH);
	ck_assert_ptr_nonnull(rulebook_title(r, "TTLDTT"));
	ck_assert_ptr_nonnull(rulebook_title(r, "TTLDXS"));
	ck_assert_ptr_nonnull(rulebook_title(r, "BK_UBND"));
	ck_assert_ptr_null(rulebook_title(r, "NGTB"));
	ck_assert_ptr_null(rulebook_title(r, "ldtt"));	/* codes are exact */
	for (size_t i = 0; i < r->ntitles; i++) {
		ck_assert(!r->titles[i].campaign);
		ck_assert_int_eq(r->titles[i].min_interval_years, 0);
	}
}
END_TEST

START_TEST(test_rulebook_q1_dossiers)
{
	const struct rulebook			*r = rulebook_test_load(
	    RULEBOOK_DIR "q1-2023-2024.yaml");
	const struct rulebook_dossier_type	*dt;

	ck_assert_uint_eq(r->ndossier_types, 5);

	dt = rulebook_dossier_type(r, "DANG_KY");
	ck_assert_int_eq(dt->purpose, RULEBOOK_REGISTRATION);
	ck_assert_int_eq(dt->submitter, RULEBOOK_SUBMITTER_UNIT);
	ck_assert_str_eq(dt->recipient, "district_office");
	ck_assert_int_eq(dt->closes, rulebook_test_day(2023, 10, 27));
	ck_assert_int_eq(dt->hard_deadline, dt->closes);	/* the default */
	ck_assert_uint_eq(dt->ndocuments, 3);
	ck_assert_ptr_null(dt->phase);

	dt = rulebook_dossier_type(r, "KHOI_DANG_KY");
	ck_assert_int_eq(dt->purpose, RULEBOOK_BLOCK_REGISTRATION);
	ck_assert_int_eq(dt->submitter, RULEBOOK_SUBMITTER_BLOCK_LEADER);
	ck_assert_int_eq(dt->closes, rulebook_test_day(2023, 11, 10));
	ck_assert_uint_eq(dt->ndocuments, 6);
	/* A comma inside a name: all of it, quoted in the file. */
	ck_assert_str_eq(dt->documents[4].name,
	    "Bảng đăng ký công trình, chuyên đề thi đua");

	dt = rulebook_dossier_type(r, "KHOI_LAN_2");
	ck_assert_int_eq(dt->purpose, RULEBOOK_BLOCK_REPORT);
	ck_assert_int_eq(dt->closes, rulebook_test_day(2024, 1, 26));
	ck_assert_uint_eq(dt->ndocuments, 2);

	dt = rulebook_dossier_type(r, "CUOI_NAM");
	ck_assert_str_eq(dt->name, "Hồ sơ đề nghị khen thưởng cuối năm học");
	ck_assert_int_eq(dt->purpose, RULEBOOK_YEAR_END);
	ck_assert_int_eq(dt->submitter, RULEBOOK_SUBMITTER_UNIT);
	ck_assert_int_eq(dt->opens, rulebook_test_day(2024, 5, 15));
	ck_assert_int_eq(dt->closes, rulebook_test_day(2024, 5, 28));
	ck_assert_int_eq(dt->hard_deadline, rulebook_test_day(2024, 6, 3));
	ck_assert_uint_eq(dt->ndocuments, 5);
	ck_assert_str_eq(dt->documents[0].code, "TO_TRINH");
	ck_assert_str_eq(dt->documents[0].name, "Tờ trình");
	ck_assert_str_eq(dt->documents[2].name, "Danh sách và tóm tắt thành "
	    "tích (tập thể, cá nhân) đề nghị khen thưởng");
	ck_assert_str_eq(dt->documents[4].code, "QD_LDTT");

	dt = rulebook_dossier_type(r, "KHOI_BINH_CHON_CO");
	ck_assert_int_eq(dt->purpose, RULEBOOK_BLOCK_FLAG_VOTE);
	ck_assert_int_eq(dt->submitter, RULEBOOK_SUBMITTER_BLOCK_LEADER);
	ck_assert_int_eq(dt->opens, rulebook_test_day(2024, 5, 29));
	ck_assert_int_eq(dt->closes, rulebook_test_day(2024, 5, 31));
	ck_assert_int_eq(dt->hard_deadline, rulebook_test_day(2024, 6, 3));
	ck_assert_uint_eq(dt->ndocuments, 4);
	ck_assert_str_eq(dt->documents[1].name, "Biên bản họp khối thi đua "
	    "(bỏ phiếu Tập thể Lao động xuất sắc, Cờ thi đua Thành phố, Cờ "
	    "thi đua Chính phủ)");

	/* 01 bản file mềm và 01 bản file pdf, for every document. */
	for (size_t i = 0; i < r->ndossier_types; i++) {
		for (size_t j = 0; j < r->dossier_types[i].ndocuments; j++) {
			ck_assert(r->dossier_types[i].documents[j].editable);
			ck_assert(r->dossier_types[i].documents[j].pdf);
		}
	}
	ck_assert_ptr_null(rulebook_dossier_type(r, "NONE"));
}
END_TEST

START_TEST(test_rulebook_q1_steps_blocks)
{
	const struct rulebook		*r = rulebook_test_load(RULEBOOK_DIR
	    "q1-2023-2024.yaml");
	const struct rulebook_block	*b;
	static const char *const	 leaders[] = { "Q1-MN-BENGOAN",
	    "Q1-MN-BENTHANH", "Q1-TH-DINHTIENHOANG", "Q1-TH-KETDOAN",
	    "Q1-THCS-CHUVANAN" };

	ck_assert_uint_eq(r->nsteps, 3);
	ck_assert_str_eq(r->steps[0].code, "TONG_HOP");
	ck_assert_str_eq(r->steps[0].level, "district_office");
	ck_assert_int_eq(r->steps[0].from, rulebook_test_day(2024, 6, 4));
	ck_assert_int_eq(r->steps[0].to, rulebook_test_day(2024, 6, 7));
	ck_assert_int_eq(r->steps[1].from, rulebook_test_day(2024, 6, 10));
	ck_assert_int_eq(r->steps[1].to, rulebook_test_day(2024, 6, 12));
	ck_assert_str_eq(r->steps[2].code, "GUI_HOI_DONG");
	ck_assert_int_eq(r->steps[2].from, rulebook_test_day(2024, 6, 13));
	ck_assert_int_eq(r->steps[2].to, rulebook_test_day(2024, 6, 19));

	/* 2 preschool, 2 primary, 1 lower secondary (mục IV.2.1). */
	ck_assert_uint_eq(r->nblocks, 5);
	for (size_t i = 0; i < r->nblocks; i++)
		ck_assert_str_eq(r->blocks[i].leader.code, leaders[i]);
	b = &r->blocks[0];
	ck_assert_str_eq(b->code, "MN1");
	ck_assert_str_eq(b->name, "Khối thi đua mầm non 1");
	ck_assert_str_eq(b->school_level, "preschool");
	/* Q1-MN-BENGOAN is Trường Mầm non Bé Ngoan, the leader named in IV.2.1. */
	ck_assert_str_eq(b->leader.code, "Q1-MN-BENGOAN");
	ck_assert_uint_eq(b->leader.line, 181);
	ck_assert_uint_eq(b->leader.column, 13);
	ck_assert_uint_eq(b->nmembers, 4);
	ck_assert_str_eq(b->members[0].code, "Q1-MN-BENGOAN");
	ck_assert_uint_eq(b->members[0].line, 182);
	ck_assert_uint_eq(b->members[0].column, 15);
	ck_assert_str_eq(b->members[1].code, "Q1-MN-HOAMAI");
	ck_assert_uint_eq(b->members[1].column, 30);
	ck_assert_str_eq(r->blocks[1].school_level, "preschool");
	ck_assert_str_eq(r->blocks[2].school_level, "primary");
	ck_assert_str_eq(r->blocks[3].school_level, "primary");
	ck_assert_str_eq(r->blocks[4].code, "THCS");
	ck_assert_str_eq(r->blocks[4].school_level, "lower_secondary");

	ck_assert_ptr_eq(rulebook_block_of(r, "Q1-MN-HOAMAI"), &r->blocks[0]);
	ck_assert_ptr_eq(rulebook_block_of(r, "Q1-THCS-DUCTRI"), &r->blocks[4]);
	ck_assert_ptr_null(rulebook_block_of(r, "PGDDT-Q1"));
	ck_assert_ptr_null(rulebook_block_of(r, NULL));
}
END_TEST

START_TEST(test_rulebook_q1_chains)
{
	const struct rulebook		*r = rulebook_test_load(RULEBOOK_DIR
	    "q1-2023-2024.yaml");
	const struct rulebook_chain	*c;

	ck_assert_uint_eq(r->nchains, 4);
	c = rulebook_chain(r, "school");
	ck_assert_uint_eq(c->nsteps, 1);
	c = rulebook_chain(r, "city");
	ck_assert_uint_eq(c->nsteps, 4);
	ck_assert_str_eq(c->steps[0], "school");
	ck_assert_str_eq(c->steps[1], "district_office");
	ck_assert_str_eq(c->steps[2], "district");
	ck_assert_str_eq(c->steps[3], "city");
	c = rulebook_chain(r, "government");
	ck_assert_uint_eq(c->nsteps, 5);
	ck_assert_str_eq(c->steps[4], "government");
	ck_assert_ptr_null(rulebook_chain(r, "state"));
	ck_assert_ptr_nonnull(rulebook_chain(r, "district"));
}
END_TEST

START_TEST(test_rulebook_quangnam)
{
	const struct rulebook			*r = rulebook_test_load(
	    RULEBOOK_DIR "quangnam-2024.yaml");
	const struct rulebook_title		*t;
	const struct rulebook_dossier_type	*dt;

	rulebook_test_consistent(r);
	ck_assert_str_eq(r->issuer.code, "SGDDT-QNA");
	ck_assert_str_eq(r->issuer_name, "Sở Giáo dục và Đào tạo tỉnh Quảng Nam");
	ck_assert_int_eq(r->period_kind, RULEBOOK_CALENDAR_YEAR);
	ck_assert_str_eq(r->period, "2024");
	ck_assert_int_eq(r->period_from, rulebook_test_day(2024, 1, 1));
	ck_assert_int_eq(r->period_to, rulebook_test_day(2024, 12, 31));
	ck_assert_ptr_nonnull(strstr(r->theme, "Dạy tốt - Học tốt"));

	/* Mục II.1.2: phase 1 until 31/5, phase 2 from 1/6 to 31/12. */
	ck_assert_uint_eq(r->nphases, 2);
	ck_assert_str_eq(r->phases[0].code, "DOT1");
	ck_assert_int_eq(r->phases[0].from, rulebook_test_day(2024, 1, 1));
	ck_assert_int_eq(r->phases[0].to, rulebook_test_day(2024, 5, 31));
	ck_assert_str_eq(r->phases[1].code, "DOT2");
	ck_assert_int_eq(r->phases[1].from, rulebook_test_day(2024, 6, 1));
	ck_assert_int_eq(r->phases[1].to, rulebook_test_day(2024, 12, 31));
	ck_assert_ptr_nonnull(strstr(r->phases[0].name, "Điện Biên Phủ"));
	ck_assert_ptr_nonnull(strstr(r->phases[1].name, "20/11"));

	ck_assert_ptr_nonnull(rulebook_level(r, "department"));
	ck_assert_ptr_nonnull(rulebook_level(r, "province"));
	ck_assert_ptr_nonnull(rulebook_level(r, "ministry"));
	ck_assert_str_eq(r->levels[0].code, "school");

	t = rulebook_title(r, "NGTB");
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->name, "Nhà giáo tiêu biểu của năm");
	ck_assert_int_eq(t->target, RULEBOOK_INDIVIDUAL);
	ck_assert_str_eq(t->decided_by, "ministry");
	ck_assert_ptr_nonnull(strstr(t->source, "4996/QĐ-BGDĐT"));
	ck_assert(rulebook_title(r, "GK_DOT")->campaign);
	ck_assert(rulebook_title(r, "GK_GIAI")->campaign);
	ck_assert(rulebook_title(r, "BK_UBND_CHUYEN_DE")->campaign);
	ck_assert(!rulebook_title(r, "GK_DOT_XUAT")->campaign);
	ck_assert(!rulebook_title(r, "LDTT")->campaign);
	ck_assert_str_eq(rulebook_title(r, "BK_UBND")->decided_by, "province");

	dt = rulebook_dossier_type(r, "DOT1");
	ck_assert_int_eq(dt->purpose, RULEBOOK_CAMPAIGN);
	ck_assert_str_eq(dt->phase, "DOT1");
	ck_assert_str_eq(dt->recipient, "department");
	dt = rulebook_dossier_type(r, "DOT2");
	ck_assert_int_eq(dt->purpose, RULEBOOK_CAMPAIGN);
	ck_assert_str_eq(dt->phase, "DOT2");
	ck_assert_int_le(dt->closes, rulebook_test_day(2024, 12, 31));
	dt = rulebook_dossier_type(r, "DOT_XUAT");
	ck_assert_int_eq(dt->purpose, RULEBOOK_SUDDEN);
	ck_assert_ptr_null(dt->phase);
	ck_assert_int_eq(dt->hard_deadline, dt->closes);
	ck_assert_str_eq(dt->documents[2].code, "MINH_CHUNG");
	ck_assert(!dt->documents[2].editable);
	ck_assert(dt->documents[2].pdf);
	ck_assert(dt->documents[0].editable && dt->documents[0].pdf);
	dt = rulebook_dossier_type(r, "GIOI_THIEU_NGTB");
	ck_assert_int_eq(dt->purpose, RULEBOOK_CAMPAIGN);
	ck_assert_str_eq(dt->phase, "DOT2");
	/* Nominations are in before 20/11, the day the teachers are honoured. */
	ck_assert_int_lt(dt->hard_deadline, rulebook_test_day(2024, 11, 20));
	dt = rulebook_dossier_type(r, "CUOI_NAM");
	ck_assert_int_eq(dt->purpose, RULEBOOK_YEAR_END);
	ck_assert_uint_eq(r->ndossier_types, 5);
	ck_assert_uint_eq(r->ntitles, 13);

	ck_assert_uint_eq(r->nblocks, 0);
	ck_assert_str_eq(rulebook_chain(r, "ministry")->steps[2], "department");
}
END_TEST

START_TEST(test_rulebook_load_missing)
{
	rb = rulebook_load(RULEBOOK_DIR "no-such.yaml", &errs);
	ck_assert_ptr_null(rb);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(errs.items[0], RULEBOOK_DIR "no-such.yaml: could not "
	    "open the rulebook: No such file or directory");
}
END_TEST

START_TEST(test_rulebook_null_and_names)
{
	struct rulebook	*none = NULL;

	rulebook_free(&none);
	ck_assert_ptr_null(none);
	ck_assert_ptr_null(rulebook_title(NULL, "LDTT"));
	ck_assert_ptr_null(rulebook_level(NULL, "school"));
	ck_assert_ptr_null(rulebook_chain(NULL, "school"));
	ck_assert_ptr_null(rulebook_block_of(NULL, "U1"));
	ck_assert_str_eq(rulebook_purpose_name(RULEBOOK_REGISTRATION),
	    "registration");
	ck_assert_str_eq(rulebook_purpose_name(RULEBOOK_BLOCK_FLAG_VOTE),
	    "block_flag_vote");
	ck_assert_str_eq(rulebook_purpose_name(RULEBOOK_SUDDEN), "sudden");
	ck_assert_str_eq(rulebook_purpose_name((enum rulebook_purpose)99),
	    "unknown");
	ck_assert_str_eq(rulebook_target_name(RULEBOOK_INDIVIDUAL),
	    "individual");
	ck_assert_str_eq(rulebook_target_name(RULEBOOK_BOTH), "both");
	ck_assert_str_eq(rulebook_kind_name(RULEBOOK_AWARD), "award");
	ck_assert_str_eq(rulebook_submitter_name(RULEBOOK_SUBMITTER_BLOCK_LEADER),
	    "block_leader");
	ck_assert_str_eq(rulebook_period_kind_name(RULEBOOK_CALENDAR_YEAR),
	    "calendar_year");
}
END_TEST

/*
 * Bad input. test_base is a small rulebook that is right; each test changes
 * one piece of it (rulebook_test_change) and names every message expected.
 */

static const char test_base[] =
    "format: 1\n"						/* 1 */
    "issuer: {unit: PGDDT-T, name: Phòng thử}\n"
    "document: {number: 1/HD, date: 2023-10-12}\n"
    "period: {kind: school_year, code: 2023-2024, from: 2023-09-01, "
    "to: 2024-08-31}\n"
    "levels:\n"							/* 5 */
    "  - {code: school, name: Trường}\n"
    "  - {code: district_office, name: Phòng}\n"
    "  - {code: city, name: Thành phố}\n"
    "titles:\n"
    "  - {code: LDTT, name: Lao động tiên tiến, kind: title, "	/* 10 */
    "target: individual, decided_by: school}\n"
    "  - {code: CSTDCS, name: Chiến sĩ thi đua cơ sở, kind: title, "
    "target: individual, decided_by: city, quota: {of: LDTT, "
    "max_percent: 15}}\n"
    "dossier_types:\n"
    "  - code: CUOI_NAM\n"
    "    name: Hồ sơ cuối năm\n"
    "    purpose: year_end\n"					/* 15 */
    "    submitter: unit\n"
    "    recipient: district_office\n"
    "    window: {opens: 2024-05-15, closes: 2024-05-28}\n"
    "    documents:\n"
    "      - {code: TO_TRINH, name: Tờ trình}\n"			/* 20 */
    "      - {code: BIEN_BAN, name: Biên bản}\n"
    "blocks:\n"
    "  - code: MN1\n"
    "    name: Khối 1\n"
    "    school_level: preschool\n"				/* 25 */
    "    leader: U1\n"
    "    members: [U1, U2]\n"
    "  - code: MN2\n"
    "    name: Khối 2\n"
    "    school_level: preschool\n"				/* 30 */
    "    leader: U3\n"
    "    members: [U3, U4]\n"
    "chains:\n"
    "  - {decided_by: school, steps: [school]}\n"
    "  - {decided_by: city, steps: [school, district_office, city]}\n";

/* `text` with its one occurrence of `from` replaced by `to`; the caller frees it. */
static char *
rulebook_test_replace(const char *text, const char *from, const char *to)
{
	const char	*at = strstr(text, from);
	size_t		 head, flen = strlen(from), tlen = strlen(to);
	char		*out;

	ck_assert_msg(at != NULL, "\"%s\" is not in the text", from);
	ck_assert_msg(strstr(at + 1, from) == NULL, "\"%s\" is in the text "
	    "twice", from);
	head = (size_t)(at - text);
	out = malloc(strlen(text) - flen + tlen + 1);
	memcpy(out, text, head);
	memcpy(out + head, to, tlen);
	strcpy(out + head + tlen, at + flen);
	return out;
}

static char *
rulebook_test_change(const char *from, const char *to)
{
	return rulebook_test_replace(test_base, from, to);
}

/* Parses `text` as t.yaml and requires exactly the errors in `want`, "\n"-separated. */
static void
rulebook_test_refused_len(const char *text, size_t len, const char *want)
{
	char	*got;
	size_t	 glen = 0;

	rulebook_free(&rb);
	yamltree_errors_free(&errs);
	rb = rulebook_parse("t.yaml", text, len, &errs);
	ck_assert_msg(rb == NULL, "accepted; expected:\n%s", want);
	for (size_t i = 0; i < errs.n; i++)
		glen += strlen(errs.items[i]) + 1;
	got = calloc(1, glen + 1);
	for (size_t i = 0; i < errs.n; i++) {
		if (i > 0)
			strcat(got, "\n");
		strcat(got, errs.items[i]);
	}
	ck_assert_msg(strcmp(got, want) == 0, "errors:\n%s\nexpected:\n%s", got,
	    want);
	free(got);
}

static void
rulebook_test_refused(const char *text, const char *want)
{
	rulebook_test_refused_len(text, strlen(text), want);
}

/* test_base changed as told must give exactly `want`. */
static void
rulebook_test_change_refused(const char *from, const char *to,
    const char *want)
{
	char	*text = rulebook_test_change(from, to);

	rulebook_test_refused(text, want);
	free(text);
}

START_TEST(test_rulebook_base_and_defaults)
{
	const struct rulebook_dossier_type	*dt;

	rb = rulebook_parse("t.yaml", test_base, sizeof test_base - 1, &errs);
	ck_assert_msg(rb != NULL, "base refused:%s", rulebook_test_errors());
	rulebook_test_consistent(rb);
	dt = &rb->dossier_types[0];
	ck_assert_int_eq(dt->hard_deadline, dt->closes);
	ck_assert(dt->documents[0].editable && dt->documents[0].pdf);
	ck_assert_ptr_null(rb->document_title);
	ck_assert_ptr_null(rb->theme);
	ck_assert_uint_eq(rb->nlegal_basis, 0);
	ck_assert_uint_eq(rb->nphases, 0);
	ck_assert_uint_eq(rb->nsteps, 0);
	ck_assert_uint_eq(rb->nreminder_offsets, 0);
	ck_assert_uint_eq(rb->nreminder_channels, 0);
	ck_assert_int_eq(rb->quorum_numerator, 2);
	ck_assert_int_eq(rb->quorum_denominator, 3);
	ck_assert_str_eq(rb->discipline_blocks_from, "warning");
	ck_assert_int_eq(rb->block_leader_bonus_max, 0);
	ck_assert_str_eq(rb->titles[1].quota_of, "LDTT");
	ck_assert_int_eq(rb->titles[1].quota_max_percent, 15);
	ck_assert_int_eq(rb->titles[0].per_block_max, 0);
	ck_assert_uint_eq(rb->blocks[1].leader.line, 31);
	ck_assert_uint_eq(rb->blocks[1].leader.column, 13);
	ck_assert_uint_eq(errs.n, 0);
}
END_TEST

START_TEST(test_rulebook_broken_yaml)
{
	rulebook_test_change_refused("{code: BIEN_BAN, name: Biên bản}",
	    "{code: BIEN_BAN, name: Biên bản",
	    "t.yaml:22:7: did not find expected ',' or '}' while parsing a "
	    "flow mapping");
	rulebook_test_change_refused("    recipient: district_office\n",
	    "   recipient: district_office\n",
	    "t.yaml:17:4: did not find expected '-' indicator while parsing a "
	    "block collection");
}
END_TEST

START_TEST(test_rulebook_unknown_key)
{
	rulebook_test_change_refused("    window:", "    windw:",
	    "t.yaml:13:5: missing required key \"window\"\n"
	    "t.yaml:18:5: unknown key \"windw\"");
	rulebook_test_change_refused("blocks:", "blokcs:",
	    "t.yaml:22:1: unknown key \"blokcs\"");
	/* A name with a comma, unquoted in a flow mapping, becomes a key. */
	rulebook_test_change_refused("name: Biên bản}",
	    "name: Biên bản, họp}",
	    "t.yaml:21:42: unknown key \"họp\"");
}
END_TEST

START_TEST(test_rulebook_wrong_type)
{
	rulebook_test_change_refused("submitter: unit", "submitter: [unit]",
	    "t.yaml:16:16: \"submitter\" must be one of unit, block_leader, "
	    "not a list");
	rulebook_test_change_refused("format: 1", "format: one",
	    "t.yaml:1:9: invalid integer \"one\" for \"format\"");
	rulebook_test_change_refused("max_percent: 15", "max_percent: {n: 15}",
	    "t.yaml:11:132: \"max_percent\" must be an integer, not a mapping");
	rulebook_test_change_refused("    window: {opens: 2024-05-15, "
	    "closes: 2024-05-28}", "    window: 2024-05-15",
	    "t.yaml:18:13: \"window\" must be a mapping, not text");
	rulebook_test_change_refused("date: 2023-10-12", "date: 12/10/2023",
	    "t.yaml:3:32: invalid date \"12/10/2023\" for \"date\": expected "
	    "YYYY-MM-DD");
	rulebook_test_change_refused("name: Hồ sơ cuối năm", "name:",
	    "t.yaml:14:10: \"name\" is empty");
	rulebook_test_change_refused("[U1, U2]", "U1",
	    "t.yaml:27:14: \"members\" must be a list, not text");
	rulebook_test_change_refused("  - {code: school, name: Trường}\n",
	    "  - [school, Trường]\n",
	    "t.yaml:6:5: each item of \"levels\" must be a mapping, not a list\n"
	    "t.yaml:10:89: title \"LDTT\" is decided by unknown level \"school\"\n"
	    "t.yaml:34:18: chain for unknown level \"school\"\n"
	    "t.yaml:34:34: chain for \"school\" names unknown level \"school\"\n"
	    "t.yaml:35:32: chain for \"city\" names unknown level \"school\"");
}
END_TEST

START_TEST(test_rulebook_top_level_types)
{
	rulebook_test_refused(
	    "format: 1\n"
	    "issuer: [PGDDT-T]\n"
	    "document: 1/HD\n"
	    "period: ~\n"
	    "theme: [a]\n"
	    "legal_basis: {a: b}\n"
	    "levels: {code: school}\n"
	    "phases: 1\n"
	    "titles: []\n"
	    "dossier_types: [1, [2], ~]\n"
	    "office_steps: {}\n"
	    "blocks: x\n"
	    "chains: [[school]]\n"
	    "reminders: [7]\n"
	    "rules: 2/3\n",
	    "t.yaml:2:9: \"issuer\" must be a mapping, not a list\n"
	    "t.yaml:3:11: \"document\" must be a mapping, not text\n"
	    "t.yaml:4:9: \"period\" must be a mapping, not null\n"
	    "t.yaml:5:8: \"theme\" must be text, not a list\n"
	    "t.yaml:6:14: \"legal_basis\" must be a list, not a mapping\n"
	    "t.yaml:7:9: \"levels\" must be a list, not a mapping\n"
	    "t.yaml:8:9: \"phases\" must be a list, not text\n"
	    "t.yaml:9:9: \"titles\" is empty\n"
	    "t.yaml:10:17: each item of \"dossier_types\" must be a mapping, "
	    "not text\n"
	    "t.yaml:10:20: each item of \"dossier_types\" must be a mapping, "
	    "not a list\n"
	    "t.yaml:10:25: each item of \"dossier_types\" must be a mapping, "
	    "not null\n"
	    "t.yaml:11:15: \"office_steps\" must be a list, not a mapping\n"
	    "t.yaml:12:9: \"blocks\" must be a list, not text\n"
	    "t.yaml:13:10: each item of \"chains\" must be a mapping, not a list\n"
	    "t.yaml:14:12: \"reminders\" must be a mapping, not a list\n"
	    "t.yaml:15:8: \"rules\" must be a mapping, not text");
	rulebook_test_refused("- format: 1\n",
	    "t.yaml:1:1: a rulebook must be a mapping, not a list");
	rulebook_test_refused("just text\n",
	    "t.yaml:1:1: a rulebook must be a mapping, not text");
	rulebook_test_refused("", "t.yaml: the rulebook is empty");
	rulebook_test_refused("# nothing\n", "t.yaml: the rulebook is empty");
	rulebook_test_refused("{}\n",
	    "t.yaml:1:1: missing required key \"format\"\n"
	    "t.yaml:1:1: missing required key \"issuer\"\n"
	    "t.yaml:1:1: missing required key \"document\"\n"
	    "t.yaml:1:1: missing required key \"period\"\n"
	    "t.yaml:1:1: missing required key \"levels\"\n"
	    "t.yaml:1:1: missing required key \"chains\"\n"
	    "t.yaml:1:1: missing required key \"titles\"\n"
	    "t.yaml:1:1: missing required key \"dossier_types\"");
}
END_TEST

START_TEST(test_rulebook_window_order)
{
	rulebook_test_change_refused("opens: 2024-05-15, closes: 2024-05-28",
	    "opens: 2024-05-28, closes: 2024-05-15",
	    "t.yaml:18:41: \"closes\" (2024-05-15) is before \"opens\" "
	    "(2024-05-28)");
	/* One day is a window. */
	rulebook_free(&rb);
	{
		char	*text = rulebook_test_change("closes: 2024-05-28",
		    "closes: 2024-05-15");

		rb = rulebook_parse("t.yaml", text, strlen(text), &errs);
		free(text);
		ck_assert_msg(rb != NULL, "%s", rulebook_test_errors());
	}
	rulebook_test_change_refused("closes: 2024-05-28}",
	    "closes: 2024-05-28}\n    hard_deadline: 2024-05-27",
	    "t.yaml:19:20: \"hard_deadline\" (2024-05-27) is before \"closes\" "
	    "(2024-05-28)");
	rulebook_test_change_refused("opens: 2024-05-15", "opens: 2023-08-01",
	    "t.yaml:18:21: window of dossier type \"CUOI_NAM\" opens on "
	    "2023-08-01, before the period starts on 2023-09-01");
	rulebook_test_change_refused("closes: 2024-05-28", "closes: 2024-09-01",
	    "t.yaml:18:41: window of dossier type \"CUOI_NAM\" closes on "
	    "2024-09-01, after the period ends on 2024-08-31");
}
END_TEST

START_TEST(test_rulebook_document_twice)
{
	rulebook_test_change_refused("{code: BIEN_BAN,", "{code: TO_TRINH,",
	    "t.yaml:21:16: document \"TO_TRINH\" is listed twice in dossier "
	    "type \"CUOI_NAM\"");
}
END_TEST

START_TEST(test_rulebook_chain_unknown_level)
{
	rulebook_test_change_refused("district_office, city]",
	    "district_office, provnce]",
	    "t.yaml:35:57: chain for \"city\" names unknown level \"provnce\"");
}
END_TEST

/* Which unit acts for a level: implied by the usual codes, else given. */
START_TEST(test_rulebook_level_handlers)
{
	char	*text;

	rb = rulebook_parse("t.yaml", test_base, sizeof test_base - 1, &errs);
	ck_assert_msg(rb != NULL, "base refused:%s", rulebook_test_errors());
	ck_assert_int_eq(rulebook_level(rb, "school")->handled_by,
	    RULEBOOK_BY_UNIT);
	ck_assert_int_eq(rulebook_level(rb, "district_office")->handled_by,
	    RULEBOOK_BY_DISTRICT_OFFICE);
	ck_assert_int_eq(rulebook_level(rb, "city")->handled_by,
	    RULEBOOK_BY_DEPARTMENT);
	ck_assert_str_eq(rulebook_handler_name(RULEBOOK_BY_MINISTRY),
	    "ministry");

	/* A level of another name says who handles it. */
	text = rulebook_test_change("{code: city, name: Thành phố}",
	    "{code: city, name: Thành phố, handled_by: ministry}");
	rulebook_free(&rb);
	rb = rulebook_parse("t.yaml", text, strlen(text), &errs);
	free(text);
	ck_assert_msg(rb != NULL, "refused:%s", rulebook_test_errors());
	ck_assert_int_eq(rulebook_level(rb, "city")->handled_by,
	    RULEBOOK_BY_MINISTRY);

	rulebook_test_change_refused("{code: city, name: Thành phố}",
	    "{code: city, name: Thành phố}\n  - {code: hoi_dong, name: Hội đồng}",
	    "t.yaml:9:12: level \"hoi_dong\" needs \"handled_by\": one of unit, "
	    "block_leader, district_office, department, ministry");
	rulebook_test_change_refused("{code: city, name: Thành phố}",
	    "{code: city, name: Thành phố, handled_by: mayor}",
	    "t.yaml:8:47: invalid value \"mayor\" for \"handled_by\": expected "
	    "one of unit, block_leader, district_office, department, ministry");
}
END_TEST

START_TEST(test_rulebook_invalid_utf8)
{
	rulebook_test_change_refused("name: Biên bản}", "name: Bi\xff\xean bản}",
	    "t.yaml:21:34: invalid leading UTF-8 octet");
	/* Escaped, past libyaml's reader: refused by the tree. */
	rulebook_test_change_refused("name: Biên bản}", "name: \"Bi\\0\"}",
	    "t.yaml:21:32: text is not valid UTF-8 or holds a NUL byte");
}
END_TEST

START_TEST(test_rulebook_duplicate_title)
{
	rulebook_test_change_refused("dossier_types:\n",
	    "  - {code: LDTT, name: Giấy khen, kind: award, target: both, "
	    "decided_by: school}\ndossier_types:\n",
	    "t.yaml:12:12: title \"LDTT\" is listed twice");
}
END_TEST

START_TEST(test_rulebook_unknown_quota_title)
{
	rulebook_test_change_refused("of: LDTT", "of: LDT",
	    "t.yaml:11:113: quota of title \"CSTDCS\" names unknown title "
	    "\"LDT\"");
	rulebook_test_change_refused("of: LDTT", "of: CSTDCS",
	    "t.yaml:11:113: quota of title \"CSTDCS\" names the title itself");
	rulebook_test_change_refused("max_percent: 15", "max_percent: 0",
	    "t.yaml:11:132: value 0 for \"max_percent\" is out of range "
	    "[1, 100]");
	rulebook_test_change_refused("quota: {of: LDTT, max_percent: 15}",
	    "quota: {max_percent: 15}",
	    "t.yaml:11:108: missing required key \"of\"");
}
END_TEST

START_TEST(test_rulebook_leader_not_member)
{
	rulebook_test_change_refused("leader: U1", "leader: U9",
	    "t.yaml:26:13: leader \"U9\" of block \"MN1\" is not one of its "
	    "members");
}
END_TEST

START_TEST(test_rulebook_unit_in_two_blocks)
{
	rulebook_test_change_refused("[U3, U4]", "[U3, U2]",
	    "t.yaml:32:19: unit \"U2\" is already in block \"MN1\"");
	rulebook_test_change_refused("[U1, U2]", "[U1, U2, U1]",
	    "t.yaml:27:23: unit \"U1\" is listed twice in block \"MN1\"");
	/* A leader of one block may not be a member of another. */
	rulebook_test_change_refused("[U3, U4]", "[U3, U4, U1]",
	    "t.yaml:32:23: unit \"U1\" is already in block \"MN1\"");
}
END_TEST

START_TEST(test_rulebook_missing_key)
{
	rulebook_test_change_refused("    recipient: district_office\n", "",
	    "t.yaml:13:5: missing required key \"recipient\"");
	rulebook_test_change_refused("format: 1\n", "",
	    "t.yaml:1:1: missing required key \"format\"");
	rulebook_test_change_refused(", name: Phòng}", "}",
	    "t.yaml:7:5: missing required key \"name\"");
	rulebook_test_change_refused("    members: [U1, U2]\n", "",
	    "t.yaml:23:5: missing required key \"members\"");
}
END_TEST

/* One run reports everything, in file order. */
START_TEST(test_rulebook_several_errors)
{
	static const char *const	changes[][2] = {
		{ "opens: 2024-05-15, closes: 2024-05-28",
		  "opens: 2024-05-28, closes: 2024-05-15" },
		{ "district_office, city]", "district_office, provnce]" },
		{ "[U3, U4]", "[U3, U2]" },
		{ "purpose: year_end", "purpose: [year_end]" },
		{ "{code: BIEN_BAN,", "{code: TO_TRINH," },
		{ "format: 1\n", "format: 1\nthem: Dạy tốt\n" },
	};
	char				*text = strdup(test_base), *next;

	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		next = rulebook_test_replace(text, changes[i][0], changes[i][1]);
		free(text);
		text = next;
	}
	rulebook_test_refused(text,
	    "t.yaml:2:1: unknown key \"them\"\n"
	    "t.yaml:16:14: \"purpose\" must be one of registration, "
	    "block_registration, block_report, year_end, block_flag_vote, "
	    "campaign, sudden, not a list\n"
	    "t.yaml:19:41: \"closes\" (2024-05-15) is before \"opens\" "
	    "(2024-05-28)\n"
	    "t.yaml:22:16: document \"TO_TRINH\" is listed twice in dossier "
	    "type \"CUOI_NAM\"\n"
	    "t.yaml:33:19: unit \"U2\" is already in block \"MN1\"\n"
	    "t.yaml:36:57: chain for \"city\" names unknown level \"provnce\"");
	free(text);
}
END_TEST

/* More classes of mistake, one change and its messages each. */
static const struct {
	const char	*from, *to, *want;
} rulebook_bad[] = {
	{ "format: 1", "format: 2",
	  "t.yaml:1:9: unsupported format 2: this version reads format 1" },
	{ "code: 2023-2024", "code: 2023-2025",
	  "t.yaml:4:35: invalid school year \"2023-2025\": expected two "
	  "consecutive years, as in \"2023-2024\"" },
	{ "from: 2023-09-01", "from: 2022-09-01",
	  "t.yaml:4:52: \"from\" (2022-09-01) is not in 2023, the first year of "
	  "school year \"2023-2024\"" },
	{ "to: 2024-08-31}", "to: 2023-08-31}",
	  "t.yaml:4:68: \"to\" (2023-08-31) is not after \"from\" (2023-09-01)\n"
	  "t.yaml:4:68: \"to\" (2023-08-31) is not in 2024, the second year of "
	  "school year \"2023-2024\"" },
	{ "kind: school_year, code: 2023-2024, from: 2023-09-01, to: 2024-08-31",
	  "kind: calendar_year, code: 2024, from: 2024-01-02, to: 2024-12-31",
	  "t.yaml:4:49: \"from\" (2024-01-02) must be 2024-01-01 for calendar "
	  "year \"2024\"" },
	{ "kind: school_year, code: 2023-2024, from: 2023-09-01, to: 2024-08-31",
	  "kind: calendar_year, code: 2024, from: 2024-01-01, to: 2024-12-30",
	  "t.yaml:4:65: \"to\" (2024-12-30) must be 2024-12-31 for calendar "
	  "year \"2024\"" },
	{ "kind: school_year, code: 2023-2024, from: 2023-09-01, to: 2024-08-31",
	  "kind: calendar_year, code: 24, from: 2024-01-01, to: 2024-12-31",
	  "t.yaml:4:37: invalid calendar year \"24\": expected a year, as in "
	  "\"2024\"" },
	{ "kind: school_year", "kind: schoolyear",
	  "t.yaml:4:16: invalid value \"schoolyear\" for \"kind\": expected one "
	  "of school_year, calendar_year" },
	{ "date: 2023-10-12", "date: 2023-02-30",
	  "t.yaml:3:32: invalid date \"2023-02-30\" for \"date\": expected "
	  "YYYY-MM-DD" },
	{ "code: CUOI_NAM", "code: CUỐI NĂM",
	  "t.yaml:13:11: invalid code \"CUỐI NĂM\" for \"code\": expected 1 to "
	  "64 letters, digits, \"_\" or \"-\"" },
	{ "code: CUOI_NAM",
	  "code: A1234567890123456789012345678901234567890123456789012345678901234",
	  "t.yaml:13:11: invalid code \"A123456789012345678901234567890123456"
	  "789...\" for \"code\": expected 1 to 64 letters, digits, \"_\" or "
	  "\"-\"" },
	{ "unit: PGDDT-T", "unit: PGDĐT T",
	  "t.yaml:2:16: invalid code \"PGDĐT T\" for \"unit\": expected 1 to 64 "
	  "letters, digits, \"_\" or \"-\"" },
	{ "name: Hồ sơ cuối năm", "name: \"\"",
	  "t.yaml:14:11: \"name\" is empty" },
	{ "name: Hồ sơ cuối năm", "name: \"   \"",
	  "t.yaml:14:11: \"name\" is empty" },
	{ "name: Hồ sơ cuối năm", "name: \"Hồ sơ\\tcuối\"",
	  "t.yaml:14:11: \"name\" holds a control character" },
	{ "name: Hồ sơ cuối năm", "name: [Hồ sơ]",
	  "t.yaml:14:11: \"name\" must be text, not a list" },
	{ "purpose: year_end", "purpose: yearend",
	  "t.yaml:15:14: invalid value \"yearend\" for \"purpose\": expected one "
	  "of registration, block_registration, block_report, year_end, "
	  "block_flag_vote, campaign, sudden" },
	{ "recipient: district_office", "recipient: distrct",
	  "t.yaml:17:16: dossier type \"CUOI_NAM\" goes to unknown level "
	  "\"distrct\"" },
	{ "recipient: district_office", "recipient: district_office\n"
	  "    phase: P9",
	  "t.yaml:18:12: dossier type \"CUOI_NAM\" names unknown phase \"P9\"" },
	{ "    documents:\n      - {code: TO_TRINH, name: Tờ trình}\n"
	  "      - {code: BIEN_BAN, name: Biên bản}\n", "    documents: []\n",
	  "t.yaml:19:16: dossier type \"CUOI_NAM\" has no documents" },
	{ "{code: BIEN_BAN, name: Biên bản}",
	  "{code: BIEN_BAN, name: Biên bản, editable: false, pdf: no}",
	  "t.yaml:21:9: document \"BIEN_BAN\" of dossier type \"CUOI_NAM\" asks "
	  "for no file: \"editable\" and \"pdf\" are both false" },
	{ "{code: BIEN_BAN, name: Biên bản}",
	  "{code: BIEN_BAN, name: Biên bản, editable: maybe}",
	  "t.yaml:21:52: invalid boolean \"maybe\" for \"editable\": expected "
	  "true or false" },
	{ "decided_by: school}", "decided_by: shcool}",
	  "t.yaml:10:89: title \"LDTT\" is decided by unknown level \"shcool\"" },
	{ "decided_by: city, quota", "decided_by: district_office, quota",
	  "t.yaml:11:95: no chain for level \"district_office\", which decides "
	  "title \"CSTDCS\"" },
	{ "decided_by: school}", "decided_by: school, vote_min_percent: 101, "
	  "per_block_max: 0, min_interval_years: 51, campaign: 1}",
	  "t.yaml:10:115: value 101 for \"vote_min_percent\" is out of range "
	  "[1, 100]\n"
	  "t.yaml:10:135: value 0 for \"per_block_max\" is out of range "
	  "[1, 1000]\n"
	  "t.yaml:10:158: value 51 for \"min_interval_years\" is out of range "
	  "[0, 50]\n"
	  "t.yaml:10:172: invalid boolean \"1\" for \"campaign\": expected true "
	  "or false" },
	{ "max_percent: 15", "max_percent: 99999999999999999999",
	  "t.yaml:11:132: value 99999999999999999999 for \"max_percent\" is out "
	  "of range [1, 100]" },
	{ "kind: title, target: individual, decided_by: school",
	  "kind: prize, target: everyone, decided_by: school",
	  "t.yaml:10:50: invalid value \"prize\" for \"kind\": expected one of "
	  "title, award\n"
	  "t.yaml:10:65: invalid value \"everyone\" for \"target\": expected one "
	  "of individual, collective, both" },
	{ "[school, district_office, city]", "[school, city, district_office]",
	  "t.yaml:35:46: chain for \"city\" goes down from \"city\" to "
	  "\"district_office\"" },
	{ "[school, district_office, city]", "[school, district_office]",
	  "t.yaml:35:40: chain for \"city\" ends at \"district_office\", not at "
	  "\"city\"" },
	{ "steps: [school]}", "steps: [school, city]}",
	  "t.yaml:34:42: chain for \"school\" ends at \"city\", not at "
	  "\"school\"" },
	{ "[school, district_office, city]", "[school, school, city]",
	  "t.yaml:35:40: chain for \"city\" names level \"school\" twice" },
	{ "steps: [school, district_office, city]}\n",
	  "steps: [school, district_office, city]}\n"
	  "  - {decided_by: city, steps: [city]}\n",
	  "t.yaml:36:18: chain for \"city\" is listed twice" },
	{ "steps: [school]}", "steps: []}",
	  "t.yaml:34:33: chain for \"school\" has no steps" },
	{ "steps: [school]}", "steps: school}",
	  "t.yaml:34:33: \"steps\" must be a list, not text" },
	{ "  - {code: city, name: Thành phố}\n",
	  "  - {code: city, name: Thành phố}\n  - {code: city, name: Again}\n",
	  "t.yaml:9:12: level \"city\" is listed twice" },
	{ "[U1, U2]", "[]", "t.yaml:27:14: block \"MN1\" has no members" },
	{ "[U1, U2]", "[U1, \"U 2\"]",
	  "t.yaml:27:19: invalid code \"U 2\" for \"members\": expected 1 to 64 "
	  "letters, digits, \"_\" or \"-\"" },
	{ "school_level: preschool\n    leader: U1",
	  "school_level: kindergarten\n    leader: U1",
	  "t.yaml:25:19: invalid value \"kindergarten\" for \"school_level\": "
	  "expected one of preschool, primary, lower_secondary, "
	  "upper_secondary, mixed" },
	{ "code: MN2", "code: MN1", "t.yaml:28:11: block \"MN1\" is listed "
	  "twice" },
	{ "chains:", "phases:\n"
	  "  - {code: P1, name: Đợt 1, from: 2023-09-01, to: 2024-01-31}\n"
	  "  - {code: P2, name: Đợt 2, from: 2024-01-31, to: 2024-08-31}\n"
	  "chains:",
	  "t.yaml:35:35: phase \"P2\" starts on 2024-01-31, not after the end of "
	  "phase \"P1\" (2024-01-31)" },
	{ "chains:", "phases:\n"
	  "  - {code: P2, name: Đợt 2, from: 2024-02-01, to: 2024-08-31}\n"
	  "  - {code: P1, name: Đợt 1, from: 2023-09-01, to: 2024-01-31}\n"
	  "chains:",
	  "t.yaml:35:35: phase \"P1\" starts on 2023-09-01, not after the end of "
	  "phase \"P2\" (2024-08-31)" },
	{ "chains:", "phases:\n"
	  "  - {code: P1, name: Đợt 1, from: 2023-08-01, to: 2024-09-30}\n"
	  "  - {code: P1, name: Đợt 2, from: 2024-06-30, to: 2024-06-01}\n"
	  "chains:",
	  "t.yaml:34:35: phase \"P1\" starts on 2023-08-01, before the period "
	  "starts on 2023-09-01\n"
	  "t.yaml:34:51: phase \"P1\" ends on 2024-09-30, after the period ends "
	  "on 2024-08-31\n"
	  "t.yaml:35:12: phase \"P1\" is listed twice\n"
	  "t.yaml:35:51: \"to\" (2024-06-01) is before \"from\" (2024-06-30)" },
	{ "chains:", "office_steps:\n"
	  "  - {code: S1, name: Tổng hợp, level: office, from: 2024-06-04, "
	  "to: 2024-06-07}\n"
	  "  - {code: S1, name: Rà soát, level: city, from: 2024-06-10, "
	  "to: 2024-09-12}\n"
	  "chains:",
	  "t.yaml:34:39: office step \"S1\" names unknown level \"office\"\n"
	  "t.yaml:35:12: office step \"S1\" is listed twice\n"
	  "t.yaml:35:66: office step \"S1\" ends on 2024-09-12, after the period "
	  "ends on 2024-08-31" },
	{ "chains:", "reminders:\n"
	  "  offsets_days: [3, 3, 400, x, -61]\n"
	  "  channels: [email, sms, email]\n"
	  "  when: now\n"
	  "chains:",
	  "t.yaml:34:21: offset 3 is listed twice\n"
	  "t.yaml:34:24: value 400 for \"offsets_days\" is out of range "
	  "[-60, 365]\n"
	  "t.yaml:34:29: invalid integer \"x\" for \"offsets_days\"\n"
	  "t.yaml:34:32: value -61 for \"offsets_days\" is out of range "
	  "[-60, 365]\n"
	  "t.yaml:35:21: invalid value \"sms\" for \"channels\": expected one of "
	  "inbox, email, push\n"
	  "t.yaml:35:26: channel \"email\" is listed twice\n"
	  "t.yaml:36:3: unknown key \"when\"" },
	{ "chains:", "rules:\n  council_quorum: 3/2\nchains:",
	  "t.yaml:34:19: invalid council quorum \"3/2\": expected N/D with "
	  "0 < N <= D <= 100" },
	{ "chains:", "rules:\n  council_quorum: 0/3\nchains:",
	  "t.yaml:34:19: invalid council quorum \"0/3\": expected N/D with "
	  "0 < N <= D <= 100" },
	{ "chains:", "rules:\n  council_quorum: 2/3/4\nchains:",
	  "t.yaml:34:19: invalid council quorum \"2/3/4\": expected N/D with "
	  "0 < N <= D <= 100" },
	{ "chains:", "rules:\n  council_quorum: 101/200\nchains:",
	  "t.yaml:34:19: invalid council quorum \"101/200\": expected N/D with "
	  "0 < N <= D <= 100" },
	{ "chains:", "rules:\n"
	  "  council_quorum: [2, 3]\n"
	  "  discipline_blocks_collective_from: severe\n"
	  "  block_leader_bonus_max: 101\n"
	  "chains:",
	  "t.yaml:34:19: \"council_quorum\" must be a share such as 2/3, not a "
	  "list\n"
	  "t.yaml:35:38: invalid value \"severe\" for "
	  "\"discipline_blocks_collective_from\": expected one of reprimand, "
	  "warning, dismissal\n"
	  "t.yaml:36:27: value 101 for \"block_leader_bonus_max\" is out of "
	  "range [0, 100]" },
	{ "format: 1\n", "format: 1\nlegal_basis: [Luật 06/2022/QH15, \"\", "
	  "[x]]\n",
	  "t.yaml:2:34: \"legal_basis\" is empty\n"
	  "t.yaml:2:38: \"legal_basis\" must be text, not a list" },
	{ "format: 1\n", "format: 1\nformat_version: 1\n",
	  "t.yaml:2:1: unknown key \"format_version\"" },
	{ "format: 1\n", "format: 1\n\"x\\ty\": 1\n",
	  "t.yaml:2:1: unknown key \"x?y\"" },
};

START_TEST(test_rulebook_bad_table)
{
	rulebook_test_change_refused(rulebook_bad[_i].from, rulebook_bad[_i].to,
	    rulebook_bad[_i].want);
}
END_TEST

START_TEST(test_rulebook_list_limits)
{
	size_t	 cap = 101 * 40 + 64, used = 0;
	char	*levels = malloc(cap), *text;

	used += (size_t)snprintf(levels + used, cap - used,
	    "  - {code: school, name: Trường}\n");
	for (int i = 1; i < 101; i++)
		used += (size_t)snprintf(levels + used, cap - used,
		    "  - {code: L%d, name: Cấp %d}\n", i, i);
	text = rulebook_test_change("  - {code: school, name: Trường}\n",
	    levels);
	rulebook_test_refused(text,
	    "t.yaml:6:3: \"levels\" has more than 100 items");
	free(text);
	free(levels);
}
END_TEST

START_TEST(test_rulebook_text_limits)
{
	char	*name = malloc(2001 + 1), *to, *text;

	/* 2000 bytes of name is allowed, 2001 is not. */
	memset(name, 'x', 2001);
	name[2001] = '\0';
	to = malloc(2100);
	snprintf(to, 2100, "name: %s", name);
	text = rulebook_test_change("name: Hồ sơ cuối năm", to);
	rulebook_test_refused(text,
	    "t.yaml:14:11: \"name\" is longer than 2000 bytes");
	free(text);
	snprintf(to, 2100, "name: %s", name + 1);
	text = rulebook_test_change("name: Hồ sơ cuối năm", to);
	rb = rulebook_parse("t.yaml", text, strlen(text), &errs);
	ck_assert_msg(rb != NULL, "%s", rulebook_test_errors());
	ck_assert_uint_eq(strlen(rb->dossier_types[0].name), 2000);
	free(text);
	free(to);
	free(name);

	/* The theme may be long and span lines; not past 10000 bytes. */
	to = malloc(10100);
	memcpy(to, "theme: \"", 8);
	memset(to + 8, 'y', 10001);
	memcpy(to + 8 + 10001, "\"\nformat: 1", 12);
	text = rulebook_test_change("format: 1", to);
	rulebook_test_refused(text,
	    "t.yaml:1:8: \"theme\" is longer than 10000 bytes");
	free(text);
	text = rulebook_test_change("format: 1",
	    "theme: |\n  Dòng một\n  Dòng hai\nformat: 1");
	rulebook_free(&rb);
	rb = rulebook_parse("t.yaml", text, strlen(text), &errs);
	ck_assert_msg(rb != NULL, "%s", rulebook_test_errors());
	ck_assert_str_eq(rb->theme, "Dòng một\nDòng hai\n");
	free(text);
	free(to);
}
END_TEST

/*
 * Robustness: the shipped files, mutilated in many ways. The reader must
 * return a rulebook that holds together with no errors, or NULL with at least
 * one error, each one line of valid UTF-8 starting with the file's name.
 */

static size_t	rulebook_robust_runs, rulebook_robust_refused;

static void
rulebook_test_survives(const char *text, size_t len)
{
	struct yamltree_errors	 e = { 0 };
	struct rulebook		*r;
	const char		*why;

	r = rulebook_parse("m.yaml", text, len, &e);
	rulebook_robust_runs++;
	if (r != NULL) {
		if (e.n > 0)
			ck_abort_msg("accepted with errors: %s", e.items[0]);
		if ((why = rulebook_test_why_inconsistent(r)) != NULL)
			ck_abort_msg("accepted but inconsistent (%s):\n%.*s", why,
			    (int)len, text);
		rulebook_free(&r);
		if (r != NULL)
			ck_abort_msg("rulebook_free left the pointer");
	} else {
		rulebook_robust_refused++;
		if (e.n == 0)
			ck_abort_msg("refused without a reason:\n%.*s", (int)len,
			    text);
		for (size_t i = 0; i < e.n; i++) {
			const char	*m = e.items[i];

			if (strncmp(m, "m.yaml:", 7) != 0 ||
			    strchr(m, '\n') != NULL || strlen(m) > 600 ||
			    !utf8_valid(m, strlen(m), NULL))
				ck_abort_msg("malformed error \"%s\"", m);
		}
	}
	yamltree_errors_free(&e);
}

static const char *const rulebook_robust_files[] = {
	RULEBOOK_DIR "q1-2023-2024.yaml", RULEBOOK_DIR "quangnam-2024.yaml"
};

/* Start offsets of the lines of `text`; the caller frees them. */
static size_t *
rulebook_test_lines(const char *text, size_t len, size_t *n)
{
	size_t	*starts = malloc((len + 2) * sizeof *starts);

	*n = 0;
	starts[(*n)++] = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n' && i + 1 < len)
			starts[(*n)++] = i + 1;
	}
	starts[*n] = len;
	return starts;
}

/* Every line deleted in turn, doubled in turn, and shifted in turn. */
START_TEST(test_rulebook_robust_lines)
{
	size_t	 len, nlines, *starts;
	char	*text = rulebook_test_read(rulebook_robust_files[_i], &len);
	char	*buf = malloc(2 * len + 16);

	starts = rulebook_test_lines(text, len, &nlines);
	for (size_t l = 0; l < nlines; l++) {
		size_t	a = starts[l], b = starts[l + 1], n;

		/* deleted */
		memcpy(buf, text, a);
		memcpy(buf + a, text + b, len - b);
		rulebook_test_survives(buf, len - (b - a));
		/* doubled */
		memcpy(buf, text, b);
		memcpy(buf + b, text + a, len - a);
		rulebook_test_survives(buf, len + (b - a));
		/* indented by two more */
		memcpy(buf, text, a);
		memcpy(buf + a, "  ", 2);
		memcpy(buf + a + 2, text + a, len - a);
		rulebook_test_survives(buf, len + 2);
		/* this line and all after it gone */
		rulebook_test_survives(text, a);
		/* two neighbours swapped */
		if (l + 1 < nlines) {
			size_t	c = starts[l + 2];

			n = 0;
			memcpy(buf, text, a);
			n += a;
			memcpy(buf + n, text + b, c - b);
			n += c - b;
			if (c > b && text[c - 1] != '\n')
				buf[n++] = '\n';
			memcpy(buf + n, text + a, b - a);
			n += b - a;
			memcpy(buf + n, text + c, len - c);
			n += len - c;
			rulebook_test_survives(buf, n);
		}
	}
	ck_assert_uint_gt(rulebook_robust_refused, nlines);
	free(starts);
	free(buf);
	free(text);
}
END_TEST

/*
 * Every value written after ": " replaced by something of another type:
 * the value runs to the end of the line, or in flow style to the next ',',
 * '}' or ']'.
 */
START_TEST(test_rulebook_robust_values)
{
	static const char *const	 junk[] = {
		"[a, b]", "{a: b}", "[]", "{}", "~", "''", "-1", "0",
		"99999999999999999999", "2024-02-30", "1/0", "[[[[x]]]]",
		"{code: X, name: Y}", "\"\\t\"", "true", "\"\\u00e9\"",
	};
	size_t				 len, nj = sizeof junk / sizeof junk[0];
	char				*text = rulebook_test_read(
	    rulebook_robust_files[_i], &len);
	char				*buf = malloc(len + 64);
	size_t				 sites = 0;

	for (size_t i = 0; i + 1 < len; i++) {
		size_t	end;
		bool	flow = false;

		if (text[i] != ':' || text[i + 1] != ' ')
			continue;
		/* Inside a flow collection on this line? */
		for (size_t k = i; k > 0 && text[k - 1] != '\n'; k--) {
			if (text[k - 1] == '{' || text[k - 1] == '[')
				flow = true;
		}
		for (end = i + 2; end < len && text[end] != '\n'; end++) {
			if (flow && strchr(",}]", text[end]) != NULL)
				break;
		}
		/* A list and a mapping everywhere, and two others in turn. */
		for (size_t k = 0; k < 4; k++) {
			size_t	j = k < 2 ? k : 2 + (sites * 2 + k) % (nj - 2);
			size_t	jl = strlen(junk[j]);

			memcpy(buf, text, i + 2);
			memcpy(buf + i + 2, junk[j], jl);
			memcpy(buf + i + 2 + jl, text + end, len - end);
			rulebook_test_survives(buf, i + 2 + jl + len - end);
		}
		sites++;
	}
	ck_assert_uint_gt(sites, 100);
	free(buf);
	free(text);
}
END_TEST

/* Bytes flipped and bytes cut: a cheap fuzzer with a fixed seed. */
START_TEST(test_rulebook_robust_bytes)
{
	size_t		 len;
	char		*text = rulebook_test_read(rulebook_robust_files[_i], &len);
	char		*buf = malloc(len + 1);
	uint32_t	 seed = 20240603u + (uint32_t)_i;
	static const char repl[] = ":-[]{},'\"#&*!|> \n\t\\x0\xff\xc3";

	for (size_t cut = 0; cut <= len; cut += 11)
		rulebook_test_survives(text, cut);
	for (int round = 0; round < 600; round++) {
		memcpy(buf, text, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			size_t	at;

			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			buf[at] = repl[(seed >> 8) % (sizeof repl - 1)];
		}
		rulebook_test_survives(buf, len);
	}
	free(buf);
	free(text);
}
END_TEST

/* Shapes no one would write: everything in the wrong place. */
START_TEST(test_rulebook_robust_shapes)
{
	static const char *const	texts[] = {
		"format: 1\nissuer: {unit: [a], name: {b: c}}\n",
		"format: [1]\nlevels: [[], {}, ~, x, {code: [], name: []}]\n",
		"format: 1\ntitles: [{quota: [of]}, {quota: {of: {x: y}, "
		"max_percent: [1]}}, {quota: ~}]\n",
		"format: 1\ndossier_types: [{window: [1, 2], documents: "
		"[[], {code: {}}, ~]}, {window: {opens: [], closes: {}}, "
		"hard_deadline: []}]\n",
		"format: 1\nblocks: [{members: [[], {}, ~, U1, U1], "
		"leader: []}, {members: ~}, {members: [U1]}]\n",
		"format: 1\nchains: [{decided_by: [], steps: [[], {}, ~]}, "
		"{steps: {}}, {decided_by: x, steps: ~}]\n",
		"format: 1\nreminders: {offsets_days: [[], {}, ~], channels: "
		"[[], {}, ~]}\nrules: {council_quorum: ~, "
		"discipline_blocks_collective_from: [], "
		"block_leader_bonus_max: {}}\n",
		"format: 1\nperiod: {kind: [], code: {}, from: [], to: {}}\n",
		"format: 1\nperiod: {kind: school_year, code: \"2023-\"}\n",
		"format: 1\nperiod: {kind: school_year, code: \"99999-100000\"}\n",
		"format: 1\nperiod: {kind: calendar_year, code: \"0000\"}\n",
		"format: 1\nphases: [{from: 2024-01-01, to: 2024-01-02}, "
		"{from: 2024-01-01}]\n",
		"format: -99999999999999999999999\n",
		"format: 1\nlevels: [{code: a}]\nchains: [{decided_by: a, "
		"steps: [a, a, a]}]\n",
		"? a\n",
		"format: 1\n{a: b}: c\n",
		"[format, 1]\n",
		"~\n",
		"\"\"\n",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		rulebook_test_survives(texts[i], strlen(texts[i]));
	ck_assert_uint_eq(rulebook_robust_refused, rulebook_robust_runs);
}
END_TEST

/* A block with many members: the check for units in two blocks sorts. */
START_TEST(test_rulebook_many_members)
{
	size_t	 n = 3000, cap = n * 16 + 64, used = 0;
	char	*members = malloc(cap), *text;

	used += (size_t)snprintf(members + used, cap - used,
	    "    members: [U3");
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(members + used, cap - used, ", M%zu", i);
	/* A duplicate at the very end, and a unit of block MN1. */
	snprintf(members + used, cap - used, ", M7, U2]\n");
	text = rulebook_test_change("    members: [U3, U4]\n", members);
	rulebook_test_refused(text,
	    "t.yaml:32:19909: unit \"M7\" is listed twice in block \"MN2\"\n"
	    "t.yaml:32:19913: unit \"U2\" is already in block \"MN1\"");
	free(text);
	free(members);
}
END_TEST

static Suite *
rulebook_suite(void)
{
	Suite	*s = suite_create("rulebook");
	TCase	*tc;
	int	 nfiles = (int)(sizeof rulebook_robust_files /
	    sizeof rulebook_robust_files[0]);

	tc = tcase_create("shipped");
	tcase_add_checked_fixture(tc, rulebook_test_setup,
	    rulebook_test_teardown);
	tcase_add_test(tc, test_rulebook_q1_header);
	tcase_add_test(tc, test_rulebook_q1_titles);
	tcase_add_test(tc, test_rulebook_q1_dossiers);
	tcase_add_test(tc, test_rulebook_q1_steps_blocks);
	tcase_add_test(tc, test_rulebook_q1_chains);
	tcase_add_test(tc, test_rulebook_quangnam);
	tcase_add_test(tc, test_rulebook_load_missing);
	tcase_add_test(tc, test_rulebook_null_and_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad");
	tcase_add_checked_fixture(tc, rulebook_test_setup,
	    rulebook_test_teardown);
	tcase_add_test(tc, test_rulebook_base_and_defaults);
	tcase_add_test(tc, test_rulebook_broken_yaml);
	tcase_add_test(tc, test_rulebook_unknown_key);
	tcase_add_test(tc, test_rulebook_wrong_type);
	tcase_add_test(tc, test_rulebook_top_level_types);
	tcase_add_test(tc, test_rulebook_window_order);
	tcase_add_test(tc, test_rulebook_document_twice);
	tcase_add_test(tc, test_rulebook_chain_unknown_level);
	tcase_add_test(tc, test_rulebook_invalid_utf8);
	tcase_add_test(tc, test_rulebook_level_handlers);
	tcase_add_test(tc, test_rulebook_duplicate_title);
	tcase_add_test(tc, test_rulebook_unknown_quota_title);
	tcase_add_test(tc, test_rulebook_leader_not_member);
	tcase_add_test(tc, test_rulebook_unit_in_two_blocks);
	tcase_add_test(tc, test_rulebook_missing_key);
	tcase_add_test(tc, test_rulebook_several_errors);
	tcase_add_loop_test(tc, test_rulebook_bad_table, 0,
	    (int)(sizeof rulebook_bad / sizeof rulebook_bad[0]));
	tcase_add_test(tc, test_rulebook_text_limits);
	tcase_add_test(tc, test_rulebook_list_limits);
	tcase_add_test(tc, test_rulebook_many_members);
	suite_add_tcase(s, tc);

	tc = tcase_create("robust");
	tcase_add_checked_fixture(tc, rulebook_test_setup,
	    rulebook_test_teardown);
	tcase_add_loop_test(tc, test_rulebook_robust_lines, 0, nfiles);
	tcase_add_loop_test(tc, test_rulebook_robust_values, 0, nfiles);
	tcase_add_loop_test(tc, test_rulebook_robust_bytes, 0, nfiles);
	tcase_add_test(tc, test_rulebook_robust_shapes);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(rulebook_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
