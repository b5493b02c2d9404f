/* Sessions opened on the control channel and the seen-log each one keeps. */
/* A seen-log maps (proto, port, probe's source port) to what arrived and from
 * where. */
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

#define SESSION_DEFAULT_MAX 64
#define SESSION_DEFAULT_MAX_SEEN 262144

/* 32 bytes: a 193,536-probe sweep's log stays near 8 MiB with its index. */
struct seen_record {
	uint64_t key; /* proto << 32 | port << 16 | sport */
	uint8_t addr[16];
	uint16_t observed_port;
	uint8_t family; /* AF_INET or AF_INET6 */
	uint32_t count; /* identified requests; 0: a handshake only */
};

struct session {
	uint32_t id;
	void *owner; /* the control connection that opened it */
	struct sockaddr_storage probe_addr; /* as the probe declared it */
	struct sockaddr_storage
		control_peer; /* as the control channel saw it */
	struct check_list ports; /* what it will probe */
	struct range_list sports; /* from which source ports; empty: any */
	bool keyed; /* probes must carry tokens made with key */
	uint8_t key[AUTH_SESSION_KEY_SIZE];
	struct seen_record *records;
	size_t nrecords, records_alloc, max_seen;
	uint32_t *index; /* open addressing into records, 0 = empty */
	size_t index_size;
	bool truncated; /* max_seen reached */
	uint64_t requests;
	uint64_t withheld; /* replies the rate limit held back */
	uint64_t opened_ns, active_ns; /* monotonic: opened, last activity */
};

struct session_table {
	struct session **sessions; /* max slots, NULL when free */
	size_t max, count;
	size_t max_seen; /* per session */
};

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t session_monotonic_ns(void);
/* An empty table of max sessions, each logging at most max_seen entries. */
void session_table_init(struct session_table *t, size_t max, size_t max_seen);
/* Closes every session and frees the slots. */
void session_table_free(struct session_table *t);
/*
 * A new session with a random nonzero id, or NULL when the table is full.
 * key (AUTH_SESSION_KEY_SIZE bytes) makes it keyed; NULL: --open.
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
/* Records that a request for (proto, port, sport) arrived from observed. */
void session_record(struct session *s, enum proto proto, uint16_t port,
		    uint16_t sport, const struct sockaddr *observed);
/* Records a TCP handshake from peer (accepted or half-open) that carries no
 * request yet: the port was reached; its count stays as it is. */
void session_record_handshake(struct session *s, uint16_t port,
			      const struct sockaddr *peer);
/* Does the session probe (proto, port) from this address? For half-open
 * entries, which carry no session id. */
bool session_matches_peer(const struct session *s, enum proto proto,
			  uint16_t port, const struct sockaddr *peer);
void session_entry(const struct session *s, size_t i, struct seen_entry *e);
/* Is a request that names this session really from it? Checks the token of
 * a keyed session (constant time); an --open session takes any. */
bool session_token_valid(const struct session *s, enum proto proto,
			 uint16_t port, uint16_t sport, uint32_t seq,
			 uint8_t attempt, const uint8_t *token);

#endif
