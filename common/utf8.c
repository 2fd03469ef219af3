/*
 * utf8.c - strict UTF-8 validation (RFC 3629, table 3-7 of Unicode).
 */
#include <stdint.h>

#include "utf8.h"

bool
utf8_valid(const char *str, size_t len, size_t *bad_offset)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0;

	while (i < len) {
		unsigned char	c = s[i];
		size_t		need;
		unsigned char	lo = 0x80, hi = 0xBF;

		if (c == 0)
			goto bad;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;	/* overlong */
			else if (c == 0xED)
				hi = 0x9F;	/* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;	/* overlong */
			else if (c == 0xF4)
				hi = 0x8F;	/* above U+10FFFF */
		} else
			goto bad;
		if (len - i - 1 < need)
			goto bad;
		if (s[i + 1] < lo || s[i + 1] > hi)
			goto bad;
		for (size_t k = 2; k <= need; k++) {
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				goto bad;
		}
		i += need + 1;
	}
	return true;
bad:
	if (bad_offset != NULL)
		*bad_offset = i;
	return false;
}
