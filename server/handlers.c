/*
 * handlers.c - the table of request handlers: one line per request type.
 */
#include <stddef.h>

#include "handler.h"

static const struct handler_entry *const handlers_table[] = {
	&handler_ping_entry,
	&handler_echo_entry,
	&handler_calendar_entry,
	&handler_import_entry,
	&handler_pact_entry,
	&handler_register_entry,
	&handler_registrations_entry,
	&handler_rulebook_load_entry,
	&handler_rulebook_show_entry,
	&handler_units_list_entry,
	&handler_login_entry,
	&handler_logout_entry,
	&handler_whoami_entry,
	&handler_password_change_entry,
	&handler_user_add_entry,
	&handler_user_list_entry,
	&handler_user_update_entry,
	&handler_worker_allow_entry,
	&handler_worker_revoke_entry,
	&handler_worker_keys_entry,
};

#define HANDLERS_COUNT	(sizeof handlers_table / sizeof handlers_table[0])

const struct handler_entry *const *
handlers_all(size_t *n)
{
	*n = HANDLERS_COUNT;
	return handlers_table;
}

const struct handler_entry *
handlers_find(Tdkt__ClientEnvelope__BodyCase body_case)
{
	for (size_t i = 0; i < HANDLERS_COUNT; i++) {
		if (handlers_table[i]->body_case == body_case)
			return handlers_table[i];
	}
	return NULL;
}
