/*
 * check_smtp.c - unit tests for sending e-mail: the message format
 * (worker/mail_message.c), the relay and its failure classes
 * (worker/smtp.c) and the remind_email job (worker/job_remind.c).
 *
 * The sending tests talk SMTP over TCP to a real relay:
 * tests/tools/smtp_sink.py, started per test as a process of its own on a
 * port the kernel picks, which writes every message it accepts to a
 * directory. What was stored is then read back by Python's own e-mail
 * parser (sink_decode), so the headers and body are judged by an
 * implementation that is not ours. "message" holds the pure format,
 * "config" the relay's settings, "send" what a relay answers and how each
 * answer is classed, "job" the job kind around it.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <sodium.h>

#include "job.h"
#include "job_context.h"
#include "mail_message.h"
#include "remind_render.h"
#include "smtp.h"
#include "utf8.h"
#include "worker.pb-c.h"

#define SINK_SCRIPT	TDKT_SOURCE_DIR "/tests/tools/smtp_sink.py"
/* Python, ASan and a loaded machine: the sink may take a while to listen. */
#define SINK_START_MS	30000
#define TEST_FROM	"thidua@sgd.example.vn"
#define TEST_FROM_NAME	"Sở Giáo dục và Đào tạo, Hà Nội"
#define TEST_TO		"hieutruong@thhoabinh.example.vn"
#define TEST_ID		"remind-7f3a@tdkt.example.vn"

/* A subject long enough for several encoded words. */
static const char test_subject[] = "Nhắc hạn: hồ sơ “Hồ sơ đề nghị khen "
    "thưởng cuối năm” còn 3 ngày (hạn chót 31/05/2024) — Trường Tiểu học "
    "Hòa Bình";
static const char test_body[] = "Kính gửi Trường Tiểu học Hòa Bình,\n\n"
    "Những mục còn thiếu:\n- Báo cáo thành tích\n- Biên bản họp\n\n"
    ".A line that starts with a dot\n"
    "Trân trọng,\nPhòng Giáo dục và Đào tạo quận Ba Đình\n";

/* The relay of the running test, if it started one. */
static struct {
	pid_t	pid;
	char	dir[64];
	char	port_file[128];
	char	hold_file[128];
	int	port;
} sink;

static struct smtp	*relay;
static char		 password_file[128];

static void
test_setup(void)
{
	memset(&sink, 0, sizeof sink);
	relay = NULL;
	password_file[0] = '\0';
}

/* Removes the sink's directory and what is in it. */
static void
sink_remove_dir(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[512];

	if (sink.dir[0] == '\0' || (d = opendir(sink.dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", sink.dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(sink.dir);
}

static void
test_teardown(void)
{
	int	status;

	smtp_free(&relay);
	if (password_file[0] != '\0')
		unlink(password_file);
	if (sink.hold_file[0] != '\0')
		unlink(sink.hold_file);
	if (sink.pid > 0) {
		kill(sink.pid, SIGTERM);
		ck_assert_int_eq(waitpid(sink.pid, &status, 0), sink.pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "the sink did not stop cleanly (status %d)", status);
	}
	sink_remove_dir();
}

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Starts the sink with `extra` arguments (NULL-terminated; "HOLD" stands
 * for the hold file's path) and waits until it listens.
 */
static void
sink_start(const char *const extra[])
{
	const char	*argv[24];
	size_t		 n = 0;
	FILE		*fp;
	int		 status;

	snprintf(sink.dir, sizeof sink.dir, "/tmp/tdkt-check-smtp-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sink.dir));
	snprintf(sink.port_file, sizeof sink.port_file, "%s.port", sink.dir);
	snprintf(sink.hold_file, sizeof sink.hold_file, "%s.hold", sink.dir);
	argv[n++] = TDKT_PYTHON3;
	argv[n++] = SINK_SCRIPT;
	argv[n++] = "--dir";
	argv[n++] = sink.dir;
	argv[n++] = "--port-file";
	argv[n++] = sink.port_file;
	for (size_t i = 0; extra[i] != NULL && n < 23; i++)
		argv[n++] = strcmp(extra[i], "HOLD") == 0 ? sink.hold_file :
		    extra[i];
	argv[n] = NULL;

	sink.pid = fork();
	ck_assert_int_ge(sink.pid, 0);
	if (sink.pid == 0) {
		/* Never outlive the test, whatever way it ends. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (int64_t start = now_ms(); now_ms() - start < SINK_START_MS;
	    sleep_ms(20)) {
		ck_assert_msg(waitpid(sink.pid, &status, WNOHANG) == 0,
		    "the sink exited at start (status %d); is python3-aiosmtpd "
		    "installed?", status);
		if ((fp = fopen(sink.port_file, "r")) == NULL)
			continue;
		ck_assert_int_eq(fscanf(fp, "%d", &sink.port), 1);
		fclose(fp);
		unlink(sink.port_file);
		return;
	}
	ck_abort_msg("the sink did not start listening");
}

static void
sink_hold(bool on)
{
	int	fd;

	if (!on) {
		ck_assert_int_eq(unlink(sink.hold_file), 0);
		return;
	}
	fd = open(sink.hold_file, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

/* How many messages the sink holds: accepted, or held whose reply is not. */
static void
sink_count(int *accepted, int *held)
{
	DIR		*d = opendir(sink.dir);
	struct dirent	*e;
	size_t		 len;

	ck_assert_ptr_nonnull(d);
	*accepted = *held = 0;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 4, ".eml") != 0)
			continue;
		if (strncmp(e->d_name, "held-", 5) == 0)
			(*held)++;
		else
			(*accepted)++;
	}
	closedir(d);
}

/* A whole file of the sink's (caller frees); NULL if there is none. */
static char *
sink_read(const char *name, size_t *len)
{
	char	 path[256], *data;
	FILE	*fp;
	long	 size;

	snprintf(path, sizeof path, "%s/%s", sink.dir, name);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	data = malloc((size_t)size + 1);
	ck_assert_uint_eq(fread(data, 1, (size_t)size, fp), (size_t)size);
	data[size] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)size;
	return data;
}

/*
 * Python's reading of a stored message, one item a line: the From and To
 * display names and addresses, Subject, Message-ID, MIME-Version, content
 * type, charset, transfer encoding, Auto-Submitted and the Date's offset
 * from UTC; then the body, decoded, as it is. Display names are decoded
 * by the letter of RFC 2047 (decode_header), which joins adjacent encoded
 * words; the newer parser leaves a space between them in an address.
 */
static const char sink_decode_py[] =
    "import sys, email, email.policy\n"
    "from email.header import decode_header, make_header\n"
    "from email.utils import parseaddr\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "m = email.message_from_bytes(data, policy=email.policy.default)\n"
    "old = email.message_from_bytes(data, policy=email.policy.compat32)\n"
    "def address(field):\n"
    "    name, addr = parseaddr(old[field])\n"
    "    return [str(make_header(decode_header(name))), addr]\n"
    "items = address('From') + address('To') + [\n"
    "    m['Subject'], m['Message-ID'], m['MIME-Version'],\n"
    "    m.get_content_type(), m.get_content_charset(),\n"
    "    m['Content-Transfer-Encoding'], m['Auto-Submitted'],\n"
    "    str(m['Date'].datetime.utcoffset())]\n"
    "sys.stdout.buffer.write(('\\n'.join(items) + '\\n').encode())\n"
    "sys.stdout.buffer.write(m.get_payload(decode=True))\n";

#define DECODED_ITEMS	12

struct decoded {
	char	*text;			/* everything Python printed */
	char	*item[DECODED_ITEMS];	/* into text */
	char	*body;			/* into text */
};

/* Reads message `name` of the sink back through Python's parser. */
static void
sink_decode(const char *name, struct decoded *d)
{
	char	 path[256];
	int	 fds[2], status;
	size_t	 len = 0, cap = 1 << 20;
	ssize_t	 n;
	pid_t	 pid;
	char	*p;

	snprintf(path, sizeof path, "%s/%s", sink.dir, name);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(TDKT_PYTHON3, TDKT_PYTHON3, "-c", sink_decode_py, path,
		    (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	d->text = malloc(cap + 1);
	while ((n = read(fds[0], d->text + len, cap - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	d->text[len] = '\0';
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "python could not read %s", path);
	p = d->text;
	for (int i = 0; i < DECODED_ITEMS; i++) {
		d->item[i] = p;
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		*p++ = '\0';
	}
	d->body = p;
}

/* The body as it travels: CRLF line ends. */
static char *
crlf(const char *text)
{
	char	*out = malloc(strlen(text) * 2 + 1), *o = out;

	for (const char *c = text; *c != '\0'; c++) {
		if (*c == '\n')
			*o++ = '\r';
		*o++ = *c;
	}
	*o = '\0';
	return out;
}

/*
 * Checks the raw header of a stored message: no line over 78 characters,
 * every encoded word at most 75 and whole UTF-8 on its own.
 */
static void
assert_raw_header(const char *raw)
{
	const char	*end = strstr(raw, "\r\n\r\n"), *line, *w;
	size_t		 words = 0;

	ck_assert_ptr_nonnull(end);
	for (line = raw; line < end; line = strstr(line, "\r\n") + 2)
		ck_assert_uint_le((size_t)(strstr(line, "\r\n") - line), 78);
	for (w = raw; (w = strstr(w, "=?UTF-8?B?")) != NULL && w < end; ) {
		const char	*close = strstr(w + 10, "?=");
		unsigned char	 bin[128];
		size_t		 binlen;

		ck_assert_ptr_nonnull(close);
		ck_assert_uint_le((size_t)(close + 2 - w), 75);
		ck_assert_int_eq(sodium_base642bin(bin, sizeof bin, w + 10,
		    (size_t)(close - w - 10), NULL, &binlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		ck_assert(utf8_valid((const char *)bin, binlen, NULL));
		words++;
		w = close + 2;
	}
	ck_assert_uint_ge(words, 3);	/* the subject needed several */
}

static struct smtp_settings
test_settings(void)
{
	struct smtp_settings	set = {
		.url = NULL, .tls = SMTP_TLS_NONE, .from = TEST_FROM,
		.from_name = TEST_FROM_NAME, .helo = "tdkt-test.example.vn",
		.username = "", .password_file = "", .timeout_ms = 20000,
	};

	return set;
}

/* The relay in the sink, with `set`'s other settings. */
static struct smtp *
relay_new(struct smtp_settings *set, int port)
{
	char		 url[64];
	char		*cause = NULL;
	struct smtp	*s;

	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	set->url = url;
	s = smtp_new(set, &cause);
	ck_assert_msg(s != NULL, "smtp_new: %s", cause);
	return s;
}

static void
relay_open(void)
{
	struct smtp_settings	set = test_settings();

	relay = relay_new(&set, sink.port);
}

static void
send_to(const char *to, uint32_t timeout_ms, struct smtp_report *r)
{
	struct smtp_mail	mail = {
		.to = to, .to_name = "Hiệu trưởng", .subject = test_subject,
		.body = test_body, .message_id = TEST_ID,
	};

	smtp_send(relay, &mail, timeout_ms, r);
}

/* A port on 127.0.0.1 that nothing listens on (just closed). */
static int
closed_port(void)
{
	struct sockaddr_in	sa = { .sin_family = AF_INET };
	socklen_t		len = sizeof sa;
	int			fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Writes the test's password file, readable by its owner only. */
static void
password_write(const char *text)
{
	int	 fd;
	FILE	*fp;

	snprintf(password_file, sizeof password_file,
	    "/tmp/tdkt-check-smtp-pw-%d", (int)getpid());
	fd = open(password_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

/* -- message ------------------------------------------------------------ */

START_TEST(test_message_addresses)
{
	static const char *const good[] = {
		"a@b.vn", "hieu.truong+nhac@thhoabinh.edu.vn", "x_y-z@a-b.c",
	};
	static const char *const bad[] = {
		"", "a", "@b.vn", "a@", "a@@b.vn", "a@b@c", "a b@c.vn",
		"a@b.vn\r\nBcc: x@y.vn", "<a@b.vn>", "a,b@c.vn", "\"a\"@b.vn",
		"hiệu@b.vn", "a@.vn", "a@b.vn.", "a;b@c.vn",
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(mail_message_address_ok(good[i]), "%s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!mail_message_address_ok(bad[i]), "%s", bad[i]);
}
END_TEST

START_TEST(test_message_ids)
{
	char	id[MAIL_MESSAGE_ID_BUF], big[400];

	ck_assert_int_eq(mail_message_id_form("a.b@c", id), 0);
	ck_assert_str_eq(id, "<a.b@c>");
	ck_assert_int_eq(mail_message_id_form("<a.b@c>", id), 0);
	ck_assert_str_eq(id, "<a.b@c>");
	ck_assert_int_eq(mail_message_id_form("", id), -1);
	ck_assert_int_eq(mail_message_id_form("<>", id), -1);
	ck_assert_int_eq(mail_message_id_form("no-at-sign", id), -1);
	ck_assert_int_eq(mail_message_id_form("a@b\r\nBcc: x@y", id), -1);
	ck_assert_int_eq(mail_message_id_form("a b@c", id), -1);
	ck_assert_int_eq(mail_message_id_form("<<a@b>>", id), -1);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[10] = '@';
	ck_assert_int_eq(mail_message_id_form(big, id), -1);
}
END_TEST

/* Encoded words never split a character, whatever its length. */
START_TEST(test_message_encoded_words)
{
	static const char *const chars[] = { "a", "ư", "ữ", "😀" };
	struct mail_message	 m = {
		.from = TEST_FROM, .from_name = "", .to = TEST_TO,
		.to_name = "", .body = "", .message_id = TEST_ID,
	};

	for (size_t c = 0; c < sizeof chars / sizeof chars[0]; c++) {
		for (size_t n = 1; n < 100; n += 7) {
			char	 subject[512] = "", *msg, *cause = NULL;
			size_t	 len;

			for (size_t i = 0; i < n; i++)
				strcat(subject, chars[c]);
			m.subject = subject;
			msg = mail_message_build(&m, &len, &cause);
			ck_assert_ptr_nonnull(msg);
			ck_assert_uint_eq(strlen(msg), len);
			if (n * strlen(chars[c]) > 3 * 39)
				assert_raw_header(msg);
			free(msg);
		}
	}
}
END_TEST

START_TEST(test_message_refused)
{
	struct mail_message	 m = {
		.from = TEST_FROM, .from_name = "", .to = TEST_TO,
		.to_name = "", .subject = "x", .body = "",
		.message_id = TEST_ID,
	};
	char			*cause = NULL;
	size_t			 len;

	m.to = "not an address";
	ck_assert_ptr_null(mail_message_build(&m, &len, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "recipient"));
	free(cause);
	m.to = TEST_TO;
	m.message_id = "nothing";
	ck_assert_ptr_null(mail_message_build(&m, &len, &cause));
	free(cause);
	m.message_id = TEST_ID;
	m.subject = "\xff";
	ck_assert_ptr_null(mail_message_build(&m, &len, &cause));
	free(cause);
}
END_TEST

/* -- config ------------------------------------------------------------- */

static char *
relay_refusal(struct smtp_settings *set)
{
	char		*cause = NULL;
	struct smtp	*s = smtp_new(set, &cause);

	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(cause);
	return cause;
}

START_TEST(test_config_settings)
{
	struct smtp_settings	 set = test_settings();
	char			*cause;
	struct smtp		*s;

	set.url = "smtp://relay.example.vn:587";
	cause = relay_refusal(&set);		/* clear text, not loopback */
	ck_assert_ptr_nonnull(strstr(cause, "smtp.tls"));
	free(cause);
	set.tls = SMTP_TLS_IMPLICIT;
	cause = relay_refusal(&set);		/* implicit needs smtps:// */
	free(cause);
	set.tls = SMTP_TLS_STARTTLS;
	set.url = "smtps://relay.example.vn";
	cause = relay_refusal(&set);
	free(cause);
	set.url = "smtp://relay.example.vn:587";
	set.from = "nobody";
	cause = relay_refusal(&set);
	ck_assert_ptr_nonnull(strstr(cause, "smtp.from"));
	free(cause);
	set.from = TEST_FROM;
	set.username = "thidua";
	cause = relay_refusal(&set);		/* no password file */
	free(cause);
	set.password_file = "/nonexistent/tdkt-password";
	cause = relay_refusal(&set);
	ck_assert_ptr_nonnull(strstr(cause, "could not open"));
	free(cause);
	set.helo = "bad helo";
	set.username = set.password_file = "";
	cause = relay_refusal(&set);
	ck_assert_ptr_nonnull(strstr(cause, "smtp.helo"));
	free(cause);

	password_write("mật khẩu\nsecond line ignored\n");
	set.helo = "";
	set.username = "thidua";
	set.password_file = password_file;
	s = smtp_new(&set, &cause);
	ck_assert_ptr_nonnull(s);
	smtp_free(&s);
	ck_assert_ptr_null(s);
	smtp_free(&s);
}
END_TEST

/* -- send --------------------------------------------------------------- */

START_TEST(test_send_accepted)
{
	const char *const	 none[] = { NULL };
	struct smtp_report	 r;
	struct decoded		 d;
	char			*raw, *env, *body;
	int			 accepted, held;

	sink_start(none);
	relay_open();
	send_to(TEST_TO, 0, &r);
	ck_assert_msg(r.outcome == SMTP_SENT, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	ck_assert_str_eq(r.reply, "250 2.0.0 Ok: queued as 0001");
	ck_assert_str_eq(r.message_id, "<" TEST_ID ">");
	sink_count(&accepted, &held);
	ck_assert_int_eq(accepted, 1);
	ck_assert_int_eq(held, 0);

	env = sink_read("0001.env", NULL);
	ck_assert_str_eq(env, "MAIL FROM:<" TEST_FROM ">\nRCPT TO:<" TEST_TO
	    ">\n");
	raw = sink_read("0001.eml", NULL);
	assert_raw_header(raw);
	ck_assert_ptr_nonnull(strstr(raw, "\r\nMessage-ID: <" TEST_ID ">\r\n"));

	sink_decode("0001.eml", &d);
	ck_assert_str_eq(d.item[0], TEST_FROM_NAME);
	ck_assert_str_eq(d.item[1], TEST_FROM);
	ck_assert_str_eq(d.item[2], "Hiệu trưởng");
	ck_assert_str_eq(d.item[3], TEST_TO);
	ck_assert_str_eq(d.item[4], test_subject);
	ck_assert_str_eq(d.item[5], "<" TEST_ID ">");
	ck_assert_str_eq(d.item[6], "1.0");
	ck_assert_str_eq(d.item[7], "text/plain");
	ck_assert_str_eq(d.item[8], "utf-8");
	ck_assert_str_eq(d.item[9], "base64");
	ck_assert_str_eq(d.item[10], "auto-generated");
	ck_assert_str_eq(d.item[11], "7:00:00");
	body = crlf(test_body);
	ck_assert_str_eq(d.body, body);
	free(body);
	free(d.text);
	free(raw);
	free(env);
}
END_TEST

START_TEST(test_send_recipient_refused)
{
	const char *const	args[] = { "--fail-rcpt", "nobody@truong.example.vn",
				    NULL };
	struct smtp_report	r;
	int			accepted, held;

	sink_start(args);
	relay_open();
	send_to("nobody@truong.example.vn", 0, &r);
	ck_assert_msg(r.outcome == SMTP_REJECTED, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	ck_assert(strncmp(r.reply, "550 5.1.1", 9) == 0);
	ck_assert_ptr_nonnull(strstr(r.detail, "recipient"));
	sink_count(&accepted, &held);
	ck_assert_int_eq(accepted + held, 0);
	/* The same relay still takes others. */
	send_to(TEST_TO, 0, &r);
	ck_assert_int_eq(r.outcome, SMTP_SENT);
}
END_TEST

START_TEST(test_send_recipient_deferred)
{
	const char *const	args[] = { "--defer-rcpt", TEST_TO, NULL };
	struct smtp_report	r;

	sink_start(args);
	relay_open();
	send_to(TEST_TO, 0, &r);
	ck_assert_msg(r.outcome == SMTP_FAILED, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	ck_assert(strncmp(r.reply, "451", 3) == 0);
}
END_TEST

START_TEST(test_send_nothing_listening)
{
	struct smtp_settings	set = test_settings();
	struct smtp_report	r;

	relay = relay_new(&set, closed_port());
	send_to(TEST_TO, 0, &r);
	ck_assert_msg(r.outcome == SMTP_FAILED, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	ck_assert_str_eq(r.reply, "");
	ck_assert_ptr_nonnull(strstr(r.detail, "could not hand"));
}
END_TEST

/*
 * The relay has the message but its answer never comes: unknown, and the
 * relay holds exactly one copy, never yet confirmed.
 */
START_TEST(test_send_reply_held)
{
	const char *const	args[] = { "--hold-file", "HOLD", NULL };
	struct smtp_report	r;
	int			accepted, held;
	int64_t			start;

	sink_start(args);
	sink_hold(true);
	relay_open();
	start = now_ms();
	send_to(TEST_TO, 1500, &r);
	ck_assert_msg(r.outcome == SMTP_UNKNOWN, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	/* Its deadline, and at most the overrun smtp.h allows. */
	ck_assert_int_ge(now_ms() - start, 1500);
	ck_assert_int_le(now_ms() - start, 1500 + SMTP_OVERRUN_MS + 500);
	/* What it last heard was the go-ahead for the data. */
	ck_assert(strncmp(r.reply, "354", 3) == 0);
	ck_assert_ptr_nonnull(strstr(r.detail, "may have been delivered"));
	sink_count(&accepted, &held);
	ck_assert_int_eq(accepted, 0);
	ck_assert_int_eq(held, 1);
	/* Released too late for a client that left: still one, unconfirmed. */
	sink_hold(false);
	sleep_ms(300);
	sink_count(&accepted, &held);
	ck_assert_int_eq(accepted + held, 1);
	ck_assert_int_eq(held, 1);
}
END_TEST

/*
 * The relay dies after the data went out and before it answered: no time
 * out, but just as unknown.
 */
START_TEST(test_send_connection_lost)
{
	const char *const	args[] = { "--hold-file", "HOLD", NULL };
	struct smtp_report	r;
	char			held[256];
	pid_t			killer;
	int			status;
	int64_t			start;

	sink_start(args);
	sink_hold(true);
	relay_open();
	snprintf(held, sizeof held, "%s/held-0001.eml", sink.dir);
	killer = fork();
	ck_assert_int_ge(killer, 0);
	if (killer == 0) {
		for (int i = 0; i < 1500 && access(held, F_OK) < 0; i++)
			sleep_ms(20);
		kill(sink.pid, SIGKILL);
		_exit(0);
	}
	start = now_ms();
	send_to(TEST_TO, 20000, &r);
	ck_assert_msg(r.outcome == SMTP_UNKNOWN, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	ck_assert_int_lt(now_ms() - start, 15000);
	ck_assert_ptr_nonnull(strstr(r.detail, "may have been delivered"));
	ck_assert_int_eq(waitpid(killer, &status, 0), killer);
	ck_assert_int_eq(waitpid(sink.pid, &status, 0), sink.pid);
	ck_assert(WIFSIGNALED(status));
	sink.pid = 0;
	ck_assert_int_eq(access(held, F_OK), 0);
}
END_TEST

/* A reply that comes late but within the time allowed is a success. */
START_TEST(test_send_reply_slow)
{
	const char *const	args[] = { "--delay-data-ms", "500", NULL };
	struct smtp_report	r;
	int			accepted, held;

	sink_start(args);
	relay_open();
	send_to(TEST_TO, 10000, &r);
	ck_assert_msg(r.outcome == SMTP_SENT, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	sink_count(&accepted, &held);
	ck_assert_int_eq(accepted, 1);
	ck_assert_int_eq(held, 0);
}
END_TEST

/* A relay that answers the data with 5xx has decided: not delivered. */
START_TEST(test_send_data_refused)
{
	const char *const	args[] = { "--reject-data", NULL };
	struct smtp_report	r;

	sink_start(args);
	relay_open();
	send_to(TEST_TO, 0, &r);
	ck_assert_msg(r.outcome == SMTP_REJECTED, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	ck_assert_str_eq(r.reply, "554 5.7.1 Message refused");
	ck_assert_ptr_nonnull(strstr(r.detail, "for good"));
}
END_TEST

START_TEST(test_send_login)
{
	const char *const	 args[] = { "--auth", "thidua:mật khẩu", NULL };
	struct smtp_settings	 set = test_settings();
	struct smtp_report	 r;

	sink_start(args);
	password_write("mật khẩu\n");
	set.username = "thidua";
	set.password_file = password_file;
	relay = relay_new(&set, sink.port);
	send_to(TEST_TO, 0, &r);
	ck_assert_msg(r.outcome == SMTP_SENT, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	smtp_free(&relay);

	password_write("wrong\n");
	relay = relay_new(&set, sink.port);
	send_to(TEST_TO, 0, &r);
	ck_assert_msg(r.outcome == SMTP_FAILED, "%s: %s",
	    smtp_outcome_name(r.outcome), r.detail);
	ck_assert_msg(strncmp(r.reply, "535", 3) == 0, "reply %s", r.reply);
}
END_TEST

/* -- job ---------------------------------------------------------------- */

static char *test_missing[] = { "Báo cáo thành tích" };

static Tdkt__RemindJob
email_job(const char *to)
{
	Tdkt__RemindJob	job = TDKT__REMIND_JOB__INIT;

	job.key = "remind:r1:year_end:19874:th-hoa-binh:-3:email";
	job.channel = "email";
	job.audience = "unit";
	job.message_id = "<remind-0c1d@tdkt.example.vn>";
	job.unit_code = "TH-HOA-BINH";
	job.unit_name = "Trường Tiểu học Hòa Bình";
	job.recipient_name = "Trường Tiểu học Hòa Bình";
	job.recipient_email = (char *)to;
	job.type_name = "Hồ sơ cuối năm";
	job.deadline = 19874;
	job.days_left = 3;
	job.missing = test_missing;
	job.n_missing = 1;
	return job;
}

struct job_run {
	struct job_output	 out;
	Tdkt__RemindResult	*result;
};

static void
job_run(const Tdkt__RemindJob *job, const struct job_context *ctx,
    uint32_t timeout_ms, struct job_run *r)
{
	size_t			 len = protobuf_c_message_get_packed_size(&job->base);
	void			*payload = malloc(len + 1);
	struct job_input	 in = {
		.job_id = 9, .kind = "remind_email", .payload = payload,
		.len = len, .timeout_ms = timeout_ms, .worker_name = "test",
		.context = ctx,
	};

	protobuf_c_message_pack(&job->base, payload);
	memset(r, 0, sizeof *r);
	job_remind_email_kind.run(&in, &r->out);
	free(payload);
	if (r->out.ok) {
		r->result = tdkt__remind_result__unpack(NULL, r->out.len,
		    r->out.payload);
		ck_assert_ptr_nonnull(r->result);
	}
}

static void
job_run_free(struct job_run *r)
{
	if (r->result != NULL)
		tdkt__remind_result__free_unpacked(r->result, NULL);
	free(r->out.payload);
}

static struct job_context
job_context_of(void)
{
	const char *const	 none[REMIND_NKINDS] = { NULL };
	struct job_context	 ctx = { .smtp = relay };
	char			*cause = NULL;

	ctx.templates = remind_templates_new(none, none, &cause);
	ck_assert_ptr_nonnull(ctx.templates);
	return ctx;
}

START_TEST(test_job_sent)
{
	const char *const	 none[] = { NULL };
	Tdkt__RemindJob		 job = email_job(TEST_TO);
	struct job_context	 ctx;
	struct job_run		 r;
	struct decoded		 d;
	char			*body;

	sink_start(none);
	relay_open();
	ctx = job_context_of();
	ck_assert(jobs_offers(&job_remind_email_kind, &ctx));
	job_run(&job, &ctx, 30000, &r);
	ck_assert_msg(r.out.ok, "failed: %s", r.out.detail);
	ck_assert_str_eq(r.result->key, job.key);
	ck_assert_str_eq(r.result->channel, "email");
	ck_assert_str_eq(r.result->message_id, "<remind-0c1d@tdkt.example.vn>");
	ck_assert_str_eq(r.result->sent_to, TEST_TO);
	ck_assert_str_eq(r.result->smtp_reply, "250 2.0.0 Ok: queued as 0001");
	ck_assert(!r.result->skipped);
	/* What went out is what the server is told went out. */
	sink_decode("0001.eml", &d);
	ck_assert_str_eq(d.item[4], r.result->subject);
	ck_assert_str_eq(d.item[5], "<remind-0c1d@tdkt.example.vn>");
	body = crlf(r.result->body);
	ck_assert_str_eq(d.body, body);
	ck_assert_ptr_nonnull(strstr(d.body, "- Báo cáo thành tích\r\n"));
	free(body);
	free(d.text);
	job_run_free(&r);
	remind_templates_free(&ctx.templates);
}
END_TEST

/* No address: a success that sent nothing, and no connection made. */
START_TEST(test_job_skipped)
{
	struct smtp_settings	set = test_settings();
	Tdkt__RemindJob		job = email_job("");
	struct job_context	ctx;
	struct job_run		r;

	relay = relay_new(&set, closed_port());
	ctx = job_context_of();
	job_run(&job, &ctx, 30000, &r);
	ck_assert_msg(r.out.ok, "failed: %s", r.out.detail);
	ck_assert(r.result->skipped);
	ck_assert_str_eq(r.result->sent_to, "");
	ck_assert_str_ne(r.result->subject, "");
	job_run_free(&r);
	remind_templates_free(&ctx.templates);
}
END_TEST

/* Each way a send ends becomes the error code the server acts on. */
START_TEST(test_job_error_codes)
{
	const char *const	args[] = { "--fail-rcpt", "nobody@truong.example.vn",
				    "--hold-file", "HOLD", NULL };
	Tdkt__RemindJob		job;
	struct job_context	ctx;
	struct job_run		r;
	struct smtp_settings	set = test_settings();

	sink_start(args);
	relay_open();
	ctx = job_context_of();
	job = email_job("nobody@truong.example.vn");
	job_run(&job, &ctx, 30000, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	job_run_free(&r);

	job = email_job("not an address");
	job_run(&job, &ctx, 30000, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	job_run_free(&r);

	job = email_job(TEST_TO);
	job.channel = "inbox";
	job_run(&job, &ctx, 30000, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT);
	job_run_free(&r);

	/* The job's time limit bounds the send: 1000 ms at least. */
	sink_hold(true);
	job = email_job(TEST_TO);
	job_run(&job, &ctx, 2000, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code,
	    TDKT__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN);
	job_run_free(&r);
	sink_hold(false);

	smtp_free(&relay);
	relay = relay_new(&set, closed_port());
	ctx.smtp = relay;
	job_run(&job, &ctx, 30000, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE);
	job_run_free(&r);

	/* A worker without a relay neither offers nor runs e-mail jobs. */
	ctx.smtp = NULL;
	ck_assert(!jobs_offers(&job_remind_email_kind, &ctx));
	job_run(&job, &ctx, 30000, &r);
	ck_assert(!r.out.ok);
	ck_assert_int_eq(r.out.code, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE);
	job_run_free(&r);
	remind_templates_free(&ctx.templates);
}
END_TEST

static Suite *
smtp_suite(void)
{
	Suite	*s = suite_create("smtp");
	TCase	*tc;

	tc = tcase_create("message");
	tcase_add_test(tc, test_message_addresses);
	tcase_add_test(tc, test_message_ids);
	tcase_add_test(tc, test_message_encoded_words);
	tcase_add_test(tc, test_message_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_add_test(tc, test_config_settings);
	suite_add_tcase(s, tc);

	/* A Python relay per test, under ASan: be generous. */
	tc = tcase_create("send");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_send_accepted);
	tcase_add_test(tc, test_send_recipient_refused);
	tcase_add_test(tc, test_send_recipient_deferred);
	tcase_add_test(tc, test_send_nothing_listening);
	tcase_add_test(tc, test_send_reply_held);
	tcase_add_test(tc, test_send_connection_lost);
	tcase_add_test(tc, test_send_reply_slow);
	tcase_add_test(tc, test_send_data_refused);
	tcase_add_test(tc, test_send_login);
	suite_add_tcase(s, tc);

	tc = tcase_create("job");
	tcase_add_checked_fixture(tc, test_setup, test_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_job_sent);
	tcase_add_test(tc, test_job_skipped);
	tcase_add_test(tc, test_job_error_codes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	/* As tdkt-worker does: before any thread, and no SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return EXIT_FAILURE;
	sr = srunner_create(smtp_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
