/*
 * testutil.c - small helpers the unit suites share; see testutil.h.
 */
#include <stdio.h>

#include "testutil.h"

const char *
testutil_errors_text(char *const *items, size_t n)
{
	static char	buf[8192];
	size_t		used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof buf; i++) {
		int	w = snprintf(buf + used, sizeof buf - used, "\n  %s",
		    items[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return n == 0 ? "(none)" : buf;
}
