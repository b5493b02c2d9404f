/* Building JSON documents with cJSON: adders that never return NULL. */
/* cJSON returns NULL only when out of memory; like xmalloc, that is fatal. */
#ifndef NACL_JSONWRITE_H
#define NACL_JSONWRITE_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/* item itself; dies when cJSON ran out of memory (NULL). */
cJSON *jsonwrite_need(cJSON *item);
/* obj.name = value, or null when value is NULL. */
void jsonwrite_string(cJSON *obj, const char *name, const char *value);
/* obj.name = value when value is set; no member when it is NULL. */
void jsonwrite_optional_string(cJSON *obj, const char *name, const char *value);
void jsonwrite_number(cJSON *obj, const char *name, double value);
void jsonwrite_bool(cJSON *obj, const char *name, bool value);
/* A new empty object or array as obj.name; returned, owned by obj. */
cJSON *jsonwrite_object(cJSON *obj, const char *name);
cJSON *jsonwrite_array(cJSON *obj, const char *name);
/* A new empty object appended to array; returned, owned by array. */
cJSON *jsonwrite_append_object(cJSON *array);

#endif
