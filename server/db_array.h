/*
 * db_array.h - PostgreSQL array literals, so that one query carries many
 * rows as text parameters ("{1,2,3}", "{\"a\",NULL}") and unnest() takes
 * them apart again on the other side.
 *
 * Only db_*.c files use these: the rest of the server never builds SQL.
 */
#ifndef TDKT_DB_ARRAY_H
#define TDKT_DB_ARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db_array {
	char	*buf;		/* owned; "{" and the items so far */
	size_t	 len;
	size_t	 cap;
	size_t	 n;		/* items */
};

void		 db_array_init(struct db_array *);
void		 db_array_add_uint(struct db_array *, uint64_t);
void		 db_array_add_bool(struct db_array *, bool);
/* A quoted, escaped item; NULL adds SQL NULL. */
void		 db_array_add_text(struct db_array *, const char *);
/* A bytea item in hex; NULL adds SQL NULL. */
void		 db_array_add_bytea(struct db_array *, const void *, size_t);
/* Closes the literal; returns it, owned by the array until db_array_clear. */
const char	*db_array_finish(struct db_array *);
void		 db_array_clear(struct db_array *);

#endif
