/*
 * handler_calendar.c - `tdkt calendar`: what a unit must submit, and when.
 */
#include <stdlib.h>
#include <string.h>

#include "db_calendar.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "xmalloc.h"

static void
calendar_done(void *arg, const char *unit_name,
    const struct db_calendar_entry *entries, size_t n, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__CalendarReply	 out = TDKT__CALENDAR_REPLY__INIT;
	Tdkt__CalendarEntry	*items, **ptrs;

	if (error != NULL) {
		log_warnx("calendar: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the calendar: %s", error);
		return;
	}
	if (unit_name == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no unit has the code \"%s\"",
		    req->unit);
		return;
	}
	items = xcalloc(n, sizeof *items);
	ptrs = xcalloc(n, sizeof *ptrs);
	for (size_t i = 0; i < n; i++) {
		tdkt__calendar_entry__init(&items[i]);
		items[i].issuer = (char *)entries[i].issuer;
		items[i].period = (char *)entries[i].period;
		items[i].code = (char *)entries[i].code;
		items[i].name = (char *)entries[i].name;
		items[i].kind = (char *)entries[i].kind;
		items[i].opens = (char *)entries[i].opens;
		items[i].closes = (char *)entries[i].closes;
		items[i].hard_deadline = (char *)entries[i].hard_deadline;
		ptrs[i] = &items[i];
	}
	out.unit = (char *)req->unit;
	out.unit_name = (char *)unit_name;
	out.entries = ptrs;
	out.n_entries = n;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_CALENDAR_REPLY;
	reply.calendar_reply = &out;
	request_reply(&req, &reply);
	free(ptrs);
	free(items);
}

static void
calendar_exec(struct request *req)
{
	const char	*unit = req->unit;

	if (unit[0] == '\0' || strlen(unit) > 64) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a unit code of 1 to 64 bytes is required");
		return;
	}
	db_calendar(req->server->db, unit, calendar_done, req);
}

static const char *
calendar_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->calendar_request->unit;
}

const struct handler_entry handler_calendar_entry = {
	.name = "calendar",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_CALENDAR_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = calendar_target,
	.exec = calendar_exec,
};
