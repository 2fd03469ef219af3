/*
 * arena.h - a bump allocator with a byte budget, one per request.
 *
 * Everything a request needs while it is served (the unpacked message, scratch
 * strings, query parameters) is allocated here and freed at once with the
 * arena when the reply has gone. The budget bounds what one peer's input can
 * make us allocate: past it, arena_alloc returns NULL and the request fails
 * with a typed error instead of exhausting the server.
 */
#ifndef TDKT_ARENA_H
#define TDKT_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

struct arena;

/* Returns a new empty arena that will hand out at most `budget` bytes. */
struct arena	*arena_new(size_t budget);
/* Frees the arena and everything allocated from it; NULL is allowed. */
void		 arena_free(struct arena **);
/* Frees everything allocated so far but keeps the arena for reuse. */
void		 arena_reset(struct arena *);

/*
 * Returns `size` bytes aligned for any type, or NULL when the budget would be
 * exceeded. The memory lives until the arena is reset or freed.
 */
void		*arena_alloc(struct arena *, size_t size);
/* Like arena_alloc, zero-filled. */
void		*arena_zalloc(struct arena *, size_t size);
/* Copies a string into the arena; NULL when over budget. */
char		*arena_strdup(struct arena *, const char *);

/* True if an allocation was refused for budget since the last reset. */
bool		 arena_exhausted(const struct arena *);
/* Bytes handed out since the last reset, for tests and logging. */
size_t		 arena_used(const struct arena *);

/*
 * Fills `out` with a protobuf-c allocator drawing from the arena, so
 * protobuf_c_message_unpack() on hostile input fails cleanly at the budget.
 * Messages unpacked this way must not be passed to *_free_unpacked().
 */
void		 arena_protobuf_allocator(struct arena *, ProtobufCAllocator *out);

#endif
