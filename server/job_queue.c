/*
 * job_queue.c - claiming, leases, results, rescue and pruning of durable
 * jobs; see job_queue.h.
 *
 * DESIGN NOTES
 *
 * One claim is in flight at a time: it leases up to the free credit of the
 * least recently used worker, sends what came back, and claims again at
 * once if the batch was full. A short batch means no more due jobs of that
 * worker's kinds, so it and every worker whose kinds it covers go dry; the
 * next claim is for a worker that may run other kinds. A commit of ours
 * (job_queue_poke) or the poll tick (jobs.poll_ms) wets them all again,
 * which is also what finds timers that fell due and jobs other processes
 * queued. Nothing waits for NOTIFY: it would be sent at commit and
 * serialise every transaction that queues a job.
 *
 * Each lease is held through a worker's connection (a session of the
 * pool), named in PostgreSQL as "<instance>/<session>" (job_queue_holder),
 * where `instance` is random per server start. Releases and renewals name
 * the holder, so a connection's end cannot undo a lease its worker's next
 * connection adopted, here or on another server.
 *
 * Results wait in `pending` while a batch is in flight, so under load one
 * transaction completes many jobs; their Acks go out when it commits.
 *
 * Every tick:   renew the leases of connected workers' jobs and of results
 *               waiting for their transaction (every lease_ms / 3),
 *               rescue expired leases (every second, the first time once
 *               workers have had a liveness window to reconnect),
 *               give back claims whose answers were lost,
 *               prune finished jobs (every minute).
 *
 * Invariants:
 * 1. A lease in `leases` was committed by a claim (or adoption) and sent to
 *    a worker of a session the pool knows; job_queue_worker_gone takes all
 *    of a session's leases out at once.
 * 2. Each lease in `leases` is one job counted in flight by the pool for
 *    its session, so taking it out gives that session its credit back
 *    (job_queue_end_lease), and moving it moves the credit.
 * 3. A job has at most one of: a lease in `leases`, a result in `pending`
 *    or `completing`.
 * 4. No callback of a failed query issues another query: the database may
 *    be going away (db_free fails everything queued).
 */
#include <sys/random.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db_jobs.h"
#include "job_hooks.h"
#include "job_queue.h"
#include "log.h"
#include "server.h"
#include "server_config.h"
#include "worker_pool.h"
#include "xmalloc.h"

#define JOB_QUEUE_TOKEN_MAX	64
#define JOB_QUEUE_HOLDER_MAX	48	/* "<16 hex>/<session>" */
#define JOB_QUEUE_BATCH_MAX	1000	/* results in one transaction */
#define JOB_QUEUE_PENDING_MAX	10000	/* results waiting, past which... */
#define JOB_QUEUE_PENDING_BYTES	(256 * 1024 * 1024)	/* ...a worker resends */
#define JOB_QUEUE_RESCUE_MS	1000
#define JOB_QUEUE_RESCUE_BATCH	500
#define JOB_QUEUE_PRUNE_MS	60000
#define JOB_QUEUE_PRUNE_BATCH	5000
#define JOB_QUEUE_ROUTING_MAX	256

struct lease {
	struct lease	*next;
	uint64_t	 job_id;
	char		 token[JOB_QUEUE_TOKEN_MAX + 1];
	char		 kind[33];	/* job_kinds.kind is at most 32 */
	uint64_t	 session;
	int64_t		 renew_until_ms;	/* the job's own time is up */
};

/* A worker's result on its way into PostgreSQL. */
struct result {
	struct result	*next;
	uint64_t	 job_id;
	char		*token;
	char		 holder[JOB_QUEUE_HOLDER_MAX];	/* "": no lease known */
	bool		 ok;
	bool		 permanent;
	bool		 unknown;	/* it may have acted (outcome unknown) */
	void		*payload;
	size_t		 len;
	char		*effect;	/* JSON, for a kind with an effect */
	char		*error;
	char		*worker_name;
	unsigned char	 routing_id[JOB_QUEUE_ROUTING_MAX];
	size_t		 routing_len;
};

/* A request waiting for a job of its own. */
struct waiter {
	struct waiter	*next;
	struct job_queue *queue;
	uint64_t	 job_id;	/* 0 until the enqueue committed */
	bool		 enqueue_done;
	int64_t		 deadline_ms;
	job_outcome_cb	*cb;		/* NULL once told */
	void		*arg;
};

/* An adoption's context: whose jobs they are, and which were asked for. */
struct adoption {
	struct job_queue *queue;
	uint64_t	 session;
	uint64_t	*ids;
	char		**tokens;
	size_t		 n;
};

/* A claim whose answer was lost: its leases are to be given back. */
struct lost_claim {
	struct lost_claim *next;
	struct job_queue *queue;
	char		 claim_id[40];
	char		 holder[JOB_QUEUE_HOLDER_MAX];
	bool		 releasing;
};

struct job_queue {
	struct server	*server;
	char		 instance[17];	/* random hex, per server start */
	uint64_t	 next_claim;
	struct lease	*leases;
	struct result	*pending;	/* for the next batch */
	struct result	**pending_tail;
	size_t		 npending;
	size_t		 pending_bytes;
	struct result	*completing;	/* the batch in flight */
	struct waiter	*waiters;
	struct lost_claim *lost_claims;
	bool		 claiming;
	uint64_t	 claim_session;
	uint32_t	 claim_limit;
	char		 claim_id[40];
	bool		 idle;		/* a claim failed: wait for the poll */
	bool		 pruning;
	bool		 rescuing;
	int64_t		 last_poll_ms;
	int64_t		 last_renew_ms;
	int64_t		 last_rescue_ms;
	int64_t		 last_prune_ms;
};

static void	job_queue_claim(struct job_queue *);

struct job_queue *
job_queue_new(struct server *s)
{
	struct job_queue	*q = xcalloc(1, sizeof *q);
	unsigned char		 raw[8];
	int64_t			 now = clock_monotonic_ms();

	q->server = s;
	q->pending_tail = &q->pending;
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		fatal("could not read random bytes for the server instance");
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(q->instance + 2 * i, 3, "%02x", raw[i]);
	/*
	 * Leases that expired while no server ran are rescued once workers
	 * have had a liveness window to reconnect and keep theirs; the
	 * first prune waits a minute.
	 */
	q->last_rescue_ms = now - JOB_QUEUE_RESCUE_MS +
	    s->conf->workers_heartbeat_ms * s->conf->workers_liveness;
	q->last_prune_ms = now;
	log_info("job queue instance %s", q->instance);
	return q;
}

/* The name PostgreSQL knows a session's leases by. */
static void
job_queue_holder(const struct job_queue *q, uint64_t session,
    char buf[JOB_QUEUE_HOLDER_MAX])
{
	snprintf(buf, JOB_QUEUE_HOLDER_MAX, "%s/%" PRIu64, q->instance, session);
}

static void
job_queue_result_free(struct result *r)
{
	free(r->token);
	free(r->payload);
	free(r->effect);
	free(r->error);
	free(r->worker_name);
	free(r);
}

static void
job_queue_results_free(struct result **list)
{
	struct result	*r, *next;

	for (r = *list; r != NULL; r = next) {
		next = r->next;
		job_queue_result_free(r);
	}
	*list = NULL;
}

/* Tells a waiting request once; frees the waiter when nothing refers to it. */
static void
job_queue_tell(struct job_queue *q, struct waiter *w,
    const struct job_outcome *out)
{
	job_outcome_cb	*cb = w->cb;
	struct waiter	**pp;

	w->cb = NULL;
	if (cb != NULL)
		cb(w->arg, out);
	if (!w->enqueue_done)
		return;		/* job_queue_enqueued frees it */
	for (pp = &q->waiters; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	free(w);
}

static void
job_queue_tell_failure(struct job_queue *q, struct waiter *w,
    Tdkt__ErrorCode code, const char *detail, const char *worker_name)
{
	struct job_outcome	out = {
		.job_id = w->job_id, .ok = 0, .code = code, .detail = detail,
		.worker_name = worker_name,
	};

	job_queue_tell(q, w, &out);
}

const char *
job_queue_instance(const struct job_queue *q)
{
	return q->instance;
}

void
job_queue_free(struct job_queue **qp)
{
	struct job_queue	*q = *qp;
	struct lease		*l, *lnext;
	struct lost_claim	*c, *cnext;

	if (q == NULL)
		return;
	while (q->waiters != NULL) {
		q->waiters->enqueue_done = true;
		job_queue_tell_failure(q, q->waiters,
		    TDKT__ERROR_CODE__ERROR_CODE_SHUTTING_DOWN,
		    "the server is shutting down", NULL);
	}
	for (l = q->leases; l != NULL; l = lnext) {
		lnext = l->next;
		free(l);
	}
	for (c = q->lost_claims; c != NULL; c = cnext) {
		cnext = c->next;
		free(c);
	}
	job_queue_results_free(&q->pending);
	job_queue_results_free(&q->completing);
	free(q);
	*qp = NULL;
}

static struct waiter *
job_queue_find_waiter(struct job_queue *q, uint64_t job_id)
{
	for (struct waiter *w = q->waiters; w != NULL; w = w->next) {
		if (w->job_id == job_id && w->cb != NULL)
			return w;
	}
	return NULL;
}

static struct lease *
job_queue_find_lease(struct job_queue *q, uint64_t job_id, const char *token)
{
	for (struct lease *l = q->leases; l != NULL; l = l->next) {
		if (l->job_id == job_id && strcmp(l->token, token) == 0)
			return l;
	}
	return NULL;
}

static struct result *
job_queue_find_result(struct result *list, uint64_t job_id, const char *token)
{
	for (struct result *r = list; r != NULL; r = r->next) {
		if (r->job_id == job_id && strcmp(r->token, token) == 0)
			return r;
	}
	return NULL;
}

/* True if a result for this lease waits for its transaction. */
static bool
job_queue_result_waits(struct job_queue *q, uint64_t job_id, const char *token)
{
	return job_queue_find_result(q->pending, job_id, token) != NULL ||
	    job_queue_find_result(q->completing, job_id, token) != NULL;
}

/*
 * Takes a lease out of memory and gives its session the credit back; if
 * `holder` is not NULL, says whose it was. Returns false if there was none.
 */
static bool
job_queue_end_lease(struct job_queue *q, uint64_t job_id, const char *token,
    char holder[JOB_QUEUE_HOLDER_MAX])
{
	struct lease	**pp, *l;

	for (pp = &q->leases; (l = *pp) != NULL; pp = &l->next) {
		if (l->job_id == job_id && strcmp(l->token, token) == 0) {
			*pp = l->next;
			if (holder != NULL)
				job_queue_holder(q, l->session, holder);
			worker_pool_release(q->server->pool, l->session);
			free(l);
			return true;
		}
	}
	return false;
}

static void
job_queue_add_lease(struct job_queue *q, uint64_t session, uint64_t job_id,
    const char *token, const char *kind, uint32_t timeout_ms)
{
	struct lease	*l = xcalloc(1, sizeof *l);

	l->job_id = job_id;
	snprintf(l->token, sizeof l->token, "%s", token);
	snprintf(l->kind, sizeof l->kind, "%s", kind);
	l->session = session;
	l->renew_until_ms = clock_monotonic_ms() + timeout_ms;
	l->next = q->leases;
	q->leases = l;
}

/* Job ids PostgreSQL can hold, and tokens of the length we hand out. */
static bool
job_queue_lease_valid(uint64_t job_id, const char *token)
{
	return job_id >= 1 && job_id <= INT64_MAX &&
	    strlen(token) <= JOB_QUEUE_TOKEN_MAX;
}

/* Says what became of a job that did not simply finish. */
static void
job_queue_log_outcome(uint64_t job_id, const char *outcome, const char *why)
{
	if (strcmp(outcome, "queued") == 0)
		log_info("job %" PRIu64 " goes back to the queue (%s)", job_id,
		    why);
	else if (strcmp(outcome, "discarded") == 0)
		log_warnx("job %" PRIu64 " discarded after its last attempt "
		    "(%s); `tdkt admin job show %" PRIu64 "`", job_id, why,
		    job_id);
	else if (strcmp(outcome, "unknown") == 0)
		log_warnx("job %" PRIu64 " may have acted before it was lost "
		    "(%s): it waits for an administrator as unknown", job_id,
		    why);
}

static void
job_queue_released(void *arg, const struct db_job_settled *settled, size_t n,
    const char *error)
{
	(void)arg;
	if (error != NULL) {
		/* Their leases expire and the rescue takes them. */
		log_warnx("could not release jobs: %s", error);
		return;
	}
	for (size_t i = 0; i < n; i++)
		job_queue_log_outcome(settled[i].id, settled[i].outcome,
		    "released");
}

/* ---- claims ---- */

/* A claimed job on its way to its worker, its payload being prepared. */
struct dispatch {
	struct job_queue *queue;
	uint64_t	 session;
	struct db_job_lease lease;	/* its strings are the copies below */
	char		*kind;
	char		*token;
};

/* Gives a job that could not be sent back, unsent, with its credit. */
static void
job_queue_unsent(struct job_queue *q, uint64_t session, uint64_t job_id,
    const char *token, const char *why)
{
	char		 holder[JOB_QUEUE_HOLDER_MAX];
	uint64_t	 id = job_id;
	char		*tok = (char *)token;

	worker_pool_release(q->server->pool, session);
	job_queue_holder(q, session, holder);
	db_jobs_release(q->server->db, &id, &tok, 1, holder, "unsent", why,
	    job_queue_released, q);
}

/* Sends a claimed job, counted in flight already, with `payload`. */
static void
job_queue_send(struct job_queue *q, uint64_t session,
    const struct db_job_lease *lease, const void *payload, size_t len)
{
	struct db_job_lease	sent = *lease;

	sent.payload = payload;
	sent.len = len;
	if (worker_pool_send_job(q->server->pool, session, &sent) < 0) {
		job_queue_unsent(q, session, lease->id, lease->lease_token,
		    "the job could not be sent to its worker");
		return;
	}
	job_queue_add_lease(q, session, lease->id, lease->lease_token,
	    lease->kind, lease->timeout_ms);
}

static void
job_queue_dispatch_free(struct dispatch *d)
{
	free(d->kind);
	free(d->token);
	free(d);
}

/*
 * A job whose payload could not be prepared fails its attempt: retried
 * with back-off while attempts last (the database may come back), at once
 * discarded when it never can be prepared. Either way it cannot loop.
 */
static void
job_queue_prepared(void *arg, const void *payload, size_t len,
    const char *error, bool permanent)
{
	struct dispatch		*d = arg;
	struct job_queue	*q = d->queue;
	struct db_job_result	 failed = { 0 };

	if (payload != NULL) {
		job_queue_send(q, d->session, &d->lease, payload, len);
		job_queue_dispatch_free(d);
		return;
	}
	failed.id = d->lease.id;
	failed.lease_token = d->token;
	failed.error = xasprintf("the server could not prepare it: %s", error);
	failed.permanent = permanent;
	log_warnx("job %" PRIu64 ": %s", d->lease.id, failed.error);
	worker_pool_release(q->server->pool, d->session);
	db_jobs_complete(q->server->db, &failed, 1, job_queue_released, q);
	free((char *)failed.error);
	job_queue_dispatch_free(d);
}

/* Counts a claimed job in flight and sends it, once prepared if need be. */
static void
job_queue_start(struct job_queue *q, uint64_t session,
    const struct db_job_lease *lease)
{
	const struct job_hooks	*hooks = job_hooks_find(lease->kind);
	struct dispatch		*d;

	if (!worker_pool_hold(q->server->pool, session)) {
		job_queue_unsent(q, session, lease->id, lease->lease_token,
		    "the worker left before the job reached it");
		return;
	}
	if (hooks == NULL || hooks->prepare == NULL) {
		job_queue_send(q, session, lease, lease->payload, lease->len);
		return;
	}
	d = xcalloc(1, sizeof *d);
	d->queue = q;
	d->session = session;
	d->lease = *lease;
	d->kind = xstrdup(lease->kind);
	d->token = xstrdup(lease->lease_token);
	d->lease.kind = d->kind;
	d->lease.lease_token = d->token;
	hooks->prepare(q->server, lease, job_queue_prepared, d);
}

static void
job_queue_claimed(void *arg, const struct db_job_lease *leases, size_t n,
    const char *error)
{
	struct job_queue	*q = arg;
	char			 holder[JOB_QUEUE_HOLDER_MAX];

	q->claiming = false;
	if (error != NULL) {
		struct lost_claim	*c = xcalloc(1, sizeof *c);

		/* It may have committed: give its leases back when we can. */
		log_warnx("could not claim jobs: %s", error);
		job_queue_holder(q, q->claim_session, holder);
		c->queue = q;
		snprintf(c->claim_id, sizeof c->claim_id, "%s", q->claim_id);
		snprintf(c->holder, sizeof c->holder, "%s", holder);
		c->next = q->lost_claims;
		q->lost_claims = c;
		q->idle = true;		/* the next poll tries again */
		return;
	}
	for (size_t i = 0; i < n; i++)
		job_queue_start(q, q->claim_session, &leases[i]);
	/* No more due jobs of these kinds: try workers of other kinds. */
	if (n < q->claim_limit)
		worker_pool_dry(q->server->pool, q->claim_session);
	job_queue_claim(q);
}

static void
job_queue_claim(struct job_queue *q)
{
	const struct server_config	*conf = q->server->conf;
	struct worker_slot		 slot;
	struct db_job_holder		 who;
	char				 holder[JOB_QUEUE_HOLDER_MAX];

	if (q->claiming || q->idle || !db_ready(q->server->db))
		return;
	if (!worker_pool_next_free(q->server->pool, &slot))
		return;
	q->claiming = true;
	q->claim_session = slot.session;
	q->claim_limit = slot.credit < (uint32_t)conf->jobs_claim_batch ?
	    slot.credit : (uint32_t)conf->jobs_claim_batch;
	snprintf(q->claim_id, sizeof q->claim_id, "%s:%" PRIu64, q->instance,
	    ++q->next_claim);
	job_queue_holder(q, slot.session, holder);
	who.owner = slot.name;
	who.holder = holder;
	db_jobs_claim(q->server->db, &who, q->claim_id, slot.kinds, slot.nkinds,
	    q->claim_limit, (uint32_t)conf->jobs_lease_ms, job_queue_claimed, q);
}

void
job_queue_dispatch(struct job_queue *q)
{
	job_queue_claim(q);
}

void
job_queue_poke(struct job_queue *q)
{
	q->idle = false;
	worker_pool_wet(q->server->pool);
	job_queue_claim(q);
}

static void
job_queue_claim_released(void *arg, uint64_t count, const char *error)
{
	struct lost_claim	*c = arg, **pp;
	struct job_queue	*q = c->queue;

	c->releasing = false;
	if (error != NULL) {
		log_warnx("could not give back the jobs of claim %s: %s",
		    c->claim_id, error);
		return;		/* the next tick tries again */
	}
	if (count > 0)
		log_info("gave back %" PRIu64 " jobs of claim %s, whose answer "
		    "was lost", count, c->claim_id);
	for (pp = &q->lost_claims; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	free(c);
}

static void
job_queue_release_lost_claims(struct job_queue *q)
{
	for (struct lost_claim *c = q->lost_claims; c != NULL; c = c->next) {
		if (c->releasing)
			continue;
		c->releasing = true;
		db_jobs_release_claim(q->server->db, c->claim_id, c->holder,
		    job_queue_claim_released, c);
	}
}

/* ---- results ---- */

static void	job_queue_flush(struct job_queue *);

static struct result *
job_queue_unlink_result(struct result **list, uint64_t job_id,
    const char *token)
{
	struct result	**pp, *r;

	for (pp = list; (r = *pp) != NULL; pp = &r->next) {
		if (r->job_id == job_id && strcmp(r->token, token) == 0) {
			*pp = r->next;
			r->next = NULL;
			return r;
		}
	}
	return NULL;
}

static void
job_queue_completed(void *arg, const struct db_job_settled *settled, size_t n,
    const char *error)
{
	struct job_queue	*q = arg;
	struct result		*r;
	struct waiter		*w;

	if (error != NULL) {
		/* Not acknowledged: the workers send them again. */
		log_warnx("could not record job results: %s", error);
		job_queue_results_free(&q->completing);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct db_job_settled *s = &settled[i];

		if ((r = job_queue_unlink_result(&q->completing, s->id,
		    s->lease_token)) == NULL)
			continue;
		worker_pool_ack(q->server->pool, r->routing_id, r->routing_len,
		    r->job_id, r->token);
		w = job_queue_find_waiter(q, r->job_id);
		if (strcmp(s->outcome, "done") == 0) {
			log_debug("job %" PRIu64 " done by worker %s", r->job_id,
			    r->worker_name);
			if (w != NULL) {
				struct job_outcome out = {
					.job_id = r->job_id, .ok = 1,
					.payload = r->payload, .len = r->len,
					.worker_name = r->worker_name,
				};
				job_queue_tell(q, w, &out);
			}
		} else if (strcmp(s->outcome, "stale") == 0) {
			log_info("dropped a late result for job %" PRIu64
			    " from worker %s", r->job_id, r->worker_name);
		} else {
			job_queue_log_outcome(r->job_id, s->outcome, r->error);
			if (w != NULL && strcmp(s->outcome, "queued") != 0)
				job_queue_tell_failure(q, w,
				    TDKT__ERROR_CODE__ERROR_CODE_JOB_FAILED,
				    r->error, r->worker_name);
		}
		job_queue_result_free(r);
	}
	job_queue_results_free(&q->completing);
	job_queue_flush(q);
}

/* Sends the pending results in one transaction, unless one is in flight. */
static void
job_queue_flush(struct job_queue *q)
{
	struct db_job_result	*batch;
	struct result		*r, **tail;
	size_t			 n = 0;

	if (q->completing != NULL || q->pending == NULL)
		return;
	/* Up to JOB_QUEUE_BATCH_MAX from the head; the rest stays pending. */
	for (tail = &q->pending; *tail != NULL && n < JOB_QUEUE_BATCH_MAX;
	    tail = &(*tail)->next)
		n++;
	q->completing = q->pending;
	q->pending = *tail;
	*tail = NULL;
	if (q->pending == NULL)
		q->pending_tail = &q->pending;
	batch = xcalloc(n, sizeof *batch);
	n = 0;
	for (r = q->completing; r != NULL; r = r->next, n++) {
		batch[n].id = r->job_id;
		batch[n].lease_token = r->token;
		batch[n].ok = r->ok;
		batch[n].result = r->payload != NULL ? r->payload : "";
		batch[n].len = r->len;
		batch[n].effect = r->effect;
		batch[n].error = r->error;
		batch[n].permanent = r->permanent;
		batch[n].unknown = r->unknown;
		q->npending--;
		q->pending_bytes -= r->len;
	}
	db_jobs_complete(q->server->db, batch, n, job_queue_completed, q);
	free(batch);
}

/*
 * What the result means for the database, for a kind with an effect
 * (job_complete() refuses a result of a kind that needs an effect without
 * one). A result that cannot be read turns into a failed attempt.
 */
static void
job_queue_read_effect(struct result *r, const char *kind,
    const char *worker_name)
{
	const struct job_hooks	*hooks;
	char			*why = NULL;

	if ((hooks = job_hooks_find(kind)) == NULL || hooks->effect == NULL)
		return;
	r->effect = hooks->effect(r->payload, r->len, &why);
	if (r->effect != NULL)
		return;
	r->ok = false;
	r->error = xasprintf("%s: %s", worker_name, why);
	r->permanent = false;
	/* The worker did the job: if it acts outside, it has acted. */
	r->unknown = true;
	free(why);
}

/* Errors no retry can mend: the job's input is wrong. */
static bool
job_queue_error_permanent(const Tdkt__Error *e)
{
	return e != NULL &&
	    e->code == TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT;
}

/* A job given back unrun: no attempt spent, nothing to acknowledge. */
static void
job_queue_handed_back(struct job_queue *q, const Tdkt__Result *in)
{
	char		 holder[JOB_QUEUE_HOLDER_MAX];
	uint64_t	 id = in->job_id;
	char		*token = in->lease_token;

	/* Only a lease we handed out costs a query: nothing to flood with. */
	if (!job_queue_end_lease(q, in->job_id, in->lease_token, holder))
		return;
	db_jobs_release(q->server->db, &id, &token, 1, holder, "handed_back",
	    "handed back unrun", job_queue_released, q);
}

void
job_queue_on_result(struct job_queue *q, uint64_t session,
    const char *worker_name, const void *routing_id, size_t id_len,
    const Tdkt__Result *in)
{
	struct result	*r;
	struct lease	*l;
	const char	*detail;
	char		 kind[33];

	(void)session;	/* the token is the proof, whichever connection */
	if (!job_queue_lease_valid(in->job_id, in->lease_token) ||
	    id_len > JOB_QUEUE_ROUTING_MAX) {
		log_warnx("dropped a result from worker %s with a malformed "
		    "job id or lease token", worker_name);
		return;
	}
	if (in->handed_back) {
		job_queue_handed_back(q, in);
		return;
	}
	/* A resend while the first copy is on its way: ack the latest. */
	if ((r = job_queue_find_result(q->pending, in->job_id,
	    in->lease_token)) != NULL ||
	    (r = job_queue_find_result(q->completing, in->job_id,
	    in->lease_token)) != NULL) {
		memcpy(r->routing_id, routing_id, id_len);
		r->routing_len = id_len;
		return;
	}
	if (q->npending >= JOB_QUEUE_PENDING_MAX ||
	    q->pending_bytes + in->payload.len > JOB_QUEUE_PENDING_BYTES) {
		/* Not acknowledged: the worker sends it again later. */
		log_warnx("too many results waiting for the database; "
		    "worker %s will resend job %" PRIu64 "'s", worker_name,
		    in->job_id);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->job_id = in->job_id;
	r->token = xstrdup(in->lease_token);
	/*
	 * The kind that says how to read the result is the lease's, as this
	 * server gave it; the worker's word only when the lease is not in
	 * memory (before a reconnected worker's adoption), where the effect
	 * functions check what they are given.
	 */
	if ((l = job_queue_find_lease(q, in->job_id, in->lease_token)) != NULL)
		snprintf(kind, sizeof kind, "%s", l->kind);
	else
		snprintf(kind, sizeof kind, "%s", in->kind);
	/* Its worker is free again; the lease is renewed until it commits. */
	job_queue_end_lease(q, in->job_id, in->lease_token, r->holder);
	r->ok = in->ok;
	if (in->ok && in->payload.len > 0) {
		r->payload = xmalloc(in->payload.len);
		memcpy(r->payload, in->payload.data, in->payload.len);
		r->len = in->payload.len;
	}
	if (in->ok)
		job_queue_read_effect(r, kind, worker_name);
	if (!in->ok) {
		detail = in->error != NULL && in->error->detail[0] != '\0' ?
		    in->error->detail : "the job failed";
		r->error = xasprintf("%s: %s", worker_name, detail);
		r->permanent = job_queue_error_permanent(in->error);
		r->unknown = in->error != NULL && in->error->code ==
		    TDKT__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN;
	}
	r->worker_name = xstrdup(worker_name);
	memcpy(r->routing_id, routing_id, id_len);
	r->routing_len = id_len;
	*q->pending_tail = r;
	q->pending_tail = &r->next;
	q->npending++;
	q->pending_bytes += r->len;
	job_queue_flush(q);
}

/* ---- workers coming and going ---- */

void
job_queue_worker_gone(struct job_queue *q, uint64_t session,
    const char *worker_name)
{
	struct lease	**pp, *l;
	uint64_t	*ids = NULL;
	char		**tokens = NULL, *why, holder[JOB_QUEUE_HOLDER_MAX];
	size_t		 n = 0, cap = 0;

	for (pp = &q->leases; (l = *pp) != NULL;) {
		if (l->session != session) {
			pp = &l->next;
			continue;
		}
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			ids = xreallocarray(ids, cap, sizeof *ids);
			tokens = xreallocarray(tokens, cap, sizeof *tokens);
		}
		ids[n] = l->job_id;
		tokens[n++] = xstrdup(l->token);
		*pp = l->next;
		free(l);
	}
	if (n > 0) {
		job_queue_holder(q, session, holder);
		why = xasprintf("worker %s was lost while running it",
		    worker_name);
		db_jobs_release(q->server->db, ids, tokens, n, holder, "lost",
		    why, job_queue_released, q);
		free(why);
	}
	for (size_t i = 0; i < n; i++)
		free(tokens[i]);
	free(tokens);
	free(ids);
}

static void
job_queue_adoption_free(struct adoption *adoption)
{
	for (size_t i = 0; i < adoption->n; i++)
		free(adoption->tokens[i]);
	free(adoption->tokens);
	free(adoption->ids);
	free(adoption);
}

static void
job_queue_adopted(void *arg, const struct db_job_lease *leases, size_t n,
    const char *error)
{
	struct adoption		*adoption = arg;
	struct job_queue	*q = adoption->queue;
	struct lease		*l;
	uint32_t		 kept = 0;
	bool			 current;

	if (error != NULL)
		log_warnx("could not keep a reconnected worker's jobs: %s",
		    error);
	for (size_t i = 0; i < adoption->n; i++) {
		uint64_t	 id = adoption->ids[i];
		const char	*token = adoption->tokens[i];
		const char	*kind = "";
		uint32_t	 timeout_ms = 0;

		current = false;
		for (size_t k = 0; k < n; k++) {
			if (leases[k].id == id &&
			    strcmp(leases[k].lease_token, token) == 0) {
				current = true;
				timeout_ms = leases[k].timeout_ms;
				kind = leases[k].kind;
			}
		}
		l = job_queue_find_lease(q, id, token);
		if (!current) {
			/* Moved here in hope (job_queue_adopt): not ours. */
			if (l != NULL && l->session == adoption->session)
				job_queue_end_lease(q, id, token, NULL);
			continue;
		}
		kept++;
		/* Already counted, or already finished while we asked. */
		if (l != NULL || job_queue_result_waits(q, id, token))
			continue;
		if (!worker_pool_hold(q->server->pool, adoption->session))
			continue;	/* it left again meanwhile */
		job_queue_add_lease(q, adoption->session, id, token, kind,
		    timeout_ms);
	}
	if (adoption->n > 0)
		log_info("a reconnected worker keeps %u of the %zu jobs it runs",
		    kept, adoption->n);
	job_queue_adoption_free(adoption);
}

void
job_queue_adopt(struct job_queue *q, uint64_t session, const char *worker_name,
    Tdkt__HeldJob *const *held, size_t n)
{
	struct adoption		*adoption;
	struct db_job_holder	 who;
	struct lease		*l;
	char			 holder[JOB_QUEUE_HOLDER_MAX];

	if (n == 0)
		return;
	adoption = xcalloc(1, sizeof *adoption);
	adoption->queue = q;
	adoption->session = session;
	adoption->ids = xcalloc(n, sizeof *adoption->ids);
	adoption->tokens = xcalloc(n, sizeof *adoption->tokens);
	for (size_t i = 0; i < n; i++) {
		if (!job_queue_lease_valid(held[i]->job_id,
		    held[i]->lease_token))
			continue;
		adoption->ids[adoption->n] = held[i]->job_id;
		adoption->tokens[adoption->n++] = xstrdup(held[i]->lease_token);
		/*
		 * Held through its previous connection, whose end must not
		 * take it back: it moves here now, credit and all.
		 */
		l = job_queue_find_lease(q, held[i]->job_id,
		    held[i]->lease_token);
		if (l != NULL && l->session != session &&
		    worker_pool_hold(q->server->pool, session)) {
			worker_pool_release(q->server->pool, l->session);
			l->session = session;
		}
	}
	job_queue_holder(q, session, holder);
	who.owner = worker_name;
	who.holder = holder;
	db_jobs_adopt(q->server->db, &who, adoption->ids, adoption->tokens,
	    adoption->n, (uint32_t)q->server->conf->jobs_lease_ms,
	    job_queue_adopted, adoption);
}

/* ---- requests waiting for their jobs ---- */

static void
job_queue_enqueued(void *arg, uint64_t job_id, const char *error)
{
	struct waiter	*w = arg;
	struct job_queue *q = w->queue;

	w->enqueue_done = true;
	w->job_id = job_id;
	if (error != NULL || job_id == 0) {
		if (error != NULL)
			log_warnx("could not queue a job: %s", error);
		job_queue_tell_failure(q, w,
		    TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the job could not be queued", NULL);
		return;
	}
	if (w->cb == NULL) {
		job_queue_tell(q, w, NULL);	/* timed out meanwhile: free */
		return;
	}
	job_queue_poke(q);
}

void
job_queue_submit(struct job_queue *q, const char *kind, const void *payload,
    size_t len, int64_t timeout_ms, job_outcome_cb *cb, void *arg)
{
	struct waiter	*w = xcalloc(1, sizeof *w);

	w->queue = q;
	w->cb = cb;
	w->arg = arg;
	w->deadline_ms = clock_monotonic_ms() + timeout_ms;
	w->next = q->waiters;
	q->waiters = w;
	db_jobs_enqueue(q->server->db, kind, payload, len, NULL,
	    job_queue_enqueued, w);
}

static void
job_queue_expire_waiters(struct job_queue *q, int64_t now)
{
	struct waiter	*w, *next;

	for (w = q->waiters; w != NULL; w = next) {
		next = w->next;
		if (w->cb != NULL && now >= w->deadline_ms)
			job_queue_tell_failure(q, w,
			    TDKT__ERROR_CODE__ERROR_CODE_TIMEOUT,
			    "the job did not finish in time; it stays queued",
			    NULL);
	}
}

/* ---- the schedule ---- */

struct renewal {
	uint64_t	*ids;
	char		**tokens;
	char		**holders;
	size_t		 n;
	size_t		 cap;
};

static void
job_queue_renewal_add(struct renewal *rn, uint64_t job_id, const char *token,
    const char *holder)
{
	if (rn->n == rn->cap) {
		rn->cap = rn->cap == 0 ? 64 : rn->cap * 2;
		rn->ids = xreallocarray(rn->ids, rn->cap, sizeof *rn->ids);
		rn->tokens = xreallocarray(rn->tokens, rn->cap,
		    sizeof *rn->tokens);
		rn->holders = xreallocarray(rn->holders, rn->cap,
		    sizeof *rn->holders);
	}
	rn->ids[rn->n] = job_id;
	rn->tokens[rn->n] = xstrdup(token);
	rn->holders[rn->n++] = xstrdup(holder);
}

static void
job_queue_renewed(void *arg, const struct db_job_settled *gone, size_t n,
    const char *error)
{
	struct job_queue	*q = arg;

	if (error != NULL) {
		log_warnx("could not renew job leases: %s", error);
		return;
	}
	/* Finished, taken back or out of time elsewhere: stop counting them. */
	for (size_t i = 0; i < n; i++) {
		if (job_queue_end_lease(q, gone[i].id, gone[i].lease_token,
		    NULL))
			log_info("job %" PRIu64 "'s lease is no longer ours",
			    gone[i].id);
	}
}

/*
 * Renews the leases of running jobs, and of finished ones whose results
 * wait for their transaction: a result must not find its lease expired
 * because the database was slow to take it.
 */
static void
job_queue_renew(struct job_queue *q, int64_t now)
{
	struct result	*lists[2] = { q->pending, q->completing };
	struct renewal	 rn = { 0 };
	char		 holder[JOB_QUEUE_HOLDER_MAX];

	for (struct lease *l = q->leases; l != NULL; l = l->next) {
		/* Past its own time, a job's lease is left to expire. */
		if (now >= l->renew_until_ms)
			continue;
		job_queue_holder(q, l->session, holder);
		job_queue_renewal_add(&rn, l->job_id, l->token, holder);
	}
	for (size_t i = 0; i < 2; i++) {
		for (struct result *r = lists[i]; r != NULL; r = r->next) {
			if (r->holder[0] != '\0')
				job_queue_renewal_add(&rn, r->job_id, r->token,
				    r->holder);
		}
	}
	if (rn.n > 0)
		db_jobs_renew(q->server->db, rn.ids, rn.tokens, rn.holders,
		    rn.n, (uint32_t)q->server->conf->jobs_lease_ms,
		    job_queue_renewed, q);
	for (size_t i = 0; i < rn.n; i++) {
		free(rn.tokens[i]);
		free(rn.holders[i]);
	}
	free(rn.ids);
	free(rn.tokens);
	free(rn.holders);
}

static void
job_queue_rescued(void *arg, const struct db_job_settled *settled, size_t n,
    const char *error)
{
	struct job_queue	*q = arg;

	q->rescuing = false;
	if (error != NULL) {
		log_warnx("could not rescue expired leases: %s", error);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		job_queue_end_lease(q, settled[i].id, settled[i].lease_token,
		    NULL);
		job_queue_log_outcome(settled[i].id, settled[i].outcome,
		    "its lease expired");
	}
	if (n > 0)
		job_queue_poke(q);
}

static void
job_queue_pruned(void *arg, uint64_t moved, const char *error)
{
	struct job_queue	*q = arg;

	q->pruning = false;
	if (error != NULL) {
		log_warnx("could not prune finished jobs: %s", error);
		return;
	}
	if (moved > 0)
		log_info("moved %" PRIu64 " finished jobs to the history", moved);
	/* A full batch: more are due, at the next tick rather than a minute. */
	if (moved >= JOB_QUEUE_PRUNE_BATCH)
		q->last_prune_ms = 0;
}

void
job_queue_tick(struct job_queue *q, int64_t now)
{
	const struct server_config	*conf = q->server->conf;

	job_queue_expire_waiters(q, now);
	if (!db_ready(q->server->db))
		return;
	job_queue_release_lost_claims(q);
	if (now - q->last_renew_ms >= conf->jobs_lease_ms / 3) {
		job_queue_renew(q, now);
		q->last_renew_ms = now;
	}
	if (!q->rescuing && now - q->last_rescue_ms >= JOB_QUEUE_RESCUE_MS) {
		q->rescuing = true;
		q->last_rescue_ms = now;
		db_jobs_rescue_expired(q->server->db, JOB_QUEUE_RESCUE_BATCH,
		    job_queue_rescued, q);
	}
	if (!q->pruning && now - q->last_prune_ms >= JOB_QUEUE_PRUNE_MS) {
		q->pruning = true;
		q->last_prune_ms = now;
		db_jobs_prune(q->server->db, (uint32_t)conf->jobs_keep_done_minutes,
		    (uint32_t)conf->jobs_keep_history_days,
		    (uint32_t)conf->jobs_keep_keys_days, JOB_QUEUE_PRUNE_BATCH,
		    job_queue_pruned, q);
	}
	if (now - q->last_poll_ms >= conf->jobs_poll_ms) {
		q->last_poll_ms = now;
		job_queue_poke(q);
	}
	job_queue_flush(q);
}
