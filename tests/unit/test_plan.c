/* Unit tests for reports/plan.c: a change judged before apply, its broken
 * ranges, their fixes, the findings and the scenario it emits. */
/* Plans and templates as scenarios/terraform and cloudformation ship them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/cfn.h"
#include "reports/plan.h"
#include "reports/tfplan.h"

TestSuite(plan);

#define NARROW "scenarios/terraform/narrow-ephemeral.json"
#define UNRELATED "scenarios/terraform/unrelated-change.json"
#define TEMPLATE "scenarios/cloudformation/narrow-ephemeral.yaml"
#define CORRECT "scenarios/nacl/correct.json"

#define SCENARIO_TEXT                                                          \
	"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"            \
	"\"198.18.2.1\",\"bind\":\"198.18.1.1\",\"agent_cidr\":"               \
	"\"198.18.2.0/24\",\"probe_nacl\":\"subnet-0a1a1a1a1a1a1a1a1\","       \
	"\"agent_nacl\":\"subnet-0b2b2b2b2b2b2b2b2\"}],\"checks\":["           \
	"{\"proto\":\"udp\",\"port\":7000,\"sports\":\"1024-65535\"},"         \
	"{\"proto\":\"tcp\",\"port\":7000,\"sports\":\"1024-65535\"}]}"

struct fixture {
	struct nacl_change change;
	struct nacl_set current;
	struct scenario s;
	struct plan p;
};

static void
fixture_scenario(struct fixture *f, const char *text)
{
	char *cause = NULL;

	cr_assert_eq(
		scenario_parse(text, strlen(text), "s.json", &f->s, &cause), 0,
		"%s", cause ? cause : "");
}

static void
fixture_plan(struct fixture *f, const char *plan, const char *current,
	     unsigned quota)
{
	char *cause = NULL;

	memset(f, 0, sizeof *f);
	if (strstr(plan, ".yaml") != NULL)
		cr_assert_eq(cfn_read_file(plan, &f->change, &cause), 0);
	else
		cr_assert_eq(tfplan_read_file(plan, &f->change, &cause), 0);
	if (current != NULL)
		cr_assert_eq(nacl_set_read_file(current, &f->current, &cause),
			     0);
	fixture_scenario(f, SCENARIO_TEXT);
	cr_assert_eq(plan_build(&f->p, &f->change, current ? &f->current : NULL,
				current, &f->s, quota, &cause),
		     0, "%s", cause ? cause : "");
}

static void
fixture_free(struct fixture *f)
{
	plan_free(&f->p);
	scenario_free(&f->s);
	nacl_set_free(&f->current);
	nacl_change_free(&f->change);
}

/* "KIND FROM-TO before->after fix-rule, ..." of the plan's check k. */
static char *
plan_text(const struct plan *p, size_t k)
{
	static const char *const kinds[] = {"broken", "fixed", "changed",
					    "still"};
	const struct plan_check *pc = &p->checks[k];
	char *out = xstrdup(""), *next;
	size_t j;

	for (j = 0; j < pc->nranges; j++) {
		const struct plan_range *pr = &pc->ranges[j];

		next = xasprintf(
			"%s%s%s %u-%u %s->%s fix %u", out, j ? ", " : "",
			kinds[pr->kind], pr->from, pr->to,
			pr->before == STATUS_COUNT ? "-"
						   : status_name(pr->before),
			status_name(pr->after),
			pr->has_fix ? pr->fix.entry.rule_number : 0);
		free(out);
		out = next;
	}
	return out;
}

static void
assert_plan_check(const struct plan *p, size_t k, const char *expected)
{
	char *text = plan_text(p, k);

	cr_assert_str_eq(text, expected);
	free(text);
}

Test(plan, narrowed_ephemeral_rule_breaks_two_ranges_with_fixes)
{
	struct fixture f;
	char *text;

	fixture_plan(&f, NARROW, NULL, PLAN_DEFAULT_RULE_QUOTA);
	cr_assert(f.p.has_before);
	cr_assert_eq(f.p.nchecks, 2);
	assert_plan_check(&f.p, 0,
			  "broken 1024-32767 ok->reply_dropped fix 120, "
			  "broken 61000-65535 ok->reply_dropped fix 130");
	assert_plan_check(&f.p, 1,
			  "broken 1024-32767 ok->reply_dropped fix 140, "
			  "broken 61000-65535 ok->reply_dropped fix 150");
	cr_assert_eq(f.p.broken, 2 * (31744 + 4536));
	cr_assert_eq(f.p.fixed, 0);
	cr_assert_eq(plan_exit_code(&f.p), 1);
	cr_assert_eq(f.p.nfindings, 0);
	/* The NACL declares its rules inline: the fix is a block of it. */
	text = plan_fix_text(&f.p, &f.p.checks[0].ranges[0].fix);
	cr_assert_str_eq(text, "in aws_network_acl.probe, add:\n"
			       "  ingress {\n"
			       "    rule_no    = 120\n"
			       "    action     = \"allow\"\n"
			       "    protocol   = \"udp\"\n"
			       "    cidr_block = \"198.18.2.0/24\"\n"
			       "    from_port  = 1024\n"
			       "    to_port    = 32767\n"
			       "  }");
	free(text);
	fixture_free(&f);
}

Test(plan, a_change_that_touches_nothing_relevant_passes)
{
	struct fixture f;

	fixture_plan(&f, UNRELATED, NULL, PLAN_DEFAULT_RULE_QUOTA);
	cr_assert_eq(f.p.nchecks, 0);
	cr_assert_eq(f.p.broken, 0);
	cr_assert_eq(plan_exit_code(&f.p), 0);
	cr_assert_eq(f.p.nfindings, 0);
	fixture_free(&f);
	/* Three inbound rules against a quota of two. */
	fixture_plan(&f, UNRELATED, NULL, 2);
	cr_assert_eq(f.p.nfindings, 1);
	cr_assert_eq(f.p.findings[0].kind, PLAN_QUOTA);
	cr_assert_str_eq(f.p.findings[0].text,
			 "acl-0a1a1a1a1a1a1a1a1 (aws_network_acl.probe) "
			 "inbound: 3 rules, more than the quota of 2 per "
			 "direction assumed (AWS's default; --rule-quota N "
			 "for a raised one): apply will fail");
	fixture_free(&f);
}

/* A template has no before of its own: the deployed NACLs are. */
Test(plan, template_over_the_deployed_nacls)
{
	struct fixture f;
	char *text;

	fixture_plan(&f, TEMPLATE, CORRECT, PLAN_DEFAULT_RULE_QUOTA);
	cr_assert(f.p.has_before);
	assert_plan_check(&f.p, 0,
			  "broken 1024-32767 ok->reply_dropped fix 120, "
			  "broken 61000-65535 ok->reply_dropped fix 130");
	text = plan_fix_text(&f.p, &f.p.checks[0].ranges[1].fix);
	cr_assert_str_eq(text, "under Resources, add:\n"
			       "  ProbeNaclInUdp6100065535:\n"
			       "    Type: AWS::EC2::NetworkAclEntry\n"
			       "    Properties:\n"
			       "      NetworkAclId: !Ref ProbeNacl\n"
			       "      RuleNumber: 130\n"
			       "      Protocol: 17\n"
			       "      RuleAction: allow\n"
			       "      Egress: false\n"
			       "      CidrBlock: 198.18.2.0/24\n"
			       "      PortRange: {From: 61000, To: 65535}");
	free(text);
	fixture_free(&f);
	/* Without them the agent's subnet is nowhere. */
	memset(&f, 0, sizeof f);
	cr_assert_eq(cfn_read_file(TEMPLATE, &f.change, &text), 0);
	fixture_scenario(&f, SCENARIO_TEXT);
	cr_assert_eq(plan_build(&f.p, &f.change, NULL, NULL, &f.s,
				PLAN_DEFAULT_RULE_QUOTA, &text),
		     -1);
	cr_assert_str_eq(text, "s.json: targets[0].agent_nacl: "
			       "subnet-0b2b2b2b2b2b2b2b2 names no NACL or "
			       "subnet of " TEMPLATE "; known: ProbeNacl, "
			       "subnet-0a1a1a1a1a1a1a1a1 (in ProbeNacl)");
	free(text);
	fixture_free(&f);
}

static void
plan_inline(struct fixture *f, const char *json, const char *scenario,
	    bool with_current)
{
	char *cause = NULL;
	cJSON *root = cJSON_Parse(json);

	memset(f, 0, sizeof *f);
	cr_assert_not_null(root, "%s", json);
	cr_assert_eq(tfplan_from_json(root, "p.json", &f->change, &cause), 0,
		     "%s", cause ? cause : "");
	cJSON_Delete(root);
	if (with_current)
		cr_assert_eq(nacl_set_read_file(CORRECT, &f->current, &cause),
			     0);
	fixture_scenario(f, scenario);
	cr_assert_eq(plan_build(&f->p, &f->change,
				with_current ? &f->current : NULL,
				with_current ? CORRECT : NULL, &f->s,
				PLAN_DEFAULT_RULE_QUOTA, &cause),
		     0, "%s", cause ? cause : "");
}

#define RULE(addr, no, egress, proto, action, from, to, cidr, v6)              \
	"{\"address\":\"" addr "\",\"mode\":\"managed\",\"type\":"             \
	"\"aws_network_acl_rule\",\"name\":\"r\",\"change\":{\"actions\":"     \
	"[\"create\"],\"before\":null,\"after\":{\"network_acl_id\":"          \
	"\"acl-0a1a1a1a1a1a1a1a1\",\"rule_number\":" #no ",\"egress\":" egress \
	",\"protocol\":\"" proto "\",\"rule_action\":\"" action                \
	"\",\"cidr_block\":\"" cidr "\",\"ipv6_cidr_block\":\"" v6             \
	"\",\"from_port\":" #from ",\"to_port\":" #to "}}}"

/* Rules on a deployed NACL: a deny of the agent's replies, a duplicate
 * number, a deny an allow shadows, IPv4 rules without twins in a subnet
 * with IPv6; the fix of the drop is an aws ec2 command there. */
Test(plan, findings_on_the_nacls_the_change_touches)
{
	struct fixture f;
	char *text;
	size_t i, kinds[4] = {0, 0, 0, 0};

	plan_inline(
		&f,
		"{\"format_version\":\"1.2\",\"resource_changes\":["
		"{\"address\":\"aws_subnet.probe\",\"mode\":\"managed\","
		"\"type\":\"aws_subnet\",\"name\":\"probe\",\"change\":{"
		"\"actions\":[\"no-op\"],\"before\":{\"id\":"
		"\"subnet-0a1a1a1a1a1a1a1a1\",\"ipv6_cidr_block\":"
		"\"2001:db8:1::/64\"}}}," RULE(
			"aws_network_acl_rule.block", 90, "false", "tcp",
			"deny", 1024, 65535, "198.18.2.0/24",
			"") "," RULE("aws_network_acl_rule.scanner", 105,
				     "false", "tcp", "deny", 1024, 2048,
				     "203.0.113.0/24",
				     "") "," RULE("aws_network_acl_rule.dup",
						  110, "false", "udp", "allow",
						  7000, 7000, "0.0.0.0/0",
						  "") "]}",
		SCENARIO_TEXT, true);
	for (i = 0; i < f.p.nfindings; i++)
		kinds[f.p.findings[i].kind]++;
	cr_assert_eq(kinds[PLAN_QUOTA], 0);
	cr_assert_eq(kinds[PLAN_DUPLICATE], 1);
	/* in 100, both 110s, out 100: all for 0.0.0.0/0 without ::/0. */
	cr_assert_eq(kinds[PLAN_NO_IPV6_TWIN], 4);
	cr_assert_eq(kinds[PLAN_SHADOWED_DENY], 1);
	cr_assert_eq(f.p.findings[0].kind, PLAN_DUPLICATE);
	cr_assert_str_eq(
		f.p.findings[0].text,
		"acl-0a1a1a1a1a1a1a1a1 inbound: rule 110 (allow udp "
		"1024-65535 from 0.0.0.0/0) and rule 110 (allow udp 7000 from "
		"0.0.0.0/0, in aws_network_acl_rule.dup) share a rule number: "
		"AWS refuses the second, and which one holds is not yours to "
		"choose");
	cr_assert_eq(f.p.findings[1].kind, PLAN_NO_IPV6_TWIN);
	cr_assert_str_eq(f.p.findings[1].text,
			 "acl-0a1a1a1a1a1a1a1a1 inbound: rule 100 (allow tcp "
			 "1024-65535 from 0.0.0.0/0) has no IPv6 twin (allow "
			 "tcp 1024-65535 from ::/0), yet subnet "
			 "subnet-0a1a1a1a1a1a1a1a1 has an IPv6 block: its "
			 "IPv6 traffic falls to the final deny");
	cr_assert_eq(f.p.findings[5].kind, PLAN_SHADOWED_DENY);
	cr_assert_str_eq(
		f.p.findings[5].text,
		"acl-0a1a1a1a1a1a1a1a1 inbound: rule 105 (deny tcp 1024-2048 "
		"from 203.0.113.0/24, in aws_network_acl_rule.scanner) never "
		"matches: rule 100 (allow tcp 1024-65535 from 0.0.0.0/0) "
		"comes first and allows all it would deny; number the deny "
		"below 100");
	/* The deny at 90 drops tcp's replies: allow them at 89. */
	cr_assert_eq(f.p.nchecks, 1);
	assert_plan_check(&f.p, 0,
			  "broken 1024-65535 ok->reply_dropped fix 89");
	text = plan_fix_text(&f.p, &f.p.checks[0].ranges[0].fix);
	cr_assert_str_eq(text,
			 "aws ec2 create-network-acl-entry --network-acl-id "
			 "acl-0a1a1a1a1a1a1a1a1 --ingress --rule-number 89 "
			 "--protocol 6 --port-range From=1024,To=65535 "
			 "--cidr-block 198.18.2.0/24 --rule-action allow");
	free(text);
	fixture_free(&f);
}

Test(plan, emitted_scenario_expects_the_prediction)
{
	struct fixture f;
	char *cause = NULL, *json;
	cJSON *root;

	fixture_plan(&f, NARROW, NULL, PLAN_DEFAULT_RULE_QUOTA);
	root = plan_emit_scenario(&f.p, &f.s, "narrow.json", &cause);
	cr_assert_not_null(root, "%s", cause ? cause : "");
	json = cJSON_PrintUnformatted(root);
	cr_assert_str_eq(
		json,
		"{\"name\":\"s, after narrow.json\",\"description\":\"emitted "
		"by nacl-report plan: expects what the NACLs after the change "
		"predict, open where they allow, dropped where they drop\","
		"\"targets\":[{\"name\":\"app\",\"agent\":\"198.18.2.1:7455\","
		"\"bind\":\"198.18.1.1\",\"agent_cidr\":\"198.18.2.0/24\","
		"\"probe_nacl\":\"subnet-0a1a1a1a1a1a1a1a1\",\"agent_nacl\":"
		"\"subnet-0b2b2b2b2b2b2b2b2\",\"checks\":[0,1]}],\"checks\":["
		"{\"proto\":\"udp\",\"port\":7000,\"service\":\"echo\","
		"\"sports\":\"1024-65535\",\"expect\":\"open\",\"ranges\":[{"
		"\"sports\":\"1024-32767,61000-65535\",\"expect\":"
		"\"dropped\"}]},{\"proto\":\"tcp\",\"port\":7000,\"service\":"
		"\"echo\",\"sports\":\"1024-65535\",\"expect\":\"open\","
		"\"ranges\":[{\"sports\":\"1024-32767,61000-65535\","
		"\"expect\":\"dropped\"}]}]}");
	/* It parses as a scenario. */
	scenario_free(&f.s);
	fixture_scenario(&f, json);
	cr_assert_eq(f.s.checks[0].nexpectations, 2);
	free(json);
	cJSON_Delete(root);
	fixture_free(&f);
}

Test(plan, targets_that_share_a_check_but_not_its_fate_cannot_be_emitted)
{
	struct fixture f;
	char *cause = NULL;

	plan_inline(
		&f, "{\"format_version\":\"1.2\",\"resource_changes\":[]}",
		"{\"name\":\"s\",\"targets\":[{\"name\":\"a\",\"agent\":"
		"\"198.18.2.1\",\"bind\":\"198.18.1.1\",\"probe_nacl\":"
		"\"subnet-0a1a1a1a1a1a1a1a1\",\"agent_nacl\":"
		"\"subnet-0b2b2b2b2b2b2b2b2\"},{\"name\":\"b\",\"agent\":"
		"\"198.18.2.1\",\"bind\":\"198.18.1.1\",\"probe_nacl\":"
		"\"subnet-0c3c3c3c3c3c3c3c3\",\"agent_nacl\":"
		"\"subnet-0c3c3c3c3c3c3c3c3\"}],\"checks\":[{\"proto\":\"udp\","
		"\"port\":7000,\"sports\":\"1000-1100\"}]}",
		true);
	cr_assert_null(plan_emit_scenario(&f.p, &f.s, "p.json", &cause));
	cr_assert_str_eq(cause, "checks[0] (udp/7000): targets a and b share "
				"it but not its prediction; a scenario gives a "
				"check one expectation: emit one scenario per "
				"target");
	free(cause);
	fixture_free(&f);
}
