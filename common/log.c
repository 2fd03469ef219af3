/*
 * log.c - formatting and writing log lines; see log.h.
 *
 * Each line is formatted into one buffer and written with a single write(2)
 * so lines from the worker's job threads never interleave.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

enum log_level	 log_current_level = LOG_LEVEL_INFO;
static char	 log_tag[32] = "tdkt";

static const char *const log_level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void
log_init(const char *tag, enum log_level level)
{
	snprintf(log_tag, sizeof log_tag, "%s", tag);
	log_current_level = level;
}

void
log_set_level(enum log_level level)
{
	log_current_level = level;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof log_level_names / sizeof log_level_names[0]; i++) {
		if (strcmp(name, log_level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_vemit(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	char	line[2048];
	int	saved_errno = errno;
	int	n, m;

	if (level > log_current_level)
		return;
	n = snprintf(line, sizeof line, "%s[%ld]: %s: ", log_tag, (long)getpid(),
	    log_level_names[level]);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n >= sizeof line - 1)
		n = (int)sizeof line - 2;
	if (with_errno) {
		m = snprintf(line + n, sizeof line - (size_t)n, ": %s",
		    strerror(saved_errno));
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof line - 1)
			n = (int)sizeof line - 2;
	}
	line[n++] = '\n';
	/* A failed log write has nowhere to be reported. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
	errno = saved_errno;
}

void
log_emit(enum log_level level, int with_errno, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(level, with_errno, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
