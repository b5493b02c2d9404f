/* From a scenario to a run: the report's targets and checks with their
 * expectations, and each target resolved with its key. */
/* Everything that can be wrong with the file is found here, before a packet
 * leaves. */
#ifndef NACL_PROBE_SCENARIO_PLAN_H
#define NACL_PROBE_SCENARIO_PLAN_H

#include "common/scenario.h"
#include "probe/run.h"
#include "reports/report.h"

/* Command-line flags that override every target of a scenario. */
struct scenario_overrides {
	const char *key_file; /* --key-file: every agent's key */
	const char *bind; /* --bind: every target's source address */
	const char *dns_name; /* --dns-name */
	const char *agent_dns_name; /* defaults when --dns-name is not given */
	const char *target_dns_name;
};

/*
 * Adds s's targets and checks (with their expectations) to r, and fills
 * *targets (malloc'd, *ntargets of them, each run_target_free'd then the
 * array freed) with each target resolved and its key loaded. Returns 0, or
 * -1 with *cause (malloc'd) naming the file, the JSON path or the flag: a
 * usage error.
 */
int scenario_plan(const struct scenario *s, const struct scenario_overrides *o,
		  struct report *r, struct run_target **targets,
		  size_t *ntargets, char **cause);

#endif
