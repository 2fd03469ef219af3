/*
 * db_units.h - reading the unit hierarchy.
 */
#ifndef TDKT_DB_UNITS_H
#define TDKT_DB_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct db_unit {
	const char	*code;
	const char	*name;
	const char	*kind;
	const char	*parent;	/* "" at the top */
	const char	*email;		/* "" when none */
	uint32_t	 depth;		/* below the first unit listed */
};

/*
 * Called once with the units in tree order (valid only during the call),
 * or with `error`. `found` is false when `under` names no unit.
 */
typedef void	db_units_cb(void *arg, bool found, const struct db_unit *units,
		    size_t n, const char *error);

/* Lists every unit, or `under` and everything beneath it: one indexed query. */
void	db_units_list(struct db *, const char *under, db_units_cb *cb, void *arg);

#endif
