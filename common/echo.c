/* The echo service's wire header: a probe's identity and what the agent saw. */
/* Layout: magic, version, type, attempt, family, session, seq, sport, dport,
 * length, observed port and address, token. */
#include "common/echo.h"

#include "common/service.h"
#include "common/wire.h"

#include <arpa/inet.h>
#include <string.h>

static void
echo_put_observed(uint8_t *buf, const struct sockaddr *sa)
{
	memset(buf + 22, 0, 18);
	buf[7] = 0;
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		buf[7] = 4;
		memcpy(buf + 22, &sin->sin_port, 2);
		memcpy(buf + 24, &sin->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		buf[7] = 6;
		memcpy(buf + 22, &sin6->sin6_port, 2);
		memcpy(buf + 24, &sin6->sin6_addr, 16);
	}
}

size_t
echo_encode(const struct echo_header *h, uint8_t *buf, size_t size)
{
	size_t len =
		h->length < ECHO_HEADER_SIZE ? ECHO_HEADER_SIZE : h->length;

	if (size < ECHO_HEADER_SIZE)
		return 0;
	if (len > size)
		len = size;
	memset(buf, 0, len);
	memcpy(buf, ECHO_MAGIC, 4);
	buf[4] = ECHO_VERSION;
	buf[5] = (uint8_t)h->type;
	buf[6] = h->attempt;
	wire_put32(buf + 8, h->session);
	wire_put32(buf + 12, h->seq);
	wire_put16(buf + 16, h->sport);
	wire_put16(buf + 18, h->dport);
	wire_put16(buf + 20, (uint16_t)len);
	memcpy(buf + 40, h->token, sizeof h->token);
	echo_put_observed(buf, h->observed.ss_family != AF_UNSPEC
				       ? (const struct sockaddr *)&h->observed
				       : NULL);
	return len;
}

int
echo_decode(const uint8_t *buf, size_t len, struct echo_header *h,
	    const char **cause)
{
	if (len < ECHO_HEADER_SIZE) {
		*cause = "shorter than the echo header";
		return -1;
	}
	if (memcmp(buf, ECHO_MAGIC, 4) != 0) {
		*cause = "not an echo message (bad magic)";
		return -1;
	}
	if (buf[4] != ECHO_VERSION) {
		*cause = "unsupported echo version";
		return -1;
	}
	if (buf[5] != ECHO_REQUEST && buf[5] != ECHO_REPLY) {
		*cause = "unknown echo message type";
		return -1;
	}
	memset(h, 0, sizeof *h);
	h->type = (enum echo_type)buf[5];
	h->attempt = buf[6];
	h->session = wire_get32(buf + 8);
	h->seq = wire_get32(buf + 12);
	h->sport = wire_get16(buf + 16);
	h->dport = wire_get16(buf + 18);
	h->length = wire_get16(buf + 20);
	memcpy(h->token, buf + 40, sizeof h->token);
	if (h->length < ECHO_HEADER_SIZE || h->length > ECHO_MAX_SIZE ||
	    h->length > len) {
		*cause = "echo length field out of range";
		return -1;
	}
	if (buf[7] == 4) {
		struct sockaddr_in *sin = (void *)&h->observed;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_port, buf + 22, 2);
		memcpy(&sin->sin_addr, buf + 24, 4);
	} else if (buf[7] == 6) {
		struct sockaddr_in6 *sin6 = (void *)&h->observed;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_port, buf + 22, 2);
		memcpy(&sin6->sin6_addr, buf + 24, 16);
	} else if (buf[7] != 0) {
		*cause = "bad observed address family";
		return -1;
	}
	return 0;
}

void
echo_make_reply(uint8_t *buf, size_t len, const struct sockaddr *observed)
{
	if (len < ECHO_HEADER_SIZE)
		return;
	buf[5] = ECHO_REPLY;
	echo_put_observed(buf, observed);
}

static size_t
echo_request_encode(const struct probe_id *id, enum proto proto, uint8_t *buf,
		    size_t size)
{
	struct echo_header h;

	(void)proto;
	memset(&h, 0, sizeof h);
	h.type = ECHO_REQUEST;
	h.attempt = id->attempt;
	h.session = id->session;
	h.seq = id->seq;
	h.sport = id->sport;
	h.dport = id->dport;
	h.length = ECHO_HEADER_SIZE;
	memcpy(h.token, id->token, sizeof h.token);
	return echo_encode(&h, buf, size);
}

static enum reply_status
echo_reply_match(const struct probe_id *id, enum proto proto,
		 const uint8_t *buf, size_t len, bool eof,
		 struct reply_info *info)
{
	struct echo_header h;
	const char *cause;

	info->observed_port = 0;
	if (proto == PROTO_TCP && len < ECHO_HEADER_SIZE && !eof)
		return REPLY_INCOMPLETE;
	if (echo_decode(buf, len, &h, &cause) != 0 ||
	    h.session != id->session || h.seq != id->seq ||
	    h.sport != id->sport || h.dport != id->dport)
		return REPLY_INVALID;
	/* An RFC 862 echo server sends our request back unchanged. */
	if (h.type == ECHO_REQUEST)
		return id->agent ? REPLY_INVALID : REPLY_MATCH;
	if (h.observed.ss_family != AF_UNSPEC)
		info->observed_port =
			ntohs(h.observed.ss_family == AF_INET6
				      ? ((struct sockaddr_in6 *)&h.observed)
						->sin6_port
				      : ((struct sockaddr_in *)&h.observed)
						->sin_port);
	return REPLY_MATCH;
}

static enum answer_status
echo_request_answer(enum proto proto, const uint8_t *req, size_t len,
		    const struct answer_context *ctx, struct request_info *info,
		    uint8_t *out, size_t size, size_t *outlen)
{
	struct echo_header h;
	const char *cause;
	size_t want;

	if (proto == PROTO_TCP) {
		if (len < ECHO_HEADER_SIZE)
			return ANSWER_INCOMPLETE;
		/* The length field says how much of the stream is this request.
		 */
		want = (size_t)req[20] << 8 | req[21];
		if (want >= ECHO_HEADER_SIZE && want <= ECHO_MAX_SIZE &&
		    len < want)
			return ANSWER_INCOMPLETE;
	}
	if (echo_decode(req, len, &h, &cause) != 0 || h.type != ECHO_REQUEST ||
	    h.length > size)
		return ANSWER_INVALID;
	service_identity_set(info, h.session, h.sport, h.seq, h.attempt,
			     h.token);
	memcpy(out, req, h.length);
	echo_make_reply(out, h.length, ctx->peer);
	*outlen = h.length;
	return ANSWER_REPLY;
}

const struct service_ops echo_service = {
	.name = "echo",
	.udp = true,
	.tcp = true,
	.server_closes = false,
	.reply_says_observed = true,
	.request_encode = echo_request_encode,
	.reply_match = echo_reply_match,
	.request_answer = echo_request_answer,
};
