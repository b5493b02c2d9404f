/* The probe's own epoll set for the sockets of attempts, watched by libevent
 * as one descriptor. */
/* Nested epoll is plain Linux; libevent sees one readable descriptor. */
#include "probe/poller.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"

/* Ready descriptors taken per epoll_wait. */
#define POLLER_BATCH 1024

struct poller {
	int epfd;
	struct event *ev;
	poller_ready ready;
	void (*done)(void *arg);
	void *arg;
	struct epoll_event events[POLLER_BATCH];
};

static void
poller_event_callback(evutil_socket_t fd, short what, void *arg)
{
	struct poller *p = arg;
	int n, i, rounds = 0;

	(void)fd;
	(void)what;
	/* A few batches at most, so timers are not starved. */
	do {
		n = epoll_wait(p->epfd, p->events, POLLER_BATCH, 0);
		if (n < 0) {
			if (errno != EINTR)
				log_warn("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++)
			p->ready(p->arg, p->events[i].data.u64,
				 p->events[i].events);
	} while (n == POLLER_BATCH && ++rounds < 4);
	p->done(p->arg);
}

struct poller *
poller_new(struct event_base *base, poller_ready ready, void (*done)(void *arg),
	   void *arg)
{
	struct poller *p;
	int epfd = epoll_create1(EPOLL_CLOEXEC);

	if (epfd < 0)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->epfd = epfd;
	p->ready = ready;
	p->done = done;
	p->arg = arg;
	p->ev = event_new(base, epfd, EV_READ | EV_PERSIST,
			  poller_event_callback, p);
	event_add(p->ev, NULL);
	return p;
}

void
poller_free(struct poller *p)
{
	if (p == NULL)
		return;
	event_free(p->ev);
	close(p->epfd);
	free(p);
}

int
poller_add(struct poller *p, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = {.events = events, .data.u64 = data};

	return epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev);
}
