/*
 * handler_units_list.c - `tdkt units`: the hierarchy, or one unit's subtree.
 */
#include <stdlib.h>
#include <string.h>

#include "db_units.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "xmalloc.h"

static void
units_list_done(void *arg, bool found, const struct db_unit *units, size_t n,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UnitsListReply	 out = TDKT__UNITS_LIST_REPLY__INIT;
	Tdkt__UnitInfo		*infos, **ptrs;

	if (error != NULL) {
		log_warnx("units: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the units: %s", error);
		return;
	}
	if (!found && req->unit[0] != '\0') {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no unit has the code \"%s\"",
		    req->unit);
		return;
	}
	infos = xcalloc(n, sizeof *infos);
	ptrs = xcalloc(n, sizeof *ptrs);
	for (size_t i = 0; i < n; i++) {
		tdkt__unit_info__init(&infos[i]);
		infos[i].code = (char *)units[i].code;
		infos[i].name = (char *)units[i].name;
		infos[i].kind = (char *)units[i].kind;
		infos[i].parent = (char *)units[i].parent;
		infos[i].email = (char *)units[i].email;
		infos[i].depth = units[i].depth;
		ptrs[i] = &infos[i];
	}
	out.units = ptrs;
	out.n_units = n;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_UNITS_LIST_REPLY;
	reply.units_list_reply = &out;
	request_reply(&req, &reply);
	free(ptrs);
	free(infos);
}

static void
units_list_exec(struct request *req)
{
	const char	*under = req->unit;

	if (strlen(under) > 64) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a unit code is at most 64 bytes");
		return;
	}
	db_units_list(req->server->db, under, units_list_done, req);
}

static const char *
units_list_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->units_list_request->under;
}

const struct handler_entry handler_units_list_entry = {
	.name = "units-list",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_UNITS_LIST_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = units_list_target,
	.exec = units_list_exec,
};
