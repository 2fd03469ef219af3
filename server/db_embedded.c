/*
 * db_embedded.c - initdb, start and stop of the private cluster; see db_embedded.h.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "db_embedded.h"
#include "db_internal.h"
#include "log.h"
#include "xmalloc.h"

#define DB_EMBEDDED_PORT		"5432"
#define DB_EMBEDDED_SUPERUSER		"tdkt"
#define DB_EMBEDDED_DATABASE		"tdkt"
#define DB_EMBEDDED_START_TIMEOUT_MS	60000
#define DB_EMBEDDED_STOP_TIMEOUT_MS	60000

struct db_embedded {
	pid_t	 pid;
	bool	 stopping;	/* we asked it to stop: its exit is no news */
	char	*conninfo;
	char	*log_path;
};

/* Who runs the cluster: ourselves, or run_as when we are root. */
struct db_embedded_user {
	bool	 drop;
	uid_t	 uid;
	gid_t	 gid;
	char	*name;
};

struct db_embedded_paths {
	char	*cluster;	/* data_dir/pg */
	char	*socket_dir;	/* data_dir/run */
	char	*log_dir;	/* data_dir/log */
};

static void
db_embedded_paths_init(struct db_embedded_paths *p, const char *data_dir)
{
	p->cluster = xasprintf("%s/pg", data_dir);
	p->socket_dir = xasprintf("%s/run", data_dir);
	p->log_dir = xasprintf("%s/log", data_dir);
}

static void
db_embedded_paths_clear(struct db_embedded_paths *p)
{
	free(p->cluster);
	free(p->socket_dir);
	free(p->log_dir);
}

static int
db_embedded_user_init(struct db_embedded_user *u, const char *run_as,
    char **cause)
{
	struct passwd	*pw;

	memset(u, 0, sizeof *u);
	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(run_as)) == NULL) {
		*cause = xasprintf("cannot run PostgreSQL as \"%s\": no such user "
		    "(set database.run_as)", run_as);
		return -1;
	}
	if (pw->pw_uid == 0) {
		*cause = xasprintf("cannot run PostgreSQL as \"%s\": PostgreSQL "
		    "refuses to run as root (set database.run_as)", run_as);
		return -1;
	}
	u->drop = true;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->name = xstrdup(run_as);
	return 0;
}

static void
db_embedded_user_clear(struct db_embedded_user *u)
{
	free(u->name);
	u->name = NULL;
}

/*
 * The directory of initdb and postgres: configured, the existing cluster's
 * version, the newest installed, or else the PATH.
 */
static char *
db_embedded_bindir(const struct server_config *conf)
{
	DIR		*d;
	FILE		*fp;
	struct dirent	*e;
	long		 best = -1;
	char		*path;

	if (conf->database_pg_bindir[0] != '\0')
		return xstrdup(conf->database_pg_bindir);
	/*
	 * An existing cluster runs only under its own major version, which
	 * need not be the newest installed (say, during an upgrade).
	 */
	path = xasprintf("%s/pg/PG_VERSION", conf->data_dir);
	if ((fp = fopen(path, "r")) != NULL) {
		long	v;

		if (fscanf(fp, "%ld", &v) == 1) {
			free(path);
			path = xasprintf("/usr/lib/postgresql/%ld/bin/postgres", v);
			if (access(path, X_OK) == 0) {
				fclose(fp);
				free(path);
				return xasprintf("/usr/lib/postgresql/%ld/bin", v);
			}
		}
		fclose(fp);
	}
	free(path);
	if ((d = opendir("/usr/lib/postgresql")) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char	*end;
			long	 v = strtol(e->d_name, &end, 10);

			if (*end == '\0' && end != e->d_name && v > best) {
				path = xasprintf("/usr/lib/postgresql/%ld/bin/postgres", v);
				if (access(path, X_OK) == 0)
					best = v;
				free(path);
			}
		}
		closedir(d);
	}
	if (best >= 0)
		return xasprintf("/usr/lib/postgresql/%ld/bin", best);
	return xstrdup("");	/* rely on PATH */
}

static char *
db_embedded_program(const char *bindir, const char *name)
{
	if (bindir[0] == '\0')
		return xstrdup(name);
	return xasprintf("%s/%s", bindir, name);
}

/*
 * In a new child: become the cluster's user, check it can use `dir`, send
 * output to `log_fd` and exec argv. Never returns.
 */
static _Noreturn void
db_embedded_exec(const struct db_embedded_user *u, const char *dir, int log_fd,
    pid_t parent, char *const argv[])
{
	sigset_t	none;

	/* The server blocks signals for its signalfd; PostgreSQL needs them. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (log_fd >= 0) {
		dup2(log_fd, STDOUT_FILENO);
		dup2(log_fd, STDERR_FILENO);
	}
	if (u->drop) {
		if (initgroups(u->name, u->gid) < 0 || setgid(u->gid) < 0 ||
		    setuid(u->uid) < 0) {
			fprintf(stderr, "cannot switch to user \"%s\": %s\n", u->name,
			    strerror(errno));
			_exit(126);
		}
	}
	/* After setuid, which clears it: the cluster must not outlive us. */
	if (parent > 0) {
		prctl(PR_SET_PDEATHSIG, SIGINT);
		if (getppid() != parent)
			_exit(1);	/* the server died before prctl */
	}
	if (access(dir, R_OK | W_OK | X_OK) < 0 || chdir(dir) < 0) {
		fprintf(stderr, "user \"%s\" cannot use directory \"%s\": %s; "
		    "every directory above it must be searchable by that user "
		    "(chmod o+x)\n", u->drop ? u->name : "tdkt-server", dir,
		    strerror(errno));
		_exit(126);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "cannot run \"%s\": %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Creates `path` (mode `mode`) owned by the cluster's user; EEXIST is fine. */
static int
db_embedded_mkdir(const char *path, mode_t mode,
    const struct db_embedded_user *u, char **cause)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST) {
		*cause = xasprintf("could not create directory \"%s\": %s", path,
		    strerror(errno));
		return -1;
	}
	if (chmod(path, mode) < 0 ||
	    (u->drop && chown(path, u->uid, u->gid) < 0)) {
		*cause = xasprintf("could not set up directory \"%s\": %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
db_embedded_open_log(const char *dir, const char *name, char **path,
    char **cause)
{
	int	fd;

	*path = xasprintf("%s/%s", dir, name);
	/* log/ belongs to the cluster's user: never follow a link planted there. */
	fd = open(*path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd < 0)
		*cause = xasprintf("could not open log file \"%s\": %s", *path,
		    strerror(errno));
	return fd;
}

bool
db_embedded_exists(const struct server_config *conf)
{
	char		*version_file = xasprintf("%s/pg/PG_VERSION", conf->data_dir);
	struct stat	 st;
	bool		 exists = stat(version_file, &st) == 0;

	free(version_file);
	return exists;
}

/* The last non-empty line of a log file, for an error message. */
static char *
db_embedded_last_line(const char *path)
{
	FILE	*fp = fopen(path, "r");
	char	 line[512], last[512] = "no output";

	if (fp == NULL)
		return xstrdup(last);
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0')
			memcpy(last, line, sizeof last);
	}
	fclose(fp);
	return xstrdup(last);
}

int
db_embedded_create(const struct server_config *conf, char **cause)
{
	struct db_embedded_paths p;
	struct db_embedded_user	 u;
	char			*bindir = NULL, *initdb = NULL, *log_path = NULL;
	char			*pgdata_arg = NULL;
	int			 log_fd = -1, status, rc = -1;
	pid_t			 pid;

	db_embedded_paths_init(&p, conf->data_dir);
	if (db_embedded_user_init(&u, conf->database_run_as, cause) < 0)
		goto out;
	/* An empty pg/ is what a failed initdb leaves: try again. */
	if (db_embedded_exists(conf)) {
		*cause = xasprintf("\"%s\" already holds a cluster; the data "
		    "directory is already initialised", p.cluster);
		goto out;
	}
	if (db_embedded_mkdir(p.cluster, 0700, &u, cause) < 0 ||
	    db_embedded_mkdir(p.socket_dir, 0700, &u, cause) < 0 ||
	    db_embedded_mkdir(p.log_dir, 0750, &u, cause) < 0)
		goto out;
	if ((log_fd = db_embedded_open_log(p.log_dir, "initdb.log", &log_path,
	    cause)) < 0)
		goto out;

	bindir = db_embedded_bindir(conf);
	initdb = db_embedded_program(bindir, "initdb");
	pgdata_arg = xasprintf("--pgdata=%s", p.cluster);
	char *argv[] = {
		initdb, pgdata_arg, "--username=" DB_EMBEDDED_SUPERUSER,
		"--encoding=UTF8", "--locale=C.UTF-8",
		/* Vietnamese sort order for names, whatever the host's locale. */
		"--locale-provider=icu", "--icu-locale=vi-VN",
		"--auth-local=trust", "--auth-host=reject",
		conf->database_fsync ? NULL : "--no-sync", NULL
	};

	log_info("creating the embedded PostgreSQL cluster in %s", p.cluster);
	if ((pid = fork()) < 0) {
		*cause = xasprintf("could not fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		db_embedded_exec(&u, p.cluster, log_fd, 0, argv);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char	*last = db_embedded_last_line(log_path);

		*cause = xasprintf("initdb failed: %s (see %s)", last, log_path);
		free(last);
		goto out;
	}
	rc = 0;
out:
	if (log_fd >= 0)
		close(log_fd);
	free(log_path);
	free(pgdata_arg);
	free(initdb);
	free(bindir);
	db_embedded_user_clear(&u);
	db_embedded_paths_clear(&p);
	return rc;
}

/* Quotes a conninfo value: the data directory may hold spaces or quotes. */
static char *
db_embedded_conninfo_quote(const char *value)
{
	char	*out = xmalloc(2 * strlen(value) + 3), *q = out;

	*q++ = '\'';
	for (const char *v = value; *v != '\0'; v++) {
		if (*v == '\'' || *v == '\\')
			*q++ = '\\';
		*q++ = *v;
	}
	*q++ = '\'';
	*q = '\0';
	return out;
}

/* Waits until the cluster answers; returns 0, or -1 with *cause set. */
static int
db_embedded_wait_ready(struct db_embedded *e, const char *admin_conninfo,
    char **cause)
{
	int64_t	deadline = clock_monotonic_ms() + DB_EMBEDDED_START_TIMEOUT_MS;

	while (clock_monotonic_ms() < deadline) {
		PGPing	ping = PQping(admin_conninfo);

		if (ping == PQPING_OK)
			return 0;
		if (ping == PQPING_NO_ATTEMPT) {
			*cause = xasprintf("cannot connect to the embedded "
			    "PostgreSQL with \"%s\"", admin_conninfo);
			return -1;
		}
		if (db_embedded_exited(e)) {
			*cause = xasprintf("the embedded PostgreSQL exited while "
			    "starting; see %s", e->log_path);
			return -1;
		}
		usleep(20 * 1000);
	}
	*cause = xasprintf("the embedded PostgreSQL did not start within %d s; "
	    "see %s", DB_EMBEDDED_START_TIMEOUT_MS / 1000, e->log_path);
	return -1;
}

/* Creates the tdkt database on first start. */
static int
db_embedded_ensure_database(const char *admin_conninfo, char **cause)
{
	PGconn		*conn;
	PGresult	*res;
	int		 rc = 0;
	char		*why = NULL;

	if ((conn = db_connect_blocking(admin_conninfo, cause)) == NULL)
		return -1;
	res = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = '"
	    DB_EMBEDDED_DATABASE "'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		*cause = xasprintf("could not list databases: %s",
		    PQresultErrorMessage(res));
		rc = -1;
	} else if (PQntuples(res) == 0 &&
	    db_exec_blocking(conn, "CREATE DATABASE " DB_EMBEDDED_DATABASE, &why) < 0) {
		*cause = xasprintf("could not create the database: %s", why);
		rc = -1;
	}
	PQclear(res);
	free(why);
	PQfinish(conn);
	return rc;
}

struct db_embedded *
db_embedded_start(const struct server_config *conf, char **cause)
{
	struct db_embedded_paths p;
	struct db_embedded_user	 u;
	struct db_embedded	*e = NULL;
	char			*bindir = NULL, *postgres = NULL, *admin = NULL;
	char			*sock_arg = NULL, *quoted;
	int			 log_fd = -1;
	pid_t			 parent;
	struct stat		 st;
	struct sockaddr_un	 sun;

	db_embedded_paths_init(&p, conf->data_dir);
	if (db_embedded_user_init(&u, conf->database_run_as, cause) < 0)
		goto fail;
	if (stat(p.cluster, &st) < 0) {
		*cause = xasprintf("no PostgreSQL cluster in \"%s\"; create it with "
		    "`tdkt-server init --data-dir %s`", p.cluster, conf->data_dir);
		goto fail;
	}
	if (strlen(p.socket_dir) + sizeof "/.s.PGSQL." DB_EMBEDDED_PORT >
	    sizeof sun.sun_path) {
		*cause = xasprintf("data directory path \"%s\" is too long for a "
		    "Unix socket path; choose a shorter one", conf->data_dir);
		goto fail;
	}
	/* Recreate what a reboot may have cleared (run/ on a tmpfs). */
	if (db_embedded_mkdir(p.socket_dir, 0700, &u, cause) < 0)
		goto fail;

	e = xcalloc(1, sizeof *e);
	e->pid = -1;
	if ((log_fd = db_embedded_open_log(p.log_dir, "postgresql.log",
	    &e->log_path, cause)) < 0)
		goto fail;
	bindir = db_embedded_bindir(conf);
	postgres = db_embedded_program(bindir, "postgres");
	sock_arg = xasprintf("unix_socket_directories=%s", p.socket_dir);
	char *argv[] = {
		postgres, "-D", p.cluster, "-p", DB_EMBEDDED_PORT,
		"-c", "listen_addresses=", "-c", sock_arg,
		"-c", "unix_socket_permissions=0700",
		"-c", conf->database_fsync ? "fsync=on" : "fsync=off",
		"-c", conf->database_fsync ? "full_page_writes=on" :
		    "full_page_writes=off",
		NULL
	};

	log_info("starting the embedded PostgreSQL (log: %s)", e->log_path);
	parent = getpid();
	if ((e->pid = fork()) < 0) {
		*cause = xasprintf("could not fork: %s", strerror(errno));
		goto fail;
	}
	if (e->pid == 0) {
		/* Its own process group: a terminal's ^C goes to us only. */
		setpgid(0, 0);
		db_embedded_exec(&u, p.cluster, log_fd, parent, argv);
	}

	quoted = db_embedded_conninfo_quote(p.socket_dir);
	e->conninfo = xasprintf("host=%s port=" DB_EMBEDDED_PORT " user="
	    DB_EMBEDDED_SUPERUSER " dbname=" DB_EMBEDDED_DATABASE, quoted);
	admin = xasprintf("host=%s port=" DB_EMBEDDED_PORT " user="
	    DB_EMBEDDED_SUPERUSER " dbname=postgres", quoted);
	free(quoted);
	if (db_embedded_wait_ready(e, admin, cause) < 0 ||
	    db_embedded_ensure_database(admin, cause) < 0)
		goto fail;
	close(log_fd);
	free(admin);
	free(sock_arg);
	free(postgres);
	free(bindir);
	db_embedded_user_clear(&u);
	db_embedded_paths_clear(&p);
	return e;
fail:
	if (log_fd >= 0)
		close(log_fd);
	free(admin);
	free(sock_arg);
	free(postgres);
	free(bindir);
	db_embedded_user_clear(&u);
	db_embedded_paths_clear(&p);
	db_embedded_stop(&e);
	return NULL;
}

const char *
db_embedded_conninfo(const struct db_embedded *e)
{
	return e->conninfo;
}

bool
db_embedded_exited(struct db_embedded *e)
{
	int	status;
	pid_t	r;

	if (e->pid <= 0)
		return true;
	r = waitpid(e->pid, &status, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return false;
	if (r == e->pid && !e->stopping) {
		if (WIFEXITED(status))
			log_warnx("the embedded PostgreSQL exited with status %d",
			    WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			log_warnx("the embedded PostgreSQL was killed by signal %d",
			    WTERMSIG(status));
	}
	e->pid = -1;
	return true;
}

void
db_embedded_stop(struct db_embedded **ep)
{
	struct db_embedded	*e = *ep;
	int64_t			 deadline;

	if (e == NULL)
		return;
	e->stopping = true;
	if (e->pid > 0 && kill(e->pid, SIGINT) == 0) {
		deadline = clock_monotonic_ms() + DB_EMBEDDED_STOP_TIMEOUT_MS;
		int	signo = SIGQUIT;

		while (!db_embedded_exited(e)) {
			if (clock_monotonic_ms() > deadline) {
				/* SIGQUIT: immediate shutdown; then no choice. */
				log_warnx("the embedded PostgreSQL did not stop in "
				    "time; sending it %s", signo == SIGQUIT ?
				    "SIGQUIT" : "SIGKILL");
				kill(e->pid, signo);
				signo = SIGKILL;
				deadline = clock_monotonic_ms() + 5000;
			}
			usleep(20 * 1000);
		}
		log_info("the embedded PostgreSQL stopped");
	}
	free(e->conninfo);
	free(e->log_path);
	free(e);
	*ep = NULL;
}
