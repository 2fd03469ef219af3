/*
 * transfer.c - chunked, resumable uploads and verified downloads; see
 * transfer.h.
 *
 * DESIGN NOTES
 *
 * An upload, driven by what the server last said (UploadReply.received):
 *
 *   transfer_upload_hash
 *        |
 *        v
 *   transfer_upload_begin ----complete----> done (stored before, or by now)
 *        |  received = R                ^
 *        v                              | complete
 *   transfer_upload_send (offset R) ----+
 *        |  ok: received R' > R, send again from R'
 *        |  CONFLICT: the server has other than R (a chunk it took whose
 *        |  reply was lost and resent, or another run of tdkt), or
 *        |  NOT_FOUND (it dropped the upload): back to
 *        |  transfer_upload_begin, which says where it really is
 *
 * 1. Every chunk is read from the file at the offset the server reported,
 *    never from where we believe we are, so a lost reply costs a resend and
 *    never a hole or an overlap in the stored file.
 * 2. Memory does not grow with the file: one chunk buffer, and one arena
 *    per call, freed before the next call.
 * 3. The file must not change while it goes up: its size is checked at
 *    every chunk, and the server checks the whole file's SHA-256 at the end
 *    (a changed content is refused with INTEGRITY).
 * 4. Every successful chunk call makes progress (received grows, or the
 *    upload is complete), and refusals after which the server has no more
 *    than before are counted, so the loop ends however the server answers.
 *
 * A download appends the pieces to PATH.part in order, each asked for at
 * the offset we have reached, while a streaming SHA-256 follows them.
 * Every piece must agree with the first on the file's size and SHA-256 (a
 * file replaced on the server meanwhile is not spliced into the old one).
 * PATH.part becomes PATH, by rename, only when the digest matches.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "log.h"
#include "output.h"
#include "transfer.h"
#include "utf8.h"
#include "xmalloc.h"

/* The most one upload chunk carries, whatever the server allows. */
#define TRANSFER_CHUNK_MAX	(1024 * 1024)
/* Room in a call's arena beside the file data: ids, hashes, the token. */
#define TRANSFER_ARENA_SLACK	(64 * 1024)
/* Refusals in a row, with the server no further on, before giving up. */
#define TRANSFER_MAX_CONFLICTS	5
/*
 * Extra wait per call for a chunk on a slow school line: a megabyte at
 * 256 KiB/s, on top of the configured timeout.
 */
#define TRANSFER_EXTRA_TIMEOUT_MS	(TRANSFER_CHUNK_MAX / 256)

/* The progress bar. */
#define TRANSFER_BAR_WIDTH	20
/* Bytes of the file name shown: the whole line stays within 80 columns. */
#define TRANSFER_NAME_MAX	30
#define TRANSFER_MIB		(1024.0 * 1024.0)

/*
 * A one-line progress bar on stderr, redrawn in place with '\r' when the
 * percentage changes. Only on a terminal and never with --json, so scripts
 * and logs see no control characters.
 */
struct transfer_progress {
	bool		shown;
	bool		drawn;		/* a line is open and needs its newline */
	char		name[TRANSFER_NAME_MAX + sizeof "…"];
	uint64_t	total;
	int		percent;	/* the last drawn */
};

static void
transfer_progress_init(struct transfer_progress *p, bool json,
    const char *path, uint64_t total)
{
	const char	*name = strrchr(path, '/') != NULL ?
			    strrchr(path, '/') + 1 : path;

	p->shown = !json && isatty(STDERR_FILENO);
	p->drawn = false;
	p->total = total;
	p->percent = -1;
	if (strlen(name) <= TRANSFER_NAME_MAX) {
		snprintf(p->name, sizeof p->name, "%s", name);
		return;
	}
	/* A long name would wrap the line and break the redraw. */
	memcpy(p->name, name, TRANSFER_NAME_MAX);
	p->name[TRANSFER_NAME_MAX] = '\0';
	utf8_trim_partial(p->name);
	strcat(p->name, "…");
}

static void
transfer_progress_draw(struct transfer_progress *p, uint64_t done)
{
	char	bar[TRANSFER_BAR_WIDTH + 1];
	int	percent;
	size_t	filled;

	percent = p->total == 0 ? 100 :
	    (int)((double)done * 100.0 / (double)p->total);
	if (percent > 100)
		percent = 100;
	if (!p->shown || percent == p->percent)
		return;
	p->percent = percent;
	filled = (size_t)percent * TRANSFER_BAR_WIDTH / 100;
	memset(bar, '#', filled);
	memset(bar + filled, '.', TRANSFER_BAR_WIDTH - filled);
	bar[TRANSFER_BAR_WIDTH] = '\0';
	if (p->total < 1024 * 1024)
		fprintf(stderr, "\r  %s  [%s]  %3d%%  %.0f/%.0f KiB", p->name,
		    bar, percent, (double)done / 1024.0,
		    (double)p->total / 1024.0);
	else
		fprintf(stderr, "\r  %s  [%s]  %3d%%  %.1f/%.1f MiB", p->name,
		    bar, percent, (double)done / TRANSFER_MIB,
		    (double)p->total / TRANSFER_MIB);
	p->drawn = true;
}

/* Shows `note` on the file's line instead of a bar. */
static void
transfer_progress_note(struct transfer_progress *p, const char *note)
{
	if (!p->shown)
		return;
	fprintf(stderr, "\r  %s  %s", p->name, note);
	p->drawn = true;
}

/* Ends the line; called before any message, so it starts a line of its own. */
static void
transfer_progress_end(struct transfer_progress *p)
{
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = false;
}

/*
 * Sends `req` and waits for the answer `expect`, like cmds_call, but leaves
 * reporting to the caller, which handles some refusals (CONFLICT) itself.
 */
static enum conn_status
transfer_call(struct cmd_ctx *ctx, Tdkt__ClientEnvelope *req,
    Tdkt__ClientEnvelope__BodyCase expect, struct arena *a,
    Tdkt__ClientEnvelope **reply, const char **cause)
{
	enum conn_status	status;

	if (req->session_token[0] == '\0')
		req->session_token = ctx->session_token;
	status = conn_call(ctx->conn, req, a, reply, cause);
	if (status == CONN_OK && (*reply)->body_case != expect) {
		status = CONN_BAD_REPLY;
		*cause = "the server answered with something else";
	}
	return status;
}

/* Reports a failed call below the progress line; returns the exit code. */
static int
transfer_failed(struct cmd_ctx *ctx, struct transfer_progress *p,
    enum conn_status status, const Tdkt__ClientEnvelope *reply,
    const char *cause)
{
	transfer_progress_end(p);
	return output_call_failed(ctx->json, status, reply, cause,
	    ctx->conf->server);
}

static void
transfer_sodium_init(void)
{
	/* Fails only without a source of randomness: nothing works then. */
	if (sodium_init() < 0)
		fatalx("could not initialise libsodium");
}

/* Upload ---------------------------------------------------------------- */

struct transfer_upload {
	struct cmd_ctx		*ctx;
	const char		*path;
	FILE			*fp;
	uint64_t		 size;
	char			 sha256[TRANSFER_SHA256_HEX];
	/* What the server last said. */
	uint64_t		 upload_id;
	uint64_t		 received;
	bool			 complete;
	size_t			 chunk_max;
	unsigned char		*chunk;		/* TRANSFER_CHUNK_MAX bytes */
	struct transfer_progress progress;
};

/* Reports that the file changed under us; returns EXIT_USAGE. */
static int
transfer_upload_changed(struct transfer_upload *u)
{
	transfer_progress_end(&u->progress);
	fprintf(stderr, "tdkt: tệp \"%s\" thay đổi trong khi đang tải lên; "
	    "hãy chạy lại lệnh khi tệp đã lưu xong\n", u->path);
	return EXIT_USAGE;
}

/* The SHA-256 of the whole file, read in chunks. */
static int
transfer_upload_hash(struct transfer_upload *u)
{
	crypto_hash_sha256_state	state;
	unsigned char			digest[crypto_hash_sha256_BYTES];
	uint64_t			total = 0;
	size_t				n;

	crypto_hash_sha256_init(&state);
	while ((n = fread(u->chunk, 1, TRANSFER_CHUNK_MAX, u->fp)) > 0) {
		crypto_hash_sha256_update(&state, u->chunk, n);
		total += n;
	}
	if (ferror(u->fp)) {
		fprintf(stderr, "tdkt: không đọc được tệp \"%s\": %s\n", u->path,
		    strerror(errno));
		return EXIT_USAGE;
	}
	if (total != u->size)
		return transfer_upload_changed(u);
	crypto_hash_sha256_final(&state, digest);
	sodium_bin2hex(u->sha256, sizeof u->sha256, digest, sizeof digest);
	return EXIT_OK;
}

/* Takes in what the server said about the upload, if it makes sense. */
static int
transfer_upload_apply(struct transfer_upload *u, const Tdkt__UploadReply *r)
{
	if (r->size != u->size || r->received > u->size)
		return transfer_failed(u->ctx, &u->progress, CONN_BAD_REPLY,
		    NULL, "the server's upload state does not match the file");
	u->upload_id = r->upload_id;
	u->received = r->received;
	u->complete = r->complete;
	if (r->max_chunk_bytes != 0)
		u->chunk_max = r->max_chunk_bytes < TRANSFER_CHUNK_MAX ?
		    (size_t)r->max_chunk_bytes : TRANSFER_CHUNK_MAX;
	return EXIT_OK;
}

/* Asks where the server is with this file: stored, partly, or not at all. */
static int
transfer_upload_begin(struct transfer_upload *u)
{
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UploadBeginRequest	 begin = TDKT__UPLOAD_BEGIN_REQUEST__INIT;
	Tdkt__ClientEnvelope		*reply;
	struct arena			*a;
	enum conn_status		 status;
	const char			*cause = NULL;
	int				 rc;

	begin.sha256 = u->sha256;
	begin.size = u->size;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_BEGIN_REQUEST;
	req.upload_begin_request = &begin;
	a = arena_new(TRANSFER_ARENA_SLACK);
	status = transfer_call(u->ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_BEGIN_REPLY, a, &reply, &cause);
	if (status != CONN_OK)
		rc = transfer_failed(u->ctx, &u->progress, status, reply, cause);
	else
		rc = transfer_upload_apply(u, reply->upload_begin_reply);
	arena_free(&a);
	return rc;
}

/*
 * Sends the chunk at the offset the server reported. Sets *conflict when the
 * server refused that offset or forgot the upload (nothing is reported
 * then: the caller asks the server again where it stands).
 */
static int
transfer_upload_send(struct transfer_upload *u, bool *conflict)
{
	Tdkt__ClientEnvelope		 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__UploadChunkRequest	 chunk = TDKT__UPLOAD_CHUNK_REQUEST__INIT;
	Tdkt__ClientEnvelope		*reply;
	unsigned char			 digest[crypto_hash_sha256_BYTES];
	char				 chunk_sha256[TRANSFER_SHA256_HEX];
	struct stat			 st;
	struct arena			*a;
	enum conn_status		 status;
	const char			*cause = NULL;
	uint64_t			 offset = u->received;
	size_t				 len;
	int				 rc;

	*conflict = false;
	len = u->size - offset < u->chunk_max ? (size_t)(u->size - offset) :
	    u->chunk_max;
	if (fstat(fileno(u->fp), &st) < 0 || (uint64_t)st.st_size != u->size ||
	    fseeko(u->fp, (off_t)offset, SEEK_SET) < 0 ||
	    fread(u->chunk, 1, len, u->fp) != len)
		return transfer_upload_changed(u);
	crypto_hash_sha256(digest, u->chunk, len);
	sodium_bin2hex(chunk_sha256, sizeof chunk_sha256, digest, sizeof digest);
	chunk.upload_id = u->upload_id;
	chunk.offset = offset;
	chunk.data.data = u->chunk;
	chunk.data.len = len;
	chunk.chunk_sha256 = chunk_sha256;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_CHUNK_REQUEST;
	req.upload_chunk_request = &chunk;
	a = arena_new(len + TRANSFER_ARENA_SLACK);
	status = transfer_call(u->ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_UPLOAD_CHUNK_REPLY, a, &reply, &cause);
	/*
	 * CONFLICT: the server has other than `offset`; NOT_FOUND: it no
	 * longer knows the upload. Either way, ask it again where it stands.
	 */
	if (status == CONN_SERVER_ERROR &&
	    (reply->error->code == TDKT__ERROR_CODE__ERROR_CODE_CONFLICT ||
	    reply->error->code == TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND)) {
		*conflict = true;
		rc = EXIT_OK;
	} else if (status != CONN_OK)
		rc = transfer_failed(u->ctx, &u->progress, status, reply, cause);
	else if (!reply->upload_chunk_reply->complete &&
	    reply->upload_chunk_reply->received <= offset)
		rc = transfer_failed(u->ctx, &u->progress, CONN_BAD_REPLY, NULL,
		    "the server took nothing of a chunk it accepted");
	else
		rc = transfer_upload_apply(u, reply->upload_chunk_reply);
	arena_free(&a);
	return rc;
}

/* Sends what the server lacks, from where it stands, until it has it all. */
static int
transfer_upload_rest(struct transfer_upload *u)
{
	bool	conflict;
	int	conflicts = 0, rc;

	while (!u->complete) {
		uint64_t	offset = u->received;

		transfer_progress_draw(&u->progress, offset);
		if ((rc = transfer_upload_send(u, &conflict)) != EXIT_OK)
			return rc;
		if (!conflict)
			continue;
		if ((rc = transfer_upload_begin(u)) != EXIT_OK)
			return rc;
		/* Another run sending the same file moves it on too. */
		if (u->received > offset || u->complete)
			conflicts = 0;
		else if (++conflicts > TRANSFER_MAX_CONFLICTS) {
			transfer_progress_end(&u->progress);
			fprintf(stderr, "tdkt: máy chủ nhiều lần không nhận phần "
			    "tiếp theo của tệp \"%s\"; hãy thử lại sau\n", u->path);
			return EXIT_SERVER_ERROR;
		}
	}
	transfer_progress_draw(&u->progress, u->size);
	return EXIT_OK;
}

int
transfer_upload(struct cmd_ctx *ctx, const char *path,
    char sha256[TRANSFER_SHA256_HEX])
{
	struct transfer_upload	u = { .ctx = ctx, .path = path };
	struct stat		st;
	int			rc;

	transfer_sodium_init();
	if ((u.fp = fopen(path, "rbe")) == NULL) {
		fprintf(stderr, "tdkt: không mở được tệp \"%s\": %s\n", path,
		    strerror(errno));
		return EXIT_USAGE;
	}
	if (fstat(fileno(u.fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "tdkt: \"%s\" không phải là một tệp\n", path);
		fclose(u.fp);
		return EXIT_USAGE;
	}
	/* The server stores no empty file; say so in the user's words. */
	if (st.st_size == 0) {
		fprintf(stderr, "tdkt: tệp \"%s\" rỗng\n", path);
		fclose(u.fp);
		return EXIT_USAGE;
	}
	u.size = (uint64_t)st.st_size;
	u.chunk = xmalloc(TRANSFER_CHUNK_MAX);
	u.chunk_max = TRANSFER_CHUNK_MAX;
	transfer_progress_init(&u.progress, ctx->json, path, u.size);
	if ((rc = transfer_upload_hash(&u)) != EXIT_OK)
		goto out;
	conn_set_timeout(ctx->conn, ctx->conf->timeout_ms +
	    TRANSFER_EXTRA_TIMEOUT_MS);
	if ((rc = transfer_upload_begin(&u)) != EXIT_OK)
		goto out;
	/* Stored before, by anyone: nothing to send. */
	if (u.complete)
		transfer_progress_note(&u.progress, "(đã có trên máy chủ)");
	else if ((rc = transfer_upload_rest(&u)) != EXIT_OK)
		goto out;
	memcpy(sha256, u.sha256, TRANSFER_SHA256_HEX);
out:
	transfer_progress_end(&u.progress);
	conn_set_timeout(ctx->conn, ctx->conf->timeout_ms);
	free(u.chunk);
	fclose(u.fp);
	return rc;
}

/* Download -------------------------------------------------------------- */

struct transfer_download {
	struct cmd_ctx			*ctx;
	const struct transfer_source	*src;
	int				 fd;	/* PATH.part; -1: not open */
	const char			*part;
	crypto_hash_sha256_state	 hash;
	uint64_t			 offset;	/* bytes written */
	/* From the first piece; every later piece must agree. */
	uint64_t			 size;
	char				 sha256[TRANSFER_SHA256_HEX];
	struct transfer_progress	 progress;
};

/* True if something (even a dangling link) is at `path`. */
static bool
transfer_exists(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0;
}

/* Refuses to replace a file the user did not ask to replace. */
static int
transfer_refuse_existing(const char *path)
{
	fprintf(stderr, "tdkt: đã có tệp \"%s\"; dùng --force để ghi đè hoặc "
	    "--out để chọn nơi khác\n", path);
	return EXIT_USAGE;
}

/*
 * The name to save a stored file under: its last path component, which
 * cannot climb out of the current directory, nor be empty, "." or "..",
 * nor carry control characters to the terminal. NULL if none is left.
 */
static char *
transfer_safe_name(const char *filename)
{
	const char	*base = strrchr(filename, '/') != NULL ?
			    strrchr(filename, '/') + 1 : filename;

	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return NULL;
	for (const char *c = base; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return NULL;
	}
	return xstrdup(base);
}

/* Asks for the piece at d->offset; *piece lives in `a`. */
static int
transfer_download_fetch(struct transfer_download *d, struct arena *a,
    const Tdkt__FileChunkReply **piece)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__FileGetRequest	 get = TDKT__FILE_GET_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	const Tdkt__FileChunkReply *r;
	enum conn_status	 status;
	const char		*cause = NULL;

	get.dossier_id = d->src->dossier_id;
	get.document = (char *)d->src->document;
	get.slot = (char *)d->src->slot;
	get.offset = d->offset;
	get.length = 0;		/* as much as the server sends at once */
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_FILE_GET_REQUEST;
	req.file_get_request = &get;
	status = transfer_call(d->ctx, &req,
	    TDKT__CLIENT_ENVELOPE__BODY_FILE_GET_REPLY, a, &reply, &cause);
	if (status != CONN_OK)
		return transfer_failed(d->ctx, &d->progress, status, reply, cause);
	r = reply->file_get_reply;
	/* Exactly the piece asked for, inside the file, and not empty. */
	if (r->offset != d->offset || r->offset > r->size ||
	    r->data.len > r->size - r->offset ||
	    (r->data.len == 0 && r->offset < r->size))
		return transfer_failed(d->ctx, &d->progress, CONN_BAD_REPLY, NULL,
		    "the server sent a piece of the file other than the one "
		    "asked for");
	*piece = r;
	return EXIT_OK;
}

/* Appends a piece to PATH.part and to the running SHA-256. */
static int
transfer_download_take(struct transfer_download *d,
    const Tdkt__FileChunkReply *r)
{
	const uint8_t	*p = r->data.data;
	size_t		 left = r->data.len;

	while (left > 0) {
		ssize_t n = write(d->fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			transfer_progress_end(&d->progress);
			fprintf(stderr, "tdkt: không ghi được tệp \"%s\": %s\n",
			    d->part, strerror(errno));
			return EXIT_USAGE;
		}
		p += n;
		left -= (size_t)n;
	}
	crypto_hash_sha256_update(&d->hash, r->data.data, r->data.len);
	d->offset += r->data.len;
	return EXIT_OK;
}

/* Fetches and writes the pieces after the first, one arena per piece. */
static int
transfer_download_rest(struct transfer_download *d)
{
	const Tdkt__FileChunkReply	*r;
	struct arena			*a;
	int				 rc = EXIT_OK;

	while (rc == EXIT_OK && d->offset < d->size) {
		transfer_progress_draw(&d->progress, d->offset);
		a = arena_new((size_t)d->ctx->conf->max_message_bytes +
		    TRANSFER_ARENA_SLACK);
		if ((rc = transfer_download_fetch(d, a, &r)) == EXIT_OK) {
			if (r->size != d->size || strcmp(r->sha256, d->sha256) != 0) {
				transfer_progress_end(&d->progress);
				fprintf(stderr, "tdkt: tệp trên máy chủ vừa được "
				    "thay bằng tệp khác trong khi đang tải về; "
				    "hãy tải lại\n");
				rc = EXIT_SERVER_ERROR;
			} else
				rc = transfer_download_take(d, r);
		}
		arena_free(&a);
	}
	return rc;
}

/* Checks the whole download against the server's SHA-256. */
static int
transfer_download_verify(struct transfer_download *d)
{
	unsigned char	digest[crypto_hash_sha256_BYTES];
	char		hex[TRANSFER_SHA256_HEX];

	crypto_hash_sha256_final(&d->hash, digest);
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	if (strcasecmp(hex, d->sha256) == 0)
		return EXIT_OK;
	transfer_progress_end(&d->progress);
	fprintf(stderr, "tdkt: tệp tải về bị hỏng: mã kiểm tra SHA-256 %s không "
	    "khớp với mã máy chủ đã lưu %s; đã xóa phần đã tải, hãy tải lại\n",
	    hex, d->sha256);
	return EXIT_SERVER_ERROR;
}

/* Makes the verified PATH.part the file PATH. */
static int
transfer_download_finish(struct transfer_download *d, const char *path,
    bool force)
{
	int	fd = d->fd;

	d->fd = -1;
	/* On disk before it takes the name, so a crash leaves no torn file. */
	if (fsync(fd) < 0 || close(fd) < 0) {
		fprintf(stderr, "tdkt: không ghi được tệp \"%s\": %s\n", d->part,
		    strerror(errno));
		return EXIT_USAGE;
	}
	/* The name may have been taken while we downloaded. */
	if (!force && transfer_exists(path))
		return transfer_refuse_existing(path);
	if (rename(d->part, path) < 0) {
		fprintf(stderr, "tdkt: không đổi được tên \"%s\" thành \"%s\": %s\n",
		    d->part, path, strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
transfer_download(struct cmd_ctx *ctx, const struct transfer_source *src,
    const char *out, bool force, struct transfer_download_result *result)
{
	struct transfer_download	 d = { .ctx = ctx, .src = src, .fd = -1 };
	const Tdkt__FileChunkReply	*first;
	struct arena			*a;
	char				*path = NULL, *part = NULL;
	int				 rc;

	transfer_sodium_init();
	memset(result, 0, sizeof *result);
	transfer_progress_init(&d.progress, true, "", 0);
	if (out != NULL && !force && transfer_exists(out))
		return transfer_refuse_existing(out);
	conn_set_timeout(ctx->conn, ctx->conf->timeout_ms +
	    TRANSFER_EXTRA_TIMEOUT_MS);

	/* The first piece names the file and gives its size and SHA-256. */
	a = arena_new((size_t)ctx->conf->max_message_bytes +
	    TRANSFER_ARENA_SLACK);
	if ((rc = transfer_download_fetch(&d, a, &first)) != EXIT_OK)
		goto out;
	if (strlen(first->sha256) != TRANSFER_SHA256_HEX - 1) {
		rc = transfer_failed(ctx, &d.progress, CONN_BAD_REPLY, NULL,
		    "the server sent no SHA-256 for the file");
		goto out;
	}
	d.size = first->size;
	memcpy(d.sha256, first->sha256, TRANSFER_SHA256_HEX);
	if (out != NULL)
		path = xstrdup(out);
	else if ((path = transfer_safe_name(first->filename)) == NULL) {
		fprintf(stderr, "tdkt: không dùng được tên tệp máy chủ lưu "
		    "(\"%s\"); hãy chọn tên bằng --out\n", first->filename);
		rc = EXIT_USAGE;
		goto out;
	}
	if (out == NULL && !force && transfer_exists(path)) {
		rc = transfer_refuse_existing(path);
		goto out;
	}
	part = xasprintf("%s.part", path);
	d.part = part;
	/* Not through a link someone left under our name. */
	if ((d.fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0666)) < 0) {
		fprintf(stderr, "tdkt: không tạo được tệp \"%s\": %s\n", part,
		    strerror(errno));
		free(part);
		part = NULL;	/* not ours to remove */
		rc = EXIT_USAGE;
		goto out;
	}
	transfer_progress_init(&d.progress, ctx->json, path, d.size);
	crypto_hash_sha256_init(&d.hash);
	rc = transfer_download_take(&d, first);
	arena_free(&a);
	if (rc == EXIT_OK)
		rc = transfer_download_rest(&d);
	if (rc == EXIT_OK) {
		transfer_progress_draw(&d.progress, d.size);
		rc = transfer_download_verify(&d);
	}
	if (rc == EXIT_OK) {
		transfer_progress_end(&d.progress);
		rc = transfer_download_finish(&d, path, force);
	}
out:
	transfer_progress_end(&d.progress);
	arena_free(&a);
	if (d.fd >= 0)
		close(d.fd);
	if (rc != EXIT_OK && part != NULL)
		unlink(part);
	free(part);
	if (rc == EXIT_OK) {
		result->path = path;
		result->size = d.size;
		memcpy(result->sha256, d.sha256, TRANSFER_SHA256_HEX);
	} else
		free(path);
	conn_set_timeout(ctx->conn, ctx->conf->timeout_ms);
	return rc;
}
