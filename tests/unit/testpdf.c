/*
 * testpdf.c - small PDFs made in memory for the inspect_file suites; see
 * testpdf.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <qpdf/qpdf-c.h>

#include "testpdf.h"
#include "xmalloc.h"

/* A growing byte buffer. */
struct testpdf_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

static void
testpdf_add(struct testpdf_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = xreallocarray(b->data, b->cap, 1);
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
testpdf_addf(struct testpdf_buf *b, const char *fmt, size_t a, size_t c)
{
	char	line[64];
	int	n = snprintf(line, sizeof line, fmt, a, c);

	testpdf_add(b, line, (size_t)n);
}

char *
testpdf_build(const char *const *objs, size_t n, size_t *len)
{
	struct testpdf_buf	 b = { NULL, 0, 0 };
	size_t			*offsets = xcalloc(n + 1, sizeof *offsets);
	size_t			 xref;

	testpdf_add(&b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15);
	for (size_t i = 0; i < n; i++) {
		offsets[i] = b.len;
		testpdf_addf(&b, "%zu %zu obj\n", i + 1, 0);
		testpdf_add(&b, objs[i], strlen(objs[i]));
		testpdf_add(&b, "\nendobj\n", 8);
	}
	xref = b.len;
	testpdf_addf(&b, "xref\n%zu %zu\n", 0, n + 1);
	testpdf_add(&b, "0000000000 65535 f \n", 20);
	for (size_t i = 0; i < n; i++)
		testpdf_addf(&b, "%010zu %05zu n \n", offsets[i], 0);
	testpdf_addf(&b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n",
	    n + 1, xref);
	testpdf_add(&b, "%%EOF\n", 6);
	free(offsets);
	*len = b.len;
	return b.data;
}

char *
testpdf_one_page(size_t *len)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	};

	return testpdf_build(objs, 3, len);
}

char *
testpdf_encrypt(const char *pdf, size_t len, const char *user,
    size_t *outlen)
{
	qpdf_data	 q = qpdf_init();
	char		*out;

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	ck_assert_int_eq(qpdf_read_memory(q, "test", pdf, len, NULL) &
	    QPDF_ERRORS, 0);
	ck_assert_int_eq(qpdf_init_write_memory(q) & QPDF_ERRORS, 0);
	qpdf_set_r6_encryption_parameters2(q, user, "owner-secret", QPDF_TRUE,
	    QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE,
	    qpdf_r3p_full, QPDF_TRUE);
	ck_assert_int_eq(qpdf_write(q) & QPDF_ERRORS, 0);
	*outlen = qpdf_get_buffer_length(q);
	out = xmalloc(*outlen);
	memcpy(out, qpdf_get_buffer(q), *outlen);
	qpdf_cleanup(&q);
	return out;
}
