/*
 * job.h - job kinds: what a worker can do, one job_<kind>.c each.
 *
 * A job is a pure function of its input: it gets everything it needs in the
 * payload, never touches the database and returns its result as bytes. It
 * runs on a job thread (runner.c), so it must not use globals.
 */
#ifndef TDKT_JOB_H
#define TDKT_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.pb-c.h"

struct job_input {
	uint64_t	 job_id;
	const char	*kind;
	const void	*payload;
	size_t		 len;
	uint32_t	 timeout_ms;
	const char	*worker_name;
};

struct job_output {
	bool		 ok;
	void		*payload;	/* malloc'd result when ok; runner frees */
	size_t		 len;
	Tdkt__ErrorCode	 code;		/* when !ok */
	char		 detail[256];	/* when !ok; English */
};

struct job_kind {
	const char	*name;
	void		(*run)(const struct job_input *, struct job_output *);
};

/* The kind called `name`, or NULL. */
const struct job_kind	*jobs_find(const char *name);
/* Every kind's name, for Ready; *n is set to the count. */
const char *const	*jobs_names(size_t *n);

extern const struct job_kind	job_echo_kind;
extern const struct job_kind	job_inspect_file_kind;
extern const struct job_kind	job_validate_kind;

#endif
