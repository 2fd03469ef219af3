/*
 * utf8.c - strict UTF-8 validation (RFC 3629, table 3-7 of Unicode).
 */
#include <stdint.h>
#include <string.h>

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

void
utf8_trim_partial(char *s)
{
	size_t	len = strlen(s);

	/* Look back at most 3 bytes for the lead byte of the last character. */
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		unsigned char	c = (unsigned char)s[len - back];
		size_t		need;

		if ((c & 0xC0) == 0x80)
			continue;	/* a continuation byte: keep looking */
		if (c < 0x80)
			return;
		need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (back < need)
			s[len - back] = '\0';
		return;
	}
}

/* Decodes the code point at s (valid UTF-8) and returns its length in bytes. */
static size_t
utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xE0) {
		*cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (s[0] < 0xF0) {
		*cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
		    (s[2] & 0x3F);
		return 3;
	}
	*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
	    (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
	return 4;
}

size_t
utf8_display_width(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 width = 0;
	uint32_t		 cp;

	while (*s != '\0') {
		s += utf8_decode(s, &cp);
		if ((cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B)
			continue;	/* combining marks, zero-width space */
		if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
		    (cp >= 0x20000 && cp <= 0x3FFFD))
			width += 2;
		else
			width += 1;
	}
	return width;
}

size_t
utf8_length(const char *str)
{
	size_t	n = 0;

	for (const unsigned char *s = (const unsigned char *)str; *s != '\0'; s++) {
		if ((*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}
