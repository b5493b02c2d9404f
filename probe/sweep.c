/* The sweep scheduler: a keyed order, a window, a token bucket, spaced
 * retries, a confirmation sized from the measured loss, canaries. */
/* A state machine over an injected clock and transports: sweep_step() does
 * what is due and says when it wants to run again. */
#include "probe/sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <sodium.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "probe/bucket.h"
#include "probe/permute.h"

/* Attempts started per step before I/O gets a turn. */
#define SWEEP_BATCH 256
/* No slot: a port without an attempt in flight. */
#define SLOT_NONE UINT32_MAX

/*
 * Spacing between two attempts from one source port, so that no kernel
 * state of the last decides the next. UDP leaves none: its spacing only
 * spreads attempts over time, away from bursts of loss. TCP: a lost SYN-ACK
 * leaves a half-open entry on the agent, which answers a new SYN from the
 * same port with a retransmitted SYN-ACK at most every 500 ms
 * (tcp_invalid_ratelimit); our RST clears the entry. After 600 ms that answer
 * is never rate-limited away.
 */
#define UDP_SPACING_MS 100
#define UDP_CONFIRM_SPACING_MS 250
#define TCP_SPACING_MS 600
/*
 * Deadlines. Until a check has this many round trips measured, --timeout
 * (a burst's queues fill before its round trips show them); then a few
 * times the recent 99th percentile, within a floor and --timeout, doubled
 * for each attempt of the port that went unanswered (a deadline measured
 * only by what came back before it would never grow). TCP's handshake
 * always waits past the kernel's first SYN retransmission (1 s), so that
 * one lost SYN or SYN-ACK is repaired within the attempt.
 */
#define RTT_SAMPLES 1000
#define RTT_DECAY 4096
#define RTT_CHECK_EVERY 64
#define UDP_FLOOR_MS 100
#define TCP_SYN_RETRANSMIT_MS 1000
#define TCP_MARGIN_MIN_MS 100
#define TCP_MARGIN_MAX_MS 1000
#define TCP_REPLY_FLOOR_MS 200
/* Loss on answering ports above which holes cannot be told from it. */
#define LOSS_TOO_HIGH 0.30
/* Answering ports a check needs for its own loss estimate; else pooled. */
#define LOSS_OWN_PORTS 200
/* Canaries: one every interval to a port that answered, several in flight
 * (a TCP one waits over a second for its answer); an outage is a run of
 * failed canaries, waited out up to OUTAGE_MAX_MS. */
#define CANARY_INTERVAL_MS 100
#define CANARY_INFLIGHT_MAX 16
/* Without an agent canaries come every 20 ms to a real server that may
 * serve a few connections at once: fewer of them in flight. */
#define AGENTLESS_CANARY_INFLIGHT_MAX 4
#define CANARY_POOL 64
#define CANARY_OK_TO_END 2
#define OUTAGE_MAX_MS 30000
/*
 * The far side sets the pace. Attempts in flight per protocol start at the
 * window (a real server without an agent: at these, growing by one per
 * answer) and halve, once per deadline, down to the floor, when canaries to
 * ports that answered before start failing (more of the last 8 than the
 * loss measured would explain once in a thousand times, 2 at least), when a
 * TCP handshake needed its SYN again (no agent: a full listen queue), or
 * when replies take more than half the time allowed; after, they grow by
 * one per window of answers. What failed while the far side was swamped is
 * tried again: its silence was not the path's. The floor is a real
 * server's (dnsmasq serves 20 TCP connections at once); an agent serves far
 * more, and below 64 in flight a hole's silent ports, a TCP deadline of
 * over a second each, would take minutes on a busy host.
 */
#define AGENTLESS_UDP_START 256
#define AGENTLESS_TCP_START 16
#define PACE_FLOOR 4
#define AGENT_PACE_FLOOR 64
#define AGENTLESS_CANARY_INTERVAL_MS 20
#define CONGESTION_FAILS 2
/* Failed attempts remembered, so that an outage's can be forgiven. */
#define FAILURE_MEMORY_MS 10000
/* Failures of one port forgiven at most; outages in one sweep at most
 * (more, and the path is too unstable to measure). */
#define FORGIVE_MAX 2
#define OUTAGES_MAX 10
/* First-pass ports set aside while their protocol's window is full. */
#define DEFERRED_MAX 1024

enum sweep_phase {
	PHASE_MAIN, /* every port, its base attempts */
	PHASE_CONFIRM, /* silent ports, the attempts the loss calls for */
	PHASE_RERUN, /* ports the caller named (sweep_rerun) */
	PHASE_DONE,
};

struct retry {
	uint32_t ready_ms;
	uint32_t seq; /* ties go first in, first out */
	uint32_t index;
};

/* A min-heap of ports waiting for their next attempt, by ready time. */
struct retry_heap {
	struct retry *items;
	size_t count, alloc;
};

struct failure {
	uint32_t index;
	uint32_t sent_ms;
};

/* One check's share of the sweep: its queue and its pace. */
struct sweep_lane {
	struct retry_heap heap; /* ports waiting for their next attempt */
	/* First-pass ports set aside while the lane was full, in order. */
	uint32_t deferred[DEFERRED_MAX];
	size_t dhead, dcount;
	size_t inflight;
	size_t overdue; /* of them, TCP ones past their handshake's due time */
	double limit, limit_before_outage; /* attempts in flight at most */
	bool slowed;
	size_t lowest;
	char slowed_why[96]; /* why it was first cut, for the report */
};

struct sweep {
	struct sweep_config cfg;
	struct event_bus *bus;
	const struct sweep_clock *clock;
	const struct transport_ops *transports[2];
	void *transport_state[2];
	void *io;
	uint32_t io_generation; /* bumped by each new io */
	size_t nchecks, nsports, nports;
	uint16_t *sport_table;
	struct sweep_port *ports;
	struct attempt *pool;
	size_t npool;
	struct attempt *free_list;
	size_t inflight[2]; /* counted attempts, by proto */
	size_t canaries_inflight;
	struct permutation order;
	uint64_t next_initial;
	struct sweep_lane *lanes; /* by check */
	uint32_t retry_seq;
	struct wheel wheel;
	struct bucket bucket;
	uint64_t start_ns;
	uint64_t now_ns;
	enum sweep_phase phase;
	unsigned spacing_ms[2]; /* by proto, this phase */
	uint32_t budget_end_ms; /* rerun: no start after; 0: none */
	bool stopped;
	bool rechecked; /* loss was too high once: tried again slower */
	char *error;
	size_t sent, answered, finished;
	struct sweep_check_stats *stats;
	/* Canaries and outages. */
	uint32_t canary_pool[CANARY_POOL];
	size_t canary_count; /* ports offered to the pool so far */
	uint64_t next_canary_ns;
	unsigned canary_fails, canary_oks; /* consecutive */
	uint64_t canaries, canaries_failed; /* all so far */
	uint64_t streak_start_ns; /* first failed canary of the run */
	uint64_t canary_ok_sent_ns; /* when the latest answered one left */
	bool outage;
	uint64_t outage_start_ns;
	struct sweep_outage *outages;
	size_t noutages;
	uint64_t last_cut_ns;
	uint8_t canary_history; /* the last 8 canaries: bit set, failed */
	struct failure *failures; /* a ring, oldest at head */
	size_t fhead, fcount, falloc;
	uint64_t random_state;
};

static uint64_t
sweep_monotonic_ns(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const struct sweep_clock sweep_real_clock = {sweep_monotonic_ns, NULL};

static uint64_t
sweep_random(struct sweep *s)
{
	s->random_state += 0x9e3779b97f4a7c15ULL;
	return permutation_mix(s->random_state);
}

static uint32_t
sweep_ms(const struct sweep *s, uint64_t ns)
{
	return ns > s->start_ns ? (uint32_t)((ns - s->start_ns) / 1000000u) : 0;
}

static uint64_t
sweep_ns(const struct sweep *s, uint64_t ms)
{
	return s->start_ns + ms * 1000000u;
}

/* Accessors. */

const struct sweep_config *
sweep_config(const struct sweep *s)
{
	return &s->cfg;
}

const struct check_spec *
sweep_check_of(const struct sweep *s, size_t index)
{
	return &s->cfg.checks.checks[index / s->nsports];
}

size_t
sweep_check_index(const struct sweep *s, size_t index)
{
	return index / s->nsports;
}

uint16_t
sweep_sport_of(const struct sweep *s, size_t index)
{
	return s->sport_table[index % s->nsports];
}

size_t
sweep_sport_index(const struct sweep *s, size_t index)
{
	return index % s->nsports;
}

size_t
sweep_port_index(const struct sweep *s, size_t check, size_t sport)
{
	return check * s->nsports + sport;
}

struct attempt *
sweep_attempt_of(struct sweep *s, size_t index)
{
	uint32_t slot = s->ports[index].slot;

	return slot == SLOT_NONE ? NULL : &s->pool[slot];
}

size_t
sweep_attempt_slot_index(const struct attempt *a)
{
	return (size_t)(a - a->sweep->pool);
}

struct attempt *
sweep_attempt_slot(struct sweep *s, size_t slot)
{
	return slot < s->npool ? &s->pool[slot] : NULL;
}

uint64_t
sweep_now(const struct sweep *s)
{
	return s->clock->now_ns(s->clock->arg);
}

size_t
sweep_nports(const struct sweep *s)
{
	return s->nports;
}

size_t
sweep_nsports(const struct sweep *s)
{
	return s->nsports;
}

const struct sweep_port *
sweep_port_at(const struct sweep *s, size_t index)
{
	return &s->ports[index];
}

const struct sweep_check_stats *
sweep_stats(const struct sweep *s, size_t check)
{
	return &s->stats[check];
}

bool
sweep_in_outage(const struct sweep *s)
{
	return s->outage;
}

const struct sweep_outage *
sweep_outages(const struct sweep *s, size_t *n)
{
	*n = s->noutages;
	return s->outages;
}

size_t
sweep_slowed_to(const struct sweep *s, size_t check)
{
	return s->lanes[check].slowed ? s->lanes[check].lowest : 0;
}

const char *
sweep_slowed_why(const struct sweep *s, size_t check)
{
	return s->lanes[check].slowed ? s->lanes[check].slowed_why : NULL;
}

double
sweep_elapsed(const struct sweep *s)
{
	return (double)(sweep_now(s) - s->start_ns) / 1e9;
}

uint64_t
sweep_seed(const struct sweep *s)
{
	return s->cfg.seed;
}

const char *
sweep_error(const struct sweep *s)
{
	return s->error;
}

bool
sweep_over(const struct sweep *s)
{
	return s->phase == PHASE_DONE;
}

void
sweep_set_io(struct sweep *s, void *io)
{
	s->io = io;
	if (io != NULL)
		s->io_generation++;
}

uint32_t
sweep_io_generation(const struct sweep *s)
{
	return s->io_generation;
}

void *
sweep_io(const struct sweep *s)
{
	return s->io;
}

void *
sweep_transport_state(const struct sweep *s, enum proto proto)
{
	return s->transport_state[proto];
}

void
sweep_transport_ready(struct sweep *s, enum proto proto, uint64_t data,
		      uint32_t events)
{
	s->now_ns = sweep_now(s);
	if (s->transports[proto]->ready != NULL)
		s->transports[proto]->ready(s, data, events);
}

void
sweep_publish(struct sweep *s, enum sweep_event_type type, size_t index,
	      struct sweep_event *ev)
{
	ev->type = type;
	ev->elapsed = sweep_elapsed(s);
	if (index < s->nports) {
		const struct check_spec *c = sweep_check_of(s, index);

		ev->check = index / s->nsports;
		ev->proto = c->proto;
		ev->port = c->port;
		ev->sport = sweep_sport_of(s, index);
	}
	ev->planned = s->nports;
	ev->sent = s->sent;
	ev->answered = s->answered;
	ev->finished = s->finished;
	event_bus_publish(s->bus, ev);
}

/* The retry heaps. */

static bool
retry_before(const struct retry *a, const struct retry *b)
{
	return a->ready_ms < b->ready_ms ||
	       (a->ready_ms == b->ready_ms && a->seq < b->seq);
}

static void
retry_push(struct retry_heap *h, uint32_t index, uint32_t ready_ms,
	   uint32_t seq)
{
	struct retry item = {ready_ms, seq, index}, tmp;
	size_t i, parent;

	if (h->count == h->alloc) {
		h->alloc = h->alloc ? h->alloc * 2 : 1024;
		h->items = xreallocarray(h->items, h->alloc, sizeof *h->items);
	}
	i = h->count++;
	h->items[i] = item;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (!retry_before(&h->items[i], &h->items[parent]))
			break;
		tmp = h->items[i];
		h->items[i] = h->items[parent];
		h->items[parent] = tmp;
		i = parent;
	}
}

static struct retry
retry_pop(struct retry_heap *h)
{
	struct retry top = h->items[0], tmp;
	size_t i = 0, child;

	h->items[0] = h->items[--h->count];
	for (;;) {
		child = 2 * i + 1;
		if (child >= h->count)
			break;
		if (child + 1 < h->count &&
		    retry_before(&h->items[child + 1], &h->items[child]))
			child++;
		if (!retry_before(&h->items[child], &h->items[i]))
			break;
		tmp = h->items[i];
		h->items[i] = h->items[child];
		h->items[child] = tmp;
		i = child;
	}
	return top;
}

/* Deadlines and spacing. */

static unsigned
sweep_clamp(double v, unsigned lo, unsigned hi)
{
	if (hi < lo)
		hi = lo;
	if (v < lo)
		return lo;
	return v > hi ? hi : (unsigned)v;
}

/* How long an attempt of check waits for its first answer, after fails
 * unanswered attempts of its port. */
static unsigned
sweep_deadline_ms(const struct sweep *s, size_t check, unsigned fails)
{
	const struct sweep_check_stats *st = &s->stats[check];
	double p99 = rtt_quantile_ms(&st->recent, 0.99);
	unsigned base;

	if (s->cfg.checks.checks[check].proto == PROTO_TCP)
		return TCP_SYN_RETRANSMIT_MS +
		       (st->rtt.count < RTT_SAMPLES
				? 2 * TCP_MARGIN_MIN_MS
				: sweep_clamp(3 * p99, TCP_MARGIN_MIN_MS,
					      TCP_MARGIN_MAX_MS));
	if (st->rtt.count < RTT_SAMPLES)
		return s->cfg.timeout_ms;
	base = sweep_clamp(4 * p99 + 50, UDP_FLOOR_MS, s->cfg.timeout_ms);
	while (fails-- > 0 && base < s->cfg.timeout_ms)
		base *= 2;
	return base < s->cfg.timeout_ms ? base : s->cfg.timeout_ms;
}

/*
 * When a TCP attempt of check is overdue: its handshake would have come
 * by now, so its SYN or SYN-ACK was lost; 0 while the round trips are not
 * yet measured or the agent's queues need every attempt counted.
 */
static unsigned
sweep_overdue_ms(const struct sweep *s, size_t check)
{
	const struct sweep_check_stats *st = &s->stats[check];

	if (!s->cfg.tcp_overdue_frees ||
	    s->cfg.checks.checks[check].proto != PROTO_TCP ||
	    st->rtt.count < RTT_SAMPLES)
		return 0;
	return sweep_clamp(4 * rtt_quantile_ms(&st->recent, 0.99) + 50,
			   UDP_FLOOR_MS, TCP_SYN_RETRANSMIT_MS);
}

/* Attempts a port of check gets before the confirmation. --attempts
 * counts tries of the request, and a TCP attempt tries its SYN twice (the
 * kernel retransmits it within the attempt's deadline): half as many. */
static unsigned
sweep_base_attempts(const struct sweep *s, size_t check)
{
	if (s->cfg.checks.checks[check].proto == PROTO_TCP)
		return (s->cfg.attempts + 1) / 2;
	return s->cfg.attempts;
}

/* A round trip measured: into the sweep's and the recent histograms. */
static void
sweep_add_rtt(struct rtt_histogram *all, struct rtt_histogram *recent,
	      uint64_t ns)
{
	rtt_add(all, ns);
	rtt_add(recent, ns);
	if (recent->count >= RTT_DECAY)
		rtt_decay(recent);
}

static void sweep_slow_down(struct sweep *s, size_t check, const char *why);

/* Replies taking more than half the time allowed are queues filling: slow
 * down before they take it all. Looked at every RTT_CHECK_EVERY replies. */
static void
sweep_watch_delay(struct sweep *s, size_t check,
		  const struct rtt_histogram *recent)
{
	char why[96];
	double p90;

	if (recent->count % RTT_CHECK_EVERY != 0 || recent->count < 64)
		return;
	p90 = rtt_quantile_ms(recent, 0.9);
	if (p90 * 2 <= s->cfg.timeout_ms)
		return;
	snprintf(why, sizeof why,
		 "replies take %.0f ms (90th percentile) of the %u ms allowed",
		 p90, s->cfg.timeout_ms);
	sweep_slow_down(s, check, why);
}

/* TCP: how long the service has to answer once connected. */
static unsigned
sweep_reply_deadline_ms(const struct sweep *s, size_t check)
{
	const struct sweep_check_stats *st = &s->stats[check];
	unsigned ceiling = s->cfg.timeout_ms > TCP_REPLY_FLOOR_MS
				   ? s->cfg.timeout_ms
				   : TCP_REPLY_FLOOR_MS;

	if (st->reply_rtt.count < RTT_SAMPLES)
		return ceiling;
	return sweep_clamp(4 * rtt_quantile_ms(&st->recent_reply, 0.99) + 50,
			   TCP_REPLY_FLOOR_MS, ceiling);
}

static unsigned
sweep_longest_deadline_ms(const struct sweep *s)
{
	unsigned longest = 0, d;
	size_t c;

	for (c = 0; c < s->nchecks; c++) {
		d = sweep_deadline_ms(s, c, 0);
		if (s->cfg.checks.checks[c].proto == PROTO_TCP)
			d += sweep_reply_deadline_ms(s, c);
		if (d > longest)
			longest = d;
	}
	return longest;
}

/* Bookkeeping of a port's state. */

static bool
port_done(const struct sweep_port *p)
{
	return !(p->flags & (PORT_BUSY | PORT_QUEUED)) &&
	       ((p->flags & PORT_FINAL) || p->attempts >= p->max_attempts);
}

/* Queues a port for its next attempt (it is neither busy nor queued). */
static void
sweep_queue(struct sweep *s, size_t index, uint32_t ready_ms)
{
	struct sweep_port *p = &s->ports[index];

	p->flags |= PORT_QUEUED;
	if (ready_ms < p->ready_ms)
		ready_ms = p->ready_ms;
	retry_push(&s->lanes[index / s->nsports].heap, (uint32_t)index,
		   ready_ms, s->retry_seq++);
}

/* Gives a port that may be done more attempts (max in all, or fails
 * forgiven) and queues it; keeps the count of finished ports right. */
static void
sweep_reopen(struct sweep *s, size_t index, unsigned max, unsigned forgive)
{
	struct sweep_port *p = &s->ports[index];
	bool was_done = port_done(p);

	if (forgive > p->fails)
		forgive = p->fails;
	if (forgive > p->attempts)
		forgive = p->attempts;
	p->attempts = (uint8_t)(p->attempts - forgive);
	p->fails = (uint8_t)(p->fails - forgive);
	if (p->fails == 0)
		p->flags &= (uint8_t)~PORT_TIMEOUT;
	if (max > 255)
		max = 255;
	if (max > p->max_attempts)
		p->max_attempts = (uint8_t)max;
	if ((p->flags & (PORT_BUSY | PORT_QUEUED | PORT_FINAL)) ||
	    p->attempts >= p->max_attempts)
		return;
	if (was_done)
		s->finished--;
	sweep_queue(s, index, sweep_ms(s, s->now_ns));
}

/* Failures, remembered for a while so an outage's can be forgiven. */

static void
sweep_remember_failure(struct sweep *s, size_t index, uint32_t sent_ms)
{
	size_t i;

	if (s->fcount == s->falloc) {
		size_t old = s->falloc;
		struct failure *grown;

		s->falloc = old ? old * 2 : 1024;
		grown = xcalloc(s->falloc, sizeof *grown);
		for (i = 0; i < s->fcount; i++)
			grown[i] = s->failures[(s->fhead + i) % old];
		free(s->failures);
		s->failures = grown;
		s->fhead = 0;
	}
	s->failures[(s->fhead + s->fcount++) % s->falloc] =
		(struct failure){(uint32_t)index, sent_ms};
}

static void
sweep_prune_failures(struct sweep *s, uint32_t now_ms)
{
	if (s->outage || s->streak_start_ns != 0)
		return;
	while (s->fcount > 0 &&
	       s->failures[s->fhead].sent_ms + FAILURE_MEMORY_MS < now_ms) {
		s->fhead = (s->fhead + 1) % s->falloc;
		s->fcount--;
	}
}

/* Canaries. */

static void
sweep_offer_canary(struct sweep *s, size_t index)
{
	size_t n = s->canary_count++;

	/* Reservoir sampling: every answering port equally likely. */
	if (n < CANARY_POOL)
		s->canary_pool[n] = (uint32_t)index;
	else if (sweep_random(s) % (n + 1) < CANARY_POOL)
		s->canary_pool[sweep_random(s) % CANARY_POOL] = (uint32_t)index;
}

/* Consecutive failed canaries that make an outage: unlikely from loss. */
static unsigned
sweep_outage_streak(const struct sweep *s)
{
	struct loss_counts all = {0};
	double p, canaries, chance = 1;
	unsigned k = 0;
	size_t c;

	for (c = 0; c < s->nchecks; c++)
		loss_merge(&all, &s->stats[c].loss);
	p = loss_first(&all);
	/* Canaries lost to the path's own loss are no outage either. */
	canaries = (double)(s->canaries_failed + 1) / (double)(s->canaries + 2);
	if (canaries > p)
		p = canaries;
	while (k < 3 || (chance > 1e-4 && k < 16)) {
		chance *= p;
		k++;
	}
	return k;
}

/* Failed attempts to port (every port: -1) sent since from_ns are tried
 * again, and their failures do not count: not the path's. */
static size_t
sweep_forgive(struct sweep *s, uint64_t from_ns, int port)
{
	uint32_t from_ms = sweep_ms(s, from_ns);
	size_t i, kept = 0, forgiven = 0;

	for (i = 0; i < s->fcount; i++) {
		struct failure f = s->failures[(s->fhead + i) % s->falloc];

		if (f.sent_ms < from_ms ||
		    (port >= 0 && sweep_check_of(s, f.index)->port != port)) {
			s->failures[(s->fhead + kept++) % s->falloc] = f;
			continue;
		}
		/* Twice at most: a port that keeps failing is not the
		 * outage's. */
		if (s->ports[f.index].fails == 0 ||
		    s->ports[f.index].forgiven >= FORGIVE_MAX)
			continue;
		s->ports[f.index].forgiven++;
		sweep_reopen(s, f.index, 0, 1);
		forgiven++;
	}
	s->fcount = kept;
	return forgiven;
}

static double
sweep_pace_floor(const struct sweep *s)
{
	return s->cfg.agent ? AGENT_PACE_FLOOR : PACE_FLOOR;
}

/*
 * Agentless: canaries failing while ports fail too mean a swamped server,
 * not holes (a hole does not move to ports that answered). One server
 * serves both protocols (a DNS server busy with TCP drops UDP), so both
 * slow down.
 */
/* Divides the pace of a lane by factor (at most 1 in flight more than now
 * as the base), down to the floor; the first why is kept. */
static void
sweep_lane_cut(struct sweep_lane *l, double factor, double floor,
	       const char *why)
{
	if (l->limit > l->inflight + 1.0)
		l->limit = (double)l->inflight + 1.0;
	l->limit /= factor;
	if (l->limit < floor)
		l->limit = floor;
	if (!l->slowed)
		snprintf(l->slowed_why, sizeof l->slowed_why, "%s", why);
	l->slowed = true;
	if (l->lowest == 0 || (size_t)l->limit < l->lowest)
		l->lowest = (size_t)l->limit;
}

/* The checks of check's port (udp/53 and tcp/53: one DNS server, which
 * busy with TCP drops UDP) halve their pace, once per deadline. */
static void
sweep_slow_down(struct sweep *s, size_t check, const char *why)
{
	uint64_t deadline_ns =
		(uint64_t)sweep_longest_deadline_ms(s) * 1000000u;
	uint16_t port = s->cfg.checks.checks[check].port;
	size_t c, forgiven;

	if (s->now_ns - s->last_cut_ns < deadline_ns)
		return;
	for (c = 0; c < s->nchecks; c++)
		if (s->cfg.checks.checks[c].port == port)
			sweep_lane_cut(&s->lanes[c], 2, sweep_pace_floor(s),
				       why);
	s->last_cut_ns = s->now_ns;
	s->canary_history = 0;
	forgiven = sweep_forgive(s, s->now_ns - 2 * deadline_ns, port);
	log_info("port %u: %s: the far side is not keeping up; at most %.0f "
		 "attempts at once to it from now; %zu failed ones again",
		 port, why, s->lanes[check].limit, forgiven);
}

/*
 * Failed canaries among the last 8 that the loss measured explains less than
 * once in a thousand times: more mean the far side is swamped. Random loss
 * alone must never slow a sweep down to a crawl.
 */
static unsigned
sweep_congestion_fails(const struct sweep *s)
{
	struct loss_counts all = {0};
	double p, tail, term;
	unsigned k, j;
	size_t c;

	for (c = 0; c < s->nchecks; c++)
		loss_merge(&all, &s->stats[c].loss);
	p = loss_first(&all);
	for (k = CONGESTION_FAILS; k <= 8; k++) {
		/* P(at least k of 8 fail), term by term: C(8,j) p^j q^(8-j) */
		tail = 0;
		for (j = k; j <= 8; j++) {
			unsigned i;

			term = 1;
			for (i = 0; i < j; i++)
				term *= p * (double)(8 - i) / (double)(i + 1);
			for (i = j; i < 8; i++)
				term *= 1 - p;
			tail += term;
		}
		if (tail < 1e-3)
			return k;
	}
	return 9;
}

static void
sweep_congestion(struct sweep *s, size_t check, bool ok)
{
	s->canary_history = (uint8_t)(s->canary_history << 1 | !ok);
	if (!ok && (unsigned)__builtin_popcount(s->canary_history) >=
			   sweep_congestion_fails(s))
		sweep_slow_down(s, check,
				"canaries to ports that answered before "
				"failed");
}

static void
sweep_canary_outcome(struct sweep *s, const struct attempt *a, bool ok)
{
	size_t c;

	s->canaries++;
	s->canaries_failed += !ok;
	sweep_congestion(s, a->index / s->nsports, ok);
	/* Sent before one that answered: it says nothing newer. */
	if (!ok && a->sent_ns < s->canary_ok_sent_ns)
		return;
	if (ok) {
		if (a->sent_ns > s->canary_ok_sent_ns)
			s->canary_ok_sent_ns = a->sent_ns;
		s->canary_fails = 0;
		if (!s->outage) {
			s->streak_start_ns = 0;
			return;
		}
		if (++s->canary_oks < CANARY_OK_TO_END)
			return;
		s->outages = xreallocarray(s->outages, s->noutages + 1,
					   sizeof *s->outages);
		s->outages[s->noutages++] = (struct sweep_outage){
			(double)(s->outage_start_ns - s->start_ns) / 1e9,
			(double)(s->now_ns - s->outage_start_ns) / 1e9};
		s->outage = false;
		/* What was sent up to one deadline before the first failed
		 * canary may have met the outage too. */
		log_info(
			"outage over after %.1f s: %zu failed attempts sent "
			"during it are tried again",
			s->outages[s->noutages - 1].seconds,
			sweep_forgive(
				s,
				s->outage_start_ns -
					(uint64_t)sweep_longest_deadline_ms(s) *
						1000000u,
				-1));
		for (c = 0; c < s->nchecks; c++)
			s->lanes[c].limit = s->lanes[c].limit_before_outage;
		s->streak_start_ns = 0;
		return;
	}
	s->canary_oks = 0;
	if (s->canary_fails++ == 0)
		s->streak_start_ns = a->sent_ns;
	if (!s->outage && s->canary_fails >= sweep_outage_streak(s)) {
		if (s->noutages == OUTAGES_MAX) {
			sweep_stop(s, "the path keeps failing: canaries to "
				      "ports that answered before went "
				      "silent again and again (10 outages): "
				      "a hole cannot be told from chance; fix "
				      "the path and sweep again");
			return;
		}
		s->outage = true;
		s->outage_start_ns = s->streak_start_ns;
		for (c = 0; c < s->nchecks; c++)
			s->lanes[c].limit_before_outage = s->lanes[c].limit;
		log_warn("%u canaries in a row to ports that answered before "
			 "got no answer: the path is out; waiting (up to "
			 "%d s) before probing on",
			 s->canary_fails, OUTAGE_MAX_MS / 1000);
	}
}

/* Attempts. */

static void
sweep_attempt_identity(struct sweep *s, struct attempt *a)
{
	const struct check_spec *c = sweep_check_of(s, a->index);

	/* Derived, not drawn: a run is reproducible from its seed. */
	a->nonce = permutation_mix(
		s->cfg.seed ^
		permutation_mix((uint64_t)a->index << 8 | a->number));
	memset(a->token, 0, sizeof a->token);
	if (s->cfg.keyed) {
		struct auth_token_input in = {
			c->proto,	c->port,  sweep_sport_of(s, a->index),
			s->cfg.session, a->index, a->number};

		auth_token(s->cfg.session_key, &in, a->token);
	}
}

static void sweep_release(struct sweep *s, struct attempt *a, bool abort);

static void
sweep_launch(struct sweep *s, size_t index, bool canary)
{
	struct sweep_port *p = &s->ports[index];
	const struct check_spec *c = sweep_check_of(s, index);
	struct attempt *a = s->free_list;
	struct sweep_event ev = {0};
	enum transport_start started;
	unsigned due;
	int error;

	s->free_list = a->next_free;
	a->index = (uint32_t)index;
	a->canary = canary;
	a->counted = false;
	a->phase = 0;
	a->fd = -1;
	a->have = 0;
	a->sent_ns = s->now_ns;
	a->connected_ns = 0;
	a->overdue = false;
	if (canary) {
		s->canaries_inflight++;
		a->number =
			(uint8_t)(p->attempts < 255 ? p->attempts + 1 : 255);
	} else {
		p->flags &= (uint8_t)~PORT_QUEUED;
		s->inflight[c->proto]++;
		s->lanes[index / s->nsports].inflight++;
		a->number = ++p->attempts;
	}
	p->flags |= PORT_BUSY;
	p->slot = (uint32_t)(a - s->pool);
	sweep_attempt_identity(s, a);
	a->deadline_ms =
		sweep_ms(s, s->now_ns) +
		sweep_deadline_ms(s, index / s->nsports, canary ? 0 : p->fails);
	due = canary ? 0 : sweep_overdue_ms(s, index / s->nsports);
	wheel_add(&s->wheel, &a->timer,
		  due != 0 ? sweep_ms(s, s->now_ns) + due : a->deadline_ms);
	started = s->transports[c->proto]->start(s, a);
	s->sent++;
	if (started == TRANSPORT_STARTED) {
		if (!canary) {
			ev.attempt = a->number;
			sweep_publish(s, SWEEP_EVENT_SENT, index, &ev);
		}
		return;
	}
	error = errno;
	if (started == TRANSPORT_REJECTED)
		sweep_attempt_rejected(a, error);
	else
		sweep_attempt_error(a, error);
}

/* An overdue attempt that connected after all, or ended, counts no more
 * among the overdue. */
static void
sweep_attempt_due_again(struct sweep *s, struct attempt *a)
{
	if (!a->overdue)
		return;
	a->overdue = false;
	s->lanes[a->index / s->nsports].overdue--;
}

static void
sweep_release(struct sweep *s, struct attempt *a, bool abort)
{
	struct sweep_port *p = &s->ports[a->index];
	const struct check_spec *c = sweep_check_of(s, a->index);
	unsigned spacing = s->spacing_ms[c->proto];

	s->transports[c->proto]->stop(s, a, abort);
	wheel_remove(&s->wheel, &a->timer);
	sweep_attempt_due_again(s, a);
	free(a->buf);
	a->buf = NULL;
	a->fd = -1;
	a->generation++;
	p->flags &= (uint8_t)~PORT_BUSY;
	p->slot = SLOT_NONE;
	if (a->canary)
		s->canaries_inflight--;
	else {
		s->inflight[c->proto]--;
		s->lanes[a->index / s->nsports].inflight--;
		p->ready_ms = sweep_ms(s, s->now_ns) + spacing;
		if (!(p->flags & PORT_FINAL) && p->attempts < p->max_attempts)
			sweep_queue(s, a->index, p->ready_ms);
		else
			s->finished++;
	}
	a->next_free = s->free_list;
	s->free_list = a;
}

/* The port answered: its failures so far count as loss, once. */
static void
sweep_count_answer(struct sweep *s, struct attempt *a)
{
	struct sweep_port *p = &s->ports[a->index];
	struct sweep_lane *l = &s->lanes[a->index / s->nsports];

	if (a->counted || (p->flags & PORT_ANSWERED))
		return;
	a->counted = true;
	loss_add_port(&s->stats[a->index / s->nsports].loss, p->fails);
	/* One more per answer until the first cut, then one per window. */
	l->limit += l->slowed ? 1 / l->limit : 1;
	if (l->limit > s->cfg.window)
		l->limit = s->cfg.window;
	s->answered++;
	sweep_offer_canary(s, a->index);
}

void
sweep_attempt_handshake(struct attempt *a)
{
	struct sweep *s = a->sweep;
	struct sweep_port *p = &s->ports[a->index];
	size_t check = a->index / s->nsports;

	a->connected_ns = s->now_ns = sweep_now(s);
	/* A handshake past the SYN retransmission measured the kernel's
	 * timer, not the path. */
	if (a->connected_ns - a->sent_ns <
	    (uint64_t)TCP_SYN_RETRANSMIT_MS * 1000000u) {
		sweep_add_rtt(&s->stats[check].rtt, &s->stats[check].recent,
			      a->connected_ns - a->sent_ns);
		sweep_watch_delay(s, check, &s->stats[check].recent);
	} else if (!s->cfg.agent)
		/* The first SYN went unanswered: a full listen queue, most
		 * likely, when no agent says otherwise. */
		sweep_slow_down(s, check,
				"a TCP handshake needed the SYN again");
	if (a->canary) {
		sweep_canary_outcome(s, a, true);
		sweep_release(s, a, true);
		return;
	}
	sweep_count_answer(s, a);
	/* In the agent's accept queue now, however late. */
	sweep_attempt_due_again(s, a);
	p->flags |= PORT_HANDSHAKE;
	wheel_add(&s->wheel, &a->timer,
		  sweep_ms(s, s->now_ns) + sweep_reply_deadline_ms(s, check));
}

void
sweep_attempt_reply(struct attempt *a, uint16_t observed_port)
{
	struct sweep *s = a->sweep;
	struct sweep_port *p = &s->ports[a->index];
	size_t check = a->index / s->nsports;
	struct sweep_event ev = {0};
	uint64_t now = s->now_ns = sweep_now(s);

	if (a->canary) {
		sweep_canary_outcome(s, a, true);
		sweep_release(s, a, false);
		return;
	}
	if (a->connected_ns != 0) {
		sweep_add_rtt(&s->stats[check].reply_rtt,
			      &s->stats[check].recent_reply,
			      now - a->connected_ns);
	} else {
		sweep_add_rtt(&s->stats[check].rtt, &s->stats[check].recent,
			      now - a->sent_ns);
		sweep_watch_delay(s, check, &s->stats[check].recent);
	}
	sweep_count_answer(s, a);
	p->flags |= PORT_OK;
	p->observed_port = observed_port;
	if (observed_port != 0 && observed_port != sweep_sport_of(s, a->index))
		p->flags |= PORT_NAT;
	ev.attempt = a->number;
	ev.rtt_ms = (double)(now - a->sent_ns) / 1e6;
	ev.observed_port = observed_port;
	ev.nat_translated = (p->flags & PORT_NAT) != 0;
	sweep_publish(s, SWEEP_EVENT_REPLY, a->index, &ev);
	sweep_release(s, a, false);
}

void
sweep_attempt_no_answer(struct attempt *a)
{
	struct sweep *s = a->sweep;

	s->now_ns = sweep_now(s);
	sweep_release(s, a, true);
}

void
sweep_attempt_rejected(struct attempt *a, int error)
{
	struct sweep *s = a->sweep;
	struct sweep_port *p = &s->ports[a->index];
	struct sweep_event ev = {0};

	s->now_ns = sweep_now(s);
	if (a->canary) {
		sweep_canary_outcome(s, a, false);
		sweep_release(s, a, false);
		return;
	}
	p->flags |= PORT_REJECTED;
	p->rejected_error = (uint8_t)(error < 256 ? error : 255);
	ev.attempt = a->number;
	ev.error = error;
	sweep_publish(s, SWEEP_EVENT_REJECTED, a->index, &ev);
	sweep_release(s, a, false);
}

void
sweep_attempt_error(struct attempt *a, int error)
{
	struct sweep *s = a->sweep;
	struct sweep_port *p = &s->ports[a->index];
	struct sweep_event ev = {0};

	s->now_ns = sweep_now(s);
	if (!a->canary) {
		p->flags |= PORT_LOCAL_ERROR;
		ev.attempt = a->number;
		ev.error = error;
		sweep_publish(s, SWEEP_EVENT_ERROR, a->index, &ev);
	}
	sweep_release(s, a, false);
}

/* The deadline passed. */
static void
sweep_attempt_timeout(struct sweep *s, struct attempt *a)
{
	struct sweep_port *p = &s->ports[a->index];
	struct sweep_event ev = {0};

	/* The handshake is overdue, the deadline still to come: the attempt
	 * leaves its agent port's bound (sweep_overdue_ms). */
	if (!a->canary && a->connected_ns == 0 && !a->overdue &&
	    sweep_ms(s, s->now_ns) < a->deadline_ms) {
		a->overdue = true;
		s->lanes[a->index / s->nsports].overdue++;
		wheel_add(&s->wheel, &a->timer, a->deadline_ms);
		return;
	}
	if (a->canary) {
		/* A connected canary answered already. */
		if (a->connected_ns == 0)
			sweep_canary_outcome(s, a, false);
		sweep_release(s, a, true);
		return;
	}
	/* Connected, but the service was silent: the path answered. */
	if (a->connected_ns != 0) {
		sweep_release(s, a, true);
		return;
	}
	p->flags |= PORT_TIMEOUT;
	if (p->fails < 255)
		p->fails++;
	sweep_remember_failure(s, a->index, sweep_ms(s, a->sent_ns));
	ev.attempt = a->number;
	sweep_publish(s, SWEEP_EVENT_TIMEOUT, a->index, &ev);
	sweep_release(s, a, true);
}

/* The identity the attempt's request carries and its reply must echo. */
static void
sweep_attempt_id(const struct attempt *a, const struct check_spec *check,
		 struct probe_id *id)
{
	const struct sweep *s = a->sweep;

	memset(id, 0, sizeof *id);
	id->session = s->cfg.session;
	id->seq = a->index;
	id->attempt = a->number;
	id->sport = sweep_sport_of(s, a->index);
	id->dport = check->port;
	id->agent = s->cfg.agent;
	id->dns_name = s->cfg.dns_name;
	id->host = s->cfg.host;
	id->nonce = a->nonce;
	memcpy(id->token, a->token, sizeof id->token);
}

size_t
sweep_attempt_request(const struct attempt *a, uint8_t *buf, size_t size)
{
	const struct sweep *s = a->sweep;
	const struct check_spec *check = sweep_check_of(s, a->index);
	struct probe_id id;

	sweep_attempt_id(a, check, &id);
	return service_ops(check->service)
		->request_encode(&id, check->proto, buf, size);
}

enum reply_status
sweep_attempt_match(const struct attempt *a, const uint8_t *buf, size_t len,
		    bool eof, uint16_t *observed_port)
{
	const struct sweep *s = a->sweep;
	const struct check_spec *check = sweep_check_of(s, a->index);
	struct reply_info info = {0};
	enum reply_status rc;
	struct probe_id id;

	sweep_attempt_id(a, check, &id);
	rc = service_ops(check->service)
		     ->reply_match(&id, check->proto, buf, len, eof, &info);
	*observed_port = info.observed_port;
	return rc;
}

bool
transport_error_is_rejection(int error)
{
	return error == ECONNREFUSED || error == EHOSTUNREACH ||
	       error == ENETUNREACH || error == EACCES || error == EPERM ||
	       error == ECONNRESET || error == EHOSTDOWN || error == ENETDOWN ||
	       error == ENOPROTOOPT;
}

/* Confirmation. */

/* The loss check c's silent ports are judged by: its own when enough of its
 * ports answered, else its protocol's, else the whole sweep's. */
static struct loss_counts
sweep_loss_of(const struct sweep *s, size_t c)
{
	struct loss_counts proto = {0}, all = {0};
	size_t i;

	if (s->stats[c].loss.first >= LOSS_OWN_PORTS)
		return s->stats[c].loss;
	for (i = 0; i < s->nchecks; i++) {
		loss_merge(&all, &s->stats[i].loss);
		if (s->cfg.checks.checks[i].proto ==
		    s->cfg.checks.checks[c].proto)
			loss_merge(&proto, &s->stats[i].loss);
	}
	return proto.first >= LOSS_OWN_PORTS ? proto : all;
}

/*
 * Loss too high to judge, once: a far side swamped by the first pass (its
 * replies late past every deadline) looks the same. Every silent port is
 * tried again from the start at a quarter of the pace, and the loss is
 * measured anew from that pass alone.
 */
static void
sweep_recheck(struct sweep *s)
{
	size_t i;

	s->rechecked = true;
	for (i = 0; i < s->nchecks; i++) {
		sweep_lane_cut(&s->lanes[i], 4, sweep_pace_floor(s),
			       "too many attempts to ports that answered were "
			       "lost to tell a hole");
		memset(&s->stats[i].loss, 0, sizeof s->stats[i].loss);
	}
	for (i = 0; i < s->nports; i++) {
		const struct sweep_port *port = &s->ports[i];

		if (!(port->flags & PORT_FINAL) && (port->flags & PORT_TIMEOUT))
			sweep_reopen(s, i, 0, port->fails);
	}
}

/* Gives each check's silent ports the attempts its loss calls for; false
 * (the sweep stopped) when loss is too high to tell holes from it. */
static bool
sweep_start_confirmation(struct sweep *s)
{
	double budget = s->cfg.false_drop_budget > 0 ? s->cfg.false_drop_budget
						     : SWEEP_FALSE_DROPS;
	struct permutation order;
	size_t c, i, k, silent, queued = 0;
	unsigned *want = xcalloc(s->nchecks, sizeof *want);

	for (c = 0; c < s->nchecks; c++) {
		struct loss_counts l = sweep_loss_of(s, c);
		const struct check_spec *spec = &s->cfg.checks.checks[c];
		double p1 = loss_first(&l), pa = loss_after_failure(&l);

		silent = 0;
		for (i = 0; i < s->nsports; i++) {
			const struct sweep_port *p =
				&s->ports[c * s->nsports + i];

			if (!(p->flags & PORT_FINAL) &&
			    (p->flags & PORT_TIMEOUT))
				silent++;
		}
		want[c] = sweep_base_attempts(s, c);
		s->stats[c].confirm_attempts = want[c];
		/* Nothing answered anywhere: a black hole, not loss. */
		if (silent == 0 || l.first == 0)
			continue;
		want[c] = loss_attempts_needed((double)s->nsports, p1, pa,
					       budget * (double)s->nsports /
						       (double)s->nports,
					       SWEEP_MAX_ATTEMPTS);
		/* Judged by loss after a loss: first attempts meet the
		 * shortest deadlines. */
		if ((pa > LOSS_TOO_HIGH || want[c] > SWEEP_MAX_ATTEMPTS) &&
		    !s->rechecked) {
			log_info("%s/%u: %.1f%% of attempts to ports that "
				 "answered were lost: trying every silent "
				 "port again, slower, before judging",
				 proto_name(spec->proto), spec->port,
				 100 * loss_ratio(&l));
			free(want);
			sweep_recheck(s);
			return true;
		}
		if (pa > LOSS_TOO_HIGH || want[c] > SWEEP_MAX_ATTEMPTS) {
			char *cause = xasprintf(
				"%s/%u: %.1f%% of attempts to ports that "
				"answered were lost (%.1f%% after a loss): "
				"at that loss a hole cannot be told from "
				"chance; fix the path's loss and sweep again",
				proto_name(spec->proto), spec->port,
				100 * loss_ratio(&l), 100 * pa);

			sweep_stop(s, cause);
			free(cause);
			free(want);
			return false;
		}
		if (want[c] < sweep_base_attempts(s, c))
			want[c] = sweep_base_attempts(s, c);
		s->stats[c].confirm_attempts = want[c];
		log_info("%s/%u: loss on answering ports %.2f%% (%.2f%% after "
			 "a loss): %zu silent ports get %u attempts in all",
			 proto_name(spec->proto), spec->port,
			 100 * loss_ratio(&l), 100 * pa, silent, want[c]);
	}
	/* Another order than the first pass's, at another time. */
	permutation_init(&order, s->nports, permutation_mix(s->cfg.seed + 1));
	for (k = 0; k < s->nports; k++) {
		size_t index = permutation_at(&order, k);
		struct sweep_port *p = &s->ports[index];

		c = index / s->nsports;
		if ((p->flags & PORT_FINAL) || !(p->flags & PORT_TIMEOUT) ||
		    p->attempts >= want[c])
			continue;
		sweep_reopen(s, index, want[c], 0);
		queued++;
	}
	free(want);
	s->phase = PHASE_CONFIRM;
	s->spacing_ms[PROTO_UDP] = UDP_CONFIRM_SPACING_MS;
	if (queued > 0)
		log_info("confirming %zu silent ports", queued);
	return true;
}

/* Stepping. */

static void
sweep_release_canaries(struct sweep *s)
{
	size_t i;

	for (i = 0; i < s->npool && s->canaries_inflight > 0; i++) {
		struct attempt *a = &s->pool[i];

		if (a->canary && s->ports[a->index].slot == i)
			sweep_release(s, a, true);
	}
}

static bool
sweep_pass_over(const struct sweep *s)
{
	size_t c;

	for (c = 0; c < s->nchecks; c++)
		if (s->lanes[c].inflight > 0 || s->lanes[c].heap.count > 0 ||
		    s->lanes[c].dcount > 0)
			return false;
	return s->phase != PHASE_MAIN || s->next_initial == s->nports;
}

/*
 * May another attempt of check start now? Retries of silent ports keep to
 * the lane's limit too: letting them beyond it while canaries answered was
 * tried, and against a real server that serves a few at once the retries
 * swamped it again and ran out of attempts (false drops, in the unit test
 * a_swamped_server_with_a_hole_reads_exactly_the_hole).
 */
static bool
sweep_room(const struct sweep *s, size_t check)
{
	const struct sweep_lane *l = &s->lanes[check];

	if (s->inflight[PROTO_UDP] + s->inflight[PROTO_TCP] >= s->cfg.window ||
	    (double)l->inflight >= l->limit)
		return false;
	if (s->cfg.checks.checks[check].proto != PROTO_TCP)
		return true;
	return s->inflight[PROTO_TCP] < s->cfg.tcp_window &&
	       (s->cfg.tcp_port_window == 0 ||
		l->inflight - l->overdue < s->cfg.tcp_port_window);
}

/* The next port to start, or SIZE_MAX; *wake_ms gets when one will be due. */
static size_t
sweep_next(struct sweep *s, uint32_t now_ms, uint32_t *wake_ms)
{
	struct retry_heap *h;
	size_t c, best = SIZE_MAX;

	for (c = 0; c < s->nchecks; c++) {
		h = &s->lanes[c].heap;
		if (h->count == 0)
			continue;
		if (h->items[0].ready_ms > now_ms) {
			if (h->items[0].ready_ms < *wake_ms)
				*wake_ms = h->items[0].ready_ms;
			continue;
		}
		if (!sweep_room(s, c))
			continue;
		if (best == SIZE_MAX ||
		    retry_before(&h->items[0], &s->lanes[best].heap.items[0]))
			best = c;
	}
	if (best != SIZE_MAX)
		return retry_pop(&s->lanes[best].heap).index;
	for (c = 0; c < s->nchecks; c++) {
		struct sweep_lane *l = &s->lanes[c];

		if (l->dcount > 0 && sweep_room(s, c)) {
			uint32_t index = l->deferred[l->dhead];

			l->dhead = (l->dhead + 1) % DEFERRED_MAX;
			l->dcount--;
			return index;
		}
	}
	while (s->phase == PHASE_MAIN && s->next_initial < s->nports) {
		uint64_t k = s->next_initial++;
		/* Source ports in a keyed order; the checks of one port
		 * together, in an order of their own, so that one UDP socket
		 * serves them all. */
		size_t sport =
			(size_t)permutation_at(&s->order, k / s->nchecks);
		size_t check = (size_t)((k % s->nchecks +
					 permutation_mix(s->cfg.seed ^ sport)) %
					s->nchecks);
		size_t index = check * s->nsports + sport;
		struct sweep_lane *l = &s->lanes[check];

		if (sweep_room(s, check))
			return index;
		/* Its lane is full: set aside, in order, while the other
		 * checks go on; when full too, wait. */
		if (l->dcount == DEFERRED_MAX) {
			s->next_initial--;
			break;
		}
		l->deferred[(l->dhead + l->dcount++) % DEFERRED_MAX] =
			(uint32_t)index;
	}
	return SIZE_MAX;
}

/* In slots of their own beyond the window. */
static bool
sweep_canary_room(const struct sweep *s)
{
	return s->canaries_inflight < (s->cfg.agent
					       ? CANARY_INFLIGHT_MAX
					       : AGENTLESS_CANARY_INFLIGHT_MAX);
}

static bool
sweep_canary_due(struct sweep *s)
{
	return s->canary_count > 0 && s->now_ns >= s->next_canary_ns &&
	       sweep_canary_room(s);
}

static void
sweep_launch_canary(struct sweep *s)
{
	size_t n =
		s->canary_count < CANARY_POOL ? s->canary_count : CANARY_POOL;
	size_t index = s->canary_pool[sweep_random(s) % n];

	s->next_canary_ns =
		s->now_ns + (uint64_t)(s->cfg.agent
					       ? CANARY_INTERVAL_MS
					       : AGENTLESS_CANARY_INTERVAL_MS) *
				    1000000u;
	/* Busy again (a rerun): the next canary picks another. */
	if (s->ports[index].flags & PORT_BUSY)
		return;
	sweep_launch(s, index, true);
}

static uint64_t
sweep_step_inner(struct sweep *s)
{
	uint32_t now_ms, wake_ms = UINT32_MAX;
	uint64_t wake_ns = UINT64_MAX, wait_ns, next;
	struct wheel_timer *t;
	unsigned launched = 0;
	size_t index;

	s->now_ns = sweep_now(s);
	if (s->phase == PHASE_DONE || s->stopped)
		return 0;
	now_ms = sweep_ms(s, s->now_ns);
	while ((t = wheel_expire(&s->wheel, now_ms)) != NULL)
		sweep_attempt_timeout(
			s, (struct attempt *)((char *)t -
					      offsetof(struct attempt, timer)));
	if (s->stopped)
		return 0;
	sweep_prune_failures(s, now_ms);
	if (s->outage && s->now_ns - s->outage_start_ns >
				 (uint64_t)OUTAGE_MAX_MS * 1000000u) {
		sweep_stop(s, "the path stopped answering (an outage of more "
			      "than 30 s: canaries to ports that answered "
			      "before failed throughout)");
		return 0;
	}
	if (s->budget_end_ms != 0 && now_ms >= s->budget_end_ms) {
		size_t p;

		for (p = 0; p < s->nchecks; p++)
			while (s->lanes[p].heap.count > 0) {
				index = retry_pop(&s->lanes[p].heap).index;
				s->ports[index].flags &= (uint8_t)~PORT_QUEUED;
				s->ports[index].max_attempts =
					s->ports[index].attempts;
				s->finished++;
			}
	}
	for (;;) {
		if (sweep_pass_over(s)) {
			if (s->phase == PHASE_MAIN) {
				if (!sweep_start_confirmation(s))
					return 0;
				continue;
			}
			sweep_release_canaries(s);
			s->phase = PHASE_DONE;
			return 0;
		}
		if (launched == SWEEP_BATCH)
			return s->now_ns; /* let replies be read */
		/* The time of this send, not of the step's start: the bucket
		 * must not pay out at once what the work before it took, and
		 * a round trip counts from the send. */
		s->now_ns = sweep_now(s);
		if (sweep_canary_due(s)) {
			sweep_launch_canary(s);
			launched++;
			continue;
		}
		if (s->outage)
			break;
		if (!bucket_take(&s->bucket, s->now_ns, &wait_ns)) {
			if (s->now_ns + wait_ns < wake_ns)
				wake_ns = s->now_ns + wait_ns;
			break;
		}
		index = sweep_next(s, now_ms, &wake_ms);
		if (index == SIZE_MAX) {
			bucket_refund(&s->bucket);
			break;
		}
		sweep_launch(s, index, false);
		launched++;
		if (s->stopped)
			return 0;
	}
	if (wake_ms != UINT32_MAX && sweep_ns(s, wake_ms) < wake_ns)
		wake_ns = sweep_ns(s, wake_ms);
	next = wheel_next(&s->wheel);
	if (next != UINT64_MAX && sweep_ns(s, next) < wake_ns)
		wake_ns = sweep_ns(s, next);
	/* A canary in flight wakes us through its deadline. */
	if (s->canary_count > 0 && sweep_canary_room(s) &&
	    s->next_canary_ns < wake_ns)
		wake_ns = s->next_canary_ns;
	/* Nothing due now could start (the window is full): a reply or a
	 * deadline will free a slot; never spin. */
	return wake_ns > s->now_ns ? wake_ns : s->now_ns + 1000000u;
}

uint64_t
sweep_step(struct sweep *s)
{
	uint64_t next = sweep_step_inner(s);
	int p;

	for (p = 0; p < 2; p++)
		if (s->transports[p]->flush != NULL)
			s->transports[p]->flush(s);
	return next;
}

const char *
sweep_engine(const struct sweep *s)
{
	return s->transports[PROTO_UDP]->name;
}

void
sweep_stop(struct sweep *s, const char *cause)
{
	size_t i;

	if (cause != NULL && s->error == NULL)
		s->error = xstrdup(cause);
	s->stopped = true;
	s->now_ns = sweep_now(s);
	for (i = 0; i < s->npool; i++) {
		struct attempt *a = &s->pool[i];

		if (a->index < s->nports && s->ports[a->index].slot == i)
			sweep_release(s, a, true);
	}
	for (i = 0; i < s->nchecks; i++)
		while (s->lanes[i].heap.count > 0)
			s->ports[retry_pop(&s->lanes[i].heap).index].flags &=
				(uint8_t)~PORT_QUEUED;
	s->phase = PHASE_DONE;
}

void
sweep_rerun(struct sweep *s, const uint32_t *indices, size_t n,
	    const struct sweep_rerun *how)
{
	uint32_t now_ms;
	size_t i;

	s->now_ns = sweep_now(s);
	now_ms = sweep_ms(s, s->now_ns);
	s->phase = PHASE_RERUN;
	s->stopped = false;
	bucket_init(&s->bucket, how->rate ? how->rate : s->cfg.rate, s->now_ns);
	s->spacing_ms[PROTO_UDP] = how->spacing_ms;
	s->spacing_ms[PROTO_TCP] = how->spacing_ms > TCP_SPACING_MS
					   ? how->spacing_ms
					   : TCP_SPACING_MS;
	s->budget_end_ms =
		how->budget_ms ? now_ms + how->delay_ms + how->budget_ms : 0;
	for (i = 0; i < n; i++) {
		struct sweep_port *p = &s->ports[indices[i]];

		if (p->ready_ms < now_ms + how->delay_ms)
			p->ready_ms = now_ms + how->delay_ms;
		sweep_reopen(s, indices[i],
			     (unsigned)p->attempts + how->attempts, 0);
	}
}

struct sweep *
sweep_new(const struct sweep_config *config, struct event_bus *bus)
{
	struct sweep *s = xcalloc(1, sizeof *s);
	size_t i;
	int p;

	s->cfg = *config;
	s->cfg.checks.checks = xreallocarray(NULL, config->checks.count,
					     sizeof *config->checks.checks);
	memcpy(s->cfg.checks.checks, config->checks.checks,
	       config->checks.count * sizeof *config->checks.checks);
	range_list_copy(&s->cfg.sports, &config->sports);
	s->bus = bus;
	s->clock = config->clock ? config->clock : &sweep_real_clock;
	s->transports[PROTO_UDP] = config->transports[PROTO_UDP]
					   ? config->transports[PROTO_UDP]
					   : &udp_transport;
	s->transports[PROTO_TCP] = config->transports[PROTO_TCP]
					   ? config->transports[PROTO_TCP]
					   : &tcp_transport;
	s->nchecks = config->checks.count;
	s->nsports = range_list_size(&config->sports);
	s->nports = s->nsports * s->nchecks;
	if (s->cfg.window == 0)
		s->cfg.window = 1;
	if (s->cfg.window > s->nports + 1)
		s->cfg.window = (unsigned)s->nports + 1;
	if (s->cfg.tcp_window == 0 || s->cfg.tcp_window > s->cfg.window)
		s->cfg.tcp_window = s->cfg.window;
	if (s->cfg.attempts == 0)
		s->cfg.attempts = 1;
	if (s->cfg.seed == 0 && getrandom(&s->cfg.seed, sizeof s->cfg.seed,
					  0) != sizeof s->cfg.seed)
		s->cfg.seed = sweep_monotonic_ns(NULL);
	s->random_state = s->cfg.seed;
	s->sport_table = xcalloc(s->nsports + 1, sizeof *s->sport_table);
	for (i = 0; i < s->nsports; i++)
		s->sport_table[i] = range_list_port_at(&config->sports, i);
	s->ports = xcalloc(s->nports + 1, sizeof *s->ports);
	for (i = 0; i < s->nports; i++) {
		s->ports[i].max_attempts =
			(uint8_t)sweep_base_attempts(s, i / s->nsports);
		s->ports[i].slot = SLOT_NONE;
	}
	s->stats = xcalloc(s->nchecks + 1, sizeof *s->stats);
	/* Slots beyond the window: the canaries'. */
	s->npool = s->cfg.window + CANARY_INFLIGHT_MAX;
	s->pool = xcalloc(s->npool, sizeof *s->pool);
	for (i = 0; i < s->npool; i++) {
		s->pool[i].sweep = s;
		s->pool[i].fd = -1;
		s->pool[i].index = UINT32_MAX;
		s->pool[i].next_free =
			i + 1 < s->npool ? &s->pool[i + 1] : NULL;
	}
	s->free_list = &s->pool[0];
	permutation_init(&s->order, s->nsports, s->cfg.seed);
	s->lanes = xcalloc(s->nchecks + 1, sizeof *s->lanes);
	for (i = 0; i < s->nchecks; i++)
		s->lanes[i].limit = s->cfg.agent ? s->cfg.window
				    : s->cfg.checks.checks[i].proto == PROTO_UDP
					    ? AGENTLESS_UDP_START
					    : AGENTLESS_TCP_START;
	s->spacing_ms[PROTO_UDP] = UDP_SPACING_MS;
	s->spacing_ms[PROTO_TCP] = TCP_SPACING_MS;
	for (p = 0; p < 2; p++) {
		s->transport_state[p] = s->transports[p]->open
						? s->transports[p]->open(s)
						: NULL;
		if (s->transport_state[p] == NULL &&
		    s->transports[p]->fallback != NULL) {
			s->transports[p] = s->transports[p]->fallback;
			s->transport_state[p] =
				s->transports[p]->open
					? s->transports[p]->open(s)
					: NULL;
		}
	}
	return s;
}

void
sweep_start(struct sweep *s)
{
	struct sweep_event ev = {0};

	s->start_ns = s->now_ns = sweep_now(s);
	wheel_init(&s->wheel, 0);
	bucket_init(&s->bucket, s->cfg.rate, s->start_ns);
	s->next_canary_ns = s->start_ns + CANARY_INTERVAL_MS * 1000000u;
	s->finished = 0;
	sweep_publish(s, SWEEP_EVENT_START, SIZE_MAX, &ev);
}

void
sweep_free(struct sweep *s)
{
	size_t c;
	int p;

	if (s == NULL)
		return;
	if (s->phase != PHASE_DONE && s->start_ns != 0)
		sweep_stop(s, NULL);
	for (p = 0; p < 2; p++)
		if (s->transports[p]->close != NULL)
			s->transports[p]->close(s->transport_state[p]);
	sodium_memzero(s->cfg.session_key, sizeof s->cfg.session_key);
	check_list_free(&s->cfg.checks);
	range_list_free(&s->cfg.sports);
	for (c = 0; c < s->nchecks; c++)
		free(s->lanes[c].heap.items);
	free(s->lanes);
	free(s->pool);
	free(s->ports);
	free(s->stats);
	free(s->sport_table);
	free(s->failures);
	free(s->outages);
	free(s->error);
	free(s);
}
