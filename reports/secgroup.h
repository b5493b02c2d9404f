/* Security groups (aws ec2 describe-security-groups): their inbound rules. */
/* Stateful: a request they let in has its reply let out, so only the
 * request direction is judged; explain uses them to name a drop no NACL
 * explains. */
#ifndef NACL_SECGROUP_H
#define NACL_SECGROUP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/netaddr.h"

/* One inbound permission: protocol, ports, sources. */
struct sg_rule {
	int protocol; /* -1 for all, else 0-255 */
	bool all_ports; /* no port range applies (all, or not tcp/udp) */
	uint16_t port_from, port_to;
	struct netaddr_cidr *sources; /* IpRanges and Ipv6Ranges */
	size_t nsources;
	/* Sources named by group or prefix list, which addresses alone
	 * cannot be matched against. */
	bool has_references;
};

struct sg {
	char *id; /* GroupId */
	char *name; /* GroupName, or NULL */
	struct sg_rule *inbound;
	size_t ninbound;
};

struct sg_set {
	struct sg *groups;
	size_t count;
};

/* Reads {"SecurityGroups": [...]}; -1 with *cause naming the JSON path. */
int sg_set_from_json(const cJSON *root, struct sg_set *set, char **cause);
int sg_set_read_file(const char *path, struct sg_set *set, char **cause);
void sg_set_free(struct sg_set *set);

enum sg_verdict {
	SG_ALLOW, /* a rule of a group lets it in */
	SG_DENY, /* no rule of any group does */
	SG_UNKNOWN, /* none by address, but one names a group or prefix list */
};

/*
 * Does a request of protocol (6, 17) to port from src (family's bytes) get
 * in through the groups of set (any one allowing is enough)? *group and
 * *rule get the allowing one, or for SG_UNKNOWN the referring one.
 */
enum sg_verdict sg_set_admits(const struct sg_set *set, int protocol,
			      uint16_t port, int family, const uint8_t *src,
			      const struct sg **group,
			      const struct sg_rule **rule);
/* "sg-0a1 (web), sg-0b2": the groups of set; free() it. */
char *sg_set_names(const struct sg_set *set);

#endif
