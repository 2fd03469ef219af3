/*
 * job_context.c - the settings jobs share, checked and made ready at
 * start-up; see job_context.h.
 */
#include <stdlib.h>

#include "job_context.h"
#include "xmalloc.h"

/* Appends `msg` (taken over) to `errs`. */
static void
job_context_problem(struct cfg_errors *errs, char *msg)
{
	errs->items = xreallocarray(errs->items, errs->n + 1,
	    sizeof *errs->items);
	errs->items[errs->n++] = msg;
}

/* Checks every template on its own, so that all bad ones are reported. */
static size_t
job_context_check_templates(const struct worker_config *conf,
    struct cfg_errors *errs)
{
	size_t	bad = 0;
	char	*why;

	for (int k = 0; k < REMIND_NKINDS; k++) {
		if (remind_render_check(conf->template_subject[k], true,
		    &why) < 0) {
			job_context_problem(errs, xasprintf("templates.%s.subject: "
			    "%s", remind_render_kind_name(k), why));
			free(why);
			bad++;
		}
		if (remind_render_check(conf->template_body[k], false,
		    &why) < 0) {
			job_context_problem(errs, xasprintf("templates.%s.body: %s",
			    remind_render_kind_name(k), why));
			free(why);
			bad++;
		}
	}
	return bad;
}

/* The relay, or NULL without e-mail (smtp.url empty) or on a problem. */
static struct smtp *
job_context_smtp(const struct worker_config *conf, struct cfg_errors *errs)
{
	struct smtp_settings	 set = {
		.url = conf->smtp_url, .tls = (enum smtp_tls)conf->smtp_tls,
		.from = conf->smtp_from, .from_name = conf->smtp_from_name,
		.helo = conf->smtp_helo, .username = conf->smtp_username,
		.password_file = conf->smtp_password_file,
		.timeout_ms = (uint32_t)conf->smtp_timeout_ms,
	};
	struct smtp		*smtp;
	char			*cause;

	if (conf->smtp_url[0] == '\0')
		return NULL;
	if ((smtp = smtp_new(&set, &cause)) == NULL)
		job_context_problem(errs, cause);
	return smtp;
}

struct job_context *
job_context_new(const struct worker_config *conf, struct cfg_errors *errs)
{
	struct job_context	*ctx = xcalloc(1, sizeof *ctx);
	size_t			 before = errs->n;
	char			*cause;

	job_context_check_templates(conf, errs);
	ctx->smtp = job_context_smtp(conf, errs);
	if (errs->n > before) {
		job_context_free(&ctx);
		return NULL;
	}
	ctx->templates = remind_templates_new(
	    (const char *const *)conf->template_subject,
	    (const char *const *)conf->template_body, &cause);
	if (ctx->templates == NULL) {
		/* Checked above: cannot happen, but say so if it does. */
		job_context_problem(errs, cause);
		job_context_free(&ctx);
		return NULL;
	}
	return ctx;
}

void
job_context_free(struct job_context **ctxp)
{
	struct job_context	*ctx = *ctxp;

	if (ctx == NULL)
		return;
	remind_templates_free(&ctx->templates);
	smtp_free(&ctx->smtp);
	free(ctx);
	*ctxp = NULL;
}
