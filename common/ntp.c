/* NTP v4 (RFC 5905) client and server packets: the 48-byte header only. */
/* Hand-written: a fixed header of big-endian fields is smaller than any
 * library's API for it. */
#include <stdlib.h>
#include <string.h>

#include "common/service.h"
#include "common/wire.h"

#define NTP_SIZE 48
#define NTP_MODE_CLIENT 3
#define NTP_MODE_SERVER 4

/*
 * The transmit timestamp of id's request: random (the attempt's nonce), as
 * data-minimizing clients send; with an agent the fraction holds the bound
 * source port and the attempt, the reference timestamp (zero in plain
 * client requests) the session and sequence, the origin timestamp the
 * token.
 */
static uint64_t
ntp_transmit(const struct probe_id *id)
{
	if (!id->agent)
		return id->nonce;
	return (id->nonce & 0xffffffff000000ffULL) | (uint64_t)id->sport << 16 |
	       (uint64_t)id->attempt << 8;
}

static size_t
ntp_request_encode(const struct probe_id *id, enum proto proto, uint8_t *buf,
		   size_t size)
{
	if (proto != PROTO_UDP || size < NTP_SIZE)
		return 0;
	memset(buf, 0, NTP_SIZE);
	buf[0] = 4 << 3 | NTP_MODE_CLIENT; /* LI 0, version 4 */
	buf[2] = 6; /* poll 64 s */
	buf[3] = (uint8_t)-20; /* precision about 1 us */
	if (id->agent) {
		wire_put64(buf + 16, (uint64_t)id->session << 32 | id->seq);
		memcpy(buf + 24, id->token, AUTH_TOKEN_SIZE);
	}
	wire_put64(buf + 40, ntp_transmit(id));
	return NTP_SIZE;
}

static enum reply_status
ntp_reply_match(const struct probe_id *id, enum proto proto, const uint8_t *buf,
		size_t len, bool eof, struct reply_info *info)
{
	unsigned version, mode, stratum;

	(void)eof;
	info->observed_port = 0;
	if (proto != PROTO_UDP || len < NTP_SIZE)
		return REPLY_INVALID;
	version = buf[0] >> 3 & 7;
	mode = buf[0] & 7;
	stratum = buf[1];
	if (mode != NTP_MODE_SERVER || version < 1 || version > 4 ||
	    wire_get64(buf + 24) != ntp_transmit(id))
		return REPLY_INVALID;
	/* A kiss-o'-death (stratum 0) is still the server answering. */
	if (stratum != 0 && wire_get64(buf + 40) == 0)
		return REPLY_INVALID;
	return REPLY_MATCH;
}

static enum answer_status
ntp_request_answer(enum proto proto, const uint8_t *req, size_t len,
		   const struct answer_context *ctx, struct request_info *info,
		   uint8_t *out, size_t size, size_t *outlen)
{
	unsigned version, poll;
	uint64_t reference;

	if (proto != PROTO_UDP || len < NTP_SIZE || size < NTP_SIZE)
		return ANSWER_INVALID;
	version = req[0] >> 3 & 7;
	poll = req[2];
	if ((req[0] & 7) != NTP_MODE_CLIENT || version < 1 || version > 4)
		return ANSWER_INVALID;
	reference = wire_get64(req + 16);
	if (reference >> 32 != 0)
		service_identity_set(info, (uint32_t)(reference >> 32),
				     (uint16_t)(wire_get64(req + 40) >> 16),
				     (uint32_t)reference, req[46], req + 24);
	memset(out, 0, NTP_SIZE);
	out[0] = (uint8_t)(version << 3 | NTP_MODE_SERVER);
	out[1] = ctx->config->ntp_stratum;
	out[2] = (uint8_t)(poll < 4 ? 4 : poll > 17 ? 17 : poll);
	out[3] = (uint8_t)-20;
	wire_put32(out + 8, 0x00000010); /* root dispersion: 0.25 ms */
	memcpy(out + 12, &ctx->config->ntp_refid, 4);
	wire_put64(out + 16, ctx->now_ntp - (16ULL << 32));
	memcpy(out + 24, req + 40, 8); /* origin = the client's transmit */
	wire_put64(out + 32, ctx->now_ntp);
	wire_put64(out + 40, ctx->now_ntp);
	*outlen = NTP_SIZE;
	return ANSWER_REPLY;
}

const struct service_ops ntp_service = {
	.name = "ntp",
	.udp = true,
	.tcp = false,
	.default_ports = {{PROTO_UDP, 123}},
	.server_closes = false,
	.reply_says_observed = false,
	.request_encode = ntp_request_encode,
	.reply_match = ntp_reply_match,
	.request_answer = ntp_request_answer,
};
