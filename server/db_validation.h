/*
 * db_validation.h - the input of a dossier's validation (a ValidateJob,
 * proto/worker.proto), read from PostgreSQL in one query
 * (validation_parts, migration 0008) when the job is dispatched.
 */
#ifndef TDKT_DB_VALIDATION_H
#define TDKT_DB_VALIDATION_H

#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "worker.pb-c.h"

/*
 * `job` is built in `a`; NULL with `error` when the query failed or the
 * arena ran out, NULL without one when there is no such dossier.
 */
typedef void	db_validation_cb(void *arg, Tdkt__ValidateJob *job,
		    const char *error);

void	db_validation_input(struct db *, struct arena *a, uint64_t dossier_id,
	    db_validation_cb *, void *arg);

#endif
