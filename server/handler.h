/*
 * handler.h - the table of client request handlers.
 *
 * Each request type has a handler that exports one entry (in
 * handler_<topic>.c), and one line in handlers.c. The entry declares what
 * the handler needs: the database, a session, and the roles that may make
 * the request over the unit it touches. server_client.c and auth.c check
 * all of it before the handler runs, so no handler repeats those checks.
 */
#ifndef TDKT_HANDLER_H
#define TDKT_HANDLER_H

#include "client.pb-c.h"
#include "request.h"

/* The handler needs the database connected. */
#define HANDLER_NEEDS_DB	0x1
/* Anyone may call, without a session (ping, login). */
#define HANDLER_PUBLIC		0x2
/* Any session may call: it is about the caller's own account. */
#define HANDLER_SELF		0x4
/* An empty unit target means the whole system, not the caller's unit. */
#define HANDLER_NO_UNIT_IS_SYSTEM	0x8

/* What a request touches, which the caller's roles must reach (auth.h). */
enum auth_target {
	AUTH_TARGET_NONE,	/* the system as a whole */
	AUTH_TARGET_UNIT,	/* a unit by code; "" : the caller's own */
	AUTH_TARGET_BLOCK,	/* an emulation block: its leader school */
	AUTH_TARGET_ACCOUNT,	/* an account: its unit */
	AUTH_TARGET_DOSSIER	/* a dossier by id: its unit */
};

struct handler_entry {
	const char			*name;
	Tdkt__ClientEnvelope__BodyCase	 body_case;
	int				 flags;
	/* Roles (roles.h) that may make the request, reaching its target. */
	unsigned			 roles;
	enum auth_target		 target;
	/*
	 * For a target other than NONE: the key naming it in the request,
	 * and for a block its issuer in *extra (left "" otherwise). NULL
	 * only when out of request memory.
	 */
	const char			*(*target_key)(struct request *,
					    const char **extra);
	/* Takes ownership of the request: must end it exactly once. */
	void				(*exec)(struct request *);
};

/* The handler for a request body, or NULL when the server serves no such request. */
const struct handler_entry	*handlers_find(Tdkt__ClientEnvelope__BodyCase);

/*
 * The target key of a request about one dossier (AUTH_TARGET_DOSSIER): its
 * body's `dossier_id`, as text in the request's arena ("" if the body has
 * none; NULL when out of request memory).
 */
const char	*handlers_dossier_target(struct request *, const char **extra);

/* Every entry, for the tests that walk them all; `n` is set to how many. */
const struct handler_entry *const *handlers_all(size_t *n);

extern const struct handler_entry	handler_ping_entry;
extern const struct handler_entry	handler_calendar_entry;
extern const struct handler_entry	handler_echo_entry;
extern const struct handler_entry	handler_import_entry;
extern const struct handler_entry	handler_login_entry;
extern const struct handler_entry	handler_logout_entry;
extern const struct handler_entry	handler_pact_entry;
extern const struct handler_entry	handler_password_change_entry;
extern const struct handler_entry	handler_register_entry;
extern const struct handler_entry	handler_registrations_entry;
extern const struct handler_entry	handler_rulebook_load_entry;
extern const struct handler_entry	handler_rulebook_show_entry;
extern const struct handler_entry	handler_units_list_entry;
extern const struct handler_entry	handler_user_add_entry;
extern const struct handler_entry	handler_user_list_entry;
extern const struct handler_entry	handler_user_update_entry;
extern const struct handler_entry	handler_whoami_entry;
extern const struct handler_entry	handler_decide_entry;
extern const struct handler_entry	handler_dossier_attach_entry;
extern const struct handler_entry	handler_dossier_history_entry;
extern const struct handler_entry	handler_dossier_list_entry;
extern const struct handler_entry	handler_dossier_meeting_entry;
extern const struct handler_entry	handler_dossier_new_entry;
extern const struct handler_entry	handler_dossier_nominate_entry;
extern const struct handler_entry	handler_dossier_show_entry;
extern const struct handler_entry	handler_dossier_submit_entry;
extern const struct handler_entry	handler_extension_grant_entry;
extern const struct handler_entry	handler_file_get_entry;
extern const struct handler_entry	handler_queue_entry;
extern const struct handler_entry	handler_review_entry;
extern const struct handler_entry	handler_upload_begin_entry;
extern const struct handler_entry	handler_upload_chunk_entry;
extern const struct handler_entry	handler_workers_list_entry;
extern const struct handler_entry	handler_jobs_list_entry;
extern const struct handler_entry	handler_job_show_entry;
extern const struct handler_entry	handler_job_act_entry;
extern const struct handler_entry	handler_worker_allow_entry;
extern const struct handler_entry	handler_worker_keys_entry;
extern const struct handler_entry	handler_worker_revoke_entry;
extern const struct handler_entry	handler_inbox_list_entry;
extern const struct handler_entry	handler_inbox_mark_entry;
extern const struct handler_entry	handler_watch_entry;
extern const struct handler_entry	handler_remind_plan_entry;

#endif
