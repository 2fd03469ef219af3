/*
 * check_dossier.c - a year-end dossier up District 1's approval chain, end
 * to end through the tdkt CLI: draft, documents, nominees, the council
 * meeting, submission, a return and a resubmission, review, the decisions
 * of each level, the audit trail and the award history. Then the promises
 * behind it: a retried request has one effect, even when the server died
 * between its COMMIT and its reply; bad input is refused with nothing half
 * written.
 *
 * The server runs on 20/05/2024, inside the year-end window (15/05-28/05),
 * against an external PostgreSQL so that it can be killed and restarted
 * while the database keeps what it committed. Test-clock builds only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "harness.h"
#include "harness_files.h"
#include "harness_json.h"
#include "xmalloc.h"

#define SCHOOL	"Q1-TH-DINHTIENHOANG"

static struct harness	*h;
static const char	*dossier_db;	/* the external PostgreSQL's URL */

static void
dossier_teardown(void)
{
	harness_free(&h);
}

/*
 * District 1 on `today`, with a school head, the office's primary
 * specialist and head, and the department, and a worker to check
 * submissions; `crash` (or NULL) names the request after whose COMMIT the
 * server is to die. In October the school registered for the titles the
 * tests propose (without registration no title is considered).
 */
static void	dossier_set_today(const char *);

static void
dossier_start(const char *today, const char *crash)
{
	struct harness_output	 out;
	const char		*url;

	setenv("TDKT_TEST_TODAY", "2023-10-20", 1);
	h = harness_new();
	url = harness_extpg_start(h);
	dossier_db = url;
	harness_server_set(h, "database.url", url);
	harness_start(h, 1);
	harness_load_district1(h);
	harness_user(h, "ht", SCHOOL, "head", NULL);
	harness_user(h, "cv", "PGDDT-Q1", "specialist:primary", NULL);
	harness_user(h, "tp", "PGDDT-Q1", "office_head", NULL);
	harness_user(h, "so", "SGDDT-HCM", "department", NULL);
	harness_user(h, "ht2", "Q1-TH-LEQUYDON", "head", NULL);
	harness_write(h, "dang-ky.csv", "Mã cán bộ,Danh hiệu,Chỉ tiêu\n"
	    ",TTLDXS,Hoàn thành xuất sắc nhiệm vụ năm học\n"
	    "Q1-DTH-002,LDTT,Hoàn thành tốt nhiệm vụ\n"
	    "Q1-DTH-002,CSTDCS,Sáng kiến cấp quận\n"
	    "Q1-DTH-003,LDTT,Hoàn thành tốt nhiệm vụ\n");
	ck_assert_int_eq(harness_cli_as(h, &out, "ht", "register", "--unit",
	    SCHOOL, "--file", harness_path(h, "dang-ky.csv"), NULL), 0);
	harness_output_clear(&out);

	if (crash != NULL)
		setenv("TDKT_TEST_CRASH_AFTER_COMMIT", crash, 1);
	dossier_set_today(today);
}

/* Moves the server's "today" on: a restart with the new date. */
static void
dossier_set_today(const char *today)
{
	setenv("TDKT_TEST_TODAY", today, 1);
	ck_assert_int_eq(harness_server_stop(h), 0);
	harness_server_start(h, NULL);
}

/* Runs the CLI as `user` with --json; returns its flat JSON answer. */
static struct harness_json *
dossier_cli_json(const char *user, ...)
{
	struct harness_output	 out;
	struct harness_json	*j;
	char			*argv[24] = { "--json" };
	size_t			 n = 1;
	va_list			 ap;
	int			 rc;

	va_start(ap, user);
	while (n < 23 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	rc = harness_cli_as(h, &out, user, argv[0], argv[1], argv[2], argv[3],
	    argv[4], argv[5], argv[6], argv[7], argv[8], argv[9], argv[10],
	    argv[11], argv[12], argv[13], argv[14], argv[15], argv[16],
	    argv[17], argv[18], argv[19], argv[20], argv[21], argv[22], NULL);
	ck_assert_msg(rc == 0, "tdkt %s %s as %s: exit %d\n%s%s", argv[1],
	    argv[2], user, rc, out.out, out.err);
	j = harness_json_parse(out.out);
	ck_assert_msg(j != NULL, "not one flat JSON object: %s", out.out);
	harness_output_clear(&out);
	return j;
}

/* Asserts a JSON answer's string field. */
static void
dossier_expect(const struct harness_json *j, const char *key,
    const char *want)
{
	const char	*got = harness_json_string(j, key);

	ck_assert_msg(got != NULL && strcmp(got, want) == 0,
	    "%s is \"%s\", expected \"%s\"", key, got != NULL ? got : "(none)",
	    want);
}

/* Runs the CLI as `user`, expects it to fail and its output to hold `needle`. */
static void
dossier_refused(const char *needle, const char *user, ...)
{
	struct harness_output	 out;
	char			*argv[16] = { NULL };
	size_t			 n = 0;
	va_list			 ap;
	int			 rc;

	va_start(ap, user);
	while (n < 15 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	rc = harness_cli_as(h, &out, user, argv[0], argv[1], argv[2], argv[3],
	    argv[4], argv[5], argv[6], argv[7], argv[8], argv[9], argv[10],
	    argv[11], argv[12], argv[13], argv[14], NULL);
	ck_assert_msg(rc != 0, "tdkt %s %s as %s was not refused:\n%s",
	    argv[0], argv[1], user, out.out);
	ck_assert_msg(strstr(out.out, needle) != NULL ||
	    strstr(out.err, needle) != NULL, "tdkt %s %s as %s: no \"%s\" "
	    "in\n%s%s", argv[0], argv[1], user, needle, out.out, out.err);
	harness_output_clear(&out);
}

/* The CLI's whole output as `user` (exit 0 asserted); caller frees. */
static char *
dossier_cli_text(const char *user, const char *a0, const char *a1,
    const char *a2, const char *a3)
{
	struct harness_output	 out;
	char			*text;

	ck_assert_int_eq(harness_cli_as(h, &out, user, a0, a1, a2, a3, NULL), 0);
	text = strdup(out.out);
	harness_output_clear(&out);
	return text;
}

static uint64_t
dossier_new(const char *user)
{
	struct harness_json	*j;
	uint64_t		 id = 0;

	j = dossier_cli_json(user, "dossier", "new", "--type", "CUOI_NAM", NULL);
	dossier_expect(j, "state", "draft");
	ck_assert_int_eq(harness_json_uint(j, "dossier_id", &id), 0);
	harness_json_free(&j);
	return id;
}

/* Attaches both files of every document of the year-end dossier. */
static void
dossier_attach_all(const char *user, const char *id)
{
	static const char *const docs[] = { "TO_TRINH", "BIEN_BAN_HD",
	    "DANH_SACH_THANH_TICH", "BANG_DIEM", "QD_LDTT" };
	char	name[64];

	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct harness_json	*j;

		snprintf(name, sizeof name, "%s.docx", docs[i]);
		j = dossier_cli_json(user, "dossier", "attach", id, "--document",
		    docs[i], "--editable", harness_document_file(h, name,
		    docs[i]), NULL);
		harness_json_free(&j);
		snprintf(name, sizeof name, "%s.pdf", docs[i]);
		j = dossier_cli_json(user, "dossier", "attach", id, "--document",
		    docs[i], "--pdf", harness_document_file(h, name, docs[i]),
		    NULL);
		harness_json_free(&j);
	}
}

START_TEST(test_year_end_up_the_chain)
{
	struct harness_json	*j;
	char			 id[24], *text;
	uint64_t		 n, version;

	dossier_start("2024-05-20", NULL);
	snprintf(id, sizeof id, "%llu", (unsigned long long)dossier_new("ht"));
	dossier_attach_all("ht", id);

	/*
	 * Nominees from the school's list: titles the school, the district
	 * and the city decide, so the chain is the city's.
	 */
	harness_write(h, "de-nghi.csv", "Mã cán bộ,Danh hiệu,Tóm tắt thành tích\n"
	    "Q1-DTH-002,CSTDCS,\"Sáng kiến \"\"Dạy học theo dự án\"\" cấp quận\"\n"
	    "Q1-DTH-003,LDTT,Hoàn thành tốt nhiệm vụ\n"
	    "Q1-DTH-004,GK,Hoàn thành tốt công tác văn thư\n"
	    ",TTLDXS,Tập thể hoàn thành xuất sắc nhiệm vụ năm học\n");
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--file",
	    harness_path(h, "de-nghi.csv"), NULL);
	harness_json_free(&j);

	/* Without the council's meeting the check sends it back for fixes. */
	text = dossier_cli_text("ht", "--json", "dossier", "submit", id);
	ck_assert_msg(strstr(text, "\"state\":\"needs_fixes\"") != NULL &&
	    strstr(text, "\"code\":\"no_meeting\"") != NULL, "%s", text);
	free(text);
	j = dossier_cli_json("ht", "dossier", "meeting", id, "--members", "9",
	    "--present", "7", "--date", "2024-05-17", NULL);
	harness_json_free(&j);
	/* Complete: first the school's own decision, on LĐTT. */
	text = dossier_cli_text("ht", "--json", "dossier", "submit", id);
	ck_assert_msg(strstr(text, "\"state\":\"awaiting_review\"") != NULL &&
	    strstr(text, "\"level\":\"school\"") != NULL &&
	    strstr(text, "\"awaiting_unit\":\"" SCHOOL "\"") != NULL, "%s",
	    text);
	free(text);
	/* The school can no longer change it, and nobody else can review. */
	dossier_refused("conflict", "ht", "dossier", "meeting", id, "--members",
	    "9", "--present", "8", "--date", "2024-05-17", NULL);
	dossier_refused("permission_denied", "ht2", "review", id, "approve",
	    NULL);
	dossier_refused("must_decide", "ht", "review", id, "approve", NULL);
	j = dossier_cli_json("ht", "decide", id, "--number", "25/QĐ-THĐTH",
	    "--date", "2024-05-18", "--signer", "Võ Minh Tuấn", "--from",
	    "2023-09-01", "--to", "2024-05-31", NULL);
	dossier_expect(j, "level", "district_office");
	dossier_expect(j, "awaiting_unit", "PGDDT-Q1");
	ck_assert_int_eq(harness_json_uint(j, "awarded", &n), 0);
	ck_assert_uint_eq(n, 1);	/* LĐTT */
	harness_json_free(&j);

	/* The office's primary specialist finds it in her queue. */
	text = dossier_cli_text("cv", "--json", "queue", NULL, NULL);
	ck_assert_msg(strstr(text, "\"unit\":\"" SCHOOL "\"") != NULL, "%s",
	    text);
	free(text);

	/*
	 * 11/06, the office's review (window closed on 28/05): returned with
	 * reasons, fixed, resubmitted; the history is kept.
	 */
	dossier_set_today("2024-06-11");
	j = dossier_cli_json("cv", "review", id, "return", "--comment",
	    "Biên bản họp thiếu chữ ký thư ký", NULL);
	dossier_expect(j, "state", "returned");
	ck_assert_int_eq(harness_json_uint(j, "version", &version), 0);
	harness_json_free(&j);
	dossier_refused("conflict", "ht", "dossier", "meeting", id,
	    "--if-version", "1", "--members", "9", "--present", "8", "--date",
	    "2024-05-17", NULL);
	j = dossier_cli_json("ht", "dossier", "attach", id, "--document",
	    "BIEN_BAN_HD", "--pdf", harness_document_file(h, "bien-ban-ky.pdf",
	    "có chữ ký thư ký"), NULL);
	harness_json_free(&j);
	text = dossier_cli_text("ht", "--json", "dossier", "submit", id);
	ck_assert_msg(strstr(text, "\"state\":\"awaiting_review\"") != NULL,
	    "%s", text);
	free(text);

	/* Up the chain: district office, district council, city. */
	j = dossier_cli_json("cv", "review", id, "approve", NULL);
	dossier_expect(j, "level", "district");
	dossier_expect(j, "awaiting_unit", "PGDDT-Q1");
	harness_json_free(&j);
	dossier_set_today("2024-07-15");
	dossier_refused("permission_denied", "cv", "decide", id, "--number",
	    "1/QĐ", "--date", "2024-06-20", "--signer", "X", NULL);
	/* The district decides its titles before the dossier goes on... */
	dossier_refused("must_decide", "cv", "review", id, "approve", NULL);
	dossier_refused("Q1-DTH-003", "tp", "decide", id, "--number", "1/QĐ",
	    "--date", "2024-06-20", "--signer", "X", "--exclude",
	    "Q1-DTH-003:LDTT", NULL);
	/* ...and the Giấy khen it does not give never comes back up. */
	j = dossier_cli_json("tp", "decide", id, "--number", "456/QĐ-UBND",
	    "--date", "2024-06-25", "--signer", "Chủ tịch UBND Quận 1",
	    "--from", "2023-09-01", "--to", "2024-05-31", "--exclude",
	    "Q1-DTH-004:GK", NULL);
	dossier_expect(j, "state", "awaiting_review");
	dossier_expect(j, "level", "city");
	dossier_expect(j, "awaiting_unit", "SGDDT-HCM");
	ck_assert_int_eq(harness_json_uint(j, "awarded", &n), 0);
	ck_assert_uint_eq(n, 1);	/* CSTDCS */
	harness_json_free(&j);
	/* A period only for a nominee this level decides; then the city's. */
	dossier_refused("Q1-DTH-002", "so", "decide", id, "--number", "1/QĐ",
	    "--date", "2024-07-10", "--signer", "X", "--period-of",
	    "Q1-DTH-002:CSTDCS:2022-09-01:2024-05-31", NULL);
	j = dossier_cli_json("so", "decide", id, "--number", "789/QĐ-UBND",
	    "--date", "2024-07-10", "--signer", "Chủ tịch UBND Thành phố",
	    "--from", "2023-09-01", "--to", "2024-05-31", "--period-of",
	    ":TTLDXS:2022-09-01:2024-05-31", NULL);
	dossier_expect(j, "state", "decided");
	ck_assert_int_eq(harness_json_uint(j, "awarded", &n), 0);
	ck_assert_uint_eq(n, 1);	/* TTLDXS */
	harness_json_free(&j);
	dossier_refused("conflict", "so", "review", id, "approve", NULL);

	/* The award history, as the dossier shows it. */
	text = dossier_cli_text("ht", "--json", "dossier", "show", id);
	ck_assert_msg(strstr(text, "\"decision\":\"25/QĐ-THĐTH\"") != NULL &&
	    strstr(text, "\"decision\":\"456/QĐ-UBND\"") != NULL &&
	    strstr(text, "\"decision\":\"789/QĐ-UBND\",\"achievement_from\":"
	    "\"2022-09-01\",\"achievement_to\":\"2024-05-31\"") != NULL &&
	    strstr(text, "\"decision\":\"456/QĐ-UBND\",\"achievement_from\":"
	    "\"2023-09-01\"") != NULL &&
	    strstr(text, "\"state\":\"decided\"") != NULL, "%s", text);
	free(text);

	/* The audit trail, every step in order, with who did it. */
	text = dossier_cli_text("ht", "--json", "dossier", "history", id);
	{
		static const char *const steps[] = { "\"new\"", "\"attach\"",
		    "\"nominate\"", "\"submit\"", "\"check_failed\"",
		    "\"meeting\"", "\"submit\"", "\"check_ok\"", "\"decide\"",
		    "\"return\"",
		    "\"attach\"", "\"submit\"", "\"check_ok\"", "\"approve\"",
		    "\"decide\"", "\"decide_final\"" };
		const char	*at = text;

		for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
			at = strstr(at, steps[i]);
			ck_assert_msg(at != NULL, "no %s (step %zu) in order in\n%s",
			    steps[i], i, text);
			at++;
		}
		ck_assert_msg(strstr(text, "Biên bản họp thiếu chữ ký thư ký") !=
		    NULL, "%s", text);
	}
	free(text);
}
END_TEST

/* A ClientEnvelope sent as `user` with idempotency key `key`. */
static enum conn_status
dossier_send(const char *user, Tdkt__ClientEnvelope *req, const char *key,
    struct arena *a, Tdkt__ClientEnvelope **reply)
{
	return harness_call(h, user, req, key, a, reply);
}

START_TEST(test_retry_creates_one_dossier)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierNewRequest	 in = TDKT__DOSSIER_NEW_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a = arena_new(1 << 20);
	uint64_t		 first;
	char			*text;

	dossier_start("2024-05-20", NULL);
	in.type = "CUOI_NAM";
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NEW_REQUEST;
	req.dossier_new_request = &in;
	ck_assert_int_eq(dossier_send("ht", &req, "retry-key-0000000001", a,
	    &reply), CONN_OK);
	ck_assert(!reply->dossier_new_reply->replayed);
	first = reply->dossier_new_reply->dossier_id;
	ck_assert_int_eq(dossier_send("ht", &req, "retry-key-0000000001", a,
	    &reply), CONN_OK);
	ck_assert(reply->dossier_new_reply->replayed);
	ck_assert_uint_eq(reply->dossier_new_reply->dossier_id, first);

	/* The same key with another request is refused, not replayed. */
	in.type = "DANG_KY";
	ck_assert_int_eq(dossier_send("ht", &req, "retry-key-0000000001", a,
	    &reply), CONN_SERVER_ERROR);
	ck_assert_int_eq(reply->error->code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);

	text = dossier_cli_text("ht", "--json", "dossier", "list", NULL);
	ck_assert_msg(strstr(text, "\"type\":\"CUOI_NAM\"") != NULL &&
	    strstr(strstr(text, "\"type\":\"CUOI_NAM\"") + 1,
	    "\"type\":\"CUOI_NAM\"") == NULL, "not exactly one dossier:\n%s",
	    text);
	free(text);
	arena_free(&a);
}
END_TEST

START_TEST(test_crash_between_commit_and_reply)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierSubmitRequest in = TDKT__DOSSIER_SUBMIT_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct harness_json	*j;
	struct arena		*a = arena_new(1 << 20);
	char			 id[24], *text, *at;
	size_t			 submits = 0;

	dossier_start("2024-05-20", "dossier-submit");
	in.dossier_id = dossier_new("ht");
	snprintf(id, sizeof id, "%llu", (unsigned long long)in.dossier_id);
	dossier_attach_all("ht", id);
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-002", "--title", "CSTDCS", "--summary", "Sáng kiến", NULL);
	harness_json_free(&j);
	j = dossier_cli_json("ht", "dossier", "meeting", id, "--members", "9",
	    "--present", "9", "--date", "2024-05-17", NULL);
	harness_json_free(&j);

	/* The server commits the submission and dies before answering. */
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SUBMIT_REQUEST;
	req.dossier_submit_request = &in;
	ck_assert_int_eq(dossier_send("ht", &req, "crash-key-0000000001", a,
	    &reply), CONN_UNREACHABLE);
	ck_assert_int_eq(harness_proc_wait(h, h->server, 20000), 75);
	h->server = NULL;

	/* Restarted, it answers the retry from what it committed. */
	unsetenv("TDKT_TEST_CRASH_AFTER_COMMIT");
	harness_server_start(h, NULL);
	ck_assert_int_eq(dossier_send("ht", &req, "crash-key-0000000001", a,
	    &reply), CONN_OK);
	ck_assert(reply->dossier_submit_reply->replayed);
	ck_assert_str_eq(reply->dossier_submit_reply->state, "validating");

	text = dossier_cli_text("ht", "--json", "dossier", "history", id);
	for (at = text; (at = strstr(at, "\"action\":\"submit\"")) != NULL; at++)
		submits++;
	ck_assert_msg(submits == 1, "%zu submissions in\n%s", submits, text);
	free(text);
	arena_free(&a);
}
END_TEST

START_TEST(test_bad_input_changes_nothing)
{
	struct harness_json	*j;
	char			 id[24], *before, *after;
	const char		*big;

	dossier_start("2024-05-20", NULL);
	snprintf(id, sizeof id, "%llu", (unsigned long long)dossier_new("ht"));
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-002", "--title", "CSTDCS", NULL);
	harness_json_free(&j);
	before = dossier_cli_text("ht", "--json", "dossier", "show", id);

	/* A document the type does not have; a non-PDF in the PDF slot. */
	dossier_refused("PHIEU_LA", "ht", "dossier", "attach", id,
	    "--document", "PHIEU_LA", "--pdf",
	    harness_document_file(h, "x.pdf", "x"), NULL);
	dossier_refused("không phải tệp PDF", "ht", "dossier", "attach", id,
	    "--document", "TO_TRINH", "--pdf",
	    harness_document_file(h, "to-trinh.docx", "giả PDF"), NULL);
	dossier_refused("không phải tệp văn bản", "ht", "dossier", "attach", id,
	    "--document", "TO_TRINH", "--editable",
	    harness_document_file(h, "to-trinh-that.pdf", "PDF trong ô Word"),
	    NULL);
	/* A nominee of another school; the same nominee twice. */
	dossier_refused("không thuộc đơn vị", "ht", "dossier", "nominate", id,
	    "--person", "Q1-BN-003", "--title", "LDTT", NULL);
	dossier_refused("đã được đề nghị", "ht", "dossier", "nominate", id,
	    "--person", "Q1-DTH-002", "--title", "CSTDCS", NULL);
	/* A stale version; another school's head; a decision before review. */
	dossier_refused("conflict", "ht", "dossier", "nominate", id,
	    "--if-version", "1", "--person", "Q1-DTH-003", "--title", "LDTT",
	    NULL);
	dossier_refused("permission_denied", "ht2", "dossier", "nominate", id,
	    "--person", "Q1-DTH-003", "--title", "LDTT", NULL);
	dossier_refused("conflict", "tp", "decide", id, "--number", "1/QĐ",
	    "--date", "2024-05-20", "--signer", "X", NULL);
	/* A file over the limit (the harness's server allows 64 KiB chunks). */
	harness_server_stop(h);
	harness_server_set(h, "limits.max_file_bytes", "2048");
	harness_server_start(h, harness_server_config(h, "small-files.yaml"));
	{
		char	blob[4096];

		memset(blob, 'a', sizeof blob - 1);
		blob[sizeof blob - 1] = '\0';
		memcpy(blob, "%PDF-1.4\n", 9);
		big = harness_write(h, "big.pdf", blob);
	}
	dossier_refused("too_large", "ht", "dossier", "attach", id,
	    "--document", "TO_TRINH", "--pdf", big, NULL);

	after = dossier_cli_text("ht", "--json", "dossier", "show", id);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);

	/* Hostile strings: SQL kept verbatim as text, control bytes refused. */
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-003", "--title", "LDTT", "--summary",
	    "'); DELETE FROM nominees; -- \"Tốt\"", NULL);
	harness_json_free(&j);
	after = dossier_cli_text("ht", "--json", "dossier", "show", id);
	ck_assert_msg(strstr(after, "'); DELETE FROM nominees; -- \\\"Tốt\\\"")
	    != NULL && strstr(after, "\"title\":\"CSTDCS\"") != NULL, "%s",
	    after);
	free(after);
	dossier_refused("control characters", "ht", "dossier", "meeting", id,
	    "--members", "9", "--present", "8", "--date", "2024-05-17",
	    "--note", "a\x01b", NULL);
}
END_TEST

START_TEST(test_window_and_extension)
{
	struct harness_json	*j;
	char			 id[24], *text;

	/* 01/06/2024: the window closed on 28/05. */
	dossier_start("2024-06-01", NULL);
	snprintf(id, sizeof id, "%llu", (unsigned long long)dossier_new("ht"));
	dossier_attach_all("ht", id);
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-003", "--title", "LDTT", NULL);
	harness_json_free(&j);
	j = dossier_cli_json("ht", "dossier", "meeting", id, "--members", "9",
	    "--present", "6", "--date", "2024-05-27", NULL);
	harness_json_free(&j);
	dossier_refused("deadline_passed", "ht", "dossier", "submit", id, NULL);

	/* The school cannot extend its own window; its office can. */
	dossier_refused("permission_denied", "ht", "extension", "grant",
	    "--unit", SCHOOL, "--type", "CUOI_NAM", "--until", "2024-06-05",
	    NULL);
	j = dossier_cli_json("cv", "extension", "grant", "--unit", SCHOOL,
	    "--type", "CUOI_NAM", "--until", "2024-06-05", "--reason",
	    "Trường bị ngập, mất điện", NULL);
	harness_json_free(&j);
	text = dossier_cli_text("ht", "--json", "dossier", "submit", id);
	ck_assert_msg(strstr(text, "\"state\":\"awaiting_review\"") != NULL,
	    "%s", text);
	free(text);
	text = dossier_cli_text("ht", "--json", "dossier", "history", id);
	ck_assert_msg(strstr(text, "gia hạn") != NULL, "%s", text);
	free(text);
}
END_TEST

/* Sends an upload request as "ht"; returns the status, *reply in `a`. */
static enum conn_status
dossier_upload_send(Tdkt__ClientEnvelope *req, struct arena *a,
    Tdkt__ClientEnvelope **reply)
{
	return dossier_send("ht", req, "", a, reply);
}

/* An UploadChunkRequest of `len` bytes at `offset`, with their SHA-256. */
static enum conn_status
dossier_chunk(uint64_t upload, uint64_t offset, const char *data, size_t len,
    const char *sha256, struct arena *a, Tdkt__ClientEnvelope **reply)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UploadChunkRequest in = TDKT__UPLOAD_CHUNK_REQUEST__INIT;

	in.upload_id = upload;
	in.offset = offset;
	in.data.data = (uint8_t *)data;
	in.data.len = len;
	in.chunk_sha256 = (char *)sha256;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_CHUNK_REQUEST;
	req.upload_chunk_request = &in;
	return dossier_upload_send(&req, a, reply);
}

/* The SHA-256 of `len` bytes, in hex, by sha256sum (not our own code). */
static void
dossier_sha256(const char *data, size_t len, char hex[65])
{
	struct harness_output	 out;
	const char		*path;
	char			*copy = malloc(len + 1);

	memcpy(copy, data, len);
	copy[len] = '\0';
	path = harness_write(h, "to-hash", copy);
	free(copy);
	ck_assert_int_eq(harness_run(h, &out, "/usr/bin/sha256sum", path, NULL),
	    0);
	memcpy(hex, out.out, 64);
	hex[64] = '\0';
	harness_output_clear(&out);
}

/*
 * Files up and down: several chunks, a resumed upload, a damaged chunk, a
 * file that is not what it claimed, a download that matches byte for byte,
 * and a stored copy damaged behind the server's back.
 */
START_TEST(test_files_up_and_down)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UploadBeginRequest begin = TDKT__UPLOAD_BEGIN_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct harness_output	 out;
	struct harness_json	*j;
	struct arena		*a = arena_new(4 << 20);
	static char		 pdf[200 * 1024];
	char			 id[24], sha[65], part[65], *got;
	size_t			 len;
	uint64_t		 upload;

	dossier_start("2024-05-20", NULL);
	snprintf(id, sizeof id, "%llu", (unsigned long long)dossier_new("ht"));
	/* 200 KiB of PDF: four chunks at the harness's 64 KiB messages. */
	memset(pdf, 'x', sizeof pdf - 1);
	for (size_t i = 0; i + 40 < sizeof pdf; i += 997)
		memcpy(pdf + i, "Trường Tiểu học Đinh Tiên Hoàng ", 32);
	memcpy(pdf, "%PDF-1.4\n", 9);
	dossier_sha256(pdf, strlen(pdf), sha);

	/* The first chunk goes up, then the connection is "lost". */
	begin.sha256 = sha;
	begin.size = strlen(pdf);
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_BEGIN_REQUEST;
	req.upload_begin_request = &begin;
	ck_assert_int_eq(dossier_upload_send(&req, a, &reply), CONN_OK);
	ck_assert_uint_eq(reply->upload_begin_reply->received, 0);
	upload = reply->upload_begin_reply->upload_id;
	dossier_sha256(pdf, 10000, part);
	/* A truncated chunk does not match its hash and is refused. */
	ck_assert_int_eq(dossier_chunk(upload, 0, pdf, 9000, part, a, &reply),
	    CONN_SERVER_ERROR);
	ck_assert_int_eq(reply->error->code,
	    TDKT__ERROR_CODE__ERROR_CODE_INTEGRITY);
	ck_assert_int_eq(dossier_chunk(upload, 0, pdf, 10000, part, a, &reply),
	    CONN_OK);
	ck_assert_uint_eq(reply->upload_chunk_reply->received, 10000);
	/* Beginning again resumes where the server stands. */
	ck_assert_int_eq(dossier_upload_send(&req, a, &reply), CONN_OK);
	ck_assert_uint_eq(reply->upload_begin_reply->received, 10000);
	ck_assert_uint_eq(reply->upload_begin_reply->upload_id, upload);

	/* The CLI sends the rest and attaches it. */
	harness_write(h, "to-trinh.pdf", pdf);
	j = dossier_cli_json("ht", "dossier", "attach", id, "--document",
	    "TO_TRINH", "--pdf", harness_path(h, "to-trinh.pdf"), NULL);
	harness_json_free(&j);

	/* Down again, byte for byte. */
	ck_assert_int_eq(harness_cli_as(h, &out, "ht", "dossier", "get-file", id,
	    "--document", "TO_TRINH", "--pdf", "--out",
	    harness_path(h, "tai-ve.pdf"), NULL), 0);
	harness_output_clear(&out);
	got = harness_read_file(harness_path(h, "tai-ve.pdf"), &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, strlen(pdf));
	ck_assert(memcmp(got, pdf, len) == 0);
	free(got);

	/*
	 * Knowing a file's hash is not having it: another school's head can
	 * neither skip the upload nor attach the file to a dossier of theirs.
	 */
	{
		Tdkt__ClientEnvelope	 other = TDKT__CLIENT_ENVELOPE__INIT;
		Tdkt__DossierAttachRequest att =
		    TDKT__DOSSIER_ATTACH_REQUEST__INIT;
		char			 key[33];

		ck_assert_int_eq(dossier_send("ht2", &req, "", a, &reply),
		    CONN_OK);
		ck_assert(!reply->upload_begin_reply->complete);
		ck_assert_uint_eq(reply->upload_begin_reply->received, 0);
		att.dossier_id = dossier_new("ht2");
		att.document = "TO_TRINH";
		att.slot = "pdf";
		att.sha256 = sha;
		att.filename = "cua-truong-khac.pdf";
		other.body_case =
		    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_ATTACH_REQUEST;
		other.dossier_attach_request = &att;
		conn_new_idempotency_key(key);
		ck_assert_int_eq(dossier_send("ht2", &other, key, a, &reply),
		    CONN_SERVER_ERROR);
		ck_assert_int_eq(reply->error->code,
		    TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND);
	}

	/* A file whose bytes are not those it was announced as is dropped. */
	memcpy(part, sha, sizeof part);
	part[0] = part[0] == '0' ? '1' : '0';
	begin.sha256 = part;
	begin.size = 10;
	ck_assert_int_eq(dossier_upload_send(&req, a, &reply), CONN_OK);
	upload = reply->upload_begin_reply->upload_id;
	dossier_sha256("%PDF-1.4\nx", 10, sha);
	ck_assert_int_eq(dossier_chunk(upload, 0, "%PDF-1.4\nx", 10, sha, a,
	    &reply), CONN_SERVER_ERROR);
	ck_assert_int_eq(reply->error->code,
	    TDKT__ERROR_CODE__ERROR_CODE_INTEGRITY);

	/* A stored copy damaged behind the server's back is never served. */
	ck_assert_int_eq(harness_run(h, &out, "/usr/bin/psql", dossier_db, "-qc",
	    "UPDATE files SET content = overlay(content PLACING '\\x58' FROM 100)"
	    " WHERE size = 204799", NULL), 0);
	harness_output_clear(&out);
	dossier_refused("integrity", "ht", "dossier", "get-file", id,
	    "--document", "TO_TRINH", "--pdf", "--out",
	    harness_path(h, "hong.pdf"), NULL);
	ck_assert_ptr_null(harness_read_file(harness_path(h, "hong.pdf"), &len));
	arena_free(&a);
}
END_TEST

/* Nobody may leave unbounded unfinished uploads behind. */
START_TEST(test_unfinished_uploads_are_bounded)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UploadBeginRequest begin = TDKT__UPLOAD_BEGIN_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a = arena_new(1 << 20);
	char			 sha[65];

	dossier_start("2024-05-20", NULL);
	ck_assert_int_eq(harness_server_stop(h), 0);
	harness_server_set(h, "limits.max_file_bytes", "2048");
	harness_server_start(h, harness_server_config(h, "small-files.yaml"));
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_BEGIN_REQUEST;
	req.upload_begin_request = &begin;
	begin.sha256 = sha;
	begin.size = 2048;
	/* Ten files' worth unfinished is the limit; the eleventh is refused. */
	for (int i = 0; i <= 10; i++) {
		snprintf(sha, sizeof sha, "%064x", i + 1);
		ck_assert_int_eq(dossier_upload_send(&req, a, &reply),
		    i < 10 ? CONN_OK : CONN_SERVER_ERROR);
	}
	ck_assert_int_eq(reply->error->code,
	    TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE);
	/* Resuming one already begun is still fine. */
	snprintf(sha, sizeof sha, "%064x", 3);
	ck_assert_int_eq(dossier_upload_send(&req, a, &reply), CONN_OK);
	arena_free(&a);
}
END_TEST

/*
 * A school moved to another office while its dossier awaits review (as
 * the 2025 reform moved schools mid-year): the dossier follows it.
 */
START_TEST(test_dossier_follows_its_school)
{
	struct harness_output	 out;
	struct harness_json	*j;
	char			 id[24], *text;

	dossier_start("2024-05-20", NULL);
	snprintf(id, sizeof id, "%llu", (unsigned long long)dossier_new("ht"));
	dossier_attach_all("ht", id);
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-002", "--title", "CSTDCS", NULL);
	harness_json_free(&j);
	j = dossier_cli_json("ht", "dossier", "meeting", id, "--members", "9",
	    "--present", "9", "--date", "2024-05-17", NULL);
	harness_json_free(&j);
	text = dossier_cli_text("ht", "--json", "dossier", "submit", id);
	ck_assert_msg(strstr(text, "\"awaiting_unit\":\"PGDDT-Q1\"") != NULL,
	    "%s", text);
	free(text);

	harness_write(h, "move.csv", "Mã đơn vị,Tên đơn vị,Loại hình,"
	    "Mã đơn vị cấp trên\n"
	    "PGDDT-Q3,Phòng Giáo dục và Đào tạo Quận 3,Phòng,SGDDT-HCM\n"
	    "Q1-TH-DINHTIENHOANG,Trường Tiểu học Đinh Tiên Hoàng,Tiểu học,"
	    "PGDDT-Q3\n");
	ck_assert_int_eq(harness_cli(h, &out, "import", "units",
	    harness_path(h, "move.csv"), NULL), 0);
	harness_output_clear(&out);
	harness_user(h, "cv3", "PGDDT-Q3", "specialist:primary", NULL);

	/* The old office no longer sees it; the new one reviews it. */
	text = dossier_cli_text("cv", "--json", "queue", NULL, NULL);
	ck_assert_msg(strstr(text, "\"unit\":\"" SCHOOL "\"") == NULL, "%s",
	    text);
	free(text);
	j = dossier_cli_json("cv3", "review", id, "approve", NULL);
	dossier_expect(j, "level", "district");
	dossier_expect(j, "awaiting_unit", "PGDDT-Q3");
	harness_json_free(&j);
	text = dossier_cli_text("ht", "--json", "dossier", "history", id);
	ck_assert_msg(strstr(text, "\"action\":\"reassign\"") != NULL &&
	    strstr(text, "nay chờ PGDDT-Q3") != NULL, "%s", text);
	free(text);
}
END_TEST

/*
 * A submission that breaks several rules comes back with each, in
 * Vietnamese, through `dossier show`; fixed and submitted again, its new
 * check replaces the old findings and it goes on to its reviewer.
 */
START_TEST(test_validation_findings)
{
	struct harness_output	 out;
	struct harness_json	*j;
	char			 id[24], *text;
	const char		*sql;
	static const char *const codes[] = {
		"\"code\":\"pdf_unreadable\"", "\"code\":\"quorum\"",
		"\"code\":\"not_registered\"", "\"code\":\"pending_matter\"",
	};

	dossier_start("2024-05-20", NULL);
	snprintf(id, sizeof id, "%llu", (unsigned long long)dossier_new("ht"));
	dossier_attach_all("ht", id);
	/* A PDF cut short: it says %PDF, but it does not open. */
	harness_write(h, "cut.pdf", "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pa");
	j = dossier_cli_json("ht", "dossier", "attach", id, "--document",
	    "TO_TRINH", "--pdf", harness_path(h, "cut.pdf"), NULL);
	harness_json_free(&j);
	/* Registered, but under investigation since March. */
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-003", "--title", "LDTT", NULL);
	harness_json_free(&j);
	sql = "INSERT INTO pending_matters (person_id, kind, opened_on, note)"
	    " SELECT id, 'investigation', '2024-03-01', 'đơn thư' FROM people"
	    " WHERE code = 'Q1-DTH-003'";
	ck_assert_int_eq(harness_run(h, &out, "/usr/bin/psql", dossier_db,
	    "-qc", sql, NULL), 0);
	harness_output_clear(&out);
	/* Never registered. */
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-004", "--title", "LDTT", NULL);
	harness_json_free(&j);
	/* Five of nine: short of two thirds. */
	j = dossier_cli_json("ht", "dossier", "meeting", id, "--members", "9",
	    "--present", "5", "--date", "2024-05-17", NULL);
	harness_json_free(&j);

	text = dossier_cli_text("ht", "--json", "dossier", "submit", id);
	ck_assert_msg(strstr(text, "\"state\":\"needs_fixes\"") != NULL, "%s",
	    text);
	free(text);
	text = dossier_cli_text("ht", "--json", "dossier", "show", id);
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		ck_assert_msg(strstr(text, codes[i]) != NULL, "no %s in\n%s",
		    codes[i], text);
	ck_assert_msg(strstr(text, "Q1-DTH-004") != NULL &&
	    strstr(text, "chưa đăng ký") != NULL, "%s", text);
	free(text);

	/* Fixed: a sound PDF, the whole council, only the registered one. */
	j = dossier_cli_json("ht", "dossier", "attach", id, "--document",
	    "TO_TRINH", "--pdf", harness_document_file(h, "to-trinh-moi.pdf",
	    "bản mới"), NULL);
	harness_json_free(&j);
	j = dossier_cli_json("ht", "dossier", "meeting", id, "--members", "9",
	    "--present", "8", "--date", "2024-05-17", NULL);
	harness_json_free(&j);
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-004", "--title", "LDTT", "--remove", NULL);
	harness_json_free(&j);
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-003", "--title", "LDTT", "--remove", NULL);
	harness_json_free(&j);
	j = dossier_cli_json("ht", "dossier", "nominate", id, "--person",
	    "Q1-DTH-002", "--title", "LDTT", NULL);
	harness_json_free(&j);
	text = dossier_cli_text("ht", "--json", "dossier", "submit", id);
	ck_assert_msg(strstr(text, "\"state\":\"awaiting_review\"") != NULL &&
	    strstr(text, "\"code\"") == NULL, "%s", text);
	free(text);
}
END_TEST

static Suite *
dossier_suite(void)
{
	Suite	*s = suite_create("dossier");
	TCase	*tc;

	tc = tcase_create("chain");
	tcase_add_checked_fixture(tc, NULL, dossier_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_year_end_up_the_chain);
	tcase_add_test(tc, test_validation_findings);
	tcase_add_test(tc, test_retry_creates_one_dossier);
	tcase_add_test(tc, test_crash_between_commit_and_reply);
	tcase_add_test(tc, test_bad_input_changes_nothing);
	tcase_add_test(tc, test_window_and_extension);
	tcase_add_test(tc, test_files_up_and_down);
	tcase_add_test(tc, test_dossier_follows_its_school);
	tcase_add_test(tc, test_unfinished_uploads_are_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_main(dossier_suite);
}
