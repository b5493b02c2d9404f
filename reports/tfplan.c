/* Terraform plans: the NACL changes of `terraform show -json PLAN`. */
/* The traps: protocol "tcp" after but "6" before, -1 with ports 0/0, "" for
 * unset, IDs unknown until apply (the configuration's references name them),
 * inline blocks beside standalone rules that the state lists twice. */
#include "reports/tfplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/fileread.h"
#include "common/jsonread.h"
#include "common/text.h"
#include "common/xmalloc.h"

/* Plans of whole accounts stay far below this. */
#define TFPLAN_MAX_FILE (256 * 1024 * 1024)

/* One resource of the configuration: its references, by attribute. */
struct tfplan_config {
	char *address; /* module.vpc.aws_network_acl_rule.x, without keys */
	const cJSON *expressions;
};

struct tfplan_reader {
	struct nacl_change *c;
	struct tfplan_config *config;
	size_t nconfig;
	char **cause;
};

/* One resource change being read. */
struct tfplan_resource {
	const char *address;
	const char *type;
	char module[JSONREAD_AT_MAX / 2]; /* "module.vpc[0]." or "" */
	char config_key[JSONREAD_AT_MAX * 2]; /* into the configuration */
	bool indexed; /* has count or for_each */
	const char *actions; /* create, update, delete, replace, no-op */
	const cJSON *before, *after, *after_unknown;
	char at[JSONREAD_AT_MAX / 4]; /* resource_changes[i] */
};

static const char tfplan_expected[] =
	"the JSON of 'terraform show -json PLAN' (an object with "
	"format_version and resource_changes)";

/* "module.a[0].module.b" becomes "module.a.module.b": keys dropped. */
static void
tfplan_strip_keys(char *s)
{
	char *in = s, *out = s;
	int depth = 0;

	for (; *in != '\0'; in++) {
		if (*in == '[')
			depth++;
		else if (*in == ']' && depth > 0)
			depth--;
		else if (depth == 0)
			*out++ = *in;
	}
	*out = '\0';
}

static void
tfplan_config_walk(struct tfplan_reader *rd, const cJSON *module,
		   const char *prefix)
{
	const cJSON *resources, *item, *calls, *call;
	struct jsonread_at at;

	resources = cJSON_GetObjectItemCaseSensitive(module, "resources");
	if (!cJSON_IsArray(resources))
		resources = NULL;
	cJSON_ArrayForEach(item, resources)
	{
		const cJSON *address =
			cJSON_GetObjectItemCaseSensitive(item, "address");

		if (!cJSON_IsString(address))
			continue;
		rd->config = xreallocarray(rd->config, rd->nconfig + 1,
					   sizeof *rd->config);
		rd->config[rd->nconfig].address =
			xasprintf("%s%s", prefix, address->valuestring);
		rd->config[rd->nconfig].expressions =
			cJSON_GetObjectItemCaseSensitive(item, "expressions");
		rd->nconfig++;
	}
	calls = cJSON_GetObjectItemCaseSensitive(module, "module_calls");
	if (!cJSON_IsObject(calls))
		calls = NULL;
	cJSON_ArrayForEach(call, calls)
	{
		snprintf(at.text, sizeof at.text, "%smodule.%s.", prefix,
			 call->string);
		tfplan_config_walk(
			rd, cJSON_GetObjectItemCaseSensitive(call, "module"),
			at.text);
	}
}

static const cJSON *
tfplan_references(const struct tfplan_reader *rd,
		  const struct tfplan_resource *res, const char *attribute)
{
	const cJSON *expr;
	size_t i;

	for (i = 0; i < rd->nconfig; i++) {
		if (strcmp(rd->config[i].address, res->config_key) != 0)
			continue;
		expr = cJSON_GetObjectItemCaseSensitive(
			rd->config[i].expressions, attribute);
		expr = cJSON_GetObjectItemCaseSensitive(expr, "references");
		return cJSON_IsArray(expr) ? expr : NULL;
	}
	return NULL;
}

/* Drops the last ".attribute" outside brackets; false when none is left. */
static bool
tfplan_drop_last(char *s)
{
	char *dot = NULL, *p;
	int depth = 0;

	for (p = s; *p != '\0'; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && depth > 0)
			depth--;
		else if (*p == '.' && depth == 0)
			dot = p;
	}
	if (dot == NULL)
		return false;
	*dot = '\0';
	return true;
}

typedef bool (*tfplan_known_fn)(const struct nacl_change *c, const char *name);

static bool
tfplan_is_acl(const struct nacl_change *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nacls; i++)
		if (strcmp(c->acls[i].address, name) == 0)
			return true;
	return false;
}

static bool
tfplan_is_subnet(const struct nacl_change *c, const char *name)
{
	return nacl_set_subnet(&c->subnets, name) != NULL;
}

/* The key of an address ("[0]", "[\"a\"]"), or "" without one. */
static const char *
tfplan_key(const char *address)
{
	size_t len = strlen(address);

	if (len == 0 || address[len - 1] != ']')
		return "";
	while (len > 0 && address[len - 1] != '[')
		len--;
	return len > 0 ? address + len - 1 : "";
}

/*
 * What resource attribute of res refers to: the first reference that,
 * made absolute in res's module and stripped of attributes, names a
 * resource known says exists. A reference to a resource with count or
 * for_each through count.index or each.key takes res's own key. NULL when
 * none (malloc'd otherwise).
 */
static char *
tfplan_resolve(const struct tfplan_reader *rd,
	       const struct tfplan_resource *res, const char *attribute,
	       tfplan_known_fn known)
{
	const cJSON *refs = tfplan_references(rd, res, attribute), *ref;
	bool by_key = false;
	char *name;

	cJSON_ArrayForEach(ref, refs)
	{
		if (cJSON_IsString(ref) &&
		    (strcmp(ref->valuestring, "count.index") == 0 ||
		     strncmp(ref->valuestring, "each.", 5) == 0))
			by_key = true;
	}
	cJSON_ArrayForEach(ref, refs)
	{
		if (!cJSON_IsString(ref) ||
		    strncmp(ref->valuestring, "count.", 6) == 0 ||
		    strncmp(ref->valuestring, "each.", 5) == 0 ||
		    strncmp(ref->valuestring, "var.", 4) == 0 ||
		    strncmp(ref->valuestring, "local.", 6) == 0)
			continue;
		name = xasprintf("%s%s", res->module, ref->valuestring);
		do {
			char *keyed;

			if (known(rd->c, name))
				return name;
			if (by_key && res->indexed) {
				keyed = xasprintf("%s%s", name,
						  tfplan_key(res->address));
				if (known(rd->c, keyed)) {
					free(name);
					return keyed;
				}
				free(keyed);
			}
		} while (tfplan_drop_last(name));
		free(name);
	}
	return NULL;
}

/* Is the attribute name of res's after value unknown until apply: true in
 * after_unknown, or an element of it true? ([{}] marks a known list.) */
static bool
tfplan_unknown(const struct tfplan_resource *res, bool after, const char *name)
{
	const cJSON *u;

	if (!after)
		return false;
	u = cJSON_GetObjectItemCaseSensitive(res->after_unknown, name);
	if (cJSON_IsTrue(u))
		return true;
	if (!cJSON_IsArray(u))
		return false;
	/* A list with unknown elements marks them: [false, true]. */
	for (u = u->child; u != NULL; u = u->next)
		if (cJSON_IsTrue(u))
			return true;
	return false;
}

/* A string member that may be "" or null for unset: *out NULL then. */
static int
tfplan_optional_string(const cJSON *obj, const char *at, const char *name,
		       const char *what, const char **out, char **cause)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	*out = NULL;
	if (item == NULL || cJSON_IsNull(item))
		return 0;
	if (jsonread_string(obj, at, name, what, true, out, cause) != 0)
		return -1;
	if (**out == '\0')
		*out = NULL;
	return 0;
}

static int
tfplan_not_known(const char *at, const char *name, const char *what,
		 char **cause)
{
	struct jsonread_at where;

	return jsonread_fail(cause, jsonread_join(&where, at, name),
			     "not known until apply (after_unknown): %s", what);
}

/* The entry's protocol: "tcp", "6", "-1", "all", ... */
static int
tfplan_protocol(const cJSON *obj, const char *at, struct nacl_entry *e,
		char **cause)
{
	struct jsonread_at where;
	const char *s;

	if (jsonread_string(obj, at, "protocol",
			    "a protocol: \"tcp\", \"udp\", \"icmp\", \"all\", "
			    "\"-1\" or a number 0-255 as a string",
			    true, &s, cause) != 0)
		return -1;
	return nacl_protocol_set(&e->protocol, s,
				 jsonread_join(&where, at, "protocol"),
				 "tcp, udp, icmp, icmpv6, all, -1 or a number "
				 "0-255",
				 cause);
}

static int
tfplan_action(const cJSON *obj, const char *at, const char *name,
	      struct nacl_entry *e, char **cause)
{
	struct jsonread_at where;
	const char *s;

	if (jsonread_string(obj, at, name, "\"allow\" or \"deny\"", true, &s,
			    cause) != 0)
		return -1;
	return nacl_entry_set_action(e, s, jsonread_join(&where, at, name),
				     cause);
}

static int
tfplan_cidr(const cJSON *obj, const char *at, struct nacl_entry *e,
	    char **cause)
{
	const char *v4, *v6;

	if (tfplan_optional_string(obj, at, "cidr_block",
				   "a CIDR block or \"\"", &v4, cause) != 0 ||
	    tfplan_optional_string(obj, at, "ipv6_cidr_block",
				   "a CIDR block or \"\"", &v6, cause) != 0)
		return -1;
	return nacl_entry_set_either_cidr(
		e, v4, v6, at, "cidr_block", "ipv6_cidr_block",
		"expected exactly one, the other \"\"", cause);
}

/* from_port and to_port: tcp and udp need them; -1 and 0/0 elsewhere. */
static int
tfplan_ports(const cJSON *obj, const char *at, struct nacl_entry *e,
	     char **cause)
{
	long long from, to;

	if (e->protocol != NACL_PROTO_TCP && e->protocol != NACL_PROTO_UDP)
		return 0;
	if (jsonread_integer(obj, at, "from_port", 0, 65535, true, NULL, &from,
			     cause) != 0 ||
	    jsonread_integer(obj, at, "to_port", 0, 65535, true, NULL, &to,
			     cause) != 0)
		return -1;
	return nacl_entry_set_ports(e, from, to, at, "from_port", "to_port",
				    cause);
}

static int
tfplan_icmp(const cJSON *obj, const char *at, struct nacl_entry *e,
	    char **cause)
{
	static const char *const names[] = {"icmp_type", "icmp_code"};
	int *fields[] = {&e->icmp_type, &e->icmp_code};
	const cJSON *item;
	size_t i;
	long long v;

	e->icmp_type = -1;
	e->icmp_code = -1;
	if (e->protocol != NACL_PROTO_ICMP && e->protocol != NACL_PROTO_ICMPV6)
		return 0;
	for (i = 0; i < 2; i++) {
		struct jsonread_at where;

		item = cJSON_GetObjectItemCaseSensitive(obj, names[i]);
		if (item == NULL || cJSON_IsNull(item))
			continue;
		if (jsonread_integer_value(item,
					   jsonread_join(&where, at, names[i]),
					   -1, 255, &v, cause) != 0)
			return -1;
		*fields[i] = (int)v;
	}
	return 0;
}

/* The fields an inline block and a standalone rule share. */
static int
tfplan_entry_common(const cJSON *obj, const char *at, const char *action,
		    struct nacl_entry *e, char **cause)
{
	if (tfplan_protocol(obj, at, e, cause) != 0 ||
	    tfplan_action(obj, at, action, e, cause) != 0 ||
	    tfplan_cidr(obj, at, e, cause) != 0 ||
	    tfplan_ports(obj, at, e, cause) != 0 ||
	    tfplan_icmp(obj, at, e, cause) != 0)
		return -1;
	nacl_entry_finish(e);
	return 0;
}

/* aws_network_acl's ingress and egress blocks. */
static int
tfplan_inline_entries(const struct tfplan_resource *res, const cJSON *value,
		      const char *at, bool after, bool egress, struct nacl *acl,
		      char **cause)
{
	const char *name = egress ? "egress" : "ingress";
	struct jsonread_array list;
	struct nacl_entry e;
	long long v;

	if (tfplan_unknown(res, after, name))
		return tfplan_not_known(at, name,
					"nacl-report cannot predict rules "
					"computed at apply",
					cause);
	if (jsonread_array(&list, value, at, name, "an array of rule blocks",
			   false, cause) != 0)
		return -1;
	while (jsonread_array_next(&list)) {
		memset(&e, 0, sizeof e);
		e.egress = egress;
		if (jsonread_expect(list.item, list.at.text, cJSON_IsObject,
				    "an object (one rule block)", cause) != 0 ||
		    jsonread_integer(list.item, list.at.text, "rule_no", 1,
				     NACL_RULE_MAX, true, NULL, &v, cause) != 0)
			return -1;
		e.rule_number = (uint16_t)v;
		if (tfplan_entry_common(list.item, list.at.text, "action", &e,
					cause) != 0)
			return -1;
		snprintf(e.origin, sizeof e.origin, "%s %s", res->address,
			 name);
		nacl_add_entry(acl, &e);
	}
	return 0;
}

/* subnet_ids: the IDs, or before apply what the configuration names. */
static int
tfplan_subnet_ids(const struct tfplan_reader *rd,
		  const struct tfplan_resource *res, const cJSON *value,
		  const char *at, bool after, struct nacl *acl, char **cause)
{
	struct jsonread_array list;
	char *name;

	if (tfplan_unknown(res, after, "subnet_ids")) {
		const cJSON *refs = tfplan_references(rd, res, "subnet_ids");
		const cJSON *ref;

		cJSON_ArrayForEach(ref, refs)
		{
			if (!cJSON_IsString(ref) ||
			    strstr(ref->valuestring, "aws_subnet.") == NULL)
				continue;
			name = xasprintf("%s%s", res->module, ref->valuestring);
			while (!tfplan_is_subnet(rd->c, name) &&
			       tfplan_drop_last(name))
				;
			if (*name != '\0' && strchr(name, '.') != NULL)
				nacl_add_subnet(acl, name);
			free(name);
		}
		return 0;
	}
	if (jsonread_array(&list, value, at, "subnet_ids",
			   "an array of subnet IDs", false, cause) != 0)
		return -1;
	while (jsonread_array_next(&list)) {
		if (jsonread_expect(list.item, list.at.text, cJSON_IsString,
				    "a subnet ID", cause) != 0)
			return -1;
		nacl_add_subnet(acl, list.item->valuestring);
	}
	return 0;
}

static int
tfplan_name_tag(const cJSON *value, const char *at, struct nacl *acl,
		char **cause)
{
	struct jsonread_at tags_at;
	const cJSON *tags;
	const char *name;

	tags = cJSON_GetObjectItemCaseSensitive(value, "tags");
	if (tags == NULL || cJSON_IsNull(tags))
		return 0;
	if (jsonread_member(value, at, "tags", cJSON_IsObject,
			    "an object of tags", false, &tags, cause) != 0)
		return -1;
	jsonread_join(&tags_at, at, "tags");
	if (tfplan_optional_string(tags, tags_at.text, "Name", "a string",
				   &name, cause) != 0)
		return -1;
	if (name != NULL)
		acl->name = text_printable(name, NACL_ID_MAX);
	return 0;
}

/* One state of aws_network_acl or aws_default_network_acl. */
static int
tfplan_acl_state(const struct tfplan_reader *rd,
		 const struct tfplan_resource *res, bool after,
		 struct nacl *acl, char **cause)
{
	const cJSON *value = after ? res->after : res->before;
	const char *id = NULL;
	struct jsonread_at at;

	snprintf(at.text, sizeof at.text, "%s.change.%s", res->at,
		 after ? "after" : "before");
	if (jsonread_expect(value, at.text, cJSON_IsObject,
			    "an object (the resource's attributes)",
			    cause) != 0 ||
	    tfplan_optional_string(value, at.text, "id", "a NACL ID", &id,
				   cause) != 0)
		return -1;
	if (id == NULL && strcmp(res->type, "aws_default_network_acl") == 0 &&
	    tfplan_optional_string(value, at.text, "default_network_acl_id",
				   "a NACL ID", &id, cause) != 0)
		return -1;
	memset(acl, 0, sizeof *acl);
	acl->id = xstrdup(id ? id : res->address);
	acl->address = xstrdup(res->address);
	acl->is_default = strcmp(res->type, "aws_default_network_acl") == 0;
	if (tfplan_inline_entries(res, value, at.text, after, false, acl,
				  cause) != 0 ||
	    tfplan_inline_entries(res, value, at.text, after, true, acl,
				  cause) != 0 ||
	    tfplan_subnet_ids(rd, res, value, at.text, after, acl, cause) !=
		    0 ||
	    tfplan_name_tag(value, at.text, acl, cause) != 0)
		return -1;
	return 0;
}

static int
tfplan_read_acl(struct tfplan_reader *rd, const struct tfplan_resource *res)
{
	struct nacl_change_acl *a =
		nacl_change_add_acl(rd->c, res->address, res->actions);

	a->has_before = res->before != NULL && !cJSON_IsNull(res->before);
	a->has_after = res->after != NULL && !cJSON_IsNull(res->after);
	if (a->has_before &&
	    tfplan_acl_state(rd, res, false, &a->before, rd->cause) != 0)
		return -1;
	if (a->has_after &&
	    tfplan_acl_state(rd, res, true, &a->after, rd->cause) != 0)
		return -1;
	return 0;
}

static int
tfplan_read_subnet(struct tfplan_reader *rd, const struct tfplan_resource *res)
{
	const cJSON *value = res->after && !cJSON_IsNull(res->after)
				     ? res->after
				     : res->before;
	const cJSON *item;
	const char *id = NULL, *v6 = NULL;
	bool ipv6;

	if (!cJSON_IsObject(value))
		return 0;
	item = cJSON_GetObjectItemCaseSensitive(value, "id");
	if (cJSON_IsString(item) && *item->valuestring != '\0')
		id = item->valuestring;
	item = cJSON_GetObjectItemCaseSensitive(value, "ipv6_cidr_block");
	if (cJSON_IsString(item) && *item->valuestring != '\0')
		v6 = item->valuestring;
	ipv6 = v6 != NULL ||
	       tfplan_unknown(res, value == res->after, "ipv6_cidr_block") ||
	       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		       value, "assign_ipv6_address_on_creation")) ||
	       cJSON_IsTrue(
		       cJSON_GetObjectItemCaseSensitive(value, "ipv6_native"));
	nacl_set_add_subnet(&rd->c->subnets, id, res->address, ipv6);
	return 0;
}

/*
 * A NACL named by attribute of value (network_acl_id): its ID, or before
 * apply the address its reference names. NULL and 0 when the attribute is
 * unset; -1 on error.
 */
static int
tfplan_target(const struct tfplan_reader *rd, const struct tfplan_resource *res,
	      const cJSON *value, const char *at, bool after,
	      const char *attribute, tfplan_known_fn known, char **out,
	      char **cause)
{
	const char *s;

	*out = NULL;
	if (tfplan_unknown(res, after, attribute)) {
		*out = tfplan_resolve(rd, res, attribute, known);
		if (*out == NULL)
			return tfplan_not_known(
				at, attribute,
				"and no reference in the configuration "
				"names a resource of the plan (expected a "
				"reference like aws_network_acl.app.id)",
				cause);
		return 0;
	}
	if (tfplan_optional_string(value, at, attribute, "an ID", &s, cause) !=
	    0)
		return -1;
	if (s == NULL) {
		struct jsonread_at where;

		return jsonread_fail(
			cause, jsonread_join(&where, at, attribute),
			"missing (expected %s)",
			strcmp(attribute, "subnet_id") == 0 ? "a subnet ID"
							    : "a NACL ID");
	}
	*out = xstrdup(s);
	return 0;
}

/* One state of aws_network_acl_rule: its entry and the NACL it is on. */
static int
tfplan_rule_state(const struct tfplan_reader *rd,
		  const struct tfplan_resource *res, bool after,
		  struct nacl_entry *e, char **target, char **cause)
{
	const cJSON *value = after ? res->after : res->before;
	struct jsonread_at at;
	long long v;

	snprintf(at.text, sizeof at.text, "%s.change.%s", res->at,
		 after ? "after" : "before");
	memset(e, 0, sizeof *e);
	if (jsonread_expect(value, at.text, cJSON_IsObject,
			    "an object (the resource's attributes)",
			    cause) != 0 ||
	    jsonread_integer(value, at.text, "rule_number", 1, NACL_RULE_MAX,
			     true, NULL, &v, cause) != 0)
		return -1;
	e->rule_number = (uint16_t)v;
	if (cJSON_GetObjectItemCaseSensitive(value, "egress") != NULL &&
	    jsonread_bool(value, at.text, "egress",
			  "true (outbound) or false (inbound)", false, NULL,
			  &e->egress, cause) != 0)
		return -1;
	if (tfplan_entry_common(value, at.text, "rule_action", e, cause) != 0 ||
	    tfplan_target(rd, res, value, at.text, after, "network_acl_id",
			  tfplan_is_acl, target, cause) != 0)
		return -1;
	snprintf(e->origin, sizeof e->origin, "%s", res->address);
	return 0;
}

static bool
tfplan_same_entry(const struct nacl_entry *a, const struct nacl_entry *b)
{
	return a->egress == b->egress && a->rule_number == b->rule_number &&
	       a->action == b->action && a->protocol == b->protocol &&
	       a->has_ports == b->has_ports && a->port_from == b->port_from &&
	       a->port_to == b->port_to && a->cidr.family == b->cidr.family &&
	       a->cidr.prefix == b->cidr.prefix &&
	       memcmp(a->cidr.addr, b->cidr.addr, sizeof a->cidr.addr) == 0 &&
	       a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code;
}

/* A standalone rule on a NACL the plan declares joins its entries; the
 * state lists it among the inline ones too: once is enough. */
static void
tfplan_join(struct nacl *acl, const struct nacl_entry *e)
{
	size_t i;

	for (i = 0; i < acl->nentries; i++) {
		if (tfplan_same_entry(&acl->entries[i], e)) {
			snprintf(acl->entries[i].origin,
				 sizeof acl->entries[i].origin, "%s",
				 e->origin);
			return;
		}
	}
	nacl_add_entry(acl, e);
}

static int
tfplan_read_rule(struct tfplan_reader *rd, const struct tfplan_resource *res)
{
	struct nacl_change_rule *patch = NULL;
	struct nacl_change_acl *declared;
	struct nacl_entry e;
	char *target;
	int state;

	for (state = 0; state < 2; state++) {
		bool after = state == 1;
		const cJSON *value = after ? res->after : res->before;

		if (value == NULL || cJSON_IsNull(value))
			continue;
		if (tfplan_rule_state(rd, res, after, &e, &target, rd->cause) !=
		    0)
			return -1;
		declared = nacl_change_find(rd->c, target, after);
		if (declared != NULL &&
		    (after ? declared->has_after : declared->has_before)) {
			tfplan_join(after ? &declared->after
					  : &declared->before,
				    &e);
			if (strcmp(res->actions, "no-op") != 0)
				declared->parts_change = true;
			free(target);
			continue;
		}
		if (patch == NULL)
			patch = nacl_change_add_rule(rd->c, res->address,
						     res->actions, target);
		if (after) {
			patch->has_after = true;
			patch->after = e;
		} else {
			patch->has_before = true;
			patch->before = e;
		}
		free(target);
	}
	return 0;
}

static int
tfplan_read_association(struct tfplan_reader *rd,
			const struct tfplan_resource *res)
{
	struct nacl_change_association *a =
		nacl_change_add_association(rd->c, res->address, res->actions);
	struct nacl_change_acl *declared;
	int state;

	for (state = 0; state < 2; state++) {
		bool after = state == 1;
		const cJSON *value = after ? res->after : res->before;
		char **subnet = after ? &a->subnet_after : &a->subnet_before;
		char **acl = after ? &a->acl_after : &a->acl_before;
		struct jsonread_at at;

		if (value == NULL || cJSON_IsNull(value))
			continue;
		snprintf(at.text, sizeof at.text, "%s.change.%s", res->at,
			 after ? "after" : "before");
		if (jsonread_expect(value, at.text, cJSON_IsObject,
				    "an object (the resource's attributes)",
				    rd->cause) != 0 ||
		    tfplan_target(rd, res, value, at.text, after,
				  "network_acl_id", tfplan_is_acl, acl,
				  rd->cause) != 0 ||
		    tfplan_target(rd, res, value, at.text, after, "subnet_id",
				  tfplan_is_subnet, subnet, rd->cause) != 0)
			return -1;
		declared = nacl_change_find(rd->c, *acl, after);
		if (declared != NULL && strcmp(res->actions, "no-op") != 0)
			declared->parts_change = true;
	}
	return 0;
}

/* "create", "update", "delete", "replace", "no-op" from change.actions. */
static int
tfplan_actions(const cJSON *change, const char *at, const char **out,
	       char **cause)
{
	const cJSON *actions, *first, *second;

	if (jsonread_member(change, at, "actions", cJSON_IsArray,
			    "an array like [\"update\"]", true, &actions,
			    cause) != 0)
		return -1;
	first = cJSON_GetArrayItem(actions, 0);
	second = cJSON_GetArrayItem(actions, 1);
	if (!cJSON_IsString(first))
		return jsonread_fail(cause, at,
				     "actions: expected [\"create\"], "
				     "[\"update\"], [\"delete\"], "
				     "[\"no-op\"] or a replacement");
	*out = first->valuestring;
	if (second != NULL)
		*out = "replace";
	else if (strcmp(*out, "forget") == 0)
		/* Terraform lets go of it; AWS keeps it as it is. */
		*out = "no-op";
	return 0;
}

static const char *const tfplan_types[] = {"aws_subnet",
					   "aws_network_acl",
					   "aws_default_network_acl",
					   "aws_network_acl_rule",
					   "aws_network_acl_association",
					   NULL};

/* Fills res from resource_changes[index]; 1 when it is not a NACL's. */
static int
tfplan_resource(const cJSON *item, size_t index, int pass,
		struct tfplan_resource *res, char **cause)
{
	const cJSON *change, *module;
	const char *mode, *name;
	struct jsonread_at at;
	size_t i;

	memset(res, 0, sizeof *res);
	snprintf(res->at, sizeof res->at, "resource_changes[%zu]", index);
	if (jsonread_expect(item, res->at, cJSON_IsObject,
			    "an object (one resource change)", cause) != 0 ||
	    jsonread_string(item, res->at, "type", "a resource type", true,
			    &res->type, cause) != 0)
		return -1;
	for (i = 0; tfplan_types[i] != NULL; i++)
		if (strcmp(res->type, tfplan_types[i]) == 0)
			break;
	/* aws_subnet first, NACLs next, then what refers to them. */
	if (tfplan_types[i] == NULL || (pass == 0 && i != 0) ||
	    (pass == 1 && i != 1 && i != 2) || (pass == 2 && i < 3))
		return 1;
	if (jsonread_string(item, res->at, "mode", "\"managed\" or \"data\"",
			    false, &mode, cause) != 0)
		return -1;
	if (mode != NULL && strcmp(mode, "managed") != 0)
		return 1;
	if (jsonread_string(item, res->at, "address",
			    "a resource address like aws_network_acl.app", true,
			    &res->address, cause) != 0 ||
	    jsonread_string(item, res->at, "name", "a resource name", true,
			    &name, cause) != 0 ||
	    jsonread_member(item, res->at, "change", cJSON_IsObject,
			    "an object {actions, before, after}", true, &change,
			    cause) != 0)
		return -1;
	module = cJSON_GetObjectItemCaseSensitive(item, "module_address");
	if (cJSON_IsString(module))
		snprintf(res->module, sizeof res->module, "%s.",
			 module->valuestring);
	snprintf(res->config_key, sizeof res->config_key, "%s%s.%s",
		 res->module, res->type, name);
	tfplan_strip_keys(res->config_key);
	res->indexed = cJSON_GetObjectItemCaseSensitive(item, "index") != NULL;
	jsonread_join(&at, res->at, "change");
	if (tfplan_actions(change, at.text, &res->actions, cause) != 0)
		return -1;
	res->before = cJSON_GetObjectItemCaseSensitive(change, "before");
	res->after = cJSON_GetObjectItemCaseSensitive(change, "after");
	res->after_unknown =
		cJSON_GetObjectItemCaseSensitive(change, "after_unknown");
	if (strcmp(res->actions, "no-op") == 0 && res->after == NULL)
		res->after = res->before;
	return 0;
}

static int
tfplan_read_changes(struct tfplan_reader *rd, const cJSON *changes)
{
	struct tfplan_resource res;
	const cJSON *item;
	size_t k;
	int pass, rc = 0;

	for (pass = 0; pass < 3; pass++) {
		k = 0;
		cJSON_ArrayForEach(item, changes)
		{
			rc = tfplan_resource(item, k++, pass, &res, rd->cause);
			if (rc < 0)
				return -1;
			if (rc > 0)
				continue;
			if (strcmp(res.type, "aws_subnet") == 0)
				rc = tfplan_read_subnet(rd, &res);
			else if (pass == 1)
				rc = tfplan_read_acl(rd, &res);
			else if (strcmp(res.type, "aws_network_acl_rule") == 0)
				rc = tfplan_read_rule(rd, &res);
			else
				rc = tfplan_read_association(rd, &res);
			if (rc != 0)
				return -1;
		}
	}
	for (k = 0; k < rd->c->nacls; k++) {
		nacl_sort(&rd->c->acls[k].before);
		nacl_sort(&rd->c->acls[k].after);
	}
	return 0;
}

int
tfplan_from_json(const cJSON *root, const char *path, struct nacl_change *c,
		 char **cause)
{
	struct tfplan_reader rd;
	const cJSON *changes, *config;
	const char *version;
	size_t i;
	int rc;

	nacl_change_init(c, path, "Terraform plan", true);
	memset(&rd, 0, sizeof rd);
	if (jsonread_expect(root, "", cJSON_IsObject, tfplan_expected, cause) !=
	    0)
		return -1;
	if (jsonread_string(root, "", "format_version",
			    "a string like \"1.2\" (is this 'terraform show "
			    "-json' of a plan?)",
			    true, &version, cause) != 0 ||
	    jsonread_member(root, "", "resource_changes", cJSON_IsArray,
			    "an array of resource changes", false, &changes,
			    cause) != 0)
		return -1;
	if (changes == NULL &&
	    cJSON_GetObjectItemCaseSensitive(root, "values") != NULL &&
	    cJSON_GetObjectItemCaseSensitive(root, "planned_values") == NULL)
		return jsonread_fail(cause, "",
				     "this is 'terraform show -json' of a "
				     "state, not of a plan: run 'terraform "
				     "plan -out PLAN' and 'terraform show "
				     "-json PLAN'");
	config = cJSON_GetObjectItemCaseSensitive(root, "configuration");
	tfplan_config_walk(
		&rd, cJSON_GetObjectItemCaseSensitive(config, "root_module"),
		"");
	rd.c = c;
	rd.cause = cause;
	rc = tfplan_read_changes(&rd, changes);
	for (i = 0; i < rd.nconfig; i++)
		free(rd.config[i].address);
	free(rd.config);
	return rc;
}

int
tfplan_read_file(const char *path, struct nacl_change *c, char **cause)
{
	char *inner = NULL;
	cJSON *root;
	int rc;

	memset(c, 0, sizeof *c);
	root = jsonread_file(path, TFPLAN_MAX_FILE, "a Terraform plan",
			     tfplan_expected, cause);
	if (root == NULL)
		return -1;
	rc = tfplan_from_json(root, path, c, &inner);
	cJSON_Delete(root);
	if (rc != 0) {
		jsonread_fail_in(cause, file_display_name(path), inner);
		nacl_change_free(c);
	}
	return rc;
}
