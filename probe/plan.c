/* The plan of a run, built once before the first probe: the targets resolved
 * with their keys, the checks and what each must show, the groups of checks
 * that share source ports, the settings. */
/* Names resolve here, not in the scenario parser, so that a file can be
 * checked without a network; flags override the scenario's own values. */
#include "probe/plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/control.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/scenario.h"
#include "common/service.h"
#include "common/xmalloc.h"

#define PLAN_MAX_WINDOW 65536
/* File descriptors kept back from the window for stdio, control, epoll,
 * files and the sweep's canaries (16 beyond the window). */
#define PLAN_FD_RESERVE 80

static void
plan_target_free(struct plan_target *t)
{
	size_t g;

	free(t->label);
	auth_key_free(&t->key);
	for (g = 0; g < t->ngroups; g++)
		free(t->groups[g].checks);
	free(t->groups);
	memset(t, 0, sizeof *t);
}

void
plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->ntargets; i++)
		plan_target_free(&p->targets[i]);
	free(p->targets);
	memset(p, 0, sizeof *p);
}

size_t
plan_ports(const struct plan *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->report->nchecks; i++)
		n += range_list_size(&p->report->checks[i].sports);
	return n;
}

/*
 * The command line as a scenario of one target (no name): its checks over
 * --sports, each expecting every port open. Errors name the flag.
 */
static int
plan_lower(const struct plan_request *rq, struct scenario *s, char **cause)
{
	struct check_list checks = {NULL, 0};
	struct range_list sports = {NULL, 0};
	struct sockaddr_storage ss;
	struct scenario_target *t;
	char text[NETADDR_STRLEN], *inner = NULL;
	const char *flag = rq->agent ? "--agent" : "--target";
	socklen_t len;
	size_t i;

	memset(s, 0, sizeof *s);
	if (check_list_parse(rq->ports, &checks, &inner) != 0)
		goto flag_ports;
	for (i = 0; i < checks.count; i++)
		if (service_check_transport(&checks.checks[i], &inner) != 0)
			goto flag_ports;
	if (range_list_parse(rq->sports, &sports, 1, &inner) != 0) {
		*cause = xasprintf("--sports: %s", inner);
		goto fail;
	}
	if (netaddr_parse(rq->agent ? rq->agent : rq->target,
			  rq->agent ? CONTROL_DEFAULT_PORT : 0, &ss, &len,
			  &inner) != 0) {
		*cause = xasprintf("%s: %s", flag, inner);
		goto fail;
	}
	if (rq->key_file != NULL && rq->agent == NULL) {
		*cause = xstrdup("--key-file goes with --agent: real servers "
				 "(--target) take no key");
		goto fail;
	}
	s->path = xstrdup(flag);
	s->targets = xcalloc(1, sizeof *s->targets);
	s->ntargets = 1;
	t = &s->targets[0];
	t->name = xstrdup("");
	t->agent = rq->agent != NULL;
	t->host = xstrdup(netaddr_format((struct sockaddr *)&ss, text));
	t->control_port = netaddr_port((struct sockaddr *)&ss);
	t->checks = xcalloc(checks.count + 1, sizeof *t->checks);
	t->nchecks = checks.count;
	s->checks = xcalloc(checks.count + 1, sizeof *s->checks);
	s->nchecks = checks.count;
	for (i = 0; i < checks.count; i++) {
		s->checks[i].spec = checks.checks[i];
		range_list_copy(&s->checks[i].sports, &sports);
		s->checks[i].expect = EXPECT_OPEN;
		t->checks[i] = i;
	}
	check_list_free(&checks);
	range_list_free(&sports);
	return 0;
flag_ports:
	*cause = xasprintf("--ports: %s", inner);
fail:
	free(inner);
	check_list_free(&checks);
	range_list_free(&sports);
	scenario_free(s);
	return -1;
}

/* HOST[:PORT] again, brackets around an IPv6 address. */
static char *
plan_address_text(const struct scenario_target *t)
{
	bool v6 = strchr(t->host, ':') != NULL;

	if (!t->agent)
		return xstrdup(t->host);
	return xasprintf(v6 ? "[%s]:%u" : "%s:%u", t->host, t->control_port);
}

/* Target index of s into p and the report; flags of rq override. */
static enum plan_error
plan_target(struct plan *p, const struct scenario *s, size_t index,
	    const struct plan_request *rq, char **cause)
{
	const struct scenario_target *t = &s->targets[index];
	struct plan_target *pt = &p->targets[index];
	const char *role = t->agent ? "agent" : "target";
	const char *bind = rq->bind ? rq->bind : t->bind;
	char *text = plan_address_text(t), *inner = NULL;
	char addr_text[NETADDR_STRLEN];
	struct report_target *target;
	struct report *r = p->report;
	socklen_t len;
	size_t k;

	pt->agent = t->agent;
	/* A lowered command line names none: its label is the flag's value. */
	pt->label = t->name[0] ? xasprintf("%s (%s)", t->name, text)
			       : xstrdup(rq->agent ? rq->agent : rq->target);
	if (netaddr_parse(text, t->agent ? t->control_port : 0, &pt->address,
			  &len, &inner) != 0) {
		*cause = xasprintf("%s: targets[%zu].%s: %s", s->path, index,
				   role, inner);
		goto fail;
	}
	if (bind != NULL) {
		if (netaddr_parse(bind, 0, &pt->bind, &len, &inner) != 0) {
			*cause = rq->bind ? xasprintf("--bind: %s", inner)
					  : xasprintf("%s: targets[%zu].bind: "
						      "%s",
						      s->path, index, inner);
			goto fail;
		}
		if (pt->bind.ss_family != pt->address.ss_family) {
			netaddr_format((struct sockaddr *)&pt->address,
				       addr_text);
			*cause = t->name[0]
					 ? xasprintf("%s%s and targets[%zu] "
						     "(%s, %s) are not the "
						     "same address family",
						     rq->bind ? "--bind " : "",
						     bind, index, t->name,
						     addr_text)
					 : xasprintf("--bind %s and the "
						     "target %s are not the "
						     "same address family",
						     bind, pt->label);
			goto fail;
		}
	}
	if (t->agent && (rq->key_file != NULL || t->key_file != NULL)) {
		const char *key = rq->key_file ? rq->key_file : t->key_file;

		if (auth_key_load(key, &pt->key, &inner) != 0) {
			*cause = rq->key_file
					 ? xasprintf("--key-file: %s", inner)
					 : xasprintf(
						   "%s: targets[%zu].key_file: "
						   "%s",
						   s->path, index, inner);
			goto fail;
		}
	}
	pt->dns_name = rq->dns_name ? rq->dns_name
		       : t->agent   ? PLAN_AGENT_DNS_BASE
				    : PLAN_DEFAULT_DNS_NAME;
	pt->report_target = report_add_target(
		r, t->name,
		netaddr_format((struct sockaddr *)&pt->address, addr_text),
		t->agent, bind ? bind : "");
	target = &r->targets[pt->report_target];
	target->probe_cidr = t->probe_cidr ? xstrdup(t->probe_cidr) : NULL;
	target->agent_cidr = t->agent_cidr ? xstrdup(t->agent_cidr) : NULL;
	target->probe_nacl = t->probe_nacl ? xstrdup(t->probe_nacl) : NULL;
	target->agent_nacl = t->agent_nacl ? xstrdup(t->agent_nacl) : NULL;
	for (k = 0; k < t->nchecks; k++) {
		const struct scenario_check *sc = &s->checks[t->checks[k]];
		struct report_check *c;

		c = report_add_check(r, sc->spec.proto, sc->spec.port,
				     sc->spec.service, &sc->sports);
		c->target = pt->report_target;
		report_check_set_expectations(c, sc->expect, sc->expectations,
					      sc->nexpectations);
	}
	free(text);
	return PLAN_OK;
fail:
	free(inner);
	free(text);
	/* A flag's error is a usage error; the file's, the file's. */
	return strncmp(*cause, "--", 2) == 0 ? PLAN_USAGE : PLAN_SCENARIO;
}

/* The target's checks in groups that share their source ports, in report
 * order: one sweep each. */
static void
plan_groups(struct plan_target *t, const struct report *r)
{
	size_t i, g;

	for (i = 0; i < r->nchecks; i++) {
		const struct report_check *c = &r->checks[i];

		if (c->target != t->report_target)
			continue;
		for (g = 0; g < t->ngroups; g++) {
			const struct range_list *s =
				&r->checks[t->groups[g].checks[0]].sports;

			if (s->count == c->sports.count &&
			    memcmp(s->ranges, c->sports.ranges,
				   s->count * sizeof *s->ranges) == 0)
				break;
		}
		if (g == t->ngroups) {
			t->groups = xreallocarray(t->groups, t->ngroups + 1,
						  sizeof *t->groups);
			memset(&t->groups[t->ngroups++], 0, sizeof *t->groups);
		}
		t->groups[g].checks = xreallocarray(
			t->groups[g].checks, t->groups[g].nchecks + 1,
			sizeof *t->groups[g].checks);
		t->groups[g].checks[t->groups[g].nchecks++] = i;
	}
}

/* Raises the open-file limit as far as allowed and caps the window below
 * it. */
static unsigned
plan_cap_window(unsigned window, bool window_set)
{
	struct rlimit rl;
	unsigned cap;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return window;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	cap = rl.rlim_cur > PLAN_MAX_WINDOW + PLAN_FD_RESERVE
		      ? PLAN_MAX_WINDOW
		      : (unsigned)(rl.rlim_cur > PLAN_FD_RESERVE * 2
					   ? rl.rlim_cur - PLAN_FD_RESERVE
					   : PLAN_FD_RESERVE);
	if (window <= cap)
		return window;
	if (window_set)
		log_warn("--window %u is above what the open-file limit (%llu) "
			 "allows; using %u",
			 window, (unsigned long long)rl.rlim_cur, cap);
	return cap;
}

/*
 * Before the first probe: the bind address is one of this host's, and
 * source ports below 1024 can be bound (CAP_NET_BIND_SERVICE). A test
 * socket is bound and closed; no packet is sent.
 */
static int
plan_check_local(const struct plan *p, const struct plan_target *t,
		 const struct plan_request *rq, char **cause)
{
	struct sockaddr_storage ss;
	char text[NETADDR_STRLEN];
	uint16_t lowest = 65535;
	size_t i;
	int fd, rc = 0;

	for (i = 0; i < p->report->nchecks; i++) {
		const struct report_check *c = &p->report->checks[i];

		if (c->target == t->report_target && c->sports.count > 0 &&
		    c->sports.ranges[0].from < lowest)
			lowest = c->sports.ranges[0].from;
	}
	memset(&ss, 0, sizeof ss);
	if (t->bind.ss_family != AF_UNSPEC)
		ss = t->bind;
	else
		ss.ss_family = t->address.ss_family;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	netaddr_set_port((struct sockaddr *)&ss, 0);
	if (t->bind.ss_family != AF_UNSPEC &&
	    bind(fd, (struct sockaddr *)&ss,
		 netaddr_len((struct sockaddr *)&ss)) != 0 &&
	    errno == EADDRNOTAVAIL) {
		netaddr_format((struct sockaddr *)&t->bind, text);
		*cause = rq->scenario != NULL && rq->bind == NULL
				 ? xasprintf("target %s: bind %s is not an "
					     "address of this host: give one "
					     "of its addresses (ip -brief "
					     "address)",
					     t->label, text)
				 : xasprintf("--bind %s: not an address of "
					     "this host: give one of its "
					     "addresses (ip -brief address)",
					     text);
		rc = -1;
	}
	close(fd);
	if (rc != 0 || lowest >= 1024)
		return rc;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	netaddr_set_port((struct sockaddr *)&ss, lowest);
	if (bind(fd, (struct sockaddr *)&ss,
		 netaddr_len((struct sockaddr *)&ss)) != 0 &&
	    errno == EACCES) {
		*cause = xasprintf(
			"source port %u: binding ports below 1024 is not "
			"permitted: run nacl-probe as root or with "
			"CAP_NET_BIND_SERVICE (setcap "
			"cap_net_bind_service=ep), or sweep from 1024 up "
			"(--sports)",
			lowest);
		rc = -1;
	}
	close(fd);
	return rc;
}

/* The scenario's settings where no flag gave them. */
static void
plan_settings(struct plan *p, const struct plan_request *rq,
	      const struct scenario *s)
{
	bool window_set = rq->window_set;

	p->settings = rq->settings;
	if (!rq->rate_set && s->settings.has_rate)
		p->settings.rate = s->settings.rate;
	if (!rq->window_set && s->settings.has_window) {
		p->settings.window = s->settings.window;
		window_set = true;
	}
	if (!rq->timeout_set && s->settings.has_timeout)
		p->settings.timeout_ms = s->settings.timeout_ms;
	if (!rq->attempts_set && s->settings.has_attempts)
		p->settings.attempts = s->settings.attempts;
	p->settings.window = plan_cap_window(p->settings.window, window_set);
}

enum plan_error
plan_build(struct plan *p, const struct plan_request *rq, struct report *report,
	   char **cause)
{
	struct range_list only = {NULL, 0};
	struct scenario s;
	enum plan_error rc = PLAN_OK;
	char *inner = NULL;
	size_t i, agents = 0;

	memset(p, 0, sizeof *p);
	p->report = report;
	if (rq->scenario == NULL) {
		if (plan_lower(rq, &s, cause) != 0)
			return PLAN_USAGE;
	} else {
		if (scenario_read_file(rq->scenario, &s, cause) != 0)
			return PLAN_SCENARIO;
		if (rq->sports_set) {
			if (range_list_parse(rq->sports, &only, 1, &inner) !=
			    0) {
				*cause = xasprintf("--sports: %s", inner);
				free(inner);
				scenario_free(&s);
				return PLAN_USAGE;
			}
			if (scenario_narrow(&s, &only, &inner) != 0) {
				*cause = xasprintf("--sports: %s", inner);
				free(inner);
				range_list_free(&only);
				scenario_free(&s);
				return PLAN_SCENARIO;
			}
			range_list_free(&only);
		}
		for (i = 0; i < s.ntargets; i++)
			agents += s.targets[i].agent;
		if (rq->key_file != NULL && agents == 0) {
			*cause = xasprintf("--key-file goes with agents: the "
					   "targets of %s have none (real "
					   "servers take no key)",
					   s.path);
			scenario_free(&s);
			return PLAN_SCENARIO;
		}
		report->scenario_name = xstrdup(s.name);
		if (s.description != NULL)
			report->scenario_description = xstrdup(s.description);
	}
	plan_settings(p, rq, &s);
	p->targets = xcalloc(s.ntargets, sizeof *p->targets);
	p->ntargets = s.ntargets;
	for (i = 0; i < s.ntargets && rc == PLAN_OK; i++)
		rc = plan_target(p, &s, i, rq, cause);
	for (i = 0; i < p->ntargets && rc == PLAN_OK; i++) {
		plan_groups(&p->targets[i], report);
		if (plan_check_local(p, &p->targets[i], rq, cause) != 0)
			rc = PLAN_USAGE;
	}
	scenario_free(&s);
	if (rc != PLAN_OK)
		plan_free(p);
	return rc;
}
