/*
 * mail_message.c - one plain-text e-mail as RFC 5322 bytes; see
 * mail_message.h.
 *
 * The message grows in a struct mail_buf whose size is bounded by its
 * inputs: the body is refused past MAIL_BODY_MAX and everything else is
 * small, so no limit is needed on the buffer itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "date.h"
#include "log.h"
#include "mail_message.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * A line that holds encoded words is at most 76 characters, and an encoded
 * word at most 75 (RFC 2047, 2); "=?UTF-8?B?" and "?=" take 12 of them.
 */
#define MAIL_WORD_LINE		76
#define MAIL_WORD_OVERHEAD	12
#define MAIL_BASE64_LINE	76	/* RFC 2045 */

struct mail_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

static void
mail_buf_add(struct mail_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t	cap = b->cap == 0 ? 4096 : b->cap;

		while (b->len + n + 1 > cap)
			cap *= 2;
		b->data = xreallocarray(b->data, cap, 1);
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
mail_buf_adds(struct mail_buf *b, const char *s)
{
	mail_buf_add(b, s, strlen(s));
}

static void
mail_buf_printf(struct mail_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
mail_buf_printf(struct mail_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatalx("out of memory formatting a message");
	va_end(ap);
	mail_buf_adds(b, s);
	free(s);
}

/* Appends `n` bytes as base64 with no line breaks. */
static void
mail_buf_base64(struct mail_buf *b, const void *data, size_t n)
{
	size_t	 size = sodium_base64_ENCODED_LEN(n,
		    sodium_base64_VARIANT_ORIGINAL);
	char	*out = xmalloc(size);

	sodium_bin2base64(out, size, data, n, sodium_base64_VARIANT_ORIGINAL);
	mail_buf_adds(b, out);
	free(out);
}

bool
mail_message_address_ok(const char *address)
{
	size_t		 len = strlen(address), local;
	const char	*at = strchr(address, '@');

	if (len < 3 || len > MAIL_ADDRESS_MAX || at == NULL ||
	    strchr(at + 1, '@') != NULL)
		return false;
	local = (size_t)(at - address);
	if (local == 0 || local > 64 || at[1] == '\0' || at[1] == '.' ||
	    address[len - 1] == '.')
		return false;
	for (const char *c = address; *c != '\0'; c++) {
		if (*c <= 0x20 || *c >= 0x7F || strchr("<>()[]\\,;:\"", *c))
			return false;
	}
	return true;
}

int
mail_message_id_form(const char *id, char out[MAIL_MESSAGE_ID_BUF])
{
	size_t		 len = strlen(id);
	const char	*at;

	if (len >= 2 && id[0] == '<' && id[len - 1] == '>') {
		id++;
		len -= 2;
	}
	if (len == 0 || len > MAIL_MESSAGE_ID_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (id[i] <= 0x20 || id[i] >= 0x7F || id[i] == '<' ||
		    id[i] == '>')
			return -1;
	}
	at = memchr(id, '@', len);
	if (at == NULL || at == id || at == id + len - 1)
		return -1;
	snprintf(out, MAIL_MESSAGE_ID_BUF, "<%.*s>", (int)len, id);
	return 0;
}

/*
 * Bytes of text one encoded word can carry on a line of which `used`
 * columns are taken: its base64 comes in groups of 4 for 3 bytes.
 */
static size_t
mail_word_bytes(size_t used)
{
	return (MAIL_WORD_LINE - used - MAIL_WORD_OVERHEAD) / 4 * 3;
}

/*
 * Appends `text` (valid UTF-8) as encoded words, the first on the current
 * line (of which `used` columns are taken), each further one on a line of
 * its own; controls become spaces. A word ends only between characters,
 * and as late as its line allows, so a short text is a single word. The
 * space between adjacent encoded words is not part of the text (RFC 2047,
 * 6.2), so it reads back whole.
 */
static void
mail_buf_words(struct mail_buf *b, const char *text, size_t used)
{
	char	*clean = xstrdup(text);
	size_t	 len = strlen(clean), at = 0;

	for (char *c = clean; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7F)
			*c = ' ';
	}
	while (at < len) {
		size_t	n = len - at, room = mail_word_bytes(at == 0 ? used : 1);

		if (n > room) {
			n = room;
			while (((unsigned char)clean[at + n] & 0xC0) == 0x80)
				n--;	/* never split a character */
		}
		if (at > 0)
			mail_buf_adds(b, "\r\n ");
		mail_buf_adds(b, "=?UTF-8?B?");
		mail_buf_base64(b, clean + at, n);
		mail_buf_adds(b, "?=");
		at += n;
	}
	free(clean);
}

/* "Name: =?UTF-8?B?...?=\r\n <address>\r\n", or without a display name. */
static void
mail_buf_address_header(struct mail_buf *b, const char *name,
    const char *display, const char *address)
{
	mail_buf_printf(b, "%s: ", name);
	if (display[0] != '\0') {
		mail_buf_words(b, display, strlen(name) + 2);
		mail_buf_adds(b, "\r\n ");
	}
	mail_buf_printf(b, "<%s>\r\n", address);
}

/* RFC 5322's date-time, in Vietnam's time: "Tue, 21 May 2024 08:00:00 +0700". */
static void
mail_buf_date(struct mail_buf *b, int64_t date_ms)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};
	time_t		local = (time_t)(date_ms / 1000) + DATE_VN_UTC_OFFSET;
	struct tm	tm;

	if (gmtime_r(&local, &tm) == NULL)
		memset(&tm, 0, sizeof tm);	/* no such time: 1900 says so */
	mail_buf_printf(b, "Date: %s, %d %s %d %02d:%02d:%02d +0700\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The body in canonical form (CRLF line ends) as base64 lines of 76. */
static void
mail_buf_body(struct mail_buf *b, const char *body)
{
	struct mail_buf	crlf = { 0 }, encoded = { 0 };

	mail_buf_add(&crlf, "", 0);
	for (const char *c = body; *c != '\0'; c++) {
		if (*c == '\n' && (c == body || c[-1] != '\r'))
			mail_buf_adds(&crlf, "\r\n");
		else
			mail_buf_add(&crlf, c, 1);
	}
	mail_buf_add(&encoded, "", 0);
	mail_buf_base64(&encoded, crlf.data, crlf.len);
	for (size_t at = 0; at < encoded.len; at += MAIL_BASE64_LINE) {
		size_t	n = encoded.len - at < MAIL_BASE64_LINE ?
			    encoded.len - at : MAIL_BASE64_LINE;

		mail_buf_add(b, encoded.data + at, n);
		mail_buf_adds(b, "\r\n");
	}
	free(crlf.data);
	free(encoded.data);
}

/* Checks what goes into the message; NULL or why it cannot. */
static char *
mail_message_refusal(const struct mail_message *m)
{
	const char *const	 texts[] = { m->from_name, m->to_name, m->subject,
				    m->body };
	char			 id[MAIL_MESSAGE_ID_BUF];

	if (!mail_message_address_ok(m->from))
		return xstrdup("the sender's address is not usable");
	if (!mail_message_address_ok(m->to))
		return xstrdup("the recipient's address is not usable");
	if (mail_message_id_form(m->message_id, id) < 0)
		return xstrdup("the Message-ID is not printable ASCII of the "
		    "form id@host");
	if (strlen(m->body) > MAIL_BODY_MAX)
		return xasprintf("the body is over %d bytes", MAIL_BODY_MAX);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		if (!utf8_valid(texts[i], strlen(texts[i]), NULL))
			return xstrdup("the text is not valid UTF-8");
	}
	return NULL;
}

char *
mail_message_build(const struct mail_message *m, size_t *len, char **cause)
{
	struct mail_buf	b = { 0 };
	char		id[MAIL_MESSAGE_ID_BUF];

	if ((*cause = mail_message_refusal(m)) != NULL)
		return NULL;
	mail_message_id_form(m->message_id, id);
	mail_buf_date(&b, m->date_ms);
	mail_buf_address_header(&b, "From", m->from_name, m->from);
	mail_buf_address_header(&b, "To", m->to_name, m->to);
	mail_buf_adds(&b, "Subject: ");
	mail_buf_words(&b, m->subject, strlen("Subject: "));
	mail_buf_printf(&b, "\r\nMessage-ID: %s\r\n", id);
	mail_buf_adds(&b,
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    /* Outlook's out-of-office replies ignore Auto-Submitted. */
	    "X-Auto-Response-Suppress: All\r\n"
	    "\r\n");
	mail_buf_body(&b, m->body);
	*len = b.len;
	return b.data;
}
