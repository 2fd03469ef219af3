/*
 * handler_import.c - `tdkt import units|people FILE`: units and staff from CSV.
 *
 * The file is checked field by field here (import.c), then written by the
 * database in one statement that checks what needs the database (parents
 * and units exist, no unit under its own subtree). Either every row is
 * imported or none, and every problem goes back to the person at once.
 */
#include <stdlib.h>
#include <string.h>

#include "db_import.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"
#include "xmalloc.h"

#define IMPORT_MAX_NAME		255
#define IMPORT_REFUSED \
	"Tệp có lỗi nên chưa nhập dữ liệu nào; hãy sửa các lỗi dưới đây rồi nhập lại"

static void
import_done(void *arg, const struct db_import_result *result,
    const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__ImportReply	 out = TDKT__IMPORT_REPLY__INIT;

	if (result == NULL) {
		log_warnx("import: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "the database refused the import: %s", error);
		return;
	}
	if (result->nproblems > 0) {
		request_refuse(&req, IMPORT_REFUSED, result->problems,
		    result->nproblems);
		return;
	}
	out.created = result->created;
	out.updated = result->updated;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_IMPORT_REPLY;
	reply.import_reply = &out;
	request_reply(&req, &reply);
}

static void
import_exec(struct request *req)
{
	const Tdkt__ImportRequest	*in = req->env->import_request;
	struct yamltree_errors		 errs = { 0 };
	enum import_kind		 kind;
	char				*text, *json;
	size_t				 nrows = 0;

	if (in->kind == TDKT__IMPORT_REQUEST__KIND__KIND_UNITS)
		kind = IMPORT_UNITS;
	else if (in->kind == TDKT__IMPORT_REQUEST__KIND__KIND_PEOPLE)
		kind = IMPORT_PEOPLE;
	else {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "import kind %d is not units or people", (int)in->kind);
		return;
	}
	if (in->file_name[0] == '\0' || strlen(in->file_name) > IMPORT_MAX_NAME) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a file name of 1 to %d bytes is required", IMPORT_MAX_NAME);
		return;
	}
	text = xmalloc(in->content.len + 1);
	memcpy(text, in->content.data, in->content.len);
	text[in->content.len] = '\0';
	json = import_rows_json(kind, in->file_name, text, in->content.len,
	    &nrows, &errs);
	free(text);
	if (json == NULL) {
		request_refuse(&req, IMPORT_REFUSED, errs.items, errs.n);
		yamltree_errors_free(&errs);
		return;
	}
	log_info("importing %zu %s from %s", nrows,
	    kind == IMPORT_UNITS ? "units" : "people", in->file_name);
	db_import(req->server->db, kind, json, in->file_name, import_done, req);
	free(json);
}

const struct handler_entry handler_import_entry = {
	.name = "import",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_IMPORT_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLE_ADMIN,
	.target = AUTH_TARGET_NONE,
	.exec = import_exec,
};
