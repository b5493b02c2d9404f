/* Unit tests for common/nacl.c: reader, evaluator, path, nft translation. */
/* Test JSON is written with ' for " to stay readable; errors are exact. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "reports/nacl.h"
#include "common/xmalloc.h"
#include "tests/unit/fixture_assert.h"
#include "tests/unit/fixture_text.h"

TestSuite(nacl);

static void
parse_ok(const char *single_quoted, struct nacl_set *set)
{
	char *json = fixture_double_quoted(single_quoted);
	cJSON *root = fixture_json(json);

	FIXTURE_OK(nacl_set_from_json, root, set);
	cJSON_Delete(root);
	free(json);
}

static void
assert_parse_error(const char *single_quoted, const char *expected)
{
	char *json = fixture_double_quoted(single_quoted), *cause = NULL;
	cJSON *root = fixture_json(json);
	struct nacl_set set = {0};

	cr_assert_eq(nacl_set_from_json(root, &set, &cause), -1, "accepted: %s",
		     json);
	cr_assert_not_null(cause);
	cr_assert_str_eq(cause, expected);
	cr_assert_null(set.acls);
	free(cause);
	cJSON_Delete(root);
	free(json);
}

/* One NACL acl-1 holding the entries (a JSON array's inside); free it. */
static char *
acl_1_json(const char *entries)
{
	return xasprintf("{'NetworkAcls':[{'NetworkAclId':'acl-1',"
			 "'Entries':[%s]}]}",
			 entries);
}

static void
parse_entries(const char *entries, struct nacl_set *set)
{
	char *json = acl_1_json(entries);

	parse_ok(json, set);
	free(json);
}

static void
assert_entry_error(const char *entry, const char *expected)
{
	char *json = acl_1_json(entry);

	assert_parse_error(json, expected);
	free(json);
}

static struct nacl_packet
packet(const char *peer, int protocol, uint16_t dport)
{
	struct nacl_packet p;

	memset(&p, 0, sizeof p);
	p.family = strchr(peer, ':') ? AF_INET6 : AF_INET;
	cr_assert_eq(inet_pton(p.family, peer, p.peer), 1, "%s", peer);
	p.protocol = protocol;
	p.dport = dport;
	return p;
}

/* The rule number that decides, 0 for the implicit deny; *action too. */
static int
decide(const struct nacl *acl, bool egress, const char *peer, int protocol,
       uint16_t dport, enum nacl_action *action)
{
	struct nacl_packet p = packet(peer, protocol, dport);
	struct nacl_verdict v = nacl_evaluate(acl, egress, &p);

	*action = v.action;
	return v.entry ? v.entry->rule_number : 0;
}

static void
assert_decides(const struct nacl *acl, bool egress, const char *peer,
	       int protocol, uint16_t dport, int rule, enum nacl_action action)
{
	enum nacl_action got;
	int n = decide(acl, egress, peer, protocol, dport, &got);

	cr_assert_eq(n, rule, "%s proto %d port %u: rule %d, expected %d", peer,
		     protocol, dport, n, rule);
	cr_assert_eq(got, action, "%s proto %d port %u: action %d", peer,
		     protocol, dport, (int)got);
}

#define IN false
#define OUT true

/* Parsing. */

Test(nacl, describe_output_parses_with_sorted_entries_tags_associations)
{
	struct nacl_set set;
	const struct nacl *acl;

	parse_ok("{'NetworkAcls':[{'Associations':[{'NetworkAclAssociationId':"
		 "'aclassoc-1','NetworkAclId':'acl-0a','SubnetId':'subnet-0a'},"
		 "{'SubnetId':'subnet-0b'}],"
		 "'Entries':[{'CidrBlock':'0.0.0.0/0','Egress':true,"
		 "'Protocol':'-1','RuleAction':'allow','RuleNumber':100},"
		 "{'CidrBlock':'0.0.0.0/0','Egress':false,'PortRange':{'From':"
		 "1024,'To':65535},'Protocol':'6','RuleAction':'allow',"
		 "'RuleNumber':200},"
		 "{'CidrBlock':'10.0.0.0/8','Egress':false,'Protocol':'17',"
		 "'RuleAction':'deny','RuleNumber':50}],"
		 "'IsDefault':false,'NetworkAclId':'acl-0a','Tags':[{'Key':"
		 "'env','Value':'x'},{'Key':'Name','Value':'web'}],"
		 "'VpcId':'vpc-1','OwnerId':'1'},"
		 "{'NetworkAclId':'acl-0d','IsDefault':true,'Entries':[]}]}",
		 &set);
	cr_assert_eq(set.count, 2);
	acl = &set.acls[0];
	cr_assert_str_eq(acl->id, "acl-0a");
	cr_assert_str_eq(acl->name, "web");
	cr_assert_eq(acl->is_default, false);
	cr_assert_eq(acl->nsubnets, 2);
	cr_assert_str_eq(acl->subnets[0], "subnet-0a");
	cr_assert_str_eq(acl->subnets[1], "subnet-0b");
	cr_assert_eq(acl->nentries, 3);
	/* Inbound first, by rule number; then outbound. */
	cr_assert_eq(acl->entries[0].rule_number, 50);
	cr_assert_eq(acl->entries[0].egress, false);
	cr_assert_eq(acl->entries[0].action, NACL_DENY);
	cr_assert_eq(acl->entries[0].protocol, 17);
	cr_assert_eq(acl->entries[0].cidr.prefix, 8);
	cr_assert_eq(acl->entries[1].rule_number, 200);
	cr_assert_eq(acl->entries[1].has_ports, true);
	cr_assert_eq(acl->entries[1].port_from, 1024);
	cr_assert_eq(acl->entries[1].port_to, 65535);
	cr_assert_eq(acl->entries[2].rule_number, 100);
	cr_assert_eq(acl->entries[2].egress, true);
	cr_assert_eq(acl->entries[2].protocol, NACL_PROTO_ALL);
	cr_assert_eq(set.acls[1].is_default, true);
	cr_assert_null(set.acls[1].name);
	cr_assert_eq(set.acls[1].nentries, 0);
	cr_assert_eq(nacl_set_find(&set, "acl-0d"), &set.acls[1]);
	cr_assert_null(nacl_set_find(&set, "acl-0e"));
	cr_assert_eq(nacl_set_find_subnet(&set, "subnet-0b"), &set.acls[0]);
	cr_assert_null(nacl_set_find_subnet(&set, "subnet-0c"));
	nacl_set_free(&set);
}

Test(nacl, bare_array_of_nacls_is_accepted)
{
	struct nacl_set set;

	parse_ok("[{'NetworkAclId':'acl-1','Entries':[]}]", &set);
	cr_assert_eq(set.count, 1);
	nacl_set_free(&set);
}

Test(nacl, protocol_names_and_numbers_are_accepted)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':1,'Protocol':'all','RuleAction':'ALLOW',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':2,'Protocol':6,'RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':3,'Protocol':'udp','RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':4,'Protocol':'047','RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'}",
		      &set);
	cr_assert_eq(set.acls[0].entries[0].protocol, NACL_PROTO_ALL);
	cr_assert_eq(set.acls[0].entries[0].action, NACL_ALLOW);
	cr_assert_eq(set.acls[0].entries[1].protocol, 6);
	cr_assert_eq(set.acls[0].entries[2].protocol, 17);
	cr_assert_eq(set.acls[0].entries[3].protocol, 47);
	nacl_set_free(&set);
}

/* Evaluation: one test per rule of the semantics, worked by hand. */

/* Listed 200 allow before 100 deny: rule numbers, not listing order. */
Test(nacl, entries_are_evaluated_by_ascending_rule_number)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':200,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0','PortRange':{"
		      "'From':1024,'To':65535}},"
		      "{'RuleNumber':100,'Protocol':'6','RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0','PortRange':{"
		      "'From':5000,'To':5010}}",
		      &set);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 5000, 100, NACL_DENY);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 5010, 100, NACL_DENY);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 4999, 200,
		       NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 5011, 200,
		       NACL_ALLOW);
	nacl_set_free(&set);
}

/* 100 allows 10.0.0.0/8, 110 denies 10.1.0.0/16: the allow wins there. */
Test(nacl, first_match_wins)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':100,'Protocol':'-1','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'10.0.0.0/8'},"
		      "{'RuleNumber':110,'Protocol':'-1','RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'10.1.0.0/16'},"
		      "{'RuleNumber':120,'Protocol':'-1','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'}",
		      &set);
	assert_decides(&set.acls[0], IN, "10.1.2.3", 17, 53, 100, NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "11.1.2.3", 17, 53, 120, NACL_ALLOW);
	nacl_set_free(&set);
	parse_entries("{'RuleNumber':100,'Protocol':'-1','RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'10.1.0.0/16'},"
		      "{'RuleNumber':110,'Protocol':'-1','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'10.0.0.0/8'}",
		      &set);
	assert_decides(&set.acls[0], IN, "10.1.2.3", 17, 53, 100, NACL_DENY);
	assert_decides(&set.acls[0], IN, "10.2.2.3", 17, 53, 110, NACL_ALLOW);
	nacl_set_free(&set);
}

Test(nacl, no_match_is_the_implicit_deny)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0','PortRange':{"
		      "'From':80,'To':80}}",
		      &set);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 80, 100, NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 81, 0, NACL_DENY);
	/* No outbound entry at all: everything out is denied. */
	assert_decides(&set.acls[0], OUT, "198.18.2.1", 6, 80, 0, NACL_DENY);
	nacl_set_free(&set);
	parse_entries("", &set);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 17, 53, 0, NACL_DENY);
	nacl_set_free(&set);
}

/* AWS lists the final deny as 32767; it decides like the implicit one. */
Test(nacl, listed_default_deny_32767_is_evaluated_last)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':32767,'Protocol':'-1','RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':32767,'Protocol':'-1','RuleAction':'deny',"
		      "'Egress':false,'Ipv6CidrBlock':'::/0'},"
		      "{'RuleNumber':32766,'Protocol':'17','RuleAction':"
		      "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
		      &set);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 17, 53, 32766,
		       NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 53, 32767, NACL_DENY);
	assert_decides(&set.acls[0], IN, "2001:db8:2::1", 6, 53, 32767,
		       NACL_DENY);
	nacl_set_free(&set);
}

/* Protocol -1 matches every protocol and every port, a range or not. */
Test(nacl, protocol_all_matches_every_protocol_and_port)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':100,'Protocol':'-1','RuleAction':'allow',"
		      "'Egress':true,'CidrBlock':'198.18.2.0/24','PortRange':{"
		      "'From':7000,'To':7000}}",
		      &set);
	cr_assert_eq(set.acls[0].entries[0].has_ports, false);
	assert_decides(&set.acls[0], OUT, "198.18.2.1", 6, 1, 100, NACL_ALLOW);
	assert_decides(&set.acls[0], OUT, "198.18.2.1", 17, 65535, 100,
		       NACL_ALLOW);
	assert_decides(&set.acls[0], OUT, "198.18.2.1", 1, 0, 100, NACL_ALLOW);
	assert_decides(&set.acls[0], OUT, "198.18.2.1", 47, 0, 100, NACL_ALLOW);
	assert_decides(&set.acls[0], OUT, "198.18.3.1", 6, 1, 0, NACL_DENY);
	nacl_set_free(&set);
}

Test(nacl, protocol_numbers_match_only_their_protocol)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':110,'Protocol':'1','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0','IcmpTypeCode':{"
		      "'Type':-1,'Code':-1}},"
		      "{'RuleNumber':120,'Protocol':'47','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'}",
		      &set);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 7000, 100,
		       NACL_ALLOW);
	/* No UDP entry: tcp, icmp and gre entries never match UDP. */
	assert_decides(&set.acls[0], IN, "198.18.2.1", 17, 7000, 0, NACL_DENY);
	nacl_set_free(&set);
}

/* An entry without PortRange covers every port of its protocol. */
Test(nacl, missing_port_range_means_all_ports)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':100,'Protocol':'17','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'}",
		      &set);
	cr_assert_eq(set.acls[0].entries[0].has_ports, false);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 17, 0, 100, NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 17, 1, 100, NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 17, 65535, 100,
		       NACL_ALLOW);
	nacl_set_free(&set);
}

Test(nacl, port_range_bounds_are_inclusive)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0','PortRange':{"
		      "'From':32768,'To':60999}}",
		      &set);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 32767, 0, NACL_DENY);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 32768, 100,
		       NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 60999, 100,
		       NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 61000, 0, NACL_DENY);
	nacl_set_free(&set);
}

/* An IPv4 entry never matches an IPv6 packet, and the reverse. */
Test(nacl, ipv4_and_ipv6_entries_match_only_their_family)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':100,'Protocol':'-1','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':110,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'Ipv6CidrBlock':'2001:db8:2::/64',"
		      "'PortRange':{'From':32768,'To':60999}}",
		      &set);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 1024, 100,
		       NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "2001:db8:2::1", 6, 40000, 110,
		       NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "2001:db8:2::1", 6, 1024, 0,
		       NACL_DENY);
	assert_decides(&set.acls[0], IN, "2001:db8:3::1", 6, 40000, 0,
		       NACL_DENY);
	/* ::ffff:198.18.2.1 is an IPv6 packet: the IPv4 entry stays out. */
	assert_decides(&set.acls[0], IN, "::ffff:198.18.2.1", 6, 1024, 0,
		       NACL_DENY);
	nacl_set_free(&set);
}

Test(nacl, inbound_and_outbound_lists_are_separate)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':100,'Protocol':'-1','RuleAction':'deny',"
		      "'Egress':true,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':200,'Protocol':'-1','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'}",
		      &set);
	assert_decides(&set.acls[0], IN, "198.18.2.1", 6, 80, 200, NACL_ALLOW);
	assert_decides(&set.acls[0], OUT, "198.18.2.1", 6, 80, 100, NACL_DENY);
	nacl_set_free(&set);
}

Test(nacl, icmp_type_and_code_narrow_an_icmp_entry)
{
	struct nacl_set set;
	struct nacl_packet p = packet("198.18.2.1", 1, 0);
	struct nacl_verdict v;

	parse_entries("{'RuleNumber':100,'Protocol':'1','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0','IcmpTypeCode':{"
		      "'Type':3,'Code':4}}",
		      &set);
	p.icmp_type = 3;
	p.icmp_code = 4;
	v = nacl_evaluate(&set.acls[0], IN, &p);
	cr_assert_eq(v.action, NACL_ALLOW);
	p.icmp_code = 3;
	v = nacl_evaluate(&set.acls[0], IN, &p);
	cr_assert_eq(v.action, NACL_DENY);
	cr_assert_null(v.entry);
	nacl_set_free(&set);
}

Test(nacl, entries_describe_themselves)
{
	struct nacl_set set;
	char *s;
	size_t i;
	static const char *const expected[] = {
		"deny udp 4990-5010 from 0.0.0.0/0",
		"allow tcp 7455 from 198.18.1.0/24",
		"allow tcp all ports from ::/0",
		"allow icmp type 8 from 10.0.0.0/8",
		"allow proto 47 from 10.0.0.0/8",
		"allow all to 0.0.0.0/0",
	};

	parse_entries("{'RuleNumber':1,'Protocol':'17','RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0','PortRange':{"
		      "'From':4990,'To':5010}},"
		      "{'RuleNumber':2,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'198.18.1.0/24','PortRange':{"
		      "'From':7455,'To':7455}},"
		      "{'RuleNumber':3,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'Ipv6CidrBlock':'::/0'},"
		      "{'RuleNumber':4,'Protocol':'1','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'10.0.0.0/8','IcmpTypeCode':{"
		      "'Type':8,'Code':-1}},"
		      "{'RuleNumber':5,'Protocol':'47','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'10.0.0.0/8'},"
		      "{'RuleNumber':1,'Protocol':'-1','RuleAction':'allow',"
		      "'Egress':true,'CidrBlock':'0.0.0.0/0'}",
		      &set);
	for (i = 0; i < sizeof expected / sizeof *expected; i++) {
		s = nacl_entry_describe(&set.acls[0].entries[i]);
		cr_assert_str_eq(s, expected[i]);
		free(s);
	}
	nacl_set_free(&set);
}

/* The path: the four directions, each with its port and peer. */

static const char path_json[] =
	"{'NetworkAcls':["
	"{'NetworkAclId':'acl-p','Associations':[{'SubnetId':'subnet-p'}],"
	"'Entries':["
	"{'RuleNumber':100,'Protocol':'-1','RuleAction':'allow','Egress':true,"
	"'CidrBlock':'198.18.2.0/24'},"
	"{'RuleNumber':90,'Protocol':'17','RuleAction':'deny','Egress':false,"
	"'CidrBlock':'0.0.0.0/0','PortRange':{'From':5000,'To':5000}},"
	"{'RuleNumber':100,'Protocol':'17','RuleAction':'allow','Egress':false,"
	"'CidrBlock':'198.18.2.0/24','PortRange':{'From':1024,'To':65535}}]},"
	"{'NetworkAclId':'acl-a','Associations':[{'SubnetId':'subnet-a'}],"
	"'Entries':["
	"{'RuleNumber':100,'Protocol':'17','RuleAction':'allow','Egress':false,"
	"'CidrBlock':'198.18.1.0/24','PortRange':{'From':7000,'To':7000}},"
	"{'RuleNumber':100,'Protocol':'17','RuleAction':'allow','Egress':true,"
	"'CidrBlock':'198.18.1.0/24','PortRange':{'From':2000,'To':65535}}]}"
	"]}";

static void
path_setup(struct nacl_set *set, struct nacl_path *path, const char *probe,
	   const char *agent)
{
	parse_ok(path_json, set);
	memset(path, 0, sizeof *path);
	path->probe_acl = nacl_set_find_subnet(set, "subnet-p");
	path->agent_acl = nacl_set_find_subnet(set, "subnet-a");
	path->family = AF_INET;
	inet_pton(AF_INET, probe, path->probe_addr);
	inet_pton(AF_INET, agent, path->agent_addr);
}

static void
assert_path(const struct nacl_path *path, int protocol, uint16_t port,
	    uint16_t sport, int drop_hop, int evaluated, int rule)
{
	struct nacl_path_result res;
	const struct nacl_entry *e;

	nacl_path_evaluate(path, protocol, port, sport, &res);
	cr_assert_eq(res.drop_hop, drop_hop, "port %u sport %u: drop hop %d",
		     port, sport, res.drop_hop);
	cr_assert_eq(res.evaluated, evaluated, "port %u sport %u", port, sport);
	e = res.hops[evaluated - 1].entry;
	cr_assert_eq(e ? e->rule_number : 0, rule, "port %u sport %u: rule %d",
		     port, sport, e ? e->rule_number : 0);
}

Test(nacl, path_allows_when_all_four_directions_allow)
{
	struct nacl_set set;
	struct nacl_path path;

	path_setup(&set, &path, "198.18.1.1", "198.18.2.1");
	assert_path(&path, 17, 7000, 40000, -1, 4, 100);
	nacl_set_free(&set);
}

/* Each hop judged on its own port and peer. */
Test(nacl, path_stops_at_the_first_direction_that_denies)
{
	struct nacl_set set;
	struct nacl_path path;

	path_setup(&set, &path, "198.18.1.1", "198.18.2.1");
	/* Request to 7001: agent-in has no entry for it. */
	assert_path(&path, 17, 7001, 40000, NACL_HOP_AGENT_IN, 2, 0);
	/* TCP: agent-in allows only udp. */
	assert_path(&path, 6, 7000, 40000, NACL_HOP_AGENT_IN, 2, 0);
	/* Reply to 1500: agent-out allows 2000-65535 only. */
	assert_path(&path, 17, 7000, 1500, NACL_HOP_AGENT_OUT, 3, 0);
	/* Reply to 5000: probe-in rule 90 denies before 100 allows. */
	assert_path(&path, 17, 7000, 5000, NACL_HOP_PROBE_IN, 4, 90);
	nacl_set_free(&set);
}

/* Egress judges the destination, ingress the source. */
Test(nacl, path_peers_are_the_far_end)
{
	struct nacl_set set;
	struct nacl_path path;

	/* An agent outside 198.18.2.0/24: probe-out (destination) denies. */
	path_setup(&set, &path, "198.18.1.1", "198.18.3.1");
	assert_path(&path, 17, 7000, 40000, NACL_HOP_PROBE_OUT, 1, 0);
	nacl_set_free(&set);
	/* A probe outside 198.18.1.0/24: agent-in (source) denies. */
	path_setup(&set, &path, "198.18.5.1", "198.18.2.1");
	assert_path(&path, 17, 7000, 40000, NACL_HOP_AGENT_IN, 2, 0);
	nacl_set_free(&set);
}

Test(nacl, same_subnet_path_is_not_filtered)
{
	struct nacl_set set;
	struct nacl_path path;
	struct nacl_path_result res;

	path_setup(&set, &path, "198.18.1.1", "198.18.2.1");
	path.same_subnet = true;
	nacl_path_evaluate(&path, 6, 1, 1, &res);
	cr_assert_eq(res.drop_hop, -1);
	cr_assert_eq(res.evaluated, 0);
	nacl_set_free(&set);
}

Test(nacl, hop_names)
{
	cr_assert_str_eq(nacl_hop_name(NACL_HOP_PROBE_OUT), "probe-out");
	cr_assert_str_eq(nacl_hop_name(NACL_HOP_AGENT_IN), "agent-in");
	cr_assert_str_eq(nacl_hop_name(NACL_HOP_AGENT_OUT), "agent-out");
	cr_assert_str_eq(nacl_hop_name(NACL_HOP_PROBE_IN), "probe-in");
	cr_assert_str_eq(nacl_hop_describe(NACL_HOP_AGENT_OUT),
			 "agent subnet outbound");
	cr_assert(nacl_hop_is_reply(NACL_HOP_PROBE_IN));
	cr_assert_not(nacl_hop_is_reply(NACL_HOP_AGENT_IN));
	cr_assert(nacl_hop_is_egress(NACL_HOP_AGENT_OUT));
	cr_assert_not(nacl_hop_is_egress(NACL_HOP_PROBE_IN));
}

/* nftables. */

Test(nacl, nft_translation_is_exact)
{
	struct nacl_set set;
	struct netaddr_cidr pn[2], an[2];
	struct nacl_nft_side p, a;
	char *cause = NULL, *script;

	parse_ok("{'NetworkAcls':["
		 "{'NetworkAclId':'acl-p','Entries':["
		 "{'RuleNumber':100,'Protocol':'-1','RuleAction':'allow',"
		 "'Egress':true,'CidrBlock':'0.0.0.0/0'},"
		 "{'RuleNumber':90,'Protocol':'17','RuleAction':'deny',"
		 "'Egress':false,'CidrBlock':'0.0.0.0/0','PortRange':{'From':"
		 "5000,'To':5000}},"
		 "{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		 "'Egress':false,'Ipv6CidrBlock':'2001:db8:2::/64','PortRange':"
		 "{'From':1024,'To':65535}},"
		 "{'RuleNumber':32767,'Protocol':'-1','RuleAction':'deny',"
		 "'Egress':false,'Ipv6CidrBlock':'::/0'}]},"
		 "{'NetworkAclId':'acl-a','Entries':["
		 "{'RuleNumber':10,'Protocol':'1','RuleAction':'allow',"
		 "'Egress':false,'CidrBlock':'198.18.1.0/24','IcmpTypeCode':{"
		 "'Type':8,'Code':0}},"
		 "{'RuleNumber':20,'Protocol':'17','RuleAction':'allow',"
		 "'Egress':false,'CidrBlock':'198.18.1.0/24'},"
		 "{'RuleNumber':30,'Protocol':'47','RuleAction':'deny',"
		 "'Egress':true,'Ipv6CidrBlock':'::/0'}]}]}",
		 &set);
	cr_assert_eq(netaddr_cidr_parse("198.18.1.0/24", &pn[0], &cause), 0);
	cr_assert_eq(netaddr_cidr_parse("2001:db8:1::/64", &pn[1], &cause), 0);
	cr_assert_eq(netaddr_cidr_parse("198.18.2.0/24", &an[0], &cause), 0);
	cr_assert_eq(netaddr_cidr_parse("10.9.0.0/16", &an[1], &cause), 0);
	p.acl = &set.acls[0];
	p.nets = pn;
	p.nnets = 2;
	a.acl = &set.acls[1];
	a.nets = an;
	a.nnets = 2;
	script = nacl_to_nft(&p, &a, "nacl", "forward");
	cr_assert_str_eq(
		script,
		"# Emulates NACL acl-p (probe subnet) and acl-a (agent subnet) "
		"statelessly.\n"
		"flush chain inet nacl forward\n"
		"add chain inet nacl probe_out\n"
		"flush chain inet nacl probe_out\n"
		"add rule inet nacl probe_out meta nfproto ipv4 return comment "
		"\"acl-p outbound rule 100\"\n"
		"add rule inet nacl probe_out drop comment \"acl-p outbound "
		"implicit deny\"\n"
		"add chain inet nacl agent_in\n"
		"flush chain inet nacl agent_in\n"
		"add rule inet nacl agent_in ip saddr 198.18.1.0/24 meta "
		"l4proto icmp icmp type 8 icmp code 0 return comment \"acl-a "
		"inbound rule 10\"\n"
		"add rule inet nacl agent_in ip saddr 198.18.1.0/24 meta "
		"l4proto udp return comment \"acl-a inbound rule 20\"\n"
		"add rule inet nacl agent_in drop comment \"acl-a inbound "
		"implicit deny\"\n"
		"add chain inet nacl agent_out\n"
		"flush chain inet nacl agent_out\n"
		"add rule inet nacl agent_out meta nfproto ipv6 meta l4proto "
		"47 drop comment \"acl-a outbound rule 30\"\n"
		"add rule inet nacl agent_out drop comment \"acl-a outbound "
		"implicit deny\"\n"
		"add chain inet nacl probe_in\n"
		"flush chain inet nacl probe_in\n"
		"add rule inet nacl probe_in meta nfproto ipv4 udp dport 5000 "
		"drop comment \"acl-p inbound rule 90\"\n"
		"add rule inet nacl probe_in ip6 saddr 2001:db8:2::/64 tcp "
		"dport 1024-65535 return comment \"acl-p inbound rule 100\"\n"
		"add rule inet nacl probe_in meta nfproto ipv6 drop comment "
		"\"acl-p inbound rule *\"\n"
		"add rule inet nacl probe_in drop comment \"acl-p inbound "
		"implicit deny\"\n"
		"add rule inet nacl forward ip saddr 198.18.1.0/24 ip daddr { "
		"198.18.2.0/24, 10.9.0.0/16 } jump probe_out\n"
		"add rule inet nacl forward ip saddr 198.18.1.0/24 ip daddr { "
		"198.18.2.0/24, 10.9.0.0/16 } jump agent_in\n"
		"add rule inet nacl forward ip saddr { 198.18.2.0/24, "
		"10.9.0.0/16 } ip daddr 198.18.1.0/24 jump agent_out\n"
		"add rule inet nacl forward ip saddr { 198.18.2.0/24, "
		"10.9.0.0/16 } ip daddr 198.18.1.0/24 jump probe_in\n");
	free(script);
	nacl_set_free(&set);
}

/* Reader errors name the JSON path and the bad value. */

Test(nacl, root_must_be_describe_output)
{
	assert_parse_error("{'Acls':[]}",
			   "NetworkAcls: missing (expected what 'aws ec2 "
			   "describe-network-acls' prints: {\"NetworkAcls\": "
			   "[...]})");
	assert_parse_error("42", "expected what 'aws ec2 describe-network-acls'"
				 " prints, {\"NetworkAcls\": [...]}, found a "
				 "number");
	assert_parse_error("{'NetworkAcls':{}}",
			   "NetworkAcls: expected an array of NACLs, found an "
			   "object");
	assert_parse_error("{'NetworkAcls':[]}",
			   "NetworkAcls: empty: no NACL to evaluate");
	assert_parse_error("{'NetworkAcls':[7]}",
			   "NetworkAcls[0]: expected an object (one NACL), "
			   "found a number");
}

Test(nacl, nacl_ids_are_checked)
{
	assert_parse_error("{'NetworkAcls':[{'Entries':[]}]}",
			   "NetworkAcls[0].NetworkAclId: missing (expected an "
			   "ID like acl-0123456789abcdef0)");
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'acl 1',"
			   "'Entries':[]}]}",
			   "NetworkAcls[0].NetworkAclId: 'acl 1' is not an ID "
			   "(expected 1 to 64 letters, digits, '-', '_' or "
			   "'.', like acl-0123456789abcdef0)");
	/* Control characters are never echoed to a terminal. */
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'a\\u001b[2Jb',"
			   "'Entries':[]}]}",
			   "NetworkAcls[0].NetworkAclId: 'a?[2Jb' is not an "
			   "ID (expected 1 to 64 letters, digits, '-', '_' or "
			   "'.', like acl-0123456789abcdef0)");
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'acl-1',"
			   "'Entries':[]},{'NetworkAclId':'acl-1',"
			   "'Entries':[]}]}",
			   "NetworkAcls[1].NetworkAclId: acl-1 is listed "
			   "twice");
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'acl-1'}]}",
			   "NetworkAcls[0].Entries: missing (expected an array "
			   "of NACL entries)");
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'acl-1',"
			   "'Entries':{}}]}",
			   "NetworkAcls[0].Entries: expected an array of NACL "
			   "entries, found an object");
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'acl-1',"
			   "'IsDefault':'no','Entries':[]}]}",
			   "NetworkAcls[0].IsDefault: expected true or false, "
			   "found a string");
}

Test(nacl, associations_are_checked)
{
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'acl-1',"
			   "'Entries':[],'Associations':[{}]}]}",
			   "NetworkAcls[0].Associations[0].SubnetId: missing "
			   "(expected an ID like subnet-0123456789abcdef0)");
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'acl-1',"
			   "'Entries':[],'Associations':[{'SubnetId':'s-1'}]},"
			   "{'NetworkAclId':'acl-2','Entries':[],"
			   "'Associations':[{'SubnetId':'s-1'}]}]}",
			   "NetworkAcls[1].Associations[0].SubnetId: s-1 is "
			   "associated twice (also with acl-1); a subnet has "
			   "exactly one NACL");
	assert_parse_error("{'NetworkAcls':[{'NetworkAclId':'acl-1',"
			   "'Entries':[],'Associations':'x'}]}",
			   "NetworkAcls[0].Associations: expected an array of "
			   "{\"SubnetId\": ...}, found a string");
}

Test(nacl, entry_fields_are_checked)
{
	assert_entry_error("{'Protocol':'6','RuleAction':'allow','Egress':"
			   "false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].RuleNumber: missing "
			   "(expected an integer from 1 to 32768)");
	assert_entry_error("{'RuleNumber':0,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].RuleNumber: expected an "
			   "integer from 1 to 32768, found 0");
	assert_entry_error("{'RuleNumber':32769,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].RuleNumber: expected an "
			   "integer from 1 to 32768, found 32769");
	assert_entry_error("{'RuleNumber':1.5,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].RuleNumber: expected an "
			   "integer from 1 to 32768, found 1.5");
	assert_entry_error("{'RuleNumber':1e300,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].RuleNumber: expected an "
			   "integer from 1 to 32768, found 1e+300");
	assert_entry_error("{'RuleNumber':'100','Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].RuleNumber: expected an "
			   "integer from 1 to 32768, found a string");
	assert_entry_error("{'RuleNumber':1,'Protocol':'tcpp','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].Protocol: unknown "
			   "protocol 'tcpp' (expected a protocol number as a "
			   "string: \"-1\" for all, \"6\" tcp, \"17\" udp, or "
			   "0-255)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'256','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].Protocol: unknown "
			   "protocol '256' (expected a protocol number as a "
			   "string: \"-1\" for all, \"6\" tcp, \"17\" udp, or "
			   "0-255)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'-2','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].Protocol: unknown "
			   "protocol '-2' (expected a protocol number as a "
			   "string: \"-1\" for all, \"6\" tcp, \"17\" udp, or "
			   "0-255)");
	assert_entry_error("{'RuleNumber':1,'Protocol':null,'RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].Protocol: expected a "
			   "protocol number as a string: \"-1\" for all, \"6\" "
			   "tcp, \"17\" udp, or 0-255, found null");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'permit','Egress':false,'CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].RuleAction: unknown "
			   "action 'permit' (expected allow or deny)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':'yes','CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].Egress: expected true "
			   "(outbound) or false (inbound), found a string");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','CidrBlock':'0.0.0.0/0'}",
			   "NetworkAcls[0].Entries[0].Egress: missing "
			   "(expected true (outbound) or false (inbound))");
}

Test(nacl, entry_cidrs_and_ports_are_checked)
{
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false}",
			   "NetworkAcls[0].Entries[0]: has neither CidrBlock "
			   "nor Ipv6CidrBlock (expected one of them)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0',"
			   "'Ipv6CidrBlock':'::/0'}",
			   "NetworkAcls[0].Entries[0]: has both CidrBlock and "
			   "Ipv6CidrBlock (expected one of them)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'::/0'}",
			   "NetworkAcls[0].Entries[0].CidrBlock: '::/0' is not "
			   "an IPv4 CIDR block (IPv6 ones go in "
			   "Ipv6CidrBlock)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'Ipv6CidrBlock':'10.0.0.0/"
			   "8'}",
			   "NetworkAcls[0].Entries[0].Ipv6CidrBlock: "
			   "'10.0.0.0/8' is not an IPv6 CIDR block (IPv4 ones "
			   "go in CidrBlock)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'10.0.0.0/40'}",
			   "NetworkAcls[0].Entries[0].CidrBlock: '10.0.0.0/40' "
			   "is not a CIDR block (expected an IPv4 or IPv6 "
			   "network like 10.0.1.0/24 or 2001:db8:1::/64)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0',"
			   "'PortRange':{'From':70000,'To':70001}}",
			   "NetworkAcls[0].Entries[0].PortRange.From: expected "
			   "an integer from 0 to 65535, found 70000");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0',"
			   "'PortRange':{'From':2000,'To':1000}}",
			   "NetworkAcls[0].Entries[0].PortRange: To 1000 is "
			   "below From 2000");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0',"
			   "'PortRange':{'From':1}}",
			   "NetworkAcls[0].Entries[0].PortRange.To: missing "
			   "(expected an integer from 0 to 65535)");
	assert_entry_error("{'RuleNumber':1,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0',"
			   "'PortRange':[1,2]}",
			   "NetworkAcls[0].Entries[0].PortRange: expected an "
			   "object {\"From\": N, \"To\": N}, found an array");
	assert_entry_error("{'RuleNumber':1,'Protocol':'1','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0',"
			   "'IcmpTypeCode':{'Type':300}}",
			   "NetworkAcls[0].Entries[0].IcmpTypeCode.Type: "
			   "expected an integer from -1 to 255, found 300");
	assert_entry_error("7", "NetworkAcls[0].Entries[0]: expected an "
				"object, found a number");
}

Test(nacl, duplicate_rule_numbers_in_one_direction_are_refused)
{
	struct nacl_set set;

	assert_entry_error("{'RuleNumber':100,'Protocol':'6','RuleAction':"
			   "'allow','Egress':false,'CidrBlock':'0.0.0.0/0'},"
			   "{'RuleNumber':100,'Protocol':'6','RuleAction':"
			   "'allow','Egress':true,'CidrBlock':'0.0.0.0/0'},"
			   "{'RuleNumber':100,'Protocol':'17','RuleAction':"
			   "'deny','Egress':false,'Ipv6CidrBlock':'::/0'}",
			   "NetworkAcls[0].Entries[2].RuleNumber: rule 100 "
			   "appears twice in the inbound entries (also "
			   "Entries[0]); AWS rule numbers are unique per "
			   "direction");
	/* The same number in both directions is fine. */
	parse_entries("{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':true,'CidrBlock':'0.0.0.0/0'}",
		      &set);
	nacl_set_free(&set);
}

static void
assert_file_error(const char *content, size_t len, const char *expected_tail)
{
	char *path = fixture_write_temp(content, len), *cause = NULL, *expected;
	struct nacl_set set = {0};

	cr_assert_eq(nacl_set_read_file(path, &set, &cause), -1);
	expected = xasprintf("%s: %s", path, expected_tail);
	cr_assert_str_eq(cause, expected);
	free(expected);
	free(cause);
	unlink(path);
	free(path);
}

Test(nacl, file_errors_name_the_file_and_position)
{
	char *cause = NULL;
	struct nacl_set set = {0};

	assert_file_error("", 0,
			  "empty file, expected the JSON of 'aws ec2 "
			  "describe-network-acls'");
	assert_file_error("{\n  \"NetworkAcls\": [,]\n}\n", 23,
			  "not valid JSON at line 2, column 19");
	assert_file_error("{\"NetworkAcls\": []}\0xx", 22,
			  "holds a NUL byte at offset 19: not JSON text");
	assert_file_error("{\"NetworkAcls\": []}", 19,
			  "NetworkAcls: empty: no NACL to evaluate");
	cr_assert_eq(nacl_set_read_file("/nonexistent/acls.json", &set, &cause),
		     -1);
	cr_assert_str_eq(cause, "/nonexistent/acls.json: cannot open: No such "
				"file or directory");
	free(cause);
}

Test(nacl, deep_nesting_is_refused_without_a_crash)
{
	size_t depth = 100000, i;
	char *text = xmalloc(2 * depth + 1);
	char *path, *cause = NULL;
	struct nacl_set set = {0};

	for (i = 0; i < depth; i++) {
		text[i] = '[';
		text[depth + i] = ']';
	}
	text[2 * depth] = '\0';
	path = fixture_write_temp(text, 2 * depth);
	cr_assert_eq(nacl_set_read_file(path, &set, &cause), -1);
	cr_assert_not_null(strstr(cause, "not valid JSON at line 1"));
	free(cause);
	unlink(path);
	free(path);
	free(text);
}

Test(nacl, example_files_parse)
{
	static const char *const files[] = {
		"scenarios/nacl/classic-mistake.json",
		"scenarios/nacl/correct.json",
		"scenarios/nacl/deny-before-allow.json",
		"scenarios/nacl/ipv6.json",
	};
	struct nacl_set set;
	size_t i;

	for (i = 0; i < sizeof files / sizeof *files; i++) {
		FIXTURE_OK(nacl_set_read_file, files[i], &set);
		cr_assert_eq(set.count, 3);
		cr_assert_not_null(
			nacl_set_find_subnet(&set, "subnet-0a1a1a1a1a1a1a1a1"));
		cr_assert_not_null(
			nacl_set_find_subnet(&set, "subnet-0b2b2b2b2b2b2b2b2"));
		nacl_set_free(&set);
	}
}

/* Hostile input: byte mutations of a real export either parse or fail with
 * a cause; under make san, ASan and UBSan watch every path. */
Test(nacl, mutated_exports_parse_or_fail_cleanly)
{
	static const char alphabet[] = "0123456789-:/.,{}[]\"aZ \x01\xff";
	FILE *f = fopen("scenarios/nacl/deny-before-allow.json", "r");
	char *text = xmalloc(65536), *copy;
	uint32_t seed = 12345;
	size_t len, i, k, parsed = 0, refused = 0;

	cr_assert_not_null(f);
	len = fread(text, 1, 65535, f);
	fclose(f);
	text[len] = '\0';
	copy = xmalloc(len + 1);
	for (i = 0; i < 4000; i++) {
		struct nacl_set set = {0};
		char *cause = NULL;
		cJSON *root;

		memcpy(copy, text, len + 1);
		for (k = 0; k <= i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] =
				alphabet[(seed >> 4) % (sizeof alphabet - 1)];
		}
		root = cJSON_Parse(copy);
		if (root == NULL)
			continue;
		if (nacl_set_from_json(root, &set, &cause) == 0) {
			parsed++;
			nacl_set_free(&set);
		} else {
			refused++;
			cr_assert_not_null(cause);
			cr_assert_null(set.acls);
			free(cause);
		}
		cJSON_Delete(root);
	}
	/* Both paths were exercised. */
	cr_assert_gt(parsed, 0);
	cr_assert_gt(refused, 0);
	free(copy);
	free(text);
}

/* What AWS prints for a NACL with IPv6: the IPv6 final deny as 32768. */
Test(nacl, ipv6_final_deny_32768_is_a_default_rule)
{
	struct nacl_set set;

	parse_entries("{'RuleNumber':32767,'Protocol':'-1','RuleAction':'deny',"
		      "'Egress':false,'CidrBlock':'0.0.0.0/0'},"
		      "{'RuleNumber':32768,'Protocol':'-1','RuleAction':'deny',"
		      "'Egress':false,'Ipv6CidrBlock':'::/0'},"
		      "{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		      "'Egress':false,'Ipv6CidrBlock':'::/0'}",
		      &set);
	cr_assert_eq(set.acls[0].nentries, 3);
	cr_assert_eq(set.acls[0].entries[2].rule_number, 32768);
	cr_assert(nacl_rule_is_default(32767));
	cr_assert(nacl_rule_is_default(32768));
	cr_assert_not(nacl_rule_is_default(32766));
	assert_decides(&set.acls[0], IN, "2001:db8:2::1", 6, 53, 100,
		       NACL_ALLOW);
	assert_decides(&set.acls[0], IN, "2001:db8:2::1", 17, 53, 32768,
		       NACL_DENY);
	nacl_set_free(&set);
}

/* Equal rule numbers (a plan may hold them) keep the order given. */
Test(nacl, sort_is_stable_for_equal_rule_numbers)
{
	struct nacl acl;
	struct nacl_entry e;
	const struct nacl_entry *first, *second;
	static const uint16_t numbers[] = {300, 100, 200, 100, 50};
	size_t i;

	memset(&acl, 0, sizeof acl);
	acl.id = xstrdup("acl-1");
	memset(&e, 0, sizeof e);
	for (i = 0; i < 5; i++) {
		e.rule_number = numbers[i];
		e.egress = i == 4;
		snprintf(e.origin, sizeof e.origin, "entry %zu", i);
		nacl_add_entry(&acl, &e);
	}
	nacl_sort(&acl);
	cr_assert_str_eq(acl.entries[0].origin, "entry 1");
	cr_assert_str_eq(acl.entries[1].origin, "entry 3");
	cr_assert_str_eq(acl.entries[2].origin, "entry 2");
	cr_assert_str_eq(acl.entries[3].origin, "entry 0");
	cr_assert_str_eq(acl.entries[4].origin, "entry 4");
	second = nacl_duplicate(&acl, &first);
	cr_assert_not_null(second);
	cr_assert_str_eq(first->origin, "entry 1");
	cr_assert_str_eq(second->origin, "entry 3");
	nacl_free(&acl);
	cr_assert_null(acl.entries);
}

/* The fate of every sport is constant between entry boundaries of the
 * reply hops: 1024-32767 | 32768-60999 | 61000-65535 for the classic. */
Test(nacl, same_until_stops_at_the_reply_hops_boundaries)
{
	struct nacl_set set;
	struct nacl_path path;

	parse_ok("{'NetworkAcls':[{'NetworkAclId':'acl-p','Entries':["
		 "{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		 "'Egress':false,'CidrBlock':'0.0.0.0/0','PortRange':"
		 "{'From':32768,'To':60999}},"
		 "{'RuleNumber':110,'Protocol':'17','RuleAction':'allow',"
		 "'Egress':false,'CidrBlock':'0.0.0.0/0','PortRange':"
		 "{'From':1000,'To':2000}}]},"
		 "{'NetworkAclId':'acl-a','Entries':["
		 "{'RuleNumber':100,'Protocol':'6','RuleAction':'allow',"
		 "'Egress':true,'CidrBlock':'0.0.0.0/0','PortRange':"
		 "{'From':1024,'To':65535}}]}]}",
		 &set);
	memset(&path, 0, sizeof path);
	path.probe_acl = &set.acls[0];
	path.agent_acl = &set.acls[1];
	path.family = AF_INET;
	cr_assert_eq(nacl_path_same_until(&path, 6, 1, 65535), 1023);
	cr_assert_eq(nacl_path_same_until(&path, 6, 1024, 65535), 32767);
	cr_assert_eq(nacl_path_same_until(&path, 6, 32768, 65535), 60999);
	cr_assert_eq(nacl_path_same_until(&path, 6, 61000, 65535), 65535);
	cr_assert_eq(nacl_path_same_until(&path, 6, 40000, 50000), 50000);
	/* udp's entries are not tcp's boundaries, and the reverse. */
	cr_assert_eq(nacl_path_same_until(&path, 17, 1, 65535), 999);
	cr_assert_eq(nacl_path_same_until(&path, 17, 2001, 65535), 65535);
	path.same_subnet = true;
	cr_assert_eq(nacl_path_same_until(&path, 6, 1, 65535), 65535);
	nacl_set_free(&set);
}
