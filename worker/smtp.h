/*
 * smtp.h - hands one e-mail to a relay, with libcurl, and says exactly how
 * far it got.
 *
 * A reminder must never reach anyone twice, so a failed send is classed by
 * how far it went, and only what certainly did not deliver may be retried:
 *
 *   before the message's data went out (no connection, TLS or login
 *   refused, MAIL FROM or RCPT TO refused for now, DATA refused)
 *	-> SMTP_FAILED: nothing was delivered; the server tries later.
 *   RCPT TO refused for good (5xx)
 *	-> SMTP_REJECTED: this recipient never will be reached.
 *   the data went out, but not all of it (the connection broke midway)
 *	-> SMTP_FAILED: without the final "." no relay can accept it.
 *   the data went out whole, then
 *	2xx -> SMTP_SENT; 4xx -> SMTP_FAILED; 5xx -> SMTP_REJECTED: a relay
 *	that answers has decided, and an answer other than 2xx means it did
 *	not take the message;
 *	no answer (time out, connection lost) -> SMTP_UNKNOWN: the relay may
 *	have taken it. Only an administrator can tell, so it is never retried.
 *
 * How far it went is watched through libcurl's callbacks: the read
 * callback sees the data being taken (struct smtp_transfer, in smtp.c) and
 * the debug callback sees each command sent and each reply line received.
 * A send is one connection and one attempt: nothing here retries.
 *
 * The settings are checked once, at start-up (smtp_new), and then only
 * read, so job threads share one struct smtp. curl_global_init must have
 * run before the first thread starts (main.c does it).
 */
#ifndef TDKT_SMTP_H
#define TDKT_SMTP_H

#include <stdint.h>

#include "mail_message.h"

enum smtp_tls {
	SMTP_TLS_NONE,		/* cleartext: only to a relay on this host */
	SMTP_TLS_STARTTLS,	/* smtp://, STARTTLS required */
	SMTP_TLS_IMPLICIT	/* smtps://, TLS from the first byte */
};

/* "none", "starttls", "implicit"; NULL-terminated, in enum order. */
extern const char *const smtp_tls_names[];

/* The configuration as written; see worker_config.c for each option. */
struct smtp_settings {
	const char	*url;		/* smtp://host:port or smtps://... */
	enum smtp_tls	 tls;
	const char	*from;		/* address */
	const char	*from_name;	/* display name, UTF-8, may be "" */
	const char	*helo;		/* "": this host's name */
	const char	*username;	/* "": no login */
	const char	*password_file;
	uint32_t	 timeout_ms;	/* a whole send, at most */
};

struct smtp;

/*
 * Checks `settings` and reads the password file. Returns the relay to send
 * through, or NULL with *cause set (caller frees), naming the option.
 */
struct smtp	*smtp_new(const struct smtp_settings *settings, char **cause);
/* NULL is allowed. */
void		 smtp_free(struct smtp **);

enum smtp_outcome {
	SMTP_SENT,	/* the relay took the message */
	SMTP_FAILED,	/* certainly not delivered; may succeed later */
	SMTP_REJECTED,	/* certainly not delivered, and never will be */
	SMTP_UNKNOWN	/* may have been delivered: never retry blindly */
};

/* One message; the sender is the relay's (smtp.from). */
struct smtp_mail {
	const char	*to;		/* address */
	const char	*to_name;	/* display name, UTF-8, may be "" */
	const char	*subject;	/* UTF-8, one line */
	const char	*body;		/* UTF-8, LF line ends */
	const char	*message_id;	/* see mail_message_id_form */
};

#define SMTP_REPLY_MAX	512
/*
 * How long after its time limit a send may still end: libcurl looks at the
 * limit about once a second, and after an abort it still says QUIT, which
 * is cut short at the next look.
 */
#define SMTP_OVERRUN_MS	2000

struct smtp_report {
	enum smtp_outcome	outcome;
	/* The relay's last reply line (to the data when there was one), in
	 * printable ASCII; "" if it said nothing. */
	char			reply[SMTP_REPLY_MAX];
	char			message_id[MAIL_MESSAGE_ID_BUF];	/* as sent */
	char			detail[256];	/* English; when not SENT */
};

/*
 * Sends `mail` through `s` in one attempt that takes at most `timeout_ms`
 * (or the relay's timeout_ms, if that is less; 0: the relay's) and
 * SMTP_OVERRUN_MS more, and fills `report`. A
 * message that cannot be built (a bad address or Message-ID) is
 * SMTP_REJECTED without a connection.
 */
void		 smtp_send(const struct smtp *s, const struct smtp_mail *mail,
		    uint32_t timeout_ms, struct smtp_report *report);

/* The name of `outcome`, for logs: "sent", "failed", ... */
const char	*smtp_outcome_name(enum smtp_outcome outcome);

#endif
