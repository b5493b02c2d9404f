/* AWS VPC NACLs: describe-network-acls JSON in, verdicts and nft rules out. */
/* Every rejected value is named by its JSON path: NetworkAcls[0].Entries[2]. */
#include "common/nacl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/text.h"
#include "common/xmalloc.h"

/* AWS allows 40 per direction (quota 20 by default); more means garbage. */
#define NACL_MAX_ENTRIES 4096
/* describe-network-acls for a whole account stays far below this. */
#define NACL_MAX_FILE (64 * 1024 * 1024)

/* JSON reading: helpers name the value by its path from the root. */

static const char *
nacl_json_type(const cJSON *item)
{
	if (cJSON_IsNumber(item))
		return "a number";
	if (cJSON_IsString(item))
		return "a string";
	if (cJSON_IsBool(item))
		return "a boolean";
	if (cJSON_IsNull(item))
		return "null";
	if (cJSON_IsArray(item))
		return "an array";
	if (cJSON_IsObject(item))
		return "an object";
	return "an invalid value";
}

struct nacl_at {
	char text[288];
};

static const char *
nacl_at_join(struct nacl_at *out, const char *parent, const char *name)
{
	snprintf(out->text, sizeof out->text, "%s%s%s", parent,
		 *parent && *name && *name != '[' ? "." : "", name);
	return out->text;
}

static int
nacl_wrong_type(const cJSON *item, const char *parent, const char *name,
		const char *expected, char **cause)
{
	struct nacl_at at;

	*cause = xasprintf("%s: expected %s, found %s",
			   nacl_at_join(&at, parent, name), expected,
			   nacl_json_type(item));
	return -1;
}

/* The member name of obj, or NULL; *cause when required and missing. */
static const cJSON *
nacl_member(const cJSON *obj, const char *parent, const char *name,
	    bool required, const char *expected, char **cause)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
	struct nacl_at at;

	if (item == NULL && required)
		*cause = xasprintf("%s: missing (expected %s)",
				   nacl_at_join(&at, parent, name), expected);
	return item;
}

static int
nacl_get_integer(const cJSON *item, const char *parent, const char *name,
		 long min, long max, long *out, char **cause)
{
	struct nacl_at at;
	char expected[64];
	double v;

	snprintf(expected, sizeof expected, "an integer from %ld to %ld", min,
		 max);
	if (!cJSON_IsNumber(item))
		return nacl_wrong_type(item, parent, name, expected, cause);
	v = item->valuedouble;
	if (v != v || v < (double)min || v > (double)max ||
	    v != (double)(long)v) {
		*cause =
			xasprintf("%s: expected %s, found %g",
				  nacl_at_join(&at, parent, name), expected, v);
		return -1;
	}
	*out = (long)v;
	return 0;
}

static int
nacl_get_string(const cJSON *item, const char *parent, const char *name,
		const char *expected, const char **out, char **cause)
{
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return nacl_wrong_type(item, parent, name, expected, cause);
	*out = item->valuestring;
	return 0;
}

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
nacl_get_id(const cJSON *obj, const char *parent, const char *name,
	    const char *example, char **out, char **cause)
{
	char expected[96];
	const cJSON *item;
	struct nacl_at at;
	const char *s = NULL;
	char *shown;

	snprintf(expected, sizeof expected, "an ID like %s", example);
	item = nacl_member(obj, parent, name, true, expected, cause);
	if (item == NULL ||
	    nacl_get_string(item, parent, name, expected, &s, cause) != 0)
		return -1;
	if (!nacl_id_valid(s)) {
		shown = text_printable(s, 40);
		*cause = xasprintf("%s: '%s' is not an ID (expected 1 to %d "
				   "letters, digits, '-', '_' or '.', like %s)",
				   nacl_at_join(&at, parent, name), shown,
				   NACL_ID_MAX, example);
		free(shown);
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

/* "-1", "6", "17" as AWS prints it; a JSON number or a name is taken too. */
static int
nacl_protocol_parse(const cJSON *item, const char *parent, int *out,
		    char **cause)
{
	static const struct {
		const char *name;
		int number;
	} names[] = {
		{"all", NACL_PROTO_ALL},       {"tcp", NACL_PROTO_TCP},
		{"udp", NACL_PROTO_UDP},       {"icmp", NACL_PROTO_ICMP},
		{"icmpv6", NACL_PROTO_ICMPV6},
	};
	const char *expected = "a protocol number as a string: \"-1\" for all, "
			       "\"6\" tcp, \"17\" udp, or 0-255";
	struct nacl_at at;
	const char *s, *p;
	char *shown;
	size_t i;
	long v;

	if (cJSON_IsNumber(item)) {
		if (nacl_get_integer(item, parent, "Protocol", -1, 255, &v,
				     cause) != 0)
			return -1;
		*out = (int)v;
		return 0;
	}
	if (!cJSON_IsString(item))
		return nacl_wrong_type(item, parent, "Protocol", expected,
				       cause);
	s = item->valuestring;
	for (i = 0; i < sizeof names / sizeof *names; i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*out = names[i].number;
			return 0;
		}
	}
	if (strcmp(s, "-1") == 0) {
		*out = NACL_PROTO_ALL;
		return 0;
	}
	for (p = s; *p >= '0' && *p <= '9'; p++)
		;
	if (*s != '\0' && *p == '\0' && p - s <= 3 && atoi(s) <= 255) {
		*out = atoi(s);
		return 0;
	}
	shown = text_printable(s, 40);
	*cause = xasprintf("%s: unknown protocol '%s' (expected %s)",
			   nacl_at_join(&at, parent, "Protocol"), shown,
			   expected);
	free(shown);
	return -1;
}

static int
nacl_entry_cidr(const cJSON *obj, const char *parent, struct nacl_entry *e,
		char **cause)
{
	const cJSON *v4 = cJSON_GetObjectItemCaseSensitive(obj, "CidrBlock");
	const cJSON *v6 =
		cJSON_GetObjectItemCaseSensitive(obj, "Ipv6CidrBlock");
	const char *name = v4 ? "CidrBlock" : "Ipv6CidrBlock", *s = NULL;
	int family = v4 ? AF_INET : AF_INET6;
	struct nacl_at at;
	char *inner = NULL;

	if (v4 == NULL && v6 == NULL) {
		*cause = xasprintf("%s: has neither CidrBlock nor "
				   "Ipv6CidrBlock (expected one of them)",
				   parent);
		return -1;
	}
	if (v4 != NULL && v6 != NULL) {
		*cause = xasprintf("%s: has both CidrBlock and Ipv6CidrBlock "
				   "(expected one of them)",
				   parent);
		return -1;
	}
	if (nacl_get_string(v4 ? v4 : v6, parent, name,
			    "a CIDR block as a "
			    "string",
			    &s, cause) != 0)
		return -1;
	if (netaddr_cidr_parse(s, &e->cidr, &inner) != 0) {
		*cause = xasprintf("%s: %s", nacl_at_join(&at, parent, name),
				   inner);
		free(inner);
		return -1;
	}
	if (e->cidr.family != family) {
		char *shown = text_printable(s, 60);

		*cause = xasprintf("%s: '%s' is not an %s CIDR block (%s)",
				   nacl_at_join(&at, parent, name), shown,
				   family == AF_INET ? "IPv4" : "IPv6",
				   family == AF_INET
					   ? "IPv6 ones go in Ipv6CidrBlock"
					   : "IPv4 ones go in CidrBlock");
		free(shown);
		return -1;
	}
	return 0;
}

static int
nacl_entry_ports(const cJSON *obj, const char *parent, struct nacl_entry *e,
		 char **cause)
{
	const cJSON *range =
		nacl_member(obj, parent, "PortRange", false, NULL, cause);
	const cJSON *from, *to;
	char range_at[256];
	long a, b;

	if (range == NULL)
		return 0;
	if (!cJSON_IsObject(range))
		return nacl_wrong_type(range, parent, "PortRange",
				       "an object {\"From\": N, \"To\": N}",
				       cause);
	snprintf(range_at, sizeof range_at, "%s.PortRange", parent);
	from = nacl_member(range, range_at, "From", true,
			   "an integer from 0 to 65535", cause);
	if (from == NULL ||
	    nacl_get_integer(from, range_at, "From", 0, 65535, &a, cause) != 0)
		return -1;
	to = nacl_member(range, range_at, "To", true,
			 "an integer from 0 to 65535", cause);
	if (to == NULL ||
	    nacl_get_integer(to, range_at, "To", 0, 65535, &b, cause) != 0)
		return -1;
	if (b < a) {
		*cause = xasprintf("%s: To %ld is below From %ld", range_at, b,
				   a);
		return -1;
	}
	e->has_ports = true;
	e->port_from = (uint16_t)a;
	e->port_to = (uint16_t)b;
	return 0;
}

static int
nacl_entry_icmp(const cJSON *obj, const char *parent, struct nacl_entry *e,
		char **cause)
{
	const cJSON *icmp =
		nacl_member(obj, parent, "IcmpTypeCode", false, NULL, cause);
	const cJSON *item;
	char icmp_at[256];
	long v;

	e->icmp_type = -1;
	e->icmp_code = -1;
	if (icmp == NULL)
		return 0;
	if (!cJSON_IsObject(icmp))
		return nacl_wrong_type(icmp, parent, "IcmpTypeCode",
				       "an object {\"Type\": N, \"Code\": N}",
				       cause);
	snprintf(icmp_at, sizeof icmp_at, "%s.IcmpTypeCode", parent);
	item = cJSON_GetObjectItemCaseSensitive(icmp, "Type");
	if (item != NULL) {
		if (nacl_get_integer(item, icmp_at, "Type", -1, 255, &v,
				     cause) != 0)
			return -1;
		e->icmp_type = (int)v;
	}
	item = cJSON_GetObjectItemCaseSensitive(icmp, "Code");
	if (item != NULL) {
		if (nacl_get_integer(item, icmp_at, "Code", -1, 255, &v,
				     cause) != 0)
			return -1;
		e->icmp_code = (int)v;
	}
	return 0;
}

static int
nacl_entry_from_json(const cJSON *obj, const char *at, struct nacl_entry *e,
		     char **cause)
{
	const cJSON *item;
	struct nacl_at path;
	const char *s = NULL;
	char *shown;
	long v;

	memset(e, 0, sizeof *e);
	if (!cJSON_IsObject(obj))
		return nacl_wrong_type(obj, at, "", "an object", cause);
	item = nacl_member(obj, at, "RuleNumber", true,
			   "an integer from 1 to 32767", cause);
	if (item == NULL || nacl_get_integer(item, at, "RuleNumber", 1,
					     NACL_RULE_DEFAULT, &v, cause) != 0)
		return -1;
	e->rule_number = (uint16_t)v;
	item = nacl_member(obj, at, "Protocol", true,
			   "a protocol number as a string, \"-1\" for all",
			   cause);
	if (item == NULL ||
	    nacl_protocol_parse(item, at, &e->protocol, cause) != 0)
		return -1;
	item = nacl_member(obj, at, "RuleAction", true, "\"allow\" or \"deny\"",
			   cause);
	if (item == NULL ||
	    nacl_get_string(item, at, "RuleAction", "\"allow\" or \"deny\"", &s,
			    cause) != 0)
		return -1;
	if (strcasecmp(s, "allow") == 0)
		e->action = NACL_ALLOW;
	else if (strcasecmp(s, "deny") == 0)
		e->action = NACL_DENY;
	else {
		shown = text_printable(s, 40);
		*cause =
			xasprintf("%s: unknown action '%s' (expected allow or "
				  "deny)",
				  nacl_at_join(&path, at, "RuleAction"), shown);
		free(shown);
		return -1;
	}
	item = nacl_member(obj, at, "Egress", true, "true or false", cause);
	if (item == NULL)
		return -1;
	if (!cJSON_IsBool(item))
		return nacl_wrong_type(item, at, "Egress",
				       "true (outbound) or false (inbound)",
				       cause);
	e->egress = cJSON_IsTrue(item);
	if (nacl_entry_cidr(obj, at, e, cause) != 0 ||
	    nacl_entry_ports(obj, at, e, cause) != 0 ||
	    nacl_entry_icmp(obj, at, e, cause) != 0)
		return -1;
	/* AWS ignores a port range on protocols without ports. */
	if (e->protocol != NACL_PROTO_TCP && e->protocol != NACL_PROTO_UDP)
		e->has_ports = false;
	return 0;
}

static void
nacl_free_one(struct nacl *acl)
{
	size_t i;

	free(acl->id);
	free(acl->name);
	free(acl->entries);
	for (i = 0; i < acl->nsubnets; i++)
		free(acl->subnets[i]);
	free(acl->subnets);
}

void
nacl_set_free(struct nacl_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->count; i++)
		nacl_free_one(&set->acls[i]);
	free(set->acls);
	set->acls = NULL;
	set->count = 0;
}

/* Inbound before outbound, then ascending rule number, else input order. */
struct nacl_sort_item {
	struct nacl_entry entry;
	size_t index;
};

static int
nacl_sort_compare(const void *a, const void *b)
{
	const struct nacl_sort_item *x = a, *y = b;

	if (x->entry.egress != y->entry.egress)
		return x->entry.egress ? 1 : -1;
	if (x->entry.rule_number != y->entry.rule_number)
		return x->entry.rule_number < y->entry.rule_number ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static int
nacl_entries_from_json(const cJSON *entries, const char *at, struct nacl *acl,
		       char **cause)
{
	struct nacl_sort_item *items;
	const cJSON *item;
	struct nacl_at path;
	size_t n = (size_t)cJSON_GetArraySize(entries), k = 0, i;

	if (!cJSON_IsArray(entries))
		return nacl_wrong_type(entries, at, "Entries", "an array",
				       cause);
	if (n > NACL_MAX_ENTRIES) {
		*cause = xasprintf("%s: %zu entries; at most %d are accepted "
				   "(AWS allows 40 per direction)",
				   nacl_at_join(&path, at, "Entries"), n,
				   NACL_MAX_ENTRIES);
		return -1;
	}
	items = xcalloc(n ? n : 1, sizeof *items);
	cJSON_ArrayForEach(item, entries)
	{
		char entry_at[224];

		snprintf(entry_at, sizeof entry_at, "%s.Entries[%zu]", at, k);
		if (nacl_entry_from_json(item, entry_at, &items[k].entry,
					 cause) != 0)
			goto fail;
		items[k].index = k;
		k++;
	}
	qsort(items, n, sizeof *items, nacl_sort_compare);
	for (i = 1; i < n; i++) {
		const struct nacl_entry *a = &items[i - 1].entry,
					*b = &items[i].entry;

		/* The default deny is listed once for IPv4, once for IPv6. */
		if (a->egress == b->egress &&
		    a->rule_number == b->rule_number &&
		    a->rule_number != NACL_RULE_DEFAULT) {
			*cause = xasprintf(
				"%s.Entries[%zu].RuleNumber: rule %u appears "
				"twice in the %s entries (also Entries[%zu]); "
				"AWS rule numbers are unique per direction",
				at, items[i].index, b->rule_number,
				b->egress ? "outbound" : "inbound",
				items[i - 1].index);
			goto fail;
		}
	}
	acl->entries = xcalloc(n ? n : 1, sizeof *acl->entries);
	for (i = 0; i < n; i++)
		acl->entries[i] = items[i].entry;
	acl->nentries = n;
	free(items);
	return 0;
fail:
	free(items);
	return -1;
}

static int
nacl_tags_from_json(const cJSON *obj, const char *at, struct nacl *acl,
		    char **cause)
{
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(obj, "Tags");
	const cJSON *tag, *key, *value;
	size_t k = 0;

	if (tags == NULL)
		return 0;
	if (!cJSON_IsArray(tags))
		return nacl_wrong_type(tags, at, "Tags",
				       "an array of {\"Key\", \"Value\"}",
				       cause);
	cJSON_ArrayForEach(tag, tags)
	{
		char tag_at[224];

		snprintf(tag_at, sizeof tag_at, "%s.Tags[%zu]", at, k++);
		if (!cJSON_IsObject(tag))
			return nacl_wrong_type(tag, tag_at, "",
					       "an object {\"Key\", \"Value\"}",
					       cause);
		key = cJSON_GetObjectItemCaseSensitive(tag, "Key");
		value = cJSON_GetObjectItemCaseSensitive(tag, "Value");
		if (!cJSON_IsString(key) || strcmp(key->valuestring, "Name"))
			continue;
		if (!cJSON_IsString(value))
			return nacl_wrong_type(value, tag_at, "Value",
					       "a string", cause);
		free(acl->name);
		acl->name = text_printable(value->valuestring, NACL_ID_MAX);
	}
	return 0;
}

static int
nacl_associations_from_json(const cJSON *obj, const char *at,
			    const struct nacl_set *set, struct nacl *acl,
			    char **cause)
{
	const cJSON *assocs =
		cJSON_GetObjectItemCaseSensitive(obj, "Associations");
	const cJSON *item;
	const struct nacl *other;
	size_t k = 0, i;
	char *subnet;

	if (assocs == NULL)
		return 0;
	if (!cJSON_IsArray(assocs))
		return nacl_wrong_type(assocs, at, "Associations",
				       "an array of {\"SubnetId\": ...}",
				       cause);
	cJSON_ArrayForEach(item, assocs)
	{
		char assoc_at[224];

		snprintf(assoc_at, sizeof assoc_at, "%s.Associations[%zu]", at,
			 k++);
		if (!cJSON_IsObject(item))
			return nacl_wrong_type(item, assoc_at, "",
					       "an object {\"SubnetId\": ...}",
					       cause);
		if (nacl_get_id(item, assoc_at, "SubnetId",
				"subnet-0123456789abcdef0", &subnet,
				cause) != 0)
			return -1;
		other = nacl_set_find_subnet(set, subnet);
		for (i = 0; other == NULL && i < acl->nsubnets; i++)
			if (strcmp(acl->subnets[i], subnet) == 0)
				other = acl;
		if (other != NULL) {
			*cause = xasprintf("%s.SubnetId: %s is associated "
					   "twice (also with %s); a subnet has "
					   "exactly one NACL",
					   assoc_at, subnet, other->id);
			free(subnet);
			return -1;
		}
		acl->subnets = xreallocarray(acl->subnets, acl->nsubnets + 1,
					     sizeof *acl->subnets);
		acl->subnets[acl->nsubnets++] = subnet;
	}
	return 0;
}

static int
nacl_from_json(const cJSON *obj, const char *at, const struct nacl_set *set,
	       struct nacl *acl, char **cause)
{
	const cJSON *item;

	memset(acl, 0, sizeof *acl);
	if (!cJSON_IsObject(obj))
		return nacl_wrong_type(obj, at, "", "an object (one NACL)",
				       cause);
	if (nacl_get_id(obj, at, "NetworkAclId", "acl-0123456789abcdef0",
			&acl->id, cause) != 0)
		return -1;
	if (nacl_set_find(set, acl->id) != NULL) {
		*cause = xasprintf("%s.NetworkAclId: %s is listed twice", at,
				   acl->id);
		return -1;
	}
	item = cJSON_GetObjectItemCaseSensitive(obj, "IsDefault");
	if (item != NULL) {
		if (!cJSON_IsBool(item))
			return nacl_wrong_type(item, at, "IsDefault",
					       "true or false", cause);
		acl->is_default = cJSON_IsTrue(item);
	}
	item = nacl_member(obj, at, "Entries", true, "an array of NACL entries",
			   cause);
	if (item == NULL || nacl_entries_from_json(item, at, acl, cause) != 0 ||
	    nacl_tags_from_json(obj, at, acl, cause) != 0 ||
	    nacl_associations_from_json(obj, at, set, acl, cause) != 0)
		return -1;
	return 0;
}

int
nacl_set_from_json(const cJSON *root, struct nacl_set *set, char **cause)
{
	const cJSON *acls = root, *item;
	struct nacl_set parsed = {NULL, 0};
	const char *base = "";
	size_t k = 0;

	if (cJSON_IsObject(root)) {
		acls = cJSON_GetObjectItemCaseSensitive(root, "NetworkAcls");
		base = "NetworkAcls";
		if (acls == NULL) {
			*cause = xstrdup("NetworkAcls: missing (expected what "
					 "'aws ec2 describe-network-acls' "
					 "prints: {\"NetworkAcls\": [...]})");
			return -1;
		}
		if (!cJSON_IsArray(acls))
			return nacl_wrong_type(acls, "", "NetworkAcls",
					       "an array of NACLs", cause);
	} else if (!cJSON_IsArray(root)) {
		*cause = xasprintf("expected what 'aws ec2 "
				   "describe-network-acls' prints, "
				   "{\"NetworkAcls\": [...]}, found %s",
				   nacl_json_type(root));
		return -1;
	}
	if (cJSON_GetArraySize(acls) == 0) {
		*cause = xasprintf("%s%sempty: no NACL to evaluate", base,
				   *base ? ": " : "");
		return -1;
	}
	cJSON_ArrayForEach(item, acls)
	{
		char at[64];

		snprintf(at, sizeof at, "%s[%zu]", base, k++);
		parsed.acls = xreallocarray(parsed.acls, parsed.count + 1,
					    sizeof *parsed.acls);
		if (nacl_from_json(item, at, &parsed,
				   &parsed.acls[parsed.count], cause) != 0) {
			nacl_free_one(&parsed.acls[parsed.count]);
			nacl_set_free(&parsed);
			return -1;
		}
		parsed.count++;
	}
	*set = parsed;
	return 0;
}

/* "at line 3, column 7" for the byte at offset in text. */
static void
nacl_text_position(const char *text, size_t offset, char *buf, size_t size)
{
	size_t i, line = 1, column = 1;

	for (i = 0; i < offset && text[i] != '\0'; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else
			column++;
	}
	snprintf(buf, size, "line %zu, column %zu", line, column);
}

static char *
nacl_read_all(FILE *f, size_t *len, bool *too_big)
{
	size_t size = 65536, n;
	char *buf = xmalloc(size + 1);

	*len = 0;
	*too_big = false;
	while ((n = fread(buf + *len, 1, size - *len, f)) > 0) {
		*len += n;
		if (*len > NACL_MAX_FILE) {
			*too_big = true;
			break;
		}
		if (*len == size) {
			size *= 2;
			buf = xreallocarray(buf, size + 1, 1);
		}
	}
	buf[*len] = '\0';
	return buf;
}

int
nacl_set_read_file(const char *path, struct nacl_set *set, char **cause)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *end = NULL;
	char *text, *inner = NULL, where[64];
	bool too_big;
	cJSON *root;
	size_t len;
	int failed, rc;

	if (f == NULL) {
		*cause =
			xasprintf("%s: cannot open: %s", name, strerror(errno));
		return -1;
	}
	text = nacl_read_all(f, &len, &too_big);
	failed = ferror(f);
	if (f != stdin)
		fclose(f);
	if (failed || too_big) {
		*cause = too_big ? xasprintf("%s: larger than %d MiB: not a "
					     "NACL export",
					     name, NACL_MAX_FILE >> 20)
				 : xasprintf("%s: cannot read: %s", name,
					     strerror(errno));
		free(text);
		return -1;
	}
	if (len == 0 || strlen(text) != len) {
		*cause = len == 0 ? xasprintf("%s: empty file, expected the "
					      "JSON of 'aws ec2 "
					      "describe-network-acls'",
					      name)
				  : xasprintf("%s: holds a NUL byte at offset "
					      "%zu: not JSON text",
					      name, strlen(text));
		free(text);
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (root == NULL) {
		nacl_text_position(text, end ? (size_t)(end - text) : 0, where,
				   sizeof where);
		*cause = xasprintf("%s: not valid JSON at %s", name, where);
		free(text);
		return -1;
	}
	free(text);
	rc = nacl_set_from_json(root, set, &inner);
	cJSON_Delete(root);
	if (rc != 0) {
		*cause = xasprintf("%s: %s", name, inner);
		free(inner);
	}
	return rc;
}

const struct nacl *
nacl_set_find(const struct nacl_set *set, const char *id)
{
	size_t i;

	for (i = 0; i < set->count; i++)
		if (strcmp(set->acls[i].id, id) == 0)
			return &set->acls[i];
	return NULL;
}

const struct nacl *
nacl_set_find_subnet(const struct nacl_set *set, const char *subnet_id)
{
	size_t i, j;

	for (i = 0; i < set->count; i++)
		for (j = 0; j < set->acls[i].nsubnets; j++)
			if (strcmp(set->acls[i].subnets[j], subnet_id) == 0)
				return &set->acls[i];
	return NULL;
}

/* Evaluation. */

bool
nacl_entry_matches(const struct nacl_entry *e, bool egress,
		   const struct nacl_packet *pkt)
{
	if (e->egress != egress)
		return false;
	/* An IPv4 entry never matches an IPv6 packet, and the reverse. */
	if (!netaddr_cidr_contains(&e->cidr, pkt->family, pkt->peer))
		return false;
	if (e->protocol == NACL_PROTO_ALL)
		return true;
	if (e->protocol != pkt->protocol)
		return false;
	switch (e->protocol) {
	case NACL_PROTO_TCP:
	case NACL_PROTO_UDP:
		return !e->has_ports ||
		       (pkt->dport >= e->port_from && pkt->dport <= e->port_to);
	case NACL_PROTO_ICMP:
	case NACL_PROTO_ICMPV6:
		if (e->icmp_type != -1 && e->icmp_type != pkt->icmp_type)
			return false;
		return e->icmp_code == -1 || e->icmp_code == pkt->icmp_code;
	default:
		return true;
	}
}

struct nacl_verdict
nacl_evaluate(const struct nacl *acl, bool egress,
	      const struct nacl_packet *pkt)
{
	struct nacl_verdict v = {NACL_DENY, NULL};
	size_t i;

	/* Entries are sorted by rule number within each direction. */
	for (i = 0; i < acl->nentries; i++) {
		if (nacl_entry_matches(&acl->entries[i], egress, pkt)) {
			v.action = acl->entries[i].action;
			v.entry = &acl->entries[i];
			break;
		}
	}
	return v;
}

const char *
nacl_protocol_format(int protocol, char *buf)
{
	switch (protocol) {
	case NACL_PROTO_ALL:
		return "all";
	case NACL_PROTO_TCP:
		return "tcp";
	case NACL_PROTO_UDP:
		return "udp";
	case NACL_PROTO_ICMP:
		return "icmp";
	case NACL_PROTO_ICMPV6:
		return "icmpv6";
	default:
		snprintf(buf, 16, "proto %d", protocol);
		return buf;
	}
}

char *
nacl_entry_describe(const struct nacl_entry *e)
{
	char proto[16], cidr[NETADDR_CIDR_STRLEN], what[48] = "";

	if (e->protocol == NACL_PROTO_TCP || e->protocol == NACL_PROTO_UDP) {
		if (!e->has_ports || (e->port_from == 0 && e->port_to == 65535))
			snprintf(what, sizeof what, " all ports");
		else if (e->port_from == e->port_to)
			snprintf(what, sizeof what, " %u", e->port_from);
		else
			snprintf(what, sizeof what, " %u-%u", e->port_from,
				 e->port_to);
	} else if ((e->protocol == NACL_PROTO_ICMP ||
		    e->protocol == NACL_PROTO_ICMPV6) &&
		   e->icmp_type != -1) {
		if (e->icmp_code != -1)
			snprintf(what, sizeof what, " type %d code %d",
				 e->icmp_type, e->icmp_code);
		else
			snprintf(what, sizeof what, " type %d", e->icmp_type);
	}
	return xasprintf(
		"%s %s%s %s %s", e->action == NACL_ALLOW ? "allow" : "deny",
		nacl_protocol_format(e->protocol, proto), what,
		e->egress ? "to" : "from", netaddr_cidr_format(&e->cidr, cidr));
}

/* The path a probe crosses. */

static const char *const nacl_hop_names[NACL_HOP_COUNT] = {
	"probe-out",
	"agent-in",
	"agent-out",
	"probe-in",
};

static const char *const nacl_hop_descriptions[NACL_HOP_COUNT] = {
	"probe subnet outbound",
	"agent subnet inbound",
	"agent subnet outbound",
	"probe subnet inbound",
};

const char *
nacl_hop_name(enum nacl_hop hop)
{
	return (unsigned)hop < NACL_HOP_COUNT ? nacl_hop_names[hop] : "?";
}

const char *
nacl_hop_describe(enum nacl_hop hop)
{
	return (unsigned)hop < NACL_HOP_COUNT ? nacl_hop_descriptions[hop]
					      : "?";
}

bool
nacl_hop_is_reply(enum nacl_hop hop)
{
	return hop == NACL_HOP_AGENT_OUT || hop == NACL_HOP_PROBE_IN;
}

bool
nacl_hop_is_egress(enum nacl_hop hop)
{
	return hop == NACL_HOP_PROBE_OUT || hop == NACL_HOP_AGENT_OUT;
}

const struct nacl *
nacl_path_acl(const struct nacl_path *path, enum nacl_hop hop)
{
	return hop == NACL_HOP_PROBE_OUT || hop == NACL_HOP_PROBE_IN
		       ? path->probe_acl
		       : path->agent_acl;
}

void
nacl_path_evaluate(const struct nacl_path *path, int protocol, uint16_t port,
		   uint16_t sport, struct nacl_path_result *result)
{
	struct nacl_packet pkt;
	int hop;

	memset(result, 0, sizeof *result);
	result->drop_hop = -1;
	if (path->same_subnet)
		return;
	memset(&pkt, 0, sizeof pkt);
	pkt.family = path->family;
	pkt.protocol = protocol;
	for (hop = 0; hop < NACL_HOP_COUNT; hop++) {
		bool reply = nacl_hop_is_reply((enum nacl_hop)hop);
		/* Egress judges the destination, ingress the source. */
		bool peer_is_agent =
			hop == NACL_HOP_PROBE_OUT || hop == NACL_HOP_PROBE_IN;

		pkt.dport = reply ? sport : port;
		memcpy(pkt.peer,
		       peer_is_agent ? path->agent_addr : path->probe_addr,
		       sizeof pkt.peer);
		result->hops[hop] = nacl_evaluate(
			nacl_path_acl(path, (enum nacl_hop)hop),
			nacl_hop_is_egress((enum nacl_hop)hop), &pkt);
		result->evaluated = hop + 1;
		if (result->hops[hop].action == NACL_DENY) {
			result->drop_hop = hop;
			return;
		}
	}
}

/* nftables translation. */

static const char *const nacl_nft_chains[NACL_HOP_COUNT] = {
	"probe_out",
	"agent_in",
	"agent_out",
	"probe_in",
};

static void
nacl_nft_ports(FILE *f, const char *proto, const struct nacl_entry *e)
{
	if (!e->has_ports || (e->port_from == 0 && e->port_to == 65535))
		fprintf(f, " meta l4proto %s", proto);
	else if (e->port_from == e->port_to)
		fprintf(f, " %s dport %u", proto, e->port_from);
	else
		fprintf(f, " %s dport %u-%u", proto, e->port_from, e->port_to);
}

static void
nacl_nft_icmp(FILE *f, const char *proto, const struct nacl_entry *e)
{
	fprintf(f, " meta l4proto %s", proto);
	if (e->icmp_type != -1)
		fprintf(f, " %s type %d", proto, e->icmp_type);
	if (e->icmp_type != -1 && e->icmp_code != -1)
		fprintf(f, " %s code %d", proto, e->icmp_code);
}

static void
nacl_nft_entry(FILE *f, const char *table, const char *chain,
	       const struct nacl *acl, const struct nacl_entry *e)
{
	bool v4 = e->cidr.family == AF_INET;
	char cidr[NETADDR_CIDR_STRLEN];

	fprintf(f, "add rule inet %s %s", table, chain);
	if (e->cidr.prefix == 0)
		fprintf(f, " meta nfproto %s", v4 ? "ipv4" : "ipv6");
	else
		fprintf(f, " %s %s %s", v4 ? "ip" : "ip6",
			e->egress ? "daddr" : "saddr",
			netaddr_cidr_format(&e->cidr, cidr));
	if (e->protocol == NACL_PROTO_TCP)
		nacl_nft_ports(f, "tcp", e);
	else if (e->protocol == NACL_PROTO_UDP)
		nacl_nft_ports(f, "udp", e);
	else if (e->protocol == NACL_PROTO_ICMP && v4)
		nacl_nft_icmp(f, "icmp", e);
	else if (e->protocol == NACL_PROTO_ICMPV6 && !v4)
		nacl_nft_icmp(f, "icmpv6", e);
	else if (e->protocol != NACL_PROTO_ALL)
		fprintf(f, " meta l4proto %d", e->protocol);
	if (e->rule_number == NACL_RULE_DEFAULT)
		fprintf(f, " %s comment \"%s %s rule *\"\n",
			e->action == NACL_ALLOW ? "return" : "drop", acl->id,
			e->egress ? "outbound" : "inbound");
	else
		fprintf(f, " %s comment \"%s %s rule %u\"\n",
			e->action == NACL_ALLOW ? "return" : "drop", acl->id,
			e->egress ? "outbound" : "inbound", e->rule_number);
}

static void
nacl_nft_hop(FILE *f, const char *table, enum nacl_hop hop,
	     const struct nacl *acl)
{
	const char *chain = nacl_nft_chains[hop];
	bool egress = nacl_hop_is_egress(hop);
	size_t i;

	fprintf(f, "add chain inet %s %s\nflush chain inet %s %s\n", table,
		chain, table, chain);
	for (i = 0; i < acl->nentries; i++)
		if (acl->entries[i].egress == egress)
			nacl_nft_entry(f, table, chain, acl, &acl->entries[i]);
	fprintf(f, "add rule inet %s %s drop comment \"%s %s implicit deny\"\n",
		table, chain, acl->id, egress ? "outbound" : "inbound");
}

static size_t
nacl_nft_side_count(const struct nacl_nft_side *side, int family)
{
	size_t i, n = 0;

	for (i = 0; i < side->nnets; i++)
		n += side->nets[i].family == family;
	return n;
}

/* " ip saddr 198.18.1.0/24" or " ip saddr { a, b }". */
static void
nacl_nft_nets(FILE *f, const char *keyword, const struct nacl_nft_side *side,
	      int family)
{
	size_t i, n = nacl_nft_side_count(side, family), left = n;
	char cidr[NETADDR_CIDR_STRLEN];

	fprintf(f, " %s %s %s", family == AF_INET ? "ip" : "ip6", keyword,
		n > 1 ? "{ " : "");
	for (i = 0; i < side->nnets; i++) {
		if (side->nets[i].family != family)
			continue;
		fprintf(f, "%s%s", netaddr_cidr_format(&side->nets[i], cidr),
			--left > 0 ? ", " : "");
	}
	if (n > 1)
		fprintf(f, " }");
}

static void
nacl_nft_jump(FILE *f, const char *table, const char *chain, int family,
	      const struct nacl_nft_side *from, const struct nacl_nft_side *to,
	      enum nacl_hop hop)
{
	fprintf(f, "add rule inet %s %s", table, chain);
	nacl_nft_nets(f, "saddr", from, family);
	nacl_nft_nets(f, "daddr", to, family);
	fprintf(f, " jump %s\n", nacl_nft_chains[hop]);
}

char *
nacl_to_nft(const struct nacl_nft_side *probe,
	    const struct nacl_nft_side *agent, const char *table,
	    const char *chain)
{
	static const int families[] = {AF_INET, AF_INET6};
	char *buf = NULL;
	size_t size = 0, i;
	FILE *f = xcheck(open_memstream(&buf, &size));

	fprintf(f,
		"# Emulates NACL %s (probe subnet) and %s (agent subnet) "
		"statelessly.\n",
		probe->acl->id, agent->acl->id);
	fprintf(f, "flush chain inet %s %s\n", table, chain);
	nacl_nft_hop(f, table, NACL_HOP_PROBE_OUT, probe->acl);
	nacl_nft_hop(f, table, NACL_HOP_AGENT_IN, agent->acl);
	nacl_nft_hop(f, table, NACL_HOP_AGENT_OUT, agent->acl);
	nacl_nft_hop(f, table, NACL_HOP_PROBE_IN, probe->acl);
	for (i = 0; i < sizeof families / sizeof *families; i++) {
		int family = families[i];

		if (nacl_nft_side_count(probe, family) == 0 ||
		    nacl_nft_side_count(agent, family) == 0)
			continue;
		nacl_nft_jump(f, table, chain, family, probe, agent,
			      NACL_HOP_PROBE_OUT);
		nacl_nft_jump(f, table, chain, family, probe, agent,
			      NACL_HOP_AGENT_IN);
		nacl_nft_jump(f, table, chain, family, agent, probe,
			      NACL_HOP_AGENT_OUT);
		nacl_nft_jump(f, table, chain, family, agent, probe,
			      NACL_HOP_PROBE_IN);
	}
	if (fclose(f) != 0)
		buf = NULL;
	return xcheck(buf);
}
