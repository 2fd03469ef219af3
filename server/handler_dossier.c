/*
 * handler_dossier.c - the requests that change dossiers: new, attach,
 * nominate, meeting, submit, review, decide, and extensions of a window.
 *
 * Each handler checks the shape of its request (lengths, UTF-8, dates),
 * writes its arguments as JSON and hands them to dossier_act() in
 * PostgreSQL, which checks the state, the level and the rulebook and makes
 * the change with its audit entry and idempotency record in one
 * transaction. The reply goes out only after that transaction committed;
 * a retry with the same idempotency key gets the stored answer.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "db_dossier.h"
#include "handler.h"
#include "remind_planner.h"
#include "jsonw.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "utf8.h"
#include "xmalloc.h"

#define DOSSIER_MAX_CODE	64
#define DOSSIER_MAX_NAME	300
#define DOSSIER_MAX_TEXT	20000	/* a summary, a comment */
#define DOSSIER_MAX_NOMINEES	5000
#define DOSSIER_JSON_MAX	(32 * 1024 * 1024)

/* Roles of the unit's own people, who prepare its dossiers. */
#define DOSSIER_EDITORS		(ROLE_HEAD | ROLE_STAFF | ROLE_BLOCK_LEADER)
/* Roles that review at a level (specialists of the school's level). */
#define DOSSIER_REVIEWERS	(ROLE_HEAD | ROLE_BLOCK_LEADER | ROLE_SPECIALIST | \
				 ROLE_OFFICE_HEAD | ROLE_DEPARTMENT | ROLE_MINISTRY)
/* Roles that sign decisions. */
#define DOSSIER_DECIDERS	(ROLE_HEAD | ROLE_OFFICE_HEAD | ROLE_DEPARTMENT | \
				 ROLE_MINISTRY)

struct dossier_call {
	struct request			*req;
	Tdkt__ClientEnvelope__BodyCase	 reply_case;
	uint64_t			 dossier_id;
	struct db_dossier_acted		 acted;	/* strings in the request arena */
	Tdkt__Finding			**findings;
	size_t				 nfindings;
};

/*
 * Checks a text field: valid UTF-8, at most `max` bytes, no control
 * characters but newlines and tabs where `multiline`. Returns NULL if it is
 * fine, else what is wrong.
 */
static const char *
dossier_text_problem(const char *s, size_t max, bool multiline)
{
	size_t	len = strlen(s);

	if (len > max)
		return "is too long";
	if (!utf8_valid(s, len, NULL))
		return "is not valid UTF-8";
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t'))) ||
		    *p == 0x7f)
			return "holds control characters";
	}
	return NULL;
}

/* Fails the request about field `name` if its text is not acceptable. */
static bool
dossier_text_ok(struct request **reqp, const char *name, const char *s,
    size_t max, bool multiline)
{
	const char	*problem = dossier_text_problem(s, max, multiline);

	if (problem == NULL)
		return true;
	request_fail(reqp, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
	    "%s %s (at most %zu bytes)", name, problem, max);
	return false;
}

/* A date field: "YYYY-MM-DD", or "" where `optional`. */
static bool
dossier_date_ok(struct request **reqp, const char *name, const char *s,
    bool optional)
{
	int32_t	d;

	if ((optional && s[0] == '\0') || date_parse_iso(s, &d))
		return true;
	request_fail_vi(reqp, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
	    "Ngày không hợp lệ (cần dạng YYYY-MM-DD)",
	    "%s: \"%.20s\" is not a date (YYYY-MM-DD)", name, s);
	return false;
}

/* The request's idempotency key, required for every change. */
static bool
dossier_key_ok(struct request **reqp)
{
	const char	*key = (*reqp)->env->idempotency_key;
	size_t		 len = strlen(key);

	if (len < 16 || len > 64 || strspn(key, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != len) {
		request_fail(reqp, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a change needs an idempotency key of 16 to 64 letters, "
		    "digits, '-' or '_'");
		return false;
	}
	return true;
}

/* The refusal for an outcome other than "ok"; frees the request. */
static void
dossier_refuse(struct request **reqp, const struct db_dossier_acted *a)
{
	static const struct {
		const char	*outcome;
		Tdkt__ErrorCode	 code;
		const char	*message_vi;
	} refusals[] = {
		{ "no_unit", TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		  "Không có đơn vị này" },
		{ "no_rulebook", TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		  "Chưa có quy định thi đua nào áp dụng cho đơn vị trong kỳ này" },
		{ "no_type", TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND, NULL },
		{ "no_dossier", TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		  "Không có hồ sơ này" },
		{ "exists", TDKT__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS, NULL },
		{ "key_reused", TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		  "Mã chống gửi trùng đã được dùng cho một yêu cầu khác" },
		{ "stale", TDKT__ERROR_CODE__ERROR_CODE_CONFLICT, NULL },
		{ "not_editable", TDKT__ERROR_CODE__ERROR_CODE_CONFLICT, NULL },
		{ "not_your_level", TDKT__ERROR_CODE__ERROR_CODE_CONFLICT,
		  "Hồ sơ không đang chờ đơn vị của bạn xét duyệt" },
		{ "not_decider", TDKT__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
		  NULL },
		{ "not_block_leader",
		  TDKT__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED, NULL },
		{ "not_own", TDKT__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED, NULL },
		{ "not_submitter", TDKT__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
		  NULL },
		{ "must_decide", TDKT__ERROR_CODE__ERROR_CODE_CONFLICT, NULL },
		{ "mixed_chains", TDKT__ERROR_CODE__ERROR_CODE_CONFLICT, NULL },
		{ "top_of_chain", TDKT__ERROR_CODE__ERROR_CODE_CONFLICT, NULL },
		{ "nothing_to_decide", TDKT__ERROR_CODE__ERROR_CODE_CONFLICT,
		  NULL },
		{ "not_open", TDKT__ERROR_CODE__ERROR_CODE_DEADLINE_PASSED, NULL },
		{ "closed", TDKT__ERROR_CODE__ERROR_CODE_DEADLINE_PASSED, NULL },
		{ "no_handler", TDKT__ERROR_CODE__ERROR_CODE_CONFLICT, NULL },
		{ "no_file", TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND, NULL },
	};
	Tdkt__ErrorCode	 code = TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT;
	const char	*message_vi = NULL;

	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		if (strcmp(refusals[i].outcome, a->outcome) == 0) {
			code = refusals[i].code;
			message_vi = refusals[i].message_vi;
			break;
		}
	}
	/* Problems the database wrote are the person's message. */
	if (a->nproblems > 1)
		request_refuse(reqp, "Yêu cầu không hợp lệ nên chưa có gì thay "
		    "đổi; hãy sửa các lỗi dưới đây", a->problems, a->nproblems);
	else if (a->nproblems == 1)
		request_fail_vi(reqp, code, a->problems[0], "%s", a->outcome);
	else if (message_vi != NULL)
		request_fail_vi(reqp, code, message_vi, "%s", a->outcome);
	else
		request_fail(reqp, code, "%s", a->outcome);
}

static void
dossier_reply(struct dossier_call *call)
{
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__DossierActReply	 out = TDKT__DOSSIER_ACT_REPLY__INIT;
	struct request		*req = call->req;

	out.dossier_id = call->acted.dossier_id;
	out.version = call->acted.version;
	out.state = (char *)call->acted.state;
	out.level = (char *)call->acted.level;
	out.level_name = (char *)call->acted.level_name;
	out.awaiting_unit = (char *)call->acted.awaiting_unit;
	out.awaiting_unit_name = (char *)call->acted.awaiting_unit_name;
	out.replayed = call->acted.replayed;
	out.findings = call->findings;
	out.n_findings = call->nfindings;
	out.awarded = (uint32_t)strtoul(call->acted.note, NULL, 10);
	reply.body_case = call->reply_case;
	/* Every DossierActReply field of the envelope shares one union slot. */
	reply.dossier_new_reply = &out;
	free(call);
	request_reply(&req, &reply);
}

static void
dossier_findings_done(void *arg, Tdkt__Finding **findings, size_t n,
    const char *error)
{
	struct dossier_call	*call = arg;

	/* The submission is committed: its answer goes out regardless. */
	if (error != NULL)
		log_warnx("dossier %" PRIu64 ": findings: %s",
		    call->acted.dossier_id, error);
	call->findings = findings;
	call->nfindings = n;
	dossier_reply(call);
}

static void
dossier_act_done(void *arg, const struct db_dossier_acted *a,
    const char *error)
{
	struct dossier_call	*call = arg;
	struct request		*req = call->req;
	struct arena		*ar = req->arena;

	if (a == NULL) {
		log_warnx("%s: %s", req->name, error);
		free(call);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the change was not made: %s", error);
		return;
	}
#ifdef TDKT_TEST_CLOCK
	/*
	 * The crash the exactly-once promise is tested against: the change is
	 * committed and the server dies before it answers. Test builds only.
	 */
	if (getenv("TDKT_TEST_CRASH_AFTER_COMMIT") != NULL &&
	    strcmp(getenv("TDKT_TEST_CRASH_AFTER_COMMIT"), req->name) == 0) {
		log_warnx("%s: committed; crashing before the reply as the test "
		    "asked", req->name);
		_exit(75);
	}
#endif
	if (strcmp(a->outcome, "ok") != 0) {
		free(call);
		dossier_refuse(&req, a);
		return;
	}
	call->acted = *a;
	call->acted.state = arena_strdup(ar, a->state);
	call->acted.level = arena_strdup(ar, a->level);
	call->acted.level_name = arena_strdup(ar, a->level_name);
	call->acted.awaiting_unit = arena_strdup(ar, a->awaiting_unit);
	call->acted.awaiting_unit_name = arena_strdup(ar, a->awaiting_unit_name);
	call->acted.note = arena_strdup(ar, a->note);
	call->acted.problems = NULL;
	call->acted.nproblems = 0;
	if (arena_exhausted(ar)) {
		free(call);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "out of request memory");
		return;
	}
	if (call->reply_case == TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SUBMIT_REPLY)
		db_dossier_findings(req->server->db, ar, a->dossier_id,
		    dossier_findings_done, call);
	else
		dossier_reply(call);
}

/* The caller's roles reaching the dossier, as a PostgreSQL array literal. */
static const char *
dossier_roles_literal(struct request *req)
{
	char	buf[ROLES_COUNT * (ROLES_TEXT_MAX + 1) + 3];
	size_t	used = 0;

	buf[used++] = '{';
	for (unsigned bit = 1; bit <= ROLE_ADMIN; bit <<= 1) {
		if ((req->caller.covering & bit) == 0)
			continue;
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s",
		    used > 1 ? "," : "", roles_code(bit));
	}
	snprintf(buf + used, sizeof buf - used, "}");
	return arena_strdup(req->arena, buf);
}

/*
 * Runs `action` with the arguments written in `w` (finished and cleared
 * here) and answers with `reply_case`. Takes ownership of the request.
 */
static void
dossier_act(struct request *req, const char *action, uint64_t dossier_id,
    uint32_t if_version, struct jsonw *w,
    Tdkt__ClientEnvelope__BodyCase reply_case)
{
	struct db_dossier_action	 act = { 0 };
	struct dossier_call		*call;
	char				 today[DATE_BUF_SIZE];
	const char			*json;

	/* PostgreSQL's integer holds every version a dossier can reach. */
	if (if_version > INT32_MAX) {
		jsonw_clear(w);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_CONFLICT,
		    "no dossier has version %" PRIu32, if_version);
		return;
	}
	if ((json = jsonw_finish(w, NULL)) == NULL) {
		jsonw_clear(w);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "the request is too large");
		return;
	}
	date_format_iso(date_today_vn(), today);
	act.account_id = req->caller.account_id;
	act.address = req->address;
	act.roles = dossier_roles_literal(req);
	act.key = req->env->idempotency_key;
	act.action = action;
	act.dossier_id = dossier_id;
	act.if_version = if_version;
	act.args_json = json;
	act.today = today;
	if (act.roles == NULL) {
		jsonw_clear(w);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "out of request memory");
		return;
	}
	call = xcalloc(1, sizeof *call);
	call->req = req;
	call->reply_case = reply_case;
	call->dossier_id = dossier_id;
	db_dossier_act(req->server->db, &act, dossier_act_done, call);
	jsonw_clear(w);
}

static void
dossier_json_string(struct jsonw *w, const char *key, const char *value)
{
	jsonw_key(w, key);
	jsonw_string(w, value);
}

/* new */

static void
dossier_new_exec(struct request *req)
{
	const Tdkt__DossierNewRequest	*in = req->env->dossier_new_request;
	struct jsonw			 w;

	if (!dossier_key_ok(&req) ||
	    !dossier_text_ok(&req, "type", in->type, DOSSIER_MAX_CODE, false) ||
	    !dossier_text_ok(&req, "period", in->period, DOSSIER_MAX_CODE,
	    false) ||
	    !dossier_text_ok(&req, "label", in->label, DOSSIER_MAX_NAME, false))
		return;
	jsonw_init(&w, DOSSIER_JSON_MAX);
	jsonw_object_begin(&w);
	dossier_json_string(&w, "unit", req->unit);
	dossier_json_string(&w, "type", in->type);
	dossier_json_string(&w, "period", in->period);
	dossier_json_string(&w, "label", in->label);
	jsonw_object_end(&w);
	dossier_act(req, "new", 0, 0, &w,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NEW_REPLY);
}

static const char *
dossier_new_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->dossier_new_request->unit;
}

const struct handler_entry handler_dossier_new_entry = {
	.name = "dossier-new",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NEW_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = DOSSIER_EDITORS,
	.target = AUTH_TARGET_UNIT,
	.target_key = dossier_new_target,
	.exec = dossier_new_exec,
};


/* attach */

static void
dossier_attach_exec(struct request *req)
{
	const Tdkt__DossierAttachRequest *in = req->env->dossier_attach_request;
	struct jsonw			 w;
	size_t				 len = strlen(in->sha256);

	if (!dossier_key_ok(&req) ||
	    !dossier_text_ok(&req, "document", in->document, DOSSIER_MAX_CODE,
	    false) ||
	    !dossier_text_ok(&req, "filename", in->filename, 255, false))
		return;
	if (strcmp(in->slot, "editable") != 0 && strcmp(in->slot, "pdf") != 0) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "the slot is \"editable\" or \"pdf\"");
		return;
	}
	if (len != 64 || strspn(in->sha256, "0123456789abcdef") != len) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "sha256 must be 64 lowercase hex digits");
		return;
	}
	if (in->filename[0] == '\0' || strchr(in->filename, '/') != NULL ||
	    strcmp(in->filename, ".") == 0 || strcmp(in->filename, "..") == 0) {
		request_fail_vi(&req,
		    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "Tên tệp không hợp lệ", "a filename without '/' is required");
		return;
	}
	jsonw_init(&w, DOSSIER_JSON_MAX);
	jsonw_object_begin(&w);
	dossier_json_string(&w, "document", in->document);
	dossier_json_string(&w, "slot", in->slot);
	dossier_json_string(&w, "sha256", in->sha256);
	dossier_json_string(&w, "filename", in->filename);
	jsonw_object_end(&w);
	dossier_act(req, "attach", in->dossier_id, in->if_version, &w,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_ATTACH_REPLY);
}

const struct handler_entry handler_dossier_attach_entry = {
	.name = "dossier-attach",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_ATTACH_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = DOSSIER_EDITORS,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = dossier_attach_exec,
};

/* nominate */

static bool
dossier_nominees_ok(struct request **reqp, Tdkt__Nominee **items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const Tdkt__Nominee	*a = items[i];

		if (!dossier_text_ok(reqp, "person", a->person, DOSSIER_MAX_CODE,
		    false) ||
		    !dossier_text_ok(reqp, "title", a->title, DOSSIER_MAX_CODE,
		    false) ||
		    !dossier_text_ok(reqp, "summary", a->summary,
		    DOSSIER_MAX_TEXT, true) ||
		    !dossier_text_ok(reqp, "source", a->source, DOSSIER_MAX_NAME,
		    false))
			return false;
	}
	return true;
}

static void
dossier_json_nominees(struct jsonw *w, const char *key, Tdkt__Nominee **items,
    size_t n)
{
	jsonw_key(w, key);
	jsonw_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		jsonw_object_begin(w);
		dossier_json_string(w, "person", items[i]->person);
		dossier_json_string(w, "title", items[i]->title);
		dossier_json_string(w, "summary", items[i]->summary);
		dossier_json_string(w, "source", items[i]->source);
		dossier_json_string(w, "from", items[i]->achievement_from);
		dossier_json_string(w, "to", items[i]->achievement_to);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void
dossier_nominate_exec(struct request *req)
{
	const Tdkt__DossierNominateRequest *in =
	    req->env->dossier_nominate_request;
	struct jsonw			 w;

	if (!dossier_key_ok(&req))
		return;
	if (in->n_add + in->n_remove == 0 ||
	    in->n_add + in->n_remove > DOSSIER_MAX_NOMINEES) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "between 1 and %d nominees to add or remove",
		    DOSSIER_MAX_NOMINEES);
		return;
	}
	if (!dossier_nominees_ok(&req, in->add, in->n_add) ||
	    !dossier_nominees_ok(&req, in->remove, in->n_remove))
		return;
	jsonw_init(&w, DOSSIER_JSON_MAX);
	jsonw_object_begin(&w);
	dossier_json_nominees(&w, "add", in->add, in->n_add);
	dossier_json_nominees(&w, "remove", in->remove, in->n_remove);
	jsonw_object_end(&w);
	dossier_act(req, "nominate", in->dossier_id, in->if_version, &w,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NOMINATE_REPLY);
}

const struct handler_entry handler_dossier_nominate_entry = {
	.name = "dossier-nominate",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NOMINATE_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = DOSSIER_EDITORS,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = dossier_nominate_exec,
};

/* meeting */

static void
dossier_meeting_exec(struct request *req)
{
	const Tdkt__DossierMeetingRequest *in =
	    req->env->dossier_meeting_request;
	struct jsonw			 w;

	if (!dossier_key_ok(&req) ||
	    !dossier_date_ok(&req, "date", in->date, false) ||
	    !dossier_text_ok(&req, "note", in->note, DOSSIER_MAX_TEXT, true))
		return;
	if (in->members == 0 || in->members > 1000 ||
	    in->present > in->members) {
		request_fail_vi(&req,
		    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "Hội đồng có từ 1 đến 1000 thành viên; số có mặt không quá "
		    "số thành viên", "members must be 1 to 1000 and present at "
		    "most members");
		return;
	}
	jsonw_init(&w, DOSSIER_JSON_MAX);
	jsonw_object_begin(&w);
	jsonw_key(&w, "members");
	jsonw_uint(&w, in->members);
	jsonw_key(&w, "present");
	jsonw_uint(&w, in->present);
	dossier_json_string(&w, "date", in->date);
	dossier_json_string(&w, "note", in->note);
	jsonw_object_end(&w);
	dossier_act(req, "meeting", in->dossier_id, in->if_version, &w,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_MEETING_REPLY);
}

const struct handler_entry handler_dossier_meeting_entry = {
	.name = "dossier-meeting",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_MEETING_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = DOSSIER_EDITORS,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = dossier_meeting_exec,
};

/* submit */

static void
dossier_submit_exec(struct request *req)
{
	const Tdkt__DossierSubmitRequest *in = req->env->dossier_submit_request;
	struct jsonw			 w;

	if (!dossier_key_ok(&req))
		return;
	jsonw_init(&w, DOSSIER_JSON_MAX);
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	dossier_act(req, "submit", in->dossier_id, in->if_version, &w,
	    TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SUBMIT_REPLY);
}

/* Submitting is the head's act (or the block leader's, for the block). */
const struct handler_entry handler_dossier_submit_entry = {
	.name = "dossier-submit",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SUBMIT_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_HEAD | ROLE_BLOCK_LEADER,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = dossier_submit_exec,
};

/* review */

static void
dossier_review_exec(struct request *req)
{
	static const char *const verdicts[] = {
		[TDKT__REVIEW_REQUEST__VERDICT__VERDICT_APPROVE] = "approve",
		[TDKT__REVIEW_REQUEST__VERDICT__VERDICT_RETURN] = "return",
		[TDKT__REVIEW_REQUEST__VERDICT__VERDICT_REJECT] = "reject",
	};
	const Tdkt__ReviewRequest	*in = req->env->review_request;
	struct jsonw			 w;

	if (!dossier_key_ok(&req) ||
	    !dossier_text_ok(&req, "comment", in->comment, DOSSIER_MAX_TEXT,
	    true))
		return;
	if (in->verdict < TDKT__REVIEW_REQUEST__VERDICT__VERDICT_APPROVE ||
	    in->verdict > TDKT__REVIEW_REQUEST__VERDICT__VERDICT_REJECT) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "the verdict is approve, return or reject");
		return;
	}
	jsonw_init(&w, DOSSIER_JSON_MAX);
	jsonw_object_begin(&w);
	dossier_json_string(&w, "verdict", verdicts[in->verdict]);
	dossier_json_string(&w, "comment", in->comment);
	jsonw_object_end(&w);
	dossier_act(req, "review", in->dossier_id, in->if_version, &w,
	    TDKT__CLIENT_ENVELOPE__BODY_REVIEW_REPLY);
}

const struct handler_entry handler_review_entry = {
	.name = "review",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_REVIEW_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = DOSSIER_REVIEWERS,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = dossier_review_exec,
};

/* decide */

static void
dossier_decide_exec(struct request *req)
{
	const Tdkt__DecideRequest	*in = req->env->decide_request;
	struct jsonw			 w;

	if (!dossier_key_ok(&req) ||
	    !dossier_text_ok(&req, "number", in->number, 100, false) ||
	    !dossier_text_ok(&req, "signer", in->signer, 200, false) ||
	    !dossier_date_ok(&req, "date", in->date, false) ||
	    !dossier_date_ok(&req, "achievement_from", in->achievement_from,
	    true) ||
	    !dossier_date_ok(&req, "achievement_to", in->achievement_to, true) ||
	    !dossier_nominees_ok(&req, in->exclude, in->n_exclude) ||
	    !dossier_nominees_ok(&req, in->periods, in->n_periods))
		return;
	for (size_t i = 0; i < in->n_periods; i++) {
		if (!dossier_date_ok(&req, "a nominee's achievement_from",
		    in->periods[i]->achievement_from, false) ||
		    !dossier_date_ok(&req, "a nominee's achievement_to",
		    in->periods[i]->achievement_to, false))
			return;
	}
	if (in->number[0] == '\0' || in->signer[0] == '\0') {
		request_fail_vi(&req,
		    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "Quyết định cần có số và người ký",
		    "a decision needs its number and signer");
		return;
	}
	if (in->n_exclude > DOSSIER_MAX_NOMINEES ||
	    in->n_periods > DOSSIER_MAX_NOMINEES) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "at most %d exclusions and %d periods", DOSSIER_MAX_NOMINEES,
		    DOSSIER_MAX_NOMINEES);
		return;
	}
	jsonw_init(&w, DOSSIER_JSON_MAX);
	jsonw_object_begin(&w);
	dossier_json_string(&w, "number", in->number);
	dossier_json_string(&w, "date", in->date);
	dossier_json_string(&w, "signer", in->signer);
	dossier_json_string(&w, "from", in->achievement_from);
	dossier_json_string(&w, "to", in->achievement_to);
	dossier_json_nominees(&w, "exclude", in->exclude, in->n_exclude);
	dossier_json_nominees(&w, "periods", in->periods, in->n_periods);
	jsonw_object_end(&w);
	dossier_act(req, "decide", in->dossier_id, in->if_version, &w,
	    TDKT__CLIENT_ENVELOPE__BODY_DECIDE_REPLY);
}

const struct handler_entry handler_decide_entry = {
	.name = "decide",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_DECIDE_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = DOSSIER_DECIDERS,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = dossier_decide_exec,
};

/* extension grant */

static void
extension_done(void *arg, const struct db_dossier_acted *a, const char *error)
{
	struct request			*req = arg;
	const Tdkt__ExtensionGrantRequest *in = req->env->extension_grant_request;
	Tdkt__ClientEnvelope		 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__ExtensionGrantReply	 out = TDKT__EXTENSION_GRANT_REPLY__INIT;

	if (a == NULL) {
		log_warnx("extension: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the extension was not granted: %s", error);
		return;
	}
	if (strcmp(a->outcome, "ok") != 0) {
		dossier_refuse(&req, a);
		return;
	}
	/* The unit's dates moved: its reminders follow. */
	remind_planner_kick(req->server->planner);
	out.unit = (char *)req->unit;
	out.type = in->type;
	out.period = (char *)a->note;
	out.until = in->until;
	out.replayed = a->replayed;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_EXTENSION_GRANT_REPLY;
	reply.extension_grant_reply = &out;
	request_reply(&req, &reply);
}

static void
extension_grant_exec(struct request *req)
{
	const Tdkt__ExtensionGrantRequest *in = req->env->extension_grant_request;
	struct db_dossier_action	 act = { 0 };
	struct jsonw			 w;
	const char			*json;
	char				 today[DATE_BUF_SIZE];

	if (!dossier_key_ok(&req) ||
	    !dossier_text_ok(&req, "type", in->type, DOSSIER_MAX_CODE, false) ||
	    !dossier_text_ok(&req, "period", in->period, DOSSIER_MAX_CODE,
	    false) ||
	    !dossier_date_ok(&req, "until", in->until, false) ||
	    !dossier_text_ok(&req, "reason", in->reason, DOSSIER_MAX_TEXT, true))
		return;
	if (req->unit[0] == '\0') {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "an extension is for one unit: name it");
		return;
	}
	jsonw_init(&w, DOSSIER_JSON_MAX);
	jsonw_object_begin(&w);
	dossier_json_string(&w, "unit", req->unit);
	dossier_json_string(&w, "type", in->type);
	dossier_json_string(&w, "period", in->period);
	dossier_json_string(&w, "until", in->until);
	dossier_json_string(&w, "reason", in->reason);
	jsonw_object_end(&w);
	if ((json = jsonw_finish(&w, NULL)) == NULL ||
	    (act.roles = dossier_roles_literal(req)) == NULL) {
		jsonw_clear(&w);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "the request is too large");
		return;
	}
	date_format_iso(date_today_vn(), today);
	act.account_id = req->caller.account_id;
	act.address = req->address;
	act.key = req->env->idempotency_key;
	act.action = "extension";
	act.args_json = json;
	act.today = today;
	db_dossier_act(req->server->db, &act, extension_done, req);
	jsonw_clear(&w);
}

static const char *
extension_grant_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->extension_grant_request->unit;
}

/* The office over the unit grants it; not the unit itself. */
const struct handler_entry handler_extension_grant_entry = {
	.name = "extension-grant",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_EXTENSION_GRANT_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_SPECIALIST | ROLE_OFFICE_HEAD | ROLE_DEPARTMENT,
	.target = AUTH_TARGET_UNIT,
	.target_key = extension_grant_target,
	.exec = extension_grant_exec,
};
