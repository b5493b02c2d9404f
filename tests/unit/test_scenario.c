/* Unit tests for common/scenario: the file format, every validation error
 * word for word, --sports narrowing, the shipped scenarios. */
/* Errors name the file, the JSON path, the bad value and what is accepted. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/scenario.h"
#include "common/xmalloc.h"
#include "tests/unit/fixture_text.h"

TestSuite(scenario);

/* The path every parsed text pretends to come from. */
#define SCENARIO_PATH "conf/s.json"

static void
parse_ok(const char *text, struct scenario *s)
{
	char *cause = NULL;

	cr_assert_eq(
		scenario_parse(text, strlen(text), SCENARIO_PATH, s, &cause), 0,
		"refused: %s", cause ? cause : "");
}

static void
assert_scenario_error(const char *text, const char *expected)
{
	struct scenario s;
	char *cause = NULL, *full;

	memset(&s, 0, sizeof s);
	cr_assert_eq(
		scenario_parse(text, strlen(text), SCENARIO_PATH, &s, &cause),
		-1, "accepted: %s", text);
	cr_assert_not_null(cause);
	full = xasprintf(SCENARIO_PATH ": %s", expected);
	cr_assert_str_eq(cause, full);
	cr_assert_null(s.targets);
	cr_assert_null(s.checks);
	free(full);
	free(cause);
}

static const char example[] =
	"{ \"name\": \"vpc-baseline\", \"description\": \"after a change\",\n"
	"  \"targets\": [\n"
	"    { \"name\": \"app\", \"agent\": \"198.18.2.1\",\n"
	"      \"control_port\": 7456, \"key_file\": \"agent.key\",\n"
	"      \"bind\": \"198.18.1.1\", \"probe_cidr\": \"198.18.1.7/24\",\n"
	"      \"agent_cidr\": \"198.18.2.0/24\", \"probe_nacl\": "
	"\"acl-0a1\",\n"
	"      \"agent_nacl\": \"acl-0b2\" },\n"
	"    { \"name\": \"resolver\", \"target\": \"198.18.2.53\",\n"
	"      \"checks\": [1] } ],\n"
	"  \"settings\": { \"rate\": 0, \"window\": 1024, \"timeout_ms\": "
	"300,\n"
	"                \"attempts\": 2 },\n"
	"  \"checks\": [\n"
	"    { \"proto\": \"tcp\", \"port\": 80, \"sports\": \"windows\" },\n"
	"    { \"proto\": \"udp\", \"port\": 53, \"service\": \"dns\",\n"
	"      \"sports\": \"linux,windows\", \"expect\": \"blocked\",\n"
	"      \"ranges\": [ { \"sports\": \"50000-50010\", \"expect\": "
	"\"open\" },\n"
	"                  { \"sports\": \"32768-32769\", \"expect\": "
	"\"rejected\" } ] } ] }\n";

Test(scenario, example_parses_to_every_field)
{
	struct scenario s;
	const struct scenario_target *t;
	const struct scenario_check *c;
	char *sports;

	parse_ok(example, &s);
	cr_assert_str_eq(s.path, SCENARIO_PATH);
	cr_assert_str_eq(s.name, "vpc-baseline");
	cr_assert_str_eq(s.description, "after a change");
	cr_assert(s.settings.has_rate && s.settings.has_window &&
		  s.settings.has_timeout && s.settings.has_attempts);
	cr_assert_eq(s.settings.rate, 0);
	cr_assert_eq(s.settings.window, 1024);
	cr_assert_eq(s.settings.timeout_ms, 300);
	cr_assert_eq(s.settings.attempts, 2);
	cr_assert_eq(s.ntargets, 2);
	t = &s.targets[0];
	cr_assert_str_eq(t->name, "app");
	cr_assert(t->agent);
	cr_assert_str_eq(t->host, "198.18.2.1");
	cr_assert_eq(t->control_port, 7456);
	cr_assert_str_eq(t->key_file, "conf/agent.key");
	cr_assert_str_eq(t->bind, "198.18.1.1");
	/* Host bits are cleared. */
	cr_assert_str_eq(t->probe_cidr, "198.18.1.0/24");
	cr_assert_str_eq(t->agent_cidr, "198.18.2.0/24");
	cr_assert_str_eq(t->probe_nacl, "acl-0a1");
	cr_assert_str_eq(t->agent_nacl, "acl-0b2");
	cr_assert_eq(t->nchecks, 2);
	cr_assert_eq(t->checks[0], 0);
	cr_assert_eq(t->checks[1], 1);
	t = &s.targets[1];
	cr_assert_not(t->agent);
	cr_assert_str_eq(t->host, "198.18.2.53");
	cr_assert_eq(t->control_port, 0);
	cr_assert_null(t->key_file);
	cr_assert_null(t->bind);
	cr_assert_null(t->probe_cidr);
	cr_assert_null(t->agent_nacl);
	cr_assert_eq(t->nchecks, 1);
	cr_assert_eq(t->checks[0], 1);
	cr_assert_eq(s.nchecks, 2);
	c = &s.checks[0];
	cr_assert_eq(c->spec.proto, PROTO_TCP);
	cr_assert_eq(c->spec.port, 80);
	cr_assert_eq(c->spec.service, SERVICE_HTTP);
	cr_assert_eq(c->expect, EXPECT_OPEN);
	cr_assert_eq(c->nexpectations, 0);
	c = &s.checks[1];
	cr_assert_eq(c->spec.service, SERVICE_DNS);
	sports = range_list_format(&c->sports);
	cr_assert_str_eq(sports, "32768-65535");
	free(sports);
	cr_assert_eq(c->expect, EXPECT_BLOCKED);
	/* Sorted by port, whatever the order given. */
	cr_assert_eq(c->nexpectations, 2);
	cr_assert_eq(c->expectations[0].from, 32768);
	cr_assert_eq(c->expectations[0].to, 32769);
	cr_assert_eq(c->expectations[0].expect, EXPECT_REJECTED);
	cr_assert_eq(c->expectations[1].from, 50000);
	cr_assert_eq(c->expectations[1].to, 50010);
	cr_assert_eq(c->expectations[1].expect, EXPECT_OPEN);
	scenario_free(&s);
	scenario_free(&s);
}

Test(scenario, defaults_fill_what_is_left_out)
{
	struct scenario s;

	parse_ok("{\"name\":\"s\",\"targets\":[{\"name\":\"a\",\"agent\":"
		 "\"a.example\"}],\"checks\":[{\"proto\":\"udp\",\"port\":123,"
		 "\"sports\":\"1-3\"}]}",
		 &s);
	cr_assert_null(s.description);
	cr_assert_not(s.settings.has_rate || s.settings.has_window ||
		      s.settings.has_timeout || s.settings.has_attempts);
	/* A host name is kept for nacl-probe to resolve. */
	cr_assert_str_eq(s.targets[0].host, "a.example");
	cr_assert_eq(s.targets[0].control_port, 7455);
	cr_assert_eq(s.targets[0].nchecks, 1);
	cr_assert_eq(s.checks[0].spec.service, SERVICE_NTP);
	cr_assert_eq(s.checks[0].expect, EXPECT_OPEN);
	scenario_free(&s);
}

Test(scenario, agent_addresses_take_a_port_and_ipv6)
{
	struct scenario s;

	parse_ok(
		"{\"name\":\"s\",\"targets\":["
		"{\"name\":\"a\",\"agent\":\"198.18.2.1:7456\"},"
		"{\"name\":\"b\",\"agent\":\"[2001:db8:2::1]:7457\","
		"\"bind\":\"2001:db8:1::1\",\"probe_cidr\":\"2001:db8:1::/64\","
		"\"agent_cidr\":\"2001:db8:2::/64\"},"
		"{\"name\":\"c\",\"agent\":\"2001:db8:2::1\"},"
		"{\"name\":\"d\",\"target\":\"[2001:db8:2::53]\"}],"
		"\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":\"1\"}]"
		"}",
		&s);
	cr_assert_str_eq(s.targets[0].host, "198.18.2.1");
	cr_assert_eq(s.targets[0].control_port, 7456);
	cr_assert_str_eq(s.targets[1].host, "2001:db8:2::1");
	cr_assert_eq(s.targets[1].control_port, 7457);
	cr_assert_str_eq(s.targets[1].agent_cidr, "2001:db8:2::/64");
	cr_assert_str_eq(s.targets[2].host, "2001:db8:2::1");
	cr_assert_eq(s.targets[2].control_port, 7455);
	cr_assert_str_eq(s.targets[3].host, "2001:db8:2::53");
	scenario_free(&s);
}

Test(scenario, key_files_resolve_beside_the_scenario)
{
	static const char text[] =
		"{\"name\":\"s\",\"targets\":[{\"name\":\"a\",\"agent\":"
		"\"198.18.2.1\",\"key_file\":\"keys/agent.key\"},{\"name\":"
		"\"b\",\"agent\":\"198.18.2.2\",\"key_file\":\"/etc/k\"}],"
		"\"checks\":[{\"proto\":\"udp\",\"port\":7000,\"sports\":"
		"\"1\"}]}";
	struct scenario s;
	char *cause = NULL;

	cr_assert_eq(scenario_parse(text, strlen(text), "/srv/ci/s.json", &s,
				    &cause),
		     0);
	cr_assert_str_eq(s.targets[0].key_file, "/srv/ci/keys/agent.key");
	cr_assert_str_eq(s.targets[1].key_file, "/etc/k");
	scenario_free(&s);
	/* A file in the current folder: the key is too. */
	cr_assert_eq(scenario_parse(text, strlen(text), "s.json", &s, &cause),
		     0);
	cr_assert_str_eq(s.targets[0].key_file, "keys/agent.key");
	scenario_free(&s);
}

Test(scenario, empty_text_is_refused)
{
	assert_scenario_error(
		"", "empty file, expected a nacl-probe scenario (JSON)");
}

Test(scenario, bad_json_names_line_and_column)
{
	assert_scenario_error("{ \"name\": \"s\",\n  \"targets\": [\n  }",
			      "not valid JSON at line 3, column 3");
}

Test(scenario, trailing_garbage_is_not_json)
{
	assert_scenario_error("{\"name\":\"s\"} x",
			      "not valid JSON at line 1, column 14");
}

/* Asserts that reading path fails with exactly expected. */
static void
assert_file_error(const char *path, const char *expected)
{
	struct scenario s;
	char *cause = NULL;

	cr_assert_eq(scenario_read_file(path, &s, &cause), -1);
	cr_assert_str_eq(cause, expected);
	free(cause);
}

Test(scenario, missing_file_is_named)
{
	assert_file_error("/nonexistent/s.json",
			  "/nonexistent/s.json: cannot open: No such file or "
			  "directory");
}

Test(scenario, unreadable_file_is_named)
{
	assert_file_error("/", "/: cannot read: Is a directory");
}

Test(scenario, read_file_parses_what_it_reads)
{
	char path[] = "/tmp/nacl-scenario-XXXXXX";
	struct scenario s;
	char *cause = NULL;
	int fd = mkstemp(path);
	FILE *f;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs(example, f);
	fclose(f);
	cr_assert_eq(scenario_read_file(path, &s, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_str_eq(s.path, path);
	cr_assert_eq(s.ntargets, 2);
	cr_assert(strncmp(s.targets[0].key_file, "/tmp/agent.key", 14) == 0);
	scenario_free(&s);
	unlink(path);
}

Test(scenario, expectation_names_round_trip)
{
	enum expectation e;
	int i;

	for (i = 0; i < EXPECT_COUNT; i++) {
		cr_assert_eq(expectation_parse(
				     expectation_name((enum expectation)i), &e),
			     0);
		cr_assert_eq(e, i);
	}
	cr_assert_eq(expectation_parse("closed", &e), -1);
	cr_assert_str_eq(expectation_names(),
			 "open, blocked, dropped or rejected");
	cr_assert_str_eq(expectation_name(EXPECT_COUNT), "?");
}

Test(scenario, narrow_keeps_the_shared_ports_and_expectations)
{
	struct range_list only = {NULL, 0};
	struct scenario s;
	char *cause = NULL, *sports;

	parse_ok(example, &s);
	cr_assert_eq(range_list_parse("80,32768", &only, 1, &cause), 0);
	cr_assert_eq(scenario_narrow(&s, &only, &cause), -1);
	cr_assert_str_eq(cause, SCENARIO_PATH ": checks[0] (tcp/80, sports "
					      "49152-65535) has no source "
					      "port in 80,32768");
	free(cause);
	range_list_free(&only);
	scenario_free(&s);

	parse_ok(example, &s);
	cr_assert_eq(range_list_parse("32769-32770,50005-50020,60000", &only, 1,
				      &cause),
		     0);
	cr_assert_eq(scenario_narrow(&s, &only, &cause), 0);
	sports = range_list_format(&s.checks[0].sports);
	cr_assert_str_eq(sports, "50005-50020,60000");
	free(sports);
	sports = range_list_format(&s.checks[1].sports);
	cr_assert_str_eq(sports, "32769-32770,50005-50020,60000");
	free(sports);
	cr_assert_eq(s.checks[1].nexpectations, 2);
	cr_assert_eq(s.checks[1].expectations[0].from, 32769);
	cr_assert_eq(s.checks[1].expectations[0].to, 32769);
	cr_assert_eq(s.checks[1].expectations[1].from, 50005);
	cr_assert_eq(s.checks[1].expectations[1].to, 50010);
	range_list_free(&only);
	scenario_free(&s);
}

/* The shipped files (make unit runs from the top folder). */
static void
assert_shipped(const char *file, const char *name, const char *sports)
{
	struct scenario s;
	char *path = xasprintf("scenarios/%s", file), *cause = NULL, *text;
	size_t i;

	cr_assert_eq(scenario_read_file(path, &s, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_str_eq(s.name, name);
	cr_assert_not_null(s.description);
	cr_assert_eq(s.ntargets, 1);
	cr_assert_str_eq(s.targets[0].host, "198.18.2.1");
	cr_assert_str_eq(s.targets[0].bind, "198.18.1.1");
	cr_assert_str_eq(s.targets[0].key_file, "/etc/nacl-probe/agent.key");
	cr_assert_str_eq(s.targets[0].probe_nacl, "acl-0a1a1a1a1a1a1a1a1");
	cr_assert_str_eq(s.targets[0].agent_nacl, "acl-0b2b2b2b2b2b2b2b2");
	for (i = 0; i < s.nchecks; i++) {
		text = range_list_format(&s.checks[i].sports);
		cr_assert_str_eq(text, sports, "%s checks[%zu]", file, i);
		free(text);
	}
	free(path);
	scenario_free(&s);
}

Test(scenario, shipped_scenarios_parse)
{
	assert_shipped("linux-clients.json", "linux-clients", "32768-61000");
	assert_shipped("windows-clients.json", "windows-clients",
		       "49152-65535");
	assert_shipped("legacy-windows-clients.json", "legacy-windows-clients",
		       "1025-5000");
	assert_shipped("nat-gateway.json", "nat-gateway", "1024-65535");
	assert_shipped("vpc-baseline.json", "vpc-baseline", "1024-65535");
	assert_shipped("blocked-range.json", "blocked-range", "1024-65535");
}

Test(scenario, shipped_baseline_covers_dns_ntp_http_tls_and_quic)
{
	struct scenario s;
	char *cause = NULL;

	cr_assert_eq(
		scenario_read_file("scenarios/vpc-baseline.json", &s, &cause),
		0);
	cr_assert_eq(s.nchecks, 6);
	cr_assert_eq(s.checks[0].spec.proto, PROTO_UDP);
	cr_assert_eq(s.checks[0].spec.port, 53);
	cr_assert_eq(s.checks[1].spec.proto, PROTO_TCP);
	cr_assert_eq(s.checks[1].spec.port, 53);
	cr_assert_eq(s.checks[2].spec.service, SERVICE_NTP);
	cr_assert_eq(s.checks[3].spec.service, SERVICE_HTTP);
	cr_assert_eq(s.checks[4].spec.proto, PROTO_TCP);
	cr_assert_eq(s.checks[4].spec.port, 443);
	cr_assert_str_eq(service_name(s.checks[4].spec.service), "tls");
	cr_assert_eq(s.checks[5].spec.proto, PROTO_UDP);
	cr_assert_eq(s.checks[5].spec.port, 443);
	cr_assert_str_eq(service_name(s.checks[5].spec.service), "quic");
	scenario_free(&s);
	cr_assert_eq(
		scenario_read_file("scenarios/blocked-range.json", &s, &cause),
		0);
	cr_assert_eq(s.checks[0].nexpectations, 1);
	cr_assert_eq(s.checks[0].expectations[0].from, 4990);
	cr_assert_eq(s.checks[0].expectations[0].to, 5010);
	cr_assert_eq(s.checks[0].expectations[0].expect, EXPECT_BLOCKED);
	scenario_free(&s);
}

/* Every validation error, word for word. */

Test(scenario, root_must_be_an_object)
{
	assert_scenario_error("[1]", "expected a JSON object (a nacl-probe "
				     "scenario), found an array");
}

Test(scenario, unknown_root_key_is_named)
{
	assert_scenario_error("{\"nmae\":\"s\"}",
			      "nmae: unknown key; accepted are name, "
			      "description, targets, settings and checks");
}

Test(scenario, root_key_given_twice)
{
	assert_scenario_error("{\"name\":\"a\",\"name\":\"b\"}",
			      "name: given twice");
}

Test(scenario, name_is_required)
{
	assert_scenario_error(
		"{\"targets\":[]}",
		"name: missing (expected a string: the scenario's name)");
}

Test(scenario, name_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":5}",
		"name: expected a string: the scenario's name, found a number");
}

Test(scenario, name_must_not_be_empty)
{
	assert_scenario_error("{\"name\":\"\"}",
			      "name: bad name '': expected 1 to 200 "
			      "characters, no control characters");
}

Test(scenario, name_must_not_hold_control_characters)
{
	assert_scenario_error("{\"name\":\"a\\u0001b\"}",
			      "name: bad name 'a?b': expected 1 to 200 "
			      "characters, no control characters");
}

Test(scenario, description_must_be_a_string)
{
	assert_scenario_error("{\"name\":\"s\",\"description\":[\"x\"]}",
			      "description: expected a string, found an array");
}

Test(scenario, settings_must_be_an_object)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":[],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings: expected an object with rate, window, timeout_ms "
		"and attempts, found an array");
}

Test(scenario, unknown_settings_key_is_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":{\"timeout\":5},\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings.timeout: unknown key; accepted are rate, window, "
		"timeout_ms and attempts");
}

Test(scenario, settings_rate_must_be_a_number)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":{\"rate\":\"fast\"},\"checks\":["
		"{\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings.rate: expected an integer from 0 to 10000000, found "
		"a string");
}

Test(scenario, settings_rate_must_not_be_negative)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":{\"rate\":-1},\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings.rate: expected an integer from 0 to 10000000, found "
		"-1");
}

Test(scenario, settings_window_must_be_positive)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":{\"window\":0},\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings.window: expected an integer from 1 to 65536, found "
		"0");
}

Test(scenario, settings_window_has_a_maximum)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":{\"window\":65537},\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings.window: expected an integer from 1 to 65536, found "
		"65537");
}

Test(scenario, settings_timeout_must_be_whole)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":{\"timeout_ms\":1.5},\"checks\":"
		"[{\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings.timeout_ms: expected an integer from 1 to 600000, "
		"found 1.5");
}

Test(scenario, settings_attempts_has_a_maximum)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":{\"attempts\":21},\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings.attempts: expected an integer from 1 to 20, found "
		"21");
}

Test(scenario, settings_attempts_must_be_a_number)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"settings\":{\"attempts\":true},\"checks\":["
		"{\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"settings.attempts: expected an integer from 1 to 20, found a "
		"boolean");
}

Test(scenario, checks_are_required)
{
	assert_scenario_error("{\"name\":\"s\",\"targets\":[{\"name\":\"app\","
			      "\"agent\":\"198.18.2.1\"}]}",
			      "checks: missing (expected an array of checks)");
}

Test(scenario, checks_must_be_an_array)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"checks\":{}}",
		"checks: expected an array of checks, found an object");
}

Test(scenario, checks_must_not_be_empty)
{
	assert_scenario_error("{\"name\":\"s\",\"checks\":[]}",
			      "checks: empty: expected at least one check");
}

Test(scenario, check_must_be_an_object)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[\"udp/53\"]}",
		"checks[0]: expected an object (a check), found a string");
}

Test(scenario, unknown_check_key_is_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\",\"prot\":\"tcp\"}]}",
		"checks[0].prot: unknown key; accepted are proto, port, "
		"service, sports, expect and ranges");
}

Test(scenario, check_key_given_twice)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"port\":54,\"sports\":\"linux\"}]}",
		"checks[0].port: given twice");
}

Test(scenario, proto_is_required)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"checks[0].proto: missing (expected a string: udp or tcp)");
}

Test(scenario, proto_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":17,\"port\":53,"
		"\"sports\":\"linux\"}]}",
		"checks[0].proto: expected a string: udp or tcp, found a "
		"number");
}

Test(scenario, unknown_proto_is_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"icmp\",\"port\":53,"
		"\"sports\":\"linux\"}]}",
		"checks[0].proto: unknown protocol 'icmp' (expected udp or "
		"tcp)");
}

Test(scenario, port_is_required)
{
	assert_scenario_error("{\"name\":\"s\",\"targets\":[{\"name\":\"app\","
			      "\"agent\":\"198.18.2.1\"}],\"checks\":[{"
			      "\"proto\":\"udp\",\"sports\":\"linux\"}]}",
			      "checks[0].port: missing (expected an integer "
			      "from 1 to 65535)");
}

Test(scenario, port_must_be_a_number)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":"
		"\"53\",\"sports\":\"linux\"}]}",
		"checks[0].port: expected an integer from 1 to 65535, found a "
		"string");
}

Test(scenario, port_zero_is_refused)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":0,"
		"\"sports\":\"linux\"}]}",
		"checks[0].port: expected an integer from 1 to 65535, found 0");
}

Test(scenario, port_above_65535_is_refused)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":"
		"70000,\"sports\":\"linux\"}]}",
		"checks[0].port: expected an integer from 1 to 65535, found "
		"70000");
}

Test(scenario, a_protocol_and_port_is_checked_once)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\"},{\"proto\":\"tcp\",\"port\":53,"
		"\"sports\":\"linux\"},{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\"}]}",
		"checks[2]: udp/53 is already checks[0]; give each protocol "
		"and port once (ranges give parts of its source ports their "
		"own expectation)");
}

/* The service names are test_service's; here, that they are named. */
Test(scenario, service_must_be_a_string)
{
	char *expected = fixture_service_names_between(
		"checks[0].service: expected a string: ", ", found a number");

	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"service\":1,\"sports\":\"linux\"}]}",
		expected);
	free(expected);
}

Test(scenario, unknown_service_is_named)
{
	char *expected = fixture_service_names_between(
		"checks[0].service: unknown service 'smtp' (expected ", ")");

	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"service\":\"smtp\",\"sports\":\"linux\"}]}",
		expected);
	free(expected);
}

Test(scenario, service_must_run_over_the_protocol)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"tcp\",\"port\":123,"
		"\"service\":\"ntp\",\"sports\":\"linux\"}]}",
		"checks[0].service: tcp/123=ntp: ntp runs over udp only");
}

Test(scenario, sports_are_required)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53}]"
		"}",
		"checks[0].sports: missing (expected a string: source ports, "
		"ranges or presets, e.g. linux,windows or 1024-65535)");
}

Test(scenario, sports_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":1024}]}",
		"checks[0].sports: expected a string: source ports, ranges or "
		"presets, e.g. linux,windows or 1024-65535, found a number");
}

Test(scenario, bad_sports_are_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux,windowz\"}]}",
		"checks[0].sports: bad port range 'windowz' in "
		"'linux,windowz': expected PORT, FROM-TO with 1 <= FROM <= TO "
		"<= 65535 or a preset (linux, linux-legacy, windows, "
		"windows-legacy, nat-gateway, elb, all), comma-separated");
}

Test(scenario, expect_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\",\"expect\":false}]}",
		"checks[0].expect: expected a string: open, blocked, dropped "
		"or rejected, found a boolean");
}

Test(scenario, unknown_expectation_is_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\",\"expect\":\"closed\"}]}",
		"checks[0].expect: unknown expectation 'closed' (expected "
		"open, blocked, dropped or rejected)");
}

Test(scenario, ranges_must_be_an_array)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\",\"ranges\":{}}]}",
		"checks[0].ranges: expected an array of {\"sports\": RANGES, "
		"\"expect\": EXPECTATION} objects, found an object");
}

Test(scenario, range_must_be_an_object)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[\"1024-2047\"]}]}",
		"checks[0].ranges[0]: expected an object {\"sports\": RANGES, "
		"\"expect\": EXPECTATION}, found a string");
}

Test(scenario, unknown_range_key_is_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"sports\":\"1024\","
		"\"expect\":\"blocked\",\"why\":\"x\"}]}]}",
		"checks[0].ranges[0].why: unknown key; accepted are sports and "
		"expect");
}

Test(scenario, range_sports_are_required)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"expect\":\"blocked\"}]"
		"}]}",
		"checks[0].ranges[0].sports: missing (expected a string: "
		"source ports, ranges or presets, e.g. linux,windows or "
		"1024-65535)");
}

Test(scenario, bad_range_sports_are_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"sports\":\"2047-"
		"1024\",\"expect\":\"blocked\"}]}]}",
		"checks[0].ranges[0].sports: bad port range '2047-1024' in "
		"'2047-1024': expected PORT, FROM-TO with 1 <= FROM <= TO <= "
		"65535 or a preset (linux, linux-legacy, windows, "
		"windows-legacy, nat-gateway, elb, all), comma-separated");
}

Test(scenario, range_expect_is_required)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"sports\":\"1024\"}]}]"
		"}",
		"checks[0].ranges[0].expect: missing (expected a string: open, "
		"blocked, dropped or rejected)");
}

Test(scenario, unknown_range_expectation_is_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"sports\":\"1024\","
		"\"expect\":\"closed\"}]}]}",
		"checks[0].ranges[0].expect: unknown expectation 'closed' "
		"(expected open, blocked, dropped or rejected)");
}

Test(scenario, range_must_lie_inside_the_sports)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"sports\":\"2000-"
		"2100\",\"expect\":\"blocked\"}]}]}",
		"checks[0].ranges[0].sports: 2000-2100 is not inside the "
		"check's sports 1024-2047 (2048-2100 are not swept)");
}

Test(scenario, range_outside_by_one_port)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"sports\":\"windows-"
		"legacy\",\"expect\":\"blocked\"}]}]}",
		"checks[0].ranges[0].sports: 1025-5000 is not inside the "
		"check's sports 1024-2047 (2048-5000 are not swept)");
}

Test(scenario, range_outside_single_port)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"sports\":\"1023-"
		"1030\",\"expect\":\"blocked\"}]}]}",
		"checks[0].ranges[0].sports: 1023-1030 is not inside the "
		"check's sports 1024-2047 (1023 is not swept)");
}

Test(scenario, ranges_must_not_overlap)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":7000,"
		"\"sports\":\"1024-2047\",\"ranges\":[{\"sports\":\"1024-"
		"1100\",\"expect\":\"blocked\"},{\"sports\":\"1200\","
		"\"expect\":\"rejected\"},{\"sports\":\"1090-1095,1200-1300\","
		"\"expect\":\"dropped\"}]}]}",
		"checks[0].ranges[2].sports: 1090-1095,1200-1300 overlaps "
		"checks[0].ranges[0].sports (1090-1095): give each source port "
		"one expectation");
}

Test(scenario, targets_are_required)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\"}]}",
		"targets: missing (expected an array of targets)");
}

Test(scenario, targets_must_be_an_array)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\"}],\"targets\":\"app\"}",
		"targets: expected an array of targets, found a string");
}

Test(scenario, targets_must_not_be_empty)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\"}],\"targets\":[]}",
		"targets: empty: expected at least one target");
}

Test(scenario, target_must_be_an_object)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[\"198.18.2.1\"],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0]: expected an object (a target), found a string");
}

Test(scenario, unknown_target_key_is_named)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"adress\":\"x\"}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].adress: unknown key; accepted are name, agent, "
		"target, control_port, key_file, bind, probe_cidr, agent_cidr, "
		"probe_nacl, agent_nacl and checks");
}

Test(scenario, target_name_is_required)
{
	assert_scenario_error("{\"name\":\"s\",\"targets\":[{\"agent\":\"198."
			      "18.2.1\"}],\"checks\":[{\"proto\":\"udp\","
			      "\"port\":53,\"sports\":\"linux\"}]}",
			      "targets[0].name: missing (expected a string: "
			      "the target's name)");
}

Test(scenario, target_name_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":1,\"agent\":\"198.18.2."
		"1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].name: expected a string: the target's name, found "
		"a number");
}

Test(scenario, target_name_is_a_word)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"my "
		"app\",\"agent\":\"198.18.2.1\"}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].name: bad name 'my app': expected 1 to 64 letters, "
		"digits, '.', '_' or '-'");
}

Test(scenario, target_name_is_unique)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\"},{\"name\":\"app\",\"agent\":\"198.18.2.1\"}],"
		"\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[1].name: 'app' is already the name of targets[0]");
}

Test(scenario, agent_or_target_is_required)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0]: give exactly one of agent (a nacl-agent, "
		"HOST[:PORT]) or target (a server without agent, HOST)");
}

Test(scenario, agent_and_target_exclude_each_other)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"target\":\"198.18.2.1\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0]: give exactly one of agent (a nacl-agent, "
		"HOST[:PORT]) or target (a server without agent, HOST)");
}

Test(scenario, agent_must_be_a_string)
{
	assert_scenario_error("{\"name\":\"s\",\"targets\":[{\"name\":\"app\","
			      "\"agent\":7455}],\"checks\":[{\"proto\":\"udp\","
			      "\"port\":53,\"sports\":\"linux\"}]}",
			      "targets[0].agent: expected a string: "
			      "HOST[:PORT] of a nacl-agent, found a number");
}

Test(scenario, agent_address_is_checked)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1:99999\"}],\"checks\":[{\"proto\":\"udp\","
		"\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].agent: bad address '198.18.2.1:99999': expected "
		"HOST, HOST:PORT, IPV6 or [IPV6]:PORT with PORT 1-65535");
}

Test(scenario, agent_host_is_checked_without_dns)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.300\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\"}]}",
		"targets[0].agent: bad address '198.18.2.300': expected HOST, "
		"HOST:PORT, IPV6 or [IPV6]:PORT with PORT 1-65535");
}

Test(scenario, agent_host_with_a_space_is_refused)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":\"my "
		"host\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\"}]}",
		"targets[0].agent: bad address 'my host': expected HOST, "
		"HOST:PORT, IPV6 or [IPV6]:PORT with PORT 1-65535");
}

Test(scenario, agent_ipv6_in_brackets_must_be_ipv6)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":\"["
		"198.18.2.1]:7455\"}],\"checks\":[{\"proto\":\"udp\",\"port\":"
		"53,\"sports\":\"linux\"}]}",
		"targets[0].agent: bad address '[198.18.2.1]:7455': expected "
		"HOST, HOST:PORT, IPV6 or [IPV6]:PORT with PORT 1-65535");
}

Test(scenario, target_must_be_a_string)
{
	assert_scenario_error("{\"name\":\"s\",\"targets\":[{\"name\":\"dns\","
			      "\"target\":null}],\"checks\":[{\"proto\":"
			      "\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
			      "targets[0].target: expected a string: HOST of a "
			      "server, found null");
}

Test(scenario, target_takes_no_port)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"dns\",\"target\":"
		"\"198.18.2.53:53\"}],\"checks\":[{\"proto\":\"udp\",\"port\":"
		"53,\"sports\":\"linux\"}]}",
		"targets[0].target: bad address '198.18.2.53:53': expected "
		"HOST or IPV6, without a port (each check gives its port)");
}

Test(scenario, control_port_must_be_a_port)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"control_port\":0}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].control_port: expected an integer from 1 to 65535, "
		"found 0");
}

Test(scenario, control_port_goes_with_agent)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"dns\",\"target\":"
		"\"198.18.2.53\",\"control_port\":7455}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].control_port: goes with agent; a target without "
		"agent has no control port");
}

Test(scenario, control_port_is_given_once)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1:7456\",\"control_port\":7457}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].control_port: the agent '198.18.2.1:7456' already "
		"gives its control port; give it once");
}

Test(scenario, key_file_goes_with_agent)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"dns\",\"target\":"
		"\"198.18.2.53\",\"key_file\":\"agent.key\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].key_file: goes with agent; a target without agent "
		"takes no key");
}

Test(scenario, key_file_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"key_file\":1}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].key_file: expected a string: the agent's key file, "
		"found a number");
}

Test(scenario, key_file_must_not_be_empty)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"key_file\":\"\"}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].key_file: empty: expected the agent's key file "
		"(relative to the scenario's folder)");
}

Test(scenario, bind_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"bind\":1}],\"checks\":[{\"proto\":\"udp\","
		"\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].bind: expected a string: the address to send from, "
		"found a number");
}

Test(scenario, bind_must_be_an_address)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"bind\":\"probe.example\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].bind: bad address 'probe.example': expected an "
		"IPv4 or IPv6 address");
}

Test(scenario, bind_must_match_the_family)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"bind\":\"2001:db8:1::1\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].bind: 2001:db8:1::1 and the agent 198.18.2.1 are "
		"not the same address family");
}

Test(scenario, bind_family_of_an_agentless_target)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"dns\",\"target\":"
		"\"198.18.2.53\",\"bind\":\"2001:db8:1::1\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].bind: 2001:db8:1::1 and the target 198.18.2.53 are "
		"not the same address family");
}

Test(scenario, probe_cidr_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"probe_cidr\":24}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].probe_cidr: expected a string: a CIDR block like "
		"10.0.1.0/24, found a number");
}

Test(scenario, probe_cidr_must_be_a_cidr)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"probe_cidr\":\"198.18.1.0/"
		"33\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].probe_cidr: '198.18.1.0/33' is not a CIDR block "
		"(expected an IPv4 or IPv6 network like 10.0.1.0/24 or "
		"2001:db8:1::/64)");
}

Test(scenario, probe_cidr_must_hold_bind)
{
	assert_scenario_error("{\"name\":\"s\",\"targets\":[{\"name\":\"app\","
			      "\"agent\":\"198.18.2.1\",\"bind\":\"198.18.1."
			      "1\",\"probe_cidr\":\"198.18.3.0/"
			      "24\"}],\"checks\":[{\"proto\":\"udp\",\"port\":"
			      "53,\"sports\":\"linux\"}]}",
			      "targets[0].probe_cidr: 198.18.3.0/24 does not "
			      "hold the bind address 198.18.1.1");
}

Test(scenario, probe_cidr_must_match_the_bind_family)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"bind\":\"198.18.1.1\",\"probe_cidr\":\"2001:"
		"db8:1::/"
		"64\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].probe_cidr: 2001:db8:1::/64 and the bind address "
		"198.18.1.1 are not the same address family");
}

Test(scenario, probe_cidr_must_match_the_agent_family)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"probe_cidr\":\"2001:db8:1::/"
		"64\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].probe_cidr: 2001:db8:1::/64 and the agent "
		"198.18.2.1 are not the same address family");
}

Test(scenario, agent_cidr_must_be_a_cidr)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"agent_cidr\":\"agents\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].agent_cidr: 'agents' is not a CIDR block (expected "
		"an IPv4 or IPv6 network like 10.0.1.0/24 or 2001:db8:1::/64)");
}

Test(scenario, agent_cidr_must_hold_the_agent)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"agent_cidr\":\"198.18.3.0/"
		"24\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].agent_cidr: 198.18.3.0/24 does not hold the agent "
		"198.18.2.1");
}

Test(scenario, agent_cidr_must_hold_the_target)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"dns\",\"target\":"
		"\"198.18.2.53\",\"agent_cidr\":\"198.18.3.0/"
		"24\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].agent_cidr: 198.18.3.0/24 does not hold the target "
		"198.18.2.53");
}

Test(scenario, probe_nacl_must_be_a_string)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"probe_nacl\":true}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].probe_nacl: expected a string: a NACL or subnet ID "
		"(acl-0a1b2c3d, subnet-0a1b2c3d), a Terraform address or a "
		"CloudFormation logical ID, found a boolean");
}

Test(scenario, probe_nacl_must_be_an_id)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"probe_nacl\":\"acl-XYZ\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].probe_nacl: bad NACL id 'acl-XYZ': expected acl- "
		"and 1 to 17 hex digits (0-9, a-f), e.g. "
		"acl-0a1b2c3d4e5f60718");
}

Test(scenario, agent_nacl_cannot_hold_a_command)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"agent_nacl\":\"acl-1; rm -rf "
		"/\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].agent_nacl: bad NACL id 'acl-1; rm -rf /': "
		"expected acl- and 1 to 17 hex digits (0-9, a-f), e.g. "
		"acl-0a1b2c3d4e5f60718");
}

Test(scenario, agent_nacl_has_a_length)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"agent_nacl\":\"acl-0123456789abcdef01\"}],"
		"\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].agent_nacl: bad NACL id 'acl-0123456789abcdef01': "
		"expected acl- and 1 to 17 hex digits (0-9, a-f), e.g. "
		"acl-0a1b2c3d4e5f60718");
}

/* The NACL of a side by NACL or subnet ID, Terraform address or
 * CloudFormation logical ID: what nacl-report predict resolves. */
Test(scenario, nacl_names_take_ids_addresses_and_logical_ids)
{
	static const char *const good[] = {
		"acl-0a1b",
		"subnet-0a1a1a1a1a1a1a1a1",
		"aws_network_acl.app",
		"aws_default_network_acl.main",
		"aws_subnet.app[0]",
		"module.vpc.aws_network_acl.private[\\\"eu-west-1a\\\"]",
		"module.net[2].module.acl.aws_network_acl.this",
		"AppNacl",
		"PrivateSubnet1A",
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++) {
		char *text = xasprintf(
			"{\"name\":\"s\",\"targets\":[{\"name\":\"app\","
			"\"agent\":\"198.18.2.1\",\"probe_nacl\":\"%s\"}],"
			"\"checks\":[{\"proto\":\"udp\",\"port\":53,"
			"\"sports\":\"linux\"}]}",
			good[i]);
		struct scenario s;

		parse_ok(text, &s);
		cr_assert_not_null(s.targets[0].probe_nacl);
		scenario_free(&s);
		free(text);
	}
}

Test(scenario, nacl_names_refuse_what_names_no_nacl)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"agent_nacl\":\"subnet-XYZ\"}],\"checks\":["
		"{\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].agent_nacl: bad subnet id 'subnet-XYZ': expected "
		"subnet- and 1 to 17 hex digits (0-9, a-f), e.g. "
		"subnet-0a1b2c3d4e5f60718");
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"agent_nacl\":\"aws_security_group.x\"}],"
		"\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].agent_nacl: 'aws_security_group.x' names no NACL: "
		"expected a NACL ID (acl-0a1b2c3d), a subnet ID "
		"(subnet-0a1b2c3d), a Terraform address (aws_network_acl.app, "
		"module.vpc.aws_subnet.app[0]) or a CloudFormation logical ID "
		"(letters and digits)");
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"agent_nacl\":\"aws_network_acl.a; rm\"}],"
		"\"checks\":[{\"proto\":\"udp\",\"port\":53,\"sports\":"
		"\"linux\"}]}",
		"targets[0].agent_nacl: 'aws_network_acl.a; rm' names no NACL: "
		"expected a NACL ID (acl-0a1b2c3d), a subnet ID "
		"(subnet-0a1b2c3d), a Terraform address (aws_network_acl.app, "
		"module.vpc.aws_subnet.app[0]) or a CloudFormation logical ID "
		"(letters and digits)");
}

Test(scenario, target_checks_must_be_an_array)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"checks\":0}],\"checks\":[{\"proto\":\"udp\","
		"\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].checks: expected an array of indices into checks, "
		"found a number");
}

Test(scenario, target_checks_must_not_be_empty)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"checks\":[]}],\"checks\":[{\"proto\":\"udp\","
		"\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].checks: empty: expected the indices of the checks "
		"this target runs (leave it out for all of them)");
}

Test(scenario, target_check_must_be_an_index)
{
	assert_scenario_error("{\"name\":\"s\",\"targets\":[{\"name\":\"app\","
			      "\"agent\":\"198.18.2.1\",\"checks\":[\"udp/"
			      "53\"]}],\"checks\":[{\"proto\":\"udp\",\"port\":"
			      "53,\"sports\":\"linux\"}]}",
			      "targets[0].checks[0]: expected an integer from "
			      "0 to 0 (an index into checks), found a string");
}

Test(scenario, target_check_must_exist)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"checks\":[0,1]}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].checks[1]: expected an integer from 0 to 0 (an "
		"index into checks), found 1");
}

Test(scenario, target_check_is_listed_once)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"checks\":[0,0]}],\"checks\":[{\"proto\":"
		"\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].checks[1]: check 0 is listed twice");
}

Test(scenario, agent_cidr_must_match_the_agent_family)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"app\",\"agent\":"
		"\"198.18.2.1\",\"agent_cidr\":\"2001:db8:2::/"
		"64\"}],\"checks\":"
		"[{\"proto\":\"udp\",\"port\":53,\"sports\":\"linux\"}]}",
		"targets[0].agent_cidr: 2001:db8:2::/64 and the agent "
		"198.18.2.1 "
		"are not the same address family");
}

Test(scenario, target_host_is_checked_without_dns)
{
	assert_scenario_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"dns\",\"target\":"
		"\"resolver 1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"linux\"}]}",
		"targets[0].target: bad address 'resolver 1': expected HOST or "
		"IPV6, without a port (each check gives its port)");
}
