/*
 * import.h - checking CSV imports of units and people, row by row.
 *
 * Offices keep their units and staff in spreadsheets; an import reads the
 * CSV, checks every field it can without the database (required columns,
 * codes, names, kinds, e-mail addresses, duplicates within the file) and
 * turns the rows into the jsonb the database's units_import() and
 * people_import() take, with each row's line (and the column of its
 * references) so the database's own complaints point into the file too.
 * Columns are found by their English name or the Vietnamese heading offices
 * use ("Mã đơn vị", "Tên đơn vị", ...). A file named *.yaml or *.yml is read
 * as a YAML list of mappings with the same keys instead.
 */
#ifndef TDKT_IMPORT_H
#define TDKT_IMPORT_H

#include <stddef.h>

#include "yamltree.h"

enum import_kind {
	IMPORT_UNITS,
	IMPORT_PEOPLE
};

/* The most rows one import takes: a whole country's schools fit. */
#define IMPORT_MAX_ROWS		200000

/*
 * Reads and checks the CSV (or YAML) `data` named `file`. Returns the rows as a JSON
 * array (the caller frees it) with *nrows set, or NULL with every problem
 * appended to `errs`.
 */
char	*import_rows_json(enum import_kind, const char *file, const char *data,
	    size_t len, size_t *nrows, struct yamltree_errors *errs);

#endif
