-- 0009_reminders.sql - deadline reminders, the inbox, and live events.
--
-- Reminders belong to a rulebook's issuer and period, not to one version of
-- it: a corrected rulebook (a new version) must neither forget who has
-- submitted nor send what was sent again.
--
-- Reminders. The server's planner (server/remind_planner.c, its logic in
-- common/remind_plan.c) reads what is due from reminder_candidates(), works
-- out which reminders are due now, and hands them to reminder_plan_commit(),
-- which writes one `reminders` row per (deadline, unit, offset, channel,
-- audience) under a unique constraint and, in the same transaction, a job
-- to deliver it (remind_inbox, remind_push, remind_email). A reminder
-- planned twice (by two servers, or after a restart) hits the constraint and
-- is not queued again; an e-mail whose sending may have happened but was not
-- confirmed goes to `unknown` (remind_email acts outside), never resent
-- blindly. Only the holder of the planner's lease plans, so several servers
-- can share the database without doing the work twice.
--
-- Inbox. A delivered inbox reminder is a row of inbox_messages addressed to
-- a unit (the school itself) or, for an escalation, to its office's
-- specialists of the school's level; each account keeps its own read marks.
--
-- Live events. Changes people watch for (a dossier's state, a pushed alert)
-- are rows of live_events written in the transaction that made them, by
-- trigger or by a job's effect. Every server tails the table and publishes
-- to its own watchers, so a change made through one server reaches watchers
-- of all. Rows are tailed by transaction id: a row whose transaction id is
-- below the oldest still running one in the cluster (the snapshot's xmin)
-- can no longer change, so each poll takes exactly the rows between the
-- previous horizon and the new one, each once (live_events_since). A long
-- write transaction anywhere in the cluster holds the horizon back, and with
-- it the events (not the work): they are hints for people watching now.

INSERT INTO job_kinds (kind, max_attempts, timeout_ms, backoff_ms,
    backoff_max_ms, outside_effect, priority, has_effect)
VALUES
	-- After the work people wait for (validate, inspect_file): a
	-- deadline day's burst of reminders must not hold up a submission.
	('remind_inbox', 5, 30000, 2000, 300000, false, 1, true),
	('remind_push', 3, 30000, 1000, 60000, false, 1, true),
	-- A relay may take a while; a send that may have happened is never
	-- retried blindly (outside_effect).
	('remind_email', 5, 60000, 30000, 3600000, true, 0, true);

-- One planned reminder: what it is about, who it is for and when it was due.
CREATE TABLE reminders (
	key			text PRIMARY KEY,
	issuer_unit_id		bigint NOT NULL REFERENCES units (id),
	period			text NOT NULL,
	rulebook_id		bigint NOT NULL REFERENCES rulebooks (id),
	type_code		text NOT NULL,
	deadline		date NOT NULL,
	unit_id			bigint NOT NULL REFERENCES units (id),
	offset_days		integer NOT NULL,
	channel			text NOT NULL CHECK (channel IN ('inbox', 'push',
				    'email')),
	audience		text NOT NULL CHECK (audience IN ('unit',
				    'office')),
	-- The unit it goes to: the unit itself, or its office; for an
	-- office, only its specialists of `recipient_level` (and its head).
	recipient_unit_id	bigint NOT NULL REFERENCES units (id),
	recipient_level		text NOT NULL DEFAULT '',
	extended		boolean NOT NULL DEFAULT false,
	planned_at		timestamptz NOT NULL,
	job_id			bigint NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT now(),
	-- What the delivery did (from the job's effect).
	delivered_at		timestamptz,
	subject			text,
	message_id		text,
	sent_to			text,
	smtp_reply		text,
	skipped			boolean NOT NULL DEFAULT false,
	UNIQUE (issuer_unit_id, period, type_code, deadline, unit_id,
	    offset_days, channel, audience),
	FOREIGN KEY (rulebook_id, type_code)
	    REFERENCES rulebook_dossier_types (rulebook_id, code)
);
CREATE INDEX reminders_recent ON reminders (unit_id, type_code, deadline,
    planned_at);

-- The key of a reminder, from the tuple the unique constraint holds.
CREATE FUNCTION reminder_key(p_issuer bigint, p_period text, p_type text,
    p_deadline date, p_unit bigint, p_offset integer, p_channel text,
    p_audience text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT format('remind:%s:%s:%s:%s:%s:%s:%s', p_issuer, p_period, p_type,
	    to_char(p_deadline, 'YYYY-MM-DD'), p_unit, p_offset, p_channel) ||
	    CASE WHEN p_audience = 'office' THEN ':office' ELSE '' END
$$;

-- Whether `p_unit` still owes a dossier of type `p_type` of the rulebooks of
-- `p_issuer` for `p_period` (any version): none of that type is past
-- `draft` and `needs_fixes`.
CREATE FUNCTION reminder_owed(p_issuer bigint, p_period text, p_type text,
    p_unit bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT NOT EXISTS (SELECT 1 FROM dossiers d
	    JOIN rulebooks rd ON rd.id = d.rulebook_id
	    WHERE d.unit_id = p_unit AND d.type_code = p_type
		AND rd.issuer_unit_id = p_issuer AND rd.period = p_period
		AND d.state NOT IN ('draft', 'needs_fixes'))
$$;

-- The unit's extension of type `p_type` of those rulebooks, or NULL.
CREATE FUNCTION reminder_extension(p_issuer bigint, p_period text,
    p_type text, p_unit bigint) RETURNS date
LANGUAGE sql STABLE AS $$
	SELECT max(e.until) FROM extensions e
	JOIN rulebooks re ON re.id = e.rulebook_id
	WHERE e.unit_id = p_unit AND e.type_code = p_type
	    AND re.issuer_unit_id = p_issuer AND re.period = p_period
$$;

-- The planner's lease: one holder at a time, for `p_ttl_ms` unless renewed.
CREATE TABLE planner_leases (
	name		text PRIMARY KEY,
	holder		text NOT NULL,
	expires_at	timestamptz NOT NULL
);

-- Takes or renews the lease `p_name` for `p_holder`; returns the holder
-- after the attempt (p_holder when it is ours).
CREATE FUNCTION planner_lease_take(p_name text, p_holder text,
    p_ttl_ms integer) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_holder	text;
BEGIN
	INSERT INTO planner_leases AS l (name, holder, expires_at)
	VALUES (p_name, p_holder, clock_timestamp() +
	    make_interval(secs => p_ttl_ms / 1000.0))
	ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder,
	    expires_at = EXCLUDED.expires_at
	WHERE l.holder = EXCLUDED.holder OR l.expires_at < clock_timestamp()
	RETURNING l.holder INTO v_holder;
	IF v_holder IS NULL THEN
		SELECT l.holder INTO v_holder FROM planner_leases l
		WHERE l.name = p_name;
	END IF;
	RETURN v_holder;
END $$;

-- The kinds of unit that make dossiers of their own (schools and the like).
CREATE FUNCTION unit_kind_submits(p_kind text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_kind IN ('preschool', 'primary', 'lower_secondary',
	    'upper_secondary', 'multi_level', 'attached')
$$;

-- Every (rulebook, dossier type, unit) that still owes a dossier and whose
-- deadline is near `p_now`: from `lead` days before it (the largest offset)
-- to `lag` days after (the most overdue offset), extensions applied, and
-- that got no reminder for that deadline in the last day (the planner sends
-- at most one offset a day: what it wrote then is all it would write now).
-- A unit owes a dossier of a type of the rulebook in force for it (the
-- nearest issuer's for that period), submitted by the unit or, for block
-- dossiers, by its block's leader, until one of that type (under any version
-- of the rulebook) is past `draft` and `needs_fixes`. `office_id`, the unit
-- the dossier is due at, whose specialists of `unit_level` hear of it once
-- it is overdue, is looked up only then.
--
-- Types are narrowed to the dates first, so a day with no deadline near
-- costs a scan of the rulebooks, not of the schools.
CREATE FUNCTION reminder_candidates(p_now timestamptz)
RETURNS TABLE (rulebook_id bigint, type_code text, opens date, closes date,
    extended_until date, unit_id bigint, unit_level text, office_id bigint,
    offsets integer[], channels text[], issuer_unit_id bigint, period text)
LANGUAGE sql STABLE AS $$
	WITH today AS (
		SELECT (p_now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS d
	), books AS (
		SELECT r.id, r.issuer_unit_id, r.period, iu.path AS issuer_path,
		    ARRAY(SELECT jsonb_array_elements_text(
			r.content->'reminders'->'offsets_days')::integer)
			AS offsets,
		    ARRAY(SELECT jsonb_array_elements_text(
			r.content->'reminders'->'channels')) AS channels
		FROM current_rulebooks r JOIN units iu ON iu.id = r.issuer_unit_id
		WHERE jsonb_typeof(r.content->'reminders'->'offsets_days')
		    = 'array'
	), types AS (
		SELECT b.*, t.code, t.opens, t.closes, t.submitter, t.recipient,
		    (SELECT max(o) FROM unnest(b.offsets) o) AS lead,
		    (SELECT min(o) FROM unnest(b.offsets) o) AS lag,
		    (SELECT max(e.until) FROM extensions e
			JOIN rulebooks re ON re.id = e.rulebook_id
			WHERE re.issuer_unit_id = b.issuer_unit_id
			    AND re.period = b.period AND e.type_code = t.code)
			AS latest_extension
		FROM books b JOIN rulebook_dossier_types t ON t.rulebook_id = b.id
		WHERE t.purpose NOT IN ('campaign', 'sudden')
		    AND cardinality(b.offsets) > 0
		    AND cardinality(b.channels) > 0
	), near AS (
		SELECT t.* FROM types t, today
		WHERE today.d BETWEEN t.closes - t.lead - 1 AND
		    greatest(t.closes, t.latest_extension) - t.lag + 1
	), owing AS (
		-- Units that submit for themselves, under no nearer issuer
		-- of a rulebook for the same period.
		SELECT n.*, u.id AS unit_id, u.kind AS unit_kind,
		    u.parent_id
		FROM near n JOIN units u ON u.path <@ n.issuer_path
		WHERE n.submitter = 'unit' AND unit_kind_submits(u.kind)
		    AND NOT EXISTS (SELECT 1 FROM current_rulebooks r2
			JOIN units iu2 ON iu2.id = r2.issuer_unit_id
			WHERE iu2.path @> u.path AND iu2.path <> n.issuer_path
			    AND iu2.path <@ n.issuer_path
			    AND r2.period = n.period)
		UNION ALL
		-- Block leaders, for their blocks' dossiers.
		SELECT n.*, u.id, bl.school_level, u.parent_id
		FROM near n JOIN blocks bl ON bl.rulebook_id = n.id
		JOIN units u ON u.id = bl.leader_unit_id
		WHERE n.submitter = 'block_leader'
	), dated AS (
		SELECT o.*, x.until, greatest(o.closes, x.until) AS deadline
		FROM owing o, LATERAL (SELECT reminder_extension(
		    o.issuer_unit_id, o.period, o.code, o.unit_id) AS until) x
	)
	SELECT o.id, o.code, o.opens, o.closes, o.until, o.unit_id,
	    CASE WHEN o.unit_kind IN ('preschool', 'primary', 'lower_secondary',
		'upper_secondary') THEN o.unit_kind ELSE '' END,
	    CASE WHEN today.d > o.deadline THEN
		coalesce(dossier_level_unit(o.id, o.unit_id, o.recipient),
		o.parent_id) END,
	    o.offsets, o.channels, o.issuer_unit_id, o.period
	FROM dated o, today
	WHERE today.d BETWEEN o.deadline - o.lead - 1 AND o.deadline - o.lag + 1
	    AND reminder_owed(o.issuer_unit_id, o.period, o.code, o.unit_id)
	    AND NOT EXISTS (SELECT 1 FROM reminders r
		WHERE r.unit_id = o.unit_id AND r.type_code = o.code
		    AND r.deadline = o.deadline
		    AND r.issuer_unit_id = o.issuer_unit_id
		    AND r.period = o.period
		    AND r.planned_at > p_now - interval '1 day')
	ORDER BY o.id, o.code, o.unit_id
$$;

-- Writes the reminders the planner found due, each with its delivery job,
-- if `p_holder` still holds the planner's lease. `p_items` is a jsonb
-- array of {rulebook, issuer, period, type, deadline, unit, offset,
-- channel, audience, recipient, level, extended, planned_ms}. Renews the
-- lease for `p_ttl_ms`, so a long run keeps it. Returns how many were new,
-- and of them how many to offices; a reminder already planned is left
-- alone.
CREATE FUNCTION reminder_plan_commit(p_holder text, p_ttl_ms integer,
    p_items jsonb, OUT planned boolean, OUT reminders integer,
    OUT escalations integer)
LANGUAGE plpgsql AS $$
DECLARE
	i	record;
	v_key	text;
	v_job	bigint;
BEGIN
	reminders := 0;
	escalations := 0;
	UPDATE planner_leases l SET expires_at = clock_timestamp() +
	    make_interval(secs => p_ttl_ms / 1000.0)
	WHERE l.name = 'reminders' AND l.holder = p_holder
	    AND l.expires_at > clock_timestamp();
	planned := FOUND;
	IF NOT planned THEN
		RETURN;
	END IF;
	FOR i IN SELECT (x->>'rulebook')::bigint AS rulebook,
	    (x->>'issuer')::bigint AS issuer, x->>'period' AS period,
	    x->>'type' AS type,
	    (x->>'deadline')::date AS deadline, (x->>'unit')::bigint AS unit,
	    (x->>'offset')::integer AS off, x->>'channel' AS channel,
	    x->>'audience' AS audience, (x->>'recipient')::bigint AS recipient,
	    coalesce(x->>'level', '') AS level,
	    coalesce((x->>'extended')::boolean, false) AS extended,
	    to_timestamp((x->>'planned_ms')::bigint / 1000.0) AS planned_at
	    FROM jsonb_array_elements(p_items) x
	LOOP
		v_key := reminder_key(i.issuer, i.period, i.type, i.deadline,
		    i.unit, i.off, i.channel, i.audience);
		INSERT INTO reminders (key, issuer_unit_id, period, rulebook_id,
		    type_code, deadline, unit_id, offset_days, channel, audience,
		    recipient_unit_id, recipient_level, extended, planned_at,
		    job_id)
		VALUES (v_key, i.issuer, i.period, i.rulebook, i.type,
		    i.deadline, i.unit, i.off, i.channel, i.audience,
		    i.recipient, i.level, i.extended, i.planned_at, 0)
		ON CONFLICT DO NOTHING;
		CONTINUE WHEN NOT FOUND;
		v_job := job_enqueue('remind_' || i.channel,
		    convert_to(v_key, 'UTF8'), v_key);
		IF v_job IS NULL THEN
			RAISE EXCEPTION 'reminder % has a job already', v_key;
		END IF;
		UPDATE reminders SET job_id = v_job WHERE key = v_key;
		reminders := reminders + 1;
		IF i.audience = 'office' THEN
			escalations := escalations + 1;
		END IF;
	END LOOP;
END $$;

-- What still lacks in a unit's dossier of a type, for people: the documents
-- not attached in a form they are wanted in (all of them when there is no
-- dossier yet), or for a dossier sent back to the unit, its errors.
CREATE FUNCTION reminder_missing(p_rulebook bigint, p_type text,
    p_dossier bigint, p_state text) RETURNS text[]
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_state = 'needs_fixes' THEN
	    ARRAY(SELECT f.message_vi FROM dossier_findings f
		WHERE f.dossier_id = p_dossier AND f.severity = 'error'
		ORDER BY f.seq LIMIT 100)
	ELSE
	    ARRAY(SELECT format('%s (%s)', x->>'name', concat_ws(', ',
		CASE WHEN coalesce((x->>'editable')::boolean, true) AND
		    NOT EXISTS (SELECT 1 FROM dossier_documents dd
			WHERE dd.dossier_id = p_dossier
			    AND dd.document = x->>'code'
			    AND dd.slot = 'editable')
		    THEN 'bản mềm' END,
		CASE WHEN coalesce((x->>'pdf')::boolean, true) AND
		    NOT EXISTS (SELECT 1 FROM dossier_documents dd
			WHERE dd.dossier_id = p_dossier
			    AND dd.document = x->>'code' AND dd.slot = 'pdf')
		    THEN 'bản PDF' END))
		FROM rulebook_dossier_types t,
		    jsonb_array_elements(t.documents) WITH ORDINALITY AS y(x, k)
		WHERE t.rulebook_id = p_rulebook AND t.code = p_type
		    AND ((coalesce((x->>'editable')::boolean, true) AND
			NOT EXISTS (SELECT 1 FROM dossier_documents dd
			    WHERE dd.dossier_id = p_dossier
				AND dd.document = x->>'code'
				AND dd.slot = 'editable'))
			OR (coalesce((x->>'pdf')::boolean, true) AND
			NOT EXISTS (SELECT 1 FROM dossier_documents dd
			    WHERE dd.dossier_id = p_dossier
				AND dd.document = x->>'code'
				AND dd.slot = 'pdf')))
		ORDER BY k LIMIT 100)
	END
$$;

-- Everything a worker needs to deliver the reminder `p_key` (RemindJob in
-- proto/worker.proto), read when its job is dispatched, so that the state
-- and what is missing are current; `obsolete` when it no longer applies
-- (the unit submitted, or its deadline moved, since it was planned).
CREATE FUNCTION reminder_job_input(p_key text)
RETURNS TABLE (key text, channel text, audience text, unit_code text,
    unit_name text, recipient_name text, recipient_email text,
    type_code text, type_name text, opens date, deadline date,
    extended boolean, offset_days integer, planned_ms bigint,
    dossier_state text, dossier_id bigint, missing text[],
    issuer_name text, period text, level text, obsolete boolean)
LANGUAGE sql STABLE AS $$
	SELECT r.key, r.channel, r.audience, u.code, u.name, ru.name,
	    coalesce(ru.email, ''), t.code, t.name, t.opens, r.deadline,
	    r.extended, r.offset_days,
	    (extract(epoch FROM r.planned_at) * 1000)::bigint,
	    coalesce(d.state, ''), d.id,
	    reminder_missing(r.rulebook_id, r.type_code, d.id, d.state),
	    iu.name, rb.period, r.recipient_level,
	    NOT reminder_owed(r.issuer_unit_id, r.period, r.type_code,
		r.unit_id) OR r.deadline IS DISTINCT FROM greatest(t.closes,
		reminder_extension(r.issuer_unit_id, r.period, r.type_code,
		r.unit_id))
	FROM reminders r
	JOIN units u ON u.id = r.unit_id
	JOIN units ru ON ru.id = r.recipient_unit_id
	JOIN rulebook_dossier_types t ON t.rulebook_id = r.rulebook_id
	    AND t.code = r.type_code
	JOIN rulebooks rb ON rb.id = r.rulebook_id
	JOIN units iu ON iu.id = rb.issuer_unit_id
	LEFT JOIN LATERAL (SELECT x.id, x.state FROM dossiers x
	    JOIN rulebooks rx ON rx.id = x.rulebook_id
	    WHERE rx.issuer_unit_id = r.issuer_unit_id
		AND rx.period = r.period AND x.type_code = r.type_code
		AND x.unit_id = r.unit_id
	    ORDER BY x.state = 'needs_fixes' DESC, x.id DESC LIMIT 1) d ON true
	WHERE r.key = p_key
$$;

-- ---- the inbox ----

CREATE TABLE inbox_messages (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	reminder_key	text UNIQUE REFERENCES reminders (key),
	kind		text NOT NULL CHECK (kind IN ('reminder', 'escalation')),
	unit_id		bigint NOT NULL REFERENCES units (id),
	-- '' : every account of the unit; else its specialists of that
	-- level and its head.
	level		text NOT NULL DEFAULT '',
	about_unit_id	bigint NOT NULL REFERENCES units (id),
	type_code	text NOT NULL DEFAULT '',
	dossier_id	bigint REFERENCES dossiers (id),
	subject		text NOT NULL CHECK (length(subject) <= 1000),
	body		text NOT NULL CHECK (length(body) <= 65536),
	planned_at	timestamptz NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbox_messages_unit ON inbox_messages (unit_id, id);

CREATE TABLE inbox_reads (
	account_id	bigint NOT NULL REFERENCES accounts (id),
	message_id	bigint NOT NULL REFERENCES inbox_messages (id),
	read_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (account_id, message_id)
);

-- The messages `p_account` may read: those to its unit for everyone, and
-- those for one level to its specialists of that level and its head.
CREATE FUNCTION inbox_of(p_account bigint)
RETURNS SETOF inbox_messages LANGUAGE sql STABLE AS $$
	SELECT m.* FROM accounts a JOIN inbox_messages m ON m.unit_id = a.unit_id
	WHERE a.id = p_account AND (m.level = '' OR EXISTS (SELECT 1
	    FROM account_roles ar WHERE ar.account_id = a.id
		AND ((ar.role = 'specialist' AND ar.level = m.level)
		    OR ar.role = 'office_head')))
$$;

-- A page of the inbox, newest first, and how many are unread in all: one
-- row with a NULL id and the count when the page is empty.
CREATE FUNCTION inbox_list(p_account bigint, p_unread_only boolean,
    p_limit integer, p_before bigint)
RETURNS TABLE (id bigint, kind text, subject text, body text,
    unit_code text, unit_name text, type_code text, dossier_id bigint,
    planned_ms bigint, created_ms bigint, read boolean, unread bigint)
LANGUAGE sql STABLE AS $$
	WITH mine AS (
		SELECT m.*, EXISTS (SELECT 1 FROM inbox_reads r
		    WHERE r.account_id = p_account AND r.message_id = m.id)
		    AS is_read
		FROM inbox_of(p_account) m
	), page AS (
		SELECT m.*, u.code AS unit_code, u.name AS unit_name
		FROM mine m JOIN units u ON u.id = m.about_unit_id
		WHERE (NOT p_unread_only OR NOT m.is_read)
		    AND (p_before = 0 OR m.id < p_before)
		ORDER BY m.id DESC
		LIMIT p_limit
	), counted AS (
		SELECT count(*) AS unread FROM mine WHERE NOT mine.is_read
	)
	SELECT p.id, p.kind, p.subject, p.body, p.unit_code, p.unit_name,
	    p.type_code, p.dossier_id,
	    (extract(epoch FROM p.planned_at) * 1000)::bigint,
	    (extract(epoch FROM p.created_at) * 1000)::bigint, p.is_read,
	    c.unread
	FROM counted c LEFT JOIN page p ON true
	ORDER BY p.id DESC
$$;

-- Marks messages of the inbox read (or unread); `p_ids` NULL: all of them.
-- Returns how many changed and how many are left unread.
CREATE FUNCTION inbox_mark(p_account bigint, p_ids bigint[],
    p_unread boolean, OUT changed integer, OUT unread integer)
LANGUAGE plpgsql AS $$
BEGIN
	IF p_unread THEN
		DELETE FROM inbox_reads r
		WHERE r.account_id = p_account AND (p_ids IS NULL OR
		    r.message_id = ANY (p_ids));
	ELSE
		INSERT INTO inbox_reads (account_id, message_id)
		SELECT p_account, m.id FROM inbox_of(p_account) m
		WHERE p_ids IS NULL OR m.id = ANY (p_ids)
		ON CONFLICT DO NOTHING;
	END IF;
	GET DIAGNOSTICS changed = ROW_COUNT;
	SELECT count(*) INTO unread FROM inbox_of(p_account) m
	WHERE NOT EXISTS (SELECT 1 FROM inbox_reads r
	    WHERE r.account_id = p_account AND r.message_id = m.id);
END $$;

-- ---- live events ----

CREATE TABLE live_events (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	xid		xid8 NOT NULL DEFAULT pg_current_xact_id(),
	at		timestamptz NOT NULL DEFAULT now(),
	kind		text NOT NULL CHECK (kind IN ('dossier', 'alert')),
	unit_id		bigint NOT NULL,	-- the unit it is about
	-- dossier
	dossier_id	bigint,
	type_code	text NOT NULL DEFAULT '',
	state_from	text NOT NULL DEFAULT '',
	state_to	text NOT NULL DEFAULT '',
	level		text NOT NULL DEFAULT '',
	-- alert: addressed to a unit (and for an escalation a level)
	to_unit_id	bigint,
	to_level	text NOT NULL DEFAULT '',
	alert_kind	text NOT NULL DEFAULT '',
	key		text NOT NULL DEFAULT '',
	subject		text NOT NULL DEFAULT '',
	body		text NOT NULL DEFAULT '',
	planned_at	timestamptz
);
CREATE INDEX live_events_xid ON live_events (xid, id);
CREATE INDEX live_events_at ON live_events (at);
-- Tiny and hot: vacuum it as often as it churns.
ALTER TABLE live_events SET (autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);

CREATE FUNCTION dossiers_live_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- A move up the chain keeps the state (awaiting_review) but not the
	-- step: the next level's people want to hear of it too.
	IF TG_OP = 'INSERT' OR NEW.state IS DISTINCT FROM OLD.state OR
	    NEW.step IS DISTINCT FROM OLD.step THEN
		INSERT INTO live_events (kind, unit_id, dossier_id, type_code,
		    state_from, state_to, level)
		VALUES ('dossier', NEW.unit_id, NEW.id, NEW.type_code,
		    CASE WHEN TG_OP = 'UPDATE' THEN OLD.state ELSE '' END,
		    NEW.state, coalesce(NEW.chain[NEW.step + 1], ''));
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER dossiers_live_event AFTER INSERT OR UPDATE OF state, step
	ON dossiers
	FOR EACH ROW EXECUTE FUNCTION dossiers_live_event();

-- The live events committed since the cursor (p_xid, p_id), in order of
-- transaction id, at most p_limit; with each row the new horizon. Rows whose
-- transaction id is at or past the horizon may still be in progress and
-- wait for a later call. A NULL cursor starts at the horizon (no backlog).
-- For each event: the unit's ancestors (ids, root first) and its kind, for
-- the server to match against its watchers' reach.
CREATE FUNCTION live_events_since(p_xid xid8, p_id bigint, p_limit integer)
RETURNS TABLE (horizon xid8, xid xid8, id bigint, kind text,
    unit_id bigint, unit_code text, unit_name text, unit_kind text,
    unit_path text, dossier_id bigint, type_code text, state_from text,
    state_to text, level text, to_unit_id bigint, to_level text,
    alert_kind text, key text, subject text, body text, planned_ms bigint,
    at_ms bigint)
LANGUAGE sql STABLE AS $$
	WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
	SELECT h.horizon, e.xid, e.id, e.kind, e.unit_id, u.code, u.name,
	    u.kind, u.path::text, e.dossier_id, e.type_code, e.state_from,
	    e.state_to, e.level, e.to_unit_id, e.to_level, e.alert_kind, e.key,
	    e.subject, e.body,
	    (extract(epoch FROM e.planned_at) * 1000)::bigint,
	    (extract(epoch FROM e.at) * 1000)::bigint
	FROM h LEFT JOIN LATERAL (
		SELECT * FROM live_events x
		WHERE p_xid IS NOT NULL AND (x.xid, x.id) > (p_xid, p_id)
		    AND x.xid < h.horizon
		ORDER BY x.xid, x.id LIMIT p_limit) e ON true
	LEFT JOIN units u ON u.id = e.unit_id
	ORDER BY e.xid, e.id
$$;

-- ---- delivering a reminder: the effects of the remind_* jobs ----

-- Records a delivery; {key, channel, subject, body, message_id, smtp_reply,
-- sent_to, skipped, obsolete} (RemindResult). The result must name the
-- job's own reminder and channel. An obsolete one (the unit submitted, or
-- its deadline moved, after it was planned) delivered nothing.
CREATE FUNCTION job_effect_remind(p_job bigint, p_kind text, p_effect jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	r	reminders;
	v_dossier bigint;
BEGIN
	SELECT x.* INTO r FROM reminders x JOIN jobs j ON j.unique_key = x.key
	WHERE j.id = p_job FOR UPDATE OF x;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'job % delivers no reminder', p_job;
	END IF;
	IF p_effect->>'key' IS DISTINCT FROM r.key OR
	    p_effect->>'channel' IS DISTINCT FROM r.channel OR
	    p_kind <> 'remind_' || r.channel THEN
		RAISE EXCEPTION 'a result about reminder % (%) for reminder % '
		    '(%)', p_effect->>'key', p_effect->>'channel', r.key,
		    r.channel;
	END IF;
	IF coalesce((p_effect->>'obsolete')::boolean, false) THEN
		UPDATE reminders SET skipped = true WHERE key = r.key;
		RETURN;
	END IF;
	IF coalesce(p_effect->>'subject', '') = '' THEN
		RAISE EXCEPTION 'a reminder without a subject';
	END IF;
	SELECT d.id INTO v_dossier FROM dossiers d
	WHERE d.rulebook_id = r.rulebook_id AND d.type_code = r.type_code
	    AND d.unit_id = r.unit_id
	ORDER BY d.id DESC LIMIT 1;
	UPDATE reminders SET delivered_at = now(),
	    subject = p_effect->>'subject',
	    message_id = nullif(p_effect->>'message_id', ''),
	    sent_to = nullif(p_effect->>'sent_to', ''),
	    smtp_reply = nullif(p_effect->>'smtp_reply', ''),
	    skipped = coalesce((p_effect->>'skipped')::boolean, false)
	WHERE key = r.key;
	IF r.channel = 'inbox' THEN
		INSERT INTO inbox_messages (reminder_key, kind, unit_id, level,
		    about_unit_id, type_code, dossier_id, subject, body,
		    planned_at)
		VALUES (r.key, CASE WHEN r.audience = 'office'
		    THEN 'escalation' ELSE 'reminder' END, r.recipient_unit_id,
		    r.recipient_level, r.unit_id, r.type_code, v_dossier,
		    p_effect->>'subject', coalesce(p_effect->>'body', ''),
		    r.planned_at)
		ON CONFLICT (reminder_key) DO NOTHING;
	ELSIF r.channel = 'push' THEN
		INSERT INTO live_events (kind, unit_id, dossier_id, type_code,
		    to_unit_id, to_level, alert_kind, key, subject, body,
		    planned_at)
		VALUES ('alert', r.unit_id, v_dossier, r.type_code,
		    r.recipient_unit_id, r.recipient_level,
		    CASE WHEN r.audience = 'office' THEN 'escalation'
			ELSE 'reminder' END, r.key, p_effect->>'subject',
		    coalesce(p_effect->>'body', ''), r.planned_at);
	END IF;
END $$;

CREATE OR REPLACE FUNCTION job_apply_effect(p_kind text, p_job bigint,
    p_effect jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	CASE p_kind
	WHEN 'validate' THEN
		PERFORM job_effect_validate(p_job, p_effect);
	WHEN 'inspect_file' THEN
		PERFORM job_effect_inspect_file(p_job, p_effect);
	WHEN 'remind_inbox', 'remind_push', 'remind_email' THEN
		PERFORM job_effect_remind(p_job, p_kind, p_effect);
	ELSE
		RAISE EXCEPTION 'jobs of kind "%" have no effect to apply',
		    p_kind;
	END CASE;
END $$;

-- ---- a failure that may have acted ----

-- job_complete learns failures whose worker cannot tell whether the job
-- acted (an e-mail whose end of data went unconfirmed): `p_unknown`
-- settles them as lost attempts, so a kind that acts outside goes to
-- `unknown` instead of being tried again; so does a success whose effect
-- failed (the e-mail went). Otherwise as in 0007.
DROP FUNCTION job_complete(bigint[], text[], boolean[], bytea[], jsonb[],
    text[], boolean[]);
CREATE FUNCTION job_complete(p_ids bigint[], p_tokens text[], p_ok boolean[],
    p_results bytea[], p_effects jsonb[], p_errors text[],
    p_permanent boolean[], p_unknown boolean[])
RETURNS TABLE (id bigint, lease_token text, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
	r		record;
	j		jobs;
	v_done		bigint[];
	v_failed	bigint[] := '{}';
	v_why		text[] := '{}';
BEGIN
	FOR r IN SELECT u.id, u.effect, x.kind, k.has_effect
	    FROM unnest(p_ids, p_tokens, p_ok, p_effects)
		AS u(id, token, ok, effect)
	    JOIN jobs x ON x.id = u.id AND x.lease_token = u.token
		AND x.state = 'running'
	    JOIN job_kinds k ON k.kind = x.kind
	    WHERE u.ok AND (u.effect IS NOT NULL OR k.has_effect)
	    ORDER BY u.id FOR UPDATE OF x
	LOOP
		IF r.effect IS NULL THEN
			v_failed := v_failed || r.id;
			v_why := v_why || format('a result of kind "%s" came '
			    'without its effect', r.kind);
			CONTINUE;
		END IF;
		BEGIN
			PERFORM job_apply_effect(r.kind, r.id, r.effect);
		EXCEPTION WHEN OTHERS THEN
			v_failed := v_failed || r.id;
			v_why := v_why || ('its effect failed: ' || SQLERRM);
		END;
	END LOOP;

	WITH ok AS (
		SELECT u.id, u.token, u.result
		FROM unnest(p_ids, p_tokens, p_ok, p_results)
		    AS u(id, token, ok, result)
		WHERE u.ok AND NOT u.id = ANY (v_failed)
	), done AS (
		UPDATE jobs SET state = 'done', result = ok.result,
		    finished_at = now(), last_error = NULL, lease_token = NULL,
		    lease_expires = NULL, lease_holder = NULL
		FROM ok
		WHERE jobs.id = ok.id AND jobs.lease_token = ok.token
		  AND jobs.state = 'running'
		RETURNING jobs.id, ok.token
	), runs AS (
		UPDATE job_runs SET ended_at = now(), outcome = 'done'
		FROM done WHERE job_runs.lease_token = done.token
	)
	SELECT coalesce(array_agg(done.id), '{}') INTO v_done FROM done;

	FOR r IN SELECT u.* FROM unnest(p_ids, p_tokens, p_ok, p_errors,
	    p_permanent, p_unknown) AS u(id, token, ok, error, permanent,
	    unknown)
	    ORDER BY u.id
	LOOP
		id := r.id;
		lease_token := r.token;
		IF r.ok AND r.id = ANY (v_done) THEN
			outcome := 'done';
			RETURN NEXT;
			CONTINUE;
		END IF;
		SELECT * INTO j FROM jobs WHERE jobs.id = r.id FOR UPDATE;
		IF NOT FOUND OR j.state <> 'running' OR
		    j.lease_token IS DISTINCT FROM r.token OR
		    (r.ok AND NOT r.id = ANY (v_failed)) THEN
			UPDATE job_runs SET late_result_at = coalesce(
			    late_result_at, now())
			WHERE job_runs.lease_token = r.token
			  AND job_runs.job_id = r.id;
			outcome := 'stale';
			RETURN NEXT;
			CONTINUE;
		END IF;
		/*
		 * The worker did the job but its effect failed: a kind that
		 * acts outside has acted, so it must not run again blindly.
		 */
		IF r.ok THEN
			r.error := v_why[array_position(v_failed, r.id)];
			r.permanent := false;
			r.unknown := true;
		END IF;
		UPDATE job_runs SET ended_at = now(), outcome = CASE
		    WHEN coalesce(r.unknown, false) AND NOT r.ok THEN 'lost'
		    ELSE 'failed' END, error = r.error
		WHERE job_runs.lease_token = r.token;
		outcome := job_settle_failure(j, r.error,
		    coalesce(r.unknown, false), r.permanent);
		RETURN NEXT;
	END LOOP;
END $$;

-- Events are hints for people watching now: an hour is plenty.
CREATE FUNCTION live_events_prune() RETURNS bigint
LANGUAGE sql AS $$
	WITH gone AS (DELETE FROM live_events
	    WHERE at < now() - interval '1 hour' RETURNING 1)
	SELECT count(*) FROM gone
$$;

-- ---- a corrected rulebook keeps its registrations ----

-- Registrations (October) belong to one version of a rulebook, and the
-- checks read those of the dossier's version. A corrected rulebook (a new
-- version of the same issuer and period, loaded mid-year) must not leave
-- every school unregistered: each title of the new version takes the
-- registrations of that title from the version before it.
CREATE FUNCTION rulebook_titles_carry_registrations() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO registrations (rulebook_id, unit_id, person_id, title_code,
	    targets, registered_at)
	SELECT NEW.rulebook_id, g.unit_id, g.person_id, g.title_code, g.targets,
	    g.registered_at
	FROM rulebooks nr
	JOIN rulebooks pr ON pr.issuer_unit_id = nr.issuer_unit_id
	    AND pr.period = nr.period AND pr.version = nr.version - 1
	JOIN registrations g ON g.rulebook_id = pr.id
	    AND g.title_code = NEW.code
	WHERE nr.id = NEW.rulebook_id
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE TRIGGER rulebook_titles_carry_registrations AFTER INSERT
	ON rulebook_titles FOR EACH ROW
	EXECUTE FUNCTION rulebook_titles_carry_registrations();
