/*
 * db_embedded.h - the private PostgreSQL cluster the server runs when its
 * configuration names no database.
 *
 * The cluster lives in data_dir/pg, listens only on a Unix socket in
 * data_dir/run (no TCP port, so nothing else on the host can reach it and no
 * port can clash), logs to data_dir/log/postgresql.log, and runs as
 * database.run_as when the server is root. It is a child of the server: it
 * starts with it, stops with it, and dies with it (PR_SET_PDEATHSIG) if the
 * server is killed.
 */
#ifndef TDKT_DB_EMBEDDED_H
#define TDKT_DB_EMBEDDED_H

#include <stdbool.h>
#include <sys/types.h>

#include "server_config.h"

struct db_embedded;

/*
 * Creates the data directory's layout and a new cluster in it with initdb
 * (UTF-8, Vietnamese ICU collation). Returns 0, or -1 with *cause set
 * (caller frees); refuses a directory that already holds a cluster.
 */
int		 db_embedded_create(const struct server_config *, char **cause);

/* True if the data directory already holds a cluster. */
bool		 db_embedded_exists(const struct server_config *);

/*
 * Starts the cluster, waits until it accepts connections and makes sure the
 * tdkt database exists. Returns the running cluster, or NULL with *cause set.
 */
struct db_embedded *db_embedded_start(const struct server_config *, char **cause);

/* The libpq connection string of the tdkt database in the cluster. */
const char	*db_embedded_conninfo(const struct db_embedded *);

/*
 * Reaps the cluster if it has exited (call on SIGCHLD). Returns true if it
 * is no longer running.
 */
bool		 db_embedded_exited(struct db_embedded *);

/* Fast shutdown (SIGINT), waiting for it to finish; NULL is allowed. */
void		 db_embedded_stop(struct db_embedded **);

#endif
