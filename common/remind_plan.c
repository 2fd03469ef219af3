/*
 * remind_plan.c - which reminders are due now; see remind_plan.h.
 */
#include <string.h>

#include "date.h"
#include "remind_plan.h"

static const struct {
	unsigned	 bit;
	const char	*name;
} remind_channels[REMIND_CHANNELS] = {
	{ REMIND_CHANNEL_INBOX, "inbox" },
	{ REMIND_CHANNEL_PUSH, "push" },
	{ REMIND_CHANNEL_EMAIL, "email" },
};

unsigned
remind_channel_parse(const char *name)
{
	for (size_t i = 0; i < REMIND_CHANNELS; i++) {
		if (strcmp(remind_channels[i].name, name) == 0)
			return remind_channels[i].bit;
	}
	return 0;
}

const char *
remind_channel_name(unsigned channel)
{
	for (size_t i = 0; i < REMIND_CHANNELS; i++) {
		if (remind_channels[i].bit == channel)
			return remind_channels[i].name;
	}
	return NULL;
}

/*
 * The offset whose time is the latest at or before `now_ms`, if that time
 * is less than a day ago; false when none is due.
 */
static bool
remind_plan_latest_due(const struct remind_candidate *c, int32_t deadline,
    int64_t now_ms, int send_hour, int32_t *offset, int64_t *planned_ms)
{
	bool	found = false;

	for (size_t i = 0; i < c->noffsets; i++) {
		/* Offsets come from a file: keep the day inside int32_t. */
		int64_t	day = (int64_t)deadline - c->offsets[i];
		int64_t	at;

		if (day < 0 || day > INT32_MAX)
			continue;
		at = date_at_hour_vn((int32_t)day, send_hour);
		if (at > now_ms || (found && at <= *planned_ms))
			continue;
		*offset = c->offsets[i];
		*planned_ms = at;
		found = true;
	}
	/* Unsigned: at <= now, and the difference of extremes still fits. */
	return found && (uint64_t)now_ms - (uint64_t)*planned_ms <
	    (uint64_t)REMIND_PLAN_DUE_FOR_MS;
}

size_t
remind_plan(const struct remind_candidate *c, int64_t now_ms, int send_hour,
    struct remind_due *out)
{
	struct remind_due	 due;
	size_t			 n = 0;

	memset(&due, 0, sizeof due);
	due.extended = c->extended_until > c->closes;
	due.deadline = due.extended ? c->extended_until : c->closes;
	if (!remind_plan_latest_due(c, due.deadline, now_ms, send_hour,
	    &due.offset_days, &due.planned_ms))
		return 0;
	for (size_t i = 0; i < REMIND_CHANNELS; i++) {
		if ((c->channels & remind_channels[i].bit) == 0)
			continue;
		due.channel = remind_channels[i].bit;
		due.to_office = false;
		due.recipient_id = c->unit_id;
		due.recipient_level = "";
		out[n++] = due;
		if (due.offset_days >= 0 || c->office_id == 0)
			continue;
		due.to_office = true;
		due.recipient_id = c->office_id;
		due.recipient_level = c->unit_level;
		out[n++] = due;
	}
	return n;
}
