/* AWS VPC NACLs: describe-network-acls JSON, AWS evaluation, nft rules. */
/* Pure functions over memory: the evaluator is unit-tested without sockets. */
#ifndef NACL_NACL_H
#define NACL_NACL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/netaddr.h"

/* AWS lists the implicit final deny as this rule number and shows it as *. */
#define NACL_RULE_DEFAULT 32767
/* Any protocol: "Protocol": "-1". */
#define NACL_PROTO_ALL (-1)
#define NACL_PROTO_ICMP 1
#define NACL_PROTO_TCP 6
#define NACL_PROTO_UDP 17
#define NACL_PROTO_ICMPV6 58
/* Longest ID (acl-…, subnet-…) and Name tag kept. */
#define NACL_ID_MAX 64

enum nacl_action { NACL_ALLOW, NACL_DENY };

struct nacl_entry {
	uint16_t rule_number; /* 1-32767 */
	bool egress; /* outbound list; else inbound */
	enum nacl_action action;
	int protocol; /* NACL_PROTO_ALL or 0-255 */
	struct netaddr_cidr
		cidr; /* the peer: destination if egress, else source */
	bool has_ports; /* PortRange given (tcp and udp only) */
	uint16_t port_from, port_to; /* destination ports, inclusive */
	int icmp_type, icmp_code; /* -1 for all; icmp and icmpv6 only */
};

struct nacl {
	char *id; /* NetworkAclId */
	char *name; /* the Name tag, or NULL */
	bool is_default;
	/* Entries sorted by rule number: inbound first, then outbound. */
	struct nacl_entry *entries;
	size_t nentries;
	char **subnets; /* SubnetId of each association */
	size_t nsubnets;
};

struct nacl_set {
	struct nacl *acls;
	size_t count;
};

/*
 * Reads what `aws ec2 describe-network-acls` prints: {"NetworkAcls": [...]}
 * (a bare array of NACLs is accepted too). Returns 0, or -1 with *cause
 * (malloc'd) naming the JSON path and the bad value, e.g.
 * "NetworkAcls[0].Entries[2].Protocol: unknown protocol 'x' (...)".
 */
int nacl_set_from_json(const cJSON *root, struct nacl_set *set, char **cause);
/* The same from a file ("-" for standard input); *cause starts with it. */
int nacl_set_read_file(const char *path, struct nacl_set *set, char **cause);
/* Frees what set holds (not set itself); a zeroed set is a no-op. */
void nacl_set_free(struct nacl_set *set);
const struct nacl *nacl_set_find(const struct nacl_set *set, const char *id);
/* The NACL associated with subnet_id, or NULL. */
const struct nacl *nacl_set_find_subnet(const struct nacl_set *set,
					const char *subnet_id);

/* One packet as a NACL sees it, from the side of the subnet's list. */
struct nacl_packet {
	int family; /* AF_INET or AF_INET6 */
	uint8_t peer[16]; /* destination if egress, source if ingress */
	int protocol; /* 0-255 */
	uint16_t dport; /* tcp and udp */
	int icmp_type, icmp_code; /* icmp and icmpv6 */
};

struct nacl_verdict {
	enum nacl_action action;
	/* The first entry that matched, or NULL for the implicit final deny. */
	const struct nacl_entry *entry;
};

/* Does entry e (of the list egress says) match pkt? */
bool nacl_entry_matches(const struct nacl_entry *e, bool egress,
			const struct nacl_packet *pkt);
/* AWS semantics: ascending rule number, first match wins, else deny. */
struct nacl_verdict nacl_evaluate(const struct nacl *acl, bool egress,
				  const struct nacl_packet *pkt);
/* "deny udp 4990-5010 from 0.0.0.0/0"; free() the result. */
char *nacl_entry_describe(const struct nacl_entry *e);
/* "tcp", "udp", "all", "icmp", "proto 47"; buf of 16 bytes at least. */
const char *nacl_protocol_format(int protocol, char *buf);
/*
 * The four NACL directions a probe crosses, in path order: the request
 * leaves the probe's subnet and enters the agent's, the reply leaves the
 * agent's subnet and enters the probe's.
 */
enum nacl_hop {
	NACL_HOP_PROBE_OUT,
	NACL_HOP_AGENT_IN,
	NACL_HOP_AGENT_OUT,
	NACL_HOP_PROBE_IN,
	NACL_HOP_COUNT,
};

/* "probe-out", "agent-in", "agent-out", "probe-in". */
const char *nacl_hop_name(enum nacl_hop hop);
/* "probe subnet outbound", ... */
const char *nacl_hop_describe(enum nacl_hop hop);
bool nacl_hop_is_reply(enum nacl_hop hop);
bool nacl_hop_is_egress(enum nacl_hop hop);

struct nacl_path {
	const struct nacl *probe_acl;
	const struct nacl *agent_acl;
	int family;
	uint8_t probe_addr[16];
	uint8_t agent_addr[16];
	/* Both ends in one subnet: no NACL filters the traffic. */
	bool same_subnet;
};

struct nacl_path_result {
	struct nacl_verdict hops[NACL_HOP_COUNT];
	int evaluated; /* hops evaluated; the first deny ends the path */
	int drop_hop; /* the enum nacl_hop that denies, or -1 */
};

/*
 * The fate of one probe: a request from probe_addr:sport to agent_addr:port
 * (protocol tcp or udp) and its reply back.
 */
void nacl_path_evaluate(const struct nacl_path *path, int protocol,
			uint16_t port, uint16_t sport,
			struct nacl_path_result *result);
/* The NACL a hop evaluates. */
const struct nacl *nacl_path_acl(const struct nacl_path *path,
				 enum nacl_hop hop);

/* One subnet for the nftables translation: its NACL and its networks. */
struct nacl_nft_side {
	const struct nacl *acl;
	const struct netaddr_cidr *nets;
	size_t nnets;
};

/*
 * An `nft -f` script that makes chain `chain` of table inet `table` (which
 * must exist, with that base chain) emulate the two NACLs statelessly: one
 * chain per hop (probe_out, agent_in, agent_out, probe_in) where allow is
 * return and deny is drop, ending in the implicit deny, jumped to from the
 * base chain by source and destination network. The base chain is flushed
 * first. free() the result.
 */
char *nacl_to_nft(const struct nacl_nft_side *probe,
		  const struct nacl_nft_side *agent, const char *table,
		  const char *chain);

#endif
