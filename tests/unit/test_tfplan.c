/* Unit tests for reports/tfplan.c and nacl_change.c: Terraform plans read
 * into NACLs before and after, each trap of `terraform show -json` shown. */
/* The shipped plans in scenarios/terraform are read as real ones. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/nacl_change.h"
#include "reports/tfplan.h"
#include "tests/unit/fixture_assert.h"
#include "tests/unit/fixture_text.h"

TestSuite(tfplan);

#define NARROW "scenarios/terraform/narrow-ephemeral.json"
#define CURRENT "scenarios/nacl/correct.json"

static int
parse(const char *single_quoted, struct nacl_change *c, char **cause)
{
	char *json = fixture_double_quoted(single_quoted);
	cJSON *root = fixture_json(json);
	int rc;

	rc = tfplan_from_json(root, "plan.json", c, cause);
	cJSON_Delete(root);
	free(json);
	return rc;
}

static void
parse_ok(const char *single_quoted, struct nacl_change *c)
{
	FIXTURE_OK(parse, single_quoted, c);
}

static void
assert_error(const char *single_quoted, const char *expected)
{
	struct nacl_change c;
	char *cause = NULL;

	cr_assert_eq(parse(single_quoted, &c, &cause), -1, "accepted: %s",
		     single_quoted);
	cr_assert_str_eq(cause, expected);
	free(cause);
	nacl_change_free(&c);
}

static void
assert_entries(const struct nacl *acl, const char *expected)
{
	fixture_assert_text(fixture_entries_text(acl), expected);
}

/* A plan of one resource change; its attributes as JSON text. */
static char *
one_change(const char *address, const char *type, const char *actions,
	   const char *before, const char *after, const char *unknown)
{
	const char *dot = strrchr(address, '.');

	return xasprintf("{'format_version':'1.2','resource_changes':[{"
			 "'address':'%s','mode':'managed','type':'%s',"
			 "'name':'%s','change':{'actions':%s,'before':%s,"
			 "'after':%s,'after_unknown':%s}}]}",
			 address, type, dot ? dot + 1 : address, actions,
			 before, after, unknown);
}

#define BLOCK(no, proto, from, to, cidr, v6)                                   \
	"{'action':'allow','cidr_block':'" cidr "','from_port':" #from         \
	",'icmp_code':0,'icmp_type':0,'ipv6_cidr_block':'" v6                  \
	"','protocol':'" proto "','rule_no':" #no ",'to_port':" #to "}"

Test(tfplan, shipped_plan_reads_both_states_of_each_nacl)
{
	struct nacl_change c;
	const struct nacl_change_acl *probe, *agent;

	FIXTURE_OK(tfplan_read_file, NARROW, &c);
	cr_assert_str_eq(c.kind, "Terraform plan");
	cr_assert(c.has_before);
	cr_assert_eq(c.nacls, 2);
	agent = &c.acls[0];
	probe = &c.acls[1];
	cr_assert_str_eq(probe->address, "aws_network_acl.probe");
	cr_assert_str_eq(probe->actions, "update");
	cr_assert_str_eq(probe->before.id, "acl-0a1a1a1a1a1a1a1a1");
	cr_assert_str_eq(probe->after.id, "acl-0a1a1a1a1a1a1a1a1");
	cr_assert_str_eq(probe->after.name, "probe-subnet");
	/* "6" before, "tcp" after; -1 and "all" with ports 0/0. */
	assert_entries(&probe->before,
		       "100 allow tcp 1024-65535 from 0.0.0.0/0, "
		       "110 allow udp 1024-65535 from 0.0.0.0/0, "
		       "100 allow all to 0.0.0.0/0");
	assert_entries(&probe->after,
		       "100 allow tcp 32768-60999 from 0.0.0.0/0, "
		       "110 allow udp 32768-60999 from 0.0.0.0/0, "
		       "100 allow all to 0.0.0.0/0");
	cr_assert_eq(probe->after.nsubnets, 1);
	cr_assert_str_eq(probe->after.subnets[0], "subnet-0a1a1a1a1a1a1a1a1");
	/* The standalone rules the state lists inline too: once each, named
	 * by the rule's address. */
	cr_assert_str_eq(agent->actions, "no-op");
	assert_entries(&agent->after, "100 allow tcp 7455 from 198.18.1.0/24, "
				      "110 allow tcp 7000 from 198.18.1.0/24, "
				      "120 allow udp 7000 from 198.18.1.0/24, "
				      "100 allow tcp 1024-65535 to 0.0.0.0/0, "
				      "110 allow udp 1024-65535 to 0.0.0.0/0");
	cr_assert_str_eq(agent->after.entries[3].origin,
			 "aws_network_acl_rule.agent_replies_tcp");
	cr_assert_str_eq(agent->after.entries[0].origin,
			 "aws_network_acl.agent ingress");
	cr_assert_eq(c.nrules, 0);
	cr_assert(nacl_change_touches(&c, &probe->after));
	cr_assert_not(nacl_change_touches(&c, &agent->after));
	nacl_change_free(&c);
}

Test(tfplan, state_after_lays_the_plan_over_the_deployed_nacls)
{
	struct nacl_change c;
	struct nacl_set current, after, before;
	const struct nacl *acl;
	char *cause = NULL;

	cr_assert_eq(tfplan_read_file(NARROW, &c, &cause), 0);
	cr_assert_eq(nacl_set_read_file(CURRENT, &current, &cause), 0);
	cr_assert_eq(nacl_change_state(&c, true, &current, &after, &cause), 0);
	cr_assert_eq(nacl_change_state(&c, false, &current, &before, &cause),
		     0);
	/* acl-0c3c... is untouched; the plan's two replace theirs. */
	cr_assert_eq(after.count, 3);
	acl = nacl_set_find_subnet(&after, "subnet-0a1a1a1a1a1a1a1a1");
	cr_assert_not_null(acl);
	cr_assert_str_eq(acl->id, "acl-0a1a1a1a1a1a1a1a1");
	cr_assert_str_eq(acl->address, "aws_network_acl.probe");
	cr_assert_eq(acl->entries[0].port_from, 32768);
	acl = nacl_set_find_subnet(&before, "subnet-0a1a1a1a1a1a1a1a1");
	cr_assert_eq(acl->entries[0].port_from, 1024);
	cr_assert_not_null(nacl_set_find(&after, "acl-0c3c3c3c3c3c3c3c3"));
	cr_assert_not_null(nacl_set_find(&after, "aws_network_acl.agent"));
	nacl_set_free(&after);
	nacl_set_free(&before);
	nacl_set_free(&current);
	nacl_change_free(&c);
}

Test(tfplan, unknown_id_is_the_address_and_references_name_it)
{
	struct nacl_change c;
	struct nacl_set after;
	const struct nacl *acl;

	/* A new NACL in a module, a rule on it by reference, an association
	 * of a new subnet with IPv6. */
	parse_ok("{'format_version':'1.2','resource_changes':["
		 "{'address':'module.net.aws_network_acl.app',"
		 "'module_address':'module.net','mode':'managed',"
		 "'type':'aws_network_acl','name':'app','change':{"
		 "'actions':['create'],'before':null,'after':{'egress':[],"
		 "'ingress':[],'tags':null,'vpc_id':'vpc-1'},"
		 "'after_unknown':{'id':true,'subnet_ids':true,"
		 "'ingress':[],'egress':[]}}},"
		 "{'address':'module.net.aws_subnet.app',"
		 "'module_address':'module.net','mode':'managed',"
		 "'type':'aws_subnet','name':'app','change':{"
		 "'actions':['create'],'before':null,'after':{"
		 "'cidr_block':'10.0.1.0/24','assign_ipv6_address_on_creation':"
		 "false},'after_unknown':{'id':true,'ipv6_cidr_block':true}}},"
		 "{'address':'module.net.aws_network_acl_rule.in[0]',"
		 "'module_address':'module.net','mode':'managed',"
		 "'type':'aws_network_acl_rule','name':'in','index':0,"
		 "'change':{'actions':['create'],'before':null,'after':{"
		 "'rule_number':100,'egress':false,'protocol':'-1',"
		 "'rule_action':'allow','cidr_block':'0.0.0.0/0',"
		 "'ipv6_cidr_block':null,'from_port':0,'to_port':0,"
		 "'icmp_type':null,'icmp_code':null},"
		 "'after_unknown':{'id':true,'network_acl_id':true}}},"
		 "{'address':'module.net.aws_network_acl_association.app',"
		 "'module_address':'module.net','mode':'managed',"
		 "'type':'aws_network_acl_association','name':'app',"
		 "'change':{'actions':['create'],'before':null,'after':{},"
		 "'after_unknown':{'id':true,'network_acl_id':true,"
		 "'subnet_id':true}}}],"
		 "'configuration':{'root_module':{'module_calls':{'net':{"
		 "'module':{'resources':["
		 "{'address':'aws_network_acl_rule.in','expressions':{"
		 "'network_acl_id':{'references':['aws_network_acl.app.id',"
		 "'aws_network_acl.app']}}},"
		 "{'address':'aws_network_acl_association.app','expressions':{"
		 "'network_acl_id':{'references':['aws_network_acl.app.id',"
		 "'aws_network_acl.app']},'subnet_id':{'references':["
		 "'aws_subnet.app.id','aws_subnet.app']}}}]}}}}}}",
		 &c);
	cr_assert_eq(c.nacls, 1);
	cr_assert_str_eq(c.acls[0].after.id, "module.net.aws_network_acl.app");
	cr_assert_not(c.acls[0].has_before);
	assert_entries(&c.acls[0].after, "100 allow all from 0.0.0.0/0");
	cr_assert_str_eq(c.acls[0].after.entries[0].origin,
			 "module.net.aws_network_acl_rule.in[0]");
	cr_assert_eq(c.nassociations, 1);
	cr_assert_str_eq(c.associations[0].subnet_after,
			 "module.net.aws_subnet.app");
	FIXTURE_OK(nacl_change_state, &c, true, NULL, &after);
	acl = nacl_set_find_subnet(&after, "module.net.aws_subnet.app");
	cr_assert_not_null(acl);
	cr_assert_str_eq(acl->id, "module.net.aws_network_acl.app");
	cr_assert(nacl_set_subnet(&after, "module.net.aws_subnet.app")->ipv6);
	nacl_set_free(&after);
	nacl_change_free(&c);
}

Test(tfplan, count_index_references_take_the_rules_own_key)
{
	struct nacl_change c;

	parse_ok("{'format_version':'1.2','resource_changes':["
		 "{'address':'aws_network_acl.tier[0]','mode':'managed',"
		 "'type':'aws_network_acl','name':'tier','index':0,"
		 "'change':{'actions':['create'],'before':null,'after':{"
		 "'egress':[],'ingress':[]},'after_unknown':{'id':true}}},"
		 "{'address':'aws_network_acl.tier[1]','mode':'managed',"
		 "'type':'aws_network_acl','name':'tier','index':1,"
		 "'change':{'actions':['create'],'before':null,'after':{"
		 "'egress':[],'ingress':[]},'after_unknown':{'id':true}}},"
		 "{'address':'aws_network_acl_rule.dns[1]','mode':'managed',"
		 "'type':'aws_network_acl_rule','name':'dns','index':1,"
		 "'change':{'actions':['create'],'before':null,'after':{"
		 "'rule_number':90,'egress':true,'protocol':'udp',"
		 "'rule_action':'allow','cidr_block':'10.0.0.0/16',"
		 "'from_port':53,'to_port':53},"
		 "'after_unknown':{'network_acl_id':true}}}],"
		 "'configuration':{'root_module':{'resources':["
		 "{'address':'aws_network_acl_rule.dns','expressions':{"
		 "'network_acl_id':{'references':['aws_network_acl.tier',"
		 "'count.index']}}}]}}}",
		 &c);
	cr_assert_eq(c.acls[0].after.nentries, 0);
	assert_entries(&c.acls[1].after, "90 allow udp 53 to 10.0.0.0/16");
	nacl_change_free(&c);
}

Test(tfplan, default_nacl_and_replacement_and_standalone_rule_on_export)
{
	struct nacl_change c;
	struct nacl_set current, after;
	const struct nacl *acl;
	char *cause = NULL;

	parse_ok("{'format_version':'1.2','resource_changes':["
		 "{'address':'aws_default_network_acl.main','mode':'managed',"
		 "'type':'aws_default_network_acl','name':'main','change':{"
		 "'actions':['delete','create'],"
		 "'before':{'id':'acl-0c3c3c3c3c3c3c3c3',"
		 "'default_network_acl_id':'acl-0c3c3c3c3c3c3c3c3',"
		 "'ingress':[],'egress':[],"
		 "'subnet_ids':['subnet-0c3c3c3c3c3c3c3c3']},"
		 "'after':{'default_network_acl_id':'acl-0c3c3c3c3c3c3c3c3',"
		 "'ingress':[" BLOCK(
			 100, "all", 0, 0, "0.0.0.0/0",
			 "") "],"
			     "'egress':[],'subnet_ids':['subnet-"
			     "0c3c3c3c3c3c3c3c3']},"
			     "'after_unknown':{'id':true}}},"
			     "{'address':'aws_network_acl_rule.agent_dns','"
			     "mode':'managed',"
			     "'type':'aws_network_acl_rule','name':'agent_dns',"
			     "'change':{"
			     "'actions':['create'],'before':null,'after':{"
			     "'network_acl_id':'acl-0b2b2b2b2b2b2b2b2','rule_"
			     "number':130,"
			     "'egress':false,'protocol':'17','rule_action':'"
			     "allow',"
			     "'cidr_block':'','ipv6_cidr_block':'::/"
			     "0','from_port':53,"
			     "'to_port':53}}}]}",
		 &c);
	cr_assert_str_eq(c.acls[0].actions, "replace");
	cr_assert(c.acls[0].after.is_default);
	cr_assert_str_eq(c.acls[0].after.id, "acl-0c3c3c3c3c3c3c3c3");
	cr_assert_eq(c.nrules, 1);
	cr_assert_str_eq(c.rules[0].acl_id, "acl-0b2b2b2b2b2b2b2b2");
	/* Without the deployed NACLs the rule's NACL is unknown. */
	cr_assert_eq(nacl_change_state(&c, true, NULL, &after, &cause), -1);
	cr_assert_str_eq(cause,
			 "plan.json: aws_network_acl_rule.agent_dns adds a "
			 "rule to NACL acl-0b2b2b2b2b2b2b2b2, which the "
			 "Terraform plan does not declare: give the deployed "
			 "NACLs with --nacl CURRENT.json (aws ec2 "
			 "describe-network-acls)");
	free(cause);
	cr_assert_eq(nacl_set_read_file(CURRENT, &current, &cause), 0);
	cr_assert_eq(nacl_change_state(&c, true, &current, &after, &cause), 0);
	acl = nacl_set_find(&after, "acl-0b2b2b2b2b2b2b2b2");
	cr_assert_eq(acl->nentries, 8);
	assert_entries(nacl_set_find(&after, "acl-0c3c3c3c3c3c3c3c3"),
		       "100 allow all from 0.0.0.0/0");
	cr_assert(nacl_change_touches(&c, acl));
	nacl_set_free(&after);
	nacl_set_free(&current);
	nacl_change_free(&c);
}

/* An update of aws_network_acl.a from null to after is refused with error,
 * after the path of resource_changes[0].change.after. */
static void
assert_update_error(const char *after, const char *error)
{
	char *json = one_change("aws_network_acl.a", "aws_network_acl",
				"['update']", "null", after, "{}");
	char *expected = xasprintf("resource_changes[0].change.after%s", error);

	assert_error(json, expected);
	free(expected);
	free(json);
}

Test(tfplan, ingress_blocks_are_checked_by_path)
{
	assert_update_error(
		"{'id':'acl-1','ingress':[" BLOCK(
			100, "tcpp", 1, 2, "0.0.0.0/0", "") "],'egress':[]}",
		".ingress[0].protocol: unknown protocol 'tcpp' "
		"(expected tcp, udp, icmp, icmpv6, all, -1 or a "
		"number 0-255)");
	assert_update_error(
		"{'id':'acl-1','ingress':[" BLOCK(100, "6", 1, 2, "", "") "]}",
		".ingress[0]: has neither cidr_block nor "
		"ipv6_cidr_block (expected exactly one, the other "
		"\"\")");
	assert_update_error("{'id':'acl-1','ingress':[" BLOCK(
				    100, "6", 9, 2, "10.0.0.0/8", "") "]}",
			    ".ingress[0]: to_port 2 is below from_port 9");
	assert_update_error(
		"{'id':'acl-1','ingress':[" BLOCK(0, "6", 1, 2, "10.0.0.0/8",
						  "") "]}",
		".ingress[0].rule_no: expected an integer from 1 to "
		"32766, found 0");
	assert_update_error(
		"{'id':'acl-1','ingress':[" BLOCK(1, "6", 1, 2, "::/0",
						  "") "]}",
		".ingress[0].cidr_block: '::/0' is not an IPv4 CIDR "
		"block (IPv6 ones go in ipv6_cidr_block)");
}

Test(tfplan, values_are_checked_by_path)
{
	/* One resource change each: address, type, actions, before, after,
	 * after_unknown, and the error it gets. */
	static const struct {
		const char *address, *type, *actions, *before, *after, *unknown,
			*error;
	} cases[] = {
		{"aws_network_acl.a", "aws_network_acl", "['create']", "null",
		 "{'egress':[]}", "{'ingress':true}",
		 "resource_changes[0].change.after.ingress: not "
		 "known until apply (after_unknown): nacl-report "
		 "cannot predict rules computed at apply"},
		{"aws_network_acl_rule.r", "aws_network_acl_rule", "['create']",
		 "null",
		 "{'rule_number':1,'protocol':'6','rule_action':"
		 "'allow','cidr_block':'0.0.0.0/0','from_port':1,"
		 "'to_port':2}",
		 "{'network_acl_id':true}",
		 "resource_changes[0].change.after.network_acl_id: "
		 "not known until apply (after_unknown): and no "
		 "reference in the configuration names a resource "
		 "of the plan (expected a reference like "
		 "aws_network_acl.app.id)"},
	};
	char *json;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json = one_change(cases[i].address, cases[i].type,
				  cases[i].actions, cases[i].before,
				  cases[i].after, cases[i].unknown);
		assert_error(json, cases[i].error);
		free(json);
	}
}

/* Protocol -1 or "all" comes with ports 0/0, -1/-1 or none: all ports. */
Test(tfplan, all_protocols_ignore_their_ports)
{
	struct nacl_change c;
	char *json = one_change(
		"aws_network_acl.a", "aws_network_acl", "['update']",
		"{'id':'acl-1','ingress':[" BLOCK(100, "-1", 0, 0, "0.0.0.0/0",
						  "") "],'egress':[]}",
		"{'id':'acl-1','ingress':[" BLOCK(
			100, "all", -1, -1, "0.0.0.0/0",
			"") "],'egress':[{'rule_no':100,'action':'allow',"
			    "'protocol':'-1','cidr_block':'0.0.0.0/0',"
			    "'ipv6_cidr_block':''}]}",
		"{}");

	parse_ok(json, &c);
	assert_entries(&c.acls[0].before, "100 allow all from 0.0.0.0/0");
	assert_entries(&c.acls[0].after, "100 allow all from 0.0.0.0/0, "
					 "100 allow all to 0.0.0.0/0");
	cr_assert_not(c.acls[0].after.entries[0].has_ports);
	free(json);
	nacl_change_free(&c);
}

Test(tfplan, what_is_not_a_plan_is_named)
{
	assert_error("[]", "expected the JSON of 'terraform show -json PLAN' "
			   "(an object with format_version and "
			   "resource_changes), found an array");
	assert_error("{'resource_changes':[]}",
		     "format_version: missing (expected a string like \"1.2\" "
		     "(is this 'terraform show -json' of a plan?))");
	assert_error("{'format_version':'1.0','values':{}}",
		     "this is 'terraform show -json' of a state, not of a "
		     "plan: run 'terraform plan -out PLAN' and 'terraform "
		     "show -json PLAN'");
	assert_error("{'format_version':'1.2','resource_changes':[{'type':"
		     "'aws_network_acl','address':'a','name':'a'}]}",
		     "resource_changes[0].change: missing (expected an object "
		     "{actions, before, after})");
}

/* Data sources, other types and no-ops without after are read or skipped
 * as Terraform means them. */
Test(tfplan, data_sources_and_other_types_are_skipped)
{
	struct nacl_change c;

	parse_ok("{'format_version':'1.2','resource_changes':["
		 "{'address':'data.aws_network_acl.x','mode':'data',"
		 "'type':'aws_network_acl','name':'x','change':{'actions':"
		 "['read'],'before':null,'after':{}}},"
		 "{'address':'aws_instance.web','mode':'managed','type':"
		 "'aws_instance','name':'web','change':{'actions':['create']}},"
		 "{'address':'aws_network_acl.b','mode':'managed','type':"
		 "'aws_network_acl','name':'b','change':{'actions':['no-op'],"
		 "'before':{'id':'acl-2','ingress':[],'egress':[]}}}]}",
		 &c);
	cr_assert_eq(c.nacls, 1);
	cr_assert(c.acls[0].has_before && c.acls[0].has_after);
	cr_assert_str_eq(c.acls[0].after.id, "acl-2");
	nacl_change_free(&c);
}
