/*
 * event_feed.h - the live events from PostgreSQL, fed to the watchers.
 *
 * While anyone watches, the feed reads the events committed since its last
 * read every events.poll_ms (db_live_events.h says how the order is kept
 * across transactions and servers) and publishes each to the watchers it
 * concerns (events.h). With nobody watching it reads nothing, and the next
 * watcher starts from the present. Once a minute it forgets old events.
 */
#ifndef TDKT_EVENT_FEED_H
#define TDKT_EVENT_FEED_H

#include <stdint.h>

struct server;
struct event_feed;

struct event_feed	*event_feed_new(struct server *);
void			 event_feed_free(struct event_feed **);
void			 event_feed_tick(struct event_feed *, int64_t now_ms);

#endif
