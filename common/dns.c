/* DNS over UDP and TCP (2-byte length framing), wire format by ldns. */
/* A probe's identity rides in the message id and the first label of the query
 * name. */
#include <arpa/inet.h>
#include <ctype.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/netaddr.h"
#include "common/service.h"
#include "common/wire.h"

/* "np" + session (8) + sport (4) + seq (8) + attempt (2) + token (16), hex. */
#define DNS_ID_LABEL_LEN 40

static uint16_t
dns_message_id(const struct probe_id *id)
{
	return (uint16_t)(id->nonce ^ id->nonce >> 16 ^ id->nonce >> 32);
}

/* The query name of id: "<identity>.<dns_name>" with an agent, else dns_name.
 */
static ldns_rdf *
dns_query_name(const struct probe_id *id)
{
	char name[LDNS_MAX_DOMAINLEN + 1], token[AUTH_TOKEN_SIZE * 2 + 1];
	const char *base = id->dns_name != NULL ? id->dns_name : ".";

	if (!id->agent)
		return ldns_dname_new_frm_str(base);
	auth_hex(id->token, AUTH_TOKEN_SIZE, token);
	if (snprintf(name, sizeof name, "np%08x%04x%08x%02x%s.%s", id->session,
		     id->sport, id->seq, id->attempt, token,
		     strcmp(base, ".") == 0 ? "" : base) >= (int)sizeof name)
		return NULL;
	return ldns_dname_new_frm_str(name);
}

/* Frames msg for proto into buf; the total length, 0 when it does not fit. */
static size_t
dns_frame(enum proto proto, const uint8_t *msg, size_t len, uint8_t *buf,
	  size_t size)
{
	size_t head = proto == PROTO_TCP ? 2 : 0;

	if (len > 65535 || head + len > size)
		return 0;
	if (head) {
		wire_put16(buf, (uint16_t)len);
	}
	memcpy(buf + head, msg, len);
	return head + len;
}

static size_t
dns_pkt_encode(const ldns_pkt *pkt, enum proto proto, uint8_t *buf, size_t size)
{
	uint8_t *wire = NULL;
	size_t len = 0, n = 0;

	if (ldns_pkt2wire(&wire, pkt, &len) == LDNS_STATUS_OK)
		n = dns_frame(proto, wire, len, buf, size);
	free(wire);
	return n;
}

static size_t
dns_request_encode(const struct probe_id *id, enum proto proto, uint8_t *buf,
		   size_t size)
{
	ldns_rdf *name = dns_query_name(id);
	ldns_pkt *pkt;
	size_t n;

	if (name == NULL)
		return 0;
	pkt = ldns_pkt_query_new(name,
				 id->agent ? LDNS_RR_TYPE_TXT : LDNS_RR_TYPE_A,
				 LDNS_RR_CLASS_IN, LDNS_RD);
	if (pkt == NULL)
		return 0;
	ldns_pkt_set_id(pkt, dns_message_id(id));
	n = dns_pkt_encode(pkt, proto, buf, size);
	ldns_pkt_free(pkt);
	return n;
}

/*
 * The DNS message inside buf: for TCP after the length prefix. Returns 1
 * with *msg and *msglen when whole, 0 when more bytes are needed, -1 when
 * the framing is bad.
 */
static int
dns_unframe(enum proto proto, const uint8_t *buf, size_t len,
	    const uint8_t **msg, size_t *msglen)
{
	size_t want;

	if (proto == PROTO_UDP) {
		*msg = buf;
		*msglen = len;
		return 1;
	}
	if (len < 2)
		return 0;
	want = (size_t)buf[0] << 8 | buf[1];
	if (want < 12)
		return -1;
	if (len - 2 < want)
		return 0;
	*msg = buf + 2;
	*msglen = want;
	return 1;
}

/* Parses "ADDR PORT" from the agent's TXT answer; 0 when absent. */
static uint16_t
dns_observed_port(const ldns_pkt *pkt)
{
	ldns_rr_list *answer = ldns_pkt_answer(pkt);
	size_t i;

	for (i = 0; answer != NULL && i < ldns_rr_list_rr_count(answer); i++) {
		ldns_rr *rr = ldns_rr_list_rr(answer, i);
		ldns_rdf *rdf;
		const uint8_t *data;
		char text[256];
		unsigned port;
		size_t n;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT ||
		    ldns_rr_rd_count(rr) < 1)
			continue;
		rdf = ldns_rr_rdf(rr, 0);
		data = ldns_rdf_data(rdf);
		if (ldns_rdf_size(rdf) < 1 || data[0] + 1u > ldns_rdf_size(rdf))
			continue;
		n = data[0];
		memcpy(text, data + 1, n);
		text[n] = '\0';
		if (sscanf(text, "%*s %u", &port) == 1 && port > 0 &&
		    port <= 65535)
			return (uint16_t)port;
	}
	return 0;
}

static enum reply_status
dns_reply_match(const struct probe_id *id, enum proto proto, const uint8_t *buf,
		size_t len, bool eof, struct reply_info *info)
{
	const uint8_t *msg;
	size_t msglen;
	ldns_pkt *pkt = NULL;
	ldns_rdf *name;
	ldns_rr *q;
	enum reply_status rc = REPLY_INVALID;
	int framed;

	info->observed_port = 0;
	framed = dns_unframe(proto, buf, len, &msg, &msglen);
	if (framed == 0)
		return eof ? REPLY_INVALID : REPLY_INCOMPLETE;
	if (framed < 0 || ldns_wire2pkt(&pkt, msg, msglen) != LDNS_STATUS_OK)
		return REPLY_INVALID;
	name = dns_query_name(id);
	if (!ldns_pkt_qr(pkt) || ldns_pkt_id(pkt) != dns_message_id(id) ||
	    ldns_pkt_get_opcode(pkt) != LDNS_PACKET_QUERY ||
	    ldns_pkt_qdcount(pkt) != 1 || name == NULL)
		goto out;
	q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	/* Any answer to our question counts: REFUSED and SERVFAIL are replies.
	 */
	if (q == NULL || ldns_dname_compare(ldns_rr_owner(q), name) != 0 ||
	    ldns_rr_get_type(q) !=
		    (id->agent ? LDNS_RR_TYPE_TXT : LDNS_RR_TYPE_A))
		goto out;
	if (id->agent)
		info->observed_port = dns_observed_port(pkt);
	rc = REPLY_MATCH;
out:
	ldns_rdf_deep_free(name);
	ldns_pkt_free(pkt);
	return rc;
}

/* Reads the identity label "np<hex>" of a query name, if it has one. */
static void
dns_parse_identity(const ldns_rdf *name, struct request_info *info)
{
	const uint8_t *data = ldns_rdf_data(name);
	char label[DNS_ID_LABEL_LEN + 1];
	unsigned session, sport, seq, attempt;
	uint8_t token[AUTH_TOKEN_SIZE];
	size_t i;

	if (ldns_rdf_size(name) < DNS_ID_LABEL_LEN + 1 ||
	    data[0] != DNS_ID_LABEL_LEN)
		return;
	for (i = 0; i < DNS_ID_LABEL_LEN; i++)
		label[i] = (char)tolower(data[1 + i]);
	label[DNS_ID_LABEL_LEN] = '\0';
	if (label[0] != 'n' || label[1] != 'p')
		return;
	for (i = 2; i < DNS_ID_LABEL_LEN; i++)
		if (!isxdigit((unsigned char)label[i]))
			return;
	if (sscanf(label + 2, "%8x%4x%8x%2x", &session, &sport, &seq,
		   &attempt) != 4 ||
	    auth_unhex(label + 24, token, AUTH_TOKEN_SIZE) != 0)
		return;
	service_identity_set(info, session, (uint16_t)sport, seq,
			     (uint8_t)attempt, token);
}

/* The answer to question q for a client seen at peer, or NULL (no data). */
static ldns_rr *
dns_answer_record(const ldns_rr *q, const struct sockaddr *peer)
{
	char addr[NETADDR_STRLEN], text[NETADDR_STRLEN + 8];
	ldns_rr_type type = ldns_rr_get_type(q);
	struct in6_addr a6;
	struct in_addr a4;
	ldns_rdf *rdf;
	ldns_rr *rr;

	netaddr_format(peer, addr);
	switch (type) {
	case LDNS_RR_TYPE_A:
		/* The client's own IPv4 address; a documentation one for v6. */
		if (inet_pton(AF_INET, addr, &a4) != 1)
			inet_pton(AF_INET, "192.0.2.1", &a4);
		rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, &a4);
		break;
	case LDNS_RR_TYPE_AAAA:
		if (inet_pton(AF_INET6, addr, &a6) != 1) {
			char mapped[NETADDR_STRLEN + 8];

			snprintf(mapped, sizeof mapped, "::ffff:%s", addr);
			inet_pton(AF_INET6, mapped, &a6);
		}
		rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, &a6);
		break;
	case LDNS_RR_TYPE_TXT:
		snprintf(text, sizeof text, "%s %u", addr, netaddr_port(peer));
		rdf = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_STR, text);
		break;
	default:
		return NULL;
	}
	if (rdf == NULL)
		return NULL;
	rr = ldns_rr_new();
	ldns_rr_set_owner(rr, ldns_rdf_clone(ldns_rr_owner(q)));
	ldns_rr_set_type(rr, type);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, 0);
	ldns_rr_push_rdf(rr, rdf);
	return rr;
}

static enum answer_status
dns_request_answer(enum proto proto, const uint8_t *req, size_t len,
		   const struct answer_context *ctx, struct request_info *info,
		   uint8_t *out, size_t size, size_t *outlen)
{
	const uint8_t *msg;
	size_t msglen;
	ldns_pkt *query = NULL, *reply;
	ldns_rr *q, *answer;
	enum answer_status rc = ANSWER_INVALID;
	int framed;

	framed = dns_unframe(proto, req, len, &msg, &msglen);
	if (framed == 0)
		return ANSWER_INCOMPLETE;
	if (framed < 0 || ldns_wire2pkt(&query, msg, msglen) != LDNS_STATUS_OK)
		return ANSWER_INVALID;
	if (ldns_pkt_qr(query) ||
	    ldns_pkt_get_opcode(query) != LDNS_PACKET_QUERY ||
	    ldns_pkt_qdcount(query) != 1) {
		ldns_pkt_free(query);
		return ANSWER_INVALID;
	}
	q = ldns_rr_list_rr(ldns_pkt_question(query), 0);
	dns_parse_identity(ldns_rr_owner(q), info);
	reply = ldns_pkt_new();
	ldns_pkt_set_id(reply, ldns_pkt_id(query));
	ldns_pkt_set_qr(reply, true);
	ldns_pkt_set_aa(reply, true);
	ldns_pkt_set_rd(reply, ldns_pkt_rd(query));
	ldns_pkt_set_opcode(reply, LDNS_PACKET_QUERY);
	ldns_pkt_set_rcode(reply, LDNS_RCODE_NOERROR);
	ldns_pkt_push_rr(reply, LDNS_SECTION_QUESTION, ldns_rr_clone(q));
	answer = dns_answer_record(q, ctx->peer);
	if (answer != NULL)
		ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, answer);
	*outlen = dns_pkt_encode(reply, proto, out, size);
	if (*outlen > 0)
		rc = ANSWER_REPLY;
	ldns_pkt_free(reply);
	ldns_pkt_free(query);
	return rc;
}

const struct service_ops dns_service = {
	.name = "dns",
	.udp = true,
	.tcp = true,
	.default_ports = {{PROTO_UDP, 53}, {PROTO_TCP, 53}},
	.server_closes = false,
	.reply_says_observed = true,
	.request_encode = dns_request_encode,
	.reply_match = dns_reply_match,
	.request_answer = dns_request_answer,
};
