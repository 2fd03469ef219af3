/*
 * passwords.h - Argon2id password hashing, off the event loop.
 *
 * Hashing a password takes tens of milliseconds and megabytes on purpose
 * (libsodium's crypto_pwhash_str, Argon2id), so the event loop never does
 * it: a few threads do, each fed over inproc:// sockets. A task goes to a
 * thread and comes back as one pointer; while it is away the thread owns
 * it. The loop polls passwords_socket() and calls passwords_handle_input(),
 * which runs each finished task's callback.
 *
 * The number of tasks waiting is bounded (auth.max_pending_hashes), so a
 * flood of logins costs the attacker a quick refusal, not the server an
 * ever-growing queue.
 */
#ifndef TDKT_PASSWORDS_H
#define TDKT_PASSWORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Limits on what a person may choose, in characters and bytes. */
#define PASSWORD_MIN_CHARS	10
#define PASSWORD_MAX_BYTES	256
/* crypto_pwhash_STRBYTES: room for an encoded hash and its NUL. */
#define PASSWORD_HASH_SIZE	128

struct passwords;

struct password_cost {
	unsigned long long	ops;		/* Argon2id passes */
	size_t			memory_bytes;
};

/*
 * Called once per task on the loop's thread. For a hash, `hash` holds the
 * encoded hash; for a verification, `ok` says whether the password matched.
 * `error` is non-NULL when the task could not be done (out of memory,
 * shutting down).
 */
typedef void	passwords_cb(void *arg, bool ok, const char *hash,
		    const char *error);

/* Starts `nthreads` hashing threads on `zctx`; NULL with *cause set. */
struct passwords *passwords_new(void *zctx, int nthreads, size_t max_pending,
		    const struct password_cost *, char **cause);
/* Stops the threads; unfinished tasks' callbacks run with an error. */
void		 passwords_free(struct passwords **);

/* The socket to poll for finished tasks. */
void		*passwords_socket(const struct passwords *);
void		 passwords_handle_input(struct passwords *);

/*
 * Queues hashing `password`, or checking it against `hash` (NULL: against
 * a dummy hash, so an unknown user takes as long as a known one). Returns
 * 0, or -1 when max_pending tasks are already waiting (nothing queued).
 */
int		 passwords_hash(struct passwords *, const char *password,
		    passwords_cb *, void *arg);
int		 passwords_verify(struct passwords *, const char *hash,
		    const char *password, passwords_cb *, void *arg);

/* Hashes on the calling thread, for `tdkt-server init`; 0 or -1. */
int		 passwords_hash_now(const struct password_cost *,
		    const char *password, char hash[PASSWORD_HASH_SIZE]);

/*
 * NULL if `password` is acceptable for `username`, else why not
 * (Vietnamese, static).
 */
const char	*passwords_weakness(const char *password, const char *username);

/* Writes a random password of 16 letters and digits into buf[17]. */
void		 passwords_generate(char buf[17]);

#endif
