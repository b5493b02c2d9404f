/* The outcome of one (protocol, port, source port), as DESIGN.md names them. */
/* Shared by the probe (which decides) and the reporter (which renders). */
#ifndef NACL_STATUS_H
#define NACL_STATUS_H

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
	STATUS_COUNT,
};

const char *status_name(enum probe_status status);
/* Returns 0 and sets *status, or -1 for an unknown name. */
int status_parse(const char *name, enum probe_status *status);
/* A silent drop in one of its four forms. */
int status_is_drop(enum probe_status status);

#endif
