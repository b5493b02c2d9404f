/* libFuzzer target: the tls module's request and reply parsers. */
/* Built and run by make fuzz with clang, ASan and UBSan. */
#include "tests/fuzz/fuzz_service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_service("tls", data, size);
	return 0;
}
