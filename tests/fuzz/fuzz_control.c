/* libFuzzer target: the control-channel frame decoder and seen entries. */
/* Built and run by make fuzz with clang, ASan and UBSan. */
#include <stdlib.h>

#include "common/control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cause = NULL;
	size_t consumed;
	cJSON *msg = NULL;
	const cJSON *entries, *item;
	struct seen_entry e;

	if (control_frame_decode(data, size, &consumed, &msg, &cause) ==
	    CONTROL_DECODE_MESSAGE) {
		if (consumed > size)
			abort();
		entries = cJSON_GetObjectItemCaseSensitive(msg, "entries");
		cJSON_ArrayForEach(item, entries)
		{
			if (seen_entry_from_json(item, &e, &cause) != 0) {
				free(cause);
				cause = NULL;
			}
		}
	}
	cJSON_Delete(msg);
	free(cause);
	return 0;
}
