/* Unit tests for common/ntp.c: client request, server answer, reply checks. */
/* Timestamps are fixed so every field can be asserted exactly. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <endian.h>
#include <string.h>

#include "common/service.h"
#include "tests/unit/fixture_service.h"

/* The module's row, as common/service.c's table holds it. */
extern const struct service_ops ntp_service;

#define NOW FIXTURE_NTP_NOW

static void
setup(void)
{
	service_setup();
	config.ntp_stratum = 2;
	memcpy(&config.ntp_refid, "\xc6\x12\x02\x01", 4);
	ctx.config = &config;
	ctx.now_ntp = NOW + (5ULL << 32);
}

TestSuite(ntp, .init = setup);

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return be64toh(v);
}

/* The agent's answer to id's request (kept in req): 48 bytes into out. */
static void
answer(const struct probe_id *id, uint8_t req[64], uint8_t out[64],
       struct request_info *info)
{
	size_t outlen;

	memset(info, 0, sizeof *info);
	ntp_service.request_encode(id, PROTO_UDP, req, 64);
	cr_assert_eq(ntp_service.request_answer(PROTO_UDP, req, 48, &ctx, info,
						out, 64, &outlen),
		     ANSWER_REPLY);
	cr_assert_eq(outlen, 48);
}

/* ntp_service.reply_match of len bytes of out, over UDP, for id. */
static enum reply_status
match(const struct probe_id *id, const uint8_t *out, size_t len)
{
	struct reply_info reply;

	return ntp_service.reply_match(id, PROTO_UDP, out, len, false, &reply);
}

Test(ntp, client_request_carries_identity)
{
	struct probe_id id = fixture_probe("ntp", true);
	uint8_t req[64];

	cr_assert_eq(
		ntp_service.request_encode(&id, PROTO_UDP, req, sizeof req),
		48);
	cr_assert_eq(req[0], 0x23); /* LI 0, version 4, mode 3 */
	cr_assert_eq(get64(req + 16), 0xa1b2c3d4000004d2ULL);
	cr_assert_eq(get64(req + 40), 0xeb000000c0000355ULL);
	cr_assert_eq(
		ntp_service.request_encode(&id, PROTO_TCP, req, sizeof req), 0);
}

Test(ntp, server_answer_fills_the_fields)
{
	struct probe_id id = fixture_probe("ntp", true);
	struct request_info info;
	uint8_t req[64], out[64];

	answer(&id, req, out, &info);
	service_assert_identity(&info, &id);
	cr_assert_eq(out[0], 0x24); /* version 4, mode 4 */
	cr_assert_eq(out[1], 2);
	cr_assert_eq(memcmp(out + 12, "\xc6\x12\x02\x01", 4), 0);
	cr_assert_eq(get64(out + 24), get64(req + 40));
	cr_assert_eq(get64(out + 32), NOW + (5ULL << 32));
	cr_assert_eq(get64(out + 40), NOW + (5ULL << 32));
	cr_assert_eq(get64(out + 16), NOW - (11ULL << 32));
	cr_assert_eq(match(&id, out, 48), REPLY_MATCH);
}

Test(ntp, requests_without_identity_are_answered_unidentified)
{
	struct request_info info = {0};
	uint8_t req[48] = {0x1b}, out[64]; /* version 3, mode 3: ntpdig */
	size_t outlen;

	cr_assert_eq(ntp_service.request_answer(PROTO_UDP, req, 48, &ctx, &info,
						out, sizeof out, &outlen),
		     ANSWER_REPLY);
	cr_assert_not(info.identified);
	cr_assert_eq(out[0], 0x1c);
}

Test(ntp, wrong_origin_mode_or_size_is_not_a_reply)
{
	struct probe_id id = fixture_probe("ntp", false),
			other = fixture_probe("ntp", false);
	struct request_info info;
	uint8_t req[64], out[64];

	other.nonce = 0x56;
	answer(&other, req, out, &info);
	cr_assert_eq(match(&id, out, 48), REPLY_INVALID);
	cr_assert_eq(match(&other, out, 47), REPLY_INVALID);
	out[0] = 0x23;
	cr_assert_eq(match(&other, out, 48), REPLY_INVALID);
}

Test(ntp, kiss_of_death_is_a_reply_but_zero_transmit_is_not)
{
	struct probe_id id = fixture_probe("ntp", false);
	struct request_info info;
	uint8_t req[64], out[64];

	answer(&id, req, out, &info);
	memset(out + 40, 0, 8);
	cr_assert_eq(match(&id, out, 48), REPLY_INVALID);
	out[1] = 0;
	memcpy(out + 12, "RATE", 4);
	cr_assert_eq(match(&id, out, 48), REPLY_MATCH);
}

Test(ntp, server_ignores_short_and_non_client_packets)
{
	struct request_info info = {0};
	uint8_t req[48] = {0x24}, out[64];
	size_t outlen;

	cr_assert_eq(ntp_service.request_answer(PROTO_UDP, req, 48, &ctx, &info,
						out, sizeof out, &outlen),
		     ANSWER_INVALID);
	req[0] = 0x23;
	cr_assert_eq(ntp_service.request_answer(PROTO_UDP, req, 47, &ctx, &info,
						out, sizeof out, &outlen),
		     ANSWER_INVALID);
	req[0] = 0x03; /* version 0 */
	cr_assert_eq(ntp_service.request_answer(PROTO_UDP, req, 48, &ctx, &info,
						out, sizeof out, &outlen),
		     ANSWER_INVALID);
}

Test(ntp, empty_datagram_is_ignored)
{
	struct request_info info = {0};
	uint8_t out[64];
	size_t outlen;

	/* Found by fuzz_ntp: fields were read before the length check. */
	cr_assert_eq(ntp_service.request_answer(PROTO_UDP, (const uint8_t *)"",
						0, &ctx, &info, out, sizeof out,
						&outlen),
		     ANSWER_INVALID);
}

Test(ntp, oversize_request_gets_a_48_byte_reply)
{
	struct probe_id id = fixture_probe("ntp", true);
	struct request_info info = {0};
	uint8_t req[1400], out[64];
	size_t outlen;

	memset(req, 0xee, sizeof req);
	ntp_service.request_encode(&id, PROTO_UDP, req, sizeof req);
	cr_assert_eq(ntp_service.request_answer(PROTO_UDP, req, sizeof req,
						&ctx, &info, out, sizeof out,
						&outlen),
		     ANSWER_REPLY);
	cr_assert_eq(outlen, 48);
	cr_assert(info.identified);
}
