/* Unit tests for common/netaddr's CIDR blocks: parsing, formatting,
 * containment at the prefix boundary. */
/* The agent's --allow, scenarios and the NACL model all parse through it. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "common/netaddr.h"

TestSuite(netaddr);

Test(netaddr, cidr_host_bits_are_cleared)
{
	struct netaddr_cidr c;
	char *cause = NULL, buf[NETADDR_CIDR_STRLEN];

	cr_assert_eq(netaddr_cidr_parse("10.1.2.3/20", &c, &cause), 0);
	cr_assert_str_eq(netaddr_cidr_format(&c, buf), "10.1.0.0/20");
	cr_assert_eq(netaddr_cidr_parse("2001:db8:1:2::5/33", &c, &cause), 0);
	cr_assert_str_eq(netaddr_cidr_format(&c, buf), "2001:db8::/33");
	cr_assert_eq(netaddr_cidr_parse("198.18.1.1", &c, &cause), 0);
	cr_assert_str_eq(netaddr_cidr_format(&c, buf), "198.18.1.1/32");
	cr_assert_eq(netaddr_cidr_parse("0.0.0.0/0", &c, &cause), 0);
	cr_assert_str_eq(netaddr_cidr_format(&c, buf), "0.0.0.0/0");
}

Test(netaddr, bad_cidrs_are_refused)
{
	static const char *const bad[] = {
		"",	    "10.0.0.0/33",   "10.0.0.0/",   "10.0.0.0/-1",
		"10.0.0/8", "::/129",	     "10.0.0.0/8x", "10.0.0.0/ 8",
		"host/24",  "10.0.0.0/0008",
	};
	struct netaddr_cidr c;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		cr_assert_eq(netaddr_cidr_parse(bad[i], &c, &cause), -1,
			     "accepted '%s'", bad[i]);
		free(cause);
		cause = NULL;
	}
	cr_assert_eq(netaddr_cidr_parse("10.0.0.0/33", &c, &cause), -1);
	cr_assert_str_eq(cause, "'10.0.0.0/33' is not a CIDR block (expected "
				"an IPv4 or IPv6 network like 10.0.1.0/24 or "
				"2001:db8:1::/64)");
	free(cause);
}

Test(netaddr, cidr_contains_at_the_prefix_boundary)
{
	struct netaddr_cidr c;
	char *cause = NULL;
	uint8_t a[16];

	cr_assert_eq(netaddr_cidr_parse("198.18.1.128/25", &c, &cause), 0);
	inet_pton(AF_INET, "198.18.1.128", a);
	cr_assert(netaddr_cidr_contains(&c, AF_INET, a));
	inet_pton(AF_INET, "198.18.1.255", a);
	cr_assert(netaddr_cidr_contains(&c, AF_INET, a));
	inet_pton(AF_INET, "198.18.1.127", a);
	cr_assert_not(netaddr_cidr_contains(&c, AF_INET, a));
	cr_assert_eq(netaddr_cidr_parse("::/0", &c, &cause), 0);
	cr_assert_not(netaddr_cidr_contains(&c, AF_INET, a));
}
