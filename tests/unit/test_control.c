/* Unit tests for common/control: length-prefixed JSON frames, seen entries. */
/* The decoder is fed raw buffers, so partial and hostile input needs no socket.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/control.h"

TestSuite(control);

/* A frame around body as given, length taken from strlen(body). */
static uint8_t *
raw_frame(const char *body, size_t *len)
{
	size_t n = strlen(body);
	uint8_t *frame = malloc(4 + n);

	cr_assert_not_null(frame);
	frame[0] = (uint8_t)(n >> 24);
	frame[1] = (uint8_t)(n >> 16);
	frame[2] = (uint8_t)(n >> 8);
	frame[3] = (uint8_t)n;
	memcpy(frame + 4, body, n);
	*len = 4 + n;
	return frame;
}

/* Non-fatal checks, so that a failing case still frees what it made. */
static void
assert_decode_error_within(const uint8_t *buf, size_t len, size_t limit,
			   const char *expected)
{
	size_t consumed = 12345;
	cJSON *msg = NULL;
	char *cause = NULL;
	enum control_decode rc;

	rc = control_frame_decode(buf, len, limit, &consumed, &msg, &cause);
	cr_expect_eq(rc, CONTROL_DECODE_ERROR);
	cr_expect_null(msg);
	cr_expect_str_eq(cause ? cause : "(no cause)", expected);
	cJSON_Delete(msg);
	free(cause);
}

static void
assert_decode_error(const uint8_t *buf, size_t len, const char *expected)
{
	assert_decode_error_within(buf, len, CONTROL_MAX_MESSAGE, expected);
}

static void
assert_body_error(const char *body, const char *expected)
{
	size_t len;
	uint8_t *frame = raw_frame(body, &len);

	assert_decode_error(frame, len, expected);
	free(frame);
}

/* Decodes the message at the start of buf, of type type and framed in
 * consumed bytes; returns it (cJSON_Delete it). */
static cJSON *
decode_message(const uint8_t *buf, size_t len, size_t consumed,
	       const char *type)
{
	size_t used = 0;
	cJSON *out = NULL;
	char *cause = NULL;

	cr_assert_eq(control_frame_decode(buf, len, CONTROL_MAX_MESSAGE, &used,
					  &out, &cause),
		     CONTROL_DECODE_MESSAGE, "%s", cause ? cause : "");
	cr_assert_eq(used, consumed);
	cr_assert_str_eq(control_message_type(out), type);
	return out;
}

Test(control, frame_round_trips_a_message)
{
	cJSON *msg = control_message_new("hello"), *out = NULL;
	size_t len = 0;
	char *cause = NULL;
	uint8_t *frame;
	const cJSON *nonce;

	cJSON_AddStringToObject(msg, "nonce", "abc");
	frame = control_frame_encode(msg, &len, &cause);
	cr_assert_not_null(frame);
	cr_assert_eq(len, 4 + strlen("{\"v\":2,\"type\":\"hello\","
				     "\"nonce\":\"abc\"}"));
	cr_assert_eq(frame[0], 0);
	cr_assert_eq(frame[3], len - 4);
	out = decode_message(frame, len, len, "hello");
	nonce = cJSON_GetObjectItemCaseSensitive(out, "nonce");
	cr_assert(cJSON_IsString(nonce));
	cr_assert_str_eq(nonce->valuestring, "abc");
	cJSON_Delete(out);
	cJSON_Delete(msg);
	free(frame);
}

Test(control, message_new_sets_version_and_type)
{
	cJSON *msg = control_message_new("seen");
	char *text = cJSON_PrintUnformatted(msg);

	cr_assert_str_eq(text, "{\"v\":2,\"type\":\"seen\"}");
	cr_assert_str_eq(control_message_type(msg), "seen");
	free(text);
	cJSON_Delete(msg);
}

Test(control, message_type_of_untyped_object_is_empty)
{
	cJSON *msg = cJSON_CreateObject();

	cr_assert_str_eq(control_message_type(msg), "");
	cJSON_Delete(msg);
}

Test(control, every_partial_frame_needs_more)
{
	cJSON *msg = control_message_new("hello"), *out;
	size_t len, i, consumed = 0;
	char *cause = NULL;
	uint8_t *frame = control_frame_encode(msg, &len, &cause);

	for (i = 0; i < len; i++) {
		out = NULL;
		cr_assert_eq(control_frame_decode(frame, i, CONTROL_MAX_MESSAGE,
						  &consumed, &out, &cause),
			     CONTROL_DECODE_NEED_MORE, "prefix of %zu bytes",
			     i);
		cr_assert_null(out);
	}
	cJSON_Delete(msg);
	free(frame);
}

Test(control, oversize_length_is_refused_before_the_body)
{
	static const uint8_t header[4] = {0xff, 0xff, 0xff, 0xff};

	assert_decode_error(header, sizeof header,
			    "control message of 4294967295 bytes refused: "
			    "accepted sizes are 1 to 1048576");
}

Test(control, length_just_over_the_limit_is_refused)
{
	static const uint8_t header[4] = {0x00, 0x10, 0x00, 0x01};

	assert_decode_error(header, sizeof header,
			    "control message of 1048577 bytes refused: "
			    "accepted sizes are 1 to 1048576");
}

Test(control, length_at_the_limit_waits_for_the_body)
{
	static const uint8_t header[4] = {0x00, 0x10, 0x00, 0x00};
	size_t consumed = 0;
	cJSON *msg = NULL;
	char *cause = NULL;

	cr_assert_eq(control_frame_decode(header, sizeof header,
					  CONTROL_MAX_MESSAGE, &consumed, &msg,
					  &cause),
		     CONTROL_DECODE_NEED_MORE);
	cr_assert_null(cause);
}

Test(control, zero_length_is_refused)
{
	static const uint8_t header[4] = {0, 0, 0, 0};

	assert_decode_error(header, sizeof header,
			    "control message of 0 bytes refused: accepted "
			    "sizes are 1 to 1048576");
}

Test(control, bad_json_is_refused)
{
	assert_body_error("{\"v\":2,", "control message is not valid JSON");
}

Test(control, trailing_bytes_in_the_body_are_refused)
{
	assert_body_error("{\"v\":2,\"type\":\"a\"}xyz",
			  "control message has bytes after its JSON object");
}

Test(control, non_object_is_refused)
{
	assert_body_error("[1,2]", "control message is not a JSON object");
	assert_body_error("\"hello\"", "control message is not a JSON object");
}

Test(control, missing_version_is_refused)
{
	assert_body_error("{\"type\":\"hello\"}",
			  "control message has no version field \"v\"");
}

Test(control, string_version_is_refused)
{
	assert_body_error("{\"v\":\"1\",\"type\":\"hello\"}",
			  "control message has no version field \"v\"");
}

Test(control, version_1_is_refused_with_what_to_do)
{
	assert_body_error("{\"v\":1,\"type\":\"hello\"}",
			  "control protocol version 1 is not supported: this "
			  "side speaks version 2 (upgrade nacl-probe and "
			  "nacl-agent together)");
}

Test(control, frames_over_a_lower_limit_are_refused)
{
	static const uint8_t header[4] = {0x00, 0x00, 0x10, 0x01};

	assert_decode_error_within(header, sizeof header, CONTROL_MAX_HELLO,
				   "control message of 4097 bytes refused: "
				   "accepted sizes are 1 to 4096 before "
				   "authentication");
}

Test(control, missing_type_is_refused)
{
	assert_body_error("{\"v\":2}",
			  "control message has no string \"type\"");
	assert_body_error("{\"v\":2,\"type\":7}",
			  "control message has no string \"type\"");
}

Test(control, two_frames_back_to_back_decode_in_turn)
{
	cJSON *a = control_message_new("first"),
	      *b = control_message_new("2nd");
	size_t alen, blen;
	char *cause = NULL;
	uint8_t *fa = control_frame_encode(a, &alen, &cause);
	uint8_t *fb = control_frame_encode(b, &blen, &cause);
	uint8_t *both = malloc(alen + blen);
	cJSON *out = NULL;

	memcpy(both, fa, alen);
	memcpy(both + alen, fb, blen);
	out = decode_message(both, alen + blen, alen, "first");
	cJSON_Delete(out);
	out = decode_message(both + alen, blen, blen, "2nd");
	cJSON_Delete(out);
	cJSON_Delete(a);
	cJSON_Delete(b);
	free(fa);
	free(fb);
	free(both);
}

Test(control, encode_refuses_a_message_over_the_limit)
{
	cJSON *msg = control_message_new("big");
	char *filler = malloc(CONTROL_MAX_MESSAGE + 1), *cause = NULL;
	size_t len = 0;
	uint8_t *frame;
	char expected[128];

	memset(filler, 'x', CONTROL_MAX_MESSAGE);
	filler[CONTROL_MAX_MESSAGE] = '\0';
	cJSON_AddStringToObject(msg, "data", filler);
	frame = control_frame_encode(msg, &len, &cause);
	cr_assert_null(frame);
	snprintf(expected, sizeof expected,
		 "control message of %zu bytes is over the 1048576-byte limit",
		 strlen("{\"v\":2,\"type\":\"big\",\"data\":\"\"}") +
			 (size_t)CONTROL_MAX_MESSAGE);
	cr_assert_str_eq(cause, expected);
	free(cause);
	free(filler);
	cJSON_Delete(msg);
}
