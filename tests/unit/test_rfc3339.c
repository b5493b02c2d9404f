/* Unit tests for reports/rfc3339.c: parsing and formatting report times. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>

#include "reports/rfc3339.h"

TestSuite(rfc3339);

Test(rfc3339, rfc3339_times_parse_with_fractions_and_offsets)
{
	time_t t;

	cr_assert_eq(rfc3339_parse("2026-11-20T23:48:00Z", &t), 0);
	cr_assert_eq(t, 1795218480);
	cr_assert_eq(rfc3339_parse("2026-11-20t23:48:00.123456z", &t), 0);
	cr_assert_eq(t, 1795218480);
	cr_assert_eq(rfc3339_parse("2026-11-21T01:48:00+02:00", &t), 0);
	cr_assert_eq(t, 1795218480);
	cr_assert_eq(rfc3339_parse("2026-11-20T20:18:00-03:30", &t), 0);
	cr_assert_eq(t, 1795218480);
}

Test(rfc3339, malformed_times_are_refused)
{
	static const char *const bad[] = {
		"",
		"2026-11-20",
		"2026-11-20T23:48:00",
		"2026-11-20 23:48:00Z",
		"2026-13-20T23:48:00Z",
		"2026-11-20T24:00:00Z",
		"2026-11-20T23:48:00Zjunk",
		"2026-11-20T23:48:00.Z",
		"2026-11-20T23:48:00+0200",
		"soon",
	};
	time_t t;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_assert_eq(rfc3339_parse(bad[i], &t), -1, "%s", bad[i]);
	cr_assert_eq(rfc3339_parse(NULL, &t), -1);
}

Test(rfc3339, format_writes_utc_and_parses_back)
{
	char *text = rfc3339_format(1795218480);
	time_t t;

	cr_assert_str_eq(text, "2026-11-20T23:48:00Z");
	cr_assert_eq(rfc3339_parse(text, &t), 0);
	cr_assert_eq(t, 1795218480);
	free(text);
}
