/* The probe's own epoll set for the sockets of attempts, watched by libevent
 * as one descriptor. */
/* An attempt registers once and close() removes it: no epoll_ctl to delete
 * it, and none that fails. Events come in batches, each with the 64 bits it
 * was registered with. */
#ifndef NACL_PROBE_POLLER_H
#define NACL_PROBE_POLLER_H

#include <event2/event.h>
#include <stdint.h>

struct poller;

/* Called for each ready descriptor of a batch with the data it was added
 * with and its epoll events; then done(arg) once per batch. */
typedef void (*poller_ready)(void *arg, uint64_t data, uint32_t events);

/* NULL with errno when epoll cannot be created. */
struct poller *poller_new(struct event_base *base, poller_ready ready,
			  void (*done)(void *arg), void *arg);
void poller_free(struct poller *p);
/* Watches fd for events (EPOLLIN, EPOLLOUT, EPOLLET...); 0 or -1 with
 * errno. Closing fd stops it. */
int poller_add(struct poller *p, int fd, uint32_t events, uint64_t data);

#endif
