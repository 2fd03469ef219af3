-- 0005_accounts.sql - accounts, their roles, sessions, the audit trail, the
-- workers' allow-list, and auth_request(): the one place that says which of
-- a caller's roles reach the unit a request touches (server/auth.c asks it).
--
-- A role is held in the account's unit and reaches that unit's subtree; a
-- specialist's reach is only the schools of their level (and their own
-- office). An account with no unit is system-wide: only administrators are.

CREATE TABLE accounts (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username		text NOT NULL UNIQUE
				CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
	display_name		text NOT NULL CHECK (display_name <> ''
				    AND length(display_name) <= 200),
	unit_id			bigint REFERENCES units (id),
	password_hash		text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
	must_change_password	boolean NOT NULL DEFAULT false,
	disabled_at		timestamptz,
	created_at		timestamptz NOT NULL DEFAULT now(),
	created_by		bigint REFERENCES accounts (id),
	password_changed_at	timestamptz NOT NULL DEFAULT now(),
	last_login_at		timestamptz
);
CREATE INDEX accounts_unit ON accounts (unit_id);

CREATE TABLE account_roles (
	account_id	bigint NOT NULL REFERENCES accounts (id),
	role		text NOT NULL CHECK (role IN ('staff', 'head',
			    'block_leader', 'specialist', 'office_head',
			    'department', 'ministry', 'admin')),
	level		text NOT NULL DEFAULT '' CHECK (level IN ('', 'preschool',
			    'primary', 'lower_secondary', 'upper_secondary')),
	CHECK ((role = 'specialist') = (level <> '')),
	PRIMARY KEY (account_id, role, level)
);

-- Only a hash of each token is kept: a copy of this table opens no session.
CREATE TABLE sessions (
	token_hash	bytea PRIMARY KEY CHECK (length(token_hash) = 32),
	account_id	bigint NOT NULL REFERENCES accounts (id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	address		text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Who did what, when, from where. Append-only: the database itself refuses
-- to change or remove an entry. Failed logins are counted from here, so the
-- rate limit and the record can never disagree.
CREATE TABLE audit_log (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT clock_timestamp(),
	account_id	bigint REFERENCES accounts (id),
	username	text NOT NULL DEFAULT '',	-- as given, for logins
	address		text NOT NULL DEFAULT '',
	action		text NOT NULL,
	target		text NOT NULL DEFAULT '',
	outcome		text NOT NULL CHECK (outcome IN ('ok', 'failed', 'denied',
			    'rate_limited')),
	detail		text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_login_failures_user ON audit_log (username, at)
	WHERE action = 'login' AND outcome = 'failed';
CREATE INDEX audit_log_login_failures_address ON audit_log (address, at)
	WHERE action = 'login' AND outcome = 'failed';

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Workers admitted by their CURVE public key (Z85). A revoked key stays on
-- record; allowing it again clears revoked_at.
CREATE TABLE worker_keys (
	public_key	text PRIMARY KEY CHECK (length(public_key) = 40),
	name		text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
	added_at	timestamptz NOT NULL DEFAULT now(),
	added_by	bigint REFERENCES accounts (id),
	revoked_at	timestamptz,
	revoked_by	bigint REFERENCES accounts (id)
);

-- An account as the client shows it.
CREATE VIEW account_view AS
	SELECT a.id, a.username, a.display_name, coalesce(u.code, '') AS unit,
	    coalesce(u.name, '') AS unit_name,
	    ARRAY(SELECT r.role || CASE WHEN r.level <> '' THEN ':' || r.level
		ELSE '' END FROM account_roles r WHERE r.account_id = a.id
		ORDER BY r.role, r.level) AS roles,
	    a.disabled_at IS NOT NULL AS disabled, a.must_change_password,
	    (extract(epoch FROM a.created_at) * 1000)::bigint AS created_ms,
	    coalesce((extract(epoch FROM a.last_login_at) * 1000)::bigint, 0)
		AS last_login_ms,
	    u.path AS unit_path
	FROM accounts a LEFT JOIN units u ON u.id = a.unit_id;

-- Which of an account's roles reach a unit (path and kind; NULL path: the
-- whole system, which only a system-wide account reaches).
CREATE FUNCTION roles_covering(p_account bigint, p_path ltree, p_code text,
    p_kind text) RETURNS text[] LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(DISTINCT r.role || CASE WHEN r.level <> ''
	    THEN ':' || r.level ELSE '' END), '{}')
	FROM accounts a
	JOIN account_roles r ON r.account_id = a.id
	LEFT JOIN units au ON au.id = a.unit_id
	WHERE a.id = p_account AND (a.unit_id IS NULL OR (p_path IS NOT NULL
	    AND p_path <@ au.path AND (r.role <> 'specialist'
	    OR p_code = au.code OR p_kind = r.level)))
$$;

-- Authorises one request. The caller is found by the hash of the session
-- token; the target is what the request touches:
--   none     the system as a whole
--   unit     a unit by code ('' : the caller's own unit)
--   block    an emulation block by code (p_extra: its issuer, '' the newest),
--            which is its leader school
--   account  an account by username, which is its unit
-- status is 'ok', 'no_session' (unknown, expired or ended) or 'disabled'.
-- covering holds the caller's roles that reach the target; target_unit the
-- code of the unit it resolved to ('' when none or unknown).
CREATE FUNCTION auth_request(p_token_hash bytea, p_kind text, p_target text,
    p_extra text)
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
	END IF;
	RETURN QUERY SELECT 'ok', a.id, a.username, a.display_name, a.unit,
	    a.must_change_password, a.roles,
	    roles_covering(a.id, t_path, t_code, t_kind), coalesce(t_code, ''),
	    (extract(epoch FROM s.expires_at) * 1000)::bigint;
END $$;

-- What a login attempt needs before the password is checked: the account
-- (if any) and the failures counted against it and its address.
CREATE FUNCTION login_begin(p_username text, p_address text, p_window interval)
RETURNS TABLE (account_id bigint, password_hash text, disabled boolean,
    user_failures bigint, address_failures bigint)
LANGUAGE sql STABLE AS $$
	SELECT a.id, coalesce(a.password_hash, ''),
	    coalesce(a.disabled_at IS NOT NULL, false),
	    (SELECT count(*) FROM audit_log l WHERE l.action = 'login'
		AND l.outcome = 'failed' AND l.username = p_username
		AND l.at > now() - p_window),
	    (SELECT count(*) FROM audit_log l WHERE l.action = 'login'
		AND l.outcome = 'failed' AND p_address <> ''
		AND l.address = p_address AND l.at > now() - p_window)
	FROM (SELECT 1) one LEFT JOIN accounts a ON a.username = p_username
$$;

-- Records a login attempt and, when it succeeded, opens the session.
CREATE FUNCTION login_finish(p_account bigint, p_username text,
    p_address text, p_outcome text, p_detail text, p_token_hash bytea,
    p_ttl interval)
RETURNS TABLE (expires_ms bigint) LANGUAGE plpgsql AS $$
DECLARE
	expires timestamptz := now() + p_ttl;
BEGIN
	INSERT INTO audit_log (account_id, username, address, action, outcome,
	    detail)
	VALUES (p_account, p_username, p_address, 'login', p_outcome, p_detail);
	IF p_outcome <> 'ok' THEN
		RETURN QUERY SELECT 0::bigint;
		RETURN;
	END IF;
	DELETE FROM sessions WHERE account_id = p_account AND expires_at <= now();
	INSERT INTO sessions (token_hash, account_id, expires_at, address)
	VALUES (p_token_hash, p_account, expires, p_address);
	UPDATE accounts SET last_login_at = now() WHERE id = p_account;
	RETURN QUERY SELECT (extract(epoch FROM expires) * 1000)::bigint;
END $$;

-- Adds an account. outcome: 'ok', 'exists', 'no_unit' or 'invalid' (with
-- the reason in problem): roles must suit the unit's kind.
CREATE FUNCTION account_add(p_actor bigint, p_address text, p_username text,
    p_display_name text, p_unit text, p_roles text[], p_hash text,
    p_must_change boolean)
RETURNS TABLE (outcome text, problem text) LANGUAGE plpgsql AS $$
DECLARE
	u	units;
	role_text text;
	r	text;
	lvl	text;
	new_id	bigint;
BEGIN
	IF EXISTS (SELECT 1 FROM accounts WHERE username = p_username) THEN
		RETURN QUERY SELECT 'exists', '';
		RETURN;
	END IF;
	IF p_unit <> '' THEN
		SELECT * INTO u FROM units WHERE code = p_unit;
		IF NOT FOUND THEN
			RETURN QUERY SELECT 'no_unit', '';
			RETURN;
		END IF;
	END IF;
	FOREACH role_text IN ARRAY p_roles LOOP
		r := split_part(role_text, ':', 1);
		lvl := substr(role_text, length(r) + 2);
		IF u.id IS NULL AND r <> 'admin' THEN
			RETURN QUERY SELECT 'invalid', format('the role %s needs a '
			    'unit; only administrators are system-wide', r);
			RETURN;
		ELSIF r IN ('specialist', 'office_head') AND u.kind NOT IN
		    ('district_office', 'department', 'ministry', 'office') THEN
			RETURN QUERY SELECT 'invalid', format('the role %s belongs '
			    'to an office, and %s is a %s', r, u.code, u.kind);
			RETURN;
		ELSIF r = 'block_leader' AND u.kind NOT IN ('preschool', 'primary',
		    'lower_secondary', 'upper_secondary', 'multi_level') THEN
			RETURN QUERY SELECT 'invalid', format('the role block_leader '
			    'belongs to a school, and %s is a %s', u.code, u.kind);
			RETURN;
		ELSIF r IN ('department', 'ministry') AND u.kind <> r THEN
			RETURN QUERY SELECT 'invalid', format('the role %s belongs to '
			    'a unit of that kind, and %s is a %s', r, u.code, u.kind);
			RETURN;
		END IF;
	END LOOP;
	INSERT INTO accounts (username, display_name, unit_id, password_hash,
	    must_change_password, created_by)
	VALUES (p_username, p_display_name, u.id, p_hash, p_must_change, p_actor)
	RETURNING id INTO new_id;
	INSERT INTO account_roles (account_id, role, level)
	SELECT DISTINCT new_id, split_part(x, ':', 1),
	    substr(x, length(split_part(x, ':', 1)) + 2)
	FROM unnest(p_roles) x;
	INSERT INTO audit_log (account_id, address, action, target, outcome,
	    detail)
	VALUES (p_actor, p_address, 'user_add', p_username, 'ok',
	    array_to_string(p_roles, ','));
	RETURN QUERY SELECT 'ok', '';
END $$;

-- Sets an account's password; ends its other sessions (all of them when
-- p_keep is NULL). outcome: 'ok' or 'no_account'.
CREATE FUNCTION account_set_password(p_actor bigint, p_address text,
    p_username text, p_hash text, p_must_change boolean, p_keep bytea,
    p_action text)
RETURNS TABLE (outcome text) LANGUAGE plpgsql AS $$
DECLARE
	target_id bigint;
BEGIN
	UPDATE accounts SET password_hash = p_hash,
	    must_change_password = p_must_change, password_changed_at = now()
	WHERE username = p_username RETURNING id INTO target_id;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'no_account';
		RETURN;
	END IF;
	DELETE FROM sessions WHERE account_id = target_id
	    AND (p_keep IS NULL OR token_hash <> p_keep);
	INSERT INTO audit_log (account_id, address, action, target, outcome)
	VALUES (p_actor, p_address, p_action, p_username, 'ok');
	RETURN QUERY SELECT 'ok';
END $$;

-- Disables (ending its sessions) or enables an account. outcome: 'ok' or
-- 'no_account'.
CREATE FUNCTION account_set_disabled(p_actor bigint, p_address text,
    p_username text, p_disabled boolean)
RETURNS TABLE (outcome text) LANGUAGE plpgsql AS $$
DECLARE
	target_id bigint;
BEGIN
	UPDATE accounts SET disabled_at = CASE WHEN p_disabled
	    THEN coalesce(disabled_at, now()) END
	WHERE username = p_username RETURNING id INTO target_id;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'no_account';
		RETURN;
	END IF;
	IF p_disabled THEN
		DELETE FROM sessions WHERE account_id = target_id;
	END IF;
	INSERT INTO audit_log (account_id, address, action, target, outcome)
	VALUES (p_actor, p_address,
	    CASE WHEN p_disabled THEN 'user_disable' ELSE 'user_enable' END,
	    p_username, 'ok');
	RETURN QUERY SELECT 'ok';
END $$;

-- Allows or revokes a worker key. outcome: 'ok', or for a revoke of a key
-- that is not allowed, 'unknown'.
CREATE FUNCTION worker_key_set(p_actor bigint, p_address text, p_key text,
    p_name text, p_allow boolean)
RETURNS TABLE (outcome text) LANGUAGE plpgsql AS $$
BEGIN
	IF p_allow THEN
		INSERT INTO worker_keys (public_key, name, added_by)
		VALUES (p_key, p_name, p_actor)
		ON CONFLICT (public_key) DO UPDATE SET revoked_at = NULL,
		    revoked_by = NULL, name = CASE WHEN EXCLUDED.name <> ''
		    THEN EXCLUDED.name ELSE worker_keys.name END;
	ELSE
		UPDATE worker_keys SET revoked_at = now(), revoked_by = p_actor
		WHERE public_key = p_key AND revoked_at IS NULL;
		IF NOT FOUND THEN
			RETURN QUERY SELECT 'unknown';
			RETURN;
		END IF;
	END IF;
	INSERT INTO audit_log (account_id, address, action, target, outcome,
	    detail)
	VALUES (p_actor, p_address, CASE WHEN p_allow THEN 'worker_allow'
	    ELSE 'worker_revoke' END, p_key, 'ok', p_name);
	RETURN QUERY SELECT 'ok';
END $$;
