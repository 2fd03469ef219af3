/*
 * remind_render.c - a reminder's subject and body from templates; see
 * remind_render.h.
 *
 * A template is read as a stream of tokens (remind_next_token): literal
 * text, a placeholder, the end, or a mistake. remind_render_check reads the
 * whole stream once at start-up and refuses mistakes; remind_render reads
 * it again for each job and writes into a bounded buffer (struct
 * remind_buf) that cuts, at a character boundary, whatever would not fit.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "remind_render.h"
#include "utf8.h"
#include "xmalloc.h"

/* What stands for a byte that is not UTF-8: U+FFFD. */
#define REMIND_REPLACEMENT	"\xEF\xBF\xBD"
#define REMIND_ELLIPSIS		"\xE2\x80\xA6"
#define REMIND_BODY_CUT \
	"\n[\xE2\x80\xA6] (Nội dung quá dài nên đã được cắt bớt.)"

/* The built-in templates: good Vietnamese, naming what matters. */
#define REMIND_FOOTER \
	"Thông báo này được gửi tự động từ hệ thống quản lý thi đua, khen " \
	"thưởng.\n"
#define REMIND_STATUS \
	"Tình trạng hồ sơ: {state}.\n" \
	"Những mục còn thiếu:\n" \
	"{missing}\n"

static const char *const remind_default_subjects[REMIND_NKINDS] = {
	[REMIND_BEFORE] = "Nhắc hạn: hồ sơ “{dossier}” còn {days_left} ngày "
	    "(hạn chót {deadline})",
	[REMIND_TODAY] = "Hôm nay là hạn chót nộp hồ sơ “{dossier}” "
	    "({deadline})",
	[REMIND_OVERDUE] = "Quá hạn: hồ sơ “{dossier}” đã quá hạn "
	    "{days_overdue} ngày (hạn chót {deadline})",
	[REMIND_ESCALATION] = "Đơn vị chưa nộp hồ sơ: {unit} ({unit_code}), "
	    "“{dossier}”, hạn chót {deadline}",
};

static const char *const remind_default_bodies[REMIND_NKINDS] = {
	[REMIND_BEFORE] =
	    "Kính gửi {recipient},\n"
	    "\n"
	    "Hạn chót nộp hồ sơ “{dossier}” năm học {period} của {unit} là "
	    "ngày {deadline}{extended}, chỉ còn {days_left} ngày nữa.\n"
	    "\n"
	    REMIND_STATUS
	    "\n"
	    "Đề nghị đơn vị hoàn thiện và nộp hồ sơ trên hệ thống trước hạn "
	    "chót.\n"
	    "\n"
	    "Trân trọng,\n"
	    "{issuer}\n"
	    "\n"
	    REMIND_FOOTER,
	[REMIND_TODAY] =
	    "Kính gửi {recipient},\n"
	    "\n"
	    "Hôm nay, ngày {deadline}{extended}, là hạn chót nộp hồ sơ "
	    "“{dossier}” năm học {period} của {unit}. Hồ sơ hiện vẫn chưa "
	    "được nộp.\n"
	    "\n"
	    REMIND_STATUS
	    "\n"
	    "Đề nghị đơn vị hoàn thiện và nộp hồ sơ trên hệ thống ngay trong "
	    "hôm nay.\n"
	    "\n"
	    "Trân trọng,\n"
	    "{issuer}\n"
	    "\n"
	    REMIND_FOOTER,
	[REMIND_OVERDUE] =
	    "Kính gửi {recipient},\n"
	    "\n"
	    "Hồ sơ “{dossier}” năm học {period} của {unit} đã quá hạn chót "
	    "(ngày {deadline}{extended}) {days_overdue} ngày nhưng vẫn chưa "
	    "được nộp.\n"
	    "\n"
	    REMIND_STATUS
	    "\n"
	    "Đề nghị đơn vị khẩn trương hoàn thiện và nộp hồ sơ; nếu cần gia "
	    "hạn, xin liên hệ {issuer}.\n"
	    "\n"
	    "Trân trọng,\n"
	    "{issuer}\n"
	    "\n"
	    REMIND_FOOTER,
	[REMIND_ESCALATION] =
	    "Kính gửi {recipient},\n"
	    "\n"
	    "Đơn vị {unit} (mã {unit_code}, cấp học: {level}) chưa nộp hồ sơ "
	    "“{dossier}” năm học {period}. Hạn chót là ngày "
	    "{deadline}{extended}; {countdown}.\n"
	    "\n"
	    REMIND_STATUS
	    "\n"
	    "Đề nghị chuyên viên phụ trách liên hệ, đôn đốc đơn vị hoàn thiện "
	    "và nộp hồ sơ.\n"
	    "\n"
	    REMIND_FOOTER,
};

static const char *const remind_kind_names[REMIND_NKINDS] = {
	[REMIND_BEFORE] = "before",
	[REMIND_TODAY] = "today",
	[REMIND_OVERDUE] = "overdue",
	[REMIND_ESCALATION] = "escalation",
};

enum remind_field {
	REMIND_FIELD_UNIT,
	REMIND_FIELD_UNIT_CODE,
	REMIND_FIELD_RECIPIENT,
	REMIND_FIELD_DOSSIER,
	REMIND_FIELD_DOSSIER_ID,
	REMIND_FIELD_DEADLINE,
	REMIND_FIELD_OPENS,
	REMIND_FIELD_DAYS_LEFT,
	REMIND_FIELD_DAYS_OVERDUE,
	REMIND_FIELD_COUNTDOWN,
	REMIND_FIELD_EXTENDED,
	REMIND_FIELD_PERIOD,
	REMIND_FIELD_ISSUER,
	REMIND_FIELD_LEVEL,
	REMIND_FIELD_STATE,
	REMIND_FIELD_MISSING,
	REMIND_NFIELDS
};

/* The placeholders, by field; listed in the configuration's help. */
static const char *const remind_placeholders[REMIND_NFIELDS] = {
	[REMIND_FIELD_UNIT] = "unit",
	[REMIND_FIELD_UNIT_CODE] = "unit_code",
	[REMIND_FIELD_RECIPIENT] = "recipient",
	[REMIND_FIELD_DOSSIER] = "dossier",
	[REMIND_FIELD_DOSSIER_ID] = "dossier_id",
	[REMIND_FIELD_DEADLINE] = "deadline",
	[REMIND_FIELD_OPENS] = "opens",
	[REMIND_FIELD_DAYS_LEFT] = "days_left",
	[REMIND_FIELD_DAYS_OVERDUE] = "days_overdue",
	[REMIND_FIELD_COUNTDOWN] = "countdown",
	[REMIND_FIELD_EXTENDED] = "extended",
	[REMIND_FIELD_PERIOD] = "period",
	[REMIND_FIELD_ISSUER] = "issuer",
	[REMIND_FIELD_LEVEL] = "level",
	[REMIND_FIELD_STATE] = "state",
	[REMIND_FIELD_MISSING] = "missing",
};

/* Longest placeholder name, with margin; longer is not a placeholder. */
#define REMIND_NAME_MAX		32

struct remind_templates {
	char	*subject[REMIND_NKINDS];
	char	*body[REMIND_NKINDS];
};

enum remind_token_type {
	REMIND_TOKEN_END,
	REMIND_TOKEN_TEXT,
	REMIND_TOKEN_FIELD,
	REMIND_TOKEN_BAD
};

struct remind_token {
	enum remind_token_type	 type;
	const char		*text;	/* TEXT: the literal; BAD: where */
	size_t			 len;
	enum remind_field	 field;	/* FIELD */
	bool			 named;	/* BAD: "{name}", but no such name */
};

/* Output that holds at most `room` bytes of text, then says it was cut. */
struct remind_buf {
	char	*data;
	size_t	 len;
	size_t	 room;
	bool	 cut;
};

const char *
remind_render_kind_name(enum remind_kind kind)
{
	return remind_kind_names[kind];
}

const char *
remind_render_default_subject(enum remind_kind kind)
{
	return remind_default_subjects[kind];
}

const char *
remind_render_default_body(enum remind_kind kind)
{
	return remind_default_bodies[kind];
}

static bool
remind_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

/* Reads the token at *pp and moves *pp past it. */
static void
remind_next_token(const char **pp, struct remind_token *t)
{
	const char	*p = *pp;
	size_t		 n;

	memset(t, 0, sizeof *t);
	t->text = p;
	if (*p == '\0') {
		t->type = REMIND_TOKEN_END;
		return;
	}
	if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
		t->type = REMIND_TOKEN_TEXT;
		t->len = 1;
		*pp = p + 2;
		return;
	}
	if (p[0] != '{') {
		/* A lone "}" is literal text, as is everything up to a brace. */
		t->type = REMIND_TOKEN_TEXT;
		t->len = p[0] == '}' ? 1 : strcspn(p, "{}");
		*pp = p + t->len;
		return;
	}
	for (n = 0; n < REMIND_NAME_MAX && remind_name_char(p[1 + n]); n++)
		;
	t->type = REMIND_TOKEN_BAD;
	t->len = n + 1;
	if (n == 0 || p[1 + n] != '}')
		return;
	t->len = n + 2;
	t->named = true;
	for (int f = 0; f < REMIND_NFIELDS; f++) {
		if (strlen(remind_placeholders[f]) == n &&
		    strncmp(remind_placeholders[f], p + 1, n) == 0) {
			t->type = REMIND_TOKEN_FIELD;
			t->field = (enum remind_field)f;
			*pp = p + n + 2;
			return;
		}
	}
}

int
remind_render_check(const char *tmpl, bool is_subject, char **cause)
{
	struct remind_token	 t;
	const char		*p = tmpl;

	if (!utf8_valid(tmpl, strlen(tmpl), NULL)) {
		*cause = xstrdup("not valid UTF-8");
		return -1;
	}
	for (const unsigned char *c = (const unsigned char *)tmpl; *c != '\0';
	    c++) {
		if (*c >= 0x20 && *c != 0x7F)
			continue;
		if (!is_subject && (*c == '\n' || *c == '\t'))
			continue;
		*cause = xstrdup(is_subject ? "a subject must be one line, "
		    "without control characters" : "control characters other "
		    "than line breaks and tabs are not allowed");
		return -1;
	}
	do {
		remind_next_token(&p, &t);
		if (t.type == REMIND_TOKEN_BAD) {
			/* t.text is "{" and name characters: ASCII. */
			*cause = t.named ? xasprintf("unknown placeholder "
			    "%.*s", (int)t.len, t.text) :
			    xasprintf("\"{\" starts no placeholder at \"%.*s\" "
			    "(write \"{{\" for a brace)", (int)t.len, t.text);
			return -1;
		}
	} while (t.type != REMIND_TOKEN_END);
	return 0;
}

/* Checks template `which` ("subject" or "body") of `kind`; see below. */
static int
remind_templates_check(const char *tmpl, enum remind_kind kind,
    const char *which, char **cause)
{
	char	*why;

	if (remind_render_check(tmpl, strcmp(which, "subject") == 0, &why) == 0)
		return 0;
	*cause = xasprintf("templates.%s.%s: %s", remind_kind_names[kind],
	    which, why);
	free(why);
	return -1;
}

struct remind_templates *
remind_templates_new(const char *const subjects[REMIND_NKINDS],
    const char *const bodies[REMIND_NKINDS], char **cause)
{
	struct remind_templates	*t = xcalloc(1, sizeof *t);

	for (int k = 0; k < REMIND_NKINDS; k++) {
		const char	*s = subjects[k], *b = bodies[k];

		if (s == NULL || *s == '\0')
			s = remind_default_subjects[k];
		if (b == NULL || *b == '\0')
			b = remind_default_bodies[k];
		if (remind_templates_check(s, k, "subject", cause) < 0 ||
		    remind_templates_check(b, k, "body", cause) < 0) {
			remind_templates_free(&t);
			return NULL;
		}
		t->subject[k] = xstrdup(s);
		t->body[k] = xstrdup(b);
	}
	return t;
}

void
remind_templates_free(struct remind_templates **tp)
{
	struct remind_templates	*t = *tp;

	if (t == NULL)
		return;
	for (int k = 0; k < REMIND_NKINDS; k++) {
		free(t->subject[k]);
		free(t->body[k]);
	}
	free(t);
	*tp = NULL;
}

/* Room for `room` bytes of text and the cut marker `marker` after them. */
static void
remind_buf_init(struct remind_buf *b, size_t room, const char *marker)
{
	b->data = xmalloc(room + strlen(marker) + 1);
	b->len = 0;
	b->room = room;
	b->cut = false;
	b->data[0] = '\0';
}

/* Appends `n` bytes of valid UTF-8, or as many whole characters as fit. */
static void
remind_buf_add(struct remind_buf *b, const char *s, size_t n)
{
	if (b->cut)
		return;
	if (n > b->room - b->len) {
		n = b->room - b->len;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		b->cut = true;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
remind_buf_adds(struct remind_buf *b, const char *s)
{
	remind_buf_add(b, s, strlen(s));
}

/* Ends the text, with `marker` if something was cut; returns it. */
static char *
remind_buf_finish(struct remind_buf *b, const char *marker)
{
	if (b->cut) {
		memcpy(b->data + b->len, marker, strlen(marker) + 1);
		b->len += strlen(marker);
	}
	return b->data;
}

/* The code point of the valid UTF-8 sequence of `n` bytes at `s`. */
static uint32_t
remind_code_point(const unsigned char *s, size_t n)
{
	static const unsigned char	lead_bits[] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	uint32_t			cp = s[0] & lead_bits[n];

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3Fu);
	return cp;
}

/*
 * The length of the valid UTF-8 sequence at `s`, or 0 if the bytes there
 * are not one. Never reads past the string's NUL: utf8_valid stops at the
 * first byte that is not a continuation byte.
 */
static size_t
remind_sequence_length(const unsigned char *s)
{
	size_t	n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	return utf8_valid((const char *)s, n, NULL) ? n : 0;
}

/* Controls (C0, DEL, C1) and the Unicode line and paragraph separators. */
static bool
remind_is_break(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
	    cp == 0x2029;
}

/*
 * Copies the hostile string `s` into `out` as one clean line: a byte that
 * is not UTF-8 becomes U+FFFD, a run of controls or line breaks a single
 * space, spaces at either end go, and past REMIND_VALUE_MAX bytes it is
 * cut at a character and ends in an ellipsis.
 */
static void
remind_clean(const char *s, char out[REMIND_VALUE_MAX + 1])
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0, n, limit = REMIND_VALUE_MAX -
				    strlen(REMIND_ELLIPSIS);
	bool			 space = false;

	while (*p != '\0') {
		const char	*piece = (const char *)p;
		size_t		 len;

		if ((n = remind_sequence_length(p)) == 0) {
			piece = REMIND_REPLACEMENT;
			len = strlen(REMIND_REPLACEMENT);
			p++;
		} else {
			len = n;
			p += n;
			if (remind_is_break(remind_code_point(
			    (const unsigned char *)piece, n)) || *piece == ' ') {
				space = o > 0;
				continue;
			}
		}
		if (o + space + len > limit) {
			memcpy(out + o, REMIND_ELLIPSIS, strlen(REMIND_ELLIPSIS));
			o += strlen(REMIND_ELLIPSIS);
			break;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		memcpy(out + o, piece, len);
		o += len;
	}
	out[o] = '\0';
}

/* The Vietnamese words for a dossier's state; its code cleaned if unknown. */
static void
remind_state_words(const char *state, char out[REMIND_VALUE_MAX + 1])
{
	if (state[0] == '\0')
		snprintf(out, REMIND_VALUE_MAX + 1, "chưa lập hồ sơ");
	else if (strcmp(state, "draft") == 0)
		snprintf(out, REMIND_VALUE_MAX + 1, "đang soạn");
	else if (strcmp(state, "needs_fixes") == 0)
		snprintf(out, REMIND_VALUE_MAX + 1, "cần bổ sung, sửa chữa");
	else
		remind_clean(state, out);
}

/* "còn 3 ngày", "hôm nay là hạn chót" or "đã quá hạn 2 ngày". */
static void
remind_countdown(int32_t days_left, char out[REMIND_VALUE_MAX + 1])
{
	if (days_left > 0)
		snprintf(out, REMIND_VALUE_MAX + 1, "còn %" PRId32 " ngày",
		    days_left);
	else if (days_left == 0)
		snprintf(out, REMIND_VALUE_MAX + 1, "hôm nay là hạn chót");
	else
		snprintf(out, REMIND_VALUE_MAX + 1, "đã quá hạn %" PRId64 " ngày",
		    -(int64_t)days_left);
}

/*
 * The missing items: in a body one "- item" per line, in a subject joined
 * by "; ". At most REMIND_MISSING_MAX, then how many more there are; a
 * sentence saying so when none are listed.
 */
static void
remind_put_missing(struct remind_buf *b, const Tdkt__RemindJob *job,
    bool is_subject)
{
	char	item[REMIND_VALUE_MAX + 1], more[96];
	size_t	shown = 0, listed = 0;

	for (size_t i = 0; i < job->n_missing; i++) {
		remind_clean(job->missing[i], item);
		if (item[0] == '\0')
			continue;
		listed++;
		if (shown == REMIND_MISSING_MAX)
			continue;
		if (shown > 0)
			remind_buf_adds(b, is_subject ? "; " : "\n");
		if (!is_subject)
			remind_buf_adds(b, "- ");
		remind_buf_adds(b, item);
		shown++;
	}
	if (listed == 0) {
		remind_buf_adds(b, is_subject ? "chưa ghi nhận mục nào" :
		    "(Hệ thống chưa ghi nhận mục nào còn thiếu.)");
		return;
	}
	if (listed > shown) {
		snprintf(more, sizeof more, "%s... và %zu mục khác",
		    is_subject ? "; " : "\n", listed - shown);
		remind_buf_adds(b, more);
	}
}

/* Writes the value of `field` for `job`. */
static void
remind_put_field(struct remind_buf *b, const Tdkt__RemindJob *job,
    enum remind_field field, bool is_subject)
{
	char	value[REMIND_VALUE_MAX + 1];

	value[0] = '\0';
	switch (field) {
	case REMIND_FIELD_UNIT:
		remind_clean(job->unit_name, value);
		break;
	case REMIND_FIELD_UNIT_CODE:
		remind_clean(job->unit_code, value);
		break;
	case REMIND_FIELD_RECIPIENT:
		remind_clean(job->recipient_name, value);
		break;
	case REMIND_FIELD_DOSSIER:
		remind_clean(job->type_name, value);
		break;
	case REMIND_FIELD_DOSSIER_ID:
		if (job->dossier_id != 0)
			snprintf(value, sizeof value, "%" PRIu64,
			    job->dossier_id);
		break;
	case REMIND_FIELD_DEADLINE:
		date_format_vn(job->deadline, value);
		break;
	case REMIND_FIELD_OPENS:
		date_format_vn(job->opens, value);
		break;
	case REMIND_FIELD_DAYS_LEFT:
		snprintf(value, sizeof value, "%" PRId32,
		    job->days_left > 0 ? job->days_left : 0);
		break;
	case REMIND_FIELD_DAYS_OVERDUE:
		snprintf(value, sizeof value, "%" PRId64,
		    job->days_left < 0 ? -(int64_t)job->days_left : 0);
		break;
	case REMIND_FIELD_COUNTDOWN:
		remind_countdown(job->days_left, value);
		break;
	case REMIND_FIELD_EXTENDED:
		if (job->extended)
			snprintf(value, sizeof value, " (đã được gia hạn)");
		break;
	case REMIND_FIELD_PERIOD:
		remind_clean(job->period, value);
		break;
	case REMIND_FIELD_ISSUER:
		remind_clean(job->issuer_name, value);
		break;
	case REMIND_FIELD_LEVEL:
		remind_clean(job->level_name, value);
		break;
	case REMIND_FIELD_STATE:
		remind_state_words(job->dossier_state, value);
		break;
	case REMIND_FIELD_MISSING:
		remind_put_missing(b, job, is_subject);
		return;
	case REMIND_NFIELDS:
		break;
	}
	remind_buf_adds(b, value);
}

/* Renders the checked template `tmpl` for `job` into `b`. */
static void
remind_expand(struct remind_buf *b, const char *tmpl,
    const Tdkt__RemindJob *job, bool is_subject)
{
	struct remind_token	t;
	const char		*p = tmpl;

	for (;;) {
		remind_next_token(&p, &t);
		switch (t.type) {
		case REMIND_TOKEN_END:
			return;
		case REMIND_TOKEN_TEXT:
			remind_buf_add(b, t.text, t.len);
			break;
		case REMIND_TOKEN_FIELD:
			remind_put_field(b, job, t.field, is_subject);
			break;
		case REMIND_TOKEN_BAD:
			/* Checked at start-up: cannot happen; shown as is. */
			remind_buf_add(b, t.text, t.len);
			p = t.text + t.len;
			break;
		}
	}
}

int
remind_render_kind(const Tdkt__RemindJob *job)
{
	if (strcmp(job->audience, "office") == 0)
		return REMIND_ESCALATION;
	if (strcmp(job->audience, "unit") != 0)
		return -1;
	if (job->days_left > 0)
		return REMIND_BEFORE;
	return job->days_left == 0 ? REMIND_TODAY : REMIND_OVERDUE;
}

int
remind_render(const struct remind_templates *t, const Tdkt__RemindJob *job,
    struct remind_text *out, char **cause)
{
	struct remind_buf	b;
	int			kind = remind_render_kind(job);

	memset(out, 0, sizeof *out);
	if (kind < 0) {
		*cause = xstrdup("the audience is neither unit nor office");
		return -1;
	}
	remind_buf_init(&b, REMIND_SUBJECT_MAX - strlen(REMIND_ELLIPSIS),
	    REMIND_ELLIPSIS);
	remind_expand(&b, t->subject[kind], job, true);
	out->subject = remind_buf_finish(&b, REMIND_ELLIPSIS);
	/* Values are single lines already; this keeps the promise regardless. */
	for (char *c = out->subject; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7F)
			*c = ' ';
	}
	remind_buf_init(&b, REMIND_BODY_MAX - strlen(REMIND_BODY_CUT),
	    REMIND_BODY_CUT);
	remind_expand(&b, t->body[kind], job, false);
	out->body = remind_buf_finish(&b, REMIND_BODY_CUT);
	return 0;
}

void
remind_text_clear(struct remind_text *text)
{
	free(text->subject);
	free(text->body);
	text->subject = NULL;
	text->body = NULL;
}
