/*
 * event_feed.c - live events from PostgreSQL to the watchers; see
 * event_feed.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_live_events.h"
#include "event_feed.h"
#include "events.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

/* Events read at once; more wait for the next read, right after. */
#define EVENT_FEED_BATCH	2000
#define EVENT_FEED_PRUNE_MS	60000
/* A unit's ancestors: the tree is a handful of levels deep. */
#define EVENT_FEED_MAX_DEPTH	32

struct event_feed {
	struct server		*server;
	struct db_live_cursor	 cursor;
	bool			 reading;
	bool			 more;		/* the last read hit the batch */
	int64_t			 next_read_ms;
	int64_t			 next_prune_ms;
};

struct event_feed *
event_feed_new(struct server *s)
{
	struct event_feed	*f = xcalloc(1, sizeof *f);

	f->server = s;
	return f;
}

void
event_feed_free(struct event_feed **fp)
{
	free(*fp);
	*fp = NULL;
}

/* The ids of "u1.u7.u42"; how many fit. */
static size_t
event_feed_path(const char *text, int64_t *ids, size_t max)
{
	size_t	n = 0;

	while (*text != '\0' && n < max) {
		if (*text == 'u')
			text++;
		ids[n++] = strtoll(text, (char **)&text, 10);
		if (*text == '.')
			text++;
		else if (*text != '\0')
			break;
	}
	return n;
}

static void
event_feed_publish(struct event_feed *f, const struct db_live_event *e)
{
	Tdkt__Event		ev = TDKT__EVENT__INIT;
	Tdkt__DossierEvent	de = TDKT__DOSSIER_EVENT__INIT;
	Tdkt__AlertEvent	ae = TDKT__ALERT_EVENT__INIT;
	struct events_about	about;
	int64_t			path[EVENT_FEED_MAX_DEPTH];

	memset(&about, 0, sizeof about);
	about.unit_id = e->unit_id;
	about.unit_kind = e->unit_kind;
	about.path = path;
	about.npath = event_feed_path(e->unit_path, path, EVENT_FEED_MAX_DEPTH);
	ev.at_unix_ms = e->at_ms;
	if (strcmp(e->kind, "alert") == 0) {
		if (e->to_unit_id == 0)
			return;
		about.to_unit_id = e->to_unit_id;
		about.to_level = e->to_level;
		ae.kind = (char *)e->alert_kind;
		ae.key = (char *)e->key;
		ae.unit_code = (char *)e->unit_code;
		ae.unit_name = (char *)e->unit_name;
		ae.type_code = (char *)e->type_code;
		ae.subject = (char *)e->subject;
		ae.body = (char *)e->body;
		ae.planned_at_ms = e->planned_ms;
		ev.body_case = TDKT__EVENT__BODY_ALERT;
		ev.alert = &ae;
	} else {
		de.dossier_id = (uint64_t)e->dossier_id;
		de.unit_code = (char *)e->unit_code;
		de.unit_name = (char *)e->unit_name;
		de.type_code = (char *)e->type_code;
		de.state_from = (char *)e->state_from;
		de.state_to = (char *)e->state_to;
		de.level = (char *)e->level;
		ev.body_case = TDKT__EVENT__BODY_DOSSIER;
		ev.dossier = &de;
	}
	events_publish_about(f->server->events, &about, &ev);
}

static void
event_feed_read_done(void *arg, const struct db_live_event *events, size_t n,
    const struct db_live_cursor *next, const char *error)
{
	struct event_feed	*f = arg;

	f->reading = false;
	if (next == NULL) {
		log_warnx("could not read live events: %s", error);
		return;
	}
	if (n > 0)
		log_debug("%zu live events to %zu watchers", n,
		    events_watchers(f->server->events));
	for (size_t i = 0; i < n; i++)
		event_feed_publish(f, &events[i]);
	f->cursor = *next;
	f->more = n >= EVENT_FEED_BATCH;
}

void
event_feed_tick(struct event_feed *f, int64_t now_ms)
{
	struct server	*s = f->server;

	if (!db_ready(s->db))
		return;
	if (now_ms >= f->next_prune_ms) {
		f->next_prune_ms = now_ms + EVENT_FEED_PRUNE_MS;
		db_live_events_prune(s->db);
	}
	if (events_watchers(s->events) == 0) {
		/* Nobody to tell: the next watcher starts from then. */
		f->cursor.set = false;
		return;
	}
	if (f->reading || (now_ms < f->next_read_ms && !f->more))
		return;
	f->reading = true;
	f->next_read_ms = now_ms + s->conf->events_poll_ms;
	db_live_events_since(s->db, &f->cursor, EVENT_FEED_BATCH,
	    event_feed_read_done, f);
}
