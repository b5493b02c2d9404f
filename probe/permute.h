/* A keyed permutation of 0..n-1: the order a sweep visits its probes. */
/* Ascending order turns an outage into a range of ports; a shuffle spreads
 * it thin, and the seed in the report makes the order reproducible. */
#ifndef NACL_PROBE_PERMUTE_H
#define NACL_PROBE_PERMUTE_H

#include <stdint.h>

struct permutation {
	uint64_t n;
	unsigned half_bits; /* each Feistel half */
	uint64_t half_mask;
	uint64_t keys[4];
};

/* splitmix64's finaliser: every input bit reaches every output bit; the
 * permutation's round keys and a sweep's nonces and seeds come from it. */
uint64_t permutation_mix(uint64_t x);
/* The permutation of 0..n-1 that seed picks (n up to 2^62). */
void permutation_init(struct permutation *p, uint64_t n, uint64_t seed);
/* The i-th element (i < n); every value of 0..n-1 exactly once. */
uint64_t permutation_at(const struct permutation *p, uint64_t i);

#endif
