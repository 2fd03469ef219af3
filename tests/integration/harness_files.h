/*
 * harness_files.h - real documents for tests that attach them: PDFs that
 * open and Word documents whose bytes say what they are, each different.
 */
#ifndef TDKT_HARNESS_FILES_H
#define TDKT_HARNESS_FILES_H

#include <stddef.h>

struct harness;

/* A one-page PDF that opens, its page's content saying `what` (caller frees). */
char		*harness_pdf(const char *what, size_t *len);
/* A Word document (.docx: a ZIP, stored) whose text is `what` (caller frees). */
char		*harness_docx(const char *what, size_t *len);
/*
 * Writes DIR/name: a PDF that opens, or a Word document, as the name says,
 * its content naming `what` (so that each file differs); returns its path,
 * owned by the harness.
 */
const char	*harness_document_file(struct harness *, const char *name,
		    const char *what);

#endif
