/*
 * jobs.c - the table of job kinds this worker runs: one line per kind.
 * Which of them a worker announces depends on its configuration (a kind's
 * `offered`, job.h).
 */
#include <string.h>

#include "job.h"

static const struct job_kind *const jobs_table[] = {
	&job_echo_kind,
	&job_inspect_file_kind,
	&job_remind_email_kind,
	&job_remind_inbox_kind,
	&job_remind_push_kind,
	&job_validate_kind,
};

#define JOBS_COUNT	(sizeof jobs_table / sizeof jobs_table[0])

const struct job_kind *
jobs_find(const char *name)
{
	for (size_t i = 0; i < JOBS_COUNT; i++) {
		if (strcmp(jobs_table[i]->name, name) == 0)
			return jobs_table[i];
	}
	return NULL;
}

const char *const *
jobs_names(size_t *n)
{
	static const char	*names[JOBS_COUNT];

	for (size_t i = 0; i < JOBS_COUNT; i++)
		names[i] = jobs_table[i]->name;
	*n = JOBS_COUNT;
	return names;
}

bool
jobs_offers(const struct job_kind *kind, const struct job_context *context)
{
	return kind->offered == NULL || kind->offered(context);
}

size_t
jobs_offered(const struct job_context *context, const char **names)
{
	size_t	n = 0;

	for (size_t i = 0; i < JOBS_COUNT; i++) {
		if (jobs_offers(jobs_table[i], context))
			names[n++] = jobs_table[i]->name;
	}
	return n;
}
