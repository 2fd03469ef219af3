/*
 * remind_plan.h - which deadline reminders are due now: the planner's logic,
 * pure (no clock, no database), so tests give it any "now".
 *
 * For each unit that still owes a dossier (a candidate), the deadline is the
 * window's close, or the unit's extension when later. The rulebook's offsets
 * (7, 3, 1, 0, -1: days before it; 0 the day itself; negative, overdue) each
 * fall on a day, at the configured hour in Vietnam. A reminder is due from
 * that moment for one day; when several are due (the server was down), only
 * the latest goes out, so a unit never gets a burst of stale ones. Each due
 * reminder goes on every channel the rulebook names; an overdue one also
 * goes to the office the dossier is due at (its specialists of the school's
 * level). That the same reminder is never sent twice is the database's job
 * (a unique row per deadline, unit, offset, channel and audience), so the
 * planner may run as often as it likes.
 */
#ifndef TDKT_REMIND_PLAN_H
#define TDKT_REMIND_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REMIND_CHANNEL_INBOX	0x1
#define REMIND_CHANNEL_PUSH	0x2
#define REMIND_CHANNEL_EMAIL	0x4
#define REMIND_CHANNELS		3

/* How long a reminder stays due after its time before it is stale. */
#define REMIND_PLAN_DUE_FOR_MS	(24 * 3600 * INT64_C(1000))

/* At most this many reminders per candidate: every channel, both audiences. */
#define REMIND_PLAN_MAX_PER_CANDIDATE	(2 * REMIND_CHANNELS)

/* A unit that owes a dossier of a type, and the rulebook's reminder rules. */
struct remind_candidate {
	int64_t		 rulebook_id;
	int64_t		 issuer_id;		/* the rulebook's issuer */
	const char	*period;		/* and period: whose deadline */
	const char	*type_code;
	int32_t		 closes;		/* day numbers (date.h) */
	int32_t		 extended_until;	/* 0: no extension */
	int64_t		 unit_id;
	const char	*unit_level;		/* school level, or "" */
	int64_t		 office_id;		/* 0: no office to escalate to */
	const int32_t	*offsets;		/* days before the deadline */
	size_t		 noffsets;
	unsigned	 channels;		/* REMIND_CHANNEL_* */
};

/* One reminder due now. */
struct remind_due {
	int32_t		 deadline;
	bool		 extended;		/* the deadline is an extension's */
	int32_t		 offset_days;
	int64_t		 planned_ms;		/* when it was due to go out */
	unsigned	 channel;		/* one REMIND_CHANNEL_* bit */
	bool		 to_office;		/* an escalation */
	int64_t		 recipient_id;		/* the unit, or its office */
	const char	*recipient_level;	/* for an office: the level */
};

/*
 * Writes the reminders due at `now_ms` for `c` into `out` (room for
 * REMIND_PLAN_MAX_PER_CANDIDATE) and returns how many; `send_hour` is the
 * hour of the day, in Vietnam, reminders go out at.
 */
size_t		 remind_plan(const struct remind_candidate *c, int64_t now_ms,
		    int send_hour, struct remind_due *out);

/* The channel bit of "inbox", "push" or "email"; 0 for anything else. */
unsigned	 remind_channel_parse(const char *name);
/* The name of one channel bit, or NULL. */
const char	*remind_channel_name(unsigned channel);

#endif
