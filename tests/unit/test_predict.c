/* Unit tests for reports/predict.c: a scenario's sweep predicted from NACLs,
 * exact ranges with the rule and hop that decide each. */
/* The examples of scenarios/nacl and scenarios/terraform, as e2e uses them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/nacl_change.h"
#include "reports/predict.h"
#include "reports/tfplan.h"
#include "tests/unit/fixture_assert.h"
#include "tests/unit/fixture_text.h"

TestSuite(predict);

#define CORRECT "scenarios/nacl/correct.json"
#define CLASSIC "scenarios/nacl/classic-mistake.json"
#define NARROW "scenarios/terraform/narrow-ephemeral.json"

/* One target app from 198.18.1.1 to 198.18.2.1, udp and tcp 7000 over
 * sports; members (", ..." text) added to the target. */
static void
scenario_of(const char *sports, const char *members, struct scenario *s)
{
	char *text = xasprintf(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\","
		"\"agent\":\"198.18.2.1\"%s}],\"checks\":["
		"{\"proto\":\"udp\",\"port\":7000,\"sports\":\"%s\"},"
		"{\"proto\":\"tcp\",\"port\":7000,\"sports\":\"%s\"}]}",
		members, sports, sports);

	FIXTURE_OK(scenario_parse, text, strlen(text), "s.json", s);
	free(text);
}

#define SIDES                                                                  \
	",\"bind\":\"198.18.1.1\",\"probe_nacl\":\"subnet-"                    \
	"0a1a1a1a1a1a1a1a1\","                                                 \
	"\"agent_nacl\":\"subnet-0b2b2b2b2b2b2b2b2\""

/* "FROM-TO status HOP/RULE, ..." of check i's predicted ranges. */
static char *
ranges_text(const struct predict *p, size_t i)
{
	const struct predict_check *pc = &p->checks[i];
	char *out = xstrdup(""), *next, *rule;
	size_t j;

	for (j = 0; j < pc->nranges; j++) {
		const struct predict_range *pr = &pc->ranges[j];

		rule = fixture_drop_text(&pr->result);
		next = xasprintf(
			"%s%s%u-%u %s %s", out, j ? ", " : "", pr->from, pr->to,
			status_name(nacl_path_status(&pr->result)), rule);
		free(rule);
		free(out);
		out = next;
	}
	return out;
}

static void
assert_ranges(const struct predict *p, size_t i, const char *expected)
{
	char *text = ranges_text(p, i);

	cr_assert_str_eq(text, expected, "check %zu", i);
	free(text);
}

static void
assert_predict_error(const char *members, const struct nacl_set *set,
		     const char *expected)
{
	struct scenario s;
	struct predict p;
	char *cause = NULL;

	scenario_of("1024-65535", members, &s);
	cr_assert_eq(predict_build(&p, &s, set, "acls.json", &cause), -1);
	cr_assert_str_eq(cause, expected);
	free(cause);
	scenario_free(&s);
}

/* The classic mistake, as test_80 measures it on the testbed. */
Test(predict, classic_mistake_gives_the_measured_ranges)
{
	struct nacl_set set;
	struct scenario s;
	struct predict p;

	FIXTURE_OK(nacl_set_read_file, CLASSIC, &set);
	scenario_of("1000-65535", SIDES, &s);
	FIXTURE_OK(predict_build, &p, &s, &set, CLASSIC);
	cr_assert(p.report.predicted);
	cr_assert_eq(p.report.nchecks, 2);
	assert_ranges(&p, 0,
		      "1000-1023 reply_dropped agent-out/*, "
		      "1024-32767 reply_dropped probe-in/*, "
		      "32768-60999 ok -, 61000-65535 reply_dropped probe-in/*");
	cr_assert_eq(p.report.checks[0].counts[STATUS_OK], 28232);
	cr_assert_eq(p.report.checks[0].counts[STATUS_REPLY_DROPPED], 36304);
	cr_assert_eq(p.report.checks[0].nranges, 3);
	cr_assert_not(p.report.pass);
	cr_assert_eq(report_exit_code(&p.report), 1);
	cr_assert_str_eq(p.report.targets[0].probe_nacl,
			 "subnet-0a1a1a1a1a1a1a1a1");
	predict_free(&p);
	scenario_free(&s);
	nacl_set_free(&set);
}

Test(predict, plan_before_and_after_give_exact_ranges)
{
	struct nacl_change c;
	struct nacl_set before, after;
	struct scenario s;
	struct predict p;
	char *cause = NULL;

	cr_assert_eq(tfplan_read_file(NARROW, &c, &cause), 0);
	cr_assert_eq(nacl_change_state(&c, false, NULL, &before, &cause), 0);
	cr_assert_eq(nacl_change_state(&c, true, NULL, &after, &cause), 0);
	scenario_of("1024-65535", SIDES, &s);
	FIXTURE_OK(predict_build, &p, &s, &before, NARROW);
	assert_ranges(&p, 0, "1024-65535 ok -");
	assert_ranges(&p, 1, "1024-65535 ok -");
	cr_assert(p.report.pass);
	predict_free(&p);
	FIXTURE_OK(predict_build, &p, &s, &after, NARROW);
	assert_ranges(&p, 0,
		      "1024-32767 reply_dropped probe-in/*, 32768-60999 ok -, "
		      "61000-65535 reply_dropped probe-in/*");
	assert_ranges(&p, 1,
		      "1024-32767 reply_dropped probe-in/*, 32768-60999 ok -, "
		      "61000-65535 reply_dropped probe-in/*");
	predict_free(&p);
	scenario_free(&s);
	nacl_set_free(&before);
	nacl_set_free(&after);
	nacl_change_free(&c);
}

/* The JSON is a v1 report the reader takes back, predicted and all, with
 * the deciding entries beside each check's ranges. */
Test(predict, json_is_a_v1_report_with_predicted_by)
{
	struct nacl_set set;
	struct scenario s;
	struct predict p;
	struct report back;
	cJSON *root, *by;

	FIXTURE_OK(nacl_set_read_file, CLASSIC, &set);
	scenario_of("60990-61010", SIDES, &s);
	FIXTURE_OK(predict_build, &p, &s, &set, CLASSIC);
	root = predict_to_json(&p);
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(root, "predicted")));
	by = cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(root, "checks"), 0),
		"predicted_by");
	cr_assert_eq(cJSON_GetArraySize(by), 2);
	cr_assert_str_eq(
		cJSON_GetObjectItem(
			cJSON_GetObjectItem(cJSON_GetArrayItem(by, 1), "drop"),
			"hop")
			->valuestring,
		"probe-in");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(
			     cJSON_GetArrayItem(by, 0), "allowed_by")),
		     4);
	FIXTURE_OK(report_from_json, root, &back);
	cr_assert(back.predicted);
	cr_assert_eq(back.checks[0].nranges, 2);
	cr_assert_eq(back.checks[0].ranges[1].from, 61000);
	cr_assert_eq(back.checks[0].ranges[1].status, STATUS_REPLY_DROPPED);
	report_free(&back);
	cJSON_Delete(root);
	predict_free(&p);
	scenario_free(&s);
	nacl_set_free(&set);
}

/* Without bind, the probe's subnet block stands for it when the far NACL
 * treats all of it alike; one subnet on both sides: nothing filters. */
Test(predict, blocks_stand_for_addresses_and_one_subnet_is_open)
{
	struct nacl_set set;
	struct scenario s;
	struct predict p;

	FIXTURE_OK(nacl_set_read_file, CLASSIC, &set);
	scenario_of("1000-65535",
		    ",\"probe_cidr\":\"198.18.1.0/24\","
		    "\"probe_nacl\":\"acl-0a1a1a1a1a1a1a1a1\","
		    "\"agent_nacl\":\"acl-0b2b2b2b2b2b2b2b2\"",
		    &s);
	FIXTURE_OK(predict_build, &p, &s, &set, CLASSIC);
	assert_ranges(&p, 1,
		      "1000-1023 reply_dropped agent-out/*, "
		      "1024-32767 reply_dropped probe-in/*, "
		      "32768-60999 ok -, 61000-65535 reply_dropped probe-in/*");
	predict_free(&p);
	scenario_free(&s);
	scenario_of("1000-65535",
		    ",\"bind\":\"198.18.1.1\","
		    "\"probe_nacl\":\"subnet-0a1a1a1a1a1a1a1a1\","
		    "\"agent_nacl\":\"subnet-0a1a1a1a1a1a1a1a1\"",
		    &s);
	FIXTURE_OK(predict_build, &p, &s, &set, CLASSIC);
	assert_ranges(&p, 0, "1000-65535 ok -");
	predict_free(&p);
	scenario_free(&s);
	nacl_set_free(&set);
}

Test(predict, a_request_drop_is_named_by_its_hop)
{
	struct nacl_set set;
	struct scenario s;
	struct predict p;
	char *cause = NULL;
	cJSON *root = cJSON_Parse(
		"{\"NetworkAcls\":[{\"NetworkAclId\":\"acl-1\",\"Entries\":["
		"{\"RuleNumber\":100,\"Protocol\":\"-1\",\"RuleAction\":"
		"\"allow\",\"Egress\":false,\"CidrBlock\":\"0.0.0.0/0\"},"
		"{\"RuleNumber\":100,\"Protocol\":\"-1\",\"RuleAction\":"
		"\"allow\",\"Egress\":true,\"CidrBlock\":\"0.0.0.0/0\"}]},"
		"{\"NetworkAclId\":\"acl-2\",\"Entries\":["
		"{\"RuleNumber\":90,\"Protocol\":\"17\",\"RuleAction\":"
		"\"deny\",\"Egress\":false,\"CidrBlock\":\"198.18.1.0/24\","
		"\"PortRange\":{\"From\":7000,\"To\":7000}},"
		"{\"RuleNumber\":100,\"Protocol\":\"-1\",\"RuleAction\":"
		"\"allow\",\"Egress\":false,\"CidrBlock\":\"0.0.0.0/0\"},"
		"{\"RuleNumber\":100,\"Protocol\":\"-1\",\"RuleAction\":"
		"\"allow\",\"Egress\":true,\"CidrBlock\":\"0.0.0.0/0\"}]}]}");

	cr_assert_eq(nacl_set_from_json(root, &set, &cause), 0);
	cJSON_Delete(root);
	scenario_of("40000-40009",
		    ",\"bind\":\"198.18.1.1\",\"probe_nacl\":\"acl-1\","
		    "\"agent_nacl\":\"acl-2\"",
		    &s);
	FIXTURE_OK(predict_build, &p, &s, &set, "acls.json");
	assert_ranges(&p, 0, "40000-40009 request_dropped agent-in/90");
	assert_ranges(&p, 1, "40000-40009 ok -");
	cr_assert_eq(p.report.checks[0].counts[STATUS_REQUEST_DROPPED], 10);
	predict_free(&p);
	scenario_free(&s);
	nacl_set_free(&set);
}

Test(predict, what_cannot_be_predicted_is_named)
{
	struct nacl_set set;

	FIXTURE_OK(nacl_set_read_file, CLASSIC, &set);
	assert_predict_error(",\"bind\":\"198.18.1.1\"", &set,
			     "s.json: targets[0] (app): no probe_nacl: "
			     "predict needs the NACL of the probe's subnet: an "
			     "acl- or subnet- ID, a Terraform address or a "
			     "CloudFormation logical ID");
	assert_predict_error(
		",\"bind\":\"198.18.1.1\",\"probe_nacl\":\"subnet-09\","
		"\"agent_nacl\":\"acl-0b2b2b2b2b2b2b2b2\"",
		&set,
		"s.json: targets[0].probe_nacl: subnet-09 names no NACL or "
		"subnet of acls.json; known: acl-0a1a1a1a1a1a1a1a1, "
		"subnet-0a1a1a1a1a1a1a1a1 (in acl-0a1a1a1a1a1a1a1a1), "
		"acl-0b2b2b2b2b2b2b2b2, subnet-0b2b2b2b2b2b2b2b2 (in "
		"acl-0b2b2b2b2b2b2b2b2), acl-0c3c3c3c3c3c3c3c3, "
		"subnet-0c3c3c3c3c3c3c3c3 (in acl-0c3c3c3c3c3c3c3c3)");
	assert_predict_error(",\"probe_nacl\":\"acl-0a1a1a1a1a1a1a1a1\","
			     "\"agent_nacl\":\"acl-0b2b2b2b2b2b2b2b2\"",
			     &set,
			     "s.json: targets[0] (app): no address for the "
			     "probe: give bind (its address) or probe_cidr "
			     "(its subnet's block)");
	assert_predict_error(",\"probe_cidr\":\"198.18.0.0/16\","
			     "\"probe_nacl\":\"acl-0a1a1a1a1a1a1a1a1\","
			     "\"agent_nacl\":\"acl-0b2b2b2b2b2b2b2b2\"",
			     &set,
			     "s.json: targets[0].probe_cidr: 198.18.0.0/16 is "
			     "split by acl-0b2b2b2b2b2b2b2b2 inbound rule 100 "
			     "(allow tcp 7455 from 198.18.1.0/24): give bind "
			     "(its address)");
	nacl_set_free(&set);
}
