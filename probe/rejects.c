/* Blocks of rejected ports that a rate-limited ICMP shattered: rejects
 * interleaved with silence where no request reached the agent. */
/* The block is reported as one rejected range from its outermost rejected
 * port to the other; ports outside stay as they were measured. */
#include "probe/rejects.h"

#include <stdlib.h>

#include "common/xmalloc.h"

bool
rejects_silent(enum probe_status status)
{
	return status == STATUS_REQUEST_DROPPED || status == STATUS_DROPPED;
}

static bool
rejects_member(uint8_t status)
{
	return status == STATUS_REJECTED ||
	       rejects_silent((enum probe_status)status);
}

size_t
rejects_find(const uint8_t *statuses, size_t n, struct reject_block **blocks)
{
	struct reject_block *out = NULL;
	size_t i = 0, count = 0, from, first, last, rejected;
	bool silent_inside;

	while (i < n) {
		if (!rejects_member(statuses[i])) {
			i++;
			continue;
		}
		from = i;
		first = last = SIZE_MAX;
		rejected = 0;
		silent_inside = false;
		for (; i < n && rejects_member(statuses[i]); i++) {
			if (statuses[i] != STATUS_REJECTED)
				continue;
			if (first == SIZE_MAX)
				first = i;
			else if (i > last + 1)
				silent_inside = true;
			last = i;
			rejected++;
		}
		if (rejected < 2 || !silent_inside)
			continue;
		out = xreallocarray(out, count + 1, sizeof *out);
		out[count++] = (struct reject_block){from, i - 1, first, last};
	}
	*blocks = out;
	return count;
}

/* Between the hull's edge `hull` and the block's edge `edge` (step +1 or
 * -1 from the hull outward), finds how far rejects reach. */
static size_t
rejects_extend_side(size_t hull, size_t edge, int step,
		    bool (*probe)(void *arg, size_t i), void *arg,
		    size_t *budget)
{
	size_t lo = hull, hi = edge, mid;

	if (hull == edge || *budget == 0)
		return hull;
	(*budget)--;
	if (probe(arg, edge))
		return edge;
	/* Rejects end somewhere in (lo, hi): halve, silence moving hi in. */
	for (;;) {
		size_t span = step > 0 ? hi - lo : lo - hi;

		if (span <= 1 || *budget == 0)
			return lo;
		mid = step > 0 ? lo + span / 2 : lo - span / 2;
		(*budget)--;
		if (probe(arg, mid))
			lo = mid;
		else
			hi = mid;
	}
}

size_t
rejects_extend(struct reject_block *b, bool (*probe)(void *arg, size_t i),
	       void *arg, size_t budget)
{
	size_t start = budget;

	b->hull_to =
		rejects_extend_side(b->hull_to, b->to, 1, probe, arg, &budget);
	b->hull_from = rejects_extend_side(b->hull_from, b->from, -1, probe,
					   arg, &budget);
	return start - budget;
}
