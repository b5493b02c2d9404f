/* Per-source reply rate limit: a token bucket per address in a fixed-size
 * table. */
/* Fixed memory whatever the sources: a colliding address takes over the slot,
 * fresh. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "common/xmalloc.h"

#define RATELIMIT_SLOTS 4096

struct ratelimit_slot {
	uint8_t addr[16];
	uint8_t family;
	double tokens;
	uint64_t last_ns;
	uint64_t refused; /* replies withheld since the last warning */
	uint64_t warned_ns;
};

struct ratelimit {
	double rate, burst;
	struct ratelimit_slot *slots;
};

struct ratelimit *
ratelimit_new(unsigned rate)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);

	rl->rate = rate;
	rl->burst = rate / 10.0 > 1.0 ? rate / 10.0 : 1.0;
	rl->slots = xcalloc(RATELIMIT_SLOTS, sizeof *rl->slots);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	free(rl->slots);
	free(rl);
}

static void
ratelimit_key(const struct sockaddr *sa, uint8_t addr[16], uint8_t *family)
{
	memset(addr, 0, 16);
	*family = (uint8_t)sa->sa_family;
	if (sa->sa_family == AF_INET6)
		memcpy(addr,
		       &((const struct sockaddr_in6 *)(const void *)sa)
				->sin6_addr,
		       16);
	else
		memcpy(addr,
		       &((const struct sockaddr_in *)(const void *)sa)
				->sin_addr,
		       4);
}

bool
ratelimit_allow(struct ratelimit *rl, const struct sockaddr *source,
		uint64_t now_ns, uint64_t *refused)
{
	struct ratelimit_slot *slot;
	uint8_t addr[16], family;
	uint32_t h = 2166136261u;
	size_t i;

	*refused = 0;
	if (rl == NULL || rl->rate == 0)
		return true;
	ratelimit_key(source, addr, &family);
	for (i = 0; i < sizeof addr; i++)
		h = (h ^ addr[i]) * 16777619u;
	slot = &rl->slots[h % RATELIMIT_SLOTS];
	if (slot->family != family || memcmp(slot->addr, addr, 16) != 0) {
		memcpy(slot->addr, addr, 16);
		slot->family = family;
		slot->tokens = rl->burst;
		slot->last_ns = now_ns;
		slot->refused = 0;
		slot->warned_ns = 0;
	}
	slot->tokens += (double)(now_ns - slot->last_ns) * rl->rate / 1e9;
	slot->last_ns = now_ns;
	if (slot->tokens > rl->burst)
		slot->tokens = rl->burst;
	if (slot->tokens >= 1.0) {
		slot->tokens -= 1.0;
		return true;
	}
	slot->refused++;
	/* At most one warning a minute per source, with the count. */
	if (slot->warned_ns == 0 || now_ns - slot->warned_ns > 60000000000ULL) {
		*refused = slot->refused;
		slot->refused = 0;
		slot->warned_ns = now_ns;
	}
	return false;
}
