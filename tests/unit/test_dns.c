/* Unit tests for common/dns.c: queries, the agent's answers, hostile input. */
/* Wire bytes are built by hand where ldns would refuse to build them. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "common/service.h"
#include "tests/unit/fixture_service.h"

/* The module's row, as common/service.c's table holds it. */
extern const struct service_ops dns_service;

static void
setup(void)
{
	service_setup();
	config.ntp_stratum = 1;
	ctx.now_ntp = 0;
}

TestSuite(dns, .init = setup);

static void
round_trip(enum proto proto, bool agent)
{
	struct probe_id id = fixture_probe("dns", agent);
	struct request_info info = {0};
	struct reply_info reply = {0};
	uint8_t req[512], out[1024];
	size_t len, outlen = 0;

	len = dns_service.request_encode(&id, proto, req, sizeof req);
	cr_assert_gt(len, 12);
	cr_assert_eq(dns_service.request_answer(proto, req, len, &ctx, &info,
						out, sizeof out, &outlen),
		     ANSWER_REPLY);
	cr_assert_leq(outlen, len + SERVICE_MAX_GROWTH);
	cr_assert_eq(info.identified, agent);
	if (agent)
		service_assert_identity(&info, &id);
	cr_assert_eq(
		dns_service.reply_match(&id, proto, out, outlen, false, &reply),
		REPLY_MATCH);
	cr_assert_eq(reply.observed_port, agent ? 40000 : 0);
}

Test(dns, udp_query_with_agent_round_trips_with_observed_port)
{
	round_trip(PROTO_UDP, true);
}

Test(dns, tcp_query_with_agent_round_trips_with_observed_port)
{
	round_trip(PROTO_TCP, true);
}

Test(dns, agentless_query_round_trips)
{
	round_trip(PROTO_UDP, false);
	round_trip(PROTO_TCP, false);
}

Test(dns, tcp_frame_is_incomplete_until_whole)
{
	struct probe_id id = fixture_probe("dns", true);
	struct request_info info = {0};
	struct reply_info reply;
	uint8_t req[512], out[1024];
	size_t len, outlen;

	len = dns_service.request_encode(&id, PROTO_TCP, req, sizeof req);
	cr_assert_eq((size_t)(req[0] << 8 | req[1]), len - 2);
	cr_assert_eq(service_answer_status(&dns_service, PROTO_TCP, req, 1,
					   sizeof out),
		     ANSWER_INCOMPLETE);
	cr_assert_eq(service_answer_status(&dns_service, PROTO_TCP, req,
					   len - 1, sizeof out),
		     ANSWER_INCOMPLETE);
	cr_assert_eq(dns_service.request_answer(PROTO_TCP, req, len, &ctx,
						&info, out, sizeof out,
						&outlen),
		     ANSWER_REPLY);
	cr_assert_eq(dns_service.reply_match(&id, PROTO_TCP, out, outlen - 1,
					     false, &reply),
		     REPLY_INCOMPLETE);
	cr_assert_eq(dns_service.reply_match(&id, PROTO_TCP, out, outlen - 1,
					     true, &reply),
		     REPLY_INVALID);
}

Test(dns, reply_to_another_attempt_is_not_ours)
{
	struct probe_id id = fixture_probe("dns", true),
			other = fixture_probe("dns", true);
	struct request_info info = {0};
	struct reply_info reply;
	uint8_t req[512], out[1024];
	size_t len, outlen;

	other.nonce = 0x9999;
	len = dns_service.request_encode(&other, PROTO_UDP, req, sizeof req);
	dns_service.request_answer(PROTO_UDP, req, len, &ctx, &info, out,
				   sizeof out, &outlen);
	cr_assert_eq(dns_service.reply_match(&id, PROTO_UDP, out, outlen, false,
					     &reply),
		     REPLY_INVALID);
	/* The query itself (QR clear) is no reply. */
	cr_assert_eq(dns_service.reply_match(&other, PROTO_UDP, req, len, false,
					     &reply),
		     REPLY_INVALID);
}

Test(dns, refused_from_a_real_server_is_still_a_reply)
{
	struct probe_id id = fixture_probe("dns", false);
	struct reply_info reply;
	uint8_t req[512];
	size_t len;

	len = dns_service.request_encode(&id, PROTO_UDP, req, sizeof req);
	req[2] |= 0x80; /* QR */
	req[3] = (req[3] & 0xf0) | 5; /* REFUSED */
	cr_assert_eq(dns_service.reply_match(&id, PROTO_UDP, req, len, false,
					     &reply),
		     REPLY_MATCH);
}

/* A query for "a.b." type A, then the given tail, as raw wire bytes. */
static size_t
raw_query(uint8_t *buf, const uint8_t *name, size_t name_len)
{
	static const uint8_t header[12] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01,
					   0,	 0,    0,    0,	   0,	 0};

	memcpy(buf, header, 12);
	memcpy(buf + 12, name, name_len);
	buf[12 + name_len] = 0;
	buf[13 + name_len] = 1; /* type A */
	buf[14 + name_len] = 0;
	buf[15 + name_len] = 1; /* class IN */
	return 16 + name_len;
}

static enum answer_status
answer_raw(const uint8_t *req, size_t len)
{
	struct request_info info = {0};
	uint8_t out[1024];
	size_t outlen;

	return dns_service.request_answer(PROTO_UDP, req, len, &ctx, &info, out,
					  sizeof out, &outlen);
}

Test(dns, plain_query_for_a_gets_the_clients_address)
{
	static const uint8_t name[] = {1, 'a', 1, 'b', 0};
	struct request_info info = {0};
	uint8_t req[64], out[256];
	size_t len = raw_query(req, name, sizeof name), outlen;

	cr_assert_eq(dns_service.request_answer(PROTO_UDP, req, len, &ctx,
						&info, out, sizeof out,
						&outlen),
		     ANSWER_REPLY);
	cr_assert_not(info.identified);
	/* id, QR|AA, NOERROR, one question, one answer */
	cr_assert_eq(out[0], 0x12);
	cr_assert_eq(out[1], 0x34);
	cr_assert_eq(out[2] & 0x84, 0x84);
	cr_assert_eq(out[3] & 0x0f, 0);
	cr_assert_eq(out[7], 1);
	cr_assert_eq(memcmp(out + outlen - 4, "\xc6\x12\x01\x01", 4), 0);
	cr_assert_leq(outlen, len + SERVICE_MAX_GROWTH);
}

Test(dns, truncated_message_is_refused)
{
	static const uint8_t name[] = {1, 'a', 1, 'b', 0};
	uint8_t req[64];
	size_t len = raw_query(req, name, sizeof name), cut;

	for (cut = 0; cut < len; cut++)
		cr_assert_eq(answer_raw(req, cut), ANSWER_INVALID, "cut at %zu",
			     cut);
}

Test(dns, pointer_loop_is_refused)
{
	/* The name is a pointer to itself (offset 12). */
	static const uint8_t name[] = {0xc0, 12};
	uint8_t req[64];
	size_t len = raw_query(req, name, sizeof name);

	/* raw_query ended the name with a 0 we do not want here. */
	memmove(req + 14, req + 15, len - 15);
	cr_assert_eq(answer_raw(req, len - 1), ANSWER_INVALID);
}

Test(dns, label_running_past_the_buffer_is_refused)
{
	static const uint8_t name[] = {63, 'a', 'b'};
	uint8_t req[64];

	memcpy(req, "\x12\x34\x01\x00\x00\x01\0\0\0\0\0\0", 12);
	memcpy(req + 12, name, sizeof name);
	cr_assert_eq(answer_raw(req, 12 + sizeof name), ANSWER_INVALID);
}

Test(dns, replies_and_multi_question_messages_get_no_answer)
{
	static const uint8_t name[] = {1, 'a', 0};
	uint8_t req[64];
	size_t len = raw_query(req, name, sizeof name);

	req[2] |= 0x80;
	cr_assert_eq(answer_raw(req, len), ANSWER_INVALID);
	req[2] &= 0x7f;
	req[5] = 2;
	cr_assert_eq(answer_raw(req, len), ANSWER_INVALID);
}

Test(dns, tcp_length_below_a_header_is_refused)
{
	uint8_t req[16] = {0, 5, 1, 2, 3, 4, 5};

	cr_assert_eq(service_answer_status(&dns_service, PROTO_TCP, req, 7, 64),
		     ANSWER_INVALID);
}

Test(dns, answers_stay_within_64_bytes_of_the_query_for_every_type)
{
	static const uint16_t types[] = {1, 28, 16, 15, 255};
	static const uint8_t name[] = {0};
	struct sockaddr_in6 peer6;
	struct request_info info = {0};
	uint8_t req[64], out[256];
	size_t len = raw_query(req, name, sizeof name), outlen, i;

	memset(&peer6, 0, sizeof peer6);
	peer6.sin6_family = AF_INET6;
	peer6.sin6_port = htons(65535);
	inet_pton(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
		  &peer6.sin6_addr);
	ctx.peer = (struct sockaddr *)&peer6;
	for (i = 0; i < sizeof types / sizeof *types; i++) {
		req[len - 3] = (uint8_t)types[i];
		req[len - 4] = (uint8_t)(types[i] >> 8);
		cr_assert_eq(dns_service.request_answer(PROTO_UDP, req, len,
							&ctx, &info, out,
							sizeof out, &outlen),
			     ANSWER_REPLY);
		cr_assert_leq(outlen, len + SERVICE_MAX_GROWTH, "type %u: %zu",
			      types[i], outlen);
	}
}

Test(dns, oversize_query_gets_a_reply_no_larger_than_allowed)
{
	/* A 2,000-byte query: padding in an OPT record of the additional
	 * section, which the answer does not repeat. */
	static const uint8_t name[] = {1, 'a', 0};
	struct request_info info = {0};
	uint8_t req[2100], out[SERVICE_MAX_MESSAGE + SERVICE_MAX_GROWTH];
	size_t len = raw_query(req, name, sizeof name), pad = 2000 - len - 15,
	       outlen;

	memcpy(req + len, "\0\0\x29\x04\xd0\0\0\0\0\0\0\0\x0c\0\0", 15);
	req[len + 9] = (uint8_t)((pad + 4) >> 8);
	req[len + 10] = (uint8_t)(pad + 4);
	req[len + 13] = (uint8_t)(pad >> 8);
	req[len + 14] = (uint8_t)pad;
	memset(req + len + 15, 0, pad);
	req[11] = 1;
	cr_assert_eq(dns_service.request_answer(PROTO_UDP, req, 2000, &ctx,
						&info, out, sizeof out,
						&outlen),
		     ANSWER_REPLY);
	cr_assert_eq(outlen, 35); /* header, question, one A record */
}

Test(dns, tcp_length_past_what_arrived_waits_then_is_no_reply)
{
	struct probe_id id = fixture_probe("dns", true);
	struct reply_info reply;
	uint8_t req[64] = {0xff, 0xff};

	memset(req + 2, 0x41, sizeof req - 2);
	cr_assert_eq(service_answer_status(&dns_service, PROTO_TCP, req,
					   sizeof req, 64),
		     ANSWER_INCOMPLETE);
	cr_assert_eq(dns_service.reply_match(&id, PROTO_TCP, req, sizeof req,
					     true, &reply),
		     REPLY_INVALID);
}
