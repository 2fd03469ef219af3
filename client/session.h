/*
 * session.h - the session token on disk, readable by its owner alone.
 *
 * `tdkt login` writes the token the server gave; every later command sends
 * it; `tdkt logout` ends it on the server and removes the file. The file is
 * written 0600 (its directory 0700) through a temporary file and a rename,
 * and a token file others could read is refused, as ssh refuses such keys.
 */
#ifndef TDKT_SESSION_H
#define TDKT_SESSION_H

#define SESSION_TOKEN_MAX	128

/*
 * Reads the token in `path` into `token`. Returns 0, or -1 when there is
 * none (no file, an empty one) or it cannot be used (said on stderr).
 */
int	session_load(const char *path, char token[SESSION_TOKEN_MAX + 1]);

/* Writes `token` to `path`; 0, or -1 after saying why on stderr. */
int	session_save(const char *path, const char *token);

/* Removes the file; a missing file is fine. */
void	session_remove(const char *path);

#endif
