/*
 * handler.h - the table of client request handlers.
 *
 * Each request type has one handler_<name>.c that exports one entry, and one
 * line in handlers.c. The flags declare what a handler needs; server_client.c
 * checks them before the handler runs, so no handler repeats those checks.
 */
#ifndef TDKT_HANDLER_H
#define TDKT_HANDLER_H

#include "client.pb-c.h"
#include "request.h"

/* The handler needs the database connected. */
#define HANDLER_NEEDS_DB	0x1

struct handler_entry {
	const char			*name;
	Tdkt__ClientEnvelope__BodyCase	 body_case;
	int				 flags;
	/* Takes ownership of the request: must end it exactly once. */
	void				(*exec)(struct request *);
};

/* The handler for a request body, or NULL when the server serves no such request. */
const struct handler_entry	*handlers_find(Tdkt__ClientEnvelope__BodyCase);

extern const struct handler_entry	handler_ping_entry;
extern const struct handler_entry	handler_calendar_entry;
extern const struct handler_entry	handler_echo_entry;
extern const struct handler_entry	handler_import_entry;
extern const struct handler_entry	handler_pact_entry;
extern const struct handler_entry	handler_register_entry;
extern const struct handler_entry	handler_registrations_entry;
extern const struct handler_entry	handler_rulebook_load_entry;
extern const struct handler_entry	handler_rulebook_show_entry;
extern const struct handler_entry	handler_units_list_entry;

#endif
