/* A keyed permutation of 0..n-1: a four-round Feistel network on the smallest
 * even bit width that holds n, with cycle walking back into 0..n-1. */
/* Not a secret: the keys only need to spread neighbours far apart. */
#include "probe/permute.h"

uint64_t
permutation_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

void
permutation_init(struct permutation *p, uint64_t n, uint64_t seed)
{
	unsigned bits = 2, i;

	while (bits < 64 && (1ULL << bits) < n)
		bits += 2;
	p->n = n;
	p->half_bits = bits / 2;
	p->half_mask = (1ULL << p->half_bits) - 1;
	for (i = 0; i < 4; i++) {
		seed += 0x9e3779b97f4a7c15ULL;
		p->keys[i] = permutation_mix(seed);
	}
}

static uint64_t
permute_feistel(const struct permutation *p, uint64_t x)
{
	uint64_t left = x >> p->half_bits, right = x & p->half_mask, next;
	unsigned round;

	for (round = 0; round < 4; round++) {
		next = left ^
		       (permutation_mix(right ^ p->keys[round]) & p->half_mask);
		left = right;
		right = next;
	}
	return left << p->half_bits | right;
}

uint64_t
permutation_at(const struct permutation *p, uint64_t i)
{
	/* The network permutes 0..4^half_bits-1, under 4n: a value outside
	 * 0..n-1 is walked on, a few steps at most on average. */
	do
		i = permute_feistel(p, i);
	while (i >= p->n);
	return i;
}
