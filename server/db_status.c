/*
 * db_status.c - the query behind `tdkt ping`; see db_status.h.
 *
 * It really goes to the database (rather than returning what the server
 * remembers from start-up) so that a ping proves the whole path works.
 */
#include <stdio.h>
#include <stdlib.h>

#include "db_internal.h"
#include "db_status.h"
#include "xmalloc.h"

struct db_status_call {
	struct db	*db;
	db_status_cb	*cb;
	void		*arg;
};

static void
db_status_done(void *arg, const PGresult *res, const char *error)
{
	struct db_status_call	*call = arg;
	struct db_status	 status = { 0 };

	if (error != NULL || PQntuples(res) != 1)
		call->cb(call->arg, NULL, error != NULL ? error :
		    "unexpected result for the status query");
	else {
		status.schema_version = (uint32_t)strtoul(PQgetvalue(res, 0, 0),
		    NULL, 10);
		snprintf(status.installation_id, sizeof status.installation_id,
		    "%s", PQgetvalue(res, 0, 1));
		snprintf(status.postgres_version, sizeof status.postgres_version,
		    "%s", db_server_version(call->db));
		call->cb(call->arg, &status, NULL);
	}
	free(call);
}

void
db_status_fetch(struct db *db, db_status_cb *cb, void *arg)
{
	struct db_status_call	*call;

	call = xmalloc(sizeof *call);
	call->db = db;
	call->cb = cb;
	call->arg = arg;
	db_query(db, "SELECT coalesce(max(version), 0),"
	    " coalesce((SELECT value FROM meta WHERE key = 'installation_id'), '')"
	    " FROM schema_migrations", 0, NULL, db_status_done, call);
}
