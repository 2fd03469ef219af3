/*
 * zap.h - who may open an encrypted connection: the ZAP handler (RFC 27).
 *
 * libzmq asks this handler, over inproc://zeromq.zap.01, about every CURVE
 * handshake on the server's sockets, naming the socket's ZAP domain and the
 * peer's public key. Clients and event subscribers ("clients", "events")
 * are let in with any key: their sessions, not their keys, say who they
 * are. Workers ("workers") are let in only with a key on the allow-list
 * that administrators manage (`tdkt worker allow|revoke`), kept in
 * PostgreSQL and mirrored here, because libzmq wants its answer at once.
 * The accepted key becomes the connection's User-Id, which the worker pool
 * reads on every message, so a key revoked while connected is cut off too.
 *
 * Until the allow-list has been read once, workers are told to try again
 * (status 300) rather than refused.
 */
#ifndef TDKT_ZAP_H
#define TDKT_ZAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZAP_DOMAIN_CLIENTS	"clients"
#define ZAP_DOMAIN_WORKERS	"workers"
#define ZAP_DOMAIN_EVENTS	"events"

struct zap;

/* Binds the handler on `zctx`, before any CURVE socket exists; NULL with *cause. */
struct zap	*zap_new(void *zctx, char **cause);
void		 zap_free(struct zap **);

void		*zap_socket(const struct zap *);
/* Answers every handshake waiting. */
void		 zap_handle_input(struct zap *, int64_t now_ms);

/* Replaces the allow-list with `keys` (Z85), read from the database. */
void		 zap_set_worker_keys(struct zap *, char *const *keys, size_t n);
void		 zap_allow_worker_key(struct zap *, const char *key);
void		 zap_revoke_worker_key(struct zap *, const char *key);
/* True once the allow-list has been read, and `key` is on it. */
bool		 zap_worker_key_allowed(const struct zap *, const char *key);

#endif
