/*
 * inspect_pdf.h - whether a PDF opens, is encrypted and has pages, by qpdf.
 *
 * qpdf is a large parser and the bytes are hostile, so this runs only in the
 * child process of inspect_child.c, under its time and memory limits: a file
 * that crashes qpdf or makes it eat memory ends that process, not the worker.
 */
#ifndef TDKT_INSPECT_PDF_H
#define TDKT_INSPECT_PDF_H

#include <stddef.h>

#include "inspect.h"

/*
 * Opens buf[0..len) with qpdf, reads its page tree and fills *out. The
 * problem is the first that holds of, in order:
 * - NOT_PDF: no "%PDF-" in the first 1024 bytes (qpdf is not called);
 * - qpdf cannot open it: ENCRYPTED (with encrypted set) if it needs a
 *   password; TOO_COMPLEX if qpdf ran out of memory; TRUNCATED if no %%EOF
 *   marker is in the last 1024 bytes; else DAMAGED;
 * - TRUNCATED: it opens, but no %%EOF marker ends it (it was cut short,
 *   even if what is left reads);
 * - ENCRYPTED: it opens without a password, but is encrypted (restrictions
 *   under an owner password); pages is still counted;
 * - TOO_COMPLEX if qpdf ran out of memory reading the page tree, DAMAGED
 *   if it could not read it (a loop, a broken node);
 * - DAMAGED: qpdf warned while opening the file or reading its page tree,
 *   that is it had to repair the structure (a broken cross-reference table
 *   rebuilt by scanning the file, an object missing or not where the table
 *   says, a page object that is not one, a page listed twice). Content
 *   streams are not read, so only damage to the skeleton counts;
 * - DAMAGED: the root /Pages node's /Count is not the number of pages its
 *   tree holds;
 * - NO_PAGES: the tree holds no page;
 * - else OK.
 * pages is set whenever the page tree could be read. The detail quotes
 * qpdf's messages, joined by "; " and cut to INSPECT_DETAIL_MAX bytes.
 */
void	inspect_pdf_check(const void *buf, size_t len,
	    struct inspect_finding *out);

#endif
