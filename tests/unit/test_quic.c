/* Unit tests for common/quic.c: the probe's reserved-version packet, Version
 * Negotiation from the agent and from real servers. */
/* Byte-exact where the wire is fixed; a reply is never larger than its
 * request. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "common/service.h"
#include "tests/unit/fixture_service.h"

/* The module's row, as common/service.c's table holds it. */
extern const struct service_ops quic_service;

TestSuite(quic, .init = service_setup);

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Version Negotiation to req as a server would send it: first byte, the
 * request's connection IDs swapped, then versions (nversions * 4 bytes). */
static size_t
negotiation(const uint8_t *req, uint8_t first, const uint8_t *versions,
	    size_t nversions, uint8_t *out)
{
	size_t dcid_len = req[5], scid_len = req[6 + dcid_len], n = 0;

	out[n++] = first;
	memset(out + n, 0, 4);
	n += 4;
	out[n++] = (uint8_t)scid_len;
	memcpy(out + n, req + 7 + dcid_len, scid_len);
	n += scid_len;
	out[n++] = (uint8_t)dcid_len;
	memcpy(out + n, req + 6, dcid_len);
	n += dcid_len;
	memcpy(out + n, versions, nversions * 4);
	return n + nversions * 4;
}

Test(quic, request_is_a_reserved_version_of_1200_bytes_with_the_identity)
{
	struct probe_id id = fixture_probe("quic", true);
	uint8_t req[1500];
	uint32_t version;

	cr_assert_eq(
		quic_service.request_encode(&id, PROTO_UDP, req, sizeof req),
		1200);
	cr_assert_eq(req[0] & 0xc0, 0xc0); /* long header, fixed bit */
	version = get32(req + 1);
	cr_assert_eq(version & 0x0f0f0f0f, 0x0a0a0a0a, "version %08x", version);
	cr_assert_eq(req[5], 20);
	cr_assert_eq(memcmp(req + 6,
			    "n\xa1\xb2\xc3\xd4\x01\x02\x03\x04\xc0\x00\x02"
			    "\x11\x22\x33\x44\x55\x66\x77\x88",
			    20),
		     0);
	cr_assert_eq(req[26], 8);
}

Test(quic, agentless_request_has_random_connection_ids)
{
	struct probe_id id = fixture_probe("quic", false);
	uint8_t a[1500], b[1500];

	cr_assert_eq(quic_service.request_encode(&id, PROTO_UDP, a, sizeof a),
		     1200);
	cr_assert_eq(a[5], 8);
	cr_assert_eq(a[14], 8);
	cr_assert_eq(quic_service.request_encode(&id, PROTO_UDP, b, sizeof b),
		     1200);
	cr_assert_eq(memcmp(a, b, 1200), 0);
	id.nonce++;
	quic_service.request_encode(&id, PROTO_UDP, b, sizeof b);
	cr_assert_neq(memcmp(a + 6, b + 6, 8), 0);
}

Test(quic, no_request_over_tcp_or_into_a_short_buffer)
{
	struct probe_id id = fixture_probe("quic", true);

	service_assert_request_needs(&quic_service, &id, PROTO_UDP, 1200);
}

/* quic_service.reply_match of len bytes of buf over UDP, for id. */
static enum reply_status
match(const struct probe_id *id, const uint8_t *buf, size_t len,
      struct reply_info *reply)
{
	return quic_service.reply_match(id, PROTO_UDP, buf, len, false, reply);
}

static void
assert_not_a_reply(const struct probe_id *id, const uint8_t *buf, size_t len)
{
	struct reply_info reply;

	cr_assert_eq(match(id, buf, len, &reply), REPLY_INVALID);
}

Test(quic, agent_negotiates_with_the_source_port_it_saw)
{
	struct probe_id id = fixture_probe("quic", true);
	struct request_info info = {0};
	struct reply_info reply;
	uint8_t req[1500], out[1500], expected[64];
	size_t outlen, n;

	quic_service.request_encode(&id, PROTO_UDP, req, sizeof req);
	cr_assert_eq(quic_service.request_answer(PROTO_UDP, req, 1200, &ctx,
						 &info, out, sizeof out,
						 &outlen),
		     ANSWER_REPLY);
	/* 40000 = 0x9c40 and the mark "np" = 0x6e70, as reserved versions. */
	n = negotiation(req, 0xc0,
			(const uint8_t *)"\x9a\xca\x4a\x0a\x6a\xea\x7a\x0a", 2,
			expected);
	cr_assert_eq(outlen, 43);
	cr_assert_eq(n, 43);
	cr_assert_eq(memcmp(out, expected, n), 0);
	service_assert_identity(&info, &id);
	cr_assert_eq(match(&id, out, outlen, &reply), REPLY_MATCH);
	cr_assert_eq(reply.observed_port, 40000);
}

/* What caddy (quic-go) sent a reserved-version packet: QUIC v1, v2, draft
 * 29 and a reserved version of its own. */
static const uint8_t caddy_versions[] =
	"\x00\x00\x00\x01\x70\x9a\x50\xc4\xff\x00\x00\x1d\xba\x5a\x1a\x0a";

/* Encodes id's request into req[1500] and caddy's negotiation of it (first
 * byte, nversions of caddy_versions) into out; returns its length. */
static size_t
caddy_negotiation(const struct probe_id *id, uint8_t *req, uint8_t first,
		  size_t nversions, uint8_t *out)
{
	quic_service.request_encode(id, PROTO_UDP, req, 1500);
	return negotiation(req, first, caddy_versions, nversions, out);
}

/* Asserts that caddy's negotiation (first byte, nversions) of the request
 * of the probe id, an agent's or not, answers it and names no source port. */
static void
assert_caddy_answers(bool agent, uint8_t first, size_t nversions)
{
	struct probe_id id = fixture_probe("quic", agent);
	struct reply_info reply;
	uint8_t req[1500], out[128];
	size_t n;

	n = caddy_negotiation(&id, req, first, nversions, out);
	cr_assert_eq(match(&id, out, n, &reply), REPLY_MATCH);
	cr_assert_eq(reply.observed_port, 0);
}

Test(quic, a_real_servers_negotiation_answers)
{
	assert_caddy_answers(false, 0xe5, 4);
	/* With an agent, a list without its mark says nothing of NAT. */
	assert_caddy_answers(true, 0xc0, 2);
}

Test(quic, other_packets_do_not_answer)
{
	struct probe_id id = fixture_probe("quic", false),
			other = fixture_probe("quic", false);
	struct reply_info reply;
	uint8_t req[1500], out[128];
	size_t n;

	n = caddy_negotiation(&id, req, 0xc0, 4, out);
	/* Another attempt's IDs, the IDs not swapped, no versions, a partial
	 * version, a version other than 0, a short header. */
	other.nonce++;
	assert_not_a_reply(&other, out, n);
	assert_not_a_reply(&id, req, 1200);
	assert_not_a_reply(&id, out, n - 16);
	assert_not_a_reply(&id, out, n - 2);
	out[4] = 1;
	assert_not_a_reply(&id, out, n);
	out[4] = 0;
	out[0] = 0x40;
	assert_not_a_reply(&id, out, n);
	out[0] = 0xc0;
	cr_assert_eq(
		quic_service.reply_match(&id, PROTO_TCP, out, n, false, &reply),
		REPLY_INVALID);
	assert_not_a_reply(&id, out, 6);
}

static void
assert_no_answer(const uint8_t *req, size_t len)
{
	cr_assert_eq(
		service_answer_status(&quic_service, PROTO_UDP, req, len, 1500),
		ANSWER_INVALID, "%zu bytes", len);
}

Test(quic, agent_answers_no_small_short_or_negotiation_packet)
{
	struct probe_id id = fixture_probe("quic", true);
	uint8_t req[1500];

	quic_service.request_encode(&id, PROTO_UDP, req, sizeof req);
	assert_no_answer(req, 1199);
	assert_no_answer(req, 6);
	req[0] = 0x40; /* short header */
	assert_no_answer(req, 1200);
	req[0] = 0xc0;
	memset(req + 1, 0, 4); /* Version Negotiation itself */
	assert_no_answer(req, 1200);
	memset(req + 1, 0x1a, 4);
	cr_assert_eq(service_answer_status(&quic_service, PROTO_TCP, req, 1200,
					   1500),
		     ANSWER_INVALID);
}

Test(quic, agent_negotiates_any_version_and_long_ids_within_the_request)
{
	struct request_info info = {0};
	uint8_t req[1200] = {0xc3, 0, 0, 0, 1}, out[1500];
	size_t outlen;

	/* A QUIC v1 Initial as curl --http3 sends: negotiated, unidentified. */
	req[5] = 8;
	req[14] = 0;
	cr_assert_eq(quic_service.request_answer(PROTO_UDP, req, sizeof req,
						 &ctx, &info, out, sizeof out,
						 &outlen),
		     ANSWER_REPLY);
	cr_assert_eq(outlen, 1 + 4 + 1 + 0 + 1 + 8 + 8);
	cr_assert_not(info.identified);
	/* RFC 8999 connection IDs of 255 bytes: still far below 1,200. */
	req[5] = 255;
	req[6 + 255] = 255;
	cr_assert_eq(quic_service.request_answer(PROTO_UDP, req, sizeof req,
						 &ctx, &info, out, sizeof out,
						 &outlen),
		     ANSWER_REPLY);
	cr_assert_eq(outlen, 1 + 4 + 1 + 255 + 1 + 255 + 8);
	cr_assert_eq(quic_service.request_answer(PROTO_UDP, req, sizeof req,
						 &ctx, &info, out, 500,
						 &outlen),
		     ANSWER_INVALID);
}

Test(quic, row_capabilities)
{
	service_assert_row(&quic_service, "quic", true, false, PROTO_UDP, 443);
	cr_assert(quic_service.reply_says_observed);
}
