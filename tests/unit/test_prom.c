/* Unit tests for reports/prom.c: the Prometheus exposition, byte for byte. */
/* Label values are escaped; unreadable times leave their samples out. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/report.h"
#include "tests/unit/fixture_report.h"

/* Each test's report and the text it rendered, freed after it. */
static struct report r;
static char *text;

static void
prom_setup(void)
{
	fixture_report_init(&r, "2026-11-20T23:48:00Z", "2026-11-20T23:48:31Z");
	report_set_tool(&r, "nacl-probe", "0.2.0");
}

static void
prom_teardown(void)
{
	free(text);
	report_free(&r);
}

TestSuite(prom, .init = prom_setup, .fini = prom_teardown);

Test(prom, one_failing_check_renders_exactly)
{

	fixture_add_check_bad(&r, PROTO_UDP, 53, SERVICE_DNS, "32768-60999",
			      49152, 60999, STATUS_REPLY_DROPPED)
		->nat_translated = 3;
	text = fixture_finish_render(report_write_prom, &r);
#define L                                                                      \
	"{scenario=\"\",name=\"\",target=\"198.18.2.1\",proto=\"udp\",port="   \
	"\"53\",service=\"dns\""
	cr_assert_str_eq(
		text,
		"# HELP naclprobe_build_info The nacl-probe version that "
		"wrote these series; always 1.\n"
		"# TYPE naclprobe_build_info gauge\n"
		"naclprobe_build_info{scenario=\"\",version=\"0.2.0\"} 1\n"
		"# HELP naclprobe_up 1 when the last run swept the target to "
		"the end, 0 when it failed or was interrupted.\n"
		"# TYPE naclprobe_up gauge\n"
		"naclprobe_up{scenario=\"\",name=\"\",target=\"198.18.2.1\"} "
		"1\n"
		"# HELP naclprobe_outage_seconds Seconds the path to the "
		"target gave no answer at all during the last run (waited "
		"out, never read as drops).\n"
		"# TYPE naclprobe_outage_seconds gauge\n"
		"naclprobe_outage_seconds{scenario=\"\",name=\"\",target=\"198."
		"18.2.1\"} 0\n"
		"# HELP naclprobe_ports Source ports of a check by outcome in "
		"the last run.\n"
		"# TYPE naclprobe_ports gauge\n"
		"naclprobe_ports" L ",status=\"ok\"} 16384\n"
		"naclprobe_ports" L ",status=\"reply_dropped\"} 11848\n"
		"naclprobe_ports" L ",status=\"request_dropped\"} 0\n"
		"naclprobe_ports" L ",status=\"dropped\"} 0\n"
		"naclprobe_ports" L ",status=\"rejected\"} 0\n"
		"naclprobe_ports" L ",status=\"local_error\"} 0\n"
		"naclprobe_ports" L ",status=\"host_dropped\"} 0\n"
		"naclprobe_ports" L ",status=\"unfinished\"} 0\n"
		"# HELP naclprobe_check_pass 1 when the check passed in the "
		"last run, 0 when it failed.\n"
		"# TYPE naclprobe_check_pass gauge\n"
		"naclprobe_check_pass" L "} 0\n"
		"# HELP naclprobe_check_swept_ports Source ports the check "
		"swept in the last run.\n"
		"# TYPE naclprobe_check_swept_ports gauge\n"
		"naclprobe_check_swept_ports" L "} 28232\n"
		"# HELP naclprobe_check_failing_ranges Source-port ranges of "
		"the check that were not ok in the last run.\n"
		"# TYPE naclprobe_check_failing_ranges gauge\n"
		"naclprobe_check_failing_ranges" L "} 1\n"
		"# HELP naclprobe_check_nat_translated_ports Source ports the "
		"agent saw rewritten by a NAT on the path in the last run.\n"
		"# TYPE naclprobe_check_nat_translated_ports gauge\n"
		"naclprobe_check_nat_translated_ports" L "} 3\n"
		"# HELP naclprobe_no_answer_ports Source ports of the check "
		"whose TCP handshake completed while the service sent "
		"nothing, in the last run.\n"
		"# TYPE naclprobe_no_answer_ports gauge\n"
		"naclprobe_no_answer_ports" L "} 0\n"
		"# HELP naclprobe_loss_ratio Attempts lost to source ports "
		"that answered, 0 to 1, in the last run.\n"
		"# TYPE naclprobe_loss_ratio gauge\n"
		"# HELP naclprobe_rtt_p50_seconds Round-trip time of the "
		"check's answered attempts in the last run, median.\n"
		"# TYPE naclprobe_rtt_p50_seconds gauge\n"
		"# HELP naclprobe_rtt_p99_seconds Round-trip time of the "
		"check's answered attempts in the last run, 99th "
		"percentile.\n"
		"# TYPE naclprobe_rtt_p99_seconds gauge\n"
		"# HELP naclprobe_run_pass 1 when every check of the last run "
		"passed, else 0.\n"
		"# TYPE naclprobe_run_pass gauge\n"
		"naclprobe_run_pass{scenario=\"\",name=\"\",target=\"198.18.2."
		"1\"} 0\n"
		"# HELP naclprobe_run_timestamp_seconds Unix time the last run "
		"started.\n"
		"# TYPE naclprobe_run_timestamp_seconds gauge\n"
		"naclprobe_run_timestamp_seconds{scenario=\"\",name=\"\","
		"target=\"198.18.2.1\"} "
		"1795218480\n"
		"# HELP naclprobe_run_duration_seconds How long the last run "
		"took, in seconds.\n"
		"# TYPE naclprobe_run_duration_seconds gauge\n"
		"naclprobe_run_duration_seconds{scenario=\"\",name=\"\",target="
		"\"198.18.2.1\"} 31\n");
#undef L
}

Test(prom, passing_checks_have_a_series_per_status)
{

	fixture_add_check_ok(&r, PROTO_UDP, 123, SERVICE_NTP, "1025-5000");
	fixture_add_check_ok(&r, PROTO_TCP, 80, SERVICE_HTTP, "1025-5000");
	text = fixture_finish_render(report_write_prom, &r);
	cr_assert_not_null(strstr(
		text, "naclprobe_ports{scenario=\"\",name=\"\",target=\"198.18."
		      "2.1\",proto=\"tcp\","
		      "port=\"80\",service=\"http\",status=\"ok\"} 3976\n"));
	cr_assert_not_null(strstr(text,
				  "naclprobe_check_pass{scenario=\"\",name="
				  "\"\",target=\"198.18.2.1\",proto=\"udp\","
				  "port=\"123\",service=\"ntp\"} 1\n"
				  "naclprobe_check_pass{scenario=\"\",name="
				  "\"\",target=\"198.18.2.1\",proto=\"tcp\","
				  "port=\"80\",service=\"http\"} 1\n"));
	cr_assert_not_null(strstr(text, "naclprobe_run_pass{scenario=\"\",name="
					"\"\",target=\"198.18.2.1\"} 1\n"));
}

/* r with *field set to value and one ok check, as Prometheus text. */
static char *
render_with(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "100");
	return fixture_finish_render(report_write_prom, &r);
}

Test(prom, label_values_are_escaped)
{

	text = render_with(&r.target_address, "a\"b\\c\nd");
	cr_assert_not_null(strstr(text,
				  "naclprobe_run_pass{scenario=\"\",name=\"\","
				  "target=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

Test(prom, times_that_are_not_rfc3339_leave_their_samples_out)
{

	text = render_with(&r.finished_at, "soon");
	cr_assert_not_null(strstr(
		text,
		"# TYPE naclprobe_run_timestamp_seconds gauge\n"
		"# HELP naclprobe_run_duration_seconds How long the last run "
		"took, in seconds.\n"
		"# TYPE naclprobe_run_duration_seconds gauge\n"));
	cr_assert_null(strstr(text, "naclprobe_run_timestamp_seconds{"));
	cr_assert_null(strstr(text, "naclprobe_run_duration_seconds{"));
}

Test(prom, each_target_gets_its_run_gauges)
{
	struct report_check *c;

	report_add_target(&r, "app", "198.18.2.1", true, "198.18.1.1");
	report_add_target(&r, "edge", "198.18.2.1", true, "198.18.1.1");
	report_add_target(&r, "dns", "198.18.2.53", false, "198.18.1.1");
	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "1-2");
	c = fixture_add_check_bad(&r, PROTO_UDP, 7100, SERVICE_ECHO, "1-2", 2,
				  2, STATUS_REPLY_DROPPED);
	c->target = 1;
	c = fixture_add_check_ok(&r, PROTO_UDP, 53, SERVICE_DNS, "1-2");
	c->target = 2;
	text = fixture_finish_render(report_write_prom, &r);
	cr_assert_not_null(
		strstr(text, "naclprobe_check_pass{scenario=\"\",name=\"dns\","
			     "target=\"198.18.2.53\",proto=\"udp\","
			     "port=\"53\",service=\"dns\"} 1\n"));
	cr_assert_not_null(
		strstr(text, "naclprobe_check_pass{scenario=\"\",name=\"edge\","
			     "target=\"198.18.2.1\",proto=\"udp\","
			     "port=\"7100\",service=\"echo\"} 0\n"));
	/* Two targets share 198.18.2.1: their names keep them apart. */
	cr_assert_not_null(strstr(
		text, "# TYPE naclprobe_run_pass gauge\n"
		      "naclprobe_run_pass{scenario=\"\",name=\"app\",target="
		      "\"198.18.2.1\"} 1\n"
		      "naclprobe_run_pass{scenario=\"\",name=\"edge\",target="
		      "\"198.18.2.1\"} 0\n"
		      "naclprobe_run_pass{scenario=\"\",name=\"dns\",target="
		      "\"198.18.2.53\"} 1\n"
		      "# HELP naclprobe_run_timestamp_seconds"));
	cr_assert_not_null(strstr(
		text, "naclprobe_run_duration_seconds{scenario=\"\",name="
		      "\"edge\",target=\"198.18.2.1\"} 31\n"));
}

Test(prom, a_failed_run_is_down_with_its_build_info)
{
	struct report_check *c;

	free(r.scenario_name);
	r.scenario_name = xstrdup("nightly");
	report_add_target(&r, "app", "198.18.2.1", true, "198.18.1.1");
	report_add_target(&r, "dns", "198.18.2.53", false, "198.18.1.1");
	fixture_add_check_ok(&r, PROTO_UDP, 7000, SERVICE_ECHO, "1-2");
	c = fixture_add_check_bad(&r, PROTO_TCP, 443, SERVICE_ECHO, "1-2", 1, 2,
				  STATUS_UNFINISHED);
	c->target = 1;
	c->no_answer = 1;
	fixture_set_measured(c, 0.25, 0.5, 12);
	report_set_target_error(&r, 1, "cannot reach it");
	report_target_add_outage(&r.targets[0], 2.5, 3.25);
	report_target_add_outage(&r.targets[0], 9, 1);
	text = fixture_finish_render(report_write_prom, &r);
	/* Outages add up per target; a target without any reads 0. */
	cr_assert_not_null(
		strstr(text, "naclprobe_outage_seconds{scenario=\"nightly\","
			     "name=\"app\",target=\"198.18.2.1\"} 4.25\n"
			     "naclprobe_outage_seconds{scenario=\"nightly\","
			     "name=\"dns\",target=\"198.18.2.53\"} 0\n"),
		"%s", text);
#define L "{scenario=\"nightly\",name=\"dns\",target=\"198.18.2.53\""
	cr_assert_not_null(
		strstr(text,
		       "naclprobe_build_info{scenario=\"nightly\",version=\"0."
		       "2.0\"} 1\n"
		       "# HELP naclprobe_up 1 when the last run swept the "
		       "target to the end, 0 when it failed or was "
		       "interrupted.\n# TYPE naclprobe_up gauge\n"
		       "naclprobe_up{scenario=\"nightly\",name=\"app\","
		       "target=\"198.18.2.1\"} 1\n"
		       "naclprobe_up" L "} 0\n"),
		"%s", text);
	cr_assert_not_null(
		strstr(text,
		       "naclprobe_no_answer_ports" L
		       ",proto=\"tcp\",port=\"443\",service=\"echo\"} 1\n"),
		"%s", text);
	cr_assert_not_null(strstr(text,
				  "# TYPE naclprobe_loss_ratio gauge\n"
				  "naclprobe_loss_ratio" L ",proto=\"tcp\","
				  "port=\"443\",service=\"echo\"} 0.2500\n"),
			   "%s", text);
	cr_assert_not_null(
		strstr(text, "naclprobe_rtt_p50_seconds" L ",proto=\"tcp\","
			     "port=\"443\",service=\"echo\"} 0.000500\n"),
		"%s", text);
	cr_assert_not_null(
		strstr(text, "naclprobe_rtt_p99_seconds" L ",proto=\"tcp\","
			     "port=\"443\",service=\"echo\"} 0.012000\n"),
		"%s", text);
#undef L
	/* A run that failed as a whole is down for every target. */
	report_set_error(&r, "interrupted by SIGINT");
	free(text);
	text = fixture_render(report_write_prom, &r);
	cr_assert_not_null(strstr(text, "naclprobe_up{scenario=\"nightly\","
					"name=\"app\",target=\"198.18.2.1\"} "
					"0\n"));
}
