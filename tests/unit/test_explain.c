/* Unit tests for reports/explain.c: outcomes, subnets, ranges, renderings. */
/* Reports are built in memory; NACLs come from scenarios/nacl or inline. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "reports/command.h"
#include "reports/explain.h"
#include "reports/nacl_source.h"
#include "tests/unit/fixture_assert.h"
#include "tests/unit/fixture_report.h"
#include "tests/unit/fixture_text.h"

TestSuite(explain);

#define CLASSIC "scenarios/nacl/classic-mistake.json"
#define PROBE_SUBNET "subnet-0a1a1a1a1a1a1a1a1"
#define AGENT_SUBNET "subnet-0b2b2b2b2b2b2b2b2"
#define PROBE_NACL "acl-0a1a1a1a1a1a1a1a1"
#define AGENT_NACL "acl-0b2b2b2b2b2b2b2b2"

static void
report_init(struct report *r, const char *probe, const char *agent)
{
	fixture_report_init(r, "2026-11-20T10:00:00Z", "2026-11-20T10:00:02Z");
	free(r->probe_bind);
	free(r->target_address);
	r->probe_bind = xstrdup(probe);
	r->target_address = xstrdup(agent);
}

/*
 * Adds a check sweeping sports_text whose ports get the statuses of spec,
 * "FROM-TO STATUS,..." (a port named nowhere is ok).
 */
static void
add_check(struct report *r, enum proto proto, uint16_t port,
	  const char *sports_text, const char *spec)
{
	struct report_check *c =
		fixture_add_check(r, proto, port, SERVICE_ECHO, sports_text);
	char *items = xstrdup(spec), *p;

	/* Into fixture_set_statuses' "FROM-TO=STATUS ..." */
	for (p = items; *p != '\0'; p++)
		if (*p == ' ')
			*p = '=';
		else if (*p == ',')
			*p = ' ';
	fixture_set_statuses(c, items);
	free(items);
}

struct fixture {
	struct report report;
	struct nacl_set set;
	struct explain_side probe, agent;
	struct nacl_path path;
	struct explain x;
};

static void
fixture_load(struct fixture *f, const char *file, const char *probe_subnet,
	     const char *agent_subnet)
{
	memset(&f->set, 0, sizeof f->set);
	FIXTURE_OK(nacl_set_read_file, file, &f->set);
	FIXTURE_OK(explain_side_parse, &f->set, file, "--probe-subnet",
		   probe_subnet, &f->probe);
	FIXTURE_OK(explain_side_parse, &f->set, file, "--agent-subnet",
		   agent_subnet, &f->agent);
}

/* Loads file, resolves the example subnets, explains f->report. */
static void
fixture_explain(struct fixture *f, const char *file)
{
	fixture_load(f, file, PROBE_SUBNET, AGENT_SUBNET);
	report_finish(&f->report);
	FIXTURE_OK(explain_path_init, &f->path, &f->probe, "--probe-subnet",
		   f->report.probe_bind, "probe.bind", &f->agent,
		   "--agent-subnet", f->report.target_address,
		   "target.address");
	explain_build(&f->x, &f->report, &f->path);
	f->x.probe_subnet = f->probe.subnet_id;
	f->x.agent_subnet = f->agent.subnet_id;
}

static void
fixture_free(struct fixture *f)
{
	explain_free(&f->x);
	explain_side_free(&f->probe);
	explain_side_free(&f->agent);
	nacl_set_free(&f->set);
	report_free(&f->report);
}

/* "FROM-TO MEASURED OUTCOME HOP/RULE,..." of every range of a check. */
static char *
ranges_text(const struct explain_check *ec)
{
	char *out = xstrdup(""), *next, *rule;
	size_t i;

	for (i = 0; i < ec->nranges; i++) {
		const struct explain_range *er = &ec->ranges[i];

		rule = fixture_drop_text(&er->prediction);
		next = xasprintf("%s%s%u-%u %s %s %s", out, i ? "," : "",
				 er->from, er->to, status_name(er->measured),
				 explain_outcome_name(er->outcome), rule);
		free(rule);
		free(out);
		out = next;
	}
	return out;
}

static void
assert_ranges(const struct explain_check *ec, const char *expected)
{
	fixture_assert_text(ranges_text(ec), expected);
}

static char *
render_text(const struct explain *x)
{
	struct fixture_text t;

	explain_write_text(x, fixture_text_open(&t));
	return fixture_text_take(&t);
}

/* Outcomes. */

Test(explain, outcome_of_every_measurement_and_prediction)
{
	static const struct {
		enum probe_status measured, predicted;
		enum explain_outcome outcome;
	} cases[] = {
		{STATUS_OK, STATUS_OK, EXPLAIN_AGREE},
		{STATUS_OK, STATUS_REQUEST_DROPPED, EXPLAIN_CONTRADICTED},
		{STATUS_OK, STATUS_REPLY_DROPPED, EXPLAIN_CONTRADICTED},
		{STATUS_REPLY_DROPPED, STATUS_OK, EXPLAIN_UNEXPLAINED},
		{STATUS_REPLY_DROPPED, STATUS_REPLY_DROPPED, EXPLAIN_EXPLAINED},
		{STATUS_REPLY_DROPPED, STATUS_REQUEST_DROPPED,
		 EXPLAIN_WRONG_DIRECTION},
		{STATUS_REQUEST_DROPPED, STATUS_OK, EXPLAIN_UNEXPLAINED},
		{STATUS_REQUEST_DROPPED, STATUS_REQUEST_DROPPED,
		 EXPLAIN_EXPLAINED},
		{STATUS_REQUEST_DROPPED, STATUS_REPLY_DROPPED,
		 EXPLAIN_WRONG_DIRECTION},
		{STATUS_DROPPED, STATUS_OK, EXPLAIN_UNEXPLAINED},
		{STATUS_DROPPED, STATUS_REQUEST_DROPPED, EXPLAIN_EXPLAINED},
		{STATUS_DROPPED, STATUS_REPLY_DROPPED, EXPLAIN_EXPLAINED},
		{STATUS_REJECTED, STATUS_OK, EXPLAIN_UNEXPLAINED},
		{STATUS_REJECTED, STATUS_REPLY_DROPPED, EXPLAIN_UNEXPLAINED},
		{STATUS_LOCAL_ERROR, STATUS_OK, EXPLAIN_NOT_PROBED},
		{STATUS_LOCAL_ERROR, STATUS_REPLY_DROPPED, EXPLAIN_NOT_PROBED},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		cr_assert_eq(explain_outcome_of(cases[i].measured,
						cases[i].predicted),
			     cases[i].outcome, "case %zu", i);
	cr_assert_str_eq(explain_outcome_name(EXPLAIN_WRONG_DIRECTION),
			 "wrong_direction");
	cr_assert_str_eq(explain_outcome_name(EXPLAIN_NOT_PROBED),
			 "not_probed");
}

/* Subnets. */

/* Reads file into set and parses text as its --probe-subnet. */
static int
side_parse(const char *file, const char *text, struct nacl_set *set,
	   struct explain_side *side, char **cause)
{
	cr_assert_eq(nacl_set_read_file(file, set, cause), 0);
	return explain_side_parse(set, "acls.json", "--probe-subnet", text,
				  side, cause);
}

static void
assert_side(const char *file, const char *text, const char *acl,
	    const char *subnet, size_t nnets)
{
	struct nacl_set set = {0};
	struct explain_side side;
	char *cause = NULL;

	cr_assert_eq(side_parse(file, text, &set, &side, &cause), 0, "%s: %s",
		     text, cause ? cause : "");
	cr_assert_str_eq(side.acl->id, acl);
	if (subnet == NULL)
		cr_assert_null(side.subnet_id);
	else
		cr_assert_str_eq(side.subnet_id, subnet);
	cr_assert_eq(side.nnets, nnets);
	explain_side_free(&side);
	nacl_set_free(&set);
}

static void
assert_side_error(const char *file, const char *text, const char *expected)
{
	struct nacl_set set = {0};
	struct explain_side side;
	char *cause = NULL;

	cr_assert_eq(side_parse(file, text, &set, &side, &cause), -1,
		     "accepted '%s'", text);
	cr_assert_str_eq(cause, expected);
	cr_assert_null(side.acl);
	cr_assert_null(side.nets);
	free(cause);
	nacl_set_free(&set);
}

static char *
write_temp_text(const char *content)
{
	return fixture_write_temp(content, strlen(content));
}

Test(explain, subnet_forms_resolve_to_their_nacl)
{
	char *one =
		write_temp_text("{\"NetworkAcls\":[{\"NetworkAclId\":\"acl-1\","
				"\"Entries\":[]}]}");

	assert_side(CLASSIC, PROBE_SUBNET, PROBE_NACL, PROBE_SUBNET, 0);
	assert_side(CLASSIC, AGENT_NACL, AGENT_NACL, NULL, 0);
	assert_side(CLASSIC, PROBE_SUBNET "=198.18.1.0/24,2001:db8:1::/64",
		    PROBE_NACL, PROBE_SUBNET, 2);
	assert_side(CLASSIC, AGENT_NACL "=198.18.2.0/24", AGENT_NACL, NULL, 1);
	/* A CIDR alone names the NACL of a file that holds one. */
	assert_side(one, "198.18.1.0/24", "acl-1", NULL, 1);
	assert_side(one, "2001:db8:1::/64", "acl-1", NULL, 1);
	unlink(one);
	free(one);
}

Test(explain, subnet_errors_name_what_was_given_and_what_is_known)
{
	char *bare =
		write_temp_text("{\"NetworkAcls\":[{\"NetworkAclId\":\"acl-1\","
				"\"Entries\":[]},{\"NetworkAclId\":\"acl-2\","
				"\"IsDefault\":true,\"Entries\":[]}]}");

	assert_side_error(CLASSIC, "subnet-123",
			  "--probe-subnet subnet-123: no NACL in acls.json is "
			  "associated with subnet-123; known subnets: "
			  "subnet-0a1a1a1a1a1a1a1a1 (acl-0a1a1a1a1a1a1a1a1), "
			  "subnet-0b2b2b2b2b2b2b2b2 (acl-0b2b2b2b2b2b2b2b2), "
			  "subnet-0c3c3c3c3c3c3c3c3 (acl-0c3c3c3c3c3c3c3c3)");
	assert_side_error(CLASSIC, "acl-9",
			  "--probe-subnet acl-9: acls.json holds no NACL "
			  "acl-9; known: acl-0a1a1a1a1a1a1a1a1, "
			  "acl-0b2b2b2b2b2b2b2b2, acl-0c3c3c3c3c3c3c3c3 "
			  "(default)");
	assert_side_error(bare, "subnet-1",
			  "--probe-subnet subnet-1: acls.json lists no subnet "
			  "associations; name the NACL instead: acl-1, acl-2 "
			  "(default)");
	assert_side_error(CLASSIC, "198.18.1.0/24",
			  "--probe-subnet 198.18.1.0/24: a CIDR alone names no "
			  "NACL, and acls.json holds 3; give ID=198.18.1.0/24 "
			  "with one of: subnet-0a1a1a1a1a1a1a1a1 "
			  "(acl-0a1a1a1a1a1a1a1a1), subnet-0b2b2b2b2b2b2b2b2 "
			  "(acl-0b2b2b2b2b2b2b2b2), subnet-0c3c3c3c3c3c3c3c3 "
			  "(acl-0c3c3c3c3c3c3c3c3)");
	assert_side_error(CLASSIC, "probe",
			  "--probe-subnet probe: expected a subnet ID "
			  "(subnet-...), a NACL ID (acl-...), ID=CIDR[,CIDR], "
			  "or a CIDR block when the file holds one NACL");
	assert_side_error(CLASSIC, "",
			  "--probe-subnet: empty; expected a subnet ID "
			  "(subnet-...), a NACL ID (acl-...), ID=CIDR[,CIDR], "
			  "or a CIDR block when the file holds one NACL");
	assert_side_error(CLASSIC, "vpc-1=10.0.0.0/8",
			  "--probe-subnet vpc-1=10.0.0.0/8: 'vpc-1' before '=' "
			  "is not a subnet ID (subnet-...) or a NACL ID "
			  "(acl-...)");
	assert_side_error(CLASSIC, PROBE_SUBNET "=10.0.0.0/40",
			  "--probe-subnet " PROBE_SUBNET "=10.0.0.0/40: "
			  "'10.0.0.0/40' is not a CIDR block (expected an IPv4 "
			  "or IPv6 network like 10.0.1.0/24 or "
			  "2001:db8:1::/64)");
	assert_side_error(CLASSIC, PROBE_SUBNET "=10.0.0.0/8,",
			  "--probe-subnet " PROBE_SUBNET "=10.0.0.0/8,: empty "
			  "CIDR in the list (expected CIDR[,CIDR...] like "
			  "10.0.1.0/24 or 10.0.1.0/24,2001:db8:1::/64)");
	assert_side_error(CLASSIC, PROBE_SUBNET "=",
			  "--probe-subnet " PROBE_SUBNET "=: empty CIDR in the "
			  "list (expected CIDR[,CIDR...] like 10.0.1.0/24 or "
			  "10.0.1.0/24,2001:db8:1::/64)");
	unlink(bare);
	free(bare);
}

static int
path_init(const char *probe_subnet, const char *agent_subnet,
	  const char *probe_addr, const char *agent_addr,
	  struct nacl_path *path, char **cause)
{
	struct nacl_set set = {0};
	struct explain_side probe, agent;
	int rc;

	cr_assert_eq(nacl_set_read_file(CLASSIC, &set, cause), 0);
	cr_assert_eq(explain_side_parse(&set, "f", "--probe-subnet",
					probe_subnet, &probe, cause),
		     0);
	cr_assert_eq(explain_side_parse(&set, "f", "--agent-subnet",
					agent_subnet, &agent, cause),
		     0);
	rc = explain_path_init(path, &probe, "--probe-subnet", probe_addr,
			       "r.json: probe.bind", &agent, "--agent-subnet",
			       agent_addr, "r.json: target.address", cause);
	explain_side_free(&probe);
	explain_side_free(&agent);
	nacl_set_free(&set);
	return rc;
}

Test(explain, path_addresses_are_checked)
{
	struct nacl_path path;
	char *cause = NULL;

	cr_assert_eq(path_init(PROBE_SUBNET "=198.18.1.0/24,2001:db8:1::/64",
			       AGENT_SUBNET, "2001:db8:1::1", "2001:db8:2::1",
			       &path, &cause),
		     0, "%s", cause ? cause : "");
	cr_assert_eq(path.family, AF_INET6);
	cr_assert_eq(path.same_subnet, false);
	cr_assert_eq(path_init(PROBE_SUBNET, AGENT_SUBNET, "198.18.1.1",
			       "agent.example", &path, &cause),
		     -1);
	cr_assert_str_eq(cause, "r.json: target.address: 'agent.example' is "
				"not an IPv4 or IPv6 address");
	free(cause);
	cr_assert_eq(path_init(PROBE_SUBNET, AGENT_SUBNET, "198.18.1.1",
			       "2001:db8:2::1", &path, &cause),
		     -1);
	cr_assert_str_eq(cause, "the probe address (r.json: probe.bind) is "
				"IPv4 and the agent address (r.json: "
				"target.address) IPv6: expected one family");
	free(cause);
	cr_assert_eq(path_init(PROBE_SUBNET "=10.0.1.0/24,10.0.2.0/24",
			       AGENT_SUBNET, "198.18.1.1", "198.18.2.1", &path,
			       &cause),
		     -1);
	cr_assert_str_eq(cause, "r.json: probe.bind: address 198.18.1.1 is "
				"not in --probe-subnet " PROBE_SUBNET
				" (10.0.1.0/24, 10.0.2.0/24); is that the "
				"right subnet?");
	free(cause);
	/* CIDRs of the other family only: the address is in none of them. */
	cr_assert_eq(path_init(PROBE_SUBNET "=198.18.1.0/24", AGENT_SUBNET,
			       "2001:db8:1::1", "2001:db8:2::1", &path, &cause),
		     -1);
	cr_assert_str_eq(cause, "r.json: probe.bind: address 2001:db8:1::1 is "
				"not in --probe-subnet " PROBE_SUBNET
				" (198.18.1.0/24); is that the right subnet?");
	free(cause);
}

Test(explain, one_subnet_on_both_sides_is_not_filtered)
{
	struct nacl_path path;
	char *cause = NULL;

	cr_assert_eq(path_init(PROBE_SUBNET, PROBE_SUBNET, "198.18.1.1",
			       "198.18.1.2", &path, &cause),
		     0);
	cr_assert_eq(path.same_subnet, true);
	/* Two subnets sharing one NACL are still filtered. */
	cr_assert_eq(path_init(PROBE_NACL, PROBE_NACL, "198.18.1.1",
			       "198.18.1.2", &path, &cause),
		     0);
	cr_assert_eq(path.same_subnet, false);
}

/* Prediction, grouping and outcomes. */

Test(explain, classic_mistake_is_attributed_per_port)
{
	struct fixture f;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "1000-1050,32760-32780",
		  "1000-1050 reply_dropped,32760-32767 reply_dropped");
	add_check(&f.report, PROTO_TCP, 7000, "60990-61010",
		  "61000-61010 reply_dropped");
	fixture_explain(&f, CLASSIC);
	cr_assert_eq(f.x.nchecks, 2);
	/* One measured range splits where the deciding rule changes. */
	assert_ranges(&f.x.checks[0],
		      "1000-1023 reply_dropped explained agent-out/*,"
		      "1024-1050 reply_dropped explained probe-in/*,"
		      "32760-32767 reply_dropped explained probe-in/*,"
		      "32768-32780 ok agree -");
	assert_ranges(&f.x.checks[1], "60990-60999 ok agree -,"
				      "61000-61010 reply_dropped explained "
				      "probe-in/*");
	cr_assert_eq(f.x.checks[0].ports[EXPLAIN_AGREE], 13);
	cr_assert_eq(f.x.checks[0].ports[EXPLAIN_EXPLAINED], 59);
	cr_assert_eq(f.x.ranges[EXPLAIN_EXPLAINED], 4);
	cr_assert_eq(f.x.ranges[EXPLAIN_AGREE], 2);
	cr_assert_eq(explain_exit_code(&f.x), 0);
	fixture_free(&f);
}

Test(explain, disagreements_are_named_and_fail)
{
	struct fixture f;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	/* 40000-40009 dropped though allowed; 32760-32767 ok though denied;
	 * 1024-1030 reply denied but measured request_dropped. */
	add_check(&f.report, PROTO_UDP, 7000,
		  "1024-1030,32760-32770,40000-40020",
		  "1024-1030 request_dropped,40000-40009 reply_dropped,"
		  "40010-40012 rejected,40013-40014 local_error");
	fixture_explain(&f, CLASSIC);
	assert_ranges(&f.x.checks[0],
		      "1024-1030 request_dropped wrong_direction probe-in/*,"
		      "32760-32767 ok contradicted probe-in/*,"
		      "32768-32770 ok agree -,"
		      "40000-40009 reply_dropped unexplained -,"
		      "40010-40012 rejected unexplained -,"
		      "40013-40014 local_error not_probed -,"
		      "40015-40020 ok agree -");
	cr_assert_eq(f.x.ranges[EXPLAIN_UNEXPLAINED], 2);
	cr_assert_eq(f.x.ranges[EXPLAIN_CONTRADICTED], 1);
	cr_assert_eq(f.x.ranges[EXPLAIN_WRONG_DIRECTION], 1);
	cr_assert_eq(f.x.ranges[EXPLAIN_NOT_PROBED], 1);
	cr_assert_eq(explain_exit_code(&f.x), 1);
	fixture_free(&f);
}

Test(explain, not_probed_alone_does_not_fail)
{
	struct fixture f;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "40000-40010",
		  "40005-40005 local_error");
	fixture_explain(&f, CLASSIC);
	assert_ranges(&f.x.checks[0], "40000-40004 ok agree -,"
				      "40005-40005 local_error not_probed -,"
				      "40006-40010 ok agree -");
	cr_assert_eq(explain_exit_code(&f.x), 0);
	fixture_free(&f);
}

Test(explain, agentless_drops_are_explained_either_way)
{
	struct fixture f;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	f.report.target_agent = false;
	add_check(&f.report, PROTO_TCP, 7000, "61000-61001",
		  "61000-61001 dropped");
	/* The agent subnet admits no tcp/7001: a request drop. */
	add_check(&f.report, PROTO_TCP, 7001, "40000-40001",
		  "40000-40001 dropped");
	fixture_explain(&f, CLASSIC);
	assert_ranges(&f.x.checks[0],
		      "61000-61001 dropped explained probe-in/*");
	assert_ranges(&f.x.checks[1],
		      "40000-40001 dropped explained agent-in/*");
	cr_assert_eq(explain_exit_code(&f.x), 0);
	fixture_free(&f);
}

/* A group never spans ports the sweep skipped, nor a change of rule. */
Test(explain, groups_stop_at_sports_gaps_and_rule_changes)
{
	struct fixture f;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "4990-4995,4997-5000", "");
	fixture_explain(&f, "scenarios/nacl/deny-before-allow.json");
	assert_ranges(&f.x.checks[0], "4990-4995 ok contradicted probe-in/90,"
				      "4997-5000 ok contradicted probe-in/90");
	fixture_free(&f);
	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "4985-5015", "");
	fixture_explain(&f, "scenarios/nacl/deny-before-allow.json");
	assert_ranges(&f.x.checks[0], "4985-4989 ok agree -,"
				      "4990-5010 ok contradicted probe-in/90,"
				      "5011-5015 ok agree -");
	fixture_free(&f);
}

Test(explain, ipv6_probes_meet_only_ipv6_entries)
{
	struct fixture f;

	report_init(&f.report, "2001:db8:1::1", "2001:db8:2::1");
	add_check(&f.report, PROTO_TCP, 7000, "32767-32768,60999-61000",
		  "32767-32767 reply_dropped,61000-61000 reply_dropped");
	fixture_explain(&f, "scenarios/nacl/ipv6.json");
	assert_ranges(&f.x.checks[0],
		      "32767-32767 reply_dropped explained probe-in/*,"
		      "32768-32768 ok agree -,60999-60999 ok agree -,"
		      "61000-61000 reply_dropped explained probe-in/*");
	cr_assert_eq(
		f.x.checks[0].ranges[1].prediction.hops[3].entry->rule_number,
		101);
	fixture_free(&f);
	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_TCP, 7000, "32767-32768", "");
	fixture_explain(&f, "scenarios/nacl/ipv6.json");
	assert_ranges(&f.x.checks[0], "32767-32768 ok agree -");
	cr_assert_eq(
		f.x.checks[0].ranges[0].prediction.hops[3].entry->rule_number,
		100);
	fixture_free(&f);
}

/* Renderings. */

Test(explain, text_for_the_classic_mistake_is_exact)
{
	struct fixture f;
	char *text;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "1000-1030,32760-32770",
		  "1000-1030 reply_dropped,32760-32767 reply_dropped");
	fixture_explain(&f, CLASSIC);
	text = render_text(&f.x);
	cr_assert_str_eq(
		text,
		"probe 198.18.1.1: subnet " PROBE_SUBNET ", NACL " PROBE_NACL
		" (probe-subnet: replies to 32768-60999 only)\n"
		"agent 198.18.2.1: subnet " AGENT_SUBNET ", NACL " AGENT_NACL
		" (agent-subnet)\n"
		"udp/7000 echo  sports 1000-1030,32760-32770 (42 ports): 3 "
		"agree, 39 explained\n"
		"  1000-1023  reply_dropped (24 ports): explained\n"
		"    dropped by agent subnet outbound: " AGENT_NACL
		" rule * (default deny)\n"
		"  1024-1030  reply_dropped (7 ports): explained\n"
		"    dropped by probe subnet inbound: " PROBE_NACL
		" rule * (default deny)\n"
		"  32760-32767  reply_dropped (8 ports): explained\n"
		"    dropped by probe subnet inbound: " PROBE_NACL
		" rule * (default deny)\n"
		"Verdict: agree: the NACLs explain every measurement (ports: 3 "
		"agree, 39 explained)\n");
	free(text);
	fixture_free(&f);
}

Test(explain, text_for_disagreements_is_exact)
{
	struct fixture f;
	char *text;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "1024,4990-4991,40000-40002",
		  "1024-1024 request_dropped,4990-4990 reply_dropped,"
		  "40000-40000 reply_dropped,40001-40001 rejected,"
		  "40002-40002 local_error");
	f.report.checks[0].nat_translated = 2;
	fixture_explain(&f, "scenarios/nacl/deny-before-allow.json");
	text = render_text(&f.x);
	cr_assert_str_eq(
		text,
		"probe 198.18.1.1: subnet " PROBE_SUBNET ", NACL " PROBE_NACL
		" (probe-subnet: denies udp 4990-5010 before the allow)\n"
		"agent 198.18.2.1: subnet " AGENT_SUBNET ", NACL " AGENT_NACL
		" (agent-subnet: denies udp 7001 before the allow)\n"
		"udp/7000 echo  sports 1024,4990-4991,40000-40002 (6 ports): "
		"1 explained, 3 unexplained, 1 contradicted, 1 not probed\n"
		"  warning: a NAT on the path rewrote 2 source ports: the NACL "
		"behind it saw other ports than these\n"
		"  1024  request_dropped (1 port): UNEXPLAINED\n"
		"    the NACLs allow it (probe-out rule 100, agent-in rule "
		"120, "
		"agent-out rule 110, probe-in rule 110): something else on the "
		"path drops it (a security group, a host firewall)\n"
		"  4990  reply_dropped (1 port): explained\n"
		"    dropped by probe subnet inbound: " PROBE_NACL
		" rule 90 (deny udp 4990-5010 from 0.0.0.0/0)\n"
		"  4991  ok (1 port): CONTRADICTED\n"
		"    the NACLs should have dropped it, by probe subnet "
		"inbound: "
		"" PROBE_NACL " rule 90 (deny udp 4990-5010 from 0.0.0.0/0); "
		"is the export stale?\n"
		"  40000  reply_dropped (1 port): UNEXPLAINED\n"
		"    the NACLs allow it (probe-out rule 100, agent-in rule "
		"120, "
		"agent-out rule 110, probe-in rule 110): something else on the "
		"path drops it (a security group, a host firewall)\n"
		"  40001  rejected (1 port): UNEXPLAINED\n"
		"    a NACL drops silently and never rejects: something else "
		"on "
		"the path refused it (a host firewall, a closed port)\n"
		"  40002  local_error (1 port): not probed\n"
		"    the probe could not send from these ports; the NACLs "
		"would "
		"allow them\n"
		"Verdict: disagree: 4 ranges where the NACLs and the "
		"measurement differ (ranges: 1 explained, 3 unexplained, 1 "
		"contradicted, 1 not probed)\n");
	free(text);
	fixture_free(&f);
}

Test(explain, text_for_a_request_dropped_by_the_reply_rule)
{
	struct fixture f;
	char *text, *line;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "61000",
		  "61000-61000 request_dropped");
	add_check(&f.report, PROTO_UDP, 7001, "40000",
		  "40000-40000 reply_dropped");
	fixture_explain(&f, CLASSIC);
	text = render_text(&f.x);
	line = strstr(text, "  61000  request_dropped (1 port): WRONG "
			    "DIRECTION\n    the requests never reached the "
			    "agent, yet the NACLs drop only the replies, by "
			    "probe subnet inbound: " PROBE_NACL
			    " rule * (default deny); is the export stale, or "
			    "are the subnets swapped?\n");
	cr_assert_not_null(line, "%s", text);
	line = strstr(text, "  40000  reply_dropped (1 port): WRONG "
			    "DIRECTION\n    the agent saw the requests, yet "
			    "the NACLs drop them on the way there, by agent "
			    "subnet inbound: " AGENT_NACL
			    " rule * (default deny); is the export stale, or "
			    "are the subnets swapped?\n");
	cr_assert_not_null(line, "%s", text);
	free(text);
	fixture_free(&f);
}

Test(explain, json_document_is_exact)
{
	struct fixture f;
	cJSON *root;
	char *text;

	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "60999-61000",
		  "61000-61000 reply_dropped");
	fixture_explain(&f, CLASSIC);
	root = explain_to_json(&f.x);
	text = cJSON_PrintUnformatted(root);
	cr_assert_str_eq(
		text,
		"{\"schema\":\"nacl-probe/explain/v1\","
		"\"probe\":{\"address\":\"198.18.1.1\",\"subnet\":"
		"\"" PROBE_SUBNET "\",\"nacl\":\"" PROBE_NACL "\",\"name\":"
		"\"probe-subnet: replies to 32768-60999 only\"},"
		"\"agent\":{\"address\":\"198.18.2.1\",\"subnet\":"
		"\"" AGENT_SUBNET "\",\"nacl\":\"" AGENT_NACL "\",\"name\":"
		"\"agent-subnet\"},"
		"\"same_subnet\":false,"
		"\"checks\":[{\"proto\":\"udp\",\"port\":7000,\"service\":"
		"\"echo\",\"sports\":\"60999-61000\",\"nat_translated\":0,"
		"\"ports\":{\"agree\":1,\"explained\":1,\"unexplained\":0,"
		"\"contradicted\":0,\"wrong_direction\":0,\"not_probed\":0,"
		"\"not_nacl\":0},"
		"\"ranges\":["
		"{\"from\":60999,\"to\":60999,\"measured\":\"ok\","
		"\"predicted\":\"ok\",\"outcome\":\"agree\",\"drop\":null,"
		"\"allowed_by\":["
		"{\"hop\":\"probe-out\",\"nacl\":\"" PROBE_NACL "\","
		"\"direction\":\"outbound\",\"rule\":100,\"default\":false,"
		"\"action\":\"allow\",\"entry\":\"allow all to 0.0.0.0/0\"},"
		"{\"hop\":\"agent-in\",\"nacl\":\"" AGENT_NACL "\","
		"\"direction\":\"inbound\",\"rule\":120,\"default\":false,"
		"\"action\":\"allow\",\"entry\":\"allow udp 7000 from "
		"198.18.1.0/24\"},"
		"{\"hop\":\"agent-out\",\"nacl\":\"" AGENT_NACL "\","
		"\"direction\":\"outbound\",\"rule\":110,\"default\":false,"
		"\"action\":\"allow\",\"entry\":\"allow udp 1024-65535 to "
		"0.0.0.0/0\"},"
		"{\"hop\":\"probe-in\",\"nacl\":\"" PROBE_NACL "\","
		"\"direction\":\"inbound\",\"rule\":110,\"default\":false,"
		"\"action\":\"allow\",\"entry\":\"allow udp 32768-60999 from "
		"0.0.0.0/0\"}]},"
		"{\"from\":61000,\"to\":61000,\"measured\":\"reply_dropped\","
		"\"predicted\":\"reply_dropped\",\"outcome\":\"explained\","
		"\"drop\":{\"hop\":\"probe-in\",\"nacl\":\"" PROBE_NACL "\","
		"\"direction\":\"inbound\",\"rule\":32767,\"default\":true,"
		"\"action\":\"deny\",\"entry\":\"deny all from 0.0.0.0/0\"}}"
		"]}],"
		"\"summary\":{\"ranges\":{\"agree\":1,\"explained\":1,"
		"\"unexplained\":0,\"contradicted\":0,\"wrong_direction\":0,"
		"\"not_probed\":0,\"not_nacl\":0},\"ports\":{\"agree\":1,"
		"\"explained\":1,"
		"\"unexplained\":0,\"contradicted\":0,\"wrong_direction\":0,"
		"\"not_probed\":0,\"not_nacl\":0},\"verdict\":\"agree\"}}");
	free(text);
	cJSON_Delete(root);
	fixture_free(&f);
}

/* The command. */

static char *
saved_report(const char *probe, const char *spec)
{
	struct report r;
	char *path = xstrdup("/tmp/test_explain_report.XXXXXX"), *cause = NULL;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	report_init(&r, probe, "198.18.2.1");
	add_check(&r, PROTO_UDP, 7000, "60999-61000", spec);
	report_finish(&r);
	cr_assert_eq(report_write_json(&r, path, &cause), 0);
	report_free(&r);
	return path;
}

static int
run(int argc, const char **argv)
{
	return explain_command(argc, (char **)argv);
}

/* getopt permutes argv: every run gets a fresh one. */
static int
run_explain(const char *report, bool json)
{
	const char *argv[] = {
		"explain",	  report,	"--nacl",	  CLASSIC,
		"--probe-subnet", PROBE_SUBNET, "--agent-subnet", AGENT_SUBNET,
		"--json",	  NULL};

	return run(json ? 9 : 8, argv);
}

Test(explain, command_exit_codes, .init = cr_redirect_stdout)
{
	char *agree = saved_report("198.18.1.1", "61000-61000 reply_dropped");
	char *differ = saved_report("198.18.1.1", "");

	cr_assert_eq(run_explain(agree, false), 0);
	cr_assert_eq(run_explain(agree, true), 0);
	cr_assert_eq(run_explain(differ, false), 1);
	cr_assert_eq(run_explain(differ, true), 1);
	unlink(agree);
	unlink(differ);
	free(agree);
	free(differ);
}

Test(explain, command_usage_errors_exit_2, .init = cr_redirect_stderr)
{
	char *unbound = saved_report("", "");
	const char *missing_nacl[] = {
		"explain",    unbound,		"--probe-subnet",
		PROBE_SUBNET, "--agent-subnet", AGENT_SUBNET,
		NULL};
	const char *missing_agent[] = {
		"explain",	  unbound,	"--nacl", CLASSIC,
		"--probe-subnet", PROBE_SUBNET, NULL};
	const char *no_bind[] = {
		"explain",	  unbound,	    "--nacl",
		CLASSIC,	  "--probe-subnet", PROBE_SUBNET,
		"--agent-subnet", AGENT_SUBNET,	    NULL};
	const char *bad_option[] = {"explain", unbound, "--table", "x", NULL};
	const char *no_report[] = {"explain", "--nacl", CLASSIC, NULL};
	const char *help[] = {"explain", "--help", NULL};

	cr_assert_eq(run(6, missing_nacl), 2);
	cr_assert_eq(run(6, missing_agent), 2);
	cr_assert_eq(run(8, no_bind), 2);
	cr_assert_eq(run(4, bad_option), 2);
	cr_assert_eq(run(3, no_report), 2);
	fflush(stderr);
	unlink(unbound);
	free(unbound);
	cr_redirect_stdout();
	cr_assert_eq(run(2, help), 0);
}

Test(explain, unbound_probe_needs_probe_address, .init = cr_redirect_stderr)
{
	char *unbound = saved_report("", "61000-61000 reply_dropped");
	const char *argv[] = {"explain",	unbound,	  "--nacl",
			      CLASSIC,		"--probe-subnet", PROBE_SUBNET,
			      "--agent-subnet", AGENT_SUBNET,	  NULL};
	char *expected = xasprintf(
		"nacl-report explain: %s: probe.bind is empty: the probe bound "
		"no address; give --probe-address ADDR\n",
		unbound);

	cr_assert_eq(run(8, argv), 2);
	fflush(stderr);
	cr_assert_stderr_eq_str(expected);
	free(expected);
	unlink(unbound);
	free(unbound);
}

Test(explain, probe_address_option_fills_in, .init = cr_redirect_stdout)
{
	char *unbound = saved_report("", "61000-61000 reply_dropped");
	const char *argv[] = {"explain",
			      unbound,
			      "--nacl",
			      CLASSIC,
			      "--probe-subnet",
			      PROBE_SUBNET,
			      "--agent-subnet",
			      AGENT_SUBNET,
			      "--probe-address",
			      "198.18.1.9",
			      NULL};

	cr_assert_eq(run(10, argv), 0);
	unlink(unbound);
	free(unbound);
}

Test(explain, nft_command_needs_cidrs, .init = cr_redirect_stderr)
{
	const char *argv[] = {
		"nft",	      CLASSIC,		"--probe-subnet",
		PROBE_SUBNET, "--agent-subnet", AGENT_SUBNET "=198.18.2.0/24",
		NULL};
	const char *bad_table[] = {"nft",
				   CLASSIC,
				   "--probe-subnet",
				   PROBE_SUBNET "=198.18.1.0/24",
				   "--agent-subnet",
				   AGENT_SUBNET "=198.18.2.0/24",
				   "--table",
				   "x;y",
				   NULL};

	cr_assert_eq(nft_command(6, (char **)argv), 2);
	cr_assert_eq(nft_command(8, (char **)bad_table), 2);
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"nacl-report nft: --probe-subnet needs its CIDRs: give "
		"ID=CIDR[,CIDR], e.g. subnet-0abc=198.18.1.0/24,2001:db8:1::/64"
		"\nTry 'nacl-report nft --help'.\n"
		"nacl-report nft: 'x;y' is not an nft name for --table "
		"(expected letters, digits and '_')\n"
		"Try 'nacl-report nft --help'.\n");
}

/* A plan's or template's NACLs are named by address or logical ID too. */
Test(explain, sides_of_a_plan_are_named_by_address)
{
	struct nacl_source src = {NULL,
				  "scenarios/terraform/narrow-ephemeral."
				  "json",
				  NULL, false};
	struct explain_side side;
	struct nacl_set set;
	char *cause = NULL;

	cr_assert_eq(nacl_source_load(&src, &set, &cause), 0);
	cr_assert_eq(explain_side_parse(&set, "plan.json", "--agent-subnet",
					"aws_network_acl.agent=198.18.2.0/24",
					&side, &cause),
		     0, "%s", cause ? cause : "");
	cr_assert_str_eq(side.acl->id, "acl-0b2b2b2b2b2b2b2b2");
	cr_assert_eq(side.nnets, 1);
	cr_assert_null(side.subnet_id);
	explain_side_free(&side);
	cr_assert_eq(explain_side_parse(&set, "plan.json", "--probe-subnet",
					"subnet-0a1a1a1a1a1a1a1a1", &side,
					&cause),
		     0);
	cr_assert_str_eq(side.subnet_id, "subnet-0a1a1a1a1a1a1a1a1");
	explain_side_free(&side);
	cr_assert_eq(explain_side_parse(&set, "plan.json", "--probe-subnet",
					"aws_network_acl.gone=10.0.0.0/8",
					&side, &cause),
		     -1);
	cr_assert_str_eq(cause,
			 "--probe-subnet aws_network_acl.gone=10.0.0.0/8: "
			 "aws_network_acl.gone names no NACL or subnet of "
			 "plan.json; known: acl-0b2b2b2b2b2b2b2b2 "
			 "(aws_network_acl.agent), subnet-0b2b2b2b2b2b2b2b2 "
			 "(in acl-0b2b2b2b2b2b2b2b2), acl-0a1a1a1a1a1a1a1a1 "
			 "(aws_network_acl.probe), subnet-0a1a1a1a1a1a1a1a1 "
			 "(in acl-0a1a1a1a1a1a1a1a1)");
	free(cause);
	nacl_set_free(&set);
}

/* Requests that never arrived though every NACL lets them: the agent's
 * security groups are judged, and the one that drops them named. */
Test(explain, security_groups_name_an_unexplained_request_drop)
{
	static const char groups[] =
		"{\"SecurityGroups\":[{\"GroupId\":\"sg-0a1\",\"GroupName\":"
		"\"agent\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\","
		"\"FromPort\":7455,\"ToPort\":7455,\"IpRanges\":[{\"CidrIp\":"
		"\"198.18.1.0/24\"}]}]}]}";
	struct fixture f;
	struct sg_set sgs;
	char *cause = NULL, *text = NULL;
	size_t size = 0;
	cJSON *root = cJSON_Parse(groups), *json, *range;
	FILE *out;

	cr_assert_eq(sg_set_from_json(root, &sgs, &cause), 0);
	cJSON_Delete(root);
	report_init(&f.report, "198.18.1.1", "198.18.2.1");
	add_check(&f.report, PROTO_UDP, 7000, "40000-40001",
		  "40000-40001 request_dropped");
	fixture_explain(&f, "scenarios/nacl/correct.json");
	explain_judge_security_groups(&f.x, &sgs);
	cr_assert_eq(f.x.checks[0].sg, SG_DENY);
	out = open_memstream(&text, &size);
	explain_write_text(&f.x, out);
	fclose(out);
	cr_assert_not_null(
		strstr(text, "  40000-40001  request_dropped (2 ports): "
			     "UNEXPLAINED\n    the NACLs allow it (probe-out "
			     "rule 100, agent-in rule 120, agent-out rule 110, "
			     "probe-in rule 110); the agent's security groups "
			     "drop it: no inbound rule of sg-0a1 (agent) "
			     "allows udp 7000 from 198.18.1.1; a NACL fix will "
			     "not help: allow it in a security group\n"),
		"%s", text);
	json = explain_to_json(&f.x);
	range = cJSON_GetArrayItem(
		cJSON_GetObjectItem(
			cJSON_GetArrayItem(cJSON_GetObjectItem(json, "checks"),
					   0),
			"ranges"),
		0);
	cr_assert_str_eq(cJSON_GetObjectItem(
				 cJSON_GetObjectItem(range, "security_groups"),
				 "verdict")
				 ->valuestring,
			 "deny");
	cJSON_Delete(json);
	free(text);
	sg_set_free(&sgs);
	fixture_free(&f);
}
