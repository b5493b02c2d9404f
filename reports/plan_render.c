/* A judged change for a person: what breaks, the rule responsible, the fix
 * in the change's own language (Terraform, CloudFormation, aws ec2). */
/* The model is in plan.c; nothing here decides. */
#include "reports/plan.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/netaddr.h"
#include "common/xmalloc.h"

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
