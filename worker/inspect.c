/*
 * inspect.c - the problem codes of the `inspect_file` job and the details
 * that go with them; see inspect.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "inspect.h"

/* The stable codes of InspectFileResult.problem, by enum inspect_problem. */
static const char *const inspect_problem_names[INSPECT_NPROBLEMS] = {
	[INSPECT_OK] = "",
	[INSPECT_NOT_PDF] = "not_pdf",
	[INSPECT_TRUNCATED] = "truncated",
	[INSPECT_DAMAGED] = "damaged",
	[INSPECT_ENCRYPTED] = "encrypted",
	[INSPECT_NO_PAGES] = "no_pages",
	[INSPECT_TOO_COMPLEX] = "too_complex",
	[INSPECT_SHA256_MISMATCH] = "sha256_mismatch",
};

const char *
inspect_problem_name(enum inspect_problem p)
{
	if ((unsigned)p >= INSPECT_NPROBLEMS)
		return "damaged";	/* unreachable; never NULL */
	return inspect_problem_names[p];
}

int
inspect_problem_parse(const char *name, enum inspect_problem *out)
{
	for (unsigned i = 0; i < INSPECT_NPROBLEMS; i++) {
		if (strcmp(inspect_problem_names[i], name) == 0) {
			*out = (enum inspect_problem)i;
			return 0;
		}
	}
	return -1;
}

void
inspect_finding_set(struct inspect_finding *f, enum inspect_problem p,
    const char *fmt, ...)
{
	va_list	ap;

	f->problem = p;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof f->detail, fmt, ap);
	va_end(ap);
	inspect_detail_clean(f->detail);
}

void
inspect_detail_clean(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
	}
}
