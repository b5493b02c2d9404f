/* Unit tests for probe/permute.c: a keyed permutation visits every index
 * once, far from ascending, the same for the same seed. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "probe/permute.h"

TestSuite(permute);

static void
assert_permutation(uint64_t n, uint64_t seed)
{
	struct permutation p;
	uint8_t *seen = calloc(n + 1, 1);
	uint64_t i, v;

	permutation_init(&p, n, seed);
	for (i = 0; i < n; i++) {
		v = permutation_at(&p, i);
		cr_assert_lt(v, n, "n %llu: value %llu", (unsigned long long)n,
			     (unsigned long long)v);
		cr_assert_eq(seen[v], 0, "n %llu: %llu twice",
			     (unsigned long long)n, (unsigned long long)v);
		seen[v] = 1;
	}
	free(seen);
}

Test(permute, every_index_exactly_once)
{
	static const uint64_t sizes[] = {1,    2,     3,     7,	    64,
					 1000, 28232, 64512, 387072};
	size_t i;

	for (i = 0; i < sizeof sizes / sizeof *sizes; i++)
		assert_permutation(sizes[i], 12345 + i);
}

Test(permute, same_seed_same_order_other_seed_other)
{
	struct permutation a, b, c;
	uint64_t i, differ = 0;

	permutation_init(&a, 1000, 42);
	permutation_init(&b, 1000, 42);
	permutation_init(&c, 1000, 43);
	for (i = 0; i < 1000; i++) {
		cr_assert_eq(permutation_at(&a, i), permutation_at(&b, i));
		differ += permutation_at(&a, i) != permutation_at(&c, i);
	}
	cr_assert_gt(differ, 900);
}

Test(permute, neighbours_land_far_apart)
{
	struct permutation p;
	uint64_t i, near = 0, a, b;

	/* A burst of 100 consecutive probes touches ports all over. */
	permutation_init(&p, 28232, 7);
	for (i = 0; i + 1 < 28232; i++) {
		a = permutation_at(&p, i);
		b = permutation_at(&p, i + 1);
		near += (a > b ? a - b : b - a) < 100;
	}
	/* Uniform spread: about 0.7% of pairs within 100 by chance. */
	cr_assert_lt(near, 28232 / 50, "%llu neighbours",
		     (unsigned long long)near);
}
