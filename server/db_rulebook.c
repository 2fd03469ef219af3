/*
 * db_rulebook.c - rulebooks into and out of PostgreSQL; see db_rulebook.h.
 *
 * A load is one statement: the checked rulebook goes to the rulebook_load()
 * function (migration 0003) as one jsonb document, which checks the unit
 * codes and writes the rulebook and its rows in the statement's own
 * transaction. One round trip, and nothing is ever half-loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "db_internal.h"
#include "db_rulebook.h"
#include "jsonw.h"
#include "log.h"
#include "xmalloc.h"

/* A rulebook is at most 1 MiB of YAML; its JSON is of the same order. */
#define DB_RULEBOOK_JSON_MAX	(8 * 1024 * 1024)

static void
db_rulebook_json_date(struct jsonw *w, const char *key, int32_t date)
{
	char	buf[DATE_BUF_SIZE];

	date_format_iso(date, buf);
	jsonw_key(w, key);
	jsonw_string(w, buf);
}

static void
db_rulebook_json_ref(struct jsonw *w, const struct rulebook_ref *ref)
{
	jsonw_object_begin(w);
	jsonw_key(w, "code");
	jsonw_string(w, ref->code);
	jsonw_key(w, "line");
	jsonw_uint(w, ref->line);
	jsonw_key(w, "column");
	jsonw_uint(w, ref->column);
	jsonw_object_end(w);
}

static void
db_rulebook_json_strings(struct jsonw *w, const char *key, char **items,
    size_t n)
{
	jsonw_key(w, key);
	jsonw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		jsonw_string(w, items[i]);
	jsonw_array_end(w);
}

static void
db_rulebook_json_titles(struct jsonw *w, const struct rulebook *rb)
{
	jsonw_key(w, "titles");
	jsonw_array_begin(w);
	for (size_t i = 0; i < rb->ntitles; i++) {
		const struct rulebook_title *t = &rb->titles[i];

		jsonw_object_begin(w);
		jsonw_key(w, "code");
		jsonw_string(w, t->code);
		jsonw_key(w, "name");
		jsonw_string(w, t->name);
		jsonw_key(w, "kind");
		jsonw_string(w, t->kind == RULEBOOK_AWARD ? "award" : "title");
		jsonw_key(w, "target");
		jsonw_string(w, rulebook_target_name(t->target));
		jsonw_key(w, "decided_by");
		jsonw_string(w, t->decided_by);
		jsonw_key(w, "campaign");
		jsonw_bool(w, t->campaign);
		jsonw_key(w, "min_interval_years");
		jsonw_int(w, t->min_interval_years);
		jsonw_key(w, "quota_of");
		jsonw_string(w, t->quota_of);
		jsonw_key(w, "quota_max_percent");
		jsonw_int(w, t->quota_max_percent);
		jsonw_key(w, "per_block_max");
		jsonw_int(w, t->per_block_max);
		jsonw_key(w, "vote_min_percent");
		jsonw_int(w, t->vote_min_percent);
		jsonw_key(w, "source");
		jsonw_string(w, t->source);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void
db_rulebook_json_dossier_types(struct jsonw *w, const struct rulebook *rb)
{
	jsonw_key(w, "dossier_types");
	jsonw_array_begin(w);
	for (size_t i = 0; i < rb->ndossier_types; i++) {
		const struct rulebook_dossier_type *d = &rb->dossier_types[i];

		jsonw_object_begin(w);
		jsonw_key(w, "code");
		jsonw_string(w, d->code);
		jsonw_key(w, "name");
		jsonw_string(w, d->name);
		jsonw_key(w, "purpose");
		jsonw_string(w, rulebook_purpose_name(d->purpose));
		jsonw_key(w, "submitter");
		jsonw_string(w, d->submitter == RULEBOOK_SUBMITTER_BLOCK_LEADER ?
		    "block_leader" : "unit");
		jsonw_key(w, "recipient");
		jsonw_string(w, d->recipient);
		jsonw_key(w, "phase");
		jsonw_string(w, d->phase);
		db_rulebook_json_date(w, "opens", d->opens);
		db_rulebook_json_date(w, "closes", d->closes);
		db_rulebook_json_date(w, "hard_deadline", d->hard_deadline);
		jsonw_key(w, "documents");
		jsonw_array_begin(w);
		for (size_t k = 0; k < d->ndocuments; k++) {
			jsonw_object_begin(w);
			jsonw_key(w, "code");
			jsonw_string(w, d->documents[k].code);
			jsonw_key(w, "name");
			jsonw_string(w, d->documents[k].name);
			jsonw_key(w, "editable");
			jsonw_bool(w, d->documents[k].editable);
			jsonw_key(w, "pdf");
			jsonw_bool(w, d->documents[k].pdf);
			jsonw_object_end(w);
		}
		jsonw_array_end(w);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void
db_rulebook_json_calendar(struct jsonw *w, const struct rulebook *rb)
{
	jsonw_key(w, "phases");
	jsonw_array_begin(w);
	for (size_t i = 0; i < rb->nphases; i++) {
		jsonw_object_begin(w);
		jsonw_key(w, "code");
		jsonw_string(w, rb->phases[i].code);
		jsonw_key(w, "name");
		jsonw_string(w, rb->phases[i].name);
		db_rulebook_json_date(w, "from", rb->phases[i].from);
		db_rulebook_json_date(w, "to", rb->phases[i].to);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);

	jsonw_key(w, "office_steps");
	jsonw_array_begin(w);
	for (size_t i = 0; i < rb->nsteps; i++) {
		jsonw_object_begin(w);
		jsonw_key(w, "code");
		jsonw_string(w, rb->steps[i].code);
		jsonw_key(w, "name");
		jsonw_string(w, rb->steps[i].name);
		jsonw_key(w, "level");
		jsonw_string(w, rb->steps[i].level);
		db_rulebook_json_date(w, "from", rb->steps[i].from);
		db_rulebook_json_date(w, "to", rb->steps[i].to);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void
db_rulebook_json_structure(struct jsonw *w, const struct rulebook *rb)
{
	jsonw_key(w, "levels");
	jsonw_array_begin(w);
	for (size_t i = 0; i < rb->nlevels; i++) {
		jsonw_object_begin(w);
		jsonw_key(w, "code");
		jsonw_string(w, rb->levels[i].code);
		jsonw_key(w, "name");
		jsonw_string(w, rb->levels[i].name);
		jsonw_key(w, "handled_by");
		jsonw_string(w, rulebook_handler_name(rb->levels[i].handled_by));
		jsonw_object_end(w);
	}
	jsonw_array_end(w);

	jsonw_key(w, "blocks");
	jsonw_array_begin(w);
	for (size_t i = 0; i < rb->nblocks; i++) {
		const struct rulebook_block *b = &rb->blocks[i];

		jsonw_object_begin(w);
		jsonw_key(w, "code");
		jsonw_string(w, b->code);
		jsonw_key(w, "name");
		jsonw_string(w, b->name);
		jsonw_key(w, "school_level");
		jsonw_string(w, b->school_level);
		jsonw_key(w, "leader");
		db_rulebook_json_ref(w, &b->leader);
		jsonw_key(w, "members");
		jsonw_array_begin(w);
		for (size_t k = 0; k < b->nmembers; k++)
			db_rulebook_json_ref(w, &b->members[k]);
		jsonw_array_end(w);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);

	jsonw_key(w, "chains");
	jsonw_array_begin(w);
	for (size_t i = 0; i < rb->nchains; i++) {
		jsonw_object_begin(w);
		jsonw_key(w, "decided_by");
		jsonw_string(w, rb->chains[i].decided_by);
		db_rulebook_json_strings(w, "steps", rb->chains[i].steps,
		    rb->chains[i].nsteps);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void
db_rulebook_json_rules(struct jsonw *w, const struct rulebook *rb)
{
	jsonw_key(w, "reminders");
	jsonw_object_begin(w);
	jsonw_key(w, "offsets_days");
	jsonw_array_begin(w);
	for (size_t i = 0; i < rb->nreminder_offsets; i++)
		jsonw_int(w, rb->reminder_offsets[i]);
	jsonw_array_end(w);
	db_rulebook_json_strings(w, "channels", rb->reminder_channels,
	    rb->nreminder_channels);
	jsonw_object_end(w);

	jsonw_key(w, "rules");
	jsonw_object_begin(w);
	jsonw_key(w, "quorum_numerator");
	jsonw_int(w, rb->quorum_numerator);
	jsonw_key(w, "quorum_denominator");
	jsonw_int(w, rb->quorum_denominator);
	jsonw_key(w, "discipline_blocks_collective_from");
	jsonw_string(w, rb->discipline_blocks_from);
	jsonw_key(w, "block_leader_bonus_max");
	jsonw_int(w, rb->block_leader_bonus_max);
	jsonw_object_end(w);
}

/* The rulebook as the jsonb document rulebook_load() reads. */
static void
db_rulebook_json(struct jsonw *w, const struct rulebook *rb)
{
	jsonw_object_begin(w);
	jsonw_key(w, "format");
	jsonw_int(w, rb->format);
	jsonw_key(w, "issuer");
	db_rulebook_json_ref(w, &rb->issuer);
	jsonw_key(w, "issuer_name");
	jsonw_string(w, rb->issuer_name);
	jsonw_key(w, "document_number");
	jsonw_string(w, rb->document_number);
	db_rulebook_json_date(w, "document_date", rb->document_date);
	jsonw_key(w, "document_title");
	jsonw_string(w, rb->document_title);
	jsonw_key(w, "period_kind");
	jsonw_string(w, rb->period_kind == RULEBOOK_SCHOOL_YEAR ?
	    "school_year" : "calendar_year");
	jsonw_key(w, "period");
	jsonw_string(w, rb->period);
	db_rulebook_json_date(w, "period_from", rb->period_from);
	db_rulebook_json_date(w, "period_to", rb->period_to);
	jsonw_key(w, "theme");
	jsonw_string(w, rb->theme);
	db_rulebook_json_strings(w, "legal_basis", rb->legal_basis,
	    rb->nlegal_basis);
	db_rulebook_json_structure(w, rb);
	db_rulebook_json_titles(w, rb);
	db_rulebook_json_dossier_types(w, rb);
	db_rulebook_json_calendar(w, rb);
	db_rulebook_json_rules(w, rb);
	jsonw_object_end(w);
}

/* A query in flight: whose callback to run with its result. */
struct db_rulebook_call {
	db_rulebook_load_cb	*load_cb;
	db_rulebook_show_cb	*show_cb;
	void			*arg;
};

static struct db_rulebook_call *
db_rulebook_call_new(db_rulebook_load_cb *load_cb, db_rulebook_show_cb *show_cb,
    void *arg)
{
	struct db_rulebook_call	*call = xcalloc(1, sizeof *call);

	call->load_cb = load_cb;
	call->show_cb = show_cb;
	call->arg = arg;
	return call;
}

static void
db_rulebook_load_done(void *arg, const PGresult *res, const char *error)
{
	struct db_rulebook_call		*call = arg;
	db_rulebook_load_cb		*cb = call->load_cb;
	struct db_rulebook_loaded	 loaded = { 0 };
	char				*problems = NULL;

	if (error != NULL || PQntuples(res) != 1) {
		cb(call->arg, NULL, error != NULL ? error :
		    "unexpected result loading a rulebook");
		free(call);
		return;
	}
	loaded.outcome = PQgetvalue(res, 0, 0);
	loaded.version = (uint32_t)strtoul(PQgetvalue(res, 0, 1), NULL, 10);
	if (!PQgetisnull(res, 0, 2)) {
		/* One problem per line, already "file:line:col: message". */
		problems = xstrdup(PQgetvalue(res, 0, 2));
		loaded.nproblems = db_split(problems, "\n", &loaded.problems);
	}
	cb(call->arg, &loaded, NULL);
	free(loaded.problems);
	free(problems);
	free(call);
}

void
db_rulebook_load(struct db *db, const struct rulebook *rb,
    const char *file_name, const char *source, db_rulebook_load_cb *cb,
    void *arg)
{
	struct jsonw	 w;
	const char	*json;
	const char	*params[3];

	jsonw_init(&w, DB_RULEBOOK_JSON_MAX);
	db_rulebook_json(&w, rb);
	if ((json = jsonw_finish(&w, NULL)) == NULL) {
		jsonw_clear(&w);
		cb(arg, NULL, "the rulebook is too large to store");
		return;
	}
	params[0] = json;
	params[1] = file_name;
	params[2] = source;
	db_query(db, "SELECT outcome, version, problems"
	    " FROM rulebook_load($1::jsonb, $2, $3)", 3, params,
	    db_rulebook_load_done, db_rulebook_call_new(cb, NULL, arg));
	jsonw_clear(&w);
}

static void
db_rulebook_show_done(void *arg, const PGresult *res, const char *error)
{
	struct db_rulebook_call		*call = arg;
	db_rulebook_show_cb		*cb = call->show_cb;
	struct db_rulebook_stored	 s = { 0 };
	char				*units = NULL, *line, *save;

	if (error != NULL) {
		cb(call->arg, NULL, error);
		free(call);
		return;
	}
	if (PQntuples(res) == 0) {
		cb(call->arg, NULL, NULL);
		free(call);
		return;
	}
	s.issuer = PQgetvalue(res, 0, 0);
	s.issuer_name = PQgetvalue(res, 0, 1);
	s.period = PQgetvalue(res, 0, 2);
	s.version = (uint32_t)strtoul(PQgetvalue(res, 0, 3), NULL, 10);
	s.versions = (uint32_t)strtoul(PQgetvalue(res, 0, 4), NULL, 10);
	s.source_name = PQgetvalue(res, 0, 5);
	s.source = PQgetvalue(res, 0, 6);
	s.source_len = (size_t)PQgetlength(res, 0, 6);
	s.loaded_at_unix_ms = strtoll(PQgetvalue(res, 0, 7), NULL, 10);
	/* Units as "code\tname" lines. */
	units = xstrdup(PQgetvalue(res, 0, 8));
	for (line = strtok_r(units, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');

		if (tab == NULL)
			continue;
		*tab = '\0';
		s.unit_codes = xreallocarray(s.unit_codes, s.nunits + 1,
		    sizeof *s.unit_codes);
		s.unit_names = xreallocarray(s.unit_names, s.nunits + 1,
		    sizeof *s.unit_names);
		s.unit_codes[s.nunits] = line;
		s.unit_names[s.nunits++] = tab + 1;
	}
	cb(call->arg, &s, NULL);
	free(s.unit_codes);
	free(s.unit_names);
	free(units);
	free(call);
}

void
db_rulebook_show(struct db *db, const char *issuer, const char *period,
    uint32_t version, db_rulebook_show_cb *cb, void *arg)
{
	char		 vbuf[16];
	const char	*params[3];

	snprintf(vbuf, sizeof vbuf, "%u", version);
	params[0] = issuer != NULL ? issuer : "";
	params[1] = period != NULL ? period : "";
	params[2] = vbuf;
	db_query(db,
	    "SELECT u.code, u.name, r.period, r.version,"
	    "  (SELECT count(*) FROM rulebooks v"
	    "   WHERE v.issuer_unit_id = r.issuer_unit_id"
	    "     AND v.period = r.period),"
	    "  r.source_name, r.source,"
	    "  (extract(epoch FROM r.loaded_at) * 1000)::bigint,"
	    "  coalesce((SELECT string_agg(n.code || E'\\t' || n.name, E'\\n')"
	    "   FROM units n WHERE n.code IN ("
	    "     SELECT r.content->'issuer'->>'code'"
	    "     UNION SELECT b->'leader'->>'code'"
	    "       FROM jsonb_array_elements(r.content->'blocks') b"
	    "     UNION SELECT m->>'code'"
	    "       FROM jsonb_array_elements(r.content->'blocks') b,"
	    "         jsonb_array_elements(b->'members') m)), '')"
	    " FROM rulebooks r JOIN units u ON u.id = r.issuer_unit_id"
	    " WHERE ($1 = '' OR u.code = $1) AND ($2 = '' OR r.period = $2)"
	    "   AND ($3::int = 0 OR r.version = $3::int)"
	    " ORDER BY r.loaded_at DESC, r.version DESC LIMIT 1",
	    3, params, db_rulebook_show_done, db_rulebook_call_new(NULL, cb,
	    arg));
}
