/* Which client families of docs/design.md's port table a range hits. */
/* A pure function, so renderers and tests share the exact wording. */
#include "reports/report.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/xmalloc.h"

static const struct impact_family impact_families[] = {
	{"Linux", 32768, 60999},	  {"Linux (legacy)", 32768, 61000},
	{"Windows Vista+", 49152, 65535}, {"Windows XP/2003", 1025, 5000},
	{"NAT gateway/ELB", 1024, 65535},
};

#define IMPACT_NFAMILIES (sizeof impact_families / sizeof *impact_families)

const struct impact_family *
report_impact_families(size_t *count)
{
	*count = IMPACT_NFAMILIES;
	return impact_families;
}

struct impact_hit {
	const struct impact_family *family;
	unsigned overlap;
	unsigned size;
	unsigned permille; /* share of the family's range, rounded */
};

/* Highest share first; equal rounded shares keep the table's order. */
static int
impact_hit_compare(const void *a, const void *b)
{
	const struct impact_hit *x = a, *y = b;

	if (x->permille != y->permille)
		return x->permille > y->permille ? -1 : 1;
	return (x->family > y->family) - (x->family < y->family);
}

static void
impact_format_share(const struct impact_hit *hit, char *buf, size_t size)
{
	if (hit->overlap == hit->size)
		snprintf(buf, size, "100%%");
	else if (hit->permille == 0)
		snprintf(buf, size, "<0.1%%");
	else
		snprintf(buf, size, "%u.%u%%", hit->permille / 10,
			 hit->permille % 10);
}

char *
report_impact_describe(uint16_t from, uint16_t to)
{
	struct impact_hit hits[IMPACT_NFAMILIES];
	size_t i, nhits = 0;
	char *out, share[16];

	for (i = 0; i < IMPACT_NFAMILIES; i++) {
		const struct impact_family *f = &impact_families[i];
		unsigned lo = from > f->from ? from : f->from;
		unsigned hi = to < f->to ? to : f->to;
		struct impact_hit *hit;

		if (from > to || lo > hi)
			continue;
		hit = &hits[nhits++];
		hit->family = f;
		hit->overlap = hi - lo + 1;
		hit->size = (unsigned)f->to - f->from + 1;
		hit->permille =
			(hit->overlap * 2000u + hit->size) / (2u * hit->size);
		/* Never round a partial hit up to the whole range. */
		if (hit->overlap < hit->size && hit->permille == 1000)
			hit->permille = 999;
	}
	if (nhits == 0)
		return xstrdup("hits no common client range");
	qsort(hits, nhits, sizeof *hits, impact_hit_compare);
	impact_format_share(&hits[0], share, sizeof share);
	out = xasprintf("hits %s clients (%s of their range)",
			hits[0].family->name, share);
	for (i = 1; i < nhits; i++) {
		impact_format_share(&hits[i], share, sizeof share);
		xappendf(&out, ", %s %s", hits[i].family->name, share);
	}
	return out;
}
