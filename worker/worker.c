/*
 * worker.c - the worker's event loop; see worker.h.
 *
 * DESIGN NOTES
 *
 *            worker_connect                  server silent for liveness
 *   (start) ---------------> CONNECTED ------------------------------+
 *                              ^   |  Disconnect from the server      |
 *                              |   +----------------------------------+
 *                              |                                      v
 *                              +------------- WAITING (back-off) <----+
 *                                 worker_connect when reconnect_at
 *
 * SIGTERM/SIGINT set `stopping`: heartbeats then say `draining`, jobs that
 * still arrive are handed back unrun, and the worker leaves (Disconnect) once
 * every running job has finished and every result has been acknowledged, or
 * when shutdown_grace_ms is up.
 *
 * Invariants:
 * 1. `running` holds the jobs whose threads started and have not yet
 *    reported on the results socket; there are never more than capacity.
 *    Ready names them, so a server that lost sight of this worker keeps
 *    their leases instead of running them again elsewhere.
 * 2. A result stays in `unacked` until an Ack with its job id and lease
 *    token arrives; it is never dropped on a reconnect, and is sent again
 *    every resend interval until then (the server acknowledges only what
 *    it committed, and a result lost on the way must not be waited for
 *    until the next reconnect).
 */
#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "clock.h"
#include "curve.h"
#include "job.h"
#include "log.h"
#include "runner.h"
#include "sig.h"
#include "sock.h"
#include "version.h"
#include "wire.h"
#include "worker.h"
#include "xmalloc.h"

#define WORKER_TICK_MS		100
#define WORKER_BATCH		256
#define WORKER_ARENA_BUDGET	(64 * 1024 * 1024)
#define WORKER_MAX_NAME		128	/* the server's limit */
/* A refused key is logged at most this often while the worker retries. */
#define WORKER_REFUSED_LOG_MS	60000

/* SIGHUP is read and ignored: a worker has nothing to reload. */
static const int worker_signals[] = { SIGINT, SIGTERM, SIGHUP };

struct worker_result {
	struct worker_result	*next;
	uint64_t		 job_id;
	char			*lease_token;
	void			*packed;	/* the whole Result envelope */
	size_t			 len;
	int64_t			 sent_ms;	/* last sent; 0: not yet */
};

/* A job whose thread runs. */
struct worker_job {
	struct worker_job	*next;
	uint64_t		 job_id;
	char			*lease_token;
};

struct worker {
	const struct worker_config *conf;
	struct job_context	*context;	/* read by job threads */
	char			*name;
	void			*zctx;
	void			*server;	/* DEALER; NULL while WAITING */
	void			*monitor;	/* PAIR: the DEALER's handshakes */
	unsigned		 monitors;	/* made so far, to name each */
	bool			 curve;
	struct curve_keypair	 keys;
	int64_t			 refused_logged_ms;
	void			*results;	/* PULL from job threads */
	int			 signal_fd;
	struct arena		*arena;
	uint32_t		 running;	/* jobs in `jobs` */
	struct worker_job	*jobs;
	struct worker_result	*unacked;
	int64_t			 last_heard_ms;
	int64_t			 last_sent_ms;
	int64_t			 reconnect_at_ms;
	int64_t			 backoff_ms;
	bool			 stopping;
	int64_t			 stop_deadline_ms;
};

static void
worker_send(struct worker *w, Tdkt__WorkerEnvelope *env)
{
	if (w->server == NULL)
		return;
	env->version = TDKT_PROTOCOL_VERSION;
	if (wire_send(w->server, NULL, 0, &env->base) < 0)
		log_debug("could not send to the server: %s", zmq_strerror(errno));
	else
		w->last_sent_ms = clock_monotonic_ms();
}

static void
worker_send_heartbeat(struct worker *w)
{
	Tdkt__WorkerEnvelope	env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Heartbeat		hb = TDKT__HEARTBEAT__INIT;

	hb.in_flight = w->running;
	hb.draining = w->stopping;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_HEARTBEAT;
	env.heartbeat = &hb;
	worker_send(w, &env);
}

static void
worker_send_result(struct worker *w, struct worker_result *r)
{
	if (w->server == NULL)
		return;
	if (zmq_send(w->server, r->packed, r->len, ZMQ_DONTWAIT) < 0)
		log_debug("could not send the result of job %llu: %s",
		    (unsigned long long)r->job_id, zmq_strerror(errno));
	r->sent_ms = clock_monotonic_ms();
}

/* Sends every unacknowledged result last sent before `before_ms`. */
static void
worker_send_unacked(struct worker *w, int64_t before_ms)
{
	for (struct worker_result *r = w->unacked; r != NULL; r = r->next) {
		if (r->sent_ms < before_ms)
			worker_send_result(w, r);
	}
}

/*
 * Watches the DEALER's handshakes, so a refused key is said plainly in the
 * log instead of looking like a silent server.
 */
static void
worker_monitor_open(struct worker *w)
{
	char	endpoint[64];

	snprintf(endpoint, sizeof endpoint, "inproc://tdkt-worker-monitor-%u",
	    w->monitors++);
	if (zmq_socket_monitor(w->server, endpoint,
	    ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
	    ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) < 0 ||
	    (w->monitor = sock_new(w->zctx, ZMQ_PAIR, 0)) == NULL ||
	    zmq_connect(w->monitor, endpoint) < 0) {
		log_warnx("could not watch the connection: %s",
		    zmq_strerror(errno));
		sock_close(&w->monitor);
	}
}

static void
worker_on_monitor_event(struct worker *w)
{
	struct sock_message	m;
	uint16_t		event;
	uint32_t		value;
	int64_t			now = clock_monotonic_ms();

	while (w->monitor != NULL && sock_recv_message(w->monitor, &m) == 0) {
		if (m.nframes >= 1 && sock_frame_size(&m, 0) >= 6 &&
		    now - w->refused_logged_ms >= WORKER_REFUSED_LOG_MS) {
			memcpy(&event, sock_frame_data(&m, 0), sizeof event);
			memcpy(&value, (const char *)sock_frame_data(&m, 0) + 2,
			    sizeof value);
			if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
				log_warnx("the server refused this worker's key "
				    "(status %u); an administrator must allow it: "
				    "tdkt worker allow -- %s", value,
				    w->keys.public_key);
			else
				log_warnx("the encrypted handshake with the server "
				    "failed (error %u); is server_public_key the "
				    "server's?", value);
			w->refused_logged_ms = now;
		}
		sock_message_close(&m);
	}
}

/* Opens a fresh DEALER and announces the worker on it. */
static void
worker_connect(struct worker *w)
{
	Tdkt__WorkerEnvelope	 env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Ready		 ready = TDKT__READY__INIT;
	Tdkt__HeldJob		*held, **heldp;
	struct worker_job	*job;
	char			*cause = NULL;
	const char		**kinds;
	size_t			 nkinds, n = 0;

	w->server = sock_new(w->zctx, ZMQ_DEALER, w->conf->max_message_bytes);
	if (w->server == NULL)
		fatalx("could not create a socket: %s", zmq_strerror(errno));
	if (w->curve) {
		int	ivl_max = (int)w->conf->reconnect_max_ms;

		if (curve_setup_client(w->server, w->conf->server_public_key,
		    &w->keys) < 0)
			fatalx("could not set up CURVE: %s", zmq_strerror(errno));
		/* A refused key retries with back-off, not ten times a second. */
		zmq_setsockopt(w->server, ZMQ_RECONNECT_IVL_MAX, &ivl_max,
		    sizeof ivl_max);
		worker_monitor_open(w);
	}
	if (sock_connect(w->server, w->conf->server, &cause) < 0)
		fatalx("%s", cause);	/* a malformed endpoint: config error */
	ready.name = w->name;
	ready.capacity = (uint32_t)w->conf->capacity;
	/* Only the kinds this worker's configuration lets it run. */
	jobs_names(&nkinds);
	kinds = xcalloc(nkinds, sizeof *kinds);
	ready.kinds = (char **)kinds;
	ready.n_kinds = jobs_offered(w->context, kinds);
	ready.worker_version = TDKT_VERSION;
	ready.running = w->running;
	held = xcalloc(w->running + 1, sizeof *held);
	heldp = xcalloc(w->running + 1, sizeof *heldp);
	for (job = w->jobs; job != NULL; job = job->next, n++) {
		tdkt__held_job__init(&held[n]);
		held[n].job_id = job->job_id;
		held[n].lease_token = job->lease_token;
		heldp[n] = &held[n];
	}
	ready.held = heldp;
	ready.n_held = n;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_READY;
	env.ready = &ready;
	worker_send(w, &env);
	free(heldp);
	free(held);
	free(kinds);
	worker_send_unacked(w, INT64_MAX);
	if (w->stopping)
		worker_send_heartbeat(w);
	w->last_heard_ms = clock_monotonic_ms();
	log_info("connecting to %s", w->conf->server);
}

/* Drops the connection and schedules the next attempt. */
static void
worker_disconnect(struct worker *w, bool immediately)
{
	sock_close(&w->server);
	sock_close(&w->monitor);
	w->reconnect_at_ms = clock_monotonic_ms() +
	    (immediately ? w->conf->reconnect_min_ms : w->backoff_ms);
	if (!immediately) {
		w->backoff_ms *= 2;
		if (w->backoff_ms > w->conf->reconnect_max_ms)
			w->backoff_ms = w->conf->reconnect_max_ms;
	}
}

/* Sends a Result saying the job was not run, so the server runs it elsewhere. */
static void
worker_refuse_job(struct worker *w, const Tdkt__Job *job, Tdkt__ErrorCode code,
    const char *detail, bool handed_back)
{
	Tdkt__WorkerEnvelope	env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Result		result = TDKT__RESULT__INIT;
	Tdkt__Error		error = TDKT__ERROR__INIT;

	wire_error_fill(&error, code, detail);
	result.job_id = job->job_id;
	result.lease_token = job->lease_token;
	result.ok = false;
	result.error = &error;
	result.handed_back = handed_back;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_RESULT;
	env.result = &result;
	worker_send(w, &env);
}

static void
worker_on_job(struct worker *w, const Tdkt__Job *job)
{
	const struct job_kind	*kind;
	struct worker_job	*running;

	if (w->stopping) {
		worker_refuse_job(w, job, TDKT__ERROR_CODE__ERROR_CODE_SHUTTING_DOWN,
		    "the worker is stopping", true);
		return;
	}
	if (w->running >= (uint32_t)w->conf->capacity) {
		/* The server broke its credit: say so, never queue silently. */
		log_warnx("job %llu arrived beyond capacity %lld",
		    (unsigned long long)job->job_id, (long long)w->conf->capacity);
		worker_refuse_job(w, job, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the worker is at capacity", true);
		return;
	}
	if ((kind = jobs_find(job->kind)) == NULL ||
	    !jobs_offers(kind, w->context)) {
		worker_refuse_job(w, job, TDKT__ERROR_CODE__ERROR_CODE_UNKNOWN_TYPE,
		    "this worker does not run jobs of this kind", false);
		return;
	}
	if (runner_start(w->zctx, job, kind, w->context, w->name,
	    (size_t)w->conf->max_message_bytes) < 0) {
		worker_refuse_job(w, job, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the worker could not start a thread", true);
		return;
	}
	running = xcalloc(1, sizeof *running);
	running->job_id = job->job_id;
	running->lease_token = xstrdup(job->lease_token);
	running->next = w->jobs;
	w->jobs = running;
	w->running++;
	log_debug("job %llu (%s) started", (unsigned long long)job->job_id,
	    job->kind);
}

static void
worker_on_ack(struct worker *w, const Tdkt__Ack *ack)
{
	struct worker_result	**pp, *r;

	for (pp = &w->unacked; (r = *pp) != NULL; pp = &r->next) {
		if (r->job_id == ack->job_id &&
		    strcmp(r->lease_token, ack->lease_token) == 0) {
			*pp = r->next;
			free(r->lease_token);
			free(r->packed);
			free(r);
			return;
		}
	}
}

static void
worker_on_server_message(struct worker *w, struct sock_message *m)
{
	Tdkt__WorkerEnvelope	*env;
	struct wire_error	 err;

	if (m->total_frames != 1) {
		log_warnx("dropped a server message of %zu frames", m->total_frames);
		return;
	}
	arena_reset(w->arena);
	env = wire_unpack_worker(w->arena, sock_frame_data(m, 0),
	    sock_frame_size(m, 0), (size_t)w->conf->max_message_bytes, &err);
	if (env == NULL) {
		log_warnx("dropped a server message: %s", err.detail);
		return;
	}
	if (env->version != TDKT_PROTOCOL_VERSION) {
		log_warnx("the server speaks protocol %u, this worker %d; "
		    "upgrade one of them", env->version, TDKT_PROTOCOL_VERSION);
		return;
	}
	w->last_heard_ms = clock_monotonic_ms();
	w->backoff_ms = w->conf->reconnect_min_ms;
	switch (env->body_case) {
	case TDKT__WORKER_ENVELOPE__BODY_HEARTBEAT:
		break;
	case TDKT__WORKER_ENVELOPE__BODY_JOB:
		worker_on_job(w, env->job);
		break;
	case TDKT__WORKER_ENVELOPE__BODY_ACK:
		worker_on_ack(w, env->ack);
		break;
	case TDKT__WORKER_ENVELOPE__BODY_DISCONNECT:
		log_info("the server asked us to reconnect: %s",
		    env->disconnect->reason);
		worker_disconnect(w, true);
		break;
	case TDKT__WORKER_ENVELOPE__BODY_ERROR:
		log_warnx("the server reports: %s", env->error->detail);
		break;
	default:
		log_info("ignored a server message of type %d",
		    (int)env->body_case);
		break;
	}
}

/* A job thread finished: keep its result until acknowledged, and send it. */
static void
worker_on_result(struct worker *w, struct sock_message *m)
{
	Tdkt__WorkerEnvelope	*env;
	struct worker_result	*r;
	struct worker_job	**pp, *job;
	struct wire_error	 err;

	arena_reset(w->arena);
	env = wire_unpack_worker(w->arena, sock_frame_data(m, 0),
	    sock_frame_size(m, 0), SIZE_MAX, &err);
	if (env == NULL || env->body_case != TDKT__WORKER_ENVELOPE__BODY_RESULT)
		fatalx("a job thread handed back something other than a result");
	for (pp = &w->jobs; (job = *pp) != NULL; pp = &job->next) {
		if (job->job_id == env->result->job_id &&
		    strcmp(job->lease_token, env->result->lease_token) == 0) {
			*pp = job->next;
			free(job->lease_token);
			free(job);
			break;
		}
	}
	w->running--;
	r = xcalloc(1, sizeof *r);
	r->job_id = env->result->job_id;
	r->lease_token = xstrdup(env->result->lease_token);
	r->len = sock_frame_size(m, 0);
	r->packed = xmalloc(r->len);
	memcpy(r->packed, sock_frame_data(m, 0), r->len);
	r->next = w->unacked;
	w->unacked = r;
	log_debug("job %llu finished (%s)", (unsigned long long)r->job_id,
	    env->result->ok ? "ok" : "failed");
	worker_send_result(w, r);
}

static void
worker_handle_signals(struct worker *w)
{
	struct signalfd_siginfo	si;

	while (read(w->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo != SIGTERM && si.ssi_signo != SIGINT)
			continue;
		if (w->stopping)
			continue;
		w->stopping = true;
		w->stop_deadline_ms = clock_monotonic_ms() +
		    w->conf->shutdown_grace_ms;
		log_info("stopping: %u jobs running, %s", w->running,
		    w->unacked != NULL ? "results awaiting acknowledgement" :
		    "no results pending");
		worker_send_heartbeat(w);
	}
}

static char *
worker_default_name(void)
{
	char	host[256];

	if (gethostname(host, sizeof host) < 0)
		snprintf(host, sizeof host, "worker");
	host[sizeof host - 1] = '\0';
	return xasprintf("%s:%ld", host, (long)getpid());
}

struct worker *
worker_new(const struct worker_config *conf, struct job_context **context,
    char **cause)
{
	struct worker	*w;

	w = xcalloc(1, sizeof *w);
	w->conf = conf;
	w->context = *context;
	*context = NULL;
	w->signal_fd = -1;
	w->name = conf->name[0] != '\0' ? xstrdup(conf->name) :
	    worker_default_name();
	if (strlen(w->name) > WORKER_MAX_NAME) {
		/* The server refuses longer names; better said now, once. */
		*cause = xasprintf("name \"%.20s...\" is longer than %d bytes",
		    w->name, WORKER_MAX_NAME);
		goto fail;
	}
	w->backoff_ms = conf->reconnect_min_ms;
	w->arena = arena_new(WORKER_ARENA_BUDGET);
	if ((w->curve = curve_endpoint_needs(conf->server))) {
		char	*why = NULL;

		if (!curve_key_valid(conf->server_public_key)) {
			*cause = xasprintf("%s is TCP, so server_public_key must "
			    "hold the server's 40-character public key "
			    "(`tdkt-server public-key`)", conf->server);
			goto fail;
		}
		if (conf->key_file[0] == '\0') {
			*cause = xasprintf("%s is TCP, so key_file must name this "
			    "worker's key pair (`tdkt-worker keygen --out FILE`)",
			    conf->server);
			goto fail;
		}
		if (curve_keyfile_read(conf->key_file, &w->keys, &why) < 0) {
			*cause = why;
			goto fail;
		}
		log_info("public key %s", w->keys.public_key);
	}

	/* Before any thread exists, so every thread inherits the mask. */
	if ((w->signal_fd = sig_open_fd(worker_signals, sizeof worker_signals /
	    sizeof worker_signals[0], cause)) < 0)
		goto fail;
	if ((w->zctx = zmq_ctx_new()) == NULL ||
	    (w->results = sock_new(w->zctx, ZMQ_PULL, 0)) == NULL ||
	    sock_bind(w->results, RUNNER_ENDPOINT, cause) < 0) {
		if (*cause == NULL)
			*cause = xasprintf("could not set up sockets: %s",
			    zmq_strerror(errno));
		goto fail;
	}
	return w;
fail:
	worker_free(&w);
	return NULL;
}

static bool
worker_done_stopping(const struct worker *w, int64_t now)
{
	if (!w->stopping)
		return false;
	if (w->running == 0 && w->unacked == NULL)
		return true;
	if (now >= w->stop_deadline_ms) {
		log_warnx("grace period over with %u jobs running and %s",
		    w->running, w->unacked != NULL ?
		    "results not acknowledged" : "all results acknowledged");
		return true;
	}
	return false;
}

int
worker_run(struct worker *w)
{
	int64_t	now;

	worker_connect(w);
	for (;;) {
		zmq_pollitem_t	items[4] = {
			{ w->results, 0, ZMQ_POLLIN, 0 },
			{ NULL, w->signal_fd, ZMQ_POLLIN, 0 },
			{ w->server, 0, ZMQ_POLLIN, 0 },
			{ w->monitor, 0, ZMQ_POLLIN, 0 },
		};
		int		nitems = w->server == NULL ? 2 :
				    w->monitor == NULL ? 3 : 4;

		if (zmq_poll(items, nitems, WORKER_TICK_MS) < 0) {
			if (errno == EINTR)
				continue;
			fatalx("zmq_poll failed: %s", zmq_strerror(errno));
		}
		if (items[1].revents & ZMQ_POLLIN)
			worker_handle_signals(w);
		if (nitems == 4 && (items[3].revents & ZMQ_POLLIN))
			worker_on_monitor_event(w);
		for (int i = 0; i < WORKER_BATCH && (items[0].revents & ZMQ_POLLIN); i++) {
			struct sock_message m;
			if (sock_recv_message(w->results, &m) < 0)
				break;
			worker_on_result(w, &m);
			sock_message_close(&m);
		}
		for (int i = 0; w->server != NULL && (items[2].revents & ZMQ_POLLIN) &&
		    i < WORKER_BATCH; i++) {
			struct sock_message m;
			if (sock_recv_message(w->server, &m) < 0)
				break;
			worker_on_server_message(w, &m);
			sock_message_close(&m);
		}

		now = clock_monotonic_ms();
		if (w->server == NULL) {
			if (now >= w->reconnect_at_ms)
				worker_connect(w);
		} else if (now - w->last_heard_ms >
		    w->conf->heartbeat_ms * w->conf->liveness) {
			log_warnx("the server has been silent for %lld ms; "
			    "reconnecting in %lld ms",
			    (long long)(now - w->last_heard_ms),
			    (long long)w->backoff_ms);
			worker_disconnect(w, false);
		} else {
			worker_send_unacked(w, now - w->conf->resend_ms);
			if (now - w->last_sent_ms >= w->conf->heartbeat_ms)
				worker_send_heartbeat(w);
		}
		if (worker_done_stopping(w, now))
			break;
	}
	if (w->server != NULL) {
		Tdkt__WorkerEnvelope	env = TDKT__WORKER_ENVELOPE__INIT;
		Tdkt__Disconnect	d = TDKT__DISCONNECT__INIT;

		d.reason = "the worker is stopping";
		env.body_case = TDKT__WORKER_ENVELOPE__BODY_DISCONNECT;
		env.disconnect = &d;
		worker_send(w, &env);
	}
	log_info("stopped");
	return 0;
}

void
worker_free(struct worker **wp)
{
	struct worker		*w = *wp;
	struct worker_result	*r, *next;
	struct worker_job	*job, *jnext;

	if (w == NULL)
		return;
	sock_close(&w->server);
	sock_close(&w->monitor);
	sock_close(&w->results);
	curve_keypair_clear(&w->keys);
	/*
	 * Job threads still running past the grace period hold sockets of
	 * this context; terminating it would wait for them. The process is
	 * about to exit, which ends them.
	 */
	if (w->zctx != NULL && w->running == 0)
		zmq_ctx_term(w->zctx);
	/* Likewise the job context: those threads still read it. */
	if (w->running == 0)
		job_context_free(&w->context);
	for (r = w->unacked; r != NULL; r = next) {
		next = r->next;
		free(r->lease_token);
		free(r->packed);
		free(r);
	}
	for (job = w->jobs; job != NULL; job = jnext) {
		jnext = job->next;
		free(job->lease_token);
		free(job);
	}
	if (w->signal_fd >= 0)
		close(w->signal_fd);
	arena_free(&w->arena);
	free(w->name);
	free(w);
	*wp = NULL;
}
