/* The sweep: every (check, source port) probed under a window, a rate, spaced
 * retries and a confirmation sized from the measured loss. */
/* The scheduler is a state machine over a clock and transports that are
 * passed in: libevent and sockets in the program (probe/sweep_loop.c), fakes
 * in the unit tests. docs/design.md §Evidence rules says why it works so. */
#ifndef NACL_PROBE_SWEEP_H
#define NACL_PROBE_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/auth.h"
#include "common/checkspec.h"
#include "common/netaddr.h"
#include "common/portrange.h"
#include "common/service.h"
#include "probe/stats.h"
#include "probe/wheel.h"
#include "reports/events.h"

struct sweep;
struct attempt;
struct event_base;

/* A protocol's way of sending one attempt and hearing back (probe/udp.c,
 * probe/tcp.c; fakes in tests). */
enum transport_start {
	TRANSPORT_STARTED, /* outcomes come through sweep_attempt_*() */
	TRANSPORT_LOCAL_ERROR, /* errno: bind refused, port in use... */
	TRANSPORT_REJECTED, /* errno: refused at once (RST, ICMP) */
};

struct transport_ops {
	const char *name;
	/* Per-sweep state (may be NULL); freed by close. */
	void *(*open)(struct sweep *s);
	void (*close)(void *state);
	/* Sends a's request. */
	enum transport_start (*start)(struct sweep *s, struct attempt *a);
	/* The sweep is done with a (an outcome, or its deadline): release what
	 * the transport holds for it; abort resets a TCP connection. */
	void (*stop)(struct sweep *s, struct attempt *a, bool abort);
	/* A descriptor it added to the poller (probe/poller.h) is ready. */
	void (*ready)(struct sweep *s, uint64_t data, uint32_t events);
	/* Sends what start queued (may be NULL): at the end of each step. */
	void (*flush)(struct sweep *s);
	/* Used instead when open finds this one cannot run (may be NULL). */
	const struct transport_ops *fallback;
};

/* Poller data of a transport's descriptor: the top bit says which. */
#define SWEEP_IO_TCP (1ULL << 63)

/* The time, for the sweep: CLOCK_MONOTONIC in the program. */
struct sweep_clock {
	uint64_t (*now_ns)(void *arg);
	void *arg;
};

struct sweep_config {
	struct sockaddr_storage target; /* port unused */
	struct sockaddr_storage bind; /* port unused; AF_UNSPEC: any */
	struct check_list checks;
	struct range_list sports; /* swept for every check */
	unsigned rate; /* attempts per second, 0 = unlimited */
	unsigned window; /* attempts in flight at most */
	unsigned tcp_window; /* TCP attempts in flight at most; 0: window */
	/* TCP attempts in flight to one port (one listener on the agent) at
	 * most; 0: no bound of its own. */
	unsigned tcp_port_window;
	/* The agent captures, its SYN queue falls back to syncookies: a TCP
	 * attempt whose handshake is overdue (its SYN or SYN-ACK lost) holds
	 * no room in its listener's queues and leaves tcp_port_window. */
	bool tcp_overdue_frees;
	unsigned attempts; /* per port before the confirmation */
	unsigned timeout_ms; /* the longest wait for a reply */
	uint64_t seed; /* the order of the sweep and the attempts' nonces */
	uint32_t session; /* from the agent; 0 when agentless */
	bool agent;
	bool keyed; /* probes carry tokens made with session_key */
	uint8_t session_key[AUTH_SESSION_KEY_SIZE];
	const char *dns_name; /* DNS: the name asked, or the agent's base */
	char host[NETADDR_STRLEN + 2]; /* HTTP: Host header, [v6] bracketed */
	/* Injected: NULL means the real ones (udp_transport, tcp_transport,
	 * the monotonic clock). */
	const struct transport_ops *transports[2]; /* by enum proto */
	const struct sweep_clock *clock;
	/* Expected false drops allowed over the whole sweep; 0: the default
	 * (SWEEP_FALSE_DROPS). */
	double false_drop_budget;
};

/* Expected false drops over a sweep: docs/design.md §Evidence rules. */
#define SWEEP_FALSE_DROPS 0.001
/* Attempts a port gets at most, confirmation included. */
#define SWEEP_MAX_ATTEMPTS 16

/* What happened to one (check, source port), over its attempts. */
enum port_flag {
	PORT_OK = 1 << 0, /* a valid reply */
	PORT_REJECTED = 1 << 1, /* a RST or an ICMP error */
	PORT_LOCAL_ERROR = 1 << 2, /* could not send */
	PORT_TIMEOUT = 1 << 3, /* some attempt went unanswered */
	PORT_NAT = 1 << 4, /* the reply says another source port arrived */
	PORT_HANDSHAKE = 1 << 5, /* TCP: a connection completed */
	PORT_BUSY = 1 << 6, /* an attempt in flight */
	PORT_QUEUED = 1 << 7, /* waiting for its next attempt */
};

/* The port answered: a reply, or a TCP handshake (which proves the path). */
#define PORT_ANSWERED (PORT_OK | PORT_HANDSHAKE)
/* Nothing more to learn from it. */
#define PORT_FINAL (PORT_ANSWERED | PORT_REJECTED | PORT_LOCAL_ERROR)

struct sweep_port {
	uint8_t attempts; /* counted attempts started */
	uint8_t max_attempts; /* grows in the confirmation and reruns */
	uint8_t flags;
	uint8_t fails; /* counted attempts unanswered */
	uint16_t observed_port; /* source port the agent reported, 0 unknown */
	uint8_t rejected_error; /* errno of the last rejection */
	uint8_t forgiven; /* failures not counted: an outage's, a swamped
			     far side's */
	uint32_t ready_ms; /* no attempt before this (since the start) */
	uint32_t slot; /* its attempt in flight: index into the pool */
};

/* Reply bytes a TCP attempt keeps: headers and a short body suffice. */
#define SWEEP_TCP_BUFFER 1024

/* One attempt in flight. Transports keep their state in it. */
struct attempt {
	struct sweep *sweep;
	uint32_t index; /* port: check * nsports + source port index */
	uint8_t number; /* 1-based, the identity's attempt */
	uint8_t phase; /* the transport's */
	bool canary; /* to a port that answered: watches the path */
	bool counted; /* its port's answer is in the loss counts */
	bool overdue; /* TCP: no handshake by the time one was due */
	int fd;
	uint64_t sent_ns;
	uint64_t connected_ns; /* TCP: when the handshake completed */
	uint32_t deadline_ms; /* while overdue is still to come */
	uint64_t nonce; /* per attempt, from the seed: the service's to use */
	uint8_t token[AUTH_TOKEN_SIZE];
	struct wheel_timer timer;
	uint16_t have; /* bytes of reply in buf */
	uint8_t *buf; /* TCP: SWEEP_TCP_BUFFER bytes while reading */
	uint32_t
		generation; /* bumped on reuse: stale poll events are refused */
	struct attempt *next_free;
};

/* Per check, what the sweep measured. */
struct sweep_check_stats {
	struct rtt_histogram rtt; /* request to reply (TCP: to handshake) */
	struct rtt_histogram reply_rtt; /* TCP: request sent to reply */
	/* The same, recent ones weighing more: what deadlines follow. */
	struct rtt_histogram recent, recent_reply;
	struct loss_counts loss; /* over the ports that answered */
	unsigned confirm_attempts; /* attempts a silent port got in all */
};

/* An outage: canaries failed, the sweep waited; times since the start. */
struct sweep_outage {
	double start_s, seconds;
};

/*
 * A sweep of config (copied; its lists too) that publishes SENT, REPLY,
 * TIMEOUT, REJECTED and ERROR events (and START) on bus. Results are not
 * published: the caller classifies ports once the agent's evidence is in.
 */
struct sweep *sweep_new(const struct sweep_config *config,
			struct event_bus *bus);
void sweep_free(struct sweep *s);
/* Starts the clock and publishes START; sweep_step follows. */
void sweep_start(struct sweep *s);

/*
 * Runs one step at the clock's now: expires deadlines, starts what the
 * window, the rate and the spacing allow, watches for outages. Returns the
 * time (clock ns) it wants to run next, or 0 when the pass is over (every
 * port has its outcome, or the sweep was stopped).
 */
uint64_t sweep_step(struct sweep *s);
/* Stops at once: attempts in flight are released, nothing more starts;
 * cause (copied) is what sweep_error says, NULL for none. */
void sweep_stop(struct sweep *s, const char *cause);
/* Why the sweep stopped early (loss too high to tell holes from loss, an
 * outage that did not end, sweep_stop), or NULL. */
const char *sweep_error(const struct sweep *s);
/* The pass is over (sweep_step returned 0). */
bool sweep_over(const struct sweep *s);

/* How sweep_rerun probes again. */
struct sweep_rerun {
	unsigned attempts; /* more for each port */
	unsigned rate; /* per second, 0: the sweep's */
	unsigned spacing_ms; /* between two attempts of a port */
	unsigned budget_ms; /* none starts after, 0: no end */
	unsigned delay_ms; /* none starts before */
};

/*
 * Another pass over ports (indices into the sweep), as how says: for ports
 * whose evidence was incomplete, or that a rate-limited ICMP left silent.
 * Drive it with sweep_step (or sweep_run) until it is over.
 */
void sweep_rerun(struct sweep *s, const uint32_t *indices, size_t n,
		 const struct sweep_rerun *how);

/*
 * Runs the pass (sweep_start first, or sweep_rerun) on base with the real
 * sockets until it is over, or until another event on base (a keepalive)
 * breaks the loop; probe/sweep_loop.c. -1 when the event loop failed.
 */
int sweep_run(struct sweep *s, struct event_base *base);
/* The driver's poller (probe/poller.h), for the transports. */
void sweep_set_io(struct sweep *s, void *io);
void *sweep_io(const struct sweep *s);
/*
 * Which poller sweep_io is: each pass (sweep_run) has a new one, maybe at
 * the address of the last, so a descriptor that outlives a pass must be
 * added again when this differs from the one it was added under.
 */
uint32_t sweep_io_generation(const struct sweep *s);
void *sweep_transport_state(const struct sweep *s, enum proto proto);
/* Hands a poller event to proto's transport. */
void sweep_transport_ready(struct sweep *s, enum proto proto, uint64_t data,
			   uint32_t events);

/* For transports. */
const struct sweep_config *sweep_config(const struct sweep *s);
const struct check_spec *sweep_check_of(const struct sweep *s, size_t index);
size_t sweep_check_index(const struct sweep *s, size_t index);
uint16_t sweep_sport_of(const struct sweep *s, size_t index);
size_t sweep_sport_index(const struct sweep *s, size_t index);
/* The port of check at source port index sport. */
size_t sweep_port_index(const struct sweep *s, size_t check, size_t sport);
/* The attempt in flight for a port, or NULL. */
struct attempt *sweep_attempt_of(struct sweep *s, size_t index);
/* Attempts by their slot in the pool (for poller data); NULL past it. */
size_t sweep_attempt_slot_index(const struct attempt *a);
struct attempt *sweep_attempt_slot(struct sweep *s, size_t slot);
uint64_t sweep_now(const struct sweep *s);
/* The request of an attempt (its check's service) into buf; its length. */
size_t sweep_attempt_request(const struct attempt *a, uint8_t *buf,
			     size_t size);
/* Is buf (eof: the peer closed) the reply to a? Sets *observed_port from
 * the agent's reply when it says. */
enum reply_status sweep_attempt_match(const struct attempt *a,
				      const uint8_t *buf, size_t len, bool eof,
				      uint16_t *observed_port);
/* Outcomes, from transports: each but handshake releases a (calling the
 * transport's stop); after handshake the attempt goes on reading. */
void sweep_attempt_reply(struct attempt *a, uint16_t observed_port);
void sweep_attempt_rejected(struct attempt *a, int error);
void sweep_attempt_error(struct attempt *a, int error);
void sweep_attempt_handshake(struct attempt *a);
/* TCP: the connection completed but the service gave no valid reply
 * (closed, reset, garbage). */
void sweep_attempt_no_answer(struct attempt *a);

/* After a run. */
size_t sweep_nports(const struct sweep *s);
size_t sweep_nsports(const struct sweep *s);
const struct sweep_port *sweep_port_at(const struct sweep *s, size_t index);
const struct sweep_check_stats *sweep_stats(const struct sweep *s,
					    size_t check);
const struct sweep_outage *sweep_outages(const struct sweep *s, size_t *n);
/* Is the path out now (canaries failing in a row, nothing new started)? */
bool sweep_in_outage(const struct sweep *s);
/* The fewest attempts of check in flight the far side's pace cut it to, 0
 * when it never slowed. */
size_t sweep_slowed_to(const struct sweep *s, size_t check);
/* Why check was first slowed ("replies take 180 ms (90th percentile) of the
 * 300 ms allowed"...), NULL when it never was. */
const char *sweep_slowed_why(const struct sweep *s, size_t check);
/* Publishes one event filled from index (check, sport, totals). */
void sweep_publish(struct sweep *s, enum sweep_event_type type, size_t index,
		   struct sweep_event *ev);
double sweep_elapsed(const struct sweep *s);
uint64_t sweep_seed(const struct sweep *s);
/* The UDP transport in use: "udp" (sockets) or "raw". */
const char *sweep_engine(const struct sweep *s);

/* errno values that mean the path actively refused: RST or ICMP. */
bool transport_error_is_rejection(int error);

extern const struct transport_ops udp_transport;
extern const struct transport_ops tcp_transport;
/* UDP from one raw socket, replies through one packet socket (IPv4,
 * CAP_NET_RAW); falls back to udp_transport when it cannot open. */
extern const struct transport_ops raw_transport;

#endif
