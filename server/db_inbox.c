/*
 * db_inbox.c - the inbox's queries; see db_inbox.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db_array.h"
#include "db_inbox.h"
#include "db_internal.h"
#include "xmalloc.h"

struct db_inbox_call {
	void			*arg;
	struct arena		*arena;
	db_inbox_list_cb	*list_cb;
	db_inbox_mark_cb	*mark_cb;
	db_viewer_cb		*viewer_cb;
};

static struct db_inbox_call *
db_inbox_call_new(void *arg)
{
	struct db_inbox_call	*call = xcalloc(1, sizeof *call);

	call->arg = arg;
	return call;
}

static int64_t
db_inbox_int(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 :
	    strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static Tdkt__InboxMessage *
db_inbox_message(struct arena *a, const PGresult *res, int row)
{
	Tdkt__InboxMessage	*m = arena_alloc(a, sizeof *m);

	if (m == NULL)
		return NULL;
	tdkt__inbox_message__init(m);
	m->id = (uint64_t)db_inbox_int(res, row, 0);
	m->kind = arena_strdup(a, PQgetvalue(res, row, 1));
	m->subject = arena_strdup(a, PQgetvalue(res, row, 2));
	m->body = arena_strdup(a, PQgetvalue(res, row, 3));
	m->unit_code = arena_strdup(a, PQgetvalue(res, row, 4));
	m->unit_name = arena_strdup(a, PQgetvalue(res, row, 5));
	m->type_code = arena_strdup(a, PQgetvalue(res, row, 6));
	m->dossier_id = (uint64_t)db_inbox_int(res, row, 7);
	m->planned_at_ms = db_inbox_int(res, row, 8);
	m->created_ms = db_inbox_int(res, row, 9);
	m->read = strcmp(PQgetvalue(res, row, 10), "t") == 0;
	return m;
}

static void
db_inbox_list_done(void *arg, const PGresult *res, const char *error)
{
	struct db_inbox_call	*call = arg;
	struct arena		*a = call->arena;
	Tdkt__InboxListReply	*out;
	int			 n;

	if (error != NULL) {
		call->list_cb(call->arg, NULL, error);
		free(call);
		return;
	}
	n = PQntuples(res);
	out = arena_alloc(a, sizeof *out);
	if (out != NULL) {
		tdkt__inbox_list_reply__init(out);
		out->messages = arena_alloc(a, (n > 0 ? (size_t)n : 1) *
		    sizeof *out->messages);
	}
	for (int i = 0; out != NULL && out->messages != NULL && i < n; i++) {
		out->unread = (uint32_t)db_inbox_int(res, i, 11);
		if (PQgetisnull(res, i, 0))
			continue;	/* the empty page's count */
		if ((out->messages[out->n_messages] = db_inbox_message(a, res,
		    i)) == NULL)
			break;
		out->n_messages++;
	}
	if (out == NULL || arena_exhausted(a))
		call->list_cb(call->arg, NULL, "the inbox page is too large");
	else
		call->list_cb(call->arg, out, NULL);
	free(call);
}

static const char db_inbox_list_sql[] =
    "SELECT * FROM inbox_list($1::bigint, $2::boolean, $3::integer,"
    " $4::bigint)";

void
db_inbox_list(struct db *db, struct arena *a, int64_t account,
    bool unread_only, uint32_t limit, uint64_t before, db_inbox_list_cb *cb,
    void *arg)
{
	struct db_inbox_call	*call = db_inbox_call_new(arg);
	char			 acc[24], lim[16], bef[24];
	const char		*params[4] = { acc, unread_only ? "t" : "f", lim,
				    bef };

	call->list_cb = cb;
	call->arena = a;
	snprintf(acc, sizeof acc, "%" PRId64, account);
	snprintf(lim, sizeof lim, "%" PRIu32, limit);
	snprintf(bef, sizeof bef, "%" PRIu64, before);
	db_query(db, db_inbox_list_sql, 4, params, db_inbox_list_done, call);
}

static void
db_inbox_mark_done(void *arg, const PGresult *res, const char *error)
{
	struct db_inbox_call	*call = arg;

	if (error == NULL && PQntuples(res) == 1)
		call->mark_cb(call->arg, (uint32_t)db_inbox_int(res, 0, 0),
		    (uint32_t)db_inbox_int(res, 0, 1), NULL);
	else
		call->mark_cb(call->arg, 0, 0, error != NULL ? error :
		    "inbox_mark returned nothing");
	free(call);
}

void
db_inbox_mark(struct db *db, int64_t account, const uint64_t *ids, size_t n,
    bool all, bool unread, db_inbox_mark_cb *cb, void *arg)
{
	struct db_inbox_call	*call = db_inbox_call_new(arg);
	struct db_array		 list;
	char			 acc[24];
	const char		*params[3];

	call->mark_cb = cb;
	snprintf(acc, sizeof acc, "%" PRId64, account);
	db_array_init(&list);
	for (size_t i = 0; i < n; i++)
		db_array_add_uint(&list, ids[i]);
	params[0] = acc;
	params[1] = all ? NULL : db_array_finish(&list);
	params[2] = unread ? "t" : "f";
	db_query(db, "SELECT * FROM inbox_mark($1::bigint, $2::bigint[],"
	    " $3::boolean)", 3, params, db_inbox_mark_done, call);
	db_array_clear(&list);
}

static void
db_inbox_viewer_done(void *arg, const PGresult *res, const char *error)
{
	struct db_inbox_call	*call = arg;
	char			*text, **roles = NULL;
	size_t			 n;

	if (error != NULL || PQntuples(res) != 1) {
		call->viewer_cb(call->arg, 0, NULL, 0, error != NULL ? error :
		    "no such account");
		free(call);
		return;
	}
	text = xstrdup(PQgetvalue(res, 0, 1));
	n = db_split(text, ",", &roles);
	call->viewer_cb(call->arg, db_inbox_int(res, 0, 0), roles, n, NULL);
	free(roles);
	free(text);
	free(call);
}

void
db_inbox_viewer(struct db *db, int64_t account, db_viewer_cb *cb, void *arg)
{
	struct db_inbox_call	*call = db_inbox_call_new(arg);
	char			 acc[24];
	const char		*params[1] = { acc };

	call->viewer_cb = cb;
	snprintf(acc, sizeof acc, "%" PRId64, account);
	db_query(db, "SELECT coalesce(a.unit_id, 0), array_to_string(ARRAY("
	    " SELECT r.role || CASE WHEN r.level <> '' THEN ':' || r.level"
	    " ELSE '' END FROM account_roles r WHERE r.account_id = a.id), ',')"
	    " FROM accounts a WHERE a.id = $1::bigint", 1, params,
	    db_inbox_viewer_done, call);
}
