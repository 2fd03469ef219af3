/*
 * check_access.c - who may do what, tested as an attacker would.
 *
 * The request × role matrix walks every request type the protocol defines
 * (read from ClientEnvelope's descriptor, so a new request without a row
 * here fails the test) against an account of every role and no session at
 * all, and asserts allowed or denied. "Denied" is the authorisation layer's
 * refusal (permission_denied, or unauthenticated for want of a session);
 * anything else, an answer or another error, got past it. Then: scope
 * across units and levels, credentials and tokens, rate limiting, worker
 * keys, a client without CURVE, and hostile strings.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "conn.h"
#include "curve.h"
#include "harness.h"
#include "harness_json.h"
#include "roles.h"

static struct harness	*h;

static void
access_teardown(void)
{
	harness_free(&h);
}

/* The callers: one account per role, and "anon" with no session. */
#define ANON	0x100
static const struct {
	const char	*user;
	unsigned	 role;
	const char	*unit;
	const char	*role_text;
} callers[] = {
	{ "anon", ANON, NULL, NULL },
	{ "gv", ROLE_STAFF, "Q1-TH-DINHTIENHOANG", "staff" },
	{ "ht", ROLE_HEAD, "Q1-TH-DINHTIENHOANG", "head" },
	{ "kt", ROLE_BLOCK_LEADER, "Q1-TH-DINHTIENHOANG", "block_leader" },
	{ "cv", ROLE_SPECIALIST, "PGDDT-Q1", "specialist:primary" },
	{ "tp", ROLE_OFFICE_HEAD, "PGDDT-Q1", "office_head" },
	{ "so", ROLE_DEPARTMENT, "SGDDT-HCM", "department" },
	{ "bo", ROLE_MINISTRY, "BGDDT", "ministry" },
	{ "admin", ROLE_ADMIN, NULL, NULL },
};
#define NCALLERS	(sizeof callers / sizeof callers[0])
#define SESSIONS	(ROLES_ALL)		/* every account, no anon */
#define EVERYONE	(ROLES_ALL | ANON)

/* OWN_SCHOOL's year-end dossier, made by access_start. */
static uint64_t	access_dossier;

/* The school head makes OWN_SCHOOL's year-end dossier; returns its id. */
static uint64_t
access_new_dossier(void)
{
	struct harness_output	 out;
	struct harness_json	*j;
	uint64_t		 id = 0;

	ck_assert_int_eq(harness_cli_as(h, &out, "ht", "--json", "dossier",
	    "new", "--type", "CUOI_NAM", "--period", "2023-2024", NULL), 0);
	ck_assert_ptr_nonnull(j = harness_json_parse(out.out));
	ck_assert_int_eq(harness_json_uint(j, "dossier_id", &id), 0);
	harness_json_free(&j);
	harness_output_clear(&out);
	return id;
}

/* District 1, its rulebook and an account for every role. */
static void
access_start(void)
{
	h = harness_new();
	harness_start(h, 1);
	harness_load_district1(h);
	for (size_t i = 0; i < NCALLERS; i++) {
		if (callers[i].unit != NULL)
			harness_user(h, callers[i].user, callers[i].unit,
			    callers[i].role_text, NULL);
	}
	access_dossier = access_new_dossier();
}

/*
 * Sends `req` as `user`. Returns 1 if the authorisation layer refused it,
 * 0 if it got past (whatever the answer), and fails the test when there is
 * no answer at all.
 */
static int
access_denied(const char *user, Tdkt__ClientEnvelope *req, char *why,
    size_t size)
{
	struct conn_options	 opts = {
		.endpoint = h->clients_endpoint,
		.server_public_key = h->server_keys.public_key,
		.timeout_ms = 15000,
		.retries = 0,
		.max_message_bytes = 16 * 1024 * 1024,
	};
	struct conn		*c = conn_new(&opts);
	struct arena		*a = arena_new(16 * 1024 * 1024);
	Tdkt__ClientEnvelope	*reply;
	const char		*cause = "";
	enum conn_status	 st;
	int			 denied = 0;

	req->session_token = strcmp(user, "anon") == 0 ? "" :
	    (char *)harness_session(h, user);
	st = conn_call(c, req, a, &reply, &cause);
	ck_assert_msg(st == CONN_OK || st == CONN_SERVER_ERROR,
	    "no answer to %s: %s", user, cause);
	snprintf(why, size, "answered");
	if (st == CONN_SERVER_ERROR) {
		const Tdkt__Error *e = reply->error;

		snprintf(why, size, "%s", e->detail);
		denied = e->code == TDKT__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED ||
		    (e->code == TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED &&
		    (strstr(e->detail, "needs a session") != NULL ||
		    strstr(e->detail, "session is unknown") != NULL));
	}
	arena_free(&a);
	conn_free(&c);
	return denied;
}

/* One row of the matrix: a request type, who may make it, and the request. */
struct access_row {
	const char	*field;		/* ClientEnvelope's field name */
	unsigned	 allowed;	/* callers' role bits, ANON included */
	void		(*build)(Tdkt__ClientEnvelope *, const char *user);
};

static char	access_content[64 * 1024];

static void
build_ping(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__PingRequest	r = TDKT__PING_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	e->ping_request = &r;
}

static void
build_echo(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__EchoRequest	r = TDKT__ECHO_REQUEST__INIT;

	(void)user;
	r.text = "xin chào";
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_ECHO_REQUEST;
	e->echo_request = &r;
}

static void
build_rulebook_load(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__RulebookLoadRequest r = TDKT__RULEBOOK_LOAD_REQUEST__INIT;
	char	*text;
	size_t	 len;

	(void)user;
	text = harness_read_file(harness_source(h,
	    "config/rulebooks/q1-2023-2024.yaml"), &len);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_lt(len, sizeof access_content);
	memcpy(access_content, text, len);
	free(text);
	r.file_name = "q1-2023-2024.yaml";
	r.content.data = (uint8_t *)access_content;
	r.content.len = len;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_LOAD_REQUEST;
	e->rulebook_load_request = &r;
}

static void
build_rulebook_show(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__RulebookShowRequest r = TDKT__RULEBOOK_SHOW_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_RULEBOOK_SHOW_REQUEST;
	e->rulebook_show_request = &r;
}

static void
build_import(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__ImportRequest	r = TDKT__IMPORT_REQUEST__INIT;
	static char			csv[] = "code,name,kind,parent\n"
	    "Q1-TH-KETDOAN,Trường Tiểu học Kết Đoàn,primary,PGDDT-Q1\n";

	(void)user;
	r.kind = TDKT__IMPORT_REQUEST__KIND__KIND_UNITS;
	r.file_name = "one.csv";
	r.content.data = (uint8_t *)csv;
	r.content.len = strlen(csv);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_IMPORT_REQUEST;
	e->import_request = &r;
}

/* The unit the matrix aims at: the school of gv, ht and kt. */
#define OWN_SCHOOL	"Q1-TH-DINHTIENHOANG"

static void
build_units_list(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__UnitsListRequest	r = TDKT__UNITS_LIST_REQUEST__INIT;

	(void)user;
	r.under = OWN_SCHOOL;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_UNITS_LIST_REQUEST;
	e->units_list_request = &r;
}

static void
build_calendar(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__CalendarRequest	r = TDKT__CALENDAR_REQUEST__INIT;

	(void)user;
	r.unit = OWN_SCHOOL;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_CALENDAR_REQUEST;
	e->calendar_request = &r;
}

static void
build_register(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__RegisterRequest	r = TDKT__REGISTER_REQUEST__INIT;
	static Tdkt__Registration	item = TDKT__REGISTRATION__INIT;
	static Tdkt__Registration	*items[1] = { &item };

	(void)user;
	item.title = "TTLDTT";
	r.unit = OWN_SCHOOL;
	r.items = items;
	r.n_items = 1;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_REGISTER_REQUEST;
	e->register_request = &r;
}

static void
build_registrations(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__RegistrationsRequest r = TDKT__REGISTRATIONS_REQUEST__INIT;

	(void)user;
	r.unit = OWN_SCHOOL;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_REGISTRATIONS_REQUEST;
	e->registrations_request = &r;
}

static void
build_pact(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__PactRequest	r = TDKT__PACT_REQUEST__INIT;

	(void)user;
	r.block = "TH1";	/* its leader is OWN_SCHOOL */
	r.signed_on = "2023-10-18";
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_PACT_REQUEST;
	e->pact_request = &r;
}

static void
build_login(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__LoginRequest	r = TDKT__LOGIN_REQUEST__INIT;

	(void)user;
	r.username = "khong-ai";
	r.password = "sai mật khẩu";
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_LOGIN_REQUEST;
	e->login_request = &r;
}

static void
build_logout(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__LogoutRequest	r = TDKT__LOGOUT_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_LOGOUT_REQUEST;
	e->logout_request = &r;
}

static void
build_whoami(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__WhoamiRequest	r = TDKT__WHOAMI_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_WHOAMI_REQUEST;
	e->whoami_request = &r;
}

static void
build_password_change(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__PasswordChangeRequest r = TDKT__PASSWORD_CHANGE_REQUEST__INIT;

	(void)user;
	/* A weak new password: refused after authorisation, nothing changes. */
	r.old_password = HARNESS_PASSWORD;
	r.new_password = "ngắn";
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_PASSWORD_CHANGE_REQUEST;
	e->password_change_request = &r;
}

static void
build_user_add(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__UserAddRequest	r = TDKT__USER_ADD_REQUEST__INIT;
	static char			*roles[1] = { "staff" };
	static char			 name[64];

	snprintf(name, sizeof name, "moi-%s", user);
	r.username = name;
	r.display_name = "Giáo viên mới";
	r.unit = OWN_SCHOOL;
	r.roles = roles;
	r.n_roles = 1;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_ADD_REQUEST;
	e->user_add_request = &r;
}

static void
build_user_list(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__UserListRequest	r = TDKT__USER_LIST_REQUEST__INIT;

	(void)user;
	r.unit = OWN_SCHOOL;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_LIST_REQUEST;
	e->user_list_request = &r;
}

static void
build_user_update(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__UserUpdateRequest	r = TDKT__USER_UPDATE_REQUEST__INIT;

	(void)user;
	r.username = "gv";
	r.action = TDKT__USER_UPDATE_REQUEST__ACTION__ACTION_ENABLE;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_USER_UPDATE_REQUEST;
	e->user_update_request = &r;
}

static void
build_worker_allow(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__WorkerAllowRequest	r = TDKT__WORKER_ALLOW_REQUEST__INIT;

	(void)user;
	r.public_key = h->worker_keys.public_key;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_ALLOW_REQUEST;
	e->worker_allow_request = &r;
}

static void
build_worker_revoke(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__WorkerRevokeRequest r = TDKT__WORKER_REVOKE_REQUEST__INIT;
	static struct curve_keypair	 other;
	char				*cause = NULL;

	(void)user;
	/* Some other key: revoking the harness's would cut its worker off. */
	ck_assert_int_eq(curve_keypair_new(&other, &cause), 0);
	r.public_key = other.public_key;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_REVOKE_REQUEST;
	e->worker_revoke_request = &r;
}

static void
build_worker_keys(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__WorkerKeysRequest	r = TDKT__WORKER_KEYS_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKER_KEYS_REQUEST;
	e->worker_keys_request = &r;
}

/* A fresh idempotency key for each change the matrix makes. */
static void
access_key(Tdkt__ClientEnvelope *e)
{
	static char	keys[64][33];
	static size_t	next;

	conn_new_idempotency_key(keys[next % 64]);
	e->idempotency_key = keys[next++ % 64];
}

static void
build_dossier_new(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DossierNewRequest	r = TDKT__DOSSIER_NEW_REQUEST__INIT;

	(void)user;
	r.unit = OWN_SCHOOL;
	r.type = "CUOI_NAM";
	r.period = "2023-2024";
	access_key(e);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NEW_REQUEST;
	e->dossier_new_request = &r;
}

static void
build_dossier_attach(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DossierAttachRequest r = TDKT__DOSSIER_ATTACH_REQUEST__INIT;

	(void)user;
	r.dossier_id = access_dossier;
	r.document = "TO_TRINH";
	r.slot = "pdf";
	r.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	r.filename = "to-trinh.pdf";
	access_key(e);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_ATTACH_REQUEST;
	e->dossier_attach_request = &r;
}

static void
build_dossier_nominate(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DossierNominateRequest r =
	    TDKT__DOSSIER_NOMINATE_REQUEST__INIT;
	static Tdkt__Nominee	 n = TDKT__NOMINEE__INIT;
	static Tdkt__Nominee	*add[1] = { &n };

	(void)user;
	n.title = "NO_SUCH_TITLE";	/* refused after authorisation */
	r.dossier_id = access_dossier;
	r.add = add;
	r.n_add = 1;
	access_key(e);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_NOMINATE_REQUEST;
	e->dossier_nominate_request = &r;
}

static void
build_dossier_meeting(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DossierMeetingRequest r = TDKT__DOSSIER_MEETING_REQUEST__INIT;

	(void)user;
	r.dossier_id = access_dossier;
	r.members = 9;
	r.present = 8;
	r.date = "2024-05-10";
	access_key(e);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_MEETING_REQUEST;
	e->dossier_meeting_request = &r;
}

static void
build_dossier_submit(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DossierSubmitRequest r = TDKT__DOSSIER_SUBMIT_REQUEST__INIT;

	(void)user;
	r.dossier_id = access_dossier;
	access_key(e);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SUBMIT_REQUEST;
	e->dossier_submit_request = &r;
}

static void
build_review(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__ReviewRequest	r = TDKT__REVIEW_REQUEST__INIT;

	(void)user;
	r.dossier_id = access_dossier;
	r.verdict = TDKT__REVIEW_REQUEST__VERDICT__VERDICT_APPROVE;
	access_key(e);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_REVIEW_REQUEST;
	e->review_request = &r;
}

static void
build_decide(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DecideRequest	r = TDKT__DECIDE_REQUEST__INIT;

	(void)user;
	r.dossier_id = access_dossier;
	r.number = "1/QĐ";
	r.date = "2024-06-20";
	r.signer = "Nguyễn Văn A";
	access_key(e);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DECIDE_REQUEST;
	e->decide_request = &r;
}

static void
build_extension_grant(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__ExtensionGrantRequest r = TDKT__EXTENSION_GRANT_REQUEST__INIT;

	(void)user;
	r.unit = OWN_SCHOOL;
	r.type = "CUOI_NAM";
	r.period = "2023-2024";
	r.until = "2024-08-01";
	access_key(e);
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_EXTENSION_GRANT_REQUEST;
	e->extension_grant_request = &r;
}

static void
build_dossier_show(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DossierShowRequest	r = TDKT__DOSSIER_SHOW_REQUEST__INIT;

	(void)user;
	r.dossier_id = access_dossier;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_SHOW_REQUEST;
	e->dossier_show_request = &r;
}

static void
build_dossier_list(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DossierListRequest	r = TDKT__DOSSIER_LIST_REQUEST__INIT;

	(void)user;
	r.unit = OWN_SCHOOL;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_LIST_REQUEST;
	e->dossier_list_request = &r;
}

static void
build_queue(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__QueueRequest	r = TDKT__QUEUE_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_QUEUE_REQUEST;
	e->queue_request = &r;
}

static void
build_dossier_history(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__DossierHistoryRequest r = TDKT__DOSSIER_HISTORY_REQUEST__INIT;

	(void)user;
	r.dossier_id = access_dossier;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_DOSSIER_HISTORY_REQUEST;
	e->dossier_history_request = &r;
}

static void
build_upload_begin(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__UploadBeginRequest	r = TDKT__UPLOAD_BEGIN_REQUEST__INIT;

	(void)user;
	r.sha256 = "1111111111111111111111111111111111111111111111111111111111111111";
	r.size = 100;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_BEGIN_REQUEST;
	e->upload_begin_request = &r;
}

static void
build_upload_chunk(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__UploadChunkRequest	r = TDKT__UPLOAD_CHUNK_REQUEST__INIT;
	static uint8_t			data[4] = "abc";

	(void)user;
	r.upload_id = 999999;
	r.data.data = data;
	r.data.len = 3;
	/* SHA-256 of "abc". */
	r.chunk_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_CHUNK_REQUEST;
	e->upload_chunk_request = &r;
}

static void
build_file_get(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__FileGetRequest	r = TDKT__FILE_GET_REQUEST__INIT;

	(void)user;
	r.dossier_id = access_dossier;
	r.document = "TO_TRINH";
	r.slot = "pdf";
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_FILE_GET_REQUEST;
	e->file_get_request = &r;
}

static void
build_workers_list(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__WorkersListRequest	r = TDKT__WORKERS_LIST_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_WORKERS_LIST_REQUEST;
	e->workers_list_request = &r;
}

static void
build_jobs_list(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__JobsListRequest	r = TDKT__JOBS_LIST_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_JOBS_LIST_REQUEST;
	e->jobs_list_request = &r;
}

static void
build_job_show(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__JobShowRequest	r = TDKT__JOB_SHOW_REQUEST__INIT;

	(void)user;
	r.job_id = 1;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_JOB_SHOW_REQUEST;
	e->job_show_request = &r;
}

static void
build_job_act(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__JobActRequest	r = TDKT__JOB_ACT_REQUEST__INIT;

	(void)user;
	r.job_id = 1;
	r.action = TDKT__JOB_ACT_REQUEST__ACTION__ACTION_CANCEL;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_JOB_ACT_REQUEST;
	e->job_act_request = &r;
}

static void
build_inbox_list(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__InboxListRequest	r = TDKT__INBOX_LIST_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_LIST_REQUEST;
	e->inbox_list_request = &r;
}

static void
build_inbox_mark(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__InboxMarkRequest	r = TDKT__INBOX_MARK_REQUEST__INIT;

	(void)user;
	r.all = true;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_MARK_REQUEST;
	e->inbox_mark_request = &r;
}

static void
build_watch(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__WatchRequest	r = TDKT__WATCH_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_WATCH_REQUEST;
	e->watch_request = &r;
}

static void
build_remind_plan(Tdkt__ClientEnvelope *e, const char *user)
{
	static Tdkt__RemindPlanRequest	r = TDKT__REMIND_PLAN_REQUEST__INIT;

	(void)user;
	e->body_case = TDKT__CLIENT_ENVELOPE__BODY_REMIND_PLAN_REQUEST;
	e->remind_plan_request = &r;
}

#define OFFICES	(ROLE_OFFICE_HEAD | ROLE_DEPARTMENT | ROLE_MINISTRY)
#define SCHOOL_EDITORS	(ROLE_STAFF | ROLE_HEAD | ROLE_BLOCK_LEADER)
#define REVIEWERS	(ROLE_HEAD | ROLE_BLOCK_LEADER | ROLE_SPECIALIST | OFFICES)

/*
 * The matrix, aimed at OWN_SCHOOL (a primary school under PGDDT-Q1, under
 * SGDDT-HCM, under BGDDT) and block TH1 it leads. Logout comes last: it
 * ends the sessions.
 */
static const struct access_row access_rows[] = {
	{ "ping_request", EVERYONE, build_ping },
	{ "login_request", EVERYONE, build_login },
	{ "whoami_request", SESSIONS, build_whoami },
	{ "password_change_request", SESSIONS, build_password_change },
	{ "echo_request", ROLE_ADMIN, build_echo },
	{ "rulebook_load_request", ROLE_ADMIN | OFFICES, build_rulebook_load },
	{ "rulebook_show_request", SESSIONS, build_rulebook_show },
	{ "import_request", ROLE_ADMIN, build_import },
	{ "units_list_request", SESSIONS, build_units_list },
	{ "calendar_request", SESSIONS, build_calendar },
	{ "register_request", ROLE_HEAD, build_register },
	{ "registrations_request", SESSIONS, build_registrations },
	{ "pact_request", ROLE_BLOCK_LEADER | ROLE_OFFICE_HEAD, build_pact },
	{ "user_add_request", ROLE_ADMIN, build_user_add },
	{ "user_list_request", ROLE_ADMIN | OFFICES, build_user_list },
	{ "user_update_request", ROLE_ADMIN, build_user_update },
	{ "worker_allow_request", ROLE_ADMIN, build_worker_allow },
	{ "worker_revoke_request", ROLE_ADMIN, build_worker_revoke },
	{ "worker_keys_request", ROLE_ADMIN, build_worker_keys },
	{ "dossier_new_request", SCHOOL_EDITORS, build_dossier_new },
	{ "dossier_attach_request", SCHOOL_EDITORS, build_dossier_attach },
	{ "dossier_nominate_request", SCHOOL_EDITORS, build_dossier_nominate },
	{ "dossier_meeting_request", SCHOOL_EDITORS, build_dossier_meeting },
	/* A block leader submits only the block's dossiers, not this one. */
	{ "dossier_submit_request", ROLE_HEAD, build_dossier_submit },
	{ "review_request", REVIEWERS, build_review },
	{ "decide_request", ROLE_HEAD | OFFICES, build_decide },
	{ "extension_grant_request", ROLE_SPECIALIST | ROLE_OFFICE_HEAD |
	  ROLE_DEPARTMENT, build_extension_grant },
	{ "dossier_show_request", SESSIONS, build_dossier_show },
	{ "dossier_list_request", SESSIONS, build_dossier_list },
	{ "queue_request", REVIEWERS, build_queue },
	{ "dossier_history_request", SESSIONS, build_dossier_history },
	{ "upload_begin_request", SESSIONS, build_upload_begin },
	{ "upload_chunk_request", SESSIONS, build_upload_chunk },
	{ "file_get_request", SESSIONS, build_file_get },
	{ "workers_list_request", ROLE_ADMIN, build_workers_list },
	{ "jobs_list_request", ROLE_ADMIN, build_jobs_list },
	{ "job_show_request", ROLE_ADMIN, build_job_show },
	{ "job_act_request", ROLE_ADMIN, build_job_act },
	/* One's own inbox and events: everyone with a session. */
	{ "inbox_list_request", SESSIONS, build_inbox_list },
	{ "inbox_mark_request", SESSIONS, build_inbox_mark },
	{ "watch_request", SESSIONS, build_watch },
	{ "remind_plan_request", ROLE_ADMIN, build_remind_plan },
	{ "logout_request", SESSIONS, build_logout },
};
#define NROWS	(sizeof access_rows / sizeof access_rows[0])

START_TEST(test_request_role_matrix)
{
	const ProtobufCMessageDescriptor *d = &tdkt__client_envelope__descriptor;
	char				 why[512];
	size_t				 failures = 0;

	/* Every request type the protocol has must have a row. */
	for (unsigned i = 0; i < d->n_fields; i++) {
		const char	*name = d->fields[i].name;
		size_t		 len = strlen(name);
		bool		 found = false;

		if (len < 8 || strcmp(name + len - 8, "_request") != 0)
			continue;
		for (size_t r = 0; r < NROWS; r++)
			found = found || strcmp(access_rows[r].field, name) == 0;
		ck_assert_msg(found, "the request %s has no row in the access "
		    "matrix: say who may make it", name);
	}

	access_start();
	for (size_t r = 0; r < NROWS; r++) {
		for (size_t c = 0; c < NCALLERS; c++) {
			Tdkt__ClientEnvelope	req = TDKT__CLIENT_ENVELOPE__INIT;
			bool			allowed;
			int			denied;

			access_rows[r].build(&req, callers[c].user);
			allowed = (access_rows[r].allowed & callers[c].role) != 0;
			denied = access_denied(callers[c].user, &req, why,
			    sizeof why);
			if (denied == !allowed)
				continue;
			fprintf(stderr, "matrix: %s by %s was %s, expected %s "
			    "(%s)\n", access_rows[r].field, callers[c].user,
			    denied ? "denied" : "allowed",
			    allowed ? "allowed" : "denied", why);
			failures++;
		}
	}
	ck_assert_msg(failures == 0, "%zu cells of the matrix are wrong; see "
	    "above", failures);
}
END_TEST

/* Runs the CLI as `user` and asserts the error code name it prints. */
static void
access_expect(const char *user, const char *code, ...)
{
	struct harness_output	 out;
	char			*argv[17] = { NULL };
	size_t			 n = 0;
	va_list			 ap;

	va_start(ap, code);
	while (n < 16 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	ck_assert_msg(argv[n] == NULL, "access_expect takes 16 arguments");
	/* The list ends at the first NULL. */
	harness_cli_as(h, &out, user, "--json", argv[0], argv[1], argv[2],
	    argv[3], argv[4], argv[5], argv[6], argv[7], argv[8], argv[9],
	    argv[10], argv[11], argv[12], argv[13], argv[14], argv[15], NULL);
	if (code == NULL)
		ck_assert_msg(out.code == 0, "%s %s: exit %d\n%s%s", user, argv[0],
		    out.code, out.out, out.err);
	else {
		char	needle[64];

		snprintf(needle, sizeof needle, "\"error\":\"%s\"", code);
		ck_assert_msg(strstr(out.out, needle) != NULL,
		    "%s %s: expected %s, got exit %d\n%s%s", user, argv[0],
		    code, out.code, out.out, out.err);
	}
	harness_output_clear(&out);
}

START_TEST(test_scope)
{
	access_start();
	harness_user(h, "ht2", "Q1-TH-KETDOAN", "head", NULL);
	harness_user(h, "cvmn", "PGDDT-Q1", "specialist:preschool", NULL);
	harness_user(h, "qtq1", "PGDDT-Q1", "admin", NULL);

	/* A school reads and changes its own data, not another school's. */
	access_expect("ht", NULL, "registrations", "--unit", OWN_SCHOOL, NULL);
	access_expect("ht", "permission_denied", "registrations", "--unit",
	    "Q1-TH-KETDOAN", NULL);
	access_expect("ht", "permission_denied", "register", "--unit",
	    "Q1-TH-KETDOAN", "--title", "TTLDTT", NULL);
	access_expect("ht2", "permission_denied", "calendar", "--unit",
	    OWN_SCHOOL, NULL);
	access_expect("gv", "permission_denied", "units", "--under", "PGDDT-Q1",
	    NULL);
	/* An unknown unit looks the same as someone else's. */
	access_expect("ht", "permission_denied", "calendar", "--unit",
	    "KHONG-CO-DON-VI", NULL);
	/* Without a unit: one's own. */
	access_expect("gv", NULL, "units", NULL);

	/* A specialist reaches the schools of their level only. */
	access_expect("cv", NULL, "registrations", "--unit", "Q1-TH-KETDOAN",
	    NULL);
	access_expect("cvmn", "permission_denied", "registrations", "--unit",
	    "Q1-TH-KETDOAN", NULL);
	access_expect("cvmn", NULL, "registrations", "--unit",
	    "Q1-MN-BENGOAN", NULL);
	access_expect("cv", "permission_denied", "units", "--under",
	    "SGDDT-HCM", NULL);

	/* The block leader signs for their block, not another. */
	access_expect("kt", NULL, "register", "pact", "--block", "TH1",
	    "--signed", "2023-10-18", NULL);
	access_expect("kt", "permission_denied", "register", "pact", "--block",
	    "TH2", "--signed", "2023-10-18", NULL);

	/* A district administrator manages accounts in the district only. */
	access_expect("qtq1", NULL, "user", "add", "gv2", "--name",
	    "Trần Thị Bình", "--unit", "Q1-TH-KETDOAN", "--role", "staff", NULL);
	access_expect("qtq1", "permission_denied", "user", "add", "gv3",
	    "--name", "Lê Văn Cường", "--unit", "SGDDT-HCM", "--role", "staff",
	    NULL);
	access_expect("qtq1", "permission_denied", "user", "add", "gv4",
	    "--name", "Quản trị", "--role", "admin", NULL);
	access_expect("qtq1", "permission_denied", "user", "disable", "so",
	    NULL);
	access_expect("qtq1", "permission_denied", "worker", "keys", NULL);
	access_expect("qtq1", NULL, "user", "disable", "gv2", NULL);
}
END_TEST

START_TEST(test_credentials)
{
	struct harness_output	out;
	char			token[256];
	char			*text;

	access_start();
	harness_write(h, "wrong.pw", "không đúng mật khẩu\n");

	/* Wrong password and unknown user: the same answer. */
	ck_assert_int_eq(harness_cli_as(h, &out, "gv", "login", "gv",
	    "--password-file", harness_path(h, "wrong.pw"), NULL), 1);
	ck_assert_msg(strstr(out.err, "wrong username or password") != NULL,
	    "%s", out.err);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli_as(h, &out, "gv", "login", "khong-co-ai",
	    "--password-file", harness_path(h, "wrong.pw"), NULL), 1);
	ck_assert_msg(strstr(out.err, "wrong username or password") != NULL,
	    "%s", out.err);
	harness_output_clear(&out);
	/* Hostile usernames are just wrong. */
	ck_assert_int_eq(harness_cli_as(h, &out, "gv", "login",
	    "' OR '1'='1' --", "--password-file", harness_path(h, "wrong.pw"),
	    NULL), 1);
	ck_assert_msg(strstr(out.err, "[unauthenticated]") != NULL, "%s", out.err);
	harness_output_clear(&out);

	/* The session file is the user's alone. */
	text = harness_read_file(harness_path(h, "session-ht"), NULL);
	ck_assert_ptr_nonnull(text);
	snprintf(token, sizeof token, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	{
		struct stat st;

		ck_assert_int_eq(stat(harness_path(h, "session-ht"), &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0600);
	}

	/* A forged token, a malformed one. */
	harness_write(h, "session-ht", "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef\n");
	chmod(harness_path(h, "session-ht"), 0600);
	access_expect("ht", "unauthenticated", "whoami", NULL);
	harness_write(h, "session-ht", "'; DROP TABLE sessions; --\n");
	chmod(harness_path(h, "session-ht"), 0600);
	access_expect("ht", "unauthenticated", "whoami", NULL);

	/* A token after logout is dead, also when replayed. */
	harness_write(h, "session-ht", token);
	chmod(harness_path(h, "session-ht"), 0600);
	access_expect("ht", NULL, "whoami", NULL);
	access_expect("ht", NULL, "logout", NULL);
	harness_write(h, "session-ht", token);
	chmod(harness_path(h, "session-ht"), 0600);
	access_expect("ht", "unauthenticated", "whoami", NULL);

	/* A disabled account: its session ends, it cannot log in. */
	access_expect("admin", NULL, "user", "disable", "gv", NULL);
	access_expect("gv", "unauthenticated", "whoami", NULL);
	ck_assert_int_eq(harness_cli_as(h, &out, "gv", "login", "gv",
	    "--password-file", harness_path(h, "admin.pw"), NULL), 1);
	ck_assert_msg(strstr(out.err, "disabled") != NULL, "%s", out.err);
	harness_output_clear(&out);
	access_expect("admin", NULL, "user", "enable", "gv", NULL);

	/* A reset: the old password is gone, the new one must be changed. */
	access_expect("admin", NULL, "user", "reset", "tp", NULL);
	ck_assert_int_eq(harness_cli_as(h, &out, "tp", "login", "tp",
	    "--password-file", harness_path(h, "admin.pw"), NULL), 1);
	harness_output_clear(&out);

	/*
	 * A password change: a weak or unchanged new password and a wrong
	 * current one are refused; then the old password stops working and
	 * the account's other sessions end.
	 */
	{
		const char *cur = harness_path(h, "admin.pw");
		const char *weak = harness_write(h, "weak.pw", "ngắn\n");
		const char *fresh = harness_write(h, "new.pw",
		    "một mật khẩu mới dài\n");

		const char *first;

		harness_user(h, "bo2", "BGDDT", "ministry", NULL);
		first = harness_session(h, "bo2");
		/* A second session, from which the password is changed. */
		harness_cli_as(h, &out, "bo2", "login", "bo2",
		    "--password-file", cur, NULL);
		harness_output_clear(&out);
		access_expect("bo2", "invalid_argument", "password",
		    "--old-password-file", cur, "--new-password-file", weak,
		    NULL);
		access_expect("bo2", "invalid_argument", "password",
		    "--old-password-file", cur, "--new-password-file", cur,
		    NULL);
		access_expect("bo2", "unauthenticated", "password",
		    "--old-password-file", harness_path(h, "wrong.pw"),
		    "--new-password-file", fresh, NULL);
		access_expect("bo2", NULL, "password", "--old-password-file",
		    cur, "--new-password-file", fresh, NULL);
		access_expect("bo2", NULL, "whoami", NULL);
		harness_write(h, "session-bo2", first);
		chmod(harness_path(h, "session-bo2"), 0600);
		access_expect("bo2", "unauthenticated", "whoami", NULL);
		ck_assert_int_eq(harness_cli_as(h, &out, "bo2", "login", "bo2",
		    "--password-file", cur, NULL), 1);
		harness_output_clear(&out);
		ck_assert_int_eq(harness_cli_as(h, &out, "bo2", "login", "bo2",
		    "--password-file", fresh, NULL), 0);
		harness_output_clear(&out);
	}

	/* Five failures lock the account, even for the right password. */
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(harness_cli_as(h, &out, "so", "login", "so",
		    "--password-file", harness_path(h, "wrong.pw"), NULL), 1);
		harness_output_clear(&out);
	}
	ck_assert_int_eq(harness_cli_as(h, &out, "so", "login", "so",
	    "--password-file", harness_path(h, "wrong.pw"), NULL), 1);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_cli_as(h, &out, "so", "login", "so",
	    "--password-file", harness_path(h, "admin.pw"), NULL), 1);
	ck_assert_msg(strstr(out.err, "[rate_limited]") != NULL, "%s", out.err);
	harness_output_clear(&out);
	/* Other accounts are not affected. */
	ck_assert_int_eq(harness_cli_as(h, &out, "bo", "login", "bo",
	    "--password-file", harness_path(h, "admin.pw"), NULL), 0);
	harness_output_clear(&out);
}
END_TEST

START_TEST(test_session_expires)
{
	harness_server_set(h = harness_new(), "auth.session_ttl_s", "5");
	harness_start(h, 0);
	access_expect("admin", NULL, "whoami", NULL);
	sleep(6);
	access_expect("admin", "unauthenticated", "whoami", NULL);
}
END_TEST

START_TEST(test_hostile_strings)
{
	struct harness_output	out;
	char			long_name[3000];

	access_start();
	/* SQL metacharacters are data, kept as they were given. */
	access_expect("admin", NULL, "user", "add", "robert", "--name",
	    "Robert'); DROP TABLE accounts;-- \"Bàn\" \\", "--unit", OWN_SCHOOL,
	    "--role", "staff", NULL);
	ck_assert_int_eq(harness_cli(h, &out, "user", "list", OWN_SCHOOL,
	    NULL), 0);
	ck_assert_msg(strstr(out.out, "Robert'); DROP TABLE accounts;-- "
	    "\"Bàn\" \\") != NULL, "%s", out.out);
	harness_output_clear(&out);
	/* Bad usernames, roles, names, keys: refused, nothing saved. */
	access_expect("admin", "invalid_argument", "user", "add", "ro'bert",
	    "--name", "X", "--unit", OWN_SCHOOL, "--role", "staff", NULL);
	access_expect("admin", "invalid_argument", "user", "add", "mot",
	    "--name", "X", "--unit", OWN_SCHOOL, "--role", "god", NULL);
	access_expect("admin", "invalid_argument", "user", "add", "hai",
	    "--name", "Tab\there", "--unit", OWN_SCHOOL, "--role", "staff",
	    NULL);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	access_expect("admin", "invalid_argument", "user", "add", "ba",
	    "--name", long_name, "--unit", OWN_SCHOOL, "--role", "staff", NULL);
	access_expect("admin", "invalid_argument", "user", "add", "bon",
	    "--name", "X", "--unit", OWN_SCHOOL, "--role", "office_head", NULL);
	access_expect("admin", "invalid_argument", "worker", "allow",
	    "'; DROP TABLE worker_keys; --", NULL);
	access_expect("admin", "invalid_argument", "user", "add", "nam",
	    "--name", "X", "--unit", OWN_SCHOOL, "--role", "staff",
	    "--password-file", harness_write(h, "weak.pw", "123\n"), NULL);
	access_expect("admin", "already_exists", "user", "add", "robert",
	    "--name", "X", "--unit", OWN_SCHOOL, "--role", "staff", NULL);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "user", "list",
	    OWN_SCHOOL, NULL), 0);
	ck_assert_msg(strstr(out.out, "\"mot\"") == NULL &&
	    strstr(out.out, "\"hai\"") == NULL &&
	    strstr(out.out, "\"bon\"") == NULL, "%s", out.out);
	harness_output_clear(&out);
}
END_TEST

START_TEST(test_worker_keys)
{
	struct harness_output	 out;
	struct harness_pong	 pong;
	struct curve_keypair	 stranger;
	struct harness_proc	*w;
	char			*cause = NULL;

	h = harness_new();
	harness_start(h, 0);
	/* A worker with a key nobody allowed never gets in. */
	ck_assert_int_eq(curve_keyfile_create(harness_path(h, "stranger.key"),
	    "test", &stranger, &cause), 0);
	harness_worker_set(h, "key_file", harness_path(h, "stranger.key"));
	w = harness_worker_start(h, "stranger");
	ck_assert_ptr_nonnull(harness_log_wait(h, w, "refused this worker's key",
	    HARNESS_WAIT_MS));
	ck_assert_int_eq(harness_ping(h, &pong), 0);
	ck_assert_uint_eq(pong.workers_connected, 0);
	ck_assert_int_eq(harness_cli(h, &out, "echo", "không ai nhận", NULL), 1);
	harness_output_clear(&out);

	/* Allowed: it connects and works. */
	ck_assert_int_eq(harness_cli(h, &out, "worker", "allow", "--name",
	    "máy lạ", "--", stranger.public_key, NULL), 0);
	harness_output_clear(&out);
	harness_wait_workers(h, 1);
	ck_assert_int_eq(harness_cli(h, &out, "echo", "xin chào", NULL), 0);
	harness_output_clear(&out);

	/* Revoked: cut off at once, and kept out. */
	ck_assert_int_eq(harness_cli(h, &out, "worker", "revoke", "--",
	    stranger.public_key, NULL), 0);
	harness_output_clear(&out);
	harness_wait_workers(h, 0);
	sleep(2);
	ck_assert_int_eq(harness_ping(h, &pong), 0);
	ck_assert_uint_eq(pong.workers_connected, 0);
	ck_assert_int_eq(harness_cli(h, &out, "--json", "worker", "keys", NULL),
	    0);
	ck_assert_msg(strstr(out.out, "\"name\":\"máy lạ\"") != NULL, "%s",
	    out.out);
	harness_output_clear(&out);
}
END_TEST

START_TEST(test_client_without_curve)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingRequest	 ping = TDKT__PING_REQUEST__INIT;
	struct harness_message	 m;
	void			*plain;

	h = harness_new();
	harness_start(h, 0);
	/* A plain DEALER: the handshake fails, nothing is read or answered. */
	plain = harness_socket(h, ZMQ_DEALER);
	ck_assert_int_eq(zmq_connect(plain, h->clients_endpoint), 0);
	req.version = 1;
	req.request_id = 7;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	req.ping_request = &ping;
	{
		uint8_t	buf[64];
		size_t	len = tdkt__client_envelope__pack(&req, buf);

		/* No handshake, no peer: the send cannot even be queued... */
		zmq_send(plain, buf, len, ZMQ_DONTWAIT);
	}
	/* ...and nothing ever comes back. */
	ck_assert_int_eq(harness_recv(plain, 1500, &m), -1);
	/* And a client with the wrong server key hears nothing either. */
	{
		struct harness_output	 out;
		struct curve_keypair	 wrong;
		char			*cause = NULL;
		const char		*config;

		ck_assert_int_eq(curve_keypair_new(&wrong, &cause), 0);
		config = harness_write(h, "wrong-key.yaml", "");
		{
			FILE *fp = fopen(config, "w");

			fprintf(fp, "server: \"%s\"\nserver_public_key: \"%s\"\n"
			    "timeout_ms: 1500\nretries: 0\nsession_file: %s\n",
			    h->clients_endpoint, wrong.public_key,
			    harness_path(h, "session-admin"));
			fclose(fp);
		}
		harness_run(h, &out, "tdkt", "--config", config, "ping", NULL);
		ck_assert_int_eq(out.code, 3);
		harness_output_clear(&out);
	}
	harness_socket_close(h, &plain);
	/* The server serves the others as before. */
	{
		struct harness_output	out;

		ck_assert_int_eq(harness_cli(h, &out, "ping", NULL), 0);
		harness_output_clear(&out);
	}
}
END_TEST

static Suite *
access_suite(void)
{
	Suite	*s = suite_create("access");
	TCase	*tc;

	tc = tcase_create("matrix");
	tcase_add_checked_fixture(tc, NULL, access_teardown);
	tcase_add_test(tc, test_request_role_matrix);
	tcase_add_test(tc, test_scope);
	suite_add_tcase(s, tc);

	tc = tcase_create("attacks");
	tcase_add_checked_fixture(tc, NULL, access_teardown);
	tcase_add_test(tc, test_credentials);
	tcase_add_test(tc, test_session_expires);
	tcase_add_test(tc, test_hostile_strings);
	tcase_add_test(tc, test_worker_keys);
	tcase_add_test(tc, test_client_without_curve);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_main(access_suite);
}
