/* Unit tests for reports/text.c: the terminal summary, compared byte for byte.
 */
/* Reports are built in memory and rendered into an open_memstream buffer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/report.h"
#include "tests/unit/fixture_report.h"

TestSuite(text);

static void
report_init(struct report *r, bool agent)
{
	fixture_report_init(r, "2026-11-20T10:00:00Z", "2026-11-20T10:00:02Z");
	r->target_agent = agent;
}

/* The first line of a report_init(r, true) report. */
#define AGENT_HEADER                                                           \
	"nacl-probe report: 198.18.1.1 -> 198.18.2.1 (agent)   "               \
	"2026-11-20T10:00:00Z .. 2026-11-20T10:00:02Z\n"

/* Finishes and frees r, asserting its text is expected. */
static void
assert_text(struct report *r, const char *expected)
{
	char *text;

	text = fixture_finish_render(report_write_text, r);
	cr_assert_str_eq(text, expected);
	free(text);
	report_free(r);
}

Test(text, failing_and_passing_checks_render_exactly)
{
	struct report r;

	report_init(&r, true);
	fixture_add_check_band(&r, PROTO_UDP, 7000, SERVICE_ECHO, "32768-65535",
			       STATUS_OK, 49152, 65535, STATUS_REPLY_DROPPED);
	fixture_add_check_ok(&r, PROTO_TCP, 7000, SERVICE_ECHO, "32768-65535");
	assert_text(
		&r, AGENT_HEADER
		"udp/7000 echo  sports 32768-65535 (32768 ports): FAIL\n"
		"  ok 16384, reply_dropped 16384\n"
		"  49152-65535  reply_dropped (16384 ports): requests arrive, "
		"replies are dropped on the way back\n"
		"    hits Windows Vista+ clients (100% of their range), Linux "
		"42.0%, Linux (legacy) 42.0%, NAT gateway/ELB 25.4%\n"
		"    fix: the requests arrive, the replies (udp 49152-65535) "
		"are dropped by the "
		"probe subnet's NACL inbound or the agent subnet's NACL "
		"outbound: allow them in the one that lacks it (nacl-report "
		"explain names it); NACL entries 1 and 2 below\n"
		"tcp/7000 echo  sports 32768-65535 (32768 ports): pass\n"
		"NACL entries that would fix it, each once:\n"
		"  1. probe subnet NACL <probe-subnet-nacl-id> inbound: allow "
		"udp 49152-65535 from 198.18.2.1/32\n"
		"     aws ec2 create-network-acl-entry --network-acl-id "
		"<probe-subnet-nacl-id> --ingress --rule-number <rule-number> "
		"--protocol 17 --port-range From=49152,To=65535 --cidr-block "
		"198.18.2.1/32 --rule-action allow\n"
		"  2. agent subnet NACL <agent-subnet-nacl-id> outbound: "
		"allow "
		"udp 49152-65535 to 198.18.1.1/32\n"
		"     aws ec2 create-network-acl-entry --network-acl-id "
		"<agent-subnet-nacl-id> --egress --rule-number <rule-number> "
		"--protocol 17 --port-range From=49152,To=65535 --cidr-block "
		"198.18.1.1/32 --rule-action allow\n"
		"Note: <rule-number>: a free rule number below the entry that "
		"now decides these packets (nacl-report explain names it); the "
		"commands are printed, never run\n"
		"Summary: 2 checks, 65536 probes: FAIL (1 check failed)\n");
}

Test(text, passing_run_without_agent_and_any_bind)
{
	struct report r;

	report_init(&r, false);
	free(r.probe_bind);
	r.probe_bind = xstrdup("");
	fixture_add_check_ok(&r, PROTO_UDP, 53, SERVICE_ECHO,
			     "1025-5000,49152-65535");
	assert_text(&r,
		    "nacl-probe report: any -> 198.18.2.1 (no agent)   "
		    "2026-11-20T10:00:00Z .. 2026-11-20T10:00:02Z\n"
		    "udp/53 echo  sports 1025-5000,49152-65535 (20360 ports): "
		    "pass\n"
		    "Summary: 1 check, 20360 probes: pass\n");
}

Test(text, every_status_has_its_direction_phrase)
{
	static const uint8_t statuses[6] = {
		STATUS_OK,	STATUS_REPLY_DROPPED, STATUS_REQUEST_DROPPED,
		STATUS_DROPPED, STATUS_REJECTED,      STATUS_LOCAL_ERROR,
	};
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	struct report r;

	report_init(&r, true);
	range_list_add(&sports, 1, 6);
	c = report_add_check(&r, PROTO_TCP, 7000, SERVICE_ECHO, &sports);
	range_list_free(&sports);
	report_check_set_statuses(c, statuses);
	assert_text(
		&r, AGENT_HEADER
		"tcp/7000 echo  sports 1-6 (6 ports): FAIL\n"
		"  ok 1, reply_dropped 1, request_dropped 1, dropped 1, "
		"rejected 1, local_error 1\n"
		"  2  reply_dropped (1 port): requests arrive, replies are "
		"dropped on the way back\n"
		"    hits no common client range\n"
		"    fix: the requests arrive, the replies (tcp 2) are dropped "
		"by the probe subnet's NACL inbound or the agent subnet's NACL "
		"outbound: allow them in the one that lacks it (nacl-report "
		"explain names it); NACL entries 1 and 2 below\n"
		"  3  request_dropped (1 port): requests are dropped on the "
		"way to the agent\n"
		"    hits no common client range\n"
		"    fix: requests to tcp 7000 from other source ports reach "
		"the agent, and a NACL cannot single out source ports: "
		"something else drops these (a host firewall, a router ACL "
		"that matches source ports); no NACL entry fixes it\n"
		"  4  dropped (1 port): no reply (direction unknown: no "
		"agent)\n"
		"    hits no common client range\n"
		"    fix: no agent tells the direction, but other source ports "
		"get replies, so the requests (tcp 7000) pass: the replies "
		"(tcp 4) are dropped by the probe subnet's NACL inbound or the "
		"agent subnet's NACL outbound: allow them in the one that "
		"lacks it; NACL entries 3 and 4 below\n"
		"  5  rejected (1 port): actively refused (TCP reset or ICMP "
		"unreachable)\n"
		"    hits no common client range\n"
		"    fix: a NACL never rejects: a TCP reset or an ICMP "
		"unreachable comes from the far host (nothing listening?) or a "
		"firewall that rejects; no NACL entry changes that\n"
		"  6  local_error (1 port): could not send from this port on "
		"the probe host (port in use, or below 1024 without "
		"CAP_NET_BIND_SERVICE?)\n"
		"NACL entries that would fix it, each once:\n"
		"  1. probe subnet NACL <probe-subnet-nacl-id> inbound: allow "
		"tcp 2 from 198.18.2.1/32\n"
		"     aws ec2 create-network-acl-entry --network-acl-id "
		"<probe-subnet-nacl-id> --ingress --rule-number <rule-number> "
		"--protocol 6 --port-range From=2,To=2 --cidr-block "
		"198.18.2.1/32 --rule-action allow\n"
		"  2. agent subnet NACL <agent-subnet-nacl-id> outbound: allow "
		"tcp 2 to 198.18.1.1/32\n"
		"     aws ec2 create-network-acl-entry --network-acl-id "
		"<agent-subnet-nacl-id> --egress --rule-number <rule-number> "
		"--protocol 6 --port-range From=2,To=2 --cidr-block "
		"198.18.1.1/32 --rule-action allow\n"
		"  3. probe subnet NACL <probe-subnet-nacl-id> inbound: allow "
		"tcp 4 from 198.18.2.1/32\n"
		"     aws ec2 create-network-acl-entry --network-acl-id "
		"<probe-subnet-nacl-id> --ingress --rule-number <rule-number> "
		"--protocol 6 --port-range From=4,To=4 --cidr-block "
		"198.18.2.1/32 --rule-action allow\n"
		"  4. agent subnet NACL <agent-subnet-nacl-id> outbound: allow "
		"tcp 4 to 198.18.1.1/32\n"
		"     aws ec2 create-network-acl-entry --network-acl-id "
		"<agent-subnet-nacl-id> --egress --rule-number <rule-number> "
		"--protocol 6 --port-range From=4,To=4 --cidr-block "
		"198.18.1.1/32 --rule-action allow\n"
		"Note: <rule-number>: a free rule number below the entry that "
		"now decides these packets (nacl-report explain names it); the "
		"commands are printed, never run\n"
		"Summary: 1 check, 6 probes: FAIL (1 check failed)\n");
}

Test(text, nat_translation_prints_a_warning)
{
	struct report r;
	struct report_check *c;

	report_init(&r, true);
	c = fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO,
				 "40000-40009");
	c->nat_translated = 10;
	assert_text(
		&r, AGENT_HEADER
		"udp/7000 echo  sports 40000-40009 (10 ports): pass\n"
		"  warning: a NAT on the path rewrote 10 source ports;\n"
		"  the ranges describe the ports the probe bound, not what the "
		"firewall saw\n"
		"Summary: 1 check, 10 probes: pass\n");
}

Test(text, many_failing_ranges_are_cut_after_twenty)
{
	struct report r;
	char *text;

	report_init(&r, true);
	/* Every other port drops: 25 single-port ranges not ok. */
	fixture_add_check_every_other(&r, 40000, 40049, STATUS_DROPPED);
	text = fixture_finish_render(report_write_text, &r);
	cr_assert_eq(fixture_count(text, "  dropped (1 port)"), 20);
	cr_assert_not_null(strstr(text, "  40001  dropped (1 port): "));
	cr_assert_not_null(strstr(text, "  40039  dropped (1 port): "));
	cr_assert_null(strstr(text, "  40041  dropped"));
	cr_assert_not_null(strstr(
		text,
		"\n  ... and 5 more ranges not ok (the JSON report lists "
		"them all)\n"
		"  ... the fixes of 20 more ranges are in the JSON report "
		"(\"fixes\")\n"
		"NACL entries that would fix it, each once:\n"));
	/* Five fixes are written out, their ten entries listed once. */
	cr_assert_eq(fixture_count(text, "    fix: "), 5);
	cr_assert_not_null(strstr(text, "From=40009,To=40009"));
	cr_assert_null(strstr(text, "From=40011,To=40011"));
	cr_assert_not_null(strstr(text, "; NACL entries 9 and 10 below\n"));
	cr_assert_not_null(strstr(text, "\n  10. agent subnet NACL "));
	cr_assert_null(strstr(text, "\n  11. "));
	free(text);
	report_free(&r);
}

Test(text, local_error_range_has_no_client_impact)
{
	struct report r;

	report_init(&r, true);
	fixture_add_check_band(&r, PROTO_UDP, 7000, SERVICE_ECHO, "49152-49153",
			       STATUS_OK, 49153, 49153, STATUS_LOCAL_ERROR);
	assert_text(
		&r, AGENT_HEADER
		"udp/7000 echo  sports 49152-49153 (2 ports): FAIL\n"
		"  ok 1, local_error 1\n"
		"  49153  local_error (1 port): could not send from this port "
		"on the probe host (port in use, or below 1024 without "
		"CAP_NET_BIND_SERVICE?)\n"
		"Summary: 1 check, 2 probes: FAIL (1 check failed)\n");
}

Test(text, check_without_statuses_prints_no_counts_line)
{
	struct range_list sports = {NULL, 0};
	struct report r;

	report_init(&r, true);
	range_list_add(&sports, 10, 11);
	report_add_check(&r, PROTO_TCP, 80, SERVICE_HTTP, &sports);
	range_list_free(&sports);
	assert_text(&r, "nacl-probe report: 198.18.1.1 -> 198.18.2.1 (agent)   "
			"2026-11-20T10:00:00Z .. 2026-11-20T10:00:02Z\n"
			"tcp/80 http  sports 10-11 (2 ports): FAIL\n"
			"Summary: 1 check, 2 probes: FAIL (1 check failed)\n");
}

/* A scenario's report: two targets, expectations met and missed. */
static void
scenario_report(struct report *r)
{
	static const struct expect_range blocked[] = {
		{1005, 1009, EXPECT_BLOCKED}};
	struct report_target *t;
	struct report_check *c;
	size_t app, dns;

	report_init(r, true);
	free(r->probe_bind);
	free(r->target_address);
	r->probe_bind = NULL;
	r->target_address = NULL;
	r->scenario_name = xstrdup("edge");
	app = report_add_target(r, "app", "198.18.2.1", true, "198.18.1.1");
	t = &r->targets[app];
	t->probe_cidr = xstrdup("198.18.1.0/24");
	t->agent_cidr = xstrdup("198.18.2.0/24");
	t->probe_nacl = xstrdup("acl-0a1");
	t->agent_nacl = xstrdup("acl-0b2");
	dns = report_add_target(r, "dns", "198.18.2.53", false, "198.18.1.1");
	c = fixture_add_check_band(r, PROTO_UDP, 7000, SERVICE_ECHO,
				   "1000-1009", STATUS_OK, 1005, 1006,
				   STATUS_REPLY_DROPPED);
	c->target = app;
	report_check_set_expectations(c, EXPECT_OPEN, blocked, 1);
	c = fixture_add_check_band(r, PROTO_UDP, 53, SERVICE_ECHO, "2000-2001",
				   STATUS_DROPPED, 0, 0, STATUS_OK);
	c->target = dns;
	report_check_set_expectations(c, EXPECT_REJECTED, NULL, 0);
	report_finish(r);
}

Test(text, scenario_groups_checks_by_target_with_expectations)
{
	struct report r;
	char *text;

	scenario_report(&r);
	text = fixture_render(report_write_text, &r);
	cr_assert_str_eq(
		text,
		"nacl-probe scenario edge   2026-11-20T10:00:00Z .. "
		"2026-11-20T10:00:02Z\n"
		"target app: 198.18.1.1 -> 198.18.2.1 (agent)\n"
		"udp/7000 echo  sports 1000-1009 (10 ports): FAIL\n"
		"  expected: open, 1005-1009 blocked\n"
		"  ok 8, reply_dropped 2\n"
		"  1005-1006  reply_dropped (2 ports): requests arrive, "
		"replies are dropped on the way back\n"
		"    expected blocked: met\n"
		"    hits no common client range\n"
		"  1007-1009  ok (3 ports): a valid reply came back\n"
		"    expected blocked: NOT MET\n"
		"    fix: these source ports must be blocked but get replies: "
		"deny the replies (udp 1007-1009) in the probe subnet's NACL "
		"inbound, numbered below the entry that allows them (a NACL "
		"cannot match a request's source port: the replies' "
		"destination port is where it shows); NACL entry 1 below\n"
		"target dns: 198.18.1.1 -> 198.18.2.53 (no agent)\n"
		"udp/53 echo  sports 2000-2001 (2 ports): FAIL\n"
		"  expected: rejected\n"
		"  dropped 2\n"
		"  2000-2001  dropped (2 ports): no reply (direction unknown: "
		"no agent)\n"
		"    expected rejected: NOT MET\n"
		"    hits Windows XP/2003 clients (0.1% of their range), NAT "
		"gateway/ELB <0.1%\n"
		"    fix: a NACL drops silently and never rejects: a rejection "
		"must come from the far host or a firewall that rejects; no "
		"NACL entry gives one\n"
		"NACL entry that would fix it, each once:\n"
		"  1. probe subnet NACL acl-0a1 inbound: deny udp 1007-1009 "
		"from 198.18.2.0/24\n"
		"     aws ec2 create-network-acl-entry --network-acl-id "
		"acl-0a1 --ingress --rule-number <rule-number> --protocol 17 "
		"--port-range From=1007,To=1009 --cidr-block 198.18.2.0/24 "
		"--rule-action deny\n"
		"Note: <rule-number>: a free rule number below the entry that "
		"now decides these packets (nacl-report explain names it); the "
		"commands are printed, never run\n"
		"Summary: 2 targets, 2 checks, 12 probes: FAIL (2 checks "
		"failed)\n");
	free(text);
	report_free(&r);
}

Test(text, a_failed_run_shows_its_error_notes_outages_and_measures)
{
	struct report r;
	struct report_check *c;
	struct report_target *t;

	report_init(&r, true);
	report_add_target(&r, "", "198.18.2.1", true, "198.18.1.1");
	t = &r.targets[0];
	report_target_add_note(t, "slowed to 20 connections at once");
	report_target_add_outage(t, 3.25, 1.5);
	t->control_sport = 40001;
	t->control_failed = xcalloc(1, sizeof *t->control_failed);
	t->control_failed[0] = 40000;
	t->ncontrol_failed = 1;
	c = fixture_add_check_band(&r, PROTO_TCP, 7000, SERVICE_ECHO,
				   "40000-40009", STATUS_OK, 40005, 40009,
				   STATUS_UNFINISHED);
	c->no_answer = 2;
	fixture_set_measured(c, 0.025, 0.41, 12.04);
	report_check_add_note(c, "evidence lost: the agent's UDP queue "
				 "overflowed");
	report_set_error(&r, "the agent was lost mid-sweep");
	assert_text(
		&r, AGENT_HEADER
		"ERROR: the agent was lost mid-sweep\n"
		"PARTIAL: the run stopped before every port was measured; "
		"unfinished ports meet no expectation\n"
		"  note: slowed to 20 connections at once\n"
		"  control connection failed from source port 40000; it ran "
		"from 40001\n"
		"  outage: no answer for 1.5 s from 3.2 s after the start\n"
		"tcp/7000 echo  sports 40000-40009 (10 ports): FAIL\n"
		"  ok 5, unfinished 5\n"
		"  loss: 2.5% of attempts to ports that answered; rtt p50 0.4 "
		"ms, p99 12.0 ms\n"
		"  2 ports: the TCP handshake completed, the echo service sent "
		"nothing (counted ok: the path is open)\n"
		"  note: evidence lost: the agent's UDP queue overflowed\n"
		"  40005-40009  unfinished (5 ports): not measured: the run "
		"ended before this port's outcome was known\n"
		"Summary: 1 check, 10 probes: FAIL (1 check failed)\n");
}

Test(text, loss_of_one_percent_or_less_is_not_shown)
{
	struct report r;
	struct report_check *c;
	char *text;

	report_init(&r, true);
	c = fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO,
				 "40000-40009");
	c->has_loss = true;
	c->loss = 0.01;
	c->has_rtt = true;
	text = fixture_finish_render(report_write_text, &r);
	cr_assert_null(strstr(text, "loss"), "%s", text);
	free(text);
	report_free(&r);
}

Test(text, an_entry_two_checks_need_is_listed_once)
{
	struct report r;
	char *text, *at;
	size_t n = 0;

	report_init(&r, true);
	fixture_add_check_band(&r, PROTO_UDP, 53, SERVICE_ECHO, "40000-40009",
			       STATUS_OK, 40005, 40009, STATUS_REPLY_DROPPED);
	fixture_add_check_band(&r, PROTO_UDP, 123, SERVICE_ECHO, "40000-40009",
			       STATUS_OK, 40005, 40009, STATUS_REPLY_DROPPED);
	text = fixture_finish_render(report_write_text, &r);
	for (at = strstr(text, "aws ec2 "); at != NULL;
	     at = strstr(at + 1, "aws ec2 "))
		n++;
	cr_assert_eq(n, 2, "%s", text);
	cr_assert_not_null(strstr(text, "explain names it); NACL entries 1 "
					"and 2 below\nudp/123 echo"),
			   "%s", text);
	n = 0;
	for (at = strstr(text, "; NACL entries 1 and 2 below\n"); at != NULL;
	     at = strstr(at + 1, "; NACL entries 1 and 2 below\n"))
		n++;
	cr_assert_eq(n, 2, "%s", text);
	free(text);
	report_free(&r);
}
