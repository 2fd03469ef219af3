/*
 * sock.c - ZeroMQ socket set-up and multipart receive; see sock.h.
 */
#include <errno.h>
#include <string.h>

#include "sock.h"
#include "xmalloc.h"

/* Long enough to flush a last reply on a healthy link, short enough to exit. */
#define SOCK_LINGER_MS	200

void *
sock_new(void *ctx, int type, int64_t max_msg_size)
{
	void	*s;
	int	 linger = SOCK_LINGER_MS, one = 1;

	if ((s = zmq_socket(ctx, type)) == NULL)
		return NULL;
	if (zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) < 0)
		goto fail;
	if (max_msg_size > 0 &&
	    zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max_msg_size, sizeof max_msg_size) < 0)
		goto fail;
	if (type == ZMQ_ROUTER &&
	    zmq_setsockopt(s, ZMQ_ROUTER_MANDATORY, &one, sizeof one) < 0)
		goto fail;
	return s;
fail:
	{
		int saved = errno;
		zmq_close(s);
		errno = saved;
	}
	return NULL;
}

int
sock_bind(void *sock, const char *endpoint, char **cause)
{
	if (zmq_bind(sock, endpoint) == 0)
		return 0;
	*cause = xasprintf("could not bind to \"%s\": %s", endpoint,
	    zmq_strerror(errno));
	return -1;
}

int
sock_connect(void *sock, const char *endpoint, char **cause)
{
	if (zmq_connect(sock, endpoint) == 0)
		return 0;
	*cause = xasprintf("could not connect to \"%s\": %s", endpoint,
	    zmq_strerror(errno));
	return -1;
}

void
sock_close(void **sockp)
{
	if (*sockp == NULL)
		return;
	zmq_close(*sockp);
	*sockp = NULL;
}

int
sock_recv_message(void *sock, struct sock_message *m)
{
	int	more;
	size_t	more_len;

	m->nframes = 0;
	m->total_frames = 0;
	do {
		zmq_msg_t	 spare;
		zmq_msg_t	*f;

		f = m->nframes < SOCK_MAX_FRAMES ? &m->frames[m->nframes] : &spare;
		zmq_msg_init(f);
		/* Only the first frame may be absent; the rest arrive atomically. */
		if (zmq_msg_recv(f, sock, m->total_frames == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			int saved = errno;
			zmq_msg_close(f);
			sock_message_close(m);
			errno = saved;
			return -1;
		}
		m->total_frames++;
		more_len = sizeof more;
		if (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &more_len) < 0)
			more = 0;
		if (f == &spare)
			zmq_msg_close(f);
		else
			m->nframes++;
	} while (more);
	return 0;
}

void
sock_message_close(struct sock_message *m)
{
	for (size_t i = 0; i < m->nframes; i++)
		zmq_msg_close(&m->frames[i]);
	m->nframes = 0;
}
