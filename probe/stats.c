/* What a sweep measures of the path: round-trip times and loss, and the
 * attempts a silent port needs before silence means a rule. */
/* Estimates lean pessimistic when few ports answered: a false drop costs an
 * engineer's trust, an extra attempt costs a few milliseconds. */
#include "probe/stats.h"

#include <math.h>

#define RTT_FIRST_NS 10000.0 /* the first bucket's upper bound */
#define RTT_STEP 1.125

static size_t
rtt_bucket(uint64_t ns)
{
	double b;

	if ((double)ns <= RTT_FIRST_NS)
		return 0;
	b = ceil(log((double)ns / RTT_FIRST_NS) / log(RTT_STEP));
	return b >= RTT_BUCKETS - 1 ? RTT_BUCKETS - 1 : (size_t)b;
}

void
rtt_add(struct rtt_histogram *h, uint64_t ns)
{
	h->buckets[rtt_bucket(ns)]++;
	h->count++;
}

void
rtt_decay(struct rtt_histogram *h)
{
	size_t i;

	h->count = 0;
	for (i = 0; i < RTT_BUCKETS; i++) {
		h->buckets[i] /= 2;
		h->count += h->buckets[i];
	}
}

double
rtt_quantile_ms(const struct rtt_histogram *h, double q)
{
	uint64_t want, seen = 0;
	size_t i;

	if (h->count == 0)
		return 0;
	want = (uint64_t)ceil(q * (double)h->count);
	if (want == 0)
		want = 1;
	for (i = 0; i < RTT_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= want)
			break;
	}
	if (i == RTT_BUCKETS)
		i = RTT_BUCKETS - 1;
	return RTT_FIRST_NS * pow(RTT_STEP, (double)i) / 1e6;
}

void
loss_add_port(struct loss_counts *l, unsigned failures)
{
	l->first++;
	if (failures == 0)
		return;
	l->first_failed++;
	/* Attempts 2..failures+1 each followed a failure; all but the last
	 * failed. */
	l->after_fail += failures;
	l->after_fail_failed += failures - 1;
}

void
loss_merge(struct loss_counts *into, const struct loss_counts *from)
{
	into->first += from->first;
	into->first_failed += from->first_failed;
	into->after_fail += from->after_fail;
	into->after_fail_failed += from->after_fail_failed;
}

double
loss_ratio(const struct loss_counts *l)
{
	uint64_t attempts = l->first + l->after_fail;
	uint64_t failed = l->first_failed + l->after_fail_failed;

	return attempts ? (double)failed / (double)attempts : 0;
}

double
loss_first(const struct loss_counts *l)
{
	/* One failure more than seen: zero failures in n is not zero loss. */
	return (double)(l->first_failed + 1) / (double)(l->first + 2);
}

double
loss_after_failure(const struct loss_counts *l)
{
	double p1 = loss_first(l), prior, strength = 20;

	/*
	 * Before many failures were followed, assume a failure makes the next
	 * three times as likely (the worst measured on a loaded testbed with
	 * state left by the last attempt was about 9 times), weighted as 20
	 * observations; the measured ratio takes over as data comes in.
	 */
	prior = 3 * p1 < 1 ? 3 * p1 : 1;
	p1 = (double)l->after_fail_failed + prior * strength;
	p1 /= (double)l->after_fail + strength;
	return p1 > loss_first(l) ? p1 : loss_first(l);
}

unsigned
loss_attempts_needed(double n, double p_first, double p_after, double budget,
		     unsigned max)
{
	double expected = n * p_first;
	unsigned k = 1;

	while (expected > budget) {
		if (k == max)
			return max + 1;
		expected *= p_after;
		k++;
	}
	return k;
}
