/*
 * cfg.h - configuration files from one option table per program.
 *
 * Each program describes its options once, in a table of struct cfg_option
 * (name, type, default, bounds, help). From that table come the defaults,
 * the YAML loader, the option list in --help and the commented example file
 * shipped in config/, so the four can never disagree.
 *
 * Option names are dotted paths ("database.url") written in YAML as nested
 * mappings. The loader reports every problem it finds as
 * "file:line:col: message" and refuses aliases, anchors, unknown and
 * duplicate keys, wrong types and out-of-range values.
 */
#ifndef TDKT_CFG_H
#define TDKT_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cfg_type {
	CFG_STRING,	/* char *, owned by the config struct */
	CFG_INT,	/* int64_t, within [min, max] */
	CFG_BOOL,	/* bool */
	CFG_ENUM	/* int: index into enum_names */
};

/* Extra checks on a CFG_STRING option. */
#define CFG_NONEMPTY	0x1	/* must not be empty */
#define CFG_ABSOLUTE	0x2	/* must be an absolute path (implies NONEMPTY) */

struct cfg_option {
	const char		*name;		/* dotted path */
	enum cfg_type		 type;
	size_t			 offset;	/* of the field in the config struct */
	const char		*default_value;	/* written as in YAML */
	int64_t			 min, max;	/* CFG_INT only */
	const char *const	*enum_names;	/* CFG_ENUM only; NULL-terminated */
	const char		*help;
	int			 flags;		/* CFG_NONEMPTY, CFG_ABSOLUTE */
};

/* Problems found while loading, each "file:line:col: message". */
struct cfg_errors {
	char	**items;
	size_t	  n;
};

/* Sets every option of `conf` to its default. A bad default is a bug: fatalx. */
void	cfg_set_defaults(const struct cfg_option *table, size_t n, void *conf);

/*
 * Reads the YAML file at `path` over the defaults already in `conf`. Returns
 * the number of problems, each appended to `errs`; options from a file with
 * problems must not be used.
 */
size_t	cfg_load_file(const struct cfg_option *table, size_t n, void *conf,
	    const char *path, struct cfg_errors *errs);
/* cfg_load_file, printing each problem on its own line to `errfp`; 0 or -1. */
int	cfg_load_file_report(const struct cfg_option *table, size_t n, void *conf,
	    const char *path, FILE *errfp);
/* The same for YAML held in memory; `name` stands for the file in messages. */
size_t	cfg_load_buffer(const struct cfg_option *table, size_t n, void *conf,
	    const char *name, const char *data, size_t len,
	    struct cfg_errors *errs);

/*
 * Sets one option from its text form, as given on a command line; returns 0,
 * or -1 with *cause set (caller frees).
 */
int	cfg_set_option(const struct cfg_option *table, size_t n, void *conf,
	    const char *name, const char *value, char **cause);

/* Frees the strings `conf` owns; the struct itself is the caller's. */
void	cfg_free_values(const struct cfg_option *table, size_t n, void *conf);
void	cfg_errors_free(struct cfg_errors *);

/*
 * Writes `conf` as a fully commented YAML configuration: `header` (each line
 * becomes a comment), then every option with its help, type, default and
 * bounds. With `conf` at its defaults, this is the example in config/.
 */
void	cfg_write(FILE *, const struct cfg_option *table, size_t n,
	    const void *conf, const char *header);
/* Writes the option list for --help. */
void	cfg_write_help(FILE *, const struct cfg_option *table, size_t n);

#endif
