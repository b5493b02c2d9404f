/* Unit tests for reports/json.c: the v1 document, its round trip, its reader.
 */
/* Reader errors are asserted word for word: they name the file and the field.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileread.h"
#include "common/xmalloc.h"
#include "tests/unit/fixture_assert.h"
#include "tests/unit/fixture_text.h"
#include "reports/report.h"
#include "tests/unit/fixture_dir.h"
#include "tests/unit/fixture_report.h"

TestSuite(report_json);

#define STATUS_NAMES                                                           \
	"ok, reply_dropped, request_dropped, dropped, rejected, local_error, " \
	"host_dropped, unfinished"

/* The JSON of sample_report(), exactly as report_to_json orders it. */
static const char sample_json[] =
	"{\"schema\":\"nacl-probe/report/"
	"v1\",\"started_at\":\"2026-11-20T10:00:00Z\","
	"\"finished_at\":\"2026-11-20T10:00:02Z\",\"probe\":{\"bind\":\"198.18."
	"1.1\"},"
	"\"target\":{\"address\":\"198.18.2.1\",\"agent\":true},\"targets\":[{"
	"\"name\":\"\","
	"\"address\":\"198.18.2.1\",\"agent\":true,\"bind\":\"198.18.1.1\"}],"
	"\"settings\":{\"rate\":2000,\"window\":1024,\"attempts\":3,\"timeout_"
	"ms\":1000},"
	"\"checks\":[{\"proto\":\"udp\",\"port\":53,\"service\":\"dns\","
	"\"sports\":\"32768-60999\","
	"\"counts\":{\"ok\":16384,\"reply_dropped\":11848,\"request_dropped\":"
	"0,"
	"\"dropped\":0,\"rejected\":0,\"local_error\":0,\"host_dropped\":0,"
	"\"unfinished\":0},"
	"\"ranges\":[{\"from\":"
	"32768,"
	"\"to\":49151,\"status\":\"ok\"},{\"from\":49152,\"to\":60999,"
	"\"status\":\"reply_dropped\"}],"
	"\"nat\":{\"translated\":0},\"target\":0,\"expect\":\"open\","
	"\"mismatches\":[{\"from\":49152,"
	"\"to\":60999,\"status\":\"reply_dropped\",\"expected\":\"open\"}],"
	"\"impact\":[{\"from\":49152,\"to\":60999,\"status\":\"reply_dropped\","
	"\"clients\":[{\"family\":\"Linux\",\"ports\":11848,\"of\":28232},{"
	"\"family\":\"Linux (legacy)\","
	"\"ports\":11848,\"of\":28233},{\"family\":\"Windows "
	"Vista+\",\"ports\":11848,"
	"\"of\":16384},{\"family\":\"NAT "
	"gateway/ELB\",\"ports\":11848,\"of\":64512}],"
	"\"summary\":\"hits Windows Vista+ clients (72.3% of their range),"
	" Linux 42.0%, Linux (legacy) 42.0%, NAT gateway/ELB 18.4%\"}],"
	"\"fixes\":[{\"from\":49152,\"to\":60999,\"status\":\"reply_dropped\","
	"\"expected\":\"open\",\"summary\":\"the requests arrive, the replies "
	"(udp 49152-60999) are dropped by the probe subnet's NACL inbound or "
	"the agent subnet's NACL outbound: allow them in the one that lacks it "
	"(nacl-report explain names it)\","
	"\"rules\":[{\"subnet\":\"probe\",\"nacl\":\"<probe-subnet-nacl-id>\","
	"\"direction\":\"inbound\",\"action\":\"allow\",\"protocol\":17,\"port_"
	"from\":49152,"
	"\"port_to\":60999,\"cidr\":\"198.18.2.1/"
	"32\",\"rule_number\":\"<rule-number>\","
	"\"command\":\"aws ec2 create-network-acl-entry --network-acl-id "
	"<probe-subnet-nacl-id> --ingress --rule-number <rule-number> "
	"--protocol 17 --port-range From=49152,"
	"To=60999 --cidr-block 198.18.2.1/32 --rule-action allow\"},"
	"{\"subnet\":\"agent\",\"nacl\":\"<agent-subnet-nacl-id>\","
	"\"direction\":\"outbound\","
	"\"action\":\"allow\",\"protocol\":17,\"port_from\":49152,\"port_to\":"
	"60999,"
	"\"cidr\":\"198.18.1.1/"
	"32\",\"rule_number\":\"<rule-number>\",\"command\":\"aws ec2 "
	"create-network-acl-entry --network-acl-id <agent-subnet-nacl-id> "
	"--egress --rule-number <rule-number> --protocol 17 --port-range "
	"From=49152,"
	"To=60999 --cidr-block 198.18.1.1/32 --rule-action allow\"}]}],"
	"\"verdict\":\"fail\"},{\"proto\":\"tcp\",\"port\":7000,\"service\":"
	"\"echo\","
	"\"sports\":\"1025-5000,49152-65535\",\"counts\":{\"ok\":20360,\"reply_"
	"dropped\":0,"
	"\"request_dropped\":0,\"dropped\":0,\"rejected\":0,\"local_error\":0,"
	"\"host_dropped\":0,\"unfinished\":0},"
	"\"ranges\":[{\"from\":1025,\"to\":5000,\"status\":\"ok\"},{\"from\":"
	"49152,"
	"\"to\":65535,\"status\":\"ok\"}],\"nat\":{\"translated\":2},"
	"\"target\":0,"
	"\"expect\":\"open\",\"mismatches\":[],\"impact\":[],\"fixes\":[],"
	"\"verdict\":\"pass\"}],"
	"\"summary\":{\"probes\":48592,\"verdict\":\"fail\"}}";

static void
sample_report(struct report *r)
{
	fixture_report_init_settings(r, "2026-11-20T10:00:02Z");
	fixture_add_check_bad(r, PROTO_UDP, 53, SERVICE_DNS, "32768-60999",
			      49152, 65535, STATUS_REPLY_DROPPED);
	fixture_add_check_ok(r, PROTO_TCP, 7000, SERVICE_ECHO,
			     "1025-5000,49152-65535")
		->nat_translated = 2;
	report_finish(r);
}

static char *
report_json_text(const struct report *r)
{
	cJSON *root = report_to_json(r);
	char *text = cJSON_PrintUnformatted(root);

	cJSON_Delete(root);
	return text;
}

static void
assert_reports_equal(const struct report *a, const struct report *b)
{
	size_t i, j;

	cr_assert_str_eq(a->started_at, b->started_at);
	cr_assert_str_eq(a->finished_at, b->finished_at);
	cr_assert_str_eq(a->probe_bind, b->probe_bind);
	cr_assert_str_eq(a->target_address, b->target_address);
	cr_assert_eq(a->target_agent, b->target_agent);
	cr_assert_eq(a->settings.rate, b->settings.rate);
	cr_assert_eq(a->settings.window, b->settings.window);
	cr_assert_eq(a->settings.attempts, b->settings.attempts);
	cr_assert_eq(a->settings.timeout_ms, b->settings.timeout_ms);
	cr_assert_eq(a->probes, b->probes);
	cr_assert_eq(a->pass, b->pass);
	cr_assert_eq(a->nchecks, b->nchecks);
	for (i = 0; i < a->nchecks; i++) {
		const struct report_check *x = &a->checks[i],
					  *y = &b->checks[i];

		cr_assert_eq(x->proto, y->proto);
		cr_assert_eq(x->port, y->port);
		cr_assert_eq(x->service, y->service);
		cr_assert_eq(x->sports.count, y->sports.count);
		for (j = 0; j < x->sports.count; j++) {
			cr_assert_eq(x->sports.ranges[j].from,
				     y->sports.ranges[j].from);
			cr_assert_eq(x->sports.ranges[j].to,
				     y->sports.ranges[j].to);
		}
		for (j = 0; j < STATUS_COUNT; j++)
			cr_assert_eq(x->counts[j], y->counts[j]);
		cr_assert_eq(x->nranges, y->nranges);
		for (j = 0; j < x->nranges; j++) {
			cr_assert_eq(x->ranges[j].from, y->ranges[j].from);
			cr_assert_eq(x->ranges[j].to, y->ranges[j].to);
			cr_assert_eq(x->ranges[j].status, y->ranges[j].status);
		}
		cr_assert_eq(x->nat_translated, y->nat_translated);
		cr_assert_eq(x->pass, y->pass);
	}
}

/* sample_json with the first occurrence of find replaced by replace. */
static char *
sample_variant(const char *find, const char *replace)
{
	const char *at = strstr(sample_json, find);
	char *out;

	cr_assert_not_null(at, "'%s' is not in the sample", find);
	out = xasprintf("%.*s%s%s", (int)(at - sample_json), sample_json,
			replace, at + strlen(find));
	return out;
}

/* Reads json, which must be a valid report, into r (free it). */
static void
read_ok(const char *json, struct report *r)
{
	cJSON *root = fixture_json(json);

	FIXTURE_OK(report_from_json, root, r);
	cJSON_Delete(root);
}

/* Writes r as JSON and reads it back into back (free it): the same report,
 * written again as the same text. */
static void
round_trip(const struct report *r, struct report *back)
{
	cJSON *root = report_to_json(r);
	char *cause = NULL, *a, *b;

	cr_assert_eq(report_from_json(root, back, &cause), 0, "%s",
		     cause ? cause : "");
	assert_reports_equal(r, back);
	a = report_json_text(r);
	b = report_json_text(back);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	cJSON_Delete(root);
}

static void
assert_json_error(const char *json, const char *expected)
{
	cJSON *root = fixture_json(json);
	struct report r;
	char *cause = NULL;

	memset(&r, 0, sizeof r);
	cr_assert_eq(report_from_json(root, &r, &cause), -1, "accepted: %s",
		     json);
	cr_assert_not_null(cause);
	cr_assert_str_eq(cause, expected);
	cr_assert_null(r.checks);
	free(cause);
	cJSON_Delete(root);
}

static void
assert_variant_error(const char *find, const char *replace,
		     const char *expected)
{
	char *json = sample_variant(find, replace);

	assert_json_error(json, expected);
	free(json);
}

Test(report_json, document_has_the_schema_keys_in_order)
{
	struct report r;
	char *text;

	sample_report(&r);
	text = report_json_text(&r);
	cr_assert_str_eq(text, sample_json);
	free(text);
	report_free(&r);
}

Test(report_json, to_json_then_from_json_gives_the_same_report)
{
	struct report r, back;

	sample_report(&r);
	round_trip(&r, &back);
	report_free(&r);
	report_free(&back);
}

Test(report_json, agentless_report_with_any_bind_round_trips)
{
	struct report r, back;

	sample_report(&r);
	r.target_agent = false;
	free(r.probe_bind);
	r.probe_bind = xstrdup("");
	r.settings.rate = 0;
	round_trip(&r, &back);
	report_free(&r);
	report_free(&back);
}

Test(report_json, null_strings_are_written_empty)
{
	struct report r;
	cJSON *root;
	char *text;

	memset(&r, 0, sizeof r);
	report_finish(&r);
	root = report_to_json(&r);
	text = cJSON_PrintUnformatted(root);
	cr_assert_str_eq(text,
			 "{\"schema\":\"nacl-probe/report/v1\",\"started_at\":"
			 "\"\",\"finished_at\":\"\",\"probe\":{\"bind\":\"\"},"
			 "\"target\":{\"address\":\"\",\"agent\":false},"
			 "\"targets\":[{\"name\":\"\",\"address\":\"\","
			 "\"agent\":false,\"bind\":\"\"}],"
			 "\"settings\":{\"rate\":0,\"window\":0,\"attempts\":"
			 "0,\"timeout_ms\":0},\"checks\":[],\"summary\":{"
			 "\"probes\":0,\"verdict\":\"pass\"}}");
	free(text);
	cJSON_Delete(root);
}

Test(report_json, recorded_verdict_is_kept_on_reading)
{
	char *json = sample_variant("\"verdict\":\"pass\"}]",
				    "\"verdict\":\"fail\"}]");
	struct report r;

	read_ok(json, &r);
	free(json);
	cr_assert_not(r.checks[1].pass);
	cr_assert_not(r.pass);
	cr_assert_eq(report_exit_code(&r), 1);
	report_free(&r);
}

Test(report_json, unmerged_equal_neighbours_are_merged_on_reading)
{
	char *json = sample_variant(
		"{\"from\":32768,\"to\":49151,\"status\":\"ok\"}",
		"{\"from\":32768,\"to\":40000,\"status\":\"ok\"},"
		"{\"from\":40001,\"to\":49151,\"status\":\"ok\"}");
	struct report r;

	read_ok(json, &r);
	free(json);
	cr_assert_eq(r.checks[0].nranges, 2);
	cr_assert_eq(r.checks[0].ranges[0].from, 32768);
	cr_assert_eq(r.checks[0].ranges[0].to, 49151);
	report_free(&r);
}

Test(report_json, unknown_keys_are_ignored)
{
	char *json = sample_variant("\"probe\":", "\"comment\":\"x\","
						  "\"probe\":");
	struct report r;

	read_ok(json, &r);
	free(json);
	report_free(&r);
}

Test(report_json, root_must_be_an_object)
{
	assert_json_error("[]", "expected a JSON object (a nacl-probe "
				"report), found an array");
}

Test(report_json, missing_schema_is_refused)
{
	assert_variant_error("\"schema\":\"nacl-probe/report/v1\",", "",
			     "schema: missing (expected "
			     "'nacl-probe/report/v1'): not a nacl-probe "
			     "report");
}

Test(report_json, unknown_schema_names_found_and_expected)
{
	assert_variant_error("nacl-probe/report/v1", "nacl-probe/report/v2",
			     "schema: unsupported schema "
			     "'nacl-probe/report/v2' (expected "
			     "'nacl-probe/report/v1')");
}

Test(report_json, non_string_schema_is_refused)
{
	assert_variant_error("\"nacl-probe/report/v1\"", "1",
			     "schema: expected the string "
			     "'nacl-probe/report/v1', found a number");
}

Test(report_json, missing_started_at_is_refused)
{
	assert_variant_error("\"started_at\":\"2026-11-20T10:00:00Z\",", "",
			     "started_at: missing (expected a string)");
}

Test(report_json, non_string_bind_is_refused)
{
	assert_variant_error("\"bind\":\"198.18.1.1\"", "\"bind\":5",
			     "probe.bind: expected a string, found a number");
}

Test(report_json, non_object_probe_is_refused)
{
	assert_variant_error("\"probe\":{\"bind\":\"198.18.1.1\"}",
			     "\"probe\":null",
			     "probe: expected an object, found null");
}

Test(report_json, non_boolean_agent_is_refused)
{
	assert_variant_error("\"agent\":true", "\"agent\":\"yes\"",
			     "target.agent: expected true or false, found a "
			     "string");
}

Test(report_json, negative_rate_is_refused)
{
	assert_variant_error("\"rate\":2000", "\"rate\":-1",
			     "settings.rate: expected an integer from 0 to "
			     "4294967295, found -1");
}

Test(report_json, fractional_window_is_refused)
{
	assert_variant_error("\"window\":1024", "\"window\":1.5",
			     "settings.window: expected an integer from 0 to "
			     "4294967295, found 1.5");
}

Test(report_json, missing_timeout_is_refused)
{
	assert_variant_error(
		",\"timeout_ms\":1000", "",
		"settings.timeout_ms: missing (expected an integer "
		"from 0 to 4294967295)");
}

Test(report_json, checks_must_be_an_array)
{
	cJSON *root = cJSON_Parse(sample_json);
	char *text;

	cJSON_ReplaceItemInObjectCaseSensitive(root, "checks",
					       cJSON_CreateObject());
	text = cJSON_PrintUnformatted(root);
	assert_json_error(text, "checks: expected an array, found an object");
	free(text);
	cJSON_Delete(root);
}

Test(report_json, check_must_be_an_object)
{
	cJSON *root = cJSON_Parse(sample_json);
	cJSON *checks = cJSON_GetObjectItemCaseSensitive(root, "checks");
	char *text;

	cJSON_ReplaceItemInArray(checks, 1, cJSON_CreateString("udp/53"));
	text = cJSON_PrintUnformatted(root);
	assert_json_error(text, "checks[1]: expected an object, found a "
				"string");
	free(text);
	cJSON_Delete(root);
}

Test(report_json, unknown_protocol_is_refused)
{
	assert_variant_error("\"proto\":\"tcp\"", "\"proto\":\"icmp\"",
			     "checks[1].proto: unknown protocol 'icmp' "
			     "(expected udp or tcp)");
}

Test(report_json, port_zero_is_refused)
{
	assert_variant_error("\"port\":53", "\"port\":0",
			     "checks[0].port: expected an integer from 1 to "
			     "65535, found 0");
}

/* The service names are test_service's; here, that they are named. */
Test(report_json, unknown_service_is_refused)
{
	char *expected = fixture_service_names_between(
		"checks[0].service: unknown service 'smtp' (expected ", ")");

	assert_variant_error("\"service\":\"dns\"", "\"service\":\"smtp\"",
			     expected);
	free(expected);
}

Test(report_json, bad_sports_is_refused_with_the_range_error)
{
	assert_variant_error("\"sports\":\"32768-60999\"", "\"sports\":\"abc\"",
			     "checks[0].sports: bad port range 'abc' in 'abc': "
			     "expected PORT, FROM-TO with 1 <= FROM <= TO <= "
			     "65535 or a preset (linux, linux-legacy, windows, "
			     "windows-legacy, nat-gateway, elb, all), "
			     "comma-separated");
}

Test(report_json, unknown_status_names_the_range)
{
	assert_variant_error("{\"from\":1025,\"to\":5000,\"status\":\"ok\"}",
			     "{\"from\":1025,\"to\":5000,\"status\":\"foo\"}",
			     "checks[1].ranges[0].status: unknown status 'foo' "
			     "(expected " STATUS_NAMES ")");
}

Test(report_json, range_must_be_an_object)
{
	assert_variant_error("{\"from\":1025,\"to\":5000,\"status\":\"ok\"}",
			     "7",
			     "checks[1].ranges[0]: expected an object, found "
			     "a number");
}

Test(report_json, ranges_must_be_an_array)
{
	assert_variant_error(
		"\"ranges\":[{\"from\":1025,\"to\":5000,\"status\":\"ok\"},"
		"{\"from\":49152,\"to\":65535,\"status\":\"ok\"}]",
		"\"ranges\":{}",
		"checks[1].ranges: expected an array, found an object");
}

Test(report_json, range_starting_late_is_refused)
{
	assert_variant_error("{\"from\":32768,", "{\"from\":32769,",
			     "checks[0].ranges[0].from: is 32769, expected "
			     "32768 (ranges must cover sports 32768-60999 "
			     "exactly once, in order)");
}

Test(report_json, overlapping_ranges_are_refused)
{
	assert_variant_error("{\"from\":49152,\"to\":60999",
			     "{\"from\":49151,\"to\":60999",
			     "checks[0].ranges[1].from: is 49151, expected "
			     "49152 (ranges must cover sports 32768-60999 "
			     "exactly once, in order)");
}

Test(report_json, range_ending_before_it_starts_is_refused)
{
	assert_variant_error("{\"from\":32768,\"to\":49151",
			     "{\"from\":32768,\"to\":32000",
			     "checks[0].ranges[0].to: 32000 is below from "
			     "32768");
}

Test(report_json, range_spanning_the_sports_gap_is_refused)
{
	assert_variant_error(
		"[{\"from\":1025,\"to\":5000,\"status\":\"ok\"},"
		"{\"from\":49152,\"to\":65535,\"status\":\"ok\"}]",
		"[{\"from\":1025,\"to\":65535,\"status\":\"ok\"}]",
		"checks[1].ranges[0].to: 65535 runs past the end of the sports "
		"range 1025-5000");
}

Test(report_json, ranges_ending_early_are_refused)
{
	assert_variant_error(
		",{\"from\":49152,\"to\":60999,\"status\":\"reply_dropped\"}",
		"",
		"checks[0].ranges: end before port 49152; they must cover "
		"sports 32768-60999 exactly once, in order");
}

Test(report_json, range_past_the_last_port_is_refused)
{
	assert_variant_error(
		"\"status\":\"reply_dropped\"}",
		"\"status\":\"reply_dropped\"},"
		"{\"from\":61000,\"to\":61000,\"status\":\"ok\"}",
		"checks[0].ranges[2]: range 61000-61000 is past the end of "
		"sports 32768-60999");
}

Test(report_json, counts_that_disagree_with_ranges_are_refused)
{
	assert_variant_error("\"ok\":16384", "\"ok\":16383",
			     "checks[0].counts.ok: 16383 does not match the "
			     "ranges, which hold 16384 ok ports");
}

Test(report_json, missing_count_is_refused)
{
	assert_variant_error("\"rejected\":0,\"local_error\":0,",
			     "\"rejected\":0,",
			     "checks[0].counts.local_error: missing "
			     "(expected an integer from 0 to 65535)");
}

Test(report_json, missing_nat_is_refused)
{
	assert_variant_error("\"nat\":{\"translated\":0},", "",
			     "checks[0].nat: missing (expected an object)");
}

Test(report_json, non_number_nat_is_refused)
{
	assert_variant_error("\"translated\":0", "\"translated\":\"0\"",
			     "checks[0].nat.translated: expected an integer "
			     "from 0 to 28232, found a string");
}

Test(report_json, nat_above_the_swept_ports_is_refused)
{
	assert_variant_error("\"translated\":2", "\"translated\":20361",
			     "checks[1].nat.translated: expected an integer "
			     "from 0 to 20360, found 20361");
}

Test(report_json, unknown_verdict_is_refused)
{
	assert_variant_error("\"verdict\":\"fail\"},",
			     "\"verdict\":\"maybe\"},",
			     "checks[0].verdict: unknown verdict 'maybe' "
			     "(expected pass or fail)");
}

Test(report_json, probes_that_disagree_with_checks_are_refused)
{
	assert_variant_error("\"probes\":48592", "\"probes\":48591",
			     "summary.probes: 48591 does not match the checks, "
			     "which sweep 48592 source ports");
}

Test(report_json, missing_summary_verdict_is_refused)
{
	assert_variant_error(
		",\"verdict\":\"fail\"}}", "}}",
		"summary.verdict: missing (expected pass or fail)");
}

Test(report_json, missing_summary_is_refused)
{
	assert_variant_error(",\"summary\":{\"probes\":48592,\"verdict\":"
			     "\"fail\"}",
			     "", "summary: missing (expected an object)");
}

/* Files: each test works in its own temporary directory. */

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* Asserts that path reads back as r. */
static void
assert_reads_back(const char *path, const struct report *r)
{
	struct report back;
	char *cause = NULL;

	cr_assert_eq(report_read_json(path, &back, &cause), 0, "%s",
		     cause ? cause : "");
	assert_reports_equal(r, &back);
	report_free(&back);
}

static void
assert_read_error(const char *name, const char *content, const char *expected)
{
	char *path = xasprintf("%s/%s", test_dir, name);
	char *want = xasprintf("%s: %s", path, expected);
	struct report r;
	char *cause = NULL;

	write_file(path, content);
	memset(&r, 0, sizeof r);
	cr_assert_eq(report_read_json(path, &r, &cause), -1);
	cr_assert_str_eq(cause, want);
	free(cause);
	free(want);
	free(path);
}

Test(report_json, write_then_read_gives_the_same_report, .init = dir_setup,
     .fini = dir_teardown)
{
	char *path = xasprintf("%s/report.json", test_dir), *cause = NULL;
	struct report r;
	struct stat st;
	mode_t old = umask(022);

	sample_report(&r);
	cr_assert_eq(report_write_json(&r, path, &cause), 0, "%s",
		     cause ? cause : "");
	umask(old);
	cr_assert_eq(dir_entries(test_dir), 1,
		     "a temporary file was left behind");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
	assert_reads_back(path, &r);
	report_free(&r);
	free(path);
}

Test(report_json, write_replaces_an_existing_report, .init = dir_setup,
     .fini = dir_teardown)
{
	char *path = xasprintf("%s/report.json", test_dir), *cause = NULL;
	struct report r, back;

	write_file(path, "old contents, not JSON");
	sample_report(&r);
	cr_assert_eq(report_write_json(&r, path, &cause), 0);
	cr_assert_eq(report_read_json(path, &back, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_eq(back.nchecks, 2);
	cr_assert_eq(dir_entries(test_dir), 1);
	report_free(&r);
	report_free(&back);
	free(path);
}

Test(report_json, write_into_missing_directory_names_the_path)
{
	struct report r;
	char *cause = NULL;

	sample_report(&r);
	cr_assert_eq(
		report_write_json(&r, "/nonexistent-nacl-dir/r.json", &cause),
		-1);
	cr_assert_str_eq(cause, "cannot write report "
				"'/nonexistent-nacl-dir/r.json': creating a "
				"temporary file beside it: No such file or "
				"directory");
	free(cause);
	report_free(&r);
}

static void
stdout_setup(void)
{
	cr_redirect_stdout();
}

Test(report_json, dash_writes_formatted_json_to_stdout, .init = stdout_setup)
{
	struct report r;
	cJSON *root;
	char *cause = NULL, *expected, *text;

	sample_report(&r);
	root = report_to_json(&r);
	text = cJSON_Print(root);
	expected = xasprintf("%s\n", text);
	cr_assert_eq(report_write_json(&r, "-", &cause), 0);
	fflush(stdout);
	cr_assert_stdout_eq_str(expected);
	free(expected);
	free(text);
	cJSON_Delete(root);
	report_free(&r);
}

Test(report_json, read_of_missing_file_names_the_file)
{
	struct report r;
	char *cause = NULL;

	cr_assert_eq(
		report_read_json("/nonexistent-nacl-dir/r.json", &r, &cause),
		-1);
	cr_assert_str_eq(cause, "/nonexistent-nacl-dir/r.json: cannot open: "
				"No such file or directory");
	free(cause);
}

Test(report_json, read_error_names_file_and_field, .init = dir_setup,
     .fini = dir_teardown)
{
	char *json = sample_variant(
		"{\"from\":1025,\"to\":5000,\"status\":\"ok\"}",
		"{\"from\":1025,\"to\":5000,\"status\":\"foo\"}");

	assert_read_error("report.json", json,
			  "checks[1].ranges[0].status: unknown status 'foo' "
			  "(expected " STATUS_NAMES ")");
	free(json);
}

/* Ranges json_ranges lifted out of the text are judged as the tree's are. */
Test(report_json, lifted_ranges_are_checked_like_the_trees, .init = dir_setup,
     .fini = dir_teardown)
{
	char *late = sample_variant("{\"from\":32768,", "{\"from\":32769,");
	char *gap = sample_variant(
		"[{\"from\":1025,\"to\":5000,\"status\":\"ok\"},"
		"{\"from\":49152,\"to\":65535,\"status\":\"ok\"}]",
		"[{\"from\":1025,\"to\":65535,\"status\":\"ok\"}]");
	char *early = sample_variant(
		",{\"from\":49152,\"to\":60999,\"status\":\"reply_dropped\"}",
		"");

	assert_read_error("late.json", late,
			  "checks[0].ranges[0].from: is 32769, expected "
			  "32768 (ranges must cover sports 32768-60999 "
			  "exactly once, in order)");
	assert_read_error("gap.json", gap,
			  "checks[1].ranges[0].to: 65535 runs past the end of "
			  "the sports range 1025-5000");
	assert_read_error("early.json", early,
			  "checks[0].ranges: end before port 49152; they must "
			  "cover sports 32768-60999 exactly once, in order");
	free(late);
	free(gap);
	free(early);
}

/* What nacl-probe writes, indented, reads back into the same report. */
Test(report_json, an_indented_report_reads_back_whole, .init = dir_setup,
     .fini = dir_teardown)
{
	char *path = xasprintf("%s/indented.json", test_dir);
	struct report r;
	cJSON *root;
	char *text;

	sample_report(&r);
	root = report_to_json(&r);
	text = cJSON_Print(root);
	write_file(path, text);
	assert_reads_back(path, &r);
	free(text);
	cJSON_Delete(root);
	report_free(&r);
	free(path);
}

Test(report_json, read_of_empty_file_is_refused, .init = dir_setup,
     .fini = dir_teardown)
{
	assert_read_error("empty.json", "",
			  "empty file, expected a nacl-probe JSON report");
}

Test(report_json, read_of_invalid_json_gives_line_and_column, .init = dir_setup,
     .fini = dir_teardown)
{
	assert_read_error("bad.json", "{\n  \"schema\": nope\n}\n",
			  "not valid JSON at line 2, column 13");
}

Test(report_json, read_refuses_trailing_garbage, .init = dir_setup,
     .fini = dir_teardown)
{
	char *json = xasprintf("%s\n}", sample_json);

	assert_read_error("trailing.json", json,
			  "not valid JSON at line 2, column 1");
	free(json);
}

Test(report_json, read_accepts_trailing_whitespace, .init = dir_setup,
     .fini = dir_teardown)
{
	char *path = xasprintf("%s/ok.json", test_dir), *cause = NULL;
	char *json = xasprintf("%s\n\n", sample_json);
	struct report r;

	write_file(path, json);
	cr_assert_eq(report_read_json(path, &r, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_eq(r.probes, 48592);
	report_free(&r);
	free(json);
	free(path);
}

/* What a scenario adds: its name, named targets, expectations. */
static void
scenario_report(struct report *r)
{
	static const struct expect_range ranges[] = {
		{49152, 50000, EXPECT_DROPPED}, {60000, 60999, EXPECT_OPEN}};
	struct report_target *t;

	sample_report(r);
	r->scenario_name = xstrdup("vpc-baseline");
	r->scenario_description = xstrdup("after a change");
	report_add_target(r, "app", "198.18.2.1", true, "198.18.1.1");
	t = &r->targets[0];
	t->probe_cidr = xstrdup("198.18.1.0/24");
	t->agent_cidr = xstrdup("198.18.2.0/24");
	t->probe_nacl = xstrdup("acl-0a1");
	t->agent_nacl = xstrdup("acl-0b2");
	report_add_target(r, "dns", "198.18.2.53", false, "198.18.1.1");
	r->checks[1].target = 1;
	report_check_set_expectations(&r->checks[0], EXPECT_BLOCKED, ranges, 2);
	report_finish(r);
}

Test(report_json, scenario_report_round_trips)
{
	struct report r, back;
	char *a, *b;
	size_t i;

	scenario_report(&r);
	round_trip(&r, &back);
	cr_assert_str_eq(back.scenario_name, "vpc-baseline");
	cr_assert_str_eq(back.scenario_description, "after a change");
	cr_assert_eq(back.ntargets, 2);
	for (i = 0; i < 2; i++) {
		cr_assert_str_eq(back.targets[i].name, r.targets[i].name);
		cr_assert_str_eq(back.targets[i].address, r.targets[i].address);
		cr_assert_eq(back.targets[i].agent, r.targets[i].agent);
		cr_assert_str_eq(back.targets[i].bind, r.targets[i].bind);
	}
	cr_assert_str_eq(back.targets[0].probe_cidr, "198.18.1.0/24");
	cr_assert_str_eq(back.targets[0].agent_nacl, "acl-0b2");
	cr_assert_null(back.targets[1].probe_cidr);
	cr_assert_eq(back.checks[1].target, 1);
	cr_assert_eq(back.checks[0].expect, EXPECT_BLOCKED);
	cr_assert_eq(back.checks[0].nexpectations, 2);
	cr_assert_eq(back.checks[0].expectations[1].from, 60000);
	cr_assert_eq(back.checks[0].expectations[1].expect, EXPECT_OPEN);
	/* 32768-49151 ok where blocked, 60000-60999 not ok where open;
	 * reply_dropped meets blocked and dropped between them. */
	cr_assert_eq(back.checks[0].nmismatches, 2);
	cr_assert_eq(back.checks[0].mismatches[0].from, 32768);
	cr_assert_eq(back.checks[0].mismatches[0].to, 49151);
	cr_assert_eq(back.checks[0].mismatches[1].from, 60000);
	cr_assert_eq(back.checks[0].mismatches[1].to, 60999);
	a = report_json_text(&r);
	b = report_json_text(&back);
	cr_assert_str_eq(a, b);
	cr_assert_not_null(strstr(
		a, "\"scenario\":{\"name\":\"vpc-baseline\",\"description\":"
		   "\"after a change\"},\"probe\":"));
	cr_assert_not_null(strstr(
		a, "\"targets\":[{\"name\":\"app\",\"address\":\"198.18.2.1\","
		   "\"agent\":true,\"bind\":\"198.18.1.1\",\"probe_cidr\":"
		   "\"198.18.1.0/24\",\"agent_cidr\":\"198.18.2.0/24\","
		   "\"probe_nacl\":\"acl-0a1\",\"agent_nacl\":\"acl-0b2\"},"
		   "{\"name\":\"dns\",\"address\":\"198.18.2.53\",\"agent\":"
		   "false,\"bind\":\"198.18.1.1\"}]"));
	cr_assert_not_null(strstr(
		a, "\"target\":0,\"expect\":\"blocked\",\"expectations\":[{"
		   "\"from\":49152,\"to\":50000,\"expect\":\"dropped\"},{"
		   "\"from\":60000,\"to\":60999,\"expect\":\"open\"}],"
		   "\"mismatches\":[{\"from\":32768,\"to\":49151,\"status\":"
		   "\"ok\",\"expected\":\"blocked\"},{\"from\":60000,\"to\":"
		   "60999,\"status\":\"reply_dropped\",\"expected\":"
		   "\"open\"}]"));
	free(a);
	free(b);
	report_free(&r);
	report_free(&back);
}

Test(report_json, a_report_without_the_scenario_fields_reads)
{
	/* What nacl-probe wrote before scenarios: no targets, no expect. */
	static const char old[] =
		"{\"schema\":\"nacl-probe/report/v1\",\"started_at\":\"a\","
		"\"finished_at\":\"b\",\"probe\":{\"bind\":\"198.18.1.1\"},"
		"\"target\":{\"address\":\"198.18.2.1\",\"agent\":true},"
		"\"settings\":{\"rate\":0,\"window\":1,\"attempts\":1,"
		"\"timeout_ms\":1},\"checks\":[{\"proto\":\"udp\",\"port\":"
		"7000,"
		"\"service\":\"echo\",\"sports\":\"1-2\",\"counts\":{\"ok\":1,"
		"\"reply_dropped\":1,\"request_dropped\":0,\"dropped\":0,"
		"\"rejected\":0,\"local_error\":0},\"ranges\":[{\"from\":1,"
		"\"to\":1,\"status\":\"ok\"},{\"from\":2,\"to\":2,\"status\":"
		"\"reply_dropped\"}],\"nat\":{\"translated\":0},\"verdict\":"
		"\"fail\"}],\"summary\":{\"probes\":2,\"verdict\":\"fail\"}}";
	struct report r;
	char *text;

	read_ok(old, &r);
	cr_assert_null(r.scenario_name);
	cr_assert_eq(r.ntargets, 0);
	cr_assert_eq(r.checks[0].target, 0);
	cr_assert_eq(r.checks[0].expect, EXPECT_OPEN);
	cr_assert_eq(r.checks[0].nmismatches, 1);
	text = report_json_text(&r);
	cr_assert_not_null(strstr(
		text, "\"targets\":[{\"name\":\"\",\"address\":\"198.18.2.1\","
		      "\"agent\":true,\"bind\":\"198.18.1.1\"}]"));
	free(text);
	report_free(&r);
}

#define SAMPLE_TARGETS                                                         \
	"\"targets\":[{\"name\":\"\",\"address\":\"198.18.2.1\",\"agent\":"    \
	"true,\"bind\":\"198.18.1.1\"}]"

Test(report_json, targets_must_be_an_array_of_objects)
{
	assert_variant_error(SAMPLE_TARGETS, "\"targets\":{}",
			     "targets: expected an array, found an object");
	assert_variant_error(SAMPLE_TARGETS, "\"targets\":[7]",
			     "targets[0]: expected an object, found a number");
}

Test(report_json, target_fields_are_named)
{
	assert_variant_error("\"targets\":[{\"name\":\"\",", "\"targets\":[{",
			     "targets[0].name: missing (expected a string)");
	assert_variant_error("\"address\":\"198.18.2.1\",\"agent\":true,"
			     "\"bind\"",
			     "\"address\":\"198.18.2.1\",\"agent\":\"yes\","
			     "\"bind\"",
			     "targets[0].agent: expected true or false, found "
			     "a string");
	assert_variant_error("\"bind\":\"198.18.1.1\"}]",
			     "\"bind\":\"198.18.1.1\",\"probe_cidr\":24}]",
			     "targets[0].probe_cidr: expected a string, found "
			     "a number");
}

Test(report_json, check_target_must_be_a_target_index)
{
	assert_variant_error("\"target\":0,\"expect\"",
			     "\"target\":1,\"expect\"",
			     "checks[0].target: expected an integer from 0 to "
			     "0, found 1");
}

Test(report_json, unknown_expectation_is_named)
{
	assert_variant_error("\"expect\":\"open\"", "\"expect\":\"closed\"",
			     "checks[0].expect: unknown expectation 'closed' "
			     "(expected open, blocked, dropped or rejected)");
}

Test(report_json, expectations_must_be_an_array)
{
	assert_variant_error("\"expect\":\"open\",",
			     "\"expect\":\"open\",\"expectations\":{},",
			     "checks[0].expectations: expected an array, found "
			     "an object");
}

/* The sample's first check with its expectations replaced. */
static void
assert_expectations_error(const char *list, const char *expected)
{
	char *replace =
		xasprintf("\"expect\":\"open\",\"expectations\":%s,", list);

	assert_variant_error("\"expect\":\"open\",", replace, expected);
	free(replace);
}

Test(report_json, expectation_fields_are_checked)
{
	assert_expectations_error("[{\"to\":40000,\"expect\":\"open\"}]",
				  "checks[0].expectations[0].from: missing "
				  "(expected an integer from 1 to 65535)");
	assert_expectations_error(
		"[{\"from\":40000,\"to\":40000,\"expect\":\"x\"}]",
		"checks[0].expectations[0].expect: unknown expectation 'x' "
		"(expected open, blocked, dropped or rejected)");
	assert_expectations_error(
		"[{\"from\":40000,\"to\":39999,\"expect\":\"open\"}]",
		"checks[0].expectations[0].to: 39999 is below from 40000");
}

Test(report_json, expectations_lie_inside_sports_sorted_and_disjoint)
{
	assert_expectations_error(
		"[{\"from\":32000,\"to\":33000,\"expect\":\"blocked\"}]",
		"checks[0].expectations[0]: 32000-33000 is not inside sports "
		"32768-60999");
	assert_expectations_error(
		"[{\"from\":40000,\"to\":40010,\"expect\":\"blocked\"},"
		"{\"from\":40005,\"to\":40020,\"expect\":\"open\"}]",
		"checks[0].expectations[1]: 40005-40020 does not come after "
		"the previous range, which ends at 40010: expectations must "
		"be sorted and disjoint");
}

Test(report_json, scenario_must_be_an_object_with_a_name)
{
	assert_variant_error("\"probe\":{", "\"scenario\":\"x\",\"probe\":{",
			     "scenario: expected an object, found a string");
	assert_variant_error("\"probe\":{", "\"scenario\":{},\"probe\":{",
			     "scenario.name: missing (expected a string)");
	assert_variant_error(
		"\"probe\":{",
		"\"scenario\":{\"name\":\"s\",\"description\":1},\"probe\":{",
		"scenario.description: expected a string, found a number");
}

/* sample_report() with every member added since 0.2 set. */
static void
sample_run_report(struct report *r)
{
	struct report_check *c;
	struct report_target *t;

	sample_report(r);
	report_set_tool(r, "nacl-probe", "0.2.0");
	report_add_target(r, "app", "198.18.2.1", true, "198.18.1.1");
	t = &r->targets[0];
	report_set_target_error(r, 0, "the agent was lost");
	report_target_add_note(t, "slowed to 20 connections at once");
	t->control_sport = 40001;
	t->control_failed = xcalloc(2, sizeof *t->control_failed);
	t->control_failed[0] = 40002;
	t->control_failed[1] = 40003;
	t->ncontrol_failed = 2;
	report_target_add_outage(t, 1.25, 3.5);
	c = &r->checks[1];
	c->no_answer = 12;
	c->rejected_inferred = 3;
	fixture_set_measured(c, 0.012345, 0.4567, 12.0);
	c->evidence = xstrdup("capture");
	report_check_add_note(c, "the service left 12 ports unanswered");
	report_set_error(r, "the agent was lost mid-sweep");
	r->partial = true;
	report_finish(r);
}

Test(report_json, run_members_are_written_where_the_design_says)
{
	static const char head[] =
		"{\"schema\":\"nacl-probe/report/v1\",\"tool\":{"
		"\"name\":\"nacl-probe\",\"version\":\"0.2.0\"},"
		"\"started_at\":\"2026-11-20T10:00:00Z\","
		"\"finished_at\":\"2026-11-20T10:00:02Z\","
		"\"error\":\"the agent was lost mid-sweep\","
		"\"partial\":true,\"probe\":";
	struct report r;
	char *text;

	sample_run_report(&r);
	text = report_json_text(&r);
	cr_assert(strncmp(text, head, strlen(head)) == 0, "%s", text);
	cr_assert_not_null(
		strstr(text, "\"bind\":\"198.18.1.1\",\"error\":\"the agent "
			     "was lost\",\"notes\":[\"slowed to 20 "
			     "connections at once\"],\"control\":{\"sport\":"
			     "40001,\"failed\":[40002,40003]},\"outages\":[{"
			     "\"start_s\":1.25,\"seconds\":3.5}]}]"),
		"%s", text);
	cr_assert_not_null(strstr(text,
				  "\"nat\":{\"translated\":2},\"no_answer\":12,"
				  "\"rejected_inferred\":3,\"loss\":0.0123,"
				  "\"rtt_ms\":{\"p50\":0.457,\"p99\":12},"
				  "\"evidence\":\"capture\",\"notes\":[\"the "
				  "service left 12 ports unanswered\"],"
				  "\"target\":0"),
			   "%s", text);
	/* Unset, they are left out: the first check has none. */
	cr_assert_not_null(strstr(text, "\"nat\":{\"translated\":0},"
					"\"target\":0"),
			   "%s", text);
	free(text);
	report_free(&r);
}

Test(report_json, run_members_read_back)
{
	struct report r, back;
	const struct report_target *t;
	const struct report_check *c;

	sample_run_report(&r);
	round_trip(&r, &back);
	cr_assert_str_eq(back.tool_name, "nacl-probe");
	cr_assert_str_eq(back.tool_version, "0.2.0");
	cr_assert_str_eq(back.error, "the agent was lost mid-sweep");
	cr_assert(back.partial);
	t = &back.targets[0];
	cr_assert_str_eq(t->error, "the agent was lost");
	cr_assert_eq(t->nnotes, 1);
	cr_assert_str_eq(t->notes[0], "slowed to 20 connections at once");
	cr_assert_eq(t->control_sport, 40001);
	cr_assert_eq(t->ncontrol_failed, 2);
	cr_assert_eq(t->control_failed[1], 40003);
	cr_assert_eq(t->noutages, 1);
	cr_assert_float_eq(t->outages[0].start_s, 1.25, 1e-9);
	cr_assert_float_eq(t->outages[0].seconds, 3.5, 1e-9);
	c = &back.checks[1];
	cr_assert_eq(c->no_answer, 12);
	cr_assert_eq(c->rejected_inferred, 3);
	cr_assert(c->has_loss);
	cr_assert_float_eq(c->loss, 0.0123, 1e-9);
	cr_assert(c->has_rtt);
	cr_assert_float_eq(c->rtt_p50_ms, 0.457, 1e-9);
	cr_assert_float_eq(c->rtt_p99_ms, 12.0, 1e-9);
	cr_assert_str_eq(c->evidence, "capture");
	cr_assert_str_eq(c->notes[0], "the service left 12 ports unanswered");
	cr_assert_not(back.checks[0].has_loss);
	cr_assert_null(back.checks[0].evidence);
	report_free(&r);
	report_free(&back);
}

Test(report_json, bad_run_members_are_named)
{
	assert_variant_error("\"nat\":{\"translated\":0},",
			     "\"nat\":{\"translated\":0},\"loss\":1.5,",
			     "checks[0].loss: expected a number from 0 to 1, "
			     "found 1.5");
	assert_variant_error("\"nat\":{\"translated\":0},",
			     "\"nat\":{\"translated\":0},\"evidence\":"
			     "\"pcap\",",
			     "checks[0].evidence: unknown evidence 'pcap' "
			     "(expected capture, socket or none)");
	assert_variant_error(
		"\"nat\":{\"translated\":0},",
		"\"nat\":{\"translated\":0},\"rtt_ms\":{"
		"\"p50\":1},",
		"checks[0].rtt_ms.p99: missing (expected a number from 0 to "
		"1e+09)");
	assert_variant_error("\"nat\":{\"translated\":0},",
			     "\"nat\":{\"translated\":0},\"notes\":[1],",
			     "checks[0].notes[0]: expected a string, found a "
			     "number");
	assert_variant_error("\"started_at\"",
			     "\"partial\":\"yes\",\"started_at\"",
			     "partial: expected true or false, found a string");
	assert_variant_error("\"started_at\"",
			     "\"tool\":{\"name\":\"nacl-probe\"},"
			     "\"started_at\"",
			     "tool.version: missing (expected a string)");
	assert_variant_error("\"name\":\"\",",
			     "\"name\":\"\",\"outages\":[{\"start_s\":-1,"
			     "\"seconds\":2}],",
			     "targets[0].outages[0].start_s: expected a "
			     "number from 0 to 1e+09, found -1");
	assert_variant_error("\"name\":\"\",",
			     "\"name\":\"\",\"control\":{\"sport\":1,"
			     "\"failed\":[0]},",
			     "targets[0].control.failed[0]: expected an "
			     "integer from 1 to 65535, found 0");
}

/*
 * The indented text of a two-check report, as cJSON_Print laid it out when
 * the report was one tree (checked by hand): the streamed writer must give
 * it byte for byte.
 */
static const char two_check_text[] =
	"{\n"
	"\t\"schema\":\t\"nacl-probe/report/v1\",\n"
	"\t\"tool\":\t{\n"
	"\t\t\"name\":\t\"nacl-probe\",\n"
	"\t\t\"version\":\t\"0.2.0\"\n"
	"\t},\n"
	"\t\"started_at\":\t\"2026-11-20T10:00:00Z\",\n"
	"\t\"finished_at\":\t\"2026-11-20T10:00:02Z\",\n"
	"\t\"probe\":\t{\n"
	"\t\t\"bind\":\t\"198.18.1.1\"\n"
	"\t},\n"
	"\t\"target\":\t{\n"
	"\t\t\"address\":\t\"198.18.2.1\",\n"
	"\t\t\"agent\":\ttrue\n"
	"\t},\n"
	"\t\"targets\":\t[{\n"
	"\t\t\t\"name\":\t\"\",\n"
	"\t\t\t\"address\":\t\"198.18.2.1\",\n"
	"\t\t\t\"agent\":\ttrue,\n"
	"\t\t\t\"bind\":\t\"198.18.1.1\"\n"
	"\t\t}],\n"
	"\t\"settings\":\t{\n"
	"\t\t\"rate\":\t2000,\n"
	"\t\t\"window\":\t1024,\n"
	"\t\t\"attempts\":\t3,\n"
	"\t\t\"timeout_ms\":\t1000\n"
	"\t},\n"
	"\t\"checks\":\t[{\n"
	"\t\t\t\"proto\":\t\"udp\",\n"
	"\t\t\t\"port\":\t53,\n"
	"\t\t\t\"service\":\t\"dns\",\n"
	"\t\t\t\"sports\":\t\"40000-40019\",\n"
	"\t\t\t\"counts\":\t{\n"
	"\t\t\t\t\"ok\":\t20,\n"
	"\t\t\t\t\"reply_dropped\":\t0,\n"
	"\t\t\t\t\"request_dropped\":\t0,\n"
	"\t\t\t\t\"dropped\":\t0,\n"
	"\t\t\t\t\"rejected\":\t0,\n"
	"\t\t\t\t\"local_error\":\t0,\n"
	"\t\t\t\t\"host_dropped\":\t0,\n"
	"\t\t\t\t\"unfinished\":\t0\n"
	"\t\t\t},\n"
	"\t\t\t\"ranges\":\t[{\n"
	"\t\t\t\t\t\"from\":\t40000,\n"
	"\t\t\t\t\t\"to\":\t40019,\n"
	"\t\t\t\t\t\"status\":\t\"ok\"\n"
	"\t\t\t\t}],\n"
	"\t\t\t\"nat\":\t{\n"
	"\t\t\t\t\"translated\":\t0\n"
	"\t\t\t},\n"
	"\t\t\t\"rtt_ms\":\t{\n"
	"\t\t\t\t\"p50\":\t0.25,\n"
	"\t\t\t\t\"p99\":\t1.5\n"
	"\t\t\t},\n"
	"\t\t\t\"notes\":\t[\"a \\\"quoted\\\" note\"],\n"
	"\t\t\t\"target\":\t0,\n"
	"\t\t\t\"expect\":\t\"open\",\n"
	"\t\t\t\"expectations\":\t[{\n"
	"\t\t\t\t\t\"from\":\t40000,\n"
	"\t\t\t\t\t\"to\":\t40009,\n"
	"\t\t\t\t\t\"expect\":\t\"open\"\n"
	"\t\t\t\t}],\n"
	"\t\t\t\"mismatches\":\t[],\n"
	"\t\t\t\"impact\":\t[],\n"
	"\t\t\t\"fixes\":\t[],\n"
	"\t\t\t\"verdict\":\t\"pass\"\n"
	"\t\t}, {\n"
	"\t\t\t\"proto\":\t\"tcp\",\n"
	"\t\t\t\"port\":\t7000,\n"
	"\t\t\t\"service\":\t\"echo\",\n"
	"\t\t\t\"sports\":\t\"1025-1030,50000-50001\",\n"
	"\t\t\t\"counts\":\t{\n"
	"\t\t\t\t\"ok\":\t8,\n"
	"\t\t\t\t\"reply_dropped\":\t0,\n"
	"\t\t\t\t\"request_dropped\":\t0,\n"
	"\t\t\t\t\"dropped\":\t0,\n"
	"\t\t\t\t\"rejected\":\t0,\n"
	"\t\t\t\t\"local_error\":\t0,\n"
	"\t\t\t\t\"host_dropped\":\t0,\n"
	"\t\t\t\t\"unfinished\":\t0\n"
	"\t\t\t},\n"
	"\t\t\t\"ranges\":\t[{\n"
	"\t\t\t\t\t\"from\":\t1025,\n"
	"\t\t\t\t\t\"to\":\t1030,\n"
	"\t\t\t\t\t\"status\":\t\"ok\"\n"
	"\t\t\t\t}, {\n"
	"\t\t\t\t\t\"from\":\t50000,\n"
	"\t\t\t\t\t\"to\":\t50001,\n"
	"\t\t\t\t\t\"status\":\t\"ok\"\n"
	"\t\t\t\t}],\n"
	"\t\t\t\"nat\":\t{\n"
	"\t\t\t\t\"translated\":\t0\n"
	"\t\t\t},\n"
	"\t\t\t\"target\":\t0,\n"
	"\t\t\t\"expect\":\t\"open\",\n"
	"\t\t\t\"mismatches\":\t[],\n"
	"\t\t\t\"impact\":\t[],\n"
	"\t\t\t\"fixes\":\t[],\n"
	"\t\t\t\"verdict\":\t\"pass\"\n"
	"\t\t}],\n"
	"\t\"summary\":\t{\n"
	"\t\t\"probes\":\t28,\n"
	"\t\t\"verdict\":\t\"pass\"\n"
	"\t}\n"
	"}\n";

static void
two_check_report(struct report *r)
{
	struct expect_range open = {40000, 40009, EXPECT_OPEN};
	struct report_check *c;

	fixture_report_init_settings(r, "2026-11-20T10:00:02Z");
	report_set_tool(r, "nacl-probe", "0.2.0");
	c = fixture_add_check_bad(r, PROTO_UDP, 53, SERVICE_DNS, "40000-40019",
				  0, 0, STATUS_OK);
	report_check_set_expectations(c, EXPECT_OPEN, &open, 1);
	c->has_rtt = true;
	c->rtt_p50_ms = 0.25;
	c->rtt_p99_ms = 1.5;
	report_check_add_note(c, "a \"quoted\" note");
	fixture_add_check_bad(r, PROTO_TCP, 7000, SERVICE_ECHO,
			      "1025-1030,50000-50001", 0, 0, STATUS_OK);
	report_finish(r);
}

Test(report_json, streamed_text_is_cjson_layout_byte_for_byte)
{
	struct report r;
	char *text;

	two_check_report(&r);
	text = fixture_render(report_write_json_stream, &r);
	cr_assert_str_eq(text, two_check_text);
	free(text);
	report_free(&r);
}

Test(report_json, file_and_stdout_get_the_same_text, .init = dir_setup,
     .fini = dir_teardown)
{
	char *path = xasprintf("%s/report.json", test_dir), *cause = NULL;
	char *text;
	struct report r;
	size_t len;

	two_check_report(&r);
	cr_assert_eq(report_write_json(&r, path, &cause), 0, "%s",
		     cause ? cause : "");
	text = file_read_all(path, 1 << 20, "report", &len, &cause);
	cr_assert_not_null(text, "%s", cause ? cause : "");
	cr_assert_eq(len, strlen(two_check_text));
	cr_assert_str_eq(text, two_check_text);
	free(text);
	free(path);
	report_free(&r);
}

/* Two checks of 64,512 ports, every other one reply_dropped: 129,024
 * ranges, written a range at a time and read back whole. */
Test(report_json, a_fragmented_report_reads_back_range_for_range,
     .init = dir_setup, .fini = dir_teardown)
{
	char *path = xasprintf("%s/report.json", test_dir), *cause = NULL;
	struct report r, back;
	size_t i, k;

	fixture_report_init_settings(&r, "2026-11-20T10:00:02Z");
	fixture_add_check_every_other(&r, 1024, 65535, STATUS_REPLY_DROPPED);
	fixture_add_check_every_other(&r, 1024, 65535, STATUS_REQUEST_DROPPED);
	report_finish(&r);
	cr_assert_eq(r.checks[0].nranges + r.checks[1].nranges, 129024);
	cr_assert_eq(report_write_json(&r, path, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_eq(report_read_json(path, &back, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_eq(back.nchecks, 2);
	for (k = 0; k < 2; k++) {
		cr_assert_eq(back.checks[k].nranges, 64512);
		for (i = 0; i < back.checks[k].nranges; i++)
			fixture_assert_range(
				&back.checks[k], i, (uint16_t)(1024 + i),
				(uint16_t)(1024 + i),
				i % 2 ? r.checks[k].ranges[1].status
				      : STATUS_OK);
	}
	cr_assert_eq(back.checks[1].ranges[1].status, STATUS_REQUEST_DROPPED);
	report_free(&r);
	report_free(&back);
	free(path);
}
