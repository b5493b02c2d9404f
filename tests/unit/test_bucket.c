/* Unit tests for probe/bucket.c: the token bucket's rate and its bounds. */
/* Time is passed in, so every figure is exact. */
#include <criterion/criterion.h>

#include "probe/bucket.h"

TestSuite(bucket);

#define MS 1000000ULL

/* Takes as many tokens as come, one try every step_ns, for span_ns. */
static unsigned
bucket_drain(struct bucket *b, uint64_t *now, uint64_t span_ns,
	     uint64_t step_ns)
{
	uint64_t end = *now + span_ns, wait;
	unsigned taken = 0;

	for (; *now < end; *now += step_ns)
		while (bucket_take(b, *now, &wait))
			taken++;
	return taken;
}

Test(bucket, unlimited_rate_always_gives)
{
	struct bucket b;
	uint64_t wait = 7;
	int i;

	bucket_init(&b, 0, 0);
	for (i = 0; i < 100000; i++)
		cr_assert(bucket_take(&b, 0, &wait));
	cr_assert_eq(wait, 7);
}

Test(bucket, holds_the_rate_over_a_second)
{
	struct bucket b;
	uint64_t now = 0;
	unsigned taken;

	bucket_init(&b, 2000, now);
	taken = bucket_drain(&b, &now, 1000 * MS, 1 * MS);
	/* One token at the start, then 2000 per second. */
	cr_assert(taken >= 1999 && taken <= 2001, "took %u", taken);
}

Test(bucket, says_how_long_until_the_next_token)
{
	struct bucket b;
	uint64_t wait = 0;

	bucket_init(&b, 1000, 0);
	cr_assert(bucket_take(&b, 0, &wait));
	cr_assert_not(bucket_take(&b, 0, &wait));
	cr_assert(wait > 999000 && wait <= 1000001, "wait %llu",
		  (unsigned long long)wait);
	cr_assert(bucket_take(&b, wait, &wait));
}

Test(bucket, a_stall_is_paid_back_without_a_burst_over_the_bucket)
{
	struct bucket b;
	uint64_t now = 0, wait;
	unsigned burst = 0, taken;

	bucket_init(&b, 2000, now);
	bucket_drain(&b, &now, 100 * MS, 1 * MS);
	/* A 200 ms stall: then no more than the bucket (20) at once. */
	now += 200 * MS;
	while (bucket_take(&b, now, &wait))
		burst++;
	cr_assert_leq(burst, 20);
	/* Over the next second the rate, and 5% of it paying back the
	 * stall, after the burst: 2000 + 100 + 19 at most. */
	taken = burst + bucket_drain(&b, &now, 1000 * MS, 1 * MS);
	cr_assert(taken >= 2100 && taken <= 2120, "took %u", taken);
}

Test(bucket, a_slow_rate_never_stalls)
{
	struct bucket b;
	uint64_t now = 0;
	unsigned taken;

	bucket_init(&b, 10, now);
	now += 5000 * MS; /* a stall of five seconds */
	taken = bucket_drain(&b, &now, 2000 * MS, 10 * MS);
	cr_assert(taken >= 20 && taken <= 22, "took %u", taken);
}

Test(bucket, refund_gives_back_one_token)
{
	struct bucket b;
	uint64_t wait;

	bucket_init(&b, 1000, 0);
	cr_assert(bucket_take(&b, 0, &wait));
	bucket_refund(&b);
	cr_assert(bucket_take(&b, 0, &wait));
	cr_assert_not(bucket_take(&b, 0, &wait));
}
