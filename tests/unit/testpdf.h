/*
 * testpdf.h - small PDFs made in memory for the inspect_file suites.
 *
 * The files are written as text with a correct cross-reference table, so a
 * test says exactly which objects a file has and every byte offset is right;
 * encrypted ones are made from them by qpdf's own writer.
 */
#ifndef TDKT_TESTPDF_H
#define TDKT_TESTPDF_H

#include <stddef.h>

/*
 * A PDF 1.4 file of the `n` objects in `objs` (the bodies between "N 0 obj"
 * and "endobj", numbered from 1; object 1 is the catalogue), with its
 * cross-reference table, trailer and %%EOF. Returns it (caller frees) and
 * sets *len.
 */
char	*testpdf_build(const char *const *objs, size_t n, size_t *len);

/* The one-page file: catalogue, page tree, one page. */
char	*testpdf_one_page(size_t *len);

/*
 * `pdf` rewritten by qpdf with 256-bit AES encryption (R6) under the user
 * password `user` ("" for a file that opens without one) and an owner
 * password. Returns it (caller frees) and sets *len; aborts the test on
 * failure.
 */
char	*testpdf_encrypt(const char *pdf, size_t len, const char *user,
	    size_t *outlen);

#endif
