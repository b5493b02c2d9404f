/* Unit tests for netaddr_split: HOST[:PORT], [IPV6][:PORT], bare IPV6. */
/* netaddr_parse and the scenario's addresses both split this way. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>

#include "common/netaddr.h"

TestSuite(netaddr_split);

static void
assert_split(const char *text, const char *host, const char *port)
{
	char copy[64], *got_port = (char *)"unset";

	snprintf(copy, sizeof copy, "%s", text);
	cr_assert_eq(netaddr_split(copy, &got_port), 0, "%s", text);
	cr_assert_str_eq(copy, host, "%s", text);
	if (port == NULL)
		cr_assert_null(got_port, "%s", text);
	else
		cr_assert_str_eq(got_port, port, "%s", text);
}

Test(netaddr_split, host_port_brackets_and_bare_ipv6)
{
	assert_split("agent.example", "agent.example", NULL);
	assert_split("198.18.2.1:4000", "198.18.2.1", "4000");
	assert_split("[2001:db8::1]:4000", "2001:db8::1", "4000");
	assert_split("[2001:db8::1]", "2001:db8::1", NULL);
	assert_split("2001:db8::1", "2001:db8::1", NULL);
	/* The port is not judged here: the callers read it their way. */
	assert_split("host:", "host", "");
}

Test(netaddr_split, unclosed_or_trailing_bracket_is_refused)
{
	char unclosed[] = "[2001:db8::1", trailing[] = "[2001:db8::1]x";
	char *port;

	cr_assert_eq(netaddr_split(unclosed, &port), -1);
	cr_assert_eq(netaddr_split(trailing, &port), -1);
}
