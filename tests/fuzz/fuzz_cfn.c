/* libFuzzer target: the CloudFormation reader, JSON and YAML (libyaml). */
/* Built and run by make fuzz with clang, ASan and UBSan. */
#include <stdlib.h>
#include <string.h>

#include "reports/cfn.h"
#include "tests/fuzz/fuzz_change.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nacl_change c;
	char *cause = NULL, *text = malloc(size + 1);
	int rc;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = cfn_from_text(text, size, "fuzz.yaml", &c, &cause);
	fuzz_change_check(rc, &c, cause, false);
	free(text);
	return 0;
}
