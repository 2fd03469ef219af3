/*
 * events.c - publishing live events; see events.h.
 */
#include <errno.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "events.h"
#include "log.h"
#include "wire.h"

void
events_publish(void *pub, const char *topic, Tdkt__Event *ev)
{
	ev->topic = (char *)topic;
	ev->at_unix_ms = clock_wall_ms();
	if (zmq_send(pub, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    wire_send(pub, NULL, 0, &ev->base) < 0)
		log_debug("could not publish a %s event: %s", topic,
		    zmq_strerror(errno));
}
