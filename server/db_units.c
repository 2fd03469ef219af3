/*
 * db_units.c - the unit hierarchy out of PostgreSQL; see db_units.h.
 *
 * A subtree is `path <@ root.path` on the GiST index of units.path
 * (migration 0002); tree order is path order.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "db_internal.h"
#include "db_units.h"
#include "xmalloc.h"

struct db_units_call {
	db_units_cb	*cb;
	void		*arg;
};

static void
db_units_done(void *arg, const PGresult *res, const char *error)
{
	struct db_units_call	*call = arg;
	struct db_unit		*units;
	int			 n;

	if (error != NULL) {
		call->cb(call->arg, false, NULL, 0, error);
		free(call);
		return;
	}
	n = PQntuples(res);
	units = xcalloc((size_t)n, sizeof *units);
	for (int i = 0; i < n; i++) {
		units[i].code = PQgetvalue(res, i, 0);
		units[i].name = PQgetvalue(res, i, 1);
		units[i].kind = PQgetvalue(res, i, 2);
		units[i].parent = PQgetvalue(res, i, 3);
		units[i].email = PQgetvalue(res, i, 4);
		units[i].depth = (uint32_t)strtoul(PQgetvalue(res, i, 5), NULL, 10);
	}
	/* An empty subtree means the root itself was not found. */
	call->cb(call->arg, n > 0, units, (size_t)n, NULL);
	free(units);
	free(call);
}

void
db_units_list(struct db *db, const char *under, db_units_cb *cb, void *arg)
{
	struct db_units_call	*call = xmalloc(sizeof *call);
	const char		*params[1] = { under };

	call->cb = cb;
	call->arg = arg;
	if (under[0] == '\0')
		db_query(db,
		    "SELECT u.code, u.name, u.kind, coalesce(p.code, ''),"
		    "  coalesce(u.email, ''), nlevel(u.path) - 1"
		    " FROM units u LEFT JOIN units p ON p.id = u.parent_id"
		    " ORDER BY u.path", 0, NULL, db_units_done, call);
	else
		db_query(db,
		    "SELECT u.code, u.name, u.kind, coalesce(p.code, ''),"
		    "  coalesce(u.email, ''), nlevel(u.path) - nlevel(r.path)"
		    " FROM units r JOIN units u ON u.path <@ r.path"
		    " LEFT JOIN units p ON p.id = u.parent_id"
		    " WHERE r.code = $1 ORDER BY u.path", 1, params,
		    db_units_done, call);
}
