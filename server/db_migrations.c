/*
 * db_migrations.c - applying the embedded schema migrations; see db_migrations.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_migrations.h"
#include "log.h"
#include "xmalloc.h"

/* Any constant works; it only has to be the same for every tdkt-server. */
#define DB_MIGRATIONS_LOCK_KEY	"7461646b74"	/* "tdkt" */

static const char db_migrations_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

static bool
db_migrations_known(uint32_t version)
{
	for (size_t i = 0; i < db_migrations_count; i++) {
		if (db_migrations[i].version == version)
			return true;
	}
	return false;
}

/* Reads the applied versions; returns the count, or -1 with *cause set. */
static int
db_migrations_applied(PGconn *conn, uint32_t **versions, char **cause)
{
	PGresult	*res;
	int		 n;

	res = PQexec(conn, "SELECT version FROM schema_migrations ORDER BY version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		*cause = xasprintf("could not read schema_migrations: %s",
		    PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	*versions = xcalloc((size_t)n, sizeof **versions);
	for (int i = 0; i < n; i++)
		(*versions)[i] = (uint32_t)strtoul(PQgetvalue(res, i, 0), NULL, 10);
	PQclear(res);
	return n;
}

static int
db_migrations_apply(PGconn *conn, const struct db_migration *m, char **cause)
{
	PGresult	*res;
	char		 version[16];
	const char	*params[2];
	char		*why = NULL;

	if (db_exec_blocking(conn, m->sql, &why) < 0) {
		*cause = xasprintf("migration %04u_%s failed: %s", m->version,
		    m->name, why);
		free(why);
		return -1;
	}
	snprintf(version, sizeof version, "%u", m->version);
	params[0] = version;
	params[1] = m->name;
	res = PQexecParams(conn, "INSERT INTO schema_migrations (version, name) "
	    "VALUES ($1, $2)", 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*cause = xasprintf("could not record migration %u: %s", m->version,
		    PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	log_info("applied migration %04u_%s", m->version, m->name);
	return 0;
}

int
db_migrations_run(const char *conninfo, uint32_t *version, char **cause)
{
	PGconn		*conn;
	uint32_t	*applied = NULL;
	int		 napplied, rc = -1;
	char		*why = NULL;

	if ((conn = db_connect_blocking(conninfo, cause)) == NULL)
		return -1;
	if (db_exec_blocking(conn, "BEGIN", &why) < 0 ||
	    db_exec_blocking(conn, "SELECT pg_advisory_xact_lock(x'"
	    DB_MIGRATIONS_LOCK_KEY "'::bigint)", &why) < 0 ||
	    db_exec_blocking(conn, db_migrations_table, &why) < 0) {
		*cause = xasprintf("could not prepare migrations: %s", why);
		goto out;
	}
	if ((napplied = db_migrations_applied(conn, &applied, cause)) < 0)
		goto out;
	*version = 0;
	for (int i = 0; i < napplied; i++) {
		if (!db_migrations_known(applied[i])) {
			*cause = xasprintf("the database has schema version %u, "
			    "which this tdkt-server does not know; it is newer "
			    "than this program", applied[i]);
			goto out;
		}
	}
	for (size_t i = 0; i < db_migrations_count; i++) {
		bool done = false;

		for (int k = 0; k < napplied; k++)
			done = done || applied[k] == db_migrations[i].version;
		if (!done && db_migrations_apply(conn, &db_migrations[i], cause) < 0)
			goto out;
		*version = db_migrations[i].version;
	}
	if (db_exec_blocking(conn, "COMMIT", &why) < 0) {
		*cause = xasprintf("could not commit migrations: %s", why);
		goto out;
	}
	rc = 0;
out:
	free(why);
	free(applied);
	PQfinish(conn);	/* an open transaction rolls back */
	return rc;
}
