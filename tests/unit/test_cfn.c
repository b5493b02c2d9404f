/* Unit tests for reports/cfn.c and cfn_yaml.c: CloudFormation templates, in
 * YAML and in cdk synth's JSON, read into the NACLs after deploy. */
/* Each value form CloudFormation takes, and each it computes only at
 * deploy, which is refused by name. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/cfn.h"
#include "tests/unit/fixture_text.h"

TestSuite(cfn);

#define YAML_TEMPLATE "scenarios/cloudformation/narrow-ephemeral.yaml"
#define CDK_TEMPLATE "scenarios/cloudformation/narrow-ephemeral.cdk.json"
#define CURRENT "scenarios/nacl/correct.json"

static int
from_text(const char *text, struct nacl_change *c, char **cause)
{
	return cfn_from_text(text, strlen(text), "t.yaml", c, cause);
}

static void
assert_error(const char *text, const char *expected)
{
	struct nacl_change c;
	char *cause = NULL;

	cr_assert_eq(from_text(text, &c, &cause), -1, "accepted: %s", text);
	cr_assert_str_eq(cause, expected);
	free(cause);
	nacl_change_free(&c);
}

static void
assert_template(const char *path)
{
	struct nacl_change c;
	struct nacl_set current, after, before;
	const struct nacl *acl;
	char *cause = NULL, *text;

	cr_assert_eq(cfn_read_file(path, &c, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_str_eq(c.kind, "CloudFormation template");
	cr_assert_not(c.has_before);
	cr_assert_eq(c.nacls, 1);
	cr_assert_str_eq(c.acls[0].address, "ProbeNacl");
	cr_assert_str_eq(c.acls[0].after.name, "probe-subnet");
	text = fixture_entries_text(&c.acls[0].after);
	cr_assert_str_eq(text, "100 allow tcp 32768-60999 from 0.0.0.0/0, "
			       "110 allow udp 32768-60999 from 0.0.0.0/0, "
			       "100 allow all to 0.0.0.0/0");
	free(text);
	cr_assert_str_eq(c.acls[0].after.entries[1].origin,
			 "ProbeInboundUdpReplies");
	cr_assert_eq(c.nassociations, 1);
	cr_assert_str_eq(c.associations[0].subnet_after,
			 "subnet-0a1a1a1a1a1a1a1a1");
	cr_assert_str_eq(c.associations[0].acl_after, "ProbeNacl");
	/* After deploy the probe's subnet has the template's NACL; before,
	 * the one deployed. */
	cr_assert_eq(nacl_set_read_file(CURRENT, &current, &cause), 0);
	cr_assert_eq(nacl_change_state(&c, true, &current, &after, &cause), 0,
		     "%s", cause ? cause : "");
	cr_assert_eq(nacl_change_state(&c, false, &current, &before, &cause),
		     0);
	acl = nacl_set_find_subnet(&after, "subnet-0a1a1a1a1a1a1a1a1");
	cr_assert_str_eq(acl->id, "ProbeNacl");
	cr_assert_eq(nacl_set_find(&after, "acl-0a1a1a1a1a1a1a1a1")->nsubnets,
		     0);
	acl = nacl_set_find_subnet(&before, "subnet-0a1a1a1a1a1a1a1a1");
	cr_assert_str_eq(acl->id, "acl-0a1a1a1a1a1a1a1a1");
	cr_assert_eq(before.count, 3);
	cr_assert(nacl_change_touches(
		&c, nacl_set_find_subnet(&after, "subnet-0a1a1a1a1a1a1a1a1")));
	cr_assert_not(nacl_change_touches(
		&c, nacl_set_find(&after, "acl-0b2b2b2b2b2b2b2b2")));
	nacl_set_free(&after);
	nacl_set_free(&before);
	nacl_set_free(&current);
	nacl_change_free(&c);
}

Test(cfn, yaml_template_with_short_forms_reads_as_deployed)
{
	assert_template(YAML_TEMPLATE);
}

Test(cfn, cdk_synth_json_reads_the_same)
{
	assert_template(CDK_TEMPLATE);
}

Test(cfn, yaml_short_forms_become_long_forms)
{
	static const char text[] =
		"A: !Ref X\n"
		"B: !GetAtt N.Id\n"
		"C: !Sub 'x-${AWS::Region}'\n"
		"D: !Select [0, !GetAZs '']\n"
		"E: [1, 1.5, true, False, null, ~, '7', \"true\", abc]\n";
	char *cause = NULL, *json;
	cJSON *root = cfn_yaml_parse(text, strlen(text), "t.yaml", &cause);

	cr_assert_not_null(root, "%s", cause ? cause : "");
	json = cJSON_PrintUnformatted(root);
	cr_assert_str_eq(json,
			 "{\"A\":{\"Ref\":\"X\"},\"B\":{\"Fn::GetAtt\":[\"N\","
			 "\"Id\"]},\"C\":{\"Fn::Sub\":\"x-${AWS::Region}\"},"
			 "\"D\":{\"Fn::Select\":[0,{\"Fn::GetAZs\":\"\"}]},"
			 "\"E\":[1,1.5,true,false,null,null,\"7\",\"true\","
			 "\"abc\"]}");
	free(json);
	cJSON_Delete(root);
}

Test(cfn, yaml_errors_name_line_and_column)
{
	struct nacl_change c;
	char *cause = NULL;

	cr_assert_eq(from_text("Resources:\n  A: [1, 2\n", &c, &cause), -1);
	cr_assert_str_eq(cause, "t.yaml: not valid YAML at line 3, column 1: "
				"did not find expected ',' or ']'");
	free(cause);
	nacl_change_free(&c);
	assert_error("a: &x 1\nb: *x\n", "t.yaml: not valid YAML at line 2, "
					 "column 4: aliases (*name) are not "
					 "supported; write the value out");
	assert_error("", "t.yaml: empty file, expected a CloudFormation "
			 "template (JSON or YAML with Resources)");
	assert_error("---\na: 1\n---\nb: 2\n",
		     "t.yaml: not valid YAML at line 3, column 1: more than "
		     "one document; a template is one");
	assert_error("{\"Resources\": [}", "t.yaml: not valid JSON at line "
					   "1, column 16");
}

Test(cfn, values_computed_at_deploy_are_refused_by_path)
{
	assert_error("Resources:\n"
		     "  N: {Type: 'AWS::EC2::NetworkAcl', Properties: {}}\n"
		     "  E:\n"
		     "    Type: AWS::EC2::NetworkAclEntry\n"
		     "    Properties:\n"
		     "      NetworkAclId: !Ref N\n"
		     "      RuleNumber: 100\n"
		     "      Protocol: 6\n"
		     "      RuleAction: allow\n"
		     "      CidrBlock: !Select [0, !Ref Cidrs]\n"
		     "      PortRange: {From: 1, To: 2}\n",
		     "t.yaml: Resources.E.Properties.CidrBlock: Fn::Select "
		     "cannot be evaluated before deploy (expected a literal, a "
		     "Ref to a resource or to a parameter with a Default, or "
		     "Fn::GetAtt RESOURCE.Id)");
	assert_error("Resources:\n"
		     "  E:\n"
		     "    Type: AWS::EC2::NetworkAclEntry\n"
		     "    Properties: {NetworkAclId: !Ref Missing}\n",
		     "t.yaml: Resources.E.Properties.NetworkAclId: Ref Missing "
		     "names no resource of the template and no parameter with "
		     "a Default: its value is known only at deploy");
	assert_error("Resources:\n"
		     "  N:\n"
		     "    Type: AWS::EC2::NetworkAcl\n"
		     "    Condition: InProd\n"
		     "    Properties: {}\n",
		     "t.yaml: Resources.N.Condition: a resource with a "
		     "Condition exists or not by the stack's parameters, which "
		     "nacl-report does not evaluate: give the template of one "
		     "case (without the Condition)");
}

Test(cfn, entry_fields_are_checked_by_path)
{
	static const char head[] =
		"Resources:\n"
		"  N: {Type: 'AWS::EC2::NetworkAcl', Properties: {}}\n"
		"  S: {Type: 'AWS::EC2::Subnet', Properties: {}}\n"
		"  E:\n"
		"    Type: AWS::EC2::NetworkAclEntry\n"
		"    Properties:\n"
		"      NetworkAclId: !Ref N\n";
	char *text;

	text = xasprintf("%s      RuleNumber: '1e3'\n", head);
	assert_error(text, "t.yaml: Resources.E.Properties.RuleNumber: "
			   "expected an integer from 1 to 32766, found '1e3'");
	free(text);
	text = xasprintf(
		"%s      RuleNumber: 5\n      Protocol: 6\n"
		"      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n",
		head);
	assert_error(text, "t.yaml: Resources.E.Properties.PortRange: missing "
			   "(expected {\"From\": N, \"To\": N}: tcp and udp "
			   "entries need one)");
	free(text);
	text = xasprintf("%s      RuleNumber: 5\n      Protocol: tcpx\n", head);
	assert_error(text, "t.yaml: Resources.E.Properties.Protocol: unknown "
			   "protocol 'tcpx' (expected -1 for all, 6 tcp, 17 "
			   "udp, or 0-255)");
	free(text);
	text = xasprintf("%s      RuleNumber: 5\n      Protocol: -1\n"
			 "      RuleAction: allow\n      Egress: maybe\n",
			 head);
	assert_error(text, "t.yaml: Resources.E.Properties.Egress: expected "
			   "true or false, found a string");
	free(text);
	text = xasprintf("Resources:\n"
			 "  S: {Type: 'AWS::EC2::Subnet', Properties: {}}\n"
			 "  E:\n"
			 "    Type: AWS::EC2::NetworkAclEntry\n"
			 "    Properties: {NetworkAclId: !Ref S, RuleNumber: "
			 "1}\n");
	assert_error(text, "t.yaml: Resources.E.Properties.NetworkAclId: S is "
			   "a AWS::EC2::Subnet, not an AWS::EC2::NetworkAcl");
	free(text);
}

/* An entry on a NACL the template does not declare is a rule on the
 * deployed one; a new subnet with IPv6 is known to have it. */
Test(cfn, entry_on_a_deployed_nacl_and_ipv6_subnets)
{
	struct nacl_change c;
	char *cause = NULL;

	cr_assert_eq(from_text("Resources:\n"
			       "  Sub: {Type: 'AWS::EC2::Subnet', Properties: "
			       "{Ipv6CidrBlock: !Select [0, x]}}\n"
			       "  E:\n"
			       "    Type: AWS::EC2::NetworkAclEntry\n"
			       "    Properties:\n"
			       "      NetworkAclId: acl-0b2b2b2b2b2b2b2b2\n"
			       "      RuleNumber: 130\n"
			       "      Protocol: 17\n"
			       "      RuleAction: deny\n"
			       "      Ipv6CidrBlock: '::/0'\n"
			       "      PortRange: {From: '53', To: 53}\n",
			       &c, &cause),
		     0, "%s", cause ? cause : "");
	cr_assert_eq(c.nrules, 1);
	cr_assert_str_eq(c.rules[0].acl_id, "acl-0b2b2b2b2b2b2b2b2");
	cr_assert_eq(c.rules[0].after.port_from, 53);
	cr_assert_eq(c.rules[0].after.action, NACL_DENY);
	cr_assert(nacl_set_subnet(&c.subnets, "Sub")->ipv6);
	nacl_change_free(&c);
}
