/* nacl-report explain's two renderings: text for a person, JSON. */
/* Text lists the ranges that are not plainly ok; JSON lists them all. */
#include "reports/explain.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "common/jsonwrite.h"
#include "common/xmalloc.h"

/* Ranges listed per check in the text; --json has them all. */
#define EXPLAIN_TEXT_MAX_RANGES 50

/* Unexplained requests that never arrived, with groups to judge them. */
static bool
explain_sg_applies(const struct explain *x, const struct explain_range *er)
{
	return x->sgs != NULL && er->outcome == EXPLAIN_UNEXPLAINED &&
	       (er->measured == STATUS_REQUEST_DROPPED ||
		er->measured == STATUS_DROPPED);
}

static const char *
explain_sg_verdict_name(enum sg_verdict v)
{
	return v == SG_ALLOW ? "allow" : v == SG_DENY ? "deny" : "unknown";
}

/* What the agent side's security groups say of the check's requests. */
static void
explain_write_sg(FILE *out, const struct explain *x,
		 const struct explain_check *ec)
{
	const struct report_check *c = ec->check;
	char *names = sg_set_names(x->sgs), addr[INET6_ADDRSTRLEN];

	inet_ntop(x->path.family, x->path.probe_addr, addr, sizeof addr);
	switch (ec->sg) {
	case SG_DENY:
		fprintf(out,
			"the agent's security groups drop it: no inbound "
			"rule of %s allows %s %u from %s; a NACL fix will not "
			"help: allow it in a security group",
			names, proto_name(c->proto), c->port, addr);
		break;
	case SG_UNKNOWN:
		fprintf(out,
			"the agent's security groups allow %s %u from %s by no "
			"address; %s admits it only by a group or prefix list, "
			"which nacl-report cannot resolve: if %s is not in it, "
			"the group drops it and a NACL fix will not help",
			proto_name(c->proto), c->port, addr, ec->sg_group->id,
			addr);
		break;
	case SG_ALLOW:
		fprintf(out,
			"the agent's security group %s allows it too: "
			"something else on the path drops it (a host "
			"firewall)",
			ec->sg_group->id);
		break;
	}
	free(names);
}

static void
explain_write_range(FILE *out, const struct explain *x,
		    const struct explain_check *ec,
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
		nacl_write_drop(out, &x->path, res);
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
				nacl_write_drop(out, &x->path, res);
			}
		} else if (x->path.same_subnet) {
			fputs("probe and agent share a subnet, whose NACL "
			      "does not filter traffic inside it: something "
			      "else on the path drops it (a security group, "
			      "a host firewall)",
			      out);
		} else if (explain_sg_applies(x, er)) {
			fputs("the NACLs allow it (", out);
			nacl_write_allowed(out, res);
			fputs("); ", out);
			explain_write_sg(out, x, ec);
		} else {
			fputs("the NACLs allow it (", out);
			nacl_write_allowed(out, res);
			fputs("): something else on the path drops it (a "
			      "security group, a host firewall)",
			      out);
		}
		break;
	case EXPLAIN_CONTRADICTED:
		fputs("CONTRADICTED\n    the NACLs should have dropped it, by ",
		      out);
		nacl_write_drop(out, &x->path, res);
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
		nacl_write_drop(out, &x->path, res);
		fputs("; is the export stale, or are the subnets swapped?",
		      out);
		break;
	case EXPLAIN_NOT_PROBED:
		fputs("not probed\n    the probe could not send from these "
		      "ports; the NACLs would ",
		      out);
		if (res->drop_hop >= 0) {
			fputs("drop them, by ", out);
			nacl_write_drop(out, &x->path, res);
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
			explain_write_range(out, x, ec, &ec->ranges[i]);
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
explain_json_range(const struct explain *x, const struct explain_check *ec,
		   const struct explain_range *er)
{
	cJSON *range = jsonwrite_need(cJSON_CreateObject());

	jsonwrite_number(range, "from", er->from);
	jsonwrite_number(range, "to", er->to);
	jsonwrite_string(range, "measured", status_name(er->measured));
	jsonwrite_string(range, "predicted", status_name(er->predicted));
	jsonwrite_string(range, "outcome", explain_outcome_name(er->outcome));
	if (explain_sg_applies(x, er)) {
		cJSON *sg = jsonwrite_object(range, "security_groups");

		jsonwrite_string(sg, "verdict",
				 explain_sg_verdict_name(ec->sg));
		jsonwrite_string(sg, "group",
				 ec->sg_group ? ec->sg_group->id : NULL);
	}
	nacl_result_add_json(range, &x->path, &er->prediction);
	return range;
}

static cJSON *
explain_json_counts(const size_t *counts)
{
	cJSON *obj = jsonwrite_need(cJSON_CreateObject());
	int i;

	for (i = 0; i < EXPLAIN_OUTCOME_COUNT; i++)
		jsonwrite_number(obj,
				 explain_outcome_name((enum explain_outcome)i),
				 (double)counts[i]);
	return obj;
}

static cJSON *
explain_json_side(const struct explain *x, const uint8_t *addr,
		  const char *subnet, const struct nacl *acl)
{
	cJSON *side = jsonwrite_need(cJSON_CreateObject());
	char text[INET6_ADDRSTRLEN];

	inet_ntop(x->path.family, addr, text, sizeof text);
	jsonwrite_string(side, "address", text);
	jsonwrite_string(side, "subnet", subnet);
	jsonwrite_string(side, "nacl", acl->id);
	jsonwrite_string(side, "name", acl->name);
	return side;
}

cJSON *
explain_to_json(const struct explain *x)
{
	cJSON *root = jsonwrite_need(cJSON_CreateObject());
	cJSON *checks, *summary;
	size_t i, j;

	jsonwrite_string(root, "schema", EXPLAIN_SCHEMA);
	cJSON_AddItemToObject(root, "probe",
			      explain_json_side(x, x->path.probe_addr,
						x->probe_subnet,
						x->path.probe_acl));
	cJSON_AddItemToObject(root, "agent",
			      explain_json_side(x, x->path.agent_addr,
						x->agent_subnet,
						x->path.agent_acl));
	jsonwrite_need(cJSON_AddBoolToObject(root, "same_subnet",
					     x->path.same_subnet));
	checks = jsonwrite_need(cJSON_AddArrayToObject(root, "checks"));
	for (i = 0; i < x->nchecks; i++) {
		const struct explain_check *ec = &x->checks[i];
		const struct report_check *c = ec->check;
		cJSON *check = jsonwrite_need(cJSON_CreateObject()), *ranges;
		char *sports = range_list_format(&c->sports);

		cJSON_AddItemToArray(checks, check);
		jsonwrite_string(check, "proto", proto_name(c->proto));
		jsonwrite_number(check, "port", c->port);
		jsonwrite_string(check, "service", service_name(c->service));
		jsonwrite_string(check, "sports", sports);
		free(sports);
		jsonwrite_number(check, "nat_translated",
				 (double)c->nat_translated);
		cJSON_AddItemToObject(check, "ports",
				      explain_json_counts(ec->ports));
		ranges =
			jsonwrite_need(cJSON_AddArrayToObject(check, "ranges"));
		for (j = 0; j < ec->nranges; j++)
			cJSON_AddItemToArray(
				ranges,
				explain_json_range(x, ec, &ec->ranges[j]));
	}
	summary = jsonwrite_need(cJSON_AddObjectToObject(root, "summary"));
	cJSON_AddItemToObject(summary, "ranges",
			      explain_json_counts(x->ranges));
	cJSON_AddItemToObject(summary, "ports", explain_json_counts(x->ports));
	jsonwrite_string(summary, "verdict",
			 explain_exit_code(x) == 0 ? "agree" : "disagree");
	return root;
}
