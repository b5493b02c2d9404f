/* The checks a NACL change deserves beyond the scenario: rule quota,
 * duplicate numbers, IPv6 twins, shadowed denies. */
/* On every NACL the change touches, in the state after it. */
#include "reports/plan.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/netaddr.h"
#include "common/xmalloc.h"

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

void
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
