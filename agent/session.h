/* Sessions opened on the control channel and the seen-log each one keeps. */
/* A seen-log holds, per check, bitmaps over the session's source ports
 * (docs/design.md §The seen-log on the wire). */
#ifndef NACL_AGENT_SESSION_H
#define NACL_AGENT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/auth.h"
#include "common/checkspec.h"
#include "common/control.h"
#include "common/portrange.h"
#include "common/seenlog.h"

#define SESSION_DEFAULT_MAX 64
/* 6 checks x 64,512 source ports (1024-65535): a full nightly sweep. */
#define SESSION_DEFAULT_MAX_SEEN (6 * 64512)

struct session {
	uint32_t id;
	void *owner; /* the control connection that opened it */
	struct sockaddr_storage probe_addr; /* as the probe declared it */
	struct sockaddr_storage
		control_peer; /* as the control channel saw it */
	struct check_list ports; /* what it will probe */
	struct range_list sports; /* from which source ports */
	bool keyed; /* probes must carry tokens made with key */
	uint8_t key[AUTH_SESSION_KEY_SIZE];
	/* The seen-log, sized at open from the plan: nothing is truncated. */
	struct seen_report seen;
	/* Counters of the host when it opened, for the losses' deltas. */
	struct seen_losses start;
	uint64_t *overflows_start; /* per check: its sockets' SO_RXQ_OVFL */
	/* Under NAT, the source port the agent saw -> check * nsports +
	 * index + 1, so a captured reply finds its probe (65,536 entries,
	 * made when first needed). */
	uint32_t *nat_map;
	uint64_t requests;
	uint64_t withheld; /* replies the rate limit held back */
	uint64_t not_kept; /* identified requests outside its source ports */
	uint64_t opened_ns; /* monotonic */
};

struct session_table {
	struct session **sessions; /* max slots, NULL when free */
	size_t max, count;
};

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t session_monotonic_ns(void);
/* An empty table of max sessions. */
void session_table_init(struct session_table *t, size_t max);
/* Closes every session and frees the slots. */
void session_table_free(struct session_table *t);
/*
 * A new session with a random nonzero id and an empty seen-log over ports x
 * sports, or NULL when the table is full. key (AUTH_SESSION_KEY_SIZE bytes)
 * makes it keyed; NULL: --open.
 */
struct session *session_open(struct session_table *t, void *owner,
			     const struct sockaddr *probe_addr,
			     const struct sockaddr *control_peer,
			     const struct check_list *ports,
			     const struct range_list *sports,
			     const uint8_t *key);
struct session *session_find(struct session_table *t, uint32_t id);
void session_close(struct session_table *t, struct session *s);
/* Closes every session of owner (its control connection went away). */
void session_close_owner(struct session_table *t, void *owner);
/* Records that an identified request for (proto, port, sport) reached a
 * socket from observed: the socket bit, and the nat bit when observed is not
 * the declared address and sport. */
void session_record(struct session *s, enum proto proto, uint16_t port,
		    uint16_t sport, const struct sockaddr *observed);
/* Records a TCP handshake from peer (accepted or half-open) that carries no
 * request yet: the socket bit of the peer's port. */
void session_record_handshake(struct session *s, uint16_t port,
			      const struct sockaddr *peer);
/* Records a packet the capture saw: wire_in, or wire_out (kept only where
 * wire_in is set, so that a stale retransmission proves nothing). */
void session_record_wire(struct session *s, enum seen_set set, enum proto proto,
			 uint16_t port, uint16_t sport);
/* Does the session probe (proto, port) from this address? For half-open
 * entries, which carry no session id. */
bool session_matches_peer(const struct session *s, enum proto proto,
			  uint16_t port, const struct sockaddr *peer);
/* Is a request that names this session really from it? Checks the token of
 * a keyed session (constant time); an --open session takes any. */
bool session_token_valid(const struct session *s, enum proto proto,
			 uint16_t port, uint16_t sport, uint32_t seq,
			 uint8_t attempt, const uint8_t *token);

#endif
