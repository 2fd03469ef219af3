/*
 * handler_rulebook_show.c - `tdkt rulebook show`: a stored rulebook.
 *
 * The reply carries the YAML exactly as it was loaded, which the client
 * reads with the same rulebook_parse the server used, plus what only the
 * database knows: the version, when it was loaded and the names of the
 * units it names.
 */
#include <stdlib.h>
#include <string.h>

#include "db_rulebook.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "xmalloc.h"

#define RULEBOOK_SHOW_MAX_CODE	64

static void
rulebook_show_done(void *arg, const struct db_rulebook_stored *s,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RulebookShowReply	 out = TDKT__RULEBOOK_SHOW_REPLY__INIT;
	Tdkt__UnitName		*names, **ptrs;

	if (error != NULL) {
		log_warnx("rulebook show: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the rulebook: %s", error);
		return;
	}
	if (s == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no such rulebook is loaded");
		return;
	}
	names = xcalloc(s->nunits, sizeof *names);
	ptrs = xcalloc(s->nunits, sizeof *ptrs);
	for (size_t i = 0; i < s->nunits; i++) {
		tdkt__unit_name__init(&names[i]);
		names[i].code = (char *)s->unit_codes[i];
		names[i].name = (char *)s->unit_names[i];
		ptrs[i] = &names[i];
	}
	out.issuer = (char *)s->issuer;
	out.issuer_name = (char *)s->issuer_name;
	out.period = (char *)s->period;
	out.version = s->version;
	out.versions = s->versions;
	out.source_name = (char *)s->source_name;
	out.source.data = (uint8_t *)s->source;
	out.source.len = s->source_len;
	out.loaded_at_unix_ms = s->loaded_at_unix_ms;
	out.units = ptrs;
	out.n_units = s->nunits;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_SHOW_REPLY;
	reply.rulebook_show_reply = &out;
	request_reply(&req, &reply);
	free(ptrs);
	free(names);
}

static void
rulebook_show_exec(struct request *req)
{
	const Tdkt__RulebookShowRequest	*in = req->env->rulebook_show_request;

	if (strlen(in->issuer) > RULEBOOK_SHOW_MAX_CODE ||
	    strlen(in->period) > RULEBOOK_SHOW_MAX_CODE) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "issuer and period are at most %d bytes",
		    RULEBOOK_SHOW_MAX_CODE);
		return;
	}
	db_rulebook_show(req->server->db, in->issuer, in->period, in->version,
	    rulebook_show_done, req);
}

/* Rulebooks are published rules: every account may read them. */
static const char *
rulebook_show_target(struct request *req, const char **extra)
{
	(void)req;
	(void)extra;
	return "";
}

const struct handler_entry handler_rulebook_show_entry = {
	.name = "rulebook-show",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_SHOW_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = rulebook_show_target,
	.exec = rulebook_show_exec,
};
