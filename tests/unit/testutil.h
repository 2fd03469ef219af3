/*
 * testutil.h - small helpers the unit suites share.
 */
#ifndef TDKT_TESTUTIL_H
#define TDKT_TESTUTIL_H

#include <stddef.h>

/*
 * The `n` error lines in `items`, each on a line of its own, for a failure
 * message; "(none)" when there are none. The text lives until the next call.
 */
const char	*testutil_errors_text(char *const *items, size_t n);

/*
 * Reads a whole file of the source tree (`rel` under TDKT_SOURCE_DIR, given
 * by the caller) into a NUL-terminated string (caller frees); fails the
 * test if it cannot.
 */
char		*testutil_read_source(const char *source_dir, const char *rel);

#endif
