/* Packet-level evidence: requests arriving at the interface, replies and
 * SYN-ACKs leaving it, on the served ports (libpcap, a kernel BPF filter). */
/*
 * libpcap rather than a hand-made AF_PACKET/TPACKET_V3 ring: Debian's
 * libpcap-dev sets up the same mmap ring, compiles the filter for the
 * kernel, and reports drops (pcap_stats); writing that again is code to
 * keep without gain. One handle on "any" sees every interface and the
 * direction of each packet; while no session is open its filter accepts
 * nothing, so the kernel copies nothing.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "agent/agent.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/service.h"
#include "common/xmalloc.h"

/* Headers and the payload where a UDP request carries its identity. */
#define CAPTURE_SNAPLEN 256
/* TPACKET_V3 packs packets by their captured size: about 200,000 probes'
 * packets, two seconds of the agent's top rate. */
#define CAPTURE_BUFFER (32 * 1024 * 1024)
/* A block of the ring is handed over at the latest this long after its
 * first packet; seen-logs are asked for well after the last reply. */
#define CAPTURE_TIMEOUT_MS 50
/* Packets handled per wake-up, so the control channel is not starved. */
#define CAPTURE_BATCH 8192
#define PACKET_OUTGOING_TYPE 4

struct capture {
	struct agent *agent;
	pcap_t *pcap;
	struct event *ev;
	int linktype;
	bool active;
};

/* One packet, parsed: its direction, ends, and UDP payload. */
struct capture_packet {
	bool outgoing;
	enum proto proto;
	struct sockaddr_storage src, dst;
	uint16_t sport, dport;
	uint8_t tcp_flags;
	const uint8_t *payload;
	size_t payload_len;
};

/* A filter of one instruction, "accept nothing". */
static void
capture_filter_none(struct capture *c)
{
	static struct bpf_insn none[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
	struct bpf_program prog = {1, none};

	if (pcap_setfilter(c->pcap, &prog) != 0)
		log_warn("capture: cannot stop the filter: %s",
			 pcap_geterr(c->pcap));
}

/* UDP to or from a served UDP port; TCP SYNs and SYN-ACKs of served TCP
 * ports (IPv6 without extension headers: flags at ip6[40 + 13]). */
static char *
capture_filter_text(const struct check_list *ports)
{
	char *udp = xstrdup(""), *tcp = xstrdup(""), *text;
	size_t i;

	for (i = 0; i < ports->count; i++) {
		const struct check_spec *c = &ports->checks[i];
		char **list = c->proto == PROTO_UDP ? &udp : &tcp;

		xappendf(list, "%sport %u", **list ? " or " : "", c->port);
	}
	text = *udp ? xasprintf("(udp and (%s))", udp) : xstrdup("");
	if (*tcp)
		xappendf(&text,
			 "%s(tcp and (%s) and ((ip and tcp[13] & 2 != "
			 "0) or (ip6 and ip6[53] & 2 != 0)))",
			 *text ? " or " : "", tcp);
	free(udp);
	free(tcp);
	return text;
}

void
capture_update(struct capture *c)
{
	struct bpf_program prog;
	bool want;
	char *text;

	if (c == NULL)
		return;
	want = c->agent->sessions.count > 0;
	if (want == c->active)
		return;
	c->active = want;
	if (!want) {
		capture_filter_none(c);
		log_debug("capture: off (no session open)");
		return;
	}
	text = capture_filter_text(&c->agent->options.ports);
	if (pcap_compile(c->pcap, &prog, text, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(c->pcap, &prog) != 0)
		log_error("capture: filter '%s' refused: %s", text,
			  pcap_geterr(c->pcap));
	else
		log_debug("capture: on, filter '%s'", text);
	pcap_freecode(&prog);
	free(text);
}

static void
capture_address(struct sockaddr_storage *ss, int family, const uint8_t *addr,
		uint16_t port)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr, 4);
		sin->sin_port = htons(port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr, 16);
		sin6->sin6_port = htons(port);
	}
}

/* The cooked header of "any" (SLL or SLL2) down to UDP or TCP; -1 when the
 * packet is none of ours. Pure over bytes. */
static int
capture_parse(int linktype, const uint8_t *p, size_t len,
	      struct capture_packet *out)
{
	const uint8_t *ip, *src, *dst, *l4;
	size_t hdr, iplen, l4len;
	uint16_t ethertype;
	uint8_t next;
	int family;

	if (linktype == DLT_LINUX_SLL2) {
		if (len < 20)
			return -1;
		ethertype = (uint16_t)(p[0] << 8 | p[1]);
		out->outgoing = p[10] == PACKET_OUTGOING_TYPE;
		hdr = 20;
	} else {
		if (len < 16)
			return -1;
		out->outgoing = (p[0] << 8 | p[1]) == PACKET_OUTGOING_TYPE;
		ethertype = (uint16_t)(p[14] << 8 | p[15]);
		hdr = 16;
	}
	ip = p + hdr;
	iplen = len - hdr;
	if (ethertype == 0x0800 && iplen >= 20 && (ip[0] >> 4) == 4) {
		hdr = (size_t)(ip[0] & 0x0f) * 4;
		/* Only first fragments carry ports. */
		if (hdr < 20 || iplen < hdr || ((ip[6] & 0x1f) | ip[7]) != 0)
			return -1;
		family = AF_INET;
		next = ip[9];
		src = ip + 12;
		dst = ip + 16;
	} else if (ethertype == 0x86dd && iplen >= 40 && (ip[0] >> 4) == 6) {
		hdr = 40;
		family = AF_INET6;
		next = ip[6];
		src = ip + 8;
		dst = ip + 24;
	} else
		return -1;
	l4 = ip + hdr;
	l4len = iplen - hdr;
	if (next == IPPROTO_UDP && l4len >= 8) {
		out->proto = PROTO_UDP;
		out->payload = l4 + 8;
		out->payload_len = l4len - 8;
	} else if (next == IPPROTO_TCP && l4len >= 14) {
		out->proto = PROTO_TCP;
		out->tcp_flags = l4[13];
		out->payload = NULL;
		out->payload_len = 0;
	} else
		return -1;
	out->sport = (uint16_t)(l4[0] << 8 | l4[1]);
	out->dport = (uint16_t)(l4[2] << 8 | l4[3]);
	capture_address(&out->src, family, src, out->sport);
	capture_address(&out->dst, family, dst, out->dport);
	return 0;
}

/* A UDP request's own identity (the service's parser): its session and
 * the source port the probe bound, token checked. NULL if none. */
static struct session *
capture_identify(struct capture *c, const struct check_spec *check,
		 const struct capture_packet *pkt, uint16_t *sport)
{
	struct agent *agent = c->agent;
	struct answer_context ctx = {(const struct sockaddr *)&pkt->src,
				     &agent->options.service, ntp_now()};
	uint8_t out[SERVICE_MAX_MESSAGE + SERVICE_MAX_GROWTH];
	struct request_info info = {0};
	struct session *s;
	size_t outlen;

	if (pkt->payload_len > SERVICE_MAX_MESSAGE ||
	    service_ops(check->service)
			    ->request_answer(PROTO_UDP, pkt->payload,
					     pkt->payload_len, &ctx, &info, out,
					     sizeof out,
					     &outlen) != ANSWER_REPLY ||
	    !info.identified)
		return NULL;
	s = session_find(&agent->sessions, info.session);
	if (s == NULL ||
	    !session_token_valid(s, PROTO_UDP, check->port, info.sport,
				 info.seq, info.attempt, info.token))
		return NULL;
	*sport = info.sport;
	return s;
}

/* Under NAT: remembers which probe a translated source port stands for. */
static void
capture_map_nat(struct session *s, const struct check_spec *check,
		uint16_t observed, uint16_t sport)
{
	int k = check_list_find(&s->ports, check->proto, check->port);
	size_t index = range_list_index(&s->sports, sport);

	if (k < 0 || index == SIZE_MAX || observed == sport)
		return;
	if (s->nat_map == NULL)
		s->nat_map = xcalloc(65536, sizeof *s->nat_map);
	s->nat_map[observed] =
		(uint32_t)((size_t)k * s->seen.nsports + index + 1);
}

/* A packet from one of the session's addresses that no session's source
 * ports claim: evidence the agent could not keep. */
static void
capture_not_kept(struct agent *agent, enum proto proto, uint16_t port,
		 const struct sockaddr *peer)
{
	size_t i;

	for (i = 0; i < agent->sessions.max; i++) {
		struct session *s = agent->sessions.sessions[i];

		if (s != NULL && check_list_find(&s->ports, proto, port) >= 0 &&
		    (netaddr_equal(peer, (struct sockaddr *)&s->probe_addr) ||
		     netaddr_equal(peer, (struct sockaddr *)&s->control_peer)))
			s->not_kept++;
	}
}

/* Records set for (proto, port) from peer in every session it matches;
 * false when none does. */
static bool
capture_record_by_peer(struct agent *agent, enum seen_set set, enum proto proto,
		       uint16_t port, const struct sockaddr *peer)
{
	bool found = false;
	size_t i;

	for (i = 0; i < agent->sessions.max; i++) {
		struct session *s = agent->sessions.sessions[i];

		if (s == NULL || !session_matches_peer(s, proto, port, peer))
			continue;
		session_record_wire(s, set, proto, port, netaddr_port(peer));
		found = true;
	}
	return found;
}

static void
capture_incoming(struct capture *c, const struct capture_packet *pkt)
{
	struct agent *agent = c->agent;
	const struct sockaddr *peer = (const struct sockaddr *)&pkt->src;
	int k = check_list_find(&agent->options.ports, pkt->proto, pkt->dport);
	struct session *s;
	uint16_t sport;

	if (k < 0)
		return;
	/* A SYN arrived, whatever follows: SYN_RECV, a syncookie, nothing. */
	if (pkt->proto == PROTO_TCP && (pkt->tcp_flags & 0x12) != 0x02)
		return;
	if (pkt->proto == PROTO_UDP) {
		s = capture_identify(c, &agent->options.ports.checks[k], pkt,
				     &sport);
		if (s != NULL) {
			session_record_wire(s, SEEN_WIRE_IN, PROTO_UDP,
					    pkt->dport, sport);
			capture_map_nat(s, &agent->options.ports.checks[k],
					pkt->sport, sport);
			return;
		}
	}
	if (!capture_record_by_peer(agent, SEEN_WIRE_IN, pkt->proto, pkt->dport,
				    peer))
		capture_not_kept(agent, pkt->proto, pkt->dport, peer);
}

static void
capture_outgoing(struct capture *c, const struct capture_packet *pkt)
{
	struct agent *agent = c->agent;
	const struct sockaddr *peer = (const struct sockaddr *)&pkt->dst;
	size_t i, bit;

	if (check_list_find(&agent->options.ports, pkt->proto, pkt->sport) < 0)
		return;
	if (pkt->proto == PROTO_TCP && (pkt->tcp_flags & 0x12) != 0x12)
		return;
	if (capture_record_by_peer(agent, SEEN_WIRE_OUT, pkt->proto, pkt->sport,
				   peer) ||
	    pkt->proto != PROTO_UDP)
		return;
	for (i = 0; i < agent->sessions.max; i++) {
		struct session *s = agent->sessions.sessions[i];

		if (s == NULL || s->nat_map == NULL ||
		    s->nat_map[pkt->dport] == 0)
			continue;
		bit = s->nat_map[pkt->dport] - 1;
		if (s->ports.checks[bit / s->seen.nsports].port != pkt->sport)
			continue;
		session_record_wire(
			s, SEEN_WIRE_OUT, PROTO_UDP, pkt->sport,
			range_list_port_at(&s->sports, bit % s->seen.nsports));
	}
}

static void
capture_packet_callback(u_char *arg, const struct pcap_pkthdr *h,
			const u_char *bytes)
{
	struct capture *c = (struct capture *)arg;
	struct capture_packet pkt;

	if (capture_parse(c->linktype, bytes, h->caplen, &pkt) != 0)
		return;
	if (pkt.outgoing)
		capture_outgoing(c, &pkt);
	else
		capture_incoming(c, &pkt);
}

static void
capture_event_callback(evutil_socket_t fd, short what, void *arg)
{
	struct capture *c = arg;

	(void)fd;
	(void)what;
	if (pcap_dispatch(c->pcap, CAPTURE_BATCH, capture_packet_callback,
			  (u_char *)c) < 0)
		log_warn("capture: %s", pcap_geterr(c->pcap));
}

/* For capture_drain: handles packets until one captured after until. */
struct capture_until {
	struct capture *c;
	struct timeval until;
	bool reached;
};

static void
capture_until_callback(u_char *arg, const struct pcap_pkthdr *h,
		       const u_char *bytes)
{
	struct capture_until *u = (struct capture_until *)arg;

	capture_packet_callback((u_char *)u->c, h, bytes);
	if (timercmp(&h->ts, &u->until, >)) {
		u->reached = true;
		pcap_breakloop(u->c->pcap);
	}
}

void
capture_drain(struct capture *c)
{
	struct capture_until u;
	int n;

	if (c == NULL || !c->active)
		return;
	/* What was captured until now, not what keeps coming: other
	 * sessions' sweeps must not hold the loop. */
	u.c = c;
	u.reached = false;
	gettimeofday(&u.until, NULL);
	do
		n = pcap_dispatch(c->pcap, CAPTURE_BATCH,
				  capture_until_callback, (u_char *)&u);
	while (n > 0 && !u.reached);
}

uint64_t
capture_drops(struct capture *c)
{
	struct pcap_stat st;

	if (c == NULL || pcap_stats(c->pcap, &st) != 0)
		return 0;
	return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

struct capture *
capture_new(struct agent *agent, char *note, size_t size)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c;
	pcap_t *p;
	int rc, fd;

	p = pcap_create("any", errbuf);
	if (p == NULL) {
		snprintf(note, size, "libpcap cannot capture: %s", errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, CAPTURE_SNAPLEN);
	pcap_set_promisc(p, 0);
	/* Not immediate mode: that costs a fixed slot per packet. */
	pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
	pcap_set_buffer_size(p, CAPTURE_BUFFER);
	rc = pcap_activate(p);
	if (rc < 0) {
		if (rc == PCAP_ERROR_PERM_DENIED)
			snprintf(note, size,
				 "packet capture needs CAP_NET_RAW, which "
				 "this agent lacks (%s)",
				 pcap_geterr(p));
		else
			snprintf(note, size, "packet capture failed: %s",
				 pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	fd = pcap_get_selectable_fd(p);
	if (pcap_setnonblock(p, 1, errbuf) != 0 || fd < 0) {
		snprintf(note, size,
			 "packet capture cannot run non-blocking: %s", errbuf);
		pcap_close(p);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->agent = agent;
	c->pcap = p;
	c->linktype = pcap_datalink(p);
	capture_filter_none(c);
	c->ev = event_new(agent->base, fd, EV_READ | EV_PERSIST,
			  capture_event_callback, c);
	event_add(c->ev, NULL);
	log_info("packet capture ready on all interfaces (%s, %d MiB ring)",
		 pcap_datalink_val_to_name(c->linktype),
		 CAPTURE_BUFFER / (1024 * 1024));
	return c;
}

void
capture_free(struct capture *c)
{
	if (c == NULL)
		return;
	event_free(c->ev);
	pcap_close(c->pcap);
	free(c);
}
