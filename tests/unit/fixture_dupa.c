/* Assertions shared by the tests of the NACL reports (see fixture_dupa.h). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "tests/unit/fixture_dupa.h"

void
fixture_assert_text(char *actual, const char *expected)
{
	cr_assert_str_eq(actual, expected);
	free(actual);
}
