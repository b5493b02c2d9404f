/* CloudFormation templates (JSON or YAML; `cdk synth` writes them): NACLs. */
/* Values may be literals, numbers as strings ("100"), a Ref to a resource
 * (its logical ID names it) or to a parameter with a Default, or
 * Fn::GetAtt X.Id; anything computed at deploy is refused by name. */
#include "reports/cfn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/fileread.h"
#include "common/jsonread.h"
#include "common/text.h"
#include "common/xmalloc.h"

/* cdk synth of a large app stays far below this. */
#define CFN_MAX_FILE (64 * 1024 * 1024)

static const char cfn_expected[] =
	"a CloudFormation template (JSON or YAML with Resources)";

struct cfn_reader {
	struct nacl_change *c;
	const cJSON *resources;
	const cJSON *parameters;
	/* Strings made while resolving, freed with the reader. */
	cJSON *scratch;
	char **cause;
};

static const cJSON *
cfn_resource(const struct cfn_reader *rd, const char *logical_id)
{
	return cJSON_GetObjectItemCaseSensitive(rd->resources, logical_id);
}

static const char *
cfn_type(const cJSON *resource)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(resource, "Type");

	return cJSON_IsString(type) ? type->valuestring : "";
}

static const cJSON *
cfn_keep(struct cfn_reader *rd, const char *s)
{
	cJSON *item = xcheck(cJSON_CreateString(s));

	cJSON_AddItemToArray(rd->scratch, item);
	return item;
}

/*
 * The literal at stands for: the value itself, a logical ID for a Ref to a
 * resource or Fn::GetAtt X.Id, a parameter's Default for a Ref to it.
 * Returns it (a string, number or boolean) or NULL with *cause.
 */
static const cJSON *
cfn_resolve(struct cfn_reader *rd, const cJSON *item, const char *at)
{
	const cJSON *ref, *getatt, *param, *def, *first;
	char *shown;

	if (cJSON_IsString(item) || cJSON_IsNumber(item) || cJSON_IsBool(item))
		return item;
	if (!cJSON_IsObject(item) || cJSON_GetArraySize(item) != 1) {
		jsonread_fail(rd->cause, at,
			      "expected a value, found %s (give a literal, a "
			      "Ref, or Fn::GetAtt X.Id)",
			      jsonread_type(item));
		return NULL;
	}
	ref = cJSON_GetObjectItemCaseSensitive(item, "Ref");
	getatt = cJSON_GetObjectItemCaseSensitive(item, "Fn::GetAtt");
	if (cJSON_IsString(ref)) {
		if (cfn_resource(rd, ref->valuestring) != NULL)
			return ref;
		param = cJSON_GetObjectItemCaseSensitive(rd->parameters,
							 ref->valuestring);
		def = cJSON_GetObjectItemCaseSensitive(param, "Default");
		if (def != NULL && (cJSON_IsString(def) || cJSON_IsNumber(def)))
			return def;
		shown = text_printable(ref->valuestring, 60);
		jsonread_fail(rd->cause, at,
			      "Ref %s names no resource of the template and "
			      "no parameter with a Default: its value is "
			      "known only at deploy",
			      shown);
		free(shown);
		return NULL;
	}
	first = cJSON_GetArrayItem(getatt, 0);
	if (cJSON_IsArray(getatt) && cJSON_GetArraySize(getatt) == 2 &&
	    cJSON_IsString(first) &&
	    cJSON_IsString(cJSON_GetArrayItem(getatt, 1)) &&
	    cfn_resource(rd, first->valuestring) != NULL)
		return cfn_keep(rd, first->valuestring);
	shown = text_printable(item->child->string, 40);
	jsonread_fail(rd->cause, at,
		      "%s cannot be evaluated before deploy (expected a "
		      "literal, a Ref to a resource or to a parameter with a "
		      "Default, or Fn::GetAtt RESOURCE.Id)",
		      shown);
	free(shown);
	return NULL;
}

/* A property: resolved, NULL and 0 when absent and optional. */
static int
cfn_property(struct cfn_reader *rd, const cJSON *props, const char *at,
	     const char *name, bool required, const char *what,
	     const cJSON **out)
{
	const cJSON *item;
	struct jsonread_at where;
	int found = jsonread_find(props, at, name, required, NULL, &where,
				  &item, rd->cause, "%s", what);

	*out = NULL;
	if (found <= 0)
		return found;
	*out = cfn_resolve(rd, item, where.text);
	return *out == NULL ? -1 : 0;
}

static int
cfn_string(struct cfn_reader *rd, const cJSON *props, const char *at,
	   const char *name, bool required, const char *what, const char **out)
{
	const cJSON *item;
	struct jsonread_at where;

	*out = NULL;
	if (cfn_property(rd, props, at, name, required, what, &item) != 0)
		return -1;
	if (item == NULL)
		return 0;
	if (!cJSON_IsString(item))
		return jsonread_fail(rd->cause, jsonread_join(&where, at, name),
				     "expected %s, found %s", what,
				     jsonread_type(item));
	*out = item->valuestring;
	return 0;
}

/* An integer, as a number or a string of digits (CloudFormation takes
 * both). */
static int
cfn_integer(struct cfn_reader *rd, const cJSON *props, const char *at,
	    const char *name, bool required, long long min, long long max,
	    bool *present, long long *out)
{
	const cJSON *item;
	struct jsonread_at where;
	char *end;
	long long v;

	*present = false;
	if (cfn_property(rd, props, at, name, required, "an integer", &item) !=
	    0)
		return -1;
	if (item == NULL)
		return 0;
	*present = true;
	jsonread_join(&where, at, name);
	if (cJSON_IsString(item)) {
		v = strtoll(item->valuestring, &end, 10);
		if (*item->valuestring == '\0' || *end != '\0' || v < min ||
		    v > max) {
			char *shown = text_printable(item->valuestring, 40);

			jsonread_fail(rd->cause, where.text,
				      "expected an integer from %lld to %lld, "
				      "found '%s'",
				      min, max, shown);
			free(shown);
			return -1;
		}
		*out = v;
		return 0;
	}
	return jsonread_integer_value(item, where.text, min, max, out,
				      rd->cause);
}

static int
cfn_bool(struct cfn_reader *rd, const cJSON *props, const char *at,
	 const char *name, bool *out)
{
	const cJSON *item;
	struct jsonread_at where;

	if (cfn_property(rd, props, at, name, false, "true or false", &item) !=
	    0)
		return -1;
	if (item == NULL)
		return 0;
	if (cJSON_IsBool(item)) {
		*out = cJSON_IsTrue(item);
		return 0;
	}
	if (cJSON_IsString(item) &&
	    (strcasecmp(item->valuestring, "true") == 0 ||
	     strcasecmp(item->valuestring, "false") == 0)) {
		*out = strcasecmp(item->valuestring, "true") == 0;
		return 0;
	}
	return jsonread_fail(rd->cause, jsonread_join(&where, at, name),
			     "expected true or false, found %s",
			     jsonread_type(item));
}

static int
cfn_protocol(struct cfn_reader *rd, const cJSON *props, const char *at,
	     struct nacl_entry *e)
{
	const cJSON *item;
	struct jsonread_at where;
	long long v;

	if (cfn_property(rd, props, at, "Protocol", true,
			 "-1 or a protocol number", &item) != 0)
		return -1;
	jsonread_join(&where, at, "Protocol");
	if (cJSON_IsNumber(item)) {
		if (jsonread_integer_value(item, where.text, -1, 255, &v,
					   rd->cause) != 0)
			return -1;
		e->protocol = (int)v;
		return 0;
	}
	/* Not a string: its type is named as the bad protocol. */
	return nacl_protocol_set(
		&e->protocol,
		cJSON_IsString(item) ? item->valuestring : jsonread_type(item),
		where.text, "-1 for all, 6 tcp, 17 udp, or 0-255", rd->cause);
}

static int
cfn_ports(struct cfn_reader *rd, const cJSON *props, const char *at,
	  struct nacl_entry *e)
{
	const cJSON *range =
		cJSON_GetObjectItemCaseSensitive(props, "PortRange");
	struct jsonread_at range_at;
	long long from, to;
	bool present;

	if (e->protocol != NACL_PROTO_TCP && e->protocol != NACL_PROTO_UDP)
		return 0;
	jsonread_join(&range_at, at, "PortRange");
	if (range == NULL)
		return jsonread_fail(rd->cause, range_at.text,
				     "missing (expected {\"From\": N, \"To\": "
				     "N}: tcp and udp entries need one)");
	if (jsonread_expect(range, range_at.text, cJSON_IsObject,
			    "an object {\"From\": N, \"To\": N}",
			    rd->cause) != 0 ||
	    cfn_integer(rd, range, range_at.text, "From", true, 0, 65535,
			&present, &from) != 0 ||
	    cfn_integer(rd, range, range_at.text, "To", true, 0, 65535,
			&present, &to) != 0)
		return -1;
	return nacl_entry_set_ports(e, from, to, range_at.text, "From", "To",
				    rd->cause);
}

static int
cfn_icmp(struct cfn_reader *rd, const cJSON *props, const char *at,
	 struct nacl_entry *e)
{
	const cJSON *icmp = cJSON_GetObjectItemCaseSensitive(props, "Icmp");
	struct jsonread_at icmp_at;
	bool present;
	long long v;

	e->icmp_type = -1;
	e->icmp_code = -1;
	if (icmp == NULL)
		return 0;
	jsonread_join(&icmp_at, at, "Icmp");
	if (jsonread_expect(icmp, icmp_at.text, cJSON_IsObject,
			    "an object {\"Code\": N, \"Type\": N}",
			    rd->cause) != 0 ||
	    cfn_integer(rd, icmp, icmp_at.text, "Type", false, -1, 255,
			&present, &v) != 0)
		return -1;
	if (present)
		e->icmp_type = (int)v;
	if (cfn_integer(rd, icmp, icmp_at.text, "Code", false, -1, 255,
			&present, &v) != 0)
		return -1;
	if (present)
		e->icmp_code = (int)v;
	return 0;
}

static int
cfn_cidr(struct cfn_reader *rd, const cJSON *props, const char *at,
	 struct nacl_entry *e)
{
	const char *v4, *v6;

	if (cfn_string(rd, props, at, "CidrBlock", false, "a CIDR block",
		       &v4) != 0 ||
	    cfn_string(rd, props, at, "Ipv6CidrBlock", false, "a CIDR block",
		       &v6) != 0)
		return -1;
	return nacl_entry_set_either_cidr(e, v4, v6, at, "CidrBlock",
					  "Ipv6CidrBlock",
					  "expected one of them", rd->cause);
}

static int
cfn_entry(struct cfn_reader *rd, const char *logical_id, const cJSON *props,
	  const char *at)
{
	struct nacl_change_acl *declared;
	struct nacl_change_rule *rule;
	struct jsonread_at where;
	struct nacl_entry e;
	const char *acl, *s;
	long long v;
	bool present;

	memset(&e, 0, sizeof e);
	if (cfn_string(rd, props, at, "NetworkAclId", true,
		       "a Ref to an AWS::EC2::NetworkAcl or an acl- ID",
		       &acl) != 0)
		return -1;
	declared = nacl_change_find(rd->c, acl, true);
	if (declared == NULL && cfn_resource(rd, acl) != NULL)
		return jsonread_fail(rd->cause,
				     jsonread_join(&where, at, "NetworkAclId"),
				     "%s is a %s, not an AWS::EC2::NetworkAcl",
				     acl, cfn_type(cfn_resource(rd, acl)));
	if (cfn_integer(rd, props, at, "RuleNumber", true, 1, NACL_RULE_MAX,
			&present, &v) != 0)
		return -1;
	e.rule_number = (uint16_t)v;
	if (cfn_protocol(rd, props, at, &e) != 0 ||
	    cfn_string(rd, props, at, "RuleAction", true,
		       "\"allow\" or \"deny\"", &s) != 0)
		return -1;
	if (nacl_entry_set_action(&e, s,
				  jsonread_join(&where, at, "RuleAction"),
				  rd->cause) != 0)
		return -1;
	if (cfn_bool(rd, props, at, "Egress", &e.egress) != 0 ||
	    cfn_cidr(rd, props, at, &e) != 0 ||
	    cfn_ports(rd, props, at, &e) != 0 ||
	    cfn_icmp(rd, props, at, &e) != 0)
		return -1;
	nacl_entry_finish(&e);
	snprintf(e.origin, sizeof e.origin, "%s", logical_id);
	if (declared != NULL) {
		nacl_add_entry(&declared->after, &e);
		return 0;
	}
	rule = nacl_change_add_rule(rd->c, logical_id, "create", acl);
	rule->has_after = true;
	rule->after = e;
	return 0;
}

static int
cfn_association(struct cfn_reader *rd, const char *logical_id,
		const cJSON *props, const char *at)
{
	struct nacl_change_association *a;
	const char *subnet, *acl;

	if (cfn_string(rd, props, at, "SubnetId", true,
		       "a Ref to an AWS::EC2::Subnet or a subnet- ID",
		       &subnet) != 0 ||
	    cfn_string(rd, props, at, "NetworkAclId", true,
		       "a Ref to an AWS::EC2::NetworkAcl or an acl- ID",
		       &acl) != 0)
		return -1;
	a = nacl_change_add_association(rd->c, logical_id, "create");
	a->subnet_after = xstrdup(subnet);
	a->acl_after = xstrdup(acl);
	return 0;
}

static int
cfn_acl(struct cfn_reader *rd, const char *logical_id, const cJSON *props,
	const char *at)
{
	struct nacl_change_acl *a =
		nacl_change_add_acl(rd->c, logical_id, "create");
	const cJSON *tags, *tag, *key, *value;

	a->has_after = true;
	a->after.id = xstrdup(logical_id);
	a->after.address = xstrdup(logical_id);
	tags = cJSON_GetObjectItemCaseSensitive(props, "Tags");
	if (!cJSON_IsArray(tags))
		tags = NULL;
	cJSON_ArrayForEach(tag, tags)
	{
		key = cJSON_GetObjectItemCaseSensitive(tag, "Key");
		value = cJSON_GetObjectItemCaseSensitive(tag, "Value");
		if (cJSON_IsString(key) &&
		    strcmp(key->valuestring, "Name") == 0 &&
		    cJSON_IsString(value))
			a->after.name =
				text_printable(value->valuestring, NACL_ID_MAX);
	}
	(void)at;
	return 0;
}

static bool
cfn_truthy(const cJSON *item)
{
	return cJSON_IsTrue(item) ||
	       (cJSON_IsString(item) &&
		strcasecmp(item->valuestring, "true") == 0);
}

static void
cfn_subnet(struct cfn_reader *rd, const char *logical_id, const cJSON *props)
{
	bool ipv6 = cJSON_GetObjectItemCaseSensitive(props, "Ipv6CidrBlock") !=
			    NULL ||
		    cfn_truthy(cJSON_GetObjectItemCaseSensitive(
			    props, "Ipv6Native")) ||
		    cfn_truthy(cJSON_GetObjectItemCaseSensitive(
			    props, "AssignIpv6AddressOnCreation"));

	nacl_set_add_subnet(&rd->c->subnets, NULL, logical_id, ipv6);
}

/* AWS::EC2::SubnetCidrBlock gives a subnet its IPv6 block. */
static void
cfn_subnet_block(struct cfn_reader *rd, const cJSON *props)
{
	const cJSON *subnet =
		cJSON_GetObjectItemCaseSensitive(props, "SubnetId");
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(subnet, "Ref");

	if (cJSON_IsString(ref))
		nacl_set_add_subnet(&rd->c->subnets, NULL, ref->valuestring,
				    true);
	else if (cJSON_IsString(subnet))
		nacl_set_add_subnet(&rd->c->subnets, subnet->valuestring, NULL,
				    true);
}

/* The resources of type in template order; entries after their NACLs. */
static int
cfn_pass(struct cfn_reader *rd, int pass)
{
	const cJSON *resource, *props, *cond;
	struct jsonread_at at, props_at;
	const char *type;

	cJSON_ArrayForEach(resource, rd->resources)
	{
		jsonread_join(&at, "Resources", resource->string);
		if (jsonread_expect(resource, at.text, cJSON_IsObject,
				    "an object {\"Type\", \"Properties\"}",
				    rd->cause) != 0)
			return -1;
		type = cfn_type(resource);
		if (strncmp(type, "AWS::EC2::", 10) != 0)
			continue;
		type += 10;
		if (strcmp(type, "NetworkAcl") != 0 &&
		    strcmp(type, "NetworkAclEntry") != 0 &&
		    strcmp(type, "SubnetNetworkAclAssociation") != 0 &&
		    strcmp(type, "Subnet") != 0 &&
		    strcmp(type, "SubnetCidrBlock") != 0)
			continue;
		/* NACLs and subnets first: entries and associations name
		 * them. */
		if ((pass == 0) != (strcmp(type, "NetworkAcl") == 0 ||
				    strcmp(type, "Subnet") == 0 ||
				    strcmp(type, "SubnetCidrBlock") == 0))
			continue;
		cond = cJSON_GetObjectItemCaseSensitive(resource, "Condition");
		if (cond != NULL)
			return jsonread_fail(
				rd->cause,
				jsonread_join(&props_at, at.text, "Condition"),
				"a resource with a Condition exists or not by "
				"the stack's parameters, which nacl-report "
				"does not evaluate: give the template of one "
				"case (without the Condition)");
		if (jsonread_member(resource, at.text, "Properties",
				    cJSON_IsObject, "an object", true, &props,
				    rd->cause) != 0)
			return -1;
		jsonread_join(&props_at, at.text, "Properties");
		if ((strcmp(type, "NetworkAcl") == 0 &&
		     cfn_acl(rd, resource->string, props, props_at.text) !=
			     0) ||
		    (strcmp(type, "NetworkAclEntry") == 0 &&
		     cfn_entry(rd, resource->string, props, props_at.text) !=
			     0) ||
		    (strcmp(type, "SubnetNetworkAclAssociation") == 0 &&
		     cfn_association(rd, resource->string, props,
				     props_at.text) != 0))
			return -1;
		if (strcmp(type, "Subnet") == 0)
			cfn_subnet(rd, resource->string, props);
		if (strcmp(type, "SubnetCidrBlock") == 0)
			cfn_subnet_block(rd, props);
	}
	return 0;
}

int
cfn_from_json(const cJSON *root, const char *path, struct nacl_change *c,
	      char **cause)
{
	struct cfn_reader rd;
	size_t i;
	int rc;

	nacl_change_init(c, path, "CloudFormation template", false);
	memset(&rd, 0, sizeof rd);
	rd.c = c;
	rd.cause = cause;
	if (jsonread_expect(root, "", cJSON_IsObject, cfn_expected, cause) != 0)
		return -1;
	if (jsonread_member(root, "", "Resources", cJSON_IsObject,
			    "an object of resources by logical ID", true,
			    &rd.resources, cause) != 0 ||
	    jsonread_member(root, "", "Parameters", cJSON_IsObject,
			    "an object of parameters", false, &rd.parameters,
			    cause) != 0)
		return -1;
	rd.scratch = xcheck(cJSON_CreateArray());
	rc = cfn_pass(&rd, 0) != 0 || cfn_pass(&rd, 1) != 0 ? -1 : 0;
	cJSON_Delete(rd.scratch);
	for (i = 0; i < c->nacls; i++)
		nacl_sort(&c->acls[i].after);
	return rc;
}

int
cfn_from_text(const char *text, size_t len, const char *path,
	      struct nacl_change *c, char **cause)
{
	const char *name = file_display_name(path), *p = text;
	char *inner = NULL;
	cJSON *root;
	int rc;

	memset(c, 0, sizeof *c);
	while (p < text + len &&
	       (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p < text + len && *p == '{')
		root = jsonread_text(text, len, name, cfn_expected, cause);
	else if (len == 0 || strlen(text) != len)
		root = jsonread_text(text, len, name, cfn_expected, cause);
	else
		root = cfn_yaml_parse(text, len, name, cause);
	if (root == NULL)
		return -1;
	rc = cfn_from_json(root, path, c, &inner);
	cJSON_Delete(root);
	if (rc != 0)
		jsonread_fail_in(cause, name, inner);
	return rc;
}

int
cfn_read_file(const char *path, struct nacl_change *c, char **cause)
{
	size_t len;
	char *text = file_read_all(path, CFN_MAX_FILE,
				   "a CloudFormation template", &len, cause);
	int rc;

	memset(c, 0, sizeof *c);
	if (text == NULL)
		return -1;
	rc = cfn_from_text(text, len, path, c, cause);
	free(text);
	if (rc != 0)
		nacl_change_free(c);
	return rc;
}
