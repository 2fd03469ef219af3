/*
 * remind_planner.h - the server's side of deadline reminders: when to plan,
 * and only one server at a time.
 *
 * Every reminders.plan_every_ms, and a second after a change that may move
 * a date (a rulebook loaded, an extension granted), the
 * planner takes or renews its lease in PostgreSQL (three periods long, so
 * another server takes over if this one dies), reads the units that still
 * owe a dossier near its deadline, works out which reminders are due now
 * (common/remind_plan.h, pure), and writes them with their delivery jobs in
 * one transaction that first checks the lease is still ours. The jobs are
 * then delivered by workers like any other.
 */
#ifndef TDKT_REMIND_PLANNER_H
#define TDKT_REMIND_PLANNER_H

#include <stdbool.h>
#include <stdint.h>

struct server;
struct remind_planner;

/* What one run of the planner did. */
struct remind_run {
	bool		 planned;	/* false: another server holds the lease */
	const char	*holder;	/* the lease's holder */
	unsigned	 reminders;	/* queued by this run */
	unsigned	 escalations;	/* of them, to offices */
	int64_t		 now_ms;	/* the time it planned for */
	const char	*error;		/* the run failed (English) */
};

typedef void	remind_run_cb(void *arg, const struct remind_run *);

struct remind_planner	*remind_planner_new(struct server *);
/* Answers runs still waiting with an error; NULL is allowed. */
void			 remind_planner_free(struct remind_planner **);
void			 remind_planner_tick(struct remind_planner *,
			    int64_t now_ms);
/* Something that may move a date changed: plan again soon. */
void			 remind_planner_kick(struct remind_planner *);
/* Plans now (after the run in progress) and tells `cb` what it did. */
void			 remind_planner_run_now(struct remind_planner *,
			    remind_run_cb *, void *arg);

#endif
