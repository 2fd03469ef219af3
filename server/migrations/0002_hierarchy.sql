-- 0002_hierarchy.sql - units of any depth, their people, and the facts the
-- rules read about them (discipline, pending matters, award history).
--
-- Units form one tree: ministry -> department -> (district office) -> school,
-- any level optional. Each unit stores its materialised path as an ltree of
-- unit ids ('u1.u7.u42'), kept by triggers, so "everything under this
-- office" is one GiST-indexed `path <@ $1` however deep the tree, and moving
-- a unit (as the 2025 reform moved tens of thousands of schools) rewrites
-- only the paths of its own subtree, in the same statement. A closure table
-- would answer the same query but needs a row per ancestor pair and a
-- rebuild of every pair on each move; ids rather than codes in the path mean
-- renaming a code touches nothing else.
CREATE EXTENSION IF NOT EXISTS ltree;

CREATE TABLE units (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
	name		text NOT NULL CHECK (name <> '' AND length(name) <= 500),
	kind		text NOT NULL CHECK (kind IN ('ministry', 'department',
			    'district_office', 'commune', 'preschool', 'primary',
			    'lower_secondary', 'upper_secondary', 'multi_level',
			    'attached', 'office')),
	email		text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+$'),
	parent_id	bigint REFERENCES units (id),
	path		ltree NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_path ON units USING gist (path);
CREATE INDEX units_parent ON units (parent_id);

-- Sets the path of a new or moved unit and refuses cycles; moving a unit
-- carries its whole subtree along.
CREATE FUNCTION units_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	parent_path ltree;
BEGIN
	IF NEW.parent_id IS NULL THEN
		NEW.path := text2ltree('u' || NEW.id);
	ELSE
		SELECT path INTO parent_path FROM units WHERE id = NEW.parent_id;
		IF TG_OP = 'UPDATE' AND parent_path <@ OLD.path THEN
			RAISE EXCEPTION 'unit % cannot move under its own subtree',
			    NEW.code USING ERRCODE = 'check_violation';
		END IF;
		NEW.path := parent_path || text2ltree('u' || NEW.id);
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.path IS DISTINCT FROM OLD.path THEN
		UPDATE units SET path = NEW.path || subpath(path, nlevel(OLD.path))
		WHERE path <@ OLD.path AND id <> NEW.id;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER units_path_insert BEFORE INSERT ON units
	FOR EACH ROW EXECUTE FUNCTION units_set_path();
CREATE TRIGGER units_path_move BEFORE UPDATE OF parent_id ON units
	FOR EACH ROW WHEN (NEW.parent_id IS DISTINCT FROM OLD.parent_id)
	EXECUTE FUNCTION units_set_path();

-- Staff of a unit (cán bộ, giáo viên, nhân viên, người lao động).
CREATE TABLE people (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
	unit_id		bigint NOT NULL REFERENCES units (id),
	full_name	text NOT NULL CHECK (full_name <> '' AND length(full_name) <= 200),
	position	text NOT NULL DEFAULT '' CHECK (length(position) <= 200),
	is_head		boolean NOT NULL DEFAULT false,
	email		text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+$'),
	active		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_unit ON people (unit_id);

-- Disciplinary measures, lightest first (Luật Viên chức, Điều 52).
CREATE TABLE discipline_records (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	person_id	bigint NOT NULL REFERENCES people (id),
	level		text NOT NULL CHECK (level IN ('reprimand', 'warning',
			    'removal', 'dismissal')),
	decided_on	date NOT NULL,
	effective_to	date,
	reason		text NOT NULL DEFAULT '',
	CHECK (effective_to IS NULL OR effective_to >= decided_on)
);
CREATE INDEX discipline_records_person ON discipline_records (person_id);

-- Reviews, investigations, inspections and complaints being verified: while
-- one is open, its subject gets no award and no proposal upward.
CREATE TABLE pending_matters (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	person_id	bigint REFERENCES people (id),
	unit_id		bigint REFERENCES units (id),
	kind		text NOT NULL CHECK (kind IN ('review', 'investigation',
			    'inspection', 'complaint')),
	opened_on	date NOT NULL,
	closed_on	date,
	note		text NOT NULL DEFAULT '',
	CHECK ((person_id IS NULL) <> (unit_id IS NULL)),
	CHECK (closed_on IS NULL OR closed_on >= opened_on)
);
CREATE INDEX pending_matters_person ON pending_matters (person_id)
	WHERE closed_on IS NULL;
CREATE INDEX pending_matters_unit ON pending_matters (unit_id)
	WHERE closed_on IS NULL;

-- Award history: what was decided, by whom, for which achievement period.
-- Intervals between awards count from the achievement period, or from the
-- decision date when the decision gives none.
CREATE TABLE awards (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	person_id		bigint REFERENCES people (id),
	unit_id			bigint REFERENCES units (id),
	title_code		text NOT NULL,
	title_name		text NOT NULL,
	campaign		boolean NOT NULL DEFAULT false,
	decision_number		text NOT NULL,
	decision_date		date NOT NULL,
	decided_by		text NOT NULL,
	achievement_from	date,
	achievement_to		date,
	CHECK ((person_id IS NULL) <> (unit_id IS NULL)),
	CHECK (achievement_to IS NULL OR achievement_from IS NULL OR
	    achievement_to >= achievement_from)
);
CREATE INDEX awards_person ON awards (person_id);
CREATE INDEX awards_unit ON awards (unit_id);

-- Imports units, all or nothing: `rows` is a jsonb array of {line, code,
-- name, kind, parent, email, parent_column} checked field by field by the
-- server (server/import.c). A code already known updates that unit (an
-- import may move units: the whole subtree follows); a new code creates
-- one. A parent must be a known unit or another row of the file. Returns
-- the counts, or the problems ("file:line:col: message", one per line) with
-- nothing written.
CREATE FUNCTION units_import(rows jsonb, p_file text)
RETURNS TABLE (created integer, updated integer, problems text)
LANGUAGE plpgsql AS $$
DECLARE
	n_created	integer := 0;
	n_total		integer := 0;
	todo		integer;
	done		integer;
	done_created	integer;
	bad		text;
BEGIN
	CREATE TEMPORARY TABLE import_units ON COMMIT DROP AS
	SELECT (r->>'line')::integer AS line, r->>'code' AS code,
	    r->>'name' AS name, r->>'kind' AS kind, nullif(r->>'parent', '')
	    AS parent, nullif(r->>'email', '') AS email,
	    (r->>'parent_column')::integer AS parent_column, false AS placed
	FROM jsonb_array_elements(rows) r;

	SELECT string_agg(format('%s:%s:%s: parent unit "%s" is neither known '
	    'nor in this file', p_file, i.line, i.parent_column, i.parent),
	    E'\n' ORDER BY i.line)
	INTO bad
	FROM import_units i
	WHERE i.parent IS NOT NULL
	    AND NOT EXISTS (SELECT 1 FROM units u WHERE u.code = i.parent)
	    AND NOT EXISTS (SELECT 1 FROM import_units j WHERE j.code = i.parent);
	IF bad IS NOT NULL THEN
		RETURN QUERY SELECT 0, 0, bad;
		RETURN;
	END IF;

	-- Parents first: each pass places the rows whose parent is in place.
	BEGIN
		SELECT count(*) INTO todo FROM import_units;
		LOOP
			WITH ready AS (
				UPDATE import_units i SET placed = true
				WHERE NOT i.placed AND (i.parent IS NULL OR
				    NOT EXISTS (SELECT 1 FROM import_units j
				    WHERE j.code = i.parent AND NOT j.placed))
				RETURNING i.*
			), upserted AS (
				INSERT INTO units (code, name, kind, email, parent_id)
				SELECT r.code, r.name, r.kind, r.email,
				    (SELECT id FROM units p WHERE p.code = r.parent)
				FROM ready r
				ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name,
				    kind = EXCLUDED.kind, email = EXCLUDED.email,
				    parent_id = EXCLUDED.parent_id
				RETURNING (xmax = 0) AS inserted
			)
			SELECT count(*), count(*) FILTER (WHERE inserted)
			INTO done, done_created FROM upserted;
			EXIT WHEN done = 0;
			n_total := n_total + done;
			n_created := n_created + done_created;
			todo := todo - done;
		END LOOP;
		IF todo > 0 THEN
			SELECT string_agg(format('%s:%s:%s: unit "%s" is its own '
			    'ancestor through parent "%s"', p_file, i.line,
			    i.parent_column, i.code, i.parent), E'\n' ORDER BY i.line)
			INTO bad FROM import_units i WHERE NOT i.placed;
			RAISE EXCEPTION USING ERRCODE = 'data_exception',
			    MESSAGE = 'cycle';
		END IF;
	EXCEPTION WHEN data_exception OR check_violation THEN
		-- The block's savepoint undoes every row written above.
		IF bad IS NULL THEN
			bad := format('%s: %s', p_file, SQLERRM);
		END IF;
		RETURN QUERY SELECT 0, 0, bad;
		RETURN;
	END;
	RETURN QUERY SELECT n_created, n_total - n_created, NULL::text;
END
$$;

-- Imports staff, all or nothing: `rows` holds {line, code, full_name,
-- position, unit, is_head, email, unit_column}. Codes already known are
-- updated (a teacher who moved school moves). Returns the counts, or the
-- problems with nothing written.
CREATE FUNCTION people_import(rows jsonb, p_file text)
RETURNS TABLE (created integer, updated integer, problems text)
LANGUAGE plpgsql AS $$
DECLARE
	bad		text;
	n_created	integer;
	n_total		integer;
BEGIN
	SELECT string_agg(format('%s:%s:%s: unit "%s" does not exist', p_file,
	    r->>'line', r->>'unit_column', r->>'unit'), E'\n'
	    ORDER BY (r->>'line')::integer)
	INTO bad
	FROM jsonb_array_elements(rows) r
	WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.code = r->>'unit');
	IF bad IS NOT NULL THEN
		RETURN QUERY SELECT 0, 0, bad;
		RETURN;
	END IF;
	WITH upserted AS (
		INSERT INTO people (code, unit_id, full_name, position, is_head,
		    email)
		SELECT r->>'code', u.id, r->>'full_name', r->>'position',
		    (r->>'is_head')::boolean, nullif(r->>'email', '')
		FROM jsonb_array_elements(rows) r
		JOIN units u ON u.code = r->>'unit'
		ON CONFLICT (code) DO UPDATE SET unit_id = EXCLUDED.unit_id,
		    full_name = EXCLUDED.full_name, position = EXCLUDED.position,
		    is_head = EXCLUDED.is_head, email = EXCLUDED.email
		RETURNING (xmax = 0) AS inserted
	)
	SELECT count(*) FILTER (WHERE inserted), count(*)
	INTO n_created, n_total FROM upserted;
	RETURN QUERY SELECT n_created, n_total - n_created, NULL::text;
END
$$;
