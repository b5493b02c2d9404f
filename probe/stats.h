/* What a sweep measures of the path: round-trip times and loss, and the
 * attempts a silent port needs before silence means a rule. */
/* Pure arithmetic, unit-tested exactly; the sweep feeds it. */
#ifndef NACL_PROBE_STATS_H
#define NACL_PROBE_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Logarithmic buckets from 10 us up, 12.5% apart: quantiles within that. */
#define RTT_BUCKETS 128

struct rtt_histogram {
	uint32_t buckets[RTT_BUCKETS];
	uint64_t count;
};

void rtt_add(struct rtt_histogram *h, uint64_t ns);
/* Halves every bucket: recent round trips then weigh more. */
void rtt_decay(struct rtt_histogram *h);
/* The q quantile (0 < q <= 1) in milliseconds (a bucket's upper bound); 0
 * when empty. */
double rtt_quantile_ms(const struct rtt_histogram *h, double q);

/*
 * Loss the way it bites: how often a port's first attempt fails, and how
 * often an attempt fails right after one that failed (a lost reply leaves
 * state that can fail the next, and loss comes in bursts). Counted over the
 * ports that answered in the end.
 */
struct loss_counts {
	uint64_t first, first_failed;
	uint64_t after_fail, after_fail_failed;
};

/* A port that answered after `failures` failed attempts. */
void loss_add_port(struct loss_counts *l, unsigned failures);
void loss_merge(struct loss_counts *into, const struct loss_counts *from);
/* Attempts to answering ports that failed, over all their attempts. */
double loss_ratio(const struct loss_counts *l);
/* The chance a first attempt fails, leaning to more when little is known. */
double loss_first(const struct loss_counts *l);
/* The chance an attempt fails after a failure: never below loss_first, and
 * leaning to several times it until enough failures were followed. */
double loss_after_failure(const struct loss_counts *l);
/*
 * The fewest attempts k (at most max) such that n open ports, each failing
 * its first attempt with p_first and every later one with p_after, leave
 * at most budget of them silent on every attempt: n * p_first *
 * p_after^(k-1) <= budget. max + 1 when even max attempts do not.
 */
unsigned loss_attempts_needed(double n, double p_first, double p_after,
			      double budget, unsigned max);

#endif
