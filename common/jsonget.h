/* Reading members of a received JSON object, each checked against its type. */
/* Errors name the message, the member and what is accepted. */
#ifndef NACL_JSONGET_H
#define NACL_JSONGET_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Each returns 0, or -1 with *cause (malloc'd) such as "'opened' member
 * \"max_seen\" must be a whole number from 0 to 16777216". what names the
 * message.
 */
/* A whole number from 0 to max (at most 2^53). */
int json_get_uint(const cJSON *obj, const char *what, const char *name,
		  uint64_t max, uint64_t *out, char **cause);
/* A string of at most size - 1 bytes, copied into out. */
int json_get_string(const cJSON *obj, const char *what, const char *name,
		    char *out, size_t size, char **cause);
int json_get_bool(const cJSON *obj, const char *what, const char *name,
		  bool *out, char **cause);
/* Exactly len bytes as 2 * len hex digits. */
int json_get_hex(const cJSON *obj, const char *what, const char *name,
		 uint8_t *out, size_t len, char **cause);
/* The member, which must be present and of type (cJSON_Array, ...). */
const cJSON *json_get_typed(const cJSON *obj, const char *what,
			    const char *name, int type, const char *accepted,
			    char **cause);

#endif
