/* Addresses whose traffic NACLs never filter: a sweep to them proves nothing
 * about NACLs, and the report says so (a false all-clear otherwise). */
/* AWS: the VPC resolver (the VPC's base + 2, 169.254.169.253, and each
 * subnet's base + 2 reserved for it), Amazon Time Sync (169.254.169.123,
 * fd00:ec2::123), the instance metadata service (169.254.169.254,
 * fd00:ec2::254). */
#ifndef NACL_PROBE_UNFILTERED_H
#define NACL_PROBE_UNFILTERED_H

#include <sys/socket.h>

/*
 * What address is when NACLs never filter traffic to it, else NULL;
 * cidr (may be NULL) is the far subnet's or VPC's CIDR from the scenario,
 * whose base + 2 is the resolver's. A static string.
 */
const char *unfiltered_address(const struct sockaddr *address,
			       const char *cidr);

#endif
