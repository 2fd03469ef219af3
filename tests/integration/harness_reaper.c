/*
 * harness_reaper.c - the process that cleans up after a test that could not;
 * see harness_reaper.h.
 *
 * It runs in a session of its own, so the SIGKILL that Check sends to the
 * test's process group when the test ends does not reach it, and it holds
 * no descriptor but its socket and stdio, so it never keeps a pipe of
 * ctest's open for long. It ends with _exit: it is a copy of the test
 * process and must not run that process's atexit handlers (or
 * LeakSanitizer) a second time.
 */
#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"
#include "harness_reaper.h"

#define HARNESS_REAPER_MAX	64
#define HARNESS_REAPER_POLL_MS	20
#define HARNESS_REAPER_TAIL	40	/* lines of each log */

static void
harness_reaper_sleep(int64_t ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

struct harness_reaper {
	char	 dir[PATH_MAX];
	char	 name[128];
	pid_t	 pids[HARNESS_REAPER_MAX];
	int	 signals[HARNESS_REAPER_MAX];
	size_t	 npids;
	char	*logs[HARNESS_REAPER_MAX];
	size_t	 nlogs;
	char	*pidfiles[HARNESS_REAPER_MAX];	/* of PostgreSQL clusters */
	size_t	 npidfiles;
	bool	 ok;
};

/* True while `pid` exists and is not a zombie nobody has reaped yet. */
static bool
harness_reaper_alive(pid_t pid)
{
	char	 path[64], buf[512], *p;
	FILE	*fp;
	bool	 alive = false;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return false;
	if (fgets(buf, sizeof buf, fp) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ')
		alive = p[2] != 'Z' && p[2] != 'X';
	fclose(fp);
	return alive;
}

static void
harness_reaper_line(struct harness_reaper *r, char *line)
{
	long	pid;
	int	sig;

	if (strncmp(line, "dir ", 4) == 0)
		snprintf(r->dir, sizeof r->dir, "%s", line + 4);
	else if (strncmp(line, "name ", 5) == 0)
		snprintf(r->name, sizeof r->name, "%s", line + 5);
	else if (sscanf(line, "proc %ld %d", &pid, &sig) == 2 &&
	    r->npids < HARNESS_REAPER_MAX) {
		r->pids[r->npids] = (pid_t)pid;
		r->signals[r->npids++] = sig;
	} else if (sscanf(line, "gone %ld", &pid) == 1) {
		for (size_t i = 0; i < r->npids; i++) {
			if (r->pids[i] == (pid_t)pid) {
				r->pids[i] = r->pids[--r->npids];
				r->signals[i] = r->signals[r->npids];
				break;
			}
		}
	} else if (strncmp(line, "log ", 4) == 0 &&
	    r->nlogs < HARNESS_REAPER_MAX) {
		for (size_t i = 0; i < r->nlogs; i++) {
			if (strcmp(r->logs[i], line + 4) == 0)
				return;
		}
		r->logs[r->nlogs++] = strdup(line + 4);
	} else if (strncmp(line, "pidfile ", 8) == 0 &&
	    r->npidfiles < HARNESS_REAPER_MAX)
		r->pidfiles[r->npidfiles++] = strdup(line + 8);
	else if (strcmp(line, "ok") == 0)
		r->ok = true;
}

/*
 * Sends each process left its stop signal (SIGKILL when `force`), then waits
 * up to `ms` for them all to be gone; returns true if some are still there.
 */
static bool
harness_reaper_kill(struct harness_reaper *r, bool force, int64_t ms)
{
	int64_t	deadline = clock_monotonic_ms() + ms;
	bool	left;

	for (size_t i = 0; i < r->npids; i++) {
		if (harness_reaper_alive(r->pids[i]))
			kill(r->pids[i], force ? SIGKILL : r->signals[i]);
	}
	for (;;) {
		left = false;
		for (size_t i = 0; i < r->npids; i++)
			left = left || harness_reaper_alive(r->pids[i]);
		if (!left || clock_monotonic_ms() >= deadline)
			return left;
		harness_reaper_sleep(HARNESS_REAPER_POLL_MS);
	}
}

static void
harness_reaper_tail(const char *path)
{
	char	*data, *p;
	size_t	 len;
	int	 lines = 0;

	if ((data = harness_read_file(path, &len)) == NULL)
		return;
	p = data + len;
	if (p > data && p[-1] == '\n')
		p--;
	while (p > data && lines < HARNESS_REAPER_TAIL) {
		p--;
		if (*p == '\n')
			lines++;
	}
	if (*p == '\n')
		p++;
	fprintf(stderr, "---- last lines of %s ----\n%s%s", path, p,
	    len > 0 && data[len - 1] != '\n' ? "\n" : "");
	free(data);
}

/*
 * The reaper's whole life: collect what the harness tells it until the
 * socket closes, then clean up after a test that did not say "ok".
 */
static _Noreturn void
harness_reaper_main(int fd)
{
	struct harness_reaper	 r;
	char			 buf[8192];
	size_t			 used = 0;
	ssize_t			 n;
	DIR			*d;
	struct dirent		*e;

	memset(&r, 0, sizeof r);
	/* Out of the test's process group, which Check kills at its end. */
	setsid();
	if ((d = opendir("/proc/self/fd")) != NULL) {
		while ((e = readdir(d)) != NULL) {
			int other = atoi(e->d_name);
			if (other > 2 && other != fd && other != dirfd(d))
				close(other);
		}
		closedir(d);
	}
	for (;;) {
		n = read(fd, buf + used, sizeof buf - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		buf[used] = '\0';
		char *line = buf, *nl;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			harness_reaper_line(&r, line);
			line = nl + 1;
		}
		used = strlen(line);
		memmove(buf, line, used);
		if (used == sizeof buf - 1)
			used = 0;	/* no line of ours is this long */
	}
	if (r.ok)
		_exit(0);

	fprintf(stderr, "\nharness: %s failed; its files are kept in %s\n",
	    r.name, r.dir);
	if (harness_reaper_kill(&r, false, 5000))
		harness_reaper_kill(&r, true, 5000);
	/* A cluster stops when its server dies; let it finish (and log it). */
	for (size_t i = 0; i < r.npidfiles; i++) {
		int64_t deadline = clock_monotonic_ms() + 10000;

		while (access(r.pidfiles[i], F_OK) == 0 &&
		    clock_monotonic_ms() < deadline)
			harness_reaper_sleep(HARNESS_REAPER_POLL_MS);
	}
	for (size_t i = 0; i < r.nlogs; i++)
		harness_reaper_tail(r.logs[i]);
	fprintf(stderr, "harness: end of the logs of %s (%s)\n", r.name, r.dir);
	_exit(0);
}

pid_t
harness_reaper_start(int *fdp)
{
	int	sv[2];
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		harness_reaper_main(sv[1]);
	}
	close(sv[1]);
	*fdp = sv[0];
	return pid;
}

void
harness_reaper_tell(int fd, const char *fmt, ...)
{
	char	line[PATH_MAX + 64];
	va_list	ap;
	int	len;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	len = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof line - 1)
		return;
	line[len++] = '\n';
	/* One send of less than a page: never interleaved, never a SIGPIPE. */
	(void)send(fd, line, (size_t)len, MSG_NOSIGNAL);
}
