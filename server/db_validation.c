/*
 * db_validation.c - a dossier's validation input from PostgreSQL; see
 * db_validation.h. validation_parts() (migration 0008) answers one row per
 * thing, (kind, f1..f12), so column n is fn; this file reads them in two
 * passes: the first
 * counts, so that every array is allocated once in the arena, the second
 * fills. Rows about a nominee name it by its id, and come after it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "db_internal.h"
#include "db_validation.h"
#include "xmalloc.h"

struct db_validation_call {
	db_validation_cb	*cb;
	void			*arg;
	struct arena		*a;
};

/* How many of each part the rows hold; per-nominee counts are arrays. */
struct db_validation_counts {
	size_t	 titles, required, documents, nominees, blocks, awarded;
	size_t	 unit_pending, unit_discipline;
	size_t	*discipline, *pending, *awards;	/* per nominee */
};

static const char *
db_validation_field(const PGresult *res, int row, int n)
{
	return PQgetvalue(res, row, n);
}

static char *
db_validation_text(struct arena *a, const PGresult *res, int row, int n)
{
	return arena_strdup(a, PQgetvalue(res, row, n));
}

static uint32_t
db_validation_uint(const PGresult *res, int row, int n)
{
	unsigned long	v = strtoul(PQgetvalue(res, row, n), NULL, 10);

	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static bool
db_validation_bool(const PGresult *res, int row, int n)
{
	const char	*s = PQgetvalue(res, row, n);

	return s[0] == 't';
}

/* "YYYY-MM-DD" as days, or 0 for none. */
static int32_t
db_validation_date(const PGresult *res, int row, int n)
{
	int32_t	date;

	if (!date_parse_iso(PQgetvalue(res, row, n), &date))
		return 0;
	return date;
}

static bool
db_validation_is(const PGresult *res, int row, const char *kind)
{
	return strcmp(PQgetvalue(res, row, 0), kind) == 0;
}

/* The index of the nominee whose id is in column 1, or -1 for the unit. */
static int
db_validation_nominee(const PGresult *res, int row, const uint64_t *ids,
    size_t n)
{
	const char	*s = db_validation_field(res, row, 1);
	uint64_t	 id;

	if (s[0] == '\0')
		return -1;
	id = strtoull(s, NULL, 10);
	for (size_t i = n; i > 0; i--) {	/* rows follow their nominee */
		if (ids[i - 1] == id)
			return (int)(i - 1);
	}
	return -1;
}

static void *
db_validation_array(struct arena *a, size_t n, bool *spent)
{
	void	*p;

	if (n == 0)
		return NULL;
	if ((p = arena_zalloc(a, n * sizeof(void *))) == NULL)
		*spent = true;
	return p;
}

static void *
db_validation_new(struct arena *a, size_t size, bool *spent)
{
	void	*p = arena_zalloc(a, size);

	if (p == NULL)
		*spent = true;
	return p;
}

static Tdkt__ValidateDiscipline *
db_validation_discipline(struct arena *a, const PGresult *res, int row,
    bool *spent)
{
	Tdkt__ValidateDiscipline *d = db_validation_new(a, sizeof *d, spent);

	if (d == NULL)
		return NULL;
	tdkt__validate_discipline__init(d);
	d->level = db_validation_text(a, res, row, 2);
	d->decided_on = db_validation_date(res, row, 3);
	d->effective_to = db_validation_date(res, row, 4);
	d->person_code = db_validation_text(a, res, row, 5);
	d->full_name = db_validation_text(a, res, row, 6);
	return d;
}

static Tdkt__ValidatePending *
db_validation_pending(struct arena *a, const PGresult *res, int row,
    bool *spent)
{
	Tdkt__ValidatePending	*p = db_validation_new(a, sizeof *p, spent);

	if (p == NULL)
		return NULL;
	tdkt__validate_pending__init(p);
	p->kind = db_validation_text(a, res, row, 2);
	p->opened_on = db_validation_date(res, row, 3);
	p->note = db_validation_text(a, res, row, 4);
	return p;
}

static Tdkt__ValidateAward *
db_validation_award(struct arena *a, const PGresult *res, int row,
    bool *spent)
{
	Tdkt__ValidateAward	*w = db_validation_new(a, sizeof *w, spent);

	if (w == NULL)
		return NULL;
	tdkt__validate_award__init(w);
	w->title_code = db_validation_text(a, res, row, 2);
	w->title_name = db_validation_text(a, res, row, 3);
	w->campaign = db_validation_bool(res, row, 4);
	w->decision_number = db_validation_text(a, res, row, 5);
	w->decision_date = db_validation_date(res, row, 6);
	w->achievement_from = db_validation_date(res, row, 7);
	w->achievement_to = db_validation_date(res, row, 8);
	w->decided_by = db_validation_text(a, res, row, 9);
	return w;
}

static Tdkt__ValidateTitle *
db_validation_title(struct arena *a, const PGresult *res, int row,
    bool *spent)
{
	Tdkt__ValidateTitle	*t = db_validation_new(a, sizeof *t, spent);

	if (t == NULL)
		return NULL;
	tdkt__validate_title__init(t);
	t->code = db_validation_text(a, res, row, 1);
	t->name = db_validation_text(a, res, row, 2);
	t->kind = db_validation_text(a, res, row, 3);
	t->target = db_validation_text(a, res, row, 4);
	t->decided_by = db_validation_text(a, res, row, 5);
	t->campaign = db_validation_bool(res, row, 6);
	t->min_interval_years = db_validation_uint(res, row, 7);
	t->quota_of = db_validation_text(a, res, row, 8);
	t->quota_max_percent = db_validation_uint(res, row, 9);
	t->per_block_max = db_validation_uint(res, row, 10);
	t->vote_min_percent = db_validation_uint(res, row, 11);
	t->requires = db_validation_text(a, res, row, 12);
	return t;
}

static Tdkt__ValidateDocument *
db_validation_document(struct arena *a, const PGresult *res, int row,
    bool *spent)
{
	Tdkt__ValidateDocument	*d = db_validation_new(a, sizeof *d, spent);
	Tdkt__InspectFileResult	*in;

	if (d == NULL)
		return NULL;
	tdkt__validate_document__init(d);
	d->document = db_validation_text(a, res, row, 1);
	d->slot = db_validation_text(a, res, row, 2);
	d->filename = db_validation_text(a, res, row, 3);
	d->size = strtoull(db_validation_field(res, row, 4), NULL, 10);
	d->sha256 = db_validation_text(a, res, row, 5);
	if (!db_validation_bool(res, row, 6))
		return d;	/* not inspected yet: no inspection */
	if ((in = db_validation_new(a, sizeof *in, spent)) == NULL)
		return d;
	tdkt__inspect_file_result__init(in);
	in->format = db_validation_text(a, res, row, 7);
	in->pages = db_validation_uint(res, row, 8);
	in->encrypted = strcmp(db_validation_field(res, row, 9), "true") == 0;
	in->problem = db_validation_text(a, res, row, 10);
	in->detail = db_validation_text(a, res, row, 11);
	d->inspection = in;
	return d;
}

static Tdkt__ValidateNominee *
db_validation_nominee_row(struct arena *a, const PGresult *res, int row,
    const struct db_validation_counts *c, size_t i, bool *spent)
{
	Tdkt__ValidateNominee	*n = db_validation_new(a, sizeof *n, spent);

	if (n == NULL)
		return NULL;
	tdkt__validate_nominee__init(n);
	n->person_code = db_validation_text(a, res, row, 2);
	n->full_name = db_validation_text(a, res, row, 3);
	n->is_head = db_validation_bool(res, row, 4);
	n->title_code = db_validation_text(a, res, row, 5);
	n->registered = db_validation_bool(res, row, 6);
	n->discipline = db_validation_array(a, c->discipline[i], spent);
	n->pending = db_validation_array(a, c->pending[i], spent);
	n->awards = db_validation_array(a, c->awards[i], spent);
	return n;
}

/* Pass one: how many of each. */
static void
db_validation_count(const PGresult *res, struct db_validation_counts *c,
    uint64_t *ids)
{
	int	nrows = PQntuples(res), k;

	for (int row = 0; row < nrows; row++) {
		if (db_validation_is(res, row, "title"))
			c->titles++;
		else if (db_validation_is(res, row, "required"))
			c->required++;
		else if (db_validation_is(res, row, "document"))
			c->documents++;
		else if (db_validation_is(res, row, "nominee"))
			ids[c->nominees++] = strtoull(db_validation_field(res,
			    row, 1), NULL, 10);
		else if (db_validation_is(res, row, "block"))
			c->blocks++;
		else if (db_validation_is(res, row, "awarded"))
			c->awarded++;
		else if (db_validation_is(res, row, "discipline")) {
			k = db_validation_nominee(res, row, ids, c->nominees);
			if (db_validation_field(res, row, 1)[0] == '\0')
				c->unit_discipline++;
			else if (k >= 0)
				c->discipline[k]++;
		} else if (db_validation_is(res, row, "pending")) {
			k = db_validation_nominee(res, row, ids, c->nominees);
			if (db_validation_field(res, row, 1)[0] == '\0')
				c->unit_pending++;
			else if (k >= 0)
				c->pending[k]++;
		} else if (db_validation_is(res, row, "award")) {
			k = db_validation_nominee(res, row, ids, c->nominees);
			if (k >= 0)
				c->awards[k]++;
		}
	}
}

/* Pass two: everything into `job`. Returns false when the arena ran out. */
static bool
db_validation_fill(struct arena *a, const PGresult *res,
    const struct db_validation_counts *c, const uint64_t *ids,
    Tdkt__ValidateJob *job)
{
	Tdkt__ValidateCollective *col;
	bool			 spent = false;
	int			 nrows = PQntuples(res), k;

	job->rules = db_validation_new(a, sizeof *job->rules, &spent);
	job->council = db_validation_new(a, sizeof *job->council, &spent);
	job->collective = col = db_validation_new(a, sizeof *col, &spent);
	if (spent)
		return false;
	tdkt__validate_rules__init(job->rules);
	tdkt__validate_council__init(job->council);
	tdkt__validate_collective__init(col);
	job->titles = db_validation_array(a, c->titles, &spent);
	job->required = db_validation_array(a, c->required, &spent);
	job->documents = db_validation_array(a, c->documents, &spent);
	job->nominees = db_validation_array(a, c->nominees, &spent);
	job->block_proposals = db_validation_array(a, c->blocks, &spent);
	col->awarded = db_validation_array(a, c->awarded, &spent);
	col->pending = db_validation_array(a, c->unit_pending, &spent);
	col->member_discipline = db_validation_array(a, c->unit_discipline,
	    &spent);

	for (int row = 0; row < nrows && !spent; row++) {
		if (db_validation_is(res, row, "job")) {
			job->dossier_id = strtoull(db_validation_field(res, row,
			    1), NULL, 10);
			job->version = db_validation_uint(res, row, 2);
			job->type_code = db_validation_text(a, res, row, 3);
			job->type_name = db_validation_text(a, res, row, 4);
			job->purpose = db_validation_text(a, res, row, 5);
			job->unit_code = db_validation_text(a, res, row, 6);
			job->unit_name = db_validation_text(a, res, row, 7);
			job->block_code = db_validation_text(a, res, row, 8);
			job->period = db_validation_text(a, res, row, 9);
			job->period_from = db_validation_date(res, row, 10);
			job->period_to = db_validation_date(res, row, 11);
		} else if (db_validation_is(res, row, "rules")) {
			job->rules->quorum_numerator =
			    db_validation_uint(res, row, 1);
			job->rules->quorum_denominator =
			    db_validation_uint(res, row, 2);
			job->rules->discipline_blocks_from =
			    db_validation_text(a, res, row, 3);
		} else if (db_validation_is(res, row, "title")) {
			job->titles[job->n_titles++] =
			    db_validation_title(a, res, row, &spent);
		} else if (db_validation_is(res, row, "required")) {
			Tdkt__ValidateDocumentType *t = db_validation_new(a,
			    sizeof *t, &spent);

			if (t == NULL)
				break;
			tdkt__validate_document_type__init(t);
			t->code = db_validation_text(a, res, row, 1);
			t->name = db_validation_text(a, res, row, 2);
			t->editable = db_validation_bool(res, row, 3);
			t->pdf = db_validation_bool(res, row, 4);
			job->required[job->n_required++] = t;
		} else if (db_validation_is(res, row, "document")) {
			job->documents[job->n_documents++] =
			    db_validation_document(a, res, row, &spent);
		} else if (db_validation_is(res, row, "nominee")) {
			job->nominees[job->n_nominees] =
			    db_validation_nominee_row(a, res, row, c,
			    job->n_nominees, &spent);
			job->n_nominees++;
		} else if (db_validation_is(res, row, "discipline")) {
			Tdkt__ValidateDiscipline *d = db_validation_discipline(a,
			    res, row, &spent);

			k = db_validation_nominee(res, row, ids, c->nominees);
			if (db_validation_field(res, row, 1)[0] == '\0')
				col->member_discipline[col->n_member_discipline++]
				    = d;
			else if (k >= 0 && job->nominees[k] != NULL)
				job->nominees[k]->discipline[
				    job->nominees[k]->n_discipline++] = d;
		} else if (db_validation_is(res, row, "pending")) {
			Tdkt__ValidatePending *p = db_validation_pending(a, res,
			    row, &spent);

			k = db_validation_nominee(res, row, ids, c->nominees);
			if (db_validation_field(res, row, 1)[0] == '\0')
				col->pending[col->n_pending++] = p;
			else if (k >= 0 && job->nominees[k] != NULL)
				job->nominees[k]->pending[
				    job->nominees[k]->n_pending++] = p;
		} else if (db_validation_is(res, row, "award")) {
			Tdkt__ValidateAward *w = db_validation_award(a, res, row,
			    &spent);

			k = db_validation_nominee(res, row, ids, c->nominees);
			if (k >= 0 && job->nominees[k] != NULL)
				job->nominees[k]->awards[
				    job->nominees[k]->n_awards++] = w;
		} else if (db_validation_is(res, row, "council")) {
			job->council->recorded =
			    db_validation_field(res, row, 1)[0] != '\0';
			job->council->members = db_validation_uint(res, row, 1);
			job->council->present = db_validation_uint(res, row, 2);
			job->council->held_on = db_validation_date(res, row, 3);
		} else if (db_validation_is(res, row, "awarded")) {
			Tdkt__ValidateTitleCount *n = db_validation_new(a,
			    sizeof *n, &spent);

			if (n == NULL)
				break;
			tdkt__validate_title_count__init(n);
			n->title_code = db_validation_text(a, res, row, 1);
			n->count = db_validation_uint(res, row, 2);
			col->awarded[col->n_awarded++] = n;
		} else if (db_validation_is(res, row, "block")) {
			Tdkt__ValidateBlockProposal *b = db_validation_new(a,
			    sizeof *b, &spent);

			if (b == NULL)
				break;
			tdkt__validate_block_proposal__init(b);
			b->unit_code = db_validation_text(a, res, row, 1);
			b->unit_name = db_validation_text(a, res, row, 2);
			b->title_code = db_validation_text(a, res, row, 3);
			b->dossier_id = strtoull(db_validation_field(res, row,
			    4), NULL, 10);
			job->block_proposals[job->n_block_proposals++] = b;
		}
	}
	/* A string the arena could not hold is NULL: as good as spent. */
	return !spent && !arena_exhausted(a);
}

static void
db_validation_done(void *arg, const PGresult *res, const char *error)
{
	struct db_validation_call	*call = arg;
	struct db_validation_counts	 c = { 0 };
	Tdkt__ValidateJob		*job = NULL;
	uint64_t			*ids = NULL;
	size_t				 nrows;

	if (error != NULL || PQntuples(res) == 0) {
		call->cb(call->arg, NULL, error);
		free(call);
		return;
	}
	nrows = (size_t)PQntuples(res);
	ids = xcalloc(nrows, sizeof *ids);
	c.discipline = xcalloc(nrows, sizeof *c.discipline);
	c.pending = xcalloc(nrows, sizeof *c.pending);
	c.awards = xcalloc(nrows, sizeof *c.awards);
	db_validation_count(res, &c, ids);
	if ((job = arena_zalloc(call->a, sizeof *job)) != NULL) {
		tdkt__validate_job__init(job);
		if (!db_validation_fill(call->a, res, &c, ids, job))
			job = NULL;
	}
	free(c.discipline);
	free(c.pending);
	free(c.awards);
	free(ids);
	if (job == NULL)
		call->cb(call->arg, NULL, "the validation input does not fit "
		    "its memory budget");
	else
		call->cb(call->arg, job, NULL);
	free(call);
}

void
db_validation_input(struct db *db, struct arena *a, uint64_t dossier_id,
    db_validation_cb *cb, void *arg)
{
	struct db_validation_call	*call = xcalloc(1, sizeof *call);
	char				 id[24];
	const char			*params[1] = { id };

	call->cb = cb;
	call->arg = arg;
	call->a = a;
	snprintf(id, sizeof id, "%" PRIu64, dossier_id);
	db_query(db, "SELECT kind, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10,"
	    " f11, f12 FROM validation_parts($1::bigint)", 1, params,
	    db_validation_done, call);
}
