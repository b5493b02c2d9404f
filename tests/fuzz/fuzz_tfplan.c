/* libFuzzer target: the Terraform plan reader and the states it yields. */
/* Built and run by make fuzz with clang, ASan and UBSan. */
#include <stdlib.h>
#include <string.h>

#include "reports/tfplan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nacl_change c;
	struct nacl_set set;
	char *cause = NULL;
	cJSON *root = cJSON_ParseWithLength((const char *)data, size);
	int after;

	if (root == NULL)
		return 0;
	if (tfplan_from_json(root, "fuzz.json", &c, &cause) == 0) {
		for (after = 0; after <= 1; after++) {
			if (nacl_change_state(&c, after, NULL, &set, &cause) ==
			    0)
				nacl_set_free(&set);
			else if (cause == NULL)
				abort();
			free(cause);
			cause = NULL;
		}
	} else if (cause == NULL)
		abort();
	free(cause);
	nacl_change_free(&c);
	cJSON_Delete(root);
	return 0;
}
