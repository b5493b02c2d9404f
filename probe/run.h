/* Sweeping one target: its agent session, one sweep per set of source ports,
 * the seen-log, the results into the run's report. */
/* Targets run one after the other: gentle on the network, simple to read. */
#ifndef NACL_PROBE_RUN_H
#define NACL_PROBE_RUN_H

#include <event2/event.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/auth.h"
#include "reports/events.h"
#include "reports/report.h"

/* How fast and how patiently every sweep of the run goes. */
struct run_settings {
	unsigned rate; /* attempts per second, 0 = no limit */
	unsigned window;
	unsigned attempts;
	unsigned timeout_ms;
	uint16_t control_sport; /* --control-sport, 0: none */
	bool raw; /* UDP from a raw socket where it can (--engine raw) */
};

/* One target of the run, resolved and with its key loaded. */
struct run_target {
	char *label; /* names it in messages: "198.18.2.1:7455", "app" */
	struct sockaddr_storage address; /* with the control port (agent) */
	bool agent;
	struct sockaddr_storage bind; /* AF_UNSPEC: chosen by routing */
	struct auth_key key; /* empty: none (an --open agent) */
	const char *dns_name;
	size_t report_target; /* its index in the report's targets */
};

/*
 * Sweeps every check of report whose target is t->report_target: one agent
 * session and one sweep per distinct set of source ports, events to
 * run_bus (and a progress line on stderr when progress). Fills those checks'
 * statuses and the target's bind address in report; lowers *rate to the
 * agent's limit. Returns 0, or -1 with *cause (malloc'd): a runtime failure.
 */
int run_target_sweep(struct event_base *base, const struct run_target *t,
		     struct run_settings *settings, struct report *report,
		     struct event_bus *run_bus, bool progress, char **cause);
/* Frees what t holds (not t). */
void run_target_free(struct run_target *t);

#endif
