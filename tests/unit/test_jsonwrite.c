/* Unit tests for common/jsonwrite.c: members as they are printed. */
/* Each test builds an object and compares its unformatted text. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "common/jsonwrite.h"

TestSuite(jsonwrite);

Test(jsonwrite, optional_string_is_left_out_when_null)
{
	cJSON *obj = jsonwrite_need(cJSON_CreateObject());
	char *text;

	jsonwrite_optional_string(obj, "bind", "198.18.1.1");
	jsonwrite_optional_string(obj, "probe_nacl", NULL);
	jsonwrite_optional_string(obj, "agent_nacl", "");
	jsonwrite_string(obj, "error", NULL);
	text = cJSON_PrintUnformatted(obj);
	cr_assert_str_eq(text, "{\"bind\":\"198.18.1.1\",\"agent_nacl\":\"\","
			       "\"error\":null}");
	free(text);
	cJSON_Delete(obj);
}
