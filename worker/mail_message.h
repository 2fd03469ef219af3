/*
 * mail_message.h - one plain-text e-mail as RFC 5322 bytes.
 *
 * The reminders go out as the simplest message that carries Vietnamese
 * safely everywhere: text/plain in UTF-8, the body in base64 (lines of 76),
 * display names and the subject as RFC 2047 encoded words ("=?UTF-8?B?..?="),
 * each at most 75 characters and never splitting a UTF-8 sequence, each on
 * a line of its own so lines of encoded words stay under 76 characters
 * (RFC 2047, 2). Auto-Submitted marks
 * it as sent by a machine, so autoresponders stay quiet (RFC 3834).
 *
 * Building is pure and bounded; sending is smtp.h's business.
 */
#ifndef TDKT_MAIL_MESSAGE_H
#define TDKT_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAIL_ADDRESS_MAX	254	/* RFC 5321's path limit, less <> */
#define MAIL_MESSAGE_ID_MAX	250	/* inside the <> */
#define MAIL_BODY_MAX		(1024 * 1024)
/* Room for a Message-ID with its <> and NUL. */
#define MAIL_MESSAGE_ID_BUF	(MAIL_MESSAGE_ID_MAX + 3)

struct mail_message {
	const char	*from;		/* an address (mail_message_address_ok) */
	const char	*from_name;	/* display name, UTF-8; "" for none */
	const char	*to;
	const char	*to_name;
	const char	*subject;	/* UTF-8, one line */
	const char	*body;		/* UTF-8; LF or CRLF line ends */
	const char	*message_id;	/* "id@host", with or without <> */
	int64_t		 date_ms;	/* for Date, ms since the epoch */
};

/*
 * True if `address` is a plain ASCII address "local@domain" that can go in
 * an SMTP command and a header as is: no spaces, controls, brackets,
 * quotes or commas, one "@", at most MAIL_ADDRESS_MAX bytes. Stricter than
 * RFC 5321 on purpose; addresses with quoted local parts are refused.
 */
bool	mail_message_address_ok(const char *address);

/*
 * Writes `id` as it goes into the Message-ID header, "<id-left@id-right>",
 * adding the brackets if they are not there. Returns 0, or -1 if `id` is
 * empty, too long, not printable ASCII or has no "@" inside.
 */
int	mail_message_id_form(const char *id, char out[MAIL_MESSAGE_ID_BUF]);

/*
 * Returns the whole message, headers and body, with CRLF line ends, in a
 * malloc'd buffer of *len bytes (NUL-terminated besides, for logs and
 * tests; the caller frees). Control characters in the names and the
 * subject become spaces. Returns NULL with *cause set (caller frees) for
 * an address or Message-ID that is unusable, text that is not UTF-8 or a
 * body over MAIL_BODY_MAX.
 */
char	*mail_message_build(const struct mail_message *m, size_t *len,
	    char **cause);

#endif
