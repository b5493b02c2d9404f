/* Protocol modules: encode a request, match its reply, answer a request. */
/* One table (common/service.c) lists them; adding a protocol is one file and
 * one entry. */
#ifndef NACL_SERVICE_H
#define NACL_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/auth.h"
#include "common/checkspec.h"

/* Replies are never larger than their request plus this (no amplification). */
#define SERVICE_MAX_GROWTH 64
/* Largest request or reply a module handles, framing included. */
#define SERVICE_MAX_MESSAGE 4096

/* Who a probe is: rides inside fields the protocol already has. */
struct probe_id {
	uint32_t session; /* 0 when agentless */
	uint32_t seq; /* the sweep's index of (check, source port) */
	uint8_t attempt;
	uint16_t sport; /* as the probe bound it */
	uint16_t dport;
	bool agent; /* an agent answers: expect its identity back */
	const char *dns_name; /* DNS: the name asked (agentless) or its base */
	const char *host; /* HTTP: the Host header */
	uint64_t nonce; /* per attempt, for fields real servers echo */
	uint64_t now_ntp; /* NTP: the time to put in the request */
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

struct service_ops {
	enum service service;
	const char *name;
	bool udp, tcp; /* transports it runs over */
	/* TCP: a real server closes after its reply (HTTP with Connection:
	 * close); else the client does (DNS, echo). nacl-agent always does. */
	bool server_closes;
	/* The request of id, TCP framing included; its length, 0 if too big. */
	size_t (*request_encode)(const struct probe_id *id, enum proto proto,
				 uint8_t *buf, size_t size);
	/* Is buf (all bytes so far; eof when the peer closed) id's reply? */
	enum reply_status (*reply_match)(const struct probe_id *id,
					 enum proto proto, const uint8_t *buf,
					 size_t len, bool eof,
					 struct reply_info *info);
	/* Parses a request (all bytes so far) and writes its reply. */
	enum answer_status (*request_answer)(enum proto proto,
					     const uint8_t *req, size_t len,
					     const struct answer_context *ctx,
					     struct request_info *info,
					     uint8_t *out, size_t size,
					     size_t *outlen);
};

const struct service_ops *service_ops(enum service service);
/* Does the check's service run over its protocol? -1 with *cause if not. */
int service_check_transport(const struct check_spec *check, char **cause);

extern const struct service_ops echo_service;
extern const struct service_ops dns_service;
extern const struct service_ops ntp_service;
extern const struct service_ops http_service;

/* The current time as an NTP timestamp (era 0, seconds since 1900). */
uint64_t ntp_now(void);

#endif
