/*
 * db_status.h - what the database says about itself, for `tdkt ping`.
 */
#ifndef TDKT_DB_STATUS_H
#define TDKT_DB_STATUS_H

#include <stdint.h>

#include "db.h"

struct db_status {
	uint32_t	schema_version;
	char		installation_id[64];
	char		postgres_version[32];
};

/*
 * Called once: with `status` on success, or with NULL and `error` (English,
 * for logs). Neither pointer outlives the call.
 */
typedef void	db_status_cb(void *arg, const struct db_status *status,
		    const char *error);

/* Asks the database for its schema version and installation id. */
void	db_status_fetch(struct db *, db_status_cb *cb, void *arg);

#endif
