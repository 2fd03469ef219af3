/*
 * db_inbox.h - an account's inbox (migration 0009: inbox_list, inbox_mark)
 * and what its session may watch.
 */
#ifndef TDKT_DB_INBOX_H
#define TDKT_DB_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.pb-c.h"

struct arena;
struct db;

/* The page (in the arena), or NULL with `error`. */
typedef void	db_inbox_list_cb(void *arg, Tdkt__InboxListReply *,
		    const char *error);
void	db_inbox_list(struct db *, struct arena *, int64_t account,
	    bool unread_only, uint32_t limit, uint64_t before,
	    db_inbox_list_cb *, void *arg);

typedef void	db_inbox_mark_cb(void *arg, uint32_t changed, uint32_t unread,
		    const char *error);
/* Marks `ids` (or, with n 0 and `all`, every message) read or unread. */
void	db_inbox_mark(struct db *, int64_t account, const uint64_t *ids,
	    size_t n, bool all, bool unread, db_inbox_mark_cb *, void *arg);

/*
 * An account's unit (0: none) and roles ("specialist:primary", ...),
 * valid during the callback (NULL when there are none); `error` set when
 * the query failed.
 */
typedef void	db_viewer_cb(void *arg, int64_t unit_id, char *const *roles,
		    size_t nroles, const char *error);
void	db_inbox_viewer(struct db *, int64_t account, db_viewer_cb *,
	    void *arg);

#endif
