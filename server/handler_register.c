/*
 * handler_register.c - `tdkt register`: emulation registration (đăng ký thi đua).
 *
 * Principle 1 of the domain (seeds 000 §2, 001 §II.2): a unit or person not
 * registered is not considered for a title. A unit registers its collective
 * and its staff under the rulebook in force for it, before that rulebook's
 * registration deadline; the database checks each item against the
 * rulebook's titles and the unit's staff and saves all of them or none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "db_registration.h"
#include "handler.h"
#include "jsonw.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "xmalloc.h"

#define REGISTER_MAX_ITEMS	5000
#define REGISTER_MAX_TARGETS	2000

static void
register_done(void *arg, const struct db_registration_saved *s,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__RegisterReply	 out = TDKT__REGISTER_REPLY__INIT;
	const char		*unit = req->unit;

	if (s == NULL) {
		log_warnx("register: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not save the registrations: %s", error);
	} else if (strcmp(s->outcome, "no_unit") == 0)
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no unit has the code \"%s\"", unit);
	else if (strcmp(s->outcome, "no_rulebook") == 0)
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no rulebook of a unit above %s covers that period", unit);
	else if (strcmp(s->outcome, "closed") == 0)
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_DEADLINE_PASSED,
		    "registration under %s's rulebook for %s closed on %s",
		    s->issuer, s->period, s->deadline);
	else if (strcmp(s->outcome, "invalid") == 0)
		request_refuse(&req, "Có đăng ký không hợp lệ nên chưa lưu đăng ký "
		    "nào; hãy sửa các lỗi dưới đây", s->problems, s->nproblems);
	else {
		out.issuer = (char *)s->issuer;
		out.period = (char *)s->period;
		out.version = s->version;
		out.created = s->created;
		out.updated = s->updated;
		reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_REGISTER_REPLY;
		reply.register_reply = &out;
		request_reply(&req, &reply);
	}
}

/* The source of item `i` for messages: its own, or "item N". */
static const char *
register_source(const Tdkt__Registration *item, size_t i, char *buf,
    size_t size)
{
	if (item->source[0] != '\0')
		return item->source;
	snprintf(buf, size, "item %zu", i + 1);
	return buf;
}

static void
register_exec(struct request *req)
{
	const Tdkt__RegisterRequest	*in = req->env->register_request;
	struct jsonw			 w;
	const char			*json;
	char				 today[DATE_BUF_SIZE], src[32], src2[32];

	if (req->unit[0] == '\0' || strlen(req->unit) > 64 ||
	    strlen(in->period) > 64) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a unit code of 1 to 64 bytes is required");
		return;
	}
	if (in->n_items == 0 || in->n_items > REGISTER_MAX_ITEMS) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "between 1 and %d registrations at a time",
		    REGISTER_MAX_ITEMS);
		return;
	}
	for (size_t i = 0; i < in->n_items; i++) {
		const Tdkt__Registration *a = in->items[i];

		if (strlen(a->targets) > REGISTER_MAX_TARGETS ||
		    strlen(a->person) > 64 || strlen(a->title) > 64 ||
		    strlen(a->source) > 300) {
			request_fail(&req,
			    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
			    "%s: a field is too long (targets at most %d bytes)",
			    register_source(a, i, src, sizeof src),
			    REGISTER_MAX_TARGETS);
			return;
		}
		/* The same person and title twice would be one row twice. */
		for (size_t k = 0; k < i; k++) {
			const Tdkt__Registration *b = in->items[k];

			if (strcmp(a->person, b->person) == 0 &&
			    strcmp(a->title, b->title) == 0) {
				request_fail(&req,
				    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
				    "%s: the same registration as %s",
				    register_source(a, i, src, sizeof src),
				    register_source(b, k, src2, sizeof src2));
				return;
			}
		}
	}

	jsonw_init(&w, 16 * 1024 * 1024);
	jsonw_array_begin(&w);
	for (size_t i = 0; i < in->n_items; i++) {
		jsonw_object_begin(&w);
		jsonw_key(&w, "person");
		jsonw_string(&w, in->items[i]->person);
		jsonw_key(&w, "title");
		jsonw_string(&w, in->items[i]->title);
		jsonw_key(&w, "targets");
		jsonw_string(&w, in->items[i]->targets);
		jsonw_key(&w, "source");
		jsonw_string(&w, in->items[i]->source);
		jsonw_object_end(&w);
	}
	jsonw_array_end(&w);
	if ((json = jsonw_finish(&w, NULL)) == NULL) {
		jsonw_clear(&w);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "too many registrations at once");
		return;
	}
	date_format_iso(date_today_vn(), today);
	db_registration_save(req->server->db, req->unit, in->period, today, json,
	    register_done, req);
	jsonw_clear(&w);
}

static const char *
register_target(struct request *req, const char **extra)
{
	(void)extra;
	return req->env->register_request->unit;
}

const struct handler_entry handler_register_entry = {
	.name = "register",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_REGISTER_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_HEAD,
	.target = AUTH_TARGET_UNIT,
	.target_key = register_target,
	.exec = register_exec,
};
