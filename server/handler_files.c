/*
 * handler_files.c - document files up and down: `upload-begin` and
 * `upload-chunk` (resumable: a client that lost its connection asks where
 * the server stands and sends the rest), and `file-get` (a dossier's file
 * in pieces, the first sent only after the stored file passed its SHA-256
 * check).
 *
 * Every chunk carries its own SHA-256, so a truncated or damaged chunk is
 * refused before it is stored; the whole file is checked again when its
 * last byte arrives (upload_chunk() in migration 0006).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "db_files.h"
#include "handler.h"
#include "log.h"
#include "roles.h"
#include "server.h"

/* Room left in a message around a chunk's bytes. */
#define FILES_MESSAGE_OVERHEAD	4096

/* The largest chunk, up or down, this server's limits allow. */
static uint64_t
files_chunk_max(const struct server *s)
{
	int64_t	max = s->conf->limits_file_chunk_bytes;
	int64_t	room = s->conf->limits_max_message_bytes - FILES_MESSAGE_OVERHEAD;

	return (uint64_t)(max < room ? max : room);
}

static bool
files_hex_ok(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static void
upload_done(void *arg, const struct db_upload *u, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UploadReply	 out = TDKT__UPLOAD_REPLY__INIT;

	if (u == NULL) {
		log_warnx("%s: %s", req->name, error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "the upload did not go through: %s", error);
		return;
	}
	if (strcmp(u->outcome, "too_large") == 0) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "Tệp vượt quá dung lượng cho phép",
		    "files are at most %" PRId64 " bytes",
		    req->server->conf->limits_max_file_bytes);
		return;
	}
	if (strcmp(u->outcome, "quota") == 0) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "Bạn có quá nhiều tệp đang tải lên dở; hãy hoàn tất chúng "
		    "hoặc chờ một ngày để chúng được xóa",
		    "unfinished uploads of this account are over %" PRId64
		    " bytes", 10 * req->server->conf->limits_max_file_bytes);
		return;
	}
	if (strcmp(u->outcome, "no_upload") == 0) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "no such upload of yours: begin it again");
		return;
	}
	if (strcmp(u->outcome, "offset") == 0 ||
	    strcmp(u->outcome, "too_long") == 0) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_CONFLICT,
		    "%s: the server has %" PRIu64 " of %" PRIu64 " bytes; resume "
		    "from there", u->outcome, u->received, u->size);
		return;
	}
	if (strcmp(u->outcome, "checksum_mismatch") == 0) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_INTEGRITY,
		    "Tệp nhận được không khớp mã SHA-256 đã khai; hãy tải lên lại",
		    "the assembled file does not match its SHA-256; the upload "
		    "was dropped");
		return;
	}
	out.complete = strcmp(u->outcome, "complete") == 0;
	out.upload_id = out.complete ? 0 : u->upload_id;
	out.received = u->received;
	out.size = u->size;
	out.max_chunk_bytes = files_chunk_max(req->server);
	reply.body_case = req->env->body_case ==
	    TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_BEGIN_REQUEST ?
	    TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_BEGIN_REPLY :
	    TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_CHUNK_REPLY;
	reply.upload_begin_reply = &out;	/* both replies share the slot */
	request_reply(&req, &reply);
}

static void
upload_begin_exec(struct request *req)
{
	const Tdkt__UploadBeginRequest	*in = req->env->upload_begin_request;

	if (!files_hex_ok(in->sha256) || in->size == 0) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "an upload names a non-empty file by its SHA-256 "
		    "(64 lowercase hex digits)");
		return;
	}
	/* Checked here too, so no size overflows PostgreSQL's bigint. */
	if (in->size > (uint64_t)req->server->conf->limits_max_file_bytes) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE,
		    "Tệp vượt quá dung lượng cho phép",
		    "files are at most %" PRId64 " bytes",
		    req->server->conf->limits_max_file_bytes);
		return;
	}
	db_upload_begin(req->server->db, req->caller.account_id, in->sha256,
	    in->size, (uint64_t)req->server->conf->limits_max_file_bytes,
	    upload_done, req);
}

static void
upload_chunk_exec(struct request *req)
{
	const Tdkt__UploadChunkRequest	*in = req->env->upload_chunk_request;
	unsigned char			 sum[crypto_hash_sha256_BYTES];
	char				 hex[2 * crypto_hash_sha256_BYTES + 1];

	if (in->data.len == 0 || in->data.len > files_chunk_max(req->server)) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "a chunk holds 1 to %" PRIu64 " bytes",
		    files_chunk_max(req->server));
		return;
	}
	if (in->offset > (uint64_t)req->server->conf->limits_max_file_bytes ||
	    in->upload_id > (uint64_t)INT64_MAX) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "no upload has such an id or offset");
		return;
	}
	crypto_hash_sha256(sum, in->data.data, in->data.len);
	sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
	if (strcmp(hex, in->chunk_sha256) != 0) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_INTEGRITY,
		    "Phần tệp nhận được bị thiếu hoặc hỏng; hãy gửi lại",
		    "the chunk at %" PRIu64 " (%zu bytes) does not match its "
		    "SHA-256", in->offset, in->data.len);
		return;
	}
	db_upload_chunk(req->server->db, req->caller.account_id, in->upload_id,
	    in->offset, in->data.data, in->data.len, upload_done, req);
}

static const char *
files_own_unit(struct request *req, const char **extra)
{
	(void)req;
	(void)extra;
	return "";
}

/* Anyone with a session uploads for themselves; attaching is checked later. */
const struct handler_entry handler_upload_begin_entry = {
	.name = "upload-begin",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_BEGIN_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = files_own_unit,
	.exec = upload_begin_exec,
};

const struct handler_entry handler_upload_chunk_entry = {
	.name = "upload-chunk",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_CHUNK_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_UNIT,
	.target_key = files_own_unit,
	.exec = upload_chunk_exec,
};

static void
file_get_done(void *arg, const struct db_file_piece *piece, const char *error)
{
	struct request		*req = arg;
	Tdkt__ClientEnvelope	 reply = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__FileChunkReply	 out = TDKT__FILE_CHUNK_REPLY__INIT;
	const Tdkt__FileGetRequest *in = req->env->file_get_request;

	if (error != NULL) {
		log_warnx("file-get: %s", error);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
		    "could not read the file: %s", error);
		return;
	}
	if (piece == NULL) {
		request_fail_vi(&req, TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND,
		    "Hồ sơ chưa có tệp này", "dossier %" PRIu64 " has no %s file "
		    "for %s", in->dossier_id, in->slot, in->document);
		return;
	}
	if (!piece->intact) {
		log_warnx("file %s of dossier %" PRIu64 " fails its SHA-256 "
		    "check: the stored copy is damaged", piece->sha256,
		    in->dossier_id);
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INTEGRITY,
		    "the stored file fails its SHA-256 check");
		return;
	}
	out.filename = (char *)piece->filename;
	out.size = piece->size;
	out.sha256 = (char *)piece->sha256;
	out.offset = in->offset;
	out.data.data = (uint8_t *)piece->data;
	out.data.len = piece->len;
	reply.body_case = TDKT__CLIENT_ENVELOPE__BODY_FILE_GET_REPLY;
	reply.file_get_reply = &out;
	request_reply(&req, &reply);
}

static void
file_get_exec(struct request *req)
{
	const Tdkt__FileGetRequest	*in = req->env->file_get_request;
	uint64_t			 max = files_chunk_max(req->server);
	uint32_t			 length;

	if (strlen(in->document) > 64 || (strcmp(in->slot, "editable") != 0 &&
	    strcmp(in->slot, "pdf") != 0)) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "name a document code and the slot \"editable\" or \"pdf\"");
		return;
	}
	if (in->offset > (uint64_t)req->server->conf->limits_max_file_bytes) {
		request_fail(&req, TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
		    "the offset is past any file's end");
		return;
	}
	length = in->length == 0 || in->length > max ? (uint32_t)max :
	    in->length;
	db_file_get(req->server->db, in->dossier_id, in->document, in->slot,
	    in->offset, length, file_get_done, req);
}

const struct handler_entry handler_file_get_entry = {
	.name = "file-get",
	.body_case = TDKT__CLIENT_ENVELOPE__BODY_FILE_GET_REQUEST,
	.flags = HANDLER_NEEDS_DB,
	.roles = ROLES_ALL,
	.target = AUTH_TARGET_DOSSIER,
	.target_key = handlers_dossier_target,
	.exec = file_get_exec,
};
