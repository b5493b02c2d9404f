/* Sweeping one target of the plan: per group of checks that share source
 * ports, its agent session, its sweep, the agent's evidence, re-probes
 * where the evidence or the ICMP was short, then every port's result. */
/* Results leave here alone, as RESULT events after the evidence is in; the
 * run's aggregator writes them into the report (docs/design.md §Data
 * flow). What the sweep measured of the path goes to the report beside. */
#include "probe/target.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"
#include "probe/classify.h"
#include "probe/rejects.h"
#include "probe/session.h"
#include "probe/stats.h"
#include "probe/sweep.h"
#include "probe/unfiltered.h"

/*
 * The seen-log tells a silent port's direction, and NAT for services whose
 * replies do not say what the agent saw (their row's reply_says_observed).
 * When every port answered a service that does say, its round trips are
 * skipped: they were a third of a clean UDP sweep's time.
 */
static bool
target_needs_seen(const struct sweep *sweep, const struct sweep_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->checks.count; i++)
		if (!service_ops(cfg->checks.checks[i].service)
			     ->reply_says_observed)
			return true;
	for (i = 0; i < sweep_nports(sweep); i++)
		if (!(sweep_port_at(sweep, i)->flags & PORT_OK))
			return true;
	return false;
}

/* Why the agent was lost during the sweep (probe_session_watch). */
struct target_lost {
	struct event_base *base;
	struct sweep *sweep; /* whose outage excuses missed keepalives */
	char *cause;
};

static bool
target_path_out(void *arg)
{
	const struct target_lost *lost = arg;

	return lost->sweep != NULL && sweep_in_outage(lost->sweep);
}

static void
target_lost_callback(void *arg, const char *cause)
{
	struct target_lost *lost = arg;

	lost->cause = xstrdup(cause);
	event_base_loopbreak(lost->base);
}

/* Every source port the run sweeps, whatever the check: the control
 * connection must take none of them. */
static void
target_swept_ports(const struct report *r, struct range_list *out)
{
	size_t i, k;

	for (i = 0; i < r->nchecks; i++)
		for (k = 0; k < r->checks[i].sports.count; k++)
			range_list_add(out, r->checks[i].sports.ranges[k].from,
				       r->checks[i].sports.ranges[k].to);
}

/* The agent's losses that bear on check: its own socket overflows. */
static struct seen_losses
target_check_losses(const struct seen_report *seen, size_t check)
{
	struct seen_losses l = seen->losses;

	l.socket_overflows = seen->checks[check].socket_overflows;
	return l;
}

/* The source address used toward target, for the report: no packet is sent. */
static void
target_local_address(const struct sockaddr *target, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof *ss;
	int fd = socket(target->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(ss, 0, sizeof *ss);
	if (fd < 0)
		return;
	if (connect(fd, target, netaddr_len(target)) == 0)
		getsockname(fd, (struct sockaddr *)ss, &len);
	close(fd);
}

/* Evidence re-probes: how fast and how often, and how long they may take. */
#define RECHECK_RATE 500
#define RECHECK_ATTEMPTS 2
#define RECHECK_SPACING_MS 500
/* Rounds at most, each after a longer pause: the losses are counted for
 * the whole agent host, and other sessions may still be sweeping it. */
#define RECHECK_ROUNDS 3
/*
 * Rejected blocks: one probe at a time, past the per-peer ICMP limit of
 * Linux routers and hosts (a token a second once the burst of six is
 * spent), a dozen probes per block at most, half a minute per group.
 */
#define ICMP_SPACING_MS 1100
#define ICMP_PROBES_PER_BLOCK 12
#define ICMP_BUDGET_MS 30000
/* Tries per paced probe: enough that loss misses a reject less often than
 * ICMP_MISS_MAX, at most ICMP_ATTEMPTS_MAX. */
#define ICMP_MISS_MAX 0.001
#define ICMP_ATTEMPTS_MAX 4

/* One sweep over the checks that share a set of source ports: its session,
 * its sweep, the agent's evidence and each port's outcome. */
struct group {
	struct event_base *base;
	const struct plan_target *target;
	const struct plan_settings *settings;
	struct report *report;
	const struct plan_group *checks; /* indices into the report */
	struct event_bus *run_bus; /* results go there */
	struct sweep_config cfg;
	struct event_bus bus; /* the sweep's own events */
	struct probe_session *session;
	struct probe_session_info info;
	struct target_lost lost;
	struct sweep *sweep;
	struct seen_report seen;
	bool have_seen;
	struct seen_losses *losses_before; /* per check, at the last fetch */
	struct classify_result *results; /* per port of the sweep */
	bool *settled; /* its result rests on complete evidence */
	size_t *rejected_inferred; /* per check */
	uint64_t icmp_spent_ms;
};

static void target_note(struct group *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
group_free(struct group *g)
{
	sweep_free(g->sweep);
	if (g->have_seen)
		seen_report_free(&g->seen);
	probe_session_close(g->session);
	free(g->lost.cause);
	event_bus_free(&g->bus);
	check_list_free(&g->cfg.checks);
	range_list_free(&g->cfg.sports);
	free(g->losses_before);
	free(g->results);
	free(g->settled);
	free(g->rejected_inferred);
	sodium_memzero(g->cfg.session_key, sizeof g->cfg.session_key);
	sodium_memzero(g->info.session_key, sizeof g->info.session_key);
}

/* The sweep's configuration from the report's checks and the settings. */
static void
group_configure(struct group *g)
{
	const struct plan_target *t = g->target;
	struct sweep_config *cfg = &g->cfg;
	char addr_text[NETADDR_STRLEN];
	size_t i;

	cfg->target = t->address;
	cfg->bind = t->bind;
	cfg->agent = t->agent;
	cfg->dns_name = t->dns_name;
	netaddr_format((struct sockaddr *)&cfg->target, addr_text);
	snprintf(cfg->host, sizeof cfg->host,
		 cfg->target.ss_family == AF_INET6 ? "[%s]" : "%s", addr_text);
	range_list_copy(&cfg->sports,
			&g->report->checks[g->checks->checks[0]].sports);
	for (i = 0; i < g->checks->nchecks; i++) {
		const struct report_check *c =
			&g->report->checks[g->checks->checks[i]];
		struct check_spec *spec;

		cfg->checks.checks =
			xreallocarray(cfg->checks.checks, cfg->checks.count + 1,
				      sizeof *cfg->checks.checks);
		spec = &cfg->checks.checks[cfg->checks.count++];
		spec->proto = c->proto;
		spec->port = c->port;
		spec->service = c->service;
	}
	cfg->rate = g->settings->rate;
	cfg->attempts = g->settings->attempts;
	cfg->timeout_ms = g->settings->timeout_ms;
	cfg->window = g->settings->window;
	cfg->tcp_window = g->settings->max_conntrack;
	if (g->settings->raw)
		cfg->transports[PROTO_UDP] = &raw_transport;
	g->losses_before =
		xcalloc(cfg->checks.count + 1, sizeof *g->losses_before);
	g->rejected_inferred =
		xcalloc(cfg->checks.count + 1, sizeof *g->rejected_inferred);
}

/*
 * TCP in flight to one agent port, within what its listener holds. Linux
 * answers a SYN with a syncookie once the listener's SYN queue holds its
 * backlog (min(listen backlog, somaxconn)); with syncookies off it drops
 * SYNs once the queue passes three quarters of tcp_max_syn_backlog. A
 * syncookie leaves no SYN_RECV entry for the agent's socket evidence to
 * find, so without capture each port keeps to half the queue. With
 * capture the SYN is seen at the interface whatever follows, and with
 * syncookies on nothing is dropped: the listen backlog itself is the
 * bound (completed connections that could wait for accept()), and an
 * attempt whose handshake is overdue leaves it: its SYN or SYN-ACK was
 * lost, so it holds nothing the accept queue must take. The SYN
 * queue cannot be kept short in every case anyway: the SYN_RECV entries
 * of ports whose SYN-ACKs a NACL drops stay for the agent's SYN-ACK
 * retries (a minute at tcp_synack_retries 5), since closing a socket in
 * SYN_SENT sends no RST.
 */
static void
tcp_fit_agent(struct sweep_config *cfg, const struct probe_session_info *info)
{
	unsigned queue = info->listen_backlog;

	if (info->syncookies == 0 && info->syn_backlog > 0 &&
	    (queue == 0 || info->syn_backlog / 4 * 3 < queue))
		queue = info->syn_backlog / 4 * 3;
	if (queue < 16)
		return;
	cfg->tcp_overdue_frees =
		info->evidence == EVIDENCE_CAPTURE && info->syncookies != 0;
	cfg->tcp_port_window = cfg->tcp_overdue_frees ? queue : queue / 2;
}

/* With an agent: its session, and what it tells of the pace. */
static int
group_open(struct group *g, char **cause)
{
	struct probe_session_params params;
	struct range_list avoid = {NULL, 0};
	struct sweep_config *cfg = &g->cfg;

	target_swept_ports(g->report, &avoid);
	memset(&params, 0, sizeof params);
	params.agent = (struct sockaddr *)&g->target->address;
	params.bind = (struct sockaddr *)&cfg->bind;
	params.key = g->target->key.bytes != NULL ? &g->target->key : NULL;
	params.checks = &cfg->checks;
	params.sports = &cfg->sports;
	params.avoid = &avoid;
	params.control_sport = g->settings->control_sport;
	params.planned = cfg->checks.count * range_list_size(&cfg->sports);
	g->session = probe_session_open(&params, &g->info, cause);
	range_list_free(&avoid);
	if (g->session == NULL)
		return -1;
	cfg->session = g->info.session;
	cfg->keyed = g->info.keyed;
	memcpy(cfg->session_key, g->info.session_key, sizeof cfg->session_key);
	/* Above the agent's per-source limit, replies would be withheld and
	 * read as drops. */
	if (g->info.max_rate > 0 &&
	    (cfg->rate == 0 || cfg->rate > g->info.max_rate)) {
		/* --rate 0 asks for the path's pace, and this cap is part
		 * of it: only a rate the user set is worth a note. */
		if (g->settings->rate != 0) {
			log_warn("--rate %u is above the agent's %u replies "
				 "per second to one source; sweeping at %u",
				 g->settings->rate, g->info.max_rate,
				 g->info.max_rate);
			target_note(g,
				    "swept at %u per second, not %u: the "
				    "agent allows no more replies to one "
				    "source address",
				    g->info.max_rate, g->settings->rate);
		}
		cfg->rate = g->info.max_rate;
	}
	tcp_fit_agent(cfg, &g->info);
	return 0;
}

/* Runs the pass set up (the sweep, or a rerun) to its end, watching the
 * agent; -1 with *cause when it was lost or the sweep failed. */
static int
group_drive(struct group *g, char **cause)
{
	if (g->session != NULL) {
		g->lost.sweep = g->sweep;
		probe_session_watch(g->session, g->base, target_lost_callback,
				    target_path_out, &g->lost);
	}
	if (sweep_run(g->sweep, g->base) != 0) {
		probe_session_unwatch(g->session);
		*cause = xstrdup("the event loop failed");
		return -1;
	}
	probe_session_unwatch(g->session);
	if (g->lost.cause != NULL) {
		sweep_stop(g->sweep, NULL);
		*cause = xasprintf("lost the agent mid-sweep: %s",
				   g->lost.cause);
		return -1;
	}
	if (sweep_error(g->sweep) != NULL || !sweep_over(g->sweep)) {
		*cause = xstrdup(sweep_error(g->sweep)
					 ? sweep_error(g->sweep)
					 : "the sweep did not end");
		return -1;
	}
	return 0;
}

/* The agent's seen-log now; the losses of the last fetch are kept, so the
 * next classification counts only what was lost since. */
static int
group_fetch(struct group *g, char **cause)
{
	size_t c;

	if (g->have_seen) {
		for (c = 0; c < g->cfg.checks.count; c++)
			g->losses_before[c] = target_check_losses(&g->seen, c);
		seen_report_free(&g->seen);
		g->have_seen = false;
	}
	if (probe_session_seen(g->session, &g->seen, cause) != 0)
		return -1;
	g->have_seen = true;
	return 0;
}

/* Losses of check since the fetch before the last one. */
static struct seen_losses
group_losses_since(const struct group *g, size_t check)
{
	struct seen_losses now = target_check_losses(&g->seen, check);
	const struct seen_losses *b = &g->losses_before[check];

#define SINCE(f) now.f = now.f > b->f ? now.f - b->f : 0
	SINCE(socket_overflows);
	SINCE(listen_overflows);
	SINCE(listen_drops);
	SINCE(syncookies_sent);
	SINCE(capture_drops);
	SINCE(not_kept);
	SINCE(withheld);
#undef SINCE
	return now;
}

/* Classifies port i from its flags and the evidence now at hand. */
static void
group_classify_port(struct group *g, size_t i, bool since_last)
{
	size_t nsports = sweep_nsports(g->sweep), check = i / nsports;
	const struct sweep_port *p = sweep_port_at(g->sweep, i);
	struct classify_input in;

	memset(&in, 0, sizeof in);
	in.flags = p->flags;
	in.agent = g->cfg.agent;
	in.proto = g->cfg.checks.checks[check].proto;
	if (g->have_seen) {
		in.evidence = g->seen.evidence;
		in.wire_in = seen_report_get(&g->seen, check, SEEN_WIRE_IN,
					     i % nsports);
		in.socket = seen_report_get(&g->seen, check, SEEN_SOCKET,
					    i % nsports);
		in.wire_out = seen_report_get(&g->seen, check, SEEN_WIRE_OUT,
					      i % nsports);
		in.losses = since_last ? group_losses_since(g, check)
				       : target_check_losses(&g->seen, check);
	}
	g->results[i] = classify_port(&in);
	g->settled[i] =
		g->have_seen || !g->cfg.agent || (p->flags & PORT_FINAL);
}

/* The ports whose result rests on evidence the agent may have lost, or on
 * replies it held back: tried again more slowly, then judged by what was
 * lost in that pass alone; again, after a longer pause, while it is not
 * complete. What still cannot be told stays dropped, with the reason. */
static int
group_recheck(struct group *g, char **cause)
{
	struct sweep_rerun how = {RECHECK_ATTEMPTS, RECHECK_RATE,
				  RECHECK_SPACING_MS, 0, 0};
	size_t i, n, round, nports = sweep_nports(g->sweep);
	uint32_t *again = xcalloc(nports + 1, sizeof *again);

	for (round = 1; round <= RECHECK_ROUNDS; round++) {
		for (i = n = 0; i < nports; i++)
			if (g->results[i].reason == CLASSIFY_EVIDENCE_LOST ||
			    g->results[i].reason == CLASSIFY_REPLY_WITHHELD)
				again[n++] = (uint32_t)i;
		if (n == 0)
			break;
		log_info("%zu ports rest on evidence the agent may have lost: "
			 "trying them again at %d per second (round %zu of %d)",
			 n, RECHECK_RATE, round, RECHECK_ROUNDS);
		for (i = 0; i < n; i++)
			g->settled[again[i]] = false;
		how.delay_ms = (unsigned)(round - 1) * 1000;
		sweep_rerun(g->sweep, again, n, &how);
		if (group_drive(g, cause) != 0 || group_fetch(g, cause) != 0) {
			free(again);
			return -1;
		}
		for (i = 0; i < n; i++)
			group_classify_port(g, again[i], true);
	}
	free(again);
	return 0;
}

/* One paced attempt at a port of a rejected block: was it rejected? */
struct group_probe {
	struct group *g;
	size_t check;
	char **cause;
	int failed;
};

static bool
group_icmp_probe(void *arg, size_t sport)
{
	struct group_probe *gp = arg;
	struct group *g = gp->g;
	struct sweep_rerun how = {1, 0, 0, 0, ICMP_SPACING_MS};
	uint32_t index = (uint32_t)sweep_port_index(g->sweep, gp->check, sport);
	uint64_t start = sweep_now(g->sweep);
	double loss = loss_ratio(&sweep_stats(g->sweep, gp->check)->loss),
	       miss = loss;

	if (gp->failed || g->icmp_spent_ms >= ICMP_BUDGET_MS)
		return false;
	/* Each probe steers the search for the block's edge: under loss, a
	 * rejected port must not pass for silent because one request or its
	 * ICMP error was lost. As many tries as keep that below 1 in 1,000
	 * (the first ICMP error ends them). */
	while (miss >= ICMP_MISS_MAX && how.attempts < ICMP_ATTEMPTS_MAX) {
		how.attempts++;
		miss *= loss;
	}
	sweep_rerun(g->sweep, &index, 1, &how);
	if (group_drive(g, gp->cause) != 0) {
		gp->failed = -1;
		return false;
	}
	g->icmp_spent_ms += (sweep_now(g->sweep) - start) / 1000000u;
	return (sweep_port_at(g->sweep, index)->flags & PORT_REJECTED) != 0;
}

/*
 * Rejects interleaved with silence where no request reached the agent: a
 * device that rejects them but rate-limits its ICMP. Each block's edges are
 * probed at the ICMP pace, and the silent ports between its outermost
 * rejects are rejected too (counted as inferred): one range, not shards.
 */
static int
group_rejected_blocks(struct group *g, char **cause)
{
	size_t nsports = sweep_nsports(g->sweep), c, k, b, nblocks;
	uint8_t *statuses = xmalloc(nsports + 1);
	struct reject_block *blocks;

	for (c = 0; c < g->cfg.checks.count; c++) {
		struct group_probe gp = {g, c, cause, 0};

		for (k = 0; k < nsports; k++)
			statuses[k] =
				(uint8_t)g->results[c * nsports + k].status;
		nblocks = rejects_find(statuses, nsports, &blocks);
		for (b = 0; b < nblocks && !gp.failed; b++) {
			struct reject_block *blk = &blocks[b];

			rejects_extend(blk, group_icmp_probe, &gp,
				       ICMP_PROBES_PER_BLOCK);
			for (k = blk->hull_from; k <= blk->hull_to; k++) {
				struct classify_result *r =
					&g->results[c * nsports + k];

				if (sweep_port_at(g->sweep, c * nsports + k)
					    ->flags &
				    PORT_REJECTED) {
					r->status = STATUS_REJECTED;
					r->reason = CLASSIFY_REFUSED;
				} else if (rejects_silent(r->status)) {
					r->status = STATUS_REJECTED;
					r->reason = CLASSIFY_REFUSED;
					g->rejected_inferred[c]++;
				}
			}
		}
		if (nblocks > 0)
			log_info("%s/%u: %zu rejected ports stayed silent: the "
				 "rejecting device rate-limits its ICMP",
				 proto_name(g->cfg.checks.checks[c].proto),
				 g->cfg.checks.checks[c].port,
				 g->rejected_inferred[c]);
		free(blocks);
		if (gp.failed) {
			free(statuses);
			return -1;
		}
	}
	free(statuses);
	return 0;
}

/* Publishes every port's result, from here alone: RESULT events. A port
 * whose result does not rest on complete evidence (the agent was lost
 * before it was in) is unfinished. */
static void
group_publish(struct group *g)
{
	size_t i, nsports = sweep_nsports(g->sweep), check;
	struct sweep_event ev;

	for (i = 0; i < sweep_nports(g->sweep); i++) {
		const struct sweep_port *p = sweep_port_at(g->sweep, i);

		check = i / nsports;
		memset(&ev, 0, sizeof ev);
		ev.status = g->settled[i] ? g->results[i].status
					  : STATUS_UNFINISHED;
		if (g->have_seen &&
		    seen_report_get(&g->seen, check, SEEN_NAT, i % nsports))
			ev.nat_translated = true;
		if (p->flags & PORT_NAT)
			ev.nat_translated = true;
		ev.observed_port = p->observed_port;
		if (ev.status != STATUS_OK &&
		    g->results[i].reason != CLASSIFY_REFUSED)
			log_debug("%s/%u from %u: %s: %s",
				  proto_name(g->cfg.checks.checks[check].proto),
				  g->cfg.checks.checks[check].port,
				  sweep_sport_of(g->sweep, i),
				  status_name(ev.status),
				  classify_reason_text(g->results[i].reason));
		sweep_publish(g->sweep, SWEEP_EVENT_RESULT, i, &ev);
	}
	memset(&ev, 0, sizeof ev);
	sweep_publish(g->sweep, SWEEP_EVENT_DONE, SIZE_MAX, &ev);
}

/* Hands the sweep's events on to the run's bus, its checks renumbered as the
 * report's. */
static void
group_forward_event_callback(const struct sweep_event *ev, void *arg)
{
	struct group *g = arg;
	struct sweep_event copy = *ev;

	if (ev->type != SWEEP_EVENT_START && ev->type != SWEEP_EVENT_DONE)
		copy.check = g->checks->checks[ev->check];
	event_bus_publish(g->run_bus, &copy);
}

/* A note (printf-like) on the group's target. */
static void
target_note(struct group *g, const char *fmt, ...)
{
	va_list ap;
	char *note;

	va_start(ap, fmt);
	note = xvasprintf(fmt, ap);
	va_end(ap);
	report_target_add_note(&g->report->targets[g->target->report_target],
			       note);
	free(note);
}

/* Why ports that are not ok have their status, for people: one note per
 * reason that is not the status's own meaning. */
static void
group_reason_notes(struct group *g, size_t c, struct report_check *rc)
{
	size_t nsports = sweep_nsports(g->sweep), i,
	       count[CLASSIFY_REASON_COUNT];
	static const enum classify_reason said[] = {
		CLASSIFY_EVIDENCE_LOST,
		CLASSIFY_REPLY_WITHHELD,
		CLASSIFY_HOST_KEPT,
	};
	char *note;
	size_t k;

	memset(count, 0, sizeof count);
	for (i = 0; i < nsports; i++)
		if (g->settled[c * nsports + i])
			count[g->results[c * nsports + i].reason]++;
	for (k = 0; k < sizeof said / sizeof *said; k++) {
		if (count[said[k]] == 0)
			continue;
		note = xasprintf("%zu %s %s: %s", count[said[k]],
				 count[said[k]] == 1 ? "port" : "ports",
				 said[k] == CLASSIFY_HOST_KEPT ? "host_dropped"
							       : "dropped",
				 classify_reason_text(said[k]));
		report_check_add_note(rc, note);
		free(note);
	}
}

/* What the sweep measured of each check and of the path, into the report. */
static void
group_measure(struct group *g)
{
	size_t nsports = sweep_nsports(g->sweep), c, i, n;
	struct report_target *t = &g->report->targets[g->target->report_target];
	const struct sweep_outage *outages;

	for (c = 0; c < g->cfg.checks.count; c++) {
		struct report_check *rc =
			&g->report->checks[g->checks->checks[c]];
		const struct sweep_check_stats *st = sweep_stats(g->sweep, c);
		size_t slowed = sweep_slowed_to(g->sweep, c);

		rc->no_answer = 0;
		for (i = 0; i < nsports; i++) {
			const struct sweep_port *p =
				sweep_port_at(g->sweep, c * nsports + i);

			if ((p->flags & PORT_HANDSHAKE) &&
			    !(p->flags & PORT_OK))
				rc->no_answer++;
		}
		rc->rejected_inferred = g->rejected_inferred[c];
		report_check_set_measures(
			rc, st->loss.first > 0, loss_ratio(&st->loss),
			st->rtt.count > 0, rtt_quantile_ms(&st->rtt, 0.5),
			rtt_quantile_ms(&st->rtt, 0.99));
		free(rc->evidence);
		rc->evidence = xstrdup(
			!g->cfg.agent	? "none"
			: !g->have_seen ? (g->info.evidence == EVIDENCE_CAPTURE
						   ? "capture"
						   : "socket")
			: g->seen.evidence == EVIDENCE_CAPTURE ? "capture"
							       : "socket");
		if (slowed > 0) {
			char *note = xasprintf(
				"slowed to %zu attempts at once: the far side "
				"did not keep up (first: %s)",
				slowed, sweep_slowed_why(g->sweep, c));

			report_check_add_note(rc, note);
			free(note);
		}
		group_reason_notes(g, c, rc);
	}
	if (g->cfg.agent) {
		t->control_sport = g->info.control_sport;
		n = g->info.nfailed;
		t->control_failed = xreallocarray(t->control_failed, n + 1,
						  sizeof *t->control_failed);
		for (i = 0; i < n; i++)
			t->control_failed[i] = g->info.failed_sports[i];
		t->ncontrol_failed = n;
		if (g->info.evidence != EVIDENCE_CAPTURE &&
		    g->info.evidence_note[0] != '\0')
			target_note(g,
				    "the agent's evidence rests on its "
				    "sockets: %s",
				    g->info.evidence_note);
	}
	outages = sweep_outages(g->sweep, &n);
	for (i = 0; i < n; i++)
		report_target_add_outage(t, outages[i].start_s,
					 outages[i].seconds);
}

/* One session (with an agent) and one sweep over the checks of group. */
static int
target_group_sweep(struct event_base *base, const struct plan *plan,
		   const struct plan_target *t, const struct plan_group *group,
		   struct event_bus *run_bus, bool progress, char **cause)
{
	struct group g;
	struct sockaddr_storage local;
	char addr_text[NETADDR_STRLEN];
	size_t i;
	int rc = -1;

	memset(&g, 0, sizeof g);
	g.base = base;
	g.target = t;
	g.settings = &plan->settings;
	g.report = plan->report;
	g.checks = group;
	g.run_bus = run_bus;
	g.lost.base = base;
	group_configure(&g);
	if (g.cfg.bind.ss_family != AF_UNSPEC)
		local = g.cfg.bind;
	else
		target_local_address((struct sockaddr *)&g.cfg.target, &local);
	if (g.cfg.agent) {
		if (group_open(&g, cause) != 0)
			goto out;
		if (g.cfg.bind.ss_family == AF_UNSPEC)
			local = g.info.local;
	}
	report_set_target_bind(
		g.report, t->report_target,
		local.ss_family != AF_UNSPEC
			? netaddr_format((struct sockaddr *)&local, addr_text)
			: "");
	event_bus_subscribe(&g.bus, group_forward_event_callback, NULL, &g);
	if (progress)
		progress_subscribe(&g.bus, stderr);

	g.sweep = sweep_new(&g.cfg, &g.bus);
	g.results = xcalloc(sweep_nports(g.sweep) + 1, sizeof *g.results);
	g.settled = xcalloc(sweep_nports(g.sweep) + 1, sizeof *g.settled);
	sweep_start(g.sweep);
	if (group_drive(&g, cause) != 0)
		goto partial;
	if (g.session != NULL && target_needs_seen(g.sweep, &g.cfg) &&
	    group_fetch(&g, cause) != 0)
		goto partial;
	for (i = 0; i < sweep_nports(g.sweep); i++)
		group_classify_port(&g, i, false);
	if (g.have_seen && group_recheck(&g, cause) != 0)
		goto partial;
	if (group_rejected_blocks(&g, cause) != 0)
		goto partial;
	probe_session_close(g.session);
	g.session = NULL;
	rc = 0;
partial:
	/* What was settled keeps its status, answered and refused ports too;
	 * the rest is unfinished. */
	for (i = 0; i < sweep_nports(g.sweep); i++)
		if (!g.settled[i] &&
		    (sweep_port_at(g.sweep, i)->flags & PORT_FINAL))
			group_classify_port(&g, i, false);
	group_measure(&g);
	group_publish(&g);
out:
	group_free(&g);
	return rc;
}

/* NACLs never filter traffic to some addresses: a false all-clear. */
static void
target_unfiltered_note(const struct plan *plan, const struct plan_target *t)
{
	struct report_target *rt = &plan->report->targets[t->report_target];
	const char *what = unfiltered_address(
		(const struct sockaddr *)&t->address, rt->agent_cidr);
	char text[NETADDR_STRLEN], *note;

	if (what == NULL)
		return;
	note = xasprintf(
		"%s is %s: NACLs never filter traffic to it, so this "
		"result says nothing about NACLs",
		netaddr_format((const struct sockaddr *)&t->address, text),
		what);
	report_target_add_note(rt, note);
	log_warn("%s", note);
	free(note);
}

int
target_sweep(struct event_base *base, const struct plan *plan, size_t index,
	     struct event_bus *run_bus, bool progress, char **cause)
{
	const struct plan_target *t = &plan->targets[index];
	size_t g;

	target_unfiltered_note(plan, t);
	for (g = 0; g < t->ngroups; g++)
		if (target_group_sweep(base, plan, t, &t->groups[g], run_bus,
				       progress, cause) != 0)
			return -1;
	return 0;
}
