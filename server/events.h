/*
 * events.h - live events on the server's XPUB socket, each to the watchers
 * allowed to see it.
 *
 * A client asks for a watch (handler_watch.c) and gets a topic: a random
 * token naming its session's reach. The socket runs with ZMQ_XPUB_MANUAL:
 * a subscription takes effect only when its topic is one we issued, so a
 * subscriber cannot ask for everything (the empty prefix) or for a topic it
 * was not given. Each event is sent once per watcher whose reach covers it,
 * on that watcher's topic:
 *
 * - a dossier's change: to watchers whose roles reach its unit (a role
 *   reaches its unit's subtree; a specialist's only the schools of their
 *   level), as auth_request() decides for requests;
 * - an alert: only to the people it is addressed to (the unit's own; for an
 *   escalation, the office's specialists of the school's level and its head);
 * - a worker's comings and goings: to administrators.
 *
 * Each event is two frames: the topic and a packed Event. XPUB never blocks
 * and drops at its high-water mark, so an event is a hint to look, never the
 * record: the record is in PostgreSQL. A topic lapses unless renewed.
 */
#ifndef TDKT_EVENTS_H
#define TDKT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.pb-c.h"

struct server;
struct events;

/* "w/" and 32 hex digits, and the NUL. */
#define EVENTS_TOPIC_SIZE	35

/* Who watches: what their session may see. */
struct events_viewer {
	int64_t		 account_id;
	int64_t		 unit_id;	/* 0: system-wide (administrators) */
	unsigned	 roles;		/* roles.h bits */
	unsigned	 levels;	/* events_level_bit() of their specialist levels */
};

/* What an event is about, for matching it against watchers' reach. */
struct events_about {
	int64_t		 unit_id;
	const char	*unit_kind;	/* units.kind */
	const int64_t	*path;		/* the unit's ancestors, root first, and itself */
	size_t		 npath;
	/* Alerts only: addressed to this unit (and level), else 0. */
	int64_t		 to_unit_id;
	const char	*to_level;
};

/* Takes over the XPUB socket (server.events) of `s`. */
struct events	*events_new(struct server *s);
void		 events_free(struct events **);

/* Handles the subscriptions waiting on the socket. */
void		 events_handle_input(struct events *);
/* Lets lapsed topics go. */
void		 events_tick(struct events *, int64_t now_ms);

/*
 * Issues a topic for `who`, or renews `renew` (when it is theirs and still
 * live, else a new one is issued); writes it into `topic`.
 */
void		 events_watch(struct events *, const struct events_viewer *who,
		    const char *renew, char topic[EVENTS_TOPIC_SIZE]);
/* How many topics are live. */
size_t		 events_watchers(const struct events *);

/* Publishes a dossier change or an alert to the watchers it concerns. */
void		 events_publish_about(struct events *,
		    const struct events_about *, Tdkt__Event *ev);
/* Publishes a worker event to administrators. */
void		 events_publish_admin(struct events *, Tdkt__Event *ev);

/* The bit of a school level ("primary") for events_viewer.levels; 0 if none. */
unsigned	 events_level_bit(const char *level);

#endif
