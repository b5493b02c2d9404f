/* Unit tests for common/jsonstream.c: the text is cJSON_Print's, exactly. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonstream.h"
#include "common/jsonwrite.h"
#include "common/xmalloc.h"
#include "tests/unit/fixture_report.h"

TestSuite(jsonstream);

/*
 * One document both ways: streamed a member at a time, and built as a tree
 * and printed by cJSON_Print. Every shape cJSON lays out: nested objects,
 * empty ones, arrays of objects, of arrays, of scalars, strings to escape.
 */
Test(jsonstream, writes_what_cjson_print_writes)
{
	struct fixture_text t;
	struct jsonstream js;
	cJSON *root = jsonwrite_need(cJSON_CreateObject()), *a, *o, *inner;
	char *want, *got;

	jsonwrite_string(root, "name", "a \"b\"\n\tc é");
	jsonwrite_object(root, "empty");
	jsonwrite_array(root, "none");
	a = jsonwrite_array(root, "list");
	o = jsonwrite_append_object(a);
	jsonwrite_number(o, "from", 1024);
	jsonwrite_number(o, "loss", 0.0123);
	inner = jsonwrite_array(o, "deep");
	cJSON_AddItemToArray(inner, jsonwrite_need(cJSON_CreateArray()));
	jsonwrite_append_object(inner);
	cJSON_AddItemToArray(a, jsonwrite_need(cJSON_CreateNumber(-3.5)));
	jsonwrite_bool(root, "last", false);
	want = xcheck(cJSON_Print(root));

	jsonstream_init(&js, fixture_text_open(&t));
	jsonstream_object(&js, NULL);
	jsonstream_string(&js, "name", "a \"b\"\n\tc é");
	jsonstream_object(&js, "empty");
	jsonstream_close(&js);
	jsonstream_array(&js, "none");
	jsonstream_close(&js);
	jsonstream_array(&js, "list");
	o = jsonwrite_need(cJSON_CreateObject());
	jsonwrite_number(o, "from", 1024);
	jsonwrite_number(o, "loss", 0.0123);
	inner = jsonwrite_array(o, "deep");
	cJSON_AddItemToArray(inner, jsonwrite_need(cJSON_CreateArray()));
	jsonwrite_append_object(inner);
	jsonstream_item(&js, NULL, o);
	jsonstream_number(&js, NULL, -3.5);
	jsonstream_close(&js);
	jsonstream_bool(&js, "last", false);
	jsonstream_close(&js);
	jsonstream_free(&js);
	got = fixture_text_take(&t);

	cr_assert_str_eq(got, want);
	free(got);
	free(want);
	cJSON_Delete(root);
}

/* Containers opened by the stream nest like items printed whole. */
Test(jsonstream, streamed_and_whole_containers_indent_alike)
{
	struct fixture_text t;
	struct jsonstream js;
	char *got;

	jsonstream_init(&js, fixture_text_open(&t));
	jsonstream_object(&js, NULL);
	jsonstream_array(&js, "checks");
	jsonstream_object(&js, NULL);
	jsonstream_array(&js, "notes");
	jsonstream_string(&js, NULL, "x");
	jsonstream_string(&js, NULL, "y");
	jsonstream_close(&js);
	jsonstream_optional_string(&js, "evidence", NULL);
	jsonstream_number(&js, "port", 53);
	jsonstream_close(&js);
	jsonstream_object(&js, NULL);
	jsonstream_close(&js);
	jsonstream_close(&js);
	jsonstream_close(&js);
	jsonstream_free(&js);
	got = fixture_text_take(&t);
	cr_assert_str_eq(got, "{\n"
			      "\t\"checks\":\t[{\n"
			      "\t\t\t\"notes\":\t[\"x\", \"y\"],\n"
			      "\t\t\t\"port\":\t53\n"
			      "\t\t}, {\n"
			      "\t\t}]\n"
			      "}");
	free(got);
}

/* A value longer than the first print buffer grows it. */
Test(jsonstream, a_long_value_is_written_whole)
{
	struct fixture_text t;
	struct jsonstream js;
	char *got, *want, *big = xmalloc(10001);

	memset(big, 'a', 10000);
	big[10000] = '\0';
	jsonstream_init(&js, fixture_text_open(&t));
	jsonstream_array(&js, NULL);
	jsonstream_string(&js, NULL, big);
	jsonstream_string(&js, NULL, NULL);
	jsonstream_close(&js);
	jsonstream_free(&js);
	got = fixture_text_take(&t);
	want = xasprintf("[\"%s\", \"\"]", big);
	cr_assert_str_eq(got, want);
	free(got);
	free(want);
	free(big);
}
