/*
 * harness.c - a throwaway tdkt installation for one integration test; see
 * harness.h.
 *
 * DESIGN NOTES
 *
 * Who cleans up, by how the test ends:
 *
 *   passes  harness_free (checked teardown) stops every process, checks the
 *           exit codes, removes the directory and tells the reaper "ok"
 *   fails   a failed assertion ends the test child at once, teardown and
 *           all; the reaper sees its socket close without "ok", stops what
 *           is left, prints the logs and keeps the directory; Check also
 *           kills the test's process group
 *   hangs   Check kills the test's process group at CK_DEFAULT_TIMEOUT;
 *           then as above
 *
 * Invariants:
 * 1. The reaper hears of every process before harness_proc_start returns,
 *    and of its end before the harness forgets it (harness_proc_reap).
 * 2. Between fork and exec a child calls only async-signal-safe functions:
 *    the test process may have ZeroMQ threads by then. Everything it needs
 *    (files, the user to become) is prepared before the fork.
 * 3. Every process gets PR_SET_PDEATHSIG, so it cannot outlive the test
 *    process even if nobody else is left to stop it.
 */
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "arena.h"
#include "clock.h"
#include "curve.h"
#include "conn.h"
#include "harness.h"
#include "harness_reaper.h"
#include "xmalloc.h"

#ifndef TDKT_BIN_DIR
#error "TDKT_BIN_DIR must name the directory of the programs under test"
#endif

#define HARNESS_MAX_ARGS	32
#define HARNESS_PING_MS		1000
#define HARNESS_POLL_MS		20
#define HARNESS_LABEL_MAX	20

/* What a process is, for the order of stopping and what stops it. */
enum harness_kind {
	HARNESS_COMMAND,	/* tdkt, initdb, ...: runs to completion */
	HARNESS_WORKER,
	HARNESS_SERVER,
	HARNESS_POSTGRES	/* the external cluster */
};

/* harness_proc_start flags. */
#define HARNESS_AS_POSTGRES	0x1	/* become user postgres when root */
#define HARNESS_OWN_GROUP	0x2	/* a process group of its own */

struct harness_option {
	struct harness_option	*next;
	char			*name;
	char			*value;
};

struct harness_string {
	struct harness_string	*next;
	char			*s;
};

/* The user that runs PostgreSQL when we are root. */
struct harness_user {
	bool	drop;
	uid_t	uid;
	gid_t	gid;
};

static void
harness_sleep_ms(int64_t ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- strings, paths and files ---- */

const char *
harness_keep(struct harness *h, char *s)
{
	struct harness_string	*hs = xcalloc(1, sizeof *hs);

	hs->s = s;
	hs->next = h->strings;
	h->strings = hs;
	return s;
}

const char *
harness_path(struct harness *h, const char *fmt, ...)
{
	va_list		 ap;
	char		*name;
	const char	*path;
	int		 len;

	va_start(ap, fmt);
	len = vasprintf(&name, fmt, ap);
	va_end(ap);
	if (len < 0)
		ck_abort_msg("out of memory");
	path = harness_keep(h, xasprintf("%s/%s", h->dir, name));
	free(name);
	return path;
}

char *
harness_read_file(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*data = NULL;
	size_t	 len = 0, cap = 0, n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap * 2 + 8192;
			data = xreallocarray(data, cap, 1);
		}
		n = fread(data + len, 1, cap - len - 1, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	data[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return data;
}

const char *
harness_write(struct harness *h, const char *name, const char *content)
{
	const char	*path = harness_path(h, "%s", name);
	FILE		*fp;

	if ((fp = fopen(path, "w")) == NULL)
		ck_abort_msg("could not write \"%s\": %s", path,
		    strerror(errno));
	fputs(content, fp);
	if (fclose(fp) != 0)
		ck_abort_msg("could not write \"%s\": %s", path,
		    strerror(errno));
	return path;
}

static int
harness_rm_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	if (remove(path) < 0)
		fprintf(stderr, "harness: could not remove \"%s\": %s\n", path,
		    strerror(errno));
	return 0;
}

/* ---- options and configuration files ---- */

static void
harness_option_set(struct harness_option **list, const char *name,
    const char *value)
{
	struct harness_option	**pp, *o;

	for (pp = list; (o = *pp) != NULL; pp = &o->next) {
		if (strcmp(o->name, name) == 0) {
			free(o->value);
			o->value = xstrdup(value);
			return;
		}
	}
	o = xcalloc(1, sizeof *o);
	o->name = xstrdup(name);
	o->value = xstrdup(value);
	*pp = o;
}

static void
harness_options_free(struct harness_option **list)
{
	struct harness_option	*o, *next;

	for (o = *list; o != NULL; o = next) {
		next = o->next;
		free(o->name);
		free(o->value);
		free(o);
	}
	*list = NULL;
}

void
harness_server_set(struct harness *h, const char *name, const char *value)
{
	harness_option_set(&h->server_options, name, value);
}

void
harness_worker_set(struct harness *h, const char *name, const char *value)
{
	harness_option_set(&h->worker_options, name, value);
}

static void
harness_yaml_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/*
 * Writes `options` as YAML to DIR/name: dotted names become one level of
 * nested mappings ("workers.heartbeat_ms" under "workers:"), which is all
 * the option tables use. Returns the path, owned by the harness.
 */
static const char *
harness_write_options(struct harness *h, const char *name,
    const struct harness_option *options)
{
	const char			*path = harness_path(h, "%s", name);
	const struct harness_option	*o, *q;
	FILE				*fp;

	if ((fp = fopen(path, "w")) == NULL)
		ck_abort_msg("could not write \"%s\": %s", path,
		    strerror(errno));
	fprintf(fp, "# %s - written by the integration test harness\n", name);
	for (o = options; o != NULL; o = o->next) {
		const char	*dot = strchr(o->name, '.');
		size_t		 slen;
		bool		 done = false;

		if (dot == NULL) {
			fprintf(fp, "%s: ", o->name);
			harness_yaml_quoted(fp, o->value);
			fputc('\n', fp);
			continue;
		}
		/* A section is written once, where its first option is. */
		slen = (size_t)(dot - o->name);
		for (q = options; q != o; q = q->next)
			done = done ||
			    strncmp(q->name, o->name, slen + 1) == 0;
		if (done)
			continue;
		fprintf(fp, "%.*s:\n", (int)slen, o->name);
		for (q = o; q != NULL; q = q->next) {
			if (strncmp(q->name, o->name, slen + 1) != 0)
				continue;
			fprintf(fp, "  %s: ", q->name + slen + 1);
			harness_yaml_quoted(fp, q->value);
			fputc('\n', fp);
		}
	}
	if (fclose(fp) != 0)
		ck_abort_msg("could not write \"%s\": %s", path,
		    strerror(errno));
	return path;
}

/*
 * Writes DIR/client-USER.yaml (DIR/client.yaml for the administrator): the
 * server, its public key, and a session file of the user's own.
 */
static const char *
harness_client_config(struct harness *h, const char *user)
{
	struct harness_option	*client = NULL;
	const char		*path;
	char			*name = strcmp(user, "admin") == 0 ?
				    xstrdup("client.yaml") :
				    xasprintf("client-%s.yaml", user);

	harness_option_set(&client, "server", h->clients_endpoint);
	harness_option_set(&client, "server_public_key",
	    h->server_keys.public_key);
	harness_option_set(&client, "session_file",
	    harness_path(h, "session-%s", user));
	harness_option_set(&client, "events", h->events_endpoint);
	harness_option_set(&client, "timeout_ms", "15000");
	harness_option_set(&client, "retries", "0");
	path = harness_write_options(h, name, client);
	harness_options_free(&client);
	free(name);
	return path;
}

const char *
harness_server_config(struct harness *h, const char *name)
{
	return harness_write_options(h, name, h->server_options);
}

/* ---- processes ---- */

static int
harness_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

static void
harness_user_postgres(struct harness_user *u)
{
	struct passwd	*pw;

	memset(u, 0, sizeof *u);
	if (geteuid() != 0)
		return;
	if ((pw = getpwnam("postgres")) == NULL)
		ck_abort_msg("running as root, but there is no user "
		    "\"postgres\" to run PostgreSQL as");
	u->drop = true;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
}

static int
harness_open_output(const char *path)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		ck_abort_msg("could not open \"%s\": %s", path,
		    strerror(errno));
	return fd;
}

/*
 * Forks and execs argv with stdin from /dev/null and stdout and stderr
 * appended to the files given (err_path NULL: both to out_path). Records
 * the process and tells the reaper; returns it.
 */
static struct harness_proc *
harness_proc_start(struct harness *h, enum harness_kind kind, const char *name,
    char *const argv[], const char *out_path, const char *err_path, int flags)
{
	struct harness_proc	*p;
	struct harness_user	 u = { 0 };
	struct stat		 st;
	pid_t			 parent = getpid(), pid;
	int			 out_fd, err_fd, null_fd, death_signal;

	p = xcalloc(1, sizeof *p);
	p->name = xstrdup(name);
	p->pid = -1;
	p->kind = (int)kind;
	p->stop_signal = kind == HARNESS_POSTGRES ? SIGINT : SIGTERM;
	p->out_path = xstrdup(out_path);
	p->err_path = xstrdup(err_path != NULL ? err_path : out_path);
	p->log_start = stat(out_path, &st) == 0 ? (long)st.st_size : 0;
	p->next = h->procs;
	h->procs = p;

	if (flags & HARNESS_AS_POSTGRES)
		harness_user_postgres(&u);
	/* PostgreSQL shuts down cleanly on SIGINT; ours need no such care. */
	death_signal = kind == HARNESS_POSTGRES ? SIGINT : SIGKILL;
	out_fd = harness_open_output(out_path);
	err_fd = err_path != NULL ? harness_open_output(err_path) : out_fd;
	if ((null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		ck_abort_msg("could not open /dev/null: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		ck_abort_msg("could not fork: %s", strerror(errno));
	if (pid == 0) {
		sigset_t	none;

		/* Async-signal-safe calls only from here on (invariant 2). */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(null_fd, STDIN_FILENO) < 0 ||
		    dup2(out_fd, STDOUT_FILENO) < 0 ||
		    dup2(err_fd, STDERR_FILENO) < 0)
			_exit(126);
		if (flags & HARNESS_OWN_GROUP)
			setpgid(0, 0);
		if (u.drop && (setgroups(1, &u.gid) < 0 || setgid(u.gid) < 0 ||
		    setuid(u.uid) < 0)) {
			static const char msg[] = "harness: cannot setuid\n";
			(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
			_exit(126);
		}
		/* After setuid, which clears it (invariant 3). */
		prctl(PR_SET_PDEATHSIG, death_signal);
		if (getppid() != parent)
			_exit(126);
		execv(argv[0], argv);
		static const char msg[] = "harness: cannot execute it\n";
		(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
		_exit(127);
	}
	close(null_fd);
	if (err_fd != out_fd)
		close(err_fd);
	close(out_fd);
	p->pid = pid;
	harness_reaper_tell(h->reaper_fd, "proc %ld %d", (long)pid,
	    kind == HARNESS_COMMAND ? SIGKILL : p->stop_signal);
	return p;
}

/* Notes that `p` exited with `status` (invariant 1). */
static void
harness_proc_reap(struct harness *h, struct harness_proc *p, int status)
{
	harness_reaper_tell(h->reaper_fd, "gone %ld", (long)p->pid);
	p->code = harness_status_code(status);
	p->pid = -1;
}

bool
harness_proc_running(struct harness *h, struct harness_proc *p)
{
	int	status;
	pid_t	r;

	if (p->pid < 0)
		return false;
	while ((r = waitpid(p->pid, &status, WNOHANG)) < 0 && errno == EINTR)
		;
	if (r == 0)
		return true;
	if (r < 0)
		status = 255 << 8;	/* not our child any more: cannot be */
	harness_proc_reap(h, p, status);
	return false;
}

int
harness_proc_wait(struct harness *h, struct harness_proc *p, int64_t timeout_ms)
{
	int64_t	deadline = clock_monotonic_ms() + timeout_ms;

	for (;;) {
		if (!harness_proc_running(h, p)) {
			p->reported = true;
			return p->code;
		}
		if (clock_monotonic_ms() >= deadline)
			return HARNESS_TIMEOUT;
		harness_sleep_ms(HARNESS_POLL_MS / 2);
	}
}

int
harness_proc_stop(struct harness *h, struct harness_proc *p, int signo)
{
	int	status;

	if (!harness_proc_running(h, p)) {
		p->reported = true;
		return p->code;
	}
	kill(p->pid, signo);
	if (harness_proc_wait(h, p, HARNESS_STOP_MS) != HARNESS_TIMEOUT)
		return p->code;
	fprintf(stderr, "harness: %s (pid %ld) did not exit within %d ms of "
	    "signal %d; killing it\n", p->name, (long)p->pid, HARNESS_STOP_MS,
	    signo);
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	harness_proc_reap(h, p, status);
	p->reported = true;
	return HARNESS_TIMEOUT;
}

static void
harness_proc_free(struct harness_proc *p)
{
	free(p->name);
	free(p->out_path);
	free(p->err_path);
	free(p);
}

/* argv[0] for a program of the build, or the path given. */
static char *
harness_program(const char *program)
{
	if (strchr(program, '/') != NULL)
		return xstrdup(program);
	return xasprintf("%s/%s", TDKT_BIN_DIR, program);
}

/* Fills argv with `prefix`, then the strings of `ap` up to NULL, then NULL. */
static void
harness_argv(char **argv, size_t max, const char *const *prefix,
    size_t nprefix, va_list ap)
{
	size_t		 n = 0;
	const char	*arg;

	for (; n < nprefix; n++)
		argv[n] = (char *)prefix[n];
	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (n + 1 >= max)
			ck_abort_msg("too many arguments for one command");
		argv[n++] = (char *)arg;
	}
	argv[n] = NULL;
}

static struct harness_proc *
harness_command_start(struct harness *h, char **argv, int flags)
{
	const char	*base = strrchr(argv[0], '/');
	unsigned	 n = ++h->nruns;

	base = base != NULL ? base + 1 : argv[0];
	return harness_proc_start(h, HARNESS_COMMAND, base, argv,
	    harness_path(h, "run-%02u-%s.out", n, base),
	    harness_path(h, "run-%02u-%s.err", n, base), flags);
}

int
harness_proc_output(struct harness *h, struct harness_proc *p,
    struct harness_output *out, int64_t timeout_ms)
{
	memset(out, 0, sizeof *out);
	out->code = harness_proc_wait(h, p, timeout_ms);
	if ((out->out = harness_read_file(p->out_path, NULL)) == NULL)
		out->out = xstrdup("");
	if ((out->err = harness_read_file(p->err_path, NULL)) == NULL)
		out->err = xstrdup("");
	return out->code;
}

/* Runs argv to completion (or kills it at the deadline) and fills `out`. */
static int
harness_run_argv(struct harness *h, struct harness_output *out, char **argv,
    int flags)
{
	struct harness_proc	*p = harness_command_start(h, argv, flags);

	if (harness_proc_output(h, p, out, HARNESS_RUN_MS) == HARNESS_TIMEOUT) {
		fprintf(stderr, "harness: %s did not finish within %d ms\n",
		    argv[0], HARNESS_RUN_MS);
		harness_proc_stop(h, p, SIGKILL);
		out->code = HARNESS_TIMEOUT;
	}
	return out->code;
}

int
harness_run(struct harness *h, struct harness_output *out,
    const char *program, ...)
{
	char	*argv[HARNESS_MAX_ARGS], *path = harness_program(program);
	va_list	 ap;
	int	 code;

	va_start(ap, program);
	harness_argv(argv, HARNESS_MAX_ARGS, (const char *const *)&path, 1, ap);
	va_end(ap);
	code = harness_run_argv(h, out, argv, 0);
	free(path);
	return code;
}

int
harness_cli(struct harness *h, struct harness_output *out, ...)
{
	char	*path = harness_program("tdkt");
	char	*argv[HARNESS_MAX_ARGS];
	va_list	 ap;
	int	 code;

	const char *prefix[] = { path, "--config", h->client_config };
	va_start(ap, out);
	harness_argv(argv, HARNESS_MAX_ARGS, prefix, 3, ap);
	va_end(ap);
	code = harness_run_argv(h, out, argv, 0);
	free(path);
	return code;
}

/* Starts tdkt with client configuration `config` and the arguments in `ap`. */
static struct harness_proc *
harness_cli_start_ap(struct harness *h, const char *config, va_list ap)
{
	char			*path = harness_program("tdkt");
	char			*argv[HARNESS_MAX_ARGS];
	struct harness_proc	*p;
	const char		*prefix[] = { path, "--config", config };

	harness_argv(argv, HARNESS_MAX_ARGS, prefix, 3, ap);
	p = harness_command_start(h, argv, 0);
	free(path);
	return p;
}

struct harness_proc *
harness_cli_start(struct harness *h, ...)
{
	struct harness_proc	*p;
	va_list			 ap;

	va_start(ap, h);
	p = harness_cli_start_ap(h, h->client_config, ap);
	va_end(ap);
	return p;
}

struct harness_proc *
harness_cli_start_as(struct harness *h, const char *user, ...)
{
	struct harness_proc	*p;
	va_list			 ap;

	va_start(ap, user);
	p = harness_cli_start_ap(h, strcmp(user, "admin") == 0 ?
	    h->client_config : harness_path(h, "client-%s.yaml", user), ap);
	va_end(ap);
	return p;
}

struct harness_proc *
harness_program_start(struct harness *h, const char *program, ...)
{
	char			*argv[HARNESS_MAX_ARGS];
	char			*path = harness_program(program);
	struct harness_proc	*p;
	va_list			 ap;

	va_start(ap, program);
	harness_argv(argv, HARNESS_MAX_ARGS, (const char *const *)&path, 1, ap);
	va_end(ap);
	p = harness_command_start(h, argv, 0);
	free(path);
	return p;
}

enum conn_status
harness_call(struct harness *h, const char *user, Tdkt__ClientEnvelope *req,
    const char *idempotency_key, struct arena *a,
    Tdkt__ClientEnvelope **reply)
{
	struct conn_options	 opts = {
		.endpoint = h->clients_endpoint,
		.server_public_key = h->server_keys.public_key,
		.timeout_ms = 15000,
		.retries = 0,
		.max_message_bytes = 16 * 1024 * 1024,
	};
	struct conn		*c = conn_new(&opts);
	const char		*cause = "";
	enum conn_status	 st;

	req->session_token = (char *)harness_session(h, user);
	req->idempotency_key = (char *)(idempotency_key != NULL ?
	    idempotency_key : "");
	st = conn_call(c, req, a, reply, &cause);
	conn_free(&c);
	return st;
}

const char *
harness_watch(struct harness *h, const char *user, void *sub)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WatchRequest	 in = TDKT__WATCH_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply = NULL;
	struct arena		*a = arena_new(1024 * 1024);
	const char		*topic;

	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WATCH_REQUEST;
	req.watch_request = &in;
	ck_assert_int_eq(harness_call(h, user, &req, NULL, a, &reply), CONN_OK);
	ck_assert_int_eq(reply->body_case,
	    TDKT__CLIENT_ENVELOPE__BODY_WATCH_REPLY);
	topic = harness_keep(h, xstrdup(reply->watch_reply->topic));
	arena_free(&a);
	ck_assert_int_eq(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, topic,
	    strlen(topic)), 0);
	ck_assert_int_eq(harness_socket_connect(h, sub, h->events_endpoint,
	    HARNESS_WAIT_MS), 0);
	return topic;
}

void
harness_output_clear(struct harness_output *out)
{
	free(out->out);
	free(out->err);
	out->out = out->err = NULL;
}

/* ---- server and workers ---- */

void
harness_init(struct harness *h)
{
	struct harness_output	 out;
	const char		*base;

	base = harness_server_config(h, "base.yaml");
	harness_run(h, &out, "tdkt-server", "-c", base, "init", "--data-dir",
	    h->data_dir, "--admin-password-file", harness_path(h, "admin.pw"),
	    NULL);
	ck_assert_msg(out.code == 0, "tdkt-server init exited %d:\n%s%s",
	    out.code, out.out, out.err);
	harness_output_clear(&out);
	h->initialised = true;
	harness_reaper_tell(h->reaper_fd, "log %s/log/postgresql.log",
	    h->data_dir);
	harness_reaper_tell(h->reaper_fd, "pidfile %s/pg/postmaster.pid",
	    h->data_dir);
}

struct harness_proc *
harness_server_start(struct harness *h, const char *config)
{
	struct harness_proc	*p;
	const char		*log = harness_path(h, "server.log");
	char			*argv[4];
	int64_t			 deadline;
	FILE			*fp;

	ck_assert_msg(h->server == NULL, "the server is already running");
	argv[0] = harness_program("tdkt-server");
	argv[1] = "-c";
	argv[2] = (char *)(config != NULL ? config : h->server_config);
	argv[3] = NULL;
	/* Restarts append to the same log; mark where each begins. */
	if ((fp = fopen(log, "a")) != NULL) {
		fprintf(fp, "==== harness: tdkt-server -c %s ====\n", argv[2]);
		fclose(fp);
	}
	harness_reaper_tell(h->reaper_fd, "log %s", log);
	p = harness_proc_start(h, HARNESS_SERVER, "server", argv, log, NULL, 0);
	free(argv[0]);
	h->server = p;

	deadline = clock_monotonic_ms() + HARNESS_START_MS;
	while (harness_ping(h, NULL) < 0) {
		if (!harness_proc_running(h, p))
			ck_abort_msg("tdkt-server exited %d before it answered "
			    "a ping; see %s", p->code, log);
		if (clock_monotonic_ms() >= deadline)
			ck_abort_msg("tdkt-server did not answer a ping within "
			    "%d ms; see %s", HARNESS_START_MS, log);
		harness_sleep_ms(HARNESS_POLL_MS);
	}
	/* Only harness_init makes the administrator (a bare migrate does not). */
	if (h->initialised && !h->admin_ready) {
		struct harness_output	out;

		harness_cli(h, &out, "login", "admin", "--password-file",
		    harness_path(h, "admin.pw"), NULL);
		ck_assert_msg(out.code == 0, "the administrator could not log "
		    "in (%d):\n%s%s", out.code, out.out, out.err);
		harness_output_clear(&out);
		harness_cli(h, &out, "worker", "allow", "--name", "harness", "--",
		    h->worker_keys.public_key, NULL);
		ck_assert_msg(out.code == 0, "could not allow the workers' key "
		    "(%d):\n%s%s", out.code, out.out, out.err);
		harness_output_clear(&out);
		h->admin_ready = true;
	}
	return p;
}

void
harness_user(struct harness *h, const char *username, const char *unit, ...)
{
	struct harness_output	 out;
	char			*argv[HARNESS_MAX_ARGS];
	char			*path = harness_program("tdkt");
	const char		*role, *config;
	size_t			 n = 0;
	va_list			 ap;

	argv[n++] = path;
	argv[n++] = "--config";
	argv[n++] = h->client_config;
	argv[n++] = "user";
	argv[n++] = "add";
	argv[n++] = (char *)username;
	argv[n++] = "--name";
	argv[n++] = "Người dùng thử nghiệm";
	argv[n++] = "--password-file";
	argv[n++] = (char *)harness_path(h, "admin.pw");
	if (unit != NULL) {
		argv[n++] = "--unit";
		argv[n++] = (char *)unit;
	}
	va_start(ap, unit);
	while ((role = va_arg(ap, const char *)) != NULL &&
	    n + 3 < HARNESS_MAX_ARGS) {
		argv[n++] = "--role";
		argv[n++] = (char *)role;
	}
	va_end(ap);
	argv[n] = NULL;
	harness_run_argv(h, &out, argv, 0);
	free(path);
	ck_assert_msg(out.code == 0, "could not add the account %s (%d):\n%s%s",
	    username, out.code, out.out, out.err);
	harness_output_clear(&out);

	config = harness_client_config(h, username);
	path = harness_program("tdkt");
	argv[0] = path;
	argv[1] = "--config";
	argv[2] = (char *)config;
	argv[3] = "login";
	argv[4] = (char *)username;
	argv[5] = "--password-file";
	argv[6] = (char *)harness_path(h, "admin.pw");
	argv[7] = NULL;
	harness_run_argv(h, &out, argv, 0);
	free(path);
	ck_assert_msg(out.code == 0, "%s could not log in (%d):\n%s%s",
	    username, out.code, out.out, out.err);
	harness_output_clear(&out);
}

const char *
harness_session(struct harness *h, const char *user)
{
	char	*text = harness_read_file(harness_path(h, "session-%s", user),
		    NULL);

	ck_assert_msg(text != NULL, "%s has no session", user);
	text[strcspn(text, "\n")] = '\0';
	return harness_keep(h, text);
}

int
harness_cli_as(struct harness *h, struct harness_output *out,
    const char *user, ...)
{
	char		*path = harness_program("tdkt");
	char		*argv[HARNESS_MAX_ARGS];
	va_list		 ap;
	int		 code;
	const char	*prefix[] = { path, "--config", strcmp(user, "admin") == 0 ?
			    h->client_config :
			    harness_path(h, "client-%s.yaml", user) };

	va_start(ap, user);
	harness_argv(argv, HARNESS_MAX_ARGS, prefix, 3, ap);
	va_end(ap);
	code = harness_run_argv(h, out, argv, 0);
	free(path);
	return code;
}

const char *
harness_source(struct harness *h, const char *rel)
{
	return harness_keep(h, xasprintf("%s/%s", TDKT_SOURCE_DIR, rel));
}

void
harness_load_district1(struct harness *h)
{
	static const char *const steps[][3] = {
		{ "import", "units", "config/demo/q1-units.csv" },
		{ "import", "people", "config/demo/q1-people.csv" },
		{ "rulebook", "load", "config/rulebooks/q1-2023-2024.yaml" },
	};
	struct harness_output	out;

	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		harness_cli(h, &out, steps[i][0], steps[i][1],
		    harness_source(h, steps[i][2]), NULL);
		ck_assert_msg(out.code == 0, "%s %s %s exited %d:\n%s%s",
		    steps[i][0], steps[i][1], steps[i][2], out.code, out.out,
		    out.err);
		harness_output_clear(&out);
	}
}

int
harness_server_stop(struct harness *h)
{
	struct harness_proc	*p = h->server;

	ck_assert_msg(p != NULL, "the server is not running");
	h->server = NULL;
	return harness_proc_stop(h, p, SIGTERM);
}

struct harness_proc *
harness_worker_start(struct harness *h, const char *name)
{
	struct harness_proc	*p;
	char			*file = xasprintf("worker-%s.yaml", name);
	char			*label = xasprintf("worker %s", name);
	const char		*log = harness_path(h, "worker-%s.log", name);
	char			*argv[4];

	harness_worker_set(h, "name", name);
	argv[0] = harness_program("tdkt-worker");
	argv[1] = "-c";
	argv[2] = (char *)harness_write_options(h, file, h->worker_options);
	argv[3] = NULL;
	harness_reaper_tell(h->reaper_fd, "log %s", log);
	p = harness_proc_start(h, HARNESS_WORKER, label, argv, log, NULL, 0);
	free(argv[0]);
	free(label);
	free(file);
	return p;
}

void
harness_start(struct harness *h, unsigned nworkers)
{
	harness_init(h);
	harness_server_start(h, NULL);
	for (unsigned i = 1; i <= nworkers; i++) {
		char	name[16];

		snprintf(name, sizeof name, "w%u", i);
		harness_worker_start(h, name);
	}
	harness_wait_workers(h, nworkers);
}

int
harness_ping(struct harness *h, struct harness_pong *pong)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__PingRequest	 ping = TDKT__PING_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	const char		*cause;
	int			 rc = -1;

	if (h->conn == NULL) {
		struct conn_options	opts = {
			.endpoint = h->clients_endpoint,
			.server_public_key = h->server_keys.public_key,
			.timeout_ms = HARNESS_PING_MS,
			.retries = 0,
			.max_message_bytes = 16 * 1024 * 1024,
		};
		h->conn = conn_new(&opts);
	}
	a = arena_new(1024 * 1024);
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_PING_REQUEST;
	req.ping_request = &ping;
	if (conn_call(h->conn, &req, a, &reply, &cause) == CONN_OK &&
	    reply->body_case == TDKT__CLIENT_ENVELOPE__BODY_PING_REPLY) {
		if (pong != NULL) {
			const Tdkt__PingReply *r = reply->ping_reply;

			memset(pong, 0, sizeof *pong);
			pong->workers_connected = r->workers_connected;
			pong->schema_version = r->schema_version;
			pong->protocol_version = r->protocol_version;
			snprintf(pong->postgres_version,
			    sizeof pong->postgres_version, "%s",
			    r->postgres_version);
			snprintf(pong->installation_id,
			    sizeof pong->installation_id, "%s",
			    r->installation_id);
		}
		rc = 0;
	}
	arena_free(&a);
	return rc;
}

void
harness_wait_workers(struct harness *h, uint32_t n)
{
	struct harness_pong	pong = { 0 };
	int64_t			deadline;
	bool			answered = false;

	deadline = clock_monotonic_ms() + HARNESS_WAIT_MS;
	for (;;) {
		if (harness_ping(h, &pong) == 0) {
			answered = true;
			if (pong.workers_connected == n)
				return;
		}
		if (clock_monotonic_ms() >= deadline)
			break;
		harness_sleep_ms(HARNESS_POLL_MS * 2);
	}
	if (!answered)
		ck_abort_msg("the server stopped answering pings while waiting "
		    "for %u workers", n);
	ck_abort_msg("the server reports %u workers connected, not %u, after "
	    "%d ms", pong.workers_connected, n, HARNESS_WAIT_MS);
}

/* ---- logs ---- */

/* The rest of the line after `needle` in what `p` logged, or NULL. */
static char *
harness_log_find(struct harness_proc *p, const char *needle)
{
	char	*data, *hit, *end, *rest = NULL;
	size_t	 len;

	if ((data = harness_read_file(p->out_path, &len)) == NULL)
		return NULL;
	if ((size_t)p->log_start <= len &&
	    (hit = strstr(data + p->log_start, needle)) != NULL) {
		hit += strlen(needle);
		end = hit + strcspn(hit, "\n");
		rest = xstrndup(hit, (size_t)(end - hit));
	}
	free(data);
	return rest;
}

bool
harness_log_contains(struct harness *h, struct harness_proc *p,
    const char *needle)
{
	char	*rest = harness_log_find(p, needle);
	bool	 found = rest != NULL;

	(void)h;
	free(rest);
	return found;
}

const char *
harness_log_wait(struct harness *h, struct harness_proc *p, const char *needle,
    int64_t timeout_ms)
{
	int64_t	 deadline = clock_monotonic_ms() + timeout_ms;
	char	*rest;

	for (;;) {
		if ((rest = harness_log_find(p, needle)) != NULL)
			return harness_keep(h, rest);
		if (clock_monotonic_ms() >= deadline)
			return NULL;
		harness_sleep_ms(HARNESS_POLL_MS);
	}
}

/* ---- the external PostgreSQL ---- */

/*
 * The newest /usr/lib/postgresql/N/bin that holds postgres; fails the test
 * if there is none.
 */
static char *
harness_pg_bindir(void)
{
	DIR		*d;
	struct dirent	*e;
	long		 best = -1;

	if ((d = opendir("/usr/lib/postgresql")) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char	*end, *path;
			long	 v = strtol(e->d_name, &end, 10);

			if (*end != '\0' || end == e->d_name || v <= best)
				continue;
			path = xasprintf("/usr/lib/postgresql/%ld/bin/postgres",
			    v);
			if (access(path, X_OK) == 0)
				best = v;
			free(path);
		}
		closedir(d);
	}
	if (best < 0)
		ck_abort_msg("no PostgreSQL under /usr/lib/postgresql/*/bin");
	return xasprintf("/usr/lib/postgresql/%ld/bin", best);
}

static void
harness_mkdir_for_postgres(const char *path)
{
	struct harness_user	u;

	harness_user_postgres(&u);
	if (mkdir(path, 0700) < 0 ||
	    (u.drop && chown(path, u.uid, u.gid) < 0))
		ck_abort_msg("could not create \"%s\": %s", path,
		    strerror(errno));
}

/* True once postmaster.pid says the cluster accepts connections. */
static bool
harness_extpg_ready(const char *data)
{
	char	*pidfile = xasprintf("%s/postmaster.pid", data);
	char	*text = harness_read_file(pidfile, NULL);
	bool	 ready = text != NULL && strstr(text, "\nready") != NULL;

	free(text);
	free(pidfile);
	return ready;
}

const char *
harness_extpg_start(struct harness *h)
{
	struct harness_output	 out;
	char			*bindir = harness_pg_bindir();
	const char		*data = harness_path(h, "extpg");
	const char		*sock = harness_path(h, "extsock");
	const char		*log = harness_path(h, "extpg.log");
	int64_t			 deadline;

	ck_assert_msg(h->extpg == NULL, "the external PostgreSQL already runs");
	if (access(harness_path(h, "extpg/PG_VERSION"), F_OK) == 0)
		goto start;	/* a restart of the cluster made before */
	harness_mkdir_for_postgres(data);
	harness_mkdir_for_postgres(sock);

	char *initdb[] = {
		xasprintf("%s/initdb", bindir), "-D", (char *)data,
		"-U", "tdkt", "--auth=trust", "-N", "-E", "UTF8",
		"--locale=C.UTF-8", NULL
	};
	harness_run_argv(h, &out, initdb, HARNESS_AS_POSTGRES);
	ck_assert_msg(out.code == 0, "initdb exited %d:\n%s%s", out.code,
	    out.out, out.err);
	harness_output_clear(&out);
	free(initdb[0]);

start:;
	char *postgres[] = {
		xasprintf("%s/postgres", bindir), "-D", (char *)data,
		"-k", (char *)sock, "-c", "listen_addresses=",
		"-c", "fsync=off", NULL
	};
	harness_reaper_tell(h->reaper_fd, "log %s", log);
	harness_reaper_tell(h->reaper_fd, "pidfile %s/postmaster.pid", data);
	h->extpg = harness_proc_start(h, HARNESS_POSTGRES, "postgres", postgres,
	    log, NULL, HARNESS_AS_POSTGRES | HARNESS_OWN_GROUP);
	free(postgres[0]);
	free(bindir);

	deadline = clock_monotonic_ms() + HARNESS_START_MS;
	while (!harness_extpg_ready(data)) {
		if (!harness_proc_running(h, h->extpg))
			ck_abort_msg("the external PostgreSQL exited %d while "
			    "starting; see %s", h->extpg->code, log);
		if (clock_monotonic_ms() >= deadline)
			ck_abort_msg("the external PostgreSQL did not start "
			    "within %d ms; see %s", HARNESS_START_MS, log);
		harness_sleep_ms(HARNESS_POLL_MS);
	}
	return harness_keep(h, xasprintf("host=%s port=5432 user=tdkt "
	    "dbname=postgres", sock));
}

int
harness_extpg_stop(struct harness *h)
{
	struct harness_proc	*p = h->extpg;

	ck_assert_msg(p != NULL, "the external PostgreSQL is not running");
	h->extpg = NULL;
	return harness_proc_stop(h, p, SIGINT);
}

/* ---- ZeroMQ sockets ---- */

void *
harness_socket(struct harness *h, int type)
{
	void	*s;
	int	 zero = 0;
	size_t	 i;

	if (h->zctx == NULL && (h->zctx = zmq_ctx_new()) == NULL)
		ck_abort_msg("zmq_ctx_new: %s", zmq_strerror(errno));
	for (i = 0; i < sizeof h->sockets / sizeof h->sockets[0]; i++) {
		if (h->sockets[i] == NULL)
			break;
	}
	ck_assert_msg(i < sizeof h->sockets / sizeof h->sockets[0],
	    "too many sockets open in one test");
	if ((s = zmq_socket(h->zctx, type)) == NULL ||
	    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero) < 0)
		ck_abort_msg("could not create a socket: %s",
		    zmq_strerror(errno));
	h->sockets[i] = s;
	return s;
}

void
harness_socket_close(struct harness *h, void **sockp)
{
	if (*sockp == NULL)
		return;
	for (size_t i = 0; i < sizeof h->sockets / sizeof h->sockets[0]; i++) {
		if (h->sockets[i] == *sockp)
			h->sockets[i] = NULL;
	}
	zmq_close(*sockp);
	*sockp = NULL;
}

int
harness_socket_connect(struct harness *h, void *sock, const char *endpoint,
    int64_t handshake_ms)
{
	struct harness_message	 m;
	char			 addr[64];
	void			*mon = NULL;
	int64_t			 deadline;
	int			 rc = 0;

	if (handshake_ms > 0) {
		/* Listening before connecting, so no event can be missed. */
		snprintf(addr, sizeof addr, "inproc://harness-monitor-%p",
		    sock);
		if (zmq_socket_monitor(sock, addr,
		    ZMQ_EVENT_HANDSHAKE_SUCCEEDED) < 0 ||
		    (mon = zmq_socket(h->zctx, ZMQ_PAIR)) == NULL ||
		    zmq_connect(mon, addr) < 0)
			ck_abort_msg("could not monitor a socket: %s",
			    zmq_strerror(errno));
	}
	/* Our TCP sockets speak CURVE; toward workers with the allowed key. */
	if (strncmp(endpoint, "tcp://", 6) == 0 &&
	    curve_setup_client(sock, h->server_keys.public_key,
	    strcmp(endpoint, h->workers_endpoint) == 0 ? &h->worker_keys :
	    NULL) < 0)
		ck_abort_msg("could not set up CURVE: %s", zmq_strerror(errno));
	if (zmq_connect(sock, endpoint) < 0)
		rc = -1;
	else if (mon != NULL) {
		rc = -1;
		deadline = clock_monotonic_ms() + handshake_ms;
		while (rc < 0 && harness_recv(mon,
		    deadline - clock_monotonic_ms(), &m) == 0) {
			uint16_t	event = 0;

			/* Frame 1: the event (16 bits), its value (32). */
			if (m.n >= 1 && m.len[0] >= sizeof event)
				memcpy(&event, m.data[0], sizeof event);
			if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
				rc = 0;
			harness_message_clear(&m);
		}
	}
	if (mon != NULL) {
		zmq_socket_monitor(sock, NULL, 0);
		zmq_close(mon);
	}
	return rc;
}

int
harness_send(void *sock, const ProtobufCMessage *msg)
{
	size_t	 len = protobuf_c_message_get_packed_size(msg);
	void	*buf = xmalloc(len > 0 ? len : 1);
	int	 rc;

	protobuf_c_message_pack(msg, buf);
	rc = zmq_send(sock, buf, len, ZMQ_DONTWAIT) < 0 ? -1 : 0;
	free(buf);
	return rc;
}

int
harness_recv(void *sock, int64_t timeout_ms, struct harness_message *m)
{
	int64_t	deadline = clock_monotonic_ms() + timeout_ms;
	int	more;
	size_t	more_len;

	memset(m, 0, sizeof *m);
	for (;;) {
		zmq_pollitem_t	item = { sock, 0, ZMQ_POLLIN, 0 };
		int64_t		left = deadline - clock_monotonic_ms();

		if (left <= 0)
			return -1;
		if (zmq_poll(&item, 1, (long)left) < 0 && errno != EINTR)
			ck_abort_msg("zmq_poll: %s", zmq_strerror(errno));
		if (item.revents & ZMQ_POLLIN)
			break;
	}
	do {
		zmq_msg_t	f;

		zmq_msg_init(&f);
		/* The rest of a message arrives with its first frame. */
		if (zmq_msg_recv(&f, sock,
		    m->total == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(&f);
			if (m->total == 0 && errno == EAGAIN)
				return -1;
			ck_abort_msg("zmq_msg_recv: %s", zmq_strerror(errno));
		}
		if (m->n < HARNESS_MAX_FRAMES) {
			m->len[m->n] = zmq_msg_size(&f);
			m->data[m->n] = xmalloc(m->len[m->n] + 1);
			memcpy(m->data[m->n], zmq_msg_data(&f), m->len[m->n]);
			m->data[m->n][m->len[m->n]] = '\0';
			m->n++;
		}
		m->total++;
		zmq_msg_close(&f);
		more_len = sizeof more;
		if (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &more_len) < 0)
			more = 0;
	} while (more);
	return 0;
}

void
harness_message_clear(struct harness_message *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->data[i]);
	memset(m, 0, sizeof *m);
}

Tdkt__ClientEnvelope *
harness_recv_envelope(void *sock, int64_t timeout_ms)
{
	struct harness_message	 m;
	Tdkt__ClientEnvelope	*env = NULL;

	if (harness_recv(sock, timeout_ms, &m) < 0)
		return NULL;
	if (m.total == 1)
		env = tdkt__client_envelope__unpack(NULL, m.len[0], m.data[0]);
	harness_message_clear(&m);
	return env;
}

/* ---- the harness ---- */

/* The running test's name, shortened for a directory name. */
static char *
harness_label(void)
{
	const char	*name = tcase_name();
	char		*label;
	size_t		 n = 0;

	if (name == NULL)
		name = "test";
	if (strncmp(name, "test_", 5) == 0)
		name += 5;
	label = xcalloc(1, HARNESS_LABEL_MAX + 1);
	for (; *name != '\0' && n < HARNESS_LABEL_MAX; name++) {
		char	c = *name;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			label[n++] = c;
		else if (c == '_' || c == '-')
			label[n++] = '-';
	}
	return label;
}

/*
 * Lowest port to hand out, and where the kernel's ephemeral ports (for
 * outgoing connections) begin when /proc does not say.
 */
#define HARNESS_PORT_MIN	10000
#define HARNESS_EPHEMERAL_MIN	32768

/*
 * Binds a TCP socket to 127.0.0.1:port (0: any free port); returns it with
 * *port set to the port it got, or -1.
 */
static int
harness_bind_port(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)*port);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/*
 * Fills ports[] with distinct free TCP ports on 127.0.0.1. They are chosen
 * below the ephemeral range, so that between now and the server's bind no
 * outgoing connection (a reconnecting worker, another test) can be given one
 * as its local port, and a worker can never connect to itself while the
 * server restarts. Each is checked by binding it; the kernel picks (bind to
 * port 0) if no such port is found.
 */
static void
harness_free_ports(int *ports, size_t n)
{
	int		 fds[8];
	unsigned	 lo = HARNESS_EPHEMERAL_MIN, hi, seed;
	FILE		*fp;

	ck_assert(n <= sizeof fds / sizeof fds[0]);
	fp = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (fp != NULL) {
		if (fscanf(fp, "%u %u", &lo, &hi) != 2)
			lo = HARNESS_EPHEMERAL_MIN;
		fclose(fp);
	}
	if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		seed = (unsigned)getpid() ^ (unsigned)clock_wall_ms();
	/* All held at once so they differ; released before the server binds. */
	for (size_t i = 0; i < n; i++) {
		fds[i] = -1;
		for (int tries = 0; fds[i] < 0 && tries < 100 &&
		    lo > HARNESS_PORT_MIN + 100; tries++) {
			ports[i] = HARNESS_PORT_MIN +
			    (int)(rand_r(&seed) % (lo - HARNESS_PORT_MIN));
			fds[i] = harness_bind_port(&ports[i]);
		}
		if (fds[i] < 0) {
			ports[i] = 0;
			fds[i] = harness_bind_port(&ports[i]);
		}
		if (fds[i] < 0)
			ck_abort_msg("could not find a free port: %s",
			    strerror(errno));
	}
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

struct harness *
harness_new(void)
{
	struct harness	*h = xcalloc(1, sizeof *h);
	char		*template, *cause = NULL;
	int		 ports[3];

	h->reaper_fd = -1;
	h->label = harness_label();
	template = xasprintf("/tmp/tdkt-%s-XXXXXX", h->label);
	if ((h->dir = mkdtemp(template)) == NULL)
		ck_abort_msg("mkdtemp: %s", strerror(errno));
	/* PostgreSQL runs as another user and must get through it. */
	if (chmod(h->dir, 0755) < 0)
		ck_abort_msg("chmod \"%s\": %s", h->dir, strerror(errno));

	/* First: the reaper must be a copy of a process without threads. */
	if ((h->reaper_pid = harness_reaper_start(&h->reaper_fd)) < 0)
		ck_abort_msg("could not start the reaper: %s", strerror(errno));
	harness_reaper_tell(h->reaper_fd, "name %s",
	    tcase_name() != NULL ? tcase_name() : "test");
	harness_reaper_tell(h->reaper_fd, "dir %s", h->dir);

	harness_free_ports(ports, 3);
	h->clients_endpoint = xasprintf("tcp://127.0.0.1:%d", ports[0]);
	h->workers_endpoint = xasprintf("tcp://127.0.0.1:%d", ports[1]);
	h->events_endpoint = xasprintf("tcp://127.0.0.1:%d", ports[2]);
	h->data_dir = xasprintf("%s/data", h->dir);
	h->server_config = xasprintf("%s/tdkt-server.yaml", h->data_dir);

	harness_server_set(h, "listen.clients", h->clients_endpoint);
	harness_server_set(h, "listen.workers", h->workers_endpoint);
	harness_server_set(h, "listen.events", h->events_endpoint);
	harness_server_set(h, "database.fsync", "false");
	harness_server_set(h, "limits.max_message_bytes", "65536");
	harness_server_set(h, "workers.heartbeat_ms", "200");
	harness_server_set(h, "workers.liveness", "5");
	harness_server_set(h, "jobs.timeout_ms", "5000");
	harness_server_set(h, "log.level", "debug");

	/*
	 * The server's key pair is made here, before init (which keeps it),
	 * so every configuration can name its public key from the start;
	 * workers share one key pair, allowed at the first server start.
	 */
	if (curve_keyfile_create(harness_path(h, "server.key"), "harness server",
	    &h->server_keys, &cause) < 0 ||
	    curve_keyfile_create(harness_path(h, "worker.key"), "harness worker",
	    &h->worker_keys, &cause) < 0)
		ck_abort_msg("%s", cause);
	harness_server_set(h, "security.key_file", harness_path(h, "server.key"));
	harness_write(h, "admin.pw", HARNESS_PASSWORD "\n");

	harness_worker_set(h, "server", h->workers_endpoint);
	harness_worker_set(h, "server_public_key", h->server_keys.public_key);
	harness_worker_set(h, "key_file", harness_path(h, "worker.key"));
	harness_worker_set(h, "heartbeat_ms", "200");
	harness_worker_set(h, "liveness", "5");
	harness_worker_set(h, "reconnect.min_ms", "100");
	harness_worker_set(h, "reconnect.max_ms", "500");
	harness_worker_set(h, "shutdown_grace_ms", "5000");
	harness_worker_set(h, "log.level", "debug");

	h->client_config = xstrdup(harness_client_config(h, "admin"));
	return h;
}

/*
 * Stops `p` if it runs and appends to `problems` unless it exits 0. One
 * that already exited by itself is a problem too, unless the test has been
 * told how it ended (and so could judge it).
 */
static void
harness_stop_checked(struct harness *h, struct harness_proc *p,
    char *problems, size_t size)
{
	size_t	used = strlen(problems);
	int	code;

	if (!harness_proc_running(h, p)) {
		if (!p->reported && p->code != 0 && used < size)
			snprintf(problems + used, size - used, "%s%s exited %d "
			    "during the test (see %s)", used > 0 ? "; " : "",
			    p->name, p->code, p->out_path);
		return;
	}
	code = harness_proc_stop(h, p, p->stop_signal);
	if (code != 0 && used < size)
		snprintf(problems + used, size - used, "%s%s exited %d on "
		    "signal %d (see %s)", used > 0 ? "; " : "", p->name, code,
		    p->stop_signal, p->out_path);
}

void
harness_free(struct harness **hp)
{
	struct harness		*h = *hp;
	struct harness_proc	*p, *next;
	struct harness_string	*s, *snext;
	const char		*keep;
	char			 problems[2048] = "";

	if (h == NULL)
		return;
	for (size_t i = 0; i < sizeof h->sockets / sizeof h->sockets[0]; i++)
		harness_socket_close(h, &h->sockets[i]);
	if (h->zctx != NULL)
		zmq_ctx_term(h->zctx);
	conn_free(&h->conn);

	/* Commands left running are the test's business, not a failure. */
	for (p = h->procs; p != NULL; p = p->next) {
		if (p->kind == HARNESS_COMMAND && harness_proc_running(h, p))
			harness_proc_stop(h, p, SIGKILL);
	}
	/* Then each kind before what it depends on. */
	for (int kind = HARNESS_WORKER; kind <= HARNESS_POSTGRES; kind++) {
		for (p = h->procs; p != NULL; p = p->next) {
			if (p->kind == kind)
				harness_stop_checked(h, p, problems,
				    sizeof problems);
		}
	}
	if (problems[0] != '\0')
		ck_abort_msg("did not stop cleanly: %s", problems);

	keep = getenv("TDKT_TEST_KEEP");
	if (keep != NULL && keep[0] != '\0')
		fprintf(stderr, "harness: %s passed; its files are kept in "
		    "%s\n", h->label, h->dir);
	else if (nftw(h->dir, harness_rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "harness: could not remove \"%s\": %s\n",
		    h->dir, strerror(errno));
	harness_reaper_tell(h->reaper_fd, "ok");
	close(h->reaper_fd);
	while (waitpid(h->reaper_pid, NULL, 0) < 0 && errno == EINTR)
		;

	for (p = h->procs; p != NULL; p = next) {
		next = p->next;
		harness_proc_free(p);
	}
	for (s = h->strings; s != NULL; s = snext) {
		snext = s->next;
		free(s->s);
		free(s);
	}
	harness_options_free(&h->server_options);
	harness_options_free(&h->worker_options);
	free(h->clients_endpoint);
	free(h->workers_endpoint);
	free(h->events_endpoint);
	free(h->data_dir);
	free(h->server_config);
	free(h->client_config);
	free(h->label);
	free(h->dir);
	free(h);
	*hp = NULL;
}

int
harness_main(Suite *(*make)(void))
{
	SRunner	*sr;
	int	 failed;

	/* Before the suite exists: tcase_create reads it. */
	setenv("CK_DEFAULT_TIMEOUT", "120", 0);
	/* Tests that pin a reported bug run only when asked for. */
	if (getenv("CK_INCLUDE_TAGS") == NULL &&
	    getenv("CK_EXCLUDE_TAGS") == NULL)
		setenv("CK_EXCLUDE_TAGS", HARNESS_KNOWN_BUG, 1);
	sr = srunner_create(make());
	srunner_set_fork_status(sr, CK_FORK);
	/* Every test's verdict, in ctest's log, unless CK_VERBOSITY says. */
	srunner_run_all(sr,
	    getenv("CK_VERBOSITY") != NULL ? CK_ENV : CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
