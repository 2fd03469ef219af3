-- 0003_rulebooks.sql - the yearly rulebooks, the emulation blocks they
-- declare, and emulation registration.
--
-- A rulebook is stored as the server checked it (content, jsonb) beside its
-- source text, plus the parts queries need as rows. Loading never rewrites
-- a stored rulebook: a changed file for the same issuer and period becomes
-- the next version, and whatever refers to a rulebook (a registration now, a
-- dossier later) refers to one version for good.
CREATE TABLE rulebooks (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	issuer_unit_id	bigint NOT NULL REFERENCES units (id),
	period		text NOT NULL,
	version		integer NOT NULL CHECK (version >= 1),
	period_kind	text NOT NULL CHECK (period_kind IN ('school_year',
			    'calendar_year')),
	period_from	date NOT NULL,
	period_to	date NOT NULL,
	document_number	text NOT NULL,
	document_date	date NOT NULL,
	content		jsonb NOT NULL,
	source_name	text NOT NULL,
	source		text NOT NULL,
	source_sha256	text NOT NULL,
	loaded_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (issuer_unit_id, period, version),
	UNIQUE (issuer_unit_id, period, source_sha256),
	CHECK (period_from < period_to)
);

-- The newest version of each issuer's rulebook for each period.
CREATE VIEW current_rulebooks AS
	SELECT DISTINCT ON (issuer_unit_id, period) *
	FROM rulebooks
	ORDER BY issuer_unit_id, period, version DESC;

CREATE TABLE rulebook_titles (
	rulebook_id	bigint NOT NULL REFERENCES rulebooks (id),
	code		text NOT NULL,
	name		text NOT NULL,
	kind		text NOT NULL,
	target		text NOT NULL,
	decided_by	text NOT NULL,
	campaign	boolean NOT NULL,
	PRIMARY KEY (rulebook_id, code)
);

CREATE TABLE rulebook_dossier_types (
	rulebook_id	bigint NOT NULL REFERENCES rulebooks (id),
	code		text NOT NULL,
	name		text NOT NULL,
	purpose		text NOT NULL,
	submitter	text NOT NULL,
	recipient	text NOT NULL,
	phase		text,
	opens		date NOT NULL,
	closes		date NOT NULL,
	hard_deadline	date NOT NULL,
	documents	jsonb NOT NULL,
	PRIMARY KEY (rulebook_id, code),
	CHECK (opens <= closes AND closes <= hard_deadline)
);

CREATE TABLE rulebook_office_steps (
	rulebook_id	bigint NOT NULL REFERENCES rulebooks (id),
	code		text NOT NULL,
	name		text NOT NULL,
	level		text NOT NULL,
	from_date	date NOT NULL,
	to_date		date NOT NULL,
	PRIMARY KEY (rulebook_id, code),
	CHECK (from_date <= to_date)
);

-- Emulation blocks (khối thi đua) of one rulebook's period.
CREATE TABLE blocks (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	rulebook_id	bigint NOT NULL REFERENCES rulebooks (id),
	code		text NOT NULL,
	name		text NOT NULL,
	school_level	text NOT NULL,
	leader_unit_id	bigint NOT NULL REFERENCES units (id),
	UNIQUE (rulebook_id, code)
);

CREATE TABLE block_members (
	block_id	bigint NOT NULL REFERENCES blocks (id),
	unit_id		bigint NOT NULL REFERENCES units (id),
	PRIMARY KEY (block_id, unit_id)
);
CREATE INDEX block_members_unit ON block_members (unit_id);

-- The block's pact (giao ước thi đua), signed at its first meeting.
CREATE TABLE block_pacts (
	block_id	bigint PRIMARY KEY REFERENCES blocks (id),
	signed_on	date NOT NULL,
	note		text NOT NULL DEFAULT '',
	recorded_at	timestamptz NOT NULL DEFAULT now()
);

-- Emulation registration (đăng ký thi đua): a unit registers its collective
-- (person_id NULL) and each staff member for a title, with targets. An
-- unregistered nominee is not considered for the title.
CREATE TABLE registrations (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	rulebook_id	bigint NOT NULL REFERENCES rulebooks (id),
	unit_id		bigint NOT NULL REFERENCES units (id),
	person_id	bigint REFERENCES people (id),
	title_code	text NOT NULL,
	targets		text NOT NULL DEFAULT '',
	registered_at	timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (rulebook_id, title_code)
	    REFERENCES rulebook_titles (rulebook_id, code),
	UNIQUE NULLS NOT DISTINCT (rulebook_id, unit_id, person_id, title_code)
);
CREATE INDEX registrations_unit ON registrations (unit_id);

-- Loads a rulebook the server has checked (`doc`, see server/db_rulebook.c),
-- all or nothing. Unit codes the file names must exist; each one that does
-- not is a problem, "file:line:col: message", one per line. Returns one
-- row: outcome 'loaded' (a new version), 'unchanged' (this very file is
-- already stored, as `version`) or 'invalid' (with problems; nothing is
-- written).
CREATE FUNCTION rulebook_load(doc jsonb, p_source_name text, p_source text)
RETURNS TABLE (outcome text, version integer, problems text)
LANGUAGE plpgsql AS $$
DECLARE
	issuer		bigint;
	missing		text;
	sha		text := encode(sha256(convert_to(p_source, 'UTF8')), 'hex');
	new_id		bigint;
	new_version	integer;
	blk		jsonb;
	blk_id		bigint;
BEGIN
	-- Every unit reference, with its position in the file.
	WITH refs AS (
		SELECT doc->'issuer' AS ref
		UNION ALL
		SELECT b->'leader' FROM jsonb_array_elements(doc->'blocks') b
		UNION ALL
		SELECT m FROM jsonb_array_elements(doc->'blocks') b,
		    jsonb_array_elements(b->'members') m
	)
	SELECT string_agg(format('%s:%s:%s: unit "%s" does not exist',
	    p_source_name, ref->>'line', ref->>'column', ref->>'code'), E'\n'
	    ORDER BY (ref->>'line')::int, (ref->>'column')::int)
	INTO missing
	FROM refs
	WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.code = refs.ref->>'code');
	IF missing IS NOT NULL THEN
		RETURN QUERY SELECT 'invalid'::text, NULL::integer, missing;
		RETURN;
	END IF;

	SELECT id INTO issuer FROM units WHERE code = doc->'issuer'->>'code';
	-- One load per issuer and period at a time, so versions stay dense.
	PERFORM pg_advisory_xact_lock(hashtextextended(issuer || '/' ||
	    (doc->>'period'), 0));

	SELECT r.version INTO new_version FROM rulebooks r
	WHERE r.issuer_unit_id = issuer AND r.period = doc->>'period'
	    AND r.source_sha256 = sha;
	IF FOUND THEN
		RETURN QUERY SELECT 'unchanged'::text, new_version, NULL::text;
		RETURN;
	END IF;

	SELECT coalesce(max(r.version), 0) + 1 INTO new_version FROM rulebooks r
	WHERE r.issuer_unit_id = issuer AND r.period = doc->>'period';
	INSERT INTO rulebooks (issuer_unit_id, period, version, period_kind,
	    period_from, period_to, document_number, document_date, content,
	    source_name, source, source_sha256)
	VALUES (issuer, doc->>'period', new_version, doc->>'period_kind',
	    (doc->>'period_from')::date, (doc->>'period_to')::date,
	    doc->>'document_number', (doc->>'document_date')::date, doc,
	    p_source_name, p_source, sha)
	RETURNING id INTO new_id;

	INSERT INTO rulebook_titles (rulebook_id, code, name, kind, target,
	    decided_by, campaign)
	SELECT new_id, t->>'code', t->>'name', t->>'kind', t->>'target',
	    t->>'decided_by', (t->>'campaign')::boolean
	FROM jsonb_array_elements(doc->'titles') t;

	INSERT INTO rulebook_dossier_types (rulebook_id, code, name, purpose,
	    submitter, recipient, phase, opens, closes, hard_deadline, documents)
	SELECT new_id, d->>'code', d->>'name', d->>'purpose', d->>'submitter',
	    d->>'recipient', d->>'phase', (d->>'opens')::date,
	    (d->>'closes')::date, (d->>'hard_deadline')::date, d->'documents'
	FROM jsonb_array_elements(doc->'dossier_types') d;

	INSERT INTO rulebook_office_steps (rulebook_id, code, name, level,
	    from_date, to_date)
	SELECT new_id, s->>'code', s->>'name', s->>'level',
	    (s->>'from')::date, (s->>'to')::date
	FROM jsonb_array_elements(doc->'office_steps') s;

	FOR blk IN SELECT * FROM jsonb_array_elements(doc->'blocks') LOOP
		INSERT INTO blocks (rulebook_id, code, name, school_level,
		    leader_unit_id)
		SELECT new_id, blk->>'code', blk->>'name', blk->>'school_level',
		    u.id
		FROM units u WHERE u.code = blk->'leader'->>'code'
		RETURNING id INTO blk_id;
		INSERT INTO block_members (block_id, unit_id)
		SELECT blk_id, u.id
		FROM jsonb_array_elements(blk->'members') m
		JOIN units u ON u.code = m->>'code';
	END LOOP;

	RETURN QUERY SELECT 'loaded'::text, new_version, NULL::text;
END
$$;
