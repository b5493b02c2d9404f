/* The scenario a sweep after apply runs: what the NACLs after a change
 * predict, as expectations (nacl-report plan --emit-scenario). */
/* A passing sweep proves the model; diff then compares direction too. */
#include "reports/plan.h"

#include <stdlib.h>
#include <string.h>

#include "common/jsonwrite.h"
#include "common/xmalloc.h"

/* The ranges of c that are not ok, as a sports list; NULL when none. */
static char *
plan_dropped_sports(const struct report_check *c)
{
	struct range_list list = {NULL, 0};
	char *out = NULL;
	size_t i;

	for (i = 0; i < c->nranges; i++) {
		if (c->ranges[i].status == STATUS_OK)
			continue;
		list.ranges = xreallocarray(list.ranges, list.count + 1,
					    sizeof *list.ranges);
		list.ranges[list.count].from = c->ranges[i].from;
		list.ranges[list.count].to = c->ranges[i].to;
		list.count++;
	}
	if (list.count > 0)
		out = range_list_format(&list);
	range_list_free(&list);
	return out;
}

static bool
plan_same_statuses(const struct report_check *a, const struct report_check *b)
{
	size_t i;

	if (a->nranges != b->nranges)
		return false;
	for (i = 0; i < a->nranges; i++)
		if (a->ranges[i].from != b->ranges[i].from ||
		    a->ranges[i].to != b->ranges[i].to ||
		    a->ranges[i].status != b->ranges[i].status)
			return false;
	return true;
}

/* The after report's check for scenario check k: the first target's. */
static const struct report_check *
plan_check_for(const struct plan *p, const struct scenario *s, size_t k,
	       char **cause)
{
	const struct report *r = &p->after.report;
	const struct report_check *first = NULL;
	size_t i, j, index = 0, first_target = 0;

	for (i = 0; i < s->ntargets; i++) {
		for (j = 0; j < s->targets[i].nchecks; j++, index++) {
			if (s->targets[i].checks[j] != k)
				continue;
			if (first == NULL) {
				first = &r->checks[index];
				first_target = i;
			} else if (!plan_same_statuses(first,
						       &r->checks[index])) {
				*cause = xasprintf(
					"checks[%zu] (%s/%u): targets %s and "
					"%s share it but not its prediction; "
					"a scenario gives a check one "
					"expectation: emit one scenario per "
					"target",
					k, proto_name(first->proto),
					first->port,
					s->targets[first_target].name,
					s->targets[i].name);
				return NULL;
			}
		}
	}
	return first;
}

static void
plan_emit_target(cJSON *targets, const struct scenario_target *t)
{
	cJSON *obj = jsonwrite_append_object(targets), *checks;
	char *host, *key;
	size_t i;

	jsonwrite_string(obj, "name", t->name);
	if (t->agent) {
		host = strchr(t->host, ':')
			       ? xasprintf("[%s]:%u", t->host, t->control_port)
			       : xasprintf("%s:%u", t->host, t->control_port);
		jsonwrite_string(obj, "agent", host);
		free(host);
	} else
		jsonwrite_string(obj, "target", t->host);
	if (t->key_file != NULL) {
		key = realpath(t->key_file, NULL);
		jsonwrite_string(obj, "key_file", key ? key : t->key_file);
		free(key);
	}
	jsonwrite_optional_string(obj, "bind", t->bind);
	jsonwrite_optional_string(obj, "probe_cidr", t->probe_cidr);
	jsonwrite_optional_string(obj, "agent_cidr", t->agent_cidr);
	jsonwrite_optional_string(obj, "probe_nacl", t->probe_nacl);
	jsonwrite_optional_string(obj, "agent_nacl", t->agent_nacl);
	checks = jsonwrite_array(obj, "checks");
	for (i = 0; i < t->nchecks; i++)
		cJSON_AddItemToArray(checks, jsonwrite_need(cJSON_CreateNumber(
						     (double)t->checks[i])));
}

cJSON *
plan_emit_scenario(const struct plan *p, const struct scenario *s,
		   const char *plan_name, char **cause)
{
	cJSON *root = jsonwrite_need(cJSON_CreateObject()), *list, *obj;
	const struct scenario_settings *st = &s->settings;
	const char *base;
	char *text;
	size_t k;

	base = strrchr(plan_name, '/');
	text = xasprintf("%s, after %s", s->name, base ? base + 1 : plan_name);
	jsonwrite_string(root, "name", text);
	free(text);
	jsonwrite_string(root, "description",
			 "emitted by nacl-report plan: expects what the NACLs "
			 "after the change predict, open where they allow, "
			 "dropped where they drop");
	if (st->has_rate || st->has_window || st->has_timeout ||
	    st->has_attempts) {
		obj = jsonwrite_object(root, "settings");
		if (st->has_rate)
			jsonwrite_number(obj, "rate", st->rate);
		if (st->has_window)
			jsonwrite_number(obj, "window", st->window);
		if (st->has_timeout)
			jsonwrite_number(obj, "timeout_ms", st->timeout_ms);
		if (st->has_attempts)
			jsonwrite_number(obj, "attempts", st->attempts);
	}
	list = jsonwrite_array(root, "targets");
	for (k = 0; k < s->ntargets; k++)
		plan_emit_target(list, &s->targets[k]);
	list = jsonwrite_array(root, "checks");
	for (k = 0; k < s->nchecks; k++) {
		const struct scenario_check *sc = &s->checks[k];
		const struct report_check *c = plan_check_for(p, s, k, cause);
		char *sports = range_list_format(&sc->sports), *dropped;
		cJSON *ranges, *range;

		if (c == NULL && *cause != NULL) {
			free(sports);
			cJSON_Delete(root);
			return NULL;
		}
		obj = jsonwrite_append_object(list);
		jsonwrite_string(obj, "proto", proto_name(sc->spec.proto));
		jsonwrite_number(obj, "port", sc->spec.port);
		jsonwrite_string(obj, "service",
				 service_name(sc->spec.service));
		jsonwrite_string(obj, "sports", sports);
		free(sports);
		jsonwrite_string(obj, "expect", "open");
		dropped = c ? plan_dropped_sports(c) : NULL;
		if (dropped == NULL)
			continue;
		ranges = jsonwrite_array(obj, "ranges");
		range = jsonwrite_append_object(ranges);
		jsonwrite_string(range, "sports", dropped);
		jsonwrite_string(range, "expect", "dropped");
		free(dropped);
	}
	return root;
}
