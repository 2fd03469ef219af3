/*
 * db_registration.c - registrations and pacts in PostgreSQL; see
 * db_registration.h. Saving is one call of registrations_save() (migration
 * 0004), which picks the rulebook, checks the deadline and every item, and
 * writes them all or none.
 */
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_registration.h"
#include "xmalloc.h"

struct db_registration_call {
	db_registration_save_cb	*save_cb;
	db_registration_list_cb	*list_cb;
	db_registration_pact_cb	*pact_cb;
	void			*arg;
};

static struct db_registration_call *
db_registration_call_new(void *arg)
{
	struct db_registration_call	*call = xcalloc(1, sizeof *call);

	call->arg = arg;
	return call;
}

static void
db_registration_save_done(void *arg, const PGresult *res, const char *error)
{
	struct db_registration_call	*call = arg;
	struct db_registration_saved	 s = { 0 };
	char				*problems = NULL;

	if (error != NULL || PQntuples(res) != 1) {
		call->save_cb(call->arg, NULL, error != NULL ? error :
		    "unexpected result saving registrations");
		free(call);
		return;
	}
	s.outcome = PQgetvalue(res, 0, 0);
	s.issuer = PQgetvalue(res, 0, 1);
	s.period = PQgetvalue(res, 0, 2);
	s.version = (uint32_t)strtoul(PQgetvalue(res, 0, 3), NULL, 10);
	s.created = (uint32_t)strtoul(PQgetvalue(res, 0, 4), NULL, 10);
	s.updated = (uint32_t)strtoul(PQgetvalue(res, 0, 5), NULL, 10);
	s.deadline = PQgetvalue(res, 0, 6);
	if (!PQgetisnull(res, 0, 7)) {
		problems = xstrdup(PQgetvalue(res, 0, 7));
		s.nproblems = db_split(problems, "\n", &s.problems);
	}
	call->save_cb(call->arg, &s, NULL);
	free(s.problems);
	free(problems);
	free(call);
}

void
db_registration_save(struct db *db, const char *unit, const char *period,
    const char *today, const char *items_json, db_registration_save_cb *cb,
    void *arg)
{
	struct db_registration_call	*call = db_registration_call_new(arg);
	const char			*params[4] = { unit, period, today,
					    items_json };

	call->save_cb = cb;
	db_query(db, "SELECT outcome, issuer, period, version, created, updated,"
	    " coalesce(deadline::text, ''), problems"
	    " FROM registrations_save($1, $2, $3::date, $4::jsonb)", 4, params,
	    db_registration_save_done, call);
}

static void
db_registration_list_done(void *arg, const PGresult *res, const char *error)
{
	struct db_registration_call	*call = arg;
	struct db_registration		*items;
	int				 n;

	if (error != NULL || PQntuples(res) == 0) {
		call->list_cb(call->arg, NULL, NULL, 0, error);
		free(call);
		return;
	}
	/* One row per registration, or one row of NULLs for none. */
	n = PQntuples(res);
	items = xcalloc((size_t)n, sizeof *items);
	if (PQgetisnull(res, 0, 3))
		n = 0;
	for (int i = 0; i < n; i++) {
		items[i].person = PQgetvalue(res, i, 1);
		items[i].person_name = PQgetvalue(res, i, 2);
		items[i].title = PQgetvalue(res, i, 3);
		items[i].title_name = PQgetvalue(res, i, 4);
		items[i].targets = PQgetvalue(res, i, 5);
		items[i].registered_at_unix_ms = strtoll(PQgetvalue(res, i, 6),
		    NULL, 10);
		items[i].period = PQgetvalue(res, i, 7);
	}
	call->list_cb(call->arg, PQgetvalue(res, 0, 0), items, (size_t)n, NULL);
	free(items);
	free(call);
}

void
db_registration_list(struct db *db, const char *unit, const char *period,
    db_registration_list_cb *cb, void *arg)
{
	struct db_registration_call	*call = db_registration_call_new(arg);
	const char			*params[2] = { unit, period };

	call->list_cb = cb;
	db_query(db,
	    "SELECT u.name, coalesce(p.code, ''), coalesce(p.full_name, ''),"
	    "  g.title_code, t.name, g.targets,"
	    "  (extract(epoch FROM g.registered_at) * 1000)::bigint, r.period"
	    " FROM units u"
	    " LEFT JOIN (registrations g"
	    "   JOIN rulebooks r ON r.id = g.rulebook_id"
	    "   JOIN rulebook_titles t ON t.rulebook_id = g.rulebook_id"
	    "     AND t.code = g.title_code"
	    "   LEFT JOIN people p ON p.id = g.person_id)"
	    "  ON g.unit_id = u.id AND ($2 = '' OR r.period = $2)"
	    " WHERE u.code = $1"
	    " ORDER BY r.period, p.full_name NULLS FIRST, g.title_code",
	    2, params, db_registration_list_done, call);
}

static void
db_registration_pact_done(void *arg, const PGresult *res, const char *error)
{
	struct db_registration_call	*call = arg;

	if (error != NULL || PQntuples(res) == 0)
		call->pact_cb(call->arg, NULL, NULL, NULL, error);
	else
		call->pact_cb(call->arg, PQgetvalue(res, 0, 0),
		    PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), NULL);
	free(call);
}

void
db_registration_pact(struct db *db, const char *block, const char *issuer,
    const char *signed_on, const char *note, db_registration_pact_cb *cb,
    void *arg)
{
	struct db_registration_call	*call = db_registration_call_new(arg);
	const char			*params[4] = { block, issuer, signed_on,
					    note };

	call->pact_cb = cb;
	db_query(db,
	    "WITH b AS ("
	    "  SELECT b.id, b.name, u.code AS issuer, r.period FROM blocks b"
	    "  JOIN rulebooks r ON r.id = b.rulebook_id"
	    "  JOIN units u ON u.id = r.issuer_unit_id"
	    "  WHERE b.code = $1 AND ($2 = '' OR u.code = $2)"
	    "  ORDER BY r.period_from DESC, r.version DESC LIMIT 1),"
	    " pact AS ("
	    "  INSERT INTO block_pacts (block_id, signed_on, note)"
	    "  SELECT id, $3::date, $4 FROM b"
	    "  ON CONFLICT (block_id) DO UPDATE SET signed_on = EXCLUDED.signed_on,"
	    "    note = EXCLUDED.note, recorded_at = now()"
	    "  RETURNING block_id)"
	    " SELECT b.name, b.issuer, b.period FROM b JOIN pact ON pact.block_id = b.id",
	    4, params, db_registration_pact_done, call);
}
