-- 0001_meta.sql - facts about this installation that the server reads.
--
-- installation_id tells apart two databases that look alike (a restored copy,
-- a test cluster): `tdkt ping` shows it, so an operator can see which one a
-- server is really talking to.
CREATE TABLE meta (
	key	text PRIMARY KEY,
	value	text NOT NULL
);

INSERT INTO meta (key, value)
VALUES ('installation_id', gen_random_uuid()::text);
