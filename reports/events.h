/* Sweep events and the bus that hands them to subscribers (progress, JSON
 * lines, aggregator). */
/* Publishers fill a struct sweep_event; subscribers never see a socket. */
#ifndef NACL_EVENTS_H
#define NACL_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/checkspec.h"
#include "common/status.h"
#include "reports/report.h"

enum sweep_event_type {
	SWEEP_EVENT_START, /* planned set */
	SWEEP_EVENT_SENT, /* one attempt left */
	SWEEP_EVENT_REPLY, /* a valid reply came back (rtt_ms) */
	SWEEP_EVENT_TIMEOUT, /* an attempt got no reply in time */
	SWEEP_EVENT_REJECTED, /* RST or ICMP unreachable (error = errno) */
	SWEEP_EVENT_ERROR, /* local failure, e.g. bind (error = errno) */
	SWEEP_EVENT_RESULT, /* the final status of one source port */
	SWEEP_EVENT_DONE, /* the sweep is over; results all published */
};

struct sweep_event {
	enum sweep_event_type type;
	double elapsed; /* seconds since the sweep started */
	size_t check; /* index into the report's checks */
	enum proto proto;
	uint16_t port;
	uint16_t sport;
	unsigned attempt; /* 1-based */
	double rtt_ms;
	int error;
	enum probe_status status; /* RESULT */
	bool nat_translated; /* RESULT: agent saw another source port */
	uint16_t observed_port; /* RESULT: source port the agent saw, 0 if none
				 */
	/* Running totals for progress displays. */
	size_t planned; /* source ports to probe, all checks */
	size_t sent; /* attempts sent so far */
	size_t answered; /* ports with a reply so far */
	size_t finished; /* ports whose outcome is known so far */
};

typedef void (*event_handler)(const struct sweep_event *ev, void *arg);

struct event_subscriber {
	event_handler handle;
	void (*free)(void *arg);
	void *arg;
};

struct event_bus {
	struct event_subscriber *subscribers;
	size_t count;
};

void event_bus_subscribe(struct event_bus *bus, event_handler handle,
			 void (*free_arg)(void *arg), void *arg);
void event_bus_publish(struct event_bus *bus, const struct sweep_event *ev);
/* Calls each subscriber's free, then releases the list. */
void event_bus_free(struct event_bus *bus);

/*
 * Subscribers. Each *_subscribe registers itself on bus; the bus owns the
 * state and frees it in event_bus_free.
 */
/* A progress line on out (meant for a terminal): sent, answered, rate, ETA. */
void progress_subscribe(struct event_bus *bus, FILE *out);
/* What every line of the events file carries besides the event. */
struct events_context {
	const char *target; /* the target being swept; the caller changes it
			       between targets; NULL: none */
	/* Wall-clock seconds since the epoch; NULL: the real clock. */
	double (*now)(void);
};
/*
 * One JSON object per line, flushed as results happen; "-" is standard
 * output. With ctx (which must outlive the bus) each line carries "time"
 * (RFC 3339, UTC, milliseconds) and "target". -1 with *cause.
 */
int events_file_subscribe(struct event_bus *bus, const char *path,
			  const struct events_context *ctx, char **cause);
/*
 * Fills report (whose checks are already added) from RESULT events, one
 * aggregator for a whole run: on each DONE, the checks that got results
 * since write their ranges, counts, nat and verdict (their ports never
 * given a result count as local_error); the caller calls report_finish.
 */
void aggregator_subscribe(struct event_bus *bus, struct report *report);

#endif
