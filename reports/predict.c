/* What NACLs do to a scenario's sweep, port by port, before any probe runs. */
/* Only the reply's destination port moves with the source port, so a sweep
 * of 64,512 ports is judged in as many evaluations as the reply hops have
 * entry boundaries (nacl_path_same_until). */
#include "reports/predict.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/jsonread.h"
#include "common/jsonwrite.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

static char *
predict_now(void)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static int
predict_side(const struct scenario *s, size_t index, const char *member,
	     const char *name, const struct nacl_set *set, const char *from,
	     const struct nacl **acl, bool *subnet, char **cause)
{
	const struct scenario_target *t = &s->targets[index];
	char *known;

	if (name == NULL)
		return jsonread_fail(
			cause, "",
			"%s: targets[%zu] (%s): no %s: predict needs the NACL "
			"of the %s's subnet: an acl- or subnet- ID, a "
			"Terraform address or a CloudFormation logical ID",
			s->path, index, t->name, member,
			strcmp(member, "probe_nacl") == 0 ? "probe" : "agent");
	*acl = nacl_set_resolve(set, name, subnet);
	if (*acl != NULL)
		return 0;
	known = nacl_set_known_names(set);
	jsonread_fail(cause, "",
		      "%s: targets[%zu].%s: %s names no NACL or subnet of %s; "
		      "known: %s",
		      s->path, index, member, name, from, known);
	free(known);
	return -1;
}

/* The first entry of acl that matches part of block but not all of it. */
static const struct nacl_entry *
predict_splits(const struct nacl *acl, const struct netaddr_cidr *block)
{
	size_t i;

	for (i = 0; i < acl->nentries; i++) {
		const struct nacl_entry *e = &acl->entries[i];

		if (e->cidr.family == block->family &&
		    e->cidr.prefix > block->prefix &&
		    netaddr_cidr_contains(block, block->family, e->cidr.addr))
			return e;
	}
	return NULL;
}

/*
 * The address of one side: literal (bind, or the agent's address), else
 * its CIDR block, which the other side's NACL must treat alike throughout.
 */
static int
predict_address(const struct scenario *s, size_t index, const char *literal,
		const char *block_member, const char *block_text,
		const struct nacl *other, const char *who,
		const char *literal_what, int *family, uint8_t *addr,
		char **cause)
{
	struct netaddr_cidr block;
	const struct nacl_entry *e;
	char *inner = NULL, *what;

	memset(addr, 0, 16);
	if (literal != NULL && inet_pton(AF_INET, literal, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (literal != NULL && inet_pton(AF_INET6, literal, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	if (block_text == NULL)
		return jsonread_fail(cause, "",
				     "%s: targets[%zu] (%s): no address for "
				     "the %s: give %s or %s (its subnet's "
				     "block)",
				     s->path, index, s->targets[index].name,
				     who, literal_what, block_member);
	if (netaddr_cidr_parse(block_text, &block, &inner) != 0) {
		jsonread_fail(cause, "", "%s: targets[%zu].%s: %s", s->path,
			      index, block_member, inner);
		free(inner);
		return -1;
	}
	e = predict_splits(other, &block);
	if (e != NULL) {
		what = nacl_entry_describe(e);
		jsonread_fail(cause, "",
			      "%s: targets[%zu].%s: %s is split by %s %s rule "
			      "%u (%s): give %s",
			      s->path, index, block_member, block_text,
			      other->id, e->egress ? "outbound" : "inbound",
			      e->rule_number, what, literal_what);
		free(what);
		return -1;
	}
	*family = block.family;
	memcpy(addr, block.addr, 16);
	return 0;
}

static int
predict_target_path(struct predict_path *pp, const struct scenario *s,
		    size_t index, const struct nacl_set *set, const char *from,
		    char **cause)
{
	const struct scenario_target *t = &s->targets[index];
	bool probe_subnet, agent_subnet;
	int probe_family = 0, agent_family = 0;

	memset(pp, 0, sizeof *pp);
	if (predict_side(s, index, "probe_nacl", t->probe_nacl, set, from,
			 &pp->path.probe_acl, &probe_subnet, cause) != 0 ||
	    predict_side(s, index, "agent_nacl", t->agent_nacl, set, from,
			 &pp->path.agent_acl, &agent_subnet, cause) != 0)
		return -1;
	pp->probe_name = xstrdup(t->probe_nacl);
	pp->agent_name = xstrdup(t->agent_nacl);
	/* The probe's address is what the agent's NACL sees, and back. */
	if (predict_address(s, index, t->bind, "probe_cidr", t->probe_cidr,
			    pp->path.agent_acl, "probe", "bind (its address)",
			    &probe_family, pp->path.probe_addr, cause) != 0 ||
	    predict_address(s, index, t->host, "agent_cidr", t->agent_cidr,
			    pp->path.probe_acl, t->agent ? "agent" : "target",
			    t->agent ? "agent as an address"
				     : "target as an address",
			    &agent_family, pp->path.agent_addr, cause) != 0)
		return -1;
	if (probe_family != agent_family)
		return jsonread_fail(cause, "",
				     "%s: targets[%zu] (%s): the probe's "
				     "address is IPv%d and the %s's IPv%d: "
				     "expected one family",
				     s->path, index, t->name,
				     probe_family == AF_INET ? 4 : 6,
				     t->agent ? "agent" : "target",
				     agent_family == AF_INET ? 4 : 6);
	pp->path.family = probe_family;
	pp->path.same_subnet = probe_subnet && agent_subnet &&
			       strcmp(t->probe_nacl, t->agent_nacl) == 0;
	return 0;
}

static void
predict_add_range(struct predict_check *pc, uint16_t from, uint16_t to,
		  const struct nacl_path_result *res)
{
	struct predict_range *last =
		pc->nranges ? &pc->ranges[pc->nranges - 1] : NULL;

	if (last != NULL && (uint32_t)last->to + 1 == from &&
	    nacl_path_same_decision(&last->result, res)) {
		last->to = to;
		return;
	}
	pc->ranges =
		xreallocarray(pc->ranges, pc->nranges + 1, sizeof *pc->ranges);
	last = &pc->ranges[pc->nranges++];
	last->from = from;
	last->to = to;
	last->result = *res;
}

/* Fills c's statuses and pc's ranges from the path, range by range. */
static void
predict_check(const struct nacl_path *path, struct report_check *c,
	      struct predict_check *pc)
{
	int protocol = c->proto == PROTO_TCP ? NACL_PROTO_TCP : NACL_PROTO_UDP;
	uint8_t *statuses = xmalloc(range_list_size(&c->sports));
	size_t i, index = 0;

	for (i = 0; i < c->sports.count; i++) {
		uint32_t port = c->sports.ranges[i].from;
		uint16_t to = c->sports.ranges[i].to;

		while (port <= to) {
			struct nacl_path_result res;
			uint16_t last;
			size_t n;

			nacl_path_evaluate(path, protocol, c->port,
					   (uint16_t)port, &res);
			last = nacl_path_same_until(path, protocol,
						    (uint16_t)port, to);
			n = (size_t)last - port + 1;
			memset(statuses + index, nacl_path_status(&res), n);
			index += n;
			predict_add_range(pc, (uint16_t)port, last, &res);
			port = (uint32_t)last + 1;
		}
	}
	report_check_set_statuses(c, statuses);
	free(statuses);
}

static char *
predict_strdup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int
predict_build(struct predict *p, const struct scenario *s,
	      const struct nacl_set *set, const char *from, char **cause)
{
	struct report *r = &p->report;
	size_t i, j;

	memset(p, 0, sizeof *p);
	p->npaths = s->ntargets;
	p->paths = xcalloc(s->ntargets, sizeof *p->paths);
	for (i = 0; i < s->ntargets; i++)
		if (predict_target_path(&p->paths[i], s, i, set, from, cause) !=
		    0) {
			predict_free(p);
			return -1;
		}
	r->predicted = true;
	r->started_at = predict_now();
	r->finished_at = xstrdup(r->started_at);
	r->scenario_name = xstrdup(s->name);
	r->scenario_description = predict_strdup(s->description);
	r->settings.rate = s->settings.rate;
	r->settings.window = s->settings.window;
	r->settings.attempts = s->settings.attempts;
	r->settings.timeout_ms = s->settings.timeout_ms;
	for (i = 0; i < s->ntargets; i++) {
		const struct scenario_target *t = &s->targets[i];
		struct report_target *rt;
		size_t index = report_add_target(r, t->name, t->host, t->agent,
						 t->bind ? t->bind : "");

		rt = &r->targets[index];
		rt->probe_cidr = predict_strdup(t->probe_cidr);
		rt->agent_cidr = predict_strdup(t->agent_cidr);
		rt->probe_nacl = predict_strdup(t->probe_nacl);
		rt->agent_nacl = predict_strdup(t->agent_nacl);
		for (j = 0; j < t->nchecks; j++) {
			const struct scenario_check *sc =
				&s->checks[t->checks[j]];
			struct report_check *c = report_add_check(
				r, sc->spec.proto, sc->spec.port,
				sc->spec.service, &sc->sports);
			struct predict_check *pc;

			c->target = index;
			p->checks = xreallocarray(p->checks, p->nchecks + 1,
						  sizeof *p->checks);
			pc = &p->checks[p->nchecks++];
			memset(pc, 0, sizeof *pc);
			pc->target = index;
			predict_check(&p->paths[i].path, c, pc);
			report_check_set_expectations(c, sc->expect,
						      sc->expectations,
						      sc->nexpectations);
		}
	}
	report_finish(r);
	return 0;
}

void
predict_free(struct predict *p)
{
	size_t i;

	if (p == NULL)
		return;
	report_free(&p->report);
	for (i = 0; i < p->npaths; i++) {
		free(p->paths[i].probe_name);
		free(p->paths[i].agent_name);
	}
	free(p->paths);
	for (i = 0; i < p->nchecks; i++)
		free(p->checks[i].ranges);
	free(p->checks);
	memset(p, 0, sizeof *p);
}

cJSON *
predict_range_to_json(const struct nacl_path *path,
		      const struct predict_range *pr)
{
	cJSON *range = jsonwrite_need(cJSON_CreateObject());
	const struct nacl_path_result *res = &pr->result;

	jsonwrite_number(range, "from", pr->from);
	jsonwrite_number(range, "to", pr->to);
	jsonwrite_string(range, "status", status_name(nacl_path_status(res)));
	nacl_result_add_json(range, path, res);
	return range;
}

cJSON *
predict_to_json(const struct predict *p)
{
	cJSON *root = report_to_json(&p->report), *checks, *check, *by;
	size_t i, j;

	checks = cJSON_GetObjectItemCaseSensitive(root, "checks");
	for (i = 0; i < p->nchecks; i++) {
		const struct predict_check *pc = &p->checks[i];
		const struct nacl_path *path = &p->paths[pc->target].path;

		check = cJSON_GetArrayItem(checks, (int)i);
		by = jsonwrite_array(check, "predicted_by");
		for (j = 0; j < pc->nranges; j++)
			cJSON_AddItemToArray(by, predict_range_to_json(
							 path, &pc->ranges[j]));
	}
	return root;
}

static void
predict_write_side(FILE *out, const char *what, const uint8_t *addr, int family,
		   const char *name, const struct nacl *acl)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, text, sizeof text);
	fprintf(out, "%s %s: NACL %s", what, text, acl->id);
	if (acl->address != NULL && strcmp(acl->address, acl->id) != 0)
		fprintf(out, " (%s)", acl->address);
	if (strcmp(name, acl->id) != 0 &&
	    (acl->address == NULL || strcmp(name, acl->address) != 0))
		fprintf(out, " of %s", name);
	fputc('\n', out);
}

static void
predict_write_range(FILE *out, const struct nacl_path *path,
		    const struct predict_range *pr)
{
	enum probe_status status = nacl_path_status(&pr->result);
	size_t n = (size_t)pr->to - pr->from + 1;
	char *impact;

	if (pr->from == pr->to)
		fprintf(out, "    %u  %s (1 port)", pr->from,
			status_name(status));
	else
		fprintf(out, "    %u-%u  %s (%zu ports)", pr->from, pr->to,
			status_name(status), n);
	if (pr->result.drop_hop < 0) {
		fputs(": ", out);
		if (path->same_subnet)
			fputs("one subnet, no NACL between", out);
		else {
			fputs("allowed by ", out);
			nacl_write_allowed(out, &pr->result);
		}
		fputc('\n', out);
		return;
	}
	impact = report_impact_describe(pr->from, pr->to);
	fprintf(out, " — %s\n      dropped by ", impact);
	free(impact);
	nacl_write_drop(out, path, &pr->result);
	fputc('\n', out);
}

void
predict_write_text(const struct predict *p, FILE *out)
{
	const struct report *r = &p->report;
	size_t i, j, failed = 0, last_target = (size_t)-1;

	fprintf(out, "Predicted from the NACLs, not measured: scenario %s\n",
		r->scenario_name ? r->scenario_name : "?");
	for (i = 0; i < p->nchecks; i++) {
		const struct report_check *c = &r->checks[i];
		const struct predict_check *pc = &p->checks[i];
		const struct predict_path *pp = &p->paths[pc->target];
		char *sports = range_list_format(&c->sports);

		if (pc->target != last_target) {
			last_target = pc->target;
			fprintf(out, "target %s\n",
				r->targets[pc->target].name);
			predict_write_side(out, "  probe", pp->path.probe_addr,
					   pp->path.family, pp->probe_name,
					   pp->path.probe_acl);
			predict_write_side(out, "  agent", pp->path.agent_addr,
					   pp->path.family, pp->agent_name,
					   pp->path.agent_acl);
		}
		fprintf(out, "  %s/%u %s  sports %s: %zu ok",
			proto_name(c->proto), c->port, service_name(c->service),
			sports, c->counts[STATUS_OK]);
		free(sports);
		if (c->counts[STATUS_REQUEST_DROPPED] > 0)
			fprintf(out, ", %zu request_dropped",
				c->counts[STATUS_REQUEST_DROPPED]);
		if (c->counts[STATUS_REPLY_DROPPED] > 0)
			fprintf(out, ", %zu reply_dropped",
				c->counts[STATUS_REPLY_DROPPED]);
		fprintf(out, " — %s\n", c->pass ? "pass" : "FAIL");
		failed += !c->pass;
		for (j = 0; j < pc->nranges; j++)
			predict_write_range(out, &pp->path, &pc->ranges[j]);
	}
	if (failed == 0)
		fprintf(out, "Verdict: pass: every check would meet its "
			     "expectations\n");
	else
		fprintf(out,
			"Verdict: fail: %zu of %zu %s would miss their "
			"expectations\n",
			failed, p->nchecks,
			p->nchecks == 1 ? "check" : "checks");
}
