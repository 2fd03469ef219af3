/*
 * smtp.c - one e-mail to a relay through libcurl; see smtp.h.
 *
 * DESIGN NOTES
 *
 * The phase of a send, as the callbacks see it (struct smtp_transfer):
 *
 *   (start) --commands, replies--> body_started --all data taken--> body_sent
 *      |        smtp_on_debug          smtp_on_read        smtp_on_read  |
 *      v                                                                 v
 *   smtp_classify: FAILED, or REJECTED     final reply? (smtp_on_debug)
 *   for a recipient refused for good       2xx SENT, 4xx FAILED,
 *                                          5xx REJECTED, none UNKNOWN
 *
 * Invariants:
 * 1. body_sent is set as soon as curl has been handed the last byte, before
 *    it can have sent the end of data: whatever fails after that and before
 *    a reply is UNKNOWN. Wrongly unknown costs an administrator a look;
 *    wrongly failed would send the reminder twice.
 * 2. Only the first reply after body_sent is the message's final reply, and
 *    nothing after QUIT is recorded, so the "221 Bye" of a closing
 *    connection never stands for the relay's answer.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "log.h"
#include "smtp.h"
#include "utf8.h"
#include "xmalloc.h"

#define SMTP_PASSWORD_MAX	1024
#define SMTP_HELO_MAX		253
#define SMTP_COMMAND_MAX	16

const char *const smtp_tls_names[] = { "none", "starttls", "implicit", NULL };

struct smtp {
	char		*url;		/* with the HELO name as its path */
	enum smtp_tls	 tls;
	char		*from;
	char		*from_name;
	char		*username;	/* NULL: no login */
	char		*password;
	uint32_t	 timeout_ms;
};

/* One send as libcurl's callbacks see it; see the design notes. */
struct smtp_transfer {
	const char	*data;
	size_t		 len;
	size_t		 pos;
	bool		 body_started;
	bool		 body_sent;
	bool		 final_seen;
	int		 final_code;
	bool		 quitting;
	char		 command[SMTP_COMMAND_MAX];	/* the last one sent */
	int		 code;				/* its reply's */
	char		 reply[SMTP_REPLY_MAX];
	int64_t		 deadline_ms;			/* monotonic */
	bool		 expired;
};

const char *
smtp_outcome_name(enum smtp_outcome outcome)
{
	switch (outcome) {
	case SMTP_SENT:
		return "sent";
	case SMTP_FAILED:
		return "failed";
	case SMTP_REJECTED:
		return "rejected";
	case SMTP_UNKNOWN:
		return "unknown";
	}
	return "?";
}

/* True for 127.0.0.0/8, ::1 and localhost: a relay on this very host. */
static bool
smtp_host_loopback(const char *host)
{
	struct in_addr	v4;

	if (strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return true;
	return inet_pton(AF_INET, host, &v4) == 1 &&
	    (ntohl(v4.s_addr) >> 24) == 127;
}

/* A HELO name: letters, digits, dots and hyphens, or an address literal. */
static bool
smtp_helo_ok(const char *helo)
{
	size_t	len = strlen(helo);

	if (len == 0 || len > SMTP_HELO_MAX)
		return false;
	if (helo[0] == '[')
		return helo[len - 1] == ']' &&
		    strspn(helo + 1, "0123456789abcdefABCDEF.:") == len - 2;
	return strspn(helo, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-") == len;
}

/* This host's name for HELO, or "localhost" when it has no usable one. */
static char *
smtp_helo_default(void)
{
	char	host[SMTP_HELO_MAX + 1];

	if (gethostname(host, sizeof host) < 0)
		return xstrdup("localhost");
	host[sizeof host - 1] = '\0';
	return xstrdup(smtp_helo_ok(host) ? host : "localhost");
}

/* Checks the scheme against smtp.tls, and cleartext against the host. */
static char *
smtp_url_refusal(const char *scheme, const char *host, enum smtp_tls tls)
{
	bool	implicit = strcmp(scheme, "smtps") == 0;

	if (!implicit && strcmp(scheme, "smtp") != 0)
		return xasprintf("smtp.url: the scheme must be smtp or smtps, "
		    "not %s", scheme);
	if (implicit && tls != SMTP_TLS_IMPLICIT)
		return xstrdup("smtp.url: smtps:// is TLS from the first byte; "
		    "set smtp.tls: implicit");
	if (!implicit && tls == SMTP_TLS_IMPLICIT)
		return xstrdup("smtp.tls: implicit needs an smtps:// url");
	if (tls == SMTP_TLS_NONE && !smtp_host_loopback(host))
		return xasprintf("smtp.tls: none sends in clear text and is only "
		    "allowed to a relay on this host (127.0.0.1, ::1 or "
		    "localhost), not %s; use starttls or implicit", host);
	return NULL;
}

/*
 * Parses smtp.url, checks it and returns it with the HELO name as its path
 * (libcurl's way of setting it), or NULL with *cause set.
 */
static char *
smtp_url_build(const struct smtp_settings *set, char **cause)
{
	CURLU	*u = curl_url();
	char	*scheme = NULL, *host = NULL, *user = NULL, *path = NULL;
	char	*query = NULL, *url = NULL, *curl_url_text = NULL, *helo, *name;

	*cause = NULL;
	if (u == NULL)
		fatalx("out of memory parsing smtp.url");
	if (curl_url_set(u, CURLUPART_URL, set->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		*cause = xasprintf("smtp.url: \"%s\" is not a URL such as "
		    "smtp://relay.example.vn:587", set->url);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		*cause = xstrdup("smtp.url: put the user in smtp.username and "
		    "the password in smtp.password_file, not in the URL");
		goto done;
	}
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	if ((path != NULL && strcmp(path, "/") != 0 && path[0] != '\0') ||
	    curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
		*cause = xstrdup("smtp.url: give only the scheme, host and port; "
		    "the HELO name is smtp.helo");
		goto done;
	}
	if ((*cause = smtp_url_refusal(scheme, host, set->tls)) != NULL)
		goto done;
	if (set->helo[0] != '\0' && !smtp_helo_ok(set->helo)) {
		*cause = xasprintf("smtp.helo: \"%s\" is not a host name",
		    set->helo);
		goto done;
	}
	name = set->helo[0] != '\0' ? xstrdup(set->helo) : smtp_helo_default();
	helo = xasprintf("/%s", name);
	free(name);
	if (curl_url_set(u, CURLUPART_PATH, helo, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &curl_url_text, 0) != CURLUE_OK)
		*cause = xstrdup("smtp.url: cannot add the HELO name to it");
	else
		url = xstrdup(curl_url_text);
	free(helo);
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(path);
	curl_free(query);
	curl_free(curl_url_text);
	curl_url_cleanup(u);
	return url;
}

/* Reads the password: the file's first line. NULL with *cause set. */
static char *
smtp_password_read(const char *path, char **cause)
{
	char		 buf[SMTP_PASSWORD_MAX + 2], *password;
	FILE		*fp;
	size_t		 len;
	struct stat	 st;

	if ((fp = fopen(path, "r")) == NULL) {
		*cause = xasprintf("smtp.password_file: could not open \"%s\": "
		    "%s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 077) != 0)
		log_warnx("smtp.password_file \"%s\" can be read by others; "
		    "chmod 600 it", path);
	len = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	len = strlen(buf);
	if (len == 0 || len > SMTP_PASSWORD_MAX) {
		explicit_bzero(buf, sizeof buf);
		*cause = xasprintf("smtp.password_file: \"%s\" must hold the "
		    "password on its first line (1 to %d bytes)", path,
		    SMTP_PASSWORD_MAX);
		return NULL;
	}
	password = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return password;
}

struct smtp *
smtp_new(const struct smtp_settings *set, char **cause)
{
	struct smtp	*s = xcalloc(1, sizeof *s);

	s->tls = set->tls;
	s->timeout_ms = set->timeout_ms;
	if (!mail_message_address_ok(set->from)) {
		*cause = xasprintf("smtp.from: \"%s\" is not an address such as "
		    "thidua@sgd.example.vn", set->from);
		goto fail;
	}
	if (!utf8_valid(set->from_name, strlen(set->from_name), NULL)) {
		*cause = xstrdup("smtp.from_name: not valid UTF-8");
		goto fail;
	}
	if ((set->username[0] != '\0') != (set->password_file[0] != '\0')) {
		*cause = xstrdup("smtp.username and smtp.password_file go "
		    "together: set both or neither");
		goto fail;
	}
	if ((s->url = smtp_url_build(set, cause)) == NULL)
		goto fail;
	if (set->username[0] != '\0') {
		if ((s->password = smtp_password_read(set->password_file,
		    cause)) == NULL)
			goto fail;
		s->username = xstrdup(set->username);
	}
	s->from = xstrdup(set->from);
	s->from_name = xstrdup(set->from_name);
	return s;
fail:
	smtp_free(&s);
	return NULL;
}

void
smtp_free(struct smtp **sp)
{
	struct smtp	*s = *sp;

	if (s == NULL)
		return;
	if (s->password != NULL) {
		explicit_bzero(s->password, strlen(s->password));
		free(s->password);
	}
	free(s->url);
	free(s->from);
	free(s->from_name);
	free(s->username);
	free(s);
	*sp = NULL;
}

/* libcurl asks for the message: from here on the data is going out. */
static size_t
smtp_on_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp_transfer	*tr = arg;
	size_t			 n = size * nitems;

	tr->body_started = true;
	if (n > tr->len - tr->pos)
		n = tr->len - tr->pos;
	memcpy(buf, tr->data + tr->pos, n);
	tr->pos += n;
	if (tr->pos == tr->len)
		tr->body_sent = true;	/* invariant 1 */
	return n;
}

static int64_t
smtp_monotonic_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Ends the send at its deadline. libcurl calls this at least once a second
 * while it waits, and again while it waits for the answer to the QUIT it
 * still sends after an abort, which this then cuts short too: a relay that
 * stopped answering holds the worker no longer than SMTP_OVERRUN_MS past
 * the deadline.
 */
static int
smtp_on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct smtp_transfer	*tr = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (smtp_monotonic_ms() < tr->deadline_ms)
		return 0;
	tr->expired = true;
	return 1;
}

/* Notes the verb of a command sent; never its arguments (AUTH's secret). */
static void
smtp_note_command(struct smtp_transfer *tr, const char *data, size_t size)
{
	size_t	n = 0;

	while (n < size && n < SMTP_COMMAND_MAX - 1 && data[n] >= 'A' &&
	    data[n] <= 'Z')
		n++;
	if (n == 4 && strncmp(data, "QUIT", 4) == 0) {
		tr->quitting = true;	/* invariant 2 */
		return;
	}
	memcpy(tr->command, data, n);
	tr->command[n] = '\0';
	tr->code = 0;
}

/* Notes one reply line; see invariant 2. */
static void
smtp_note_reply_line(struct smtp_transfer *tr, const char *line, size_t len)
{
	size_t	n = 0;
	bool	last;

	if (tr->quitting || tr->final_seen)
		return;
	if (len < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '9' || line[2] < '0' || line[2] > '9')
		return;
	tr->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + line[2] - '0';
	for (; n < len && n < SMTP_REPLY_MAX - 1; n++)
		tr->reply[n] = line[n] >= 0x20 && line[n] < 0x7F ? line[n] : '?';
	tr->reply[n] = '\0';
	last = len == 3 || line[3] != '-';
	if (tr->body_sent && last) {
		tr->final_seen = true;
		tr->final_code = tr->code;
	}
}

static int
smtp_on_debug(CURL *curl, curl_infotype type, char *data, size_t size,
    void *arg)
{
	struct smtp_transfer	*tr = arg;

	(void)curl;
	if (type == CURLINFO_HEADER_OUT)
		smtp_note_command(tr, data, size);
	else if (type == CURLINFO_HEADER_IN) {
		/* Usually one line at a time, but nothing says so. */
		while (size > 0) {
			size_t	len = 0, next;

			while (len < size && data[len] != '\n')
				len++;
			next = len < size ? len + 1 : len;
			if (len > 0 && data[len - 1] == '\r')
				len--;
			smtp_note_reply_line(tr, data, len);
			data += next;
			size -= next;
		}
	}
	return 0;
}

/*
 * Fills the report's outcome and detail from where the send stopped. The
 * reply is ASCII (smtp_note_reply_line), so cutting it short is safe.
 */
static void
smtp_classify(CURLcode rc, const char *why, const struct smtp_transfer *tr,
    struct smtp_report *r)
{
	if (rc == CURLE_OK || (tr->final_seen && tr->final_code / 100 == 2)) {
		r->outcome = SMTP_SENT;
		return;
	}
	if (tr->body_sent && !tr->final_seen) {
		r->outcome = SMTP_UNKNOWN;
		snprintf(r->detail, sizeof r->detail, "the message went out "
		    "whole but the relay's answer never came (%s): it may have "
		    "been delivered", why);
	} else if (tr->body_sent) {
		r->outcome = tr->final_code / 100 == 4 ? SMTP_FAILED :
		    SMTP_REJECTED;
		snprintf(r->detail, sizeof r->detail, "the relay refused the "
		    "message %s: %.160s", r->outcome == SMTP_FAILED ? "for now" :
		    "for good", r->reply);
	} else if (tr->body_started) {
		r->outcome = SMTP_FAILED;
		snprintf(r->detail, sizeof r->detail, "the connection failed "
		    "before the message's end went out, so it cannot have been "
		    "accepted (%s)", why);
	} else if (strcmp(tr->command, "RCPT") == 0 && tr->code / 100 == 5) {
		r->outcome = SMTP_REJECTED;
		snprintf(r->detail, sizeof r->detail, "the relay refused the "
		    "recipient: %.160s", r->reply);
	} else {
		r->outcome = SMTP_FAILED;
		snprintf(r->detail, sizeof r->detail, "could not hand the "
		    "message to the relay: %s%s%.160s", why,
		    r->reply[0] != '\0' ? "; it said: " : "", r->reply);
	}
	/* libcurl's words may quote the relay's: keep the detail ASCII. */
	for (char *c = r->detail; *c != '\0'; c++) {
		if (*c < 0x20 || *c >= 0x7F)
			*c = '?';
	}
}

/* Sets every option of one send; false if libcurl refused one. */
static bool
smtp_setup(CURL *curl, const struct smtp *s, struct smtp_transfer *tr,
    struct curl_slist *rcpt, const char *from, uint32_t timeout_ms,
    char *errbuf)
{
	/* libcurl's own limits are a backstop: smtp_on_progress comes first. */
	long	backstop_ms = (long)timeout_ms + SMTP_OVERRUN_MS;
	long	backstop_s = (backstop_ms + 999) / 1000;
	bool	ok = true;

	ok &= curl_easy_setopt(curl, CURLOPT_URL, s->url) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps") ==
	    CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_USE_SSL, s->tls == SMTP_TLS_NONE ?
	    (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_READFUNCTION, smtp_on_read) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_READDATA, tr) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)tr->len) == CURLE_OK;
	/* The debug callback is how replies are seen; it needs VERBOSE. */
	ok &= curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, smtp_on_debug) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_DEBUGDATA, tr) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION,
	    smtp_on_progress) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_XFERINFODATA, tr) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, backstop_ms) ==
	    CURLE_OK;
	/* Also bounds the wait for QUIT's answer, which TIMEOUT_MS does not. */
	ok &= curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    backstop_s) == CURLE_OK;
	ok &= curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L) == CURLE_OK;
	if (s->username != NULL) {
		ok &= curl_easy_setopt(curl, CURLOPT_USERNAME, s->username) ==
		    CURLE_OK;
		ok &= curl_easy_setopt(curl, CURLOPT_PASSWORD, s->password) ==
		    CURLE_OK;
	}
	return ok;
}

/* Milliseconds since the epoch by the wall clock, for Date. */
static int64_t
smtp_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
smtp_send(const struct smtp *s, const struct smtp_mail *mail,
    uint32_t timeout_ms, struct smtp_report *r)
{
	struct mail_message	 m = {
		.from = s->from, .from_name = s->from_name, .to = mail->to,
		.to_name = mail->to_name, .subject = mail->subject,
		.body = mail->body, .message_id = mail->message_id,
		.date_ms = smtp_now_ms(),
	};
	struct smtp_transfer	 tr = { 0 };
	struct curl_slist	*rcpt = NULL;
	char			 errbuf[CURL_ERROR_SIZE] = "", *cause, *message;
	char			*from = NULL, *to = NULL;
	CURL			*curl = NULL;
	CURLcode		 rc;

	memset(r, 0, sizeof *r);
	if (timeout_ms == 0 || timeout_ms > s->timeout_ms)
		timeout_ms = s->timeout_ms;
	if ((message = mail_message_build(&m, &tr.len, &cause)) == NULL) {
		r->outcome = SMTP_REJECTED;
		snprintf(r->detail, sizeof r->detail, "%s", cause);
		free(cause);
		return;
	}
	mail_message_id_form(mail->message_id, r->message_id);
	tr.data = message;
	tr.deadline_ms = smtp_monotonic_ms() + timeout_ms;
	from = xasprintf("<%s>", s->from);
	to = xasprintf("<%s>", mail->to);
	if ((curl = curl_easy_init()) == NULL ||
	    (rcpt = curl_slist_append(NULL, to)) == NULL ||
	    !smtp_setup(curl, s, &tr, rcpt, from, timeout_ms, errbuf)) {
		r->outcome = SMTP_FAILED;
		snprintf(r->detail, sizeof r->detail, "could not set up libcurl");
		goto done;
	}
	rc = curl_easy_perform(curl);
	snprintf(r->reply, sizeof r->reply, "%s", tr.reply);
	if (tr.expired)
		snprintf(errbuf, sizeof errbuf, "no answer within %u ms",
		    (unsigned)timeout_ms);
	smtp_classify(rc, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc),
	    &tr, r);
done:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	free(from);
	free(to);
	free(message);
}
