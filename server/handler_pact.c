/*
 * handler_pact.c - `tdkt register pact`: a block's signed pact (giao ước).
 */
#include <string.h>

#include "date.h"
#include "db_registration.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"

static void
pact_done(void *arg, const char *block_name, const char *issuer,
    const char *period, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PactReply		 out = TDKT__PACT_REPLY__INIT;

	if (error != NULL) {
		log_warnx("pact: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not record the pact: %s", error);
		return;
	}
	if (block_name == NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no rulebook has a block \"%s\"", req->env->pact_request->block);
		return;
	}
	out.block = req->env->pact_request->block;
	out.block_name = (char *)block_name;
	out.issuer = (char *)issuer;
	out.period = (char *)period;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_PACT_REPLY;
	reply.pact_reply = &out;
	request_reply(&req, &reply);
}

static void
pact_exec(struct request *req)
{
	const Tdkt__PactRequest	*in = req->env->pact_request;
	int32_t			 signed_on;

	if (in->block[0] == '\0' || strlen(in->block) > 64 ||
	    strlen(in->issuer) > 64 || strlen(in->note) > 2000) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a block code of 1 to 64 bytes is required (note: at most "
		    "2000 bytes)");
		return;
	}
	if (!date_parse_iso(in->signed_on, &signed_on)) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "the signing date must be YYYY-MM-DD, not \"%s\"",
		    in->signed_on);
		return;
	}
	if (signed_on > date_today_vn()) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a pact cannot be signed in the future (%s)", in->signed_on);
		return;
	}
	db_registration_pact(req->server->db, in->block, in->issuer,
	    in->signed_on, in->note, pact_done, req);
}

static const char *
pact_target(struct request *req, const char **extra)
{
	*extra = req->env->pact_request->issuer;
	return req->env->pact_request->block;
}

const struct handler_entry handler_pact_entry = {
	.name = "pact",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_PACT_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_BLOCK_LEADER | ROLE_OFFICE_HEAD,
	.target = AUTH_TARGET_BLOCK,
	.target_key = pact_target,
	.exec = pact_exec,
};
