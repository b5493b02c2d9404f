/* Sweeping one target of the plan: per group of checks that share source
 * ports, its agent session, its sweep, the agent's evidence, re-probes, then
 * every port's result as RESULT events. */
/* Targets run one after the other: gentle on the network, simple to read. */
#ifndef NACL_PROBE_TARGET_H
#define NACL_PROBE_TARGET_H

#include <event2/event.h>
#include <stdbool.h>

#include "probe/plan.h"
#include "reports/events.h"

/*
 * Sweeps target index of plan: events to run_bus (RESULT and DONE for
 * every port of its checks, numbered as the report's checks; a progress
 * line on stderr when progress); what was measured of each check and of
 * the path into plan's report. Returns 0, or -1 with *cause (malloc'd): a
 * runtime failure, the agent lost, or the event loop broken by someone else
 * (a signal). A group that stopped still publishes what was settled, the
 * rest of its ports unfinished.
 */
int target_sweep(struct event_base *base, const struct plan *plan, size_t index,
		 struct event_bus *run_bus, bool progress, char **cause);

#endif
