/*
 * findings.c - the collector behind findings.h.
 *
 * Strings arrive already formatted (the rules quote names and dates) and are
 * taken over rather than copied; only their length is bounded here, since a
 * name in a job may be as long as the job itself.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "xmalloc.h"

/* U+2026 HORIZONTAL ELLIPSIS, marking text that was cut. */
#define FINDINGS_ELLIPSIS	"\xe2\x80\xa6"

struct findings *
findings_new(size_t max)
{
	struct findings	*f;

	f = xcalloc(1, sizeof *f);
	f->max = max;
	return f;
}

void
findings_free(struct findings **fp)
{
	struct findings	*f = *fp;

	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].code);
		free(f->items[i].subject);
		free(f->items[i].message_vi);
		free(f->items[i].detail);
	}
	free(f->items);
	free(f);
	*fp = NULL;
}

/*
 * Returns `s` (owned, or a copy of "" when NULL), cut to FINDINGS_MAX_TEXT
 * bytes at a character boundary with an ellipsis. The input is valid UTF-8:
 * wire_unpack checked every string of the job.
 */
static char *
findings_clip(char *s)
{
	size_t	len, cut;

	if (s == NULL)
		return xstrdup("");
	len = strlen(s);
	if (len <= FINDINGS_MAX_TEXT)
		return s;
	cut = FINDINGS_MAX_TEXT - (sizeof FINDINGS_ELLIPSIS - 1);
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(s + cut, FINDINGS_ELLIPSIS, sizeof FINDINGS_ELLIPSIS);
	return s;
}

static void
findings_append(struct findings *f, const char *code,
    enum finding_severity severity, const char *subject, char *message_vi,
    char *detail)
{
	struct finding	*it;

	if (f->n == f->cap) {
		f->cap = f->cap == 0 ? 16 : f->cap * 2;
		f->items = xreallocarray(f->items, f->cap, sizeof *f->items);
	}
	it = &f->items[f->n++];
	it->code = findings_clip(xstrdup(code));
	it->severity = severity;
	it->subject = findings_clip(xstrdup(subject != NULL ? subject : ""));
	it->message_vi = findings_clip(message_vi);
	it->detail = findings_clip(detail);
	f->bytes += strlen(it->code) + strlen(it->subject) +
	    strlen(it->message_vi) + strlen(it->detail);
}

/* The bytes a finding's texts will take once clipped. */
static size_t
findings_size(const char *s)
{
	size_t	len = s != NULL ? strlen(s) : 0;

	return len > FINDINGS_MAX_TEXT ? FINDINGS_MAX_TEXT : len;
}

void
findings_add(struct findings *f, const char *code,
    enum finding_severity severity, const char *subject, char **message_vi,
    char **detail)
{
	char	*m = *message_vi, *d = *detail;

	*message_vi = NULL;
	*detail = NULL;
	if (f->ended || f->n >= f->max || f->bytes + findings_size(code) +
	    findings_size(subject) + findings_size(m) + findings_size(d) >
	    FINDINGS_MAX_BYTES) {
		if (!f->ended)
			f->dropped++;
		free(m);
		free(d);
		return;
	}
	findings_append(f, code, severity, subject, m, d);
}

void
findings_end(struct findings *f)
{
	if (f->ended)
		return;
	f->ended = true;
	if (f->dropped == 0)
		return;
	findings_append(f, "too_many_findings", FINDING_WARNING, "",
	    xasprintf("Hồ sơ có quá nhiều lỗi; chỉ hiện %zu lỗi đầu tiên, "
	    "còn %zu lỗi khác: hãy sửa các lỗi này rồi nộp lại", f->n,
	    f->dropped),
	    xasprintf("%zu findings kept, %zu more dropped", f->n,
	    f->dropped));
}

const char *
findings_severity_name(enum finding_severity severity)
{
	return severity == FINDING_WARNING ? "warning" : "error";
}
