/* The fix of a mismatch in NACL terms, and its aws ec2 command line. */
/* A NACL entry matches a packet's destination port: replies are matched on
 * the client's source port, requests on the service port. */
#include "reports/report.h"

#include <stdlib.h>
#include <string.h>

#include "reports/nacl.h"
#include "common/scenario.h"
#include "common/netaddr.h"
#include "common/xmalloc.h"

static const char fix_note[] = FIX_RULE_NUMBER
	": a free rule number below the entry that now "
	"decides these packets (nacl-report explain names it); the commands "
	"are printed, never run";

const char *
report_fix_note(void)
{
	return fix_note;
}

/* "udp 53" or "udp 1024-65535" */
static char *
fix_ports(enum proto proto, uint16_t from, uint16_t to)
{
	if (from == to)
		return xasprintf("%s %u", proto_name(proto), from);
	return xasprintf("%s %u-%u", proto_name(proto), from, to);
}

/* The block of address: the given CIDR, else the /32 or /128 of address,
 * else the placeholder. */
static void
fix_peer(char *buf, const char *cidr, const char *address,
	 const char *placeholder)
{
	struct netaddr_cidr parsed;
	char *cause = NULL, text[NETADDR_CIDR_STRLEN];

	if (cidr != NULL) {
		snprintf(buf, FIX_TEXT_MAX, "%s", cidr);
		return;
	}
	if (address != NULL && *address != '\0' &&
	    netaddr_cidr_parse(address, &parsed, &cause) == 0) {
		snprintf(buf, FIX_TEXT_MAX, "%s",
			 netaddr_cidr_format(&parsed, text));
		return;
	}
	free(cause);
	snprintf(buf, FIX_TEXT_MAX, "%s", placeholder);
}

struct fix_sides {
	const char *far; /* "agent" or "target" */
	char probe_cidr[FIX_TEXT_MAX];
	char far_cidr[FIX_TEXT_MAX];
	char probe_nacl[FIX_TEXT_MAX];
	char far_nacl[FIX_TEXT_MAX];
};

static void
fix_sides_init(struct fix_sides *s, const struct report_target *t)
{
	s->far = t->agent ? "agent" : "target";
	fix_peer(s->probe_cidr, t->probe_cidr, t->bind, "<probe-cidr>");
	fix_peer(s->far_cidr, t->agent_cidr, t->address,
		 t->agent ? "<agent-cidr>" : "<target-cidr>");
	/* A scenario may name a side's NACL by its subnet or a Terraform
	 * address; a command takes only the NACL's ID. */
	snprintf(s->probe_nacl, sizeof s->probe_nacl, "%s",
		 t->probe_nacl && scenario_nacl_is_id(t->probe_nacl)
			 ? t->probe_nacl
			 : "<probe-subnet-nacl-id>");
	snprintf(s->far_nacl, sizeof s->far_nacl, "%s",
		 t->agent_nacl && scenario_nacl_is_id(t->agent_nacl)
			 ? t->agent_nacl
		 : t->agent ? "<agent-subnet-nacl-id>"
			    : "<target-subnet-nacl-id>");
}

static void
fix_add_rule(struct report_fix *f, const struct fix_sides *s, bool probe_side,
	     bool egress, bool allow, enum proto proto, uint16_t from,
	     uint16_t to)
{
	struct fix_rule *rule = &f->rules[f->nrules++];

	memset(rule, 0, sizeof *rule);
	rule->probe_side = probe_side;
	rule->egress = egress;
	rule->allow = allow;
	rule->proto = proto;
	rule->port_from = from;
	rule->port_to = to;
	/* The peer is the other side's block. */
	snprintf(rule->cidr, sizeof rule->cidr, "%s",
		 probe_side ? s->far_cidr : s->probe_cidr);
	snprintf(rule->nacl, sizeof rule->nacl, "%s",
		 probe_side ? s->probe_nacl : s->far_nacl);
}

/* Did some request of c arrive (a reply, or the agent saw it)? */
static bool
fix_requests_arrive(const struct report_check *c)
{
	return c->counts[STATUS_OK] > 0 || c->counts[STATUS_REPLY_DROPPED] > 0;
}

/* The replies go back to the client's source ports: from-to. */
static void
fix_replies(struct report_fix *f, const struct fix_sides *s,
	    const struct report_check *c)
{
	fix_add_rule(f, s, true, false, true, c->proto, f->from, f->to);
	fix_add_rule(f, s, false, true, true, c->proto, f->from, f->to);
}

/* The requests go to the service port, whatever their source port. */
static void
fix_requests(struct report_fix *f, const struct fix_sides *s,
	     const struct report_check *c)
{
	fix_add_rule(f, s, true, true, true, c->proto, c->port, c->port);
	fix_add_rule(f, s, false, false, true, c->proto, c->port, c->port);
}

static void
fix_explain(struct report_fix *f, const struct fix_sides *s,
	    const struct report_check *c)
{
	char *replies = fix_ports(c->proto, f->from, f->to);
	char *requests = fix_ports(c->proto, c->port, c->port);
	const char *far = s->far;

	if (f->status == STATUS_REJECTED) {
		f->summary = xstrdup(
			f->expected == EXPECT_DROPPED
				? "expected a silent drop, got a rejection: a "
				  "NACL never rejects, so a host firewall or "
				  "the far host itself answers with a TCP "
				  "reset "
				  "or an ICMP unreachable; no NACL entry "
				  "changes that"
				: "a NACL never rejects: a TCP reset or an "
				  "ICMP "
				  "unreachable comes from the far host "
				  "(nothing listening?) or a firewall that "
				  "rejects; no NACL entry changes that");
	} else if (f->expected == EXPECT_REJECTED) {
		f->summary = xstrdup(
			"a NACL drops silently and never rejects: a rejection "
			"must come from the far host or a firewall that "
			"rejects; no NACL entry gives one");
	} else if (f->status == STATUS_OK) {
		fix_add_rule(f, s, true, false, false, c->proto, f->from,
			     f->to);
		f->summary = xasprintf(
			"these source ports must be blocked but get replies: "
			"deny the replies (%s) in the probe subnet's NACL "
			"inbound, numbered below the entry that allows them "
			"(a NACL cannot match a request's source port: the "
			"replies' destination port is where it shows)",
			replies);
	} else if (f->status == STATUS_REPLY_DROPPED) {
		fix_replies(f, s, c);
		f->summary = xasprintf(
			"the requests arrive, the replies (%s) are dropped "
			"by the probe subnet's NACL inbound or the %s "
			"subnet's NACL outbound: allow them in the one that "
			"lacks it (nacl-report explain names it)",
			replies, far);
	} else if (f->status == STATUS_REQUEST_DROPPED &&
		   fix_requests_arrive(c)) {
		f->summary = xasprintf(
			"requests to %s from other source ports reach the "
			"agent, and a NACL cannot single out source ports: "
			"something else drops these (a host firewall, a "
			"router ACL that matches source ports); no NACL "
			"entry fixes it",
			requests);
	} else if (f->status == STATUS_REQUEST_DROPPED) {
		fix_requests(f, s, c);
		f->summary = xasprintf(
			"the requests (%s) are dropped by the probe subnet's "
			"NACL outbound or the agent subnet's NACL inbound: "
			"allow them in the one that lacks it (nacl-report "
			"explain names it)",
			requests);
	} else if (c->counts[STATUS_OK] > 0) {
		/* Some source ports got replies: requests to the port pass. */
		fix_replies(f, s, c);
		f->summary = xasprintf(
			"no agent tells the direction, but other source ports "
			"get replies, so the requests (%s) pass: the replies "
			"(%s) are dropped by the probe subnet's NACL inbound "
			"or the %s subnet's NACL outbound: allow them in the "
			"one that lacks it",
			requests, replies, far);
	} else {
		fix_requests(f, s, c);
		fix_replies(f, s, c);
		f->summary = xasprintf(
			"no agent tells the direction: allow the requests "
			"(%s) in the probe subnet's NACL outbound and the %s "
			"subnet's NACL inbound, and the replies (%s) in the "
			"%s subnet's NACL outbound and the probe subnet's "
			"NACL inbound, wherever they lack it",
			requests, far, replies, far);
	}
	free(replies);
	free(requests);
}

/* Not measured (local_error, unfinished), or dropped by the agent host
 * itself (host_dropped): no NACL entry on the path would change it. */
static bool
fix_applies(enum probe_status status)
{
	return !status_is_unmeasured(status) && status != STATUS_HOST_DROPPED;
}

size_t
report_check_nfixes(const struct report_check *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nmismatches; i++)
		if (fix_applies(c->mismatches[i].status))
			n++;
	return n;
}

size_t
report_check_fixes(const struct report *r, const struct report_check *c,
		   size_t max, struct report_fix **fixes)
{
	struct report_target scratch;
	const struct report_target *t = report_check_target(r, c, &scratch);
	struct fix_sides sides;
	struct report_fix *out = NULL;
	size_t i, n = 0;

	fix_sides_init(&sides, t);
	for (i = 0; i < c->nmismatches && n < max; i++) {
		const struct mismatch_range *m = &c->mismatches[i];
		struct report_fix *f;

		if (!fix_applies(m->status))
			continue;
		out = xreallocarray(out, n + 1, sizeof *out);
		f = &out[n++];
		memset(f, 0, sizeof *f);
		f->from = m->from;
		f->to = m->to;
		f->status = m->status;
		f->expected = m->expected;
		fix_explain(f, &sides, c);
	}
	*fixes = out;
	return n;
}

static bool
fix_rule_equal(const struct fix_rule *a, const struct fix_rule *b)
{
	return a->probe_side == b->probe_side && a->egress == b->egress &&
	       a->allow == b->allow && a->proto == b->proto &&
	       a->port_from == b->port_from && a->port_to == b->port_to &&
	       strcmp(a->cidr, b->cidr) == 0 && strcmp(a->nacl, b->nacl) == 0;
}

size_t
report_fix_entry_find(const struct report_fix_entry *entries, size_t n,
		      const struct fix_rule *rule, bool agent)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (entries[i].agent == agent &&
		    fix_rule_equal(&entries[i].rule, rule))
			return i;
	return SIZE_MAX;
}

size_t
report_fix_entries(const struct report *r, size_t max,
		   struct report_fix_entry **entries)
{
	struct report_fix_entry *out = NULL;
	struct report_target scratch;
	struct report_fix *fixes;
	size_t i, k, j, nfixes, n = 0;
	bool agent;

	for (i = 0; i < r->nchecks; i++) {
		agent = report_check_target(r, &r->checks[i], &scratch)->agent;
		nfixes = report_check_fixes(r, &r->checks[i], max, &fixes);
		for (k = 0; k < nfixes; k++) {
			for (j = 0; j < fixes[k].nrules; j++) {
				if (report_fix_entry_find(out, n,
							  &fixes[k].rules[j],
							  agent) != SIZE_MAX)
					continue;
				out = xreallocarray(out, n + 1, sizeof *out);
				out[n].rule = fixes[k].rules[j];
				out[n++].agent = agent;
			}
		}
		report_fixes_free(fixes, nfixes);
	}
	*entries = out;
	return n;
}

void
report_fixes_free(struct report_fix *fixes, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(fixes[i].summary);
	free(fixes);
}

char *
report_fix_command(const struct fix_rule *rule)
{
	return xasprintf("aws ec2 create-network-acl-entry --network-acl-id %s "
			 "--%s --rule-number " FIX_RULE_NUMBER
			 " --protocol %d --port-range From=%u,To=%u "
			 "--%s %s --rule-action %s",
			 rule->nacl, rule->egress ? "egress" : "ingress",
			 rule->proto == PROTO_TCP ? NACL_PROTO_TCP
						  : NACL_PROTO_UDP,
			 rule->port_from, rule->port_to,
			 strchr(rule->cidr, ':') != NULL ? "ipv6-cidr-block"
							 : "cidr-block",
			 rule->cidr, rule->allow ? "allow" : "deny");
}

char *
report_fix_describe(const struct fix_rule *rule, const char *far)
{
	char *ports = fix_ports(rule->proto, rule->port_from, rule->port_to);
	char *out = xasprintf("%s subnet NACL %s %s: %s %s %s %s",
			      rule->probe_side ? "probe" : far, rule->nacl,
			      rule->egress ? "outbound" : "inbound",
			      rule->allow ? "allow" : "deny", ports,
			      rule->egress ? "to" : "from", rule->cidr);

	free(ports);
	return out;
}
