/*
 * job_hooks.c - the server's side of the kinds that need it; see
 * job_hooks.h. One line per kind in job_hooks_table; each kind's prepare
 * and effect below it.
 *
 * validate:     the row holds the dossier's id (text); the worker gets a
 *               ValidateJob (db_validation.c); its ValidateResult becomes
 *               {"dossier_id", "version", "findings": [...]} for
 *               job_effect_validate.
 * inspect_file: the row holds the file's SHA-256 (32 bytes); the worker gets
 *               an InspectFileJob with the bytes; its InspectFileResult
 *               becomes {format, pages, encrypted, problem, detail} for
 *               job_effect_inspect_file, except a sha256_mismatch, which is
 *               about the transfer, not the file: a failed attempt.
 * remind_inbox, remind_push, remind_email:
 *               the row holds the reminder's key (text); the worker gets a
 *               RemindJob (db_reminders.c) read at dispatch, so its state and
 *               what is missing are current; its RemindResult becomes
 *               {key, channel, subject, body, message_id, smtp_reply,
 *               sent_to, skipped, obsolete} for job_effect_remind.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "date.h"
#include "db_files.h"
#include "db_jobs.h"
#include "db_reminders.h"
#include "db_validation.h"
#include "job_hooks.h"
#include "jsonw.h"
#include "server.h"
#include "server_config.h"
#include "wire.h"
#include "worker.pb-c.h"
#include "xmalloc.h"

/* A validation's input: a few hundred nominees with their histories. */
#define JOB_HOOKS_VALIDATE_ARENA	(16 * 1024 * 1024)
/* An effect's JSON: a thousand findings of a few hundred bytes. */
#define JOB_HOOKS_EFFECT_MAX		(4 * 1024 * 1024)

/* A prepare in flight: its callback and the memory its payload lives in. */
struct job_hooks_call {
	job_prepared_cb	*cb;
	void		*arg;
	struct arena	*arena;
	char		 sha256[65];
};

static struct job_hooks_call *
job_hooks_call_new(job_prepared_cb *cb, void *arg)
{
	struct job_hooks_call	*call = xcalloc(1, sizeof *call);

	call->cb = cb;
	call->arg = arg;
	return call;
}

static void
job_hooks_call_free(struct job_hooks_call *call)
{
	arena_free(&call->arena);
	free(call);
}

/* Packs `msg` and hands it over; the call is done. */
static void
job_hooks_send(struct job_hooks_call *call, const ProtobufCMessage *msg)
{
	size_t	 len;
	void	*buf;

	len = protobuf_c_message_get_packed_size(msg);
	buf = xmalloc(len > 0 ? len : 1);
	protobuf_c_message_pack(msg, buf);
	call->cb(call->arg, buf, len, NULL, false);
	free(buf);
	job_hooks_call_free(call);
}

/* The effect's JSON from `w`, or NULL with *error; clears `w`. */
static char *
job_hooks_json(struct jsonw *w, const char *what, char **error)
{
	const char	*json = jsonw_finish(w, NULL);
	char		*out = NULL;

	if (json != NULL)
		out = xstrdup(json);
	else
		*error = xasprintf("%s is too large", what);
	jsonw_clear(w);
	return out;
}

/*
 * Unpacks a worker's result into a new arena (*ap, caller frees); NULL with
 * *error (caller frees) naming `what` when it cannot be read.
 */
static ProtobufCMessage *
job_hooks_unpack(const ProtobufCMessageDescriptor *desc, const void *result,
    size_t len, const char *what, struct arena **ap, char **error)
{
	ProtobufCMessage	*msg;
	struct wire_error	 err;

	*ap = arena_new(len * 4 + 4096);
	msg = wire_unpack(*ap, desc, result, len, len, &err);
	if (msg == NULL) {
		*error = xasprintf("an unreadable %s: %s", what, err.detail);
		arena_free(ap);
	}
	return msg;
}

/* ---- validate ---- */

static void
job_hooks_validation_read(void *arg, Tdkt__ValidateJob *job,
    const char *error)
{
	struct job_hooks_call	*call = arg;

	if (job == NULL) {
		call->cb(call->arg, NULL, 0, error != NULL ? error :
		    "the dossier no longer exists", error == NULL);
		job_hooks_call_free(call);
		return;
	}
	job->today = date_today_vn();
	job_hooks_send(call, &job->base);
}

static void
job_hooks_validate_prepare(struct server *s, const struct db_job_lease *lease,
    job_prepared_cb *cb, void *arg)
{
	struct job_hooks_call	*call = job_hooks_call_new(cb, arg);
	char			 text[24];
	uint64_t		 id;

	snprintf(text, sizeof text, "%.*s", (int)(lease->len < sizeof text ?
	    lease->len : sizeof text - 1), (const char *)lease->payload);
	id = strtoull(text, NULL, 10);
	call->arena = arena_new(JOB_HOOKS_VALIDATE_ARENA);
	db_validation_input(s->db, call->arena, id, job_hooks_validation_read,
	    call);
}

static char *
job_hooks_validate_effect(const void *result, size_t len, char **error)
{
	struct arena		*a;
	Tdkt__ValidateResult	*r;
	struct jsonw		 w;
	char			*out;

	r = (Tdkt__ValidateResult *)job_hooks_unpack(
	    &tdkt__validate_result__descriptor, result, len,
	    "validation result", &a, error);
	if (r == NULL)
		return NULL;
	jsonw_init(&w, JOB_HOOKS_EFFECT_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "dossier_id");
	jsonw_uint(&w, r->dossier_id);
	jsonw_key(&w, "version");
	jsonw_uint(&w, r->version);
	jsonw_key(&w, "findings");
	jsonw_array_begin(&w);
	for (size_t i = 0; i < r->n_findings; i++) {
		const Tdkt__Finding	*f = r->findings[i];

		jsonw_object_begin(&w);
		jsonw_key(&w, "code");
		jsonw_string(&w, f->code);
		/* Anything but a warning blocks: a worker cannot wave through. */
		jsonw_key(&w, "severity");
		jsonw_string(&w, strcmp(f->severity, "warning") == 0 ?
		    "warning" : "error");
		jsonw_key(&w, "subject");
		jsonw_string(&w, f->subject);
		jsonw_key(&w, "message_vi");
		jsonw_string(&w, f->message_vi);
		jsonw_key(&w, "detail");
		jsonw_string(&w, f->detail);
		jsonw_object_end(&w);
	}
	jsonw_array_end(&w);
	jsonw_object_end(&w);
	out = job_hooks_json(&w, "the validation result", error);
	arena_free(&a);
	return out;
}

/* ---- inspect_file ---- */

static void
job_hooks_file_read(void *arg, const void *content, size_t len,
    const char *error)
{
	struct job_hooks_call	*call = arg;
	Tdkt__InspectFileJob	 job = TDKT__INSPECT_FILE_JOB__INIT;

	if (content == NULL) {
		call->cb(call->arg, NULL, 0, error != NULL ? error :
		    "the file no longer exists", error == NULL);
		job_hooks_call_free(call);
		return;
	}
	job.sha256 = call->sha256;
	job.content.data = (uint8_t *)content;
	job.content.len = len;
	job_hooks_send(call, &job.base);
}

static void
job_hooks_inspect_prepare(struct server *s, const struct db_job_lease *lease,
    job_prepared_cb *cb, void *arg)
{
	static const char	 hex[] = "0123456789abcdef";
	struct job_hooks_call	*call = job_hooks_call_new(cb, arg);
	const unsigned char	*sha = lease->payload;

	if (lease->len != 32) {
		cb(arg, NULL, 0, "an inspect_file job holds no SHA-256", true);
		job_hooks_call_free(call);
		return;
	}
	for (size_t i = 0; i < 32; i++) {
		call->sha256[2 * i] = hex[sha[i] >> 4];
		call->sha256[2 * i + 1] = hex[sha[i] & 0xf];
	}
	db_file_content(s->db, sha, job_hooks_file_read, call);
}

static char *
job_hooks_inspect_effect(const void *result, size_t len, char **error)
{
	struct arena		*a;
	Tdkt__InspectFileResult	*r;
	struct jsonw		 w;
	char			*out;

	r = (Tdkt__InspectFileResult *)job_hooks_unpack(
	    &tdkt__inspect_file_result__descriptor, result, len, "inspection",
	    &a, error);
	if (r == NULL)
		return NULL;
	/* Bytes damaged on their way say nothing of the file: try again. */
	if (strcmp(r->problem, "sha256_mismatch") == 0) {
		*error = xstrdup("the file's bytes did not match their SHA-256 "
		    "at the worker");
		arena_free(&a);
		return NULL;
	}
	jsonw_init(&w, JOB_HOOKS_EFFECT_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "format");
	jsonw_string(&w, r->format);
	jsonw_key(&w, "pages");
	jsonw_uint(&w, r->pages);
	jsonw_key(&w, "encrypted");
	jsonw_bool(&w, r->encrypted);
	jsonw_key(&w, "problem");
	jsonw_string(&w, r->problem);
	jsonw_key(&w, "detail");
	jsonw_string(&w, r->detail);
	jsonw_object_end(&w);
	out = job_hooks_json(&w, "the inspection", error);
	arena_free(&a);
	return out;
}

/* ---- remind_inbox, remind_push, remind_email ---- */

/* A reminder: its texts and a few names; the missing list is capped. */
#define JOB_HOOKS_REMIND_ARENA	(1024 * 1024)
/* A reminder's key, as reminder_key() makes it: well under this. */
#define JOB_HOOKS_REMIND_KEY_MAX	256

static void
job_hooks_remind_read(void *arg, Tdkt__RemindJob *job, const char *error)
{
	struct job_hooks_call	*call = arg;

	if (job == NULL) {
		call->cb(call->arg, NULL, 0, error != NULL ? error :
		    "the reminder no longer exists", error == NULL);
		job_hooks_call_free(call);
		return;
	}
	job_hooks_send(call, &job->base);
}

static void
job_hooks_remind_prepare(struct server *s, const struct db_job_lease *lease,
    job_prepared_cb *cb, void *arg)
{
	struct job_hooks_call	*call;
	char			 key[JOB_HOOKS_REMIND_KEY_MAX];

	if (lease->len == 0 || lease->len >= sizeof key ||
	    memchr(lease->payload, '\0', lease->len) != NULL) {
		cb(arg, NULL, 0, "a reminder job holds no reminder key", true);
		return;
	}
	memcpy(key, lease->payload, lease->len);
	key[lease->len] = '\0';
	call = job_hooks_call_new(cb, arg);
	call->arena = arena_new(JOB_HOOKS_REMIND_ARENA);
	db_reminders_job_input(s->db, call->arena, key, job_hooks_remind_read,
	    call);
}

static char *
job_hooks_remind_effect(const void *result, size_t len, char **error)
{
	struct arena		*a;
	Tdkt__RemindResult	*r;
	struct jsonw		 w;
	char			*out;

	r = (Tdkt__RemindResult *)job_hooks_unpack(
	    &tdkt__remind_result__descriptor, result, len, "reminder result",
	    &a, error);
	if (r == NULL)
		return NULL;
	jsonw_init(&w, JOB_HOOKS_EFFECT_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "key");
	jsonw_string(&w, r->key);
	jsonw_key(&w, "channel");
	jsonw_string(&w, r->channel);
	jsonw_key(&w, "subject");
	jsonw_string(&w, r->subject);
	jsonw_key(&w, "body");
	jsonw_string(&w, r->body);
	jsonw_key(&w, "message_id");
	jsonw_string(&w, r->message_id);
	jsonw_key(&w, "smtp_reply");
	jsonw_string(&w, r->smtp_reply);
	jsonw_key(&w, "sent_to");
	jsonw_string(&w, r->sent_to);
	jsonw_key(&w, "skipped");
	jsonw_bool(&w, r->skipped);
	jsonw_key(&w, "obsolete");
	jsonw_bool(&w, r->obsolete);
	jsonw_object_end(&w);
	out = job_hooks_json(&w, "the reminder's result", error);
	arena_free(&a);
	return out;
}

static const struct job_hooks job_hooks_table[] = {
	{ "validate", job_hooks_validate_prepare, job_hooks_validate_effect },
	{ "inspect_file", job_hooks_inspect_prepare, job_hooks_inspect_effect },
	{ "remind_inbox", job_hooks_remind_prepare, job_hooks_remind_effect },
	{ "remind_push", job_hooks_remind_prepare, job_hooks_remind_effect },
	{ "remind_email", job_hooks_remind_prepare, job_hooks_remind_effect },
};

const struct job_hooks *
job_hooks_find(const char *kind)
{
	for (size_t i = 0; i < sizeof job_hooks_table /
	    sizeof job_hooks_table[0]; i++) {
		if (strcmp(job_hooks_table[i].kind, kind) == 0)
			return &job_hooks_table[i];
	}
	return NULL;
}
