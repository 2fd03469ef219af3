/*
 * testutil.c - small helpers the unit suites share; see testutil.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

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

char *
testutil_read_source(const char *source_dir, const char *rel)
{
	char	 path[4096];
	FILE	*fp;
	char	*text;
	long	 len;

	snprintf(path, sizeof path, "%s/%s", source_dir, rel);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	ck_assert_msg(len >= 0, "cannot read %s", path);
	text = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, fp), (size_t)len);
	text[len] = '\0';
	fclose(fp);
	return text;
}
