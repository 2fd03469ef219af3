/*
 * findings.h - what the validate job found wrong with a dossier, in the
 * order it was found.
 *
 * A finding is a stable machine code, a severity (an error blocks the
 * dossier, a warning does not), the subject it is about (a document code, a
 * nominee's person code, the unit's code, a title code, or "" for the
 * dossier as a whole), a message in Vietnamese telling the school what to
 * fix and an English detail for operators. The collector owns its strings
 * and bounds what a hostile job can make it hold: every string is cut at
 * FINDINGS_MAX_TEXT bytes on a character boundary, and once `max` findings
 * or FINDINGS_MAX_BYTES of text are held the rest are only counted, for a
 * single too_many_findings warning at the end (findings_end). The server
 * turns the findings into JSON of at most 4 MiB (server/job_hooks.c): the
 * byte budget keeps them well inside it, escapes and all.
 */
#ifndef TDKT_FINDINGS_H
#define TDKT_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

/* Longest code, subject, message or detail kept, in bytes. */
#define FINDINGS_MAX_TEXT	1024
/* Most text (codes, subjects, messages, details) kept in all, in bytes. */
#define FINDINGS_MAX_BYTES	(512 * 1024)

enum finding_severity {
	FINDING_ERROR,		/* blocks the dossier */
	FINDING_WARNING		/* shown, does not block */
};

struct finding {
	char			*code;		/* "missing_document" */
	enum finding_severity	 severity;
	char			*subject;
	char			*message_vi;
	char			*detail;
};

struct findings {
	struct finding	*items;		/* items[0..n), in order of addition */
	size_t		 n;
	size_t		 cap;		/* allocated */
	size_t		 max;		/* kept before dropping */
	size_t		 bytes;		/* of text kept */
	size_t		 dropped;	/* added past max or FINDINGS_MAX_BYTES */
	bool		 ended;		/* findings_end has run */
};

/* Returns an empty collector that keeps at most `max` findings. */
struct findings	*findings_new(size_t max);
/* Frees the collector and every string in it; NULL is allowed. */
void		 findings_free(struct findings **);

/*
 * Appends a finding, or counts it as dropped once `max` are held or its text
 * would pass FINDINGS_MAX_BYTES. Takes
 * ownership of *message_vi and *detail (malloc'd; NULL stands for "") and
 * sets both to NULL; copies `code` and `subject`.
 */
void		 findings_add(struct findings *, const char *code,
		    enum finding_severity, const char *subject,
		    char **message_vi, char **detail);

/*
 * Closes the collection: when findings were dropped, appends the
 * too_many_findings warning saying how many (beyond `max`). Later calls and
 * later findings_add calls change nothing more.
 */
void		 findings_end(struct findings *);

/* "error" or "warning", as Finding.severity carries it. */
const char	*findings_severity_name(enum finding_severity);

#endif
