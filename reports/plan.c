/* Judging a NACL change before apply: what it breaks and what would fix it. */
/* Breakage is judged as diff judges a regression: a port that met its
 * expectation before the change and does not after. */
#include "reports/plan.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/netaddr.h"
#include "common/xmalloc.h"

/* One port of a check: its fate before and after, what it must show. */
struct plan_port {
	enum probe_status before, after;
	enum expectation expect;
	size_t range; /* index of the after prediction's range */
};

static enum plan_kind
plan_kind_of(const struct plan_port *pp, bool has_before, bool *listed)
{
	bool met_after = report_status_meets(pp->after, pp->expect);
	bool met_before =
		has_before && report_status_meets(pp->before, pp->expect);

	*listed = true;
	if (!has_before) {
		*listed = !met_after;
		return PLAN_STILL_BROKEN;
	}
	if (met_before && !met_after)
		return PLAN_BROKEN;
	if (!met_before && met_after)
		return PLAN_FIXED;
	if (pp->before != pp->after)
		return PLAN_CHANGED;
	*listed = !met_after;
	return PLAN_STILL_BROKEN;
}

/* The statuses of c, one per port of its sports. */
static uint8_t *
plan_statuses(const struct report_check *c)
{
	uint8_t *out = xmalloc(range_list_size(&c->sports));
	size_t i, index = 0;

	for (i = 0; i < c->nranges; i++) {
		size_t n = (size_t)c->ranges[i].to - c->ranges[i].from + 1;

		memset(out + index, c->ranges[i].status, n);
		index += n;
	}
	return out;
}

/* The highest rule number of acl in egress, the final denies aside. */
static unsigned
plan_highest_rule(const struct nacl *acl, bool egress)
{
	unsigned highest = 0;
	size_t i;

	for (i = 0; i < acl->nentries; i++)
		if (acl->entries[i].egress == egress &&
		    !nacl_rule_is_default(acl->entries[i].rule_number) &&
		    acl->entries[i].rule_number > highest)
			highest = acl->entries[i].rule_number;
	return highest;
}

/* Taken by an entry of acl, or by an earlier fix of p in it. */
static bool
plan_rule_taken(const struct plan *p, const struct nacl *acl, bool egress,
		unsigned n)
{
	size_t i;

	for (i = 0; i < acl->nentries; i++)
		if (acl->entries[i].egress == egress &&
		    acl->entries[i].rule_number == n)
			return true;
	for (i = 0; i < p->nfixes; i++)
		if (p->fixes[i]->acl == acl &&
		    p->fixes[i]->entry.egress == egress &&
		    p->fixes[i]->entry.rule_number == n)
			return true;
	return false;
}

static unsigned
plan_highest_fix(const struct plan *p, const struct nacl *acl, bool egress)
{
	unsigned highest = 0;
	size_t i;

	for (i = 0; i < p->nfixes; i++)
		if (p->fixes[i]->acl == acl &&
		    p->fixes[i]->entry.egress == egress &&
		    p->fixes[i]->entry.rule_number > highest)
			highest = p->fixes[i]->entry.rule_number;
	return highest;
}

/*
 * A free rule number that comes before what decides the packets now: above
 * every rule (a round one) when the final deny does, else the highest free
 * one below the dropping rule. 0 when there is none.
 */
static unsigned
plan_free_rule(const struct plan *p, const struct nacl *acl, bool egress,
	       const struct nacl_entry *dropping)
{
	unsigned n, highest = plan_highest_rule(acl, egress);

	if (dropping == NULL || nacl_rule_is_default(dropping->rule_number)) {
		if (plan_highest_fix(p, acl, egress) > highest)
			highest = plan_highest_fix(p, acl, egress);
		n = (highest / 10 + 1) * 10;
		if (n <= NACL_RULE_MAX)
			return n;
		dropping = NULL;
		n = NACL_RULE_MAX + 1;
	} else
		n = dropping->rule_number;
	while (--n > 0)
		if (!plan_rule_taken(p, acl, egress, n))
			return n;
	return 0;
}

/* The other side's block: its CIDR from the scenario, else its address. */
static void
plan_peer(const struct nacl_path *path, const struct report_target *t,
	  bool peer_is_agent, struct netaddr_cidr *peer)
{
	const char *block = peer_is_agent ? t->agent_cidr : t->probe_cidr;
	char *cause = NULL;

	if (block != NULL && netaddr_cidr_parse(block, peer, &cause) == 0)
		return;
	free(cause);
	memset(peer, 0, sizeof *peer);
	peer->family = path->family;
	peer->prefix = path->family == AF_INET ? 32 : 128;
	memcpy(peer->addr, peer_is_agent ? path->agent_addr : path->probe_addr,
	       16);
}

/* The allow entry that lets ports from-to of c through the dropping hop. */
static void
plan_fix_of(struct plan *p, struct plan_range *pr, const struct nacl_path *path,
	    const struct report_target *t, const struct report_check *c)
{
	enum nacl_hop hop = (enum nacl_hop)pr->result.drop_hop;
	struct plan_fix *fix = &pr->fix;
	struct nacl_entry *e = &fix->entry;

	memset(fix, 0, sizeof *fix);
	fix->acl = nacl_path_acl(path, hop);
	fix->dropping = pr->result.hops[hop].entry;
	e->egress = nacl_hop_is_egress(hop);
	e->action = NACL_ALLOW;
	e->protocol = c->proto == PROTO_TCP ? NACL_PROTO_TCP : NACL_PROTO_UDP;
	e->has_ports = true;
	/* Replies go to the client's source ports, requests to the service. */
	e->port_from = nacl_hop_is_reply(hop) ? pr->from : c->port;
	e->port_to = nacl_hop_is_reply(hop) ? pr->to : c->port;
	e->icmp_type = -1;
	e->icmp_code = -1;
	plan_peer(path, t,
		  hop == NACL_HOP_PROBE_OUT || hop == NACL_HOP_PROBE_IN,
		  &e->cidr);
	e->rule_number =
		(uint16_t)plan_free_rule(p, fix->acl, e->egress, fix->dropping);
	pr->has_fix = true;
}

static void
plan_add_range(struct plan_check *pc, enum plan_kind kind, uint16_t port,
	       const struct plan_port *pp, const struct predict_check *after)
{
	struct plan_range *last =
		pc->nranges ? &pc->ranges[pc->nranges - 1] : NULL;

	if (last != NULL && (uint32_t)last->to + 1 == port &&
	    last->kind == kind && last->before == pp->before &&
	    last->after == pp->after && last->expect == pp->expect &&
	    nacl_path_same_decision(&last->result,
				    &after->ranges[pp->range].result)) {
		last->to = port;
		return;
	}
	pc->ranges =
		xreallocarray(pc->ranges, pc->nranges + 1, sizeof *pc->ranges);
	last = &pc->ranges[pc->nranges++];
	memset(last, 0, sizeof *last);
	last->kind = kind;
	last->from = port;
	last->to = port;
	last->before = pp->before;
	last->after = pp->after;
	last->expect = pp->expect;
	last->result = after->ranges[pp->range].result;
}

static void
plan_compare_check(struct plan *p, size_t i)
{
	const struct report_check *a = &p->after.report.checks[i];
	const struct predict_check *pa = &p->after.checks[i];
	uint8_t *after = plan_statuses(a), *before = NULL;
	struct plan_check pc;
	struct plan_port pp;
	size_t n = range_list_size(&a->sports), k, r = 0;

	if (p->has_before)
		before = plan_statuses(&p->before.report.checks[i]);
	memset(&pc, 0, sizeof pc);
	pc.check = i;
	for (k = 0; k < n; k++) {
		uint16_t port = range_list_port_at(&a->sports, k);
		enum plan_kind kind;
		bool listed;

		while (pa->ranges[r].to < port)
			r++;
		pp.after = (enum probe_status)after[k];
		pp.before =
			before ? (enum probe_status)before[k] : STATUS_COUNT;
		pp.expect = report_check_expect_at(a, port, NULL);
		pp.range = r;
		kind = plan_kind_of(&pp, p->has_before, &listed);
		if (!listed)
			continue;
		plan_add_range(&pc, kind, port, &pp, pa);
		if (kind == PLAN_BROKEN)
			p->broken++;
		else if (kind == PLAN_FIXED)
			p->fixed++;
		else if (kind == PLAN_CHANGED)
			p->changed++;
	}
	free(after);
	free(before);
	if (pc.nranges == 0)
		return;
	p->checks = xreallocarray(p->checks, p->nchecks + 1, sizeof *p->checks);
	p->checks[p->nchecks++] = pc;
}

/* The fixes, once every check's ranges stand (their numbers differ). */
static void
plan_find_fixes(struct plan *p)
{
	struct report_target scratch;
	size_t i, j;

	for (i = 0; i < p->nchecks; i++) {
		struct plan_check *pc = &p->checks[i];
		const struct report_check *a =
			&p->after.report.checks[pc->check];
		const struct predict_check *pa = &p->after.checks[pc->check];

		for (j = 0; j < pc->nranges; j++) {
			struct plan_range *pr = &pc->ranges[j];

			if ((pr->kind != PLAN_BROKEN &&
			     pr->kind != PLAN_STILL_BROKEN) ||
			    pr->expect != EXPECT_OPEN ||
			    pr->result.drop_hop < 0)
				continue;
			plan_fix_of(p, pr, &p->after.paths[pa->target].path,
				    report_check_target(&p->after.report, a,
							&scratch),
				    a);
			p->fixes = xreallocarray(p->fixes, p->nfixes + 1,
						 sizeof *p->fixes);
			p->fixes[p->nfixes++] = &pr->fix;
		}
	}
}

int
plan_build(struct plan *p, const struct nacl_change *change,
	   const struct nacl_set *current, const char *current_name,
	   const struct scenario *s, unsigned rule_quota, char **cause)
{
	char *from, *inner = NULL;
	size_t i;

	memset(p, 0, sizeof *p);
	p->change = change;
	p->rule_quota = rule_quota;
	if (nacl_change_state(change, true, current, &p->after_set, cause) != 0)
		return -1;
	from = current_name
		       ? xasprintf("%s over %s", change->path, current_name)
		       : xstrdup(change->path);
	if (predict_build(&p->after, s, &p->after_set, from, cause) != 0) {
		free(from);
		plan_free(p);
		return -1;
	}
	if (nacl_change_state(change, false, current, &p->before_set, &inner) ==
		    0 &&
	    predict_build(&p->before, s, &p->before_set, from, &inner) == 0)
		p->has_before = true;
	else
		p->before_note = inner;
	free(from);
	for (i = 0; i < p->after.nchecks; i++)
		plan_compare_check(p, i);
	plan_find_fixes(p);
	plan_check_nacls(p);
	return 0;
}

void
plan_free(struct plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	predict_free(&p->after);
	predict_free(&p->before);
	nacl_set_free(&p->after_set);
	nacl_set_free(&p->before_set);
	free(p->before_note);
	for (i = 0; i < p->nchecks; i++)
		free(p->checks[i].ranges);
	free(p->checks);
	for (i = 0; i < p->nfindings; i++)
		free(p->findings[i].text);
	free(p->findings);
	free(p->fixes);
	memset(p, 0, sizeof *p);
}

int
plan_exit_code(const struct plan *p)
{
	return report_exit_code(&p->after.report);
}
