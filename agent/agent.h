/* The agent's shared state: event base, listeners, sessions, options. */
/* Each agent source file owns one concern and reaches the rest through this
 * struct. */
#ifndef NACL_AGENT_H
#define NACL_AGENT_H

#include <event2/event.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "agent/session.h"
#include "common/auth.h"
#include "common/checkspec.h"
#include "common/netaddr.h"
#include "common/service.h"

struct responder;
struct ratelimit;
struct control_server;
struct halfopen_poller;

/* Defaults of the agent's bounds (see --help). */
#define AGENT_DEFAULT_REPLY_RATE 100000
#define AGENT_DEFAULT_IDLE_SEC 120
/* A control client has this long to authenticate, or to finish a message. */
#define AGENT_CONTROL_DEADLINE_SEC 10

struct agent_options {
	struct sockaddr_storage *listen; /* addresses to listen on */
	size_t nlisten;
	uint16_t control_port;
	struct check_list ports;
	bool open; /* answer without a session key */
	struct auth_key key; /* shared with the probes; empty with --open */
	struct netaddr_cidr *allow; /* who may open sessions; none: anyone */
	size_t nallow;
	size_t max_sessions, max_seen;
	unsigned idle_sec; /* a session without activity this long ends */
	unsigned reply_rate; /* replies per second per source, 0: no limit */
	const char *user; /* drop root to this user after binding */
	struct service_config service; /* NTP stratum and reference */
};

struct agent {
	struct event_base *base;
	struct agent_options options;
	struct session_table sessions;
	struct responder **responders;
	size_t nresponders;
	struct control_server *control;
	struct halfopen_poller *halfopen;
	struct ratelimit *ratelimit;
	struct event *idle_timer;
	uint64_t replies, refused_tokens;
};

/* agent/responder.c: the echo service on one (proto, port, address). */
struct responder *responder_new(struct agent *agent,
				const struct check_spec *check,
				const struct sockaddr *addr, char **cause);
void responder_free(struct responder *r);

/* agent/ratelimit.c: per-source token buckets; rate 0 allows everything.
 * On refusal, *refused is the count to warn about (0: stay quiet). */
struct ratelimit *ratelimit_new(unsigned rate);
void ratelimit_free(struct ratelimit *rl);
bool ratelimit_allow(struct ratelimit *rl, const struct sockaddr *source,
		     uint64_t now_ns, uint64_t *refused);

/* agent/control.c: the control server; -1 with *cause when it cannot bind. */
struct control_server *control_server_new(struct agent *agent, char **cause);
void control_server_free(struct control_server *c);

/* agent/halfopen.c: SYN_RECV entries via sock_diag, attributed to sessions. */
struct halfopen_poller *halfopen_poller_new(struct agent *agent, char **cause);
void halfopen_poller_free(struct halfopen_poller *h);
/* Dumps half-open connections now and records them in matching sessions. */
void halfopen_poll(struct halfopen_poller *h);
/*
 * Drops the half-open connections a new session would otherwise inherit from
 * earlier sweeps of the same ports (their SYN-ACK retries last a minute).
 * Call halfopen_poll() first, so sessions already open keep what is theirs.
 */
void halfopen_forget(struct halfopen_poller *h, const struct session *s);
/* Records a TCP arrival without a session id in every session it matches. */
void agent_record_by_peer(struct agent *agent, uint16_t port,
			  const struct sockaddr *peer);

#endif
