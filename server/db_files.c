/*
 * db_files.c - document files in PostgreSQL; see db_files.h. Bytes travel
 * as bytea in hex text, which libpq's text parameters need.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_files.h"
#include "db_internal.h"
#include "xmalloc.h"

struct db_files_call {
	db_upload_cb	*upload_cb;
	db_file_cb	*file_cb;
	db_file_content_cb *content_cb;
	void		*arg;
};

static struct db_files_call *
db_files_call_new(void *arg)
{
	struct db_files_call	*call = xcalloc(1, sizeof *call);

	call->arg = arg;
	return call;
}

static void
db_upload_done(void *arg, const PGresult *res, const char *error)
{
	struct db_files_call	*call = arg;
	struct db_upload	 u = { 0 };

	if (error != NULL || PQntuples(res) != 1) {
		call->upload_cb(call->arg, NULL, error != NULL ? error :
		    "unexpected result from an upload");
		free(call);
		return;
	}
	u.outcome = PQgetvalue(res, 0, 0);
	u.upload_id = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	u.received = strtoull(PQgetvalue(res, 0, 2), NULL, 10);
	u.size = strtoull(PQgetvalue(res, 0, 3), NULL, 10);
	call->upload_cb(call->arg, &u, NULL);
	free(call);
}

void
db_upload_begin(struct db *db, int64_t account_id, const char *sha256_hex,
    uint64_t size, uint64_t max_size, db_upload_cb *cb, void *arg)
{
	struct db_files_call	*call = db_files_call_new(arg);
	char			 account[24], sz[24], max[24];
	const char		*params[4] = { account, sha256_hex, sz, max };

	call->upload_cb = cb;
	snprintf(account, sizeof account, "%" PRId64, account_id);
	snprintf(sz, sizeof sz, "%" PRIu64, size);
	snprintf(max, sizeof max, "%" PRIu64, max_size);
	db_query(db, "SELECT outcome, upload_id, received, $3::bigint"
	    " FROM upload_begin($1::bigint, decode($2, 'hex'), $3::bigint,"
	    " $4::bigint)", 4, params, db_upload_done, call);
}

void
db_upload_chunk(struct db *db, int64_t account_id, uint64_t upload_id,
    uint64_t offset, const void *data, size_t len, db_upload_cb *cb,
    void *arg)
{
	static const char	 hex[] = "0123456789abcdef";
	struct db_files_call	*call = db_files_call_new(arg);
	const unsigned char	*p = data;
	char			 account[24], id[24], off[24], *text;
	const char		*params[4] = { account, id, off, NULL };

	call->upload_cb = cb;
	snprintf(account, sizeof account, "%" PRId64, account_id);
	snprintf(id, sizeof id, "%" PRIu64, upload_id);
	snprintf(off, sizeof off, "%" PRIu64, offset);
	text = xmalloc(2 * len + 3);
	text[0] = '\\';
	text[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		text[2 + 2 * i] = hex[p[i] >> 4];
		text[3 + 2 * i] = hex[p[i] & 0xf];
	}
	text[2 * len + 2] = '\0';
	params[3] = text;
	db_query(db, "SELECT outcome, $2::bigint, received, size"
	    " FROM upload_chunk($1::bigint, $2::bigint, $3::bigint, $4::bytea)",
	    4, params, db_upload_done, call);
	free(text);
}

static void
db_file_done(void *arg, const PGresult *res, const char *error)
{
	struct db_files_call	*call = arg;
	struct db_file_piece	 piece = { 0 };
	unsigned char		*data = NULL;

	if (error != NULL || PQntuples(res) == 0) {
		call->file_cb(call->arg, NULL, error);
		free(call);
		return;
	}
	piece.filename = PQgetvalue(res, 0, 0);
	piece.size = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	piece.sha256 = PQgetvalue(res, 0, 2);
	piece.intact = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
	data = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 4),
	    &piece.len);
	if (data == NULL) {
		call->file_cb(call->arg, NULL, "out of memory reading a file");
		free(call);
		return;
	}
	piece.data = data;
	call->file_cb(call->arg, &piece, NULL);
	PQfreemem(data);
	free(call);
}

void
db_file_get(struct db *db, uint64_t dossier_id, const char *document,
    const char *slot, uint64_t offset, uint32_t length, db_file_cb *cb,
    void *arg)
{
	struct db_files_call	*call = db_files_call_new(arg);
	char			 id[24], off[24], len[16];
	const char		*params[5] = { id, document, slot, off, len };

	call->file_cb = cb;
	snprintf(id, sizeof id, "%" PRIu64, dossier_id);
	snprintf(off, sizeof off, "%" PRIu64, offset);
	snprintf(len, sizeof len, "%" PRIu32, length);
	db_query(db, "SELECT dd.filename, f.size, encode(f.sha256, 'hex'),"
	    " $4::bigint > 0 OR sha256(f.content) = f.sha256,"
	    " substring(f.content FROM $4::integer + 1 FOR $5::integer)"
	    " FROM dossier_documents dd JOIN files f ON f.sha256 = dd.sha256"
	    " WHERE dd.dossier_id = id_or_null($1) AND dd.document = $2"
	    "  AND dd.slot = $3", 5, params, db_file_done, call);
}

static void
db_file_content_done(void *arg, const PGresult *res, const char *error)
{
	struct db_files_call	*call = arg;
	unsigned char		*data;
	size_t			 len;

	if (error != NULL || PQntuples(res) == 0) {
		call->content_cb(call->arg, NULL, 0, error);
		free(call);
		return;
	}
	data = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0),
	    &len);
	if (data == NULL) {
		call->content_cb(call->arg, NULL, 0,
		    "out of memory reading a file");
		free(call);
		return;
	}
	call->content_cb(call->arg, data, len, NULL);
	PQfreemem(data);
	free(call);
}

void
db_file_content(struct db *db, const unsigned char sha256[32],
    db_file_content_cb *cb, void *arg)
{
	static const char	 hex[] = "0123456789abcdef";
	struct db_files_call	*call = db_files_call_new(arg);
	char			 text[65];
	const char		*params[1] = { text };

	call->content_cb = cb;
	for (size_t i = 0; i < 32; i++) {
		text[2 * i] = hex[sha256[i] >> 4];
		text[2 * i + 1] = hex[sha256[i] & 0xf];
	}
	text[64] = '\0';
	/* Not checked here: the worker inspecting it hashes it anyway. */
	db_query(db, "SELECT content FROM files WHERE sha256 = decode($1, 'hex')",
	    1, params, db_file_content_done, call);
}
