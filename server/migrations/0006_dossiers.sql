-- 0006_dossiers.sql - dossiers up the approval chain: their files, nominees,
-- council meetings, life cycle, decisions, extensions, and the idempotency
-- keys that make every change happen once.
--
-- The life cycle of a dossier. Every transition is a row of
-- dossier_transitions below, and dossier_move() is the only code that
-- changes dossiers.state, so this picture and the database cannot disagree:
--
--             submit                 check_failed
--   draft ─────────────▶ submitted ───────────────▶ needs_fixes
--                         ▲  ▲  │                       │
--                         │  │  └── check_ok ──┐        │
--                         │  └────── submit ───┼────────┘
--                         │                    ▼
--                         │             awaiting_review ◀─┐ approve, or decide
--                         │             (chain step L) ───┘ below the top: L+1
--                         │               │      │     │
--                         │        return │      │     │ decide at the top
--                         │               ▼      │     ▼
--                         └─ submit ── returned  │   decided
--                                                │ reject
--                                                ▼
--                                             rejected
--
-- A dossier's chain is fixed at each submission from the rulebook: the
-- shortest chain passing every level that decides a title it proposes (the
-- chain of the highest one; titles no single chain covers are refused), or,
-- with no nominees, the submitter's level and the type's recipient. Step 0
-- is the unit itself. After the check the dossier awaits step 0 when the
-- unit still has titles of its own to decide (LĐTT: the head's decision),
-- else step 1. Each level decides its own titles (awarded, or excluded: not
-- awarded) before the dossier may go on; a decision below the top moves it
-- up, the top's ends it. Each level is acted for by a unit (rulebook levels'
-- handled_by): the reviewer must belong to that unit. `validating` is where
-- step 6's workers will hold a submitted dossier; until then the check
-- (documents complete, nominees, council meeting) runs inside the
-- submission's own transaction.
--
-- Every change goes through dossier_act(): it claims the caller's
-- idempotency key first (a retry, even one racing the original, waits for
-- it and gets its stored answer), runs the action, records the answer, and
-- writes the audit entry, all in the caller's one transaction. The server
-- replies only after that transaction has committed.

-- Files, stored once per content (SHA-256), whoever attached them.
CREATE TABLE files (
	sha256		bytea PRIMARY KEY CHECK (length(sha256) = 32),
	size		bigint NOT NULL CHECK (size > 0),
	content		bytea NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (length(content) = size)
);
-- Office documents and PDFs are compressed already: don't try again.
ALTER TABLE files ALTER COLUMN content SET STORAGE EXTERNAL;

-- Uploads in progress, one per account and file; chunks arrive in order.
CREATE TABLE uploads (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id	bigint NOT NULL REFERENCES accounts (id),
	sha256		bytea NOT NULL CHECK (length(sha256) = 32),
	size		bigint NOT NULL CHECK (size > 0),
	received	bigint NOT NULL DEFAULT 0 CHECK (received <= size),
	started_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (account_id, sha256)
);
CREATE INDEX uploads_updated ON uploads (updated_at);

-- Who has sent a file's bytes: only they may attach it or skip sending it
-- again. A hash alone proves nothing (it is shown with every document).
CREATE TABLE file_owners (
	sha256		bytea NOT NULL REFERENCES files (sha256),
	account_id	bigint NOT NULL REFERENCES accounts (id),
	PRIMARY KEY (sha256, account_id)
);

CREATE TABLE upload_chunks (
	upload_id	bigint NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
	offset_bytes	bigint NOT NULL,
	data		bytea NOT NULL,
	PRIMARY KEY (upload_id, offset_bytes)
);
ALTER TABLE upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE dossier_states (
	code	text PRIMARY KEY,
	name	text NOT NULL
);
INSERT INTO dossier_states VALUES
	('draft', 'Đang soạn'),
	('submitted', 'Đã nộp'),
	('validating', 'Đang kiểm tra'),
	('needs_fixes', 'Cần bổ sung, sửa chữa'),
	('awaiting_review', 'Chờ xét duyệt'),
	('returned', 'Bị trả lại'),
	('rejected', 'Không được chấp thuận'),
	('decided', 'Đã có quyết định');

-- The state machine: which action takes a dossier from which state where.
-- `forward` marks the two that move it up the chain (to the next level's
-- awaiting_review, or to decided at the top).
CREATE TABLE dossier_transitions (
	from_state	text NOT NULL REFERENCES dossier_states (code),
	action		text NOT NULL,
	to_state	text NOT NULL REFERENCES dossier_states (code),
	PRIMARY KEY (from_state, action)
);
INSERT INTO dossier_transitions VALUES
	('draft', 'submit', 'submitted'),
	('needs_fixes', 'submit', 'submitted'),
	('returned', 'submit', 'submitted'),
	('submitted', 'validate', 'validating'),
	('submitted', 'check_ok', 'awaiting_review'),
	('submitted', 'check_failed', 'needs_fixes'),
	('validating', 'check_ok', 'awaiting_review'),
	('validating', 'check_failed', 'needs_fixes'),
	('awaiting_review', 'approve', 'awaiting_review'),
	('awaiting_review', 'return', 'returned'),
	('awaiting_review', 'reject', 'rejected'),
	('awaiting_review', 'decide', 'awaiting_review'),
	('awaiting_review', 'decide_final', 'decided');

-- States in which the unit may still change its dossier.
CREATE FUNCTION dossier_editable(p_state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_state IN ('draft', 'needs_fixes', 'returned')
$$;

CREATE TABLE dossiers (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	rulebook_id		bigint NOT NULL REFERENCES rulebooks (id),
	type_code		text NOT NULL,
	purpose			text NOT NULL,
	unit_id			bigint NOT NULL REFERENCES units (id),
	label			text NOT NULL DEFAULT ''
				CHECK (length(label) <= 300),
	state			text NOT NULL DEFAULT 'draft'
				REFERENCES dossier_states (code),
	version			integer NOT NULL DEFAULT 1,
	chain			text[] NOT NULL DEFAULT '{}',
	step			integer NOT NULL DEFAULT 0,
	awaiting_unit_id	bigint REFERENCES units (id),
	awaiting_since		timestamptz,
	council_members		integer CHECK (council_members > 0),
	council_present		integer CHECK (council_present >= 0
				    AND council_present <= council_members),
	meeting_date		date,
	meeting_note		text NOT NULL DEFAULT '',
	created_by		bigint REFERENCES accounts (id),
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	submitted_at		timestamptz,
	FOREIGN KEY (rulebook_id, type_code)
	    REFERENCES rulebook_dossier_types (rulebook_id, code)
);
-- One dossier of a type per unit and rulebook, except campaign and sudden
-- awards, which come as often as there are campaigns and feats.
CREATE UNIQUE INDEX dossiers_one_per_type ON dossiers (rulebook_id,
    type_code, unit_id) WHERE purpose NOT IN ('campaign', 'sudden');
CREATE INDEX dossiers_unit ON dossiers (unit_id);
CREATE INDEX dossiers_awaiting ON dossiers (awaiting_unit_id, awaiting_since)
	WHERE state = 'awaiting_review';

CREATE TABLE dossier_documents (
	dossier_id	bigint NOT NULL REFERENCES dossiers (id),
	document	text NOT NULL,
	slot		text NOT NULL CHECK (slot IN ('editable', 'pdf')),
	sha256		bytea NOT NULL REFERENCES files (sha256),
	filename	text NOT NULL CHECK (filename <> ''
			    AND length(filename) <= 255),
	size		bigint NOT NULL,
	attached_by	bigint REFERENCES accounts (id),
	attached_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (dossier_id, document, slot)
);

-- A level's decision on a dossier (quyết định): number, date, signer and
-- the achievement period it names.
CREATE TABLE dossier_decisions (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	dossier_id		bigint NOT NULL REFERENCES dossiers (id),
	level			text NOT NULL,
	number			text NOT NULL CHECK (number <> ''
				    AND length(number) <= 100),
	decided_on		date NOT NULL,
	signer			text NOT NULL CHECK (signer <> ''
				    AND length(signer) <= 200),
	achievement_from	date,
	achievement_to		date,
	recorded_by		bigint REFERENCES accounts (id),
	recorded_at		timestamptz NOT NULL DEFAULT now(),
	CHECK (achievement_to IS NULL OR achievement_from IS NULL
	    OR achievement_to >= achievement_from)
);

-- The individuals and the collective a dossier proposes, each for one title
-- or award, with the summary of the achievement (tóm tắt thành tích).
CREATE TABLE nominees (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	dossier_id	bigint NOT NULL REFERENCES dossiers (id),
	person_id	bigint REFERENCES people (id),	-- NULL: the collective
	title_code	text NOT NULL,
	summary		text NOT NULL DEFAULT '' CHECK (length(summary) <= 20000),
	source		text NOT NULL DEFAULT '',
	added_at	timestamptz NOT NULL DEFAULT now(),
	-- The decision of the level that decides the title: awarded or
	-- not. NULL: pending.
	decision_id	bigint REFERENCES dossier_decisions (id),
	awarded		boolean CHECK ((decision_id IS NULL) = (awarded IS NULL)),
	UNIQUE NULLS NOT DISTINCT (dossier_id, person_id, title_code)
);

-- What the check (and, from step 6, the workers) found in a dossier. A new
-- check replaces the findings of the one before.
CREATE TABLE dossier_findings (
	dossier_id	bigint NOT NULL REFERENCES dossiers (id),
	seq		integer NOT NULL,
	code		text NOT NULL,
	severity	text NOT NULL CHECK (severity IN ('error', 'warning')),
	subject		text NOT NULL DEFAULT '',
	message_vi	text NOT NULL,
	detail		text NOT NULL DEFAULT '',
	PRIMARY KEY (dossier_id, seq)
);

-- Award history learns where each award came from; a nominee is awarded
-- at most once.
ALTER TABLE awards ADD COLUMN nominee_id bigint UNIQUE REFERENCES nominees (id);
ALTER TABLE awards ADD COLUMN decision_id bigint
	REFERENCES dossier_decisions (id);

-- Extensions of a submission window for one unit, granted by its office.
CREATE TABLE extensions (
	rulebook_id	bigint NOT NULL,
	type_code	text NOT NULL,
	unit_id		bigint NOT NULL REFERENCES units (id),
	until		date NOT NULL,
	reason		text NOT NULL DEFAULT '',
	granted_by	bigint REFERENCES accounts (id),
	granted_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (rulebook_id, type_code, unit_id),
	FOREIGN KEY (rulebook_id, type_code)
	    REFERENCES rulebook_dossier_types (rulebook_id, code)
);

-- The audit trail learns which dossier an entry is about and the state
-- change it made.
ALTER TABLE audit_log ADD COLUMN dossier_id bigint REFERENCES dossiers (id);
ALTER TABLE audit_log ADD COLUMN state_from text NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN state_to text NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN level text NOT NULL DEFAULT '';
CREATE INDEX audit_log_dossier ON audit_log (dossier_id, id)
	WHERE dossier_id IS NOT NULL;

-- One row per idempotency key an account has used: the request it carried
-- (a hash) and the answer it got.
CREATE TABLE idempotency_keys (
	account_id	bigint NOT NULL REFERENCES accounts (id),
	key		text NOT NULL CHECK (key ~ '^[A-Za-z0-9_-]{16,64}$'),
	request_sha256	bytea NOT NULL,
	action		text NOT NULL,
	outcome		text NOT NULL DEFAULT 'pending',
	dossier_id	bigint,
	problems	text,
	note		text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (account_id, key)
);

-- An id a client sent, or NULL when it cannot be one (out of bigint's range).
CREATE FUNCTION id_or_null(p_text text) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p_text ~ '^[0-9]{1,18}$' THEN p_text::bigint END
$$;

-- The answer to a dossier action.
CREATE TYPE dossier_result AS (
	outcome		text,	-- 'ok' or why not (see dossier_act)
	dossier_id	bigint,
	problems	text,	-- for people, one per line
	note		text	-- for 'ok': what else the caller learns (an
				-- extension's period, how many were awarded)
);

-- The unit that acts for chain level `p_level` of a dossier of unit
-- `p_unit` under rulebook `p_rulebook`, or NULL.
CREATE FUNCTION dossier_level_unit(p_rulebook bigint, p_unit bigint,
    p_level text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
	by_kind	text;
	found	bigint;
BEGIN
	SELECT l->>'handled_by' INTO by_kind
	FROM rulebooks r, jsonb_array_elements(r.content->'levels') l
	WHERE r.id = p_rulebook AND l->>'code' = p_level;
	IF by_kind = 'unit' THEN
		RETURN p_unit;
	ELSIF by_kind = 'block_leader' THEN
		SELECT b.leader_unit_id INTO found
		FROM blocks b JOIN block_members m ON m.block_id = b.id
		WHERE b.rulebook_id = p_rulebook AND m.unit_id = p_unit;
		RETURN found;
	END IF;
	SELECT a.id INTO found
	FROM units me JOIN units a ON me.path <@ a.path
	WHERE me.id = p_unit AND a.kind = by_kind
	ORDER BY nlevel(a.path) DESC LIMIT 1;
	RETURN found;
END $$;

-- How many of dossier `d`'s nominees await the decision of level `p_level`.
CREATE FUNCTION dossier_pending_at(d dossiers, p_level text) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT count(*) FROM nominees n
	JOIN rulebook_titles rt ON rt.rulebook_id = d.rulebook_id
	    AND rt.code = n.title_code
	WHERE n.dossier_id = d.id AND n.decision_id IS NULL
	    AND rt.decided_by = p_level
$$;

-- The one way a dossier changes state: checks the transition against the
-- table, sets the state (and the level it awaits, chain step `p_step`),
-- bumps the version and writes the audit entry, at the level the action was
-- taken (for the check: the level it sends the dossier to).
CREATE FUNCTION dossier_move(p_dossier bigint, p_action text, p_account bigint,
    p_address text, p_step integer, p_detail text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	d		dossiers;
	next_state	text;
	awaiting	bigint;
	lvl		text;
BEGIN
	SELECT * INTO d FROM dossiers WHERE id = p_dossier;
	SELECT t.to_state INTO next_state FROM dossier_transitions t
	WHERE t.from_state = d.state AND t.action = p_action;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'dossier %: no transition % from %', p_dossier,
		    p_action, d.state;
	END IF;
	IF next_state = 'awaiting_review' THEN
		lvl := d.chain[p_step + 1];
		awaiting := dossier_level_unit(d.rulebook_id, d.unit_id, lvl);
	ELSIF next_state IN ('draft', 'needs_fixes', 'returned') THEN
		awaiting := d.unit_id;
	END IF;
	UPDATE dossiers SET state = next_state, step = p_step,
	    awaiting_unit_id = awaiting,
	    awaiting_since = CASE WHEN awaiting IS NOT NULL THEN now() END,
	    version = version + 1, updated_at = now(),
	    submitted_at = CASE WHEN p_action = 'submit' THEN now()
		ELSE submitted_at END
	WHERE id = p_dossier;
	INSERT INTO audit_log (account_id, address, action, target, outcome,
	    detail, dossier_id, state_from, state_to, level)
	VALUES (p_account, p_address, p_action, 'dossier:' || p_dossier, 'ok',
	    coalesce(p_detail, ''), p_dossier, d.state, next_state,
	    coalesce(CASE WHEN d.state IN ('submitted', 'validating')
		THEN d.chain[p_step + 1] ELSE d.chain[d.step + 1] END, ''));
END $$;

-- A unit that moves (the 2025 reform re-parented tens of thousands of
-- schools mid-year) takes its dossiers in flight along: each one awaiting
-- review now awaits the unit that acts for its level from the new place,
-- and says so in its audit trail.
CREATE FUNCTION dossiers_follow_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	WITH moved AS (
		UPDATE dossiers d SET awaiting_unit_id = dossier_level_unit(
		    d.rulebook_id, d.unit_id, d.chain[d.step + 1]),
		    awaiting_since = now(), version = d.version + 1,
		    updated_at = now()
		FROM units u
		WHERE u.id = d.unit_id AND u.path <@ NEW.path
		    AND d.state = 'awaiting_review'
		RETURNING d.id, d.state, d.chain[d.step + 1] AS level,
		    d.awaiting_unit_id
	)
	INSERT INTO audit_log (action, target, outcome, detail, dossier_id,
	    state_from, state_to, level)
	SELECT 'reassign', 'dossier:' || m.id, 'ok', CASE WHEN a.code IS NULL
	    THEN format('đơn vị %s chuyển về %s; không còn đơn vị nào đảm nhận '
		'cấp này', NEW.code, p.code)
	    ELSE format('đơn vị %s chuyển về %s; nay chờ %s', NEW.code, p.code,
		a.code) END, m.id, m.state, m.state, m.level
	FROM moved m
	LEFT JOIN units a ON a.id = m.awaiting_unit_id
	LEFT JOIN units p ON p.id = NEW.parent_id;
	RETURN NULL;
END $$;
CREATE TRIGGER units_move_dossiers AFTER UPDATE OF parent_id ON units
	FOR EACH ROW WHEN (NEW.parent_id IS DISTINCT FROM OLD.parent_id)
	EXECUTE FUNCTION dossiers_follow_move();

-- Records a change that is not a transition (attach, nominate, meeting).
CREATE FUNCTION dossier_touch(p_dossier bigint, p_action text,
    p_account bigint, p_address text, p_detail text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE dossiers SET version = version + 1, updated_at = now()
	WHERE id = p_dossier;
	INSERT INTO audit_log (account_id, address, action, target, outcome,
	    detail, dossier_id)
	VALUES (p_account, p_address, p_action, 'dossier:' || p_dossier, 'ok',
	    p_detail, p_dossier);
END $$;

-- A new draft. args: {unit, type, period, label}.
CREATE FUNCTION dossier_do_new(p_account bigint, p_address text,
    p_roles text[], p_args jsonb, p_today date) RETURNS dossier_result
LANGUAGE plpgsql AS $$
DECLARE
	me	units;
	rb_id	bigint;
	t	rulebook_dossier_types;
	new_id	bigint;
BEGIN
	SELECT * INTO me FROM units WHERE code = p_args->>'unit';
	IF NOT FOUND THEN
		RETURN ROW('no_unit', NULL, NULL, NULL)::dossier_result;
	END IF;
	-- A unit makes its own dossiers; offices above it review them.
	IF me.id IS DISTINCT FROM (SELECT a.unit_id FROM accounts a
	    WHERE a.id = p_account) THEN
		RETURN ROW('not_own', NULL, 'chỉ người của đơn vị mới lập được '
		    'hồ sơ của đơn vị', NULL)::dossier_result;
	END IF;
	rb_id := rulebook_for_unit(me.id, p_args->>'period', p_today);
	IF rb_id IS NULL THEN
		RETURN ROW('no_rulebook', NULL, NULL, NULL)::dossier_result;
	END IF;
	SELECT * INTO t FROM rulebook_dossier_types
	WHERE rulebook_id = rb_id AND code = p_args->>'type';
	IF NOT FOUND THEN
		RETURN ROW('no_type', NULL, format('loại hồ sơ "%s" không có trong '
		    'quy định thi đua áp dụng cho đơn vị', p_args->>'type'), NULL)
		    ::dossier_result;
	END IF;
	IF t.submitter = 'block_leader' THEN
		IF NOT 'block_leader' = ANY (p_roles) OR NOT EXISTS (
		    SELECT 1 FROM blocks b WHERE b.rulebook_id = rb_id
		    AND b.leader_unit_id = me.id) THEN
			RETURN ROW('not_block_leader', NULL, format('hồ sơ "%s" do '
			    'đơn vị khối trưởng lập', t.name), NULL)
			    ::dossier_result;
		END IF;
	END IF;
	IF t.purpose NOT IN ('campaign', 'sudden') THEN
		SELECT id INTO new_id FROM dossiers
		WHERE rulebook_id = rb_id AND type_code = t.code
		    AND unit_id = me.id;
		IF FOUND THEN
			RETURN ROW('exists', new_id, format('đơn vị đã có hồ sơ '
			    '"%s" (số %s)', t.name, new_id), NULL)
			    ::dossier_result;
		END IF;
	END IF;
	INSERT INTO dossiers (rulebook_id, type_code, purpose, unit_id, label,
	    created_by, awaiting_unit_id, awaiting_since)
	VALUES (rb_id, t.code, t.purpose, me.id, coalesce(p_args->>'label', ''),
	    p_account, me.id, now())
	-- Another request (another key) may have made it meanwhile.
	ON CONFLICT (rulebook_id, type_code, unit_id)
	    WHERE purpose NOT IN ('campaign', 'sudden') DO NOTHING
	RETURNING id INTO new_id;
	IF new_id IS NULL THEN
		RETURN ROW('exists', NULL, format('đơn vị đã có hồ sơ "%s"',
		    t.name), NULL)::dossier_result;
	END IF;
	INSERT INTO audit_log (account_id, address, action, target, outcome,
	    detail, dossier_id, state_to)
	VALUES (p_account, p_address, 'new', 'dossier:' || new_id, 'ok',
	    t.code, new_id, 'draft');
	RETURN ROW('ok', new_id, NULL, NULL)::dossier_result;
END $$;

-- Attaches an uploaded file. args: {document, slot, sha256 (hex), filename}.
CREATE FUNCTION dossier_do_attach(d dossiers, p_account bigint,
    p_address text, p_args jsonb) RETURNS dossier_result
LANGUAGE plpgsql AS $$
DECLARE
	doc	jsonb;
	f_size	bigint;
	head	bytea;
	sha	bytea := decode(p_args->>'sha256', 'hex');
	v_slot	text := p_args->>'slot';
	fname	text := p_args->>'filename';
	ext	text := lower(substring(p_args->>'filename' from '\.([^.]*)$'));
BEGIN
	SELECT x INTO doc FROM rulebook_dossier_types t,
	    jsonb_array_elements(t.documents) x
	WHERE t.rulebook_id = d.rulebook_id AND t.code = d.type_code
	    AND x->>'code' = p_args->>'document';
	IF doc IS NULL THEN
		RETURN ROW('wrong_document', d.id, format('hồ sơ loại %s không có '
		    'tài liệu "%s"', d.type_code, p_args->>'document'), NULL)
		    ::dossier_result;
	END IF;
	IF NOT (doc->>v_slot)::boolean THEN
		RETURN ROW('wrong_slot', d.id, format('tài liệu "%s" không cần %s',
		    doc->>'name', CASE v_slot WHEN 'pdf' THEN 'bản PDF'
		    ELSE 'tệp chỉnh sửa được' END), NULL)::dossier_result;
	END IF;
	SELECT f.size, substring(f.content FROM 1 FOR 8) INTO f_size, head
	FROM files f JOIN file_owners o ON o.sha256 = f.sha256
	WHERE f.sha256 = sha AND o.account_id = p_account;
	IF NOT FOUND THEN
		RETURN ROW('no_file', d.id, 'bạn chưa tải tệp này lên đầy đủ', NULL)
		    ::dossier_result;
	END IF;
	IF v_slot = 'pdf' AND (ext IS DISTINCT FROM 'pdf'
	    OR substring(head FROM 1 FOR 5) <> '\x255044462d'::bytea) THEN
		RETURN ROW('not_pdf', d.id, format('"%s" không phải tệp PDF: bản '
		    'chính đã ký phải là PDF', fname), NULL)::dossier_result;
	END IF;
	IF v_slot = 'editable' AND NOT (
	    (ext IN ('docx', 'xlsx', 'odt', 'ods')
		AND substring(head FROM 1 FOR 4) = '\x504b0304'::bytea) OR
	    (ext IN ('doc', 'xls')
		AND head = '\xd0cf11e0a1b11ae1'::bytea)) THEN
		RETURN ROW('not_editable', d.id, format('"%s" không phải tệp văn '
		    'bản, bảng tính chỉnh sửa được (doc, docx, xls, xlsx, odt, '
		    'ods) hoặc nội dung không đúng với phần mở rộng của tên tệp',
		    fname), NULL)::dossier_result;
	END IF;
	INSERT INTO dossier_documents (dossier_id, document, slot, sha256,
	    filename, size, attached_by)
	VALUES (d.id, doc->>'code', v_slot, sha, fname, f_size, p_account)
	ON CONFLICT (dossier_id, document, slot) DO UPDATE
	SET sha256 = EXCLUDED.sha256, filename = EXCLUDED.filename,
	    size = EXCLUDED.size, attached_by = EXCLUDED.attached_by,
	    attached_at = now();
	PERFORM dossier_touch(d.id, 'attach', p_account, p_address,
	    format('%s/%s: %s (%s)', doc->>'code', v_slot, fname,
	    p_args->>'sha256'));
	RETURN ROW('ok', d.id, NULL, NULL)::dossier_result;
END $$;

-- Adds and removes nominees, all or none. args: {add: [{person, title,
-- summary, source}], remove: [{person, title}]}.
CREATE FUNCTION dossier_do_nominate(d dossiers, p_account bigint,
    p_address text, p_args jsonb) RETURNS dossier_result
LANGUAGE plpgsql AS $$
DECLARE
	bad		text;
	unit_code	text;
	n_added		integer;
	n_removed	integer;
BEGIN
	SELECT code INTO unit_code FROM units WHERE id = d.unit_id;
	SELECT string_agg(format('%s%s', CASE WHEN source <> '' THEN source
	    || ': ' ELSE format('đề nghị %s: ', n) END, problem), E'\n'
	    ORDER BY n)
	INTO bad
	FROM (SELECT n, i->>'source' AS source, CASE
	    WHEN t.code IS NULL THEN format('danh hiệu, hình thức "%s" không có '
	        'trong quy định thi đua của hồ sơ', i->>'title')
	    WHEN i->>'person' <> '' AND p.id IS NULL THEN format('không có cán '
	        'bộ mã "%s"', i->>'person')
	    WHEN i->>'person' <> '' AND p.unit_id <> d.unit_id THEN format(
	        '%s (%s) không thuộc đơn vị %s', p.full_name, p.code, unit_code)
	    WHEN i->>'person' <> '' AND t.target = 'collective' THEN
	        format('"%s" dành cho tập thể, không cho cá nhân', t.name)
	    WHEN i->>'person' = '' AND t.target = 'individual' THEN
	        format('"%s" dành cho cá nhân: hãy ghi mã cán bộ', t.name)
	    WHEN EXISTS (SELECT 1 FROM nominees x WHERE x.dossier_id = d.id
	        AND x.person_id IS NOT DISTINCT FROM p.id
	        AND x.title_code = t.code) THEN format('%s đã được đề nghị '
	        '"%s" trong hồ sơ này', coalesce(p.full_name, 'tập thể đơn vị'),
	        t.name)
	    WHEN (SELECT count(*) FROM jsonb_array_elements(p_args->'add') j
	        WHERE j->>'person' = i->>'person'
	        AND j->>'title' = i->>'title') > 1 THEN format('%s được đề nghị '
	        '"%s" hai lần trong danh sách', coalesce(p.full_name,
	        'tập thể đơn vị'), t.name)
	    END AS problem
	    FROM jsonb_array_elements(p_args->'add') WITH ORDINALITY AS x(i, n)
	    LEFT JOIN rulebook_titles t ON t.rulebook_id = d.rulebook_id
		AND t.code = i->>'title'
	    LEFT JOIN people p ON p.code = i->>'person' AND i->>'person' <> ''
	) checked
	WHERE problem IS NOT NULL;
	IF bad IS NOT NULL THEN
		RETURN ROW('invalid', d.id, bad, NULL)::dossier_result;
	END IF;
	SELECT string_agg(format('không có đề nghị "%s" chưa có quyết định '
	    'cho %s trong hồ sơ', i->>'title', CASE WHEN i->>'person' = ''
	    THEN 'tập thể đơn vị' ELSE i->>'person' END), E'\n')
	INTO bad
	FROM jsonb_array_elements(p_args->'remove') i
	WHERE NOT EXISTS (SELECT 1 FROM nominees x
	    LEFT JOIN people p ON p.id = x.person_id
	    WHERE x.dossier_id = d.id AND x.title_code = i->>'title'
	    AND coalesce(p.code, '') = i->>'person'
	    AND x.decision_id IS NULL);
	IF bad IS NOT NULL THEN
		RETURN ROW('invalid', d.id, bad, NULL)::dossier_result;
	END IF;

	DELETE FROM nominees x USING jsonb_array_elements(p_args->'remove') i
	WHERE x.dossier_id = d.id AND x.title_code = i->>'title'
	    AND coalesce((SELECT p.code FROM people p WHERE p.id = x.person_id),
	    '') = i->>'person';
	GET DIAGNOSTICS n_removed = ROW_COUNT;
	INSERT INTO nominees (dossier_id, person_id, title_code, summary, source)
	SELECT d.id, p.id, i->>'title', coalesce(i->>'summary', ''),
	    coalesce(i->>'source', '')
	FROM jsonb_array_elements(p_args->'add') i
	LEFT JOIN people p ON p.code = i->>'person' AND i->>'person' <> '';
	GET DIAGNOSTICS n_added = ROW_COUNT;
	PERFORM dossier_touch(d.id, 'nominate', p_account, p_address,
	    format('+%s -%s', n_added, n_removed));
	RETURN ROW('ok', d.id, NULL, NULL)::dossier_result;
END $$;

-- The council meeting. args: {members, present, date, note}.
CREATE FUNCTION dossier_do_meeting(d dossiers, p_account bigint,
    p_address text, p_args jsonb, p_today date) RETURNS dossier_result
LANGUAGE plpgsql AS $$
DECLARE
	members	integer := (p_args->>'members')::integer;
	present	integer := (p_args->>'present')::integer;
	held	date := (p_args->>'date')::date;
BEGIN
	IF members < 1 OR present < 0 OR present > members THEN
		RETURN ROW('invalid', d.id, format('số thành viên có mặt (%s) phải '
		    'từ 0 đến tổng số thành viên hội đồng (%s)', present, members), NULL)
		    ::dossier_result;
	END IF;
	IF held > p_today THEN
		RETURN ROW('invalid', d.id, format('ngày họp %s chưa tới',
		    to_char(held, 'DD/MM/YYYY')), NULL)::dossier_result;
	END IF;
	UPDATE dossiers SET council_members = members, council_present = present,
	    meeting_date = held, meeting_note = coalesce(p_args->>'note', '')
	WHERE id = d.id;
	PERFORM dossier_touch(d.id, 'meeting', p_account, p_address,
	    format('%s/%s, %s', present, members, held));
	RETURN ROW('ok', d.id, NULL, NULL)::dossier_result;
END $$;

-- The check a submission gets until step 6's workers validate: every
-- required document in each required form, nominees where the dossier
-- proposes awards, and the council meeting for a year-end dossier. Writes
-- the findings (replacing the last ones) and returns how many are errors.
CREATE FUNCTION dossier_check(d dossiers) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	n_errors integer;
BEGIN
	DELETE FROM dossier_findings WHERE dossier_id = d.id;
	WITH problems_found AS (
		SELECT 'missing_document' AS code, 'error' AS severity,
		    x->>'code' AS subject,
		    format('Thiếu %s của "%s"', CASE s.slot WHEN 'pdf'
			THEN 'bản PDF của bản chính đã ký'
			ELSE 'tệp chỉnh sửa được (Word, Excel)' END,
			x->>'name') AS message_vi,
		    format('document %s has no %s file', x->>'code', s.slot)
			AS detail, 1 AS ord, doc.k * 2 + s.o AS k
		FROM rulebook_dossier_types t,
		    jsonb_array_elements(t.documents) WITH ORDINALITY
			AS doc(x, k),
		    (VALUES (0, 'editable'), (1, 'pdf')) s(o, slot)
		WHERE t.rulebook_id = d.rulebook_id AND t.code = d.type_code
		    AND (x->>s.slot)::boolean
		    AND NOT EXISTS (SELECT 1 FROM dossier_documents dd
			WHERE dd.dossier_id = d.id AND dd.document = x->>'code'
			AND dd.slot = s.slot)
		UNION ALL
		SELECT 'no_nominees', 'error', '', 'Hồ sơ đề nghị khen thưởng '
		    'chưa có cá nhân, tập thể nào được đề nghị',
		    'no nominees', 2, 0
		WHERE d.purpose IN ('year_end', 'campaign', 'sudden')
		    AND NOT EXISTS (SELECT 1 FROM nominees n
			WHERE n.dossier_id = d.id)
		UNION ALL
		SELECT 'no_meeting', 'error', '', 'Chưa ghi cuộc họp Hội đồng '
		    'Thi đua – Khen thưởng (số thành viên, số có mặt, ngày họp)',
		    'no council meeting recorded', 3, 0
		WHERE d.purpose = 'year_end' AND d.council_members IS NULL
	)
	INSERT INTO dossier_findings (dossier_id, seq, code, severity, subject,
	    message_vi, detail)
	SELECT d.id, row_number() OVER (ORDER BY ord, k), code, severity,
	    subject, message_vi, detail
	FROM problems_found;
	SELECT count(*) INTO n_errors FROM dossier_findings
	WHERE dossier_id = d.id AND severity = 'error';
	RETURN n_errors;
END $$;

-- Submits (or resubmits) a dossier: within its window, or an extension,
-- unless a reviewer returned it; fixes its chain; checks it.
CREATE FUNCTION dossier_do_submit(d dossiers, p_account bigint,
    p_address text, p_today date) RETURNS dossier_result
LANGUAGE plpgsql AS $$
DECLARE
	t		rulebook_dossier_types;
	ext_until	date;
	top		jsonb;
	new_chain	text[];
	first_level	text;
	missing		text;
BEGIN
	SELECT * INTO t FROM rulebook_dossier_types
	WHERE rulebook_id = d.rulebook_id AND code = d.type_code;
	IF d.state <> 'returned' THEN
		SELECT e.until INTO ext_until FROM extensions e
		WHERE e.rulebook_id = d.rulebook_id AND e.type_code = d.type_code
		    AND e.unit_id = d.unit_id;
		IF p_today < t.opens THEN
			RETURN ROW('not_open', d.id, format('hạn nộp hồ sơ "%s" '
			    'bắt đầu từ %s', t.name, to_char(t.opens,
			    'DD/MM/YYYY')), NULL)::dossier_result;
		END IF;
		IF p_today > greatest(t.closes, ext_until) THEN
			RETURN ROW('closed', d.id, format('hạn nộp hồ sơ "%s" đã '
			    'hết ngày %s%s', t.name, to_char(greatest(t.closes,
			    ext_until), 'DD/MM/YYYY'), CASE WHEN ext_until IS NULL
			    THEN '; đơn vị cần phòng, sở gia hạn' ELSE ' (đã gia '
			    'hạn)' END), NULL)::dossier_result;
		END IF;
	END IF;

	-- The chain of the highest title proposed: the shortest chain that
	-- passes every level deciding a title of the dossier.
	SELECT c->'steps' INTO top
	FROM rulebooks r, jsonb_array_elements(r.content->'chains')
	    WITH ORDINALITY AS x(c, k)
	WHERE r.id = d.rulebook_id AND NOT EXISTS (SELECT 1 FROM nominees n
	    JOIN rulebook_titles rt ON rt.rulebook_id = d.rulebook_id
		AND rt.code = n.title_code
	    WHERE n.dossier_id = d.id AND NOT (c->'steps') ? rt.decided_by)
	ORDER BY jsonb_array_length(c->'steps'), k LIMIT 1;
	IF top IS NULL AND EXISTS (SELECT 1 FROM nominees n
	    WHERE n.dossier_id = d.id) THEN
		RETURN ROW('mixed_chains', d.id, 'các danh hiệu, hình thức đề nghị '
		    'trong hồ sơ được xét theo những chuỗi xét duyệt khác nhau; '
		    'hãy tách thành các hồ sơ riêng', NULL)::dossier_result;
	ELSIF top IS NOT NULL THEN
		SELECT array_agg(s ORDER BY k) INTO new_chain
		FROM jsonb_array_elements_text(top) WITH ORDINALITY
		    AS x(s, k);
	ELSE
		SELECT r.content->'levels'->0->>'code' INTO first_level
		FROM rulebooks r WHERE r.id = d.rulebook_id;
		new_chain := ARRAY[first_level] || CASE WHEN t.recipient =
		    first_level THEN '{}'::text[] ELSE ARRAY[t.recipient] END;
	END IF;
	SELECT string_agg(format('không có đơn vị nào đảm nhận cấp "%s" cho '
	    'đơn vị này (quy định thi đua: levels.handled_by)', lvl), E'\n')
	INTO missing
	FROM unnest(new_chain[2:]) lvl
	WHERE dossier_level_unit(d.rulebook_id, d.unit_id, lvl) IS NULL;
	IF missing IS NOT NULL THEN
		RETURN ROW('no_handler', d.id, missing, NULL)::dossier_result;
	END IF;
	UPDATE dossiers SET chain = new_chain WHERE id = d.id;
	d.chain := new_chain;

	PERFORM dossier_move(d.id, 'submit', p_account, p_address, 0,
	    CASE WHEN d.state = 'returned' THEN 'nộp lại sau khi bị trả lại'
	    WHEN ext_until IS NOT NULL AND p_today > t.closes THEN format(
	    'nộp trong thời gian gia hạn đến %s', ext_until) ELSE '' END);
	IF dossier_check(d) > 0 THEN
		PERFORM dossier_move(d.id, 'check_failed', NULL, '', 0,
		    'hồ sơ chưa đầy đủ');
	ELSE
		-- The unit first decides its own titles, if it has any left.
		PERFORM dossier_move(d.id, 'check_ok', NULL, '',
		    CASE WHEN dossier_pending_at(d, new_chain[1]) > 0 THEN 0
		    ELSE least(1, cardinality(new_chain) - 1) END, '');
	END IF;
	RETURN ROW('ok', d.id, NULL, NULL)::dossier_result;
END $$;

-- Whether the caller acts for the level the dossier awaits.
CREATE FUNCTION dossier_at_callers_level(d dossiers, p_account bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT d.state = 'awaiting_review' AND EXISTS (SELECT 1 FROM accounts a
	    WHERE a.id = p_account AND a.unit_id = d.awaiting_unit_id)
$$;

-- A reviewer's verdict. args: {verdict: approve|return|reject, comment}.
CREATE FUNCTION dossier_do_review(d dossiers, p_account bigint,
    p_address text, p_args jsonb) RETURNS dossier_result
LANGUAGE plpgsql AS $$
DECLARE
	verdict	text := p_args->>'verdict';
	comment	text := coalesce(p_args->>'comment', '');
BEGIN
	IF NOT dossier_at_callers_level(d, p_account) THEN
		RETURN ROW('not_your_level', d.id, NULL, NULL)::dossier_result;
	END IF;
	IF verdict = 'approve' THEN
		IF d.step + 1 >= cardinality(d.chain) THEN
			RETURN ROW('top_of_chain', d.id, format('cấp "%s" là cấp '
			    'quyết định: hãy ghi quyết định (tdkt decide)',
			    d.chain[d.step + 1]), NULL)::dossier_result;
		END IF;
		IF dossier_pending_at(d, d.chain[d.step + 1]) > 0 THEN
			RETURN ROW('must_decide', d.id, format('cấp "%s" còn %s đề '
			    'nghị chưa có quyết định: hãy ghi quyết định (tdkt '
			    'decide, --exclude cho đề nghị không được khen thưởng)',
			    d.chain[d.step + 1], dossier_pending_at(d,
			    d.chain[d.step + 1])), NULL)::dossier_result;
		END IF;
		PERFORM dossier_move(d.id, 'approve', p_account, p_address,
		    d.step + 1, comment);
	ELSIF verdict IN ('return', 'reject') THEN
		IF comment = '' THEN
			RETURN ROW('invalid', d.id, 'cần nêu lý do', NULL)
			    ::dossier_result;
		END IF;
		-- A rejected dossier stays at the level that rejected it.
		PERFORM dossier_move(d.id, verdict, p_account, p_address,
		    CASE WHEN verdict = 'reject' THEN d.step ELSE 0 END, comment);
	ELSE
		RETURN ROW('invalid', d.id, format('không có ý kiến xét duyệt "%s"',
		    verdict), NULL)::dossier_result;
	END IF;
	RETURN ROW('ok', d.id, NULL, NULL)::dossier_result;
END $$;

-- The nominees awaiting the decision of the level dossier `d` awaits (their
-- titles are decided there), each marked when `exclude` ([{person, title}])
-- names it: not awarded.
CREATE FUNCTION dossier_to_decide(d dossiers, exclude jsonb)
RETURNS TABLE (nominee_id bigint, excluded boolean)
LANGUAGE sql STABLE AS $$
	SELECT n.id, EXISTS (SELECT 1 FROM jsonb_array_elements(exclude) x
	    WHERE x->>'title' = n.title_code
	    AND x->>'person' = coalesce(p.code, ''))
	FROM nominees n
	JOIN rulebook_titles rt ON rt.rulebook_id = d.rulebook_id
	    AND rt.code = n.title_code
	LEFT JOIN people p ON p.id = n.person_id
	WHERE n.dossier_id = d.id AND n.decision_id IS NULL
	    AND rt.decided_by = d.chain[d.step + 1]
$$;

-- The decision of the level the dossier awaits. args: {number, date,
-- signer, from, to, exclude: [{person, title}], periods: [{person, title,
-- from, to}] (a nominee's own achievement period)}. It decides every nominee
-- whose title this level decides: awarded (award history) or, when
-- excluded, not; then the dossier goes on up, or ends at the top.
CREATE FUNCTION dossier_do_decide(d dossiers, p_account bigint,
    p_address text, p_args jsonb, p_roles text[], p_today date)
RETURNS dossier_result LANGUAGE plpgsql AS $$
DECLARE
	lvl		text := d.chain[d.step + 1];
	decision	bigint;
	n_awarded	integer;
	stray		text;
	a_from		date := nullif(p_args->>'from', '')::date;
	a_to		date := nullif(p_args->>'to', '')::date;
	on_date		date := (p_args->>'date')::date;
	top		boolean := d.step + 1 >= cardinality(d.chain);
BEGIN
	IF NOT dossier_at_callers_level(d, p_account) THEN
		RETURN ROW('not_your_level', d.id, NULL, NULL)::dossier_result;
	END IF;
	IF NOT p_roles && ARRAY['head', 'office_head', 'department',
	    'ministry', 'admin'] THEN
		RETURN ROW('not_decider', d.id, 'chỉ thủ trưởng đơn vị đảm nhận cấp '
		    'này ghi được quyết định', NULL)::dossier_result;
	END IF;
	IF on_date > p_today THEN
		RETURN ROW('invalid', d.id, format('ngày quyết định %s chưa tới',
		    to_char(on_date, 'DD/MM/YYYY')), NULL)::dossier_result;
	END IF;
	IF (a_from IS NULL) <> (a_to IS NULL) OR a_to < a_from THEN
		RETURN ROW('invalid', d.id, 'thời gian lập thành tích cần cả ngày '
		    'bắt đầu và ngày kết thúc, theo đúng thứ tự', NULL)
		    ::dossier_result;
	END IF;
	SELECT string_agg(format('không có đề nghị "%s" cho %s chờ quyết định '
	    'của cấp này', x->>'title', CASE WHEN x->>'person' = ''
	    THEN 'tập thể đơn vị' ELSE x->>'person' END), E'\n')
	INTO stray
	FROM (SELECT * FROM jsonb_array_elements(p_args->'exclude')
	    UNION ALL SELECT * FROM jsonb_array_elements(p_args->'periods'))
	    AS named(x)
	WHERE NOT EXISTS (SELECT 1 FROM nominees n
	    JOIN dossier_to_decide(d, '[]') t ON t.nominee_id = n.id
	    LEFT JOIN people p ON p.id = n.person_id
	    WHERE n.title_code = x->>'title'
	    AND coalesce(p.code, '') = x->>'person');
	IF stray IS NOT NULL THEN
		RETURN ROW('invalid', d.id, stray, NULL)::dossier_result;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM dossier_to_decide(d, '[]')) AND NOT top
	    THEN
		RETURN ROW('nothing_to_decide', d.id, format('cấp "%s" không quyết '
		    'định danh hiệu, hình thức nào của hồ sơ: hãy chuyển lên '
		    '(tdkt review ... approve)', lvl), NULL)::dossier_result;
	END IF;
	INSERT INTO dossier_decisions (dossier_id, level, number, decided_on,
	    signer, achievement_from, achievement_to, recorded_by)
	VALUES (d.id, lvl, p_args->>'number', on_date, p_args->>'signer',
	    a_from, a_to, p_account)
	RETURNING id INTO decision;
	UPDATE nominees n SET decision_id = decision, awarded = NOT t.excluded
	FROM dossier_to_decide(d, p_args->'exclude') t
	WHERE n.id = t.nominee_id;
	INSERT INTO awards (person_id, unit_id, title_code, title_name, campaign,
	    decision_number, decision_date, decided_by, achievement_from,
	    achievement_to, nominee_id, decision_id)
	SELECT n.person_id, CASE WHEN n.person_id IS NULL THEN d.unit_id END,
	    n.title_code, rt.name, rt.campaign, p_args->>'number', on_date,
	    rt.decided_by, a_from, a_to, n.id, decision
	FROM nominees n
	JOIN rulebook_titles rt ON rt.rulebook_id = d.rulebook_id
	    AND rt.code = n.title_code
	WHERE n.decision_id = decision AND n.awarded;
	GET DIAGNOSTICS n_awarded = ROW_COUNT;
	-- A nominee's own achievement period, where the decision gives one.
	UPDATE awards w SET achievement_from = (x->>'from')::date,
	    achievement_to = (x->>'to')::date
	FROM nominees n LEFT JOIN people p ON p.id = n.person_id,
	    jsonb_array_elements(p_args->'periods') x
	WHERE w.decision_id = decision AND w.nominee_id = n.id
	    AND x->>'title' = n.title_code
	    AND x->>'person' = coalesce(p.code, '');
	PERFORM dossier_move(d.id, CASE WHEN top THEN 'decide_final'
	    ELSE 'decide' END, p_account, p_address,
	    CASE WHEN top THEN d.step ELSE d.step + 1 END,
	    format('quyết định %s ngày %s, %s; %s khen thưởng',
	    p_args->>'number', to_char(on_date, 'DD/MM/YYYY'),
	    p_args->>'signer', n_awarded));
	RETURN ROW('ok', d.id, NULL, n_awarded::text)::dossier_result;
END $$;

-- An extension of a unit's window. args: {unit, type, period, until, reason}.
CREATE FUNCTION dossier_do_extension(p_account bigint, p_address text,
    p_args jsonb, p_today date) RETURNS dossier_result
LANGUAGE plpgsql AS $$
DECLARE
	me	units;
	rb_id	bigint;
	t	rulebook_dossier_types;
	new_until date := (p_args->>'until')::date;
BEGIN
	SELECT * INTO me FROM units WHERE code = p_args->>'unit';
	IF NOT FOUND THEN
		RETURN ROW('no_unit', NULL, NULL, NULL)::dossier_result;
	END IF;
	rb_id := rulebook_for_unit(me.id, p_args->>'period', p_today);
	SELECT * INTO t FROM rulebook_dossier_types
	WHERE rulebook_id = rb_id AND code = p_args->>'type';
	IF NOT FOUND THEN
		RETURN ROW('no_type', NULL, format('loại hồ sơ "%s" không có trong '
		    'quy định thi đua áp dụng cho đơn vị', p_args->>'type'), NULL)
		    ::dossier_result;
	END IF;
	IF new_until <= t.closes OR new_until < p_today THEN
		RETURN ROW('invalid', NULL, format('hạn gia hạn phải sau hạn nộp '
		    '(%s) và không trước hôm nay', to_char(t.closes,
		    'DD/MM/YYYY')), NULL)::dossier_result;
	END IF;
	INSERT INTO extensions (rulebook_id, type_code, unit_id, until, reason,
	    granted_by)
	VALUES (rb_id, t.code, me.id, new_until, coalesce(p_args->>'reason', ''),
	    p_account)
	ON CONFLICT (rulebook_id, type_code, unit_id) DO UPDATE
	SET until = EXCLUDED.until, reason = EXCLUDED.reason,
	    granted_by = EXCLUDED.granted_by, granted_at = now();
	INSERT INTO audit_log (account_id, address, action, target, outcome,
	    detail, dossier_id)
	SELECT p_account, p_address, 'extension', me.code || '/' || t.code, 'ok',
	    format('đến %s: %s', new_until, coalesce(p_args->>'reason', '')),
	    (SELECT x.id FROM dossiers x WHERE x.rulebook_id = rb_id
		AND x.type_code = t.code AND x.unit_id = me.id
		ORDER BY x.id LIMIT 1);
	RETURN ROW('ok', NULL, NULL, (SELECT period FROM rulebooks WHERE id = rb_id))
	    ::dossier_result;
END $$;

-- Runs one action on a dossier, exactly once per (account, key). `p_roles`
-- are the caller's roles that reach the dossier's unit (auth_request);
-- `p_dossier` is NULL for new and extension; `p_version` 0 skips the
-- optimistic check. Outcomes besides 'ok': key_reused (the key came with a
-- different request), no_dossier, stale (version), not_editable / not_allowed
-- (state), and each action's own (see above). Refusals change nothing but
-- the key's record, so a retry gets the same refusal.
CREATE FUNCTION dossier_act(p_account bigint, p_address text, p_roles text[],
    p_key text, p_action text, p_dossier bigint, p_version integer,
    p_args jsonb, p_today date)
RETURNS TABLE (outcome text, dossier_id bigint, version integer, state text,
    level text, level_name text, awaiting_unit text, awaiting_unit_name text,
    problems text, note text, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
	hash	bytea := sha256(convert_to(concat_ws(E'\x1f', p_action,
		    p_dossier, p_version, p_args::text), 'UTF8'));
	k	idempotency_keys;
	d	dossiers;
	r	dossier_result;
BEGIN
	-- A retry racing its original waits here until the original commits.
	INSERT INTO idempotency_keys (account_id, key, request_sha256, action)
	VALUES (p_account, p_key, hash, p_action)
	ON CONFLICT ON CONSTRAINT idempotency_keys_pkey DO NOTHING;
	IF NOT FOUND THEN
		SELECT * INTO k FROM idempotency_keys x
		WHERE x.account_id = p_account AND x.key = p_key;
		IF k.request_sha256 <> hash THEN
			RETURN QUERY SELECT 'key_reused'::text, NULL::bigint,
			    0, ''::text, ''::text, ''::text, ''::text, ''::text,
			    NULL::text, NULL::text, false;
			RETURN;
		END IF;
		r := ROW(k.outcome, k.dossier_id, k.problems, k.note)
		    ::dossier_result;
	ELSE
		IF p_dossier IS NOT NULL THEN
			SELECT * INTO d FROM dossiers x WHERE x.id = p_dossier
			FOR UPDATE;
		END IF;
		IF p_action = 'new' THEN
			r := dossier_do_new(p_account, p_address, p_roles, p_args,
			    p_today);
		ELSIF p_action = 'extension' THEN
			r := dossier_do_extension(p_account, p_address, p_args,
			    p_today);
		ELSIF d.id IS NULL THEN
			r := ROW('no_dossier', p_dossier, NULL, NULL)
			    ::dossier_result;
		ELSIF p_version <> 0 AND d.version <> p_version THEN
			r := ROW('stale', d.id, format('hồ sơ đã được thay đổi (phiên '
			    'bản %s, không phải %s): hãy xem lại rồi làm lại',
			    d.version, p_version), NULL)::dossier_result;
		ELSIF p_action IN ('attach', 'nominate', 'meeting', 'submit')
		    AND d.unit_id IS DISTINCT FROM (SELECT a.unit_id
		    FROM accounts a WHERE a.id = p_account) THEN
			r := ROW('not_own', d.id, 'chỉ người của đơn vị lập hồ sơ '
			    'mới sửa, nộp được hồ sơ', NULL)::dossier_result;
		ELSIF p_action = 'submit' AND NOT (SELECT CASE t.submitter
		    WHEN 'block_leader' THEN 'block_leader' ELSE 'head' END
		    FROM rulebook_dossier_types t WHERE t.rulebook_id =
		    d.rulebook_id AND t.code = d.type_code) = ANY (p_roles) THEN
			r := ROW('not_submitter', d.id, 'hồ sơ do thủ trưởng đơn '
			    'vị (hồ sơ khối: khối trưởng) nộp', NULL)
			    ::dossier_result;
		ELSIF p_action IN ('attach', 'nominate', 'meeting', 'submit')
		    AND NOT dossier_editable(d.state) THEN
			r := ROW('not_editable', d.id, format('hồ sơ đang ở trạng '
			    'thái "%s"', (SELECT s.name FROM dossier_states s
			    WHERE s.code = d.state)), NULL)::dossier_result;
		ELSIF p_action = 'attach' THEN
			r := dossier_do_attach(d, p_account, p_address, p_args);
		ELSIF p_action = 'nominate' THEN
			r := dossier_do_nominate(d, p_account, p_address, p_args);
		ELSIF p_action = 'meeting' THEN
			r := dossier_do_meeting(d, p_account, p_address, p_args,
			    p_today);
		ELSIF p_action = 'submit' THEN
			r := dossier_do_submit(d, p_account, p_address, p_today);
		ELSIF p_action = 'review' THEN
			r := dossier_do_review(d, p_account, p_address, p_args);
		ELSIF p_action = 'decide' THEN
			r := dossier_do_decide(d, p_account, p_address, p_args,
			    p_roles, p_today);
		ELSE
			RAISE EXCEPTION 'unknown dossier action %', p_action;
		END IF;
		UPDATE idempotency_keys x SET outcome = r.outcome,
		    dossier_id = r.dossier_id, problems = r.problems, note = r.note
		WHERE x.account_id = p_account AND x.key = p_key;
	END IF;
	RETURN QUERY SELECT r.outcome, r.dossier_id, coalesce(v.version, 0),
	    coalesce(v.state, ''), coalesce(v.level, ''),
	    coalesce(v.level_name, ''), coalesce(v.awaiting_unit, ''),
	    coalesce(v.awaiting_unit_name, ''), r.problems, r.note,
	    k.key IS NOT NULL
	FROM (SELECT 1) one
	LEFT JOIN dossier_view v ON v.id = r.dossier_id;
END $$;

-- Starts or resumes an upload. outcome: 'complete' (this account sent the
-- file before: nothing to send), 'resume' (send from `received`),
-- 'too_large', 'quota' (too much of this account's uploads unfinished).
CREATE FUNCTION upload_begin(p_account bigint, p_sha256 bytea, p_size bigint,
    p_max bigint)
RETURNS TABLE (outcome text, upload_id bigint, received bigint)
LANGUAGE plpgsql AS $$
DECLARE
	u	uploads;
BEGIN
	IF p_size > p_max THEN
		RETURN QUERY SELECT 'too_large', 0::bigint, 0::bigint;
		RETURN;
	END IF;
	-- Uploads left unfinished for a day are dropped; what one account may
	-- have unfinished at once is bounded, so nobody fills the disk.
	DELETE FROM uploads x WHERE x.updated_at < now() - interval '1 day';
	IF (SELECT coalesce(sum(x.size - x.received), 0) FROM uploads x
	    WHERE x.account_id = p_account AND x.sha256 <> p_sha256) + p_size
	    > p_max * 10 THEN
		RETURN QUERY SELECT 'quota', 0::bigint, 0::bigint;
		RETURN;
	END IF;
	-- Only one who sent these bytes before may skip sending them: the
	-- hash of someone else's document must not stand in for having it.
	IF EXISTS (SELECT 1 FROM files f JOIN file_owners o
	    ON o.sha256 = f.sha256 WHERE f.sha256 = p_sha256
	    AND f.size = p_size AND o.account_id = p_account) THEN
		RETURN QUERY SELECT 'complete', 0::bigint, p_size;
		RETURN;
	END IF;
	INSERT INTO uploads (account_id, sha256, size)
	VALUES (p_account, p_sha256, p_size)
	ON CONFLICT (account_id, sha256) DO UPDATE SET updated_at = now()
	RETURNING * INTO u;
	IF u.size <> p_size THEN
		-- Same hash, another size: the earlier attempt was wrong.
		DELETE FROM upload_chunks c WHERE c.upload_id = u.id;
		UPDATE uploads x SET size = p_size, received = 0
		WHERE x.id = u.id;
		u.received := 0;
	END IF;
	RETURN QUERY SELECT 'resume', u.id, u.received;
END $$;

-- Appends a chunk at `p_offset`, which must be where the upload stands.
-- When the last byte arrives, the whole file is checked against its
-- SHA-256 and stored. outcome: 'more', 'complete', 'no_upload', 'offset'
-- (received says where to resume), 'too_long', 'checksum_mismatch' (the
-- upload is dropped: start again).
CREATE FUNCTION upload_chunk(p_account bigint, p_upload bigint,
    p_offset bigint, p_data bytea)
RETURNS TABLE (outcome text, received bigint, size bigint)
LANGUAGE plpgsql AS $$
DECLARE
	u	uploads;
	whole	bytea;
BEGIN
	SELECT * INTO u FROM uploads x WHERE x.id = p_upload
	    AND x.account_id = p_account FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'no_upload', 0::bigint, 0::bigint;
		RETURN;
	END IF;
	IF p_offset <> u.received THEN
		RETURN QUERY SELECT 'offset', u.received, u.size;
		RETURN;
	END IF;
	IF u.received + length(p_data) > u.size THEN
		RETURN QUERY SELECT 'too_long', u.received, u.size;
		RETURN;
	END IF;
	INSERT INTO upload_chunks VALUES (u.id, p_offset, p_data);
	u.received := u.received + length(p_data);
	IF u.received < u.size THEN
		UPDATE uploads x SET received = u.received, updated_at = now()
		WHERE x.id = u.id;
		RETURN QUERY SELECT 'more', u.received, u.size;
		RETURN;
	END IF;
	SELECT string_agg(c.data, ''::bytea ORDER BY c.offset_bytes) INTO whole
	FROM upload_chunks c WHERE c.upload_id = u.id;
	DELETE FROM uploads x WHERE x.id = u.id;
	IF sha256(whole) <> u.sha256 THEN
		RETURN QUERY SELECT 'checksum_mismatch', 0::bigint, u.size;
		RETURN;
	END IF;
	INSERT INTO files (sha256, size, content) VALUES (u.sha256, u.size, whole)
	ON CONFLICT DO NOTHING;
	INSERT INTO file_owners (sha256, account_id) VALUES (u.sha256, p_account)
	ON CONFLICT DO NOTHING;
	RETURN QUERY SELECT 'complete', u.size, u.size;
END $$;

-- A dossier as the client shows it (tdkt dossier show, list, queue).
CREATE VIEW dossier_view AS
	SELECT d.id, d.type_code, t.name AS type_name, d.purpose, u.code AS unit,
	    u.name AS unit_name, iu.code AS issuer, r.period, d.label, d.state,
	    d.version, array_to_string(d.chain, ',') AS chain, d.step,
	    coalesce(d.chain[d.step + 1], '') AS level,
	    coalesce((SELECT l->>'name' FROM jsonb_array_elements(
		r.content->'levels') l WHERE l->>'code' = d.chain[d.step + 1]),
		'') AS level_name,
	    coalesce(au.code, '') AS awaiting_unit,
	    coalesce(au.name, '') AS awaiting_unit_name,
	    t.opens, t.closes, e.until AS extension_until,
	    -- The level's own deadline: the last office step at that level,
	    -- or for the unit itself the end of its window.
	    CASE WHEN d.state IN ('awaiting_review') AND d.step > 0 THEN
		(SELECT max(s.to_date) FROM rulebook_office_steps s
		WHERE s.rulebook_id = d.rulebook_id
		    AND s.level = d.chain[d.step + 1])
	    WHEN d.state IN ('draft', 'needs_fixes') THEN
		greatest(t.closes, e.until)
	    END AS due,
	    d.council_members, d.council_present, d.meeting_date,
	    (SELECT count(*) FROM nominees n WHERE n.dossier_id = d.id)
		AS nominees,
	    (extract(epoch FROM d.created_at) * 1000)::bigint AS created_ms,
	    (extract(epoch FROM d.updated_at) * 1000)::bigint AS updated_ms,
	    coalesce((extract(epoch FROM d.submitted_at) * 1000)::bigint, 0)
		AS submitted_ms,
	    coalesce((extract(epoch FROM d.awaiting_since) * 1000)::bigint, 0)
		AS awaiting_since_ms,
	    d.awaiting_unit_id, d.awaiting_since, u.path AS unit_path,
	    u.kind AS unit_kind, d.rulebook_id
	FROM dossiers d
	JOIN units u ON u.id = d.unit_id
	JOIN rulebooks r ON r.id = d.rulebook_id
	JOIN units iu ON iu.id = r.issuer_unit_id
	JOIN rulebook_dossier_types t ON t.rulebook_id = d.rulebook_id
	    AND t.code = d.type_code
	LEFT JOIN units au ON au.id = d.awaiting_unit_id
	LEFT JOIN extensions e ON e.rulebook_id = d.rulebook_id
	    AND e.type_code = d.type_code AND e.unit_id = d.unit_id;

-- What a dossier holds besides its own row, as rows of one shape for
-- `tdkt dossier show`: kind, then up to ten fields per kind, in order.
CREATE FUNCTION dossier_parts(p_dossier bigint)
RETURNS TABLE (kind text, f1 text, f2 text, f3 text, f4 text, f5 text,
    f6 text, f7 text, f8 text, f9 text, f10 text)
LANGUAGE sql STABLE AS $$
	SELECT 'document', x->>'code', x->>'name', s.slot,
	    (x->>s.slot)::boolean::text, coalesce(encode(dd.sha256, 'hex'), ''),
	    coalesce(dd.filename, ''), coalesce(dd.size, 0)::text,
	    coalesce((extract(epoch FROM dd.attached_at) * 1000)::bigint,
		0)::text, NULL, NULL
	FROM dossiers d
	JOIN rulebook_dossier_types t ON t.rulebook_id = d.rulebook_id
	    AND t.code = d.type_code
	CROSS JOIN LATERAL jsonb_array_elements(t.documents) WITH ORDINALITY
	    AS doc(x, k)
	CROSS JOIN (VALUES (1, 'editable'), (2, 'pdf')) s(o, slot)
	LEFT JOIN dossier_documents dd ON dd.dossier_id = d.id
	    AND dd.document = x->>'code' AND dd.slot = s.slot
	WHERE d.id = p_dossier AND ((x->>s.slot)::boolean OR dd.sha256 IS NOT NULL)
	UNION ALL
	SELECT 'nominee', coalesce(p.code, ''), coalesce(p.full_name, ''),
	    n.title_code, rt.name, n.summary, rt.decided_by,
	    coalesce(w.decision_number, ''), n.source,
	    coalesce(w.achievement_from::text, ''),
	    coalesce(w.achievement_to::text, '')
	FROM nominees n
	JOIN dossiers d ON d.id = n.dossier_id
	JOIN rulebook_titles rt ON rt.rulebook_id = d.rulebook_id
	    AND rt.code = n.title_code
	LEFT JOIN people p ON p.id = n.person_id
	LEFT JOIN awards w ON w.nominee_id = n.id
	WHERE n.dossier_id = p_dossier
	UNION ALL
	SELECT 'finding', f.code, f.severity, f.subject, f.message_vi, f.detail,
	    NULL, NULL, NULL, NULL, NULL
	FROM dossier_findings f WHERE f.dossier_id = p_dossier
	UNION ALL
	SELECT 'decision', dd.level, dd.number, dd.decided_on::text, dd.signer,
	    coalesce(dd.achievement_from::text, ''),
	    coalesce(dd.achievement_to::text, ''),
	    (SELECT count(*) FROM awards w WHERE w.decision_id = dd.id)::text,
	    NULL, NULL, NULL
	FROM dossier_decisions dd WHERE dd.dossier_id = p_dossier
$$;

-- auth_request (0005) learns the target kind 'dossier': a dossier by id,
-- which is its unit.
CREATE OR REPLACE FUNCTION auth_request(p_token_hash bytea, p_kind text,
    p_target text, p_extra text)
RETURNS TABLE (status text, account_id bigint, username text,
    display_name text, unit text, must_change boolean, roles text[],
    covering text[], target_unit text, expires_ms bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	s	sessions;
	a	account_view;
	t_path	ltree;
	t_code	text;
	t_kind	text;
BEGIN
	SELECT * INTO s FROM sessions x
	WHERE x.token_hash = p_token_hash AND x.expires_at > now();
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'no_session', NULL::bigint, '', '', '',
		    false, '{}'::text[], '{}'::text[], '', 0::bigint;
		RETURN;
	END IF;
	SELECT * INTO a FROM account_view v WHERE v.id = s.account_id;
	IF a.disabled THEN
		RETURN QUERY SELECT 'disabled', a.id, a.username, '', '', false,
		    '{}'::text[], '{}'::text[], '', 0::bigint;
		RETURN;
	END IF;
	IF p_kind = 'unit' AND p_target = '' THEN
		SELECT u.path, u.code, u.kind INTO t_path, t_code, t_kind
		FROM units u WHERE u.path = a.unit_path;
	ELSIF p_kind = 'unit' THEN
		SELECT u.path, u.code, u.kind INTO t_path, t_code, t_kind
		FROM units u WHERE u.code = p_target;
	ELSIF p_kind = 'block' THEN
		SELECT u.path, u.code, u.kind INTO t_path, t_code, t_kind
		FROM blocks b
		JOIN rulebooks r ON r.id = b.rulebook_id
		JOIN units i ON i.id = r.issuer_unit_id
		JOIN units u ON u.id = b.leader_unit_id
		WHERE b.code = p_target AND (p_extra = '' OR i.code = p_extra)
		ORDER BY r.period_from DESC, r.version DESC LIMIT 1;
	ELSIF p_kind = 'account' THEN
		SELECT u.path, u.code, u.kind INTO t_path, t_code, t_kind
		FROM accounts x JOIN units u ON u.id = x.unit_id
		WHERE x.username = p_target;
	ELSIF p_kind = 'dossier' AND p_target ~ '^[0-9]{1,18}$' THEN
		SELECT u.path, u.code, u.kind INTO t_path, t_code, t_kind
		FROM dossiers d JOIN units u ON u.id = d.unit_id
		WHERE d.id = p_target::bigint;
	END IF;
	RETURN QUERY SELECT 'ok', a.id, a.username, a.display_name, a.unit,
	    a.must_change_password, a.roles,
	    roles_covering(a.id, t_path, t_code, t_kind), coalesce(t_code, ''),
	    (extract(epoch FROM s.expires_at) * 1000)::bigint;
END $$;
