/* Unit tests for reports/secgroup.c: describe-security-groups read, and a
 * request judged against the inbound rules, the way AWS admits it. */
/* Any allowing rule of any group admits; groups and prefix lists named as
 * sources cannot be judged by address and say so. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "reports/secgroup.h"
#include "tests/unit/fixture_assert.h"

TestSuite(secgroup);

/* As the CLI prints them, trimmed: one web group, one by reference. */
static const char groups_json[] =
	"{\"SecurityGroups\": ["
	"{\"Description\": \"agent\", \"GroupName\": \"agent\","
	" \"IpPermissions\": ["
	"  {\"FromPort\": 7455, \"IpProtocol\": \"tcp\", \"IpRanges\": ["
	"    {\"CidrIp\": \"198.18.1.0/24\"}], \"Ipv6Ranges\": [],"
	"   \"PrefixListIds\": [], \"ToPort\": 7455, \"UserIdGroupPairs\": []},"
	"  {\"FromPort\": 7000, \"IpProtocol\": \"udp\", \"IpRanges\": [],"
	"   \"Ipv6Ranges\": [{\"CidrIpv6\": \"2001:db8:1::/64\"}],"
	"   \"PrefixListIds\": [], \"ToPort\": 7000, \"UserIdGroupPairs\": []},"
	"  {\"FromPort\": -1, \"IpProtocol\": \"icmp\", \"IpRanges\": ["
	"    {\"CidrIp\": \"0.0.0.0/0\"}], \"ToPort\": -1}],"
	" \"OwnerId\": \"111122223333\", \"GroupId\": \"sg-0a1\","
	" \"IpPermissionsEgress\": [{\"IpProtocol\": \"-1\", \"IpRanges\": ["
	"    {\"CidrIp\": \"0.0.0.0/0\"}]}], \"VpcId\": \"vpc-1\"},"
	"{\"GroupName\": \"peers\", \"GroupId\": \"sg-0b2\","
	" \"IpPermissions\": ["
	"  {\"FromPort\": 53, \"IpProtocol\": \"udp\", \"ToPort\": 53,"
	"   \"UserIdGroupPairs\": [{\"GroupId\": \"sg-0c3\"}]}]}]}";

static void
load(struct sg_set *set)
{
	cJSON *root = fixture_json(groups_json);

	FIXTURE_OK(sg_set_from_json, root, set);
	cJSON_Delete(root);
}

static enum sg_verdict
admits(const struct sg_set *set, int protocol, uint16_t port, const char *src,
       const char **group)
{
	uint8_t addr[16] = {0};
	int family = strchr(src, ':') ? AF_INET6 : AF_INET;
	const struct sg *g;
	const struct sg_rule *r;
	enum sg_verdict v;

	cr_assert_eq(inet_pton(family, src, addr), 1);
	v = sg_set_admits(set, protocol, port, family, addr, &g, &r);
	*group = g ? g->id : NULL;
	return v;
}

Test(secgroup, inbound_rules_admit_by_protocol_port_and_source)
{
	struct sg_set set;
	const char *group;
	char *names;

	load(&set);
	cr_assert_eq(set.count, 2);
	cr_assert_eq(admits(&set, 6, 7455, "198.18.1.1", &group), SG_ALLOW);
	cr_assert_str_eq(group, "sg-0a1");
	cr_assert_eq(admits(&set, 6, 7455, "198.18.3.1", &group), SG_DENY);
	cr_assert_null(group);
	cr_assert_eq(admits(&set, 6, 7000, "198.18.1.1", &group), SG_DENY);
	cr_assert_eq(admits(&set, 17, 7000, "198.18.1.1", &group), SG_DENY);
	cr_assert_eq(admits(&set, 17, 7000, "2001:db8:1::1", &group), SG_ALLOW);
	/* Only a group reference admits udp 53: who is in it is unknown. */
	cr_assert_eq(admits(&set, 17, 53, "198.18.1.1", &group), SG_UNKNOWN);
	cr_assert_str_eq(group, "sg-0b2");
	names = sg_set_names(&set);
	cr_assert_str_eq(names, "sg-0a1 (agent), sg-0b2 (peers)");
	free(names);
	sg_set_free(&set);
}

static void
assert_error(const char *json, const char *expected)
{
	cJSON *root = fixture_json(json);
	struct sg_set set;
	char *cause = NULL;

	cr_assert_eq(sg_set_from_json(root, &set, &cause), -1);
	cr_assert_str_eq(cause, expected);
	free(cause);
	cJSON_Delete(root);
}

Test(secgroup, errors_name_the_json_path)
{
	assert_error("[]", "expected what 'aws ec2 describe-security-groups' "
			   "prints: {\"SecurityGroups\": [...]}, found an "
			   "array");
	assert_error("{\"SecurityGroups\": []}",
		     "SecurityGroups: empty: no security group to judge by");
	assert_error("{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", "
		     "\"IpPermissions\": [{\"IpProtocol\": \"tcpx\"}]}]}",
		     "SecurityGroups[0].IpPermissions[0].IpProtocol: unknown "
		     "protocol 'tcpx' (expected tcp, udp, icmp, icmpv6, -1 or "
		     "a number 0-255)");
	assert_error("{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", "
		     "\"IpPermissions\": [{\"IpProtocol\": \"tcp\", "
		     "\"FromPort\": 80, \"ToPort\": 79}]}]}",
		     "SecurityGroups[0].IpPermissions[0]: ToPort must be given "
		     "and not below FromPort 80");
	assert_error(
		"{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", "
		"\"IpPermissions\": [{\"IpProtocol\": \"6\", \"FromPort\": "
		"1, \"ToPort\": 2, \"IpRanges\": [{\"CidrIp\": "
		"\"10.0.0.0/33\"}]}]}]}",
		"SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: "
		"'10.0.0.0/33' is not a CIDR block (expected an IPv4 or "
		"IPv6 network like 10.0.1.0/24 or 2001:db8:1::/64)");
}
