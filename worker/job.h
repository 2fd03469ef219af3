/*
 * job.h - job kinds: what a worker can do, one job_<kind>.c each.
 *
 * A job is a pure function of its input: it gets everything it needs in the
 * payload, never touches the database and returns its result as bytes. It
 * runs on a job thread (runner.c), so it must not use globals; what it needs
 * of the worker's configuration it reads from the job context (job_context.h),
 * which nobody changes while jobs run.
 *
 * A kind may depend on the configuration (remind_email needs a relay): its
 * `offered` says whether this worker runs it, and only offered kinds are
 * announced in Ready, so the server never sends the others here.
 */
#ifndef TDKT_JOB_H
#define TDKT_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.pb-c.h"

struct job_context;

struct job_input {
	uint64_t	 job_id;
	const char	*kind;
	const void	*payload;
	size_t		 len;
	uint32_t	 timeout_ms;
	const char	*worker_name;
	const struct job_context *context;	/* shared, read-only; NULL in
						 * tests of kinds that need none */
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
	/* NULL: always offered; else whether a worker with `context` runs it. */
	bool		(*offered)(const struct job_context *context);
};

/* The kind called `name`, or NULL. */
const struct job_kind	*jobs_find(const char *name);
/* Every kind's name, offered or not; *n is set to the count. */
const char *const	*jobs_names(size_t *n);
/* Whether a worker with `context` runs `kind`. */
bool			 jobs_offers(const struct job_kind *kind,
			    const struct job_context *context);
/*
 * The names of the kinds a worker with `context` runs, for Ready: written
 * to `names`, which has room for every kind (jobs_names' count); returns
 * how many.
 */
size_t			 jobs_offered(const struct job_context *context,
			    const char **names);

extern const struct job_kind	job_echo_kind;
extern const struct job_kind	job_inspect_file_kind;
extern const struct job_kind	job_remind_email_kind;
extern const struct job_kind	job_remind_inbox_kind;
extern const struct job_kind	job_remind_push_kind;
extern const struct job_kind	job_validate_kind;

#endif
