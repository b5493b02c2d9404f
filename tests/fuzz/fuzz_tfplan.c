/* libFuzzer target: the Terraform plan reader and the states it yields. */
/* Built and run by make fuzz with clang, ASan and UBSan. */
#include <stdlib.h>
#include <string.h>

#include "reports/tfplan.h"
#include "tests/fuzz/fuzz_change.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nacl_change c;
	char *cause = NULL;
	cJSON *root = cJSON_ParseWithLength((const char *)data, size);
	int rc;

	if (root == NULL)
		return 0;
	rc = tfplan_from_json(root, "fuzz.json", &c, &cause);
	fuzz_change_check(rc, &c, cause, true);
	cJSON_Delete(root);
	return 0;
}
