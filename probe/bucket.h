/* The token bucket that paces a sweep at --rate: pure, over a clock the caller
 * passes in. */
/* A stall (a busy host) is paid back a little above the rate, never as a
 * burst larger than the bucket. */
#ifndef NACL_PROBE_BUCKET_H
#define NACL_PROBE_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

struct bucket {
	double rate; /* tokens per second; 0: no limit */
	double burst; /* what the bucket holds: rate / 100, at least one */
	double tokens;
	double owed; /* tokens a stall spilled, paid back slowly */
	uint64_t last_ns;
};

/* A bucket of rate tokens per second (0: every take succeeds) holding one
 * token at now_ns. */
void bucket_init(struct bucket *b, unsigned rate, uint64_t now_ns);
/*
 * Takes one token at now_ns: true, or false with *wait_ns set to how long
 * until one is due.
 */
bool bucket_take(struct bucket *b, uint64_t now_ns, uint64_t *wait_ns);
/* Gives back a token taken for nothing. */
void bucket_refund(struct bucket *b);

#endif
