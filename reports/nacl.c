/* AWS VPC NACLs in memory and their evaluation the AWS way. */
/* First match by ascending rule number, else the final deny; the four hops a
 * probe and its reply cross (docs/design.md "What it is for"). */
#include "reports/nacl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/jsonread.h"
#include "common/text.h"
#include "common/xmalloc.h"

/* Names listed in an error before "... (N more)". */
#define NACL_MAX_KNOWN 8

bool
nacl_rule_is_default(unsigned n)
{
	return n == NACL_RULE_DEFAULT || n == NACL_RULE_DEFAULT_IPV6;
}

/* Building sets: the readers of exports, plans and templates share these. */

struct nacl *
nacl_set_add(struct nacl_set *set, const char *id)
{
	struct nacl *acl;

	set->acls = xreallocarray(set->acls, set->count + 1, sizeof *set->acls);
	acl = &set->acls[set->count++];
	memset(acl, 0, sizeof *acl);
	acl->id = xstrdup(id);
	return acl;
}

struct nacl *
nacl_set_add_copy(struct nacl_set *set, const struct nacl *src)
{
	struct nacl *acl;

	set->acls = xreallocarray(set->acls, set->count + 1, sizeof *set->acls);
	acl = &set->acls[set->count++];
	nacl_copy(acl, src);
	return acl;
}

void
nacl_add_entry(struct nacl *acl, const struct nacl_entry *e)
{
	acl->entries = xreallocarray(acl->entries, acl->nentries + 1,
				     sizeof *acl->entries);
	acl->entries[acl->nentries++] = *e;
}

void
nacl_add_subnet(struct nacl *acl, const char *subnet)
{
	acl->subnets = xreallocarray(acl->subnets, acl->nsubnets + 1,
				     sizeof *acl->subnets);
	acl->subnets[acl->nsubnets++] = xstrdup(subnet);
}

/* Inbound before outbound, then ascending rule number, else input order. */
static int
nacl_sort_compare(const void *a, const void *b)
{
	const struct nacl_entry *const *x = a, *const *y = b;

	if ((*x)->egress != (*y)->egress)
		return (*x)->egress ? 1 : -1;
	if ((*x)->rule_number != (*y)->rule_number)
		return (*x)->rule_number < (*y)->rule_number ? -1 : 1;
	return (*x > *y) - (*x < *y);
}

void
nacl_sort(struct nacl *acl)
{
	const struct nacl_entry **order;
	struct nacl_entry *sorted;
	size_t i;

	if (acl->nentries < 2)
		return;
	/* qsort is not stable: sorting pointers into the array keeps the
	 * input order as the last key. */
	order = xcalloc(acl->nentries, sizeof *order);
	for (i = 0; i < acl->nentries; i++)
		order[i] = &acl->entries[i];
	qsort(order, acl->nentries, sizeof *order, nacl_sort_compare);
	sorted = xcalloc(acl->nentries, sizeof *sorted);
	for (i = 0; i < acl->nentries; i++)
		sorted[i] = *order[i];
	free(order);
	free(acl->entries);
	acl->entries = sorted;
}

const struct nacl_entry *
nacl_duplicate(const struct nacl *acl, const struct nacl_entry **first)
{
	size_t i;

	for (i = 1; i < acl->nentries; i++) {
		const struct nacl_entry *a = &acl->entries[i - 1],
					*b = &acl->entries[i];

		if (a->egress == b->egress &&
		    a->rule_number == b->rule_number &&
		    !nacl_rule_is_default(a->rule_number)) {
			*first = a;
			return b;
		}
	}
	*first = NULL;
	return NULL;
}

void
nacl_free(struct nacl *acl)
{
	size_t i;

	if (acl == NULL)
		return;
	free(acl->id);
	free(acl->address);
	free(acl->name);
	free(acl->entries);
	for (i = 0; i < acl->nsubnets; i++)
		free(acl->subnets[i]);
	free(acl->subnets);
	memset(acl, 0, sizeof *acl);
}

static char *
nacl_strdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void
nacl_copy(struct nacl *dst, const struct nacl *src)
{
	size_t i;

	memset(dst, 0, sizeof *dst);
	dst->id = xstrdup(src->id);
	dst->address = nacl_strdup_or_null(src->address);
	dst->name = nacl_strdup_or_null(src->name);
	dst->is_default = src->is_default;
	for (i = 0; i < src->nentries; i++)
		nacl_add_entry(dst, &src->entries[i]);
	for (i = 0; i < src->nsubnets; i++)
		nacl_add_subnet(dst, src->subnets[i]);
}

void
nacl_set_free(struct nacl_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->count; i++)
		nacl_free(&set->acls[i]);
	free(set->acls);
	for (i = 0; i < set->nsubnets; i++) {
		free(set->subnets[i].id);
		free(set->subnets[i].address);
	}
	free(set->subnets);
	memset(set, 0, sizeof *set);
}

static bool
nacl_subnet_is(const struct nacl_subnet *s, const char *name)
{
	return (s->id != NULL && strcmp(s->id, name) == 0) ||
	       (s->address != NULL && strcmp(s->address, name) == 0);
}

const struct nacl_subnet *
nacl_set_subnet(const struct nacl_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->nsubnets; i++)
		if (nacl_subnet_is(&set->subnets[i], name))
			return &set->subnets[i];
	return NULL;
}

void
nacl_set_add_subnet(struct nacl_set *set, const char *id, const char *address,
		    bool ipv6)
{
	struct nacl_subnet *s = NULL;
	size_t i;

	for (i = 0; i < set->nsubnets && s == NULL; i++)
		if ((id != NULL && nacl_subnet_is(&set->subnets[i], id)) ||
		    (address != NULL &&
		     nacl_subnet_is(&set->subnets[i], address)))
			s = &set->subnets[i];
	if (s == NULL) {
		set->subnets = xreallocarray(set->subnets, set->nsubnets + 1,
					     sizeof *set->subnets);
		s = &set->subnets[set->nsubnets++];
		memset(s, 0, sizeof *s);
	}
	if (s->id == NULL && id != NULL)
		s->id = xstrdup(id);
	if (s->address == NULL && address != NULL)
		s->address = xstrdup(address);
	s->ipv6 = s->ipv6 || ipv6;
}

const struct nacl *
nacl_set_find(const struct nacl_set *set, const char *id)
{
	size_t i;

	for (i = 0; i < set->count; i++)
		if (strcmp(set->acls[i].id, id) == 0 ||
		    (set->acls[i].address != NULL &&
		     strcmp(set->acls[i].address, id) == 0))
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

enum probe_status
nacl_path_status(const struct nacl_path_result *res)
{
	if (res->drop_hop < 0)
		return STATUS_OK;
	return nacl_hop_is_reply((enum nacl_hop)res->drop_hop)
		       ? STATUS_REPLY_DROPPED
		       : STATUS_REQUEST_DROPPED;
}

bool
nacl_path_same_decision(const struct nacl_path_result *a,
			const struct nacl_path_result *b)
{
	int hop;

	if (a->drop_hop != b->drop_hop || a->evaluated != b->evaluated)
		return false;
	if (b->drop_hop >= 0)
		return a->hops[b->drop_hop].entry == b->hops[b->drop_hop].entry;
	for (hop = 0; hop < b->evaluated; hop++)
		if (a->hops[hop].entry != b->hops[hop].entry)
			return false;
	return true;
}

/* Where e's port range starts or ends after sport: *next lowered to it. */
static void
nacl_lower_to_boundary(const struct nacl_entry *e, uint16_t sport,
		       uint32_t *next)
{
	if (!e->has_ports)
		return;
	if (e->port_from > sport && e->port_from < *next)
		*next = e->port_from;
	if (e->port_to >= sport && (uint32_t)e->port_to + 1 < *next)
		*next = (uint32_t)e->port_to + 1;
}

uint16_t
nacl_path_same_until(const struct nacl_path *path, int protocol, uint16_t sport,
		     uint16_t to)
{
	static const enum nacl_hop reply_hops[] = {NACL_HOP_AGENT_OUT,
						   NACL_HOP_PROBE_IN};
	uint32_t next = (uint32_t)to + 1;
	size_t h, i;

	if (path->same_subnet)
		return to;
	/* The request hops match the service port, the same for all sports;
	 * only the replies' destination port, sport, moves. */
	for (h = 0; h < 2; h++) {
		const struct nacl *acl = nacl_path_acl(path, reply_hops[h]);
		bool egress = nacl_hop_is_egress(reply_hops[h]);

		for (i = 0; i < acl->nentries; i++)
			if (acl->entries[i].egress == egress &&
			    (acl->entries[i].protocol == protocol))
				nacl_lower_to_boundary(&acl->entries[i], sport,
						       &next);
	}
	return (uint16_t)(next - 1);
}

/* "acl-1 (aws_network_acl.app), subnet-0a1 (in acl-1), ..." */
char *
nacl_set_known_names(const struct nacl_set *set)
{
	char *list = xstrdup("");
	size_t i, j, n = 0;

	for (i = 0; i < set->count; i++) {
		const struct nacl *acl = &set->acls[i];

		if (n++ < NACL_MAX_KNOWN) {
			bool aka = acl->address != NULL &&
				   strcmp(acl->address, acl->id) != 0;

			xappendf(&list, "%s%s%s%s%s", *list ? ", " : "",
				 acl->id, aka ? " (" : "",
				 aka ? acl->address : "", aka ? ")" : "");
		}
		for (j = 0; j < acl->nsubnets; j++) {
			if (n++ >= NACL_MAX_KNOWN)
				continue;
			xappendf(&list, ", %s (in %s)", acl->subnets[j],
				 acl->id);
		}
	}
	if (n > NACL_MAX_KNOWN)
		xappendf(&list, ", ... (%zu more)", n - NACL_MAX_KNOWN);
	return list;
}

/* The NACL name stands for: its ID or address, or its subnet's. */
const struct nacl *
nacl_set_resolve(const struct nacl_set *set, const char *name, bool *subnet)
{
	const struct nacl *acl = nacl_set_find(set, name);

	*subnet = false;
	if (acl != NULL)
		return acl;
	acl = nacl_set_find_subnet(set, name);
	*subnet = acl != NULL;
	return acl;
}

/* Values as the readers find them. */

int
nacl_protocol_parse(const char *text, int *out)
{
	static const struct {
		const char *name;
		int number;
	} names[] = {
		{"all", NACL_PROTO_ALL},       {"tcp", NACL_PROTO_TCP},
		{"udp", NACL_PROTO_UDP},       {"icmp", NACL_PROTO_ICMP},
		{"icmpv6", NACL_PROTO_ICMPV6},
	};
	const char *p;
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++) {
		if (strcasecmp(text, names[i].name) == 0) {
			*out = names[i].number;
			return 0;
		}
	}
	if (strcmp(text, "-1") == 0) {
		*out = NACL_PROTO_ALL;
		return 0;
	}
	for (p = text; *p >= '0' && *p <= '9'; p++)
		;
	if (*text == '\0' || *p != '\0' || p - text > 3 || atoi(text) > 255)
		return -1;
	*out = atoi(text);
	return 0;
}

int
nacl_entry_set_cidr(struct nacl_entry *e, const char *text, int family,
		    const char *at, const char *v4_name, const char *v6_name,
		    char **cause)
{
	char *inner = NULL, *shown;

	if (netaddr_cidr_parse(text, &e->cidr, &inner) != 0) {
		jsonread_fail(cause, at, "%s", inner);
		free(inner);
		return -1;
	}
	if (e->cidr.family == family)
		return 0;
	shown = text_printable(text, 60);
	jsonread_fail(cause, at,
		      "'%s' is not an %s CIDR block (%s ones go in %s)", shown,
		      family == AF_INET ? "IPv4" : "IPv6",
		      family == AF_INET ? "IPv6" : "IPv4",
		      family == AF_INET ? v6_name : v4_name);
	free(shown);
	return -1;
}

int
nacl_entry_set_either_cidr(struct nacl_entry *e, const char *v4, const char *v6,
			   const char *at, const char *v4_name,
			   const char *v6_name, const char *expected,
			   char **cause)
{
	struct jsonread_at where;

	if (v4 != NULL && v6 != NULL)
		return jsonread_fail(cause, at, "has both %s and %s (%s)",
				     v4_name, v6_name, expected);
	if (v4 == NULL && v6 == NULL)
		return jsonread_fail(cause, at, "has neither %s nor %s (%s)",
				     v4_name, v6_name, expected);
	return nacl_entry_set_cidr(
		e, v4 ? v4 : v6, v4 ? AF_INET : AF_INET6,
		jsonread_join(&where, at, v4 ? v4_name : v6_name), v4_name,
		v6_name, cause);
}

int
nacl_protocol_set(int *out, const char *text, const char *at,
		  const char *expected, char **cause)
{
	char *shown;

	if (nacl_protocol_parse(text, out) == 0)
		return 0;
	shown = text_printable(text, 40);
	jsonread_fail(cause, at, "unknown protocol '%s' (expected %s)", shown,
		      expected);
	free(shown);
	return -1;
}

int
nacl_entry_set_action(struct nacl_entry *e, const char *text, const char *at,
		      char **cause)
{
	char *shown;

	if (strcasecmp(text, "allow") == 0 || strcasecmp(text, "deny") == 0) {
		e->action =
			strcasecmp(text, "allow") == 0 ? NACL_ALLOW : NACL_DENY;
		return 0;
	}
	shown = text_printable(text, 40);
	jsonread_fail(cause, at, "unknown action '%s' (expected allow or deny)",
		      shown);
	free(shown);
	return -1;
}

int
nacl_entry_set_ports(struct nacl_entry *e, long long from, long long to,
		     const char *at, const char *from_name, const char *to_name,
		     char **cause)
{
	if (to < from)
		return jsonread_fail(cause, at, "%s %lld is below %s %lld",
				     to_name, to, from_name, from);
	e->has_ports = true;
	e->port_from = (uint16_t)from;
	e->port_to = (uint16_t)to;
	return 0;
}

void
nacl_entry_finish(struct nacl_entry *e)
{
	/* AWS ignores a port range on protocols without ports. */
	if (e->protocol != NACL_PROTO_TCP && e->protocol != NACL_PROTO_UDP)
		e->has_ports = false;
	if (e->protocol != NACL_PROTO_ICMP &&
	    e->protocol != NACL_PROTO_ICMPV6) {
		e->icmp_type = -1;
		e->icmp_code = -1;
	}
}
