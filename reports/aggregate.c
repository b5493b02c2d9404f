/* The aggregator: RESULT events into one status per port, ranges at DONE. */
/* One for a whole run: at each DONE (a sweep's end) the checks that got
 * results since write their ranges, and a port of theirs never given one
 * becomes local_error; other checks wait for theirs. */
#include "reports/events.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

#define AGGREGATE_UNSET 0x7f /* no RESULT yet */
#define AGGREGATE_NAT 0x80 /* the agent saw another source port */
#define AGGREGATE_STATUS 0x7f

struct aggregator {
	struct report *report;
	uint8_t **ports; /* per check, per port: status | AGGREGATE_NAT */
	bool *touched; /* per check: results since the last DONE */
	size_t nchecks;
};

static void
aggregator_allocate(struct aggregator *a)
{
	size_t i, n;

	if (a->ports != NULL)
		return;
	a->nchecks = a->report->nchecks;
	a->ports = xcalloc(a->nchecks ? a->nchecks : 1, sizeof *a->ports);
	a->touched = xcalloc(a->nchecks ? a->nchecks : 1, sizeof *a->touched);
	for (i = 0; i < a->nchecks; i++) {
		n = range_list_size(&a->report->checks[i].sports);
		a->ports[i] = xmalloc(n);
		memset(a->ports[i], AGGREGATE_UNSET, n);
	}
}

static void
aggregator_result(struct aggregator *a, const struct sweep_event *ev)
{
	size_t index;

	if (ev->check >= a->nchecks || (unsigned)ev->status >= STATUS_COUNT)
		return;
	index = range_list_index(&a->report->checks[ev->check].sports,
				 ev->sport);
	if (index == SIZE_MAX)
		return;
	a->ports[ev->check][index] =
		(uint8_t)(ev->status |
			  (ev->nat_translated ? AGGREGATE_NAT : 0));
	a->touched[ev->check] = true;
}

static void
aggregator_done(struct aggregator *a)
{
	size_t i, j, n;

	for (i = 0; i < a->nchecks; i++) {
		struct report_check *c = &a->report->checks[i];
		uint8_t *statuses;

		if (!a->touched[i])
			continue;
		a->touched[i] = false;
		n = range_list_size(&c->sports);
		statuses = xmalloc(n);
		c->nat_translated = 0;
		for (j = 0; j < n; j++) {
			uint8_t s = a->ports[i][j] & AGGREGATE_STATUS;

			statuses[j] =
				s == AGGREGATE_UNSET ? STATUS_LOCAL_ERROR : s;
			if (a->ports[i][j] & AGGREGATE_NAT)
				c->nat_translated++;
		}
		report_check_set_statuses(c, statuses);
		free(statuses);
	}
}

static void
aggregator_event_callback(const struct sweep_event *ev, void *arg)
{
	struct aggregator *a = arg;

	switch (ev->type) {
	case SWEEP_EVENT_START:
		aggregator_allocate(a);
		break;
	case SWEEP_EVENT_RESULT:
		aggregator_allocate(a);
		aggregator_result(a, ev);
		break;
	case SWEEP_EVENT_DONE:
		aggregator_allocate(a);
		aggregator_done(a);
		break;
	default:
		break;
	}
}

static void
aggregator_free(void *arg)
{
	struct aggregator *a = arg;
	size_t i;

	for (i = 0; i < a->nchecks; i++)
		free(a->ports[i]);
	free(a->ports);
	free(a->touched);
	free(a);
}

void
aggregator_subscribe(struct event_bus *bus, struct report *report)
{
	struct aggregator *a = xcalloc(1, sizeof *a);

	a->report = report;
	event_bus_subscribe(bus, aggregator_event_callback, aggregator_free, a);
}
