/* libFuzzer target: the CloudFormation reader, JSON and YAML (libyaml). */
/* Built and run by make fuzz with clang, ASan and UBSan. */
#include <stdlib.h>
#include <string.h>

#include "reports/cfn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nacl_change c;
	struct nacl_set set;
	char *cause = NULL, *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cfn_from_text(text, size, "fuzz.yaml", &c, &cause) == 0) {
		if (nacl_change_state(&c, true, NULL, &set, &cause) == 0)
			nacl_set_free(&set);
		else if (cause == NULL)
			abort();
	} else if (cause == NULL)
		abort();
	free(cause);
	nacl_change_free(&c);
	free(text);
	return 0;
}
