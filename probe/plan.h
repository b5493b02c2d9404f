/* The plan of a run, built once before the first probe: the targets resolved
 * with their keys, the checks and what each must show, the groups of checks
 * that share source ports, the settings. */
/* The command line is lowered to a one-target scenario, so both take one
 * path; everything that can be wrong with them is found here (exit 2). */
#ifndef NACL_PROBE_PLAN_H
#define NACL_PROBE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/auth.h"
#include "reports/report.h"

/* Agentless DNS asks a name every resolver can answer. */
#define PLAN_DEFAULT_DNS_NAME "example.com"
/* With an agent the identity label goes under this name. */
#define PLAN_AGENT_DNS_BASE "nacl-probe.test"

/* How fast and how patiently every sweep of the run goes. */
struct plan_settings {
	unsigned rate; /* attempts per second, 0 = no limit */
	unsigned window;
	unsigned attempts;
	unsigned timeout_ms;
	uint16_t control_sport; /* --control-sport, 0: none */
	unsigned max_conntrack; /* --max-conntrack: TCP in flight, 0: none */
	bool raw; /* UDP from a raw socket where it can (--engine raw) */
};

/* Checks of one target that share their source ports: one sweep. */
struct plan_group {
	size_t *checks; /* indices into the report's checks */
	size_t nchecks;
};

/* One target of the run, resolved and with its key loaded. */
struct plan_target {
	char *label; /* names it in messages: "198.18.2.1:7455", "app (...)" */
	struct sockaddr_storage address; /* with the control port (agent) */
	bool agent;
	struct sockaddr_storage bind; /* AF_UNSPEC: chosen by routing */
	struct auth_key key; /* empty: none (an --open agent) */
	const char *dns_name;
	size_t report_target; /* its index in the report's targets */
	struct plan_group *groups;
	size_t ngroups;
};

struct plan {
	struct plan_target *targets;
	size_t ntargets;
	struct plan_settings settings;
	/* The report to fill: targets and checks with their expectations. */
	struct report *report;
};

/* What the command line asks (NULL or false: not given). */
struct plan_request {
	const char *agent; /* --agent HOST[:PORT] */
	const char *target; /* --target HOST */
	const char *scenario; /* --scenario FILE */
	const char *ports; /* --ports SPEC (always set: a default) */
	const char *sports; /* --sports RANGES (always set: a default) */
	bool sports_set;
	const char *bind;
	const char *key_file;
	const char *dns_name;
	/* The settings given; a scenario's own apply where not set. */
	struct plan_settings settings;
	bool rate_set, window_set, attempts_set, timeout_set;
};

enum plan_error {
	PLAN_OK,
	PLAN_USAGE, /* a flag is wrong: *cause names it */
	PLAN_SCENARIO, /* the scenario file is wrong: *cause names it */
};

/*
 * Builds the plan of request into p, its targets and checks into report
 * (which p keeps). On an error, *cause (malloc'd) names the flag, the file
 * and JSON path, or the address, and what is accepted.
 */
enum plan_error plan_build(struct plan *p, const struct plan_request *request,
			   struct report *report, char **cause);
/* Frees what p holds (not the report, nor p). */
void plan_free(struct plan *p);
/* Source ports summed over the checks: what the run will sweep. */
size_t plan_ports(const struct plan *p);

#endif
