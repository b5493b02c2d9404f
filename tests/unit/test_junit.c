/* Unit tests for reports/junit.c: the JUnit XML, compared byte for byte. */
/* Reports are built in memory and rendered into an open_memstream buffer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/report.h"
#include "tests/unit/fixture_report.h"

/* Each test's report, started as RUN_PROPERTIES say; freed after it. */
static struct report r;

static void
junit_setup(void)
{
	fixture_report_init_settings(&r, "2026-11-20T10:00:02Z");
}

static void
junit_teardown(void)
{
	report_free(&r);
}

TestSuite(junit, .init = junit_setup, .fini = junit_teardown);

/* The properties of junit_setup's run, from probe.bind to the end. */
#define RUN_PROPERTIES                                                         \
	"      <property name=\"probe.bind\" value=\"198.18.1.1\"/>\n"         \
	"      <property name=\"started_at\" "                                 \
	"value=\"2026-11-20T10:00:00Z\"/>\n"                                   \
	"      <property name=\"finished_at\" "                                \
	"value=\"2026-11-20T10:00:02Z\"/>\n"                                   \
	"      <property name=\"settings.rate\" value=\"2000\"/>\n"            \
	"      <property name=\"settings.window\" value=\"1024\"/>\n"          \
	"      <property name=\"settings.attempts\" value=\"3\"/>\n"           \
	"      <property name=\"settings.timeout_ms\" value=\"1000\"/>\n"      \
	"    </properties>\n"

static const char junit_properties[] =
	"    <properties>\n"
	"      <property name=\"target.address\" value=\"198.18.2.1\"/>\n"
	"      <property name=\"target.agent\" "
	"value=\"true\"/>\n" RUN_PROPERTIES;

Test(junit, failing_and_passing_checks_render_exactly)
{
	char *xml, *expected;

	fixture_add_check_bad(&r, PROTO_UDP, 53, SERVICE_DNS, "32768-60999",
			      49152, 60999, STATUS_REPLY_DROPPED);
	fixture_add_check_ok(&r, PROTO_TCP, 53, SERVICE_DNS, "32768-60999");
	xml = fixture_finish_render(report_write_junit, &r);
	expected = xasprintf(
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"nacl-probe\" tests=\"2\" failures=\"1\" "
		"errors=\"0\" time=\"2.000\">\n"
		"  <testsuite name=\"nacl-probe 198.18.2.1\" tests=\"2\" "
		"failures=\"1\" errors=\"0\" skipped=\"0\" time=\"2.000\" "
		"timestamp=\"2026-11-20T10:00:00\" hostname=\"198.18.1.1\">\n"
		"%s"
		"    <testcase name=\"udp/53 dns sports 32768-60999\" "
		"classname=\"nacl-probe.198-18-2-1\">\n"
		"      <failure message=\"11848 of 28232 source ports not ok: "
		"49152-60999 reply_dropped\" type=\"reply_dropped\">"
		"49152-60999 reply_dropped (11848 ports): requests arrive, "
		"replies are dropped on the way back; hits Windows Vista+ "
		"clients (72.3%% of their range), Linux 42.0%%, Linux (legacy) "
		"42.0%%, NAT gateway/ELB 18.4%%\n"
		"  fix: the requests arrive, the replies (udp 49152-60999) are "
		"dropped by the probe subnet's NACL inbound or the agent "
		"subnet's NACL outbound: allow them in the one that lacks it "
		"(nacl-report explain names it)\n"
		"    probe subnet NACL &lt;probe-subnet-nacl-id&gt; inbound: "
		"allow udp 49152-60999 from 198.18.2.1/32\n"
		"      aws ec2 create-network-acl-entry --network-acl-id "
		"&lt;probe-subnet-nacl-id&gt; --ingress --rule-number "
		"&lt;rule-number&gt; --protocol 17 --port-range "
		"From=49152,To=60999 --cidr-block 198.18.2.1/32 --rule-action "
		"allow\n"
		"    agent subnet NACL &lt;agent-subnet-nacl-id&gt; outbound: "
		"allow udp 49152-60999 to 198.18.1.1/32\n"
		"      aws ec2 create-network-acl-entry --network-acl-id "
		"&lt;agent-subnet-nacl-id&gt; --egress --rule-number "
		"&lt;rule-number&gt; --protocol 17 --port-range "
		"From=49152,To=60999 --cidr-block 198.18.1.1/32 --rule-action "
		"allow\n"
		"Note: &lt;rule-number&gt;: a free rule number below the entry "
		"that now decides these packets (nacl-report explain names "
		"it); the commands are printed, never run\n"
		"</failure>\n"
		"    </testcase>\n"
		"    <testcase name=\"tcp/53 dns sports 32768-60999\" "
		"classname=\"nacl-probe.198-18-2-1\"/>\n"
		"  </testsuite>\n"
		"</testsuites>\n",
		junit_properties);
	cr_assert_str_eq(xml, expected);
	free(expected);
	free(xml);
}

Test(junit, every_report_string_is_escaped)
{
	char *xml;

	free(r.target_address);
	r.target_address = xstrdup("a&b<c>\"d'e\x01\n");
	free(r.started_at);
	r.started_at = xstrdup("<now>");
	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "100-101");
	xml = fixture_finish_render(report_write_junit, &r);
	cr_assert_not_null(strstr(xml,
				  "<testsuite name=\"nacl-probe "
				  "a&amp;b&lt;c&gt;&quot;d&apos;e?&#10;\" "));
	cr_assert_not_null(strstr(xml, "classname=\"nacl-probe.a&amp;b&lt;c&gt;"
				       "&quot;d&apos;e?&#10;\"/>"));
	cr_assert_not_null(strstr(xml, "<property name=\"started_at\" "
				       "value=\"&lt;now&gt;\"/>"));
	/* No time and no timestamp when the times are not RFC 3339. */
	cr_assert_not_null(strstr(xml, "errors=\"0\">\n"));
	cr_assert_null(strstr(xml, "timestamp="));
	free(xml);
}

Test(junit, many_ranges_are_cut_in_message_and_body)
{
	char *xml, *line;
	size_t listed = 0;

	/* Every other port rejected: 150 single-port ranges not ok. */
	fixture_add_check_every_other(&r, 40000, 40299, STATUS_REJECTED);
	xml = fixture_finish_render(report_write_junit, &r);
	cr_assert_not_null(
		strstr(xml, "<failure message=\"150 of 300 source ports not "
			    "ok: 40001 rejected, 40003 rejected, 40005 "
			    "rejected, 40007 rejected, 40009 rejected, ... "
			    "(150 ranges in all)\" type=\"rejected\">"));
	cr_assert_eq(fixture_count(xml, " rejected (1 port): "), 100);
	cr_assert_not_null(strstr(xml, "\n40199 rejected (1 port)"));
	cr_assert_null(strstr(xml, "\n40201 rejected"));
	cr_assert_not_null(strstr(
		xml, "\n... and 50 more ranges not ok (the JSON report "
		     "lists them all)\n... the fixes of 145 more ranges "
		     "are in the JSON report (\"fixes\")\n</failure>\n"));
	/* A rejection gets a note, never an entry; five are written. */
	for (listed = 0, line = strstr(xml, "\n  fix: a NACL never rejects");
	     line != NULL; line = strstr(line + 1, "\n  fix: a NACL never"))
		listed++;
	cr_assert_eq(listed, 5);
	free(xml);
}

Test(junit, statuses_are_listed_in_the_failure_type)
{
	static const uint8_t statuses[4] = {STATUS_OK, STATUS_REJECTED,
					    STATUS_LOCAL_ERROR,
					    STATUS_REQUEST_DROPPED};
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	char *xml;

	range_list_add(&sports, 1, 4);
	c = report_add_check(&r, PROTO_TCP, 80, SERVICE_HTTP, &sports);
	range_list_free(&sports);
	report_check_set_statuses(c, statuses);
	xml = fixture_finish_render(report_write_junit, &r);
	cr_assert_not_null(
		strstr(xml, "<failure message=\"3 of 4 source ports not ok: 2 "
			    "rejected, 3 local_error, 4 request_dropped\" "
			    "type=\"request_dropped,rejected,local_error\">"));
	cr_assert_not_null(
		strstr(xml, "\n3 local_error (1 port): could not "
			    "send from this port on the probe host "
			    "(port in use, or below 1024 without "
			    "CAP_NET_BIND_SERVICE?); says nothing about the "
			    "firewall\n"));
	free(xml);
}

Test(junit, passing_check_with_ranges_not_ok_lists_them_as_output)
{
	struct report_check *c;
	char *xml;

	c = fixture_add_check_bad(&r, PROTO_UDP, 123, SERVICE_NTP, "1025-5000",
				  1025, 1030, STATUS_DROPPED);
	/* What an expectation of drops will look like: failing ports pass. */
	c->pass = true;
	r.pass = true;
	xml = fixture_render(report_write_junit, &r);
	cr_assert_not_null(strstr(
		xml,
		"tests=\"1\" failures=\"0\" errors=\"0\" time=\"2.000\">"));
	cr_assert_not_null(strstr(
		xml, "    <testcase name=\"udp/123 ntp sports 1025-5000\" "
		     "classname=\"nacl-probe.198-18-2-1\">\n"
		     "      <system-out>1025-1030 dropped (6 ports): no reply "
		     "(direction unknown: no agent); hits Windows XP/2003 "
		     "clients (0.2% of their range), NAT gateway/ELB "
		     "&lt;0.1%\n</system-out>\n    </testcase>\n"));
	cr_assert_null(strstr(xml, "<failure"));
	free(xml);
}

/* Two targets of a scenario, an expectation missed and one met. */
Test(junit, scenario_has_a_testsuite_per_target)
{
	static const struct expect_range blocked[] = {
		{1005, 1009, EXPECT_BLOCKED}};
	struct report_check *c;
	size_t app, dns;
	char *xml;

	free(r.probe_bind);
	free(r.target_address);
	r.probe_bind = NULL;
	r.target_address = NULL;
	r.scenario_name = xstrdup("edge & co");
	app = report_add_target(&r, "app", "198.18.2.1", true, "198.18.1.1");
	r.targets[app].probe_nacl = xstrdup("acl-0a1");
	dns = report_add_target(&r, "dns.v2", "198.18.2.53", false,
				"198.18.1.1");
	c = fixture_add_check_bad(&r, PROTO_UDP, 7000, SERVICE_ECHO,
				  "1000-1009", 1005, 1006,
				  STATUS_REPLY_DROPPED);
	c->target = app;
	report_check_set_expectations(c, EXPECT_OPEN, blocked, 1);
	c = fixture_add_check_bad(&r, PROTO_UDP, 53, SERVICE_DNS, "2000-2001",
				  2000, 2001, STATUS_REJECTED);
	c->target = dns;
	report_check_set_expectations(c, EXPECT_REJECTED, NULL, 0);
	xml = fixture_finish_render(report_write_junit, &r);
	cr_assert_str_eq(
		xml,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"nacl-probe edge &amp; co\" tests=\"2\" "
		"failures=\"1\" errors=\"0\" time=\"2.000\">\n"
		"  <testsuite name=\"nacl-probe app 198.18.2.1\" tests=\"1\" "
		"failures=\"1\" errors=\"0\" skipped=\"0\" time=\"2.000\" "
		"timestamp=\"2026-11-20T10:00:00\" hostname=\"198.18.1.1\">\n"
		"    <properties>\n"
		"      <property name=\"scenario\" value=\"edge &amp; co\"/>\n"
		"      <property name=\"target.name\" value=\"app\"/>\n"
		"      <property name=\"target.address\" "
		"value=\"198.18.2.1\"/>\n"
		"      <property name=\"target.agent\" "
		"value=\"true\"/>\n" RUN_PROPERTIES
		"    <testcase name=\"udp/7000 echo sports 1000-1009\" "
		"classname=\"nacl-probe.app\">\n"
		"      <failure message=\"3 of 10 source ports not as "
		"expected: 1007-1009 ok (expected blocked)\" "
		"type=\"ok\">1007-1009 ok, expected blocked (3 ports): a valid "
		"reply came back\n"
		"  fix: these source ports must be blocked but get replies: "
		"deny the replies (udp 1007-1009) in the probe subnet's NACL "
		"inbound, numbered below the entry that allows them (a NACL "
		"cannot match a request's source port: the replies' "
		"destination port is where it shows)\n"
		"    probe subnet NACL acl-0a1 inbound: deny udp 1007-1009 "
		"from 198.18.2.1/32\n"
		"      aws ec2 create-network-acl-entry --network-acl-id "
		"acl-0a1 --ingress --rule-number &lt;rule-number&gt; "
		"--protocol 17 --port-range From=1007,To=1009 --cidr-block "
		"198.18.2.1/32 --rule-action deny\n"
		"Note: &lt;rule-number&gt;: a free rule number below the entry "
		"that now decides these packets (nacl-report explain names "
		"it); the commands are printed, never run\n"
		"</failure>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"  <testsuite name=\"nacl-probe dns.v2 198.18.2.53\" "
		"tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" "
		"time=\"2.000\" timestamp=\"2026-11-20T10:00:00\" "
		"hostname=\"198.18.1.1\">\n"
		"    <properties>\n"
		"      <property name=\"scenario\" value=\"edge &amp; co\"/>\n"
		"      <property name=\"target.name\" value=\"dns.v2\"/>\n"
		"      <property name=\"target.address\" "
		"value=\"198.18.2.53\"/>\n"
		"      <property name=\"target.agent\" "
		"value=\"false\"/>\n" RUN_PROPERTIES
		"    <testcase name=\"udp/53 dns sports 2000-2001\" "
		"classname=\"nacl-probe.dns-v2\">\n"
		"      <system-out>2000-2001 rejected, expected rejected (2 "
		"ports): actively refused (TCP reset or ICMP unreachable); "
		"hits Windows XP/2003 clients (0.1% of their range), NAT "
		"gateway/ELB &lt;0.1%\n"
		"</system-out>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	free(xml);
}

Test(junit, unfinished_checks_are_errors_naming_the_cause)
{
	struct report_check *c;
	char *text;

	report_set_tool(&r, "nacl-probe", "0.2.0");
	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40001");
	c = fixture_add_check_bad(&r, PROTO_TCP, 7000, SERVICE_ECHO,
				  "40000-40001", 40000, 40001,
				  STATUS_UNFINISHED);
	c->no_answer = 1;
	report_check_add_note(c, "a <note>");
	report_set_error(&r, "cannot reach the agent's control port at "
			     "198.18.2.1:7455: Connection refused");
	text = fixture_finish_render(report_write_junit, &r);
	cr_assert_not_null(strstr(text, "<testsuites name=\"nacl-probe\" "
					"tests=\"2\" failures=\"0\" "
					"errors=\"1\""),
			   "%s", text);
	cr_assert_not_null(strstr(text, "tests=\"2\" failures=\"0\" "
					"errors=\"1\" skipped=\"0\""),
			   "%s", text);
	cr_assert_not_null(
		strstr(text,
		       "      <property name=\"tool.version\" "
		       "value=\"0.2.0\"/>\n      <property "
		       "name=\"error\" value=\"cannot reach the agent&apos;s "
		       "control port at 198.18.2.1:7455: Connection "
		       "refused\"/>\n"),
		"%s", text);
	cr_assert_not_null(
		strstr(text,
		       "      <error message=\"cannot reach the agent&apos;s "
		       "control port at 198.18.2.1:7455: Connection "
		       "refused\" type=\"unfinished\">"),
		"%s", text);
	cr_assert_not_null(strstr(text, "1 port: TCP handshake completed, "
					"the echo service sent nothing "
					"(counted ok)\nnote: a &lt;note&gt;\n"
					"</error>\n"),
			   "%s", text);
	free(text);
}

Test(junit, outages_are_properties_of_their_target)
{
	char *xml;

	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "1-2");
	report_add_target(&r, "", "198.18.2.1", true, "198.18.1.1");
	report_target_add_outage(&r.targets[0], 2.54, 3.25);
	xml = fixture_finish_render(report_write_junit, &r);
	cr_assert_not_null(strstr(xml, "<property name=\"target.outage\" "
				       "value=\"no answer for 3.2 s from 2.5 "
				       "s after the start\"/>\n"),
			   "%s", xml);
	free(xml);
}
