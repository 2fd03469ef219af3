/*
 * worker_keys.c - the workers' allow-list, kept in step with PostgreSQL.
 *
 * The ZAP handler answers from memory (zap.h); this file fills that memory
 * from the worker_keys table at start-up and every few seconds after, so a
 * key allowed or revoked through another server sharing the database takes
 * effect here too. A key revoked here takes effect at once: the ZAP handler
 * forgets it and the pool cuts off every worker connected with it.
 */
#include <stdlib.h>

#include "db.h"
#include "db_accounts.h"
#include "log.h"
#include "server.h"
#include "worker_pool.h"
#include "zap.h"

#define WORKER_KEYS_REFRESH_MS	5000

static void
worker_keys_loaded(void *arg, char *const *keys, size_t n, const char *error)
{
	struct server	*s = arg;

	s->worker_keys_refreshing = false;
	if (error != NULL) {
		log_warnx("could not read the workers' allow-list: %s", error);
		return;
	}
	zap_set_worker_keys(s->zap, keys, n);
	worker_pool_cut_off_disallowed(s->pool);
}

void
worker_keys_tick(struct server *s, int64_t now_ms)
{
	if (s->worker_keys_refreshing || !db_ready(s->db) ||
	    (s->worker_keys_refreshed_ms != 0 &&
	    now_ms - s->worker_keys_refreshed_ms < WORKER_KEYS_REFRESH_MS))
		return;
	s->worker_keys_refreshing = true;
	s->worker_keys_refreshed_ms = now_ms;
	db_worker_keys_allowed(s->db, worker_keys_loaded, s);
}

void
worker_keys_allowed(struct server *s, const char *key)
{
	zap_allow_worker_key(s->zap, key);
}

void
worker_keys_revoked(struct server *s, const char *key)
{
	zap_revoke_worker_key(s->zap, key);
	worker_pool_cut_off_disallowed(s->pool);
}
