/* Unit tests for probe/rejects.c: blocks shattered by rate-limited ICMP,
 * found and grown to their edges with as few paced probes as can be. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "probe/rejects.h"

TestSuite(rejects);

#define OK STATUS_OK
#define REJ STATUS_REJECTED
#define SIL STATUS_REQUEST_DROPPED

/* Asserts that b's hull is [from, to]. */
static void
assert_hull(const struct reject_block *b, uint16_t from, uint16_t to)
{
	cr_assert_eq(b->hull_from, from, "hull %u-%u", b->hull_from,
		     b->hull_to);
	cr_assert_eq(b->hull_to, to, "hull %u-%u", b->hull_from, b->hull_to);
}

Test(rejects, a_shattered_block_between_answering_ports)
{
	/* ok ok | rej sil sil rej sil rej sil | ok */
	uint8_t s[] = {OK, OK, REJ, SIL, SIL, REJ, SIL, REJ, SIL, OK};
	struct reject_block *b;

	cr_assert_eq(rejects_find(s, sizeof s, &b), 1);
	cr_assert_eq(b[0].from, 2);
	cr_assert_eq(b[0].to, 8);
	assert_hull(&b[0], 2, 7);
	free(b);
}

Test(rejects, neither_a_clean_reject_range_nor_a_lone_reject_is_a_block)
{
	uint8_t clean[] = {OK, REJ, REJ, REJ, OK, SIL, SIL, OK};
	uint8_t lone[] = {OK, SIL, SIL, REJ, SIL, SIL, OK};
	uint8_t reply[] = {OK, REJ, STATUS_REPLY_DROPPED, REJ, OK};
	struct reject_block *b;

	cr_assert_eq(rejects_find(clean, sizeof clean, &b), 0);
	free(b);
	cr_assert_eq(rejects_find(lone, sizeof lone, &b), 0);
	free(b);
	/* A request that arrived was not rejected on the way. */
	cr_assert_eq(rejects_find(reply, sizeof reply, &b), 0);
	free(b);
}

Test(rejects, agentless_silence_counts_too)
{
	uint8_t s[] = {REJ, STATUS_DROPPED, REJ};
	struct reject_block *b;

	cr_assert_eq(rejects_find(s, sizeof s, &b), 1);
	assert_hull(&b[0], 0, 2);
	free(b);
}

/* The truth: ports from..to are rejected. */
struct oracle {
	size_t from, to, probes;
	size_t asked[64];
};

static bool
oracle_probe(void *arg, size_t i)
{
	struct oracle *o = arg;

	o->asked[o->probes++] = i;
	return i >= o->from && i <= o->to;
}

Test(rejects, a_block_rejected_to_its_edges_costs_one_probe_a_side)
{
	struct reject_block b = {0, 999, 100, 900};
	struct oracle o = {0, 999, 0, {0}};

	cr_assert_eq(rejects_extend(&b, oracle_probe, &o, 20), 2);
	assert_hull(&b, 0, 999);
	cr_assert_eq(o.asked[0], 999);
	cr_assert_eq(o.asked[1], 0);
}

Test(rejects, where_rejects_end_is_found_by_halving)
{
	struct reject_block b = {0, 999, 100, 500};
	/* Rejected 100-700; 701-999 silent for another reason. */
	struct oracle o = {100, 700, 0, {0}};

	rejects_extend(&b, oracle_probe, &o, 30);
	assert_hull(&b, 100, 700);
}

Test(rejects, the_budget_bounds_the_probes)
{
	struct reject_block b = {0, 999, 400, 500};
	struct oracle o = {450, 460, 0, {0}};

	cr_assert_eq(rejects_extend(&b, oracle_probe, &o, 3), 3);
	assert_hull(&b, 400, 500);
}
