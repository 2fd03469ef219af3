/*
 * inspect.h - what inspecting a stored file finds: the vocabulary of the
 * `inspect_file` job.
 *
 * The job (job_inspect_file.c) says what a document really is: its format
 * by its bytes (inspect_format.c) and, for a PDF, whether it opens, is
 * encrypted and has pages (inspect_pdf.c, run in a child process with time
 * and memory limits by inspect_child.c). Each finding is one of the stable
 * problem codes of InspectFileResult.problem in proto/worker.proto, with a
 * detail in English for operators.
 */
#ifndef TDKT_INSPECT_H
#define TDKT_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

/* The codes of InspectFileResult.problem; callers branch on them. */
enum inspect_problem {
	INSPECT_OK = 0,			/* "": the file is sound */
	INSPECT_NOT_PDF,		/* no %PDF- header */
	INSPECT_TRUNCATED,		/* no %%EOF at the end: cut short */
	INSPECT_DAMAGED,		/* unreadable, or read only by repair */
	INSPECT_ENCRYPTED,		/* encrypted, with or without a password */
	INSPECT_NO_PAGES,		/* opens, but has no page */
	INSPECT_TOO_COMPLEX,		/* outran the time or memory limits */
	INSPECT_SHA256_MISMATCH,	/* not the bytes the server stored */
	INSPECT_NPROBLEMS
};

/* Longest detail, in bytes; details are printable ASCII, so valid UTF-8. */
#define INSPECT_DETAIL_MAX	240

struct inspect_finding {
	enum inspect_problem	 problem;
	uint32_t		 pages;		/* for a PDF that opens */
	bool			 encrypted;
	char			 detail[INSPECT_DETAIL_MAX + 1];
};

/* The wire name of `p` ("" for INSPECT_OK); never NULL. */
const char	*inspect_problem_name(enum inspect_problem p);
/*
 * Sets *out to the problem whose wire name is `name` and returns 0, or
 * returns -1 if `name` is not one.
 */
int		 inspect_problem_parse(const char *name,
		    enum inspect_problem *out);

/*
 * Sets the finding's problem and its detail from a printf format: cut to
 * INSPECT_DETAIL_MAX bytes and cleaned by inspect_detail_clean.
 */
void		 inspect_finding_set(struct inspect_finding *,
		    enum inspect_problem, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/*
 * Replaces every byte of `s` that is not printable ASCII (a control byte,
 * a newline, a byte of a multibyte sequence) with '?', so a message that
 * quotes a hostile file is one line of valid UTF-8.
 */
void		 inspect_detail_clean(char *s);

#endif
