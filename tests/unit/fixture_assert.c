/* Assertions shared by the tests of the NACL reports (see fixture_assert.h). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "tests/unit/fixture_assert.h"

void
fixture_assert_text(char *actual, const char *expected)
{
	cr_assert_str_eq(actual, expected);
	free(actual);
}

cJSON *
fixture_json(const char *json)
{
	cJSON *root = cJSON_Parse(json);

	cr_assert_not_null(root, "test JSON does not parse: %s", json);
	return root;
}
