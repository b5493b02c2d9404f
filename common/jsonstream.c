/* Writing a JSON document to a FILE a member at a time, as cJSON_Print would.
 */
/*
 * cJSON_Print's layout (cJSON 1.7): an object is "{\n", each member on its
 * own line indented by one tab per level as "name":<TAB>value, members
 * separated by ",\n", then "\n", one tab fewer, "}"; an array is "[", its
 * elements separated by ", ", "]", and it counts as a level too. Strings
 * never hold a raw newline (cJSON escapes it), so a value printed alone at
 * level 0 is indented to level d by adding d tabs after each newline.
 */
#include "common/jsonstream.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonwrite.h"
#include "common/xmalloc.h"

void
jsonstream_init(struct jsonstream *js, FILE *out)
{
	memset(js, 0, sizeof *js);
	js->out = out;
}

void
jsonstream_free(struct jsonstream *js)
{
	free(js->buf);
	js->buf = NULL;
	js->size = 0;
}

/* What goes before a member or element: its separator, indent and name. */
static void
jsonstream_begin(struct jsonstream *js, const char *name)
{
	int i;

	if (js->depth == 0)
		return;
	if (js->array[js->depth - 1]) {
		if (!js->empty[js->depth - 1])
			fputs(", ", js->out);
	} else {
		if (!js->empty[js->depth - 1])
			fputs(",\n", js->out);
		for (i = 0; i < js->depth; i++)
			fputc('\t', js->out);
		fprintf(js->out, "\"%s\":\t", name);
	}
	js->empty[js->depth - 1] = false;
}

static void
jsonstream_open(struct jsonstream *js, const char *name, bool array)
{
	/* A caller's bug: documents written here have a fixed shape. */
	assert(js->depth < JSONSTREAM_MAX_DEPTH);
	jsonstream_begin(js, name);
	fputs(array ? "[" : "{\n", js->out);
	js->array[js->depth] = array;
	js->empty[js->depth] = true;
	js->depth++;
}

void
jsonstream_object(struct jsonstream *js, const char *name)
{
	jsonstream_open(js, name, false);
}

void
jsonstream_array(struct jsonstream *js, const char *name)
{
	jsonstream_open(js, name, true);
}

void
jsonstream_close(struct jsonstream *js)
{
	int i;

	assert(js->depth > 0);
	js->depth--;
	if (js->array[js->depth]) {
		fputc(']', js->out);
		return;
	}
	if (!js->empty[js->depth])
		fputc('\n', js->out);
	for (i = 0; i < js->depth; i++)
		fputc('\t', js->out);
	fputc('}', js->out);
}

void
jsonstream_item(struct jsonstream *js, const char *name, cJSON *item)
{
	const char *p, *end;
	int i;

	jsonwrite_need(item);
	if (js->size == 0) {
		js->size = 256;
		js->buf = xmalloc(js->size);
	}
	/* cJSON wants 5 bytes beyond the text; it says false when short. */
	while (!cJSON_PrintPreallocated(item, js->buf, (int)js->size - 5,
					true)) {
		js->size *= 2;
		js->buf = xreallocarray(js->buf, js->size, 1);
	}
	cJSON_Delete(item);
	jsonstream_begin(js, name);
	for (p = js->buf; (end = strchr(p, '\n')) != NULL; p = end + 1) {
		fwrite(p, 1, (size_t)(end - p) + 1, js->out);
		for (i = 0; i < js->depth; i++)
			fputc('\t', js->out);
	}
	fputs(p, js->out);
}

void
jsonstream_number(struct jsonstream *js, const char *name, double value)
{
	jsonstream_item(js, name, cJSON_CreateNumber(value));
}

void
jsonstream_string(struct jsonstream *js, const char *name, const char *value)
{
	jsonstream_item(js, name, cJSON_CreateString(value ? value : ""));
}

void
jsonstream_bool(struct jsonstream *js, const char *name, bool value)
{
	jsonstream_item(js, name, cJSON_CreateBool(value));
}

void
jsonstream_optional_string(struct jsonstream *js, const char *name,
			   const char *value)
{
	if (value != NULL)
		jsonstream_string(js, name, value);
}
