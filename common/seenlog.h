/* The seen-log: per check of a session, bitmaps over its source ports. */
/* docs/design.md §The seen-log on the wire: base64 bitmaps, index i is
 * range_list_port_at(sports, i); the agent keeps the same form it sends. */
#ifndef NACL_SEENLOG_H
#define NACL_SEENLOG_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/checkspec.h"
#include "common/netaddr.h"

/* 256 checks of 65,536 ports: more than --max-seen allows. */
#define SEEN_MAX_ENTRIES (256u * 65536u)

/* What the agent's evidence rests on. */
enum evidence {
	EVIDENCE_SOCKET, /* its sockets and sock_diag only */
	EVIDENCE_CAPTURE, /* packet capture, and its sockets */
};

const char *evidence_name(enum evidence e);
int evidence_parse(const char *name, enum evidence *e);

enum seen_set {
	SEEN_WIRE_IN, /* arrived at the interface (capture) */
	SEEN_SOCKET, /* reached a socket, or a SYN_RECV entry */
	SEEN_WIRE_OUT, /* the reply or SYN-ACK left the interface (capture) */
	SEEN_NAT, /* seen under another source address or port */
	SEEN_SETS,
};

const char *seen_set_name(enum seen_set set);

/* Counts since the session opened (docs/design.md names each). */
struct seen_losses {
	uint64_t socket_overflows;
	uint64_t listen_overflows;
	uint64_t listen_drops;
	uint64_t syncookies_sent;
	uint64_t capture_drops;
	uint64_t not_kept;
	uint64_t withheld;
};

struct seen_check {
	enum proto proto;
	uint16_t port;
	uint8_t *bits[SEEN_SETS]; /* (nsports + 7) / 8 bytes each */
	uint64_t socket_overflows; /* this check's share of the losses */
};

struct seen_report {
	uint32_t session;
	enum evidence evidence;
	size_t nsports;
	struct seen_check *checks;
	size_t nchecks;
	bool has_nat_sample;
	char nat_addr[NETADDR_STRLEN];
	uint16_t nat_port;
	struct seen_losses losses;
};

/* What a decoder must find: exactly these checks over nsports ports. */
struct seen_expect {
	const struct check_list *checks;
	size_t nsports;
};

/* Empty bitmaps for checks over nsports ports; seen_report_free() it. */
void seen_report_init(struct seen_report *r, const struct check_list *checks,
		      size_t nsports);
void seen_report_free(struct seen_report *r);
/* Clears every bit and the losses. */
void seen_report_clear(struct seen_report *r);
/* Sets bit index of one set of check c; false when out of range. */
bool seen_report_set(struct seen_report *r, size_t check, enum seen_set set,
		     size_t index);
bool seen_report_get(const struct seen_report *r, size_t check,
		     enum seen_set set, size_t index);

/* How many bits of set are on, over every check. */
size_t seen_report_count(const struct seen_report *r, enum seen_set set);

/* The "seen" message's members (not "v" and "type") added to msg. */
void seen_report_to_json(const struct seen_report *r, cJSON *msg);
/*
 * Reads the members of a "seen" message. With expect, the report must hold
 * exactly its checks (put in its order) over its nsports; without, what the
 * message declares is taken (bounded by SEEN_MAX_ENTRIES). Returns 0, or -1
 * with *cause (malloc'd) naming the member and what is accepted; *r is then
 * empty.
 */
int seen_report_from_json(const cJSON *msg, const struct seen_expect *expect,
			  struct seen_report *r, char **cause);

#endif
