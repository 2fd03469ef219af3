/*
 * db_calendar.h - the windows and deadlines that apply to a unit.
 */
#ifndef TDKT_DB_CALENDAR_H
#define TDKT_DB_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

struct db_calendar_entry {
	const char	*issuer;
	const char	*period;
	const char	*code;
	const char	*name;
	const char	*kind;		/* "dossier" or "office_step" */
	const char	*opens, *closes, *hard_deadline;	/* YYYY-MM-DD */
};

/*
 * Called once: with the unit's name and its entries by closing date (valid
 * only during the call), with unit_name NULL when there is no such unit, or
 * with `error`.
 */
typedef void	db_calendar_cb(void *arg, const char *unit_name,
		    const struct db_calendar_entry *entries, size_t n,
		    const char *error);

/*
 * A unit's calendar: the dossiers it submits under the newest rulebooks of
 * the units above it (block dossiers only if it leads a block), and the
 * office steps of its own rulebooks.
 */
void	db_calendar(struct db *, const char *unit, db_calendar_cb *cb, void *arg);

#endif
