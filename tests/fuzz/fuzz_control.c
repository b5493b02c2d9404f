/* libFuzzer target: the control-channel frame decoder and every message
 * decoder, both sides, the seen-log with and without a session to match. */
/* Built and run by make fuzz with clang, ASan and UBSan. */
#include <stdlib.h>

#include "common/control.h"
#include "common/control_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct check_list fuzz_checks;

static void
fuzz_decode(const cJSON *json, enum control_side from,
	    const struct seen_expect *expect)
{
	struct control_msg msg;
	char *cause = NULL;
	uint8_t *frame;
	size_t len;

	if (control_msg_from_json(json, from, expect, &msg, &cause) != 0) {
		if (cause == NULL)
			abort(); /* every refusal names its cause */
		free(cause);
		return;
	}
	/* What decodes encodes again. */
	frame = control_msg_encode(&msg, &len, &cause);
	free(frame);
	free(cause);
	control_msg_free(&msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen_expect expect = {&fuzz_checks, 10};
	char *cause = NULL;
	size_t consumed;
	cJSON *json = NULL;

	if (fuzz_checks.count == 0 &&
	    check_list_parse("udp/53,tcp/53", &fuzz_checks, &cause) != 0)
		abort();
	if (control_frame_decode(data, size, CONTROL_MAX_MESSAGE, &consumed,
				 &json, &cause) == CONTROL_DECODE_MESSAGE) {
		if (consumed > size)
			abort();
		fuzz_decode(json, CONTROL_FROM_PROBE, NULL);
		fuzz_decode(json, CONTROL_FROM_AGENT, NULL);
		fuzz_decode(json, CONTROL_FROM_AGENT, &expect);
	}
	cJSON_Delete(json);
	free(cause);
	return 0;
}
