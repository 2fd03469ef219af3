/*
 * db_registration.h - emulation registrations and block pacts.
 */
#ifndef TDKT_DB_REGISTRATION_H
#define TDKT_DB_REGISTRATION_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* How a registration went. Pointers are valid only during the callback. */
struct db_registration_saved {
	const char	*outcome;	/* "saved", "no_unit", "no_rulebook",
					   "closed" or "invalid" */
	const char	*issuer;	/* the rulebook used, when found */
	const char	*period;
	uint32_t	 version;
	uint32_t	 created, updated;
	const char	*deadline;	/* YYYY-MM-DD or "" */
	char		**problems;	/* with "invalid" */
	size_t		 nproblems;
};

typedef void	db_registration_save_cb(void *arg,
		    const struct db_registration_saved *saved, const char *error);

/*
 * Saves the registrations in `items_json` (an array of {person, title,
 * targets, source}) for `unit` under the rulebook in force on `today`
 * (YYYY-MM-DD) or for `period`, all or none.
 */
void	db_registration_save(struct db *, const char *unit, const char *period,
	    const char *today, const char *items_json,
	    db_registration_save_cb *cb, void *arg);

struct db_registration {
	const char	*person;	/* "" for the collective */
	const char	*person_name;
	const char	*title;
	const char	*title_name;
	const char	*targets;
	int64_t		 registered_at_unix_ms;
	const char	*period;
};

/* `unit_name` NULL: no such unit. */
typedef void	db_registration_list_cb(void *arg, const char *unit_name,
		    const struct db_registration *items, size_t n,
		    const char *error);

/* A unit's registrations, for `period` or every period (""). */
void	db_registration_list(struct db *, const char *unit, const char *period,
	    db_registration_list_cb *cb, void *arg);

/* `block_name` NULL: no such block. */
typedef void	db_registration_pact_cb(void *arg, const char *block_name,
		    const char *issuer, const char *period, const char *error);

/*
 * Records the pact of block `block` (in `issuer`'s newest rulebook with such
 * a block, or any issuer's when ""), signed on `signed_on` (YYYY-MM-DD).
 */
void	db_registration_pact(struct db *, const char *block, const char *issuer,
	    const char *signed_on, const char *note,
	    db_registration_pact_cb *cb, void *arg);

#endif
