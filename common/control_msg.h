/* The control channel's messages as typed structs, encoded and decoded once. */
/* docs/design.md §Control channel, protocol version 2: both programs build
 * and read every message here; nothing is hand-built elsewhere. */
#ifndef NACL_CONTROL_MSG_H
#define NACL_CONTROL_MSG_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/auth.h"
#include "common/checkspec.h"
#include "common/netaddr.h"
#include "common/portrange.h"
#include "common/seenlog.h"

#define CONTROL_NAME_MAX 64
#define CONTROL_NOTE_MAX 256
#define CONTROL_DEFAULT_KEEPALIVE_MS 1000
/* The agent ends a session whose connection stayed silent this many
 * keepalive intervals; the probe waits as long while the path is out. */
#define CONTROL_KEEPALIVE_MISSES 10

/* Who sent a message: "hello" and "seen" differ by side. */
enum control_side {
	CONTROL_FROM_PROBE,
	CONTROL_FROM_AGENT,
};

enum control_msg_type {
	CONTROL_MSG_HELLO, /* probe: client, nonce when keyed */
	CONTROL_MSG_AGENT_HELLO, /* agent: agent, auth, nonce, proof */
	CONTROL_MSG_AUTH,
	CONTROL_MSG_AUTHENTICATED,
	CONTROL_MSG_OPEN,
	CONTROL_MSG_OPENED,
	CONTROL_MSG_PING,
	CONTROL_MSG_PONG,
	CONTROL_MSG_SEEN_QUERY, /* probe: seen {session} */
	CONTROL_MSG_SEEN, /* agent: the seen-log */
	CONTROL_MSG_CLOSE,
	CONTROL_MSG_CLOSED,
	CONTROL_MSG_ERROR,
	CONTROL_MSG_COUNT,
};

struct control_hello {
	char client[CONTROL_NAME_MAX];
	bool keyed; /* nonce present */
	uint8_t nonce[AUTH_NONCE_SIZE];
};

struct control_agent_hello {
	char agent[CONTROL_NAME_MAX];
	bool open; /* auth "open"; else "hmac-sha256" with nonce and proof */
	uint8_t nonce[AUTH_NONCE_SIZE];
	uint8_t proof[AUTH_PROOF_SIZE];
	uint32_t max_rate;
};

struct control_open {
	char probe_addr[NETADDR_STRLEN];
	struct check_list ports; /* services: the defaults; the agent's rule */
	struct range_list sports;
	uint64_t planned; /* (check, source port) pairs to send */
	uint32_t keepalive_ms;
};

struct control_opened {
	uint32_t session;
	bool keyed;
	uint32_t max_rate;
	uint64_t max_seen;
	enum evidence evidence;
	char evidence_note[CONTROL_NOTE_MAX]; /* why socket; empty else */
	uint32_t listen_backlog, syn_backlog;
	uint32_t syncookies; /* net.ipv4.tcp_syncookies: 0, 1 or 2 */
};

struct control_msg {
	enum control_msg_type type;
	union {
		struct control_hello hello;
		struct control_agent_hello agent_hello;
		uint8_t proof[AUTH_PROOF_SIZE]; /* auth */
		struct control_open open;
		struct control_opened opened;
		uint64_t t; /* ping, pong: the sender's monotonic ms */
		uint32_t session; /* seen query, close, closed */
		struct seen_report seen;
		char *error; /* malloc'd */
	} u;
};

/* The wire name of a type ("hello" for both hellos). */
const char *control_msg_type_name(enum control_msg_type type);
/* Frees what the message holds (not msg); the type stays. */
void control_msg_free(struct control_msg *msg);
/* The JSON object of msg ("v", "type" and members); cJSON_Delete it. */
cJSON *control_msg_to_json(const struct control_msg *msg);
/* Framed: a 4-byte length and the JSON; free() it. NULL with *cause when
 * over CONTROL_MAX_MESSAGE. */
uint8_t *control_msg_encode(const struct control_msg *msg, size_t *len,
			    char **cause);
/*
 * Reads a decoded frame (control_frame_decode) sent by from into *msg,
 * every member checked. expect, for a "seen" from the agent, gives the
 * session's checks and source-port count (NULL: what it declares). Returns
 * 0, or -1 with *cause (malloc'd) naming the message, the member and what
 * is accepted; *msg then holds nothing to free.
 */
int control_msg_from_json(const cJSON *json, enum control_side from,
			  const struct seen_expect *expect,
			  struct control_msg *msg, char **cause);
/* An error message, text copied. */
void control_msg_error(struct control_msg *msg, const char *text);

#endif
