/* Reading members of a received JSON object, each checked against its type. */
/* Pure functions over cJSON trees: the control decoders and the fuzz target
 * share them. */
#include "common/jsonget.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/auth.h"
#include "common/xmalloc.h"

/* Sets *cause to "'WHAT' member \"NAME\" must be " and the accepted
 * text fmt formats. Returns -1. */
static int __attribute__((format(printf, 4, 5)))
json_get_refuse(char **cause, const char *what, const char *name,
		const char *fmt, ...)
{
	va_list ap;
	char *accepted;

	va_start(ap, fmt);
	accepted = xvasprintf(fmt, ap);
	va_end(ap);
	*cause = xasprintf("'%s' member \"%s\" must be %s", what, name,
			   accepted);
	free(accepted);
	return -1;
}

int
json_get_uint(const cJSON *obj, const char *what, const char *name,
	      uint64_t max, uint64_t *out, char **cause)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!cJSON_IsNumber(n) || !(n->valuedouble >= 0) ||
	    n->valuedouble > (double)max ||
	    n->valuedouble != (double)(uint64_t)n->valuedouble)
		return json_get_refuse(cause, what, name,
				       "a whole number from 0 to %llu",
				       (unsigned long long)max);
	*out = (uint64_t)n->valuedouble;
	return 0;
}

int
json_get_string(const cJSON *obj, const char *what, const char *name, char *out,
		size_t size, char **cause)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!cJSON_IsString(s) || strlen(s->valuestring) >= size)
		return json_get_refuse(cause, what, name,
				       "a string of at most %zu bytes",
				       size - 1);
	memcpy(out, s->valuestring, strlen(s->valuestring) + 1);
	return 0;
}

int
json_get_bool(const cJSON *obj, const char *what, const char *name, bool *out,
	      char **cause)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!cJSON_IsBool(b))
		return json_get_refuse(cause, what, name, "true or false");
	*out = cJSON_IsTrue(b);
	return 0;
}

int
json_get_hex(const cJSON *obj, const char *what, const char *name, uint8_t *out,
	     size_t len, char **cause)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!cJSON_IsString(s) || auth_unhex(s->valuestring, out, len) != 0)
		return json_get_refuse(cause, what, name, "%zu hex digits",
				       len * 2);
	return 0;
}

const cJSON *
json_get_typed(const cJSON *obj, const char *what, const char *name, int type,
	       const char *accepted, char **cause)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (m == NULL || (m->type & 0xff) != type) {
		json_get_refuse(cause, what, name, "%s", accepted);
		return NULL;
	}
	return m;
}
