/* QUIC (RFC 8999, RFC 9000 §6) over UDP: a long-header packet of a reserved
 * version, which every server answers with Version Negotiation. */
/* A probe's identity rides in the Destination Connection ID ("n", session,
 * sequence, source port, attempt, token); Version Negotiation echoes both
 * connection IDs, and the agent's lists the source port it saw. */
#include <string.h>

#include "common/netaddr.h"
#include "common/service.h"
#include "common/wire.h"

/* A client's first datagram, and the least a server answers (RFC 9000
 * §14.1). */
#define QUIC_MIN_DATAGRAM 1200
#define QUIC_LONG_HEADER 0x80
#define QUIC_FIXED_BIT 0x40
#define QUIC_MAX_CID 20
#define QUIC_ID_MAGIC 'n'
#define QUIC_ID_CID_LEN (1 + SERVICE_IDENTITY_SIZE)
#define QUIC_CID_LEN 8
/* "np" as a reserved version: marks the agent's list. */
#define QUIC_AGENT_MARK 0x6e70

/* A reserved version 0x?a?a?a?a (RFC 9000 §15) whose high nibbles are v. */
static uint32_t
quic_reserved_version(uint16_t v)
{
	uint32_t version = 0;
	int i;

	for (i = 0; i < 4; i++)
		version = version << 8 |
			  (uint32_t)((v >> (12 - 4 * i) & 0xf) << 4 | 0xa);
	return version;
}

static bool
quic_is_reserved(uint32_t version)
{
	return (version & 0x0f0f0f0f) == 0x0a0a0a0a;
}

static uint16_t
quic_reserved_value(uint32_t version)
{
	uint16_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = (uint16_t)(v << 4 | (version >> (28 - 8 * i) & 0xf));
	return v;
}

/* The connection IDs of id's packet: the destination carries the identity
 * with an agent; the source is random. Returns the destination's length. */
static size_t
quic_cids(const struct probe_id *id, uint8_t dcid[QUIC_MAX_CID],
	  uint8_t scid[QUIC_CID_LEN], uint64_t *state)
{
	service_nonce_bytes(state, scid, QUIC_CID_LEN);
	if (!id->agent) {
		service_nonce_bytes(state, dcid, QUIC_CID_LEN);
		return QUIC_CID_LEN;
	}
	dcid[0] = QUIC_ID_MAGIC;
	service_identity_pack(id, dcid + 1);
	return QUIC_ID_CID_LEN;
}

static size_t
quic_request_encode(const struct probe_id *id, enum proto proto, uint8_t *buf,
		    size_t size)
{
	uint8_t dcid[QUIC_MAX_CID], scid[QUIC_CID_LEN];
	uint64_t state = id->nonce;
	size_t dcid_len, at;

	if (proto != PROTO_UDP || size < QUIC_MIN_DATAGRAM)
		return 0;
	dcid_len = quic_cids(id, dcid, scid, &state);
	buf[0] = (uint8_t)(QUIC_LONG_HEADER | QUIC_FIXED_BIT |
			   (id->nonce >> 56 & 0x3f));
	wire_put32(buf + 1, quic_reserved_version((uint16_t)(id->nonce >> 40)));
	buf[5] = (uint8_t)dcid_len;
	memcpy(buf + 6, dcid, dcid_len);
	at = 6 + dcid_len;
	buf[at++] = QUIC_CID_LEN;
	memcpy(buf + at, scid, QUIC_CID_LEN);
	at += QUIC_CID_LEN;
	/* What follows is the version's business: it looks encrypted. */
	service_nonce_bytes(&state, buf + at, QUIC_MIN_DATAGRAM - at);
	return QUIC_MIN_DATAGRAM;
}

/* A long header's connection IDs; 0 when they fit in len, else -1. */
static int
quic_parse_cids(const uint8_t *buf, size_t len, const uint8_t **dcid,
		size_t *dcid_len, const uint8_t **scid, size_t *scid_len,
		size_t *end)
{
	if (len < 7 || !(buf[0] & QUIC_LONG_HEADER))
		return -1;
	*dcid_len = buf[5];
	*dcid = buf + 6;
	if (6 + *dcid_len + 1 > len)
		return -1;
	*scid_len = buf[6 + *dcid_len];
	*scid = buf + 6 + *dcid_len + 1;
	*end = 6 + *dcid_len + 1 + *scid_len;
	return *end <= len ? 0 : -1;
}

/* Version Negotiation to id's packet: both connection IDs echoed, swapped,
 * and a list of versions. */
static enum reply_status
quic_reply_match(const struct probe_id *id, enum proto proto,
		 const uint8_t *buf, size_t len, bool eof,
		 struct reply_info *info)
{
	uint8_t dcid[QUIC_MAX_CID], scid[QUIC_CID_LEN];
	const uint8_t *reply_dcid, *reply_scid;
	size_t dcid_len, reply_dcid_len, reply_scid_len, end;
	uint64_t state = id->nonce;

	(void)eof;
	info->observed_port = 0;
	if (proto != PROTO_UDP ||
	    quic_parse_cids(buf, len, &reply_dcid, &reply_dcid_len, &reply_scid,
			    &reply_scid_len, &end) != 0 ||
	    wire_get32(buf + 1) != 0 || len - end < 4 || (len - end) % 4 != 0)
		return REPLY_INVALID;
	dcid_len = quic_cids(id, dcid, scid, &state);
	if (reply_dcid_len != QUIC_CID_LEN ||
	    memcmp(reply_dcid, scid, QUIC_CID_LEN) != 0 ||
	    reply_scid_len != dcid_len ||
	    memcmp(reply_scid, dcid, dcid_len) != 0)
		return REPLY_INVALID;
	if (id->agent && len - end == 8 &&
	    quic_is_reserved(wire_get32(buf + end)) &&
	    wire_get32(buf + end + 4) == quic_reserved_version(QUIC_AGENT_MARK))
		info->observed_port =
			quic_reserved_value(wire_get32(buf + end));
	return REPLY_MATCH;
}

/* Reads the identity from a Destination Connection ID, if it carries one. */
static void
quic_parse_identity(const uint8_t *dcid, size_t len, struct request_info *info)
{
	if (len != QUIC_ID_CID_LEN || dcid[0] != QUIC_ID_MAGIC)
		return;
	service_identity_unpack(dcid + 1, info);
}

/*
 * A long-header datagram of at least 1,200 bytes and a version other than
 * Version Negotiation's gets Version Negotiation: the agent speaks none, so
 * it lists only reserved versions, the first carrying the source port it
 * saw, the second its mark. Never larger than the request.
 */
static enum answer_status
quic_request_answer(enum proto proto, const uint8_t *req, size_t len,
		    const struct answer_context *ctx, struct request_info *info,
		    uint8_t *out, size_t size, size_t *outlen)
{
	const uint8_t *dcid, *scid;
	size_t dcid_len, scid_len, end, n;

	if (proto != PROTO_UDP || len < QUIC_MIN_DATAGRAM ||
	    quic_parse_cids(req, len, &dcid, &dcid_len, &scid, &scid_len,
			    &end) != 0 ||
	    wire_get32(req + 1) == 0)
		return ANSWER_INVALID;
	n = 1 + 4 + 1 + scid_len + 1 + dcid_len + 8;
	if (n > size || n > len)
		return ANSWER_INVALID;
	quic_parse_identity(dcid, dcid_len, info);
	out[0] = QUIC_LONG_HEADER | QUIC_FIXED_BIT;
	wire_put32(out + 1, 0);
	out[5] = (uint8_t)scid_len;
	memcpy(out + 6, scid, scid_len);
	out[6 + scid_len] = (uint8_t)dcid_len;
	memcpy(out + 7 + scid_len, dcid, dcid_len);
	wire_put32(out + n - 8, quic_reserved_version(netaddr_port(ctx->peer)));
	wire_put32(out + n - 4, quic_reserved_version(QUIC_AGENT_MARK));
	*outlen = n;
	return ANSWER_REPLY;
}

const struct service_ops quic_service = {
	.name = "quic",
	.udp = true,
	.tcp = false,
	.default_ports = {{PROTO_UDP, 443}},
	.server_closes = false,
	/* The agent's Version Negotiation lists the source port it saw. */
	.reply_says_observed = true,
	.request_encode = quic_request_encode,
	.reply_match = quic_reply_match,
	.request_answer = quic_request_answer,
};
