/*
 * yamltree.h - a YAML document read into a small tree that remembers where
 * every node came from, for data files people write by hand (rulebooks,
 * imports).
 *
 * cfg.h covers flat option tables; data files have lists of records and
 * need every later complaint ("window closes before it opens") to point at
 * file:line:col. The reader refuses what makes YAML hard to reason about:
 * aliases and anchors (libyaml would resolve aliases into shared nodes),
 * tags other than the plain ones, more than one document, nesting deeper
 * than YAMLTREE_MAX_DEPTH and more than YAMLTREE_MAX_NODES nodes. Mapping
 * keys must be scalars and unique.
 */
#ifndef TDKT_YAMLTREE_H
#define TDKT_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YAMLTREE_MAX_DEPTH	32
#define YAMLTREE_MAX_NODES	200000
#define YAMLTREE_MAX_KEYS	1000	/* per mapping: keys are checked pairwise */

enum yamltree_kind {
	YAMLTREE_SCALAR,
	YAMLTREE_MAPPING,
	YAMLTREE_SEQUENCE
};

struct yamltree_node {
	enum yamltree_kind	 kind;
	size_t			 line;		/* 1-based */
	size_t			 column;	/* 1-based */
	/* YAMLTREE_SCALAR */
	char			*value;		/* NUL-terminated, valid UTF-8 */
	size_t			 len;
	bool			 plain;		/* unquoted: ~ and null mean null */
	/* YAMLTREE_MAPPING: keys[i] -> items[i]; YAMLTREE_SEQUENCE: items[i] */
	struct yamltree_node	**keys;
	struct yamltree_node	**items;
	size_t			 n;
	size_t			 cap;		/* room in keys/items */
};

/* Complaints, each "file:line:col: message", in the order found. */
struct yamltree_errors {
	char	**items;
	size_t	  n;
};

struct yamltree {
	char			*file;	/* as given, for messages */
	struct yamltree_node	*root;	/* NULL for an empty document */
};

/*
 * Parses `len` bytes of YAML named `file` in messages. Returns the tree, or
 * NULL with the reasons appended to `errs`.
 */
struct yamltree	*yamltree_parse(const char *file, const char *data, size_t len,
		    struct yamltree_errors *errs);
/* Frees the tree; NULL is allowed. */
void		 yamltree_free(struct yamltree **);

/* The value under `key` in mapping `map`, or NULL. */
struct yamltree_node *yamltree_get(const struct yamltree_node *map,
		    const char *key);

/* True for a plain ~, null or empty scalar. */
bool		 yamltree_is_null(const struct yamltree_node *);

/* Appends "file:line:col: message" about `node` (or the file, if NULL). */
void		 yamltree_error(struct yamltree_errors *, const struct yamltree *,
		    const struct yamltree_node *, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
void		 yamltree_errors_free(struct yamltree_errors *);

#endif
