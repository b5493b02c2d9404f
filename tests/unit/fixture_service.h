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
