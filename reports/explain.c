/* The explain model: each measured port set against the NACLs' verdict. */
/* A drop the NACLs do not explain points elsewhere on the path; rendering is
 * in explain_render.c, the subcommands in cmd_explain.c and cmd_nft.c. */
#include "reports/explain.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/text.h"
#include "common/xmalloc.h"

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
	char *list = xstrdup("");
	size_t i, j, n = 0;

	for (i = 0; i < set->count; i++) {
		for (j = 0; j < set->acls[i].nsubnets; j++) {
			if (n++ >= EXPLAIN_MAX_KNOWN)
				continue;
			xappendf(&list, "%s%s (%s)", *list ? ", " : "",
				 set->acls[i].subnets[j], set->acls[i].id);
		}
	}
	if (n > EXPLAIN_MAX_KNOWN)
		xappendf(&list, ", ... (%zu more)", n - EXPLAIN_MAX_KNOWN);
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
		xappendf(&list, "%s%s%s", *list ? ", " : "", set->acls[i].id,
			 set->acls[i].is_default ? " (default)" : "");
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

/* The '=' that ends a name, outside a Terraform key ["a=b"]; NULL. */
static char *
explain_name_end(const char *text)
{
	const char *bracket = strrchr(text, ']');

	return strchr(bracket ? bracket : text, '=');
}

/* Does set come from a plan or template, whose NACLs have addresses? */
static bool
explain_set_has_addresses(const struct nacl_set *set)
{
	size_t i;

	for (i = 0; i < set->count; i++)
		if (set->acls[i].address != NULL)
			return true;
	return false;
}

/* Does the name part of text (before end, or all) look like an address? */
static bool
explain_is_address(const char *text, const char *end)
{
	size_t len = end ? (size_t)(end - text) : strlen(text);

	return (*text >= '0' && *text <= '9') ||
	       (memchr(text, ':', len) != NULL &&
		memchr(text, '[', len) == NULL);
}

/* NAME[=CIDR,...] where NAME is an address or logical ID of a plan's or
 * template's NACL or subnet. */
static int
explain_side_by_name(const struct nacl_set *set, const char *file,
		     const char *option, const char *text, const char *eq,
		     struct explain_side *side, char *shown, char **cause)
{
	char *name = eq ? xasprintf("%.*s", (int)(eq - text), text)
			: xstrdup(text),
	     *known;
	bool subnet;

	side->acl = nacl_set_resolve(set, name, &subnet);
	if (side->acl == NULL) {
		known = nacl_set_known_names(set);
		*cause = xasprintf("%s %s: %s names no NACL or subnet of %s; "
				   "known: %s",
				   option, shown, name, file, known);
		free(known);
		goto fail;
	}
	if (eq != NULL &&
	    explain_side_nets(option, text, eq + 1, side, cause) != 0)
		goto fail;
	if (subnet) {
		side->subnet_id = name;
		name = NULL;
	}
	free(name);
	free(shown);
	return 0;
fail:
	free(name);
	free(shown);
	explain_side_free(side);
	return -1;
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
	eq = explain_name_end(text);
	if (explain_set_has_addresses(set) && !explain_is_id(text, "subnet-") &&
	    !explain_is_id(text, "acl-") && !explain_is_address(text, eq))
		return explain_side_by_name(set, file, option, text, eq, side,
					    shown, cause);
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
	char *shown, cidr[NETADDR_CIDR_STRLEN], *list;
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
		xappendf(&list, "%s%s", *list ? ", " : "",
			 netaddr_cidr_format(&side->nets[i], cidr));
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

/* One group: the same measurement, outcome and deciding NACL entries. */
static bool
explain_same_group(const struct explain_range *last, enum probe_status measured,
		   enum explain_outcome outcome,
		   const struct nacl_path_result *res)
{
	return last->measured == measured && last->outcome == outcome &&
	       nacl_path_same_decision(&last->prediction, res);
}

static void
explain_check_add(struct explain_check *ec, size_t *capacity, uint16_t port,
		  enum probe_status measured,
		  const struct nacl_path_result *res)
{
	enum probe_status predicted = nacl_path_status(res);
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
explain_judge_security_groups(struct explain *x, const struct sg_set *sgs)
{
	size_t i;

	x->sgs = sgs;
	for (i = 0; i < x->nchecks; i++) {
		struct explain_check *ec = &x->checks[i];
		const struct report_check *c = ec->check;

		ec->sg = sg_set_admits(
			sgs,
			c->proto == PROTO_TCP ? NACL_PROTO_TCP : NACL_PROTO_UDP,
			c->port, x->path.family, x->path.probe_addr,
			&ec->sg_group, &ec->sg_rule);
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

bool
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
