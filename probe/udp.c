/* UDP probes (the socket engine): one socket per source port, bound, serves
 * every UDP check and attempt of that port while any is in flight. */
/* Unconnected, with IP_RECVERR: ICMP errors come back on the error queue
 * naming the destination they answer, so one socket tells its checks
 * apart. */
#include <errno.h>
#include <time.h>

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "probe/poller.h"
#include "probe/sweep.h"

/*
 * The socket of a port whose attempt went unanswered is kept a while for
 * the port's next attempt (spaced 100 ms, 250 ms in the confirmation): a
 * retry then costs a sendto, not socket, setsockopt, bind, epoll_ctl,
 * sendto and close. Kept within the open files the window leaves.
 */
#define UDP_PARK_MS 1000
#define UDP_PARK_MAX 8192
#define UDP_FD_RESERVE 256

struct udp_socket {
	int fd;
	uint32_t users; /* attempts in flight on it */
	uint32_t io_generation; /* of the poller it is in */
	uint64_t parked_ns; /* when kept for the next attempt; 0: not */
};

struct udp_parked {
	size_t index;
	uint64_t ns; /* stale when the socket's parked_ns differs */
};

struct udp_state {
	struct udp_socket *sockets; /* by source port index */
	size_t nsports;
	int *check_of_port; /* UDP check index by destination port, -1 */
	struct udp_parked *parked; /* oldest first, a ring of pmax */
	size_t phead, pcount, pmax;
};

static void *
udp_open(struct sweep *s)
{
	const struct sweep_config *cfg = sweep_config(s);
	struct udp_state *st = xcalloc(1, sizeof *st);
	struct rlimit rl;
	size_t i;

	st->nsports = sweep_nsports(s);
	st->sockets = xcalloc(st->nsports + 1, sizeof *st->sockets);
	for (i = 0; i < st->nsports; i++)
		st->sockets[i].fd = -1;
	st->check_of_port = xmalloc(65536 * sizeof *st->check_of_port);
	for (i = 0; i < 65536; i++)
		st->check_of_port[i] = -1;
	for (i = 0; i < cfg->checks.count; i++)
		if (cfg->checks.checks[i].proto == PROTO_UDP)
			st->check_of_port[cfg->checks.checks[i].port] = (int)i;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur > (rlim_t)cfg->window + UDP_FD_RESERVE) {
		rlim_t left = rl.rlim_cur - cfg->window - UDP_FD_RESERVE;

		st->pmax = left < UDP_PARK_MAX ? (size_t)left : UDP_PARK_MAX;
		st->parked = xcalloc(st->pmax, sizeof *st->parked);
	}
	return st;
}

static void
udp_close(void *arg)
{
	struct udp_state *st = arg;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nsports; i++)
		if (st->sockets[i].fd >= 0)
			close(st->sockets[i].fd);
	free(st->sockets);
	free(st->check_of_port);
	free(st->parked);
	free(st);
}

/* A socket bound to source port index i, in the poller; -1 with errno. */
static int
udp_socket_open(struct sweep *s, struct udp_state *st, size_t i)
{
	const struct sweep_config *cfg = sweep_config(s);
	struct sockaddr_storage local;
	int one = 1, fd, saved;

	fd = socket(cfg->target.ss_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (cfg->bind.ss_family != AF_UNSPEC)
		local = cfg->bind;
	else {
		memset(&local, 0, sizeof local);
		local.ss_family = cfg->target.ss_family;
	}
	netaddr_set_port((struct sockaddr *)&local,
			 sweep_sport_of(s, sweep_port_index(s, 0, i)));
	if ((cfg->target.ss_family == AF_INET6
		     ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one,
				  sizeof one)
		     : setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one,
				  sizeof one)) != 0 ||
	    bind(fd, (struct sockaddr *)&local,
		 netaddr_len((struct sockaddr *)&local)) != 0 ||
	    poller_add(sweep_io(s), fd, EPOLLIN, i) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	st->sockets[i].fd = fd;
	st->sockets[i].io_generation = sweep_io_generation(s);
	return fd;
}

static void
udp_socket_close(struct udp_socket *u)
{
	close(u->fd);
	u->fd = -1;
	u->parked_ns = 0;
}

/* Closes the kept sockets that waited UDP_PARK_MS for another attempt. */
static void
udp_park_expire(struct udp_state *st, uint64_t now_ns)
{
	while (st->pcount > 0) {
		const struct udp_parked *p = &st->parked[st->phead];
		struct udp_socket *u = &st->sockets[p->index];

		if (u->parked_ns == p->ns && u->fd >= 0 &&
		    now_ns - p->ns < (uint64_t)UDP_PARK_MS * 1000000u)
			return;
		if (u->parked_ns == p->ns && u->fd >= 0)
			udp_socket_close(u);
		st->phead = (st->phead + 1) % st->pmax;
		st->pcount--;
	}
}

/* An attempt on source port index i ended; park: it went unanswered, so
 * the port's next attempt may well follow. */
static void
udp_socket_release(struct udp_state *st, size_t i, bool park, uint64_t now_ns)
{
	struct udp_socket *u = &st->sockets[i];

	if (u->users == 0 || --u->users > 0 || u->fd < 0)
		return;
	if (park && st->pcount < st->pmax) {
		u->parked_ns = now_ns | 1; /* never 0 */
		st->parked[(st->phead + st->pcount++) % st->pmax] =
			(struct udp_parked){i, u->parked_ns};
		return;
	}
	udp_socket_close(u);
}

static enum transport_start
udp_start(struct sweep *s, struct attempt *a)
{
	struct udp_state *st = sweep_transport_state(s, PROTO_UDP);
	size_t i = sweep_sport_index(s, a->index);
	struct udp_socket *u = &st->sockets[i];
	struct sockaddr_storage remote = sweep_config(s)->target;
	uint8_t buf[SERVICE_MAX_MESSAGE];
	size_t len;
	int saved;

	len = sweep_attempt_request(a, buf, sizeof buf);
	if (len == 0) {
		errno = EMSGSIZE;
		return TRANSPORT_LOCAL_ERROR;
	}
	udp_park_expire(st, a->sent_ns); /* the sweep's now */
	if (u->fd < 0 && udp_socket_open(s, st, i) < 0)
		return TRANSPORT_LOCAL_ERROR;
	/* Kept from the last pass: into this pass's poller, or its reply and
	 * ICMP errors would go unread. */
	if (u->io_generation != sweep_io_generation(s)) {
		if (poller_add(sweep_io(s), u->fd, EPOLLIN, i) != 0) {
			saved = errno;
			udp_socket_close(u);
			errno = saved;
			return TRANSPORT_LOCAL_ERROR;
		}
		u->io_generation = sweep_io_generation(s);
	}
	u->parked_ns = 0;
	u->users++;
	netaddr_set_port((struct sockaddr *)&remote,
			 sweep_check_of(s, a->index)->port);
	if (sendto(u->fd, buf, len, 0, (struct sockaddr *)&remote,
		   netaddr_len((struct sockaddr *)&remote)) != (ssize_t)len) {
		saved = errno;
		/* The host's own queue had no room for it (a busy host; the
		 * kernel says so only to sockets with IP_RECVERR, and drops
		 * it in silence for others): a request lost on the way, to be
		 * judged like any lost request, not a port that cannot send. */
		if (saved == ENOBUFS)
			return TRANSPORT_STARTED;
		udp_socket_release(st, i, false, 0);
		errno = saved;
		return transport_error_is_rejection(saved)
			       ? TRANSPORT_REJECTED
			       : TRANSPORT_LOCAL_ERROR;
	}
	return TRANSPORT_STARTED;
}

static void
udp_stop(struct sweep *s, struct attempt *a, bool abort)
{
	struct udp_state *st = sweep_transport_state(s, PROTO_UDP);
	/* Ended by its deadline (abort) and not a canary: silent. */
	bool park = abort && !a->canary;

	udp_socket_release(st, sweep_sport_index(s, a->index), park,
			   park ? sweep_now(s) : 0);
}

/* The attempt in flight on source port index i for destination port. */
static struct attempt *
udp_attempt_for(struct sweep *s, struct udp_state *st, size_t i, uint16_t port)
{
	int check = st->check_of_port[port];

	if (check < 0)
		return NULL;
	return sweep_attempt_of(s, sweep_port_index(s, (size_t)check, i));
}

/* ICMP errors: each names, as msg_name, the destination it answers. */
static void
udp_read_errors(struct sweep *s, struct udp_state *st, size_t i, int fd)
{
	union {
		char space[512];
		struct cmsghdr align;
	} control;
	struct sockaddr_storage dest;
	uint8_t buf[64];

	for (;;) {
		struct iovec iov = {buf, sizeof buf};
		struct msghdr msg = {
			.msg_name = &dest,
			.msg_namelen = sizeof dest,
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.space,
			.msg_controllen = sizeof control.space,
		};
		const struct sock_extended_err *ee = NULL;
		struct cmsghdr *c;
		struct attempt *a;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (c = CMSG_FIRSTHDR(&msg); c != NULL;
		     c = CMSG_NXTHDR(&msg, c))
			if ((c->cmsg_level == IPPROTO_IP &&
			     c->cmsg_type == IP_RECVERR) ||
			    (c->cmsg_level == IPPROTO_IPV6 &&
			     c->cmsg_type == IPV6_RECVERR))
				ee = (const void *)CMSG_DATA(c);
		if (ee == NULL || (ee->ee_origin != SO_EE_ORIGIN_ICMP &&
				   ee->ee_origin != SO_EE_ORIGIN_ICMP6))
			continue;
		a = udp_attempt_for(s, st, i,
				    netaddr_port((struct sockaddr *)&dest));
		if (a != NULL &&
		    transport_error_is_rejection((int)ee->ee_errno))
			sweep_attempt_rejected(a, (int)ee->ee_errno);
		/* The socket may be closed now: its last user went. */
		if (st->sockets[i].fd != fd)
			return;
	}
}

static void
udp_ready(struct sweep *s, uint64_t data, uint32_t events)
{
	struct udp_state *st = sweep_transport_state(s, PROTO_UDP);
	size_t i = (size_t)data;
	const struct sockaddr *target =
		(const struct sockaddr *)&sweep_config(s)->target;
	uint8_t buf[SERVICE_MAX_MESSAGE];
	struct sockaddr_storage from;
	socklen_t fromlen;
	uint16_t observed;
	int fd;

	if (i >= st->nsports || (fd = st->sockets[i].fd) < 0)
		return; /* closed earlier in this batch */
	if (events & EPOLLERR) {
		udp_read_errors(s, st, i, fd);
		if (st->sockets[i].fd != fd)
			return;
	}
	for (;;) {
		struct attempt *a;
		ssize_t n;

		fromlen = sizeof from;
		n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			/* A pending ICMP error is reported here once too;
			 * the error queue said which check it was. */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;
		}
		if (!netaddr_equal((struct sockaddr *)&from, target))
			continue;
		a = udp_attempt_for(s, st, i,
				    netaddr_port((struct sockaddr *)&from));
		if (a == NULL || sweep_attempt_match(a, buf, (size_t)n, false,
						     &observed) != REPLY_MATCH)
			continue;
		sweep_attempt_reply(a, observed);
		if (st->sockets[i].fd != fd)
			return;
	}
}

const struct transport_ops udp_transport = {
	"udp", udp_open, udp_close, udp_start, udp_stop, udp_ready, NULL, NULL,
};
