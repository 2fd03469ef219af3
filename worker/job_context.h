/*
 * job_context.h - what every job may read: the worker's settings, made
 * ready once.
 *
 * Jobs run on threads of their own and use no globals (job.h), yet some
 * need the worker's configuration: the reminder templates, the relay that
 * e-mail goes through. They find it in one struct job_context, built from
 * the configuration at start-up - which is also when every problem with
 * those settings is reported, so `tdkt-worker -n` catches them - and only
 * read after that, so threads share it without locks. The worker owns it
 * (worker_new) and frees it once no job thread can still read it.
 */
#ifndef TDKT_JOB_CONTEXT_H
#define TDKT_JOB_CONTEXT_H

#include "cfg.h"
#include "remind_render.h"
#include "smtp.h"
#include "worker_config.h"

struct job_context {
	struct remind_templates	*templates;
	struct smtp		*smtp;	/* NULL: this worker sends no e-mail */
};

/*
 * Builds the context from `conf`. Returns it, or NULL after appending every
 * problem found to `errs` (each "option: message"; the caller frees them
 * with cfg_errors_free).
 */
struct job_context	*job_context_new(const struct worker_config *conf,
			    struct cfg_errors *errs);
/* NULL is allowed. */
void			 job_context_free(struct job_context **);

#endif
