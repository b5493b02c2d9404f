/* The sweep on libevent: one timer for sweep_step, one poller for every
 * attempt's socket. */
/* The scheduler itself (probe/sweep.c) knows neither. */
#include <stdlib.h>
#include <time.h>

#include "common/log.h"
#include "probe/poller.h"
#include "probe/sweep.h"

struct sweep_loop {
	struct sweep *s;
	struct event_base *base;
	struct event *timer;
	bool over;
};

static void
sweep_loop_schedule(struct sweep_loop *l, uint64_t when_ns)
{
	uint64_t now = sweep_now(l->s);
	uint64_t delay = when_ns > now ? when_ns - now : 0;
	struct timeval tv = {(time_t)(delay / 1000000000u),
			     (suseconds_t)(delay % 1000000000u / 1000)};

	evtimer_add(l->timer, &tv);
}

static void
sweep_loop_timer_callback(evutil_socket_t fd, short what, void *arg)
{
	struct sweep_loop *l = arg;
	uint64_t next;

	(void)fd;
	(void)what;
	next = sweep_step(l->s);
	if (next == 0) {
		l->over = true;
		event_base_loopbreak(l->base);
		return;
	}
	sweep_loop_schedule(l, next);
}

static void
sweep_loop_ready(void *arg, uint64_t data, uint32_t events)
{
	struct sweep_loop *l = arg;
	enum proto proto = (data & SWEEP_IO_TCP) ? PROTO_TCP : PROTO_UDP;

	sweep_transport_ready(l->s, proto, data, events);
}

/* After a batch of replies: step now, to fill the slots they freed. */
static void
sweep_loop_done(void *arg)
{
	struct sweep_loop *l = arg;

	sweep_loop_schedule(l, 0);
}

int
sweep_run(struct sweep *s, struct event_base *base)
{
	struct sweep_loop l = {s, base, NULL, false};
	struct poller *p;
	int rc = 0;

	p = poller_new(base, sweep_loop_ready, sweep_loop_done, &l);
	if (p == NULL) {
		log_error("cannot create an epoll set for the sweep");
		return -1;
	}
	l.timer = evtimer_new(base, sweep_loop_timer_callback, &l);
	sweep_set_io(s, p);
	sweep_loop_schedule(&l, 0);
	/* Until the pass is over, or someone else (a lost agent) breaks the
	 * loop: they stop the sweep. */
	rc = event_base_dispatch(base) < 0 ? -1 : 0;
	event_free(l.timer);
	sweep_set_io(s, NULL);
	poller_free(p);
	return rc;
}
