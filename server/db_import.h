/*
 * db_import.h - writing checked imports of units and people.
 */
#ifndef TDKT_DB_IMPORT_H
#define TDKT_DB_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "import.h"

/* Pointers are valid only during the callback. */
struct db_import_result {
	uint32_t	 created;
	uint32_t	 updated;
	char		**problems;	/* when refused: "file:line:col: ..." */
	size_t		 nproblems;
};

typedef void	db_import_cb(void *arg, const struct db_import_result *result,
		    const char *error);

/*
 * Imports the rows made by import_rows_json, all or nothing, in one
 * statement. `cb` gets the counts or the problems, or NULL and the
 * database's error.
 */
void	db_import(struct db *, enum import_kind, const char *rows_json,
	    const char *file_name, db_import_cb *cb, void *arg);

#endif
