/*
 * handler_watch.c - `watch`: a topic on the event socket for the caller's
 * live events (events.h), issued or renewed. The watcher's reach is read
 * from the account, so it is what auth_request() would grant its requests.
 */
#include <string.h>

#include "db_inbox.h"
#include "events.h"
#include "handler.h"
#include "roles.h"
#include "server.h"

static const char *
watch_target(struct request *req, const char **extra)
{
	(void)req;
	(void)extra;
	return "";
}

static void
watch_viewer_read(void *arg, int64_t unit_id, char *const *roles,
    size_t nroles, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WatchReply	 out = TDKT__WATCH_REPLY__INIT;
	struct events_viewer	 who;
	char			 topic[EVENTS_TOPIC_SIZE];
	const char		*level;

	if (error != NULL) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the account: %s", error);
		return;
	}
	memset(&who, 0, sizeof who);
	who.account_id = req->caller.account_id;
	who.unit_id = unit_id;
	for (size_t i = 0; i < nroles; i++) {
		who.roles |= roles_parse(roles[i], &level);
		who.levels |= events_level_bit(level);
	}
	events_watch(req->server->events, &who,
	    req->env->watch_request->topic, topic);
	out.topic = topic;
	out.ttl_ms = (uint32_t)req->server->conf->events_watch_ttl_ms;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_WATCH_REPLY;
	reply.watch_reply = &out;
	request_reply(&req, &reply);
}

static void
watch_exec(struct request *req)
{
	if (strlen(req->env->watch_request->topic) >= EVENTS_TOPIC_SIZE) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "that is no watch topic");
		return;
	}
	db_inbox_viewer(req->server->db, req->caller.account_id,
	    watch_viewer_read, req);
}

const struct handler_entry handler_watch_entry = {
	.name = "watch",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_WATCH_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = watch_target,
	.exec = watch_exec,
};
