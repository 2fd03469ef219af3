-- 0007_jobs.sql - the durable job queue: what the workers are to do, each
-- attempt at it, and what became of it.
--
-- A job is written in the same transaction as the change that needs it (the
-- outbox), so a change and its follow-up work commit or vanish together. The
-- server claims due jobs for workers with credit, leases them, renews the
-- leases of workers it hears from, and accepts a result only under the lease
-- it was given (the fence). Its life, and the only functions that change
-- jobs.state:
--
--                  job_claim               job_complete (ok, its lease)
--   queued ─────────────────────▶ running ─────────────────────────▶ done
--    ▲  ▲                          │ │ │
--    │  └─ failed or lost, with ───┘ │ └─ failed or lost, attempts spent,
--    │     attempts left: back-off   │    or failed for good ──▶ discarded
--    │                               │
--    └──── handed back unrun ────────┘─── lost, and the kind acts outside
--          (job_release)                  (an e-mail may have gone) ─▶ unknown
--
--   discarded, unknown, cancelled ── job_retry ──▶ queued (attempts anew)
--   queued, running, discarded, unknown ── job_cancel ──▶ cancelled
--
-- "Lost" is job_release after a worker died or its connection broke, and
-- job_rescue_expired for leases nobody renewed in time (the server that held
-- them died, or the job outran its time). A result under a lease that is no
-- longer current is "stale": acknowledged, noted on its run, and changes
-- nothing else.
--
-- Who holds a lease: `lease_owner` names the worker for people;
-- `lease_holder` is the server instance and the worker's connection to it
-- ("<instance>/<session>"). Releases and renewals must name the holder, so
-- a server that lost sight of a worker cannot take back or keep alive a
-- lease that the worker's new connection (here or on another server) has
-- since adopted. A result needs no holder: its token is the proof.
--
-- Retention: done and cancelled jobs move to job_history after
-- jobs.keep_done_minutes (job_prune, on the server's schedule), so the hot
-- table holds only live work and the last hour or so. Unique keys live in
-- job_keys, as long as the history (jobs.keep_history_days): no reminder
-- goes out twice within that time.

-- What each kind of job may cost: its attempts, time and back-off, and
-- whether running it acts outside the database (then a lost attempt is
-- never retried blindly). Administrators tune these rows with SQL.
CREATE TABLE job_kinds (
	kind		text PRIMARY KEY CHECK (kind ~ '^[a-z][a-z0-9_]{0,31}$'),
	max_attempts	integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
	timeout_ms	integer NOT NULL CHECK (timeout_ms BETWEEN 100 AND 86400000),
	backoff_ms	integer NOT NULL CHECK (backoff_ms BETWEEN 0 AND 86400000),
	backoff_max_ms	integer NOT NULL CHECK (backoff_max_ms >= backoff_ms),
	outside_effect	boolean NOT NULL,
	priority	smallint NOT NULL DEFAULT 0,
	-- Its results change the database (job_apply_effect): one without
	-- its effect is refused.
	has_effect	boolean NOT NULL DEFAULT false
);
-- echo's time covers its longest delay (TDKT_ECHO_MAX_DELAY_MS, 10 s).
INSERT INTO job_kinds (kind, max_attempts, timeout_ms, backoff_ms,
    backoff_max_ms, outside_effect, priority)
VALUES ('echo', 3, 20000, 500, 30000, false, 10);

CREATE TABLE jobs (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind		text NOT NULL REFERENCES job_kinds (kind),
	payload		bytea NOT NULL,
	priority	smallint NOT NULL DEFAULT 0,
	state		text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued',
			    'running', 'done', 'discarded', 'unknown',
			    'cancelled')),
	due_at		timestamptz NOT NULL,	-- as first asked: latency
	run_at		timestamptz NOT NULL,	-- not before (back-off)
	attempts	integer NOT NULL DEFAULT 0,
	max_attempts	integer NOT NULL,
	timeout_ms	integer NOT NULL,
	unique_key	text CHECK (length(unique_key) BETWEEN 1 AND 200),
	dossier_id	bigint,			-- what it is about, if a dossier
	lease_owner	text,			-- the worker, for people
	lease_holder	text,			-- "<instance>/<session>"
	lease_token	text,
	lease_expires	timestamptz,
	last_error	text,
	result		bytea,
	created_at	timestamptz NOT NULL DEFAULT now(),
	started_at	timestamptz,		-- of the current or last attempt
	finished_at	timestamptz,
	CHECK ((state = 'running') = (lease_token IS NOT NULL)),
	CHECK ((state = 'running') = (lease_expires IS NOT NULL)),
	CHECK ((state = 'running') = (lease_holder IS NOT NULL)),
	CHECK ((state IN ('done', 'cancelled')) = (finished_at IS NOT NULL))
);
-- The claim's scan: only queued rows, in the order they are taken.
CREATE INDEX jobs_queued ON jobs (priority DESC, run_at, id)
	WHERE state = 'queued';
CREATE INDEX jobs_leases ON jobs (lease_expires) WHERE state = 'running';
CREATE INDEX jobs_finished ON jobs (finished_at)
	WHERE state IN ('done', 'cancelled');
CREATE INDEX jobs_attention ON jobs (state, kind)
	WHERE state IN ('discarded', 'unknown');
CREATE INDEX jobs_dossier ON jobs (dossier_id) WHERE dossier_id IS NOT NULL;
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key)
	WHERE unique_key IS NOT NULL;

-- One row per attempt (per lease handed out): who ran it, how it ended,
-- and whether a result came after the lease was gone.
CREATE TABLE job_runs (
	lease_token	text PRIMARY KEY,
	job_id		bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
	attempt		integer NOT NULL,
	worker		text NOT NULL,
	claim_id	text NOT NULL,		-- the claim (or adoption) that leased it
	started_at	timestamptz NOT NULL,
	ended_at	timestamptz,
	outcome		text CHECK (outcome IN ('done', 'failed', 'lost',
			    'expired', 'handed_back', 'unsent', 'cancelled')),
	error		text,
	late_result_at	timestamptz
);
CREATE INDEX job_runs_job ON job_runs (job_id, started_at);
CREATE INDEX job_runs_claim ON job_runs (claim_id) WHERE ended_at IS NULL;

-- Finished jobs, without payload or result; kept jobs.keep_history_days.
CREATE TABLE job_history (
	id		bigint PRIMARY KEY,
	kind		text NOT NULL,
	state		text NOT NULL,
	unique_key	text,
	dossier_id	bigint,
	attempts	integer NOT NULL,
	due_at		timestamptz NOT NULL,
	created_at	timestamptz NOT NULL,
	finished_at	timestamptz NOT NULL,
	last_error	text
);
CREATE INDEX job_history_finished ON job_history (finished_at);

-- Every unique key ever given to job_enqueue, for as long as the history.
-- Its primary key is what makes a duplicate impossible: two enqueues of one
-- key serialise on it, whichever table the first job has moved to.
CREATE TABLE job_keys (
	unique_key	text PRIMARY KEY,
	job_id		bigint NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_keys_created ON job_keys (created_at);

-- job_prune forgets old idempotency keys every minute; without this it
-- would read every key each time.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- The queue churns: every job is inserted, updated two or three times and
-- deleted within the hour. Default autovacuum waits for 20% of the table to
-- be dead, and with a small table that is a moving target while dead
-- tuples pile up in the claim's index. Fixed thresholds make vacuum visit
-- often, and without cost delay each visit is short (the table is small).
ALTER TABLE jobs SET (
	autovacuum_vacuum_scale_factor = 0,
	autovacuum_vacuum_threshold = 2000,
	autovacuum_vacuum_insert_scale_factor = 0,
	autovacuum_vacuum_insert_threshold = 5000,
	autovacuum_analyze_scale_factor = 0,
	autovacuum_analyze_threshold = 5000,
	autovacuum_vacuum_cost_delay = 0
);
ALTER TABLE job_runs SET (
	autovacuum_vacuum_scale_factor = 0,
	autovacuum_vacuum_threshold = 2000,
	autovacuum_vacuum_insert_scale_factor = 0,
	autovacuum_vacuum_insert_threshold = 5000,
	autovacuum_analyze_scale_factor = 0,
	autovacuum_analyze_threshold = 5000,
	autovacuum_vacuum_cost_delay = 0
);

-- A session left idle inside a transaction (an administrator's psql, say)
-- holds back vacuum for every table, and the claim's index bloats behind
-- it. Ours never idle in one; for everyone else on this database, a minute
-- is the limit. Only the database's owner may set it: otherwise its DBA is
-- told.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET idle_in_transaction_session_timeout'
	    ' = %L', current_database(), '1min');
EXCEPTION WHEN insufficient_privilege THEN
	RAISE WARNING 'could not set idle_in_transaction_session_timeout on '
	    'database %: set it to 1min or less by hand', current_database();
END $$;

-- Queues a job of `p_kind`, unless a job with `p_unique_key` was queued
-- within the history's time (then returns NULL). Called inside the
-- transaction of the change that needs it.
CREATE FUNCTION job_enqueue(p_kind text, p_payload bytea,
    p_unique_key text DEFAULT NULL, p_run_at timestamptz DEFAULT NULL,
    p_dossier_id bigint DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	k	job_kinds;
	v_id	bigint;
	v_at	timestamptz := coalesce(p_run_at, now());
BEGIN
	SELECT * INTO k FROM job_kinds WHERE kind = p_kind;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown job kind "%"', p_kind;
	END IF;
	v_id := nextval(pg_get_serial_sequence('jobs', 'id'));
	IF p_unique_key IS NOT NULL THEN
		INSERT INTO job_keys (unique_key, job_id)
		VALUES (p_unique_key, v_id)
		ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			RETURN NULL;
		END IF;
	END IF;
	INSERT INTO jobs (id, kind, payload, priority, due_at, run_at,
	    max_attempts, timeout_ms, unique_key, dossier_id)
	OVERRIDING SYSTEM VALUE
	VALUES (v_id, p_kind, p_payload, k.priority, v_at, v_at,
	    k.max_attempts, k.timeout_ms, p_unique_key, p_dossier_id);
	RETURN v_id;
END $$;

-- Leases up to `p_limit` due jobs of `p_kinds` to worker `p_owner` through
-- `p_holder`, most urgent first, skipping rows another transaction holds.
-- `p_claim` names this claim, so that its leases can be given back if its
-- answer never reached the server (job_release_claim).
CREATE FUNCTION job_claim(p_owner text, p_holder text, p_claim text,
    p_kinds text[], p_limit integer, p_lease_ms integer)
RETURNS TABLE (id bigint, kind text, payload bytea, lease_token text,
    timeout_ms integer, attempts integer)
LANGUAGE sql AS $$
	-- The ids as one array: the update then looks them up by primary key.
	-- Joined as rows, the planner takes the limit for a tenth of the table
	-- and hashes all of it.
	WITH next AS (
		SELECT array_agg(x.id) AS ids FROM (
			SELECT j.id FROM jobs j
			WHERE j.state = 'queued' AND j.run_at <= now()
			  AND j.kind = ANY (p_kinds)
			ORDER BY j.priority DESC, j.run_at, j.id
			LIMIT p_limit
			FOR UPDATE SKIP LOCKED) x
	), claimed AS (
		UPDATE jobs j SET state = 'running', attempts = j.attempts + 1,
		    lease_owner = p_owner, lease_holder = p_holder,
		    lease_token = replace(gen_random_uuid()::text, '-', ''),
		    lease_expires = now() + p_lease_ms * interval '1 ms',
		    started_at = now()
		FROM next WHERE j.id = ANY (next.ids)
		RETURNING j.id, j.kind, j.payload, j.lease_token, j.timeout_ms,
		    j.attempts, j.priority, j.run_at
	), runs AS (
		INSERT INTO job_runs (lease_token, job_id, attempt, worker,
		    claim_id, started_at)
		SELECT c.lease_token, c.id, c.attempts, p_owner, p_claim, now()
		FROM claimed c
	)
	SELECT c.id, c.kind, c.payload, c.lease_token, c.timeout_ms, c.attempts
	FROM claimed c ORDER BY c.priority DESC, c.run_at, c.id
$$;

-- Equal jitter: half the exponential delay for sure, half at random, so
-- jobs that failed together do not all come back together.
CREATE FUNCTION job_backoff(p_attempt integer, p_base_ms integer,
    p_max_ms integer)
RETURNS interval LANGUAGE sql VOLATILE AS $$
	SELECT (d / 2 + random() * d / 2) * interval '1 ms'
	FROM (SELECT least(p_max_ms::float8,
	    p_base_ms * power(2::float8, least(greatest(p_attempt - 1, 0), 40)))
	    AS d) x
$$;

-- After an attempt that failed (`p_lost`: the worker vanished, so it may
-- have acted): queued after a back-off, discarded, or unknown. The job's
-- row is locked by the caller. Returns the new state.
CREATE FUNCTION job_settle_failure(j jobs, p_error text, p_lost boolean,
    p_permanent boolean)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	k	job_kinds;
	v_state	text;
BEGIN
	SELECT * INTO k FROM job_kinds WHERE kind = j.kind;
	IF p_lost AND k.outside_effect THEN
		v_state := 'unknown';
	ELSIF p_permanent OR j.attempts >= j.max_attempts THEN
		v_state := 'discarded';
	ELSE
		v_state := 'queued';
	END IF;
	UPDATE jobs SET state = v_state, last_error = p_error,
	    lease_token = NULL, lease_expires = NULL, lease_holder = NULL,
	    run_at = CASE WHEN v_state = 'queued' THEN now() +
		job_backoff(j.attempts, k.backoff_ms, k.backoff_max_ms)
		ELSE run_at END
	WHERE id = j.id;
	IF v_state <> 'queued' THEN
		PERFORM job_given_up(j);
	END IF;
	RETURN v_state;
END $$;

-- What a finished job of a kind does to the rest of the database, with
-- `p_effect` the server's reading of the worker's result; later
-- migrations give kinds their effects. Runs in the completion's
-- transaction, the job's row locked: an effect happens exactly when its
-- job is done.
CREATE FUNCTION job_apply_effect(p_kind text, p_job bigint, p_effect jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'jobs of kind "%" have no effect to apply', p_kind;
END $$;

-- What a kind does when one of its jobs is given up (discarded or
-- unknown), so that nothing waits for it forever; later migrations fill
-- it in. The job's row is locked.
CREATE FUNCTION job_on_given_up(j jobs) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
END $$;

-- Runs job_on_given_up in a subtransaction: whatever it trips over must
-- not take down the completion, rescue or cancel that gave the job up.
CREATE FUNCTION job_given_up(j jobs) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM job_on_given_up(j);
EXCEPTION WHEN OTHERS THEN
	RAISE WARNING 'job %: its kind''s hook for a job given up failed: %',
	    j.id, SQLERRM;
END $$;

-- Results of attempts, one per array position: applied only to a job
-- still running under that lease token, each with its effects in this
-- transaction. Returns each one's outcome: 'done', the state a failure
-- led to ('queued', 'discarded'), or 'stale'.
--
-- Effects go first, each in a subtransaction: one that fails turns its
-- result into a failed attempt instead of taking the whole batch down.
-- Then the remaining successes, nearly all of them, complete in one
-- statement; failures and stale results go one by one. Rows are locked in
-- id order.
CREATE FUNCTION job_complete(p_ids bigint[], p_tokens text[], p_ok boolean[],
    p_results bytea[], p_effects jsonb[], p_errors text[],
    p_permanent boolean[])
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
	    p_permanent) AS u(id, token, ok, error, permanent)
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
		IF r.ok THEN
			r.error := v_why[array_position(v_failed, r.id)];
			r.permanent := false;
		END IF;
		UPDATE job_runs SET ended_at = now(), outcome = 'failed',
		    error = r.error
		WHERE job_runs.lease_token = r.token;
		outcome := job_settle_failure(j, r.error, false, r.permanent);
		RETURN NEXT;
	END LOOP;
END $$;

-- Takes a lease back without a result, as job_release and
-- job_release_claim do. The row is locked by the caller.
CREATE FUNCTION job_take_back(j jobs, p_why text, p_error text)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	UPDATE job_runs SET ended_at = now(), outcome = p_why, error = p_error
	WHERE lease_token = j.lease_token;
	IF p_why = 'lost' THEN
		RETURN job_settle_failure(j, p_error, true, false);
	END IF;
	UPDATE jobs SET state = 'queued', run_at = now(),
	    attempts = greatest(attempts - 1, 0),
	    lease_token = NULL, lease_expires = NULL, lease_holder = NULL
	WHERE id = j.id;
	RETURN 'queued';
END $$;

-- Takes leases of `p_holder` back without a result. `p_why`: 'handed_back'
-- (the worker gave it back unrun) and 'unsent' (it never reached the
-- worker) cost no attempt and queue the job at once; 'lost' (the worker
-- died or its connection broke mid-job) counts as a failed attempt that
-- may have acted. Returns the state each job went to; leases no longer
-- current, or held elsewhere now, are left alone.
CREATE FUNCTION job_release(p_ids bigint[], p_tokens text[], p_holder text,
    p_why text, p_error text)
RETURNS TABLE (id bigint, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
	r	record;
	j	jobs;
BEGIN
	IF p_why NOT IN ('handed_back', 'unsent', 'lost') THEN
		RAISE EXCEPTION 'job_release: unknown reason "%"', p_why;
	END IF;
	FOR r IN SELECT u.* FROM unnest(p_ids, p_tokens) AS u(id, token)
	    ORDER BY u.id
	LOOP
		SELECT * INTO j FROM jobs WHERE jobs.id = r.id FOR UPDATE;
		IF NOT FOUND OR j.state <> 'running' OR
		    j.lease_token IS DISTINCT FROM r.token OR
		    j.lease_holder IS DISTINCT FROM p_holder THEN
			CONTINUE;
		END IF;
		id := j.id;
		outcome := job_take_back(j, p_why, p_error);
		RETURN NEXT;
	END LOOP;
END $$;

-- Gives back, unsent, what claim `p_claim` of `p_holder` leased: its answer
-- never reached the server (the connection broke after the commit), so no
-- worker has these jobs. Returns how many.
CREATE FUNCTION job_release_claim(p_claim text, p_holder text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	j	jobs;
	n	integer := 0;
BEGIN
	FOR j IN SELECT jobs.* FROM jobs JOIN job_runs r
	    ON r.lease_token = jobs.lease_token
	    WHERE r.claim_id = p_claim AND r.ended_at IS NULL
	      AND jobs.state = 'running' AND jobs.lease_holder = p_holder
	    ORDER BY jobs.id FOR UPDATE OF jobs
	LOOP
		PERFORM job_take_back(j, 'unsent',
		    'the claim''s answer was lost with the connection');
		n := n + 1;
	END LOOP;
	RETURN n;
END $$;

-- Extends leases, each only for its holder and while its job is within
-- its own time. Returns the leases it did not extend (no longer running
-- under that token, held elsewhere, or out of time), so that the server
-- stops counting them.
CREATE FUNCTION job_renew(p_ids bigint[], p_tokens text[], p_holders text[],
    p_lease_ms integer)
RETURNS TABLE (id bigint, lease_token text)
LANGUAGE sql AS $$
	WITH renewed AS (
		UPDATE jobs j SET lease_expires = now() + p_lease_ms *
		    interval '1 ms'
		FROM unnest(p_ids, p_tokens, p_holders) AS u(id, token, holder)
		WHERE j.id = u.id AND j.lease_token = u.token
		  AND j.state = 'running' AND j.lease_holder = u.holder
		  AND now() < j.started_at + j.timeout_ms * interval '1 ms'
		RETURNING j.id
	)
	SELECT u.id, u.token FROM unnest(p_ids, p_tokens) AS u(id, token)
	WHERE u.id NOT IN (SELECT renewed.id FROM renewed)
$$;

-- A worker that reconnected, here or to another server, still runs these
-- jobs: they stay its, under the same tokens, now through `p_holder`.
-- Returns those still current and within their own time.
CREATE FUNCTION job_adopt(p_owner text, p_holder text, p_ids bigint[],
    p_tokens text[], p_lease_ms integer)
RETURNS TABLE (id bigint, lease_token text, kind text, timeout_ms integer)
LANGUAGE sql AS $$
	UPDATE jobs j SET lease_owner = p_owner, lease_holder = p_holder,
	    lease_expires = now() + p_lease_ms * interval '1 ms'
	FROM unnest(p_ids, p_tokens) AS u(id, token)
	WHERE j.id = u.id AND j.lease_token = u.token AND j.state = 'running'
	  AND now() < j.started_at + j.timeout_ms * interval '1 ms'
	RETURNING j.id, j.lease_token, j.kind,
	    greatest(0, j.timeout_ms - (extract(epoch FROM now() - j.started_at)
	    * 1000)::integer)
$$;

-- Leases nobody renewed in time: their server died with them, or the job
-- outran its time on a worker that still heartbeats. Each is a lost
-- attempt. Returns what became of them.
CREATE FUNCTION job_rescue_expired(p_limit integer)
RETURNS TABLE (id bigint, lease_token text, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
	j	jobs;
BEGIN
	FOR j IN SELECT * FROM jobs
	    WHERE state = 'running' AND lease_expires < now()
	    ORDER BY jobs.id LIMIT p_limit FOR UPDATE SKIP LOCKED
	LOOP
		UPDATE job_runs SET ended_at = now(), outcome = 'expired',
		    error = 'lease expired'
		WHERE job_runs.lease_token = j.lease_token;
		id := j.id;
		lease_token := j.lease_token;
		outcome := job_settle_failure(j, format('the lease of %s ' ||
		    'expired: the job outran %s ms or nobody heard from it',
		    j.lease_owner, j.timeout_ms), true, false);
		RETURN NEXT;
	END LOOP;
END $$;

-- An administrator's second chance for a job that ended badly: queued
-- now with its attempts anew. Returns the job's state afterwards, or NULL
-- if there is no such job.
CREATE FUNCTION job_retry(p_id bigint)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	j	jobs;
BEGIN
	SELECT * INTO j FROM jobs WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF j.state NOT IN ('discarded', 'unknown', 'cancelled') THEN
		RETURN j.state;
	END IF;
	UPDATE jobs SET state = 'queued', attempts = 0, run_at = now(),
	    finished_at = NULL
	WHERE id = p_id;
	RETURN 'queued';
END $$;

-- Stops a job for good. A running job's worker may still finish; its
-- result is then stale and changes nothing. Returns the state afterwards
-- ('done' stays done), or NULL if there is no such job.
CREATE FUNCTION job_cancel(p_id bigint)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	j	jobs;
BEGIN
	SELECT * INTO j FROM jobs WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF j.state IN ('done', 'cancelled') THEN
		RETURN j.state;
	END IF;
	IF j.state = 'running' THEN
		UPDATE job_runs SET ended_at = now(), outcome = 'cancelled'
		WHERE lease_token = j.lease_token;
	END IF;
	UPDATE jobs SET state = 'cancelled', finished_at = now(),
	    lease_token = NULL, lease_expires = NULL, lease_holder = NULL
	WHERE id = p_id;
	IF j.state IN ('queued', 'running') THEN
		PERFORM job_given_up(j);
	END IF;
	RETURN 'cancelled';
END $$;

-- Moves up to `p_batch` jobs finished more than `p_keep_done` ago into the
-- history, forgets history older than `p_keep_history`, and idempotency
-- keys older than `p_keep_keys` (a client retries within minutes, not
-- months). Returns how many jobs moved.
CREATE FUNCTION job_prune(p_keep_done interval, p_keep_history interval,
    p_keep_keys interval, p_batch integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	v_moved	integer;
BEGIN
	WITH gone AS (
		DELETE FROM jobs WHERE id IN (
			SELECT id FROM jobs
			WHERE state IN ('done', 'cancelled')
			  AND finished_at < now() - p_keep_done
			ORDER BY finished_at LIMIT p_batch
			FOR UPDATE SKIP LOCKED)
		RETURNING *
	), moved AS (
		INSERT INTO job_history (id, kind, state, unique_key,
		    dossier_id, attempts, due_at, created_at, finished_at,
		    last_error)
		SELECT id, kind, state, unique_key, dossier_id, attempts,
		    due_at, created_at, finished_at, last_error
		FROM gone
		RETURNING 1
	)
	SELECT count(*) INTO v_moved FROM moved;
	DELETE FROM job_history WHERE finished_at < now() - p_keep_history;
	DELETE FROM job_keys WHERE created_at < now() - p_keep_history;
	DELETE FROM idempotency_keys WHERE created_at < now() - p_keep_keys;
	RETURN v_moved;
END $$;

-- Per kind: the queue's depth, what runs, what needs a person, and the
-- latency (due → done) of the jobs finished in the last hour.
CREATE FUNCTION job_stats()
RETURNS TABLE (kind text, queued bigint, due bigint, running bigint,
    discarded bigint, unknown bigint, oldest_due_ms bigint,
    done_last_hour bigint, p50_ms bigint, p95_ms bigint)
LANGUAGE sql STABLE AS $$
	WITH live AS (
		SELECT j.kind,
		    count(*) FILTER (WHERE j.state = 'queued') AS queued,
		    count(*) FILTER (WHERE j.state = 'queued' AND
			j.run_at <= now()) AS due,
		    count(*) FILTER (WHERE j.state = 'running') AS running,
		    count(*) FILTER (WHERE j.state = 'discarded') AS discarded,
		    count(*) FILTER (WHERE j.state = 'unknown') AS unknown,
		    max(extract(epoch FROM now() - j.run_at) * 1000)
			FILTER (WHERE j.state = 'queued' AND j.run_at <= now())
			AS oldest_due_ms
		FROM jobs j WHERE j.state NOT IN ('done', 'cancelled')
		GROUP BY j.kind
	), finished AS (
		SELECT f.kind, extract(epoch FROM f.finished_at - f.due_at)
		    * 1000 AS ms
		FROM (SELECT j.kind, j.due_at, j.finished_at FROM jobs j
		      WHERE j.state = 'done'
			AND j.finished_at > now() - interval '1 hour'
		      UNION ALL
		      SELECT h.kind, h.due_at, h.finished_at FROM job_history h
		      WHERE h.state = 'done'
			AND h.finished_at > now() - interval '1 hour') f
	), latency AS (
		SELECT f.kind, count(*) AS done_last_hour,
		    percentile_cont(0.5) WITHIN GROUP (ORDER BY f.ms) AS p50,
		    percentile_cont(0.95) WITHIN GROUP (ORDER BY f.ms) AS p95
		FROM finished f GROUP BY f.kind
	)
	SELECT k.kind, coalesce(l.queued, 0), coalesce(l.due, 0),
	    coalesce(l.running, 0), coalesce(l.discarded, 0),
	    coalesce(l.unknown, 0), coalesce(l.oldest_due_ms, 0)::bigint,
	    coalesce(t.done_last_hour, 0), coalesce(t.p50, 0)::bigint,
	    coalesce(t.p95, 0)::bigint
	FROM job_kinds k
	LEFT JOIN live l ON l.kind = k.kind
	LEFT JOIN latency t ON t.kind = k.kind
	ORDER BY k.kind
$$;

-- job_retry or job_cancel for an administrator, audited. Returns the
-- state before and after, or no row if there is no such job.
CREATE FUNCTION job_admin_act(p_id bigint, p_action text, p_account bigint,
    p_address text)
RETURNS TABLE (state_before text, state_after text)
LANGUAGE plpgsql AS $$
BEGIN
	SELECT j.state INTO state_before FROM jobs j WHERE j.id = p_id;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF p_action = 'retry' THEN
		state_after := job_retry(p_id);
	ELSIF p_action = 'cancel' THEN
		state_after := job_cancel(p_id);
	ELSE
		RAISE EXCEPTION 'job_admin_act: unknown action "%"', p_action;
	END IF;
	INSERT INTO audit_log (account_id, address, action, target, outcome,
	    detail)
	VALUES (p_account, p_address, 'job_' || p_action, 'job ' || p_id,
	    CASE WHEN state_before = 'done' THEN 'failed' ELSE 'ok' END,
	    state_before || ' -> ' || state_after);
	RETURN NEXT;
END $$;
