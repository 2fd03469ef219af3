/*
 * worker_pool.c - worker registry, heartbeats and credit; see
 * worker_pool.h.
 *
 * DESIGN NOTES
 *
 * A worker's life in the pool:
 *
 *   Ready ──▶ registered (session N) ──▶ Disconnect, a send that finds
 *              │   ▲                      its connection gone, silence for
 *              │   │ Heartbeat, Result    `liveness` heartbeats, a revoked
 *              └───┘                      key ──▶ worker_pool_remove_worker
 *                                         ──▶ job_queue_worker_gone
 *
 * Invariants:
 * 1. w->in_flight counts the job queue's jobs for w's session: +1 when a
 *    job is claimed for it or adopted (worker_pool_hold), -1 when the
 *    queue is done with it (worker_pool_release).
 * 2. The pool offers w for a claim only while both in_flight and what w
 *    itself reports running (w->busy: jobs from before a reconnect count
 *    too) are below w->capacity.
 * 3. Every Result, from a registered worker or not, goes to the job queue,
 *    which decides under the lease token whether it counts; only the job
 *    queue acknowledges.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "curve.h"
#include "db_jobs.h"
#include "events.h"
#include "job_queue.h"
#include "log.h"
#include "server.h"
#include "sock.h"
#include "version.h"
#include "wire.h"
#include "worker_pool.h"
#include "xmalloc.h"
#include "zap.h"

#define WORKER_POOL_BATCH		256
#define WORKER_POOL_MAX_CAPACITY	1024
#define WORKER_POOL_MAX_KINDS		64
#define WORKER_POOL_MAX_NAME		128
#define WORKER_POOL_ID_MAX		256

struct worker {
	struct worker	*next;
	uint64_t	 session;
	unsigned char	 id[WORKER_POOL_ID_MAX];
	size_t		 id_len;
	char		*name;
	char		 key[CURVE_KEY_LEN + 1];	/* "" without CURVE */
	uint32_t	 capacity;
	uint32_t	 in_flight;	/* the job queue's leases it holds */
	uint32_t	 busy;		/* jobs it says it runs (Ready, Heartbeat) */
	char		**kinds;
	size_t		 nkinds;
	uint64_t	 done;
	bool		 draining;	/* stopping: give it no more jobs */
	bool		 dry;		/* no due jobs of its kinds, for now */
	int64_t		 last_seen_ms;
	int64_t		 last_dispatch_ms;	/* least recently used goes first */
	int64_t		 connected_at_ms;	/* wall clock, for people */
};

struct worker_pool {
	struct server	*server;
	struct worker	*workers;
	uint64_t	 next_session;
	int64_t		 last_heartbeat_ms;
	struct arena	*arena;		/* for unpacking one message at a time */
};

struct worker_pool *
worker_pool_new(struct server *s)
{
	struct worker_pool	*pool;

	pool = xcalloc(1, sizeof *pool);
	pool->server = s;
	pool->next_session = 1;
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
	events_publish_admin(pool->server->events, &ev);
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

static void
worker_pool_free_worker(struct worker *w)
{
	for (size_t i = 0; i < w->nkinds; i++)
		free(w->kinds[i]);
	free(w->kinds);
	free(w->name);
	free(w);
}

/* Takes `w` out of the pool; the job queue takes its leases back. */
static void
worker_pool_remove_worker(struct worker_pool *pool, struct worker *w,
    Tdkt__WorkerEvent__Kind why)
{
	struct worker	**pp;

	log_info("worker %s %s", w->name,
	    why == TDKT__WORKER_EVENT__KIND__KIND_LOST ? "lost (no heartbeat)" :
	    "disconnected");
	for (pp = &pool->workers; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	job_queue_worker_gone(pool->server->jobs, w->session, w->name);
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

static struct worker *
worker_pool_find_session(struct worker_pool *pool, uint64_t session)
{
	for (struct worker *w = pool->workers; w != NULL; w = w->next) {
		if (w->session == session)
			return w;
	}
	return NULL;
}

static uint32_t
worker_pool_credit(const struct worker *w)
{
	uint32_t	used = w->in_flight > w->busy ? w->in_flight : w->busy;

	if (w->draining || used >= w->capacity)
		return 0;
	return w->capacity - used;
}

bool
worker_pool_next_free(struct worker_pool *pool, struct worker_slot *slot)
{
	struct worker	*best = NULL;

	for (struct worker *w = pool->workers; w != NULL; w = w->next) {
		if (w->dry || worker_pool_credit(w) == 0)
			continue;
		if (best == NULL || w->last_dispatch_ms < best->last_dispatch_ms)
			best = w;
	}
	if (best == NULL)
		return false;
	slot->session = best->session;
	slot->name = best->name;
	slot->kinds = best->kinds;
	slot->nkinds = best->nkinds;
	slot->credit = worker_pool_credit(best);
	return true;
}

void
worker_pool_dry(struct worker_pool *pool, uint64_t session)
{
	struct worker	*dry = worker_pool_find_session(pool, session);
	bool		 covered;

	if (dry == NULL)
		return;
	for (struct worker *w = pool->workers; w != NULL; w = w->next) {
		covered = true;
		for (size_t i = 0; covered && i < w->nkinds; i++)
			covered = worker_pool_has_kind(dry, w->kinds[i]);
		if (covered)
			w->dry = true;
	}
}

void
worker_pool_wet(struct worker_pool *pool)
{
	for (struct worker *w = pool->workers; w != NULL; w = w->next)
		w->dry = false;
}

int
worker_pool_send_job(struct worker_pool *pool, uint64_t session,
    const struct db_job_lease *lease)
{
	Tdkt__WorkerEnvelope	 env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Job		 msg = TDKT__JOB__INIT;
	struct worker		*w;

	if ((w = worker_pool_find_session(pool, session)) == NULL)
		return -1;
	msg.job_id = lease->id;
	msg.lease_token = (char *)lease->lease_token;
	msg.kind = (char *)lease->kind;
	msg.payload.data = (uint8_t *)lease->payload;
	msg.payload.len = lease->len;
	msg.timeout_ms = lease->timeout_ms;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_JOB;
	env.job = &msg;
	if (worker_pool_send(pool, w, &env) < 0) {
		log_info("could not hand job %llu to worker %s: %s",
		    (unsigned long long)lease->id, w->name, zmq_strerror(errno));
		if (errno == EHOSTUNREACH)	/* gone without a word */
			worker_pool_remove_worker(pool, w,
			    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
		else	/* a full pipe: nothing more until it heartbeats */
			w->busy = w->capacity;
		return -1;
	}
	w->last_dispatch_ms = clock_monotonic_ms();
	log_debug("job %llu (%s) to worker %s", (unsigned long long)lease->id,
	    lease->kind, w->name);
	return 0;
}

bool
worker_pool_hold(struct worker_pool *pool, uint64_t session)
{
	struct worker	*w = worker_pool_find_session(pool, session);

	if (w == NULL)
		return false;
	w->in_flight++;
	return true;
}

void
worker_pool_release(struct worker_pool *pool, uint64_t session)
{
	struct worker	*w = worker_pool_find_session(pool, session);

	if (w == NULL)
		return;
	if (w->in_flight > 0)
		w->in_flight--;
	if (w->busy > 0)
		w->busy--;	/* until its next heartbeat says */
}

static void
worker_pool_on_ready(struct worker_pool *pool, const void *id, size_t id_len,
    const char *key, const Tdkt__Ready *ready)
{
	struct worker	*w;

	if (ready->capacity < 1 || ready->capacity > WORKER_POOL_MAX_CAPACITY ||
	    ready->n_kinds < 1 || ready->n_kinds > WORKER_POOL_MAX_KINDS ||
	    ready->n_held > ready->capacity ||
	    strlen(ready->name) > WORKER_POOL_MAX_NAME || id_len > sizeof w->id) {
		log_warnx("refused worker \"%.*s\": capacity %u, %zu kinds",
		    WORKER_POOL_MAX_NAME, ready->name, ready->capacity,
		    ready->n_kinds);
		worker_pool_send_disconnect(pool, id, id_len,
		    "invalid Ready: capacity must be 1-1024 with 1-64 kinds, "
		    "holding no more jobs than its capacity");
		return;
	}
	if ((w = worker_pool_find_worker(pool, id, id_len)) != NULL) {
		/* Ready twice on one connection: a confused peer. Start over. */
		worker_pool_remove_worker(pool, w,
		    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
	}
	w = xcalloc(1, sizeof *w);
	w->session = pool->next_session++;
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
	job_queue_adopt(pool->server->jobs, w->session, w->name, ready->held,
	    ready->n_held);
	job_queue_poke(pool->server->jobs);
}

void
worker_pool_ack(struct worker_pool *pool, const void *routing_id,
    size_t id_len, uint64_t job_id, const char *lease_token)
{
	Tdkt__WorkerEnvelope	env = TDKT__WORKER_ENVELOPE__INIT;
	Tdkt__Ack		ack = TDKT__ACK__INIT;

	ack.job_id = job_id;
	ack.lease_token = (char *)lease_token;
	env.body_case = TDKT__WORKER_ENVELOPE__BODY_ACK;
	env.ack = &ack;
	/* A worker that reconnected since sends the result again. */
	worker_pool_send_to_id(pool, routing_id, id_len, &env);
}

/* `w` is NULL for a sender that is not registered (see on_message). */
static void
worker_pool_on_result(struct worker_pool *pool, struct worker *w,
    const void *id, size_t id_len, const Tdkt__Result *r)
{
	job_queue_on_result(pool->server->jobs, w != NULL ? w->session : 0,
	    w != NULL ? w->name : "(unregistered)", id, id_len, r);
	if (w == NULL)
		return;
	if (r->handed_back) {
		/*
		 * Given back unrun (the worker is stopping or full): no more
		 * jobs for it until its next heartbeat says otherwise.
		 */
		w->busy = w->capacity;
		return;
	}
	w->done++;
	job_queue_dispatch(pool->server->jobs);
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
		 * A worker we do not know (we declared it dead, or it has not
		 * said Ready since we restarted): its result may still be
		 * current, which only the lease can tell. Either way it must
		 * announce itself again.
		 */
		if (env->body_case == TDKT__WORKER_ENVELOPE__BODY_RESULT)
			worker_pool_on_result(pool, NULL, id, id_len, env->result);
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
		job_queue_dispatch(pool->server->jobs);
		break;
	case TDKT__WORKER_ENVELOPE__BODY_RESULT:
		worker_pool_on_result(pool, w, id, id_len, env->result);
		break;
	case TDKT__WORKER_ENVELOPE__BODY_DISCONNECT:
		worker_pool_remove_worker(pool, w,
		    TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED);
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
	}
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
	for (const struct worker *w = pool->workers; w != NULL; w = w->next)
		out->jobs_running += w->in_flight;
}

void
worker_pool_free(struct worker_pool **poolp)
{
	struct worker_pool	*pool = *poolp;
	struct worker		*w, *wnext;

	if (pool == NULL)
		return;
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
