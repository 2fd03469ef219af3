/*
 * jobs.c - the table of job kinds this worker runs: one line per kind.
 */
#include <string.h>

#include "job.h"

static const struct job_kind *const jobs_table[] = {
	&job_echo_kind,
	&job_inspect_file_kind,
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
