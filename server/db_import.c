/*
 * db_import.c - imports through units_import() and people_import()
 * (migration 0002), one statement each: see db_import.h.
 */
#include <stdlib.h>
#include <string.h>

#include "db_import.h"
#include "db_internal.h"
#include "xmalloc.h"

struct db_import_call {
	db_import_cb	*cb;
	void		*arg;
};

static void
db_import_done(void *arg, const PGresult *res, const char *error)
{
	struct db_import_call	*call = arg;
	struct db_import_result	 result = { 0 };
	char			*problems = NULL;

	if (error != NULL || PQntuples(res) != 1) {
		call->cb(call->arg, NULL, error != NULL ? error :
		    "unexpected result importing");
		free(call);
		return;
	}
	result.created = (uint32_t)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
	result.updated = (uint32_t)strtoul(PQgetvalue(res, 0, 1), NULL, 10);
	if (!PQgetisnull(res, 0, 2)) {
		problems = xstrdup(PQgetvalue(res, 0, 2));
		result.nproblems = db_split(problems, "\n", &result.problems);
	}
	call->cb(call->arg, &result, NULL);
	free(result.problems);
	free(problems);
	free(call);
}

void
db_import(struct db *db, enum import_kind kind, const char *rows_json,
    const char *file_name, db_import_cb *cb, void *arg)
{
	struct db_import_call	*call = xmalloc(sizeof *call);
	const char		*params[2] = { rows_json, file_name };

	call->cb = cb;
	call->arg = arg;
	db_query(db, kind == IMPORT_UNITS ?
	    "SELECT created, updated, problems FROM units_import($1::jsonb, $2)" :
	    "SELECT created, updated, problems FROM people_import($1::jsonb, $2)",
	    2, params, db_import_done, call);
}
