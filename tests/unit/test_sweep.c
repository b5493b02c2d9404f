/* Unit tests for probe/sweep.c: the scheduler driven by a fake clock and a
 * fake transport, without sockets or an event loop. */
/* Each test decides, per (port, attempt), what the far side does; the
 * driver moves time to the next thing due, so every figure is exact. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/classify.h"
#include "probe/sweep.h"

TestSuite(sweep);

#define MS 1000000ULL

enum fake_outcome {
	FAKE_REPLY, /* a valid reply after the round trip */
	FAKE_SILENT, /* nothing, ever */
	FAKE_REJECT, /* an ICMP error after the round trip */
	FAKE_HANDSHAKE_ONLY, /* TCP: connected, then the service is silent */
};

struct fake_event {
	uint64_t at;
	uint32_t slot, generation;
	enum fake_outcome kind;
	bool handshake; /* TCP: this event is the handshake */
};

struct fake {
	uint64_t now;
	struct sweep *s;
	enum fake_outcome (*decide)(const struct fake *f,
				    const struct attempt *a);
	uint64_t rtt_ns;
	uint64_t outage_from, outage_to; /* everything silent between */
	struct fake_event *events;
	size_t nevents, alloc;
	size_t inflight, max_inflight, starts;
	/* Counted TCP attempts in flight not yet overdue, the most (counted
	 * when TCP attempts may be overdue). */
	bool watch_held;
	size_t max_held;
	/* Counted (not canary) attempts in flight, by check, and the most. */
	size_t check_inflight[2], check_max[2];
	size_t *first_order; /* ports in the order of their first attempt */
	size_t nfirst;
	uint64_t *last_send; /* per port, the last attempt's time */
	uint64_t min_gap; /* the least time between two attempts of a port */
	/* Time an attempt ended by its deadline costs the sweep (its work
	 * before it sends again); the attempts' send times. */
	uint64_t timeout_cost;
	uint64_t *sent_at;
	size_t nsent;
	struct event_bus bus; /* nobody listens */
};

static struct fake *F;
/* The next fake_new's far side: an agent (true) or a real server. */
static bool fake_agent = true;
/* The next fake_new's TCP attempts in flight per port at most; 0: none. */
static unsigned fake_tcp_port_window;
/* The next fake_new's TCP attempts leave that bound once overdue. */
static bool fake_tcp_overdue_frees;

static uint64_t
fake_now(void *arg)
{
	(void)arg;
	return F->now;
}

static const struct sweep_clock fake_clock = {fake_now, NULL};

static void
fake_schedule(struct attempt *a, uint64_t at, enum fake_outcome kind,
	      bool handshake)
{
	if (F->nevents == F->alloc) {
		F->alloc = F->alloc ? F->alloc * 2 : 1024;
		F->events = realloc(F->events, F->alloc * sizeof *F->events);
	}
	F->events[F->nevents++] =
		(struct fake_event){at, (uint32_t)sweep_attempt_slot_index(a),
				    a->generation, kind, handshake};
}

static enum transport_start
fake_start(struct sweep *s, struct attempt *a)
{
	enum proto proto = sweep_check_of(s, a->index)->proto;
	enum fake_outcome kind;

	F->starts++;
	if (!a->canary) {
		if (F->sent_at != NULL)
			F->sent_at[F->nsent++] = F->now;
		if (F->last_send[a->index] == 0)
			F->first_order[F->nfirst++] = a->index;
		else if (F->now - F->last_send[a->index] < F->min_gap)
			F->min_gap = F->now - F->last_send[a->index];
		F->last_send[a->index] = F->now;
	}
	kind = F->decide(F, a);
	if (F->now >= F->outage_from && F->now < F->outage_to)
		kind = FAKE_SILENT;
	if (++F->inflight > F->max_inflight)
		F->max_inflight = F->inflight;
	if (F->watch_held && !a->canary && proto == PROTO_TCP) {
		const struct attempt *b;
		size_t i, held = 0;

		/* Free slots hold an index past the ports. */
		for (i = 0; (b = sweep_attempt_slot(s, i)) != NULL; i++)
			held += b->index < sweep_nports(s) && !b->canary &&
				!b->overdue &&
				sweep_attempt_of(s, b->index) == b;
		if (held > F->max_held)
			F->max_held = held;
	}
	if (!a->canary && a->index / sweep_nsports(s) < 2) {
		size_t c = a->index / sweep_nsports(s);

		if (++F->check_inflight[c] > F->check_max[c])
			F->check_max[c] = F->check_inflight[c];
	}
	if (kind == FAKE_SILENT)
		return TRANSPORT_STARTED;
	if (proto == PROTO_TCP && kind != FAKE_REJECT) {
		fake_schedule(a, F->now + F->rtt_ns, kind, true);
		if (kind == FAKE_REPLY)
			fake_schedule(a, F->now + 2 * F->rtt_ns, kind, false);
		return TRANSPORT_STARTED;
	}
	fake_schedule(a, F->now + F->rtt_ns, kind, false);
	return TRANSPORT_STARTED;
}

static void
fake_stop(struct sweep *s, struct attempt *a, bool abort)
{
	F->inflight--;
	if (abort && a->connected_ns == 0)
		F->now += F->timeout_cost;
	if (!a->canary && a->index / sweep_nsports(s) < 2)
		F->check_inflight[a->index / sweep_nsports(s)]--;
}

static const struct transport_ops fake_transport = {
	"fake", NULL, NULL, fake_start, fake_stop, NULL, NULL, NULL,
};

static void
fake_deliver(const struct fake_event *e)
{
	struct attempt *a = sweep_attempt_slot(F->s, e->slot);

	if (a == NULL || a->generation != e->generation ||
	    sweep_attempt_of(F->s, a->index) != a)
		return; /* released before: its deadline passed */
	if (e->handshake)
		sweep_attempt_handshake(a);
	else if (e->kind == FAKE_REJECT)
		sweep_attempt_rejected(a, ECONNREFUSED);
	else
		sweep_attempt_reply(a, 0);
}

/* Runs the sweep (or the pass set up before) to its end. */
static void
fake_drive(struct fake *f)
{
	size_t i, steps = 0;
	uint64_t next, soonest;

	for (;;) {
		cr_assert_lt(steps++, 2000000,
			     "the sweep does not end: at %llu ms, %zu started, "
			     "%zu in flight, %zu events",
			     (unsigned long long)(f->now / MS), f->starts,
			     f->inflight, f->nevents);
		next = sweep_step(f->s);
		if (next == 0)
			break;
		soonest = next;
		for (i = 0; i < f->nevents; i++)
			if (f->events[i].at < soonest)
				soonest = f->events[i].at;
		if (soonest > f->now)
			f->now = soonest;
		for (i = 0; i < f->nevents;) {
			if (f->events[i].at <= f->now) {
				struct fake_event e = f->events[i];

				f->events[i] = f->events[--f->nevents];
				fake_deliver(&e);
			} else
				i++;
		}
	}
}

/* A sweep of one check per spec ("udp/7000" style) over sports. */
static struct fake *
fake_new(const char *spec, const char *sports, unsigned window,
	 unsigned attempts, unsigned rate,
	 enum fake_outcome (*decide)(const struct fake *,
				     const struct attempt *))
{
	struct fake *f = calloc(1, sizeof *f);
	struct sweep_config cfg;
	char *cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	cr_assert_eq(check_list_parse(spec, &cfg.checks, &cause), 0, "%s",
		     cause);
	cr_assert_eq(range_list_parse(sports, &cfg.sports, 1, &cause), 0, "%s",
		     cause);
	cfg.target.ss_family = AF_INET;
	cfg.agent = fake_agent;
	cfg.window = window;
	cfg.tcp_port_window = fake_tcp_port_window;
	cfg.tcp_overdue_frees = fake_tcp_overdue_frees;
	cfg.attempts = attempts;
	cfg.rate = rate;
	cfg.timeout_ms = 300;
	cfg.seed = 99;
	cfg.transports[PROTO_UDP] = &fake_transport;
	cfg.transports[PROTO_TCP] = &fake_transport;
	cfg.clock = &fake_clock;
	F = f;
	f->now = 1000 * MS;
	f->rtt_ns = 1 * MS;
	f->decide = decide;
	f->watch_held = fake_tcp_overdue_frees;
	f->min_gap = UINT64_MAX;
	f->s = sweep_new(&cfg, &f->bus);
	f->first_order = calloc(sweep_nports(f->s) + 1, sizeof *f->first_order);
	f->last_send = calloc(sweep_nports(f->s) + 1, sizeof *f->last_send);
	check_list_free(&cfg.checks);
	range_list_free(&cfg.sports);
	return f;
}

/* fake_new's sweep, started and run to its end. */
static struct fake *
fake_run(const char *spec, const char *sports, unsigned window,
	 unsigned attempts, unsigned rate,
	 enum fake_outcome (*decide)(const struct fake *,
				     const struct attempt *))
{
	struct fake *f = fake_new(spec, sports, window, attempts, rate, decide);

	sweep_start(f->s);
	fake_drive(f);
	return f;
}

static void
fake_free(struct fake *f)
{
	sweep_free(f->s);
	free(f->events);
	free(f->first_order);
	free(f->last_send);
	free(f->sent_at);
	free(f);
	F = NULL;
}

/* The sweep ended without an error, every port ok. */
static void
assert_every_port_ok(const struct fake *f)
{
	size_t i;

	cr_assert_null(sweep_error(f->s));
	for (i = 0; i < sweep_nports(f->s); i++)
		cr_assert(sweep_port_at(f->s, i)->flags & PORT_OK, "port %zu",
			  i);
}

static enum fake_outcome
all_reply(const struct fake *f, const struct attempt *a)
{
	(void)f;
	(void)a;
	return FAKE_REPLY;
}

Test(sweep, every_port_answers_its_first_attempt)
{
	struct fake *f = fake_run("udp/7000,tcp/7000", "40000-40999", 64, 3, 0,
				  all_reply);
	size_t i;

	cr_assert_null(sweep_error(f->s));
	cr_assert(sweep_over(f->s));
	for (i = 0; i < sweep_nports(f->s); i++) {
		const struct sweep_port *p = sweep_port_at(f->s, i);

		cr_assert(p->flags & PORT_OK, "port %zu", i);
		cr_assert_eq(p->attempts, 1, "port %zu", i);
	}
	cr_assert_eq(f->nfirst, 2000);
	cr_assert_leq(f->max_inflight, 64 + 16); /* the window and canaries */
	cr_assert_eq(f->inflight, 0);
	fake_free(f);
}

Test(sweep, the_order_is_a_keyed_shuffle_not_ascending)
{
	struct fake *f =
		fake_run("udp/7000", "1024-65535", 16384, 1, 0, all_reply);
	size_t i, ascending = 0;

	cr_assert_eq(f->nfirst, 64512);
	for (i = 0; i + 1 < f->nfirst; i++)
		ascending += f->first_order[i + 1] == f->first_order[i] + 1;
	cr_assert_lt(ascending, 100, "%zu ascending neighbours", ascending);
	fake_free(f);
}

static enum fake_outcome
first_attempt_lost(const struct fake *f, const struct attempt *a)
{
	(void)f;
	if (a->canary)
		return FAKE_REPLY;
	return a->index % 10 == 0 && a->number == 1 ? FAKE_SILENT : FAKE_REPLY;
}

Test(sweep, a_lost_attempt_is_retried_spaced_and_then_answers)
{
	struct fake *f = fake_run("udp/7000", "40000-40999", 1024, 3, 0,
				  first_attempt_lost);
	size_t i;

	for (i = 0; i < 1000; i++) {
		const struct sweep_port *p = sweep_port_at(f->s, i);

		cr_assert(p->flags & PORT_OK);
		cr_assert_eq(p->attempts, i % 10 == 0 ? 2 : 1, "port %zu", i);
	}
	/* The first deadline (--timeout, 300 ms) and the spacing. */
	cr_assert_geq(f->min_gap, 300 * MS, "gap %llu ns",
		      (unsigned long long)f->min_gap);
	fake_free(f);
}

static enum fake_outcome
hole_of_a_hundred(const struct fake *f, const struct attempt *a)
{
	(void)f;
	return a->index >= 500 && a->index < 600 ? FAKE_SILENT : FAKE_REPLY;
}

Test(sweep, silent_ports_get_the_attempts_the_loss_calls_for)
{
	struct fake *f = fake_run("udp/7000", "40000-40999", 1024, 2, 0,
				  hole_of_a_hundred);
	size_t i;

	/* 900 answered at once: loss 1/902, 3/902 after a loss; 1000 ports
	 * need 3 attempts to leave under 0.001 expected false drops. */
	cr_assert_eq(sweep_stats(f->s, 0)->confirm_attempts, 3);
	for (i = 0; i < 1000; i++) {
		const struct sweep_port *p = sweep_port_at(f->s, i);

		if (i >= 500 && i < 600) {
			cr_assert_eq(p->flags & (PORT_OK | PORT_TIMEOUT),
				     PORT_TIMEOUT);
			cr_assert_eq(p->attempts, 3, "port %zu", i);
			cr_assert_eq(p->fails, 3);
		} else
			cr_assert_eq(p->attempts, 1);
	}
	fake_free(f);
}

static enum fake_outcome
handshake_only(const struct fake *f, const struct attempt *a)
{
	(void)f;
	(void)a;
	return FAKE_HANDSHAKE_ONLY;
}

Test(sweep, a_completed_handshake_ends_the_port_without_a_reply)
{
	struct fake *f =
		fake_run("tcp/7000", "40000-40099", 1024, 3, 0, handshake_only);
	size_t i;

	for (i = 0; i < 100; i++) {
		const struct sweep_port *p = sweep_port_at(f->s, i);

		cr_assert_eq(p->flags &
				     (PORT_OK | PORT_HANDSHAKE | PORT_TIMEOUT),
			     PORT_HANDSHAKE);
		cr_assert_eq(p->attempts, 1);
		cr_assert_eq(
			classify_port(&(struct classify_input){
					      .flags = p->flags, .agent = true})
				.status,
			STATUS_OK);
	}
	fake_free(f);
}

static enum fake_outcome
rejects_some(const struct fake *f, const struct attempt *a)
{
	(void)f;
	return a->index < 10 ? FAKE_REJECT : FAKE_REPLY;
}

Test(sweep, a_rejection_is_final)
{
	struct fake *f =
		fake_run("udp/7000", "40000-40099", 1024, 3, 0, rejects_some);

	cr_assert_eq(sweep_port_at(f->s, 3)->flags & PORT_REJECTED,
		     PORT_REJECTED);
	cr_assert_eq(sweep_port_at(f->s, 3)->attempts, 1);
	cr_assert_eq(sweep_port_at(f->s, 3)->rejected_error, ECONNREFUSED);
	fake_free(f);
}

Test(sweep, the_rate_paces_the_first_attempts)
{
	struct fake *f =
		fake_new("udp/7000", "40000-41999", 16384, 1, 1000, all_reply);
	uint64_t start = f->now;

	sweep_start(f->s);
	fake_drive(f);
	/* 2000 attempts at 1000 per second: about two seconds. */
	cr_assert(f->now - start >= 1990 * MS && f->now - start <= 2100 * MS,
		  "took %llu ms", (unsigned long long)((f->now - start) / MS));
	fake_free(f);
}

static enum fake_outcome
every_third_first_attempt_lost(const struct fake *f, const struct attempt *a)
{
	(void)f;
	return !a->canary && a->index % 3 == 0 && a->number == 1 ? FAKE_SILENT
								 : FAKE_REPLY;
}

/* Deadlines take time to handle (here 2 ms each), so a step sends well
 * after it began: the bucket counts from each send, and no 10 ms sends
 * more than it holds (20 at 2000 per second) and what 10 ms earn. */
Test(sweep, a_step_slowed_by_its_deadlines_sends_no_burst)
{
	struct fake *f = fake_new("udp/7000", "40000-45999", 16384, 3, 2000,
				  every_third_first_attempt_lost);
	size_t i, j = 0, peak = 0;

	f->timeout_cost = 2 * MS;
	f->sent_at = calloc(8000, sizeof *f->sent_at);
	sweep_start(f->s);
	fake_drive(f);
	cr_assert_null(sweep_error(f->s));
	cr_assert_eq(f->nsent, 8000);
	for (i = 0; i < f->nsent; i++) {
		while (f->sent_at[i] - f->sent_at[j] >= 10 * MS)
			j++;
		if (i - j + 1 > peak)
			peak = i - j + 1;
	}
	cr_assert_leq(peak, 40, "%zu attempts in 10 ms", peak);
	fake_free(f);
}

/* The random far side: it loses random_tenths in ten attempts, canaries
 * too, each decided by the next step of the 64-bit LCG random_x (Knuth's
 * MMIX constants); a test sets both before its sweep. */
static unsigned random_tenths;
static uint64_t random_x;

static enum fake_outcome
random_loss(const struct fake *f, const struct attempt *a)
{
	(void)f;
	(void)a;
	random_x = random_x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (random_x >> 33) % 10 < random_tenths ? FAKE_SILENT : FAKE_REPLY;
}

/* 70% of every attempt lost, canaries too: no way to tell holes. */
Test(sweep, loss_too_high_to_tell_holes_stops_with_a_cause)
{
	struct fake *f;

	random_tenths = 7;
	random_x = 1;
	f = fake_run("udp/7000", "40000-40999", 1024, 3, 0, random_loss);
	cr_assert_not_null(sweep_error(f->s));
	cr_assert(strstr(sweep_error(f->s), "a hole cannot be told from "
					    "chance") != NULL,
		  "%s", sweep_error(f->s));
	fake_free(f);
}

/*
 * Three seconds of silence, a second into the sweep: waited out, every port
 * ok, one outage of about its length (TCP canaries wait over a second for
 * their deadline, so its end is seen later).
 */
static void
assert_outage_waited_out(const char *spec, const char *sports, unsigned rate,
			 double longest_s)
{
	struct fake *f = fake_new(spec, sports, 512, 3, rate, all_reply);
	const struct sweep_outage *o;
	size_t n;

	f->outage_from = f->now + 1000 * MS;
	f->outage_to = f->now + 4000 * MS;
	sweep_start(f->s);
	fake_drive(f);
	assert_every_port_ok(f);
	o = sweep_outages(f->s, &n);
	cr_assert_eq(n, 1);
	cr_assert(o[0].start_s >= 0.9 && o[0].start_s <= 1.5, "start %f",
		  o[0].start_s);
	cr_assert(o[0].seconds >= 2.5 && o[0].seconds <= longest_s, "lasted %f",
		  o[0].seconds);
	fake_free(f);
}

Test(sweep, an_outage_is_waited_out_and_never_becomes_a_range)
{
	assert_outage_waited_out("udp/7000", "10000-39999", 10000, 3.5);
}

/* Several canaries are in flight, so a TCP-only sweep sees it too. */
Test(sweep, an_outage_of_a_tcp_sweep_is_waited_out_too)
{
	assert_outage_waited_out("tcp/7000", "10000-19999", 2000, 4.5);
}

/* Random loss is no swamped far side: the pace stays (AIMD would crawl). */
Test(sweep, random_loss_never_slows_the_sweep)
{
	struct fake *f;
	size_t i;

	/* 10% of attempts lost at random, canaries too. */
	random_tenths = 1;
	random_x = 7;
	f = fake_run("udp/7000", "10000-29999", 1024, 3, 4000, random_loss);
	assert_every_port_ok(f);
	cr_assert_eq(sweep_slowed_to(f->s, 0), 0, "slowed to %zu",
		     sweep_slowed_to(f->s, 0));
	cr_assert_null(sweep_slowed_why(f->s, 0));
	cr_assert_eq(sweep_outages(f->s, &i), NULL);
	fake_free(f);
}

Test(sweep, a_rerun_gives_the_named_ports_more_attempts)
{
	struct fake *f = fake_run("udp/7000", "40000-40999", 1024, 2, 0,
				  hole_of_a_hundred);
	uint32_t again[3] = {500, 550, 599};
	uint64_t start;

	cr_assert_eq(sweep_port_at(f->s, 550)->attempts, 3);
	start = f->now;
	sweep_rerun(f->s, again, 3,
		    &(struct sweep_rerun){
			    .attempts = 2, .rate = 10, .spacing_ms = 1000});
	fake_drive(f);
	cr_assert_eq(sweep_port_at(f->s, 500)->attempts, 5);
	cr_assert_eq(sweep_port_at(f->s, 550)->attempts, 5);
	cr_assert_eq(sweep_port_at(f->s, 501)->attempts, 3);
	/* Spaced a second apart. */
	cr_assert_geq(f->now - start, 1000 * MS);
	fake_free(f);
}

/* A swamped far side: it drops what comes while more than swamped_above
 * attempts are in flight; a test sets it before its sweep. */
static size_t swamped_above;

static enum fake_outcome
swamped(const struct fake *f, const struct attempt *a)
{
	(void)a;
	return f->inflight > swamped_above ? FAKE_SILENT : FAKE_REPLY;
}

/* A real server (no agent): the pace may go as low as it needs. */
Test(sweep, a_swamped_far_side_slows_the_sweep_and_nothing_is_lost)
{
	struct fake *f;

	fake_agent = false;
	swamped_above = 50;
	f = fake_run("udp/7000", "40000-44999", 4096, 3, 0, swamped);
	fake_agent = true;
	assert_every_port_ok(f);
	cr_assert_gt(sweep_slowed_to(f->s, 0), 0);
	cr_assert_leq(sweep_slowed_to(f->s, 0), 64);
	fake_free(f);
}

/* An agent serves far more than a real server: cuts stop at 64 in flight,
 * so a hole's silent ports never crawl on a busy host. */
Test(sweep, an_agent_is_never_paced_below_64)
{
	struct fake *f;

	swamped_above = 70;
	f = fake_run("udp/7000", "40000-44999", 4096, 3, 0, swamped);
	assert_every_port_ok(f);
	cr_assert_eq(sweep_slowed_to(f->s, 0), 64);
	cr_assert_str_eq(sweep_slowed_why(f->s, 0),
			 "canaries to ports that answered before failed");
	fake_free(f);
}

/* A swamped far side with a hole of a hundred ports that never answer. */
static enum fake_outcome
swamped_with_a_hole(const struct fake *f, const struct attempt *a)
{
	if (a->index >= 1000 && a->index < 1100)
		return FAKE_SILENT;
	return swamped(f, a);
}

/* A swamped real server and a hole: exactly the hole, whatever it costs. */
Test(sweep, a_swamped_server_with_a_hole_reads_exactly_the_hole)
{
	struct fake *f;
	size_t i;

	/* A real server that drops what comes above 12 in flight. */
	fake_agent = false;
	swamped_above = 12;
	f = fake_run("tcp/7000", "40000-44999", 4096, 3, 0,
		     swamped_with_a_hole);
	fake_agent = true;
	cr_assert_null(sweep_error(f->s));
	for (i = 0; i < 5000; i++)
		cr_assert(sweep_port_at(f->s, i)->flags &
				  (i >= 1000 && i < 1100 ? PORT_TIMEOUT
							 : PORT_OK),
			  "port %zu", i);
	cr_assert_eq(sweep_slowed_to(f->s, 0), 4);
	fake_free(f);
}

static enum fake_outcome
odd_ports_silent(const struct fake *f, const struct attempt *a)
{
	(void)f;
	return !a->canary && a->index % 2 == 1 ? FAKE_SILENT : FAKE_REPLY;
}

/* The agent captures: a TCP attempt whose handshake is overdue holds no
 * room in its listener's queues, so the silent ports of a hole run past
 * the bound while the attempts that could still connect keep to it. */
Test(sweep, overdue_tcp_attempts_leave_the_bound_of_their_agent_port)
{
	struct fake *f;
	size_t i;

	fake_tcp_port_window = 100;
	fake_tcp_overdue_frees = true;
	f = fake_new("tcp/7000", "40000-43999", 4096, 3, 0, odd_ports_silent);
	fake_tcp_port_window = 0;
	fake_tcp_overdue_frees = false;
	sweep_start(f->s);
	fake_drive(f);
	cr_assert_null(sweep_error(f->s));
	cr_assert_eq(f->max_held, 100);
	cr_assert_gt(f->check_max[0], 1000, "at most %zu in flight",
		     f->check_max[0]);
	for (i = 0; i < 4000; i++)
		cr_assert(sweep_port_at(f->s, i)->flags &
				  (i % 2 ? PORT_TIMEOUT : PORT_OK),
			  "port %zu", i);
	fake_free(f);
}

/* --attempts counts tries of the request: a TCP attempt tries its SYN
 * twice, so a silent TCP port gets half the attempts of a UDP one, when
 * the loss measured (none, on 32,256 answering ports) calls for no more. */
Test(sweep, a_silent_tcp_port_gets_half_the_attempts_of_a_udp_one)
{
	struct fake *f = fake_run("udp/7000,tcp/7000", "1024-65535", 16384, 3,
				  0, odd_ports_silent);
	size_t i;

	cr_assert_null(sweep_error(f->s));
	for (i = 0; i < 2 * 64512; i++) {
		const struct sweep_port *p = sweep_port_at(f->s, i);

		cr_assert(p->flags & (i % 2 ? PORT_TIMEOUT : PORT_OK),
			  "port %zu", i);
		cr_assert_eq(p->attempts,
			     i % 2 == 0	 ? 1
			     : i < 64512 ? 3
					 : 2,
			     "port %zu: %u attempts", i, p->attempts);
	}
	fake_free(f);
}

/* The agent's SYN queue is one per listener: each TCP port keeps to the
 * bound on its own, and two ports together go past it. */
Test(sweep, tcp_in_flight_keeps_to_the_bound_of_each_agent_port)
{
	struct fake *f;
	size_t i, ok = 0;

	fake_tcp_port_window = 100;
	f = fake_new("tcp/7000,tcp/7002", "40000-40999", 1024, 2, 0,
		     odd_ports_silent);
	fake_tcp_port_window = 0;
	sweep_start(f->s);
	fake_drive(f);
	cr_assert_null(sweep_error(f->s));
	cr_assert_eq(f->check_max[0], 100);
	cr_assert_eq(f->check_max[1], 100);
	cr_assert_eq(f->check_inflight[0] + f->check_inflight[1], 0);
	for (i = 0; i < sweep_nports(f->s); i++)
		if (sweep_port_at(f->s, i)->flags & PORT_OK) {
			cr_assert_eq(i % 2, 0, "port %zu", i);
			ok++;
		}
	cr_assert_eq(ok, 1000);
	fake_free(f);
}
