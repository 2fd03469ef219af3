/*
 * handler_rulebook_load.c - `tdkt rulebook load FILE`: check and store a rulebook.
 *
 * The whole file is checked here first (rulebook_parse) and every problem is
 * sent back at once; only a rulebook that passes goes to the database, which
 * checks the unit codes it names and stores it as a new version in one
 * statement.
 */
#include <stdlib.h>
#include <string.h>

#include "db_rulebook.h"
#include "handler.h"
#include "remind_planner.h"
#include "log.h"
#include "roles.h"
#include "rulebook.h"
#include "server.h"
#include "xmalloc.h"

#define RULEBOOK_MAX_BYTES	(1024 * 1024)
#define RULEBOOK_MAX_NAME	255
#define RULEBOOK_REFUSED \
	"Tệp quy định thi đua có lỗi nên chưa được nạp; hãy sửa từng lỗi dưới đây"

/* What a load needs until the database answers. */
struct rulebook_load {
	struct request	*req;
	struct rulebook	*rb;
	char		*issuer;
	char		*period;
};

static void
rulebook_load_free(struct rulebook_load *rl)
{
	rulebook_free(&rl->rb);
	free(rl->issuer);
	free(rl->period);
	free(rl);
}

static void
rulebook_load_done(void *arg, const struct db_rulebook_loaded *loaded,
    const char *error)
{
	struct rulebook_load	*rl = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RulebookLoadReply	 out = TDKT__RULEBOOK_LOAD_REPLY__INIT;

	if (loaded == NULL) {
		log_warnx("rulebook load: %s", error);
		request_fail(&rl->req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not store the rulebook: %s", error);
	} else if (strcmp(loaded->outcome, "invalid") == 0)
		request_refuse(&rl->req, RULEBOOK_REFUSED, loaded->problems,
		    loaded->nproblems);
	else {
		log_info("rulebook %s %s version %u: %s", rl->issuer, rl->period,
		    loaded->version, loaded->outcome);
		/* New dates, offsets or channels: plan with them soon. */
		remind_planner_kick(rl->req->server->planner);
		out.outcome = (char *)loaded->outcome;
		out.issuer = rl->issuer;
		out.period = rl->period;
		out.version = loaded->version;
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_LOAD_REPLY;
		reply.rulebook_load_reply = &out;
		request_reply(&rl->req, &reply);
	}
	rulebook_load_free(rl);
}

static void
rulebook_load_exec(struct request *req)
{
	const Tdkt__RulebookLoadRequest	*in = req->env->rulebook_load_request;
	struct yamltree_errors		 errs = { 0 };
	struct rulebook_load		*rl;
	char				*source;

	if (in->file_name[0] == '\0' || strlen(in->file_name) > RULEBOOK_MAX_NAME) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a file name of 1 to %d bytes is required", RULEBOOK_MAX_NAME);
		return;
	}
	if (in->content.len > RULEBOOK_MAX_BYTES) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "a rulebook is at most %d bytes", RULEBOOK_MAX_BYTES);
		return;
	}
	/* Text for PostgreSQL: NUL-terminated (yamltree refuses inner NULs). */
	source = xmalloc(in->content.len + 1);
	memcpy(source, in->content.data, in->content.len);
	source[in->content.len] = '\0';

	rl = xcalloc(1, sizeof *rl);
	rl->req = req;
	rl->rb = rulebook_parse(in->file_name, source, in->content.len, &errs);
	if (rl->rb == NULL) {
		request_refuse(&rl->req, RULEBOOK_REFUSED, errs.items, errs.n);
		yamltree_errors_free(&errs);
		rulebook_load_free(rl);
		free(source);
		return;
	}
	rl->issuer = xstrdup(rl->rb->issuer.code);
	rl->period = xstrdup(rl->rb->period);
	db_rulebook_load(req->server->db, rl->rb, in->file_name, source,
	    rulebook_load_done, rl);
	free(source);
}

/*
 * A rulebook is loaded by (someone over) its issuer. A file too broken to
 * name one is judged as the caller's own unit's, and refused by the handler.
 */
static const char *
rulebook_load_target(struct request *req, const char **extra)
{
	const Tdkt__RulebookLoadRequest	*in = req->env->rulebook_load_request;
	struct yamltree_errors		 errs = { 0 };
	struct rulebook			*rb;
	char				*source;
	const char			*issuer = "";

	(void)extra;
	if (in->content.len > RULEBOOK_MAX_BYTES)
		return "";
	source = xmalloc(in->content.len + 1);
	memcpy(source, in->content.data, in->content.len);
	source[in->content.len] = '\0';
	if ((rb = rulebook_parse(in->file_name, source, in->content.len,
	    &errs)) != NULL)
		issuer = arena_strdup(req->arena, rb->issuer.code);
	rulebook_free(&rb);
	yamltree_errors_free(&errs);
	free(source);
	return issuer;
}

const struct handler_entry handler_rulebook_load_entry = {
	.name = "rulebook-load",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_LOAD_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN | ROLE_OFFICE_HEAD | ROLE_DEPARTMENT | ROLE_MINISTRY,
	.target = AUTH_TARGET_UNIT,
	.target_key = rulebook_load_target,
	.exec = rulebook_load_exec,
};
