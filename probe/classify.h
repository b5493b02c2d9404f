/* Classification: a port's attempt outcomes and the agent's evidence into one
 * status and the reason for it (docs/design.md §Evidence rules). */
/* Pure: losses are plain inputs, so a second, slower pass can classify again
 * with the losses of that pass. */
#ifndef NACL_PROBE_CLASSIFY_H
#define NACL_PROBE_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/checkspec.h"
#include "common/seenlog.h"
#include "common/status.h"

enum classify_reason {
	CLASSIFY_ANSWERED, /* ok: a valid reply */
	CLASSIFY_HANDSHAKE, /* ok: a TCP handshake, the service silent */
	CLASSIFY_REFUSED, /* rejected: RST or ICMP unreachable */
	CLASSIFY_NOT_SENT, /* local_error: nothing left this host */
	CLASSIFY_NO_AGENT, /* dropped: no agent to tell the direction */
	CLASSIFY_REPLY_LEFT, /* reply_dropped: the reply was seen leaving */
	CLASSIFY_REACHED_SOCKET, /* reply_dropped: the request reached it */
	CLASSIFY_HOST_KEPT, /* host_dropped: arrived, no reply left */
	CLASSIFY_NOT_ARRIVED, /* request_dropped: the agent never saw it */
	CLASSIFY_EVIDENCE_LOST, /* dropped: the agent lost evidence */
	CLASSIFY_REPLY_WITHHELD, /* dropped: the agent held replies back */
	CLASSIFY_REASON_COUNT,
};

/* One port of one check: what the sweep saw and what the agent says. */
struct classify_input {
	uint8_t flags; /* the sweep's PORT_* */
	bool agent;
	enum evidence evidence;
	enum proto proto;
	bool wire_in, socket, wire_out; /* the port's seen-log bits */
	/* Since the session (or the pass) began; socket_overflows is this
	 * check's own. */
	struct seen_losses losses;
};

struct classify_result {
	enum probe_status status;
	enum classify_reason reason;
};

struct classify_result classify_port(const struct classify_input *in);
/* A sentence for the reports: why the port has its status. */
const char *classify_reason_text(enum classify_reason reason);
/* A short stable name: "evidence_lost", ... */
const char *classify_reason_name(enum classify_reason reason);

#endif
