/* Unit tests for reports/impact.c: which client families a source range hits.
 */
/* The wording is pinned exactly; shares round to one decimal, 100% stays whole.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "reports/report.h"

TestSuite(impact);

static void
assert_impact(uint16_t from, uint16_t to, const char *expected)
{
	char *got = report_impact_describe(from, to);

	cr_assert_str_eq(got, expected, "%u-%u", from, to);
	free(got);
}

Test(impact, windows_range_hits_all_vista_and_42_percent_of_linux)
{
	assert_impact(49152, 65535,
		      "hits Windows Vista+ clients (100% of their range), "
		      "Linux 42.0%, Linux (legacy) 42.0%, NAT gateway/ELB "
		      "25.4%");
}

Test(impact, linux_range_hits_linux_wholly_and_legacy_nearly)
{
	/* 28232 of legacy's 28233 ports is not the whole range. */
	assert_impact(32768, 60999,
		      "hits Linux clients (100% of their range), Linux "
		      "(legacy) 99.9%, Windows Vista+ 72.3%, NAT gateway/ELB "
		      "43.8%");
}

Test(impact, legacy_windows_range_hits_xp_and_nat)
{
	assert_impact(1025, 5000,
		      "hits Windows XP/2003 clients (100% of their range), "
		      "NAT gateway/ELB 6.2%");
}

Test(impact, whole_port_space_hits_every_family_fully)
{
	assert_impact(1, 65535,
		      "hits Linux clients (100% of their range), Linux "
		      "(legacy) 100%, Windows Vista+ 100%, Windows XP/2003 "
		      "100%, NAT gateway/ELB 100%");
}

Test(impact, privileged_ports_hit_no_family)
{
	assert_impact(1, 1023, "hits no common client range");
}

Test(impact, gap_between_xp_and_linux_hits_only_nat)
{
	assert_impact(5001, 32767,
		      "hits NAT gateway/ELB clients (43.0% of their range)");
}

Test(impact, tiny_share_is_written_below_a_tenth)
{
	assert_impact(1024, 1024,
		      "hits NAT gateway/ELB clients (<0.1% of their range)");
}

Test(impact, port_61000_hits_only_legacy_linux_of_the_linuxes)
{
	assert_impact(61000, 61000,
		      "hits Linux (legacy) clients (<0.1% of their range), "
		      "Windows Vista+ <0.1%, NAT gateway/ELB <0.1%");
}

Test(impact, equal_shares_keep_table_order)
{
	/* 32768-49151: Linux 16384/28232 = 58.03%, legacy 16384/28233 = 58.03%.
	 */
	assert_impact(32768, 49151,
		      "hits Linux clients (58.0% of their range), Linux "
		      "(legacy) 58.0%, NAT gateway/ELB 25.4%");
}

Test(impact, reversed_range_hits_nothing)
{
	assert_impact(5000, 1025, "hits no common client range");
}
