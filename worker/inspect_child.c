/*
 * inspect_child.c - both sides of the PDF check's child process; see
 * inspect_child.h for the protocol and its invariants.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "inspect_child.h"
#include "inspect_pdf.h"
#include "log.h"
#include "xmalloc.h"

/*
 * AddressSanitizer reserves terabytes of address space for its shadow
 * memory before main(), so under it an RLIMIT_AS would fail every later
 * allocation: sanitizer builds (tests) run the child without one, bounded
 * by the CPU and wall-clock limits only.
 */
#if defined(__SANITIZE_ADDRESS__)
#define INSPECT_HAVE_AS_LIMIT	0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INSPECT_HAVE_AS_LIMIT	0
#endif
#endif
#ifndef INSPECT_HAVE_AS_LIMIT
#define INSPECT_HAVE_AS_LIMIT	1
#endif

#define INSPECT_WRITE_CHUNK	65536
#define INSPECT_REAP_NAP_MS	2

extern char	**environ;

/* A running child and the parent's ends of its stdin and stdout. */
struct inspect_proc {
	pid_t		 pid;
	int		 in_fd;		/* -1 once closed */
	int		 out_fd;	/* -1 once closed */
	int64_t		 deadline_ms;
	bool		 killed;	/* by us, at the deadline */
	char		 answer[INSPECT_ANSWER_MAX + 1];
	size_t		 answer_len;
	bool		 answer_overflow;
};

static void
inspect_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* Parses a decimal number of at most `max`; -1 if it is not one. */
static int
inspect_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t	v = 0;

	if (*s == '\0' || strlen(s) > 20)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* ---- The child's side ---- */

static int
inspect_child_limit(int resource, const char *name, rlim_t soft, rlim_t hard)
{
	struct rlimit	rl = { .rlim_cur = soft, .rlim_max = hard };

	if (setrlimit(resource, &rl) < 0) {
		log_warn("could not set the inspector's %s limit", name);
		return -1;
	}
	return 0;
}

/* Writes all of buf[0..len) to fd; -1 on an error. */
static int
inspect_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t	n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads exactly `len` bytes from fd into buf; -1 on an error or early EOF. */
static int
inspect_read_all(int fd, char *buf, size_t len)
{
	while (len > 0) {
		ssize_t	n = read(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
inspect_child_answer(const struct inspect_finding *f)
{
	char	buf[INSPECT_ANSWER_MAX];
	int	n;

	n = snprintf(buf, sizeof buf, "problem=%s\npages=%" PRIu32 "\n"
	    "encrypted=%d\ndetail=%s\n", inspect_problem_name(f->problem),
	    f->pages, f->encrypted ? 1 : 0, f->detail);
	if (n < 0 || (size_t)n >= sizeof buf ||
	    inspect_write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
		log_warn("could not write the inspector's answer");
		return INSPECT_CHILD_EXIT_SETUP;
	}
	return 0;
}

int
inspect_child_main(int argc, char **argv)
{
	struct inspect_finding	 f = { .problem = INSPECT_OK };
	uint64_t		 memory, cpu, len;
	char			*buf;

	log_init("tdkt-worker-inspect", LOG_LEVEL_WARN);
	if (argc != 5 || strcmp(argv[1], INSPECT_CHILD_ARG) != 0 ||
	    inspect_parse_u64(argv[2], UINT64_MAX, &memory) < 0 ||
	    inspect_parse_u64(argv[3], UINT32_MAX, &cpu) < 0 ||
	    inspect_parse_u64(argv[4], INSPECT_INPUT_MAX, &len) < 0) {
		log_warnx("usage: tdkt-worker %s MEMORY CPU LENGTH (for the "
		    "worker's own use)", INSPECT_CHILD_ARG);
		return INSPECT_CHILD_EXIT_SETUP;
	}
	/* Gone with the job thread that started it, if that dies first. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (inspect_child_limit(RLIMIT_CORE, "core size", 0, 0) < 0)
		return INSPECT_CHILD_EXIT_SETUP;
	/* The hard limit one second later: SIGKILL if SIGXCPU is not fatal. */
	if (cpu > 0 && inspect_child_limit(RLIMIT_CPU, "CPU time", cpu,
	    cpu + 1) < 0)
		return INSPECT_CHILD_EXIT_SETUP;
	if (INSPECT_HAVE_AS_LIMIT && memory > 0 &&
	    inspect_child_limit(RLIMIT_AS, "memory", memory, memory) < 0)
		return INSPECT_CHILD_EXIT_SETUP;

	if ((buf = malloc(len > 0 ? len : 1)) == NULL) {
		inspect_finding_set(&f, INSPECT_TOO_COMPLEX, "the file of "
		    "%" PRIu64 " bytes does not fit in the inspector's memory "
		    "limit of %" PRIu64 " MiB", len, memory >> 20);
		return inspect_child_answer(&f);
	}
	if (inspect_read_all(STDIN_FILENO, buf, len) < 0) {
		log_warn("could not read the file to inspect");
		free(buf);
		return INSPECT_CHILD_EXIT_SETUP;
	}
	inspect_pdf_check(buf, len, &f);
	free(buf);
	return inspect_child_answer(&f);
}

/* ---- The parent's side ---- */

/*
 * Moves *fd above the standard descriptors, so the child's dup2s onto 0 and
 * 1 cannot overwrite it when the worker runs with one of them closed.
 */
static int
inspect_fd_above_stdio(int *fd)
{
	int	n;

	if (*fd > STDERR_FILENO)
		return 0;
	if ((n = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)) < 0)
		return -1;
	close(*fd);
	*fd = n;
	return 0;
}

/* Starts the child on fresh pipes; -1 with *cause set. */
static int
inspect_spawn(struct inspect_proc *p, const char *exe,
    const struct inspect_limits *limits, size_t len, char **cause)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, all;
	int				 in[2], out[2], rc;
	char				 memory[24], cpu[24], length[24];
	char				*argv[] = { "tdkt-worker",
					    INSPECT_CHILD_ARG, memory, cpu,
					    length, NULL };

	/* stdin a socket, for MSG_NOSIGNAL (invariant 4). */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0) {
		*cause = xasprintf("could not make a socket pair: %s",
		    strerror(errno));
		return -1;
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		*cause = xasprintf("could not make a pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (inspect_fd_above_stdio(&in[1]) < 0 ||
	    inspect_fd_above_stdio(&out[1]) < 0) {
		*cause = xasprintf("could not move a pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	snprintf(memory, sizeof memory, "%" PRIu64, limits->memory_bytes);
	snprintf(cpu, sizeof cpu, "%" PRIu32, limits->cpu_seconds);
	snprintf(length, sizeof length, "%zu", len);

	/* Invariant 5: the child gets its two ends, as fd 0 and 1, and 2. */
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	if ((rc = posix_spawn_file_actions_adddup2(&fa, in[1],
	    STDIN_FILENO)) == 0 &&
	    (rc = posix_spawn_file_actions_adddup2(&fa, out[1],
	    STDOUT_FILENO)) == 0 &&
	    (rc = posix_spawn_file_actions_addclosefrom_np(&fa,
	    STDERR_FILENO + 1)) == 0 &&
	    (rc = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
	    (rc = posix_spawnattr_setsigdefault(&attr, &all)) == 0 &&
	    (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF)) == 0)
		rc = posix_spawn(&p->pid, exe, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(in[1]);
	close(out[1]);
	if (rc != 0) {
		*cause = xasprintf("could not start the inspector %s: %s", exe,
		    strerror(rc));
		close(in[0]);
		close(out[0]);
		return -1;
	}
	p->in_fd = in[0];
	p->out_fd = out[0];
	p->deadline_ms = clock_monotonic_ms() + limits->wall_ms;
	/* Invariant 2: never block on the child (only our ends; its own block). */
	if (fcntl(p->in_fd, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(p->out_fd, F_SETFL, O_NONBLOCK) < 0) {
		*cause = xasprintf("could not make the inspector's pipes "
		    "non-blocking: %s", strerror(errno));
		inspect_close(&p->in_fd);
		inspect_close(&p->out_fd);
		return -1;	/* the caller kills and reaps it */
	}
	return 0;
}

static void
inspect_kill(struct inspect_proc *p)
{
	if (!p->killed) {
		kill(p->pid, SIGKILL);
		p->killed = true;
	}
}

/* Reads what the child has written, closing its stdout at EOF. */
static void
inspect_take_answer(struct inspect_proc *p)
{
	for (;;) {
		ssize_t	n = read(p->out_fd, p->answer + p->answer_len,
		    sizeof p->answer - 1 - p->answer_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			inspect_close(&p->out_fd);
			return;
		}
		p->answer_len += (size_t)n;
		if (p->answer_len == sizeof p->answer - 1) {
			/* Far more than an answer: not one (invariant 3). */
			p->answer_overflow = true;
			inspect_close(&p->out_fd);
			inspect_kill(p);
			return;
		}
	}
}

/* Writes what the child's stdin takes of buf[*off..len). */
static void
inspect_give_input(struct inspect_proc *p, const char *buf, size_t len,
    size_t *off)
{
	while (*off < len) {
		size_t	chunk = len - *off < INSPECT_WRITE_CHUNK ?
		    len - *off : INSPECT_WRITE_CHUNK;
		ssize_t	n = send(p->in_fd, buf + *off, chunk,
		    MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* EPIPE, ECONNRESET: it stopped reading; it will say why. */
			inspect_close(&p->in_fd);
			return;
		}
		*off += (size_t)n;
	}
	inspect_close(&p->in_fd);	/* EOF: all of it was sent */
}

/*
 * Feeds the child its input and reads its answer until it closes its
 * stdout, the answer overflows or the deadline passes (then it is killed).
 */
static void
inspect_exchange(struct inspect_proc *p, const char *buf, size_t len)
{
	size_t	off = 0;

	if (len == 0)
		inspect_close(&p->in_fd);
	while (p->out_fd >= 0) {
		struct pollfd	pfd[2];
		nfds_t		n = 0;
		int64_t		left = p->deadline_ms - clock_monotonic_ms();
		int		rc;

		if (left <= 0) {
			inspect_kill(p);
			break;
		}
		pfd[n++] = (struct pollfd){ .fd = p->out_fd, .events = POLLIN };
		if (p->in_fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = p->in_fd,
			    .events = POLLOUT };
		rc = poll(pfd, n, left > INT32_MAX ? INT32_MAX : (int)left);
		if (rc < 0 && errno != EINTR) {
			log_warn("could not wait for the inspector");
			inspect_kill(p);
			break;
		}
		if (rc <= 0)
			continue;
		if (n == 2 && pfd[1].revents != 0)
			inspect_give_input(p, buf, len, &off);
		if (pfd[0].revents != 0)
			inspect_take_answer(p);
	}
	inspect_close(&p->in_fd);
	inspect_close(&p->out_fd);
}

/*
 * Waits for the child to end, killing it at the deadline (invariant 1).
 * Returns 0 with *status set, or -1 if it cannot be waited for (someone
 * else reaped it: the process must not ignore SIGCHLD).
 */
static int
inspect_reap(struct inspect_proc *p, int *status)
{
	struct timespec	nap = { 0, INSPECT_REAP_NAP_MS * 1000000L };
	pid_t		r;

	for (;;) {
		r = waitpid(p->pid, status, p->killed ? 0 : WNOHANG);
		if (r == p->pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r == 0 && clock_monotonic_ms() >= p->deadline_ms)
			inspect_kill(p);
		else if (r == 0)
			nanosleep(&nap, NULL);
	}
}

/* Fills *f from the answer's lines; -1 if it is not a well-formed one. */
static int
inspect_parse_answer(char *answer, size_t len, struct inspect_finding *f)
{
	static const char *const keys[] = {
		"problem=", "pages=", "encrypted=", "detail="
	};
	char		*line[4], *s = answer, *nl;
	uint64_t	 pages;

	if (len == 0 || answer[len - 1] != '\n' || memchr(answer, '\0', len))
		return -1;
	answer[len] = '\0';
	for (size_t i = 0; i < 4; i++) {
		if ((nl = strchr(s, '\n')) == NULL ||
		    strncmp(s, keys[i], strlen(keys[i])) != 0)
			return -1;
		*nl = '\0';
		line[i] = s + strlen(keys[i]);
		s = nl + 1;
	}
	if (*s != '\0' ||
	    inspect_problem_parse(line[0], &f->problem) < 0 ||
	    f->problem == INSPECT_SHA256_MISMATCH ||
	    inspect_parse_u64(line[1], UINT32_MAX, &pages) < 0 ||
	    (strcmp(line[2], "0") != 0 && strcmp(line[2], "1") != 0) ||
	    strlen(line[3]) > INSPECT_DETAIL_MAX)
		return -1;
	f->pages = (uint32_t)pages;
	f->encrypted = line[2][0] == '1';
	memcpy(f->detail, line[3], strlen(line[3]) + 1);
	inspect_detail_clean(f->detail);
	return 0;
}

/* The signal's name, "SIGSEGV"; thread-safe, unlike strsignal. */
static void
inspect_signal_name(int sig, char *buf, size_t size)
{
	const char	*abbrev = sigabbrev_np(sig);

	if (abbrev != NULL)
		snprintf(buf, size, "SIG%s", abbrev);
	else
		snprintf(buf, size, "signal %d", sig);
}

/* What the child's end says about the file; -1 if nothing (see the .h). */
static int
inspect_outcome(struct inspect_proc *p, int status,
    const struct inspect_limits *limits, struct inspect_finding *f,
    char **cause)
{
	char	name[32];
	int	sig;

	if (p->answer_overflow) {
		inspect_finding_set(f, INSPECT_TOO_COMPLEX, "the inspector "
		    "answered more than %d bytes", INSPECT_ANSWER_MAX);
		return 0;
	}
	if (p->killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		inspect_finding_set(f, INSPECT_TOO_COMPLEX, "the inspection "
		    "took longer than %" PRIu32 " ms", limits->wall_ms);
		return 0;
	}
	if (WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		inspect_signal_name(sig, name, sizeof name);
		switch (sig) {
		case SIGTERM:
		case SIGINT:
		case SIGHUP:
		case SIGQUIT:
			*cause = xasprintf("the inspector was stopped by %s",
			    name);
			return -1;
		case SIGXCPU:
			inspect_finding_set(f, INSPECT_TOO_COMPLEX, "the "
			    "inspection used more than %" PRIu32 " s of CPU "
			    "time (%s)", limits->cpu_seconds, name);
			break;
		case SIGSEGV:
		case SIGBUS:
			inspect_finding_set(f, INSPECT_TOO_COMPLEX, "the "
			    "inspector crashed (%s), as a structure too deep "
			    "for its stack makes it", name);
			break;
		case SIGABRT:
			inspect_finding_set(f, INSPECT_TOO_COMPLEX, "the "
			    "inspector aborted (%s), most likely out of its "
			    "%" PRIu64 " MiB of memory", name,
			    limits->memory_bytes >> 20);
			break;
		default:
			inspect_finding_set(f, INSPECT_TOO_COMPLEX, "the "
			    "inspector was killed by %s", name);
			break;
		}
		return 0;
	}
	if (WIFEXITED(status) &&
	    WEXITSTATUS(status) == INSPECT_CHILD_EXIT_SETUP) {
		*cause = xasprintf("the inspector could not start (exit status "
		    "%d); see the worker's log", WEXITSTATUS(status));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		inspect_finding_set(f, INSPECT_TOO_COMPLEX, "the inspector "
		    "failed with exit status %d", WEXITSTATUS(status));
		return 0;
	}
	if (inspect_parse_answer(p->answer, p->answer_len, f) < 0) {
		memset(f, 0, sizeof *f);
		inspect_finding_set(f, INSPECT_TOO_COMPLEX, "the inspector "
		    "gave no readable answer");
	}
	return 0;
}

int
inspect_child_run(const char *exe, const struct inspect_limits *limits,
    const void *buf, size_t len, struct inspect_finding *out, char **cause)
{
	struct inspect_proc	p = { .pid = -1, .in_fd = -1, .out_fd = -1 };
	int			status;

	memset(out, 0, sizeof *out);
	if (len > INSPECT_INPUT_MAX) {
		inspect_finding_set(out, INSPECT_TOO_COMPLEX, "the file of %zu "
		    "bytes is over the %llu the inspector reads", len,
		    (unsigned long long)INSPECT_INPUT_MAX);
		return 0;
	}
	if (inspect_spawn(&p, exe, limits, len, cause) < 0) {
		if (p.pid > 0) {
			inspect_kill(&p);
			inspect_reap(&p, &status);
		}
		return -1;
	}
	inspect_exchange(&p, buf, len);
	if (inspect_reap(&p, &status) < 0) {
		*cause = xasprintf("could not wait for inspector process %ld: "
		    "%s", (long)p.pid, strerror(errno));
		return -1;
	}
	return inspect_outcome(&p, status, limits, out, cause);
}
