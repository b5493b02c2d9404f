/* TCP probes: connect from the bound port, send the request, read the reply,
 * let the agent close first. */
/* The agent's FIN comes first so TIME_WAIT stays on its side and the next sweep
 * can reuse our ports. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "probe/sweep.h"

enum tcp_phase { TCP_CONNECTING, TCP_READING, TCP_DRAINING };

/* How long to wait for the agent's FIN after its reply before resetting. */
static const struct timeval tcp_drain_timeout = {0, 500000};

/* The event stays registered (edge-triggered, read and write) for the whole
 * attempt: a new phase only moves its deadline, with no epoll_ctl. */
static void
tcp_set_deadline(struct attempt *a, const struct timeval *timeout)
{
	event_add(&a->ev, timeout);
}

static void
tcp_remaining(const struct attempt *a, struct timeval *tv)
{
	const struct timeval *t = sweep_timeout(a->sweep);
	uint64_t limit = (uint64_t)t->tv_sec * 1000000000u +
			 (uint64_t)(t->tv_usec % 1000000) * 1000u;
	uint64_t spent = sweep_now_ns() - a->sent_ns;
	uint64_t left = spent < limit ? limit - spent : 0;

	tv->tv_sec = (time_t)(left / 1000000000u);
	tv->tv_usec = (suseconds_t)(left % 1000000000u / 1000);
}

static void
tcp_send_request(struct attempt *a)
{
	uint8_t buf[SERVICE_MAX_MESSAGE];
	size_t len = sweep_attempt_request(a, buf, sizeof buf);
	struct timeval left;

	/* An empty send buffer takes a request of a few hundred bytes whole. */
	if (len == 0 || send(a->fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len) {
		if (transport_error_is_rejection(errno))
			sweep_attempt_result(a, ATTEMPT_REJECTED, errno, 0);
		sweep_attempt_release(a, true);
		return;
	}
	a->phase = TCP_READING;
	a->buf = xmalloc(SWEEP_TCP_BUFFER);
	a->have = 0;
	tcp_remaining(a, &left);
	tcp_set_deadline(a, &left);
}

static void
tcp_read(struct attempt *a)
{
	uint8_t drain[512];
	uint16_t observed;
	ssize_t n;

	if (a->phase == TCP_DRAINING) {
		do
			n = recv(a->fd, drain, sizeof drain, MSG_DONTWAIT);
		while (n > 0);
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			sweep_attempt_release(a, n != 0);
		return;
	}
	n = recv(a->fd, a->buf + a->have, SWEEP_TCP_BUFFER - a->have,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n < 0 && transport_error_is_rejection(errno)) {
		sweep_attempt_result(a, ATTEMPT_REJECTED, errno, 0);
		sweep_attempt_release(a, false);
		return;
	}
	if (n < 0) {
		sweep_attempt_release(a, true);
		return;
	}
	a->have = (uint16_t)(a->have + n);
	/* A full buffer is judged as it stands: headers fit in it. */
	switch (sweep_attempt_match(a, a->buf, a->have,
				    n == 0 || a->have == SWEEP_TCP_BUFFER,
				    &observed)) {
	case REPLY_INCOMPLETE:
		return;
	case REPLY_INVALID:
		/* Closed without a valid reply: as good as none. */
		sweep_attempt_release(a, true);
		return;
	case REPLY_MATCH:
		break;
	}
	if (n == 0) {
		sweep_attempt_result(a, ATTEMPT_OK, 0, observed);
		sweep_attempt_release(a, false);
		return;
	}
	sweep_attempt_result(a, ATTEMPT_OK, 0, observed);
	/* A DNS or echo server waits for the client to close: reset, so
	 * no TIME_WAIT blocks the next sweep from this source port. */
	if (!sweep_config(a->sweep)->agent &&
	    !service_ops(sweep_check_of(a->sweep, a->index)->service)
		     ->server_closes) {
		sweep_attempt_release(a, true);
		return;
	}
	a->phase = TCP_DRAINING;
	tcp_set_deadline(a, &tcp_drain_timeout);
	tcp_read(a);
}

static void
tcp_event_callback(evutil_socket_t fd, short what, void *arg)
{
	struct attempt *a = arg;
	socklen_t len = sizeof(int);
	int error = 0;

	if (what & EV_TIMEOUT) {
		/* Connected but silent, or no FIN after the reply: reset. */
		sweep_attempt_release(a, a->phase != TCP_CONNECTING);
		return;
	}
	if (a->phase != TCP_CONNECTING) {
		tcp_read(a);
		return;
	}
	/* Connected or failed: writable either way (errors set both). */
	if (!(what & EV_WRITE))
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
		error = errno;
	if (error == 0) {
		tcp_send_request(a);
		return;
	}
	sweep_attempt_result(a,
			     transport_error_is_rejection(error)
				     ? ATTEMPT_REJECTED
				     : ATTEMPT_LOCAL_ERROR,
			     error, 0);
	sweep_attempt_release(a, false);
}

static enum transport_start
tcp_start(struct attempt *a)
{
	int fd = transport_socket(a, SOCK_STREAM);

	if (fd < 0)
		return fd == -2 && errno == ECONNREFUSED
			       ? TRANSPORT_REJECTED
			       : TRANSPORT_LOCAL_ERROR;
	a->fd = fd;
	a->phase = TCP_CONNECTING;
	/* Edge-triggered: a readable or writable socket fires once per change,
	 * so one registration serves connecting, reading and draining. */
	event_assign(&a->ev, sweep_base(a->sweep), fd,
		     EV_READ | EV_WRITE | EV_ET | EV_PERSIST,
		     tcp_event_callback, a);
	event_add(&a->ev, sweep_timeout(a->sweep));
	return TRANSPORT_STARTED;
}

const struct transport tcp_transport = {tcp_start};
