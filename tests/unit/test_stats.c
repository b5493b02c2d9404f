/* Unit tests for probe/stats.c: round-trip quantiles, loss estimates and
 * the attempts a silent port needs. */
#include <criterion/criterion.h>
#include <math.h>

#include "probe/stats.h"

TestSuite(stats);

Test(stats, quantiles_within_a_bucket)
{
	struct rtt_histogram h = {0};
	int i;

	for (i = 1; i <= 1000; i++)
		rtt_add(&h, (uint64_t)i * 100000); /* 0.1 .. 100 ms */
	cr_assert_eq(h.count, 1000);
	cr_assert(fabs(rtt_quantile_ms(&h, 0.5) - 50) <= 50 * 0.125, "p50 %f",
		  rtt_quantile_ms(&h, 0.5));
	cr_assert(fabs(rtt_quantile_ms(&h, 0.99) - 99) <= 99 * 0.125, "p99 %f",
		  rtt_quantile_ms(&h, 0.99));
	cr_assert_eq(rtt_quantile_ms(&(struct rtt_histogram){0}, 0.5), 0);
}

Test(stats, decay_halves_the_weight_of_the_past)
{
	struct rtt_histogram h = {0};
	int i;

	for (i = 0; i < 1000; i++)
		rtt_add(&h, 1000000); /* 1 ms */
	rtt_decay(&h);
	cr_assert_eq(h.count, 500);
	for (i = 0; i < 600; i++)
		rtt_add(&h, 100000000); /* 100 ms */
	cr_assert_gt(rtt_quantile_ms(&h, 0.5), 80);
}

Test(stats, loss_after_a_loss_is_counted_as_it_bites)
{
	struct loss_counts l = {0};

	loss_add_port(&l, 0);
	loss_add_port(&l, 0);
	loss_add_port(&l, 2); /* failed, failed, answered */
	cr_assert_eq(l.first, 3);
	cr_assert_eq(l.first_failed, 1);
	cr_assert_eq(l.after_fail, 2);
	cr_assert_eq(l.after_fail_failed, 1);
	cr_assert_float_eq(loss_ratio(&l), 2.0 / 5.0, 1e-9);
}

Test(stats, estimates_lean_pessimistic_when_little_is_known)
{
	struct loss_counts none = {0}, clean = {0}, lossy = {0};
	int i;

	cr_assert_float_eq(loss_first(&none), 0.5, 1e-9);
	for (i = 0; i < 10000; i++)
		loss_add_port(&clean, 0);
	cr_assert_float_eq(loss_first(&clean), 1.0 / 10002, 1e-12);
	/* No failure followed yet: three times the first-attempt loss. */
	cr_assert_float_eq(loss_after_failure(&clean), 3.0 / 10002, 1e-12);
	/* 5% first-attempt loss; half of the retries fail again. */
	for (i = 0; i < 1900; i++)
		loss_add_port(&lossy, 0);
	for (i = 0; i < 50; i++)
		loss_add_port(&lossy, 1);
	for (i = 0; i < 50; i++)
		loss_add_port(&lossy, 2);
	cr_assert_float_eq(loss_first(&lossy), 101.0 / 2002, 1e-9);
	cr_assert_gt(loss_after_failure(&lossy), 0.3);
}

Test(stats, attempts_needed_meet_the_budget_exactly)
{
	/* 1000 ports, 1% and 3% after a loss: 1000*0.01*0.03^(k-1) <= 0.001
	 * first at k = 4 (2.7e-4); k = 3 gives 9e-3. */
	cr_assert_eq(loss_attempts_needed(1000, 0.01, 0.03, 0.001, 16), 4);
	cr_assert_eq(loss_attempts_needed(1000, 0.01, 0.03, 0.01, 16), 3);
	/* Nothing lost: one attempt. */
	cr_assert_eq(loss_attempts_needed(1000, 0, 0, 0.001, 16), 1);
	/* Never reachable within the maximum: max + 1. */
	cr_assert_eq(loss_attempts_needed(1e6, 0.5, 0.9, 0.001, 16), 17);
}
