/*
 * check_reminders.c - deadline reminders end to end, with real processes:
 * District 1's school year in simulated time, e-mail through a real SMTP
 * relay (tests/tools/smtp_sink.py, aiosmtpd), a worker killed mid-send,
 * and `tdkt watch` seeing another terminal's change within a second.
 *
 * Time: the server is a test build reading its calendar from the file
 * TDKT_TEST_NOW_FILE names. The test moves that file on a day at a time
 * (08:00 in Vietnam, after the day's 07:00 reminders are due), does what
 * the schools do that day, then asks the planner to run (remind-plan, as
 * the administrator) and waits for the workers to deliver what it queued.
 * The planner also runs on its own schedule; whichever run comes first,
 * the database keeps each reminder once.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "arena.h"
#include "clock.h"
#include "date.h"
#include "harness.h"
#include "harness_files.h"
#include "xmalloc.h"

/* The three schools the year is about (all primary, none a block leader). */
#define ON_TIME		"Q1-TH-NGUYENBINHKHIEM"
#define LATE		"Q1-TH-LEQUYDON"
#define EXTENDED	"Q1-TH-TRANHUNGDAO"

static struct harness	*h;
static const char	*rem_db;	/* the external PostgreSQL's URL */
static const char	*rem_now_file;
static const char	*rem_mail_dir;

static void
rem_teardown(void)
{
	harness_free(&h);
}

/* Runs `sql` with psql; returns its unaligned output, trimmed, owned by h. */
static const char *
rem_sql(const char *sql)
{
	struct harness_output	 out;
	char			*text;
	size_t			 n;

	harness_run(h, &out, "/usr/bin/psql", rem_db, "-X", "-At", "-F", "|",
	    "-v", "ON_ERROR_STOP=1", "-c", sql, NULL);
	ck_assert_msg(out.code == 0, "psql failed on %s:\n%s", sql, out.err);
	text = xstrdup(out.out);
	n = strlen(text);
	while (n > 0 && text[n - 1] == '\n')
		text[--n] = '\0';
	harness_output_clear(&out);
	return harness_keep(h, text);
}

/* Sets the server's calendar to `when` ("2024-05-21 08:00", Vietnam). */
static void
rem_set_now(const char *when)
{
	FILE	*fp;

	/* Written whole and renamed, so the server never reads half of it. */
	const char *tmp = harness_path(h, "now.tmp");

	if ((fp = fopen(tmp, "w")) == NULL || fprintf(fp, "%s\n", when) < 0 ||
	    fclose(fp) != 0 || rename(tmp, rem_now_file) != 0)
		ck_abort_msg("could not move the clock to %s", when);
}

/* Runs the planner now as the administrator; returns what it queued. */
static uint32_t
rem_plan(void)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RemindPlanRequest	 in = TDKT__REMIND_PLAN_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply = NULL;
	struct arena		*a = arena_new(1024 * 1024);
	uint32_t		 n;

	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_REMIND_PLAN_REQUEST;
	req.remind_plan_request = &in;
	ck_assert_int_eq(harness_call(h, "admin", &req, NULL, a, &reply),
	    CONN_OK);
	ck_assert_msg(reply->body_case ==
	    TDKT__CLIENT_ENVELOPE__BODY_REMIND_PLAN_REPLY,
	    "remind-plan failed: %s", reply->body_case ==
	    TDKT__CLIENT_ENVELOPE__BODY_ERROR ? reply->error->detail : "?");
	ck_assert(reply->remind_plan_reply->planned);
	n = reply->remind_plan_reply->reminders;
	arena_free(&a);
	return n;
}

/* Waits until no reminder job is queued or running. */
static void
rem_wait_delivered(void)
{
	int64_t	deadline = clock_monotonic_ms() + HARNESS_WAIT_MS;

	while (strcmp(rem_sql("SELECT count(*) FROM jobs WHERE kind LIKE "
	    "'remind_%' AND state IN ('queued', 'running')"), "0") != 0) {
		ck_assert_msg(clock_monotonic_ms() < deadline,
		    "reminders still undelivered:\n%s", rem_sql("SELECT id, "
		    "kind, state, last_error FROM jobs WHERE kind LIKE "
		    "'remind_%' AND state <> 'done'"));
		usleep(50 * 1000);
	}
}

/*
 * How many files of the relay's mail directory whose names end in
 * `suffix` (".eml": the messages; ".env": their envelopes) hold `needle`.
 */
static unsigned
rem_mail_count(const char *suffix, const char *needle)
{
	DIR		*d = opendir(rem_mail_dir);
	struct dirent	*e;
	unsigned	 n = 0;
	char		*text;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		size_t	len = strlen(e->d_name);

		if (len < strlen(suffix) ||
		    strcmp(e->d_name + len - strlen(suffix), suffix) != 0)
			continue;
		text = harness_read_file(harness_path(h, "mail/%s", e->d_name),
		    NULL);
		if (text != NULL && strstr(text, needle) != NULL)
			n++;
		free(text);
	}
	closedir(d);
	return n;
}

/* How many times `needle` occurs in `text`. */
static unsigned
rem_count(const char *text, const char *needle)
{
	unsigned	n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL;
	    p += strlen(needle))
		n++;
	return n;
}

/*
 * A test's installation: the clock at `now`, a relay, the server on an
 * external PostgreSQL with District 1 loaded, `nworkers` workers that send
 * e-mail through the relay (held back while DIR/hold exists), the three
 * schools' heads and addresses, and the office's primary specialist.
 */
static void
rem_start(const char *now, unsigned nworkers)
{
	const char	*port;
	char		 url[64];

	h = harness_new();
	rem_now_file = harness_path(h, "now");
	setenv("TDKT_TEST_NOW_FILE", rem_now_file, 1);
	unsetenv("TDKT_TEST_TODAY");
	rem_set_now(now);
	rem_mail_dir = harness_path(h, "mail");
	ck_assert_int_eq(mkdir(rem_mail_dir, 0755), 0);
	harness_program_start(h, "/usr/bin/python3",
	    harness_source(h, "tests/tools/smtp_sink.py"), "--dir",
	    rem_mail_dir, "--port-file", harness_path(h, "smtp-port"),
	    "--hold-file", harness_path(h, "hold"), NULL);
	for (int64_t end = clock_monotonic_ms() + HARNESS_WAIT_MS;
	    (port = harness_read_file(harness_path(h, "smtp-port"), NULL)) ==
	    NULL; usleep(50 * 1000))
		ck_assert_msg(clock_monotonic_ms() < end, "the relay did not "
		    "start");
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", atoi(port));
	free((char *)port);

	rem_db = harness_extpg_start(h);
	harness_server_set(h, "database.url", rem_db);
	/* The test's clock ticks plan (rem_plan); the schedule stays out. */
	harness_server_set(h, "reminders.plan_every_ms", "3600000");
	harness_worker_set(h, "smtp.url", url);
	harness_worker_set(h, "smtp.tls", "none");
	harness_worker_set(h, "smtp.from", "thidua@pgd-q1.edu.vn");
	harness_worker_set(h, "smtp.from_name", "Phòng GDĐT Quận 1");
	harness_worker_set(h, "smtp.timeout_ms", "3000");
	harness_start(h, nworkers);
	harness_load_district1(h);
	harness_user(h, "ht-ontime", ON_TIME, "head", NULL);
	harness_user(h, "ht-late", LATE, "head", NULL);
	harness_user(h, "ht-ext", EXTENDED, "head", NULL);
	harness_user(h, "cv", "PGDDT-Q1", "specialist:primary", NULL);
	rem_sql("UPDATE units SET email = lower(code) || '@truong.edu.vn' "
	    "WHERE code IN ('" ON_TIME "', '" LATE "', '" EXTENDED "');"
	    "UPDATE units SET email = 'thidua@pgd-q1.edu.vn' "
	    "WHERE code = 'PGDDT-Q1'");
}

/* Registers the school's collective for TTLDXS, in October. */
static void
rem_register(const char *user, const char *unit)
{
	struct harness_output	out;
	const char		*csv = harness_write(h, "dang-ky.csv",
				    "Mã cán bộ,Danh hiệu,Chỉ tiêu\n"
				    ",TTLDXS,Hoàn thành xuất sắc nhiệm vụ\n");

	ck_assert_msg(harness_cli_as(h, &out, user, "register", "--unit", unit,
	    "--file", csv, NULL) == 0, "register %s: %s", unit, out.err);
	harness_output_clear(&out);
}

/*
 * Runs the CLI as `user` with `args` (up to NULL, at most 11); fails the
 * test unless it exits `code`. Returns its output (caller frees).
 */
static char *
rem_cli(int code, const char *user, const char *const *args)
{
	struct harness_output	 out;
	const char		*a[12] = { NULL };
	char			*text;

	for (size_t i = 0; i < 11 && args[i] != NULL; i++)
		a[i] = args[i];
	harness_cli_as(h, &out, user, a[0], a[1], a[2], a[3], a[4], a[5], a[6],
	    a[7], a[8], a[9], a[10], NULL);
	ck_assert_msg(out.code == code, "tdkt %s %s %s as %s: exit %d, not "
	    "%d\n%s%s", a[0], a[1] != NULL ? a[1] : "", a[2] != NULL ? a[2] :
	    "", user, out.code, code, out.out, out.err);
	text = xasprintf("%s%s", out.out, out.err);
	harness_output_clear(&out);
	return text;
}

#define REM_ARGS(...)	((const char *const []){ __VA_ARGS__, NULL })

/*
 * Loads a corrected District 1 rulebook: the same file with a new quorum,
 * so the issuer and period get a new version.
 */
static void
rem_load_corrected_rulebook(void)
{
	char	*text, *at;

	text = harness_read_file(harness_source(h,
	    "config/rulebooks/q1-2023-2024.yaml"), NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(at = strstr(text, "council_quorum: 2/3"));
	memcpy(at, "council_quorum: 3/5", 19);
	harness_write(h, "q1-v2.yaml", text);
	free(text);
	text = rem_cli(0, "admin", REM_ARGS("rulebook", "load",
	    harness_path(h, "q1-v2.yaml")));
	free(text);
	ck_assert_str_eq(rem_sql("SELECT max(version) FROM rulebooks"), "2");
}

/*
 * Makes a complete year-end dossier for `unit` and submits it: every
 * document in both forms, the registered collective, the council. Returns
 * the CLI's answer to the submission (caller frees).
 */
static char *
rem_submit_year_end(const char *user, int code)
{
	static const char *const docs[] = { "TO_TRINH", "BIEN_BAN_HD",
	    "DANH_SACH_THANH_TICH", "BANG_DIEM", "QD_LDTT" };
	char	*text, id[24], name[64];
	const char *p;

	text = rem_cli(0, user, REM_ARGS("--json", "dossier", "new", "--type",
	    "CUOI_NAM"));
	ck_assert_ptr_nonnull(p = strstr(text, "\"dossier_id\":"));
	snprintf(id, sizeof id, "%llu", strtoull(p + 13, NULL, 10));
	free(text);
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		snprintf(name, sizeof name, "%s-%s.docx", user, docs[i]);
		free(rem_cli(0, user, REM_ARGS("dossier", "attach", id,
		    "--document", docs[i], "--editable",
		    harness_document_file(h, name, docs[i]))));
		snprintf(name, sizeof name, "%s-%s.pdf", user, docs[i]);
		free(rem_cli(0, user, REM_ARGS("dossier", "attach", id,
		    "--document", docs[i], "--pdf",
		    harness_document_file(h, name, docs[i]))));
	}
	harness_write(h, "de-nghi.csv", "Mã cán bộ,Danh hiệu,Tóm tắt thành tích\n"
	    ",TTLDXS,Tập thể hoàn thành xuất sắc nhiệm vụ năm học\n");
	free(rem_cli(0, user, REM_ARGS("dossier", "nominate", id, "--file",
	    harness_path(h, "de-nghi.csv"))));
	free(rem_cli(0, user, REM_ARGS("dossier", "meeting", id, "--members",
	    "9", "--present", "8", "--date", "2024-05-15")));
	/* Expecting it to stay pending (no worker): no need to wait long. */
	return rem_cli(code, user, REM_ARGS("--json", "dossier", "submit",
	    id, "--wait", code == 4 ? "1" : "60"));
}

/* The year-end reminders of `unit`: "offset channel audience planned". */
static const char *
rem_year_end(const char *unit)
{
	char	*sql = xasprintf("SELECT string_agg(format('%%s %%s %%s %%s',"
	    " r.offset_days, r.channel, r.audience, to_char(r.planned_at AT"
	    " TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI')), E'\\n'"
	    " ORDER BY r.planned_at, r.audience, r.channel)"
	    " FROM reminders r JOIN units u ON u.id = r.unit_id"
	    " WHERE u.code = '%s' AND r.type_code = 'CUOI_NAM'"
	    " AND r.delivered_at IS NOT NULL", unit);
	const char *text = rem_sql(sql);

	free(sql);
	return text;
}

START_TEST(test_district1_year)
{
	struct harness_proc	*watch_late, *watch_cv;
	struct harness_output	 out;
	char			*text, day_text[DATE_BUF_SIZE], when[32];
	char			*ids, *save = NULL;
	unsigned		 nsent;
	int32_t			 day, last;
	const char		*got;

	rem_start("2023-09-05 08:00", 1);
	/* Live alerts for the late school and for its office's specialist. */
	watch_late = harness_cli_start_as(h, "ht-late", "watch", "--json",
	    NULL);
	watch_cv = harness_cli_start_as(h, "cv", "watch", "--json", NULL);

	ck_assert(date_parse_iso("2023-09-05", &day));
	ck_assert(date_parse_iso("2024-06-30", &last));
	for (; day <= last; day++) {
		date_format_iso(day, day_text);
		snprintf(when, sizeof when, "%s 08:00", day_text);
		rem_set_now(when);
		if (strcmp(day_text, "2023-10-20") == 0) {
			rem_register("ht-ontime", ON_TIME);
			rem_register("ht-late", LATE);
			rem_register("ht-ext", EXTENDED);
		} else if (strcmp(day_text, "2024-05-18") == 0) {
			text = rem_submit_year_end("ht-ontime", 0);
			ck_assert_msg(strstr(text, "awaiting_review") != NULL,
			    "%s", text);
			free(text);
		} else if (strcmp(day_text, "2024-05-19") == 0) {
			/*
			 * A corrected rulebook: who submitted under the
			 * first version has still submitted, and nothing
			 * already sent is sent again.
			 */
			rem_load_corrected_rulebook();
		} else if (strcmp(day_text, "2024-05-27") == 0) {
			free(rem_cli(0, "cv", REM_ARGS("extension", "grant",
			    "--unit", EXTENDED, "--type", "CUOI_NAM", "--until",
			    "2024-06-05", "--reason", "Trường sửa chữa phòng "
			    "học, cần thêm thời gian")));
		} else if (strcmp(day_text, "2024-05-30") == 0) {
			/* Past its window: refused, and it stays overdue. */
			text = rem_submit_year_end("ht-late", 1);
			ck_assert_msg(strstr(text, "28/05/2024") != NULL, "%s",
			    text);
			free(text);
		} else if (strcmp(day_text, "2024-06-03") == 0) {
			text = rem_submit_year_end("ht-ext", 0);
			ck_assert_msg(strstr(text, "awaiting_review") != NULL,
			    "%s", text);
			free(text);
		}
		if (rem_plan() > 0)
			rem_wait_delivered();
	}

	/* On time: nothing for the year-end dossier. */
	ck_assert_str_eq(rem_year_end(ON_TIME), "");
	/* Late: every offset on every channel, and the office told once. */
	got = rem_year_end(LATE);
	ck_assert_str_eq(got,
	    "7 email unit 2024-05-21 07:00\n"
	    "7 inbox unit 2024-05-21 07:00\n"
	    "7 push unit 2024-05-21 07:00\n"
	    "3 email unit 2024-05-25 07:00\n"
	    "3 inbox unit 2024-05-25 07:00\n"
	    "3 push unit 2024-05-25 07:00\n"
	    "1 email unit 2024-05-27 07:00\n"
	    "1 inbox unit 2024-05-27 07:00\n"
	    "1 push unit 2024-05-27 07:00\n"
	    "0 email unit 2024-05-28 07:00\n"
	    "0 inbox unit 2024-05-28 07:00\n"
	    "0 push unit 2024-05-28 07:00\n"
	    "-1 email office 2024-05-29 07:00\n"
	    "-1 inbox office 2024-05-29 07:00\n"
	    "-1 push office 2024-05-29 07:00\n"
	    "-1 email unit 2024-05-29 07:00\n"
	    "-1 inbox unit 2024-05-29 07:00\n"
	    "-1 push unit 2024-05-29 07:00");
	/*
	 * Extended on 27/05 to 05/06 before its 07:00 reminder of the day was
	 * planned... it was: the planner ran at 08:00 on the 27th after the
	 * grant, so the old deadline's offset 1 never came; the new one's 7
	 * and 3 did, and it submitted on 03/06.
	 */
	got = rem_year_end(EXTENDED);
	ck_assert_str_eq(got,
	    "7 email unit 2024-05-21 07:00\n"
	    "7 inbox unit 2024-05-21 07:00\n"
	    "7 push unit 2024-05-21 07:00\n"
	    "3 email unit 2024-05-25 07:00\n"
	    "3 inbox unit 2024-05-25 07:00\n"
	    "3 push unit 2024-05-25 07:00\n"
	    "7 email unit 2024-05-29 07:00\n"
	    "7 inbox unit 2024-05-29 07:00\n"
	    "7 push unit 2024-05-29 07:00\n"
	    "3 email unit 2024-06-02 07:00\n"
	    "3 inbox unit 2024-06-02 07:00\n"
	    "3 push unit 2024-06-02 07:00");
	ck_assert_str_eq(rem_sql("SELECT count(DISTINCT deadline) FROM "
	    "reminders r JOIN units u ON u.id = r.unit_id WHERE u.code = '"
	    EXTENDED "' AND r.type_code = 'CUOI_NAM' AND r.extended"), "1");

	/*
	 * E-mail: the relay holds exactly one message per e-mail reminder
	 * sent, each with the Message-ID derived from its key.
	 */
	ck_assert_uint_eq(rem_mail_count(".env",
	    "RCPT TO:<q1-th-lequydon@truong.edu.vn>"),
	    atoi(rem_sql("SELECT count(*) FROM reminders r JOIN units u ON "
	    "u.id = r.unit_id WHERE u.code = '" LATE "' AND r.channel = "
	    "'email' AND r.audience = 'unit'")));
	ids = xstrdup(rem_sql("SELECT string_agg(message_id, ' ') FROM "
	    "reminders WHERE channel = 'email' AND sent_to IS NOT NULL"));
	nsent = 0;
	for (char *id = strtok_r(ids, " ", &save); id != NULL;
	    id = strtok_r(NULL, " ", &save), nsent++)
		ck_assert_msg(rem_mail_count(".eml", id) == 1, "%s: %u copies",
		    id, rem_mail_count(".eml", id));
	free(ids);
	ck_assert_uint_eq(rem_mail_count(".eml", "Message-ID:"), nsent);
	ck_assert_uint_gt(nsent, 20);

	/* The inbox: the late school's head reads them, the specialist hers. */
	ck_assert_int_eq(harness_cli_as(h, &out, "ht-late", "inbox", NULL), 0);
	ck_assert_msg(strstr(out.out, "Hồ sơ đề nghị khen thưởng cuối năm học")
	    != NULL, "%s", out.out);
	harness_output_clear(&out);
	ck_assert_str_eq(rem_sql("SELECT count(*) FROM inbox_messages m JOIN "
	    "units u ON u.id = m.unit_id JOIN units a ON a.id = "
	    "m.about_unit_id WHERE u.code = 'PGDDT-Q1' AND a.code = '" LATE
	    "' AND m.kind = 'escalation' AND m.type_code = 'CUOI_NAM'"), "1");
	ck_assert_int_eq(harness_cli_as(h, &out, "cv", "inbox", "--unread",
	    NULL), 0);
	ck_assert_msg(strstr(out.out, LATE) != NULL, "%s", out.out);
	harness_output_clear(&out);
	/* Read marks are the reader's own: the head reads all of hers. */
	text = rem_cli(0, "ht-late", REM_ARGS("--json", "inbox", "read",
	    "--all"));
	ck_assert_msg(strstr(text, "\"unread\":0") != NULL, "%s", text);
	free(text);
	text = rem_cli(0, "ht-late", REM_ARGS("--json", "inbox", "--unread"));
	ck_assert_msg(strstr(text, "\"unread\":0") != NULL &&
	    strstr(text, "\"messages\":[]") != NULL, "%s", text);
	free(text);
	text = rem_cli(0, "cv", REM_ARGS("--json", "inbox", "--unread"));
	ck_assert_msg(strstr(text, "\"unread\":0") == NULL, "%s", text);
	free(text);

	/*
	 * Push: each watcher got its own alerts, as many as were pushed, and
	 * nothing of the other schools.
	 */
	ck_assert_int_eq(harness_proc_stop(h, watch_late, SIGTERM), 0);
	ck_assert_int_eq(harness_proc_output(h, watch_late, &out, 0), 0);
	ck_assert_uint_eq(rem_count(out.out, "\"type\":\"alert\""),
	    atoi(rem_sql("SELECT count(*) FROM reminders r JOIN units u ON "
	    "u.id = r.unit_id WHERE u.code = '" LATE "' AND r.channel = "
	    "'push' AND r.audience = 'unit'")));
	ck_assert_uint_eq(rem_count(out.out, "\"type_code\":\"CUOI_NAM\","
	    "\"subject\""), 5);
	ck_assert_msg(strstr(out.out, ON_TIME) == NULL &&
	    strstr(out.out, EXTENDED) == NULL, "%s", out.out);
	harness_output_clear(&out);
	ck_assert_int_eq(harness_proc_stop(h, watch_cv, SIGTERM), 0);
	ck_assert_int_eq(harness_proc_output(h, watch_cv, &out, 0), 0);
	ck_assert_uint_eq(rem_count(out.out, "\"kind\":\"escalation\""),
	    atoi(rem_sql("SELECT count(*) FROM reminders r JOIN units u ON "
	    "u.id = r.unit_id WHERE r.channel = 'push' AND r.audience = "
	    "'office' AND u.kind = 'primary'")));
	ck_assert_uint_eq(rem_count(out.out, "\"kind\":\"reminder\""), 0);
	harness_output_clear(&out);
}
END_TEST

/* Waits until the relay holds back `n` messages' end of data. */
static void
rem_wait_held(unsigned n)
{
	int64_t	end = clock_monotonic_ms() + HARNESS_WAIT_MS;

	while (rem_mail_count(".eml", "Message-ID:") < n) {
		ck_assert_msg(clock_monotonic_ms() < end, "the relay never got "
		    "the message");
		usleep(50 * 1000);
	}
}

/*
 * A worker SIGKILLed while the relay holds back its answer to the end of
 * the data: the e-mail may have gone, so its reminder is `unknown` for an
 * administrator, and neither a new worker nor the next planning sends it
 * again.
 */
START_TEST(test_email_killed_mid_send)
{
	struct harness_proc	*w;
	struct harness_output	 out;
	const char		*hold;

	rem_start("2024-05-20 08:00", 0);
	/* One job at a time: exactly one e-mail is in flight when it dies. */
	harness_worker_set(h, "capacity", "1");
	hold = harness_write(h, "hold", "");
	w = harness_worker_start(h, "w1");
	harness_wait_workers(h, 1);
	rem_set_now("2024-05-21 08:00");
	ck_assert_uint_gt(rem_plan(), 0);
	rem_wait_held(1);
	ck_assert_int_eq(harness_proc_stop(h, w, SIGKILL), 128 + SIGKILL);
	ck_assert_int_eq(unlink(hold), 0);
	harness_worker_start(h, "w2");
	harness_wait_workers(h, 1);
	rem_wait_delivered();

	/* The one held: unknown, never sent again; the others sent once. */
	ck_assert_str_eq(rem_sql("SELECT count(*) FROM jobs WHERE kind = "
	    "'remind_email' AND state = 'unknown'"), "1");
	ck_assert_str_eq(rem_sql("SELECT count(*) FROM reminders r JOIN jobs j "
	    "ON j.id = r.job_id WHERE j.state = 'unknown' AND r.delivered_at "
	    "IS NULL"), "1");
	ck_assert_uint_eq(rem_mail_count(".eml", "Message-ID:"),
	    atoi(rem_sql("SELECT count(*) FROM reminders WHERE channel = "
	    "'email' AND sent_to IS NOT NULL")) + 1);
	ck_assert_uint_eq(rem_plan(), 0);
	rem_wait_delivered();
	ck_assert_uint_eq(rem_mail_count(".eml", "Message-ID:"),
	    atoi(rem_sql("SELECT count(*) FROM reminders WHERE channel = "
	    "'email' AND sent_to IS NOT NULL")) + 1);
	/* The administrator sees it waiting for a decision. */
	ck_assert_int_eq(harness_cli(h, &out, "admin", "jobs", "--state",
	    "unknown", NULL), 0);
	ck_assert_msg(strstr(out.out, "remind_email") != NULL, "%s", out.out);
	harness_output_clear(&out);
}
END_TEST

/*
 * Reminders planned before the school submitted, delivered after: each is
 * obsolete and delivers nothing on any channel.
 */
START_TEST(test_submitted_after_planning)
{
	struct harness_output	out;
	char			*text;

	rem_start("2023-10-20 08:00", 0);
	rem_register("ht-ontime", ON_TIME);
	rem_set_now("2024-05-21 08:00");
	ck_assert_uint_gt(rem_plan(), 0);
	/* No worker yet: the submission waits for its check (exit 4). */
	text = rem_submit_year_end("ht-ontime", 4);
	free(text);
	harness_worker_start(h, "w1");
	harness_wait_workers(h, 1);
	rem_wait_delivered();
	ck_assert_str_eq(rem_sql("SELECT state FROM dossiers d JOIN units u ON "
	    "u.id = d.unit_id WHERE u.code = '" ON_TIME "'"), "awaiting_review");
	ck_assert_str_eq(rem_sql("SELECT count(*) || ' ' || count(*) FILTER ("
	    "WHERE skipped AND delivered_at IS NULL) FROM reminders r JOIN units"
	    " u ON u.id = r.unit_id WHERE u.code = '" ON_TIME "' AND "
	    "r.type_code = 'CUOI_NAM'"), "3 3");
	/* Its only mail is October's, for the registration dossier. */
	ck_assert_uint_eq(rem_mail_count(".env",
	    "RCPT TO:<q1-th-nguyenbinhkhiem@truong.edu.vn>"),
	    atoi(rem_sql("SELECT count(*) FROM reminders r JOIN units u ON "
	    "u.id = r.unit_id WHERE u.code = '" ON_TIME "' AND r.channel = "
	    "'email' AND r.sent_to IS NOT NULL AND r.type_code <> "
	    "'CUOI_NAM'")));
	ck_assert_int_eq(harness_cli_as(h, &out, "ht-ontime", "inbox", NULL),
	    0);
	ck_assert_msg(strstr(out.out, "cuối năm") == NULL, "%s", out.out);
	harness_output_clear(&out);
	/* The others, who still owe theirs, got them. */
	ck_assert_str_eq(rem_sql("SELECT count(*) FROM reminders r JOIN units "
	    "u ON u.id = r.unit_id WHERE u.code = '" LATE "' AND r.type_code = "
	    "'CUOI_NAM' AND r.delivered_at IS NOT NULL"), "3");
}
END_TEST

/*
 * Another terminal's change reaches `tdkt watch` within a second, and a
 * raw subscriber of the same school; a watcher of another school never
 * sees it.
 */
START_TEST(test_watch_within_a_second)
{
	struct harness_proc	*cli;
	struct harness_message	 m;
	Tdkt__Event		*ev;
	void			*sub, *other;
	int64_t			 done;

	rem_start("2024-05-20 08:00", 1);
	sub = harness_socket(h, ZMQ_SUB);
	harness_watch(h, "ht-ontime", sub);
	other = harness_socket(h, ZMQ_SUB);
	harness_watch(h, "ht-late", other);
	cli = harness_cli_start_as(h, "ht-ontime", "watch", "--json", NULL);
	/* It says it watches once it has subscribed. */
	for (int64_t end = clock_monotonic_ms() + HARNESS_WAIT_MS;; ) {
		struct harness_output	out;

		if (harness_proc_output(h, cli, &out, 0) != HARNESS_TIMEOUT)
			ck_abort_msg("tdkt watch ended: %s", out.err);
		if (strstr(out.err, "theo dõi") != NULL) {
			harness_output_clear(&out);
			break;
		}
		harness_output_clear(&out);
		ck_assert_msg(clock_monotonic_ms() < end, "tdkt watch never "
		    "started watching");
		usleep(50 * 1000);
	}

	free(rem_cli(0, "ht-ontime", REM_ARGS("dossier", "new", "--type",
	    "CUOI_NAM")));
	done = clock_monotonic_ms();
	ck_assert_msg(harness_recv(sub, 1000, &m) == 0, "no event within a "
	    "second");
	ck_assert_int_le(clock_monotonic_ms() - done, 1000);
	ev = tdkt__event__unpack(NULL, m.len[1], m.data[1]);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->body_case, TDKT__EVENT__BODY_DOSSIER);
	ck_assert_str_eq(ev->dossier->unit_code, ON_TIME);
	ck_assert_str_eq(ev->dossier->state_to, "draft");
	tdkt__event__free_unpacked(ev, NULL);
	harness_message_clear(&m);
	ck_assert_ptr_nonnull(harness_log_wait(h, cli, "\"to\":\"draft\"",
	    1000 - (clock_monotonic_ms() - done)));
	ck_assert_msg(harness_recv(other, 300, &m) != 0, "another school's "
	    "watcher saw the change");

	ck_assert_int_eq(harness_proc_stop(h, cli, SIGTERM), 0);
	harness_socket_close(h, &other);
	harness_socket_close(h, &sub);
}
END_TEST

/* Sends `req` as `user`; returns the error code of the answer, or 0. */
static Tdkt__ErrorCode
rem_call_error(const char *user, Tdkt__ClientEnvelope *req,
    Tdkt__ClientEnvelope **reply, struct arena *a)
{
	enum conn_status	st;

	st = harness_call(h, user, req, NULL, a, reply);
	ck_assert_msg(st == CONN_OK || st == CONN_SERVER_ERROR, "no answer");
	return (*reply)->body_case == TDKT__CLIENT_ENVELOPE__BODY_ERROR ?
	    (*reply)->error->code : 0;
}

/*
 * The inbox and watch requests refuse what they cannot mean, and nobody
 * reaches another's messages or topic.
 */
START_TEST(test_bad_requests)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__InboxMarkRequest	 mark = TDKT__INBOX_MARK_REQUEST__INIT;
	Tdkt__InboxListRequest	 list = TDKT__INBOX_LIST_REQUEST__INIT;
	Tdkt__WatchRequest	 watch = TDKT__WATCH_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a = arena_new(4 * 1024 * 1024);
	uint64_t		 ids[1001], theirs;
	char			*topic, long_topic[200];

	rem_start("2024-05-21 08:00", 1);
	rem_plan();	/* the start's run may have planned them already */
	rem_wait_delivered();

	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_MARK_REQUEST;
	req.inbox_mark_request = &mark;
	mark.n_ids = 1;
	mark.ids = ids;
	mark.all = true;
	ids[0] = 1;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a),
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	mark.all = false;
	mark.n_ids = 0;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a),
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	mark.n_ids = 1;
	ids[0] = 0;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a),
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	ids[0] = (uint64_t)INT64_MAX + 1;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a),
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	for (size_t i = 0; i < 1001; i++)
		ids[i] = i + 1;
	mark.n_ids = 1001;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a),
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	/* Another school's message: nothing changes, nothing is said. */
	theirs = strtoull(rem_sql("SELECT m.id FROM inbox_messages m JOIN units "
	    "u ON u.id = m.unit_id WHERE u.code = '" ON_TIME "' LIMIT 1"), NULL,
	    10);
	ck_assert_uint_gt(theirs, 0);
	ids[0] = theirs;
	mark.n_ids = 1;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a), 0);
	ck_assert_uint_eq(reply->inbox_mark_reply->changed, 0);
	ck_assert_str_eq(rem_sql("SELECT count(*) FROM inbox_reads"), "0");

	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_INBOX_LIST_REQUEST;
	req.inbox_list_request = &list;
	list.before_id = (uint64_t)INT64_MAX + 1;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a),
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	list.before_id = 0;
	list.limit = 100000;	/* capped, not refused */
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a), 0);
	for (size_t i = 0; i < reply->inbox_list_reply->n_messages; i++)
		ck_assert_str_eq(reply->inbox_list_reply->messages[i]->unit_code,
		    LATE);

	/* A topic too long to be ours; another's topic is not handed over. */
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WATCH_REQUEST;
	req.watch_request = &watch;
	memset(long_topic, 'w', sizeof long_topic - 1);
	long_topic[sizeof long_topic - 1] = '\0';
	watch.topic = long_topic;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a),
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	watch.topic = (char *)"";
	ck_assert_int_eq(rem_call_error("ht-ontime", &req, &reply, a), 0);
	topic = xstrdup(reply->watch_reply->topic);
	watch.topic = topic;
	ck_assert_int_eq(rem_call_error("ht-late", &req, &reply, a), 0);
	ck_assert_str_ne(reply->watch_reply->topic, topic);
	free(topic);

	/* The command line refuses what is no message id. */
	free(rem_cli(2, "ht-late", REM_ARGS("inbox", "read", "abc")));
	free(rem_cli(2, "ht-late", REM_ARGS("inbox", "read", "--all", "3")));
	arena_free(&a);
}
END_TEST

static Suite *
reminders_suite(void)
{
	Suite	*s = suite_create("reminders");
	TCase	*tc = tcase_create("year");

	tcase_add_checked_fixture(tc, NULL, rem_teardown);
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_district1_year);
	suite_add_tcase(s, tc);

	tc = tcase_create("email");
	tcase_add_checked_fixture(tc, NULL, rem_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_email_killed_mid_send);
	tcase_add_test(tc, test_submitted_after_planning);
	suite_add_tcase(s, tc);

	tc = tcase_create("watch");
	tcase_add_checked_fixture(tc, NULL, rem_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_watch_within_a_second);
	tcase_add_test(tc, test_bad_requests);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return harness_main(reminders_suite);
}
