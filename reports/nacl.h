/* AWS VPC NACLs in memory and their evaluation the AWS way. */
/* Read from describe-network-acls exports (nacl_export.c), Terraform plans
 * (tfplan.c) and CloudFormation templates (cfn.c); pure, no sockets. */
#ifndef NACL_NACL_H
#define NACL_NACL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/netaddr.h"
#include "common/status.h"

/* AWS lists the implicit final denies as these rule numbers (IPv4, IPv6) and
 * shows them as *. */
#define NACL_RULE_DEFAULT 32767
#define NACL_RULE_DEFAULT_IPV6 32768
/* The highest rule number a user may give. */
#define NACL_RULE_MAX 32766
/* Any protocol: "Protocol": "-1". */
#define NACL_PROTO_ALL (-1)
#define NACL_PROTO_ICMP 1
#define NACL_PROTO_TCP 6
#define NACL_PROTO_UDP 17
#define NACL_PROTO_ICMPV6 58
/* Longest ID (acl-…, subnet-…) and Name tag kept. */
#define NACL_ID_MAX 64
/* The tag CloudFormation gives the resources of a stack: the logical ID. */
#define NACL_TAG_LOGICAL_ID "aws:cloudformation:logical-id"
/* Room for where an entry was declared: "aws_network_acl.app ingress". */
#define NACL_ORIGIN_MAX 160

enum nacl_action { NACL_ALLOW, NACL_DENY };

struct nacl_entry {
	uint16_t rule_number; /* 1-32768 */
	bool egress; /* outbound list; else inbound */
	enum nacl_action action;
	int protocol; /* NACL_PROTO_ALL or 0-255 */
	struct netaddr_cidr
		cidr; /* the peer: destination if egress, else source */
	bool has_ports; /* PortRange given (tcp and udp only) */
	uint16_t port_from, port_to; /* destination ports, inclusive */
	int icmp_type, icmp_code; /* -1 for all; icmp and icmpv6 only */
	/* Where it was declared, for plans and templates ("" in an export):
	 * a Terraform resource address or CloudFormation logical ID. */
	char origin[NACL_ORIGIN_MAX];
};

struct nacl {
	char *id; /* NetworkAclId; before apply, the address below */
	/* The Terraform resource address or CloudFormation logical ID, or NULL
	 * for a NACL read from an export. */
	char *address;
	char *name; /* the Name tag, or NULL */
	bool is_default;
	/* Entries sorted by rule number: inbound first, then outbound; equal
	 * numbers (a plan may hold them) in the order given. */
	struct nacl_entry *entries;
	size_t nentries;
	/* The associated subnets: SubnetId, or before apply the subnet's
	 * Terraform address or CloudFormation logical ID. */
	char **subnets;
	size_t nsubnets;
};

/* What a plan or template says of a subnet: whether it has IPv6. */
struct nacl_subnet {
	char *id; /* SubnetId, or NULL when not known before apply */
	char *address; /* Terraform address or logical ID, or NULL */
	bool ipv6; /* has an IPv6 CIDR block */
};

struct nacl_set {
	struct nacl *acls;
	size_t count;
	struct nacl_subnet *subnets; /* known subnets; exports list none */
	size_t nsubnets;
};

/* The NACL name stands for: one whose ID or address it is, else the one
 * of the subnet it names (*subnet then true); NULL when none. */
const struct nacl *nacl_set_resolve(const struct nacl_set *set,
				    const char *name, bool *subnet);
/* "acl-1 (aws_network_acl.app), subnet-0a1 (in acl-1), ... (4 more)": the
 * names set knows, for errors. free() it. */
char *nacl_set_known_names(const struct nacl_set *set);
/* Is rule number n one of the implicit final denies (*)? */
bool nacl_rule_is_default(unsigned n);
/* Appends a zeroed NACL with id (copied) to set and returns it; pointers
 * into set->acls move. */
struct nacl *nacl_set_add(struct nacl_set *set, const char *id);
/* Appends a deep copy of src to set and returns it. */
struct nacl *nacl_set_add_copy(struct nacl_set *set, const struct nacl *src);
/* Appends a copy of e to acl (unsorted until nacl_sort). */
void nacl_add_entry(struct nacl *acl, const struct nacl_entry *e);
/* Appends subnet (copied) to acl's associations. */
void nacl_add_subnet(struct nacl *acl, const char *subnet);
/* Sorts acl's entries: inbound first, ascending rule number, stable. */
void nacl_sort(struct nacl *acl);
/*
 * In sorted acl, the first entry that repeats the rule number of another in
 * its direction (the final denies, listed per family, aside), with *first
 * the other; NULL when none. AWS refuses such a NACL.
 */
const struct nacl_entry *nacl_duplicate(const struct nacl *acl,
					const struct nacl_entry **first);
/* Frees what acl holds (not acl itself). */
void nacl_free(struct nacl *acl);
/* A deep copy of src into *dst. */
void nacl_copy(struct nacl *dst, const struct nacl *src);
/* Records what is known of a subnet: merged with an earlier record of the
 * same id or address. */
void nacl_set_add_subnet(struct nacl_set *set, const char *id,
			 const char *address, bool ipv6);
/* The subnet record named by id or address, or NULL. */
const struct nacl_subnet *nacl_set_subnet(const struct nacl_set *set,
					  const char *name);

/* What nacl_protocol_parse accepts, for errors. */
#define NACL_PROTOCOL_EXPECTED                                                 \
	"a protocol number as a string: \"-1\" for all, \"6\" tcp, \"17\" "    \
	"udp, or 0-255"
/* "-1", "6", "17" (0-255 as decimal digits), or all, tcp, udp, icmp, icmpv6
 * in any case: 0 and *out, or -1. */
int nacl_protocol_parse(const char *text, int *out);
/* *out from text (nacl_protocol_parse); -1 with *cause "AT: unknown
 * protocol 'X' (expected EXPECTED)". */
int nacl_protocol_set(int *out, const char *text, const char *at,
		      const char *expected, char **cause);
/*
 * e->cidr from text, which must be of family (the member at names holds
 * v4_name's or v6_name's kind). Returns 0, or -1 with *cause "AT: '::/0' is
 * not an IPv4 CIDR block (IPv6 ones go in V6_NAME)".
 */
int nacl_entry_set_cidr(struct nacl_entry *e, const char *text, int family,
			const char *at, const char *v4_name,
			const char *v6_name, char **cause);
/*
 * e->cidr as nacl_entry_set_cidr from whichever of v4 and v6 (the members
 * v4_name and v6_name of at) is given. Exactly one must be, else -1 with
 * *cause "AT: has both V4_NAME and V6_NAME (EXPECTED)" or "AT: has neither
 * V4_NAME nor V6_NAME (EXPECTED)".
 */
int nacl_entry_set_either_cidr(struct nacl_entry *e, const char *v4,
			       const char *v6, const char *at,
			       const char *v4_name, const char *v6_name,
			       const char *expected, char **cause);
/* e->action from "allow" or "deny" (any case); -1 with *cause "AT:
 * unknown action 'x' (expected allow or deny)". */
int nacl_entry_set_action(struct nacl_entry *e, const char *text,
			  const char *at, char **cause);
/* e's port range from..to (both read as 0-65535 by the caller, from the
 * members from_name and to_name of at); -1 with *cause "AT: TO_NAME 1 is
 * below FROM_NAME 2" when to < from. */
int nacl_entry_set_ports(struct nacl_entry *e, long long from, long long to,
			 const char *at, const char *from_name,
			 const char *to_name, char **cause);
/* What AWS ignores, cleared: ports of protocols without ports, ICMP type
 * and code of others. */
void nacl_entry_finish(struct nacl_entry *e);

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
/* The NACL whose id or address is id, or NULL. */
const struct nacl *nacl_set_find(const struct nacl_set *set, const char *id);
/* The NACL associated with subnet (an id, or an address before apply), or
 * NULL. */
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
/* What the path does to a probe: STATUS_OK, STATUS_REQUEST_DROPPED (a
 * request hop denies) or STATUS_REPLY_DROPPED. */
enum probe_status nacl_path_status(const struct nacl_path_result *res);
/* Do a and b rest on the same entries: the dropping one, or when nothing
 * drops, the allowing one of every hop? */
bool nacl_path_same_decision(const struct nacl_path_result *a,
			     const struct nacl_path_result *b);
/*
 * The last source port from sport on (at most to) whose probes meet the
 * same fate as sport's: no entry of the reply hops starts or ends between.
 * Lets a sweep of 64,512 ports be judged in a few evaluations.
 */
uint16_t nacl_path_same_until(const struct nacl_path *path, int protocol,
			      uint16_t sport, uint16_t to);

/* Verdicts for people and JSON (nacl_render.c). */

/* Is e (NULL: the implicit deny) one of the final denies, rule *? */
bool nacl_entry_is_default(const struct nacl_entry *e);
/* "rule * (default deny)" or "rule 90 (deny udp 4990-5010 from ...)". */
void nacl_write_rule(FILE *out, const struct nacl_entry *e);
/* "probe subnet inbound: acl-0a1 rule * (default deny)": res's drop. */
void nacl_write_drop(FILE *out, const struct nacl_path *path,
		     const struct nacl_path_result *res);
/* "probe-out rule 100, agent-in rule 120, ...": what let res through. */
void nacl_write_allowed(FILE *out, const struct nacl_path_result *res);
/* {"hop", "nacl", "direction", "rule", "default", "action", "entry"} of the
 * verdict v of hop on path; cJSON_Delete it or hand it to a parent. */
cJSON *nacl_verdict_to_json(const struct nacl_path *path, enum nacl_hop hop,
			    const struct nacl_verdict *v);
/* Adds to obj "drop", the verdict that dropped res, or "drop": null and
 * "allowed_by", the verdicts of the hops that let it through. */
void nacl_result_add_json(cJSON *obj, const struct nacl_path *path,
			  const struct nacl_path_result *res);

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
