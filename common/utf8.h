/*
 * utf8.h - UTF-8 validation.
 *
 * Every string a peer or a file hands us is checked before it is stored or
 * shown: Vietnamese names must survive intact, and a broken sequence must be
 * refused at the edge rather than reach PostgreSQL (which would refuse it
 * later, with a less useful error).
 */
#ifndef TDKT_UTF8_H
#define TDKT_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Returns true if s[0..len) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF) and contains no NUL byte. On false,
 * *bad_offset (if not NULL) is the offset of the first bad byte.
 */
bool	utf8_valid(const char *s, size_t len, size_t *bad_offset);

/*
 * Cuts off an incomplete UTF-8 sequence at the end of `s`, such as the one
 * snprintf leaves when it truncates Vietnamese text mid-character.
 */
void	utf8_trim_partial(char *s);

/*
 * Returns the number of terminal columns `s` (valid UTF-8) takes: one per
 * code point, none for combining marks (U+0300-U+036F, as in decomposed
 * Vietnamese), two for East Asian wide characters. Used to align tables of
 * Vietnamese text, where bytes and columns differ.
 */
size_t	utf8_display_width(const char *s);

/* Returns the number of code points in `s` (valid UTF-8). */
size_t	utf8_length(const char *s);

#endif
