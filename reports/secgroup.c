/* Security groups (aws ec2 describe-security-groups): their inbound rules. */
/* Read through jsonread like the NACL exports; an allow anywhere admits. */
#include "reports/secgroup.h"

#include <stdlib.h>
#include <string.h>

#include "common/fileread.h"
#include "common/jsonread.h"
#include "common/text.h"
#include "common/xmalloc.h"
#include "reports/nacl.h"

/* describe-security-groups of a whole account stays below this. */
#define SG_MAX_FILE (64 * 1024 * 1024)

static const char sg_expected[] =
	"what 'aws ec2 describe-security-groups' prints: "
	"{\"SecurityGroups\": [...]}";

void
sg_set_free(struct sg_set *set)
{
	size_t i, j;

	if (set == NULL)
		return;
	for (i = 0; i < set->count; i++) {
		for (j = 0; j < set->groups[i].ninbound; j++)
			free(set->groups[i].inbound[j].sources);
		free(set->groups[i].inbound);
		free(set->groups[i].id);
		free(set->groups[i].name);
	}
	free(set->groups);
	memset(set, 0, sizeof *set);
}

/* IpRanges[].CidrIp or Ipv6Ranges[].CidrIpv6 into rule's sources. */
static int
sg_ranges(const cJSON *perm, const char *at, const char *list_name,
	  const char *member, struct sg_rule *rule, char **cause)
{
	struct jsonread_array list;
	struct jsonread_at where;
	struct netaddr_cidr cidr;
	const char *s;
	char *inner = NULL;

	if (jsonread_array(&list, perm, at, list_name, "an array", false,
			   cause) != 0)
		return -1;
	while (jsonread_array_next(&list)) {
		if (jsonread_expect(list.item, list.at.text, cJSON_IsObject,
				    "an object", cause) != 0 ||
		    jsonread_string(list.item, list.at.text, member,
				    "a CIDR block", true, &s, cause) != 0)
			return -1;
		if (netaddr_cidr_parse(s, &cidr, &inner) != 0) {
			jsonread_fail(
				cause,
				jsonread_join(&where, list.at.text, member),
				"%s", inner);
			free(inner);
			return -1;
		}
		rule->sources = xreallocarray(rule->sources, rule->nsources + 1,
					      sizeof *rule->sources);
		rule->sources[rule->nsources++] = cidr;
	}
	return 0;
}

static bool
sg_nonempty(const cJSON *perm, const char *name)
{
	return cJSON_GetArraySize(
		       cJSON_GetObjectItemCaseSensitive(perm, name)) > 0;
}

static int
sg_permission(const cJSON *perm, const char *at, struct sg_rule *rule,
	      char **cause)
{
	struct jsonread_at where;
	const char *proto;
	long long from = -1, to = -1;
	bool has_from, has_to;

	memset(rule, 0, sizeof *rule);
	if (jsonread_expect(perm, at, cJSON_IsObject, "an object", cause) !=
		    0 ||
	    jsonread_string(perm, at, "IpProtocol",
			    "a protocol: tcp, udp, icmp, -1 or a number", true,
			    &proto, cause) != 0)
		return -1;
	if (nacl_protocol_set(&rule->protocol, proto,
			      jsonread_join(&where, at, "IpProtocol"),
			      "tcp, udp, icmp, icmpv6, -1 or a number 0-255",
			      cause) != 0)
		return -1;
	if (jsonread_integer(perm, at, "FromPort", -1, 65535, false, &has_from,
			     &from, cause) != 0 ||
	    jsonread_integer(perm, at, "ToPort", -1, 65535, false, &has_to, &to,
			     cause) != 0)
		return -1;
	rule->all_ports = (rule->protocol != NACL_PROTO_TCP &&
			   rule->protocol != NACL_PROTO_UDP) ||
			  !has_from || from < 0;
	if (!rule->all_ports) {
		if (!has_to || to < from)
			return jsonread_fail(cause, at,
					     "ToPort must be given and not "
					     "below FromPort %lld",
					     from);
		rule->port_from = (uint16_t)from;
		rule->port_to = (uint16_t)to;
	}
	rule->has_references = sg_nonempty(perm, "UserIdGroupPairs") ||
			       sg_nonempty(perm, "PrefixListIds");
	return sg_ranges(perm, at, "IpRanges", "CidrIp", rule, cause) != 0 ||
			       sg_ranges(perm, at, "Ipv6Ranges", "CidrIpv6",
					 rule, cause) != 0
		       ? -1
		       : 0;
}

static int
sg_group(const cJSON *obj, const char *at, struct sg *g, char **cause)
{
	struct jsonread_array list;
	const char *s;

	if (jsonread_expect(obj, at, cJSON_IsObject,
			    "an object (one security group)", cause) != 0 ||
	    jsonread_string(obj, at, "GroupId",
			    "an ID like sg-0123456789abcdef0", true, &s,
			    cause) != 0)
		return -1;
	g->id = text_printable(s, NACL_ID_MAX);
	if (jsonread_string(obj, at, "GroupName", "a string", false, &s,
			    cause) != 0)
		return -1;
	if (s != NULL)
		g->name = text_printable(s, NACL_ID_MAX);
	if (jsonread_array(&list, obj, at, "IpPermissions",
			   "an array of inbound permissions", false,
			   cause) != 0)
		return -1;
	while (jsonread_array_next(&list)) {
		g->inbound = xreallocarray(g->inbound, g->ninbound + 1,
					   sizeof *g->inbound);
		if (sg_permission(list.item, list.at.text,
				  &g->inbound[g->ninbound], cause) != 0) {
			free(g->inbound[g->ninbound].sources);
			return -1;
		}
		g->ninbound++;
	}
	return 0;
}

int
sg_set_from_json(const cJSON *root, struct sg_set *set, char **cause)
{
	struct sg_set parsed = {NULL, 0};
	const cJSON *groups, *item;
	struct jsonread_at at;
	size_t k = 0;

	if (jsonread_expect(root, "", cJSON_IsObject, sg_expected, cause) != 0)
		return -1;
	if (jsonread_member(root, "", "SecurityGroups", cJSON_IsArray,
			    "an array of security groups", true, &groups,
			    cause) != 0)
		return -1;
	if (cJSON_GetArraySize(groups) == 0)
		return jsonread_fail(cause, "SecurityGroups",
				     "empty: no security group to judge by");
	cJSON_ArrayForEach(item, groups)
	{
		parsed.groups = xreallocarray(parsed.groups, parsed.count + 1,
					      sizeof *parsed.groups);
		memset(&parsed.groups[parsed.count], 0, sizeof *parsed.groups);
		parsed.count++;
		if (sg_group(item, jsonread_index(&at, "SecurityGroups", k++),
			     &parsed.groups[parsed.count - 1], cause) != 0) {
			sg_set_free(&parsed);
			return -1;
		}
	}
	*set = parsed;
	return 0;
}

int
sg_set_read_file(const char *path, struct sg_set *set, char **cause)
{
	char *inner = NULL;
	cJSON *root =
		jsonread_file(path, SG_MAX_FILE, "a security group export",
			      sg_expected, cause);
	int rc;

	if (root == NULL)
		return -1;
	rc = sg_set_from_json(root, set, &inner);
	cJSON_Delete(root);
	if (rc != 0)
		jsonread_fail_in(cause, file_display_name(path), inner);
	return rc;
}

static bool
sg_rule_matches(const struct sg_rule *r, int protocol, uint16_t port,
		int family, const uint8_t *src)
{
	size_t i;

	if (r->protocol != NACL_PROTO_ALL && r->protocol != protocol)
		return false;
	if (!r->all_ports && (port < r->port_from || port > r->port_to))
		return false;
	for (i = 0; i < r->nsources; i++)
		if (netaddr_cidr_contains(&r->sources[i], family, src))
			return true;
	return false;
}

enum sg_verdict
sg_set_admits(const struct sg_set *set, int protocol, uint16_t port, int family,
	      const uint8_t *src, const struct sg **group,
	      const struct sg_rule **rule)
{
	enum sg_verdict verdict = SG_DENY;
	size_t i, j;

	*group = NULL;
	*rule = NULL;
	for (i = 0; i < set->count; i++) {
		const struct sg *g = &set->groups[i];

		for (j = 0; j < g->ninbound; j++) {
			const struct sg_rule *r = &g->inbound[j];

			if (sg_rule_matches(r, protocol, port, family, src)) {
				*group = g;
				*rule = r;
				return SG_ALLOW;
			}
			if (verdict == SG_DENY && r->has_references &&
			    (r->protocol == NACL_PROTO_ALL ||
			     r->protocol == protocol) &&
			    (r->all_ports ||
			     (port >= r->port_from && port <= r->port_to))) {
				verdict = SG_UNKNOWN;
				*group = g;
				*rule = r;
			}
		}
	}
	return verdict;
}

char *
sg_set_names(const struct sg_set *set)
{
	char *out = xstrdup("");
	size_t i;

	for (i = 0; i < set->count; i++) {
		const struct sg *g = &set->groups[i];

		xappendf(&out, "%s%s%s%s%s", i ? ", " : "", g->id,
			 g->name ? " (" : "", g->name ? g->name : "",
			 g->name ? ")" : "");
	}
	return out;
}
