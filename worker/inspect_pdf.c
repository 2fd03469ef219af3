/*
 * inspect_pdf.c - a PDF's soundness and page count by qpdf's C API; see
 * inspect_pdf.h.
 *
 * Only the file's skeleton is read: the cross-reference table, the
 * trailer, the document catalogue and the page tree. That is what qpdf
 * does when it opens a file and counts its pages, and it is enough to say
 * whether a reader will open the file and show its pages; checking every
 * content stream (qpdf --check) would cost far more and reject files that
 * every reader shows.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "inspect_pdf.h"

#define PDF_MAGIC		"%PDF-"
#define PDF_HEADER_WINDOW	1024	/* readers look this far for it */
#define PDF_EOF_MARKER		"%%EOF"
#define PDF_TRAILER_WINDOW	1024	/* and this far from the end */
#define PDF_DESCRIPTION		"pdf"	/* how qpdf's messages name the file */

/* qpdf's messages, joined and cut to what a detail holds. */
struct pdf_notes {
	char	text[INSPECT_DETAIL_MAX + 1];
	size_t	len;
	size_t	count;
};

static void
pdf_note(struct pdf_notes *n, const char *msg)
{
	int	w;

	n->count++;
	if (n->len >= sizeof n->text - 1)
		return;
	w = snprintf(n->text + n->len, sizeof n->text - n->len, "%s%s",
	    n->len > 0 ? "; " : "", msg);
	if (w > 0)
		n->len += (size_t)w < sizeof n->text - n->len ? (size_t)w :
		    sizeof n->text - n->len - 1;
}

/* Takes every pending warning into `n`. */
static void
pdf_take_warnings(qpdf_data q, struct pdf_notes *n)
{
	while (qpdf_more_warnings(q)) {
		qpdf_error	e = qpdf_next_warning(q);

		if (e != NULL)
			pdf_note(n, qpdf_get_error_full_text(q, e));
	}
}

/*
 * Takes the pending error into `n`; returns true if it was qpdf running out
 * of memory (the C API turns std::bad_alloc into an error).
 */
static bool
pdf_take_error(qpdf_data q, struct pdf_notes *n, enum qpdf_error_code_e *code)
{
	qpdf_error	 e = qpdf_get_error(q);
	const char	*text;

	*code = qpdf_e_internal;
	if (e == NULL) {
		pdf_note(n, "unknown qpdf error");
		return false;
	}
	*code = qpdf_get_error_code(q, e);
	text = qpdf_get_error_full_text(q, e);
	pdf_note(n, text);
	return strstr(text, "bad_alloc") != NULL;
}

/* True if "%PDF-" is in the first PDF_HEADER_WINDOW bytes. */
static bool
pdf_has_header(const char *buf, size_t len)
{
	size_t	window = len < PDF_HEADER_WINDOW ? len : PDF_HEADER_WINDOW;

	return memmem(buf, window, PDF_MAGIC, strlen(PDF_MAGIC)) != NULL;
}

/* True if "%%EOF" is in the last PDF_TRAILER_WINDOW bytes. */
static bool
pdf_has_eof_marker(const char *buf, size_t len)
{
	size_t	window = len < PDF_TRAILER_WINDOW ? len : PDF_TRAILER_WINDOW;

	return memmem(buf + len - window, window, PDF_EOF_MARKER,
	    strlen(PDF_EOF_MARKER)) != NULL;
}

/* The root page node's /Count, or -1 if it has none. */
static long long
pdf_claimed_pages(qpdf_data q)
{
	qpdf_oh		root, pages, count;
	long long	n = -1;

	root = qpdf_get_root(q);
	if (!qpdf_oh_is_dictionary(q, root) ||
	    !qpdf_oh_has_key(q, root, "/Pages"))
		return -1;
	pages = qpdf_oh_get_key(q, root, "/Pages");
	if (!qpdf_oh_is_dictionary(q, pages) ||
	    !qpdf_oh_has_key(q, pages, "/Count"))
		return -1;
	count = qpdf_oh_get_key(q, pages, "/Count");
	if (qpdf_oh_is_integer(q, count))
		n = qpdf_oh_get_int_value(q, count);
	return n;		/* the handles go with qpdf_cleanup */
}

void
inspect_pdf_check(const void *data, size_t len, struct inspect_finding *f)
{
	const char		*buf = data;
	qpdf_data		 q;
	struct pdf_notes	 notes = { .len = 0 }, warnings = { .len = 0 };
	enum qpdf_error_code_e	 code;
	bool			 complete = pdf_has_eof_marker(buf, len);
	bool			 page_error, oom = false;
	long long		 claimed;
	int			 npages;

	memset(f, 0, sizeof *f);
	if (!pdf_has_header(buf, len)) {
		inspect_finding_set(f, INSPECT_NOT_PDF, "no %%PDF- header in "
		    "the first %d bytes", PDF_HEADER_WINDOW);
		return;
	}
	q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);

	if (qpdf_read_memory(q, PDF_DESCRIPTION, buf, len, NULL) &
	    QPDF_ERRORS) {
		oom = pdf_take_error(q, &notes, &code);
		pdf_take_warnings(q, &notes);	/* how the repair failed */
		if (code == qpdf_e_password) {
			f->encrypted = true;
			inspect_finding_set(f, INSPECT_ENCRYPTED, "a password "
			    "is needed to open it: %s", notes.text);
		} else if (oom)
			inspect_finding_set(f, INSPECT_TOO_COMPLEX, "qpdf ran "
			    "out of memory opening it: %s", notes.text);
		else if (!complete)
			inspect_finding_set(f, INSPECT_TRUNCATED, "no %%%%EOF "
			    "at the end, and it does not open: %s", notes.text);
		else
			inspect_finding_set(f, INSPECT_DAMAGED, "it does not "
			    "open: %s", notes.text);
		goto out;
	}
	f->encrypted = qpdf_is_encrypted(q) != QPDF_FALSE;
	claimed = pdf_claimed_pages(q);
	npages = qpdf_get_num_pages(q);
	if ((page_error = npages < 0 || qpdf_has_error(q)))
		oom = pdf_take_error(q, &notes, &code);
	else
		f->pages = (uint32_t)npages;
	pdf_take_warnings(q, &warnings);

	if (!complete)
		inspect_finding_set(f, INSPECT_TRUNCATED, "no %%%%EOF at the "
		    "end: it was cut short%s%s", warnings.count > 0 ? "; " : "",
		    warnings.text);
	else if (f->encrypted)
		inspect_finding_set(f, INSPECT_ENCRYPTED, "it is encrypted, "
		    "though it opens without a password");
	else if (page_error && oom)
		inspect_finding_set(f, INSPECT_TOO_COMPLEX, "qpdf ran out of "
		    "memory reading the pages: %s", notes.text);
	else if (page_error)
		inspect_finding_set(f, INSPECT_DAMAGED, "the pages cannot be "
		    "read: %s", notes.text);
	else if (warnings.count > 0)
		inspect_finding_set(f, INSPECT_DAMAGED, "it opens only by "
		    "repair: %s", warnings.text);
	else if (claimed >= 0 && claimed != npages)
		inspect_finding_set(f, INSPECT_DAMAGED, "the page tree claims "
		    "%lld pages but holds %d", claimed, npages);
	else if (npages == 0)
		inspect_finding_set(f, INSPECT_NO_PAGES, "the page tree holds "
		    "no page");
out:
	qpdf_cleanup(&q);
}
