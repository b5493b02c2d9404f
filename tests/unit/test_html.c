/* Unit tests for reports/html.c: a self-contained page, escaped, with strips
 * whose rectangles and labels are checked exactly. */
/* Rendering in a browser is the end-to-end test's part (test_51_html.sh). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/report.h"
#include "tests/unit/fixture_report.h"

/* Each test's report and the page it rendered, freed after it. */
static struct report r;
static char *page;

static void
html_setup(void)
{
	fixture_report_init_settings(&r, "2026-11-20T10:01:05Z");
}

static void
html_teardown(void)
{
	free(page);
	report_free(&r);
}

TestSuite(html, .init = html_setup, .fini = html_teardown);

/* The page of udp or tcp/7000 echo over sports, ok but [from, to]. */
static char *
echo_page_bad(enum proto proto, const char *sports, uint16_t from, uint16_t to,
	      enum probe_status bad)
{
	fixture_add_check_bad(&r, proto, 7000, SERVICE_ECHO, sports, from, to,
			      bad);
	return fixture_finish_render(report_write_html, &r);
}

Test(html, page_is_self_contained)
{
	static const char *const external[] = {
		"<script", "<link",   "src=",	 "http://", "https://",
		"url(",	   "@import", "<iframe", "<object", "<img",
	};
	size_t i;

	page = echo_page_bad(PROTO_UDP, "32768-60999", 49152, 60999,
			     STATUS_REPLY_DROPPED);
	cr_assert_eq(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">\n", 32),
		     0);
	cr_assert_not_null(strstr(page, "<meta charset=\"utf-8\">"));
	cr_assert_str_eq(page + strlen(page) - 16, "</body>\n</html>\n");
	for (i = 0; i < sizeof external / sizeof *external; i++)
		cr_assert_null(strstr(page, external[i]), "found %s",
			       external[i]);
	cr_assert_eq(fixture_count(page, "<style>"), 1);
	cr_assert_eq(fixture_count(page, "<svg "), 1);
}

Test(html, failing_range_is_listed_with_status_meaning_and_impact)
{
	page = echo_page_bad(PROTO_UDP, "32768-60999", 49152, 60999,
			     STATUS_REPLY_DROPPED);
	cr_assert_not_null(strstr(
		page,
		"<tr><td class=\"ports\">49152-60999</td><td "
		"class=\"n\">11848</td><td class=\"status\"><span class=\"sw\" "
		"style=\"background:#d55e00\"></span>reply_dropped</td><td>"
		"requests arrive, replies are dropped on the way back</td><td>"
		"hits Windows Vista+ clients (72.3% of their range), Linux "
		"42.0%, Linux (legacy) 42.0%, NAT gateway/ELB "
		"18.4%</td></tr>"));
	cr_assert_not_null(strstr(
		page, "<section class=\"check fail\" id=\"udp-7000\">\n"
		      "<h2>udp/7000 echo<span class=\"verdict\">FAIL</span>"
		      "</h2>\n"));
	cr_assert_not_null(strstr(
		page, "<header class=\"fail\">\n<h1>nacl-probe report<span "
		      "class=\"verdict\">FAIL</span></h1>\n<p "
		      "class=\"sub\">198.18.1.1 &rarr; 198.18.2.1 &middot; 1 "
		      "check, 1 failed &middot; 28232 source-port "
		      "probes</p>\n"));
}

Test(html, settings_and_times_are_shown)
{

	r.settings.rate = 0;
	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40009");
	page = fixture_finish_render(report_write_html, &r);
	cr_assert_not_null(strstr(
		page,
		"<div><dt>Started</dt><dd>2026-11-20T10:00:00Z</dd></div>\n"
		"<div><dt>Finished</dt><dd>2026-11-20T10:01:05Z</dd>"
		"</div>\n"
		"<div><dt>Duration</dt><dd>1 min 5 s</dd></div>\n"
		"<div><dt>Probe address</dt><dd>198.18.1.1</dd></div>\n"
		"<div><dt>Target</dt><dd>198.18.2.1</dd></div>\n"
		"<div><dt>Far side</dt><dd>nacl-agent</dd></div>\n"
		"<div><dt>Rate</dt><dd>no limit</dd></div>\n"
		"<div><dt>Window</dt><dd>1024</dd></div>\n"
		"<div><dt>Attempts</dt><dd>3</dd></div>\n"
		"<div><dt>Timeout</dt><dd>1000 ms</dd></div>\n"));
	cr_assert_not_null(strstr(
		page, "<p class=\"note\">Every source port answered.</p>"));
	cr_assert_not_null(strstr(page, "<section class=\"check pass\""));
}

Test(html, report_strings_are_escaped)
{

	free(r.target_address);
	r.target_address = xstrdup("<script>alert('x')</script>&\"");
	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40009");
	page = fixture_finish_render(report_write_html, &r);
	cr_assert_null(strstr(page, "<script"));
	cr_assert_eq(fixture_count(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/"
					 "script&gt;&amp;&quot;"),
		     3); /* title, header, run settings */
}

Test(html, small_sweep_gets_one_column_per_port)
{
	page = echo_page_bad(PROTO_TCP, "100-199", 150, 159,
			     STATUS_REQUEST_DROPPED);
	/* 976 units for 100 ports: 9.76 per port; holes drawn last. */
	cr_assert_not_null(strstr(
		page,
		"<rect x=\"12.00\" y=\"6\" width=\"488.00\" height=\"40\" "
		"fill=\"#009e73\"><title>100-149: ok (50 ports)"
		"</title></rect>\n"
		"<rect x=\"597.60\" y=\"6\" width=\"390.40\" height=\"40\" "
		"fill=\"#009e73\"><title>160-199: ok (40 ports)"
		"</title></rect>\n"
		"<rect x=\"500.00\" y=\"6\" width=\"97.60\" height=\"40\" "
		"fill=\"#e69f00\"><title>150-159: request_dropped "
		"(10 ports)</title></rect>\n"));
	cr_assert_eq(fixture_count(page, "<rect x="), 3);
	/* Privileged ports meet no client family: no bars, no labels. */
	cr_assert_null(strstr(page, "class=\"family\""));
}

Test(html, single_port_hole_in_a_wide_sweep_stays_visible)
{
	page = echo_page_bad(PROTO_UDP, "1024-65535", 50000, 50000,
			     STATUS_REJECTED);
	/*
	 * One column of 66 ports, widened to 3 units; mostly ok, so the
	 * rejected colour takes the top half.
	 */
	cr_assert_not_null(strstr(
		page,
		"<g><title>49936-50001: 65 ok, 1 rejected</title>"
		"<rect x=\"750.99\" y=\"6\" width=\"3.00\" height=\"40\" "
		"fill=\"#009e73\"/><rect x=\"750.99\" y=\"6\" "
		"width=\"3.00\" height=\"20.0\" fill=\"#0072b2\"/></g>\n"));
	cr_assert_eq(fixture_count(page, "fill=\"#0072b2\"/>"), 1);
}

Test(html, client_families_and_round_ticks_mark_the_axis)
{

	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "32768-60999");
	page = fixture_finish_render(report_write_html, &r);
	cr_assert_not_null(strstr(page, ">Linux 32768-60999</text>"));
	cr_assert_not_null(strstr(page, ">Linux (legacy) 32768-61000</text>"));
	cr_assert_not_null(strstr(page, ">Windows Vista+ 49152-65535</text>"));
	cr_assert_not_null(strstr(page, ">NAT gateway/ELB 1024-65535</text>"));
	cr_assert_null(strstr(page, "Windows XP/2003"));
	cr_assert_not_null(strstr(page, "text-anchor=\"start\">32768</text>"));
	cr_assert_not_null(strstr(page, "text-anchor=\"end\">60999</text>"));
	cr_assert_not_null(strstr(page, "text-anchor=\"middle\">40000</text>"));
	cr_assert_not_null(strstr(page, "text-anchor=\"middle\">55000</text>"));
	/* Too close to the start label to print. */
	cr_assert_null(strstr(page, ">35000</text>"));
}

Test(html, split_sports_get_one_segment_each)
{

	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO,
			     "1025-5000,49152-65535");
	page = fixture_finish_render(report_write_html, &r);
	/* Two segments, two ok rectangles, a gap of 14 units between. */
	cr_assert_eq(fixture_count(page, "fill=\"#009e73\"><title>"), 2);
	cr_assert_not_null(strstr(page, "<title>1025-5000: ok (3976 ports)"));
	cr_assert_not_null(
		strstr(page, "<title>49152-65535: ok (16384 ports)"));
	cr_assert_not_null(strstr(page, ">Windows XP/2003 1025-5000</text>"));
	cr_assert_not_null(strstr(page, "text-anchor=\"start\">49152</text>"));
}

Test(html, fragmented_report_stays_small)
{

	/* Every other port dropped: 14116 ranges not ok. */
	fixture_add_check_every_other(&r, 32768, 60999, STATUS_DROPPED);
	page = fixture_finish_render(report_write_html, &r);
	/*
	 * Every column is half dropped: one split rectangle, and 4 client
	 * families; 200 table rows, then a note.
	 */
	cr_assert_eq(fixture_count(page, "<rect x="), 2 + 4);
	cr_assert_not_null(strstr(
		page, "<g><title>32768-60999: 14116 ok, 14116 dropped</title>"
		      "<rect x=\"12.00\" y=\"6\" width=\"976.00\" "
		      "height=\"40\" fill=\"#009e73\"/><rect x=\"12.00\" "
		      "y=\"6\" width=\"976.00\" height=\"20.0\" "
		      "fill=\"#cc79a7\"/></g>\n"));
	cr_assert_eq(fixture_count(page, "<tr><td class=\"ports\">"), 200);
	cr_assert_not_null(
		strstr(page, "<p class=\"note\">&hellip; and 13916 more ranges "
			     "not ok (the JSON report lists them all).</p>"));
	cr_assert_lt(strlen(page), 100000);
}

Test(html, nat_translation_prints_a_warning)
{

	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40009")
		->nat_translated = 10;
	page = fixture_finish_render(report_write_html, &r);
	cr_assert_not_null(strstr(page, "<p class=\"warn\">A NAT on the path "
					"rewrote 10 source ports: the ranges "
					"describe the ports the probe bound, "
					"not what the firewall saw.</p>"));
}

Test(html, mostly_dropped_columns_show_their_share)
{
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	uint8_t *statuses;
	size_t i, n;

	range_list_add(&sports, 1024, 65535);
	c = report_add_check(&r, PROTO_TCP, 7000, SERVICE_ECHO, &sports);
	range_list_free(&sports);
	n = range_list_size(&c->sports);
	statuses = xmalloc(n);
	/* Three ports in four reply_dropped: the colour takes 3/4 of 40. */
	for (i = 0; i < n; i++)
		statuses[i] = i % 4 ? STATUS_REPLY_DROPPED : STATUS_OK;
	report_check_set_statuses(c, statuses);
	free(statuses);
	page = fixture_finish_render(report_write_html, &r);
	cr_assert_not_null(strstr(
		page,
		"<g><title>1024-65535: 16128 ok, 48384 reply_dropped</title>"
		"<rect x=\"12.00\" y=\"6\" width=\"976.00\" height=\"40\" "
		"fill=\"#009e73\"/><rect x=\"12.00\" y=\"6\" "
		"width=\"976.00\" height=\"30.0\" fill=\"#d55e00\"/></g>\n"));
}

Test(html, scenario_shows_targets_and_expectations)
{
	static const struct expect_range blocked[] = {
		{4990, 5010, EXPECT_BLOCKED}};
	struct report_check *c;

	r.scenario_name = xstrdup("blocked-range");
	report_add_target(&r, "app", "198.18.2.1", true, "198.18.1.1");
	report_add_target(&r, "dns", "198.18.2.53", false, "198.18.1.1");
	c = fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO,
				 "4980-5020");
	report_check_set_expectations(c, EXPECT_OPEN, blocked, 1);
	c = fixture_add_check_ok(&r, PROTO_UDP, 53, SERVICE_ECHO, "1-2");
	c->target = 1;
	page = fixture_finish_render(report_write_html, &r);
	cr_assert_not_null(strstr(page, "<dt>Scenario</dt><dd>blocked-range"));
	cr_assert_not_null(strstr(page, "<dt>Targets</dt><dd>app 198.18.2.1, "
					"dns 198.18.2.53</dd>"));
	cr_assert_not_null(strstr(page,
				  "id=\"t0-udp-7000\">\n<h2>udp/7000 echo "
				  "&middot; app 198.18.2.1<span"));
	cr_assert_not_null(strstr(page, "id=\"t1-udp-53\">"));
	cr_assert_not_null(strstr(page,
				  "<p class=\"note\">Expected: <b>open</b>, "
				  "4990-5010 <b>blocked</b>. Not as expected: "
				  "4990-5010 ok (expected blocked).</p>\n"));
}

Test(html, a_failed_run_shows_its_error_notes_and_measures)
{
	struct report_check *c;
	char *text;

	report_set_tool(&r, "nacl-probe", "0.2.0");
	report_add_target(&r, "", "198.18.2.1", true, "198.18.1.1");
	report_set_target_error(&r, 0, "the agent <lost>");
	report_target_add_note(&r.targets[0], "slowed to 20 connections");
	report_target_add_outage(&r.targets[0], 2, 1.5);
	c = fixture_add_check_bad(&r, PROTO_TCP, 7000, SERVICE_ECHO,
				  "40000-40009", 40005, 40009,
				  STATUS_UNFINISHED);
	c->no_answer = 1;
	fixture_set_measured(c, 0.125, 0.5, 3);
	c->evidence = xstrdup("capture");
	report_check_add_note(c, "queue & overflow");
	report_set_error(&r, "interrupted by SIGINT");
	text = fixture_finish_render(report_write_html, &r);
	cr_assert_not_null(strstr(text, "<div><dt>Version</dt><dd>0.2.0</dd>"
					"</div>\n</dl>\n<p class=\"warn\"><b>"
					"The run failed:</b> interrupted by "
					"SIGINT</p>\n<p class=\"warn\"><b>"
					"Partial:</b> the run stopped before "
					"every port was measured; unfinished "
					"ports meet no expectation.</p>\n"
					"<p class=\"warn\"><b>Error:</b> the "
					"agent &lt;lost&gt;</p>\n<p "
					"class=\"warn\"><b>Note:</b> slowed to "
					"20 connections</p>\n<p class=\"warn\">"
					"<b>Outage:</b> no answer for 1.5 s "
					"from 2.0 s after the start</p>\n"),
			   "%s", text);
	cr_assert_not_null(strstr(text, "<p class=\"measures\">loss <b>12.50%"
					"</b> rtt p50 <b>0.5 ms</b> p99 <b>3.0 "
					"ms</b> evidence <b>capture</b></p>\n"
					"<p class=\"warn\">1 source port: the "
					"TCP handshake completed, the echo "
					"service sent nothing (counted ok: the "
					"path is open).</p>\n<p class=\"warn\">"
					"<b>Note:</b> queue &amp; "
					"overflow</p>\n"),
			   "%s", text);
	free(text);
}

Test(html, the_fixes_are_listed_once_with_their_commands)
{
	char *text;

	fixture_add_check_bad(&r, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40009",
			      40005, 40009, STATUS_REPLY_DROPPED);
	fixture_add_check_bad(&r, PROTO_UDP, 7001, SERVICE_ECHO, "40000-40009",
			      40005, 40009, STATUS_REPLY_DROPPED);
	text = fixture_finish_render(report_write_html, &r);
	cr_assert_not_null(
		strstr(text,
		       "<section class=\"fixes\" id=\"fixes\">\n<h2>NACL "
		       "entries that would fix it</h2>\n<ol>\n<li>probe "
		       "subnet NACL &lt;probe-subnet-nacl-id&gt; inbound: "
		       "allow udp 40005-40009 from 198.18.2.1/32<br><code>aws "
		       "ec2 create-network-acl-entry --network-acl-id "
		       "&lt;probe-subnet-nacl-id&gt; --ingress --rule-number "
		       "&lt;rule-number&gt; --protocol 17 --port-range "
		       "From=40005,To=40009 --cidr-block 198.18.2.1/32 "
		       "--rule-action allow</code></li>\n<li>agent subnet"),
		"%s", text);
	cr_assert_eq(fixture_count(text, "<li>"), 2);
	free(text);
}
