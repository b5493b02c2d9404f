/* The in-memory report: per-port statuses merged into ranges, verdicts. */
/* Every verdict is decided in report_check_passes, where it can grow. */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nchecks; i++) {
		range_list_free(&r->checks[i].sports);
		free(r->checks[i].ranges);
	}
	free(r->checks);
	free(r->started_at);
	free(r->finished_at);
	free(r->probe_bind);
	free(r->target_address);
	memset(r, 0, sizeof *r);
}

struct report_check *
report_add_check(struct report *r, enum proto proto, uint16_t port,
		 enum service service, const struct range_list *sports)
{
	struct report_check *c;

	r->checks = xreallocarray(r->checks, r->nchecks + 1, sizeof *r->checks);
	c = &r->checks[r->nchecks++];
	memset(c, 0, sizeof *c);
	c->proto = proto;
	c->port = port;
	c->service = service;
	range_list_copy(&c->sports, sports);
	return c;
}

bool
report_check_passes(const struct report_check *c)
{
	return c->counts[STATUS_OK] == range_list_size(&c->sports);
}

void
report_check_set_statuses(struct report_check *c, const uint8_t *statuses)
{
	size_t i, index = 0, nranges = 0;
	uint32_t port;

	free(c->ranges);
	c->ranges = NULL;
	c->nranges = 0;
	memset(c->counts, 0, sizeof c->counts);
	/* Room for the worst case (every port differs), shrunk afterwards. */
	c->ranges = xreallocarray(NULL, range_list_size(&c->sports),
				  sizeof *c->ranges);
	/* Walk each sports range on its own: a status range never spans a gap.
	 */
	for (i = 0; i < c->sports.count; i++) {
		const struct port_range *sr = &c->sports.ranges[i];
		struct status_range *last = NULL;

		for (port = sr->from; port <= sr->to; port++, index++) {
			enum probe_status s = statuses[index] < STATUS_COUNT
						      ? statuses[index]
						      : STATUS_LOCAL_ERROR;

			c->counts[s]++;
			if (last != NULL && last->status == s) {
				last->to = (uint16_t)port;
				continue;
			}
			last = &c->ranges[nranges++];
			last->from = (uint16_t)port;
			last->to = (uint16_t)port;
			last->status = s;
		}
	}
	c->ranges = xreallocarray(c->ranges, nranges, sizeof *c->ranges);
	c->nranges = nranges;
	c->pass = report_check_passes(c);
}

void
report_finish(struct report *r)
{
	size_t i;

	r->probes = 0;
	r->pass = true;
	for (i = 0; i < r->nchecks; i++) {
		r->probes += range_list_size(&r->checks[i].sports);
		if (!r->checks[i].pass)
			r->pass = false;
	}
}

int
report_exit_code(const struct report *r)
{
	return r->pass ? 0 : 1;
}
