/* Control-channel messages: 4-byte big-endian length, then a JSON object. */
/* Every message has "v" (protocol version) and "type"; frames above the limit
 * are refused unread. */
#ifndef NACL_CONTROL_H
#define NACL_CONTROL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/checkspec.h"

#define CONTROL_VERSION 2
#define CONTROL_DEFAULT_PORT 7455
#define CONTROL_MAX_MESSAGE (1024 * 1024)
/* Before authentication: a small hello within a short deadline. */
#define CONTROL_MAX_HELLO 4096
#define CONTROL_HELLO_DEADLINE_SEC 5

enum control_decode {
	CONTROL_DECODE_ERROR = -1,
	CONTROL_DECODE_NEED_MORE = 0,
	CONTROL_DECODE_MESSAGE = 1,
};

/*
 * Decodes one frame from buf. Returns CONTROL_DECODE_MESSAGE with *msg (free
 * with cJSON_Delete) and *consumed set; CONTROL_DECODE_NEED_MORE when buf
 * holds only part of a frame; CONTROL_DECODE_ERROR with *cause (malloc'd)
 * for a frame over limit bytes (CONTROL_MAX_MESSAGE at most), bad JSON, a
 * non-object, a missing or unsupported version or a missing type. An
 * oversize length is refused before its body arrives.
 */
enum control_decode control_frame_decode(const uint8_t *buf, size_t len,
					 size_t limit, size_t *consumed,
					 cJSON **msg, char **cause);
/* Frames msg; free() the result. Returns NULL (with *cause) when too big. */
uint8_t *control_frame_encode(const cJSON *msg, size_t *len, char **cause);
/* A new message object with "v" and "type" set. */
cJSON *control_message_new(const char *type);
const char *control_message_type(const cJSON *msg);

#endif
