/*
 * worker_pool.c - worker registry, heartbeats, credit and job dispatch; see
 * worker_pool.h.
 *
 * DESIGN NOTES
 *
 * A job's states and the functions that move it:
 *
 *             worker_pool_dispatch                 worker_pool_on_result
 *   QUEUED ------------------------> RUNNING -----------------------------> done
 *     ^  \                            |   |      (lease token matches)
 *     |   \ worker_pool_expire        |   | worker_pool_expire: the requester
 *     |    +-> done (timeout)         |   | is told, the job stays ABANDONED
 *     |                               |   v until its worker answers or dies
 *     +-------------------------------+  ABANDONED --> freed
 *        worker_pool_remove_worker (requeued, attempts + 1)
 *
 * Invariants:
 * 1. w->in_flight == number of jobs (running or abandoned) held by w; the
 *    pool sends w a job only while both it and what w itself reports
 *    running (w->busy: jobs from before a reconnect count too) are below
 *    w->capacity.
 * 2. A result is accepted only under the job's current lease token, which
 *    only the worker holding the job knows (also after it reconnected);
 *    anything else is acknowledged and dropped.
 * 3. A job's callback runs exactly once; after it, cb is NULL.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "curve.h"
#include "events.h"
#include "log.h"
#include "server.h"
#include "sock.h"
#include "version.h"
#include "wire.h"
#include "worker_pool.h"
#include "xmalloc.h"
#include "zap.h"

#define WORKER_POOL_BATCH		256
#define WORKER_POOL_MAX_ATTEMPTS	3
#define WORKER_POOL_MAX_CAPACITY	1024
#define WORKER_POOL_MAX_KINDS		64
#define WORKER_POOL_MAX_NAME		128
#define WORKER_POOL_ID_MAX		256

struct worker {
	struct worker	*next;
	unsigned char	 id[WORKER_POOL_ID_MAX];
	size_t		 id_len;
	char		*name;
	char		 key[CURVE_KEY_LEN + 1];	/* "" without CURVE */
	uint32_t	 capacity;
	uint32_t	 in_flight;	/* jobs of ours it holds */
	uint32_t	 busy;		/* jobs it says it runs (Ready, Heartbeat) */
	char		**kinds;
	size_t		 nkinds;
	uint64_t	 done;
	bool		 draining;	/* stopping: give it no more jobs */
	int64_t		 last_seen_ms;
	int64_t		 last_dispatch_ms;	/* least recently used goes first */
	int64_t		 connected_at_ms;	/* wall clock, for people */
};

struct job {
	struct job	*next;
	uint64_t	 id;
	char		 lease_token[33];
	char		*kind;
	void		*payload;
	size_t		 len;
	struct worker	*worker;	/* NULL while queued */
	int64_t		 deadline_ms;
	uint32_t	 attempts;
	worker_job_cb	*cb;		/* NULL once the requester has been told */
	void		*arg;
};

struct worker_pool {
	struct server	*server;
	struct worker	*workers;
	struct job	*jobs;		/* in submission order */
	uint64_t	 next_job_id;
	int64_t		 last_heartbeat_ms;
	struct arena	*arena;		/* for unpacking one message at a time */
};

static void	worker_pool_dispatch(struct worker_pool *);

struct worker_pool *
worker_pool_new(struct server *s)
{
	struct worker_pool	*pool;

	pool = xcalloc(1, sizeof *pool);
	pool->server = s;
	pool->next_job_id = 1;
	/*
	 * Room to unpack any message the socket lets through: a result the
	 * pool could not read would come back again after every reconnect.
	 */
	pool->arena = arena_new((size_t)s->conf->limits_max_message_bytes * 2);
	return pool;
}

/* Returns 0, or -1 with errno (EHOSTUNREACH: the worker's connection is gone). */
static int
worker_pool_send(struct worker_pool *pool, struct worker *w,
    Tdkt__WorkerEnvelope *env)
{
	env->version = TDKT_PROTOCOL_VERSION;
	if (wire_send(pool->server->workers, w->id, w->id_len, &env->base) < 0) {
		log_debug("could not send to worker %s: %s", w->name,
		    zmq_strerror(errno));
		return -1;
	}
	return 0;
}

static void
worker_pool_send_to_id(struct worker_pool *pool, const void *id, size_t id_len,
    Tdkt__WorkerEnvelope *env)
{
	env->version = TDKT_PROTOCOL_VERSION;
	if (wire_send(pool->server->workers, id, id_len, &env->base) < 0)
		log_debug("could not send to an unregistered worker: %s",
		    zmq_strerror(errno));
}

static void
worker_pool_send_disconnect(struct worker_pool *pool, const void *id,
    size_t id_len, const char *reason)
{
	Tdkt__WorkerEnvelope	env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Disconnect	d = TDKT__DISCONNECT__INIT;

	d.reason = (char *)reason;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_DISCONNECT;
	env.disconnect = &d;
	worker_pool_send_to_id(pool, id, id_len, &env);
}

static void
worker_pool_publish(struct worker_pool *pool, Tdkt__WorkerEvent__Kind kind,
    const struct worker *w)
{
	Tdkt__Event		ev = TDKT__EVENT__INIT;
	Tdkt__WorkerEvent	we = TDKT__WORKER_EVENT__INIT;

	we.kind = kind;
	we.name = w->name;
	we.capacity = w->capacity;
	we.workers_connected = worker_pool_count(pool);
	ev.body_case = TDKT__EVENT__BODY_WORKER;
	ev.worker = &we;
	events_publish(pool->server->events, EVENTS_TOPIC_WORKER, &ev);
}

/* Runs the job's callback once, if the requester still waits. */
static void
worker_pool_finish(struct job *job, const struct job_outcome *out)
{
	worker_job_cb	*cb = job->cb;

	if (cb == NULL)
		return;
	job->cb = NULL;
	cb(job->arg, out);
}

static void
worker_pool_fail(struct job *job, Tdkt__ErrorCode code, const char *detail)
{
	struct job_outcome	out = {
		.job_id = job->id, .ok = 0, .code = code, .detail = detail,
		.worker_name = job->worker != NULL ? job->worker->name : NULL,
	};

	worker_pool_finish(job, &out);
}

static void
worker_pool_unlink_job(struct worker_pool *pool, struct job *job)
{
	struct job	**pp;

	for (pp = &pool->jobs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == job) {
			*pp = job->next;
			break;
		}
	}
	free(job->kind);
	free(job->payload);
	free(job);
}

static struct worker *
worker_pool_find_worker(struct worker_pool *pool, const void *id, size_t id_len)
{
	for (struct worker *w = pool->workers; w != NULL; w = w->next) {
		if (w->id_len == id_len && memcmp(w->id, id, id_len) == 0)
			return w;
	}
	return NULL;
}

static struct job *
worker_pool_find_job(struct worker_pool *pool, uint64_t id)
{
	for (struct job *j = pool->jobs; j != NULL; j = j->next) {
		if (j->id == id)
			return j;
	}
	return NULL;
}

static void
worker_pool_free_worker(struct worker *w)
{
	for (size_t i = 0; i < w->nkinds; i++)
		free(w->kinds[i]);
	free(w->kinds);
	free(w->name);
	free(w);
}

/*
 * Takes `w` out of the pool; its jobs go back to the queue, unless they were
 * abandoned or have been tried too often. The caller dispatches afterwards.
 */
static void
worker_pool_remove_worker(struct worker_pool *pool, struct worker *w,
    Tdkt__WorkerEvent__Kind why)
{
	struct worker	**pp;
	struct job	*j, *next;

	log_info("worker %s %s", w->name,
	    why == TDKT__WORKER_EVENT__KIND__KIND_LOST ? "lost (no heartbeat)" :
	    "disconnected");
	for (pp = &pool->workers; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	for (j = pool->jobs; j != NULL; j = next) {
		next = j->next;
		if (j->worker != w)
			continue;
		j->worker = NULL;
		if (j->cb == NULL)
			worker_pool_unlink_job(pool, j);
		else if (j->attempts >= WORKER_POOL_MAX_ATTEMPTS) {
			worker_pool_fail(j, TDKT__ERROR_CODE__ERROR_CODE_JOB_FAILED,
			    "the job's workers were lost too many times");
			worker_pool_unlink_job(pool, j);
		} else
			log_info("job %llu goes back to the queue",
			    (unsigned long long)j->id);
	}
	worker_pool_publish(pool, why, w);
	worker_pool_free_worker(w);
}

static bool
worker_pool_has_kind(const struct worker *w, const char *kind)
{
	for (size_t i = 0; i < w->nkinds; i++) {
		if (strcmp(w->kinds[i], kind) == 0)
			return true;
	}
	return false;
}

/* The least recently used worker with credit for `kind`, or NULL. */
static struct worker *
worker_pool_pick(struct worker_pool *pool, const char *kind)
{
	struct worker	*best = NULL;

	for (struct worker *w = pool->workers; w != NULL; w = w->next) {
		if (w->draining || w->in_flight >= w->capacity ||
		    w->busy >= w->capacity || !worker_pool_has_kind(w, kind))
			continue;
		if (best == NULL || w->last_dispatch_ms < best->last_dispatch_ms)
			best = w;
	}
	return best;
}

static void
worker_pool_new_lease(struct job *job)
{
	unsigned char	raw[16];

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		fatal("could not read random bytes for a lease token");
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(job->lease_token + 2 * i, 3, "%02x", raw[i]);
}

static void
worker_pool_dispatch(struct worker_pool *pool)
{
	int64_t	now = clock_monotonic_ms();

again:
	for (struct job *j = pool->jobs; j != NULL; j = j->next) {
		Tdkt__WorkerEnvelope	 env = TDKT__WORKER_ENVELOPE__INIT;
		Tdkt__Job		 msg = TDKT__JOB__INIT;
		struct worker		*w;

		if (j->worker != NULL || j->cb == NULL)
			continue;
		if ((w = worker_pool_pick(pool, j->kind)) == NULL)
			continue;
		worker_pool_new_lease(j);
		j->attempts++;
		msg.job_id = j->id;
		msg.lease_token = j->lease_token;
		msg.kind = j->kind;
		msg.payload.data = j->payload;
		msg.payload.len = j->len;
		msg.timeout_ms = j->deadline_ms > now ?
		    (uint32_t)(j->deadline_ms - now) : 0;
		env.version = TDKT_PROTOCOL_VERSION;
		env.body_case = TDKT__WORKER_ENVELOPE__BODY_JOB;
		env.job = &msg;
		if (wire_send(pool->server->workers, w->id, w->id_len,
		    &env.base) < 0) {
			log_info("could not hand job %llu to worker %s: %s",
			    (unsigned long long)j->id, w->name,
			    zmq_strerror(errno));
			j->attempts--;
			if (errno == EHOSTUNREACH) {
				/* Gone without a word; its jobs were requeued. */
				worker_pool_remove_worker(pool, w,
				    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
				goto again;
			}
			continue;
		}
		j->worker = w;
		w->in_flight++;
		w->last_dispatch_ms = now;
		log_debug("job %llu (%s) to worker %s", (unsigned long long)j->id,
		    j->kind, w->name);
	}
}

uint64_t
worker_pool_submit(struct worker_pool *pool, const char *kind,
    const void *payload, size_t len, int64_t timeout_ms, worker_job_cb *cb,
    void *arg)
{
	struct job	*job, **pp;

	job = xcalloc(1, sizeof *job);
	job->id = pool->next_job_id++;
	job->kind = xstrdup(kind);
	job->payload = xmalloc(len);
	memcpy(job->payload, payload, len);
	job->len = len;
	job->deadline_ms = clock_monotonic_ms() + timeout_ms;
	job->cb = cb;
	job->arg = arg;
	for (pp = &pool->jobs; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = job;
	worker_pool_dispatch(pool);
	return job->id;
}

static void
worker_pool_on_ready(struct worker_pool *pool, const void *id, size_t id_len,
    const char *key, const Tdkt__Ready *ready)
{
	struct worker	*w;

	if (ready->capacity < 1 || ready->capacity > WORKER_POOL_MAX_CAPACITY ||
	    ready->n_kinds < 1 || ready->n_kinds > WORKER_POOL_MAX_KINDS ||
	    strlen(ready->name) > WORKER_POOL_MAX_NAME || id_len > sizeof w->id) {
		log_warnx("refused worker \"%.*s\": capacity %u, %zu kinds",
		    WORKER_POOL_MAX_NAME, ready->name, ready->capacity,
		    ready->n_kinds);
		worker_pool_send_disconnect(pool, id, id_len,
		    "invalid Ready: capacity must be 1-1024 with 1-64 kinds");
		return;
	}
	if ((w = worker_pool_find_worker(pool, id, id_len)) != NULL) {
		/* Ready twice on one connection: a confused peer. Start over. */
		worker_pool_remove_worker(pool, w,
		    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
	}
	w = xcalloc(1, sizeof *w);
	memcpy(w->id, id, id_len);
	w->id_len = id_len;
	w->name = xstrdup(ready->name[0] != '\0' ? ready->name : "(unnamed)");
	snprintf(w->key, sizeof w->key, "%s", key);
	w->capacity = ready->capacity;
	w->busy = ready->running;
	w->kinds = xcalloc(ready->n_kinds, sizeof *w->kinds);
	for (size_t i = 0; i < ready->n_kinds; i++)
		w->kinds[i] = xstrdup(ready->kinds[i]);
	w->nkinds = ready->n_kinds;
	w->last_seen_ms = clock_monotonic_ms();
	w->connected_at_ms = clock_wall_ms();
	w->next = pool->workers;
	pool->workers = w;
	log_info("worker %s connected (capacity %u, version %s)", w->name,
	    w->capacity, ready->worker_version);
	worker_pool_publish(pool, TDKT__WORKER_EVENT__KIND__KIND_CONNECTED, w);
	worker_pool_dispatch(pool);
}

static void
worker_pool_ack(struct worker_pool *pool, const void *id, size_t id_len,
    const Tdkt__Result *r)
{
	Tdkt__WorkerEnvelope	env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Ack		ack = TDKT__ACK__INIT;

	ack.job_id = r->job_id;
	ack.lease_token = r->lease_token;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_ACK;
	env.ack = &ack;
	worker_pool_send_to_id(pool, id, id_len, &env);
}

static void
worker_pool_on_result(struct worker_pool *pool, struct worker *w,
    const Tdkt__Result *r)
{
	struct job		*job = worker_pool_find_job(pool, r->job_id);
	struct job_outcome	 out = { .job_id = r->job_id, .worker_name = w->name };

	/* Acknowledge first: whatever we decide, the worker may drop it. */
	worker_pool_ack(pool, w->id, w->id_len, r);
	/*
	 * The lease token is the fence, not the connection: a worker that
	 * reconnected (a new routing id) still holds the token of the job it
	 * ran, and only it does.
	 */
	if (job == NULL || job->worker == NULL ||
	    strcmp(job->lease_token, r->lease_token) != 0) {
		log_info("dropped a late result for job %llu from worker %s",
		    (unsigned long long)r->job_id, w->name);
		return;
	}
	job->worker->in_flight--;
	if (w->busy > 0)
		w->busy--;	/* until its next heartbeat says */
	if (r->handed_back) {
		/*
		 * Given back unrun (the worker is stopping or full): no
		 * attempt, and no more jobs for it until it says otherwise.
		 */
		w->busy = w->capacity;
		if (job->cb == NULL)
			worker_pool_unlink_job(pool, job);
		else {
			job->worker = NULL;
			job->attempts--;
		}
		worker_pool_dispatch(pool);
		return;
	}
	w->done++;
	out.ok = r->ok;
	if (r->ok) {
		out.payload = r->payload.data;
		out.len = r->payload.len;
	} else {
		out.code = r->error != NULL ? r->error->code :
		    TDKT__ERROR_CODE__ERROR_CODE_JOB_FAILED;
		out.detail = r->error != NULL ? r->error->detail : "the job failed";
	}
	worker_pool_finish(job, &out);
	worker_pool_unlink_job(pool, job);
	worker_pool_dispatch(pool);
}

static void
worker_pool_on_message(struct worker_pool *pool, struct sock_message *m)
{
	const void		*id = sock_frame_data(m, 0);
	size_t			 id_len = sock_frame_size(m, 0);
	Tdkt__WorkerEnvelope	*env;
	struct wire_error	 err;
	struct worker		*w;
	const char		*key;

	if (m->total_frames != 2) {
		log_info("dropped a worker message of %zu frames", m->total_frames);
		return;
	}
	/*
	 * The key ZAP accepted at the handshake (on the body frame: the
	 * ROUTER makes the routing frame itself); none on plain transports.
	 */
	key = zmq_msg_gets(&m->frames[1], "User-Id");
	if (key == NULL)
		key = "";
	if (key[0] != '\0' && !zap_worker_key_allowed(pool->server->zap, key)) {
		/* Revoked while connected: whatever it says, it is out. */
		if ((w = worker_pool_find_worker(pool, id, id_len)) != NULL)
			worker_pool_remove_worker(pool, w,
			    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
		worker_pool_send_disconnect(pool, id, id_len,
		    "this worker's key is no longer allowed");
		return;
	}
	arena_reset(pool->arena);
	env = wire_unpack_worker(pool->arena, sock_frame_data(m, 1),
	    sock_frame_size(m, 1),
	    (size_t)pool->server->conf->limits_max_message_bytes, &err);
	if (env == NULL) {
		log_warnx("refused a worker message: %s", err.detail);
		worker_pool_send_disconnect(pool, id, id_len, err.detail);
		return;
	}
	if (env->version != TDKT_PROTOCOL_VERSION) {
		log_warnx("refused a worker speaking protocol version %u",
		    env->version);
		worker_pool_send_disconnect(pool, id, id_len,
		    "unsupported protocol version");
		return;
	}
	w = worker_pool_find_worker(pool, id, id_len);
	if (env->body_case == TDKT__WORKER_ENVELOPE__BODY_READY) {
		worker_pool_on_ready(pool, id, id_len, key, env->ready);
		return;
	}
	if (w == NULL) {
		/*
		 * A worker we do not know (we restarted, or declared it dead):
		 * acknowledge a result it holds, since no job of ours waits for
		 * it, and make it announce itself again.
		 */
		if (env->body_case == TDKT__WORKER_ENVELOPE__BODY_RESULT)
			worker_pool_ack(pool, id, id_len, env->result);
		if (env->body_case != TDKT__WORKER_ENVELOPE__BODY_DISCONNECT)
			worker_pool_send_disconnect(pool, id, id_len,
			    "unknown worker; send Ready");
		return;
	}
	w->last_seen_ms = clock_monotonic_ms();
	switch (env->body_case) {
	case TDKT__WORKER_ENVELOPE__BODY_HEARTBEAT:
		if (env->heartbeat->draining && !w->draining)
			log_info("worker %s is stopping", w->name);
		w->draining = env->heartbeat->draining;
		w->busy = env->heartbeat->in_flight;
		worker_pool_dispatch(pool);
		break;
	case TDKT__WORKER_ENVELOPE__BODY_RESULT:
		worker_pool_on_result(pool, w, env->result);
		break;
	case TDKT__WORKER_ENVELOPE__BODY_DISCONNECT:
		worker_pool_remove_worker(pool, w,
		    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
		worker_pool_dispatch(pool);
		break;
	default:
		log_info("ignored a worker message of type %d from %s",
		    (int)env->body_case, w->name);
		break;
	}
}

void
worker_pool_cut_off_disallowed(struct worker_pool *pool)
{
	struct worker	*w, *next;
	bool		 removed = false;

	for (w = pool->workers; w != NULL; w = next) {
		next = w->next;
		if (w->key[0] == '\0' ||
		    zap_worker_key_allowed(pool->server->zap, w->key))
			continue;
		log_warnx("worker %s cut off: its key %s was revoked", w->name,
		    w->key);
		worker_pool_send_disconnect(pool, w->id, w->id_len,
		    "this worker's key has been revoked");
		worker_pool_remove_worker(pool, w,
		    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
		removed = true;
	}
	if (removed)
		worker_pool_dispatch(pool);
}

uint32_t
worker_pool_count_key(const struct worker_pool *pool, const char *key)
{
	uint32_t	n = 0;

	for (const struct worker *w = pool->workers; w != NULL; w = w->next) {
		if (strcmp(w->key, key) == 0)
			n++;
	}
	return n;
}

void
worker_pool_handle_input(struct worker_pool *pool)
{
	struct sock_message	m;

	for (int i = 0; i < WORKER_POOL_BATCH; i++) {
		if (sock_recv_message(pool->server->workers, &m) < 0) {
			if (errno != EAGAIN)
				log_warnx("could not receive from workers: %s",
				    zmq_strerror(errno));
			return;
		}
		if (m.nframes >= 1)
			worker_pool_on_message(pool, &m);
		sock_message_close(&m);
	}
}

/* Tells requesters whose jobs ran out of time; drops queued ones. */
static void
worker_pool_expire(struct worker_pool *pool, int64_t now)
{
	struct job	*j, *next;

	for (j = pool->jobs; j != NULL; j = next) {
		next = j->next;
		if (j->cb == NULL || now < j->deadline_ms)
			continue;
		worker_pool_fail(j, TDKT__ERROR_CODE__ERROR_CODE_TIMEOUT,
		    j->worker == NULL ? "no worker was available for the job" :
		    "the worker did not finish the job in time");
		if (j->worker == NULL)
			worker_pool_unlink_job(pool, j);
	}
}

void
worker_pool_tick(struct worker_pool *pool, int64_t now)
{
	const struct server_config	*conf = pool->server->conf;
	int64_t				 dead_after;
	struct worker			*w, *next;

	dead_after = conf->workers_heartbeat_ms * conf->workers_liveness;
	for (w = pool->workers; w != NULL; w = next) {
		next = w->next;
		if (now - w->last_seen_ms > dead_after)
			worker_pool_remove_worker(pool, w,
			    TDKT__WORKER_EVENT__KIND__KIND_LOST);
	}
	if (now - pool->last_heartbeat_ms >= conf->workers_heartbeat_ms) {
		Tdkt__WorkerEnvelope	env = TDKT__WORKER_ENVELOPE__INIT;
		Tdkt__Heartbeat		hb = TDKT__HEARTBEAT__INIT;

		env.body_case = TDKT__WORKER_ENVELOPE__BODY_HEARTBEAT;
		env.heartbeat = &hb;
		for (w = pool->workers; w != NULL; w = next) {
			next = w->next;
			hb.in_flight = w->in_flight;
			/*
			 * ZMQ_ROUTER_MANDATORY says at once when a worker's
			 * connection is gone (killed, not just silent): its
			 * jobs need not wait out the liveness window.
			 */
			if (worker_pool_send(pool, w, &env) < 0 &&
			    errno == EHOSTUNREACH)
				worker_pool_remove_worker(pool, w,
				    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
		}
		pool->last_heartbeat_ms = now;
	}
	worker_pool_expire(pool, now);
	worker_pool_dispatch(pool);
}

bool
worker_pool_serves(const struct worker_pool *pool, const char *kind)
{
	for (const struct worker *w = pool->workers; w != NULL; w = w->next) {
		if (!w->draining && worker_pool_has_kind(w, kind))
			return true;
	}
	return false;
}

uint32_t
worker_pool_count(const struct worker_pool *pool)
{
	uint32_t	n = 0;

	for (const struct worker *w = pool->workers; w != NULL; w = w->next)
		n++;
	return n;
}

void
worker_pool_describe(const struct worker_pool *pool, struct arena *a,
    Tdkt__WorkersListReply *out)
{
	int64_t		 now = clock_monotonic_ms();
	size_t		 n = worker_pool_count(pool), i = 0;

	out->workers = arena_zalloc(a, (n > 0 ? n : 1) * sizeof *out->workers);
	for (const struct worker *w = pool->workers;
	    out->workers != NULL && w != NULL; w = w->next, i++) {
		Tdkt__WorkerInfo	*info = arena_zalloc(a, sizeof *info);

		if ((out->workers[i] = info) == NULL)
			return;
		tdkt__worker_info__init(info);
		info->name = w->name;
		info->public_key = (char *)w->key;
		info->kinds = w->kinds;
		info->n_kinds = w->nkinds;
		info->capacity = w->capacity;
		info->in_flight = w->in_flight;
		info->done = w->done;
		info->draining = w->draining;
		info->connected_at_unix_ms = w->connected_at_ms;
		info->last_seen_ms_ago = (uint32_t)(now - w->last_seen_ms);
	}
	out->n_workers = i;
	for (const struct job *j = pool->jobs; j != NULL; j = j->next) {
		if (j->worker != NULL)
			out->jobs_running++;
		else if (j->cb != NULL)
			out->jobs_waiting++;
	}
}

void
worker_pool_free(struct worker_pool **poolp)
{
	struct worker_pool	*pool = *poolp;
	struct worker		*w, *wnext;

	if (pool == NULL)
		return;
	while (pool->jobs != NULL) {
		worker_pool_fail(pool->jobs,
		    TDKT__ERROR_CODE__ERROR_CODE_SHUTTING_DOWN,
		    "the server is shutting down");
		worker_pool_unlink_job(pool, pool->jobs);
	}
	for (w = pool->workers; w != NULL; w = wnext) {
		wnext = w->next;
		worker_pool_send_disconnect(pool, w->id, w->id_len,
		    "the server is shutting down");
		worker_pool_free_worker(w);
	}
	arena_free(&pool->arena);
	free(pool);
	*poolp = NULL;
}
