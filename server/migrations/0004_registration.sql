-- 0004_registration.sql - saving emulation registrations and block pacts.

-- The rulebook in force for a unit: the newest version from the nearest
-- issuing unit above it (or itself) whose period is `p_period`, or, when
-- that is empty, whose period contains `p_today`.
CREATE FUNCTION rulebook_for_unit(p_unit bigint, p_period text, p_today date)
RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT r.id
	FROM units me, current_rulebooks r
	JOIN units iu ON iu.id = r.issuer_unit_id
	WHERE me.id = p_unit AND iu.path @> me.path
	    AND (CASE WHEN p_period = '' THEN p_today BETWEEN r.period_from
	        AND r.period_to ELSE r.period = p_period END)
	ORDER BY nlevel(iu.path) DESC, r.period_from DESC
	LIMIT 1
$$;

-- Registers a unit's collective and staff for titles, all items or none.
-- `items` is a jsonb array of {person, title, targets, source}; `source`
-- ("list.csv:3", or empty) prefixes each problem. Outcomes: 'saved',
-- 'no_unit', 'no_rulebook', 'closed' (past the rulebook's registration
-- deadline, given in `deadline`) or 'invalid' (problems, one per line).
CREATE FUNCTION registrations_save(p_unit text, p_period text, p_today date,
    items jsonb)
RETURNS TABLE (outcome text, issuer text, period text, version integer,
    created integer, updated integer, deadline date, problems text)
LANGUAGE plpgsql AS $$
DECLARE
	me		units%ROWTYPE;
	rb		rulebooks%ROWTYPE;
	rb_issuer	text;
	closes		date;
	bad		text;
	n_created	integer;
	n_total		integer;
BEGIN
	SELECT * INTO me FROM units WHERE code = p_unit;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'no_unit'::text, NULL::text, NULL::text,
		    NULL::integer, 0, 0, NULL::date, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO rb FROM rulebooks
	WHERE id = rulebook_for_unit(me.id, p_period, p_today);
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'no_rulebook'::text, NULL::text, NULL::text,
		    NULL::integer, 0, 0, NULL::date, NULL::text;
		RETURN;
	END IF;
	SELECT code INTO rb_issuer FROM units WHERE id = rb.issuer_unit_id;
	SELECT max(d.hard_deadline) INTO closes FROM rulebook_dossier_types d
	WHERE d.rulebook_id = rb.id AND d.purpose = 'registration';
	IF closes IS NOT NULL AND p_today > closes THEN
		RETURN QUERY SELECT 'closed'::text, rb_issuer, rb.period,
		    rb.version, 0, 0, closes, NULL::text;
		RETURN;
	END IF;

	SELECT string_agg(format('%s%s', CASE WHEN i->>'source' <> ''
	    THEN (i->>'source') || ': ' ELSE format('item %s: ', n) END,
	    CASE
	    WHEN t.code IS NULL THEN format('title "%s" is not in the rulebook '
	        'of %s for %s', i->>'title', rb_issuer, rb.period)
	    WHEN i->>'person' <> '' AND p.id IS NULL THEN format('"%s" is not on '
	        'the staff of %s', i->>'person', p_unit)
	    WHEN i->>'person' <> '' AND t.target = 'collective' THEN
	        format('title "%s" is for collectives, not a person', t.code)
	    WHEN i->>'person' = '' AND t.target = 'individual' THEN
	        format('title "%s" is for individuals: name the person', t.code)
	    END), E'\n' ORDER BY n)
	INTO bad
	FROM jsonb_array_elements(items) WITH ORDINALITY AS x(i, n)
	LEFT JOIN rulebook_titles t ON t.rulebook_id = rb.id
	    AND t.code = i->>'title'
	LEFT JOIN people p ON p.code = i->>'person' AND p.unit_id = me.id
	WHERE t.code IS NULL
	    OR (i->>'person' <> '' AND p.id IS NULL)
	    OR (i->>'person' <> '' AND t.target = 'collective')
	    OR (i->>'person' = '' AND t.target = 'individual');
	IF bad IS NOT NULL THEN
		RETURN QUERY SELECT 'invalid'::text, rb_issuer, rb.period,
		    rb.version, 0, 0, closes, bad;
		RETURN;
	END IF;

	WITH saved AS (
		INSERT INTO registrations (rulebook_id, unit_id, person_id,
		    title_code, targets)
		SELECT rb.id, me.id, p.id, i->>'title', i->>'targets'
		FROM jsonb_array_elements(items) i
		LEFT JOIN people p ON p.code = i->>'person'
		    AND p.unit_id = me.id AND i->>'person' <> ''
		ON CONFLICT (rulebook_id, unit_id, person_id, title_code)
		DO UPDATE SET targets = EXCLUDED.targets, registered_at = now()
		RETURNING (xmax = 0) AS inserted
	)
	SELECT count(*) FILTER (WHERE inserted), count(*)
	INTO n_created, n_total FROM saved;
	RETURN QUERY SELECT 'saved'::text, rb_issuer, rb.period, rb.version,
	    n_created, n_total - n_created, closes, NULL::text;
END
$$;
