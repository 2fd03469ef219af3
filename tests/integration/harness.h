/*
 * harness.h - a throwaway tdkt installation for one integration test.
 *
 * Each test case makes its own harness with harness_new: a directory under
 * /tmp, three free TCP ports on 127.0.0.1 for the server's client, worker and
 * event sockets, and from them a server configuration, a data directory with
 * a private PostgreSQL cluster (harness_init), the server, workers and a
 * client configuration. Every process the harness starts is recorded; the
 * test's checked teardown calls harness_free, which stops each one that is
 * still running with SIGTERM and fails the test unless it exits 0 (the
 * programs are built with ASan and UBSan, where a sanitizer report means a
 * non-zero exit). After a clean run the directory is removed, unless
 * TDKT_TEST_KEEP is set in the environment.
 *
 * A failed Check assertion ends the forked test at once, so its teardown
 * never runs. harness_new therefore first forks a reaper (harness_reaper.h):
 * a small process in a session of its own that learns over a socket of
 * every process, log and directory the harness uses. If the socket closes
 * without the harness saying "ok" (the test failed, crashed or timed out),
 * the reaper stops whatever is left, prints the tail of every log to stderr
 * and names the directory it keeps. Check also kills the test's process
 * group when the test ends, and every process started here gets
 * PR_SET_PDEATHSIG, so nothing outlives a test whichever way it ends.
 *
 * Functions that set up the installation (harness_init, harness_start,
 * harness_server_start, harness_wait_workers, ...) fail the test themselves
 * when a step does not work; functions that run something the test is about
 * (harness_run, harness_cli, harness_ping, harness_recv, ...) return what
 * happened for the test to assert on. Every wait has a deadline.
 */
#ifndef TDKT_HARNESS_H
#define TDKT_HARNESS_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "client.pb-c.h"
#include "conn.h"
#include "curve.h"

/* Deadlines, generous for a 2-core machine running sanitized binaries. */
#define HARNESS_START_MS	60000	/* a server until it answers a ping */
#define HARNESS_STOP_MS		30000	/* a process after its stop signal */
#define HARNESS_RUN_MS		60000	/* a command run to completion */
#define HARNESS_WAIT_MS		20000	/* any other condition */

/* harness_proc_wait and friends: the process did not exit in time. */
#define HARNESS_TIMEOUT		(-1)

/*
 * The Check tag of test cases that pin a product bug already reported:
 * harness_main leaves them out unless CK_INCLUDE_TAGS or CK_EXCLUDE_TAGS
 * is set (CK_INCLUDE_TAGS=known-bug runs just them).
 */
#define HARNESS_KNOWN_BUG	"known-bug"

/* The most frames harness_recv keeps of one message. */
#define HARNESS_MAX_FRAMES	8

/*
 * A process started by the harness. `code` is set once it has been reaped:
 * its exit code, or 128 + the signal that killed it. Daemons write stdout
 * and stderr to out_path; commands have an err_path of their own.
 */
struct harness_proc {
	struct harness_proc	*next;
	char			*name;		/* "server", "worker w1", ... */
	pid_t			 pid;		/* -1 once reaped */
	int			 code;
	int			 stop_signal;	/* what harness_free sends */
	char			*out_path;
	char			*err_path;
	long			 log_start;	/* out_path's size at start */
	bool			 reported;	/* the test was given `code` */
	int			 kind;		/* harness.c's */
};

/*
 * What a finished command did: its exit code (128 + signal if killed, or
 * HARNESS_TIMEOUT) and all it wrote to stdout and stderr, NUL-terminated.
 */
struct harness_output {
	int	 code;
	char	*out;
	char	*err;
};

/* The interesting part of a PingReply. */
struct harness_pong {
	uint32_t	workers_connected;
	uint32_t	schema_version;
	uint32_t	protocol_version;
	char		postgres_version[64];
	char		installation_id[64];
};

/* One received multipart message. */
struct harness_message {
	size_t		 n;				/* frames kept */
	size_t		 total;				/* frames received */
	unsigned char	*data[HARNESS_MAX_FRAMES];	/* NUL-terminated */
	size_t		 len[HARNESS_MAX_FRAMES];
};

struct arena;
struct harness_option;
struct harness_string;
struct conn;

/* The administrator's password, in DIR/admin.pw; harness_user's too. */
#define HARNESS_PASSWORD	"mật-khẩu-thử-nghiệm-1"


/*
 * A test's installation. The fields above the line are for tests to read;
 * the rest belong to harness.c.
 */
struct harness {
	char			*dir;		/* /tmp/tdkt-TEST-XXXXXX */
	char			*clients_endpoint;	/* tcp://127.0.0.1:N */
	char			*workers_endpoint;
	char			*events_endpoint;
	char			*data_dir;	/* DIR/data, by harness_init */
	char			*server_config;	/* DIR/data/tdkt-server.yaml */
	char			*client_config;	/* DIR/client.yaml, the admin's */
	struct harness_proc	*server;	/* running, or NULL */
	struct curve_keypair	 server_keys;	/* DIR/server.key */
	struct curve_keypair	 worker_keys;	/* DIR/worker.key, allowed */
	/* ---- */
	char			*label;
	pid_t			 reaper_pid;
	int			 reaper_fd;
	struct harness_option	*server_options;
	struct harness_option	*worker_options;
	struct harness_proc	*procs;
	struct harness_proc	*extpg;
	struct harness_string	*strings;
	unsigned		 nruns;
	struct conn		*conn;
	bool			 initialised;	/* by harness_init */
	bool			 admin_ready;	/* logged in, worker key allowed */
	void			*zctx;
	void			*sockets[16];
};

/*
 * Returns a new harness for the running test: its directory (mode 0755, so
 * PostgreSQL running as `postgres` can reach what is inside), free ports,
 * the default server and worker options and the client configuration. Call
 * it first in the test, before anything starts a thread. Nothing runs yet.
 */
struct harness	*harness_new(void);

/*
 * Stops every process still running (workers, commands, the server, the
 * external PostgreSQL) with its stop signal and fails the test unless each
 * exits 0, or if one of them ended by itself with another code that the
 * test was never given (harness_proc_wait, _stop, _output); closes sockets;
 * removes the directory when all went well. NULL is allowed; sets *hp to
 * NULL. For the checked teardown.
 */
void		 harness_free(struct harness **hp);

/*
 * Sets a server option (dotted name, value as in YAML) written to the base
 * configuration by harness_init; call before harness_init. The defaults
 * give short heartbeats (200 ms, liveness 5), jobs.timeout_ms 5000,
 * limits.max_message_bytes 65536, database.fsync false and debug logs.
 * Clients wait 15 s per attempt and do not retry (client.yaml).
 */
void		 harness_server_set(struct harness *, const char *name,
		    const char *value);
/* The same for the configuration of workers started afterwards. */
void		 harness_worker_set(struct harness *, const char *name,
		    const char *value);

/* Keeps `s` (malloc'd) until harness_free and returns it. */
const char	*harness_keep(struct harness *, char *s);
/* Returns DIR/name (formatted), owned by the harness. */
const char	*harness_path(struct harness *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Returns TDKT_SOURCE_DIR/rel, a file of the source tree, owned by the harness. */
const char	*harness_source(struct harness *, const char *rel);

/*
 * Loads the District 1 demo as the administrator: its units and staff
 * (config/demo/) and its 2023-2024 rulebook; fails the test if a step fails.
 */
void		 harness_load_district1(struct harness *);

/* Writes `content` to DIR/name and returns that path, owned by the harness. */
const char	*harness_write(struct harness *, const char *name,
		    const char *content);
/* Reads a whole file; returns it NUL-terminated (caller frees) or NULL. */
char		*harness_read_file(const char *path, size_t *len);

/*
 * Writes the server options as the configuration file DIR/name; returns its
 * path, owned by the harness.
 */
const char	*harness_server_config(struct harness *, const char *name);

/*
 * Writes DIR/base.yaml from the server options and runs `tdkt-server -c
 * DIR/base.yaml init --data-dir DIR/data`; fails the test unless it works.
 */
void		 harness_init(struct harness *);

/*
 * Starts tdkt-server with `config` (NULL: the data directory's), logging to
 * DIR/server.log, and waits until it answers a ping; fails the test if it
 * exits or stays silent. Returns it (also in h->server).
 */
struct harness_proc *harness_server_start(struct harness *, const char *config);

/*
 * Adds an account `username` in `unit` (NULL: system-wide) with the roles
 * that follow, up to a NULL ("head", "specialist:primary", ...), and the
 * password HARNESS_PASSWORD, then logs it in with a client configuration
 * of its own (DIR/client-USERNAME.yaml) for harness_cli_as. Fails the test
 * if either step fails.
 */
void		 harness_user(struct harness *, const char *username,
		    const char *unit, ...) __attribute__((sentinel));
/* The session token of `user` ("admin" or one made by harness_user), owned by the harness. */
const char	*harness_session(struct harness *, const char *user);

/* harness_cli as `user` ("admin", or one made by harness_user). */
int		 harness_cli_as(struct harness *, struct harness_output *out,
		    const char *user, ...) __attribute__((sentinel));

/* Stops the server with SIGTERM; returns its exit code or HARNESS_TIMEOUT. */
int		 harness_server_stop(struct harness *);

/*
 * Starts a worker called `name` with DIR/worker-NAME.yaml (the worker
 * options, pointing at the server's worker socket), logging to
 * DIR/worker-NAME.log. Does not wait for it to connect.
 */
struct harness_proc *harness_worker_start(struct harness *, const char *name);

/*
 * harness_init, harness_server_start, then `nworkers` workers called w1, w2,
 * ... and harness_wait_workers(nworkers).
 */
void		 harness_start(struct harness *, unsigned nworkers);

/*
 * Sends one ping through the client library (conn.h) to the server's client
 * socket. Returns 0 with *pong filled (if not NULL), or -1 when no valid
 * answer came within a second.
 */
int		 harness_ping(struct harness *, struct harness_pong *pong);

/*
 * Pings until the server reports `n` workers connected; fails the test if
 * that does not happen within HARNESS_WAIT_MS.
 */
void		 harness_wait_workers(struct harness *, uint32_t n);

/*
 * Sends `signo` to `p` and waits for it to exit; returns its exit code,
 * 128 + signal, or HARNESS_TIMEOUT (it was then killed with SIGKILL).
 */
int		 harness_proc_stop(struct harness *, struct harness_proc *,
		    int signo);
/*
 * Waits up to timeout_ms for `p` to exit; returns as harness_proc_stop, but
 * leaves it running on HARNESS_TIMEOUT.
 */
int		 harness_proc_wait(struct harness *, struct harness_proc *,
		    int64_t timeout_ms);
/* True while `p` runs (it is reaped here if it has exited). */
bool		 harness_proc_running(struct harness *, struct harness_proc *);

/*
 * Waits until `needle` appears in what `p` logged since it started (its
 * stdout file). Returns the rest of that line after the needle, owned by
 * the harness, or NULL after timeout_ms.
 */
const char	*harness_log_wait(struct harness *, struct harness_proc *,
		    const char *needle, int64_t timeout_ms);
/* True if `p` has logged `needle` since it started. */
bool		 harness_log_contains(struct harness *, struct harness_proc *,
		    const char *needle);

/*
 * Runs `program` (a name in the build's bin directory, or a path) with the
 * arguments that follow, up to a NULL, and waits for it (HARNESS_RUN_MS).
 * Fills `out` (release with harness_output_clear) and returns out->code.
 */
int		 harness_run(struct harness *, struct harness_output *out,
		    const char *program, ...) __attribute__((sentinel));
/* harness_run of `tdkt --config DIR/client.yaml` and the arguments given. */
int		 harness_cli(struct harness *, struct harness_output *out, ...)
		    __attribute__((sentinel));
/* Starts `tdkt --config DIR/client.yaml ARGS...` without waiting. */
struct harness_proc *harness_cli_start(struct harness *, ...)
		    __attribute__((sentinel));
/* The same as `user` ("admin", or one made by harness_user). */
struct harness_proc *harness_cli_start_as(struct harness *, const char *user,
		    ...) __attribute__((sentinel));
/* Starts `program` (as harness_run names it) without waiting. */
struct harness_proc *harness_program_start(struct harness *,
		    const char *program, ...) __attribute__((sentinel));
/*
 * Waits up to timeout_ms for a command started with harness_cli_start and
 * fills `out`; returns out->code (HARNESS_TIMEOUT: still running).
 */
int		 harness_proc_output(struct harness *, struct harness_proc *,
		    struct harness_output *out, int64_t timeout_ms);
void		 harness_output_clear(struct harness_output *);

/*
 * Starts a standalone PostgreSQL cluster (initdb as user postgres when
 * root, then postgres on a Unix socket in DIR/extsock, no TCP) and waits
 * until it accepts connections; after harness_extpg_stop, starts the same
 * cluster again. Returns a libpq connection string for it,
 * owned by the harness; fails the test if the cluster does not start.
 */
const char	*harness_extpg_start(struct harness *);
/* Stops it (fast shutdown); returns the postmaster's exit code. */
int		 harness_extpg_stop(struct harness *);

/*
 * Returns a new ZeroMQ socket of `type` (LINGER 0) on the harness's context;
 * harness_free closes it if the test has not.
 */
void		*harness_socket(struct harness *, int type);
/*
 * Connects `sock` to `endpoint`. With handshake_ms > 0, waits that long for
 * the ZMTP handshake with the peer to complete (a SUB's subscriptions go out
 * right after it); returns 0, or -1 if it did not.
 */
int		 harness_socket_connect(struct harness *, void *sock,
		    const char *endpoint, int64_t handshake_ms);
/* Closes a socket from harness_socket and sets *sockp to NULL. */
void		 harness_socket_close(struct harness *, void **sockp);

/*
 * Sends `req` as `user` ("admin", or one made by harness_user) through the
 * client library, once, with `idempotency_key` (NULL: none); the answer is
 * unpacked into `a`.
 */
enum conn_status harness_call(struct harness *, const char *user,
		    Tdkt__ClientEnvelope *req, const char *idempotency_key,
		    struct arena *a, Tdkt__ClientEnvelope **reply);
/*
 * Asks for a watch topic as `user`, subscribes the SUB socket `sub` to it
 * and connects it to the event socket; returns the topic (owned by the
 * harness). Fails the test if a step fails.
 */
const char	*harness_watch(struct harness *, const char *user, void *sub);

/* Packs `msg` and sends it as one frame; returns 0 or -1. */
int		 harness_send(void *sock, const ProtobufCMessage *msg);
/* Receives one multipart message within timeout_ms; 0, or -1 on timeout. */
int		 harness_recv(void *sock, int64_t timeout_ms,
		    struct harness_message *m);
void		 harness_message_clear(struct harness_message *);
/*
 * Receives one message and unpacks it as a ClientEnvelope. Returns it (free
 * with tdkt__client_envelope__free_unpacked(env, NULL)), or NULL on timeout
 * or when it is not one frame holding an envelope.
 */
Tdkt__ClientEnvelope *harness_recv_envelope(void *sock, int64_t timeout_ms);

/*
 * Runs the suite made by `make` in Check's fork mode (each test in a child
 * of its own, which the harness relies on), with CK_DEFAULT_TIMEOUT 120 and
 * without HARNESS_KNOWN_BUG cases unless the environment says otherwise;
 * returns the exit status for main.
 */
int		 harness_main(Suite *(*make)(void));

#endif
