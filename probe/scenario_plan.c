/* From a scenario to a run: the report's targets and checks with their
 * expectations, and each target resolved with its key. */
/* Names resolve here, not in the parser, so that a file can be checked
 * without a network. */
#include "probe/scenario_plan.h"

#include <stdlib.h>
#include <string.h>

#include "common/netaddr.h"
#include "common/xmalloc.h"

/* HOST[:PORT] again, brackets around an IPv6 address. */
static char *
scenario_plan_address_text(const struct scenario_target *t)
{
	bool v6 = strchr(t->host, ':') != NULL;

	if (!t->agent)
		return xstrdup(t->host);
	return xasprintf(v6 ? "[%s]:%u" : "%s:%u", t->host, t->control_port);
}

static int
scenario_plan_target(const struct scenario *s, size_t index,
		     const struct scenario_overrides *o, struct report *r,
		     struct run_target *rt, char **cause)
{
	const struct scenario_target *t = &s->targets[index];
	const char *role = t->agent ? "agent" : "target";
	char *text = scenario_plan_address_text(t), *inner = NULL;
	char addr_text[NETADDR_STRLEN];
	struct report_target *target;
	socklen_t len;
	size_t k;

	memset(rt, 0, sizeof *rt);
	rt->agent = t->agent;
	rt->label = xasprintf("%s (%s)", t->name, text);
	if (netaddr_parse(text, t->agent ? t->control_port : 0, &rt->address,
			  &len, &inner) != 0) {
		*cause = xasprintf("%s: targets[%zu].%s: %s", s->path, index,
				   role, inner);
		goto fail;
	}
	free(text);
	text = NULL;
	if (o->bind != NULL || t->bind != NULL) {
		const char *bind = o->bind ? o->bind : t->bind;

		if (netaddr_parse(bind, 0, &rt->bind, &len, &inner) != 0) {
			*cause =
				o->bind ? xasprintf("--bind: %s", inner)
					: xasprintf("%s: targets[%zu].bind: %s",
						    s->path, index, inner);
			goto fail;
		}
		if (rt->bind.ss_family != rt->address.ss_family) {
			*cause = xasprintf(
				"%s%s and targets[%zu] (%s, %s) are not the "
				"same address family",
				o->bind ? "--bind " : "", bind, index, t->name,
				netaddr_format((struct sockaddr *)&rt->address,
					       addr_text));
			goto fail;
		}
	}
	if (t->agent && (o->key_file != NULL || t->key_file != NULL)) {
		const char *key = o->key_file ? o->key_file : t->key_file;

		if (auth_key_load(key, &rt->key, &inner) != 0) {
			*cause = o->key_file
					 ? xasprintf("--key-file: %s", inner)
					 : xasprintf(
						   "%s: targets[%zu].key_file: "
						   "%s",
						   s->path, index, inner);
			goto fail;
		}
	}
	rt->dns_name = o->dns_name ? o->dns_name
		       : t->agent  ? o->agent_dns_name
				   : o->target_dns_name;
	rt->report_target = report_add_target(
		r, t->name,
		netaddr_format((struct sockaddr *)&rt->address, addr_text),
		t->agent,
		o->bind	  ? o->bind
		: t->bind ? t->bind
			  : "");
	target = &r->targets[rt->report_target];
	target->probe_cidr = t->probe_cidr ? xstrdup(t->probe_cidr) : NULL;
	target->agent_cidr = t->agent_cidr ? xstrdup(t->agent_cidr) : NULL;
	target->probe_nacl = t->probe_nacl ? xstrdup(t->probe_nacl) : NULL;
	target->agent_nacl = t->agent_nacl ? xstrdup(t->agent_nacl) : NULL;
	for (k = 0; k < t->nchecks; k++) {
		const struct scenario_check *sc = &s->checks[t->checks[k]];
		struct report_check *c;

		c = report_add_check(r, sc->spec.proto, sc->spec.port,
				     sc->spec.service, &sc->sports);
		c->target = rt->report_target;
		report_check_set_expectations(c, sc->expect, sc->expectations,
					      sc->nexpectations);
	}
	return 0;
fail:
	free(inner);
	free(text);
	run_target_free(rt);
	return -1;
}

int
scenario_plan(const struct scenario *s, const struct scenario_overrides *o,
	      struct report *r, struct run_target **targets, size_t *ntargets,
	      char **cause)
{
	struct run_target *list;
	size_t i, k, agents = 0;

	for (i = 0; i < s->ntargets; i++)
		agents += s->targets[i].agent;
	if (o->key_file != NULL && agents == 0) {
		*cause =
			xasprintf("--key-file goes with agents: the targets of "
				  "%s have none (real servers take no key)",
				  s->path);
		return -1;
	}
	r->scenario_name = xstrdup(s->name);
	if (s->description != NULL)
		r->scenario_description = xstrdup(s->description);
	list = xcalloc(s->ntargets, sizeof *list);
	for (i = 0; i < s->ntargets; i++) {
		if (scenario_plan_target(s, i, o, r, &list[i], cause) != 0) {
			for (k = 0; k < i; k++)
				run_target_free(&list[k]);
			free(list);
			return -1;
		}
	}
	*targets = list;
	*ntargets = s->ntargets;
	return 0;
}
