/* Half-open TCP connections (SYN_RECV) read with sock_diag over netlink
 * (libmnl). */
/* A SYN whose SYN-ACK was lost is still a request the agent saw. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/agent.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

/* While sessions are open, poll this often: entries expire after the
 * SYN-ACK retries. */
#define HALFOPEN_POLL_MS 250

struct halfopen_poller {
	struct agent *agent;
	struct mnl_socket *nl;
	unsigned int seq;
	struct event *timer;
	bool destroy_warned;
};

/* One SYN_RECV entry on one of our TCP ports. */
struct halfopen_entry {
	uint8_t family;
	struct inet_diag_sockid id;
	struct sockaddr_storage peer;
	uint16_t port;
};

struct halfopen_list {
	const struct agent *agent;
	struct halfopen_entry *entries;
	size_t count, alloc;
};

static int
halfopen_entry_callback(const struct nlmsghdr *nlh, void *arg)
{
	struct halfopen_list *list = arg;
	const struct inet_diag_msg *msg = mnl_nlmsg_get_payload(nlh);
	struct halfopen_entry *e;
	uint16_t lport;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof *msg)
		return MNL_CB_OK;
	lport = ntohs(msg->id.idiag_sport);
	if (check_list_find(&list->agent->options.ports, PROTO_TCP, lport) < 0)
		return MNL_CB_OK;
	if (list->count == list->alloc) {
		list->alloc = list->alloc ? list->alloc * 2 : 64;
		list->entries = xreallocarray(list->entries, list->alloc,
					      sizeof *list->entries);
	}
	e = &list->entries[list->count++];
	memset(e, 0, sizeof *e);
	e->family = msg->idiag_family;
	e->id = msg->id;
	e->port = lport;
	if (msg->idiag_family == AF_INET) {
		struct sockaddr_in *sin = (void *)&e->peer;

		sin->sin_family = AF_INET;
		sin->sin_port = msg->id.idiag_dport;
		memcpy(&sin->sin_addr, msg->id.idiag_dst, 4);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&e->peer;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = msg->id.idiag_dport;
		memcpy(&sin6->sin6_addr, msg->id.idiag_dst, 16);
	}
	return MNL_CB_OK;
}

/* Sends one sock_diag request and runs cb on each answer; -1 on failure. */
static int
halfopen_request(struct halfopen_poller *h, uint16_t type, uint16_t flags,
		 const struct inet_diag_req_v2 *body, mnl_cb_t cb, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	unsigned int seq = ++h->seq, portid = mnl_socket_get_portid(h->nl);
	ssize_t n;
	int rc;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof *req);
	*req = *body;
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(h->nl, buf, sizeof buf);
		if (n < 0)
			return -1;
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, cb, arg);
	} while (rc > MNL_CB_STOP);
	return rc < 0 ? -1 : 0;
}

static void
halfopen_dump(struct halfopen_poller *h, struct halfopen_list *list)
{
	static const int families[] = {AF_INET, AF_INET6};
	struct inet_diag_req_v2 req;
	size_t i;

	list->agent = h->agent;
	for (i = 0; i < 2; i++) {
		memset(&req, 0, sizeof req);
		req.sdiag_family = (uint8_t)families[i];
		req.sdiag_protocol = IPPROTO_TCP;
		req.idiag_states = 1u << TCP_SYN_RECV;
		if (halfopen_request(h, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &req,
				     halfopen_entry_callback, list) != 0)
			log_warn("sock_diag dump of half-open connections: %s",
				 strerror(errno));
	}
}

void
halfopen_poll(struct halfopen_poller *h)
{
	struct halfopen_list list = {0};
	size_t i;
	bool tcp = false;

	/* Capture sees each SYN at the interface, whatever follows: the
	 * sockets would add nothing but a walk of every TCP socket (the
	 * TIME_WAIT entries of a sweep's connections too) four times a
	 * second. */
	if (h == NULL || h->agent->capture != NULL)
		return;
	/* The dump walks every TCP socket: only when some session has TCP. */
	for (i = 0; i < h->agent->sessions.max && !tcp; i++) {
		const struct session *s = h->agent->sessions.sessions[i];
		size_t j;

		for (j = 0; s != NULL && j < s->ports.count; j++)
			if (s->ports.checks[j].proto == PROTO_TCP)
				tcp = true;
	}
	if (!tcp)
		return;
	halfopen_dump(h, &list);
	for (i = 0; i < list.count; i++)
		agent_record_by_peer(h->agent, list.entries[i].port,
				     (struct sockaddr *)&list.entries[i].peer);
	free(list.entries);
}

void
halfopen_forget(struct halfopen_poller *h, const struct session *s)
{
	struct halfopen_list list = {0};
	struct inet_diag_req_v2 req;
	size_t i, forgotten = 0;

	if (h == NULL)
		return;
	halfopen_dump(h, &list);
	for (i = 0; i < list.count; i++) {
		const struct halfopen_entry *e = &list.entries[i];

		if (!session_matches_peer(s, PROTO_TCP, e->port,
					  (const struct sockaddr *)&e->peer))
			continue;
		memset(&req, 0, sizeof req);
		req.sdiag_family = e->family;
		req.sdiag_protocol = IPPROTO_TCP;
		req.idiag_states = 1u << TCP_SYN_RECV;
		req.id = e->id;
		if (halfopen_request(h, SOCK_DESTROY, NLM_F_ACK, &req, NULL,
				     NULL) == 0) {
			forgotten++;
			continue;
		}
		if (!h->destroy_warned)
			log_warn("cannot drop stale half-open connections "
				 "(sock_diag destroy: %s; needs "
				 "CONFIG_INET_DIAG_DESTROY and CAP_NET_ADMIN): "
				 "a port whose SYN-ACK was lost in an earlier "
				 "sweep may read reply_dropped for a minute",
				 strerror(errno));
		h->destroy_warned = true;
		break;
	}
	if (forgotten > 0)
		log_info("session %08x: dropped %zu stale half-open "
			 "connections of earlier sweeps",
			 s->id, forgotten);
	free(list.entries);
}

static void
halfopen_timer_callback(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	halfopen_poll(arg);
}

struct halfopen_poller *
halfopen_poller_new(struct agent *agent, char **cause)
{
	struct timeval every = {0, HALFOPEN_POLL_MS * 1000};
	struct halfopen_poller *h;
	struct mnl_socket *nl;

	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		*cause = xasprintf("cannot open sock_diag netlink socket: %s",
				   strerror(errno));
		if (nl != NULL)
			mnl_socket_close(nl);
		return NULL;
	}
	h = xcalloc(1, sizeof *h);
	h->agent = agent;
	h->nl = nl;
	h->seq = (unsigned int)time(NULL);
	h->timer = event_new(agent->base, -1, EV_PERSIST,
			     halfopen_timer_callback, h);
	event_add(h->timer, &every);
	return h;
}

void
halfopen_poller_free(struct halfopen_poller *h)
{
	if (h == NULL)
		return;
	event_free(h->timer);
	mnl_socket_close(h->nl);
	free(h);
}

void
agent_record_by_peer(struct agent *agent, uint16_t port,
		     const struct sockaddr *peer)
{
	size_t i;

	for (i = 0; i < agent->sessions.max; i++) {
		struct session *s = agent->sessions.sessions[i];

		if (s != NULL && session_matches_peer(s, PROTO_TCP, port, peer))
			session_record_handshake(s, port, peer);
	}
}
