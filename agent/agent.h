/* The agent's shared state: event base, listeners, sessions, options. */
/* Each agent source file owns one concern and reaches the rest through this
 * struct. */
#ifndef NACL_AGENT_H
#define NACL_AGENT_H

#include <event2/event.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "agent/session.h"
#include "common/checkspec.h"
#include "common/service.h"

struct responder;
struct control_server;
struct halfopen_poller;

struct agent_options {
	struct sockaddr_storage *listen; /* addresses to listen on */
	size_t nlisten;
	uint16_t control_port;
	struct check_list ports;
	bool open; /* answer without a session key */
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
	uint64_t replies;
};

/* agent/responder.c: the echo service on one (proto, port, address). */
struct responder *responder_new(struct agent *agent,
				const struct check_spec *check,
				const struct sockaddr *addr, char **cause);
void responder_free(struct responder *r);

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
