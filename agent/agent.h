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
struct capture;

/* Defaults of the agent's bounds (see --help). */
#define AGENT_DEFAULT_REPLY_RATE 100000
/* Silence allowed on a control connection (--idle-timeout). */
#define AGENT_DEFAULT_IDLE_SEC 120
/* An authenticated client has this long to finish a message it began. */
#define AGENT_CONTROL_DEADLINE_SEC 10
/*
 * Unauthenticated control connections: past 64 from one source address
 * the oldest of them that has said nothing for the grace goes (a probe
 * says hello at once, even 50 starting together on a loaded host); past 256
 * in all the oldest goes whatever it said.
 */
#define AGENT_UNAUTH_PER_SOURCE 64
#define AGENT_UNAUTH_GRACE_MS 2000
#define AGENT_UNAUTH_MAX 256

/* Event priorities: control first; probes and packets (the default). */
#define AGENT_PRIORITIES 2
#define AGENT_PRIORITY_CONTROL 0

/* A warning repeated at most every interval_ns, with what it held back. */
struct warn_limit {
	uint64_t last_ns;
	uint64_t suppressed;
};

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
	unsigned idle_sec; /* silence allowed on a control connection */
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
	struct capture *capture; /* NULL: no CAP_NET_RAW, socket evidence */
	char capture_note[256]; /* why there is no capture */
	struct ratelimit *ratelimit;
	int reserve_fd; /* given up to shed a connection when out of fds */
	struct warn_limit shed_warn;
	uint64_t replies, refused_tokens, shed;
};

/* agent/main.c: log_warn at most once per 10 s per limit, with a count of
 * what was held back. */
void agent_warn_limited(struct warn_limit *limit, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Out of descriptors on a listening socket: accepts the newest connection
 * with the reserve descriptor and closes it, so the loop never spins. */
void agent_shed_connection(struct agent *agent, int listen_fd,
			   const char *what);
/* The host's counters that losses are deltas of: TcpExt ListenOverflows,
 * ListenDrops and SyncookiesSent (from this namespace's /proc/net/netstat),
 * capture drops, and per check of s its sockets' SO_RXQ_OVFL. */
void agent_counters(struct agent *agent, const struct session *s,
		    struct seen_losses *host, uint64_t *overflows);

/* agent/responder.c: the echo service on one (proto, port, address). */
struct responder *responder_new(struct agent *agent,
				const struct check_spec *check,
				const struct sockaddr *addr, char **cause);
void responder_free(struct responder *r);
/* Handles the datagrams waiting on a UDP responder now. */
void responder_drain(struct responder *r);
/* Datagrams the responder's socket dropped so far (SO_RXQ_OVFL), if it
 * serves (proto, port); else 0. */
uint64_t responder_overflows(const struct responder *r, enum proto proto,
			     uint16_t port);
/* Why a responder could not start: 2 when the port is taken (another
 * agent), 3 otherwise. */
int responder_error_exit(int error);

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
/* agent/capture.c: packets to and from the served ports (libpcap), while
 * some session is open. NULL with *note when capture is not possible. */
struct capture *capture_new(struct agent *agent, char *note, size_t size);
void capture_free(struct capture *c);
/* Capture on when any session is open, off (filter refuses all) else. */
void capture_update(struct capture *c);
/* Handles what the ring holds now. */
void capture_drain(struct capture *c);
/* Packets the kernel dropped for the capture so far. */
uint64_t capture_drops(struct capture *c);

/* Records a TCP arrival without a session id in every session it matches. */
void agent_record_by_peer(struct agent *agent, uint16_t port,
			  const struct sockaddr *peer);

#endif
