/* UDP probes (the raw engine, IPv4, needs CAP_NET_RAW): requests go out in
 * batches from one raw socket, replies and ICMP errors come back through one
 * packet socket, read in batches. */
/* Each swept source port stays reserved by a bound socket that is never
 * read: the host neither gives the port to another program nor answers the
 * replies with port unreachable. About two system calls per probe (socket
 * and bind of the reserving socket; released ones are closed in batches)
 * against seven. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "probe/poller.h"
#include "probe/sweep.h"

/* Requests sent per sendmmsg, replies read per recvmmsg. */
#define RAW_BATCH 256
/*
 * The receive socket's buffer: every reply of the window may arrive while
 * the probe is not scheduled (a busy host). At the default (212,992 bytes,
 * some 270 packets) a sweep on a loaded machine lost 10% of its replies
 * there and crawled through retries; 16,384 replies of about a kilobyte of
 * kernel memory each fit in this.
 */
#define RAW_RCVBUF (32 * 1024 * 1024)
#define RAW_HEADERS (sizeof(struct iphdr) + sizeof(struct udphdr))
#define RAW_PACKET (RAW_HEADERS + SERVICE_MAX_MESSAGE)
/*
 * Released reserving sockets are closed this many at a time, with one
 * close_range per run of consecutive descriptors: new sockets take the
 * lowest free numbers, so the sockets of ports released one after another
 * mostly hold consecutive ones. A port taken again before its batch closes
 * keeps its socket.
 */
#define RAW_CLOSE_BATCH 128

struct raw_port {
	int fd; /* the reserving socket */
	uint32_t users;
};

struct raw_state {
	int send_fd, recv_fd;
	uint32_t io_generation; /* of the poller recv_fd is in; 0: none */
	struct sockaddr_in local, target;
	struct raw_port *ports; /* by source port index */
	size_t nsports;
	int16_t *check_of_port; /* UDP check by destination port, -1 */
	/* Ports released since the last batch of closes. */
	uint32_t released[RAW_CLOSE_BATCH];
	size_t nreleased;
	/* Requests waiting for the next flush. */
	struct mmsghdr out[RAW_BATCH];
	struct iovec out_iov[RAW_BATCH];
	uint8_t out_buf[RAW_BATCH][RAW_PACKET];
	uint32_t out_slot[RAW_BATCH], out_generation[RAW_BATCH];
	size_t nout;
	/* Received packets. */
	struct mmsghdr in[RAW_BATCH];
	struct iovec in_iov[RAW_BATCH];
	struct sockaddr_ll in_from[RAW_BATCH];
	uint8_t in_buf[RAW_BATCH][RAW_PACKET];
};

static uint16_t
raw_checksum(uint32_t sum, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The source address routing picks toward the target: no packet sent. */
static int
raw_local_address(const struct sockaddr_in *target, struct sockaddr_in *local)
{
	socklen_t len = sizeof *local;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)target, sizeof *target) == 0 &&
	    getsockname(fd, (struct sockaddr *)local, &len) == 0)
		rc = 0;
	close(fd);
	return rc;
}

/* Only what can be ours: UDP from the target, and ICMP errors. */
static int
raw_attach_filter(int fd, uint32_t target)
{
	struct sock_filter code[] = {
		/* Offsets from the IP header (a SOCK_DGRAM packet socket);
		 * ICMP jumps to the accept, UDP from elsewhere to the drop. */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9), /* protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12), /* source */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, target, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, RAW_PACKET),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {sizeof code / sizeof *code, code};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

/* As large as RAW_RCVBUF: past net.core.rmem_max with CAP_NET_ADMIN, else
 * as far as rmem_max lets. */
static void
raw_grow_buffer(int fd)
{
	int size = RAW_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) == 0)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0)
		log_debug("raw engine: SO_RCVBUF: %s", strerror(errno));
}

static void *
raw_open(struct sweep *s)
{
	const struct sweep_config *cfg = sweep_config(s);
	struct raw_state *st;
	size_t i;

	if (cfg->target.ss_family != AF_INET)
		return NULL;
	st = xcalloc(1, sizeof *st);
	st->send_fd = st->recv_fd = -1;
	memcpy(&st->target, &cfg->target, sizeof st->target);
	if (cfg->bind.ss_family == AF_INET)
		memcpy(&st->local, &cfg->bind, sizeof st->local);
	else if (raw_local_address(&st->target, &st->local) != 0)
		goto fail;
	st->send_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (st->send_fd < 0)
		goto fail;
	st->recv_fd =
		socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       htons(ETH_P_IP));
	if (st->recv_fd < 0 ||
	    raw_attach_filter(st->recv_fd, ntohl(st->target.sin_addr.s_addr)) !=
		    0)
		goto fail;
	raw_grow_buffer(st->recv_fd);
	st->nsports = sweep_nsports(s);
	st->ports = xcalloc(st->nsports + 1, sizeof *st->ports);
	for (i = 0; i < st->nsports; i++)
		st->ports[i].fd = -1;
	st->check_of_port = xmalloc(65536 * sizeof *st->check_of_port);
	for (i = 0; i < 65536; i++)
		st->check_of_port[i] = -1;
	for (i = 0; i < cfg->checks.count; i++)
		if (cfg->checks.checks[i].proto == PROTO_UDP)
			st->check_of_port[cfg->checks.checks[i].port] =
				(int16_t)i;
	for (i = 0; i < RAW_BATCH; i++) {
		st->in_iov[i].iov_base = st->in_buf[i];
		st->in_iov[i].iov_len = RAW_PACKET;
		st->in[i].msg_hdr.msg_iov = &st->in_iov[i];
		st->in[i].msg_hdr.msg_iovlen = 1;
	}
	log_info("raw engine: UDP requests from one raw socket, replies and "
		 "ICMP errors through a packet socket");
	return st;
fail:
	log_info("raw engine: %s; using sockets", strerror(errno));
	if (st->send_fd >= 0)
		close(st->send_fd);
	if (st->recv_fd >= 0)
		close(st->recv_fd);
	free(st);
	return NULL;
}

/* Packets the receive socket had no room for: the probe's own loss, which
 * the sweep took for the path's (and retried). */
static void
raw_log_drops(int fd)
{
	struct tpacket_stats stats;
	socklen_t len = sizeof stats;

	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &len) == 0 &&
	    stats.tp_drops > 0)
		log_warn("raw engine: %u of %u packets dropped by the probe's "
			 "own receive buffer (counted as loss and tried again)",
			 stats.tp_drops, stats.tp_packets);
}

static int
raw_fd_compare(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Closes the sockets of the released ports still unused. */
static void
raw_close_released(struct raw_state *st)
{
	int fds[RAW_CLOSE_BATCH];
	size_t n = 0, i, j;

	for (i = 0; i < st->nreleased; i++) {
		struct raw_port *p = &st->ports[st->released[i]];

		if (p->users == 0 && p->fd >= 0) {
			fds[n++] = p->fd;
			p->fd = -1;
		}
	}
	st->nreleased = 0;
	qsort(fds, n, sizeof *fds, raw_fd_compare);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && fds[j] == fds[j - 1] + 1; j++)
			;
		if (j - i == 1 ||
		    close_range((unsigned)fds[i], (unsigned)fds[j - 1], 0) != 0)
			while (i < j)
				close(fds[i++]);
	}
}

static void
raw_close(void *arg)
{
	struct raw_state *st = arg;
	size_t i;

	if (st == NULL)
		return;
	raw_log_drops(st->recv_fd);
	raw_close_released(st);
	for (i = 0; i < st->nsports; i++)
		if (st->ports[i].fd >= 0)
			close(st->ports[i].fd);
	close(st->send_fd);
	close(st->recv_fd);
	free(st->ports);
	free(st->check_of_port);
	free(st);
}

/* Holds source port index i with a bound socket; -1 with errno. */
static int
raw_reserve(struct sweep *s, struct raw_state *st, size_t i)
{
	struct sockaddr_in local = st->local;
	struct raw_port *p = &st->ports[i];
	int fd, saved;

	if (p->fd >= 0) { /* in use, or released and not yet closed */
		p->users++;
		return 0;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && errno == EMFILE && st->nreleased > 0) {
		/* The window leaves no room for the batch: close it now. */
		raw_close_released(st);
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
	}
	if (fd < 0)
		return -1;
	local.sin_port = htons(sweep_sport_of(s, sweep_port_index(s, 0, i)));
	if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	p->fd = fd;
	p->users = 1;
	return 0;
}

static void
raw_release(struct raw_state *st, size_t i)
{
	struct raw_port *p = &st->ports[i];

	if (p->users == 0 || --p->users > 0)
		return;
	if (st->nreleased == RAW_CLOSE_BATCH)
		raw_close_released(st);
	st->released[st->nreleased++] = (uint32_t)i;
}

/* The attempt of queued request k, if still the same one. */
static struct attempt *
raw_queued(struct sweep *s, const struct raw_state *st, size_t k)
{
	struct attempt *a = sweep_attempt_slot(s, st->out_slot[k]);

	return a != NULL && a->generation == st->out_generation[k] ? a : NULL;
}

static void
raw_send_failed(struct sweep *s, const struct raw_state *st, size_t k,
		int error)
{
	struct attempt *a = raw_queued(s, st, k);

	if (a == NULL)
		return;
	if (transport_error_is_rejection(error))
		sweep_attempt_rejected(a, error);
	else
		sweep_attempt_error(a, error);
}

static void
raw_flush(struct sweep *s)
{
	struct raw_state *st = sweep_transport_state(s, PROTO_UDP);
	size_t done = 0, i;
	int n;

	if (st == NULL)
		return;
	/* Released since they were queued (the sweep stopped): not sent. */
	for (i = 0; i < st->nout; i++)
		if (raw_queued(s, st, i) == NULL)
			st->out_iov[i].iov_len = 0;
	while (done < st->nout) {
		n = sendmmsg(st->send_fd, st->out + done,
			     (unsigned)(st->nout - done), 0);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* The first that could not go: a local error; on. */
		raw_send_failed(s, st, done, n < 0 ? errno : EIO);
		done++;
	}
	for (i = 0; i < st->nout; i++)
		st->out[i].msg_len = 0;
	st->nout = 0;
}

static enum transport_start
raw_start(struct sweep *s, struct attempt *a)
{
	struct raw_state *st = sweep_transport_state(s, PROTO_UDP);
	size_t i = sweep_sport_index(s, a->index), len, k;
	uint8_t *pkt;
	struct iphdr *ip;
	struct udphdr *udp;
	uint32_t pseudo;

	if (st->io_generation != sweep_io_generation(s)) {
		if (poller_add(sweep_io(s), st->recv_fd, EPOLLIN, 0) != 0)
			return TRANSPORT_LOCAL_ERROR;
		st->io_generation = sweep_io_generation(s);
	}
	if (st->nout == RAW_BATCH)
		raw_flush(s);
	k = st->nout;
	pkt = st->out_buf[k];
	len = sweep_attempt_request(a, pkt + RAW_HEADERS,
				    sizeof st->out_buf[k] - RAW_HEADERS);
	if (len == 0) {
		errno = EMSGSIZE;
		return TRANSPORT_LOCAL_ERROR;
	}
	if (raw_reserve(s, st, i) != 0)
		return TRANSPORT_LOCAL_ERROR;
	ip = (struct iphdr *)(void *)pkt;
	memset(ip, 0, sizeof *ip);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)(RAW_HEADERS + len));
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = st->local.sin_addr.s_addr;
	ip->daddr = st->target.sin_addr.s_addr;
	udp = (struct udphdr *)(void *)(pkt + sizeof *ip);
	udp->source = htons(sweep_sport_of(s, a->index));
	udp->dest = htons(sweep_check_of(s, a->index)->port);
	udp->len = htons((uint16_t)(sizeof *udp + len));
	udp->check = 0;
	pseudo = (ntohl(ip->saddr) >> 16) + (ntohl(ip->saddr) & 0xffff) +
		 (ntohl(ip->daddr) >> 16) + (ntohl(ip->daddr) & 0xffff) +
		 IPPROTO_UDP + (uint32_t)(sizeof *udp + len);
	udp->check =
		htons(raw_checksum(pseudo, (uint8_t *)udp, sizeof *udp + len));
	if (udp->check == 0)
		udp->check = 0xffff;
	st->out_iov[k].iov_base = pkt;
	st->out_iov[k].iov_len = RAW_HEADERS + len;
	memset(&st->out[k].msg_hdr, 0, sizeof st->out[k].msg_hdr);
	st->out[k].msg_hdr.msg_name = &st->target;
	st->out[k].msg_hdr.msg_namelen = sizeof st->target;
	st->out[k].msg_hdr.msg_iov = &st->out_iov[k];
	st->out[k].msg_hdr.msg_iovlen = 1;
	st->out_slot[k] = (uint32_t)sweep_attempt_slot_index(a);
	st->out_generation[k] = a->generation;
	st->nout++;
	return TRANSPORT_STARTED;
}

static void
raw_stop(struct sweep *s, struct attempt *a, bool abort)
{
	(void)abort;
	raw_release(sweep_transport_state(s, PROTO_UDP),
		    sweep_sport_index(s, a->index));
}

/* The attempt in flight for (source port, destination port), or NULL. */
static struct attempt *
raw_attempt_for(struct sweep *s, struct raw_state *st, uint16_t sport,
		uint16_t dport)
{
	size_t i;
	int check = st->check_of_port[dport];

	if (check < 0)
		return NULL;
	i = range_list_index(&sweep_config(s)->sports, sport);
	if (i == SIZE_MAX)
		return NULL;
	return sweep_attempt_of(s, sweep_port_index(s, (size_t)check, i));
}

static int
raw_icmp_errno(uint8_t type, uint8_t code)
{
	if (type != ICMP_DEST_UNREACH)
		return 0;
	switch (code) {
	case ICMP_NET_UNREACH:
		return ENETUNREACH;
	case ICMP_HOST_UNREACH:
		return EHOSTUNREACH;
	case ICMP_PROT_UNREACH:
		return ENOPROTOOPT;
	case ICMP_PORT_UNREACH:
		return ECONNREFUSED;
	case ICMP_NET_ANO:
	case ICMP_HOST_ANO:
	case ICMP_PKT_FILTERED:
		return EACCES;
	default:
		return EHOSTUNREACH;
	}
}

static void
raw_packet(struct sweep *s, struct raw_state *st, const uint8_t *pkt,
	   size_t len)
{
	const struct iphdr *ip = (const void *)pkt;
	size_t ihl;
	uint16_t observed;
	struct attempt *a;

	if (len < sizeof *ip || ip->version != 4)
		return;
	ihl = (size_t)ip->ihl * 4;
	if (ihl < sizeof *ip || len < ihl + 8 ||
	    ip->daddr != st->local.sin_addr.s_addr)
		return;
	if (ip->protocol == IPPROTO_UDP) {
		const struct udphdr *udp = (const void *)(pkt + ihl);

		if (ip->saddr != st->target.sin_addr.s_addr)
			return;
		a = raw_attempt_for(s, st, ntohs(udp->dest),
				    ntohs(udp->source));
		if (a == NULL ||
		    sweep_attempt_match(a, pkt + ihl + sizeof *udp,
					len - ihl - sizeof *udp, false,
					&observed) != REPLY_MATCH)
			return;
		sweep_attempt_reply(a, observed);
		return;
	}
	if (ip->protocol == IPPROTO_ICMP) {
		const struct icmphdr *icmp = (const void *)(pkt + ihl);
		const struct iphdr *orig = (const void *)(pkt + ihl + 8);
		const struct udphdr *oudp;
		size_t oihl;
		int error = raw_icmp_errno(icmp->type, icmp->code);

		if (error == 0 || len < ihl + 8 + sizeof *orig)
			return;
		oihl = (size_t)orig->ihl * 4;
		if (orig->protocol != IPPROTO_UDP ||
		    orig->daddr != st->target.sin_addr.s_addr ||
		    len < ihl + 8 + oihl + 4)
			return;
		oudp = (const void *)(pkt + ihl + 8 + oihl);
		a = raw_attempt_for(s, st, ntohs(oudp->source),
				    ntohs(oudp->dest));
		if (a != NULL)
			sweep_attempt_rejected(a, error);
	}
}

static void
raw_ready(struct sweep *s, uint64_t data, uint32_t events)
{
	struct raw_state *st = sweep_transport_state(s, PROTO_UDP);
	int n, i, rounds = 0;

	(void)data;
	(void)events;
	do {
		for (i = 0; i < RAW_BATCH; i++) {
			st->in[i].msg_hdr.msg_name = &st->in_from[i];
			st->in[i].msg_hdr.msg_namelen = sizeof st->in_from[i];
			st->in[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(st->recv_fd, st->in, RAW_BATCH, MSG_DONTWAIT,
			     NULL);
		for (i = 0; i < n; i++)
			if (st->in_from[i].sll_pkttype != PACKET_OUTGOING)
				raw_packet(s, st, st->in_buf[i],
					   st->in[i].msg_len);
	} while (n == RAW_BATCH && ++rounds < 8);
}

const struct transport_ops raw_transport = {
	"raw",	  raw_open,  raw_close, raw_start,
	raw_stop, raw_ready, raw_flush, &udp_transport,
};
