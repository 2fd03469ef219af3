/*
 * jsonw.h - writing JSON into a buffer, for PostgreSQL jsonb parameters and
 * the client's --json output.
 *
 * The writer keeps track of commas and nesting itself, escapes strings
 * (which must be valid UTF-8; they pass through unescaped above ASCII) and
 * has a hard size limit: past it the writer is marked failed and the caller
 * learns so from jsonw_finish, instead of growing without bound.
 */
#ifndef TDKT_JSONW_H
#define TDKT_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONW_MAX_DEPTH	32

struct jsonw {
	char	*buf;
	size_t	 len, cap, max;
	bool	 failed;		/* over max, or misused */
	int	 depth;
	bool	 first[JSONW_MAX_DEPTH];	/* nothing written yet at this depth */
	char	 open[JSONW_MAX_DEPTH];	/* '{' or '[' at each depth */
	bool	 after_key;
	bool	 complete;		/* the one top-level value is written */
};

/* Starts an empty writer that will hold at most `max` bytes. */
void	jsonw_init(struct jsonw *, size_t max);
/* Frees the buffer. */
void	jsonw_clear(struct jsonw *);

void	jsonw_object_begin(struct jsonw *);
void	jsonw_object_end(struct jsonw *);
void	jsonw_array_begin(struct jsonw *);
void	jsonw_array_end(struct jsonw *);
/* The key of the next value, inside an object. */
void	jsonw_key(struct jsonw *, const char *key);
void	jsonw_string(struct jsonw *, const char *s);	/* NULL writes null */
void	jsonw_int(struct jsonw *, int64_t v);
void	jsonw_uint(struct jsonw *, uint64_t v);
void	jsonw_bool(struct jsonw *, bool v);
void	jsonw_null(struct jsonw *);

/*
 * Returns the NUL-terminated text when every begin was ended and nothing
 * failed, else NULL. The text belongs to the writer.
 */
const char	*jsonw_finish(struct jsonw *, size_t *len);

#endif
