/* The service table: one row per protocol module, everything the probe, the
 * agent and the parsers need to know about a service. */
/* Adding a service is one file in common/ with its row (struct service_ops)
 * and, in common/service.c, its declaration and its line in the table;
 * nothing else names it. */
#ifndef NACL_SERVICE_H
#define NACL_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/auth.h"
#include "common/proto.h"

/* Replies are never larger than their request plus this (no amplification). */
#define SERVICE_MAX_GROWTH 64
/* Largest request or reply a module handles, framing included. */
#define SERVICE_MAX_MESSAGE 4096

/*
 * A service: its row's index in the table. The first rows have names for
 * the code and tests that mean one of them (SERVICE_ECHO also serves every
 * port no row owns); later rows need none: service_parse finds them.
 */
enum service {
	SERVICE_ECHO,
	SERVICE_DNS,
	SERVICE_NTP,
	SERVICE_HTTP,
};

/* Who a probe is: what every service needs; it rides inside fields the
 * protocol already has. */
struct probe_id {
	uint32_t session; /* 0 when agentless */
	uint32_t seq; /* the sweep's index of (check, source port) */
	uint8_t attempt;
	uint16_t sport; /* as the probe bound it */
	uint16_t dport;
	bool agent; /* an agent answers: expect its identity back */
	/* The target's DNS name (--dns-name): the name asked, sent, or with
	 * an agent the base under which the identity may go. */
	const char *dns_name;
	const char *host; /* the target's address as a URL host ([v6]) */
	uint64_t nonce; /* per attempt, random: the service's to use */
	uint8_t token[AUTH_TOKEN_SIZE]; /* the session's proof, or zeros */
};

enum reply_status {
	REPLY_INCOMPLETE, /* TCP: more bytes may complete it */
	REPLY_MATCH, /* a valid reply to this probe */
	REPLY_INVALID, /* not a reply to this probe */
};

struct reply_info {
	uint16_t observed_port; /* source port the agent saw, 0 unknown */
};

/* What the agent learned from a request. */
struct request_info {
	bool identified; /* carries a probe's identity */
	uint32_t session;
	uint16_t sport; /* as the probe bound it */
	uint32_t seq;
	uint8_t attempt;
	uint8_t token[AUTH_TOKEN_SIZE];
};

enum answer_status {
	ANSWER_INCOMPLETE, /* TCP: read more */
	ANSWER_REPLY, /* *outlen bytes of reply in out */
	ANSWER_INVALID, /* not a request of this protocol: no reply */
};

struct service_config {
	uint8_t ntp_stratum;
	uint32_t ntp_refid; /* network order */
};

struct answer_context {
	const struct sockaddr *peer; /* the source the agent observed */
	const struct service_config *config;
	uint64_t now_ntp; /* NTP timestamp format: seconds << 32 | fraction */
};

/* A destination port a service is the default for. */
struct service_port {
	enum proto proto;
	uint16_t port; /* 0 ends the list */
};

#define SERVICE_MAX_DEFAULT_PORTS 4

/* A row of the table: what the service is and how it is spoken. */
struct service_ops {
	const char *name; /* as in --ports udp/53=dns and in reports */
	bool udp, tcp; /* transports it runs over */
	/* The ports it serves when --ports names no service (udp/53,
	 * tcp/53); no two rows own the same one. */
	struct service_port default_ports[SERVICE_MAX_DEFAULT_PORTS];
	/* TCP: a real server closes after its reply (HTTP with Connection:
	 * close); else the client does (DNS, echo). nacl-agent always does. */
	bool server_closes;
	/* The agent's replies carry the source port it observed, so NAT shows
	 * without its seen-log; else the probe always fetches the seen-log. */
	bool reply_says_observed;
	/* The request of id, TCP framing included; its length, 0 if too big. */
	size_t (*request_encode)(const struct probe_id *id, enum proto proto,
				 uint8_t *buf, size_t size);
	/* Is buf (all bytes so far; eof when the peer closed) id's reply? */
	enum reply_status (*reply_match)(const struct probe_id *id,
					 enum proto proto, const uint8_t *buf,
					 size_t len, bool eof,
					 struct reply_info *info);
	/* Parses a request (all bytes so far) and writes its reply; info gets
	 * the probe's identity when the request carries one. */
	enum answer_status (*request_answer)(enum proto proto,
					     const uint8_t *req, size_t len,
					     const struct answer_context *ctx,
					     struct request_info *info,
					     uint8_t *out, size_t size,
					     size_t *outlen);
};

/* The number of rows; every enum service below it names one. */
size_t service_count(void);
const struct service_ops *service_ops(enum service service);
const char *service_name(enum service service);
/* 0 and *service for a row's name, else -1. */
int service_parse(const char *name, enum service *service);
/* The row that owns proto/port by default, else SERVICE_ECHO. */
enum service service_default(enum proto proto, uint16_t port);
/* "echo, dns, ntp or http": every name, for messages; free it. */
char *service_names_text(void);
/* One line a row for --help: "<indent>dns   udp, tcp; the default for
 * udp/53, tcp/53" (echo: "for other ports"); free it. */
char *service_help_text(const char *indent);

/* A probe's identity packed in binary fields (session, sequence, source
 * port, attempt, token; big-endian), for protocols that carry opaque bytes:
 * the TLS session id, the QUIC connection ID. */
#define SERVICE_IDENTITY_SIZE (4 + 4 + 2 + 1 + AUTH_TOKEN_SIZE)
void service_identity_pack(const struct probe_id *id,
			   uint8_t out[SERVICE_IDENTITY_SIZE]);
/* Marks info identified as the probe's request session/sport/seq/attempt,
 * authenticated by token. */
void service_identity_set(struct request_info *info, uint32_t session,
			  uint16_t sport, uint32_t seq, uint8_t attempt,
			  const uint8_t token[AUTH_TOKEN_SIZE]);
void service_identity_unpack(const uint8_t in[SERVICE_IDENTITY_SIZE],
			     struct request_info *info);

/* n random-looking bytes drawn from *state (splitmix64), which a module
 * seeds with the attempt's nonce so its request is a function of the
 * probe_id: what the probe encodes, its reply matcher can recompute. */
void service_nonce_bytes(uint64_t *state, uint8_t *out, size_t n);

/* The current time as an NTP timestamp (era 0, seconds since 1900). */
uint64_t ntp_now(void);

#endif
