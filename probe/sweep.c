/* The sweep scheduler: window, token-bucket rate, retries and the confirmation
 * pass. */
/* Retries wait in a FIFO, not in the window, so dropped ports never serialize
 * the sweep. */
#include "probe/sweep.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

/* Attempts started per loop turn before replies get a chance to be read. */
#define PUMP_BATCH 256
/* How much above --rate the bucket may run to make up for a stall. */
#define SWEEP_CATCH_UP 0.05
/* Confirmation attempts at most, whatever the loss estimate says. */
#define CONFIRM_MAX 8
/* Expected false drops we accept over the whole sweep. */
#define CONFIRM_FALSE_DROPS 0.01

struct retry {
	uint32_t index;
	uint64_t ready_ns;
};

struct sweep_loss {
	uint64_t attempts, timeouts;
};

struct sweep {
	uint64_t random_state; /* xorshift64*: nonces, not secrets */
	struct event_base *base;
	struct sweep_config cfg;
	struct event_bus *bus;
	size_t nsports, nports;
	uint16_t *sport_table;
	struct sweep_port *ports;
	struct attempt *pool;
	struct attempt *free_list;
	size_t inflight;
	size_t next_initial;
	struct retry *queue;
	size_t qhead, qlen, qcap;
	struct timeval timeout_tv;
	const struct timeval *timeout;
	struct event *pump_event;
	double tokens, burst;
	double owed; /* tokens a stall spilled, paid back slowly */
	uint64_t tokens_ns;
	uint64_t start_ns;
	bool confirming;
	uint64_t retry_gap_ns;
	size_t sent, answered, finished;
	/* Per check: attempts and timeouts of ports that answered. */
	struct sweep_loss *loss;
};

uint64_t
sweep_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

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

uint16_t
sweep_sport_of(const struct sweep *s, size_t index)
{
	return s->sport_table[index % s->nsports];
}

const struct timeval *
sweep_timeout(const struct sweep *s)
{
	return s->timeout;
}

struct event_base *
sweep_base(const struct sweep *s)
{
	return s->base;
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

double
sweep_elapsed(const struct sweep *s)
{
	return (double)(sweep_now_ns() - s->start_ns) / 1e9;
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

static uint64_t
sweep_random(struct sweep *s)
{
	s->random_state ^= s->random_state >> 12;
	s->random_state ^= s->random_state << 25;
	s->random_state ^= s->random_state >> 27;
	return s->random_state * 0x2545F4914F6CDD1DULL;
}

static void
sweep_schedule_pump(struct sweep *s, uint64_t delay_ns)
{
	struct timeval tv = {(time_t)(delay_ns / 1000000000u),
			     (suseconds_t)(delay_ns % 1000000000u / 1000)};

	evtimer_add(s->pump_event, &tv);
}

static void
sweep_enqueue(struct sweep *s, size_t index, uint64_t ready_ns)
{
	struct retry *r = &s->queue[(s->qhead + s->qlen) % s->qcap];

	r->index = (uint32_t)index;
	r->ready_ns = ready_ns;
	s->qlen++;
	s->ports[index].flags |= PORT_QUEUED;
}

static bool
sweep_take_tokens(struct sweep *s, uint64_t now)
{
	double earned, repay, cap, low;

	if (s->cfg.rate == 0)
		return true;
	earned = (double)(now - s->tokens_ns) * s->cfg.rate / 1e9;
	s->tokens_ns = now;
	s->tokens += earned;
	/*
	 * A stall (a busy machine) overflows the bucket: keep what spilled
	 * and pay it back at SWEEP_CATCH_UP above the rate, so the rate holds
	 * over seconds. While it does, the bucket holds that much less, so
	 * that no 10 ms ever sends more than the bucket plus the rate's
	 * share. Never more than a second owed: a suspended host does not
	 * storm on waking.
	 */
	/* Never below one token, or a slow rate (a bucket of one) would
	 * never send again. */
	low = s->burst * (1.0 - SWEEP_CATCH_UP);
	if (low < 1.0)
		low = 1.0;
	cap = s->owed > 0 ? low : s->burst;
	if (s->tokens > cap) {
		s->owed += s->tokens - low;
		if (s->owed > s->cfg.rate)
			s->owed = s->cfg.rate;
		s->tokens = cap = low;
	}
	repay = earned * SWEEP_CATCH_UP;
	if (repay > s->owed)
		repay = s->owed;
	if (repay > cap - s->tokens)
		repay = cap - s->tokens > 0 ? cap - s->tokens : 0;
	s->owed -= repay;
	s->tokens += repay;
	if (s->tokens < 1.0) {
		sweep_schedule_pump(
			s,
			(uint64_t)((1.0 - s->tokens) * 1e9 / s->cfg.rate) + 1);
		return false;
	}
	s->tokens -= 1.0;
	return true;
}

static void
sweep_launch(struct sweep *s, size_t index, uint64_t now)
{
	struct sweep_port *port = &s->ports[index];
	const struct transport *t;
	struct attempt *a = s->free_list;
	struct sweep_event ev = {0};
	enum transport_start started;

	s->free_list = a->next_free;
	s->inflight++;
	port->flags |= PORT_QUEUED;
	a->index = index;
	a->number = ++port->attempts;
	a->fd = -1;
	a->finished = false;
	a->phase = 0;
	a->have = 0;
	a->sent_ns = now;
	a->nonce = sweep_random(s);
	memset(a->token, 0, sizeof a->token);
	if (s->cfg.keyed) {
		struct auth_token_input in = {sweep_check_of(s, index)->proto,
					      sweep_check_of(s, index)->port,
					      sweep_sport_of(s, index),
					      s->cfg.session,
					      (uint32_t)index,
					      (uint8_t)a->number};

		auth_token(s->cfg.session_key, &in, a->token);
	}
	t = sweep_check_of(s, index)->proto == PROTO_UDP ? &udp_transport
							 : &tcp_transport;
	started = t->start(a);
	if (started == TRANSPORT_STARTED) {
		s->sent++;
		ev.attempt = a->number;
		sweep_publish(s, SWEEP_EVENT_SENT, index, &ev);
		return;
	}
	sweep_attempt_result(a,
			     started == TRANSPORT_REJECTED
				     ? ATTEMPT_REJECTED
				     : ATTEMPT_LOCAL_ERROR,
			     errno, 0);
	sweep_attempt_release(a, false);
}

/* Which port goes next: a retry that is due, else a new one; SIZE_MAX if none.
 */
static size_t
sweep_next(struct sweep *s, uint64_t now)
{
	struct retry *r;

	if (s->qlen > 0) {
		r = &s->queue[s->qhead];
		if (r->ready_ns <= now) {
			s->qhead = (s->qhead + 1) % s->qcap;
			s->qlen--;
			return r->index;
		}
	}
	/* Source port after source port, every check of each in turn: a
	 * paced or cut-short sweep still covers every check. */
	if (s->next_initial < s->nports) {
		size_t k = s->next_initial++, n = s->cfg.checks.count;

		return (k % n) * s->nsports + k / n;
	}
	if (s->qlen > 0)
		sweep_schedule_pump(s, s->queue[s->qhead].ready_ns - now);
	return SIZE_MAX;
}

/*
 * How many confirmation attempts a check's silent ports get: enough that the
 * expected number of ports silent through random loss alone stays below
 * CONFIRM_FALSE_DROPS, judged from the loss its answering ports met (the
 * whole sweep's when too few answered); at least one.
 */
static unsigned
sweep_confirm_attempts(const struct sweep *s, size_t check, double *loss)
{
	struct sweep_loss pooled = {0, 0};
	const struct sweep_loss *l = &s->loss[check];
	double p, expected;
	unsigned extra = 1;
	size_t c;

	if (l->attempts < 100) {
		for (c = 0; c < s->cfg.checks.count; c++) {
			pooled.attempts += s->loss[c].attempts;
			pooled.timeouts += s->loss[c].timeouts;
		}
		l = &pooled;
	}
	/* Nothing answered anywhere: a black hole, not random loss. */
	if (l->attempts == 0) {
		*loss = 0;
		return 1;
	}
	p = (double)l->timeouts / (double)l->attempts;
	if (p < 1.0 / (double)(l->attempts + 1))
		p = 1.0 / (double)(l->attempts + 1);
	*loss = p;
	expected = (double)s->nsports * pow(p, s->cfg.attempts + extra);
	while (expected >= CONFIRM_FALSE_DROPS && extra < CONFIRM_MAX) {
		extra++;
		expected *= p;
	}
	return extra;
}

/*
 * Confirmation pass: ports that timed out on every attempt get more attempts,
 * spread in time, so that random loss is not reported as a rule.
 */
static void
sweep_start_confirmation(struct sweep *s)
{
	size_t i, c, candidates = 0;
	uint64_t now = sweep_now_ns();
	unsigned *extra = xcalloc(s->cfg.checks.count, sizeof *extra);
	double loss;

	for (c = 0; c < s->cfg.checks.count; c++) {
		extra[c] = sweep_confirm_attempts(s, c, &loss);
		log_info("%s/%u: loss on answering ports %.2f%%: silent ports "
			 "get %u more attempt%s",
			 proto_name(s->cfg.checks.checks[c].proto),
			 s->cfg.checks.checks[c].port, 100.0 * loss, extra[c],
			 extra[c] == 1 ? "" : "s");
	}
	s->confirming = true;
	for (i = 0; i < s->nports; i++) {
		struct sweep_port *port = &s->ports[i];

		if ((port->flags & (PORT_OK | PORT_REJECTED)) ||
		    !(port->flags & PORT_TIMEOUT))
			continue;
		port->max_attempts =
			(uint8_t)(port->max_attempts + extra[i / s->nsports]);
		sweep_enqueue(s, i, now);
		candidates++;
	}
	s->finished -= candidates;
	free(extra);
	if (candidates > 0)
		log_info("confirming %zu silent ports", candidates);
}

static void
sweep_pump(struct sweep *s)
{
	uint64_t now = sweep_now_ns();
	unsigned launched = 0;
	size_t index;

	while (s->inflight < s->cfg.window) {
		if (launched++ == PUMP_BATCH) {
			sweep_schedule_pump(s, 0);
			return;
		}
		if (s->qlen == 0 && s->next_initial == s->nports)
			break;
		if (s->qlen > 0 && s->next_initial == s->nports &&
		    s->queue[s->qhead].ready_ns > now) {
			sweep_schedule_pump(s,
					    s->queue[s->qhead].ready_ns - now);
			return;
		}
		if (!sweep_take_tokens(s, now))
			return;
		index = sweep_next(s, now);
		if (index == SIZE_MAX)
			return;
		sweep_launch(s, index, now);
		now = sweep_now_ns();
	}
	if (s->inflight > 0 || s->qlen > 0 || s->next_initial < s->nports)
		return;
	if (!s->confirming) {
		sweep_start_confirmation(s);
		if (s->qlen > 0) {
			sweep_schedule_pump(s, 0);
			return;
		}
	}
	event_base_loopbreak(s->base);
}

static void
sweep_pump_callback(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sweep_pump(arg);
}

void
sweep_attempt_result(struct attempt *a, enum attempt_result result, int error,
		     uint16_t observed_port)
{
	struct sweep *s = a->sweep;
	struct sweep_port *port = &s->ports[a->index];
	struct sweep_event ev = {0};

	if (a->finished)
		return;
	a->finished = true;
	ev.attempt = a->number;
	ev.error = error;
	switch (result) {
	case ATTEMPT_OK:
		if (port->flags & PORT_OK)
			return;
		port->flags |= PORT_OK;
		s->answered++;
		s->finished++;
		s->loss[a->index / s->nsports].attempts += port->attempts;
		s->loss[a->index / s->nsports].timeouts += port->timeouts;
		port->observed_port = observed_port;
		if (observed_port != 0 &&
		    observed_port != sweep_sport_of(s, a->index))
			port->flags |= PORT_NAT;
		ev.rtt_ms = (double)(sweep_now_ns() - a->sent_ns) / 1e6;
		sweep_publish(s, SWEEP_EVENT_REPLY, a->index, &ev);
		ev.status = STATUS_OK;
		ev.nat_translated = (port->flags & PORT_NAT) != 0;
		ev.observed_port = observed_port;
		sweep_publish(s, SWEEP_EVENT_RESULT, a->index, &ev);
		break;
	case ATTEMPT_REJECTED:
		port->flags |= PORT_REJECTED;
		sweep_publish(s, SWEEP_EVENT_REJECTED, a->index, &ev);
		break;
	case ATTEMPT_TIMEOUT:
		port->flags |= PORT_TIMEOUT;
		port->timeouts++;
		sweep_publish(s, SWEEP_EVENT_TIMEOUT, a->index, &ev);
		break;
	case ATTEMPT_LOCAL_ERROR:
		port->flags |= PORT_LOCAL_ERROR;
		sweep_publish(s, SWEEP_EVENT_ERROR, a->index, &ev);
		break;
	}
}

void
sweep_attempt_release(struct attempt *a, bool abort_connection)
{
	struct sweep *s = a->sweep;
	struct sweep_port *port = &s->ports[a->index];
	uint64_t now = sweep_now_ns();

	if (!a->finished)
		sweep_attempt_result(a, ATTEMPT_TIMEOUT, 0, 0);
	if (a->fd >= 0) {
		if (abort_connection) {
			/* RST, not FIN: no TIME_WAIT left on this source port.
			 */
			struct linger l = {1, 0};

			setsockopt(a->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
		}
		/* close() leaves epoll without a lookup in its tree; libevent's
		 * EPOLL_CTL_DEL that follows fails at once with EBADF, which it
		 * expects. Nothing opens a descriptor in between. */
		close(a->fd);
		event_del(&a->ev);
		a->fd = -1;
	}
	free(a->buf);
	a->buf = NULL;
	port->flags &= (uint8_t)~PORT_QUEUED;
	if (!(port->flags & (PORT_OK | PORT_REJECTED)) &&
	    port->attempts < port->max_attempts)
		sweep_enqueue(s, a->index,
			      now + (s->confirming ? s->retry_gap_ns : 0));
	else if (!(port->flags & PORT_OK))
		s->finished++;
	a->next_free = s->free_list;
	s->free_list = a;
	s->inflight--;
	sweep_schedule_pump(s, 0);
}

static void
sweep_probe_id(const struct attempt *a, struct probe_id *id)
{
	const struct sweep *s = a->sweep;

	memset(id, 0, sizeof *id);
	id->session = s->cfg.session;
	id->seq = (uint32_t)a->index;
	id->attempt = (uint8_t)a->number;
	id->sport = sweep_sport_of(s, a->index);
	id->dport = sweep_check_of(s, a->index)->port;
	id->agent = s->cfg.agent;
	id->dns_name = s->cfg.dns_name;
	id->host = s->cfg.host;
	id->nonce = a->nonce;
	memcpy(id->token, a->token, sizeof id->token);
}

size_t
sweep_attempt_request(const struct attempt *a, uint8_t *buf, size_t size)
{
	const struct check_spec *check = sweep_check_of(a->sweep, a->index);
	struct probe_id id;

	sweep_probe_id(a, &id);
	return service_ops(check->service)
		->request_encode(&id, check->proto, buf, size);
}

enum reply_status
sweep_attempt_match(const struct attempt *a, const uint8_t *buf, size_t len,
		    bool eof, uint16_t *observed_port)
{
	const struct check_spec *check = sweep_check_of(a->sweep, a->index);
	struct reply_info info = {0};
	enum reply_status rc;
	struct probe_id id;

	sweep_probe_id(a, &id);
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
	       error == ECONNRESET;
}

int
transport_socket(const struct attempt *a, int type)
{
	const struct sweep *s = a->sweep;
	struct sockaddr_storage local, remote = s->cfg.target;
	int one = 1, fd, saved;

	fd = socket(remote.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (s->cfg.bind.ss_family != AF_UNSPEC)
		local = s->cfg.bind;
	else {
		memset(&local, 0, sizeof local);
		local.ss_family = remote.ss_family;
	}
	netaddr_set_port((struct sockaddr *)&local,
			 sweep_sport_of(s, a->index));
	netaddr_set_port((struct sockaddr *)&remote,
			 sweep_check_of(s, a->index)->port);
	/* Back-to-back sweeps rebind ports other sockets just used. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&local,
		 netaddr_len((struct sockaddr *)&local)) != 0)
		goto fail;
	if (connect(fd, (struct sockaddr *)&remote,
		    netaddr_len((struct sockaddr *)&remote)) != 0 &&
	    errno != EINPROGRESS) {
		saved = errno;
		close(fd);
		errno = saved;
		return -2;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

struct sweep *
sweep_new(struct event_base *base, const struct sweep_config *config,
	  struct event_bus *bus)
{
	struct sweep *s = xcalloc(1, sizeof *s);
	size_t i;

	s->base = base;
	s->cfg = *config;
	s->bus = bus;
	s->nsports = range_list_size(&config->sports);
	s->nports = s->nsports * config->checks.count;
	if (s->cfg.window > s->nports)
		s->cfg.window = s->nports ? (unsigned)s->nports : 1;
	config = &s->cfg;
	s->sport_table = xcalloc(s->nsports, sizeof *s->sport_table);
	for (i = 0; i < s->nsports; i++)
		s->sport_table[i] = range_list_port_at(&config->sports, i);
	s->ports = xcalloc(s->nports, sizeof *s->ports);
	s->loss = xcalloc(config->checks.count, sizeof *s->loss);
	for (i = 0; i < s->nports; i++)
		s->ports[i].max_attempts = (uint8_t)config->attempts;
	s->pool = xcalloc(config->window, sizeof *s->pool);
	for (i = 0; i < config->window; i++) {
		s->pool[i].sweep = s;
		s->pool[i].fd = -1;
		s->pool[i].next_free =
			i + 1 < config->window ? &s->pool[i + 1] : NULL;
	}
	s->free_list = &s->pool[0];
	s->qcap = s->nports + 1;
	s->queue = xcalloc(s->qcap, sizeof *s->queue);
	s->timeout_tv.tv_sec = config->timeout_ms / 1000;
	s->timeout_tv.tv_usec = (suseconds_t)(config->timeout_ms % 1000) * 1000;
	/* One shared deadline length: libevent keeps these in an O(1) queue. */
	s->timeout = event_base_init_common_timeout(base, &s->timeout_tv);
	if (s->timeout == NULL)
		s->timeout = &s->timeout_tv;
	/* Confirmation attempts are spread so that a burst of loss cannot
	 * take them all, and kept short: a tenth of the timeout, 20-100 ms. */
	s->retry_gap_ns = (uint64_t)config->timeout_ms * 100000u;
	if (s->retry_gap_ns < 20000000u)
		s->retry_gap_ns = 20000000u;
	if (s->retry_gap_ns > 100000000u)
		s->retry_gap_ns = 100000000u;
	s->burst = config->rate > 100 ? config->rate / 100.0 : 1.0;
	s->pump_event = evtimer_new(base, sweep_pump_callback, s);
	if (getrandom(&s->random_state, sizeof s->random_state, 0) !=
		    sizeof s->random_state ||
	    s->random_state == 0)
		s->random_state = sweep_now_ns() | 1;
	return s;
}

int
sweep_run(struct sweep *s)
{
	struct sweep_event ev = {0};

	s->start_ns = sweep_now_ns();
	s->tokens_ns = s->start_ns;
	s->tokens = 1.0;
	sweep_publish(s, SWEEP_EVENT_START, SIZE_MAX, &ev);
	if (s->nports == 0)
		return 0;
	sweep_schedule_pump(s, 0);
	return event_base_dispatch(s->base) < 0 ? -1 : 0;
}

void
sweep_free(struct sweep *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cfg.window; i++) {
		if (s->pool[i].fd >= 0) {
			event_del(&s->pool[i].ev);
			close(s->pool[i].fd);
		}
		free(s->pool[i].buf);
	}
	event_free(s->pump_event);
	sodium_memzero(s->cfg.session_key, sizeof s->cfg.session_key);
	free(s->pool);
	free(s->queue);
	free(s->ports);
	free(s->loss);
	free(s->sport_table);
	free(s);
}
