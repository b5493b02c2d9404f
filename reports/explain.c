/* nacl-report explain and nft: measurement against the NACLs' verdicts. */
/* A drop the NACLs do not explain points elsewhere on the path. */
#include "reports/explain.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/text.h"
#include "common/xmalloc.h"

#define EXPLAIN_USAGE_ERROR 2
/* Ranges listed per check in the text; --json has them all. */
#define EXPLAIN_TEXT_MAX_RANGES 50
/* Names listed in an error before "... (N more)". */
#define EXPLAIN_MAX_KNOWN 8

static const char *const explain_outcome_names[EXPLAIN_OUTCOME_COUNT] = {
	"agree",	   "explained",	 "unexplained", "contradicted",
	"wrong_direction", "not_probed", "not_nacl",
};

const char *
explain_outcome_name(enum explain_outcome outcome)
{
	return (unsigned)outcome < EXPLAIN_OUTCOME_COUNT
		       ? explain_outcome_names[outcome]
		       : "?";
}

enum explain_outcome
explain_outcome_of(enum probe_status measured, enum probe_status predicted)
{
	switch (measured) {
	case STATUS_OK:
		return predicted == STATUS_OK ? EXPLAIN_AGREE
					      : EXPLAIN_CONTRADICTED;
	case STATUS_REQUEST_DROPPED:
	case STATUS_REPLY_DROPPED:
		if (predicted == STATUS_OK)
			return EXPLAIN_UNEXPLAINED;
		return predicted == measured ? EXPLAIN_EXPLAINED
					     : EXPLAIN_WRONG_DIRECTION;
	case STATUS_DROPPED:
		/* No agent: the direction is unknown, either one explains. */
		return predicted == STATUS_OK ? EXPLAIN_UNEXPLAINED
					      : EXPLAIN_EXPLAINED;
	case STATUS_REJECTED:
		/* A NACL drops silently; it never rejects. */
		return EXPLAIN_UNEXPLAINED;
	case STATUS_HOST_DROPPED:
		/* The NACLs let it through; the agent host dropped it. */
		return predicted == STATUS_OK ? EXPLAIN_NOT_NACL
					      : EXPLAIN_WRONG_DIRECTION;
	case STATUS_LOCAL_ERROR:
	case STATUS_UNFINISHED:
	case STATUS_COUNT:
		break;
	}
	return EXPLAIN_NOT_PROBED;
}

/* Resolving --probe-subnet / --agent-subnet. */

void
explain_side_free(struct explain_side *side)
{
	if (side == NULL)
		return;
	free(side->subnet_id);
	free(side->nets);
	memset(side, 0, sizeof *side);
}

static bool
explain_is_id(const char *text, const char *prefix)
{
	return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* "a, b, c, ... (4 more)" over the set's subnets or NACL IDs. */
static char *
explain_known_subnets(const struct nacl_set *set)
{
	char *list = xstrdup(""), *next;
	size_t i, j, n = 0;

	for (i = 0; i < set->count; i++) {
		for (j = 0; j < set->acls[i].nsubnets; j++) {
			if (n++ >= EXPLAIN_MAX_KNOWN)
				continue;
			next = xasprintf("%s%s%s (%s)", list, *list ? ", " : "",
					 set->acls[i].subnets[j],
					 set->acls[i].id);
			free(list);
			list = next;
		}
	}
	if (n > EXPLAIN_MAX_KNOWN) {
		next = xasprintf("%s, ... (%zu more)", list,
				 n - EXPLAIN_MAX_KNOWN);
		free(list);
		list = next;
	}
	return list;
}

static char *
explain_known_acls(const struct nacl_set *set)
{
	char *list = xstrdup(""), *next;
	size_t i;

	for (i = 0; i < set->count; i++) {
		if (i >= EXPLAIN_MAX_KNOWN) {
			next = xasprintf("%s, ... (%zu more)", list,
					 set->count - EXPLAIN_MAX_KNOWN);
			free(list);
			return next;
		}
		next = xasprintf("%s%s%s%s", list, *list ? ", " : "",
				 set->acls[i].id,
				 set->acls[i].is_default ? " (default)" : "");
		free(list);
		list = next;
	}
	return list;
}

static int
explain_side_nets(const char *option, const char *given, const char *text,
		  struct explain_side *side, char **cause)
{
	char *copy = xstrdup(text), *item, *save = NULL, *inner = NULL, *shown;
	struct netaddr_cidr cidr;

	for (item = strtok_r(copy, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		if (netaddr_cidr_parse(item, &cidr, &inner) != 0) {
			shown = text_printable(given, 80);
			*cause = xasprintf("%s %s: %s", option, shown, inner);
			free(shown);
			free(inner);
			free(copy);
			return -1;
		}
		side->nets = xreallocarray(side->nets, side->nnets + 1,
					   sizeof *side->nets);
		side->nets[side->nnets++] = cidr;
	}
	free(copy);
	if (side->nnets == 0 || text[strlen(text) - 1] == ',' ||
	    strstr(text, ",,") != NULL || *text == ',') {
		shown = text_printable(given, 80);
		*cause = xasprintf("%s %s: empty CIDR in the list (expected "
				   "CIDR[,CIDR...] like 10.0.1.0/24 or "
				   "10.0.1.0/24,2001:db8:1::/64)",
				   option, shown);
		free(shown);
		return -1;
	}
	return 0;
}

int
explain_side_parse(const struct nacl_set *set, const char *file,
		   const char *option, const char *text,
		   struct explain_side *side, char **cause)
{
	const char *forms = "a subnet ID (subnet-...), a NACL ID (acl-...), "
			    "ID=CIDR[,CIDR], or a CIDR block when the file "
			    "holds one NACL";
	char *id = NULL, *eq, *shown = text_printable(text, 80), *known;
	const char *cidrs = NULL;

	memset(side, 0, sizeof *side);
	if (*text == '\0') {
		*cause = xasprintf("%s: empty; expected %s", option, forms);
		goto fail;
	}
	eq = strchr(text, '=');
	if (explain_is_id(text, "subnet-") || explain_is_id(text, "acl-")) {
		id = eq ? xasprintf("%.*s", (int)(eq - text), text)
			: xstrdup(text);
		cidrs = eq ? eq + 1 : NULL;
	} else if (eq != NULL) {
		*cause = xasprintf("%s %s: '%.*s' before '=' is not a subnet "
				   "ID (subnet-...) or a NACL ID (acl-...)",
				   option, shown, (int)(eq - text), text);
		goto fail;
	} else if ((*text >= '0' && *text <= '9') || strchr(text, ':'))
		cidrs = text; /* an address, IPv4 or IPv6 */
	else {
		*cause = xasprintf("%s %s: expected %s", option, shown, forms);
		goto fail;
	}
	if (cidrs != NULL &&
	    explain_side_nets(option, text, cidrs, side, cause) != 0)
		goto fail;
	if (id != NULL && explain_is_id(id, "subnet-")) {
		side->acl = nacl_set_find_subnet(set, id);
		if (side->acl == NULL) {
			known = explain_known_subnets(set);
			if (*known)
				*cause = xasprintf(
					"%s %s: no NACL in %s is associated "
					"with %s; known subnets: %s",
					option, shown, file, id, known);
			else {
				free(known);
				known = explain_known_acls(set);
				*cause = xasprintf(
					"%s %s: %s lists no subnet "
					"associations; name the NACL instead: "
					"%s",
					option, shown, file, known);
			}
			free(known);
			goto fail;
		}
		side->subnet_id = id;
		id = NULL;
	} else if (id != NULL) {
		side->acl = nacl_set_find(set, id);
		if (side->acl == NULL) {
			known = explain_known_acls(set);
			*cause = xasprintf("%s %s: %s holds no NACL %s; known: "
					   "%s",
					   option, shown, file, id, known);
			free(known);
			goto fail;
		}
	} else if (set->count == 1)
		side->acl = &set->acls[0];
	else {
		known = explain_known_subnets(set);
		if (*known == '\0') {
			free(known);
			known = explain_known_acls(set);
		}
		*cause =
			xasprintf("%s %s: a CIDR alone names no NACL, and %s "
				  "holds %zu; give ID=%s with one of: %s",
				  option, shown, file, set->count, text, known);
		free(known);
		goto fail;
	}
	free(id);
	free(shown);
	return 0;
fail:
	free(id);
	free(shown);
	explain_side_free(side);
	return -1;
}

static int
explain_address(const char *option, const struct explain_side *side,
		const char *text, const char *where, int *family, uint8_t *addr,
		char **cause)
{
	char *shown, cidr[NETADDR_CIDR_STRLEN], *list, *next;
	size_t i;

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, text, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, text, addr) == 1)
		*family = AF_INET6;
	else {
		shown = text_printable(text, 60);
		*cause = xasprintf("%s: '%s' is not an IPv4 or IPv6 address",
				   where, shown);
		free(shown);
		return -1;
	}
	if (side->nnets == 0)
		return 0;
	list = xstrdup("");
	for (i = 0; i < side->nnets; i++) {
		if (netaddr_cidr_contains(&side->nets[i], *family, addr)) {
			free(list);
			return 0;
		}
		next = xasprintf("%s%s%s", list, *list ? ", " : "",
				 netaddr_cidr_format(&side->nets[i], cidr));
		free(list);
		list = next;
	}
	shown = text_printable(text, 60);
	*cause = xasprintf("%s: address %s is not in %s %s (%s); is that the "
			   "right subnet?",
			   where, shown, option,
			   side->subnet_id ? side->subnet_id : side->acl->id,
			   list);
	free(shown);
	free(list);
	return -1;
}

int
explain_path_init(struct nacl_path *path, const struct explain_side *probe,
		  const char *probe_option, const char *probe_addr,
		  const char *probe_where, const struct explain_side *agent,
		  const char *agent_option, const char *agent_addr,
		  const char *agent_where, char **cause)
{
	int probe_family = 0, agent_family = 0;

	memset(path, 0, sizeof *path);
	path->probe_acl = probe->acl;
	path->agent_acl = agent->acl;
	if (explain_address(probe_option, probe, probe_addr, probe_where,
			    &probe_family, path->probe_addr, cause) != 0 ||
	    explain_address(agent_option, agent, agent_addr, agent_where,
			    &agent_family, path->agent_addr, cause) != 0)
		return -1;
	if (probe_family != agent_family) {
		*cause =
			xasprintf("the probe address (%s) is IPv%d and the "
				  "agent address (%s) IPv%d: expected one "
				  "family",
				  probe_where, probe_family == AF_INET ? 4 : 6,
				  agent_where, agent_family == AF_INET ? 4 : 6);
		return -1;
	}
	path->family = probe_family;
	path->same_subnet = probe->subnet_id != NULL &&
			    agent->subnet_id != NULL &&
			    strcmp(probe->subnet_id, agent->subnet_id) == 0;
	return 0;
}

/* Prediction and grouping. */

static enum probe_status
explain_predicted(const struct nacl_path_result *res)
{
	if (res->drop_hop < 0)
		return STATUS_OK;
	return nacl_hop_is_reply((enum nacl_hop)res->drop_hop)
		       ? STATUS_REPLY_DROPPED
		       : STATUS_REQUEST_DROPPED;
}

static bool
explain_same_group(const struct explain_range *last, enum probe_status measured,
		   enum explain_outcome outcome,
		   const struct nacl_path_result *res)
{
	const struct nacl_path_result *a = &last->prediction;
	int hop;

	if (last->measured != measured || last->outcome != outcome ||
	    a->drop_hop != res->drop_hop || a->evaluated != res->evaluated)
		return false;
	if (res->drop_hop >= 0)
		return a->hops[res->drop_hop].entry ==
		       res->hops[res->drop_hop].entry;
	for (hop = 0; hop < res->evaluated; hop++)
		if (a->hops[hop].entry != res->hops[hop].entry)
			return false;
	return true;
}

static void
explain_check_add(struct explain_check *ec, size_t *capacity, uint16_t port,
		  enum probe_status measured,
		  const struct nacl_path_result *res)
{
	enum probe_status predicted = explain_predicted(res);
	enum explain_outcome outcome = explain_outcome_of(measured, predicted);
	struct explain_range *last =
		ec->nranges ? &ec->ranges[ec->nranges - 1] : NULL;

	ec->ports[outcome]++;
	if (last != NULL && (uint32_t)last->to + 1 == port &&
	    explain_same_group(last, measured, outcome, res)) {
		last->to = port;
		return;
	}
	if (ec->nranges == *capacity) {
		*capacity = *capacity ? *capacity * 2 : 8;
		ec->ranges = xreallocarray(ec->ranges, *capacity,
					   sizeof *ec->ranges);
	}
	last = &ec->ranges[ec->nranges++];
	last->from = port;
	last->to = port;
	last->measured = measured;
	last->predicted = predicted;
	last->outcome = outcome;
	last->prediction = *res;
}

void
explain_build(struct explain *x, const struct report *r,
	      const struct nacl_path *path)
{
	size_t i, j;

	memset(x, 0, sizeof *x);
	x->report = r;
	x->path = *path;
	x->nchecks = r->nchecks;
	x->checks = xcalloc(r->nchecks ? r->nchecks : 1, sizeof *x->checks);
	for (i = 0; i < r->nchecks; i++) {
		const struct report_check *c = &r->checks[i];
		struct explain_check *ec = &x->checks[i];
		int protocol =
			c->proto == PROTO_TCP ? NACL_PROTO_TCP : NACL_PROTO_UDP;
		size_t capacity = 0;

		ec->check = c;
		for (j = 0; j < c->nranges; j++) {
			const struct status_range *sr = &c->ranges[j];
			uint32_t p;

			for (p = sr->from; p <= sr->to; p++) {
				struct nacl_path_result res;

				nacl_path_evaluate(path, protocol, c->port,
						   (uint16_t)p, &res);
				explain_check_add(ec, &capacity, (uint16_t)p,
						  sr->status, &res);
			}
		}
		for (j = 0; j < EXPLAIN_OUTCOME_COUNT; j++)
			x->ports[j] += ec->ports[j];
		for (j = 0; j < ec->nranges; j++)
			x->ranges[ec->ranges[j].outcome]++;
	}
}

void
explain_free(struct explain *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nchecks; i++)
		free(x->checks[i].ranges);
	free(x->checks);
	memset(x, 0, sizeof *x);
}

static bool
explain_outcome_disagrees(enum explain_outcome outcome)
{
	return outcome == EXPLAIN_UNEXPLAINED ||
	       outcome == EXPLAIN_CONTRADICTED ||
	       outcome == EXPLAIN_WRONG_DIRECTION;
}

int
explain_exit_code(const struct explain *x)
{
	int i;

	for (i = 0; i < EXPLAIN_OUTCOME_COUNT; i++)
		if (x->ranges[i] > 0 &&
		    explain_outcome_disagrees((enum explain_outcome)i))
			return 1;
	return 0;
}

/* Text. */

static bool
explain_entry_is_default(const struct nacl_entry *e)
{
	return e == NULL || nacl_rule_is_default(e->rule_number);
}

/* "rule * (default deny)" or "rule 90 (deny udp 4990-5010 from ...)". */
static void
explain_write_rule(FILE *out, const struct nacl_entry *e)
{
	char *what;

	if (explain_entry_is_default(e) &&
	    (e == NULL || e->action == NACL_DENY)) {
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
static void
explain_write_drop(FILE *out, const struct explain *x,
		   const struct nacl_path_result *res)
{
	enum nacl_hop hop = (enum nacl_hop)res->drop_hop;

	fprintf(out, "%s: %s ", nacl_hop_describe(hop),
		nacl_path_acl(&x->path, hop)->id);
	explain_write_rule(out, res->hops[hop].entry);
}

/* "probe-out rule 100, agent-in rule 120, ..." */
static void
explain_write_allowed(FILE *out, const struct nacl_path_result *res)
{
	int hop;

	for (hop = 0; hop < res->evaluated; hop++) {
		const struct nacl_entry *e = res->hops[hop].entry;

		fprintf(out, "%s%s rule ", hop ? ", " : "",
			nacl_hop_name((enum nacl_hop)hop));
		if (explain_entry_is_default(e))
			fputc('*', out);
		else
			fprintf(out, "%u", e->rule_number);
	}
}

static void
explain_write_range(FILE *out, const struct explain *x,
		    const struct explain_range *er)
{
	const struct nacl_path_result *res = &er->prediction;
	size_t n = (size_t)er->to - er->from + 1;

	if (er->from == er->to)
		fprintf(out, "  %u  %s (1 port): ", er->from,
			status_name(er->measured));
	else
		fprintf(out, "  %u-%u  %s (%zu ports): ", er->from, er->to,
			status_name(er->measured), n);
	switch (er->outcome) {
	case EXPLAIN_EXPLAINED:
		fputs("explained\n    dropped by ", out);
		explain_write_drop(out, x, res);
		break;
	case EXPLAIN_UNEXPLAINED:
		fputs("UNEXPLAINED\n    ", out);
		if (er->measured == STATUS_REJECTED) {
			fputs("a NACL drops silently and never rejects: "
			      "something else on the path refused it (a host "
			      "firewall, a closed port)",
			      out);
			if (res->drop_hop >= 0) {
				fputs("; the NACLs would drop it too, by ",
				      out);
				explain_write_drop(out, x, res);
			}
		} else if (x->path.same_subnet) {
			fputs("probe and agent share a subnet, whose NACL "
			      "does not filter traffic inside it: something "
			      "else on the path drops it (a security group, "
			      "a host firewall)",
			      out);
		} else {
			fputs("the NACLs allow it (", out);
			explain_write_allowed(out, res);
			fputs("): something else on the path drops it (a "
			      "security group, a host firewall)",
			      out);
		}
		break;
	case EXPLAIN_CONTRADICTED:
		fputs("CONTRADICTED\n    the NACLs should have dropped it, by ",
		      out);
		explain_write_drop(out, x, res);
		fputs("; is the export stale?", out);
		break;
	case EXPLAIN_WRONG_DIRECTION:
		fputs("WRONG DIRECTION\n    ", out);
		if (er->measured == STATUS_REPLY_DROPPED)
			fputs("the agent saw the requests, yet the NACLs drop "
			      "them on the way there, by ",
			      out);
		else
			fputs("the requests never reached the agent, yet the "
			      "NACLs drop only the replies, by ",
			      out);
		explain_write_drop(out, x, res);
		fputs("; is the export stale, or are the subnets swapped?",
		      out);
		break;
	case EXPLAIN_NOT_PROBED:
		fputs("not probed\n    the probe could not send from these "
		      "ports; the NACLs would ",
		      out);
		if (res->drop_hop >= 0) {
			fputs("drop them, by ", out);
			explain_write_drop(out, x, res);
		} else
			fputs("allow them", out);
		break;
	case EXPLAIN_NOT_NACL:
		fputs("NOT A NACL\n    the requests reached the agent host, "
		      "whose own firewall dropped them; the NACLs allow "
		      "them: look at the host's firewall (nftables, "
		      "iptables, a security agent), not at a NACL",
		      out);
		break;
	case EXPLAIN_AGREE:
	case EXPLAIN_OUTCOME_COUNT:
		break;
	}
	fputc('\n', out);
}

static const char *const explain_outcome_labels[EXPLAIN_OUTCOME_COUNT] = {
	"agree",	   "explained",	 "unexplained", "contradicted",
	"wrong direction", "not probed", "not a NACL",
};

static void
explain_write_counts(FILE *out, const size_t *counts)
{
	const char *sep = "";
	int i;

	for (i = 0; i < EXPLAIN_OUTCOME_COUNT; i++) {
		if (counts[i] == 0)
			continue;
		fprintf(out, "%s%zu %s", sep, counts[i],
			explain_outcome_labels[i]);
		sep = ", ";
	}
}

static void
explain_write_check(FILE *out, const struct explain *x,
		    const struct explain_check *ec)
{
	const struct report_check *c = ec->check;
	char *sports = range_list_format(&c->sports);
	size_t i, size = range_list_size(&c->sports), listed = 0;

	fprintf(out, "%s/%u %s  sports %s (%zu %s): ", proto_name(c->proto),
		c->port, service_name(c->service), sports, size,
		size == 1 ? "port" : "ports");
	free(sports);
	explain_write_counts(out, ec->ports);
	fputc('\n', out);
	if (c->nat_translated > 0)
		fprintf(out,
			"  warning: a NAT on the path rewrote %zu source "
			"%s: the NACL behind it saw other ports than these\n",
			c->nat_translated,
			c->nat_translated == 1 ? "port" : "ports");
	for (i = 0; i < ec->nranges; i++) {
		if (ec->ranges[i].outcome == EXPLAIN_AGREE)
			continue;
		if (listed++ < EXPLAIN_TEXT_MAX_RANGES)
			explain_write_range(out, x, &ec->ranges[i]);
	}
	if (listed > EXPLAIN_TEXT_MAX_RANGES)
		fprintf(out,
			"  ... and %zu more ranges (--json lists them "
			"all)\n",
			listed - EXPLAIN_TEXT_MAX_RANGES);
}

static void
explain_write_side(FILE *out, const char *what, const char *address,
		   const char *subnet, const struct nacl *acl)
{
	fprintf(out, "%s %s: ", what, address);
	if (subnet != NULL)
		fprintf(out, "subnet %s, ", subnet);
	fprintf(out, "NACL %s", acl->id);
	if (acl->name != NULL)
		fprintf(out, " (%s)", acl->name);
	fputc('\n', out);
}

void
explain_write_text(const struct explain *x, FILE *out)
{
	char probe[INET6_ADDRSTRLEN], agent[INET6_ADDRSTRLEN];
	size_t i, disagree = 0;

	inet_ntop(x->path.family, x->path.probe_addr, probe, sizeof probe);
	inet_ntop(x->path.family, x->path.agent_addr, agent, sizeof agent);
	explain_write_side(out, "probe", probe, x->probe_subnet,
			   x->path.probe_acl);
	explain_write_side(out, "agent", agent, x->agent_subnet,
			   x->path.agent_acl);
	if (x->path.same_subnet)
		fprintf(out,
			"note: probe and agent share subnet %s: its NACL "
			"does not filter traffic inside it, every port "
			"should be ok\n",
			x->probe_subnet);
	for (i = 0; i < x->nchecks; i++)
		explain_write_check(out, x, &x->checks[i]);
	for (i = 0; i < EXPLAIN_OUTCOME_COUNT; i++)
		if (explain_outcome_disagrees((enum explain_outcome)i))
			disagree += x->ranges[i];
	if (disagree == 0) {
		fprintf(out, "Verdict: agree: the NACLs explain every "
			     "measurement (ports: ");
		explain_write_counts(out, x->ports);
		fputs(")\n", out);
		return;
	}
	fprintf(out,
		"Verdict: disagree: %zu %s where the NACLs and the measurement "
		"differ (ranges: ",
		disagree, disagree == 1 ? "range" : "ranges");
	explain_write_counts(out, x->ranges);
	fputs(")\n", out);
}

/* JSON. */

static cJSON *
explain_json_need(cJSON *item)
{
	return xcheck(item);
}

static void
explain_json_string(cJSON *obj, const char *name, const char *value)
{
	if (value == NULL)
		explain_json_need(cJSON_AddNullToObject(obj, name));
	else
		explain_json_need(cJSON_AddStringToObject(obj, name, value));
}

static void
explain_json_number(cJSON *obj, const char *name, double value)
{
	explain_json_need(cJSON_AddNumberToObject(obj, name, value));
}

static cJSON *
explain_json_rule(const struct explain *x, enum nacl_hop hop,
		  const struct nacl_verdict *v)
{
	cJSON *rule = explain_json_need(cJSON_CreateObject());
	const struct nacl *acl = nacl_path_acl(&x->path, hop);
	char *what;

	explain_json_string(rule, "hop", nacl_hop_name(hop));
	explain_json_string(rule, "nacl", acl->id);
	explain_json_string(rule, "direction",
			    nacl_hop_is_egress(hop) ? "outbound" : "inbound");
	explain_json_number(rule, "rule",
			    v->entry ? v->entry->rule_number
				     : NACL_RULE_DEFAULT);
	explain_json_need(cJSON_AddBoolToObject(
		rule, "default", explain_entry_is_default(v->entry)));
	explain_json_string(rule, "action",
			    v->action == NACL_ALLOW ? "allow" : "deny");
	if (v->entry != NULL) {
		what = nacl_entry_describe(v->entry);
		explain_json_string(rule, "entry", what);
		free(what);
	} else
		explain_json_string(rule, "entry", NULL);
	return rule;
}

static cJSON *
explain_json_range(const struct explain *x, const struct explain_range *er)
{
	cJSON *range = explain_json_need(cJSON_CreateObject()), *allowed;
	const struct nacl_path_result *res = &er->prediction;
	int hop;

	explain_json_number(range, "from", er->from);
	explain_json_number(range, "to", er->to);
	explain_json_string(range, "measured", status_name(er->measured));
	explain_json_string(range, "predicted", status_name(er->predicted));
	explain_json_string(range, "outcome",
			    explain_outcome_name(er->outcome));
	if (res->drop_hop >= 0) {
		cJSON_AddItemToObject(
			range, "drop",
			explain_json_rule(x, (enum nacl_hop)res->drop_hop,
					  &res->hops[res->drop_hop]));
		return range;
	}
	explain_json_need(cJSON_AddNullToObject(range, "drop"));
	allowed =
		explain_json_need(cJSON_AddArrayToObject(range, "allowed_by"));
	for (hop = 0; hop < res->evaluated; hop++)
		cJSON_AddItemToArray(allowed,
				     explain_json_rule(x, (enum nacl_hop)hop,
						       &res->hops[hop]));
	return range;
}

static cJSON *
explain_json_counts(const size_t *counts)
{
	cJSON *obj = explain_json_need(cJSON_CreateObject());
	int i;

	for (i = 0; i < EXPLAIN_OUTCOME_COUNT; i++)
		explain_json_number(
			obj, explain_outcome_name((enum explain_outcome)i),
			(double)counts[i]);
	return obj;
}

static cJSON *
explain_json_side(const struct explain *x, const uint8_t *addr,
		  const char *subnet, const struct nacl *acl)
{
	cJSON *side = explain_json_need(cJSON_CreateObject());
	char text[INET6_ADDRSTRLEN];

	inet_ntop(x->path.family, addr, text, sizeof text);
	explain_json_string(side, "address", text);
	explain_json_string(side, "subnet", subnet);
	explain_json_string(side, "nacl", acl->id);
	explain_json_string(side, "name", acl->name);
	return side;
}

cJSON *
explain_to_json(const struct explain *x)
{
	cJSON *root = explain_json_need(cJSON_CreateObject());
	cJSON *checks, *summary;
	size_t i, j;

	explain_json_string(root, "schema", EXPLAIN_SCHEMA);
	cJSON_AddItemToObject(root, "probe",
			      explain_json_side(x, x->path.probe_addr,
						x->probe_subnet,
						x->path.probe_acl));
	cJSON_AddItemToObject(root, "agent",
			      explain_json_side(x, x->path.agent_addr,
						x->agent_subnet,
						x->path.agent_acl));
	explain_json_need(cJSON_AddBoolToObject(root, "same_subnet",
						x->path.same_subnet));
	checks = explain_json_need(cJSON_AddArrayToObject(root, "checks"));
	for (i = 0; i < x->nchecks; i++) {
		const struct explain_check *ec = &x->checks[i];
		const struct report_check *c = ec->check;
		cJSON *check = explain_json_need(cJSON_CreateObject()), *ranges;
		char *sports = range_list_format(&c->sports);

		cJSON_AddItemToArray(checks, check);
		explain_json_string(check, "proto", proto_name(c->proto));
		explain_json_number(check, "port", c->port);
		explain_json_string(check, "service", service_name(c->service));
		explain_json_string(check, "sports", sports);
		free(sports);
		explain_json_number(check, "nat_translated",
				    (double)c->nat_translated);
		cJSON_AddItemToObject(check, "ports",
				      explain_json_counts(ec->ports));
		ranges = explain_json_need(
			cJSON_AddArrayToObject(check, "ranges"));
		for (j = 0; j < ec->nranges; j++)
			cJSON_AddItemToArray(
				ranges, explain_json_range(x, &ec->ranges[j]));
	}
	summary = explain_json_need(cJSON_AddObjectToObject(root, "summary"));
	cJSON_AddItemToObject(summary, "ranges",
			      explain_json_counts(x->ranges));
	cJSON_AddItemToObject(summary, "ports", explain_json_counts(x->ports));
	explain_json_string(summary, "verdict",
			    explain_exit_code(x) == 0 ? "agree" : "disagree");
	return root;
}

/* The commands. */

static const char explain_usage_text[] =
	"usage: nacl-report explain REPORT.json --nacl ACLS.json "
	"--probe-subnet S\n"
	"                           --agent-subnet S [--probe-address ADDR]\n"
	"                           [--agent-address ADDR] [--json]\n"
	"       nacl-report nft ACLS.json --probe-subnet ID=CIDR[,CIDR]\n"
	"                       --agent-subnet ID=CIDR[,CIDR] [--table NAME]\n"
	"                       [--chain NAME]\n"
	"\n"
	"explain   predicts, from the NACLs themselves, the fate of every "
	"source port\n"
	"          the report swept, and sets it against what was measured.\n"
	"          A probe crosses four NACL directions: the request leaves "
	"the probe's\n"
	"          subnet (probe-out) and enters the agent's (agent-in); the "
	"reply\n"
	"          leaves the agent's subnet (agent-out) and enters the "
	"probe's\n"
	"          (probe-in). Each is judged the AWS way: entries by "
	"ascending rule\n"
	"          number, the first match wins, no match is the final deny "
	"(*); the\n"
	"          port range is the packet's destination port, the CIDR its "
	"peer; IPv4\n"
	"          entries never match IPv6 packets; protocol -1 matches all.\n"
	"  --nacl ACLS.json       what 'aws ec2 describe-network-acls' "
	"prints\n"
	"  --probe-subnet S       the probe's subnet, --agent-subnet S the "
	"agent's:\n"
	"                         subnet-ID (its NACL from the "
	"Associations), acl-ID\n"
	"                         (that NACL), ID=CIDR[,CIDR] (the same, "
	"and the\n"
	"                         address must lie in a CIDR), or a CIDR "
	"alone when\n"
	"                         ACLS.json holds exactly one NACL; both "
	"naming one\n"
	"                         subnet means no NACL filters the traffic\n"
	"  --probe-address ADDR   instead of the report's probe.bind "
	"(needed when\n"
	"                         the probe bound no address)\n"
	"  --agent-address ADDR   instead of the report's target.address\n"
	"  --json                 print the nacl-probe/explain/v1 document "
	"instead\n"
	"  -h, --help             this text\n"
	"\n"
	"Every range that is not plainly ok is listed with its outcome:\n"
	"  explained        dropped, and the named NACL rule drops it in that "
	"direction\n"
	"                   (reply_dropped by agent-out or probe-in, "
	"request_dropped\n"
	"                   by probe-out or agent-in, dropped by any)\n"
	"  UNEXPLAINED      not ok, yet every NACL allows it (or it was "
	"rejected,\n"
	"                   which a NACL never does): something else on the "
	"path,\n"
	"                   a security group, a host firewall\n"
	"  CONTRADICTED     ok, yet a NACL rule should drop it: is the export "
	"stale?\n"
	"  WRONG DIRECTION  dropped one way, the NACLs drop it the other way\n"
	"  not probed       local_error: the probe could not send; not a "
	"disagreement\n"
	"\n"
	"Exit status: 0 every measured range agrees with the NACLs, 1 some "
	"range is\n"
	"unexplained, contradicted or in the wrong direction, 2 usage error "
	"or\n"
	"unreadable input.\n"
	"\n"
	"nft       prints an 'nft -f' script that emulates the two NACLs "
	"statelessly in\n"
	"          chain --chain (forward) of table inet --table (nacl), "
	"which must\n"
	"          exist: one chain per direction (probe_out, agent_in, "
	"agent_out,\n"
	"          probe_in), allow = return, deny = drop, then the final "
	"deny;\n"
	"          jumped to by the subnets' CIDRs. tests/netns/testbed.sh "
	"nacl uses it.\n";

static int explain_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
explain_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "nacl-report %s: ", command);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'nacl-report %s --help'.\n", command);
	return EXPLAIN_USAGE_ERROR;
}

static int
explain_input_error(const char *command, char *cause)
{
	fprintf(stderr, "nacl-report %s: %s\n", command, cause);
	free(cause);
	return EXPLAIN_USAGE_ERROR;
}

static int
explain_bad_option(const char *command, int argc, char **argv,
		   const char *accepted)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (optopt != 0)
		return explain_usage_error(command,
					   "unknown option '-%c': accepted "
					   "are %s",
					   optopt, accepted);
	return explain_usage_error(
		command, "unknown option '%s': accepted are %s", arg, accepted);
}

struct explain_options {
	const char *input; /* REPORT.json or ACLS.json */
	const char *nacl;
	const char *probe_subnet;
	const char *agent_subnet;
	const char *probe_address;
	const char *agent_address;
	const char *table;
	const char *chain;
	bool json;
};

static int
explain_parse_options(const char *command, int argc, char **argv,
		      struct explain_options *o, bool *help)
{
	static const struct option options[] = {
		{"nacl", required_argument, NULL, 'n'},
		{"probe-subnet", required_argument, NULL, 'p'},
		{"agent-subnet", required_argument, NULL, 'a'},
		{"probe-address", required_argument, NULL, 'P'},
		{"agent-address", required_argument, NULL, 'A'},
		{"table", required_argument, NULL, 't'},
		{"chain", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool nft = strcmp(command, "nft") == 0;
	const char *accepted =
		nft ? "--probe-subnet, --agent-subnet, --table, --chain and "
		      "--help"
		    : "--nacl, --probe-subnet, --agent-subnet, "
		      "--probe-address, --agent-address, --json and --help";
	int opt;

	memset(o, 0, sizeof *o);
	o->table = "nacl";
	o->chain = "forward";
	*help = false;
	opterr = 0;
	/* 0, not 1: glibc then forgets a previous run's permutation too. */
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		bool wrong = false;

		switch (opt) {
		case 'n':
			o->nacl = optarg;
			wrong = nft;
			break;
		case 'p':
			o->probe_subnet = optarg;
			break;
		case 'a':
			o->agent_subnet = optarg;
			break;
		case 'P':
			o->probe_address = optarg;
			wrong = nft;
			break;
		case 'A':
			o->agent_address = optarg;
			wrong = nft;
			break;
		case 't':
			o->table = optarg;
			wrong = !nft;
			break;
		case 'c':
			o->chain = optarg;
			wrong = !nft;
			break;
		case 'j':
			o->json = true;
			wrong = nft;
			break;
		case 'h':
			*help = true;
			return 0;
		case ':':
			explain_usage_error(command,
					    "option '%s' needs a value",
					    argv[optind - 1]);
			return -1;
		default:
			explain_bad_option(command, argc, argv, accepted);
			return -1;
		}
		if (wrong) {
			explain_usage_error(command,
					    "option '%s' does not apply here: "
					    "accepted are %s",
					    argv[optind - 1], accepted);
			return -1;
		}
	}
	if (optind == argc) {
		explain_usage_error(command, "missing %s",
				    nft ? "ACLS.json: give the JSON of 'aws "
					  "ec2 describe-network-acls'"
					: "REPORT.json: give the JSON file "
					  "written by nacl-probe --json");
		return -1;
	}
	if (argc - optind > 1) {
		explain_usage_error(command,
				    "unexpected argument '%s': give exactly "
				    "one %s",
				    argv[optind + 1],
				    nft ? "ACLS.json" : "REPORT.json");
		return -1;
	}
	o->input = argv[optind];
	if (nft)
		o->nacl = o->input;
	if (o->nacl == NULL) {
		explain_usage_error(command, "missing --nacl ACLS.json: the "
					     "output of 'aws ec2 "
					     "describe-network-acls'");
		return -1;
	}
	if (o->probe_subnet == NULL || o->agent_subnet == NULL) {
		explain_usage_error(command,
				    "missing --%s-subnet: give the %s's "
				    "subnet as subnet-ID, acl-ID, ID=CIDR or "
				    "CIDR",
				    o->probe_subnet ? "agent" : "probe",
				    o->probe_subnet ? "agent" : "probe");
		return -1;
	}
	return 0;
}

static bool
explain_nft_name_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 64 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int
explain_nft_command(int argc, char **argv)
{
	struct explain_side probe, agent;
	struct nacl_nft_side p, a;
	struct explain_options o;
	struct nacl_set set = {0};
	char *cause = NULL, *script;
	const char *bad;
	bool help;

	if (explain_parse_options("nft", argc, argv, &o, &help) != 0)
		return EXPLAIN_USAGE_ERROR;
	if (help) {
		fputs(explain_usage_text, stdout);
		return 0;
	}
	bad = !explain_nft_name_valid(o.table)	 ? o.table
	      : !explain_nft_name_valid(o.chain) ? o.chain
						 : NULL;
	if (bad != NULL) {
		char *shown = text_printable(bad, 40);
		int rc = explain_usage_error(
			"nft",
			"'%s' is not an nft name for --%s (expected letters, "
			"digits and '_')",
			shown, bad == o.table ? "table" : "chain");

		free(shown);
		return rc;
	}
	if (nacl_set_read_file(o.nacl, &set, &cause) != 0)
		return explain_input_error("nft", cause);
	if (explain_side_parse(&set, o.nacl, "--probe-subnet", o.probe_subnet,
			       &probe, &cause) != 0) {
		nacl_set_free(&set);
		return explain_input_error("nft", cause);
	}
	if (explain_side_parse(&set, o.nacl, "--agent-subnet", o.agent_subnet,
			       &agent, &cause) != 0) {
		explain_side_free(&probe);
		nacl_set_free(&set);
		return explain_input_error("nft", cause);
	}
	if (probe.nnets == 0 || agent.nnets == 0) {
		explain_side_free(&probe);
		explain_side_free(&agent);
		nacl_set_free(&set);
		return explain_usage_error(
			"nft",
			"--%s-subnet needs its CIDRs: give ID=CIDR[,CIDR], "
			"e.g. subnet-0abc=198.18.1.0/24,2001:db8:1::/64",
			probe.nnets == 0 ? "probe" : "agent");
	}
	p.acl = probe.acl;
	p.nets = probe.nets;
	p.nnets = probe.nnets;
	a.acl = agent.acl;
	a.nets = agent.nets;
	a.nnets = agent.nnets;
	script = nacl_to_nft(&p, &a, o.table, o.chain);
	fputs(script, stdout);
	free(script);
	explain_side_free(&probe);
	explain_side_free(&agent);
	nacl_set_free(&set);
	if (fflush(stdout) != 0) {
		perror("nacl-report nft: standard output");
		return EXPLAIN_USAGE_ERROR;
	}
	return 0;
}

/* Reads the report and the NACLs, resolves both sides; 0 or -1 (printed). */
static int
explain_load(const struct explain_options *o, struct report *r,
	     struct nacl_set *set, struct explain_side *probe,
	     struct explain_side *agent, struct nacl_path *path)
{
	char *cause = NULL, *probe_where = NULL, *agent_where = NULL;
	const char *probe_addr, *agent_addr;
	int rc = -1;

	memset(r, 0, sizeof *r);
	memset(probe, 0, sizeof *probe);
	memset(agent, 0, sizeof *agent);
	if (report_read_json(o->input, r, &cause) != 0)
		goto out;
	/* One probe-agent path per explanation. */
	if (r->ntargets > 1) {
		cause = xasprintf("%s: the report holds %zu targets; explain "
				  "judges one probe and one agent: run the "
				  "scenario with one target per report",
				  o->input, r->ntargets);
		goto out;
	}
	if (nacl_set_read_file(o->nacl, set, &cause) != 0)
		goto out;
	if (explain_side_parse(set, o->nacl, "--probe-subnet", o->probe_subnet,
			       probe, &cause) != 0 ||
	    explain_side_parse(set, o->nacl, "--agent-subnet", o->agent_subnet,
			       agent, &cause) != 0)
		goto out;
	probe_addr = o->probe_address ? o->probe_address : r->probe_bind;
	agent_addr = o->agent_address ? o->agent_address : r->target_address;
	probe_where = o->probe_address ? xstrdup("--probe-address")
				       : xasprintf("%s: probe.bind", o->input);
	agent_where = o->agent_address
			      ? xstrdup("--agent-address")
			      : xasprintf("%s: target.address", o->input);
	if (probe_addr == NULL || *probe_addr == '\0') {
		cause = xasprintf("%s is empty: the probe bound no address; "
				  "give --probe-address ADDR",
				  probe_where);
		goto out;
	}
	if (agent_addr == NULL || *agent_addr == '\0') {
		cause = xasprintf("%s is empty; give --agent-address ADDR",
				  agent_where);
		goto out;
	}
	if (explain_path_init(path, probe, "--probe-subnet", probe_addr,
			      probe_where, agent, "--agent-subnet", agent_addr,
			      agent_where, &cause) != 0)
		goto out;
	rc = 0;
out:
	free(probe_where);
	free(agent_where);
	if (rc != 0)
		explain_input_error("explain", cause);
	return rc;
}

int
explain_command(int argc, char **argv)
{
	struct explain_side probe, agent;
	struct explain_options o;
	struct nacl_set set = {0};
	struct nacl_path path;
	struct explain x;
	struct report r;
	bool help;
	int rc;

	if (explain_parse_options("explain", argc, argv, &o, &help) != 0)
		return EXPLAIN_USAGE_ERROR;
	if (help) {
		fputs(explain_usage_text, stdout);
		return 0;
	}
	if (explain_load(&o, &r, &set, &probe, &agent, &path) != 0) {
		explain_side_free(&probe);
		explain_side_free(&agent);
		nacl_set_free(&set);
		report_free(&r);
		return EXPLAIN_USAGE_ERROR;
	}
	explain_build(&x, &r, &path);
	x.probe_subnet = probe.subnet_id;
	x.agent_subnet = agent.subnet_id;
	rc = explain_exit_code(&x);
	if (o.json) {
		cJSON *root = explain_to_json(&x);
		char *text = xcheck(cJSON_Print(root));

		cJSON_Delete(root);
		puts(text);
		free(text);
	} else
		explain_write_text(&x, stdout);
	if (fflush(stdout) != 0) {
		perror("nacl-report explain: standard output");
		rc = EXPLAIN_USAGE_ERROR;
	}
	explain_free(&x);
	explain_side_free(&probe);
	explain_side_free(&agent);
	nacl_set_free(&set);
	report_free(&r);
	return rc;
}
