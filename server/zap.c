/*
 * zap.c - the ZAP handler and the workers' allow-list; see zap.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "curve.h"
#include "log.h"
#include "sock.h"
#include "xmalloc.h"
#include "zap.h"

#define ZAP_ENDPOINT		"inproc://zeromq.zap.01"
#define ZAP_REQUEST_FRAMES	7	/* with one credential, as CURVE sends */
/* A refused key is logged at most this often, however often it retries. */
#define ZAP_LOG_INTERVAL_MS	60000

struct zap {
	void		*sock;		/* REP */
	char		**keys;		/* sorted */
	size_t		 nkeys;
	bool		 loaded;
	char		 last_refused[CURVE_KEY_LEN + 1];
	int64_t		 last_refused_ms;
};

struct zap *
zap_new(void *zctx, char **cause)
{
	struct zap	*z = xcalloc(1, sizeof *z);

	if ((z->sock = sock_new(zctx, ZMQ_REP, 64 * 1024)) == NULL ||
	    zmq_bind(z->sock, ZAP_ENDPOINT) < 0) {
		*cause = xasprintf("could not start the ZAP handler: %s",
		    zmq_strerror(errno));
		zap_free(&z);
		return NULL;
	}
	return z;
}

static void
zap_clear_keys(struct zap *z)
{
	for (size_t i = 0; i < z->nkeys; i++)
		free(z->keys[i]);
	free(z->keys);
	z->keys = NULL;
	z->nkeys = 0;
}

void
zap_free(struct zap **zp)
{
	struct zap	*z = *zp;

	if (z == NULL)
		return;
	sock_close(&z->sock);
	zap_clear_keys(z);
	free(z);
	*zp = NULL;
}

void *
zap_socket(const struct zap *z)
{
	return z->sock;
}

static int
zap_key_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
zap_find(const struct zap *z, const char *key)
{
	return bsearch(&key, z->keys, z->nkeys, sizeof *z->keys, zap_key_compare);
}

void
zap_set_worker_keys(struct zap *z, char *const *keys, size_t n)
{
	zap_clear_keys(z);
	z->keys = xreallocarray(NULL, n > 0 ? n : 1, sizeof *z->keys);
	for (size_t i = 0; i < n; i++)
		z->keys[i] = xstrdup(keys[i]);
	z->nkeys = n;
	qsort(z->keys, n, sizeof *z->keys, zap_key_compare);
	z->loaded = true;
}

void
zap_allow_worker_key(struct zap *z, const char *key)
{
	if (zap_find(z, key) != NULL)
		return;
	z->keys = xreallocarray(z->keys, z->nkeys + 1, sizeof *z->keys);
	z->keys[z->nkeys++] = xstrdup(key);
	qsort(z->keys, z->nkeys, sizeof *z->keys, zap_key_compare);
}

void
zap_revoke_worker_key(struct zap *z, const char *key)
{
	char	**found = zap_find(z, key);
	size_t	  i;

	if (found == NULL)
		return;
	i = (size_t)(found - z->keys);
	free(z->keys[i]);
	memmove(&z->keys[i], &z->keys[i + 1], (z->nkeys - i - 1) * sizeof *z->keys);
	z->nkeys--;
}

bool
zap_worker_key_allowed(const struct zap *z, const char *key)
{
	return z->loaded && zap_find(z, key) != NULL;
}

/* A ZAP request: version, id, domain, address, identity, mechanism, key. */
struct zap_request {
	zmq_msg_t	frames[ZAP_REQUEST_FRAMES];
	size_t		nframes;	/* received and kept */
	bool		well_formed;
};

/* Receives one request, all its frames (extras dropped); -1 when none waits. */
static int
zap_recv(struct zap *z, struct zap_request *r)
{
	int	more = 1;
	size_t	more_len = sizeof more;
	size_t	total = 0;

	r->nframes = 0;
	while (more) {
		zmq_msg_t	 spare, *f;

		f = r->nframes < ZAP_REQUEST_FRAMES ? &r->frames[r->nframes] : &spare;
		zmq_msg_init(f);
		if (zmq_msg_recv(f, z->sock, total == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(f);
			if (total == 0)
				return -1;
			break;
		}
		total++;
		if (f == &spare)
			zmq_msg_close(f);
		else
			r->nframes++;
		if (zmq_getsockopt(z->sock, ZMQ_RCVMORE, &more, &more_len) < 0)
			more = 0;
	}
	r->well_formed = total == ZAP_REQUEST_FRAMES &&
	    zmq_msg_size(&r->frames[0]) == 3 &&
	    memcmp(zmq_msg_data(&r->frames[0]), "1.0", 3) == 0 &&
	    zmq_msg_size(&r->frames[5]) == 5 &&
	    memcmp(zmq_msg_data(&r->frames[5]), "CURVE", 5) == 0 &&
	    zmq_msg_size(&r->frames[6]) == 32;
	return 0;
}

static void
zap_request_close(struct zap_request *r)
{
	for (size_t i = 0; i < r->nframes; i++)
		zmq_msg_close(&r->frames[i]);
	r->nframes = 0;
}

/* Copies frame `i` as text into buf (cut to fit). */
static void
zap_frame_text(struct zap_request *r, size_t i, char *buf, size_t size)
{
	size_t	len = zmq_msg_size(&r->frames[i]);

	if (len >= size)
		len = size - 1;
	memcpy(buf, zmq_msg_data(&r->frames[i]), len);
	buf[len] = '\0';
}

static void
zap_reply(struct zap *z, struct zap_request *r, const char *status,
    const char *text, const char *user_id)
{
	const void	*id = r->nframes > 1 ? zmq_msg_data(&r->frames[1]) : "";
	size_t		 id_len = r->nframes > 1 ? zmq_msg_size(&r->frames[1]) : 0;

	/* A REP socket always has room for its one answer. */
	zmq_send(z->sock, "1.0", 3, ZMQ_SNDMORE);
	zmq_send(z->sock, id, id_len, ZMQ_SNDMORE);
	zmq_send(z->sock, status, strlen(status), ZMQ_SNDMORE);
	zmq_send(z->sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(z->sock, user_id, strlen(user_id), ZMQ_SNDMORE);
	zmq_send(z->sock, "", 0, 0);
}

/* Decides one handshake: sets the status and text to answer with. */
static void
zap_decide(struct zap *z, const char *domain, const char *key,
    const char *address, int64_t now_ms, const char **status,
    const char **text)
{
	*status = "200";
	*text = "OK";
	if (strcmp(domain, ZAP_DOMAIN_WORKERS) != 0)
		return;
	if (!z->loaded) {
		*status = "300";
		*text = "the allow-list is not loaded yet";
		return;
	}
	if (zap_find(z, key) != NULL)
		return;
	*status = "400";
	*text = "worker key not allowed";
	if (strcmp(z->last_refused, key) != 0 ||
	    now_ms - z->last_refused_ms >= ZAP_LOG_INTERVAL_MS) {
		log_warnx("refused a worker from %s: its key %s is not allowed "
		    "(an administrator can run `tdkt worker allow -- %s`)",
		    address, key, key);
		memcpy(z->last_refused, key, sizeof z->last_refused);
		z->last_refused_ms = now_ms;
	}
}

void
zap_handle_input(struct zap *z, int64_t now_ms)
{
	struct zap_request	 r;

	while (zap_recv(z, &r) == 0) {
		char		 domain[64], address[64], key[CURVE_KEY_LEN + 1];
		const char	*status = "500", *text = "malformed ZAP request";

		if (r.well_formed) {
			zap_frame_text(&r, 2, domain, sizeof domain);
			zap_frame_text(&r, 3, address, sizeof address);
			zmq_z85_encode(key, zmq_msg_data(&r.frames[6]), 32);
			zap_decide(z, domain, key, address, now_ms, &status,
			    &text);
		} else
			log_warnx("answered a malformed ZAP request");
		zap_reply(z, &r, status, text, r.well_formed ? key : "");
		zap_request_close(&r);
	}
}
