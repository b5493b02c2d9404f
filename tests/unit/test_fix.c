/* Unit tests for reports/fix.c: which NACL entries repair a mismatch. */
/* Reply drops are fixed on the client's ports, request drops on the
 * service port; each command line is compared word for word. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/report.h"
#include "tests/unit/fixture_report.h"

/* Each test's report, freed after the test. */
static struct report r;

static void
fix_teardown(void)
{
	report_free(&r);
}

TestSuite(fix, .fini = fix_teardown);

/* The report with one target; cidrs and nacls set when configured. */
static void
report_init(bool agent, const char *address, const char *bind, bool configured)
{
	struct report_target *t;

	memset(&r, 0, sizeof r);
	report_add_target(&r, agent ? "app" : "dns", address, agent, bind);
	if (!configured)
		return;
	t = &r.targets[0];
	t->probe_cidr = xstrdup("198.18.1.0/24");
	t->agent_cidr = xstrdup("198.18.2.0/24");
	t->probe_nacl = xstrdup("acl-0a1");
	t->agent_nacl = xstrdup("acl-0b2");
}

/* A check of r: ok, except each "FROM-TO=STATUS" item of spec. */
static struct report_check *
add_check(enum proto proto, uint16_t port, const char *sports_text,
	  const char *spec)
{
	struct report_check *c =
		fixture_add_check(&r, proto, port, SERVICE_ECHO, sports_text);

	fixture_set_statuses(c, spec);
	return c;
}

/* The usual report: agent 198.18.2.1, probe 198.18.1.1, subnets and NACLs
 * configured; add_check's check in it. */
static struct report_check *
configured_check(enum proto proto, uint16_t port, const char *sports_text,
		 const char *spec)
{
	report_init(true, "198.18.2.1", "198.18.1.1", true);
	return add_check(proto, port, sports_text, spec);
}

/* The same agent and probe without subnets or NACLs; add_check's check. */
static struct report_check *
unconfigured_check(enum proto proto, uint16_t port, const char *sports_text,
		   const char *spec)
{
	report_init(true, "198.18.2.1", "198.18.1.1", false);
	return add_check(proto, port, sports_text, spec);
}

/* The summary of a reply drop on udp 61000-65535. */
#define REPLY_DROP_SUMMARY                                                     \
	"the requests arrive, the replies (udp 61000-65535) are dropped by "   \
	"the probe subnet's NACL inbound or the agent subnet's NACL "          \
	"outbound: allow them in the one that lacks it (nacl-report explain "  \
	"names it)"

/* The fix's entries as "describe | command" lines. */
static char *
rules_text(const struct report_fix *f, const char *far)
{
	char *out = xstrdup(""), *next, *d, *cmd;
	size_t k;

	for (k = 0; k < f->nrules; k++) {
		d = report_fix_describe(&f->rules[k], far);
		cmd = report_fix_command(&f->rules[k]);
		next = xasprintf("%s%s | %s\n", out, d, cmd);
		free(out);
		free(d);
		free(cmd);
		out = next;
	}
	return out;
}

static void
assert_one_fix(const struct report_check *c, const char *summary,
	       const char *rules)
{
	struct report_fix *fixes;
	size_t n = report_check_fixes(&r, c, SIZE_MAX, &fixes);
	char *text;

	cr_assert_eq(n, 1);
	cr_assert_str_eq(fixes[0].summary, summary);
	text = rules_text(&fixes[0], r.targets[0].agent ? "agent" : "target");
	cr_assert_str_eq(text, rules);
	free(text);
	report_fixes_free(fixes, n);
}

Test(fix, reply_drop_allows_the_client_ports_on_both_sides)
{
	struct report_check *c;
	struct report_fix *fixes;

	c = configured_check(PROTO_UDP, 53, "32768-65535",
			     "61000-65535=reply_dropped");
	assert_one_fix(
		c, REPLY_DROP_SUMMARY,
		"probe subnet NACL acl-0a1 inbound: allow udp 61000-65535 from "
		"198.18.2.0/24 | aws ec2 create-network-acl-entry "
		"--network-acl-id acl-0a1 --ingress --rule-number "
		"<rule-number> --protocol 17 --port-range From=61000,To=65535 "
		"--cidr-block 198.18.2.0/24 --rule-action allow\n"
		"agent subnet NACL acl-0b2 outbound: allow udp 61000-65535 to "
		"198.18.1.0/24 | aws ec2 create-network-acl-entry "
		"--network-acl-id acl-0b2 --egress --rule-number <rule-number> "
		"--protocol 17 --port-range From=61000,To=65535 --cidr-block "
		"198.18.1.0/24 --rule-action allow\n");
	cr_assert_eq(report_check_fixes(&r, c, SIZE_MAX, &fixes), 1);
	cr_assert_eq(fixes[0].from, 61000);
	cr_assert_eq(fixes[0].to, 65535);
	cr_assert_eq(fixes[0].status, STATUS_REPLY_DROPPED);
	cr_assert_eq(fixes[0].expected, EXPECT_OPEN);
	cr_assert(fixes[0].rules[0].probe_side && !fixes[0].rules[0].egress);
	cr_assert(!fixes[0].rules[1].probe_side && fixes[0].rules[1].egress);
	report_fixes_free(fixes, 1);
}

Test(fix, request_drop_allows_the_service_port)
{
	struct report_check *c;

	c = unconfigured_check(PROTO_TCP, 80, "1025-5000",
			       "1025-5000=request_dropped");
	assert_one_fix(
		c,
		"the requests (tcp 80) are dropped by the probe subnet's NACL "
		"outbound or the agent subnet's NACL inbound: allow them in "
		"the one that lacks it (nacl-report explain names it)",
		"probe subnet NACL <probe-subnet-nacl-id> outbound: allow tcp "
		"80 to 198.18.2.1/32 | aws ec2 create-network-acl-entry "
		"--network-acl-id <probe-subnet-nacl-id> --egress "
		"--rule-number <rule-number> --protocol 6 --port-range "
		"From=80,To=80 --cidr-block 198.18.2.1/32 --rule-action "
		"allow\n"
		"agent subnet NACL <agent-subnet-nacl-id> inbound: allow tcp "
		"80 from 198.18.1.1/32 | aws ec2 create-network-acl-entry "
		"--network-acl-id <agent-subnet-nacl-id> --ingress "
		"--rule-number <rule-number> --protocol 6 --port-range "
		"From=80,To=80 --cidr-block 198.18.1.1/32 --rule-action "
		"allow\n");
}

Test(fix, request_drop_that_depends_on_the_source_port_is_no_nacl)
{
	struct report_check *c;
	struct report_fix *fixes;
	size_t n;

	c = configured_check(
		PROTO_TCP, 80, "1025-1030",
		"1025-1027=request_dropped 1030-1030=reply_dropped");
	/* Two fixes: the first is a note only. */
	n = report_check_fixes(&r, c, SIZE_MAX, &fixes);
	cr_assert_eq(n, 2);
	cr_assert_eq(fixes[0].nrules, 0);
	cr_assert_str_eq(fixes[0].summary,
			 "requests to tcp 80 from other source ports reach "
			 "the agent, and a NACL cannot single out source "
			 "ports: something else drops these (a host "
			 "firewall, a router ACL that matches source ports); "
			 "no NACL entry fixes it");
	cr_assert_eq(fixes[1].nrules, 2);
	report_fixes_free(fixes, n);
}

Test(fix, agentless_drop_without_any_reply_allows_both_ways)
{
	struct report_check *c;

	report_init(false, "198.18.2.53", "198.18.1.1", false);
	c = add_check(PROTO_UDP, 123, "1025-1026", "1025-1026=dropped");
	assert_one_fix(
		c,
		"no agent tells the direction: allow the requests (udp 123) "
		"in the probe subnet's NACL outbound and the target subnet's "
		"NACL inbound, and the replies (udp 1025-1026) in the target "
		"subnet's NACL outbound and the probe subnet's NACL inbound, "
		"wherever they lack it",
		"probe subnet NACL <probe-subnet-nacl-id> outbound: allow udp "
		"123 to 198.18.2.53/32 | aws ec2 create-network-acl-entry "
		"--network-acl-id <probe-subnet-nacl-id> --egress "
		"--rule-number <rule-number> --protocol 17 --port-range "
		"From=123,To=123 --cidr-block 198.18.2.53/32 --rule-action "
		"allow\n"
		"target subnet NACL <target-subnet-nacl-id> inbound: allow udp "
		"123 from 198.18.1.1/32 | aws ec2 create-network-acl-entry "
		"--network-acl-id <target-subnet-nacl-id> --ingress "
		"--rule-number <rule-number> --protocol 17 --port-range "
		"From=123,To=123 --cidr-block 198.18.1.1/32 --rule-action "
		"allow\n"
		"probe subnet NACL <probe-subnet-nacl-id> inbound: allow udp "
		"1025-1026 from 198.18.2.53/32 | aws ec2 "
		"create-network-acl-entry --network-acl-id "
		"<probe-subnet-nacl-id> --ingress --rule-number <rule-number> "
		"--protocol 17 --port-range From=1025,To=1026 --cidr-block "
		"198.18.2.53/32 --rule-action allow\n"
		"target subnet NACL <target-subnet-nacl-id> outbound: allow "
		"udp 1025-1026 to 198.18.1.1/32 | aws ec2 "
		"create-network-acl-entry --network-acl-id "
		"<target-subnet-nacl-id> --egress --rule-number <rule-number> "
		"--protocol 17 --port-range From=1025,To=1026 --cidr-block "
		"198.18.1.1/32 --rule-action allow\n");
}

Test(fix, ipv6_peers_take_the_ipv6_cidr_block)
{
	struct report_check *c;
	struct report_fix *fixes;
	char *cmd;

	report_init(true, "2001:db8:2::1", "", false);
	c = add_check(PROTO_UDP, 7000, "40000", "40000-40000=reply_dropped");
	cr_assert_eq(report_check_fixes(&r, c, SIZE_MAX, &fixes), 1);
	cmd = report_fix_command(&fixes[0].rules[0]);
	cr_assert_str_eq(cmd, "aws ec2 create-network-acl-entry "
			      "--network-acl-id <probe-subnet-nacl-id> "
			      "--ingress --rule-number <rule-number> "
			      "--protocol 17 --port-range From=40000,To=40000 "
			      "--ipv6-cidr-block 2001:db8:2::1/128 "
			      "--rule-action allow");
	free(cmd);
	/* No bind address: the probe's block is for the user to fill. */
	cmd = report_fix_command(&fixes[0].rules[1]);
	cr_assert_str_eq(cmd, "aws ec2 create-network-acl-entry "
			      "--network-acl-id <agent-subnet-nacl-id> "
			      "--egress --rule-number <rule-number> "
			      "--protocol 17 --port-range From=40000,To=40000 "
			      "--cidr-block <probe-cidr> --rule-action allow");
	free(cmd);
	report_fixes_free(fixes, 1);
}

Test(fix, an_open_range_that_must_be_blocked_gets_a_deny)
{
	static const struct expect_range blocked[] = {
		{4990, 5010, EXPECT_BLOCKED}};
	struct report_check *c;

	c = configured_check(PROTO_UDP, 7000, "4980-5020", "");
	report_check_set_expectations(c, EXPECT_OPEN, blocked, 1);
	assert_one_fix(
		c,
		"these source ports must be blocked but get replies: deny the "
		"replies (udp 4990-5010) in the probe subnet's NACL inbound, "
		"numbered below the entry that allows them (a NACL cannot "
		"match a request's source port: the replies' destination port "
		"is where it shows)",
		"probe subnet NACL acl-0a1 inbound: deny udp 4990-5010 from "
		"198.18.2.0/24 | aws ec2 create-network-acl-entry "
		"--network-acl-id acl-0a1 --ingress --rule-number "
		"<rule-number> --protocol 17 --port-range From=4990,To=5010 "
		"--cidr-block 198.18.2.0/24 --rule-action deny\n");
}

Test(fix, rejections_get_a_note_and_no_entry)
{
	struct report_check *c;

	c = configured_check(PROTO_TCP, 7000, "1-2", "1-2=rejected");
	assert_one_fix(c,
		       "a NACL never rejects: a TCP reset or an ICMP "
		       "unreachable comes from the far host (nothing "
		       "listening?) or a firewall that rejects; no NACL "
		       "entry changes that",
		       "");
	report_check_set_expectations(c, EXPECT_DROPPED, NULL, 0);
	assert_one_fix(c,
		       "expected a silent drop, got a rejection: a NACL never "
		       "rejects, so a host firewall or the far host itself "
		       "answers with a TCP reset or an ICMP unreachable; no "
		       "NACL entry changes that",
		       "");
	report_check_set_expectations(c, EXPECT_REJECTED, NULL, 0);
	cr_assert_eq(c->nmismatches, 0);
}

Test(fix, an_expected_rejection_cannot_come_from_a_nacl)
{
	struct report_check *c;

	c = configured_check(PROTO_TCP, 7000, "1-2", "1-2=reply_dropped");
	report_check_set_expectations(c, EXPECT_REJECTED, NULL, 0);
	assert_one_fix(c,
		       "a NACL drops silently and never rejects: a rejection "
		       "must come from the far host or a firewall that "
		       "rejects; no NACL entry gives one",
		       "");
}

Test(fix, local_errors_and_met_expectations_need_no_fix)
{
	static const struct expect_range dropped[] = {{3, 4, EXPECT_DROPPED}};
	struct report_check *c;
	struct report_fix *fixes = NULL;

	c = configured_check(PROTO_UDP, 7000, "1-4",
			     "1-1=local_error 3-4=reply_dropped");
	report_check_set_expectations(c, EXPECT_OPEN, dropped, 1);
	cr_assert_eq(c->nmismatches, 1);
	cr_assert_eq(report_check_fixes(&r, c, SIZE_MAX, &fixes), 0);
	report_fixes_free(fixes, 0);
	cr_assert_str_eq(report_fix_note(),
			 "<rule-number>: a free rule number below the entry "
			 "that now decides these packets (nacl-report explain "
			 "names it); the commands are printed, never run");
}

Test(fix, max_bounds_the_fixes_computed)
{
	struct report_check *c;
	struct report_fix *fixes;

	c = configured_check(
		PROTO_UDP, 7000, "1-9",
		"1-1=reply_dropped 3-3=local_error 5-5=request_dropped "
		"7-7=rejected 9-9=dropped");
	cr_assert_eq(c->nmismatches, 5);
	cr_assert_eq(report_check_nfixes(c), 4);
	cr_assert_eq(report_check_fixes(&r, c, 2, &fixes), 2);
	cr_assert_eq(fixes[0].from, 1);
	/* The local_error at 3 has none: the second is 5's. */
	cr_assert_eq(fixes[1].from, 5);
	report_fixes_free(fixes, 2);
	cr_assert_eq(report_check_fixes(&r, c, 0, &fixes), 0);
	cr_assert_null(fixes);
}

/* A scenario may name a side by subnet or Terraform address; a command
 * line takes only a NACL's ID, so those stay placeholders. */
Test(fix, nacls_named_otherwise_than_by_id_stay_placeholders)
{
	struct report_check *c;

	report_init(true, "198.18.2.1", "198.18.1.1", true);
	free(r.targets[0].probe_nacl);
	free(r.targets[0].agent_nacl);
	r.targets[0].probe_nacl = xstrdup("subnet-0a1a");
	r.targets[0].agent_nacl = xstrdup("aws_network_acl.agent");
	c = add_check(PROTO_UDP, 53, "32768-65535",
		      "61000-65535=reply_dropped");
	assert_one_fix(
		c, REPLY_DROP_SUMMARY,
		"probe subnet NACL <probe-subnet-nacl-id> inbound: allow udp "
		"61000-65535 from 198.18.2.0/24 | aws ec2 "
		"create-network-acl-entry --network-acl-id "
		"<probe-subnet-nacl-id> --ingress --rule-number <rule-number> "
		"--protocol 17 --port-range From=61000,To=65535 --cidr-block "
		"198.18.2.0/24 --rule-action allow\n"
		"agent subnet NACL <agent-subnet-nacl-id> outbound: allow udp "
		"61000-65535 to 198.18.1.0/24 | aws ec2 "
		"create-network-acl-entry --network-acl-id "
		"<agent-subnet-nacl-id> --egress --rule-number <rule-number> "
		"--protocol 17 --port-range From=61000,To=65535 --cidr-block "
		"198.18.1.0/24 --rule-action allow\n");
}
