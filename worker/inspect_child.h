/*
 * inspect_child.h - the PDF check in a child process with time and memory
 * limits, so a hostile file can crash or exhaust only that process.
 *
 * DESIGN NOTES
 *
 * The worker is multi-threaded, so it never forks to call a library: a job
 * thread starts a fresh copy of the worker's own binary in its hidden child
 * mode with posix_spawn, and the two speak over the child's stdin and
 * stdout:
 *
 *   job thread (inspect_child_run)          child (inspect_child_main)
 *   ------------------------------          --------------------------
 *   posix_spawn(exe, "--inspect-child",
 *       MEMORY, CPU, LENGTH) -------------> setrlimit AS, CPU, CORE
 *   LENGTH bytes on stdin, then EOF ------> reads exactly LENGTH bytes
 *                                           inspect_pdf_check()
 *   reads at most INSPECT_ANSWER_MAX <----- "problem=CODE\n" "pages=N\n"
 *   bytes until EOF                         "encrypted=0|1\n" "detail=TEXT\n"
 *   waitpid(); at wall_ms: SIGKILL, waitpid    exit 0
 *
 * Invariants:
 * 1. Every child started is reaped by the thread that started it, on every
 *    path (inspect_child_reap), and killed first if it outlives wall_ms.
 * 2. The parent never blocks without a deadline: its ends are non-blocking
 *    and every wait is a poll bounded by what is left of wall_ms.
 * 3. The answer is hostile input too (the child ran qpdf on hostile bytes):
 *    it is read into a fixed buffer and parsed strictly; anything but a
 *    well-formed answer with exit status 0 is not believed.
 * 4. A writer to a child that died gets EPIPE, never SIGPIPE: stdin is a
 *    socket written with MSG_NOSIGNAL, whatever the process does with
 *    SIGPIPE.
 * 5. Only the pipe ends meant for the child reach it (every other
 *    descriptor is closed in the child before exec), and it starts with no
 *    signal blocked or ignored, whatever the worker's threads block.
 *
 * A child that ends any other way than with an answer is a finding about
 * the file, TOO_COMPLEX, since the file is what made it end: killed at the
 * wall-clock limit, by SIGXCPU at the CPU limit, by SIGSEGV when qpdf's
 * recursion overflows the stack, by SIGABRT when an allocation fails past
 * the memory limit, or exiting with another status (a sanitizer's report
 * in test builds). Only what says nothing about the file is a failure for
 * the job to retry elsewhere: the child could not start or set its limits
 * (exit status INSPECT_CHILD_EXIT_SETUP), or something stopped it with
 * SIGTERM, SIGINT, SIGHUP or SIGQUIT (the worker's whole service being
 * stopped, a Ctrl-C in its terminal).
 */
#ifndef TDKT_INSPECT_CHILD_H
#define TDKT_INSPECT_CHILD_H

#include <stddef.h>
#include <stdint.h>

#include "inspect.h"

/* argv[1] of the worker in child mode; main() checks it before anything. */
#define INSPECT_CHILD_ARG	"--inspect-child"
/* Where the worker finds its own binary: still the same file after an
 * upgrade replaced it on disk, so parent and child always match. */
#define INSPECT_SELF_EXE	"/proc/self/exe"

/*
 * The limits of one inspection. A sound PDF of a thousand pages opens and
 * counts its pages in well under a second and a few tens of MiB; these
 * leave a wide margin for large scans while bounding what a hostile file
 * costs. The memory limit is on address space (RLIMIT_AS), so it also
 * covers the child's copy of the file: files go up to the 256 MiB of the
 * largest message, INSPECT_INPUT_MAX.
 */
#define INSPECT_MEMORY_BYTES	(512ULL * 1024 * 1024)	/* RLIMIT_AS */
#define INSPECT_CPU_SECONDS	20			/* RLIMIT_CPU */
#define INSPECT_WALL_MS		30000	/* killed after this, CPU or not */
#define INSPECT_INPUT_MAX	(256ULL * 1024 * 1024)
#define INSPECT_ANSWER_MAX	1024	/* bytes the parent reads of it */

/* The child's exit status when it could not start to inspect. */
#define INSPECT_CHILD_EXIT_SETUP	2

struct inspect_limits {
	uint64_t	memory_bytes;	/* 0: none */
	uint32_t	cpu_seconds;	/* 0: none */
	uint32_t	wall_ms;
};

/* The limits of every inspection (tests choose smaller ones). */
#define INSPECT_LIMITS_DEFAULT	{ INSPECT_MEMORY_BYTES, \
	INSPECT_CPU_SECONDS, INSPECT_WALL_MS }

/*
 * Checks the PDF buf[0..len) with inspect_pdf_check in a child process
 * started from `exe` (INSPECT_SELF_EXE in the worker) under `limits`, and
 * fills *out. Returns 0 with *out filled, TOO_COMPLEX included when the
 * child outran a limit or died of its input (see the design notes); or -1
 * with *cause set (caller frees) when the inspection could not be done and
 * the job should be tried again. Blocks the calling thread for at most
 * about limits->wall_ms. Safe to call from several threads at once.
 */
int	inspect_child_run(const char *exe, const struct inspect_limits *limits,
	    const void *buf, size_t len, struct inspect_finding *out,
	    char **cause);

/*
 * The child's side: `tdkt-worker --inspect-child MEMORY CPU LENGTH`. Sets
 * its limits, reads the file from stdin, writes the answer on stdout and
 * returns the exit status (0, or INSPECT_CHILD_EXIT_SETUP).
 */
int	inspect_child_main(int argc, char **argv);

#endif
