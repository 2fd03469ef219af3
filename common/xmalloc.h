/*
 * xmalloc.h - allocation that cannot fail.
 *
 * Running out of memory is not something a caller can repair, so these die in
 * one place with a message instead of returning NULL; call sites never check.
 * Memory whose size a peer controls is allocated from an arena with a budget
 * (arena.h), never from here.
 */
#ifndef TDKT_XMALLOC_H
#define TDKT_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Returns a newly allocated formatted string; the caller frees it. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
