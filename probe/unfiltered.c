/* Addresses whose traffic NACLs never filter: a sweep to them proves nothing
 * about NACLs, and the report says so (a false all-clear otherwise). */
/* From the AWS VPC documentation (Network ACLs, "Amazon DNS server",
 * "Set the time for your instance"). */
#include "probe/unfiltered.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/netaddr.h"

struct unfiltered {
	int family;
	const char *address;
	const char *what;
};

static const struct unfiltered unfiltered_fixed[] = {
	{AF_INET, "169.254.169.253",
	 "the Amazon DNS server (Route 53 Resolver)"},
	{AF_INET, "169.254.169.123", "the Amazon Time Sync Service"},
	{AF_INET6, "fd00:ec2::123", "the Amazon Time Sync Service"},
	{AF_INET, "169.254.169.254", "the instance metadata service"},
	{AF_INET6, "fd00:ec2::254", "the instance metadata service"},
};

/* Is address the base + 2 of the IPv4 cidr ("10.0.0.0/16")? */
static bool
unfiltered_resolver(const struct sockaddr *address, const char *cidr)
{
	char net[INET_ADDRSTRLEN];
	const char *slash;
	struct in_addr base;
	unsigned long prefix;
	uint32_t mask, want, have;
	char *end;

	if (cidr == NULL || address->sa_family != AF_INET)
		return false;
	slash = strchr(cidr, '/');
	if (slash == NULL || (size_t)(slash - cidr) >= sizeof net)
		return false;
	memcpy(net, cidr, (size_t)(slash - cidr));
	net[slash - cidr] = '\0';
	prefix = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || prefix > 30 || inet_pton(AF_INET, net, &base) != 1)
		return false;
	mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
	want = (ntohl(base.s_addr) & mask) + 2;
	have = ntohl(((const struct sockaddr_in *)(const void *)address)
			     ->sin_addr.s_addr);
	return want == have;
}

const char *
unfiltered_address(const struct sockaddr *address, const char *cidr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof unfiltered_fixed / sizeof *unfiltered_fixed;
	     i++) {
		if (unfiltered_fixed[i].family != address->sa_family)
			continue;
		if (netaddr_parse(unfiltered_fixed[i].address, 0, &ss, &len,
				  &cause) != 0) {
			free(cause);
			continue;
		}
		if (netaddr_equal(address, (struct sockaddr *)&ss))
			return unfiltered_fixed[i].what;
	}
	if (unfiltered_resolver(address, cidr))
		return "the VPC's DNS resolver (its CIDR's base + 2)";
	return NULL;
}
