/*
 * passwords.c - Argon2id hashing threads; see passwords.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>
#include <zmq.h>

#include "log.h"
#include "passwords.h"
#include "sock.h"
#include "utf8.h"
#include "xmalloc.h"

#define PASSWORDS_TASKS_ENDPOINT	"inproc://tdkt-passwords-tasks"
#define PASSWORDS_DONE_ENDPOINT		"inproc://tdkt-passwords-done"
#define PASSWORDS_MAX_THREADS		16

struct password_task {
	bool			 verify;
	char			 password[PASSWORD_MAX_BYTES + 1];
	char			 hash[PASSWORD_HASH_SIZE];
	struct password_cost	 cost;
	/* Set by the thread: */
	bool			 ok;
	const char		*error;
	/* The loop's: */
	passwords_cb		*cb;
	void			*arg;
};

struct passwords {
	void			*zctx;
	void			*tasks;		/* PUSH to the threads */
	void			*done;		/* PULL from them */
	pthread_t		 threads[PASSWORDS_MAX_THREADS];
	int			 nthreads;
	size_t			 pending;
	size_t			 max_pending;
	struct password_cost	 cost;
	char			 dummy_hash[PASSWORD_HASH_SIZE];
};

static void
passwords_task_free(struct password_task *t)
{
	sodium_memzero(t->password, sizeof t->password);
	free(t);
}

static void
passwords_run(struct password_task *t)
{
	if (t->verify) {
		t->ok = crypto_pwhash_str_verify(t->hash, t->password,
		    strlen(t->password)) == 0;
		return;
	}
	if (crypto_pwhash_str(t->hash, t->password, strlen(t->password),
	    t->cost.ops, t->cost.memory_bytes) != 0)
		t->error = "out of memory hashing a password";
	else
		t->ok = true;
}

/* Gets a pointer out of one message; NULL on failure or for "stop". */
static void *
passwords_recv_pointer(void *sock)
{
	void	*p = NULL;

	if (zmq_recv(sock, &p, sizeof p, 0) != (int)sizeof p)
		return NULL;
	return p;
}

static void *
passwords_thread(void *arg)
{
	struct passwords	*pw = arg;
	struct password_task	*t;
	void			*in, *out;

	in = sock_new(pw->zctx, ZMQ_PULL, 0);
	out = sock_new(pw->zctx, ZMQ_PUSH, 0);
	if (in == NULL || out == NULL ||
	    zmq_connect(in, PASSWORDS_TASKS_ENDPOINT) < 0 ||
	    zmq_connect(out, PASSWORDS_DONE_ENDPOINT) < 0)
		fatalx("password thread: %s", zmq_strerror(errno));
	while ((t = passwords_recv_pointer(in)) != NULL) {
		passwords_run(t);
		/* Blocking is right here: the loop always takes results. */
		if (zmq_send(out, &t, sizeof t, 0) < 0)
			fatalx("password thread: %s", zmq_strerror(errno));
	}
	sock_close(&in);
	sock_close(&out);
	return NULL;
}

struct passwords *
passwords_new(void *zctx, int nthreads, size_t max_pending,
    const struct password_cost *cost, char **cause)
{
	struct passwords	*pw;

	if (sodium_init() < 0) {
		*cause = xstrdup("libsodium could not start");
		return NULL;
	}
	pw = xcalloc(1, sizeof *pw);
	pw->zctx = zctx;
	pw->cost = *cost;
	pw->max_pending = max_pending;
	if (passwords_hash_now(cost, "tdkt dummy password", pw->dummy_hash) < 0) {
		*cause = xstrdup("could not hash a password: out of memory");
		free(pw);
		return NULL;
	}
	pw->tasks = sock_new(zctx, ZMQ_PUSH, 0);
	pw->done = sock_new(zctx, ZMQ_PULL, 0);
	if (pw->tasks == NULL || pw->done == NULL ||
	    zmq_bind(pw->tasks, PASSWORDS_TASKS_ENDPOINT) < 0 ||
	    zmq_bind(pw->done, PASSWORDS_DONE_ENDPOINT) < 0) {
		*cause = xasprintf("could not open the password sockets: %s",
		    zmq_strerror(errno));
		passwords_free(&pw);
		return NULL;
	}
	if (nthreads > PASSWORDS_MAX_THREADS)
		nthreads = PASSWORDS_MAX_THREADS;
	for (; pw->nthreads < nthreads; pw->nthreads++) {
		if ((errno = pthread_create(&pw->threads[pw->nthreads], NULL,
		    passwords_thread, pw)) != 0) {
			*cause = xasprintf("could not start a password thread: "
			    "%s", strerror(errno));
			passwords_free(&pw);
			return NULL;
		}
	}
	return pw;
}

static void
passwords_finish(struct passwords *pw, struct password_task *t)
{
	pw->pending--;
	t->cb(t->arg, t->ok, t->verify ? NULL : t->hash, t->error);
	passwords_task_free(t);
}

void
passwords_free(struct passwords **pwp)
{
	struct passwords	*pw = *pwp;
	struct password_task	*t;
	void			*stop = NULL;

	if (pw == NULL)
		return;
	/* Each thread takes one stop after the tasks queued before it. */
	for (int i = 0; i < pw->nthreads; i++)
		zmq_send(pw->tasks, &stop, sizeof stop, 0);
	for (int i = 0; i < pw->nthreads; i++)
		pthread_join(pw->threads[i], NULL);
	while (pw->pending > 0 && pw->done != NULL &&
	    (t = passwords_recv_pointer(pw->done)) != NULL)
		passwords_finish(pw, t);
	sock_close(&pw->tasks);
	sock_close(&pw->done);
	free(pw);
	*pwp = NULL;
}

void *
passwords_socket(const struct passwords *pw)
{
	return pw->done;
}

void
passwords_handle_input(struct passwords *pw)
{
	struct password_task	*t;

	while (pw->pending > 0) {
		if (zmq_recv(pw->done, &t, sizeof t, ZMQ_DONTWAIT) != (int)sizeof t)
			return;
		passwords_finish(pw, t);
	}
}

static int
passwords_queue(struct passwords *pw, bool verify, const char *hash,
    const char *password, passwords_cb *cb, void *arg)
{
	struct password_task	*t;

	if (pw->pending >= pw->max_pending)
		return -1;
	t = xcalloc(1, sizeof *t);
	t->verify = verify;
	t->cost = pw->cost;
	t->cb = cb;
	t->arg = arg;
	/* Longer passwords were refused before; cut, they cannot match. */
	strncpy(t->password, password, PASSWORD_MAX_BYTES);
	if (hash != NULL)
		strncpy(t->hash, hash, sizeof t->hash - 1);
	if (zmq_send(pw->tasks, &t, sizeof t, ZMQ_DONTWAIT) < 0) {
		passwords_task_free(t);
		return -1;
	}
	pw->pending++;
	return 0;
}

int
passwords_hash(struct passwords *pw, const char *password, passwords_cb *cb,
    void *arg)
{
	return passwords_queue(pw, false, NULL, password, cb, arg);
}

int
passwords_verify(struct passwords *pw, const char *hash, const char *password,
    passwords_cb *cb, void *arg)
{
	if (hash == NULL || hash[0] == '\0')
		hash = pw->dummy_hash;
	return passwords_queue(pw, true, hash, password, cb, arg);
}

int
passwords_hash_now(const struct password_cost *cost, const char *password,
    char hash[PASSWORD_HASH_SIZE])
{
	if (sodium_init() < 0)
		return -1;
	return crypto_pwhash_str(hash, password, strlen(password), cost->ops,
	    cost->memory_bytes) == 0 ? 0 : -1;
}

const char *
passwords_weakness(const char *password, const char *username)
{
	size_t	len = strlen(password);

	if (!utf8_valid(password, len, NULL))
		return "Mật khẩu phải là văn bản UTF-8 hợp lệ";
	if (len > PASSWORD_MAX_BYTES)
		return "Mật khẩu quá dài (tối đa 256 byte)";
	if (utf8_length(password) < PASSWORD_MIN_CHARS)
		return "Mật khẩu phải có ít nhất 10 ký tự";
	for (const char *p = password; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "Mật khẩu không được chứa ký tự điều khiển";
	}
	if (strcasecmp(password, username) == 0)
		return "Mật khẩu không được trùng tên đăng nhập";
	return NULL;
}

void
passwords_generate(char buf[17])
{
	static const char alphabet[] =
	    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	for (int i = 0; i < 16; i++)
		buf[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	buf[16] = '\0';
}
