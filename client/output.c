/*
 * output.c - text and JSON output of tdkt; see output.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "date.h"
#include "errors.h"
#include "output.h"
#include "roles.h"
#include "utf8.h"
#include "xmalloc.h"

void
output_padded(FILE *fp, const char *s, size_t width)
{
	size_t	w = utf8_display_width(s);

	fputs(s, fp);
	for (; w < width; w++)
		fputc(' ', fp);
}

void
output_field(FILE *fp, size_t width, const char *label, const char *fmt, ...)
{
	va_list	ap;

	output_padded(fp, label, width);
	fputc(' ', fp);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
}

static void
output_table_add(struct output_table *t, va_list ap)
{
	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncolumns,
	    sizeof *t->cells);
	for (size_t i = 0; i < t->ncolumns; i++) {
		const char *cell = va_arg(ap, const char *);

		t->cells[t->nrows * t->ncolumns + i] = xstrdup(cell != NULL ?
		    cell : "");
	}
	t->nrows++;
}

void
output_table_init(struct output_table *t, size_t ncolumns, ...)
{
	va_list	ap;

	t->ncolumns = ncolumns;
	t->cells = NULL;
	t->nrows = 0;
	va_start(ap, ncolumns);
	output_table_add(t, ap);
	va_end(ap);
}

void
output_table_row(struct output_table *t, ...)
{
	va_list	ap;

	va_start(ap, t);
	output_table_add(t, ap);
	va_end(ap);
}

void
output_table_print(FILE *fp, const struct output_table *t)
{
	size_t	*width = xcalloc(t->ncolumns, sizeof *width);

	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncolumns; c++) {
			size_t w = utf8_display_width(t->cells[r * t->ncolumns + c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncolumns; c++) {
			const char *cell = t->cells[r * t->ncolumns + c];

			if (c + 1 == t->ncolumns)
				fputs(cell, fp);	/* no trailing blanks */
			else {
				output_padded(fp, cell, width[c]);
				fputs("  ", fp);
			}
		}
		fputc('\n', fp);
		if (r == 0) {
			for (size_t c = 0; c < t->ncolumns; c++) {
				for (size_t k = 0; k < width[c]; k++)
					fputs("─", fp);
				if (c + 1 < t->ncolumns)
					fputs("  ", fp);
			}
			fputc('\n', fp);
		}
	}
	free(width);
}

void
output_table_clear(struct output_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncolumns; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

/* A single --json answer is at most this big; a country's units stream line by line. */
#define OUTPUT_JSON_MAX	(64 * 1024 * 1024)

void
output_json_begin(struct output_json *j, FILE *fp)
{
	j->fp = fp;
	jsonw_init(&j->w, OUTPUT_JSON_MAX);
	jsonw_object_begin(&j->w);
}

void
output_json_string(struct output_json *j, const char *key, const char *value)
{
	jsonw_key(&j->w, key);
	jsonw_string(&j->w, value != NULL ? value : "");
}

void
output_json_uint(struct output_json *j, const char *key, uint64_t value)
{
	jsonw_key(&j->w, key);
	jsonw_uint(&j->w, value);
}

void
output_json_bool(struct output_json *j, const char *key, bool value)
{
	jsonw_key(&j->w, key);
	jsonw_bool(&j->w, value);
}

void
output_json_strings(struct output_json *j, const char *key,
    char *const *values, size_t n)
{
	jsonw_key(&j->w, key);
	jsonw_array_begin(&j->w);
	for (size_t i = 0; i < n; i++)
		jsonw_string(&j->w, values[i]);
	jsonw_array_end(&j->w);
}

void
output_json_end(struct output_json *j)
{
	const char	*text;

	jsonw_object_end(&j->w);
	if ((text = jsonw_finish(&j->w, NULL)) == NULL)
		fputs("{\"ok\":false,\"error\":\"too_large\"}\n", j->fp);
	else
		fprintf(j->fp, "%s\n", text);
	jsonw_clear(&j->w);
}

int
output_call_failed(bool json, enum conn_status status,
    const Tdkt__ClientEnvelope *reply, const char *cause, const char *endpoint)
{
	const char		*code, *message, *detail;
	int			 exit_code;
	struct output_json	 j;

	switch (status) {
	case CONN_SERVER_ERROR:
		code = errors_code_name(reply->error->code);
		message = reply->error->message_vi;
		detail = reply->error->detail;
		exit_code = EXIT_SERVER_ERROR;
		break;
	case CONN_UNREACHABLE:
		code = "unreachable";
		message = "Không liên lạc được với máy chủ";
		detail = cause;
		exit_code = EXIT_UNREACHABLE;
		break;
	default:
		code = "bad_reply";
		message = "Không đọc được câu trả lời của máy chủ";
		detail = cause;
		exit_code = EXIT_SERVER_ERROR;
		break;
	}
	if (json) {
		output_json_begin(&j, stdout);
		output_json_bool(&j, "ok", false);
		output_json_string(&j, "error", code);
		output_json_string(&j, "message", message);
		output_json_string(&j, "detail", detail);
		if (status == CONN_UNREACHABLE)
			output_json_string(&j, "server", endpoint);
		if (status == CONN_SERVER_ERROR && reply->error->n_problems > 0)
			output_json_strings(&j, "problems", reply->error->problems,
			    reply->error->n_problems);
		output_json_end(&j);
	} else {
		fprintf(stderr, "tdkt: lỗi: %s [%s]\n", message, code);
		if (detail != NULL && detail[0] != '\0')
			fprintf(stderr, "tdkt: chi tiết: %s\n", detail);
		if (status == CONN_SERVER_ERROR) {
			for (size_t i = 0; i < reply->error->n_problems; i++)
				fprintf(stderr, "%s\n", reply->error->problems[i]);
		}
		if (status == CONN_UNREACHABLE)
			fprintf(stderr, "tdkt: máy chủ: %s — hãy kiểm tra máy chủ đã "
			    "chạy và địa chỉ trong tệp cấu hình\n", endpoint);
	}
	return exit_code;
}

void
output_time(int64_t unix_ms, char buf[32])
{
	time_t		t = (time_t)(unix_ms / 1000);
	struct tm	tm;

	if (unix_ms <= 0 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, 32, "—");
	else
		strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
}

void
output_time_seconds(int64_t unix_ms, char buf[32])
{
	time_t		t = (time_t)(unix_ms / 1000);
	struct tm	tm;

	if (unix_ms <= 0 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, 32, "—");
	else
		strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The broken-down Vietnamese time of `unix_ms`; false if it has none. */
static bool
output_tm_vn(int64_t unix_ms, struct tm *tm)
{
	time_t	t = (time_t)(unix_ms / 1000) + DATE_VN_UTC_OFFSET;

	return gmtime_r(&t, tm) != NULL;
}

void
output_time_vn(int64_t unix_ms, char buf[32])
{
	struct tm	tm;

	if (unix_ms <= 0 || !output_tm_vn(unix_ms, &tm))
		snprintf(buf, 32, "—");
	else
		strftime(buf, 32, "%d/%m/%Y %H:%M", &tm);
}

void
output_clock_vn(int64_t unix_ms, char buf[16])
{
	struct tm	tm;

	if (unix_ms <= 0 || !output_tm_vn(unix_ms, &tm))
		snprintf(buf, 16, "--:--:--");
	else
		strftime(buf, 16, "%H:%M:%S", &tm);
}

void
output_indented(FILE *fp, const char *indent, const char *text)
{
	bool	line_start = true;

	if (text[0] == '\0')
		return;
	for (const char *p = text; *p != '\0'; p++) {
		unsigned char	c = (unsigned char)*p;

		if (c == '\r')
			continue;	/* CRLF bodies print as LF */
		if (c == '\n') {
			fputc('\n', fp);	/* a blank line stays blank */
			line_start = true;
			continue;
		}
		if (line_start) {
			fputs(indent, fp);
			line_start = false;
		}
		fputc(c == '\t' || (c >= 0x20 && c != 0x7f) ? (char)c : ' ',
		    fp);
	}
	if (!line_start)
		fputc('\n', fp);
}

void
output_shorten(const char *s, size_t max, char *buf, size_t size)
{
	size_t	n = 0, len = 0;
	bool	cut = false;

	if (size < sizeof "…") {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		/* Count lead bytes only; continuation bytes are 10xxxxxx. */
		if ((c & 0xc0) != 0x80 && n++ == max) {
			cut = true;
			break;
		}
		/* Keep room for the byte, "…" and the NUL. */
		if (len + 1 + sizeof "…" > size) {
			cut = true;
			break;
		}
		buf[len++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	buf[len] = '\0';
	if (cut) {
		/* Running out of room may have split a character. */
		utf8_trim_partial(buf);
		for (len = strlen(buf); len > 0 && buf[len - 1] == ' '; len--)
			;
		memcpy(buf + len, "…", sizeof "…");
	}
}

void
output_account(FILE *fp, bool json, const Tdkt__Account *a,
    int64_t session_expires_ms)
{
	struct output_json	 j;
	char			 when[32];

	if (json) {
		output_json_begin(&j, fp);
		output_json_string(&j, "username", a->username);
		output_json_string(&j, "display_name", a->display_name);
		output_json_string(&j, "unit", a->unit);
		output_json_string(&j, "unit_name", a->unit_name);
		output_json_strings(&j, "roles", a->roles, a->n_roles);
		output_json_bool(&j, "disabled", a->disabled);
		output_json_bool(&j, "must_change_password",
		    a->must_change_password);
		output_json_uint(&j, "created_at_unix_ms",
		    (uint64_t)a->created_at_unix_ms);
		output_json_uint(&j, "last_login_unix_ms",
		    (uint64_t)a->last_login_unix_ms);
		if (session_expires_ms > 0)
			output_json_uint(&j, "session_expires_at_unix_ms",
			    (uint64_t)session_expires_ms);
		output_json_end(&j);
		return;
	}
	output_field(fp, 20, "Tài khoản", "%s", a->username);
	output_field(fp, 20, "Họ tên", "%s", a->display_name);
	if (a->unit[0] != '\0')
		output_field(fp, 20, "Đơn vị", "%s — %s", a->unit, a->unit_name);
	else
		output_field(fp, 20, "Đơn vị", "toàn hệ thống");
	for (size_t i = 0; i < a->n_roles; i++) {
		const char	*level, *vi, *level_vi;
		unsigned	 role = roles_parse(a->roles[i], &level);

		vi = roles_name_vi(role);
		level_vi = roles_level_name_vi(level);
		output_field(fp, 20, i == 0 ? "Vai trò" : "", "%s%s%s%s",
		    vi != NULL ? vi : a->roles[i], level_vi != NULL ? " (" : "",
		    level_vi != NULL ? level_vi : "", level_vi != NULL ? ")" : "");
	}
	if (a->disabled)
		output_field(fp, 20, "Trạng thái", "đã khóa");
	if (a->must_change_password)
		output_field(fp, 20, "Mật khẩu", "phải đổi khi đăng nhập "
		    "(tdkt password)");
	output_time(a->last_login_unix_ms, when);
	output_field(fp, 20, "Đăng nhập gần nhất", "%s", when);
	if (session_expires_ms > 0) {
		output_time(session_expires_ms, when);
		output_field(fp, 20, "Phiên hết hạn lúc", "%s", when);
	}
}
