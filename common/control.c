/* Control-channel messages: 4-byte big-endian length, then a JSON object. */
/* The decoder is a pure function over a buffer so that it can be fuzzed. */
#include "common/control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"
#include "common/xmalloc.h"

enum control_decode
control_frame_decode(const uint8_t *buf, size_t len, size_t limit,
		     size_t *consumed, cJSON **msg, char **cause)
{
	uint32_t body;
	const cJSON *v, *type;
	const char *end = NULL;
	cJSON *root;

	*msg = NULL;
	if (len < 4)
		return CONTROL_DECODE_NEED_MORE;
	body = wire_get32(buf);
	if (limit > CONTROL_MAX_MESSAGE)
		limit = CONTROL_MAX_MESSAGE;
	if (body == 0 || body > limit) {
		*cause = xasprintf("control message of %u bytes refused: "
				   "accepted sizes are 1 to %zu%s",
				   body, limit,
				   limit < CONTROL_MAX_MESSAGE
					   ? " before authentication"
					   : "");
		return CONTROL_DECODE_ERROR;
	}
	if (len - 4 < body)
		return CONTROL_DECODE_NEED_MORE;
	root = cJSON_ParseWithLengthOpts((const char *)buf + 4, body, &end, 0);
	if (root == NULL) {
		*cause = xstrdup("control message is not valid JSON");
		return CONTROL_DECODE_ERROR;
	}
	while (end < (const char *)buf + 4 + body &&
	       (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (end != (const char *)buf + 4 + body) {
		*cause = xstrdup("control message has bytes after its JSON "
				 "object");
		goto fail;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("control message is not a JSON object");
		goto fail;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "v");
	if (!cJSON_IsNumber(v)) {
		*cause = xstrdup("control message has no version field \"v\"");
		goto fail;
	}
	if (v->valuedouble != CONTROL_VERSION) {
		*cause = xasprintf("control protocol version %g is not "
				   "supported: this side speaks version %d "
				   "(upgrade nacl-probe and nacl-agent "
				   "together)",
				   v->valuedouble, CONTROL_VERSION);
		goto fail;
	}
	type = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (!cJSON_IsString(type)) {
		*cause = xstrdup("control message has no string \"type\"");
		goto fail;
	}
	*consumed = 4 + (size_t)body;
	*msg = root;
	return CONTROL_DECODE_MESSAGE;
fail:
	cJSON_Delete(root);
	return CONTROL_DECODE_ERROR;
}

uint8_t *
control_frame_encode(const cJSON *msg, size_t *len, char **cause)
{
	char *text = cJSON_PrintUnformatted(msg);
	size_t body;
	uint8_t *frame;

	if (text == NULL) {
		*cause = xstrdup("cannot serialize control message");
		return NULL;
	}
	body = strlen(text);
	if (body > CONTROL_MAX_MESSAGE) {
		*cause = xasprintf("control message of %zu bytes is over the "
				   "%u-byte limit",
				   body, CONTROL_MAX_MESSAGE);
		free(text);
		return NULL;
	}
	frame = xmalloc(4 + body);
	wire_put32(frame, body);
	memcpy(frame + 4, text, body);
	free(text);
	*len = 4 + body;
	return frame;
}

cJSON *
control_message_new(const char *type)
{
	cJSON *msg = xcheck(cJSON_CreateObject());

	xcheck(cJSON_AddNumberToObject(msg, "v", CONTROL_VERSION));
	xcheck(cJSON_AddStringToObject(msg, "type", type));
	return msg;
}

const char *
control_message_type(const cJSON *msg)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(msg, "type");

	return cJSON_IsString(type) ? type->valuestring : "";
}
