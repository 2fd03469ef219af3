/*
 * db_live_events.h - reading live events in commit order, and forgetting
 * old ones (migration 0009: live_events_since, live_events_prune).
 */
#ifndef TDKT_DB_LIVE_EVENTS_H
#define TDKT_DB_LIVE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* Where the last read stopped: a transaction id (xid8, as text) and a row. */
struct db_live_cursor {
	bool		 set;		/* false: start at the horizon */
	char		 xid[24];
	int64_t		 id;
};

/* One event; strings valid during the callback only. */
struct db_live_event {
	int64_t		 id;
	const char	*kind;		/* dossier or alert */
	int64_t		 unit_id;
	const char	*unit_code;
	const char	*unit_name;
	const char	*unit_kind;
	const char	*unit_path;	/* "u1.u7.u42" */
	int64_t		 dossier_id;	/* 0: none */
	const char	*type_code;
	const char	*state_from;
	const char	*state_to;
	const char	*level;
	int64_t		 to_unit_id;	/* alerts: 0 otherwise */
	const char	*to_level;
	const char	*alert_kind;
	const char	*key;
	const char	*subject;
	const char	*body;
	int64_t		 planned_ms;
	int64_t		 at_ms;
};

/*
 * The events after `from` (at most `limit`), and the cursor to read from
 * next; NULL events with `error` when the query failed.
 */
typedef void	db_live_events_cb(void *arg, const struct db_live_event *events,
		    size_t n, const struct db_live_cursor *next,
		    const char *error);

void	db_live_events_since(struct db *, const struct db_live_cursor *from,
	    int limit, db_live_events_cb *, void *arg);

/* Forgets events older than an hour; nobody waits for the answer. */
void	db_live_events_prune(struct db *);

#endif
