/*
 * sig.c - signals as a file descriptor; see sig.h.
 */
#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sig.h"
#include "xmalloc.h"

int
sig_open_fd(const int *signals, size_t n, char **cause)
{
	sigset_t	set;
	int		fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	for (size_t i = 0; i < n; i++)
		sigaddset(&set, signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		*cause = xasprintf("could not set up signal handling: %s",
		    strerror(errno));
		return -1;
	}
	return fd;
}
