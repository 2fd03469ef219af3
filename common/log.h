/*
 * log.h - the one logging API of all three programs.
 *
 * Lines go to stderr (journald under systemd) as "tag[pid]: level: message".
 * log_warn and fatal append strerror(errno); log_warnx and fatalx do not.
 * fatal/fatalx are for broken invariants and start-up failures only: a peer's
 * input must never reach them.
 */
#ifndef TDKT_LOG_H
#define TDKT_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

extern enum log_level log_current_level;

/* Sets the process tag printed on every line and the most verbose level shown. */
void	log_init(const char *tag, enum log_level level);
void	log_set_level(enum log_level level);

/* Parses "error", "warn", "info" or "debug"; returns 0 or -1. */
int	log_level_parse(const char *name, enum log_level *out);

void	log_emit(enum log_level, int with_errno, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	log_vemit(enum log_level, int with_errno, const char *fmt, va_list)
	    __attribute__((format(printf, 3, 0)));

/*
 * The level is tested before the arguments are evaluated, so a debug line
 * costs nothing when debug logging is off.
 */
#define log_debug(...) do { \
	if (log_current_level >= LOG_LEVEL_DEBUG) \
		log_emit(LOG_LEVEL_DEBUG, 0, __VA_ARGS__); \
} while (0)
#define log_info(...) do { \
	if (log_current_level >= LOG_LEVEL_INFO) \
		log_emit(LOG_LEVEL_INFO, 0, __VA_ARGS__); \
} while (0)
#define log_warn(...)	log_emit(LOG_LEVEL_WARN, 1, __VA_ARGS__)
#define log_warnx(...)	log_emit(LOG_LEVEL_WARN, 0, __VA_ARGS__)

_Noreturn void	fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void	fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
