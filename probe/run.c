/* Sweeping one target: its agent session, one sweep per set of source ports,
 * the seen-log, the results into the run's report. */
/* The reporter never sees a socket: results reach it as events. */
#include "probe/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/control.h"
#include "common/log.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"
#include "probe/control_client.h"
#include "probe/sweep.h"

/* A busy agent (many sessions at once) may take a while to answer. */
#define RUN_CONTROL_TIMEOUT_MS 30000

/* Opens a session on the agent: hello, then open with the ports to probe. */
static struct control_client *
run_open_session(const struct sockaddr *agent, const struct sockaddr *bind,
		 const char *probe_addr, const char *sports,
		 const struct auth_key *key, const struct check_list *checks,
		 uint32_t *session, struct control_auth *auth, char **cause)
{
	struct control_client *c;
	cJSON *msg, *reply, *ports, *item;
	const cJSON *id;
	size_t i;

	c = control_client_connect(agent, bind, RUN_CONTROL_TIMEOUT_MS, cause);
	if (c == NULL)
		return NULL;
	if (control_client_authenticate(c, key, auth, cause) != 0)
		goto fail;
	msg = control_message_new("open");
	cJSON_AddStringToObject(msg, "probe_addr", probe_addr);
	cJSON_AddStringToObject(msg, "sports", sports);
	ports = cJSON_AddArrayToObject(msg, "ports");
	for (i = 0; i < checks->count; i++) {
		item = cJSON_CreateArray();
		cJSON_AddItemToArray(item, cJSON_CreateString(proto_name(
						   checks->checks[i].proto)));
		cJSON_AddItemToArray(
			item, cJSON_CreateNumber(checks->checks[i].port));
		cJSON_AddItemToArray(ports, item);
	}
	reply = control_client_request(c, msg, "opened", cause);
	if (reply == NULL)
		goto fail;
	id = cJSON_GetObjectItemCaseSensitive(reply, "session");
	if (!cJSON_IsNumber(id) || id->valuedouble < 1 ||
	    id->valuedouble > 4294967295.0) {
		*cause = xstrdup("the agent's 'opened' reply has no valid "
				 "session id");
		cJSON_Delete(reply);
		goto fail;
	}
	*session = (uint32_t)id->valuedouble;
	cJSON_Delete(reply);
	return c;
fail:
	control_client_free(c);
	return NULL;
}

/*
 * Fetches the session's seen-log page by page and marks, per sweep index,
 * whether the agent saw the request and whether it saw another source port.
 */
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

static int
run_fetch_seen(struct control_client *c, uint32_t session,
	       const struct sweep_config *cfg, size_t nsports, uint8_t *seen,
	       char **cause)
{
	size_t offset = 0, total;
	const cJSON *entries, *item, *t;
	struct seen_entry e;
	cJSON *msg, *reply;
	char *why = NULL;
	int check;
	size_t i;

	do {
		msg = control_message_new("seen");
		cJSON_AddNumberToObject(msg, "session", session);
		cJSON_AddNumberToObject(msg, "offset", (double)offset);
		reply = control_client_request(c, msg, "seen", cause);
		if (reply == NULL)
			return -1;
		t = cJSON_GetObjectItemCaseSensitive(reply, "withheld");
		if (offset == 0 && cJSON_IsNumber(t) && t->valuedouble > 0)
			log_warn("the agent withheld %.0f replies: over its "
				 "per-source limit (nacl-agent --reply-rate), "
				 "shared by every probe from this address; "
				 "those ports may read reply_dropped",
				 t->valuedouble);
		t = cJSON_GetObjectItemCaseSensitive(reply, "total");
		entries = cJSON_GetObjectItemCaseSensitive(reply, "entries");
		if (!cJSON_IsNumber(t) || !cJSON_IsArray(entries) ||
		    cJSON_GetArraySize(entries) == 0) {
			total = offset;
			if (!cJSON_IsNumber(t) ||
			    t->valuedouble > (double)offset) {
				*cause =
					xstrdup("the agent's seen-log reply is "
						"malformed");
				cJSON_Delete(reply);
				return -1;
			}
		} else
			total = (size_t)t->valuedouble;
		cJSON_ArrayForEach(item, entries)
		{
			offset++;
			if (seen_entry_from_json(item, &e, &why) != 0) {
				*cause = xasprintf("the agent's seen-log: %s",
						   why);
				free(why);
				cJSON_Delete(reply);
				return -1;
			}
			check = check_list_find(&cfg->checks, e.proto, e.port);
			i = range_list_index(&cfg->sports, e.sport);
			if (check < 0 || i == SIZE_MAX)
				continue;
			i += (size_t)check * nsports;
			seen[i] |= 1;
			if (e.observed_port != e.sport)
				seen[i] |= 2;
		}
		cJSON_Delete(reply);
	} while (offset < total);
	return 0;
}

static void
run_close_session(struct control_client *c, uint32_t session)
{
	char *cause = NULL;
	cJSON *msg = control_message_new("close"), *reply;

	cJSON_AddNumberToObject(msg, "session", session);
	reply = control_client_request(c, msg, "closed", &cause);
	if (reply == NULL) {
		log_warn("closing the session: %s", cause);
		free(cause);
	}
	cJSON_Delete(reply);
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
	struct control_client *control = NULL;
	struct event_bus bus = {0};
	struct report part = {0};
	struct sockaddr_storage local;
	struct control_auth auth;
	struct sweep_config cfg;
	struct sweep_event ev;
	struct sweep *sweep;
	char addr_text[NETADDR_STRLEN], *sports_text;
	uint8_t *seen;
	size_t i, nsports;
	int rc = -1;

	memset(&cfg, 0, sizeof cfg);
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

	if (cfg.bind.ss_family != AF_UNSPEC)
		local = cfg.bind;
	else
		run_local_address((struct sockaddr *)&cfg.target, &local);
	sports_text = range_list_format(&cfg.sports);
	if (cfg.agent) {
		control = run_open_session(
			(struct sockaddr *)&t->address,
			(struct sockaddr *)&cfg.bind,
			netaddr_format((struct sockaddr *)&local, addr_text),
			sports_text, t->key.bytes != NULL ? &t->key : NULL,
			&cfg.checks, &cfg.session, &auth, cause);
		if (control == NULL)
			goto out;
		cfg.keyed = auth.keyed;
		memcpy(cfg.session_key, auth.session_key,
		       sizeof cfg.session_key);
		/* Above the agent's per-source limit, replies would be
		 * withheld and read as drops. */
		if (auth.max_rate > 0 &&
		    (cfg.rate == 0 || cfg.rate > auth.max_rate)) {
			if (settings->rate != 0)
				log_warn("--rate %u is above the agent's %u "
					 "replies per second to one source; "
					 "sweeping at %u",
					 settings->rate, auth.max_rate,
					 auth.max_rate);
			cfg.rate = auth.max_rate;
			settings->rate = auth.max_rate;
		}
		if (cfg.bind.ss_family == AF_UNSPEC)
			control_client_local(control, &local);
	}
	report_set_target_bind(
		report, t->report_target,
		local.ss_family != AF_UNSPEC
			? netaddr_format((struct sockaddr *)&local, addr_text)
			: "");
	nsports = range_list_size(&cfg.sports);
	aggregator_subscribe(&bus, &part);
	event_bus_subscribe(&bus, run_forward_event_callback, NULL, run_bus);
	if (progress)
		progress_subscribe(&bus, stderr);

	sweep = sweep_new(base, &cfg, &bus);
	if (sweep_run(sweep) != 0) {
		*cause = xstrdup("the event loop failed");
		sweep_free(sweep);
		goto out;
	}
	seen = xcalloc(sweep_nports(sweep) + 1, 1);
	if (control != NULL) {
		if (run_needs_seen(sweep, &cfg) &&
		    run_fetch_seen(control, cfg.session, &cfg, nsports, seen,
				   cause) != 0) {
			free(seen);
			sweep_free(sweep);
			goto out;
		}
		run_close_session(control, cfg.session);
	}
	for (i = 0; i < sweep_nports(sweep); i++) {
		const struct sweep_port *p = sweep_port_at(sweep, i);

		if (p->flags & PORT_OK)
			continue; /* published when it answered */
		memset(&ev, 0, sizeof ev);
		ev.status = classify_port(p->flags, cfg.agent, seen[i] & 1);
		ev.nat_translated = (seen[i] & 2) != 0;
		sweep_publish(sweep, SWEEP_EVENT_RESULT, i, &ev);
	}
	memset(&ev, 0, sizeof ev);
	sweep_publish(sweep, SWEEP_EVENT_DONE, SIZE_MAX, &ev);
	free(seen);
	sweep_free(sweep);
	run_copy_results(&part, g, report);
	rc = 0;
out:
	control_client_free(control);
	event_bus_free(&bus);
	report_free(&part);
	check_list_free(&cfg.checks);
	range_list_free(&cfg.sports);
	free(sports_text);
	sodium_memzero(cfg.session_key, sizeof cfg.session_key);
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
