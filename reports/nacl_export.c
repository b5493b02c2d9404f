/* What `aws ec2 describe-network-acls` prints, read into a NACL set. */
/* Every rejected value is named by its JSON path: NetworkAcls[0].Entries[2]. */
#include "reports/nacl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/fileread.h"
#include "common/jsonread.h"
#include "common/text.h"
#include "common/xmalloc.h"

/* AWS allows 40 per direction (quota 20 by default); more means garbage. */
#define NACL_MAX_ENTRIES 4096
/* describe-network-acls for a whole account stays far below this. */
#define NACL_MAX_FILE (64 * 1024 * 1024)

static bool
nacl_id_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > NACL_ID_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return true;
}

static int
nacl_get_id(const cJSON *obj, const char *at, const char *name,
	    const char *example, char **out, char **cause)
{
	struct jsonread_at where;
	char expected[96], *shown;
	const char *s;

	snprintf(expected, sizeof expected, "an ID like %s", example);
	if (jsonread_string(obj, at, name, expected, true, &s, cause) != 0)
		return -1;
	if (!nacl_id_valid(s)) {
		shown = text_printable(s, 40);
		jsonread_fail(cause, jsonread_join(&where, at, name),
			      "'%s' is not an ID (expected 1 to %d letters, "
			      "digits, '-', '_' or '.', like %s)",
			      shown, NACL_ID_MAX, example);
		free(shown);
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

/* "-1", "6", "17" as AWS prints it; a JSON number or a name is taken too. */
static int
nacl_entry_protocol(const cJSON *obj, const char *at, struct nacl_entry *e,
		    char **cause)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, "Protocol");
	struct jsonread_at where;
	long long v;

	jsonread_join(&where, at, "Protocol");
	if (cJSON_IsNumber(item)) {
		if (jsonread_integer_value(item, where.text, -1, 255, &v,
					   cause) != 0)
			return -1;
		e->protocol = (int)v;
		return 0;
	}
	if (jsonread_member(obj, at, "Protocol", cJSON_IsString,
			    NACL_PROTOCOL_EXPECTED, true, &item, cause) != 0)
		return -1;
	return nacl_protocol_set(&e->protocol, item->valuestring, where.text,
				 NACL_PROTOCOL_EXPECTED, cause);
}

static int
nacl_entry_cidr(const cJSON *obj, const char *at, struct nacl_entry *e,
		char **cause)
{
	const cJSON *v4 = cJSON_GetObjectItemCaseSensitive(obj, "CidrBlock");
	const cJSON *v6 =
		cJSON_GetObjectItemCaseSensitive(obj, "Ipv6CidrBlock");
	const char *name = v4 ? "CidrBlock" : "Ipv6CidrBlock", *s;
	struct jsonread_at where;

	if (v4 == NULL && v6 == NULL)
		return jsonread_fail(cause, at,
				     "has neither CidrBlock nor Ipv6CidrBlock "
				     "(expected one of them)");
	if (v4 != NULL && v6 != NULL)
		return jsonread_fail(cause, at,
				     "has both CidrBlock and Ipv6CidrBlock "
				     "(expected one of them)");
	if (jsonread_string(obj, at, name, "a CIDR block as a string", true, &s,
			    cause) != 0)
		return -1;
	return nacl_entry_set_cidr(e, s, v4 ? AF_INET : AF_INET6,
				   jsonread_join(&where, at, name), "CidrBlock",
				   "Ipv6CidrBlock", cause);
}

static int
nacl_entry_ports(const cJSON *obj, const char *at, struct nacl_entry *e,
		 char **cause)
{
	struct jsonread_at range_at;
	const cJSON *range;
	long long a, b;

	if (jsonread_member(obj, at, "PortRange", cJSON_IsObject,
			    "an object {\"From\": N, \"To\": N}", false, &range,
			    cause) != 0)
		return -1;
	if (range == NULL)
		return 0;
	jsonread_join(&range_at, at, "PortRange");
	if (jsonread_integer(range, range_at.text, "From", 0, 65535, true, NULL,
			     &a, cause) != 0 ||
	    jsonread_integer(range, range_at.text, "To", 0, 65535, true, NULL,
			     &b, cause) != 0)
		return -1;
	return nacl_entry_set_ports(e, a, b, range_at.text, "From", "To",
				    cause);
}

static int
nacl_entry_icmp(const cJSON *obj, const char *at, struct nacl_entry *e,
		char **cause)
{
	struct jsonread_at icmp_at;
	const cJSON *icmp;
	bool present;
	long long v;

	e->icmp_type = -1;
	e->icmp_code = -1;
	if (jsonread_member(obj, at, "IcmpTypeCode", cJSON_IsObject,
			    "an object {\"Type\": N, \"Code\": N}", false,
			    &icmp, cause) != 0)
		return -1;
	if (icmp == NULL)
		return 0;
	jsonread_join(&icmp_at, at, "IcmpTypeCode");
	if (jsonread_integer(icmp, icmp_at.text, "Type", -1, 255, false,
			     &present, &v, cause) != 0)
		return -1;
	if (present)
		e->icmp_type = (int)v;
	if (jsonread_integer(icmp, icmp_at.text, "Code", -1, 255, false,
			     &present, &v, cause) != 0)
		return -1;
	if (present)
		e->icmp_code = (int)v;
	return 0;
}

static int
nacl_entry_from_json(const cJSON *obj, const char *at, struct nacl_entry *e,
		     char **cause)
{
	struct jsonread_at where;
	const char *s;
	long long v;

	memset(e, 0, sizeof *e);
	if (jsonread_expect(obj, at, cJSON_IsObject, "an object", cause) != 0)
		return -1;
	/* 32768 is how AWS lists the IPv6 final deny. */
	if (jsonread_integer(obj, at, "RuleNumber", 1, NACL_RULE_DEFAULT_IPV6,
			     true, NULL, &v, cause) != 0)
		return -1;
	e->rule_number = (uint16_t)v;
	if (nacl_entry_protocol(obj, at, e, cause) != 0 ||
	    jsonread_string(obj, at, "RuleAction", "\"allow\" or \"deny\"",
			    true, &s, cause) != 0)
		return -1;
	if (nacl_entry_set_action(e, s, jsonread_join(&where, at, "RuleAction"),
				  cause) != 0)
		return -1;
	if (jsonread_bool(obj, at, "Egress",
			  "true (outbound) or false (inbound)", true, NULL,
			  &e->egress, cause) != 0 ||
	    nacl_entry_cidr(obj, at, e, cause) != 0 ||
	    nacl_entry_ports(obj, at, e, cause) != 0 ||
	    nacl_entry_icmp(obj, at, e, cause) != 0)
		return -1;
	nacl_entry_finish(e);
	return 0;
}

static int
nacl_entries_from_json(const cJSON *obj, const char *at, struct nacl *acl,
		       char **cause)
{
	struct jsonread_array entries;
	struct jsonread_at where;
	const struct nacl_entry *first, *second;
	struct nacl_entry e;
	size_t n;

	if (jsonread_array(&entries, obj, at, "Entries",
			   "an array of NACL entries", true, cause) != 0)
		return -1;
	n = (size_t)cJSON_GetArraySize(entries.list);
	if (n > NACL_MAX_ENTRIES)
		return jsonread_fail(cause,
				     jsonread_join(&where, at, "Entries"),
				     "%zu entries; at most %d are accepted "
				     "(AWS allows 40 per direction)",
				     n, NACL_MAX_ENTRIES);
	while (jsonread_array_next(&entries)) {
		if (nacl_entry_from_json(entries.item, entries.at.text, &e,
					 cause) != 0)
			return -1;
		/* "Entries[2]": duplicates are named by it. */
		snprintf(e.origin, sizeof e.origin, "%s",
			 entries.at.text + strlen(at) + (*at ? 1 : 0));
		nacl_add_entry(acl, &e);
	}
	nacl_sort(acl);
	second = nacl_duplicate(acl, &first);
	if (second != NULL)
		return jsonread_fail(cause, "",
				     "%s.%s.RuleNumber: rule %u appears twice "
				     "in the %s entries (also %s); AWS rule "
				     "numbers are unique per direction",
				     at, second->origin, second->rule_number,
				     second->egress ? "outbound" : "inbound",
				     first->origin);
	return 0;
}

static int
nacl_tags_from_json(const cJSON *obj, const char *at, struct nacl *acl,
		    char **cause)
{
	struct jsonread_array tags;
	const cJSON *tag, *key;
	const char *value;

	if (jsonread_array(&tags, obj, at, "Tags",
			   "an array of {\"Key\", \"Value\"}", false,
			   cause) != 0)
		return -1;
	while (jsonread_array_next(&tags)) {
		tag = tags.item;
		if (jsonread_expect(tag, tags.at.text, cJSON_IsObject,
				    "an object {\"Key\", \"Value\"}",
				    cause) != 0)
			return -1;
		key = cJSON_GetObjectItemCaseSensitive(tag, "Key");
		if (!cJSON_IsString(key) ||
		    (strcmp(key->valuestring, "Name") != 0 &&
		     strcmp(key->valuestring, NACL_TAG_LOGICAL_ID) != 0))
			continue;
		if (jsonread_string(tag, tags.at.text, "Value", "a string",
				    true, &value, cause) != 0)
			return -1;
		/* A stack's NACL: a template names it by this. */
		if (strcmp(key->valuestring, NACL_TAG_LOGICAL_ID) == 0) {
			if (nacl_id_valid(value)) {
				free(acl->address);
				acl->address = xstrdup(value);
			}
			continue;
		}
		free(acl->name);
		acl->name = text_printable(value, NACL_ID_MAX);
	}
	return 0;
}

static int
nacl_associations_from_json(const cJSON *obj, const char *at,
			    const struct nacl_set *set, struct nacl *acl,
			    char **cause)
{
	struct jsonread_array assocs;
	struct jsonread_at where;
	const struct nacl *other;
	size_t i;
	char *subnet;

	if (jsonread_array(&assocs, obj, at, "Associations",
			   "an array of {\"SubnetId\": ...}", false,
			   cause) != 0)
		return -1;
	while (jsonread_array_next(&assocs)) {
		if (jsonread_expect(assocs.item, assocs.at.text, cJSON_IsObject,
				    "an object {\"SubnetId\": ...}",
				    cause) != 0 ||
		    nacl_get_id(assocs.item, assocs.at.text, "SubnetId",
				"subnet-0123456789abcdef0", &subnet,
				cause) != 0)
			return -1;
		other = nacl_set_find_subnet(set, subnet);
		for (i = 0; other == NULL && i < acl->nsubnets; i++)
			if (strcmp(acl->subnets[i], subnet) == 0)
				other = acl;
		if (other != NULL) {
			jsonread_fail(cause,
				      jsonread_join(&where, assocs.at.text,
						    "SubnetId"),
				      "%s is associated twice (also with %s); "
				      "a subnet has exactly one NACL",
				      subnet, other->id);
			free(subnet);
			return -1;
		}
		nacl_add_subnet(acl, subnet);
		free(subnet);
	}
	return 0;
}

static int
nacl_from_json(const cJSON *obj, const char *at, struct nacl_set *set,
	       char **cause)
{
	struct jsonread_at where;
	struct nacl *acl;
	char *id;

	if (jsonread_expect(obj, at, cJSON_IsObject, "an object (one NACL)",
			    cause) != 0 ||
	    nacl_get_id(obj, at, "NetworkAclId", "acl-0123456789abcdef0", &id,
			cause) != 0)
		return -1;
	if (nacl_set_find(set, id) != NULL) {
		jsonread_fail(cause, jsonread_join(&where, at, "NetworkAclId"),
			      "%s is listed twice", id);
		free(id);
		return -1;
	}
	acl = nacl_set_add(set, id);
	free(id);
	if (jsonread_bool(obj, at, "IsDefault", "true or false", false, NULL,
			  &acl->is_default, cause) != 0 ||
	    nacl_entries_from_json(obj, at, acl, cause) != 0 ||
	    nacl_tags_from_json(obj, at, acl, cause) != 0 ||
	    nacl_associations_from_json(obj, at, set, acl, cause) != 0)
		return -1;
	return 0;
}

int
nacl_set_from_json(const cJSON *root, struct nacl_set *set, char **cause)
{
	const cJSON *acls = root, *item;
	struct nacl_set parsed;
	struct jsonread_at at;
	const char *base = "";
	size_t k = 0;

	memset(&parsed, 0, sizeof parsed);
	if (cJSON_IsObject(root)) {
		base = "NetworkAcls";
		if (jsonread_member(root, "", base, cJSON_IsArray,
				    "an array of NACLs", false, &acls,
				    cause) != 0)
			return -1;
		if (acls == NULL)
			return jsonread_fail(cause, base,
					     "missing (expected what 'aws ec2 "
					     "describe-network-acls' prints: "
					     "{\"NetworkAcls\": [...]})");
	} else if (!cJSON_IsArray(root))
		return jsonread_fail(cause, "",
				     "expected what 'aws ec2 "
				     "describe-network-acls' prints, "
				     "{\"NetworkAcls\": [...]}, found %s",
				     jsonread_type(root));
	if (cJSON_GetArraySize(acls) == 0)
		return jsonread_fail(cause, base, "empty: no NACL to evaluate");
	cJSON_ArrayForEach(item, acls)
	{
		if (nacl_from_json(item, jsonread_index(&at, base, k++),
				   &parsed, cause) != 0) {
			nacl_set_free(&parsed);
			return -1;
		}
	}
	*set = parsed;
	return 0;
}

int
nacl_set_read_file(const char *path, struct nacl_set *set, char **cause)
{
	char *inner = NULL;
	cJSON *root;
	int rc;

	root = jsonread_file(path, NACL_MAX_FILE, "a NACL export",
			     "the JSON of 'aws ec2 describe-network-acls'",
			     cause);
	if (root == NULL)
		return -1;
	rc = nacl_set_from_json(root, set, &inner);
	cJSON_Delete(root);
	if (rc != 0)
		jsonread_fail_in(cause, file_display_name(path), inner);
	return rc;
}
