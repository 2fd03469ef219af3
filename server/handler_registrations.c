/*
 * handler_registrations.c - `tdkt registrations`: what a unit registered for.
 */
#include <stdlib.h>
#include <string.h>

#include "db_registration.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "xmalloc.h"

static void
registrations_done(void *arg, const char *unit_name,
    const struct db_registration *items, size_t n, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RegistrationsReply out = TDKT__REGISTRATIONS_REPLY__INIT;
	Tdkt__Registration	*regs, **ptrs;
	char			**periods;

	if (error != NULL) {
		log_warnx("registrations: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the registrations: %s", error);
		return;
	}
	if (unit_name == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no unit has the code \"%s\"",
		    req->unit);
		return;
	}
	regs = xcalloc(n, sizeof *regs);
	ptrs = xcalloc(n, sizeof *ptrs);
	periods = xcalloc(n, sizeof *periods);
	for (size_t i = 0; i < n; i++) {
		tdkt__registration__init(&regs[i]);
		regs[i].person = (char *)items[i].person;
		regs[i].person_name = (char *)items[i].person_name;
		regs[i].title = (char *)items[i].title;
		regs[i].title_name = (char *)items[i].title_name;
		regs[i].targets = (char *)items[i].targets;
		regs[i].registered_at_unix_ms = items[i].registered_at_unix_ms;
		ptrs[i] = &regs[i];
		periods[i] = (char *)items[i].period;
	}
	out.unit = (char *)req->unit;
	out.unit_name = (char *)unit_name;
	out.items = ptrs;
	out.n_items = n;
	out.periods = periods;
	out.n_periods = n;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_REGISTRATIONS_REPLY;
	reply.registrations_reply = &out;
	request_reply(&req, &reply);
	free(periods);
	free(ptrs);
	free(regs);
}

static void
registrations_exec(struct request *req)
{
	const Tdkt__RegistrationsRequest *in = req->env->registrations_request;

	if (req->unit[0] == '\0' || strlen(req->unit) > 64 ||
	    strlen(in->period) > 64) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a unit code of 1 to 64 bytes is required");
		return;
	}
	db_registration_list(req->server->db, req->unit, in->period,
	    registrations_done, req);
}

static const char *
registrations_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->registrations_request->unit;
}

const struct handler_entry handler_registrations_entry = {
	.name = "registrations",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_REGISTRATIONS_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = registrations_target,
	.exec = registrations_exec,
};
