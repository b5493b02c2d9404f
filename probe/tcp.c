/* TCP probes: connect from the bound port, send the request once connected,
 * read the reply. */
/* A completed handshake is reported at once (it proves the path); the reply
 * only tells whether the service answered. The connection ends with a RST
 * unless the peer closed first: no TIME_WAIT on either side to stop the next
 * sweep from this port. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "probe/poller.h"
#include "probe/sweep.h"

enum tcp_phase {
	TCP_CONNECTING,
	TCP_READING,
	TCP_PEER_CLOSED, /* the peer's FIN came: close without a RST */
};

static const char *const tcp_phase_names[] = {
	[TCP_CONNECTING] = "connecting",
	[TCP_READING] = "reading",
	[TCP_PEER_CLOSED] = "peer closed",
};

/* The one place an attempt's phase changes (logged at debug level). */
static void
tcp_attempt_set_phase(struct attempt *a, enum tcp_phase phase)
{
	log_debug("tcp attempt %zu: %s -> %s", sweep_attempt_slot_index(a),
		  tcp_phase_names[a->phase], tcp_phase_names[phase]);
	a->phase = (uint8_t)phase;
}

/* The poller's data: which slot, and which use of it. */
static uint64_t
tcp_data(const struct attempt *a)
{
	return SWEEP_IO_TCP | (uint64_t)(a->generation & 0x7fffffffu) << 32 |
	       sweep_attempt_slot_index(a);
}

static enum transport_start
tcp_start(struct sweep *s, struct attempt *a)
{
	const struct sweep_config *cfg = sweep_config(s);
	struct sockaddr_storage local, remote = cfg->target;
	int one = 1, fd, saved;

	fd = socket(remote.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return TRANSPORT_LOCAL_ERROR;
	if (cfg->bind.ss_family != AF_UNSPEC)
		local = cfg->bind;
	else {
		memset(&local, 0, sizeof local);
		local.ss_family = remote.ss_family;
	}
	netaddr_set_port((struct sockaddr *)&local,
			 sweep_sport_of(s, a->index));
	netaddr_set_port((struct sockaddr *)&remote,
			 sweep_check_of(s, a->index)->port);
	/* A port left in TIME_WAIT by someone else's connection is bound
	 * again (the 4-tuple differs). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&local,
		 netaddr_len((struct sockaddr *)&local)) != 0)
		goto local_error;
	if (connect(fd, (struct sockaddr *)&remote,
		    netaddr_len((struct sockaddr *)&remote)) != 0 &&
	    errno != EINPROGRESS) {
		saved = errno;
		close(fd);
		errno = saved;
		return saved == ECONNREFUSED ? TRANSPORT_REJECTED
					     : TRANSPORT_LOCAL_ERROR;
	}
	/* Edge-triggered: one registration serves connecting and reading. */
	if (poller_add(sweep_io(s), fd,
		       EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		       tcp_data(a)) != 0)
		goto local_error;
	a->fd = fd;
	a->phase = TCP_CONNECTING; /* a new attempt: no transition to log */
	return TRANSPORT_STARTED;
local_error:
	saved = errno;
	close(fd);
	errno = saved;
	return TRANSPORT_LOCAL_ERROR;
}

static void
tcp_stop(struct sweep *s, struct attempt *a, bool abort)
{
	(void)s;
	if (a->fd < 0)
		return;
	/* Ours to end, or the reply came and the peer has not closed: a RST
	 * leaves no TIME_WAIT behind. */
	if (abort || a->phase != TCP_PEER_CLOSED) {
		struct linger l = {1, 0};

		setsockopt(a->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	}
	close(a->fd);
	a->fd = -1;
}

static void
tcp_send_request(struct sweep *s, struct attempt *a)
{
	uint8_t buf[SERVICE_MAX_MESSAGE];
	size_t len = sweep_attempt_request(a, buf, sizeof buf);

	(void)s;
	/* An empty send buffer takes a request of a few hundred bytes whole. */
	if (len == 0 || send(a->fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len) {
		sweep_attempt_no_answer(a);
		return;
	}
	tcp_attempt_set_phase(a, TCP_READING);
	a->buf = xmalloc(SWEEP_TCP_BUFFER);
	a->have = 0;
}

static void
tcp_read(struct sweep *s, struct attempt *a)
{
	uint16_t observed;
	ssize_t n;

	(void)s;
	for (;;) {
		n = recv(a->fd, a->buf + a->have, SWEEP_TCP_BUFFER - a->have,
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* A reset after the handshake: the path answered, the
			 * service did not. */
			sweep_attempt_no_answer(a);
			return;
		}
		a->have = (uint16_t)(a->have + n);
		if (n == 0)
			tcp_attempt_set_phase(a, TCP_PEER_CLOSED);
		/* A full buffer is judged as it stands: headers fit in it. */
		switch (sweep_attempt_match(
			a, a->buf, a->have,
			n == 0 || a->have == SWEEP_TCP_BUFFER, &observed)) {
		case REPLY_INCOMPLETE:
			if (n > 0)
				continue;
			sweep_attempt_no_answer(a);
			return;
		case REPLY_INVALID:
			sweep_attempt_no_answer(a);
			return;
		case REPLY_MATCH:
			sweep_attempt_reply(a, observed);
			return;
		}
	}
}

static void
tcp_ready(struct sweep *s, uint64_t data, uint32_t events)
{
	struct attempt *a = sweep_attempt_slot(s, (size_t)(data & 0xffffffffu));
	socklen_t len = sizeof(int);
	int error = 0;

	if (a == NULL || a->fd < 0 ||
	    (a->generation & 0x7fffffffu) != ((data >> 32) & 0x7fffffffu))
		return; /* released earlier in this batch */
	if (a->phase != TCP_CONNECTING) {
		if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))
			tcp_read(s, a);
		return;
	}
	if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		return;
	if ((events & (EPOLLERR | EPOLLHUP)) &&
	    getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
		error = errno;
	if (error == 0 && (events & (EPOLLERR | EPOLLHUP)))
		error = ECONNRESET;
	if (error != 0) {
		if (transport_error_is_rejection(error))
			sweep_attempt_rejected(a, error);
		else
			sweep_attempt_error(a, error);
		return;
	}
	sweep_attempt_handshake(a);
	if (a->fd < 0 || a->canary)
		return; /* a canary is done once connected */
	tcp_send_request(s, a);
	/* The reply comes a round trip later, as an edge of its own; only a
	 * peer that spoke or closed first has something to read now. */
	if (a->fd >= 0 && a->phase == TCP_READING &&
	    (events & (EPOLLIN | EPOLLRDHUP)))
		tcp_read(s, a);
}

const struct transport_ops tcp_transport = {
	"tcp", NULL, NULL, tcp_start, tcp_stop, tcp_ready, NULL, NULL,
};
