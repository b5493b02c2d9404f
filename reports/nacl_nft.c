/* The NACLs of two subnets as nftables rules: the testbed's router. */
/* Stateless like a NACL: allow is return, deny is drop, in rule order, one
 * chain per hop (tests/netns/testbed.sh nacl loads it). */
#include "reports/nacl.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "common/xmalloc.h"

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

/* The NACL's name inside an nft comment, where '"' and '\\' cannot go: a
 * Terraform address like module.vpc.aws_network_acl.app["a"] holds them. */
static const char *
nacl_nft_name(const struct nacl *acl, char *buf, size_t size)
{
	size_t i;

	snprintf(buf, size, "%s", acl->id);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '"' || buf[i] == '\\' || buf[i] < 0x20 ||
		    buf[i] > 0x7e)
			buf[i] = '\'';
	return buf;
}

static void
nacl_nft_entry(FILE *f, const char *table, const char *chain,
	       const struct nacl *acl, const struct nacl_entry *e)
{
	bool v4 = e->cidr.family == AF_INET;
	char cidr[NETADDR_CIDR_STRLEN], name[NACL_ORIGIN_MAX];

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
	if (nacl_rule_is_default(e->rule_number))
		fprintf(f, " %s comment \"%s %s rule *\"\n",
			e->action == NACL_ALLOW ? "return" : "drop",
			nacl_nft_name(acl, name, sizeof name),
			e->egress ? "outbound" : "inbound");
	else
		fprintf(f, " %s comment \"%s %s rule %u\"\n",
			e->action == NACL_ALLOW ? "return" : "drop",
			nacl_nft_name(acl, name, sizeof name),
			e->egress ? "outbound" : "inbound", e->rule_number);
}

static void
nacl_nft_hop(FILE *f, const char *table, enum nacl_hop hop,
	     const struct nacl *acl)
{
	const char *chain = nacl_nft_chains[hop];
	bool egress = nacl_hop_is_egress(hop);
	char name[NACL_ORIGIN_MAX];
	size_t i;

	fprintf(f, "add chain inet %s %s\nflush chain inet %s %s\n", table,
		chain, table, chain);
	for (i = 0; i < acl->nentries; i++)
		if (acl->entries[i].egress == egress)
			nacl_nft_entry(f, table, chain, acl, &acl->entries[i]);
	fprintf(f, "add rule inet %s %s drop comment \"%s %s implicit deny\"\n",
		table, chain, nacl_nft_name(acl, name, sizeof name),
		egress ? "outbound" : "inbound");
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
