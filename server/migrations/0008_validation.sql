-- 0008_validation.sql - dossiers validated by the workers: every stored file
-- inspected once (inspect_file), every submission judged against the
-- rulebook and the rules of the domain (validate), the findings and the
-- dossier's next state written with the job's completion.
--
-- A submission now goes:
--
--   submit ──▶ submitted ── validate ──▶ validating ──┬─ check_ok ──▶ awaiting_review
--                                         (a job)      └─ check_failed ─▶ needs_fixes
--
-- The validate job is queued in the submission's transaction once every
-- attached file has been inspected; a file still being inspected makes it
-- wait, and that inspection's completion queues it (dossier_request_check).
-- The job carries only the dossier's id: the server assembles its input
-- (validation_parts) when it dispatches it, and the dossier cannot change
-- meanwhile (validating is not an editable state). If the job is given up,
-- the dossier goes to needs_fixes with a finding saying so, and the school
-- submits again.

INSERT INTO job_kinds (kind, max_attempts, timeout_ms, backoff_ms,
    backoff_max_ms, outside_effect, priority, has_effect)
VALUES
	-- A person waits for these: before other work.
	('validate', 3, 30000, 1000, 30000, false, 5, true),
	-- The worker's child process has 30 s; the rest is transfer.
	('inspect_file', 3, 60000, 2000, 60000, false, 6, true);

-- What the inspection found: format, pages, encrypted, problem, detail
-- (InspectFileResult in proto/worker.proto). NULL: not inspected yet.
ALTER TABLE files ADD COLUMN inspection jsonb;
ALTER TABLE files ADD COLUMN inspected_at timestamptz;

-- Live inspections by file, for the two lookups below.
CREATE INDEX jobs_live_inspections ON jobs (payload)
	WHERE kind = 'inspect_file' AND state IN ('queued', 'running');

-- Queues the inspection of a file unless one is queued or running. The
-- job's payload is the file's SHA-256; the server sends the bytes.
CREATE FUNCTION file_request_inspection(p_sha256 bytea) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'inspect_file'
	    AND state IN ('queued', 'running') AND payload = p_sha256) THEN
		PERFORM job_enqueue('inspect_file', p_sha256);
	END IF;
END $$;

-- Every stored file is inspected once, as soon as it is whole.
CREATE FUNCTION files_inspect_new() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM file_request_inspection(NEW.sha256);
	RETURN NEW;
END $$;
CREATE TRIGGER files_inspect AFTER INSERT ON files
	FOR EACH ROW EXECUTE FUNCTION files_inspect_new();
SELECT file_request_inspection(sha256) FROM files WHERE inspection IS NULL;

-- Queues the validation of a submitted or validating dossier, moving it to
-- validating, unless a file it holds is still being inspected (then that
-- inspection's completion calls this again). With `p_inspect`, on a
-- submission, a file whose inspection was given up is inspected again
-- (and waited for); otherwise it does not hold the dossier back: the
-- validation reports it.
--
-- The dossier's uninspected files are locked first: an inspection that
-- completes meanwhile either committed before (and the check below, a
-- statement of its own, sees its result) or waits for this transaction
-- (and then sees this dossier validating), so neither side can miss the
-- other and leave the dossier waiting for nothing.
CREATE FUNCTION dossier_request_check(p_dossier bigint, p_inspect boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	d	dossiers;
	v_sha	bytea;
BEGIN
	SELECT * INTO d FROM dossiers WHERE id = p_dossier FOR UPDATE;
	IF NOT FOUND OR d.state NOT IN ('submitted', 'validating') THEN
		RETURN;
	END IF;
	IF d.state = 'submitted' THEN
		PERFORM dossier_move(d.id, 'validate', NULL, '', d.step, '');
	END IF;
	PERFORM 1 FROM files f JOIN dossier_documents dd ON dd.sha256 = f.sha256
	WHERE dd.dossier_id = d.id AND f.inspection IS NULL
	ORDER BY f.sha256 FOR SHARE OF f;
	IF p_inspect THEN
		FOR v_sha IN SELECT DISTINCT f.sha256 FROM files f
		    JOIN dossier_documents dd ON dd.sha256 = f.sha256
		    WHERE dd.dossier_id = d.id AND f.inspection IS NULL
		    ORDER BY f.sha256
		LOOP
			PERFORM file_request_inspection(v_sha);
		END LOOP;
	END IF;
	IF EXISTS (SELECT 1 FROM dossier_documents dd
	    JOIN files f ON f.sha256 = dd.sha256
	    JOIN jobs j ON j.kind = 'inspect_file' AND j.payload = f.sha256
		AND j.state IN ('queued', 'running')
	    WHERE dd.dossier_id = d.id AND f.inspection IS NULL) THEN
		RETURN;
	END IF;
	PERFORM job_enqueue('validate', convert_to(d.id::text, 'UTF8'),
	    dossier_check_key(d.id), NULL, d.id);
END $$;

-- The unique key of a dossier's validation at its current version: one
-- check per submission, and the one whose findings count.
CREATE FUNCTION dossier_check_key(p_dossier bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT format('validate:%s:%s', id, version) FROM dossiers
	WHERE id = p_dossier
$$;

-- Submits (or resubmits) a dossier: within its window, or an extension,
-- unless a reviewer returned it; fixes its chain; asks the workers to
-- check it. As in 0006 but for that last step.
CREATE OR REPLACE FUNCTION dossier_do_submit(d dossiers, p_account bigint,
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
	PERFORM dossier_request_check(d.id, true);
	RETURN ROW('ok', d.id, NULL, NULL)::dossier_result;
END $$;

-- The check inside the submission's transaction is gone.
DROP FUNCTION dossier_check(dossiers);

-- Everything validate needs about one dossier, as rows of (kind, f1..f12),
-- text, for the server to build a ValidateJob (server/db_validation.c):
--   job       id, version, type code, type name, purpose, unit code, unit
--             name, block code, period, period from, period to
--   rules     quorum numerator, denominator, discipline blocking from
--   title     code, name, kind, target, decided_by, campaign, min interval
--             years, quota of, quota max percent, per block max, vote min
--             percent, requires
--   required  code, name, editable, pdf
--   document  document, slot, filename, size, sha256 hex, inspected,
--             format, pages, encrypted, problem, detail
--   nominee   nominee id, person code, full name, is head, title, registered
--   discipline  nominee id ('' for the unit's staff), level, decided on,
--             effective to, person code, full name
--   pending   nominee id ('' for the unit), kind, opened on, note
--   award     nominee id, title code, title name, campaign, decision
--             number, decision date, achievement from, achievement to,
--             decided by
--   council   members, present, held on
--   awarded   title code, count (the unit's staff, this period)
--   block     unit code, unit name, title code, dossier id
-- Dates are YYYY-MM-DD, booleans t/f. No rows: no such dossier.
CREATE FUNCTION validation_parts(p_dossier bigint)
RETURNS TABLE (kind text, f1 text, f2 text, f3 text, f4 text, f5 text,
    f6 text, f7 text, f8 text, f9 text, f10 text, f11 text, f12 text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	d	dossiers;
	rb	rulebooks;
	u	units;
	blk	blocks;
BEGIN
	SELECT * INTO d FROM dossiers WHERE id = p_dossier;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	SELECT * INTO rb FROM rulebooks WHERE id = d.rulebook_id;
	SELECT * INTO u FROM units WHERE id = d.unit_id;
	SELECT b.* INTO blk FROM blocks b JOIN block_members m
	    ON m.block_id = b.id
	WHERE b.rulebook_id = d.rulebook_id AND m.unit_id = d.unit_id
	ORDER BY b.code LIMIT 1;

	RETURN QUERY SELECT 'job', d.id::text, d.version::text, d.type_code,
	    t.name, d.purpose, u.code, u.name, coalesce(blk.code, ''),
	    rb.period, rb.period_from::text, rb.period_to::text, NULL::text
	FROM rulebook_dossier_types t
	WHERE t.rulebook_id = d.rulebook_id AND t.code = d.type_code;

	RETURN QUERY SELECT 'rules',
	    coalesce(rb.content->'rules'->>'quorum_numerator', '2'),
	    coalesce(rb.content->'rules'->>'quorum_denominator', '3'),
	    coalesce(rb.content->'rules'->>'discipline_blocks_collective_from',
		'warning'),
	    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text, NULL::text, NULL::text, NULL::text;

	RETURN QUERY SELECT 'title', x->>'code', x->>'name', x->>'kind',
	    x->>'target', x->>'decided_by',
	    coalesce((x->>'campaign')::boolean, false)::text,
	    coalesce(x->>'min_interval_years', '0'),
	    coalesce(x->>'quota_of', ''),
	    coalesce(x->>'quota_max_percent', '0'),
	    coalesce(x->>'per_block_max', '0'),
	    coalesce(x->>'vote_min_percent', '0'),
	    coalesce(x->>'requires', '')
	FROM jsonb_array_elements(rb.content->'titles') x;

	RETURN QUERY SELECT 'required', x->>'code', x->>'name',
	    coalesce((x->>'editable')::boolean, true)::text,
	    coalesce((x->>'pdf')::boolean, true)::text,
	    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text, NULL::text, NULL::text
	FROM rulebook_dossier_types t, jsonb_array_elements(t.documents) x
	WHERE t.rulebook_id = d.rulebook_id AND t.code = d.type_code;

	RETURN QUERY SELECT 'document', dd.document, dd.slot, dd.filename,
	    dd.size::text, encode(dd.sha256, 'hex'),
	    (f.inspection IS NOT NULL)::text,
	    coalesce(f.inspection->>'format', ''),
	    coalesce(f.inspection->>'pages', '0'),
	    coalesce(f.inspection->>'encrypted', 'false'),
	    coalesce(f.inspection->>'problem', ''),
	    coalesce(f.inspection->>'detail', ''), NULL::text
	FROM dossier_documents dd JOIN files f ON f.sha256 = dd.sha256
	WHERE dd.dossier_id = d.id
	ORDER BY dd.document, dd.slot;

	RETURN QUERY SELECT 'nominee', n.id::text, coalesce(p.code, ''),
	    coalesce(p.full_name, u.name),
	    coalesce(p.is_head, false)::text, n.title_code,
	    EXISTS (SELECT 1 FROM registrations r
		WHERE r.rulebook_id = d.rulebook_id AND r.unit_id = d.unit_id
		  AND r.person_id IS NOT DISTINCT FROM n.person_id
		  AND r.title_code = n.title_code)::text,
	    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text
	FROM nominees n LEFT JOIN people p ON p.id = n.person_id
	WHERE n.dossier_id = d.id
	ORDER BY n.id;

	-- The nominees' own discipline, then that of every staff member of
	-- the unit (the collective's).
	RETURN QUERY SELECT 'discipline', n.id::text, r.level,
	    r.decided_on::text, coalesce(r.effective_to::text, ''), p.code,
	    p.full_name, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text, NULL::text
	FROM nominees n JOIN discipline_records r ON r.person_id = n.person_id
	JOIN people p ON p.id = r.person_id
	WHERE n.dossier_id = d.id
	ORDER BY n.id, r.decided_on;
	RETURN QUERY SELECT 'discipline', '', r.level, r.decided_on::text,
	    coalesce(r.effective_to::text, ''), p.code, p.full_name,
	    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text
	FROM people p JOIN discipline_records r ON r.person_id = p.id
	WHERE p.unit_id = d.unit_id
	ORDER BY p.code, r.decided_on;

	RETURN QUERY SELECT 'pending', n.id::text, m.kind, m.opened_on::text,
	    m.note, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text, NULL::text, NULL::text, NULL::text
	FROM nominees n JOIN pending_matters m ON m.person_id = n.person_id
	WHERE n.dossier_id = d.id AND m.closed_on IS NULL
	ORDER BY n.id, m.opened_on;
	RETURN QUERY SELECT 'pending', '', m.kind, m.opened_on::text, m.note,
	    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text, NULL::text, NULL::text
	FROM pending_matters m
	WHERE m.unit_id = d.unit_id AND m.closed_on IS NULL
	ORDER BY m.opened_on;

	-- Earlier awards of each nominee (a person's, or the unit's for the
	-- collective), newest first.
	RETURN QUERY SELECT 'award', n.id::text, a.title_code, a.title_name,
	    a.campaign::text, a.decision_number, a.decision_date::text,
	    coalesce(a.achievement_from::text, ''),
	    coalesce(a.achievement_to::text, ''), a.decided_by, NULL::text,
	    NULL::text, NULL::text
	FROM nominees n JOIN awards a ON (n.person_id IS NOT NULL AND
	    a.person_id = n.person_id) OR (n.person_id IS NULL AND
	    a.unit_id = d.unit_id)
	WHERE n.dossier_id = d.id AND a.nominee_id IS DISTINCT FROM n.id
	ORDER BY n.id, a.decision_date DESC, a.id DESC;

	RETURN QUERY SELECT 'council', coalesce(d.council_members::text, ''),
	    coalesce(d.council_present::text, ''),
	    coalesce(d.meeting_date::text, ''), NULL::text, NULL::text,
	    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text, NULL::text;

	RETURN QUERY SELECT 'awarded', a.title_code, count(*)::text,
	    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
	    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text
	FROM awards a JOIN people p ON p.id = a.person_id
	WHERE p.unit_id = d.unit_id AND NOT a.campaign
	  AND coalesce(a.achievement_to, a.decision_date) BETWEEN
	      rb.period_from AND rb.period_to
	  AND NOT EXISTS (SELECT 1 FROM nominees own
	      WHERE own.id = a.nominee_id AND own.dossier_id = d.id)
	GROUP BY a.title_code ORDER BY a.title_code;

	-- The other units of the block proposing titles it limits per block.
	IF blk.id IS NOT NULL THEN
		RETURN QUERY SELECT 'block', ou.code, ou.name, n.title_code,
		    od.id::text, NULL::text, NULL::text, NULL::text,
		    NULL::text, NULL::text, NULL::text, NULL::text, NULL::text
		FROM block_members m
		JOIN dossiers od ON od.unit_id = m.unit_id
		    AND od.rulebook_id = d.rulebook_id AND od.id <> d.id
		    AND od.state NOT IN ('draft', 'needs_fixes', 'rejected')
		JOIN units ou ON ou.id = od.unit_id
		JOIN nominees n ON n.dossier_id = od.id
		WHERE m.block_id = blk.id AND n.awarded IS NOT FALSE
		  AND n.title_code IN (SELECT x->>'code'
		      FROM jsonb_array_elements(rb.content->'titles') x
		      WHERE coalesce((x->>'per_block_max')::integer, 0) > 0)
		ORDER BY ou.code, n.title_code;
	END IF;
END $$;

-- A validate job's findings ({"dossier_id", "version", "findings":
-- [{code, severity, subject, message_vi, detail}]}): they replace the
-- dossier's, and the dossier moves on, or back to the school. Only the job
-- of the dossier's current round counts (its unique key names the
-- version), and its result must say which dossier and version it judged:
-- a result that does not is refused, and the attempt fails. (The input was
-- read when the job was dispatched, from a dossier that cannot change while
-- it is validated.)
CREATE FUNCTION job_effect_validate(p_job bigint, p_effect jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	d	dossiers;
	errors	integer;
BEGIN
	IF jsonb_typeof(p_effect->'findings') IS DISTINCT FROM 'array' THEN
		RAISE EXCEPTION 'a validation result without its findings';
	END IF;
	SELECT x.* INTO d FROM dossiers x JOIN jobs j ON j.dossier_id = x.id
	WHERE j.id = p_job AND j.unique_key = dossier_check_key(x.id)
	FOR UPDATE OF x;
	IF NOT FOUND OR d.state <> 'validating' THEN
		RETURN;	/* an earlier round's job, retried: it judged old content */
	END IF;
	IF (p_effect->>'dossier_id')::bigint IS DISTINCT FROM d.id OR
	    (p_effect->>'version')::integer IS DISTINCT FROM d.version THEN
		RAISE EXCEPTION 'a validation result about dossier %, version %, '
		    'for dossier %, version %', p_effect->>'dossier_id',
		    p_effect->>'version', d.id, d.version;
	END IF;
	DELETE FROM dossier_findings WHERE dossier_id = d.id;
	INSERT INTO dossier_findings (dossier_id, seq, code, severity, subject,
	    message_vi, detail)
	SELECT d.id, k, f->>'code', f->>'severity', coalesce(f->>'subject', ''),
	    f->>'message_vi', coalesce(f->>'detail', '')
	FROM jsonb_array_elements(p_effect->'findings') WITH ORDINALITY
	    AS x(f, k);
	SELECT count(*) INTO errors FROM dossier_findings
	WHERE dossier_id = d.id AND severity = 'error';
	IF errors > 0 THEN
		PERFORM dossier_move(d.id, 'check_failed', NULL, '', d.step,
		    format('%s lỗi cần sửa', errors));
	ELSE
		-- The unit first decides its own titles, if it has any left.
		PERFORM dossier_move(d.id, 'check_ok', NULL, '',
		    CASE WHEN dossier_pending_at(d, d.chain[1]) > 0 THEN 0
		    ELSE least(1, cardinality(d.chain) - 1) END, '');
	END IF;
END $$;

-- An inspect_file job's report: recorded on the file, and every dossier
-- that waited for it is checked now.
CREATE FUNCTION job_effect_inspect_file(p_job bigint, p_effect jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_sha	bytea;
	v_id	bigint;
BEGIN
	IF jsonb_typeof(p_effect->'format') IS DISTINCT FROM 'string' THEN
		RAISE EXCEPTION 'an inspection without the file''s format';
	END IF;
	SELECT payload INTO v_sha FROM jobs WHERE id = p_job;
	UPDATE files SET inspection = p_effect, inspected_at = now()
	WHERE sha256 = v_sha;
	FOR v_id IN SELECT DISTINCT dd.dossier_id FROM dossier_documents dd
	    JOIN dossiers x ON x.id = dd.dossier_id
	    WHERE dd.sha256 = v_sha AND x.state = 'validating'
	    ORDER BY dd.dossier_id
	LOOP
		PERFORM dossier_request_check(v_id, false);
	END LOOP;
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
	ELSE
		RAISE EXCEPTION 'jobs of kind "%" have no effect to apply',
		    p_kind;
	END CASE;
END $$;

-- Nothing may wait forever for a job given up: a dossier whose
-- validation was given up goes back to the school, which submits again;
-- dossiers waiting for a file whose inspection was given up are checked
-- now (the check reports the file).
CREATE OR REPLACE FUNCTION job_on_given_up(j jobs) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	d	dossiers;
	v_id	bigint;
BEGIN
	IF j.kind = 'validate' THEN
		SELECT * INTO d FROM dossiers WHERE id = j.dossier_id FOR UPDATE;
		IF NOT FOUND OR d.state <> 'validating' THEN
			RETURN;
		END IF;
		DELETE FROM dossier_findings WHERE dossier_id = d.id;
		INSERT INTO dossier_findings (dossier_id, seq, code, severity,
		    subject, message_vi, detail)
		VALUES (d.id, 1, 'check_unavailable', 'error', '',
		    'Hệ thống chưa kiểm tra được hồ sơ. Hãy nộp lại sau ít phút; '
		    'nếu vẫn vậy, hãy báo quản trị hệ thống.',
		    format('validate job %s was %s: %s', j.id, (SELECT state
		    FROM jobs WHERE id = j.id), coalesce(j.last_error, '')));
		PERFORM dossier_move(d.id, 'check_failed', NULL, '', d.step,
		    'không kiểm tra được');
	ELSIF j.kind = 'inspect_file' THEN
		/* As job_effect_inspect_file: against dossier_request_check. */
		PERFORM 1 FROM files WHERE sha256 = j.payload FOR UPDATE;
		FOR v_id IN SELECT DISTINCT dd.dossier_id
		    FROM dossier_documents dd JOIN dossiers x
			ON x.id = dd.dossier_id
		    WHERE dd.sha256 = j.payload AND x.state = 'validating'
		    ORDER BY dd.dossier_id
		LOOP
			PERFORM dossier_request_check(v_id, false);
		END LOOP;
	END IF;
END $$;
