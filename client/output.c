/*
 * output.c - text and JSON output of tdkt; see output.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "errors.h"
#include "output.h"
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
output_json_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20 || c == 0x7F)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);	/* UTF-8 passes through intact */
	}
	fputc('"', fp);
}

void
output_json_begin(struct output_json *j, FILE *fp)
{
	j->fp = fp;
	j->first = true;
	fputc('{', fp);
}

static void
output_json_key(struct output_json *j, const char *key)
{
	if (!j->first)
		fputc(',', j->fp);
	j->first = false;
	output_json_quoted(j->fp, key);
	fputc(':', j->fp);
}

void
output_json_string(struct output_json *j, const char *key, const char *value)
{
	output_json_key(j, key);
	output_json_quoted(j->fp, value != NULL ? value : "");
}

void
output_json_uint(struct output_json *j, const char *key, uint64_t value)
{
	output_json_key(j, key);
	fprintf(j->fp, "%llu", (unsigned long long)value);
}

void
output_json_bool(struct output_json *j, const char *key, bool value)
{
	output_json_key(j, key);
	fputs(value ? "true" : "false", j->fp);
}

void
output_json_end(struct output_json *j)
{
	fputs("}\n", j->fp);
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
		output_json_end(&j);
	} else {
		fprintf(stderr, "tdkt: lỗi: %s [%s]\n", message, code);
		if (detail != NULL && detail[0] != '\0')
			fprintf(stderr, "tdkt: chi tiết: %s\n", detail);
		if (status == CONN_UNREACHABLE)
			fprintf(stderr, "tdkt: máy chủ: %s — hãy kiểm tra máy chủ đã "
			    "chạy và địa chỉ trong tệp cấu hình\n", endpoint);
	}
	return exit_code;
}
