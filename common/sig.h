/*
 * sig.h - signals as a file descriptor for an event loop.
 *
 * The server and the worker read their signals from a signalfd in their
 * zmq_poll loop rather than in handlers, so a signal is just another event.
 */
#ifndef TDKT_SIG_H
#define TDKT_SIG_H

#include <stddef.h>

/*
 * Ignores SIGPIPE, blocks the `n` signals in `signals` and returns a
 * non-blocking signalfd that reads them, or -1 with *cause set (caller
 * frees). Call it before any thread exists (ZeroMQ's included): threads
 * inherit the mask, so no signal is ever delivered to one of them instead.
 */
int	sig_open_fd(const int *signals, size_t n, char **cause);

#endif
