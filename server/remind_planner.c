/*
 * remind_planner.c - when and where the reminder planner runs; see
 * remind_planner.h.
 *
 * One run: lease → candidates → plan (in memory) → commit, in chunks so
 * that a national deadline day (every school, every channel) is a series of
 * moderate transactions rather than one huge one. Each chunk checks the
 * lease again, and a chunk that fails leaves nothing half-written: the next
 * run plans what it did not write, as the unique rows make a repeat
 * harmless.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "date.h"
#include "db.h"
#include "db_reminders.h"
#include "job_queue.h"
#include "jsonw.h"
#include "log.h"
#include "remind_plan.h"
#include "remind_planner.h"
#include "server.h"
#include "server_config.h"
#include "xmalloc.h"

/* A change plans again this soon, so several changes make one run. */
#define REMIND_PLANNER_KICK_MS		1000
/* Reminders written per transaction. */
#define REMIND_PLANNER_CHUNK		2000
/* One chunk's JSON: 2000 reminders of some 200 bytes, with room. */
#define REMIND_PLANNER_CHUNK_BYTES	(2 * 1024 * 1024)
#define REMIND_PLANNER_HOLDER_MAX	64

struct remind_waiter {
	remind_run_cb		*cb;
	void			*arg;
	struct remind_waiter	*next;
};

struct remind_planner {
	struct server		*server;
	bool			 running;
	int64_t			 next_run_ms;	/* monotonic */
	struct remind_waiter	*waiting;	/* for the run in progress */
	struct remind_waiter	*next_waiting;	/* for the next run */
	char			 holder[REMIND_PLANNER_HOLDER_MAX];
	/* The run in progress. */
	int64_t			 now_ms;	/* the calendar's */
	char			**chunks;	/* JSON arrays still to write */
	size_t			 nchunks, next_chunk;
	unsigned		 reminders, escalations;
};

struct remind_planner *
remind_planner_new(struct server *s)
{
	struct remind_planner	*p = xcalloc(1, sizeof *p);

	p->server = s;
	snprintf(p->holder, sizeof p->holder, "%s",
	    job_queue_instance(s->jobs));
	return p;
}

static void
remind_planner_answer(struct remind_waiter **list, const struct remind_run *r)
{
	struct remind_waiter	*w;

	while ((w = *list) != NULL) {
		*list = w->next;
		w->cb(w->arg, r);
		free(w);
	}
}

static void
remind_planner_drop_chunks(struct remind_planner *p)
{
	for (size_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	p->chunks = NULL;
	p->nchunks = p->next_chunk = 0;
}

void
remind_planner_free(struct remind_planner **pp)
{
	struct remind_planner	*p = *pp;
	struct remind_run	 r;

	if (p == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.error = "the server is stopping";
	remind_planner_answer(&p->waiting, &r);
	remind_planner_answer(&p->next_waiting, &r);
	remind_planner_drop_chunks(p);
	free(p);
	*pp = NULL;
}

/* Ends the run in progress with `planned` (or `error`) and tells its waiters. */
static void
remind_planner_finish(struct remind_planner *p, bool planned,
    const char *holder, const char *error)
{
	struct remind_run	r;

	memset(&r, 0, sizeof r);
	r.planned = planned;
	r.holder = holder;
	r.reminders = p->reminders;
	r.escalations = p->escalations;
	r.now_ms = p->now_ms;
	r.error = error;
	if (error != NULL)
		log_warnx("reminder planning failed: %s", error);
	else if (p->reminders > 0) {
		log_info("planned %u reminders (%u to offices)", p->reminders,
		    p->escalations);
		job_queue_poke(p->server->jobs);
	}
	remind_planner_drop_chunks(p);
	p->running = false;
	remind_planner_answer(&p->waiting, &r);
}

static void	remind_planner_write_next(struct remind_planner *);

/* The lease lasts three periods: a server that dies is replaced soon. */
static int64_t
remind_planner_lease_ms(const struct remind_planner *p)
{
	return 3 * p->server->conf->reminders_plan_every_ms;
}

static void
remind_planner_written(void *arg, bool planned, unsigned reminders,
    unsigned escalations, const char *error)
{
	struct remind_planner	*p = arg;

	if (error != NULL || !planned) {
		remind_planner_finish(p, planned, planned ? p->holder : "",
		    error != NULL ? error : "the planner's lease was lost "
		    "during the run");
		return;
	}
	p->reminders += reminders;
	p->escalations += escalations;
	remind_planner_write_next(p);
}

static void
remind_planner_write_next(struct remind_planner *p)
{
	if (p->next_chunk == p->nchunks) {
		remind_planner_finish(p, true, p->holder, NULL);
		return;
	}
	db_reminders_commit(p->server->db, p->holder,
	    remind_planner_lease_ms(p), p->chunks[p->next_chunk++],
	    remind_planner_written, p);
}

/* Adds one due reminder of `c` to the chunk being written in `w`. */
static void
remind_planner_item(struct jsonw *w, const struct remind_candidate *c,
    const struct remind_due *d)
{
	char	deadline[DATE_BUF_SIZE];

	date_format_iso(d->deadline, deadline);
	jsonw_object_begin(w);
	jsonw_key(w, "rulebook");
	jsonw_int(w, c->rulebook_id);
	jsonw_key(w, "issuer");
	jsonw_int(w, c->issuer_id);
	jsonw_key(w, "period");
	jsonw_string(w, c->period);
	jsonw_key(w, "type");
	jsonw_string(w, c->type_code);
	jsonw_key(w, "deadline");
	jsonw_string(w, deadline);
	jsonw_key(w, "unit");
	jsonw_int(w, c->unit_id);
	jsonw_key(w, "offset");
	jsonw_int(w, d->offset_days);
	jsonw_key(w, "channel");
	jsonw_string(w, remind_channel_name(d->channel));
	jsonw_key(w, "audience");
	jsonw_string(w, d->to_office ? "office" : "unit");
	jsonw_key(w, "recipient");
	jsonw_int(w, d->recipient_id);
	jsonw_key(w, "level");
	jsonw_string(w, d->recipient_level);
	jsonw_key(w, "extended");
	jsonw_bool(w, d->extended);
	jsonw_key(w, "planned_ms");
	jsonw_int(w, d->planned_ms);
	jsonw_object_end(w);
}

/* Closes the chunk in `w` and keeps it to be written; false if too large. */
static bool
remind_planner_close_chunk(struct remind_planner *p, struct jsonw *w)
{
	const char	*json;

	jsonw_array_end(w);
	if ((json = jsonw_finish(w, NULL)) == NULL) {
		jsonw_clear(w);
		return false;
	}
	p->chunks = xreallocarray(p->chunks, p->nchunks + 1, sizeof *p->chunks);
	p->chunks[p->nchunks++] = xstrdup(json);
	jsonw_clear(w);
	return true;
}

static void
remind_planner_candidates(void *arg, const struct remind_candidate *c,
    size_t n, const char *error)
{
	struct remind_planner	*p = arg;
	const int		 hour = (int)p->server->conf->reminders_send_hour;
	struct remind_due	 due[REMIND_PLAN_MAX_PER_CANDIDATE];
	struct jsonw		 w;
	size_t			 in_chunk = 0, ndue;

	if (error != NULL) {
		remind_planner_finish(p, false, p->holder, error);
		return;
	}
	/*
	 * A candidate's reminders never straddle two chunks: the candidates
	 * query skips a unit that got one in the last day, which is right
	 * only if it got all of them.
	 */
	for (size_t i = 0; i < n; i++) {
		ndue = remind_plan(&c[i], p->now_ms, hour, due);
		for (size_t k = 0; k < ndue; k++) {
			if (in_chunk == 0) {
				jsonw_init(&w, REMIND_PLANNER_CHUNK_BYTES);
				jsonw_array_begin(&w);
			}
			remind_planner_item(&w, &c[i], &due[k]);
			in_chunk++;
		}
		if (in_chunk < REMIND_PLANNER_CHUNK)
			continue;
		in_chunk = 0;
		if (!remind_planner_close_chunk(p, &w)) {
			remind_planner_finish(p, false, p->holder,
			    "a chunk of reminders is too large");
			return;
		}
	}
	if (in_chunk > 0 && !remind_planner_close_chunk(p, &w)) {
		remind_planner_finish(p, false, p->holder,
		    "a chunk of reminders is too large");
		return;
	}
	remind_planner_write_next(p);
}

static void
remind_planner_leased(void *arg, const char *holder, const char *error)
{
	struct remind_planner	*p = arg;

	if (holder == NULL) {
		remind_planner_finish(p, false, "", error);
		return;
	}
	if (strcmp(holder, p->holder) != 0) {
		remind_planner_finish(p, false, holder, NULL);
		return;
	}
	db_reminders_candidates(p->server->db, p->now_ms,
	    remind_planner_candidates, p);
}

static void
remind_planner_start(struct remind_planner *p, int64_t now_ms)
{
	const struct server_config	*conf = p->server->conf;

	p->running = true;
	p->waiting = p->next_waiting;
	p->next_waiting = NULL;
	p->next_run_ms = now_ms + conf->reminders_plan_every_ms;
	p->now_ms = date_now_ms();
	p->reminders = p->escalations = 0;
	db_reminders_lease(p->server->db, p->holder, remind_planner_lease_ms(p),
	    remind_planner_leased, p);
}

void
remind_planner_tick(struct remind_planner *p, int64_t now_ms)
{
	if (p->running || !db_ready(p->server->db))
		return;
	if (now_ms >= p->next_run_ms || p->next_waiting != NULL)
		remind_planner_start(p, now_ms);
}

void
remind_planner_kick(struct remind_planner *p)
{
	int64_t	soon = clock_monotonic_ms() + REMIND_PLANNER_KICK_MS;

	if (p->next_run_ms > soon)
		p->next_run_ms = soon;
}

void
remind_planner_run_now(struct remind_planner *p, remind_run_cb *cb, void *arg)
{
	struct remind_waiter	*w = xcalloc(1, sizeof *w);

	w->cb = cb;
	w->arg = arg;
	w->next = p->next_waiting;
	p->next_waiting = w;
	if (!p->running && db_ready(p->server->db))
		remind_planner_start(p, clock_monotonic_ms());
}
