/* Unit tests for probe/scenario_plan.c: a scenario into the report's
 * targets and checks, resolved targets, keys, flag overrides. */
/* Literal addresses only: nothing here may look a name up. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/netaddr.h"
#include "common/xmalloc.h"
#include "probe/scenario_plan.h"

TestSuite(scenario_plan);

static const char text[] =
	"{\"name\":\"two\",\"description\":\"d\",\"targets\":["
	"{\"name\":\"app\",\"agent\":\"198.18.2.1:7456\",\"bind\":"
	"\"198.18.1.1\",\"probe_cidr\":\"198.18.1.0/24\",\"agent_nacl\":"
	"\"acl-0b2\",\"checks\":[1,0]},"
	"{\"name\":\"dns\",\"target\":\"198.18.2.53\",\"checks\":[2]}],"
	"\"checks\":["
	"{\"proto\":\"udp\",\"port\":7000,\"sports\":\"1-10\",\"expect\":"
	"\"blocked\",\"ranges\":[{\"sports\":\"5\",\"expect\":\"open\"}]},"
	"{\"proto\":\"tcp\",\"port\":7000,\"sports\":\"1-10\"},"
	"{\"proto\":\"udp\",\"port\":53,\"sports\":\"20-30\"}]}";

static void
parse(struct scenario *s, const char *json)
{
	char *cause = NULL;

	cr_assert_eq(
		scenario_parse(json, strlen(json), "/srv/s.json", s, &cause), 0,
		"%s", cause ? cause : "");
}

static const struct scenario_overrides defaults = {
	NULL, NULL, NULL, "agent.base", "example.com",
};

Test(scenario_plan, targets_and_checks_land_in_the_report)
{
	struct scenario s;
	struct report r = {0};
	struct run_target *t;
	char *cause = NULL, addr[NETADDR_STRLEN];
	size_t n;

	parse(&s, text);
	cr_assert_eq(scenario_plan(&s, &defaults, &r, &t, &n, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_eq(n, 2);
	cr_assert_str_eq(r.scenario_name, "two");
	cr_assert_str_eq(r.scenario_description, "d");
	cr_assert_eq(r.ntargets, 2);
	cr_assert_str_eq(r.targets[0].name, "app");
	cr_assert_str_eq(r.targets[0].address, "198.18.2.1");
	cr_assert_str_eq(r.targets[0].bind, "198.18.1.1");
	cr_assert_str_eq(r.targets[0].probe_cidr, "198.18.1.0/24");
	cr_assert_null(r.targets[0].agent_cidr);
	cr_assert_str_eq(r.targets[0].agent_nacl, "acl-0b2");
	cr_assert_str_eq(r.target_address, "198.18.2.1");
	cr_assert_str_eq(r.probe_bind, "198.18.1.1");
	cr_assert_not(r.targets[1].agent);
	/* Each target's checks in the order it lists them. */
	cr_assert_eq(r.nchecks, 3);
	cr_assert_eq(r.checks[0].proto, PROTO_TCP);
	cr_assert_eq(r.checks[0].target, 0);
	cr_assert_eq(r.checks[1].proto, PROTO_UDP);
	cr_assert_eq(r.checks[1].port, 7000);
	cr_assert_eq(r.checks[1].expect, EXPECT_BLOCKED);
	cr_assert_eq(r.checks[1].nexpectations, 1);
	cr_assert_eq(r.checks[1].expectations[0].from, 5);
	cr_assert_eq(r.checks[2].port, 53);
	cr_assert_eq(r.checks[2].service, SERVICE_DNS);
	cr_assert_eq(r.checks[2].target, 1);
	cr_assert(t[0].agent);
	cr_assert_eq(netaddr_port((struct sockaddr *)&t[0].address), 7456);
	cr_assert_str_eq(netaddr_format((struct sockaddr *)&t[0].bind, addr),
			 "198.18.1.1");
	cr_assert_str_eq(t[0].label, "app (198.18.2.1:7456)");
	cr_assert_str_eq(t[0].dns_name, "agent.base");
	cr_assert_null(t[0].key.bytes);
	cr_assert_eq(t[0].report_target, 0);
	cr_assert_eq(t[1].bind.ss_family, AF_UNSPEC);
	cr_assert_str_eq(t[1].label, "dns (198.18.2.53)");
	cr_assert_str_eq(t[1].dns_name, "example.com");
	cr_assert_eq(t[1].report_target, 1);
	run_target_free(&t[0]);
	run_target_free(&t[1]);
	free(t);
	report_free(&r);
	scenario_free(&s);
}

Test(scenario_plan, flags_override_every_target)
{
	struct scenario_overrides o = defaults;
	struct scenario s;
	struct report r = {0};
	struct run_target *t;
	char path[] = "/tmp/nacl-plan-key-XXXXXX", *cause = NULL;
	char addr[NETADDR_STRLEN];
	int fd = mkstemp(path);
	size_t n;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "0123456789abcdef0123456789abcdef\n", 33), 33);
	close(fd);
	o.key_file = path;
	o.bind = "198.18.1.9";
	o.dns_name = "name.test";
	parse(&s, text);
	cr_assert_eq(scenario_plan(&s, &o, &r, &t, &n, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_not_null(t[0].key.bytes);
	cr_assert_eq(t[0].key.len, 32);
	/* Real servers take no key. */
	cr_assert_null(t[1].key.bytes);
	cr_assert_str_eq(netaddr_format((struct sockaddr *)&t[1].bind, addr),
			 "198.18.1.9");
	cr_assert_str_eq(r.targets[0].bind, "198.18.1.9");
	cr_assert_str_eq(t[0].dns_name, "name.test");
	cr_assert_str_eq(t[1].dns_name, "name.test");
	run_target_free(&t[0]);
	run_target_free(&t[1]);
	free(t);
	report_free(&r);
	scenario_free(&s);
	unlink(path);
}

static void
assert_plan_error(const char *json, const struct scenario_overrides *o,
		  const char *expected)
{
	struct scenario s;
	struct report r = {0};
	struct run_target *t = NULL;
	char *cause = NULL;
	size_t n;

	parse(&s, json);
	cr_assert_eq(scenario_plan(&s, o, &r, &t, &n, &cause), -1);
	cr_assert_str_eq(cause, expected);
	cr_assert_null(t);
	free(cause);
	report_free(&r);
	scenario_free(&s);
}

Test(scenario_plan, a_missing_key_file_is_named_by_its_path)
{
	assert_plan_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"a\",\"agent\":"
		"\"198.18.2.1\",\"key_file\":\"none.key\"}],\"checks\":[{"
		"\"proto\":\"udp\",\"port\":7000,\"sports\":\"1\"}]}",
		&defaults,
		"/srv/s.json: targets[0].key_file: cannot open key file "
		"/srv/none.key: No such file or directory");
}

Test(scenario_plan, key_file_flag_needs_an_agent)
{
	struct scenario_overrides o = defaults;

	o.key_file = "/nonexistent.key";
	assert_plan_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"a\",\"target\":"
		"\"198.18.2.53\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"1\"}]}",
		&o,
		"--key-file goes with agents: the targets of /srv/s.json have "
		"none (real servers take no key)");
	assert_plan_error(
		"{\"name\":\"s\",\"targets\":[{\"name\":\"a\",\"agent\":"
		"\"198.18.2.1\"}],\"checks\":[{\"proto\":\"udp\",\"port\":53,"
		"\"sports\":\"1\"}]}",
		&o,
		"--key-file: cannot open key file /nonexistent.key: No such "
		"file or directory");
}

Test(scenario_plan, bind_flag_must_match_each_target)
{
	struct scenario_overrides o = defaults;

	o.bind = "2001:db8:1::1";
	assert_plan_error(text, &o,
			  "--bind 2001:db8:1::1 and targets[0] (app, "
			  "198.18.2.1) are not the same address family");
}
