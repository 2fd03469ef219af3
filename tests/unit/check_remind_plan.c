/*
 * check_remind_plan.c - unit tests for the deadline reminder planner
 * (remind_plan.c).
 *
 * The fixture is District 1's calendar for 2023-2024 (config/rulebooks/
 * q1-2023-2024.yaml): the year-end dossier CUOI_NAM, whose window closes on
 * 2024-05-28, reminders 7, 3, 1 and 0 days before it and 1 day after, at
 * 07:00 in Vietnam, by inbox, push and email. The planner is pure, so each
 * case hands it a "now" and holds the answer to exact counts, offsets,
 * deadlines, times, channels and recipients; the last cases walk a whole
 * school year hour by hour and dedupe what comes out as the database would,
 * which must leave exactly the reminders the rulebook promises.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "date.h"
#include "remind_plan.h"

#define Q1_SEND_HOUR	7
#define Q1_UNIT_ID	1001
#define Q1_OFFICE_ID	11
#define Q1_LEVEL	"primary"
#define ALL_CHANNELS \
	(REMIND_CHANNEL_INBOX | REMIND_CHANNEL_PUSH | REMIND_CHANNEL_EMAIL)
#define HOUR_MS		(3600 * INT64_C(1000))
#define MINUTE_MS	(60 * INT64_C(1000))

/* The rulebook's reminders: offsets_days [7, 3, 1, 0, -1]. */
static const int32_t	q1_offsets[] = { 7, 3, 1, 0, -1 };

/* The day number of "YYYY-MM-DD"; fails the test if it is no date. */
static int32_t
day_of(const char *iso)
{
	int32_t	d;

	ck_assert_msg(date_parse_iso(iso, &d), "bad fixture date \"%s\"", iso);
	return d;
}

/* The time of "YYYY-MM-DD HH:MM" in Vietnam; fails the test if it is none. */
static int64_t
at_vn(const char *s)
{
	int64_t	ms;

	ck_assert_msg(date_parse_vn_time(s, &ms), "bad fixture time \"%s\"", s);
	return ms;
}

/* One unit of District 1 that still owes its year-end dossier. */
static struct remind_candidate
q1_candidate(void)
{
	struct remind_candidate	c;

	memset(&c, 0, sizeof c);
	c.rulebook_id = 1;
	c.type_code = "CUOI_NAM";
	c.closes = day_of("2024-05-28");
	c.extended_until = 0;
	c.unit_id = Q1_UNIT_ID;
	c.unit_level = Q1_LEVEL;
	c.office_id = Q1_OFFICE_ID;
	c.offsets = q1_offsets;
	c.noffsets = sizeof q1_offsets / sizeof q1_offsets[0];
	c.channels = ALL_CHANNELS;
	return c;
}

/*
 * Runs the planner at `now_ms` into a heap array of exactly
 * REMIND_PLAN_MAX_PER_CANDIDATE items (so ASan sees a write past it),
 * filled with a pattern first: the items past the count it returns must
 * be untouched. Copies the items into `out`; returns the count.
 */
static size_t
plan_at(const struct remind_candidate *c, int64_t now_ms, int send_hour,
    struct remind_due out[REMIND_PLAN_MAX_PER_CANDIDATE])
{
	const size_t		 size = sizeof(struct remind_due) *
	    REMIND_PLAN_MAX_PER_CANDIDATE;
	struct remind_due	*heap;
	const unsigned char	*tail;
	size_t			 n;

	if ((heap = malloc(size)) == NULL)
		ck_abort_msg("out of memory");
	memset(heap, 0xa5, size);
	n = remind_plan(c, now_ms, send_hour, heap);
	if (n > REMIND_PLAN_MAX_PER_CANDIDATE)
		ck_abort_msg("%zu reminders at %lld, at most %d", n,
		    (long long)now_ms, REMIND_PLAN_MAX_PER_CANDIDATE);
	tail = (const unsigned char *)(heap + n);
	for (size_t i = 0; i < size - n * sizeof *heap; i++) {
		if (tail[i] != 0xa5)
			ck_abort_msg("wrote past its %zu reminders at %lld", n,
			    (long long)now_ms);
	}
	memcpy(out, heap, n * sizeof *heap);
	free(heap);
	return n;
}

static size_t
q1_plan(const struct remind_candidate *c, const char *now,
    struct remind_due out[REMIND_PLAN_MAX_PER_CANDIDATE])
{
	return plan_at(c, at_vn(now), Q1_SEND_HOUR, out);
}

static int
popcount3(unsigned channels)
{
	return ((channels & REMIND_CHANNEL_INBOX) != 0) +
	    ((channels & REMIND_CHANNEL_PUSH) != 0) +
	    ((channels & REMIND_CHANNEL_EMAIL) != 0);
}

/*
 * Holds out[0..n) to one reminder, `offset` days before `deadline`: on each
 * of `channels` exactly once to the unit and, when `office`, exactly once to
 * its office too; each at 07:00 in Vietnam on its day. `when` names the
 * case in messages.
 */
static void
check_due(const char *when, const struct remind_candidate *c,
    const struct remind_due *out, size_t n, const char *deadline,
    bool extended, int32_t offset, unsigned channels, bool office)
{
	int32_t	dl = day_of(deadline);
	int64_t	planned = date_at_hour_vn(dl - offset, Q1_SEND_HOUR);
	bool	seen[REMIND_CHANNEL_EMAIL + 1][2];
	size_t	expect = (size_t)popcount3(channels) * (office ? 2 : 1);

	memset(seen, 0, sizeof seen);
	ck_assert_msg(n == expect, "%s: %zu reminders, expected %zu", when, n,
	    expect);
	for (size_t i = 0; i < n; i++) {
		const struct remind_due	*d = &out[i];

		ck_assert_msg(d->deadline == dl, "%s: [%zu] deadline %d, "
		    "expected %d", when, i, d->deadline, dl);
		ck_assert_msg(d->extended == extended, "%s: [%zu] extended %d",
		    when, i, d->extended);
		ck_assert_msg(d->offset_days == offset, "%s: [%zu] offset %d, "
		    "expected %d", when, i, d->offset_days, offset);
		ck_assert_msg(d->planned_ms == planned, "%s: [%zu] planned "
		    "%lld, expected %lld", when, i, (long long)d->planned_ms,
		    (long long)planned);
		ck_assert_msg(popcount3(d->channel) == 1 &&
		    (d->channel & ~ALL_CHANNELS) == 0 &&
		    (d->channel & channels) != 0, "%s: [%zu] channel %#x",
		    when, i, d->channel);
		ck_assert_msg(!seen[d->channel][d->to_office], "%s: [%zu] "
		    "channel %#x to %s twice", when, i, d->channel,
		    d->to_office ? "office" : "unit");
		seen[d->channel][d->to_office] = true;
		ck_assert_ptr_nonnull(d->recipient_level);
		if (d->to_office) {
			ck_assert_msg(office, "%s: [%zu] escalated", when, i);
			ck_assert_int_eq(d->recipient_id, c->office_id);
			ck_assert_str_eq(d->recipient_level, c->unit_level);
		} else {
			ck_assert_int_eq(d->recipient_id, c->unit_id);
			ck_assert_str_eq(d->recipient_level, "");
		}
	}
}

/* The planned times, pinned independently of date_at_hour_vn. */
START_TEST(test_remind_plan_planned_pinned)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];

	/* 2024-05-21 07:00 +07 is 2024-05-21 00:00 UTC: 19864 * 86400 s. */
	ck_assert_uint_eq(q1_plan(&c, "2024-05-21 07:00", out), 3);
	ck_assert_int_eq(out[0].planned_ms, INT64_C(1716249600000));
	ck_assert_int_eq(out[0].deadline, 19871);
	/* 2024-05-29 07:00 +07: eight days later. */
	ck_assert_uint_eq(q1_plan(&c, "2024-05-29 07:00", out), 6);
	ck_assert_int_eq(out[0].planned_ms,
	    INT64_C(1716249600000) + 8 * DATE_DAY_MS);
}
END_TEST

START_TEST(test_remind_plan_before_first)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];

	ck_assert_uint_eq(q1_plan(&c, "2023-09-01 00:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-15 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-20 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-21 00:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-21 06:59", out), 0);
	ck_assert_uint_eq(plan_at(&c, at_vn("2024-05-21 07:00") - 1,
	    Q1_SEND_HOUR, out), 0);
}
END_TEST

START_TEST(test_remind_plan_first_at_hour)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	size_t			n;

	n = q1_plan(&c, "2024-05-21 07:00", out);
	check_due("05-21 07:00", &c, out, n, "2024-05-28", false, 7,
	    ALL_CHANNELS, false);
	n = q1_plan(&c, "2024-05-21 12:30", out);
	check_due("05-21 12:30", &c, out, n, "2024-05-28", false, 7,
	    ALL_CHANNELS, false);
}
END_TEST

/* Due from its time for exactly one day, then stale. */
START_TEST(test_remind_plan_due_for_a_day)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	int64_t			at = at_vn("2024-05-21 07:00");
	size_t			n;

	n = q1_plan(&c, "2024-05-22 06:59", out);
	check_due("05-22 06:59", &c, out, n, "2024-05-28", false, 7,
	    ALL_CHANNELS, false);
	n = plan_at(&c, at + REMIND_PLAN_DUE_FOR_MS - 1, Q1_SEND_HOUR, out);
	check_due("05-22 06:59:59.999", &c, out, n, "2024-05-28", false, 7,
	    ALL_CHANNELS, false);
	ck_assert_uint_eq(plan_at(&c, at + REMIND_PLAN_DUE_FOR_MS,
	    Q1_SEND_HOUR, out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-22 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-24 07:00", out), 0);
}
END_TEST

/* Each offset day of the unit's own: at 07:00, and still at 06:59 next day. */
static const struct {
	int32_t		 offset;
	const char	*first;
	const char	*last;
	const char	*stale;
	const char	*early;
} q1_days[] = {
	{ 7, "2024-05-21 07:00", "2024-05-22 06:59", "2024-05-22 07:00",
	    "2024-05-21 06:59" },
	{ 3, "2024-05-25 07:00", "2024-05-26 06:59", "2024-05-26 07:00",
	    "2024-05-25 06:59" },
	{ 1, "2024-05-27 07:00", "2024-05-28 06:59", NULL,
	    "2024-05-27 06:59" },
	{ 0, "2024-05-28 07:00", "2024-05-29 06:59", NULL, NULL },
};

START_TEST(test_remind_plan_each_offset)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	size_t			n;

	n = q1_plan(&c, q1_days[_i].first, out);
	check_due(q1_days[_i].first, &c, out, n, "2024-05-28", false,
	    q1_days[_i].offset, ALL_CHANNELS, false);
	n = q1_plan(&c, q1_days[_i].last, out);
	check_due(q1_days[_i].last, &c, out, n, "2024-05-28", false,
	    q1_days[_i].offset, ALL_CHANNELS, false);
	if (q1_days[_i].stale != NULL)
		ck_assert_uint_eq(q1_plan(&c, q1_days[_i].stale, out), 0);
	if (q1_days[_i].early != NULL)
		ck_assert_uint_eq(q1_plan(&c, q1_days[_i].early, out), 0);
}
END_TEST

/* A day overdue: to the unit and to its office, on every channel. */
START_TEST(test_remind_plan_overdue_escalates)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	size_t			n;

	ck_assert_uint_eq(q1_plan(&c, "2024-05-29 06:59", out), 3);
	ck_assert_int_eq(out[0].offset_days, 0);
	n = q1_plan(&c, "2024-05-29 07:00", out);
	check_due("05-29 07:00", &c, out, n, "2024-05-28", false, -1,
	    ALL_CHANNELS, true);
	n = q1_plan(&c, "2024-05-30 06:59", out);
	check_due("05-30 06:59", &c, out, n, "2024-05-28", false, -1,
	    ALL_CHANNELS, true);

	/* Another level, to the office's specialists of that level. */
	c.unit_level = "lower_secondary";
	n = q1_plan(&c, "2024-05-29 07:00", out);
	check_due("05-29 lower_secondary", &c, out, n, "2024-05-28", false,
	    -1, ALL_CHANNELS, true);

	/* No office to escalate to: the unit alone. */
	c.office_id = 0;
	n = q1_plan(&c, "2024-05-29 07:00", out);
	check_due("05-29 no office", &c, out, n, "2024-05-28", false, -1,
	    ALL_CHANNELS, false);
}
END_TEST

/* Offsets further overdue escalate too; offset 0 does not. */
START_TEST(test_remind_plan_overdue_further)
{
	static const int32_t	offsets[] = { 0, -1, -3 };
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	size_t			n;

	c.offsets = offsets;
	c.noffsets = 3;
	n = q1_plan(&c, "2024-05-28 07:00", out);
	check_due("05-28", &c, out, n, "2024-05-28", false, 0, ALL_CHANNELS,
	    false);
	n = q1_plan(&c, "2024-05-31 08:00", out);
	check_due("05-31", &c, out, n, "2024-05-28", false, -3, ALL_CHANNELS,
	    true);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-30 08:00", out), 0);
}
END_TEST

START_TEST(test_remind_plan_long_after)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];

	ck_assert_uint_eq(q1_plan(&c, "2024-05-30 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-06-03 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-06-10 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-06-10 12:00", out), 0);
	/* A year on, the same calendar days: the deadline is last year's. */
	ck_assert_uint_eq(q1_plan(&c, "2025-05-21 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2025-05-29 07:00", out), 0);
}
END_TEST

/*
 * The server was down: only the latest reminder due goes out, and only if
 * it is less than a day old. Offset 7 fell on 05-21, 3 on 05-25, 1 on 05-27
 * and 0 on 05-28, all at 07:00.
 */
START_TEST(test_remind_plan_server_down)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	size_t			n;

	/* Up again on 05-27 09:00: 7 and 3 are past, 1 is 2 h old. */
	n = q1_plan(&c, "2024-05-27 09:00", out);
	check_due("05-27 09:00", &c, out, n, "2024-05-28", false, 1,
	    ALL_CHANNELS, false);
	/* On 05-26 06:00 offset 3 is 23 h old: the latest, not 7. */
	n = q1_plan(&c, "2024-05-26 06:00", out);
	check_due("05-26 06:00", &c, out, n, "2024-05-28", false, 3,
	    ALL_CHANNELS, false);
	/* On 05-26 10:00 offset 3 is 27 h old: stale, and 7 older still. */
	ck_assert_uint_eq(q1_plan(&c, "2024-05-26 10:00", out), 0);
	/* Between 7 going stale and 3 coming due: nothing. */
	ck_assert_uint_eq(q1_plan(&c, "2024-05-23 12:00", out), 0);
	/* Everything before it past, 0 due: 0 and no burst of the rest. */
	n = q1_plan(&c, "2024-05-28 23:00", out);
	check_due("05-28 23:00", &c, out, n, "2024-05-28", false, 0,
	    ALL_CHANNELS, false);
	/* Up again on 05-29 at 10:00: the escalation, not offset 0. */
	n = q1_plan(&c, "2024-05-29 10:00", out);
	check_due("05-29 10:00", &c, out, n, "2024-05-28", false, -1,
	    ALL_CHANNELS, true);
}
END_TEST

START_TEST(test_remind_plan_extension)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	size_t			n;

	c.extended_until = day_of("2024-06-05");
	n = q1_plan(&c, "2024-06-02 07:00", out);
	check_due("06-02", &c, out, n, "2024-06-05", true, 3, ALL_CHANNELS,
	    false);
	/* The window's own offset-3 day is no reminder day any more. */
	ck_assert_uint_eq(q1_plan(&c, "2024-05-25 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-28 07:00", out), 0);
	/* 05-29 is 7 days before the extension: a reminder, no escalation. */
	n = q1_plan(&c, "2024-05-29 07:00", out);
	check_due("05-29", &c, out, n, "2024-06-05", true, 7, ALL_CHANNELS,
	    false);
	n = q1_plan(&c, "2024-06-05 07:00", out);
	check_due("06-05", &c, out, n, "2024-06-05", true, 0, ALL_CHANNELS,
	    false);
	n = q1_plan(&c, "2024-06-06 07:00", out);
	check_due("06-06", &c, out, n, "2024-06-05", true, -1, ALL_CHANNELS,
	    true);
	ck_assert_uint_eq(q1_plan(&c, "2024-06-07 07:00", out), 0);
}
END_TEST

/* An extension that is not later than the window's close changes nothing. */
START_TEST(test_remind_plan_extension_ignored)
{
	static const char *const	until[] = { "2024-05-20", "2024-05-27",
		    "2024-05-28" };
	struct remind_candidate		c = q1_candidate();
	struct remind_due		out[REMIND_PLAN_MAX_PER_CANDIDATE];
	size_t				n;

	for (size_t i = 0; i < sizeof until / sizeof until[0]; i++) {
		c.extended_until = day_of(until[i]);
		n = q1_plan(&c, "2024-05-25 07:00", out);
		check_due(until[i], &c, out, n, "2024-05-28", false, 3,
		    ALL_CHANNELS, false);
		n = q1_plan(&c, "2024-05-29 07:00", out);
		check_due(until[i], &c, out, n, "2024-05-28", false, -1,
		    ALL_CHANNELS, true);
	}
}
END_TEST

START_TEST(test_remind_plan_channels_subset)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	size_t			n;

	c.channels = REMIND_CHANNEL_EMAIL;
	n = q1_plan(&c, "2024-05-21 07:00", out);
	check_due("email", &c, out, n, "2024-05-28", false, 7,
	    REMIND_CHANNEL_EMAIL, false);
	ck_assert_uint_eq(out[0].channel, REMIND_CHANNEL_EMAIL);
	n = q1_plan(&c, "2024-05-29 07:00", out);
	check_due("email overdue", &c, out, n, "2024-05-28", false, -1,
	    REMIND_CHANNEL_EMAIL, true);

	c.channels = REMIND_CHANNEL_INBOX | REMIND_CHANNEL_PUSH;
	n = q1_plan(&c, "2024-05-25 07:00", out);
	check_due("inbox+push", &c, out, n, "2024-05-28", false, 3,
	    REMIND_CHANNEL_INBOX | REMIND_CHANNEL_PUSH, false);

	/* Bits that are no channel are not sent on. */
	c.channels = REMIND_CHANNEL_PUSH | 0x8 | 0xf0 | 0x80000000u;
	n = q1_plan(&c, "2024-05-25 07:00", out);
	check_due("push+junk", &c, out, n, "2024-05-28", false, 3,
	    REMIND_CHANNEL_PUSH, false);

	c.channels = 0;
	ck_assert_uint_eq(q1_plan(&c, "2024-05-21 07:00", out), 0);
	ck_assert_uint_eq(q1_plan(&c, "2024-05-29 07:00", out), 0);
	c.channels = ~ALL_CHANNELS;
	ck_assert_uint_eq(q1_plan(&c, "2024-05-29 07:00", out), 0);
}
END_TEST

/*
 * Unsorted offsets with a duplicate plan exactly what the sorted list does,
 * every quarter hour from 05-14 to 06-01.
 */
START_TEST(test_remind_plan_offsets_unsorted)
{
	static const int32_t	messy[] = { -1, 7, 0, 3, 3, 1 };
	struct remind_candidate	a = q1_candidate(), b = q1_candidate();
	struct remind_due	oa[REMIND_PLAN_MAX_PER_CANDIDATE];
	struct remind_due	ob[REMIND_PLAN_MAX_PER_CANDIDATE];
	int64_t			end = at_vn("2024-06-01 00:00");
	size_t			na, nb, total = 0;

	b.offsets = messy;
	b.noffsets = sizeof messy / sizeof messy[0];
	for (int64_t t = at_vn("2024-05-14 00:00"); t < end;
	    t += 15 * MINUTE_MS) {
		na = plan_at(&a, t, Q1_SEND_HOUR, oa);
		nb = plan_at(&b, t, Q1_SEND_HOUR, ob);
		if (na != nb)
			ck_abort_msg("at %lld: %zu sorted, %zu unsorted",
			    (long long)t, na, nb);
		for (size_t i = 0; i < na; i++) {
			if (oa[i].deadline != ob[i].deadline ||
			    oa[i].extended != ob[i].extended ||
			    oa[i].offset_days != ob[i].offset_days ||
			    oa[i].planned_ms != ob[i].planned_ms ||
			    oa[i].channel != ob[i].channel ||
			    oa[i].to_office != ob[i].to_office ||
			    oa[i].recipient_id != ob[i].recipient_id ||
			    strcmp(oa[i].recipient_level,
			    ob[i].recipient_level) != 0)
				ck_abort_msg("at %lld: item %zu differs",
				    (long long)t, i);
		}
		total += na;
	}
	/* 4 offsets x 3 channels x 96 quarters, and -1 twice over. */
	ck_assert_uint_eq(total, 4 * 3 * 96 + 6 * 96);
}
END_TEST

START_TEST(test_remind_plan_no_offsets)
{
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	int64_t			end = at_vn("2024-06-10 00:00");

	c.offsets = NULL;
	c.noffsets = 0;
	for (int64_t t = at_vn("2024-05-01 00:00"); t < end; t += HOUR_MS) {
		if (plan_at(&c, t, Q1_SEND_HOUR, out) != 0)
			ck_abort_msg("a reminder at %lld with no offsets",
			    (long long)t);
	}
}
END_TEST

/*
 * Offsets come from a rulebook file: whatever they are, the planner does not
 * crash, overflow (UBSan watches) or write past its room.
 */
START_TEST(test_remind_plan_hostile_offsets)
{
	static const int32_t	hostile[] = { INT32_MIN, INT32_MAX,
		INT32_MIN + 1, INT32_MAX - 1, -2000000000, 2000000000,
		-1000000000, 19871, 19872, 19870, -2932896, 2932896 };
	static const int64_t	times[] = { INT64_MIN, INT64_MIN + 1, -1, 0,
		1, INT64_C(1716249600000), INT64_C(253402300799000),
		INT64_MAX / 2, INT64_MAX - DATE_DAY_MS, INT64_MAX };
	static const int	hours[] = { 0, 7, 23 };
	struct remind_candidate	c = q1_candidate();
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	int32_t			mixed[sizeof hostile / sizeof hostile[0] + 5];
	size_t			n, nmixed = 0;

	c.offsets = hostile;
	c.noffsets = sizeof hostile / sizeof hostile[0];
	for (int32_t closes = -25567; closes <= 2932896; closes += 145000) {
		c.closes = closes;
		for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
			for (size_t h = 0; h < sizeof hours / sizeof hours[0];
			    h++) {
				n = plan_at(&c, times[i], hours[h], out);
				if (n > REMIND_PLAN_MAX_PER_CANDIDATE)
					ck_abort_msg("%zu reminders", n);
			}
		}
	}
	/* Each hostile offset alone, at every quarter hour of the season. */
	c = q1_candidate();
	for (size_t k = 0; k < sizeof hostile / sizeof hostile[0]; k++) {
		c.offsets = &hostile[k];
		c.noffsets = 1;
		for (int64_t t = at_vn("2024-05-14 00:00");
		    t < at_vn("2024-06-01 00:00"); t += 15 * MINUTE_MS) {
			n = plan_at(&c, t, Q1_SEND_HOUR, out);
			if (n > REMIND_PLAN_MAX_PER_CANDIDATE)
				ck_abort_msg("%zu reminders", n);
		}
	}

	/* Among the hostile ones, the rulebook's own still go out. */
	for (size_t k = 0; k < sizeof hostile / sizeof hostile[0]; k++) {
		/* Leave out those landing on 1970-01-01 or so. */
		if (hostile[k] >= 19870 && hostile[k] <= 19872)
			continue;
		mixed[nmixed++] = hostile[k];
	}
	for (size_t k = 0; k < 5; k++)
		mixed[nmixed++] = q1_offsets[k];
	c = q1_candidate();
	c.offsets = mixed;
	c.noffsets = nmixed;
	n = q1_plan(&c, "2024-05-21 07:00", out);
	check_due("mixed 05-21", &c, out, n, "2024-05-28", false, 7,
	    ALL_CHANNELS, false);
	n = q1_plan(&c, "2024-05-29 07:00", out);
	check_due("mixed 05-29", &c, out, n, "2024-05-28", false, -1,
	    ALL_CHANNELS, true);
	ck_assert_uint_eq(q1_plan(&c, "2024-06-10 07:00", out), 0);
}
END_TEST

START_TEST(test_remind_plan_channel_names)
{
	static const char *const	bad[] = { "", "Inbox", "INBOX", "sms",
		"inbox ", " inbox", "inboxx", "inbo", "e-mail", "mail",
		"push\n", "Email", "zalo", "inbox,email" };
	static const unsigned		bits[] = { REMIND_CHANNEL_INBOX,
		REMIND_CHANNEL_PUSH, REMIND_CHANNEL_EMAIL };

	ck_assert_uint_eq(remind_channel_parse("inbox"), REMIND_CHANNEL_INBOX);
	ck_assert_uint_eq(remind_channel_parse("push"), REMIND_CHANNEL_PUSH);
	ck_assert_uint_eq(remind_channel_parse("email"), REMIND_CHANNEL_EMAIL);
	ck_assert_str_eq(remind_channel_name(REMIND_CHANNEL_INBOX), "inbox");
	ck_assert_str_eq(remind_channel_name(REMIND_CHANNEL_PUSH), "push");
	ck_assert_str_eq(remind_channel_name(REMIND_CHANNEL_EMAIL), "email");
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		ck_assert_uint_eq(remind_channel_parse(
		    remind_channel_name(bits[i])), bits[i]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(remind_channel_parse(bad[i]) == 0,
		    "\"%s\" parsed as a channel", bad[i]);
	ck_assert_ptr_null(remind_channel_name(0));
	ck_assert_ptr_null(remind_channel_name(REMIND_CHANNEL_INBOX |
	    REMIND_CHANNEL_PUSH));
	ck_assert_ptr_null(remind_channel_name(ALL_CHANNELS));
	ck_assert_ptr_null(remind_channel_name(0x8));
	ck_assert_ptr_null(remind_channel_name(~0u));
	/* The three bits are distinct and REMIND_CHANNELS counts them. */
	ck_assert_int_eq(popcount3(ALL_CHANNELS), REMIND_CHANNELS);
	ck_assert_int_eq(REMIND_PLAN_MAX_PER_CANDIDATE, 2 * REMIND_CHANNELS);
}
END_TEST

/* A reminder as the database keys it, and what the walk saw of it. */
struct walk_seen {
	int32_t		deadline;
	int32_t		offset;
	unsigned	channel;
	bool		to_office;
	bool		extended;
	int64_t		planned_ms;
	int64_t		recipient_id;
	int64_t		first_ms;
	int64_t		last_ms;
	int		hits;
};

#define WALK_MAX	64

/*
 * Runs the planner every hour of the school year 2023-09-01 00:00 to
 * 2024-08-31 23:00 in Vietnam and dedupes what it says on (deadline,
 * offset, channel, audience), as the database's unique key does. Returns
 * how many distinct reminders there were.
 */
static size_t
walk_year(const struct remind_candidate *c, struct walk_seen *seen)
{
	struct remind_due	out[REMIND_PLAN_MAX_PER_CANDIDATE];
	int64_t			end = at_vn("2024-08-31 23:00");
	size_t			nseen = 0, n, j;

	for (int64_t t = at_vn("2023-09-01 00:00"); t <= end; t += HOUR_MS) {
		n = plan_at(c, t, Q1_SEND_HOUR, out);
		for (size_t i = 0; i < n; i++) {
			const struct remind_due	*d = &out[i];

			for (j = 0; j < nseen; j++) {
				if (seen[j].deadline == d->deadline &&
				    seen[j].offset == d->offset_days &&
				    seen[j].channel == d->channel &&
				    seen[j].to_office == d->to_office)
					break;
			}
			if (j == nseen) {
				if (nseen == WALK_MAX)
					ck_abort_msg("over %d reminders",
					    WALK_MAX);
				memset(&seen[j], 0, sizeof seen[j]);
				seen[j].deadline = d->deadline;
				seen[j].offset = d->offset_days;
				seen[j].channel = d->channel;
				seen[j].to_office = d->to_office;
				seen[j].extended = d->extended;
				seen[j].planned_ms = d->planned_ms;
				seen[j].recipient_id = d->recipient_id;
				seen[j].first_ms = t;
				nseen++;
			} else if (seen[j].planned_ms != d->planned_ms ||
			    seen[j].recipient_id != d->recipient_id ||
			    seen[j].extended != d->extended)
				ck_abort_msg("at %lld the same reminder "
				    "changed", (long long)t);
			seen[j].last_ms = t;
			seen[j].hits++;
		}
	}
	return nseen;
}

/*
 * Holds a year's walk to the rulebook's promise: each of the five offsets
 * before `deadline` on each channel to the unit, and the overdue one to the
 * office too; 18 in all, each first seen at its planned 07:00 and seen
 * every hour of the 24 it is due.
 */
static void
check_walk(const struct remind_candidate *c, const struct walk_seen *seen,
    size_t nseen, const char *deadline, bool extended)
{
	static const unsigned	bits[] = { REMIND_CHANNEL_INBOX,
		REMIND_CHANNEL_PUSH, REMIND_CHANNEL_EMAIL };
	int32_t			dl = day_of(deadline);
	size_t			found = 0;

	ck_assert_uint_eq(nseen, 5 * 3 + 3);
	for (size_t k = 0; k < 5; k++) {
		int32_t	off = q1_offsets[k];
		int64_t	planned = date_at_hour_vn(dl - off, Q1_SEND_HOUR);

		for (size_t b = 0; b < 3; b++) {
			for (int office = 0; office <= (off < 0); office++) {
				size_t	j;

				for (j = 0; j < nseen; j++) {
					if (seen[j].deadline == dl &&
					    seen[j].offset == off &&
					    seen[j].channel == bits[b] &&
					    seen[j].to_office == office)
						break;
				}
				ck_assert_msg(j < nseen, "%s: offset %d %s to "
				    "%s missing", deadline, off,
				    remind_channel_name(bits[b]),
				    office ? "office" : "unit");
				ck_assert(seen[j].extended == extended);
				ck_assert_int_eq(seen[j].planned_ms, planned);
				ck_assert_int_eq(seen[j].first_ms, planned);
				ck_assert_int_eq(seen[j].last_ms,
				    planned + 23 * HOUR_MS);
				ck_assert_int_eq(seen[j].hits, 24);
				ck_assert_int_eq(seen[j].recipient_id,
				    office ? c->office_id : c->unit_id);
				found++;
			}
		}
	}
	ck_assert_uint_eq(found, nseen);
}

START_TEST(test_remind_plan_year_walk)
{
	struct remind_candidate	c = q1_candidate();
	struct walk_seen	seen[WALK_MAX];
	size_t			nseen;

	nseen = walk_year(&c, seen);
	check_walk(&c, seen, nseen, "2024-05-28", false);
	/* The office hears of it once per channel, on 05-29 at 07:00. */
	for (size_t j = 0; j < nseen; j++) {
		if (seen[j].to_office)
			ck_assert_int_eq(seen[j].first_ms,
			    at_vn("2024-05-29 07:00"));
	}
}
END_TEST

/*
 * Two units of the same calendar, one of them granted an extension to
 * 06-05: each gets its own 18 reminders, counted from its own deadline, and
 * no reminder of one is a reminder of the other.
 */
START_TEST(test_remind_plan_year_walk_extension)
{
	struct remind_candidate	a = q1_candidate(), b = q1_candidate();
	struct walk_seen	sa[WALK_MAX], sb[WALK_MAX];
	size_t			na, nb;

	b.unit_id = Q1_UNIT_ID + 1;
	b.extended_until = day_of("2024-06-05");
	na = walk_year(&a, sa);
	nb = walk_year(&b, sb);
	check_walk(&a, sa, na, "2024-05-28", false);
	check_walk(&b, sb, nb, "2024-06-05", true);
	for (size_t i = 0; i < na; i++) {
		ck_assert_int_le(sa[i].last_ms, at_vn("2024-05-30 06:00"));
		for (size_t j = 0; j < nb; j++) {
			ck_assert(sa[i].deadline != sb[j].deadline);
		}
	}
	for (size_t j = 0; j < nb; j++) {
		ck_assert_int_ge(sb[j].first_ms, at_vn("2024-05-29 07:00"));
		if (sb[j].to_office)
			ck_assert_int_eq(sb[j].first_ms,
			    at_vn("2024-06-06 07:00"));
	}
}
END_TEST

static Suite *
remind_plan_suite(void)
{
	Suite	*s = suite_create("remind_plan");
	TCase	*tc;

	tc = tcase_create("plan");
	tcase_add_test(tc, test_remind_plan_planned_pinned);
	tcase_add_test(tc, test_remind_plan_before_first);
	tcase_add_test(tc, test_remind_plan_first_at_hour);
	tcase_add_test(tc, test_remind_plan_due_for_a_day);
	tcase_add_loop_test(tc, test_remind_plan_each_offset, 0,
	    (int)(sizeof q1_days / sizeof q1_days[0]));
	tcase_add_test(tc, test_remind_plan_overdue_escalates);
	tcase_add_test(tc, test_remind_plan_overdue_further);
	tcase_add_test(tc, test_remind_plan_long_after);
	tcase_add_test(tc, test_remind_plan_server_down);
	tcase_add_test(tc, test_remind_plan_extension);
	tcase_add_test(tc, test_remind_plan_extension_ignored);
	tcase_add_test(tc, test_remind_plan_channels_subset);
	tcase_add_test(tc, test_remind_plan_offsets_unsorted);
	tcase_add_test(tc, test_remind_plan_no_offsets);
	tcase_add_test(tc, test_remind_plan_hostile_offsets);
	tcase_add_test(tc, test_remind_plan_channel_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("year");
	tcase_add_test(tc, test_remind_plan_year_walk);
	tcase_add_test(tc, test_remind_plan_year_walk_extension);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(remind_plan_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
