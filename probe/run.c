/* Sweeping one target: its agent session, one sweep per set of source ports,
 * the seen-log, the results into the run's report. */
/* The reporter never sees a socket: results reach it as events. */
#include "probe/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"
#include "probe/classify.h"
#include "probe/session.h"
#include "probe/sweep.h"

/*
 * The seen-log tells a silent port's direction, and NAT for services whose
 * replies do not say what the agent saw (their row's reply_says_observed).
 * When every port answered a service that does say, its round trips are
 * skipped: they were a third of a clean UDP sweep's time.
 */
static bool
run_needs_seen(const struct sweep *sweep, const struct sweep_config *cfg)
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
struct run_lost {
	struct event_base *base;
	char *cause;
};

static void
run_lost_callback(void *arg, const char *cause)
{
	struct run_lost *lost = arg;

	lost->cause = xstrdup(cause);
	event_base_loopbreak(lost->base);
}

/* Every source port the run sweeps, whatever the check: the control
 * connection must take none of them. */
static void
run_swept_ports(const struct report *r, struct range_list *out)
{
	size_t i, k;

	for (i = 0; i < r->nchecks; i++)
		for (k = 0; k < r->checks[i].sports.count; k++)
			range_list_add(out, r->checks[i].sports.ranges[k].from,
				       r->checks[i].sports.ranges[k].to);
}

/* The agent's losses that bear on check: its own socket overflows. */
static struct seen_losses
run_check_losses(const struct seen_report *seen, size_t check)
{
	struct seen_losses l = seen->losses;

	l.socket_overflows = seen->checks[check].socket_overflows;
	return l;
}

/* Publishes the final status of every port that did not answer. */
static void
run_classify(struct sweep *sweep, const struct sweep_config *cfg,
	     const struct seen_report *seen)
{
	size_t i, nsports = sweep_nsports(sweep), check, index;
	struct classify_input in;
	struct classify_result r;
	struct sweep_event ev;

	/* Every result from here, once the agent's evidence is in. */
	for (i = 0; i < sweep_nports(sweep); i++) {
		const struct sweep_port *p = sweep_port_at(sweep, i);

		check = i / nsports;
		index = i % nsports;
		memset(&in, 0, sizeof in);
		in.flags = p->flags;
		in.agent = cfg->agent;
		in.proto = cfg->checks.checks[check].proto;
		memset(&ev, 0, sizeof ev);
		if (seen != NULL) {
			in.evidence = seen->evidence;
			in.wire_in = seen_report_get(seen, check, SEEN_WIRE_IN,
						     index);
			in.socket = seen_report_get(seen, check, SEEN_SOCKET,
						    index);
			in.wire_out = seen_report_get(seen, check,
						      SEEN_WIRE_OUT, index);
			in.losses = run_check_losses(seen, check);
			ev.nat_translated =
				seen_report_get(seen, check, SEEN_NAT, index);
		}
		if (p->flags & PORT_NAT)
			ev.nat_translated = true;
		ev.observed_port = p->observed_port;
		r = classify_port(&in);
		ev.status = r.status;
		if (r.reason == CLASSIFY_EVIDENCE_LOST ||
		    r.reason == CLASSIFY_REPLY_WITHHELD ||
		    r.reason == CLASSIFY_HOST_KEPT)
			log_debug("%s/%u from %u: %s: %s", proto_name(in.proto),
				  cfg->checks.checks[check].port,
				  sweep_sport_of(sweep, i),
				  status_name(r.status),
				  classify_reason_text(r.reason));
		sweep_publish(sweep, SWEEP_EVENT_RESULT, i, &ev);
	}
}

/* The source address used toward target, for the report: no packet is sent. */
static void
run_local_address(const struct sockaddr *target, struct sockaddr_storage *ss)
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

/* Hands every event of one sweep on to the run's bus (--events). */
static void
run_forward_event_callback(const struct sweep_event *ev, void *arg)
{
	event_bus_publish(arg, ev);
}

/* The checks of one sweep: indices into the report, one set of sports. */
struct run_group {
	size_t *checks;
	size_t nchecks;
};

/* Groups the target's checks by their source ports, in report order. */
static size_t
run_groups(const struct report *r, size_t target, struct run_group **out)
{
	struct run_group *groups = NULL;
	size_t i, g, n = 0;

	for (i = 0; i < r->nchecks; i++) {
		const struct report_check *c = &r->checks[i];

		if (c->target != target)
			continue;
		for (g = 0; g < n; g++) {
			const struct range_list *s =
				&r->checks[groups[g].checks[0]].sports;

			if (s->count == c->sports.count &&
			    memcmp(s->ranges, c->sports.ranges,
				   s->count * sizeof *s->ranges) == 0)
				break;
		}
		if (g == n) {
			groups = xreallocarray(groups, n + 1, sizeof *groups);
			memset(&groups[n++], 0, sizeof *groups);
		}
		groups[g].checks =
			xreallocarray(groups[g].checks, groups[g].nchecks + 1,
				      sizeof *groups[g].checks);
		groups[g].checks[groups[g].nchecks++] = i;
	}
	*out = groups;
	return n;
}

/* Copies one sweep's results (in part, a report of its own) into report. */
static void
run_copy_results(const struct report *part, const struct run_group *g,
		 struct report *report)
{
	size_t i, k, index;
	uint8_t *statuses;

	for (i = 0; i < g->nchecks; i++) {
		const struct report_check *from = &part->checks[i];
		struct report_check *to = &report->checks[g->checks[i]];

		statuses = xmalloc(range_list_size(&from->sports) + 1);
		index = 0;
		for (k = 0; k < from->nranges; k++) {
			size_t n = (size_t)from->ranges[k].to -
				   from->ranges[k].from + 1;

			memset(statuses + index, from->ranges[k].status, n);
			index += n;
		}
		report_check_set_statuses(to, statuses);
		to->nat_translated = from->nat_translated;
		free(statuses);
	}
}

/* One session (with an agent) and one sweep over the checks of g. */
static int
run_group_sweep(struct event_base *base, const struct run_target *t,
		const struct run_group *g, struct run_settings *settings,
		struct report *report, struct event_bus *run_bus, bool progress,
		char **cause)
{
	struct probe_session *session = NULL;
	struct probe_session_params params;
	struct probe_session_info info;
	struct range_list avoid = {NULL, 0};
	struct run_lost lost = {base, NULL};
	struct seen_report seen, *have_seen = NULL;
	struct event_bus bus = {0};
	struct report part = {0};
	struct sockaddr_storage local;
	struct sweep_config cfg;
	struct sweep_event ev;
	struct sweep *sweep = NULL;
	char addr_text[NETADDR_STRLEN];
	size_t i;
	int rc = -1;

	memset(&cfg, 0, sizeof cfg);
	memset(&info, 0, sizeof info);
	cfg.target = t->address;
	cfg.bind = t->bind;
	cfg.agent = t->agent;
	cfg.dns_name = t->dns_name;
	netaddr_format((struct sockaddr *)&cfg.target, addr_text);
	snprintf(cfg.host, sizeof cfg.host,
		 cfg.target.ss_family == AF_INET6 ? "[%s]" : "%s", addr_text);
	range_list_copy(&cfg.sports, &report->checks[g->checks[0]].sports);
	for (i = 0; i < g->nchecks; i++) {
		const struct report_check *c = &report->checks[g->checks[i]];
		struct check_spec *spec;

		cfg.checks.checks =
			xreallocarray(cfg.checks.checks, cfg.checks.count + 1,
				      sizeof *cfg.checks.checks);
		spec = &cfg.checks.checks[cfg.checks.count++];
		spec->proto = c->proto;
		spec->port = c->port;
		spec->service = c->service;
		report_add_check(&part, c->proto, c->port, c->service,
				 &c->sports);
	}
	cfg.rate = settings->rate;
	cfg.attempts = settings->attempts;
	cfg.timeout_ms = settings->timeout_ms;
	cfg.window = settings->window;
	if (settings->raw)
		cfg.transports[PROTO_UDP] = &raw_transport;

	if (cfg.bind.ss_family != AF_UNSPEC)
		local = cfg.bind;
	else
		run_local_address((struct sockaddr *)&cfg.target, &local);
	if (cfg.agent) {
		run_swept_ports(report, &avoid);
		memset(&params, 0, sizeof params);
		params.agent = (struct sockaddr *)&t->address;
		params.bind = (struct sockaddr *)&cfg.bind;
		params.key = t->key.bytes != NULL ? &t->key : NULL;
		params.checks = &cfg.checks;
		params.sports = &cfg.sports;
		params.avoid = &avoid;
		params.control_sport = settings->control_sport;
		params.planned =
			cfg.checks.count * range_list_size(&cfg.sports);
		session = probe_session_open(&params, &info, cause);
		if (session == NULL)
			goto out;
		cfg.session = info.session;
		cfg.keyed = info.keyed;
		memcpy(cfg.session_key, info.session_key,
		       sizeof cfg.session_key);
		/* Above the agent's per-source limit, replies would be
		 * withheld and read as drops. */
		if (info.max_rate > 0 &&
		    (cfg.rate == 0 || cfg.rate > info.max_rate)) {
			if (settings->rate != 0)
				log_warn("--rate %u is above the agent's %u "
					 "replies per second to one source; "
					 "sweeping at %u",
					 settings->rate, info.max_rate,
					 info.max_rate);
			cfg.rate = info.max_rate;
			settings->rate = info.max_rate;
		}
		if (cfg.bind.ss_family == AF_UNSPEC)
			local = info.local;
	}
	report_set_target_bind(
		report, t->report_target,
		local.ss_family != AF_UNSPEC
			? netaddr_format((struct sockaddr *)&local, addr_text)
			: "");
	aggregator_subscribe(&bus, &part);
	event_bus_subscribe(&bus, run_forward_event_callback, NULL, run_bus);
	if (progress)
		progress_subscribe(&bus, stderr);

	sweep = sweep_new(&cfg, &bus);
	sweep_start(sweep);
	if (session != NULL)
		probe_session_watch(session, base, run_lost_callback, &lost);
	if (sweep_run(sweep, base) != 0) {
		*cause = xstrdup("the event loop failed");
		goto out;
	}
	probe_session_unwatch(session);
	if (lost.cause != NULL) {
		*cause = xasprintf("lost the agent mid-sweep: %s", lost.cause);
		goto out;
	}
	if (sweep_error(sweep) != NULL || !sweep_over(sweep)) {
		*cause = xstrdup(sweep_error(sweep) ? sweep_error(sweep)
						    : "the sweep did not end");
		goto out;
	}
	if (session != NULL && run_needs_seen(sweep, &cfg)) {
		if (probe_session_seen(session, &seen, cause) != 0)
			goto out;
		have_seen = &seen;
	}
	probe_session_close(session);
	session = NULL;
	run_classify(sweep, &cfg, have_seen);
	memset(&ev, 0, sizeof ev);
	sweep_publish(sweep, SWEEP_EVENT_DONE, SIZE_MAX, &ev);
	run_copy_results(&part, g, report);
	rc = 0;
out:
	sweep_free(sweep);
	seen_report_free(have_seen);
	probe_session_close(session);
	free(lost.cause);
	event_bus_free(&bus);
	report_free(&part);
	check_list_free(&cfg.checks);
	range_list_free(&cfg.sports);
	range_list_free(&avoid);
	sodium_memzero(cfg.session_key, sizeof cfg.session_key);
	sodium_memzero(info.session_key, sizeof info.session_key);
	return rc;
}

int
run_target_sweep(struct event_base *base, const struct run_target *t,
		 struct run_settings *settings, struct report *report,
		 struct event_bus *run_bus, bool progress, char **cause)
{
	struct run_group *groups;
	size_t g, n = run_groups(report, t->report_target, &groups);
	int rc = 0;

	for (g = 0; g < n && rc == 0; g++)
		rc = run_group_sweep(base, t, &groups[g], settings, report,
				     run_bus, progress, cause);
	for (g = 0; g < n; g++)
		free(groups[g].checks);
	free(groups);
	return rc;
}

void
run_target_free(struct run_target *t)
{
	free(t->label);
	auth_key_free(&t->key);
	memset(t, 0, sizeof *t);
}
