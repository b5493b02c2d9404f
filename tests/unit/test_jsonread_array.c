/* Unit tests for jsonread_array: walking an array member, paths and all. */
/* The NACL, plan and security-group readers walk their lists with it. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "common/jsonread.h"

/* Each test's document, its walk and the cause of an error. */
static cJSON *root;
static struct jsonread_array a;
static char *cause;

static void
array_teardown(void)
{
	cJSON_Delete(root);
	free(cause);
}

TestSuite(jsonread_array, .fini = array_teardown);

Test(jsonread_array, walks_each_element_with_its_path)
{
	root = cJSON_Parse("{\"Entries\": [1, \"two\", {}]}");
	cr_assert_eq(jsonread_array(&a, root, "NetworkAcls[0]", "Entries",
				    "an array", true, &cause),
		     0);
	cr_assert(jsonread_array_next(&a));
	cr_assert_eq(a.index, 0);
	cr_assert(cJSON_IsNumber(a.item));
	cr_assert_str_eq(a.at.text, "NetworkAcls[0].Entries[0]");
	cr_assert(jsonread_array_next(&a));
	cr_assert_str_eq(a.item->valuestring, "two");
	cr_assert_str_eq(a.at.text, "NetworkAcls[0].Entries[1]");
	cr_assert(jsonread_array_next(&a));
	cr_assert_eq(a.index, 2);
	cr_assert(cJSON_IsObject(a.item));
	cr_assert_str_eq(a.at.text, "NetworkAcls[0].Entries[2]");
	cr_assert_not(jsonread_array_next(&a));
	/* Past the end it stays there. */
	cr_assert_not(jsonread_array_next(&a));
	cr_assert_null(cause);
}

Test(jsonread_array, empty_and_absent_optional_walk_nothing)
{
	root = cJSON_Parse("{\"Tags\": []}");
	cr_assert_eq(
		jsonread_array(&a, root, "", "Tags", "an array", true, &cause),
		0);
	cr_assert_not(jsonread_array_next(&a));
	cr_assert_eq(jsonread_array(&a, root, "", "Associations", "an array",
				    false, &cause),
		     0);
	cr_assert_null(a.list);
	cr_assert_not(jsonread_array_next(&a));
	cr_assert_null(cause);
}

Test(jsonread_array, missing_or_not_an_array_is_named)
{
	root = cJSON_Parse("{\"Tags\": {}}");
	cr_assert_eq(jsonread_array(&a, root, "NetworkAcls[1]", "Tags",
				    "an array of tags", false, &cause),
		     -1);
	cr_assert_str_eq(cause, "NetworkAcls[1].Tags: expected an array of "
				"tags, found an object");
	free(cause);
	cause = NULL;
	cr_assert_eq(jsonread_array(&a, root, "", "Entries",
				    "an array of entries", true, &cause),
		     -1);
	cr_assert_str_eq(cause, "Entries: missing (expected an array of "
				"entries)");
	cr_assert_not(jsonread_array_next(&a));
}
