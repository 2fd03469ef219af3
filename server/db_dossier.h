/*
 * db_dossier.h - dossiers in PostgreSQL: every change through dossier_act()
 * (migration 0006), and the views the client reads.
 *
 * Changes are exactly-once: dossier_act() claims the caller's idempotency key
 * in the transaction that makes the change, so the answer this file hands
 * back has already been committed. What the client reads is built straight
 * into protocol messages in the caller's arena, since the wire is its only
 * consumer.
 */
#ifndef TDKT_DB_DOSSIER_H
#define TDKT_DB_DOSSIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "client.pb-c.h"
#include "db.h"

/* One action on a dossier, as dossier_act() takes it. */
struct db_dossier_action {
	int64_t		 account_id;
	const char	*address;
	const char	*roles;		/* the caller's covering roles, "{a,b}" */
	const char	*key;		/* the idempotency key */
	const char	*action;	/* new, attach, nominate, meeting, submit,
					   review, decide, extension */
	uint64_t	 dossier_id;	/* 0 for new and extension */
	uint32_t	 if_version;	/* 0: no optimistic check */
	const char	*args_json;
	const char	*today;		/* YYYY-MM-DD */
};

/* Its answer; pointers are valid only during the callback. */
struct db_dossier_acted {
	const char	*outcome;	/* "ok" or why not (migration 0006) */
	uint64_t	 dossier_id;	/* 0: none */
	uint32_t	 version;
	const char	*state;
	const char	*level;
	const char	*level_name;
	const char	*awaiting_unit;
	const char	*awaiting_unit_name;
	char		**problems;	/* for people, Vietnamese */
	size_t		 nproblems;
	const char	*note;		/* "" or the action's extra answer */
	bool		 replayed;
};

typedef void	db_dossier_act_cb(void *arg, const struct db_dossier_acted *,
		    const char *error);

void	db_dossier_act(struct db *, const struct db_dossier_action *,
	    db_dossier_act_cb *, void *arg);

/* Messages built in `a`; NULL with `error`, or (show) NULL for no such dossier. */
typedef void	db_dossier_list_cb(void *arg, Tdkt__Dossier **, size_t n,
		    const char *error);
typedef void	db_dossier_show_cb(void *arg, Tdkt__DossierShowReply *,
		    const char *error);
typedef void	db_dossier_findings_cb(void *arg, Tdkt__Finding **, size_t n,
		    const char *error);
typedef void	db_dossier_history_cb(void *arg, Tdkt__HistoryEntry **,
		    size_t n, const char *error);

/*
 * The dossiers of `unit`'s subtree that the account's roles reach (a
 * specialist: the schools of their level), filtered ("" : any), newest first.
 */
struct db_dossier_filter {
	int64_t		 account_id;
	const char	*unit;
	const char	*state;
	const char	*type;
	const char	*period;
	uint32_t	 limit;
	const char	*today;
};
void	db_dossier_list(struct db *, struct arena *,
	    const struct db_dossier_filter *, db_dossier_list_cb *, void *arg);

/* What awaits review at the account's unit, within its roles, oldest first. */
void	db_dossier_queue(struct db *, struct arena *, int64_t account_id,
	    const char *today, db_dossier_list_cb *, void *arg);

void	db_dossier_show(struct db *, struct arena *, uint64_t dossier_id,
	    const char *today, db_dossier_show_cb *, void *arg);

void	db_dossier_findings(struct db *, struct arena *, uint64_t dossier_id,
	    db_dossier_findings_cb *, void *arg);

/* The dossier's audit trail, oldest first. */
void	db_dossier_history(struct db *, struct arena *, uint64_t dossier_id,
	    db_dossier_history_cb *, void *arg);

#endif
