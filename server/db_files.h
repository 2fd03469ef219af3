/*
 * db_files.h - document files in PostgreSQL: stored once per content
 * (SHA-256), uploaded in chunks that resume where they stopped, and read
 * back in pieces after an integrity check.
 */
#ifndef TDKT_DB_FILES_H
#define TDKT_DB_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* Where an upload stands; `outcome` as upload_begin/upload_chunk say it. */
struct db_upload {
	const char	*outcome;
	uint64_t	 upload_id;
	uint64_t	 received;
	uint64_t	 size;
};

typedef void	db_upload_cb(void *arg, const struct db_upload *,
		    const char *error);

/* Starts or resumes the account's upload of the file `sha256_hex`. */
void	db_upload_begin(struct db *, int64_t account_id, const char *sha256_hex,
	    uint64_t size, uint64_t max_size, db_upload_cb *, void *arg);

/* Appends `len` bytes at `offset` to the account's upload. */
void	db_upload_chunk(struct db *, int64_t account_id, uint64_t upload_id,
	    uint64_t offset, const void *data, size_t len, db_upload_cb *,
	    void *arg);

/* A piece of a dossier's document; valid only during the callback. */
struct db_file_piece {
	const char		*filename;
	uint64_t		 size;
	const char		*sha256;	/* hex */
	bool			 intact;	/* checked (offset 0 only) */
	const unsigned char	*data;
	size_t			 len;
};

/* `piece` NULL: the dossier has no such file. */
typedef void	db_file_cb(void *arg, const struct db_file_piece *piece,
		    const char *error);

/*
 * Reads `length` bytes at `offset` of the file in a dossier's document
 * slot; at offset 0 the whole stored file is checked against its SHA-256.
 */
void	db_file_get(struct db *, uint64_t dossier_id, const char *document,
	    const char *slot, uint64_t offset, uint32_t length, db_file_cb *,
	    void *arg);

/*
 * A stored file's whole content, by SHA-256 (32 bytes), checked against
 * it; `content` NULL without `error`: no such file. Valid only during the
 * callback.
 */
typedef void	db_file_content_cb(void *arg, const void *content, size_t len,
		    const char *error);
void	db_file_content(struct db *, const unsigned char sha256[32],
	    db_file_content_cb *, void *arg);

#endif
