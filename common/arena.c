/*
 * arena.c - the per-request bump allocator; see arena.h.
 *
 * Memory comes from a list of chunks. A request that fits in the first chunk
 * (the common case: a small envelope) costs one malloc for its whole life;
 * the first chunk is kept across arena_reset so a reused arena costs none.
 * Oversized single allocations get a chunk of their own.
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "xmalloc.h"

#define ARENA_CHUNK_SIZE	8192

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;	/* usable bytes after the header */
	size_t			 used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct arena_chunk	*chunks;	/* newest first; the last is kept on reset */
	size_t			 budget;
	size_t			 used;		/* bytes handed out, counted against budget */
	bool			 exhausted;	/* an allocation was refused */
};

static struct arena_chunk *
arena_chunk_new(size_t size)
{
	struct arena_chunk	*c;

	c = xmalloc(sizeof *c + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *
arena_new(size_t budget)
{
	struct arena	*a;

	a = xcalloc(1, sizeof *a);
	a->budget = budget;
	a->chunks = arena_chunk_new(ARENA_CHUNK_SIZE);
	return a;
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk	*c, *next;

	/* Keep the oldest chunk, which is the standard-size first one. */
	for (c = a->chunks; c->next != NULL; c = next) {
		next = c->next;
		free(c);
	}
	c->used = 0;
	a->chunks = c;
	a->used = 0;
	a->exhausted = false;
}

void
arena_free(struct arena **ap)
{
	struct arena		*a = *ap;
	struct arena_chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
	*ap = NULL;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	const size_t		 align = alignof(max_align_t);
	struct arena_chunk	*c;
	size_t			 rounded;
	void			*p;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - align) {
		a->exhausted = true;
		return NULL;
	}
	rounded = (size + align - 1) & ~(align - 1);
	if (rounded > a->budget - a->used) {
		a->exhausted = true;
		return NULL;
	}

	c = a->chunks;
	if (c->size - c->used < rounded) {
		c = arena_chunk_new(rounded > ARENA_CHUNK_SIZE ? rounded :
		    ARENA_CHUNK_SIZE);
		c->next = a->chunks;
		a->chunks = c;
	}
	p = c->data + c->used;
	c->used += rounded;
	a->used += rounded;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t size)
{
	void	*p;

	if ((p = arena_alloc(a, size)) != NULL)
		memset(p, 0, size);
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t	 len = strlen(s) + 1;
	char	*p;

	if ((p = arena_alloc(a, len)) != NULL)
		memcpy(p, s, len);
	return p;
}

bool
arena_exhausted(const struct arena *a)
{
	return a->exhausted;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}

static void *
arena_protobuf_alloc(void *data, size_t size)
{
	return arena_alloc(data, size);
}

static void
arena_protobuf_free(void *data, void *p)
{
	/* Everything goes at once with the arena. */
	(void)data;
	(void)p;
}

void
arena_protobuf_allocator(struct arena *a, ProtobufCAllocator *out)
{
	out->alloc = arena_protobuf_alloc;
	out->free = arena_protobuf_free;
	out->allocator_data = a;
}
