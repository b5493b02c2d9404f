/* Unit tests for probe/plan.c: the command line and scenarios into one plan:
 * the report's targets and checks, resolved targets, keys, groups, flag
 * overrides and the errors that name the flag or the file. */
/* Literal addresses only: nothing here may look a name up. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/netaddr.h"
#include "common/xmalloc.h"
#include "probe/plan.h"

TestSuite(plan);

static const char text[] =
	"{\"name\":\"two\",\"description\":\"d\",\"targets\":["
	"{\"name\":\"app\",\"agent\":\"198.18.2.1:7456\",\"bind\":"
	"\"127.0.0.1\",\"probe_cidr\":\"127.0.0.0/8\",\"agent_nacl\":"
	"\"acl-0b2\",\"checks\":[1,0,3]},"
	"{\"name\":\"dns\",\"target\":\"198.18.2.53\",\"checks\":[2]}],"
	"\"checks\":["
	"{\"proto\":\"udp\",\"port\":7000,\"sports\":\"40001-40010\","
	"\"expect\":\"blocked\",\"ranges\":[{\"sports\":\"40005\","
	"\"expect\":\"open\"}]},"
	"{\"proto\":\"tcp\",\"port\":7000,\"sports\":\"40001-40010\"},"
	"{\"proto\":\"udp\",\"port\":53,\"sports\":\"40020-40030\"},"
	"{\"proto\":\"udp\",\"port\":123,\"sports\":\"50000-50010\"}]}";

/* A request for the defaults of the command line. */
static struct plan_request
request(void)
{
	struct plan_request rq;

	memset(&rq, 0, sizeof rq);
	rq.ports = "udp/7000,tcp/7000";
	rq.sports = "40000-40999";
	rq.settings.rate = 2000;
	rq.settings.window = 1024;
	rq.settings.attempts = 3;
	rq.settings.timeout_ms = 1000;
	return rq;
}

/* Writes json to NAME in a fresh directory; the path, free() it. */
static char *
scenario_file(char *dir, const char *json)
{
	char *path = xasprintf("%s/s.json", dir);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(json, f);
	fclose(f);
	return path;
}

Test(plan, the_command_line_is_one_target_expecting_open)
{
	struct plan_request rq = request();
	struct report r = {0};
	struct plan p;
	char *cause = NULL;

	rq.agent = "198.18.2.1";
	cr_assert_eq(plan_build(&p, &rq, &r, &cause), PLAN_OK, "%s",
		     cause ? cause : "");
	cr_assert_null(r.scenario_name);
	cr_assert_eq(p.ntargets, 1);
	cr_assert_str_eq(p.targets[0].label, "198.18.2.1");
	cr_assert(p.targets[0].agent);
	cr_assert_eq(netaddr_port((struct sockaddr *)&p.targets[0].address),
		     7455);
	cr_assert_str_eq(p.targets[0].dns_name, PLAN_AGENT_DNS_BASE);
	cr_assert_eq(r.ntargets, 1);
	cr_assert_str_eq(r.targets[0].name, "");
	cr_assert_eq(r.nchecks, 2);
	cr_assert_eq(r.checks[0].proto, PROTO_UDP);
	cr_assert_eq(r.checks[1].proto, PROTO_TCP);
	cr_assert_eq(r.checks[1].expect, EXPECT_OPEN);
	cr_assert_eq(range_list_size(&r.checks[1].sports), 1000);
	/* Same source ports: one group, one sweep. */
	cr_assert_eq(p.targets[0].ngroups, 1);
	cr_assert_eq(p.targets[0].groups[0].nchecks, 2);
	cr_assert_eq(plan_ports(&p), 2000);
	cr_assert_eq(p.settings.rate, 2000);
	plan_free(&p);
	report_free(&r);
}

Test(plan, a_scenario_lands_in_the_report_and_groups_by_source_ports)
{
	struct plan_request rq = request();
	struct report r = {0};
	struct plan p;
	char dir[] = "/tmp/nacl-plan-XXXXXX", *path, *cause = NULL;
	char addr[NETADDR_STRLEN];

	cr_assert_not_null(mkdtemp(dir));
	path = scenario_file(dir, text);
	rq.scenario = path;
	cr_assert_eq(plan_build(&p, &rq, &r, &cause), PLAN_OK, "%s",
		     cause ? cause : "");
	cr_assert_str_eq(r.scenario_name, "two");
	cr_assert_str_eq(r.scenario_description, "d");
	cr_assert_eq(p.ntargets, 2);
	cr_assert_str_eq(r.targets[0].name, "app");
	cr_assert_str_eq(r.targets[0].address, "198.18.2.1");
	cr_assert_str_eq(r.targets[0].bind, "127.0.0.1");
	cr_assert_str_eq(r.targets[0].probe_cidr, "127.0.0.0/8");
	cr_assert_str_eq(r.targets[0].agent_nacl, "acl-0b2");
	/* Each target's checks in the order it lists them. */
	cr_assert_eq(r.nchecks, 4);
	cr_assert_eq(r.checks[0].proto, PROTO_TCP);
	cr_assert_eq(r.checks[1].expect, EXPECT_BLOCKED);
	cr_assert_eq(r.checks[1].nexpectations, 1);
	cr_assert_eq(r.checks[1].expectations[0].from, 40005);
	cr_assert_eq(r.checks[3].port, 53);
	cr_assert_eq(r.checks[3].target, 1);
	cr_assert_eq(netaddr_port((struct sockaddr *)&p.targets[0].address),
		     7456);
	cr_assert_str_eq(
		netaddr_format((struct sockaddr *)&p.targets[0].bind, addr),
		"127.0.0.1");
	cr_assert_str_eq(p.targets[0].label, "app (198.18.2.1:7456)");
	cr_assert_str_eq(p.targets[1].label, "dns (198.18.2.53)");
	cr_assert_str_eq(p.targets[1].dns_name, PLAN_DEFAULT_DNS_NAME);
	/* app: udp/123 sweeps other ports than tcp+udp/7000: two sweeps. */
	cr_assert_eq(p.targets[0].ngroups, 2);
	cr_assert_eq(p.targets[0].groups[0].nchecks, 2);
	cr_assert_eq(p.targets[0].groups[0].checks[0], 0);
	cr_assert_eq(p.targets[0].groups[0].checks[1], 1);
	cr_assert_eq(p.targets[0].groups[1].checks[0], 2);
	cr_assert_eq(p.targets[1].ngroups, 1);
	plan_free(&p);
	report_free(&r);
	unlink(path);
	free(path);
	rmdir(dir);
}

Test(plan, flags_override_the_scenario_settings_and_names)
{
	struct plan_request rq = request();
	struct report r = {0};
	struct plan p;
	char dir[] = "/tmp/nacl-plan-XXXXXX", *path, *cause = NULL;

	cr_assert_not_null(mkdtemp(dir));
	path = scenario_file(dir,
			     "{\"name\":\"s\",\"settings\":{\"rate\":50,"
			     "\"timeout_ms\":300},\"targets\":[{\"name\":\"a\","
			     "\"agent\":\"198.18.2.1\"}],\"checks\":[{"
			     "\"proto\":\"udp\",\"port\":7000,\"sports\":"
			     "\"40000-40099\"}]}");
	rq.scenario = path;
	rq.dns_name = "name.test";
	rq.settings.rate = 10;
	rq.rate_set = true;
	rq.sports = "40050-40059";
	rq.sports_set = true;
	cr_assert_eq(plan_build(&p, &rq, &r, &cause), PLAN_OK, "%s",
		     cause ? cause : "");
	cr_assert_eq(p.settings.rate, 10);
	cr_assert_eq(p.settings.timeout_ms, 300);
	cr_assert_str_eq(p.targets[0].dns_name, "name.test");
	cr_assert_eq(range_list_size(&r.checks[0].sports), 10);
	plan_free(&p);
	report_free(&r);
	unlink(path);
	free(path);
	rmdir(dir);
}

static void
assert_plan_error(const struct plan_request *rq, enum plan_error want,
		  const char *expected)
{
	struct report r = {0};
	struct plan p;
	char *cause = NULL;

	cr_assert_eq(plan_build(&p, rq, &r, &cause), want);
	cr_assert_str_eq(cause, expected);
	free(cause);
	report_free(&r);
}

Test(plan, command_line_errors_name_the_flag)
{
	/* What each case sets over request(); NULL leaves it. */
	static const struct {
		const char *agent, *target, *ports, *key_file, *bind, *error;
	} cases[] = {
		{"198.18.2.1", NULL, "udp/7000,sctp/1", NULL, NULL,
		 "--ports: bad protocol 'sctp' in 'sctp/1': expected udp or "
		 "tcp"},
		{NULL, "198.18.2.1", NULL, "/nonexistent.key", NULL,
		 "--key-file goes with --agent: real servers (--target) take "
		 "no key"},
		{"198.18.2.1", NULL, NULL, NULL, "2001:db8:1::1",
		 "--bind 2001:db8:1::1 and the target 198.18.2.1 are not the "
		 "same address family"},
		{"198.18.2.1", NULL, NULL, NULL, "198.18.9.9",
		 "--bind 198.18.9.9: not an address of this host: give one of "
		 "its addresses (ip -brief address)"},
	};
	struct plan_request rq;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rq = request();
		if (cases[i].agent != NULL)
			rq.agent = cases[i].agent;
		if (cases[i].target != NULL)
			rq.target = cases[i].target;
		if (cases[i].ports != NULL)
			rq.ports = cases[i].ports;
		if (cases[i].key_file != NULL)
			rq.key_file = cases[i].key_file;
		if (cases[i].bind != NULL)
			rq.bind = cases[i].bind;
		assert_plan_error(&rq, PLAN_USAGE, cases[i].error);
	}
}

Test(plan, scenario_errors_name_the_file)
{
	struct plan_request rq = request();
	char dir[] = "/tmp/nacl-plan-XXXXXX", *path, *want;

	cr_assert_not_null(mkdtemp(dir));
	path = scenario_file(dir,
			     "{\"name\":\"s\",\"targets\":[{\"name\":\"a\","
			     "\"agent\":\"198.18.2.1\",\"key_file\":"
			     "\"none.key\"}],\"checks\":[{\"proto\":\"udp\","
			     "\"port\":7000,\"sports\":\"40000\"}]}");
	rq.scenario = path;
	want = xasprintf("%s: targets[0].key_file: cannot open key file "
			 "%s/none.key: No such file or directory",
			 path, dir);
	assert_plan_error(&rq, PLAN_SCENARIO, want);
	free(want);
	unlink(path);
	free(path);
	path = scenario_file(dir,
			     "{\"name\":\"s\",\"targets\":[{\"name\":\"a\","
			     "\"target\":\"198.18.2.53\"}],\"checks\":[{"
			     "\"proto\":\"udp\",\"port\":53,\"sports\":"
			     "\"40000\"}]}");
	rq.scenario = path;
	rq.key_file = "/nonexistent.key";
	want = xasprintf("--key-file goes with agents: the targets of %s have "
			 "none (real servers take no key)",
			 path);
	assert_plan_error(&rq, PLAN_SCENARIO, want);
	free(want);
	unlink(path);
	free(path);
	rmdir(dir);
}
