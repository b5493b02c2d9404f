/* The outcome of one (protocol, port, source port), as docs/design.md names
 * them. */
/* Shared by the probe (which decides) and the reporter (which renders);
 * beside them, what a scenario expects the ports to show. */
#ifndef NACL_STATUS_H
#define NACL_STATUS_H

#include <stdint.h>

enum probe_status {
	STATUS_OK,
	STATUS_REPLY_DROPPED,
	STATUS_REQUEST_DROPPED,
	STATUS_DROPPED,
	STATUS_REJECTED,
	STATUS_LOCAL_ERROR,
	/* Reached the agent host's interface, never its socket, with no queue
	 * overflow to blame: the host's own firewall. No NACL fix. */
	STATUS_HOST_DROPPED,
	/* The run ended (agent lost, interrupted) before the port's outcome
	 * was known: only in a partial report; meets no expectation. */
	STATUS_UNFINISHED,
	STATUS_COUNT,
};

const char *status_name(enum probe_status status);
/* Returns 0 and sets *status, or -1 for an unknown name. */
int status_parse(const char *name, enum probe_status *status);
/* A silent drop in one of its four forms. */
int status_is_drop(enum probe_status status);
/* Nothing was measured there: local_error or unfinished. */
int status_is_unmeasured(enum probe_status status);

/* What the ports of a check must show (docs/design.md statuses). */
enum expectation {
	EXPECT_OPEN, /* every port ok */
	EXPECT_BLOCKED, /* any status but ok and local_error */
	EXPECT_DROPPED, /* reply_dropped, request_dropped or dropped */
	EXPECT_REJECTED, /* rejected */
	EXPECT_COUNT,
};

const char *expectation_name(enum expectation e);
/* Returns 0 and sets *e, or -1 for an unknown name. */
int expectation_parse(const char *name, enum expectation *e);
/* "open, blocked, dropped or rejected" */
const char *expectation_names(void);

/* Source ports from-to must show expect. */
struct expect_range {
	uint16_t from;
	uint16_t to; /* inclusive */
	enum expectation expect;
};

#endif
