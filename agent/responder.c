/* The echo service on one (protocol, port, address): answers probes, feeds
 * seen-logs. */
/* UDP replies leave from the address the request came to; TCP closes first so
 * TIME_WAIT stays here. */
#include <errno.h>
#include <event2/event_struct.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include "agent/agent.h"
#include "common/service.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

/* A TCP request must arrive this soon after the handshake. */
#define TCP_REQUEST_DEADLINE_SEC 10
/* Datagrams handled per wake-up, so one busy port cannot starve the rest. */
#define UDP_BATCH 256
#define UDP_RCVBUF (8 * 1024 * 1024)

struct tcp_conn;

struct responder {
	struct agent *agent;
	LIST_HEAD(, tcp_conn) conns;
	enum proto proto;
	uint16_t port;
	const struct service_ops *service;
	int fd;
	struct event *udp_event;
	struct evconnlistener *listener;
	uint32_t overflows; /* SO_RXQ_OVFL: datagrams the socket dropped */
	uint64_t send_failures, send_failures_warned_ns;
};

/* Requests start in the connection's own small buffer; few need more. */
#define TCP_SMALL_REQUEST 256

/* Memory per connection stays small however many wait: a lagging agent
 * holds thousands at once. */
struct tcp_conn {
	struct responder *responder;
	int fd;
	struct event ev;
	struct sockaddr_storage peer;
	uint8_t *buf; /* small, or a heap copy up to SERVICE_MAX_MESSAGE */
	size_t have, cap;
	uint8_t *unsent; /* the part of the reply a short write left, or NULL */
	size_t unsent_len, written;
	LIST_ENTRY(tcp_conn) entry;
	uint8_t small[TCP_SMALL_REQUEST];
};

/*
 * Asks the service for the reply to req (all bytes so far), logs an
 * identified request in its session, and decides whether to answer.
 */
static enum answer_status
responder_answer(struct responder *r, const uint8_t *req, size_t len,
		 const struct sockaddr *peer, uint8_t *out, size_t size,
		 size_t *outlen)
{
	struct request_info info = {0};
	struct answer_context ctx = {peer, &r->agent->options.service,
				     ntp_now()};
	enum answer_status rc;
	struct session *s = NULL;
	uint64_t refused;

	rc = r->service->request_answer(r->proto, req, len, &ctx, &info, out,
					size, outlen);
	if (rc != ANSWER_REPLY)
		return rc;
	if (*outlen > len + SERVICE_MAX_GROWTH) {
		log_warn("%s/%u: %s reply of %zu bytes to a %zu-byte request "
			 "withheld: replies stay within %d bytes of requests",
			 proto_name(r->proto), r->port, r->service->name,
			 *outlen, len, SERVICE_MAX_GROWTH);
		return ANSWER_INVALID;
	}
	if (info.identified) {
		s = session_find(&r->agent->sessions, info.session);
		/* A token from another session, or forged: not this one's. */
		if (s != NULL &&
		    !session_token_valid(s, r->proto, r->port, info.sport,
					 info.seq, info.attempt, info.token)) {
			r->agent->refused_tokens++;
			s = NULL;
		}
		if (s != NULL)
			session_record(s, r->proto, r->port, info.sport, peer);
	}
	/* Without --open only a session's own probes get an answer. */
	if (s == NULL && !r->agent->options.open)
		return ANSWER_INVALID;
	if (!ratelimit_allow(r->agent->ratelimit, peer, session_monotonic_ns(),
			     &refused)) {
		if (s != NULL)
			s->withheld++;
		if (refused > 0) {
			char text[NETADDR_STRLEN];

			log_warn("%s: %llu replies withheld: over the %u "
				 "replies per second allowed to one source",
				 netaddr_format(peer, text),
				 (unsigned long long)refused,
				 r->agent->options.reply_rate);
		}
		return ANSWER_INVALID;
	}
	return ANSWER_REPLY;
}

/* A reply the kernel would not take: the probe will read it as dropped on
 * the way back, so say so, at most every 10 s. */
static void
responder_send_failed(struct responder *r, int error)
{
	uint64_t now = session_monotonic_ns();

	r->send_failures++;
	if (r->send_failures_warned_ns != 0 &&
	    now - r->send_failures_warned_ns < 10000000000ULL)
		return;
	log_warn("%s/%u: %llu replies could not be sent (%s): probes will "
		 "read them as reply_dropped",
		 proto_name(r->proto), r->port,
		 (unsigned long long)r->send_failures, strerror(error));
	r->send_failures = 0;
	r->send_failures_warned_ns = now;
}

/* Reads the cmsgs of a received datagram: the drop counter, and the
 * address it came to, into reply (for sendmsg) so the reply leaves from it. */
static size_t
responder_udp_cmsgs(struct responder *r, struct msghdr *msg, void *reply,
		    size_t size)
{
	struct cmsghdr *c, *out;
	size_t len = 0;

	memset(reply, 0, size);
	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&r->overflows, CMSG_DATA(c),
			       sizeof r->overflows);
			continue;
		}
		if (len > 0 || c->cmsg_len > size)
			continue;
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo *pi = (void *)CMSG_DATA(c);

			pi->ipi_spec_dst = pi->ipi_addr;
			pi->ipi_ifindex = 0;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo *pi = (void *)CMSG_DATA(c);

			pi->ipi6_ifindex = 0;
		} else
			continue;
		out = reply;
		memcpy(out, c, c->cmsg_len);
		len = CMSG_SPACE(c->cmsg_len - CMSG_LEN(0));
	}
	return len;
}

/* Control data of one datagram: its destination address, the drop count. */
union udp_control {
	char space[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		   CMSG_SPACE(sizeof(uint32_t))];
	struct cmsghdr align;
};

/*
 * Datagrams read, and replies sent, per system call (recvmmsg, sendmmsg):
 * the agent answers a sweep's every datagram, and one call each per
 * datagram cost it more than the answering did.
 */
#define UDP_MMSG 32

/* Scratch for one batch; the agent has one thread. */
static struct udp_batch {
	struct mmsghdr in[UDP_MMSG], out[UDP_MMSG];
	struct iovec in_iov[UDP_MMSG], out_iov[UDP_MMSG];
	struct sockaddr_storage peer[UDP_MMSG];
	union udp_control control[UDP_MMSG], send_control[UDP_MMSG];
	uint8_t buf[UDP_MMSG][SERVICE_MAX_MESSAGE];
	uint8_t reply[UDP_MMSG][SERVICE_MAX_MESSAGE + SERVICE_MAX_GROWTH];
} udp_batch;

/* Sends the first n replies of b->out; one that fails is counted, the rest
 * go on. */
static void
responder_udp_send(struct responder *r, int fd, struct udp_batch *b, unsigned n)
{
	unsigned done = 0;
	int sent;

	while (done < n) {
		sent = sendmmsg(fd, b->out + done, n - done, MSG_DONTWAIT);
		if (sent > 0) {
			r->agent->replies += (uint64_t)sent;
			done += (unsigned)sent;
			continue;
		}
		if (sent < 0 && errno == EINTR)
			continue;
		responder_send_failed(r, sent < 0 ? errno : EIO);
		done++;
	}
}

static void
responder_udp_event_callback(evutil_socket_t fd, short what, void *arg)
{
	struct responder *r = arg;
	struct udp_batch *b = &udp_batch;
	size_t reply_len;
	unsigned handled = 0, i, nout;
	int n;

	(void)what;
	while (handled < UDP_BATCH) {
		for (i = 0; i < UDP_MMSG; i++) {
			b->in_iov[i] =
				(struct iovec){b->buf[i], sizeof b->buf[i]};
			b->in[i].msg_hdr = (struct msghdr){
				.msg_name = &b->peer[i],
				.msg_namelen = sizeof b->peer[i],
				.msg_iov = &b->in_iov[i],
				.msg_iovlen = 1,
				.msg_control = b->control[i].space,
				.msg_controllen = sizeof b->control[i].space,
			};
		}
		n = recvmmsg(fd, b->in, UDP_MMSG, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno != EINTR)
				log_debug("udp/%u: recvmmsg: %s", r->port,
					  strerror(errno));
			handled++;
			continue;
		}
		nout = 0;
		for (i = 0; i < (unsigned)n; i++) {
			struct msghdr *in = &b->in[i].msg_hdr;
			struct msghdr *out = &b->out[nout].msg_hdr;

			*out = (struct msghdr){
				.msg_name = in->msg_name,
				.msg_namelen = in->msg_namelen,
				.msg_iov = &b->out_iov[nout],
				.msg_iovlen = 1,
			};
			out->msg_controllen = responder_udp_cmsgs(
				r, in, b->send_control[nout].space,
				sizeof b->send_control[nout].space);
			out->msg_control = out->msg_controllen > 0
						   ? b->send_control[nout].space
						   : NULL;
			if ((in->msg_flags & MSG_TRUNC) ||
			    responder_answer(r, b->buf[i], b->in[i].msg_len,
					     in->msg_name, b->reply[nout],
					     sizeof b->reply[nout],
					     &reply_len) != ANSWER_REPLY)
				continue;
			b->out_iov[nout] =
				(struct iovec){b->reply[nout], reply_len};
			nout++;
		}
		responder_udp_send(r, fd, b, nout);
		handled += (unsigned)n;
		if (n < UDP_MMSG)
			return;
	}
}

void
responder_drain(struct responder *r)
{
	if (r != NULL && r->proto == PROTO_UDP)
		responder_udp_event_callback(r->fd, EV_READ, r);
}

uint64_t
responder_overflows(const struct responder *r, enum proto proto, uint16_t port)
{
	return r->proto == proto && r->port == port ? r->overflows : 0;
}

static void
tcp_conn_free(struct tcp_conn *c)
{
	LIST_REMOVE(c, entry);
	if (event_initialized(&c->ev))
		event_del(&c->ev);
	close(c->fd);
	if (c->buf != c->small)
		free(c->buf);
	free(c->unsent);
	free(c);
}

/* Writes what is left of the reply; true when the connection is done. */
static bool
tcp_conn_write(struct tcp_conn *c, const uint8_t *data, size_t len)
{
	ssize_t n = write(c->fd, data, len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		n = 0;
	else if (n < 0)
		return true;
	if ((size_t)n == len) {
		c->responder->agent->replies++;
		return true;
	}
	if (c->unsent == NULL) {
		c->unsent = xmalloc(len - (size_t)n);
		memcpy(c->unsent, data + n, len - (size_t)n);
		c->unsent_len = len - (size_t)n;
		c->written = 0;
	} else
		c->written += (size_t)n;
	return false;
}

static void tcp_conn_event_callback(evutil_socket_t fd, short what, void *arg);

/* What a connection waits for after tcp_conn_serve(). */
enum tcp_conn_next {
	TCP_CONN_CLOSED, /* answered or given up: freed */
	TCP_CONN_READ, /* more of the request */
	TCP_CONN_WRITE, /* room for the rest of the reply */
};

/* Reads what the request has so far and answers it once whole. */
static enum tcp_conn_next
tcp_conn_serve(struct tcp_conn *c)
{
	struct responder *r = c->responder;
	uint8_t reply[SERVICE_MAX_MESSAGE + SERVICE_MAX_GROWTH];
	size_t reply_len;
	ssize_t n;

	if (c->have == c->cap) {
		if (c->cap == SERVICE_MAX_MESSAGE) {
			log_debug("tcp/%u: request over %d bytes; closing",
				  r->port, SERVICE_MAX_MESSAGE);
			tcp_conn_free(c);
			return TCP_CONN_CLOSED;
		}
		c->buf = c->buf == c->small
				 ? memcpy(xmalloc(SERVICE_MAX_MESSAGE),
					  c->small, c->have)
				 : c->buf;
		c->cap = SERVICE_MAX_MESSAGE;
	}
	n = read(c->fd, c->buf + c->have, c->cap - c->have);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return TCP_CONN_READ;
	if (n <= 0) {
		tcp_conn_free(c);
		return TCP_CONN_CLOSED;
	}
	c->have += (size_t)n;
	switch (responder_answer(r, c->buf, c->have,
				 (struct sockaddr *)&c->peer, reply,
				 sizeof reply, &reply_len)) {
	case ANSWER_INCOMPLETE:
		return TCP_CONN_READ;
	case ANSWER_INVALID:
		tcp_conn_free(c);
		return TCP_CONN_CLOSED;
	case ANSWER_REPLY:
		break;
	}
	/* Nearly always the whole reply goes at once; else wait to write. */
	if (tcp_conn_write(c, reply, reply_len)) {
		tcp_conn_free(c);
		return TCP_CONN_CLOSED;
	}
	return TCP_CONN_WRITE;
}

/* Watches c for what it waits for; nothing when it is done. */
static void
tcp_conn_wait(struct tcp_conn *c, enum tcp_conn_next next)
{
	struct timeval deadline = {TCP_REQUEST_DEADLINE_SEC, 0};

	if (next == TCP_CONN_CLOSED)
		return;
	if (event_initialized(&c->ev))
		event_del(&c->ev);
	event_assign(&c->ev, c->responder->agent->base, c->fd,
		     (next == TCP_CONN_READ ? EV_READ : EV_WRITE) | EV_PERSIST,
		     tcp_conn_event_callback, c);
	event_add(&c->ev, next == TCP_CONN_READ ? &deadline : NULL);
}

static void
tcp_conn_event_callback(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn *c = arg;
	enum tcp_conn_next next;

	(void)fd;
	if (what & EV_TIMEOUT) {
		log_debug("tcp/%u: no request within %d s; closing",
			  c->responder->port, TCP_REQUEST_DEADLINE_SEC);
		tcp_conn_free(c);
		return;
	}
	if (c->unsent != NULL) {
		/* We close first: TIME_WAIT stays on the agent. */
		if (tcp_conn_write(c, c->unsent + c->written,
				   c->unsent_len - c->written))
			tcp_conn_free(c);
		return;
	}
	next = tcp_conn_serve(c);
	/* Still reading: the event it came through goes on as it is. */
	if (next == TCP_CONN_WRITE)
		tcp_conn_wait(c, next);
}

static void
responder_accept_callback(struct evconnlistener *listener, evutil_socket_t fd,
			  struct sockaddr *peer, int peerlen, void *arg)
{
	struct responder *r = arg;
	struct tcp_conn *c = xcalloc(1, sizeof *c);

	(void)listener;
	c->responder = r;
	c->fd = fd;
	c->buf = c->small;
	c->have = 0;
	c->cap = sizeof c->small;
	c->unsent = NULL;
	memcpy(&c->peer, peer, (size_t)peerlen);
	LIST_INSERT_HEAD(&r->conns, c, entry);
	/* A completed handshake is proof the request arrived, id or not. */
	agent_record_by_peer(r->agent, r->port, peer);
	/* The listener defers accepting until data comes (TCP_DEFER_ACCEPT):
	 * the request is nearly always here already, and a connection
	 * answered now never enters the event loop. */
	tcp_conn_wait(c, tcp_conn_serve(c));
}

static void
responder_accept_error_callback(struct evconnlistener *listener, void *arg)
{
	struct responder *r = arg;
	int err = EVUTIL_SOCKET_ERROR();

	char what[16];

	snprintf(what, sizeof what, "tcp/%u", r->port);
	errno = err;
	agent_shed_connection(r->agent, evconnlistener_get_fd(listener), what);
}

static int
responder_socket(enum proto proto, const struct sockaddr *addr, char **cause)
{
	int one = 1, rcvbuf = UDP_RCVBUF, fd, saved;
	char text[NETADDR_STRLEN];

	fd = socket(addr->sa_family,
		    (proto == PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) |
			    SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		goto fail;
	/* TCP: restarts beside TIME_WAIT; Linux still refuses a second
	 * listener. UDP takes none: one agent per port. */
	if (proto == PROTO_TCP)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (addr->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (proto == PROTO_UDP) {
		/* Sweeps arrive in bursts; one socket serves every probe. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			       sizeof rcvbuf) != 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				   sizeof rcvbuf);
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &rcvbuf,
			       sizeof rcvbuf) != 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &rcvbuf,
				   sizeof rcvbuf);
		/* Each datagram then carries the socket's drop count. */
		setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
		if (addr->sa_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
				   sizeof one);
		else
			setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one,
				   sizeof one);
	}
	if (bind(fd, addr, netaddr_len(addr)) != 0)
		goto fail;
	/* The SYN queue holds one entry per probed source port: make it deep.
	 */
	if (proto == PROTO_TCP && listen(fd, 65535) != 0)
		goto fail;
	/* Woken once the request is in, not at the handshake's last ACK:
	 * nearly every connection is then answered as it is accepted. */
	if (proto == PROTO_TCP)
		setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof one);
	return fd;
fail:
	saved = errno;
	if (errno == EADDRINUSE)
		*cause = xasprintf("%s/%u is already served on %s by another "
				   "socket (another nacl-agent?): one agent "
				   "per port; stop the other or leave %s/%u "
				   "out of --ports",
				   proto_name(proto), netaddr_port(addr),
				   netaddr_format(addr, text),
				   proto_name(proto), netaddr_port(addr));
	else
		*cause = xasprintf(
			"cannot listen on %s/%s:%u: %s%s", proto_name(proto),
			netaddr_format(addr, text), netaddr_port(addr),
			strerror(errno),
			errno == EACCES ? " (ports below 1024 need root or "
					  "CAP_NET_BIND_SERVICE)"
					: "");
	if (fd >= 0)
		close(fd);
	errno = saved; /* for responder_error_exit() */
	return -1;
}

struct responder *
responder_new(struct agent *agent, const struct check_spec *check,
	      const struct sockaddr *addr, char **cause)
{
	struct sockaddr_storage ss;
	struct responder *r;
	int fd;

	enum proto proto = check->proto;
	uint16_t port = check->port;

	memcpy(&ss, addr, netaddr_len(addr));
	netaddr_set_port((struct sockaddr *)&ss, port);
	fd = responder_socket(proto, (struct sockaddr *)&ss, cause);
	if (fd < 0)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->agent = agent;
	r->proto = proto;
	r->port = port;
	r->service = service_ops(check->service);
	r->fd = fd;
	LIST_INIT(&r->conns);
	if (proto == PROTO_UDP) {
		r->udp_event = event_new(agent->base, fd, EV_READ | EV_PERSIST,
					 responder_udp_event_callback, r);
		event_add(r->udp_event, NULL);
	} else {
		r->listener = evconnlistener_new(agent->base,
						 responder_accept_callback, r,
						 LEV_OPT_CLOSE_ON_FREE, 0, fd);
		evconnlistener_set_error_cb(r->listener,
					    responder_accept_error_callback);
	}
	return r;
}

int
responder_error_exit(int error)
{
	return error == EADDRINUSE ? 2 : 3;
}

void
responder_free(struct responder *r)
{
	if (r == NULL)
		return;
	while (!LIST_EMPTY(&r->conns))
		tcp_conn_free(LIST_FIRST(&r->conns));
	if (r->udp_event != NULL) {
		event_free(r->udp_event);
		close(r->fd);
	}
	if (r->listener != NULL)
		evconnlistener_free(r->listener);
	free(r);
}
