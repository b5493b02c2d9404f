/* Judging a NACL change before apply: what it breaks, fixes, and risks. */
/* Breakage is judged as diff judges a regression: a port that met its
 * expectation before the change and does not after. */
#include "reports/plan.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/jsonwrite.h"
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

/* Findings: the checks a change deserves beyond the scenario. */

static void
plan_add_finding(struct plan *p, enum plan_finding_kind kind,
		 const struct nacl *acl, const struct nacl_entry *e, char *text)
{
	struct plan_finding *f;

	p->findings = xreallocarray(p->findings, p->nfindings + 1,
				    sizeof *p->findings);
	f = &p->findings[p->nfindings++];
	f->kind = kind;
	f->acl = acl;
	f->entry = e;
	f->text = text;
}

/* "acl-0a1 (aws_network_acl.probe)" */
static char *
plan_acl_name(const struct nacl *acl)
{
	if (acl->address != NULL && strcmp(acl->address, acl->id) != 0)
		return xasprintf("%s (%s)", acl->id, acl->address);
	return xstrdup(acl->id);
}

/* "rule 100 (allow tcp 1024-65535 from 0.0.0.0/0, by aws_...)" */
static char *
plan_rule_name(const struct nacl_entry *e)
{
	char *what = nacl_entry_describe(e), *out;

	if (*e->origin != '\0' && strncmp(e->origin, "Entries[", 8) != 0)
		out = xasprintf("rule %u (%s, in %s)", e->rule_number, what,
				e->origin);
	else
		out = xasprintf("rule %u (%s)", e->rule_number, what);
	free(what);
	return out;
}

static void
plan_check_quota(struct plan *p, const struct nacl *acl, const char *name)
{
	int egress;
	size_t i, n;

	for (egress = 0; egress <= 1; egress++) {
		n = 0;
		for (i = 0; i < acl->nentries; i++)
			n += acl->entries[i].egress == egress &&
			     !nacl_rule_is_default(acl->entries[i].rule_number);
		if (n > p->rule_quota)
			plan_add_finding(
				p, PLAN_QUOTA, acl, NULL,
				xasprintf("%s %s: %zu rules, more than the "
					  "quota of %u per direction assumed "
					  "(AWS's default; --rule-quota N for "
					  "a raised one): apply will fail",
					  name, egress ? "outbound" : "inbound",
					  n, p->rule_quota));
	}
}

static void
plan_check_duplicates(struct plan *p, const struct nacl *acl, const char *name)
{
	size_t i;

	for (i = 1; i < acl->nentries; i++) {
		const struct nacl_entry *a = &acl->entries[i - 1],
					*b = &acl->entries[i];
		char *x, *y;

		if (a->egress != b->egress ||
		    a->rule_number != b->rule_number ||
		    nacl_rule_is_default(a->rule_number))
			continue;
		x = plan_rule_name(a);
		y = plan_rule_name(b);
		plan_add_finding(p, PLAN_DUPLICATE, acl, b,
				 xasprintf("%s %s: %s and %s share a rule "
					   "number: AWS refuses the second, "
					   "and which one holds is not yours "
					   "to choose",
					   name,
					   b->egress ? "outbound" : "inbound",
					   x, y));
		free(x);
		free(y);
	}
}

static bool
plan_is_any(const struct netaddr_cidr *c)
{
	return c->prefix == 0;
}

static bool
plan_has_twin(const struct nacl *acl, const struct nacl_entry *e)
{
	size_t i;

	for (i = 0; i < acl->nentries; i++) {
		const struct nacl_entry *t = &acl->entries[i];

		if (t->egress == e->egress && t->action == e->action &&
		    t->protocol == e->protocol &&
		    t->has_ports == e->has_ports &&
		    t->port_from == e->port_from && t->port_to == e->port_to &&
		    t->cidr.family == AF_INET6 && plan_is_any(&t->cidr))
			return true;
	}
	return false;
}

static const char *
plan_ipv6_subnet(const struct nacl_set *set, const struct nacl *acl)
{
	const struct nacl_subnet *s;
	size_t i;

	for (i = 0; i < acl->nsubnets; i++) {
		s = nacl_set_subnet(set, acl->subnets[i]);
		if (s != NULL && s->ipv6)
			return acl->subnets[i];
	}
	return NULL;
}

static void
plan_check_ipv6_twins(struct plan *p, const struct nacl *acl, const char *name)
{
	const char *subnet = plan_ipv6_subnet(&p->after_set, acl);
	size_t i;

	if (subnet == NULL)
		return;
	for (i = 0; i < acl->nentries; i++) {
		const struct nacl_entry *e = &acl->entries[i];
		struct nacl_entry twin;
		char *x, *y;

		if (e->cidr.family != AF_INET || !plan_is_any(&e->cidr) ||
		    nacl_rule_is_default(e->rule_number) ||
		    plan_has_twin(acl, e))
			continue;
		twin = *e;
		memset(&twin.cidr, 0, sizeof twin.cidr);
		twin.cidr.family = AF_INET6;
		x = plan_rule_name(e);
		y = nacl_entry_describe(&twin);
		plan_add_finding(p, PLAN_NO_IPV6_TWIN, acl, e,
				 xasprintf("%s %s: %s has no IPv6 twin (%s), "
					   "yet subnet %s has an IPv6 block: "
					   "its IPv6 traffic falls to the "
					   "final deny",
					   name,
					   e->egress ? "outbound" : "inbound",
					   x, y, subnet));
		free(x);
		free(y);
	}
}

/* Does allow a match every packet deny d matches? */
static bool
plan_covers(const struct nacl_entry *a, const struct nacl_entry *d)
{
	if (a->cidr.family != d->cidr.family ||
	    a->cidr.prefix > d->cidr.prefix ||
	    !netaddr_cidr_contains(&a->cidr, d->cidr.family, d->cidr.addr))
		return false;
	if (a->protocol == NACL_PROTO_ALL)
		return true;
	if (a->protocol != d->protocol)
		return false;
	if (d->protocol == NACL_PROTO_TCP || d->protocol == NACL_PROTO_UDP)
		return !a->has_ports ||
		       (d->has_ports && a->port_from <= d->port_from &&
			a->port_to >= d->port_to);
	if (d->protocol == NACL_PROTO_ICMP || d->protocol == NACL_PROTO_ICMPV6)
		return (a->icmp_type == -1 || a->icmp_type == d->icmp_type) &&
		       (a->icmp_code == -1 || a->icmp_code == d->icmp_code);
	return true;
}

static void
plan_check_shadowed(struct plan *p, const struct nacl *acl, const char *name)
{
	size_t i, j;

	for (i = 0; i < acl->nentries; i++) {
		const struct nacl_entry *d = &acl->entries[i];

		if (d->action != NACL_DENY ||
		    nacl_rule_is_default(d->rule_number))
			continue;
		for (j = 0; j < i; j++) {
			const struct nacl_entry *a = &acl->entries[j];
			char *x, *y;

			if (a->egress != d->egress || a->action != NACL_ALLOW ||
			    a->rule_number >= d->rule_number ||
			    !plan_covers(a, d))
				continue;
			x = plan_rule_name(d);
			y = plan_rule_name(a);
			plan_add_finding(
				p, PLAN_SHADOWED_DENY, acl, d,
				xasprintf("%s %s: %s never matches: %s comes "
					  "first and allows all it would deny; "
					  "number the deny below %u",
					  name,
					  d->egress ? "outbound" : "inbound", x,
					  y, a->rule_number));
			free(x);
			free(y);
			break;
		}
	}
}

static void
plan_check_nacls(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->after_set.count; i++) {
		const struct nacl *acl = &p->after_set.acls[i];
		char *name;

		if (!nacl_change_touches(p->change, acl))
			continue;
		name = plan_acl_name(acl);
		plan_check_quota(p, acl, name);
		plan_check_duplicates(p, acl, name);
		plan_check_ipv6_twins(p, acl, name);
		plan_check_shadowed(p, acl, name);
		free(name);
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

/* The fix in the change's own language. */

static const char *
plan_proto_word(int protocol)
{
	return protocol == NACL_PROTO_TCP ? "tcp" : "udp";
}

/* The last name of an address: aws_network_acl.probe -> probe. */
static char *
plan_tf_label(const struct nacl_entry *e, const struct nacl *acl)
{
	const char *base = acl->address ? acl->address : acl->id, *dot;
	char *out, *p;

	dot = strrchr(base, '.');
	out = xasprintf("%s_%s_%s_%u_%u", dot ? dot + 1 : base,
			e->egress ? "out" : "in", plan_proto_word(e->protocol),
			e->port_from, e->port_to);
	for (p = out; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	return out;
}

static bool
plan_acl_is_inline(const struct nacl *acl)
{
	size_t i, len;

	for (i = 0; i < acl->nentries; i++) {
		len = strlen(acl->entries[i].origin);
		if ((len > 8 && strcmp(acl->entries[i].origin + len - 8,
				       " ingress") == 0) ||
		    (len > 7 &&
		     strcmp(acl->entries[i].origin + len - 7, " egress") == 0))
			return true;
	}
	return false;
}

/* The address without its resource key, for a reference: x.y["a"] keeps
 * it, as Terraform does. */
static char *
plan_tf_text(const struct nacl *acl, const struct nacl_entry *e,
	     const char *number)
{
	char cidr[NETADDR_CIDR_STRLEN], *label, *out;
	const char *cidr_key =
		e->cidr.family == AF_INET6 ? "ipv6_cidr_block" : "cidr_block";

	netaddr_cidr_format(&e->cidr, cidr);
	if (plan_acl_is_inline(acl))
		return xasprintf("in %s, add:\n"
				 "  %s {\n"
				 "    rule_no    = %s\n"
				 "    action     = \"allow\"\n"
				 "    protocol   = \"%s\"\n"
				 "    %-10s = \"%s\"\n"
				 "    from_port  = %u\n"
				 "    to_port    = %u\n"
				 "  }",
				 acl->address, e->egress ? "egress" : "ingress",
				 number, plan_proto_word(e->protocol), cidr_key,
				 cidr, e->port_from, e->port_to);
	label = plan_tf_label(e, acl);
	out = xasprintf("resource \"aws_network_acl_rule\" \"%s\" {\n"
			"  network_acl_id = %s.id\n"
			"  rule_number    = %s\n"
			"  egress         = %s\n"
			"  protocol       = \"%s\"\n"
			"  rule_action    = \"allow\"\n"
			"  %-14s = \"%s\"\n"
			"  from_port      = %u\n"
			"  to_port        = %u\n"
			"}",
			label, acl->address, number,
			e->egress ? "true" : "false",
			plan_proto_word(e->protocol), cidr_key, cidr,
			e->port_from, e->port_to);
	free(label);
	return out;
}

static char *
plan_cfn_text(const struct nacl *acl, const struct nacl_entry *e,
	      const char *number)
{
	char cidr[NETADDR_CIDR_STRLEN];

	netaddr_cidr_format(&e->cidr, cidr);
	return xasprintf("under Resources, add:\n"
			 "  %s%s%s%u%u:\n"
			 "    Type: AWS::EC2::NetworkAclEntry\n"
			 "    Properties:\n"
			 "      NetworkAclId: !Ref %s\n"
			 "      RuleNumber: %s\n"
			 "      Protocol: %d\n"
			 "      RuleAction: allow\n"
			 "      Egress: %s\n"
			 "      %s: %s\n"
			 "      PortRange: {From: %u, To: %u}",
			 acl->address, e->egress ? "Out" : "In",
			 e->protocol == NACL_PROTO_TCP ? "Tcp" : "Udp",
			 e->port_from, e->port_to, acl->address, number,
			 e->protocol, e->egress ? "true" : "false",
			 e->cidr.family == AF_INET6 ? "Ipv6CidrBlock"
						    : "CidrBlock",
			 cidr, e->port_from, e->port_to);
}

static char *
plan_aws_text(const struct nacl *acl, const struct nacl_entry *e,
	      const char *number)
{
	char cidr[NETADDR_CIDR_STRLEN];

	netaddr_cidr_format(&e->cidr, cidr);
	return xasprintf(
		"aws ec2 create-network-acl-entry --network-acl-id "
		"%s --%s --rule-number %s --protocol %d "
		"--port-range From=%u,To=%u --%s %s --rule-action "
		"allow",
		scenario_nacl_is_id(acl->id) ? acl->id : "<network-acl-id>",
		e->egress ? "egress" : "ingress", number, e->protocol,
		e->port_from, e->port_to,
		e->cidr.family == AF_INET6 ? "ipv6-cidr-block" : "cidr-block",
		cidr);
}

char *
plan_fix_text(const struct plan *p, const struct plan_fix *fix)
{
	const struct nacl_entry *e = &fix->entry;
	char number[16], *out;

	if (e->rule_number != 0)
		snprintf(number, sizeof number, "%u", e->rule_number);
	else
		snprintf(number, sizeof number, "<rule-number>");
	if (fix->acl->address != NULL && p->change->has_before)
		out = plan_tf_text(fix->acl, e, number);
	else if (fix->acl->address != NULL &&
		 strcmp(fix->acl->address, fix->acl->id) == 0)
		out = plan_cfn_text(fix->acl, e, number);
	else
		out = plan_aws_text(fix->acl, e, number);
	return out;
}

/* The scenario a sweep after apply runs. */

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
	if (t->bind != NULL)
		jsonwrite_string(obj, "bind", t->bind);
	if (t->probe_cidr != NULL)
		jsonwrite_string(obj, "probe_cidr", t->probe_cidr);
	if (t->agent_cidr != NULL)
		jsonwrite_string(obj, "agent_cidr", t->agent_cidr);
	if (t->probe_nacl != NULL)
		jsonwrite_string(obj, "probe_nacl", t->probe_nacl);
	if (t->agent_nacl != NULL)
		jsonwrite_string(obj, "agent_nacl", t->agent_nacl);
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

/* Text. */

/* "      fix: rule 120 of acl-0a1 inbound, before rule *:" and the text,
 * indented under it. */
static void
plan_write_fix(FILE *out, const struct plan *p, const struct plan_fix *fix)
{
	char *text = plan_fix_text(p, fix), *line, *save = NULL;

	if (fix->entry.rule_number == 0)
		fprintf(out,
			"      fix (no free rule number below %u in %s "
			"%s: renumber first):\n",
			fix->dropping ? fix->dropping->rule_number : 0,
			fix->acl->id,
			fix->entry.egress ? "outbound" : "inbound");
	else if (fix->dropping == NULL ||
		 nacl_rule_is_default(fix->dropping->rule_number))
		fprintf(out,
			"      fix (%s %s, rule %u, before the final "
			"deny):\n",
			fix->acl->id,
			fix->entry.egress ? "outbound" : "inbound",
			fix->entry.rule_number);
	else
		fprintf(out, "      fix (%s %s, rule %u, before rule %u):\n",
			fix->acl->id,
			fix->entry.egress ? "outbound" : "inbound",
			fix->entry.rule_number, fix->dropping->rule_number);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(out, "        %s\n", line);
	free(text);
}

static void
plan_write_range(FILE *out, const struct plan *p, const struct nacl_path *path,
		 const struct plan_range *pr)
{
	char *impact;

	if (pr->from == pr->to)
		fprintf(out, "    %u ", pr->from);
	else
		fprintf(out, "    %u-%u ", pr->from, pr->to);
	if (pr->before != STATUS_COUNT && pr->before != pr->after)
		fprintf(out, "%s -> ", status_name(pr->before));
	fputs(status_name(pr->after), out);
	if (pr->expect != EXPECT_OPEN)
		fprintf(out, " (expected %s)", expectation_name(pr->expect));
	if (pr->after != STATUS_OK) {
		impact = report_impact_describe(pr->from, pr->to);
		fprintf(out, " — %s\n      dropped by ", impact);
		free(impact);
		nacl_write_drop(out, path, &pr->result);
	} else if (!path->same_subnet) {
		fputs("\n      allowed by ", out);
		nacl_write_allowed(out, &pr->result);
	}
	fputc('\n', out);
	if (!pr->has_fix)
		return;
	plan_write_fix(out, p, &pr->fix);
}

static void
plan_write_kind(FILE *out, const struct plan *p, enum plan_kind kind,
		const char *title)
{
	const struct report *r = &p->after.report;
	size_t i, j;
	bool any = false;

	for (i = 0; i < p->nchecks; i++) {
		const struct plan_check *pc = &p->checks[i];
		const struct report_check *c = &r->checks[pc->check];
		const struct predict_check *pa = &p->after.checks[pc->check];
		bool header = false;

		for (j = 0; j < pc->nranges; j++) {
			if (pc->ranges[j].kind != kind)
				continue;
			if (!any)
				fprintf(out, "%s\n", title);
			any = true;
			if (!header)
				fprintf(out, "  target %s %s/%u %s:\n",
					r->targets[pa->target].name,
					proto_name(c->proto), c->port,
					service_name(c->service));
			header = true;
			plan_write_range(out, p,
					 &p->after.paths[pa->target].path,
					 &pc->ranges[j]);
		}
	}
}

static void
plan_write_changes(FILE *out, const struct plan *p)
{
	const struct nacl_change *c = p->change;
	size_t i, n = 0;

	fprintf(out, "NACL changes in the %s:\n", c->kind);
	for (i = 0; i < c->nacls; i++) {
		const struct nacl_change_acl *a = &c->acls[i];

		if (strcmp(a->actions, "no-op") == 0 && !a->parts_change)
			continue;
		n++;
		fprintf(out, "  %s: %s\n", a->address,
			strcmp(a->actions, "no-op") == 0 ? "rules changed"
							 : a->actions);
	}
	for (i = 0; i < c->nrules; i++) {
		if (strcmp(c->rules[i].actions, "no-op") == 0)
			continue;
		n++;
		fprintf(out, "  %s: %s (a rule of %s)\n", c->rules[i].address,
			c->rules[i].actions, c->rules[i].acl_id);
	}
	for (i = 0; i < c->nassociations; i++) {
		const struct nacl_change_association *a = &c->associations[i];

		if (strcmp(a->actions, "no-op") == 0)
			continue;
		n++;
		fprintf(out, "  %s: %s (subnet %s with %s)\n", a->address,
			a->actions,
			a->subnet_after ? a->subnet_after : a->subnet_before,
			a->acl_after ? a->acl_after : a->acl_before);
	}
	if (n == 0)
		fputs("  none\n", out);
}

void
plan_write_text(const struct plan *p, FILE *out)
{
	size_t i;

	plan_write_changes(out, p);
	if (!p->has_before)
		fprintf(out,
			"No prediction before the change (%s): every range "
			"not as expected after it is listed\n",
			p->before_note ? p->before_note : "unknown");
	plan_write_kind(out, p, PLAN_BROKEN,
			"Newly broken (met their expectation before, not "
			"after):");
	plan_write_kind(out, p, PLAN_STILL_BROKEN,
			p->has_before ? "Still broken (before and after):"
				      : "Not as expected after the change:");
	plan_write_kind(out, p, PLAN_FIXED, "Fixed by the change:");
	plan_write_kind(out, p, PLAN_CHANGED, "Changed, as (un)met as before:");
	if (p->nchecks == 0)
		fputs("No source port of the scenario changes its fate.\n",
		      out);
	for (i = 0; i < p->nfindings; i++)
		fprintf(out, "warning: %s\n", p->findings[i].text);
	if (plan_exit_code(p) == 0)
		fprintf(out,
			"Verdict: pass: after the change every check meets "
			"its expectations (%zu ports newly broken, %zu "
			"fixed)\n",
			p->broken, p->fixed);
	else
		fprintf(out,
			"Verdict: FAIL: after the change some ports miss "
			"their expectations (%zu newly broken, %zu fixed)\n",
			p->broken, p->fixed);
}
