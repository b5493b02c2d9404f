/* Unit tests for common/usage.c: the usage error and the number option. */
/* Messages are compared byte for byte on a redirected standard error. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>

#include "common/usage.h"

TestSuite(usage);

Test(usage, number_in_range_is_read_silently, .init = cr_redirect_stderr)
{
	unsigned long n = 0;

	cr_assert_eq(
		usage_number("nacl-agent", "--max-sessions", "1", 1, 4096, &n),
		0);
	cr_assert_eq(n, 1);
	cr_assert_eq(usage_number("nacl-agent", "--max-sessions", "4096", 1,
				  4096, &n),
		     0);
	cr_assert_eq(n, 4096);
	fflush(stderr);
	cr_assert_stderr_eq_str("");
}

Test(usage, bad_numbers_name_option_value_and_range, .init = cr_redirect_stderr)
{
	const char *bad[] = {"",     "-1",  "0",
			     "4097", "12x", "99999999999999999999999"};
	unsigned long n = 7;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_assert_eq(usage_number("nacl-probe", "--rate", bad[i], 1,
					  4096, &n),
			     -1, "'%s' was accepted", bad[i]);
	cr_assert_eq(n, 7);
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"nacl-probe: --rate: bad value '': expected a whole number "
		"from 1 to 4096\nTry 'nacl-probe --help'.\n"
		"nacl-probe: --rate: bad value '-1': expected a whole number "
		"from 1 to 4096\nTry 'nacl-probe --help'.\n"
		"nacl-probe: --rate: bad value '0': expected a whole number "
		"from 1 to 4096\nTry 'nacl-probe --help'.\n"
		"nacl-probe: --rate: bad value '4097': expected a whole number "
		"from 1 to 4096\nTry 'nacl-probe --help'.\n"
		"nacl-probe: --rate: bad value '12x': expected a whole number "
		"from 1 to 4096\nTry 'nacl-probe --help'.\n"
		"nacl-probe: --rate: bad value '99999999999999999999999': "
		"expected a whole number from 1 to 4096\n"
		"Try 'nacl-probe --help'.\n");
}

Test(usage, message_names_the_program_and_its_help, .init = cr_redirect_stderr)
{
	usage_print("nacl-report explain", "missing %s", "--nacl ACLS.json");
	fflush(stderr);
	cr_assert_stderr_eq_str(
		"nacl-report explain: missing --nacl "
		"ACLS.json\nTry 'nacl-report explain --help'.\n");
}

Test(usage, exit_prints_then_exits_with_the_status, .exit_code = 2,
     .init = cr_redirect_stderr)
{
	usage_exit(2, "nacl-agent", "unexpected argument '%s'", "extra");
}
