/*
 * curve.h - CURVE keys for ZeroMQ: key files, and sockets set up to use them.
 *
 * Every TCP socket between tdkt processes is encrypted and authenticated with
 * CURVE (RFC 26); ipc:// and inproc:// stay plain, guarded by file
 * permissions and the process boundary. Keys are Z85 text, 40 characters.
 *
 * A key file holds one key pair:
 *
 *     # tdkt CURVE key pair ...
 *     public-key: <40 characters>
 *     secret-key: <40 characters>
 *
 * It must not be readable by group or others (like ssh, we refuse it
 * otherwise), and is created that way by curve_keyfile_create.
 */
#ifndef TDKT_CURVE_H
#define TDKT_CURVE_H

#include <stdbool.h>

#define CURVE_KEY_LEN	40	/* Z85 characters of a 32-byte key */

struct curve_keypair {
	char	public_key[CURVE_KEY_LEN + 1];
	char	secret_key[CURVE_KEY_LEN + 1];
};

/* True if `z85` is a well-formed key: 40 Z85 characters. */
bool	curve_key_valid(const char *z85);

/* True if `endpoint` is TCP, where CURVE is required. */
bool	curve_endpoint_needs(const char *endpoint);

/* Fills `kp` with a fresh random key pair; 0, or -1 with *cause set. */
int	curve_keypair_new(struct curve_keypair *kp, char **cause);

/*
 * Creates `path` (mode 0600; it must not exist) holding a fresh key pair,
 * which is also left in `kp`. 0, or -1 with *cause set (caller frees).
 */
int	curve_keyfile_create(const char *path, const char *comment,
	    struct curve_keypair *kp, char **cause);

/*
 * Reads the key pair in `path`, refusing a file others can read and one
 * whose public key does not belong to its secret key. 0, or -1 with *cause
 * set as "path:line: message" (caller frees).
 */
int	curve_keyfile_read(const char *path, struct curve_keypair *kp,
	    char **cause);

/*
 * Makes `sock` a CURVE server with `kp`, its peers authenticated by the
 * ZAP handler under `zap_domain`. Call before bind. 0, or -1 with errno.
 */
int	curve_setup_server(void *sock, const struct curve_keypair *kp,
	    const char *zap_domain);

/*
 * Makes `sock` a CURVE client of the server whose public key is
 * `server_public`, as `kp` (NULL: a fresh key pair of its own, for peers
 * who are authenticated otherwise, like clients by their session). Call
 * before connect. 0, or -1 with errno.
 */
int	curve_setup_client(void *sock, const char *server_public,
	    const struct curve_keypair *kp);

/* Overwrites the secret key. */
void	curve_keypair_clear(struct curve_keypair *kp);

#endif
