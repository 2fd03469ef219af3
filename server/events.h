/*
 * events.h - live events on the server's PUB socket.
 *
 * Each event is two frames: its topic (subscribers filter on its prefix) and
 * a packed Event. PUB never blocks and drops at its high-water mark, so an
 * event is a hint to look, never the record: the record is in PostgreSQL.
 */
#ifndef TDKT_EVENTS_H
#define TDKT_EVENTS_H

#include "client.pb-c.h"

#define EVENTS_TOPIC_WORKER	"worker"

/* Stamps `ev` with `topic` and the time, and publishes it on `pub`. */
void	events_publish(void *pub, const char *topic, Tdkt__Event *ev);

#endif
