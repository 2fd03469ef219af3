/*
 * job_remind.c - the reminder jobs: `remind_inbox`, `remind_push` and
 * `remind_email`, one per channel, each with a RemindJob as payload.
 *
 * All three render the reminder from the worker's templates (remind_render.h,
 * through the job context) and return a RemindResult with its subject and
 * body; the server stores it in the inbox or pushes it to watchers. The
 * e-mail job also sends it (smtp.h) and reports how that went:
 *
 *	sent				ok, with message_id, smtp_reply, sent_to
 *	no address to send to		ok, skipped: nothing was sent
 *	certainly not delivered		UNAVAILABLE: the server tries again
 *	refused for good		INVALID_ARGUMENT: never retried
 *	may have been delivered		OUTCOME_UNKNOWN: an administrator decides
 *
 * so that a reminder is never e-mailed twice by a retry. A payload that is
 * not a RemindJob, or whose channel is not the job's, is the server's
 * mistake: INVALID_ARGUMENT.
 *
 * remind_email is offered (announced in Ready) only by a worker with a relay
 * (smtp.url); the other two by every worker.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "job.h"
#include "job_context.h"
#include "log.h"
#include "mail_message.h"
#include "remind_render.h"
#include "smtp.h"
#include "utf8.h"
#include "wire.h"
#include "xmalloc.h"

/* The unpacked job's budget; see job_validate.c for the reasoning. */
#define JOB_REMIND_ARENA_FACTOR	16
#define JOB_REMIND_ARENA_EXTRA	(64 * 1024)
/*
 * The share of the job's time limit a send may take, less what it may run
 * over (SMTP_OVERRUN_MS), so that its result, unknown or not, reaches the
 * server before the server gives up on the job.
 */
#define JOB_REMIND_SEND_SHARE_NUM	3
#define JOB_REMIND_SEND_SHARE_DEN	4
#define JOB_REMIND_SEND_MIN_MS		1000

static void
job_remind_fail(struct job_output *out, Tdkt__ErrorCode code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
job_remind_fail(struct job_output *out, Tdkt__ErrorCode code,
    const char *fmt, ...)
{
	va_list	ap;

	out->ok = false;
	out->code = code;
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof out->detail, fmt, ap);
	va_end(ap);
	utf8_trim_partial(out->detail);	/* it goes on the wire */
}

/* How long a send may take within the job's time limit (0: none given). */
static uint32_t
job_remind_send_ms(uint32_t timeout_ms)
{
	uint64_t	share = (uint64_t)timeout_ms * JOB_REMIND_SEND_SHARE_NUM /
			    JOB_REMIND_SEND_SHARE_DEN;

	if (timeout_ms == 0)
		return 0;
	if (share < JOB_REMIND_SEND_MIN_MS + SMTP_OVERRUN_MS)
		return JOB_REMIND_SEND_MIN_MS;
	return (uint32_t)(share - SMTP_OVERRUN_MS);
}

static Tdkt__ErrorCode
job_remind_error_code(enum smtp_outcome outcome)
{
	switch (outcome) {
	case SMTP_REJECTED:
		return TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT;
	case SMTP_UNKNOWN:
		return TDKT__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN;
	case SMTP_SENT:
	case SMTP_FAILED:
		break;
	}
	return TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
}

/*
 * Sends the rendered reminder and fills the e-mail fields of `result` from
 * `report` (which the caller keeps alive until it is packed). Returns 0 if
 * it was sent or had no address to go to, else -1 with `out` failed.
 */
static int
job_remind_send(const struct job_input *in, const Tdkt__RemindJob *job,
    const struct remind_text *text, Tdkt__RemindResult *result,
    struct smtp_report *report, struct job_output *out)
{
	struct smtp_mail	mail = {
		.to = job->recipient_email, .to_name = job->recipient_name,
		.subject = text->subject, .body = text->body,
		.message_id = job->message_id,
	};

	if (job->recipient_email[0] == '\0') {
		log_debug("reminder %s: no address to e-mail", job->key);
		result->skipped = true;
		return 0;
	}
	if (in->context->smtp == NULL) {
		/* Not offered, so the server should not have sent it. */
		job_remind_fail(out, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "this worker has no e-mail relay (smtp.url)");
		return -1;
	}
	smtp_send(in->context->smtp, &mail, job_remind_send_ms(in->timeout_ms),
	    report);
	/* An unusable address is not written out: it could forge log lines. */
	log_info("reminder %s to %s: %s%s%s", job->key,
	    mail_message_address_ok(job->recipient_email) ?
	    job->recipient_email : "(an unusable address)",
	    smtp_outcome_name(report->outcome), report->reply[0] != '\0' ?
	    ": " : "", report->reply);
	if (report->outcome != SMTP_SENT) {
		job_remind_fail(out, job_remind_error_code(report->outcome),
		    "%s", report->detail);
		return -1;
	}
	result->message_id = report->message_id;
	result->smtp_reply = report->reply;
	result->sent_to = job->recipient_email;
	return 0;
}

/* Hands `result` back as the job's successful output. */
static void
job_remind_pack(const Tdkt__RemindResult *result, struct job_output *out)
{
	out->len = protobuf_c_message_get_packed_size(&result->base);
	out->payload = xmalloc(out->len + 1);	/* an empty result is 0 bytes */
	protobuf_c_message_pack(&result->base, out->payload);
	out->ok = true;
}

/* Runs a reminder job for `channel`, the one its kind delivers on. */
static void
job_remind_run(const struct job_input *in, struct job_output *out,
    const char *channel)
{
	struct arena		*a;
	Tdkt__RemindJob		*job;
	Tdkt__RemindResult	 result = TDKT__REMIND_RESULT__INIT;
	struct remind_text	 text = { 0 };
	struct smtp_report	 report;
	struct wire_error	 err;
	char			*cause;

	if (in->context == NULL) {
		job_remind_fail(out, TDKT__ERROR_CODE__ERROR_CODE_INTERNAL,
		    "the worker gave the job no context");
		return;
	}
	a = arena_new(in->len * JOB_REMIND_ARENA_FACTOR + JOB_REMIND_ARENA_EXTRA);
	job = (Tdkt__RemindJob *)wire_unpack(a, &tdkt__remind_job__descriptor,
	    in->payload, in->len, in->len, &err);
	if (job == NULL) {
		job_remind_fail(out, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "bad remind payload: %s", err.detail);
		goto done;
	}
	if (strcmp(job->channel, channel) != 0) {
		job_remind_fail(out, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a %s job must be for channel %s, not \"%s\"", in->kind,
		    channel, job->channel);
		goto done;
	}
	result.key = job->key;
	result.channel = job->channel;
	/* Planned before the unit submitted or its deadline moved. */
	if (job->obsolete) {
		result.obsolete = true;
		job_remind_pack(&result, out);
		goto done;
	}
	if (remind_render(in->context->templates, job, &text, &cause) < 0) {
		job_remind_fail(out, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "%s", cause);
		free(cause);
		goto done;
	}
	result.subject = text.subject;
	result.body = text.body;
	if (strcmp(channel, "email") == 0 &&
	    job_remind_send(in, job, &text, &result, &report, out) < 0)
		goto done;
	job_remind_pack(&result, out);
done:
	remind_text_clear(&text);
	arena_free(&a);
}

static void
job_remind_inbox_run(const struct job_input *in, struct job_output *out)
{
	job_remind_run(in, out, "inbox");
}

static void
job_remind_push_run(const struct job_input *in, struct job_output *out)
{
	job_remind_run(in, out, "push");
}

static void
job_remind_email_run(const struct job_input *in, struct job_output *out)
{
	job_remind_run(in, out, "email");
}

/* E-mail needs a relay: a worker without smtp.url does not offer it. */
static bool
job_remind_email_offered(const struct job_context *context)
{
	return context != NULL && context->smtp != NULL;
}

const struct job_kind job_remind_inbox_kind = {
	.name = "remind_inbox",
	.run = job_remind_inbox_run,
};

const struct job_kind job_remind_push_kind = {
	.name = "remind_push",
	.run = job_remind_push_run,
};

const struct job_kind job_remind_email_kind = {
	.name = "remind_email",
	.run = job_remind_email_run,
	.offered = job_remind_email_offered,
};
