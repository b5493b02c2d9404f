/* Unit tests for common/portrange: parsing, presets, merging, enumeration. */
/* Every error message is asserted word for word: users read them. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/portrange.h"

TestSuite(portrange);

#define PRESET_NAMES                                                           \
	"linux, linux-legacy, windows, windows-legacy, nat-gateway, elb, all"

/* The end of every range_list_parse error, for a min_port of min. */
#define EXPECTED(min)                                                          \
	": expected PORT, FROM-TO with " min " <= FROM <= TO <= 65535 or a "   \
	"preset (" PRESET_NAMES "), comma-separated"

/* Parses text into list (free it); fails the test if refused. */
static void
parse_ok(const char *text, struct range_list *list)
{
	char *cause = NULL;

	*list = (struct range_list){NULL, 0};
	cr_assert_eq(range_list_parse(text, list, 1, &cause), 0,
		     "parsing '%s' failed: %s", text, cause ? cause : "");
}

/* Parses text (must succeed) and returns range_list_format of the result. */
static char *
parse_format(const char *text)
{
	struct range_list list;
	char *out;

	parse_ok(text, &list);
	out = range_list_format(&list);
	range_list_free(&list);
	return out;
}

static void
assert_parses_to(const char *text, const char *expected)
{
	char *got = parse_format(text);

	cr_assert_str_eq(got, expected, "'%s' parsed to '%s'", text, got);
	free(got);
}

static void
assert_parse_error(const char *text, uint16_t min_port, const char *expected)
{
	struct range_list list = {NULL, 0};
	char *cause = NULL;

	cr_assert_eq(range_list_parse(text, &list, min_port, &cause), -1,
		     "'%s' was accepted", text);
	cr_assert_not_null(cause);
	cr_assert_str_eq(cause, expected);
	cr_assert_null(list.ranges);
	free(cause);
}

/* A single port, inclusive bounds, and a comma list kept as separate
 * ranges: each case's exact ranges and size. */
Test(portrange, parses_to_exact_ranges)
{
	static const struct {
		const char *text;
		size_t count;
		uint16_t ranges[2][2];
		size_t size;
	} cases[] = {
		{"53", 1, {{53, 53}}, 1},
		{"32768-60999", 1, {{32768, 60999}}, 28232},
		{"1025-5000,49152-65535",
		 2,
		 {{1025, 5000}, {49152, 65535}},
		 3976 + 16384},
	};
	struct range_list list;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parse_ok(cases[i].text, &list);
		cr_assert_eq(list.count, cases[i].count, "%s: %zu ranges",
			     cases[i].text, list.count);
		for (size_t j = 0; j < cases[i].count; j++) {
			cr_assert_eq(list.ranges[j].from, cases[i].ranges[j][0],
				     "%s: range %zu from %u", cases[i].text, j,
				     list.ranges[j].from);
			cr_assert_eq(list.ranges[j].to, cases[i].ranges[j][1],
				     "%s: range %zu to %u", cases[i].text, j,
				     list.ranges[j].to);
		}
		cr_assert_eq(range_list_size(&list), cases[i].size, "%s: size",
			     cases[i].text);
		range_list_free(&list);
	}
}

Test(portrange, extreme_ports_are_accepted)
{
	assert_parses_to("1", "1");
	assert_parses_to("65535", "65535");
	assert_parses_to("1-65535", "1-65535");
}

Test(portrange, leading_zeros_are_read_as_decimal)
{
	assert_parses_to("00080", "80");
}

Test(portrange, overlaps_are_merged)
{
	assert_parses_to("100-200,150-250", "100-250");
	assert_parses_to("100-200,120-130", "100-200");
	assert_parses_to("5,5,5", "5");
}

Test(portrange, adjacent_ranges_are_merged)
{
	assert_parses_to("100-200,201-300", "100-300");
	assert_parses_to("7,8,9", "7-9");
}

Test(portrange, unsorted_input_is_sorted)
{
	assert_parses_to("5000,100-200,53", "53,100-200,5000");
}

Test(portrange, preset_linux_is_32768_60999)
{
	assert_parses_to("linux", "32768-60999");
}

Test(portrange, preset_linux_legacy_is_32768_61000)
{
	assert_parses_to("linux-legacy", "32768-61000");
}

Test(portrange, preset_windows_is_49152_65535)
{
	assert_parses_to("windows", "49152-65535");
}

Test(portrange, preset_windows_legacy_is_1025_5000)
{
	assert_parses_to("windows-legacy", "1025-5000");
}

Test(portrange, preset_nat_gateway_is_1024_65535)
{
	assert_parses_to("nat-gateway", "1024-65535");
}

Test(portrange, preset_elb_is_1024_65535)
{
	assert_parses_to("elb", "1024-65535");
}

Test(portrange, preset_all_is_1024_65535)
{
	assert_parses_to("all", "1024-65535");
}

Test(portrange, preset_table_lists_exactly_the_design_presets)
{
	static const char *const names[] = {
		"linux",       "linux-legacy", "windows", "windows-legacy",
		"nat-gateway", "elb",	       "all"};
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		cr_assert_str_eq(port_presets[i].name, names[i]);
	cr_assert_null(port_presets[i].name);
}

Test(portrange, presets_mix_in_a_list)
{
	assert_parses_to("linux,windows", "32768-65535");
	assert_parses_to("windows-legacy,49152-65535", "1025-5000,49152-65535");
	assert_parses_to("53,linux-legacy", "53,32768-61000");
	assert_parses_to("windows,nat-gateway", "1024-65535");
	assert_parses_to("windows-legacy,windows,linux",
			 "1025-5000,32768-65535");
}

Test(portrange, presets_in_a_list_respect_min_port)
{
	struct range_list list = {NULL, 0};
	char *cause = NULL, *out;

	cr_assert_eq(range_list_parse("all,2000", &list, 1024, &cause), 0);
	out = range_list_format(&list);
	cr_assert_str_eq(out, "1024-65535");
	free(out);
	range_list_free(&list);
}

Test(portrange, empty_text_is_refused)
{
	assert_parse_error("", 1, "empty port list");
}

Test(portrange, port_zero_is_refused_with_min_port)
{
	assert_parse_error("0", 1, "bad port range '0' in '0'" EXPECTED("1"));
}

Test(portrange, port_above_65535_is_refused)
{
	assert_parse_error("65536", 1,
			   "bad port range '65536' in '65536'" EXPECTED("1"));
}

Test(portrange, reversed_range_is_refused)
{
	assert_parse_error(
		"5000-1025", 1,
		"bad port range '5000-1025' in '5000-1025'" EXPECTED("1"));
}

Test(portrange, bad_piece_is_named_inside_the_list)
{
	assert_parse_error(
		"1025-5000,abc,49152-65535", 1,
		"bad port range 'abc' in '1025-5000,abc,49152-65535'" EXPECTED(
			"1"));
}

Test(portrange, empty_piece_is_refused)
{
	assert_parse_error("80,", 1,
			   "bad port range '' in '80,'" EXPECTED("1"));
}

Test(portrange, missing_range_end_is_refused)
{
	assert_parse_error("80-", 1,
			   "bad port range '80-' in '80-'" EXPECTED("1"));
}

Test(portrange, missing_range_start_is_refused)
{
	assert_parse_error("-80", 1,
			   "bad port range '-80' in '-80'" EXPECTED("1"));
}

Test(portrange, double_dash_is_refused)
{
	assert_parse_error("1-2-3", 1,
			   "bad port range '1-2-3' in '1-2-3'" EXPECTED("1"));
}

Test(portrange, whitespace_is_refused)
{
	assert_parse_error(" 80", 1,
			   "bad port range ' 80' in ' 80'" EXPECTED("1"));
}

Test(portrange, unknown_preset_is_refused)
{
	assert_parse_error("macos", 1,
			   "bad port range 'macos' in 'macos'" EXPECTED("1"));
}

Test(portrange, port_below_min_port_is_refused)
{
	assert_parse_error(
		"1000-2000", 1024,
		"bad port range '1000-2000' in '1000-2000'" EXPECTED("1024"));
}

Test(portrange, too_many_digits_are_refused)
{
	assert_parse_error(
		"000000080", 1,
		"bad port range '000000080' in '000000080'" EXPECTED("1"));
}

Test(portrange, unknown_preset_in_a_list_is_named)
{
	assert_parse_error(
		"linux,windowz", 1,
		"bad port range 'windowz' in 'linux,windowz'" EXPECTED("1"));
}

Test(portrange, preset_with_a_suffix_is_refused)
{
	assert_parse_error(
		"linux-2", 1,
		"bad port range 'linux-2' in 'linux-2'" EXPECTED("1"));
}

Test(portrange, port_below_min_port_inside_a_preset_list_is_refused)
{
	assert_parse_error(
		"80,windows", 1024,
		"bad port range '80' in '80,windows'" EXPECTED("1024"));
}

Test(portrange, index_counts_across_ranges)
{
	struct range_list list;

	parse_ok("1025-5000,49152-65535", &list);
	cr_assert_eq(range_list_index(&list, 1025), 0);
	cr_assert_eq(range_list_index(&list, 5000), 3975);
	cr_assert_eq(range_list_index(&list, 49152), 3976);
	cr_assert_eq(range_list_index(&list, 65535), 3976 + 16383);
	cr_assert_eq(range_list_index(&list, 1024), SIZE_MAX);
	cr_assert_eq(range_list_index(&list, 5001), SIZE_MAX);
	cr_assert_eq(range_list_index(&list, 49151), SIZE_MAX);
	range_list_free(&list);
}

Test(portrange, port_at_inverts_index)
{
	struct range_list list;
	size_t i, n;

	parse_ok("7,100-102,60000-60001", &list);
	n = range_list_size(&list);
	cr_assert_eq(n, 6);
	cr_assert_eq(range_list_port_at(&list, 0), 7);
	cr_assert_eq(range_list_port_at(&list, 1), 100);
	cr_assert_eq(range_list_port_at(&list, 3), 102);
	cr_assert_eq(range_list_port_at(&list, 4), 60000);
	cr_assert_eq(range_list_port_at(&list, 5), 60001);
	cr_assert_eq(range_list_port_at(&list, 6), 0);
	for (i = 0; i < n; i++)
		cr_assert_eq(
			range_list_index(&list, range_list_port_at(&list, i)),
			i);
	range_list_free(&list);
}

Test(portrange, contains_matches_index)
{
	struct range_list list;

	parse_ok("10-20,30", &list);
	cr_assert(range_list_contains(&list, 10));
	cr_assert(range_list_contains(&list, 20));
	cr_assert(range_list_contains(&list, 30));
	cr_assert_not(range_list_contains(&list, 21));
	cr_assert_not(range_list_contains(&list, 9));
	cr_assert_not(range_list_contains(&list, 31));
	range_list_free(&list);
}

Test(portrange, format_writes_single_ports_without_dash)
{
	struct range_list list = {NULL, 0};
	char *out;

	range_list_add(&list, 53, 53);
	range_list_add(&list, 1025, 5000);
	out = range_list_format(&list);
	cr_assert_str_eq(out, "53,1025-5000");
	free(out);
	range_list_free(&list);
}

Test(portrange, format_of_empty_list_is_empty_string)
{
	struct range_list list = {NULL, 0};
	char *out = range_list_format(&list);

	cr_assert_str_eq(out, "");
	cr_assert_eq(range_list_size(&list), 0);
	free(out);
}

Test(portrange, add_keeps_the_list_sorted_and_merged)
{
	struct range_list list = {NULL, 0};
	char *out;

	range_list_add(&list, 300, 400);
	range_list_add(&list, 100, 200);
	range_list_add(&list, 201, 299);
	out = range_list_format(&list);
	cr_assert_str_eq(out, "100-400");
	cr_assert_eq(list.count, 1);
	free(out);
	range_list_free(&list);
}

Test(portrange, copy_is_independent_of_the_source)
{
	struct range_list src = {NULL, 0}, dst = {NULL, 0};
	char *out;

	range_list_add(&src, 1000, 2000);
	range_list_copy(&dst, &src);
	range_list_add(&src, 5000, 5000);
	out = range_list_format(&dst);
	cr_assert_str_eq(out, "1000-2000");
	free(out);
	range_list_free(&src);
	range_list_free(&dst);
}

Test(portrange, free_resets_the_list)
{
	struct range_list list = {NULL, 0};

	range_list_add(&list, 1, 2);
	range_list_free(&list);
	cr_assert_null(list.ranges);
	cr_assert_eq(list.count, 0);
	range_list_free(&list);
}

/* Parses a, b; returns range_list_format of op(a, b). */
static char *
combine(const char *a_text, const char *b_text, bool intersect)
{
	struct range_list a = {NULL, 0}, b = {NULL, 0}, out;
	char *cause = NULL, *text;

	if (*a_text)
		cr_assert_eq(range_list_parse(a_text, &a, 1, &cause), 0);
	if (*b_text)
		cr_assert_eq(range_list_parse(b_text, &b, 1, &cause), 0);
	if (intersect)
		range_list_intersect(&out, &a, &b);
	else
		range_list_subtract(&out, &a, &b);
	text = range_list_format(&out);
	range_list_free(&a);
	range_list_free(&b);
	range_list_free(&out);
	return text;
}

static void
assert_combines(const char *a, const char *b, bool intersect,
		const char *expected)
{
	char *got = combine(a, b, intersect);

	cr_assert_str_eq(got, expected, "%s %s %s", a,
			 intersect ? "and" : "minus", b);
	free(got);
}

Test(portrange, intersect_keeps_the_shared_ports)
{
	assert_combines("1024-65535", "linux", true, "32768-60999");
	assert_combines("1025-5000,49152-65535", "4000-50000,60000", true,
			"4000-5000,49152-50000,60000");
	assert_combines("1-10", "11-20", true, "");
	assert_combines("1-10", "", true, "");
	assert_combines("5", "1-65535", true, "5");
}

Test(portrange, subtract_keeps_the_ports_of_the_first_only)
{
	assert_combines("1000-1100", "1024-65535", false, "1000-1023");
	assert_combines("1-100", "10-20,30,90-200", false, "1-9,21-29,31-89");
	assert_combines("1-10", "1-10", false, "");
	assert_combines("1-10", "", false, "1-10");
	assert_combines("65530-65535", "65535", false, "65530-65534");
}
