/* Unit tests for probe/unfiltered.c: the addresses NACLs never filter. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "common/netaddr.h"
#include "probe/unfiltered.h"

TestSuite(unfiltered);

static const char *
unfiltered_of(const char *text, const char *cidr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char *cause = NULL;

	cr_assert_eq(netaddr_parse(text, 0, &ss, &len, &cause), 0, "%s", cause);
	return unfiltered_address((struct sockaddr *)&ss, cidr);
}

Test(unfiltered, the_fixed_addresses_are_named)
{
	cr_assert_str_eq(unfiltered_of("169.254.169.123", NULL),
			 "the Amazon Time Sync Service");
	cr_assert_str_eq(unfiltered_of("fd00:ec2::123", NULL),
			 "the Amazon Time Sync Service");
	cr_assert_str_eq(unfiltered_of("169.254.169.253", NULL),
			 "the Amazon DNS server (Route 53 Resolver)");
	cr_assert_str_eq(unfiltered_of("169.254.169.254", NULL),
			 "the instance metadata service");
}

Test(unfiltered, base_plus_two_of_the_cidr_is_the_resolver)
{
	cr_assert_str_eq(unfiltered_of("10.0.0.2", "10.0.0.0/16"),
			 "the VPC's DNS resolver (its CIDR's base + 2)");
	cr_assert_str_eq(unfiltered_of("10.0.1.2", "10.0.1.0/24"),
			 "the VPC's DNS resolver (its CIDR's base + 2)");
	/* Host bits in the CIDR are ignored. */
	cr_assert_str_eq(unfiltered_of("10.0.1.2", "10.0.1.77/24"),
			 "the VPC's DNS resolver (its CIDR's base + 2)");
}

Test(unfiltered, everything_else_is_filtered)
{
	cr_assert_null(unfiltered_of("198.18.2.1", NULL));
	cr_assert_null(unfiltered_of("198.18.2.1", "198.18.2.0/24"));
	cr_assert_null(unfiltered_of("10.0.0.3", "10.0.0.0/16"));
	cr_assert_null(unfiltered_of("2001:db8:2::1", "198.18.2.0/24"));
	cr_assert_null(unfiltered_of("10.0.0.2", "not a cidr"));
	cr_assert_null(unfiltered_of("169.254.169.124", NULL));
}
