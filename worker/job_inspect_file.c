/*
 * job_inspect_file.c - the `inspect_file` job: what a stored document
 * really is.
 *
 * Given a document's bytes and the SHA-256 the server stored with them,
 * it says whether they are those bytes, what format they are in and, for
 * a PDF, whether it opens, is encrypted and has pages (InspectFileResult).
 * The checks, in order, each ending the inspection with its problem:
 *
 *   1. the content's SHA-256 is not the job's: sha256_mismatch;
 *   2. no %PDF- header (inspect_format.c; the format says what it is
 *      instead, "docx", "zip", "unknown"): not_pdf;
 *   3. the PDF, checked by qpdf in a child process under limits
 *      (inspect_child.c): truncated, damaged, encrypted, no_pages or
 *      too_complex, or none.
 *
 * Whether a document had to be a PDF is for the server to decide; this job
 * only says what each is. A file that breaks or exhausts the checker is a
 * finding (too_complex), never a failed job; only a worker that cannot run
 * the check at all fails the job, which is then tried again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "arena.h"
#include "inspect.h"
#include "inspect_child.h"
#include "inspect_format.h"
#include "job.h"
#include "wire.h"
#include "xmalloc.h"

#define SHA256_HEX_LEN	(2 * crypto_hash_sha256_BYTES)
/*
 * The child's wall-clock limit is at most 3/4 of the job's timeout, so the
 * answer comes well within the lease, and at least a second.
 */
#define INSPECT_LEASE_SHARE_NUM	3
#define INSPECT_LEASE_SHARE_DEN	4
#define INSPECT_WALL_MIN_MS	1000

static void
job_inspect_file_fail(struct job_output *out, Tdkt__ErrorCode code,
    const char *detail)
{
	out->ok = false;
	out->code = code;
	snprintf(out->detail, sizeof out->detail, "%s", detail);
}

/* True if `s` is SHA256_HEX_LEN hexadecimal digits, either case. */
static bool
job_inspect_file_hex_ok(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return false;
	}
	return i == SHA256_HEX_LEN;
}

static void
job_inspect_file_run(const struct job_input *in, struct job_output *out)
{
	struct arena		*a = arena_new(in->len * 2 + 4096);
	Tdkt__InspectFileJob	*job;
	Tdkt__InspectFileResult	 result = TDKT__INSPECT_FILE_RESULT__INIT;
	struct inspect_finding	 f = { .problem = INSPECT_OK };
	struct inspect_limits	 limits = INSPECT_LIMITS_DEFAULT;
	struct wire_error	 err;
	enum inspect_format	 format;
	unsigned char		 sum[crypto_hash_sha256_BYTES];
	char			 hex[SHA256_HEX_LEN + 1], *cause = NULL;

	job = (Tdkt__InspectFileJob *)wire_unpack(a,
	    &tdkt__inspect_file_job__descriptor, in->payload, in->len, in->len,
	    &err);
	if (job == NULL) {
		out->ok = false;
		out->code = TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT;
		snprintf(out->detail, sizeof out->detail, "bad inspect_file "
		    "payload: %s", err.detail);
		goto done;
	}
	if (!job_inspect_file_hex_ok(job->sha256)) {
		job_inspect_file_fail(out,
		    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "the job's sha256 is not 64 hexadecimal digits");
		goto done;
	}
	if (sodium_init() < 0) {
		job_inspect_file_fail(out, TDKT__ERROR_CODE__ERROR_CODE_INTERNAL,
		    "could not initialise libsodium");
		goto done;
	}

	crypto_hash_sha256(sum, job->content.data, job->content.len);
	sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
	format = inspect_format_detect(job->content.data, job->content.len);
	if (strcasecmp(hex, job->sha256) != 0)
		inspect_finding_set(&f, INSPECT_SHA256_MISMATCH, "the content's "
		    "SHA-256 is %s, not %s as stored", hex, job->sha256);
	else if (format != INSPECT_FORMAT_PDF)
		inspect_finding_set(&f, INSPECT_NOT_PDF, "no %%PDF- header: "
		    "the content is %s", format == INSPECT_FORMAT_UNKNOWN ?
		    "of no format known here" : inspect_format_name(format));
	else {
		uint64_t	share = (uint64_t)in->timeout_ms *
		    INSPECT_LEASE_SHARE_NUM / INSPECT_LEASE_SHARE_DEN;

		if (in->timeout_ms > 0 && share < limits.wall_ms)
			limits.wall_ms = share < INSPECT_WALL_MIN_MS ?
			    INSPECT_WALL_MIN_MS : (uint32_t)share;
		if (inspect_child_run(INSPECT_SELF_EXE, &limits,
		    job->content.data, job->content.len, &f, &cause) < 0) {
			job_inspect_file_fail(out,
			    TDKT__ERROR_CODE__ERROR_CODE_INTERNAL, cause);
			free(cause);
			goto done;
		}
	}

	result.format = (char *)inspect_format_name(format);
	result.pages = f.pages;
	result.encrypted = f.encrypted;
	result.problem = (char *)inspect_problem_name(f.problem);
	result.detail = f.detail;
	out->len = protobuf_c_message_get_packed_size(&result.base);
	out->payload = xmalloc(out->len);
	protobuf_c_message_pack(&result.base, out->payload);
	out->ok = true;
done:
	arena_free(&a);
}

const struct job_kind job_inspect_file_kind = {
	.name = "inspect_file",
	.run = job_inspect_file_run,
};
