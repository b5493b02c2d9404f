/* UDP probes: one connected socket per attempt, so ICMP errors come back on it.
 */
/* A reply is ours when its echo header names our session, sequence and ports.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/sweep.h"

static void
udp_event_callback(evutil_socket_t fd, short what, void *arg)
{
	struct attempt *a = arg;
	uint8_t buf[SERVICE_MAX_MESSAGE];
	uint16_t observed;
	ssize_t n;

	if (what & EV_TIMEOUT) {
		sweep_attempt_release(a, false);
		return;
	}
	for (;;) {
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (transport_error_is_rejection(errno)) {
				sweep_attempt_result(a, ATTEMPT_REJECTED, errno,
						     0);
				sweep_attempt_release(a, false);
				return;
			}
			continue;
		}
		if (sweep_attempt_match(a, buf, (size_t)n, false, &observed) ==
		    REPLY_MATCH) {
			sweep_attempt_result(a, ATTEMPT_OK, 0, observed);
			sweep_attempt_release(a, false);
			return;
		}
	}
}

static enum transport_start
udp_start(struct attempt *a)
{
	uint8_t buf[SERVICE_MAX_MESSAGE];
	size_t len;
	int fd, saved;

	len = sweep_attempt_request(a, buf, sizeof buf);
	if (len == 0) {
		errno = EMSGSIZE;
		return TRANSPORT_LOCAL_ERROR;
	}
	fd = transport_socket(a, SOCK_DGRAM);
	if (fd < 0)
		return fd == -2 && errno == ECONNREFUSED
			       ? TRANSPORT_REJECTED
			       : TRANSPORT_LOCAL_ERROR;
	if (send(fd, buf, len, 0) != (ssize_t)len) {
		saved = errno;
		close(fd);
		errno = saved;
		return transport_error_is_rejection(saved)
			       ? TRANSPORT_REJECTED
			       : TRANSPORT_LOCAL_ERROR;
	}
	a->fd = fd;
	event_assign(&a->ev, sweep_base(a->sweep), fd, EV_READ | EV_PERSIST,
		     udp_event_callback, a);
	event_add(&a->ev, sweep_timeout(a->sweep));
	return TRANSPORT_STARTED;
}

const struct transport udp_transport = {udp_start};
