/*
 * transfer.h - moving a dossier's files to and from the server in pieces,
 * for `tdkt dossier attach` and `tdkt dossier get-file`.
 *
 * A file can be 20 MiB and the network a school's; neither direction holds
 * the whole file in memory or in one message. Uploads are resumable: the
 * server keeps what it received under the file's SHA-256, so running the
 * same command again after an interruption sends only the rest, and a file
 * it already has is not sent at all. Downloads are verified against the
 * SHA-256 the server stored before the file takes its name, so a damaged or
 * partial download never looks like a good one. On a terminal, a progress
 * bar on stderr shows how far it got.
 */
#ifndef TDKT_TRANSFER_H
#define TDKT_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"

/* A SHA-256 in lower-case hex, and its NUL. */
#define TRANSFER_SHA256_HEX	65

/*
 * Makes sure the server holds the file at `path`: hashes it, asks the server
 * how much of it it already has and sends the rest. Writes the file's
 * SHA-256 into `sha256`, by which a request can then refer to the file.
 * Returns EXIT_OK, or the exit code to return after saying why (a local
 * file problem is EXIT_USAGE; the server's refusals are reported as for
 * any call).
 */
int	transfer_upload(struct cmd_ctx *, const char *path,
	    char sha256[TRANSFER_SHA256_HEX]);

/* Which file to download: a dossier's document, and which of its files. */
struct transfer_source {
	uint64_t	 dossier_id;
	const char	*document;
	const char	*slot;		/* "editable" or "pdf" */
};

/* What a finished download wrote. */
struct transfer_download_result {
	char		*path;		/* the file written; the caller frees */
	uint64_t	 size;
	char		 sha256[TRANSFER_SHA256_HEX];
};

/*
 * Downloads a document's file into `out`, or when `out` is NULL into the
 * current directory under the name the server stored (its last path
 * component only). An existing file is left alone unless `force`. The
 * bytes go to "PATH.part", renamed to PATH only once their SHA-256 matches
 * the server's; otherwise the .part is removed. Returns EXIT_OK with
 * `result` filled, or the exit code to return after saying why.
 */
int	transfer_download(struct cmd_ctx *, const struct transfer_source *,
	    const char *out, bool force,
	    struct transfer_download_result *result);

#endif
