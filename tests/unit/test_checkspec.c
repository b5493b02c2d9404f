/* Unit tests for common/checkspec: PROTO/PORTS[=SERVICE] lists and defaults. */
/* Defaults are test_service.c's; every error message is asserted exactly. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "common/checkspec.h"
#include "common/xmalloc.h"
#include "tests/unit/fixture_text.h"

TestSuite(checkspec);

static void
assert_spec_error(const char *spec, const char *expected)
{
	struct check_list list = {NULL, 0};
	char *cause = NULL;

	cr_assert_eq(check_list_parse(spec, &list, &cause), -1,
		     "'%s' was accepted", spec);
	cr_assert_not_null(cause);
	cr_assert_str_eq(cause, expected);
	cr_assert_null(list.checks);
	cr_assert_eq(list.count, 0);
	free(cause);
}

/* Parses spec into list (free it); fails the test if refused. */
static void
parse_ok(const char *spec, struct check_list *list)
{
	char *cause = NULL;

	*list = (struct check_list){NULL, 0};
	cr_assert_eq(check_list_parse(spec, list, &cause), 0,
		     "'%s' refused: %s", spec, cause ? cause : "");
}

static void
assert_single(const char *spec, enum proto proto, uint16_t port,
	      enum service service)
{
	struct check_list list;

	parse_ok(spec, &list);
	cr_assert_eq(list.count, 1);
	cr_assert_eq(list.checks[0].proto, proto);
	cr_assert_eq(list.checks[0].port, port);
	cr_assert_eq(list.checks[0].service, service, "%s: service %s", spec,
		     service_name(list.checks[0].service));
	check_list_free(&list);
}

Test(checkspec, tcp_80_defaults_to_http)
{
	assert_single("tcp/80", PROTO_TCP, 80, SERVICE_HTTP);
}

Test(checkspec, udp_53_defaults_to_dns)
{
	assert_single("udp/53", PROTO_UDP, 53, SERVICE_DNS);
}

Test(checkspec, tcp_53_defaults_to_dns)
{
	assert_single("tcp/53", PROTO_TCP, 53, SERVICE_DNS);
}

Test(checkspec, udp_123_defaults_to_ntp)
{
	assert_single("udp/123", PROTO_UDP, 123, SERVICE_NTP);
}

Test(checkspec, other_ports_default_to_echo)
{
	assert_single("udp/80", PROTO_UDP, 80, SERVICE_ECHO);
	assert_single("tcp/123", PROTO_TCP, 123, SERVICE_ECHO);
	assert_single("udp/7000", PROTO_UDP, 7000, SERVICE_ECHO);
	assert_single("tcp/4430", PROTO_TCP, 4430, SERVICE_ECHO);
}

Test(checkspec, explicit_service_overrides_default)
{
	assert_single("tcp/80=echo", PROTO_TCP, 80, SERVICE_ECHO);
	assert_single("udp/53=ntp", PROTO_UDP, 53, SERVICE_NTP);
	assert_single("udp/7000=dns", PROTO_UDP, 7000, SERVICE_DNS);
	assert_single("tcp/8080=http", PROTO_TCP, 8080, SERVICE_HTTP);
}

Test(checkspec, port_range_item_gives_one_check_per_port)
{
	struct check_list list;
	size_t i;

	parse_ok("udp/7000-7003=echo", &list);
	cr_assert_eq(list.count, 4);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(list.checks[i].proto, PROTO_UDP);
		cr_assert_eq(list.checks[i].port, 7000 + i);
		cr_assert_eq(list.checks[i].service, SERVICE_ECHO);
	}
	check_list_free(&list);
}

Test(checkspec, multi_port_item_applies_defaults_per_port)
{
	struct check_list list;

	parse_ok("udp/53-54", &list);
	cr_assert_eq(list.count, 2);
	cr_assert_eq(list.checks[0].service, SERVICE_DNS);
	cr_assert_eq(list.checks[1].service, SERVICE_ECHO);
	check_list_free(&list);
}

Test(checkspec, design_example_parses_in_order)
{
	struct check_list list;

	parse_ok("tcp/80=http,udp/53=dns,tcp/53=dns,udp/123=ntp,"
		 "udp/7000-7003=echo",
		 &list);
	cr_assert_eq(list.count, 8);
	cr_assert_eq(list.checks[0].proto, PROTO_TCP);
	cr_assert_eq(list.checks[0].port, 80);
	cr_assert_eq(list.checks[0].service, SERVICE_HTTP);
	cr_assert_eq(list.checks[1].proto, PROTO_UDP);
	cr_assert_eq(list.checks[1].port, 53);
	cr_assert_eq(list.checks[2].proto, PROTO_TCP);
	cr_assert_eq(list.checks[2].port, 53);
	cr_assert_eq(list.checks[3].port, 123);
	cr_assert_eq(list.checks[3].service, SERVICE_NTP);
	cr_assert_eq(list.checks[4].port, 7000);
	cr_assert_eq(list.checks[7].port, 7003);
	cr_assert_eq(check_list_find(&list, PROTO_TCP, 53), 2);
	cr_assert_eq(check_list_find(&list, PROTO_UDP, 7002), 6);
	cr_assert_eq(check_list_find(&list, PROTO_TCP, 7000), -1);
	check_list_free(&list);
}

Test(checkspec, same_port_on_both_protocols_is_allowed)
{
	struct check_list list;

	parse_ok("udp/7000,tcp/7000", &list);
	cr_assert_eq(list.count, 2);
	check_list_free(&list);
}

Test(checkspec, duplicate_item_is_refused)
{
	assert_spec_error("udp/53,udp/53", "udp/53 is given twice");
}

Test(checkspec, duplicate_inside_overlapping_ranges_is_refused)
{
	assert_spec_error("tcp/7000-7003,tcp/7003-7005",
			  "tcp/7003 is given twice");
}

Test(checkspec, duplicate_with_different_service_is_refused)
{
	assert_spec_error("udp/53=dns,udp/53=echo", "udp/53 is given twice");
}

Test(checkspec, empty_spec_is_refused)
{
	assert_spec_error("", "empty port spec: expected e.g. "
			      "udp/7000,tcp/7000");
}

Test(checkspec, spec_of_only_commas_is_refused)
{
	struct check_list list = {NULL, 0};
	char *cause = NULL;
	int rc = check_list_parse(",", &list, &cause);

	cr_expect_eq(rc, -1, "',' parsed to %zu checks", list.count);
	cr_expect_not_null(cause);
	free(cause);
	check_list_free(&list);
}

Test(checkspec, missing_slash_is_refused)
{
	assert_spec_error("udp", "bad check 'udp': expected "
				 "PROTO/PORTS[=SERVICE], e.g. udp/53=dns or "
				 "tcp/7000-7003");
}

Test(checkspec, unknown_protocol_is_refused)
{
	assert_spec_error(
		"icmp/1",
		"bad protocol 'icmp' in 'icmp/1': expected udp or tcp");
}

/* The names themselves are test_service's; here, that they are named. */
Test(checkspec, unknown_service_is_refused)
{
	char *expected = fixture_service_names_between(
		"bad service 'smtp' in 'udp/53=smtp': expected ", "");

	assert_spec_error("udp/53=smtp", expected);
	free(expected);
}

Test(checkspec, bad_port_is_refused_with_the_range_error)
{
	assert_spec_error("udp/0", "bad port '0' in 'udp/0': expected PORT or "
				   "FROM-TO with 1 <= FROM <= TO <= 65535");
}

Test(checkspec, empty_port_is_refused)
{
	assert_spec_error("udp/", "bad port '' in 'udp/': expected PORT or "
				  "FROM-TO with 1 <= FROM <= TO <= 65535");
	assert_spec_error("udp/=dns", "bad port '' in 'udp/=dns': expected "
				      "PORT or FROM-TO with 1 <= FROM <= TO <= "
				      "65535");
}

Test(checkspec, preset_is_not_a_destination_port)
{
	assert_spec_error("udp/all", "bad port 'all' in 'udp/all': expected "
				     "PORT or FROM-TO with 1 <= FROM <= TO <= "
				     "65535");
}

Test(checkspec, error_in_later_item_frees_earlier_ones)
{
	assert_spec_error("udp/7000-7010,tcp/x",
			  "bad port 'x' in 'tcp/x': expected PORT or FROM-TO "
			  "with 1 <= FROM <= TO <= 65535");
}

Test(checkspec, proto_names_round_trip)
{
	enum proto proto;

	cr_assert_str_eq(proto_name(PROTO_UDP), "udp");
	cr_assert_str_eq(proto_name(PROTO_TCP), "tcp");
	cr_assert_eq(proto_parse("tcp", &proto), 0);
	cr_assert_eq(proto, PROTO_TCP);
	cr_assert_eq(proto_parse("UDP", &proto), -1);
}

Test(checkspec, free_resets_the_list)
{
	struct check_list list;

	parse_ok("udp/1", &list);
	check_list_free(&list);
	cr_assert_null(list.checks);
	cr_assert_eq(list.count, 0);
}
