/*
 * db_migrations.h - the schema migrations built into the server, and running them.
 *
 * Migrations are the numbered SQL files in server/migrations/, embedded into
 * the binary at build time (cmake/embed_migrations.cmake) so a deployed
 * server needs no source tree. They only ever go forward.
 */
#ifndef TDKT_DB_MIGRATIONS_H
#define TDKT_DB_MIGRATIONS_H

#include <stddef.h>
#include <stdint.h>

struct db_migration {
	uint32_t	 version;	/* from the file name: 0001_name.sql is 1 */
	const char	*name;
	const char	*sql;
};

/* In ascending version order (generated). */
extern const struct db_migration	db_migrations[];
extern const size_t			db_migrations_count;

/*
 * Brings the database at `conninfo` up to the newest migration, all in one
 * transaction under an advisory lock (so two servers starting together take
 * turns), recording each in schema_migrations. Refuses a database whose
 * schema is newer than this binary. Returns 0 and sets *version to the
 * schema version, or -1 with *cause set (caller frees).
 */
int	db_migrations_run(const char *conninfo, uint32_t *version, char **cause);

#endif
