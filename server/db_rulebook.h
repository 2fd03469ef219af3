/*
 * db_rulebook.h - storing rulebooks and reading them back.
 */
#ifndef TDKT_DB_RULEBOOK_H
#define TDKT_DB_RULEBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "rulebook.h"

/* How a load went. Pointers are valid only during the callback. */
struct db_rulebook_loaded {
	const char	*outcome;	/* "loaded", "unchanged" or "invalid" */
	uint32_t	 version;
	char		**problems;	/* with "invalid": "file:line:col: ..." */
	size_t		 nproblems;
};

typedef void	db_rulebook_load_cb(void *arg,
		    const struct db_rulebook_loaded *loaded, const char *error);

/*
 * Stores `rb`, checked by rulebook_parse from `source` (named `file_name`),
 * as the next version for its issuer and period, all or nothing. The unit
 * codes it names must exist; those that do not come back as problems.
 * `cb` gets the outcome, or NULL and the database's error.
 */
void	db_rulebook_load(struct db *, const struct rulebook *rb,
	    const char *file_name, const char *source,
	    db_rulebook_load_cb *cb, void *arg);

/* A stored rulebook. Pointers are valid only during the callback. */
struct db_rulebook_stored {
	const char	*issuer;
	const char	*issuer_name;
	const char	*period;
	uint32_t	 version;
	uint32_t	 versions;
	const char	*source_name;
	const char	*source;
	size_t		 source_len;
	int64_t		 loaded_at_unix_ms;
	const char	**unit_codes;	/* the units the rulebook names */
	const char	**unit_names;
	size_t		 nunits;
};

/* `stored` is NULL with `error` NULL when there is no such rulebook. */
typedef void	db_rulebook_show_cb(void *arg,
		    const struct db_rulebook_stored *stored, const char *error);

/*
 * Finds the rulebook of `issuer` (NULL or "": the most recently loaded of
 * any) for `period` (NULL or "": the newest period), `version` 0 for the
 * newest.
 */
void	db_rulebook_show(struct db *, const char *issuer, const char *period,
	    uint32_t version, db_rulebook_show_cb *cb, void *arg);

#endif
