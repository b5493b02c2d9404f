/* NACL verdicts for people and for JSON: the rule and hop that decide. */
/* explain, predict and plan name a deciding rule the same way. */
#include "reports/nacl.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/jsonwrite.h"
#include "common/xmalloc.h"

bool
nacl_entry_is_default(const struct nacl_entry *e)
{
	return e == NULL || nacl_rule_is_default(e->rule_number);
}

/* "rule * (default deny)" or "rule 90 (deny udp 4990-5010 from ...)". */
void
nacl_write_rule(FILE *out, const struct nacl_entry *e)
{
	char *what;

	if (nacl_entry_is_default(e) && (e == NULL || e->action == NACL_DENY)) {
		fputs("rule * (default deny)", out);
		return;
	}
	what = nacl_entry_describe(e);
	if (nacl_rule_is_default(e->rule_number))
		fprintf(out, "rule * (%s)", what);
	else
		fprintf(out, "rule %u (%s)", e->rule_number, what);
	free(what);
}

/* "probe subnet inbound: acl-0a1 rule * (default deny)". */
void
nacl_write_drop(FILE *out, const struct nacl_path *path,
		const struct nacl_path_result *res)
{
	enum nacl_hop hop = (enum nacl_hop)res->drop_hop;

	fprintf(out, "%s: %s ", nacl_hop_describe(hop),
		nacl_path_acl(path, hop)->id);
	nacl_write_rule(out, res->hops[hop].entry);
}

/* "probe-out rule 100, agent-in rule 120, ..." */
void
nacl_write_allowed(FILE *out, const struct nacl_path_result *res)
{
	int hop;

	for (hop = 0; hop < res->evaluated; hop++) {
		const struct nacl_entry *e = res->hops[hop].entry;

		fprintf(out, "%s%s rule ", hop ? ", " : "",
			nacl_hop_name((enum nacl_hop)hop));
		if (nacl_entry_is_default(e))
			fputc('*', out);
		else
			fprintf(out, "%u", e->rule_number);
	}
}

cJSON *
nacl_verdict_to_json(const struct nacl_path *path, enum nacl_hop hop,
		     const struct nacl_verdict *v)
{
	cJSON *rule = jsonwrite_need(cJSON_CreateObject());
	const struct nacl *acl = nacl_path_acl(path, hop);
	char *what;

	jsonwrite_string(rule, "hop", nacl_hop_name(hop));
	jsonwrite_string(rule, "nacl", acl->id);
	jsonwrite_string(rule, "direction",
			 nacl_hop_is_egress(hop) ? "outbound" : "inbound");
	jsonwrite_number(rule, "rule",
			 v->entry ? v->entry->rule_number : NACL_RULE_DEFAULT);
	jsonwrite_need(cJSON_AddBoolToObject(rule, "default",
					     nacl_entry_is_default(v->entry)));
	jsonwrite_string(rule, "action",
			 v->action == NACL_ALLOW ? "allow" : "deny");
	if (v->entry != NULL) {
		what = nacl_entry_describe(v->entry);
		jsonwrite_string(rule, "entry", what);
		free(what);
	} else
		jsonwrite_string(rule, "entry", NULL);
	return rule;
}

void
nacl_result_add_json(cJSON *obj, const struct nacl_path *path,
		     const struct nacl_path_result *res)
{
	cJSON *allowed;
	int hop;

	if (res->drop_hop >= 0) {
		cJSON_AddItemToObject(
			obj, "drop",
			nacl_verdict_to_json(path, (enum nacl_hop)res->drop_hop,
					     &res->hops[res->drop_hop]));
		return;
	}
	jsonwrite_string(obj, "drop", NULL);
	allowed = jsonwrite_array(obj, "allowed_by");
	for (hop = 0; hop < res->evaluated; hop++)
		cJSON_AddItemToArray(
			allowed, nacl_verdict_to_json(path, (enum nacl_hop)hop,
						      &res->hops[hop]));
}
