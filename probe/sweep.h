/* The sweep: plans (check, source port) probes and runs them under a window, a
 * rate and retries. */
/* Protocol modules (udp.c, tcp.c) start attempts and report their outcome back
 * here. */
#ifndef NACL_PROBE_SWEEP_H
#define NACL_PROBE_SWEEP_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/auth.h"
#include "common/checkspec.h"
#include "common/echo.h"
#include "common/netaddr.h"
#include "common/portrange.h"
#include "common/service.h"
#include "reports/events.h"

struct sweep_config {
	struct sockaddr_storage target; /* port unused */
	struct sockaddr_storage bind; /* port unused; AF_UNSPEC: any */
	struct check_list checks;
	struct range_list sports; /* swept for every check */
	unsigned rate; /* probes per second, 0 = unlimited */
	unsigned window; /* attempts in flight at most */
	unsigned attempts; /* per port before the confirmation pass */
	unsigned timeout_ms;
	uint32_t session; /* from the agent; 0 when agentless */
	bool agent;
	bool keyed; /* probes carry tokens made with session_key */
	uint8_t session_key[AUTH_SESSION_KEY_SIZE];
	const char *dns_name; /* DNS: the name asked, or the agent's base */
	char host[NETADDR_STRLEN + 2]; /* HTTP: Host header, [v6] bracketed */
};

/* What happened to one (check, source port), accumulated over attempts. */
enum port_flag {
	PORT_OK = 1 << 0,
	PORT_REJECTED = 1 << 1,
	PORT_LOCAL_ERROR = 1 << 2,
	PORT_TIMEOUT = 1 << 3,
	PORT_NAT = 1 << 4,
	PORT_QUEUED = 1 << 5, /* waiting in the retry queue or in flight */
};

struct sweep_port {
	uint8_t attempts; /* started so far */
	uint8_t max_attempts; /* grows in the confirmation pass */
	uint8_t flags;
	uint8_t timeouts;
	uint16_t observed_port; /* source port the agent reported, 0 unknown */
};

/* Reply bytes a TCP attempt keeps: headers and a short body suffice. */
#define SWEEP_TCP_BUFFER 1024

enum attempt_result {
	ATTEMPT_OK,
	ATTEMPT_REJECTED,
	ATTEMPT_TIMEOUT,
	ATTEMPT_LOCAL_ERROR,
};

struct sweep;

/* One attempt in flight: its socket, event and protocol state. */
struct attempt {
	struct sweep *sweep;
	size_t index; /* into sweep ports: check * nsports + sport index */
	unsigned number;
	int fd;
	struct event ev;
	uint64_t sent_ns;
	bool finished; /* result recorded; only draining left */
	uint8_t phase;
	uint16_t have; /* bytes of reply in buf */
	uint8_t *buf; /* TCP: SWEEP_TCP_BUFFER bytes while reading */
	uint64_t nonce; /* per attempt, random: the service's to use */
	uint8_t token[AUTH_TOKEN_SIZE]; /* the session's proof, or zeros */
	struct attempt *next_free;
};

enum transport_start {
	TRANSPORT_STARTED, /* a->fd set and a->ev added */
	TRANSPORT_LOCAL_ERROR, /* errno: bind refused, port in use... */
	TRANSPORT_REJECTED, /* errno: refused at once (RST, ICMP) */
};

/* A protocol module: starts an attempt; its own callbacks do the rest. */
struct transport {
	enum transport_start (*start)(struct attempt *a);
};

/* errno values that mean the path actively refused: RST or ICMP unreachable. */
bool transport_error_is_rejection(int error);
/* A new non-blocking socket bound to the attempt's source port and
 * connected to the check's port: -1 with errno when socket or bind failed,
 * -2 with errno when connect failed (which may be a rejection). */
int transport_socket(const struct attempt *a, int type);

extern const struct transport udp_transport;
extern const struct transport tcp_transport;

/* Creates a sweep on base; events go to bus. */
struct sweep *sweep_new(struct event_base *base,
			const struct sweep_config *config,
			struct event_bus *bus);
void sweep_free(struct sweep *s);
/* Runs every attempt, retries and the confirmation pass; returns when done. */
int sweep_run(struct sweep *s);

/* For protocol modules. */
const struct sweep_config *sweep_config(const struct sweep *s);
const struct check_spec *sweep_check_of(const struct sweep *s, size_t index);
uint16_t sweep_sport_of(const struct sweep *s, size_t index);
const struct timeval *sweep_timeout(const struct sweep *s);
struct event_base *sweep_base(const struct sweep *s);
uint64_t sweep_now_ns(void);
/* Records the attempt's outcome (publishing it); draining may follow. */
void sweep_attempt_result(struct attempt *a, enum attempt_result result,
			  int error, uint16_t observed_port);
/* Closes the socket and frees the slot; records a timeout if no result. */
void sweep_attempt_release(struct attempt *a, bool abort_connection);
/* The request of an attempt (its check's service) into buf; its length. */
size_t sweep_attempt_request(const struct attempt *a, uint8_t *buf,
			     size_t size);
/* Is buf (eof: the peer closed) the reply to a? Sets *observed_port from
 * the agent's reply when it says. */
enum reply_status sweep_attempt_match(const struct attempt *a,
				      const uint8_t *buf, size_t len, bool eof,
				      uint16_t *observed_port);

/* After the run. */
size_t sweep_nports(const struct sweep *s);
size_t sweep_nsports(const struct sweep *s);
const struct sweep_port *sweep_port_at(const struct sweep *s, size_t index);
/* Publishes one event filled from index (check, sport, totals). */
void sweep_publish(struct sweep *s, enum sweep_event_type type, size_t index,
		   struct sweep_event *ev);
double sweep_elapsed(const struct sweep *s);

#endif
