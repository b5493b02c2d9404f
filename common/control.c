/* Control-channel messages: 4-byte big-endian length, then a JSON object. */
/* The decoder is a pure function over a buffer so that it can be fuzzed. */
#include "common/control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

enum control_decode
control_frame_decode(const uint8_t *buf, size_t len, size_t *consumed,
		     cJSON **msg, char **cause)
{
	uint32_t body;
	const cJSON *v, *type;
	const char *end = NULL;
	cJSON *root;

	*msg = NULL;
	if (len < 4)
		return CONTROL_DECODE_NEED_MORE;
	body = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	       (uint32_t)buf[2] << 8 | buf[3];
	if (body == 0 || body > CONTROL_MAX_MESSAGE) {
		*cause = xasprintf("control message of %u bytes refused: "
				   "accepted sizes are 1 to %u",
				   body, CONTROL_MAX_MESSAGE);
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
				   "supported: this side speaks version %d",
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
	frame[0] = (uint8_t)(body >> 24);
	frame[1] = (uint8_t)(body >> 16);
	frame[2] = (uint8_t)(body >> 8);
	frame[3] = (uint8_t)body;
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

cJSON *
seen_entry_to_json(const struct seen_entry *e)
{
	cJSON *a = cJSON_CreateArray();

	cJSON_AddItemToArray(a, cJSON_CreateString(proto_name(e->proto)));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(e->port));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(e->sport));
	cJSON_AddItemToArray(a, cJSON_CreateString(e->observed_addr));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(e->observed_port));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(e->count));
	return a;
}

static int
seen_number(const cJSON *item, int index, double max, double *out)
{
	const cJSON *n = cJSON_GetArrayItem(item, index);

	if (!cJSON_IsNumber(n) || !(n->valuedouble >= 0) ||
	    n->valuedouble > max ||
	    n->valuedouble != (double)(long)n->valuedouble)
		return -1;
	*out = n->valuedouble;
	return 0;
}

int
seen_entry_from_json(const cJSON *item, struct seen_entry *e, char **cause)
{
	const cJSON *proto, *addr;
	double port, sport, oport, count;

	if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != 6) {
		*cause = xstrdup("seen entry is not an array of 6 items");
		return -1;
	}
	proto = cJSON_GetArrayItem(item, 0);
	addr = cJSON_GetArrayItem(item, 3);
	if (!cJSON_IsString(proto) ||
	    proto_parse(proto->valuestring, &e->proto) != 0) {
		*cause = xstrdup("seen entry has a bad protocol");
		return -1;
	}
	if (seen_number(item, 1, 65535, &port) != 0 ||
	    seen_number(item, 2, 65535, &sport) != 0 ||
	    seen_number(item, 4, 65535, &oport) != 0 ||
	    seen_number(item, 5, 4294967295.0, &count) != 0) {
		*cause = xstrdup("seen entry has a bad port or count");
		return -1;
	}
	if (!cJSON_IsString(addr) ||
	    strlen(addr->valuestring) >= sizeof e->observed_addr) {
		*cause = xstrdup("seen entry has a bad address");
		return -1;
	}
	e->port = (uint16_t)port;
	e->sport = (uint16_t)sport;
	e->observed_port = (uint16_t)oport;
	e->count = (uint32_t)count;
	strcpy(e->observed_addr, addr->valuestring);
	return 0;
}
