/* Half-open TCP connections (SYN_RECV) read with sock_diag over netlink
 * (libmnl). */
/* A SYN that arrived but whose SYN-ACK was lost is still a request the agent
 * saw. */
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

/* While sessions are open, poll this often: entries expire after the SYN-ACK
 * retries. */
#define HALFOPEN_POLL_MS 250

struct halfopen_poller {
	struct agent *agent;
	struct mnl_socket *nl;
	unsigned int seq;
	struct event *timer;
};

static int
halfopen_entry_callback(const struct nlmsghdr *nlh, void *arg)
{
	struct halfopen_poller *h = arg;
	const struct inet_diag_msg *msg = mnl_nlmsg_get_payload(nlh);
	struct sockaddr_storage peer;
	uint16_t lport;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof *msg)
		return MNL_CB_OK;
	lport = ntohs(msg->id.idiag_sport);
	if (check_list_find(&h->agent->options.ports, PROTO_TCP, lport) < 0)
		return MNL_CB_OK;
	memset(&peer, 0, sizeof peer);
	if (msg->idiag_family == AF_INET) {
		struct sockaddr_in *sin = (void *)&peer;

		sin->sin_family = AF_INET;
		sin->sin_port = msg->id.idiag_dport;
		memcpy(&sin->sin_addr, msg->id.idiag_dst, 4);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&peer;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = msg->id.idiag_dport;
		memcpy(&sin6->sin6_addr, msg->id.idiag_dst, 16);
	}
	agent_record_by_peer(h->agent, lport, (struct sockaddr *)&peer);
	return MNL_CB_OK;
}

static void
halfopen_dump(struct halfopen_poller *h, int family)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;
	unsigned int seq = ++h->seq, portid = mnl_socket_get_portid(h->nl);
	ssize_t n;
	int rc;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof *req);
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 1u << TCP_SYN_RECV;
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) < 0) {
		log_warn("sock_diag: send: %s", strerror(errno));
		return;
	}
	do {
		n = mnl_socket_recvfrom(h->nl, buf, sizeof buf);
		if (n < 0) {
			log_warn("sock_diag: receive: %s", strerror(errno));
			return;
		}
		rc = mnl_cb_run(buf, (size_t)n, seq, portid,
				halfopen_entry_callback, h);
	} while (rc > MNL_CB_STOP);
	if (rc < 0)
		log_warn("sock_diag: %s", strerror(errno));
}

void
halfopen_poll(struct halfopen_poller *h)
{
	if (h == NULL || h->agent->sessions.count == 0)
		return;
	halfopen_dump(h, AF_INET);
	halfopen_dump(h, AF_INET6);
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

	for (i = 0; i < SESSION_MAX; i++) {
		struct session *s = agent->sessions.sessions[i];

		if (s != NULL && session_matches_peer(s, PROTO_TCP, port, peer))
			session_record(s, PROTO_TCP, port, netaddr_port(peer),
				       peer);
	}
}
