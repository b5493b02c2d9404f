/* What a service module's answer sees in the tests of common/<service>.c:
 * a probe at 198.18.1.1:40000 and the agent's configuration. */
/* Static: each test file that includes it gets its own copy. */
#ifndef NACL_TEST_FIXTURE_SERVICE_H
#define NACL_TEST_FIXTURE_SERVICE_H

#include <arpa/inet.h>
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

#endif
