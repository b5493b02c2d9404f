/* Blocks of rejected ports that a rate-limited ICMP shattered: rejects
 * interleaved with silence where no request reached the agent. */
/* Routers and hosts answer at most about one ICMP error a second per peer
 * (after a burst of six): of a thousand rejected ports, most stay silent.
 * Pure, over statuses, with the probing passed in: unit-tested alone. */
#ifndef NACL_PROBE_REJECTS_H
#define NACL_PROBE_REJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/* Source port indices of one check, inclusive. */
struct reject_block {
	size_t from, to; /* the run of rejected and silent ports */
	size_t hull_from, hull_to; /* its outermost rejected ports */
};

/* A silent port whose request never reached the agent (or, agentless, any
 * silent port): what a rate-limited reject leaves. */
bool rejects_silent(enum probe_status status);

/*
 * The blocks of statuses (one per source port index, n of them): maximal
 * runs of rejected and silent ports holding at least two rejected ones with
 * silence between them. *blocks gets a malloc'd array (free() it); returns
 * how many.
 */
size_t rejects_find(const uint8_t *statuses, size_t n,
		    struct reject_block **blocks);

/*
 * Grows b's hull toward the block's edges: probe(arg, i) sends one paced
 * attempt to port index i and says whether it was rejected. The far edge
 * first (a block bounded by answering ports is most often rejected to its
 * edges), then halving toward the hull. At most budget probes; returns how
 * many were sent.
 */
size_t rejects_extend(struct reject_block *b,
		      bool (*probe)(void *arg, size_t i), void *arg,
		      size_t budget);

#endif
