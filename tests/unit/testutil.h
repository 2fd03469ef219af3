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

#endif
