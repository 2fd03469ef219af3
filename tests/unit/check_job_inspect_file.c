/*
 * check_job_inspect_file.c - unit tests for the `inspect_file` job kind
 * (worker/job_inspect_file.c), driven as the runner drives it: a packed
 * InspectFileJob in, a packed InspectFileResult or an error out.
 *
 * The job starts its PDF check from /proc/self/exe, which here is this
 * test program: its main() serves --inspect-child exactly as tdkt-worker's
 * does, so the job's own spawning path runs unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "inspect_child.h"
#include "job.h"
#include "testpdf.h"
#include "worker.pb-c.h"
#include "xmalloc.h"

struct job_run {
	struct job_output		 out;
	Tdkt__InspectFileResult		*result;	/* when out.ok */
};

static void
sha256_hex(const void *buf, size_t len, char hex[65])
{
	unsigned char	sum[crypto_hash_sha256_BYTES];

	ck_assert_int_ge(sodium_init(), 0);
	crypto_hash_sha256(sum, buf, len);
	sodium_bin2hex(hex, 65, sum, sizeof sum);
}

/* Runs the job on a packed payload. */
static void
job_run_payload(const void *payload, size_t len, uint32_t timeout_ms,
    struct job_run *r)
{
	struct job_input	in = {
		.job_id = 7, .kind = "inspect_file", .payload = payload,
		.len = len, .timeout_ms = timeout_ms, .worker_name = "test",
	};

	memset(r, 0, sizeof *r);
	job_inspect_file_kind.run(&in, &r->out);
	if (r->out.ok) {
		r->result = tdkt__inspect_file_result__unpack(NULL, r->out.len,
		    r->out.payload);
		ck_assert_ptr_nonnull(r->result);
	}
}

/* Runs the job on `content` said to hash to `sha256` (NULL: its own). */
static void
job_run(const void *content, size_t len, const char *sha256,
    struct job_run *r)
{
	Tdkt__InspectFileJob	 job = TDKT__INSPECT_FILE_JOB__INIT;
	char			 hex[65];
	void			*payload;
	size_t			 plen;

	sha256_hex(content, len, hex);
	job.sha256 = (char *)(sha256 != NULL ? sha256 : hex);
	job.content.data = (uint8_t *)content;
	job.content.len = len;
	plen = protobuf_c_message_get_packed_size(&job.base);
	payload = xmalloc(plen > 0 ? plen : 1);
	protobuf_c_message_pack(&job.base, payload);
	job_run_payload(payload, plen, 60000, r);
	free(payload);
}

static void
job_run_free(struct job_run *r)
{
	if (r->result != NULL)
		tdkt__inspect_file_result__free_unpacked(r->result, NULL);
	free(r->out.payload);
}

static void
assert_result(const struct job_run *r, const char *format,
    const char *problem, uint32_t pages)
{
	ck_assert_msg(r->out.ok, "the job failed: %s", r->out.detail);
	ck_assert_str_eq(r->result->format, format);
	ck_assert_msg(strcmp(r->result->problem, problem) == 0,
	    "problem \"%s\", expected \"%s\" (detail: %s)", r->result->problem,
	    problem, r->result->detail);
	ck_assert_uint_eq(r->result->pages, pages);
}

START_TEST(test_job_registered)
{
	const char *const	*names;
	size_t			 n;
	bool			 listed = false;

	ck_assert_ptr_eq(jobs_find("inspect_file"), &job_inspect_file_kind);
	names = jobs_names(&n);
	for (size_t i = 0; i < n; i++)
		listed |= strcmp(names[i], "inspect_file") == 0;
	ck_assert(listed);
}
END_TEST

START_TEST(test_job_sound_pdf)
{
	size_t		 len;
	char		*pdf = testpdf_one_page(&len);
	struct job_run	 r;

	job_run(pdf, len, NULL, &r);
	assert_result(&r, "pdf", "", 1);
	ck_assert(!r.result->encrypted);
	ck_assert_str_eq(r.result->detail, "");
	job_run_free(&r);
	free(pdf);
}
END_TEST

START_TEST(test_job_pdf_problem)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
	};
	size_t		 len, elen;
	char		*pdf = testpdf_build(objs, 2, &len), *enc;
	struct job_run	 r;

	job_run(pdf, len, NULL, &r);
	assert_result(&r, "pdf", "no_pages", 0);
	job_run_free(&r);
	free(pdf);

	pdf = testpdf_one_page(&len);
	enc = testpdf_encrypt(pdf, len, "secret", &elen);
	job_run(enc, elen, NULL, &r);
	assert_result(&r, "pdf", "encrypted", 0);
	ck_assert(r.result->encrypted);
	job_run_free(&r);
	free(enc);
	free(pdf);
}
END_TEST

/* A short lease shortens the child's wall-clock limit, not the answer. */
START_TEST(test_job_short_lease)
{
	Tdkt__InspectFileJob	 job = TDKT__INSPECT_FILE_JOB__INIT;
	size_t			 len, plen;
	char			*pdf = testpdf_one_page(&len), hex[65];
	void			*payload;
	struct job_run		 r;

	sha256_hex(pdf, len, hex);
	job.sha256 = hex;
	job.content.data = (uint8_t *)pdf;
	job.content.len = len;
	plen = protobuf_c_message_get_packed_size(&job.base);
	payload = xmalloc(plen);
	protobuf_c_message_pack(&job.base, payload);
	job_run_payload(payload, plen, 1, &r);
	assert_result(&r, "pdf", "", 1);
	job_run_free(&r);
	free(payload);
	free(pdf);
}
END_TEST

/* A package of empty entries with these names (local headers only). */
static uint8_t *
zip_of(const char *const *names, size_t n, size_t *len)
{
	uint8_t	*buf = xcalloc(n, 30 + 64), *p = buf;

	for (size_t i = 0; i < n; i++) {
		size_t	nlen = strlen(names[i]);

		memcpy(p, "PK\003\004\024\000", 6);
		p[26] = (uint8_t)nlen;
		memcpy(p + 30, names[i], nlen);
		p += 30 + nlen;
	}
	*len = (size_t)(p - buf);
	return buf;
}

START_TEST(test_job_not_pdf)
{
	static const char *const docx[] = {
		"[Content_Types].xml", "_rels/.rels", "word/document.xml",
	};
	static const char *const other[] = { "a.txt", "b.txt" };
	static const char	text[] = "Tờ trình đề nghị khen thưởng\n";
	size_t			len;
	uint8_t			*zip;
	struct job_run		r;

	zip = zip_of(docx, 3, &len);
	job_run(zip, len, NULL, &r);
	assert_result(&r, "docx", "not_pdf", 0);
	ck_assert_ptr_nonnull(strstr(r.result->detail, "docx"));
	job_run_free(&r);
	free(zip);

	zip = zip_of(other, 2, &len);
	job_run(zip, len, NULL, &r);
	assert_result(&r, "zip", "not_pdf", 0);
	job_run_free(&r);
	free(zip);

	job_run(text, sizeof text - 1, NULL, &r);
	assert_result(&r, "unknown", "not_pdf", 0);
	job_run_free(&r);

	job_run("", 0, NULL, &r);
	assert_result(&r, "unknown", "not_pdf", 0);
	job_run_free(&r);
}
END_TEST

START_TEST(test_job_sha256)
{
	size_t		 len;
	char		*pdf = testpdf_one_page(&len), hex[65];
	struct job_run	 r;

	/* Not the stored bytes: said so, and no PDF check is run. */
	job_run(pdf, len, "0000000000000000000000000000000000000000000000000000"
	    "000000000000", &r);
	assert_result(&r, "pdf", "sha256_mismatch", 0);
	sha256_hex(pdf, len, hex);
	ck_assert_ptr_nonnull(strstr(r.result->detail, hex));
	job_run_free(&r);
	/* Upper-case hex is the same digest. */
	for (char *p = hex; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	job_run(pdf, len, hex, &r);
	assert_result(&r, "pdf", "", 1);
	job_run_free(&r);
	free(pdf);
}
END_TEST

/* A malformed job is the server's mistake: refused, never retried. */
START_TEST(test_job_bad_input)
{
	static const char *const bad[] = {
		"", "abc", "zz00000000000000000000000000000000000000000000000000"
		"000000000000", "00000000000000000000000000000000000000000000000"
		"000000000000000000",
	};
	static const uint8_t	junk[] = { 0xff, 0xff, 0xff, 0x0a, 0x05 };
	struct job_run		r;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		job_run("%PDF-", 5, bad[i], &r);
		ck_assert_msg(!r.out.ok, "sha256 \"%s\" accepted", bad[i]);
		ck_assert_int_eq(r.out.code,
		    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
		job_run_free(&r);
	}
	job_run_payload(junk, sizeof junk, 60000, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	job_run_free(&r);
}
END_TEST

static Suite *
job_inspect_file_suite(void)
{
	Suite	*s = suite_create("job_inspect_file");
	TCase	*tc = tcase_create("job");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_job_registered);
	tcase_add_test(tc, test_job_sound_pdf);
	tcase_add_test(tc, test_job_pdf_problem);
	tcase_add_test(tc, test_job_short_lease);
	tcase_add_test(tc, test_job_not_pdf);
	tcase_add_test(tc, test_job_sha256);
	tcase_add_test(tc, test_job_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	SRunner	*sr;
	int	 failed;

	/* The job's child process: this program, as for tdkt-worker. */
	if (argc >= 2 && strcmp(argv[1], INSPECT_CHILD_ARG) == 0)
		return inspect_child_main(argc, argv);
	sr = srunner_create(job_inspect_file_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
