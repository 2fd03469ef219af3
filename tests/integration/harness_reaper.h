/*
 * harness_reaper.h - the process that cleans up after a test that could not.
 *
 * A failed Check assertion ends the forked test at once, so its teardown
 * never runs. The harness therefore starts a reaper first and tells it, one
 * line at a time over a socket, what there will be to clean up:
 *
 *   name TEST         the test, for the report
 *   dir PATH          the directory kept for a failed test
 *   proc PID SIGNAL   a process, and the signal that stops it
 *   gone PID          that process has been reaped
 *   log PATH          a log whose tail goes into the report
 *   pidfile PATH      a PostgreSQL postmaster.pid: wait until it is gone
 *   ok                the test passed and cleaned up after itself
 *
 * When the socket closes (the test process ended, however it ended) without
 * "ok", the reaper sends each process left its signal (SIGKILL after 5 s),
 * waits for each cluster to stop, then prints the directory and the tail of
 * every log to stderr.
 */
#ifndef TDKT_HARNESS_REAPER_H
#define TDKT_HARNESS_REAPER_H

#include <sys/types.h>

/*
 * Forks the reaper; returns its pid and sets *fdp to the socket to tell it
 * on (close-on-exec), or returns -1 with errno set. Call it while the
 * process has a single thread.
 */
pid_t	harness_reaper_start(int *fdp);

/* Tells the reaper one line (formatted, without the newline); never fails. */
void	harness_reaper_tell(int fd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
