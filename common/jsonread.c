/* Reading JSON documents: typed getters that name a bad value by its path. */
/* Scenarios, NACL exports, Terraform plans and CloudFormation templates
 * share these, so that their errors read alike. */
#include "common/jsonread.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileread.h"
#include "common/text.h"
#include "common/xmalloc.h"

const char *
jsonread_join(struct jsonread_at *buf, const char *parent, const char *name)
{
	snprintf(buf->text, sizeof buf->text, "%s%s%s", parent,
		 *parent && *name && *name != '[' ? "." : "", name);
	return buf->text;
}

const char *
jsonread_index(struct jsonread_at *buf, const char *parent, size_t index)
{
	snprintf(buf->text, sizeof buf->text, "%s[%zu]", parent, index);
	return buf->text;
}

/* What jsonread_type calls a value of each kind cJSON tells apart. */
static const struct {
	cJSON_bool (*test)(const cJSON *);
	const char *name;
} jsonread_types[] = {
	{cJSON_IsNumber, "a number"}, {cJSON_IsString, "a string"},
	{cJSON_IsBool, "a boolean"},  {cJSON_IsNull, "null"},
	{cJSON_IsArray, "an array"},  {cJSON_IsObject, "an object"},
};

const char *
jsonread_type(const cJSON *item)
{
	size_t i;

	for (i = 0; i < sizeof jsonread_types / sizeof *jsonread_types; i++)
		if (jsonread_types[i].test(item))
			return jsonread_types[i].name;
	return "an invalid value";
}

int
jsonread_fail(char **cause, const char *at, const char *fmt, ...)
{
	va_list ap;
	char *message;

	va_start(ap, fmt);
	message = xvasprintf(fmt, ap);
	va_end(ap);
	if (*at == '\0') {
		*cause = message;
		return -1;
	}
	*cause = xasprintf("%s: %s", at, message);
	free(message);
	return -1;
}

void
jsonread_fail_in(char **cause, const char *name, char *inner)
{
	*cause = xasprintf("%s: %s", name, inner);
	free(inner);
}

int
jsonread_expect(const cJSON *item, const char *at,
		cJSON_bool (*test)(const cJSON *), const char *what,
		char **cause)
{
	if (test(item))
		return 0;
	return jsonread_fail(cause, at, "expected %s, found %s", what,
			     jsonread_type(item));
}

int
jsonread_member(const cJSON *obj, const char *at, const char *name,
		cJSON_bool (*test)(const cJSON *), const char *what,
		bool required, const cJSON **out, char **cause)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
	struct jsonread_at where;

	*out = NULL;
	jsonread_join(&where, at, name);
	if (item == NULL) {
		if (!required)
			return 0;
		if (what == NULL)
			return jsonread_fail(cause, where.text, "missing");
		return jsonread_fail(cause, where.text, "missing (expected %s)",
				     what);
	}
	if (jsonread_expect(item, where.text, test, what, cause) != 0)
		return -1;
	*out = item;
	return 0;
}

int
jsonread_array(struct jsonread_array *a, const cJSON *obj, const char *at,
	       const char *name, const char *what, bool required, char **cause)
{
	memset(a, 0, sizeof *a);
	a->list_len = strlen(jsonread_join(&a->at, at, name));
	return jsonread_member(obj, at, name, cJSON_IsArray, what, required,
			       &a->list, cause);
}

bool
jsonread_array_next(struct jsonread_array *a)
{
	if (a->list == NULL)
		return false;
	if (a->item == NULL) {
		a->item = a->list->child;
		a->index = 0;
	} else {
		a->item = a->item->next;
		a->index++;
	}
	if (a->item == NULL) {
		a->list = NULL; /* walked: stays at the end */
		return false;
	}
	/* Past JSONREAD_AT_MAX the path is cut short, as jsonread_index's. */
	snprintf(a->at.text + a->list_len, sizeof a->at.text - a->list_len,
		 "[%zu]", a->index);
	return true;
}

int
jsonread_string(const cJSON *obj, const char *at, const char *name,
		const char *what, bool required, const char **out, char **cause)
{
	const cJSON *item;

	*out = NULL;
	if (jsonread_member(obj, at, name, cJSON_IsString, what, required,
			    &item, cause) != 0)
		return -1;
	if (item != NULL)
		*out = item->valuestring;
	return 0;
}

int
jsonread_bool(const cJSON *obj, const char *at, const char *name,
	      const char *what, bool required, bool *present, bool *out,
	      char **cause)
{
	const cJSON *item;

	if (present != NULL)
		*present = false;
	if (jsonread_member(obj, at, name, cJSON_IsBool, what, required, &item,
			    cause) != 0)
		return -1;
	if (item == NULL)
		return 0;
	if (present != NULL)
		*present = true;
	*out = cJSON_IsTrue(item);
	return 0;
}

int
jsonread_integer_value(const cJSON *item, const char *at, long long min,
		       long long max, long long *out, char **cause)
{
	double v;

	if (!cJSON_IsNumber(item))
		return jsonread_fail(cause, at,
				     "expected an integer from %lld to %lld, "
				     "found %s",
				     min, max, jsonread_type(item));
	v = item->valuedouble;
	/* NaN fails every comparison; the cast is safe once in range. */
	if (!(v >= (double)min && v <= (double)max) ||
	    v != (double)(long long)v)
		return jsonread_fail(cause, at,
				     "expected an integer from %lld to %lld, "
				     "found %g",
				     min, max, v);
	*out = (long long)v;
	return 0;
}

int
jsonread_find(const cJSON *obj, const char *at, const char *name, bool required,
	      bool *present, struct jsonread_at *where, const cJSON **item,
	      char **cause, const char *fmt, ...)
{
	char *expected;
	va_list ap;

	*item = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (present != NULL)
		*present = *item != NULL;
	jsonread_join(where, at, name);
	if (*item != NULL)
		return 1;
	if (!required)
		return 0;
	va_start(ap, fmt);
	expected = xvasprintf(fmt, ap);
	va_end(ap);
	jsonread_fail(cause, where->text, "missing (expected %s)", expected);
	free(expected);
	return -1;
}

int
jsonread_integer(const cJSON *obj, const char *at, const char *name,
		 long long min, long long max, bool required, bool *present,
		 long long *out, char **cause)
{
	const cJSON *item;
	struct jsonread_at where;
	int found =
		jsonread_find(obj, at, name, required, present, &where, &item,
			      cause, "an integer from %lld to %lld", min, max);

	if (found <= 0)
		return found;
	return jsonread_integer_value(item, where.text, min, max, out, cause);
}

int
jsonread_number(const cJSON *obj, const char *at, const char *name, double min,
		double max, bool required, bool *present, double *out,
		char **cause)
{
	const cJSON *item;
	struct jsonread_at where;
	double v;
	int found =
		jsonread_find(obj, at, name, required, present, &where, &item,
			      cause, "a number from %g to %g", min, max);

	if (found <= 0)
		return found;
	if (!cJSON_IsNumber(item))
		return jsonread_fail(cause, where.text,
				     "expected a number from %g to %g, found "
				     "%s",
				     min, max, jsonread_type(item));
	v = item->valuedouble;
	/* NaN fails every comparison. */
	if (!(v >= min && v <= max))
		return jsonread_fail(cause, where.text,
				     "expected a number from %g to %g, found "
				     "%g",
				     min, max, v);
	*out = v;
	return 0;
}

/* Keys are quoted back in paths: printable, and no longer than this. */
#define JSONREAD_KEY_SHOW_MAX 60

int
jsonread_keys(const cJSON *obj, const char *at, const char *const *keys,
	      const char *accepted, char **cause)
{
	const cJSON *item, *earlier;
	struct jsonread_at where;
	char *shown;
	size_t i;

	cJSON_ArrayForEach(item, obj)
	{
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(item->string, keys[i]) == 0)
				break;
		shown = text_printable(item->string, JSONREAD_KEY_SHOW_MAX);
		jsonread_join(&where, at, shown);
		free(shown);
		if (keys[i] == NULL)
			return jsonread_fail(cause, where.text,
					     "unknown key; accepted are %s",
					     accepted);
		for (earlier = obj->child; earlier != item;
		     earlier = earlier->next)
			if (strcmp(earlier->string, item->string) == 0)
				return jsonread_fail(cause, where.text,
						     "given twice");
	}
	return 0;
}

/* "line 3, column 7" for the byte at offset in text. */
static void
jsonread_position(const char *text, size_t offset, char *buf, size_t size)
{
	size_t i, line = 1, column = 1;

	for (i = 0; i < offset && text[i] != '\0'; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else
			column++;
	}
	snprintf(buf, size, "line %zu, column %zu", line, column);
}

cJSON *
jsonread_text(const char *text, size_t len, const char *name,
	      const char *expected, char **cause)
{
	const char *end = NULL;
	char where[64];
	cJSON *root;

	if (len == 0) {
		*cause = xasprintf("%s: empty file, expected %s", name,
				   expected);
		return NULL;
	}
	if (strlen(text) != len) {
		jsonread_refuse_nul(name, strlen(text), cause);
		return NULL;
	}
	/* The NUL counts, so that trailing garbage is refused. */
	root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (root == NULL) {
		jsonread_position(text, end ? (size_t)(end - text) : 0, where,
				  sizeof where);
		*cause = xasprintf("%s: not valid JSON at %s", name, where);
	}
	return root;
}

int
jsonread_refuse_nul(const char *name, size_t offset, char **cause)
{
	*cause = xasprintf("%s: holds a NUL byte at offset %zu: not JSON text",
			   name, offset);
	return -1;
}

cJSON *
jsonread_file(const char *path, size_t max, const char *what,
	      const char *expected, char **cause)
{
	size_t len;
	char *text = file_read_all(path, max, what, &len, cause);
	cJSON *root;

	if (text == NULL)
		return NULL;
	root = jsonread_text(text, len, file_display_name(path), expected,
			     cause);
	free(text);
	return root;
}
