/* What a service module's answer sees in the tests of common/<service>.c:
 * a probe at 198.18.1.1:40000 and the agent's configuration. */
/* Static: each test file that includes it gets its own copy. */
#ifndef NACL_TEST_FIXTURE_SERVICE_H
#define NACL_TEST_FIXTURE_SERVICE_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

#include "common/service.h"

static struct sockaddr_in peer;
static struct service_config config;
static struct answer_context ctx;

/* Run first by each suite's .init; a suite sets what it needs after. */
static inline void
service_setup(void)
{
	memset(&peer, 0, sizeof peer);
	peer.sin_family = AF_INET;
	peer.sin_port = htons(40000);
	inet_pton(AF_INET, "198.18.1.1", &peer.sin_addr);
	ctx.peer = (struct sockaddr *)&peer;
	ctx.config = &config;
}

/*
 * What ops answers to len bytes of req over proto, into an answer buffer of
 * size bytes (at most SERVICE_MAX_MESSAGE); for tests that expect no answer,
 * so the answer and what it identified are dropped.
 */
static inline enum answer_status
service_answer_status(const struct service_ops *ops, enum proto proto,
		      const uint8_t *req, size_t len, size_t size)
{
	struct request_info info = {0};
	uint8_t out[SERVICE_MAX_MESSAGE];
	size_t outlen;

	cr_assert_leq(size, sizeof out);
	return ops->request_answer(proto, req, len, &ctx, &info, out, size,
				   &outlen);
}

/* Asserts ops' row: its name, transports and one default port. */
static inline void
service_assert_row(const struct service_ops *ops, const char *name, bool udp,
		   bool tcp, enum proto proto, uint16_t port)
{
	cr_assert_str_eq(ops->name, name);
	cr_assert_eq(ops->udp, udp, "%s: udp %d", name, ops->udp);
	cr_assert_eq(ops->tcp, tcp, "%s: tcp %d", name, ops->tcp);
	cr_assert_eq(ops->default_ports[0].proto, proto);
	cr_assert_eq(ops->default_ports[0].port, port);
	cr_assert_eq(ops->default_ports[1].port, 0);
}

/*
 * Asserts that ops encodes id's request over proto only, in exactly len
 * bytes: nothing over the other transport, nor into a buffer one byte short.
 */
static inline void
service_assert_request_needs(const struct service_ops *ops,
			     const struct probe_id *id, enum proto proto,
			     size_t len)
{
	enum proto other = proto == PROTO_UDP ? PROTO_TCP : PROTO_UDP;
	uint8_t req[SERVICE_MAX_MESSAGE];

	cr_assert_leq(len, sizeof req);
	cr_assert_eq(ops->request_encode(id, other, req, sizeof req), 0,
		     "%s: a request over the other transport", ops->name);
	cr_assert_eq(ops->request_encode(id, proto, req, len - 1), 0,
		     "%s: a request into %zu bytes", ops->name, len - 1);
	cr_assert_eq(ops->request_encode(id, proto, req, len), len,
		     "%s: no request into %zu bytes", ops->name, len);
}

/* Asserts that info carries id's identity: what the agent read back is what
 * the probe encoded. */
static inline void
service_assert_identity(const struct request_info *info,
			const struct probe_id *id)
{
	cr_assert(info->identified);
	cr_assert_eq(info->session, id->session, "session %#x", info->session);
	cr_assert_eq(info->seq, id->seq, "seq %u", info->seq);
	cr_assert_eq(info->sport, id->sport, "sport %u", info->sport);
	cr_assert_eq(info->attempt, id->attempt, "attempt %u", info->attempt);
	cr_assert_eq(memcmp(info->token, id->token, sizeof id->token), 0);
}

/* The NTP suite's clock: its probe's nonce and its answers derive from it. */
#define FIXTURE_NTP_NOW 0xeb000000aa000000ULL

/*
 * The probe id the tests of suite ("dns", "http", "ntp", "quic", "tls")
 * encode, an agent's or not; with an agent the DNS name, where the suite has
 * one, is the agent's base nacl-probe.test. Fails the test on another name.
 */
struct probe_id fixture_probe(const char *suite, bool agent);

#endif
