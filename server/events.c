/*
 * events.c - watchers and the XPUB socket of live events; see events.h.
 *
 * Watchers (one per open `tdkt watch`, at most events.max_watchers) live in
 * a plain array scanned in full: a topic is looked up on each subscription,
 * and each event is matched against every watcher, a few comparisons each.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "events.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "xmalloc.h"

struct watcher {
	char			topic[EVENTS_TOPIC_SIZE];
	struct events_viewer	viewer;
	int64_t			expires_ms;	/* monotonic */
};

struct events {
	struct server	*server;
	void		*sock;		/* XPUB, manual subscriptions */
	struct watcher	*watchers;
	size_t		 nwatchers;
	size_t		 cap;
};

static const char *const events_levels[] = {
	"preschool", "primary", "lower_secondary", "upper_secondary",
};

unsigned
events_level_bit(const char *level)
{
	for (size_t i = 0; i < sizeof events_levels / sizeof events_levels[0];
	    i++) {
		if (strcmp(events_levels[i], level) == 0)
			return 1u << i;
	}
	return 0;
}

struct events *
events_new(struct server *s)
{
	struct events	*ev = xcalloc(1, sizeof *ev);

	ev->server = s;
	ev->sock = s->events_sock;
	return ev;
}

void
events_free(struct events **evp)
{
	struct events	*ev = *evp;

	if (ev == NULL)
		return;
	free(ev->watchers);
	free(ev);
	*evp = NULL;
}

static struct watcher *
events_find(struct events *ev, const char *topic, size_t len)
{
	for (size_t i = 0; i < ev->nwatchers; i++) {
		struct watcher	*w = &ev->watchers[i];

		if (strlen(w->topic) == len && memcmp(w->topic, topic, len) == 0)
			return w;
	}
	return NULL;
}

void
events_handle_input(struct events *ev)
{
	zmq_msg_t	 msg;
	const char	*data;
	size_t		 len;
	int		 option;

	for (;;) {
		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, ev->sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&msg);
			return;
		}
		data = zmq_msg_data(&msg);
		len = zmq_msg_size(&msg);
		/*
		 * A subscription (1) or its end (0), then the topic. Only
		 * topics we issued are applied; ZeroMQ applies the option to
		 * the pipe the message just came from.
		 */
		if (len >= 1 && (data[0] == 0 || data[0] == 1)) {
			option = data[0] == 1 ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE;
			if (option == ZMQ_UNSUBSCRIBE ||
			    events_find(ev, data + 1, len - 1) != NULL) {
				if (zmq_setsockopt(ev->sock, option, data + 1,
				    len - 1) < 0)
					log_warnx("could not apply a "
					    "subscription: %s",
					    zmq_strerror(errno));
				else
					log_debug("%s %.*s", option ==
					    ZMQ_SUBSCRIBE ? "subscribed" :
					    "unsubscribed", (int)len - 1,
					    data + 1);
			} else
				log_debug("ignored a subscription to a topic "
				    "we did not issue");
		}
		zmq_msg_close(&msg);
	}
}

/* Removes watcher `i`, keeping the array dense. */
static void
events_remove(struct events *ev, size_t i)
{
	ev->watchers[i] = ev->watchers[--ev->nwatchers];
}

void
events_tick(struct events *ev, int64_t now_ms)
{
	for (size_t i = 0; i < ev->nwatchers; ) {
		if (ev->watchers[i].expires_ms <= now_ms)
			events_remove(ev, i);
		else
			i++;
	}
}

static void
events_new_topic(char topic[EVENTS_TOPIC_SIZE])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		raw[16];

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		fatal("could not read random bytes for a watch topic");
	topic[0] = 'w';
	topic[1] = '/';
	for (size_t i = 0; i < sizeof raw; i++) {
		topic[2 + 2 * i] = hex[raw[i] >> 4];
		topic[3 + 2 * i] = hex[raw[i] & 0xf];
	}
	topic[EVENTS_TOPIC_SIZE - 1] = '\0';
}

/* Room for one more watcher: at the limit, the one nearest its end goes. */
static struct watcher *
events_add(struct events *ev)
{
	size_t	limit = (size_t)ev->server->conf->events_max_watchers, oldest = 0;

	if (ev->nwatchers >= limit && ev->nwatchers > 0) {
		for (size_t i = 1; i < ev->nwatchers; i++) {
			if (ev->watchers[i].expires_ms <
			    ev->watchers[oldest].expires_ms)
				oldest = i;
		}
		events_remove(ev, oldest);
	}
	if (ev->nwatchers == ev->cap) {
		ev->cap = ev->cap == 0 ? 16 : ev->cap * 2;
		ev->watchers = xreallocarray(ev->watchers, ev->cap,
		    sizeof *ev->watchers);
	}
	return &ev->watchers[ev->nwatchers++];
}

void
events_watch(struct events *ev, const struct events_viewer *who,
    const char *renew, char topic[EVENTS_TOPIC_SIZE])
{
	int64_t		 expires = clock_monotonic_ms() +
	    ev->server->conf->events_watch_ttl_ms;
	struct watcher	*w = NULL;

	if (renew != NULL && renew[0] != '\0')
		w = events_find(ev, renew, strlen(renew));
	/* Another session's topic is not renewed: a new one is issued. */
	if (w == NULL || w->viewer.account_id != who->account_id) {
		w = events_add(ev);
		events_new_topic(w->topic);
	}
	w->viewer = *who;
	w->expires_ms = expires;
	memcpy(topic, w->topic, EVENTS_TOPIC_SIZE);
}

size_t
events_watchers(const struct events *ev)
{
	return ev->nwatchers;
}

/* Whether `v`'s roles reach the unit an event is about (as auth_request). */
static bool
events_reaches(const struct events_viewer *v, const struct events_about *a)
{
	bool	above = false;

	if (v->unit_id == 0)
		return (v->roles & ROLE_ADMIN) != 0;
	for (size_t i = 0; i < a->npath; i++) {
		if (a->path[i] == v->unit_id)
			above = true;
	}
	if (!above)
		return false;
	if ((v->roles & ~ROLE_SPECIALIST) != 0 || v->unit_id == a->unit_id)
		return true;
	return (v->levels & events_level_bit(a->unit_kind)) != 0;
}

/* Whether an alert is addressed to `v`. */
static bool
events_addressed(const struct events_viewer *v, const struct events_about *a)
{
	if (v->unit_id != a->to_unit_id)
		return false;
	if (a->to_level == NULL || a->to_level[0] == '\0')
		return true;
	return (v->roles & ROLE_OFFICE_HEAD) != 0 ||
	    (v->levels & events_level_bit(a->to_level)) != 0;
}

/* Sends `ev` packed in `buf` on the topic of watcher `w`. */
static void
events_send(struct events *ev, const struct watcher *w, const void *buf,
    size_t len)
{
	if (zmq_send(ev->sock, w->topic, strlen(w->topic),
	    ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(ev->sock, buf, len, ZMQ_DONTWAIT) < 0)
		log_debug("could not publish an event: %s",
		    zmq_strerror(errno));
}

/* Packs `e` once, stamped with the time, into a new buffer (caller frees). */
static void *
events_pack(Tdkt__Event *e, size_t *len)
{
	void	*buf;

	/* The topic travels in its own frame, one per watcher. */
	e->topic = (char *)"";
	if (e->at_unix_ms == 0)
		e->at_unix_ms = clock_wall_ms();
	*len = protobuf_c_message_get_packed_size(&e->base);
	buf = xmalloc(*len > 0 ? *len : 1);
	protobuf_c_message_pack(&e->base, buf);
	return buf;
}

void
events_publish_about(struct events *ev, const struct events_about *a,
    Tdkt__Event *e)
{
	void	*buf = NULL;
	size_t	 len = 0;

	for (size_t i = 0; i < ev->nwatchers; i++) {
		const struct watcher	*w = &ev->watchers[i];
		bool			 to_them = a->to_unit_id != 0 ?
		    events_addressed(&w->viewer, a) :
		    events_reaches(&w->viewer, a);

		if (!to_them)
			continue;
		if (buf == NULL)
			buf = events_pack(e, &len);
		events_send(ev, w, buf, len);
	}
	free(buf);
}

void
events_publish_admin(struct events *ev, Tdkt__Event *e)
{
	void	*buf = NULL;
	size_t	 len = 0;

	for (size_t i = 0; i < ev->nwatchers; i++) {
		const struct watcher	*w = &ev->watchers[i];

		if ((w->viewer.roles & ROLE_ADMIN) == 0)
			continue;
		if (buf == NULL)
			buf = events_pack(e, &len);
		events_send(ev, w, buf, len);
	}
	free(buf);
}
