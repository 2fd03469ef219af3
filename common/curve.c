/*
 * curve.c - CURVE key files and socket set-up; see curve.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "curve.h"
#include "xmalloc.h"

bool
curve_key_valid(const char *z85)
{
	uint8_t	raw[32];

	if (strlen(z85) != CURVE_KEY_LEN)
		return false;
	return zmq_z85_decode(raw, z85) != NULL;
}

bool
curve_endpoint_needs(const char *endpoint)
{
	return strncmp(endpoint, "tcp://", 6) == 0;
}

int
curve_keypair_new(struct curve_keypair *kp, char **cause)
{
	if (zmq_curve_keypair(kp->public_key, kp->secret_key) < 0) {
		*cause = xasprintf("could not make a CURVE key pair: %s "
		    "(is libzmq built with libsodium?)", zmq_strerror(errno));
		return -1;
	}
	return 0;
}

int
curve_keyfile_create(const char *path, const char *comment,
    struct curve_keypair *kp, char **cause)
{
	FILE	*fp;
	int	 fd;

	if (curve_keypair_new(kp, cause) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("could not create \"%s\": %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		curve_keypair_clear(kp);
		return -1;
	}
	fprintf(fp, "# tdkt CURVE key pair: %s\n"
	    "# Keep this file private; give others only the public key.\n"
	    "public-key: %s\nsecret-key: %s\n", comment, kp->public_key,
	    kp->secret_key);
	if (fflush(fp) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("could not write \"%s\": %s", path,
		    strerror(errno));
		fclose(fp);
		unlink(path);
		curve_keypair_clear(kp);
		return -1;
	}
	fclose(fp);
	return 0;
}

/* Copies the key after "name:" on `line` into `key`; 1 if found, -1 if malformed. */
static int
curve_keyfile_field(const char *line, const char *name, char *key)
{
	size_t	 n = strlen(name);
	size_t	 len;

	if (strncmp(line, name, n) != 0 || line[n] != ':')
		return 0;
	line += n + 1;
	line += strspn(line, " \t");
	len = strcspn(line, " \t\r\n");
	if (len != CURVE_KEY_LEN || line[len + strspn(line + len, " \t\r\n")] != '\0')
		return -1;
	memcpy(key, line, CURVE_KEY_LEN);
	key[CURVE_KEY_LEN] = '\0';
	return curve_key_valid(key) ? 1 : -1;
}

int
curve_keyfile_read(const char *path, struct curve_keypair *kp, char **cause)
{
	char		 line[256], derived[CURVE_KEY_LEN + 1];
	struct stat	 st;
	FILE		*fp;
	int		 lineno = 0, rc;
	bool		 have_public = false, have_secret = false;

	memset(kp, 0, sizeof *kp);
	if ((fp = fopen(path, "re")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 077) != 0) {
		*cause = xasprintf("%s: others can read this secret key (mode "
		    "%04o); chmod 600 it", path, (unsigned)(st.st_mode & 07777));
		fclose(fp);
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if ((rc = curve_keyfile_field(line, "public-key",
		    kp->public_key)) > 0)
			have_public = true;
		else if (rc == 0 && (rc = curve_keyfile_field(line, "secret-key",
		    kp->secret_key)) > 0)
			have_secret = true;
		if (rc <= 0) {
			*cause = xasprintf("%s:%d: expected \"public-key: KEY\" or "
			    "\"secret-key: KEY\" with a 40-character Z85 key",
			    path, lineno);
			fclose(fp);
			curve_keypair_clear(kp);
			return -1;
		}
	}
	fclose(fp);
	if (!have_secret) {
		*cause = xasprintf("%s:%d: no secret-key", path, lineno);
		return -1;
	}
	if (zmq_curve_public(derived, kp->secret_key) < 0 ||
	    (have_public && strcmp(derived, kp->public_key) != 0)) {
		*cause = xasprintf("%s: the public key does not belong to the "
		    "secret key", path);
		curve_keypair_clear(kp);
		return -1;
	}
	memcpy(kp->public_key, derived, sizeof derived);
	return 0;
}

int
curve_setup_server(void *sock, const struct curve_keypair *kp,
    const char *zap_domain)
{
	int	one = 1;

	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) < 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, kp->secret_key,
	    CURVE_KEY_LEN) < 0 ||
	    zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, zap_domain,
	    strlen(zap_domain)) < 0)
		return -1;
	return 0;
}

int
curve_setup_client(void *sock, const char *server_public,
    const struct curve_keypair *kp)
{
	struct curve_keypair	 own;
	char			*cause = NULL;
	int			 rc = -1;

	if (kp == NULL) {
		if (curve_keypair_new(&own, &cause) < 0) {
			free(cause);
			return -1;
		}
		kp = &own;
	}
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_public,
	    CURVE_KEY_LEN) == 0 &&
	    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, kp->public_key,
	    CURVE_KEY_LEN) == 0 &&
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, kp->secret_key,
	    CURVE_KEY_LEN) == 0)
		rc = 0;
	if (kp == &own)
		curve_keypair_clear(&own);
	return rc;
}

void
curve_keypair_clear(struct curve_keypair *kp)
{
	explicit_bzero(kp->secret_key, sizeof kp->secret_key);
}
