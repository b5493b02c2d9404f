/* Sessions opened on the control channel and the seen-log each one keeps. */
/* A seen-log maps (proto, port, probe's source port) to what arrived and from
 * where. */
#ifndef NACL_AGENT_SESSION_H
#define NACL_AGENT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/checkspec.h"
#include "common/control.h"

/* Bounds: issue 6 makes them options; until then they are fixed. */
#define SESSION_MAX 64
#define SESSION_MAX_SEEN (1u << 20)

struct seen_record {
	uint64_t key; /* proto << 32 | port << 16 | sport */
	struct sockaddr_storage observed;
	uint32_t count;
};

struct session {
	uint32_t id;
	void *owner; /* the control connection that opened it */
	struct sockaddr_storage probe_addr; /* as the probe declared it */
	struct sockaddr_storage
		control_peer; /* as the control channel saw it */
	struct check_list ports; /* what it will probe */
	struct seen_record *records;
	size_t nrecords, records_alloc;
	uint32_t *index; /* open addressing into records, 0 = empty */
	size_t index_size;
	bool truncated; /* SESSION_MAX_SEEN reached */
	uint64_t requests;
};

struct session_table {
	struct session *sessions[SESSION_MAX];
	size_t count;
};

/* A new session with a random nonzero id, or NULL when the table is full. */
struct session *session_open(struct session_table *t, void *owner,
			     const struct sockaddr *probe_addr,
			     const struct sockaddr *control_peer,
			     const struct check_list *ports);
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

#endif
