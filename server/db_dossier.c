/*
 * db_dossier.c - dossiers in PostgreSQL; see db_dossier.h. The SQL lives in
 * migration 0006 (dossier_act, dossier_view, dossier_parts); this file
 * passes parameters and turns rows into messages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_dossier.h"
#include "db_internal.h"
#include "xmalloc.h"

/* The columns of dossier_view a Dossier message is made of; $1 is today. */
#define DB_DOSSIER_COLUMNS						\
	"id, type_code, type_name, purpose, unit, unit_name, issuer, period,"	\
	" label, state, version, chain, step, level, level_name,"		\
	" awaiting_unit, awaiting_unit_name, opens::text, closes::text,"	\
	" coalesce(extension_until::text, ''), coalesce(due::text, ''),"	\
	" coalesce(due - $1::date, 0), coalesce(council_members, 0),"		\
	" coalesce(council_present, 0), coalesce(meeting_date::text, ''),"	\
	" nominees, created_ms, updated_ms, submitted_ms, awaiting_since_ms"

struct db_dossier_call {
	struct arena		*arena;
	uint64_t		 dossier_id;
	db_dossier_act_cb	*act_cb;
	db_dossier_list_cb	*list_cb;
	db_dossier_show_cb	*show_cb;
	db_dossier_findings_cb	*findings_cb;
	db_dossier_history_cb	*history_cb;
	Tdkt__DossierShowReply	*show;
	void			*arg;
	struct db		*db;
};

static struct db_dossier_call *
db_dossier_call_new(struct db *db, struct arena *a, void *arg)
{
	struct db_dossier_call	*call = xcalloc(1, sizeof *call);

	call->db = db;
	call->arena = a;
	call->arg = arg;
	return call;
}

/* A copy of a field in the arena; "" once the arena is spent (checked later). */
static char *
db_dossier_text(struct arena *a, const PGresult *res, int row, int col)
{
	char	*s = arena_strdup(a, PQgetvalue(res, row, col));

	return s != NULL ? s : (char *)"";
}

static int64_t
db_dossier_int(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* An array of n message pointers in the arena, or NULL. */
static void **
db_dossier_array(struct arena *a, size_t n)
{
	return arena_zalloc(a, (n > 0 ? n : 1) * sizeof(void *));
}

static void
db_dossier_act_done(void *arg, const PGresult *res, const char *error)
{
	struct db_dossier_call	*call = arg;
	struct db_dossier_acted	 acted = { 0 };
	char			*problems = NULL;

	if (error != NULL || PQntuples(res) != 1) {
		call->act_cb(call->arg, NULL, error != NULL ? error :
		    "unexpected result from dossier_act");
		free(call);
		return;
	}
	acted.outcome = PQgetvalue(res, 0, 0);
	acted.dossier_id = (uint64_t)db_dossier_int(res, 0, 1);
	acted.version = (uint32_t)db_dossier_int(res, 0, 2);
	acted.state = PQgetvalue(res, 0, 3);
	acted.level = PQgetvalue(res, 0, 4);
	acted.level_name = PQgetvalue(res, 0, 5);
	acted.awaiting_unit = PQgetvalue(res, 0, 6);
	acted.awaiting_unit_name = PQgetvalue(res, 0, 7);
	if (!PQgetisnull(res, 0, 8)) {
		problems = xstrdup(PQgetvalue(res, 0, 8));
		acted.nproblems = db_split(problems, "\n", &acted.problems);
	}
	acted.note = PQgetvalue(res, 0, 9);
	acted.replayed = strcmp(PQgetvalue(res, 0, 10), "t") == 0;
	call->act_cb(call->arg, &acted, NULL);
	free(acted.problems);
	free(problems);
	free(call);
}

void
db_dossier_act(struct db *db, const struct db_dossier_action *act,
    db_dossier_act_cb *cb, void *arg)
{
	struct db_dossier_call	*call = db_dossier_call_new(db, NULL, arg);
	char			 account[24], dossier[24], version[16];
	const char		*params[9];

	call->act_cb = cb;
	snprintf(account, sizeof account, "%" PRId64, act->account_id);
	snprintf(dossier, sizeof dossier, "%" PRIu64, act->dossier_id);
	snprintf(version, sizeof version, "%" PRIu32, act->if_version);
	params[0] = account;
	params[1] = act->address;
	params[2] = act->roles;
	params[3] = act->key;
	params[4] = act->action;
	params[5] = act->dossier_id != 0 ? dossier : NULL;
	params[6] = version;
	params[7] = act->args_json;
	params[8] = act->today;
	db_query(db, "SELECT outcome, coalesce(dossier_id, 0), version, state,"
	    " level, level_name, awaiting_unit, awaiting_unit_name, problems,"
	    " coalesce(note, ''), replayed"
	    " FROM dossier_act($1, $2, $3::text[], $4, $5, id_or_null($6), $7, $8::jsonb,"
	    " $9::date)", 9, params, db_dossier_act_done, call);
}

/* A Dossier message from a row of DB_DOSSIER_COLUMNS. */
static Tdkt__Dossier *
db_dossier_row(struct arena *a, const PGresult *res, int row)
{
	Tdkt__Dossier	*d = arena_zalloc(a, sizeof *d);
	char		*chain;

	if (d == NULL)
		return NULL;
	tdkt__dossier__init(d);
	d->id = (uint64_t)db_dossier_int(res, row, 0);
	d->type = db_dossier_text(a, res, row, 1);
	d->type_name = db_dossier_text(a, res, row, 2);
	d->purpose = db_dossier_text(a, res, row, 3);
	d->unit = db_dossier_text(a, res, row, 4);
	d->unit_name = db_dossier_text(a, res, row, 5);
	d->issuer = db_dossier_text(a, res, row, 6);
	d->period = db_dossier_text(a, res, row, 7);
	d->label = db_dossier_text(a, res, row, 8);
	d->state = db_dossier_text(a, res, row, 9);
	d->version = (uint32_t)db_dossier_int(res, row, 10);
	chain = db_dossier_text(a, res, row, 11);
	if (chain[0] != '\0') {
		char	**items;
		size_t	  n = db_split(chain, ",", &items);

		d->chain = (char **)db_dossier_array(a, n);
		if (d->chain != NULL) {
			memcpy(d->chain, items, n * sizeof *items);
			d->n_chain = n;
		}
		free(items);
	}
	d->step = (uint32_t)db_dossier_int(res, row, 12);
	d->level = db_dossier_text(a, res, row, 13);
	d->level_name = db_dossier_text(a, res, row, 14);
	d->awaiting_unit = db_dossier_text(a, res, row, 15);
	d->awaiting_unit_name = db_dossier_text(a, res, row, 16);
	d->opens = db_dossier_text(a, res, row, 17);
	d->closes = db_dossier_text(a, res, row, 18);
	d->extension_until = db_dossier_text(a, res, row, 19);
	d->due = db_dossier_text(a, res, row, 20);
	d->days_left = (int32_t)db_dossier_int(res, row, 21);
	d->council_members = (uint32_t)db_dossier_int(res, row, 22);
	d->council_present = (uint32_t)db_dossier_int(res, row, 23);
	d->meeting_date = db_dossier_text(a, res, row, 24);
	d->nominees = (uint32_t)db_dossier_int(res, row, 25);
	d->created_at_unix_ms = db_dossier_int(res, row, 26);
	d->updated_at_unix_ms = db_dossier_int(res, row, 27);
	d->submitted_at_unix_ms = db_dossier_int(res, row, 28);
	d->awaiting_since_unix_ms = db_dossier_int(res, row, 29);
	return d;
}

static void
db_dossier_list_done(void *arg, const PGresult *res, const char *error)
{
	struct db_dossier_call	*call = arg;
	Tdkt__Dossier		**items = NULL;
	size_t			  n = 0;

	if (error == NULL) {
		n = (size_t)PQntuples(res);
		items = (Tdkt__Dossier **)db_dossier_array(call->arena, n);
		for (size_t i = 0; items != NULL && i < n; i++)
			items[i] = db_dossier_row(call->arena, res, (int)i);
		if (arena_exhausted(call->arena))
			error = "the answer is over the request's memory budget";
	}
	call->list_cb(call->arg, error == NULL ? items : NULL,
	    error == NULL ? n : 0, error);
	free(call);
}

void
db_dossier_list(struct db *db, struct arena *a,
    const struct db_dossier_filter *f, db_dossier_list_cb *cb, void *arg)
{
	struct db_dossier_call	*call = db_dossier_call_new(db, a, arg);
	char			 limit[16], account[24];
	const char		*params[7];

	call->list_cb = cb;
	snprintf(limit, sizeof limit, "%" PRIu32, f->limit);
	snprintf(account, sizeof account, "%" PRId64, f->account_id);
	params[0] = f->today;
	params[1] = f->unit;
	params[2] = f->state;
	params[3] = f->type;
	params[4] = f->period;
	params[5] = limit;
	params[6] = account;
	db_query(db, "SELECT " DB_DOSSIER_COLUMNS " FROM dossier_view v"
	    " WHERE v.unit_path <@ (SELECT path FROM units WHERE code = $2)"
	    "  AND ($3 = '' OR v.state = $3) AND ($4 = '' OR v.type_code = $4)"
	    "  AND ($5 = '' OR v.period = $5)"
	    "  AND cardinality(roles_covering($7::bigint, v.unit_path, v.unit,"
	    "   v.unit_kind)) > 0"
	    " ORDER BY v.updated_ms DESC, v.id DESC LIMIT $6::integer",
	    7, params, db_dossier_list_done, call);
}

void
db_dossier_queue(struct db *db, struct arena *a, int64_t account_id,
    const char *today, db_dossier_list_cb *cb, void *arg)
{
	struct db_dossier_call	*call = db_dossier_call_new(db, a, arg);
	char			 account[24];
	const char		*params[2] = { today, account };

	call->list_cb = cb;
	snprintf(account, sizeof account, "%" PRId64, account_id);
	db_query(db, "SELECT " DB_DOSSIER_COLUMNS " FROM dossier_view v"
	    " WHERE v.state = 'awaiting_review' AND v.awaiting_unit_id ="
	    "  (SELECT unit_id FROM accounts WHERE id = $2::bigint)"
	    "  AND cardinality(roles_covering($2::bigint, v.unit_path, v.unit,"
	    "   v.unit_kind)) > 0"
	    " ORDER BY v.awaiting_since, v.id LIMIT 1000",
	    2, params, db_dossier_list_done, call);
}

/* Fills one part of a dossier from a dossier_parts() row. */
static void
db_dossier_part(struct arena *a, Tdkt__DossierShowReply *show,
    const PGresult *res, int row)
{
	const char	*kind = PQgetvalue(res, row, 0);

	if (strcmp(kind, "document") == 0) {
		Tdkt__DossierDocument *d = arena_zalloc(a, sizeof *d);

		if (d == NULL)
			return;
		tdkt__dossier_document__init(d);
		d->document = db_dossier_text(a, res, row, 1);
		d->name = db_dossier_text(a, res, row, 2);
		d->slot = db_dossier_text(a, res, row, 3);
		d->required = strcmp(PQgetvalue(res, row, 4), "true") == 0;
		d->sha256 = db_dossier_text(a, res, row, 5);
		d->filename = db_dossier_text(a, res, row, 6);
		d->size = (uint64_t)db_dossier_int(res, row, 7);
		d->attached_at_unix_ms = db_dossier_int(res, row, 8);
		show->documents[show->n_documents++] = d;
	} else if (strcmp(kind, "nominee") == 0) {
		Tdkt__Nominee *n = arena_zalloc(a, sizeof *n);

		if (n == NULL)
			return;
		tdkt__nominee__init(n);
		n->person = db_dossier_text(a, res, row, 1);
		n->person_name = db_dossier_text(a, res, row, 2);
		n->title = db_dossier_text(a, res, row, 3);
		n->title_name = db_dossier_text(a, res, row, 4);
		n->summary = db_dossier_text(a, res, row, 5);
		n->decided_by = db_dossier_text(a, res, row, 6);
		n->decision = db_dossier_text(a, res, row, 7);
		n->source = db_dossier_text(a, res, row, 8);
		n->achievement_from = db_dossier_text(a, res, row, 9);
		n->achievement_to = db_dossier_text(a, res, row, 10);
		show->nominees[show->n_nominees++] = n;
	} else if (strcmp(kind, "finding") == 0) {
		Tdkt__Finding *f = arena_zalloc(a, sizeof *f);

		if (f == NULL)
			return;
		tdkt__finding__init(f);
		f->code = db_dossier_text(a, res, row, 1);
		f->severity = db_dossier_text(a, res, row, 2);
		f->subject = db_dossier_text(a, res, row, 3);
		f->message_vi = db_dossier_text(a, res, row, 4);
		f->detail = db_dossier_text(a, res, row, 5);
		show->findings[show->n_findings++] = f;
	} else if (strcmp(kind, "decision") == 0) {
		Tdkt__Decision *d = arena_zalloc(a, sizeof *d);

		if (d == NULL)
			return;
		tdkt__decision__init(d);
		d->level = db_dossier_text(a, res, row, 1);
		d->number = db_dossier_text(a, res, row, 2);
		d->date = db_dossier_text(a, res, row, 3);
		d->signer = db_dossier_text(a, res, row, 4);
		d->achievement_from = db_dossier_text(a, res, row, 5);
		d->achievement_to = db_dossier_text(a, res, row, 6);
		d->awarded = (uint32_t)db_dossier_int(res, row, 7);
		show->decisions[show->n_decisions++] = d;
	}
}

static void
db_dossier_parts_done(void *arg, const PGresult *res, const char *error)
{
	struct db_dossier_call	*call = arg;
	Tdkt__DossierShowReply	*show = call->show;
	struct arena		*a = call->arena;
	size_t			 n;

	if (error == NULL) {
		/* Each kind gets room for every row; only its own are used. */
		n = (size_t)PQntuples(res);
		show->documents = (Tdkt__DossierDocument **)db_dossier_array(a, n);
		show->nominees = (Tdkt__Nominee **)db_dossier_array(a, n);
		show->findings = (Tdkt__Finding **)db_dossier_array(a, n);
		show->decisions = (Tdkt__Decision **)db_dossier_array(a, n);
		for (size_t i = 0; !arena_exhausted(a) && i < n; i++)
			db_dossier_part(a, show, res, (int)i);
		if (arena_exhausted(a))
			error = "the answer is over the request's memory budget";
	}
	call->show_cb(call->arg, error == NULL ? show : NULL, error);
	free(call);
}

static void
db_dossier_show_done(void *arg, const PGresult *res, const char *error)
{
	struct db_dossier_call	*call = arg;
	char			 id[24];
	const char		*params[1] = { id };

	if (error == NULL && PQntuples(res) == 1) {
		call->show = arena_zalloc(call->arena, sizeof *call->show);
		if (call->show != NULL) {
			tdkt__dossier_show_reply__init(call->show);
			call->show->dossier = db_dossier_row(call->arena, res, 0);
		}
		if (arena_exhausted(call->arena))
			error = "the answer is over the request's memory budget";
	}
	if (error != NULL || call->show == NULL) {
		call->show_cb(call->arg, NULL, error);
		free(call);
		return;
	}
	snprintf(id, sizeof id, "%" PRIu64, call->dossier_id);
	db_query(call->db, "SELECT * FROM dossier_parts(id_or_null($1))", 1, params,
	    db_dossier_parts_done, call);
}

void
db_dossier_show(struct db *db, struct arena *a, uint64_t dossier_id,
    const char *today, db_dossier_show_cb *cb, void *arg)
{
	struct db_dossier_call	*call = db_dossier_call_new(db, a, arg);
	char			 id[24];
	const char		*params[2] = { today, id };

	call->show_cb = cb;
	call->dossier_id = dossier_id;
	snprintf(id, sizeof id, "%" PRIu64, dossier_id);
	db_query(db, "SELECT " DB_DOSSIER_COLUMNS " FROM dossier_view"
	    " WHERE id = id_or_null($2)", 2, params, db_dossier_show_done, call);
}

static void
db_dossier_findings_done(void *arg, const PGresult *res, const char *error)
{
	struct db_dossier_call	*call = arg;
	Tdkt__DossierShowReply	 show = TDKT__DOSSIER_SHOW_REPLY__INIT;
	size_t			 n = 0;

	if (error == NULL) {
		n = (size_t)PQntuples(res);
		show.findings = (Tdkt__Finding **)db_dossier_array(call->arena, n);
		for (size_t i = 0; show.findings != NULL && i < n; i++)
			db_dossier_part(call->arena, &show, res, (int)i);
		if (arena_exhausted(call->arena))
			error = "the answer is over the request's memory budget";
	}
	call->findings_cb(call->arg, error == NULL ? show.findings : NULL,
	    error == NULL ? show.n_findings : 0, error);
	free(call);
}

void
db_dossier_findings(struct db *db, struct arena *a, uint64_t dossier_id,
    db_dossier_findings_cb *cb, void *arg)
{
	struct db_dossier_call	*call = db_dossier_call_new(db, a, arg);
	char			 id[24];
	const char		*params[1] = { id };

	call->findings_cb = cb;
	snprintf(id, sizeof id, "%" PRIu64, dossier_id);
	/* The rows of dossier_parts() for findings, without the other parts. */
	db_query(db, "SELECT 'finding', code, severity, subject, message_vi,"
	    " detail FROM dossier_findings WHERE dossier_id = id_or_null($1)"
	    " ORDER BY seq", 1, params, db_dossier_findings_done, call);
}

static void
db_dossier_history_done(void *arg, const PGresult *res, const char *error)
{
	struct db_dossier_call	*call = arg;
	struct arena		*a = call->arena;
	Tdkt__HistoryEntry	**items = NULL;
	size_t			  n = 0;

	if (error == NULL) {
		n = (size_t)PQntuples(res);
		items = (Tdkt__HistoryEntry **)db_dossier_array(a, n);
		for (size_t i = 0; items != NULL && i < n; i++) {
			Tdkt__HistoryEntry *e = arena_zalloc(a, sizeof *e);
			int		    r = (int)i;

			if ((items[i] = e) == NULL)
				break;
			tdkt__history_entry__init(e);
			e->at_unix_ms = db_dossier_int(res, r, 0);
			e->username = db_dossier_text(a, res, r, 1);
			e->display_name = db_dossier_text(a, res, r, 2);
			e->address = db_dossier_text(a, res, r, 3);
			e->action = db_dossier_text(a, res, r, 4);
			e->outcome = db_dossier_text(a, res, r, 5);
			e->state_from = db_dossier_text(a, res, r, 6);
			e->state_to = db_dossier_text(a, res, r, 7);
			e->level = db_dossier_text(a, res, r, 8);
			e->detail = db_dossier_text(a, res, r, 9);
		}
		if (arena_exhausted(a))
			error = "the answer is over the request's memory budget";
	}
	call->history_cb(call->arg, error == NULL ? items : NULL,
	    error == NULL ? n : 0, error);
	free(call);
}

void
db_dossier_history(struct db *db, struct arena *a, uint64_t dossier_id,
    db_dossier_history_cb *cb, void *arg)
{
	struct db_dossier_call	*call = db_dossier_call_new(db, a, arg);
	char			 id[24];
	const char		*params[1] = { id };

	call->history_cb = cb;
	snprintf(id, sizeof id, "%" PRIu64, dossier_id);
	/* Entries the system made (the check) have no account. */
	db_query(db, "SELECT (extract(epoch FROM l.at) * 1000)::bigint,"
	    " coalesce(a.username, ''), coalesce(a.display_name, 'Hệ thống'),"
	    " l.address, l.action, l.outcome, l.state_from, l.state_to, l.level,"
	    " l.detail"
	    " FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id"
	    " WHERE l.dossier_id = id_or_null($1) ORDER BY l.id",
	    1, params, db_dossier_history_done, call);
}
