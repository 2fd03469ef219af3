/*
 * remind_render.h - the words of a deadline reminder, from templates.
 *
 * A reminder job (RemindJob, proto/worker.proto) carries facts: the unit,
 * the dossier type, the deadline, the days left, what is still missing.
 * This module turns them into a subject and a body in Vietnamese, through
 * one of four template pairs chosen by the facts:
 *
 *	REMIND_BEFORE		the unit, days_left > 0
 *	REMIND_TODAY		the unit, days_left == 0
 *	REMIND_OVERDUE		the unit, days_left < 0
 *	REMIND_ESCALATION	audience "office": the office's specialist,
 *				about a school that has not submitted
 *
 * Templates are text with placeholders such as {unit} or {deadline}; "{{"
 * and "}}" stand for literal braces. Every template is checked when the
 * configuration loads (remind_templates_new), so an unknown placeholder is
 * a configuration error, never a failed reminder. The built-in templates
 * serve wherever the configuration leaves one empty.
 *
 * The facts come from the server, but they are treated as hostile all the
 * same: a substituted value never carries invalid UTF-8 (a bad byte
 * becomes U+FFFD), control characters or line breaks (they become a space,
 * so no value can add a line anywhere, least of all to the subject), and
 * each is cut to a bounded length. The missing items are listed one per
 * line, at most REMIND_MISSING_MAX of them. The subject is one line of at
 * most REMIND_SUBJECT_MAX bytes (RFC 5322's line limit) and the body at
 * most REMIND_BODY_MAX bytes; longer output is cut at a character boundary
 * and says so. Rendering is pure: no I/O, no globals.
 */
#ifndef TDKT_REMIND_RENDER_H
#define TDKT_REMIND_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "worker.pb-c.h"

#define REMIND_SUBJECT_MAX	998
#define REMIND_BODY_MAX		(64 * 1024)
/* Missing items listed; the rest are counted in one line. */
#define REMIND_MISSING_MAX	50
/* Bytes of one substituted value (of one missing item), at most. */
#define REMIND_VALUE_MAX	400

enum remind_kind {
	REMIND_BEFORE,
	REMIND_TODAY,
	REMIND_OVERDUE,
	REMIND_ESCALATION,
	REMIND_NKINDS
};

/* The template pair of each kind, checked; shared read-only by threads. */
struct remind_templates;

/* The configuration's name of `kind`: "before", "today", ... */
const char	*remind_render_kind_name(enum remind_kind kind);
/* The built-in subject and body templates of `kind`. */
const char	*remind_render_default_subject(enum remind_kind kind);
const char	*remind_render_default_body(enum remind_kind kind);

/*
 * Checks one template: every placeholder known, every brace matched and,
 * for a subject, a single line. Returns 0, or -1 with *cause set (caller
 * frees).
 */
int		 remind_render_check(const char *tmpl, bool is_subject,
		    char **cause);

/*
 * Returns the templates to render with: subjects[k] and bodies[k] for each
 * kind, or the built-in one where that is NULL or "". Each given template
 * is checked; on the first bad one returns NULL with *cause set (caller
 * frees), naming the template ("templates.before.body: ...").
 */
struct remind_templates	*remind_templates_new(
			    const char *const subjects[REMIND_NKINDS],
			    const char *const bodies[REMIND_NKINDS],
			    char **cause);
/* NULL is allowed. */
void			 remind_templates_free(struct remind_templates **);

/* What a reminder says; both strings are valid UTF-8, malloc'd. */
struct remind_text {
	char	*subject;	/* one line, at most REMIND_SUBJECT_MAX bytes */
	char	*body;		/* LF line ends, at most REMIND_BODY_MAX bytes */
};

/* The kind of template a job calls for; -1 if its audience is unknown. */
int		 remind_render_kind(const Tdkt__RemindJob *job);

/*
 * Renders `job` through `t` into `out` (the caller frees with
 * remind_text_clear). Returns 0, or -1 with *cause set (caller frees)
 * when the job is one no template fits (an unknown audience).
 */
int		 remind_render(const struct remind_templates *t,
		    const Tdkt__RemindJob *job, struct remind_text *out,
		    char **cause);
/* Frees the strings of `text`; the struct is the caller's. */
void		 remind_text_clear(struct remind_text *text);

#endif
