/*
 * sock.h - ZeroMQ sockets set up the way tdkt needs them, and multipart receive.
 *
 * Every socket gets a short LINGER (shutdown never hangs on an unreachable
 * peer) and a ZMQ_MAXMSGSIZE (a peer that sends more is disconnected before
 * the bytes are buffered); ROUTER sockets get ZMQ_ROUTER_MANDATORY so a reply
 * to a vanished peer fails with EHOSTUNREACH instead of vanishing silently.
 * Sends elsewhere use ZMQ_DONTWAIT (wire_send).
 */
#ifndef TDKT_SOCK_H
#define TDKT_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include <zmq.h>

/* A multipart message never needs more frames than this; extras are dropped. */
#define SOCK_MAX_FRAMES	4

struct sock_message {
	zmq_msg_t	frames[SOCK_MAX_FRAMES];
	size_t		nframes;	/* frames kept in `frames` */
	size_t		total_frames;	/* frames the peer sent, kept or not */
};

/*
 * Returns a new socket of `type` with tdkt's options, `max_msg_size` bytes
 * being the largest message accepted (0: the ZeroMQ default, unlimited).
 * Returns NULL with errno set on failure.
 */
void	*sock_new(void *ctx, int type, int64_t max_msg_size);

/* zmq_bind/zmq_connect; on failure returns -1 and sets *cause (caller frees). */
int	 sock_bind(void *sock, const char *endpoint, char **cause);
int	 sock_connect(void *sock, const char *endpoint, char **cause);

/* Closes the socket if not NULL and sets the pointer to NULL. */
void	 sock_close(void **sockp);

/*
 * Receives one whole multipart message without blocking. Returns 0 with `m`
 * filled (release it with sock_message_close), or -1 with errno (EAGAIN when
 * nothing is waiting). Frames past SOCK_MAX_FRAMES are read and dropped so
 * the socket stays in step; m->total_frames tells the caller there were more.
 */
int	 sock_recv_message(void *sock, struct sock_message *m);
void	 sock_message_close(struct sock_message *m);

static inline const void *
sock_frame_data(struct sock_message *m, size_t i)
{
	return zmq_msg_data(&m->frames[i]);
}

static inline size_t
sock_frame_size(struct sock_message *m, size_t i)
{
	return zmq_msg_size(&m->frames[i]);
}

#endif
