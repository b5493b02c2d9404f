/* Unit tests for common/jsonread and common/fileread: paths, typed getters,
 * key checks, text and file errors, word for word. */
/* Every reader of the tree words its errors through these. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileread.h"
#include "common/jsonread.h"
#include "common/text.h"
#include "common/xmalloc.h"
#include "tests/unit/fixture_text.h"

TestSuite(jsonread);

static cJSON *
parse(const char *text)
{
	cJSON *root = cJSON_Parse(text);

	cr_assert_not_null(root, "test JSON does not parse: %s", text);
	return root;
}

static void
assert_cause(char *cause, const char *expected)
{
	cr_assert_not_null(cause);
	cr_assert_str_eq(cause, expected);
	free(cause);
}

Test(jsonread, join_builds_member_and_index_paths)
{
	struct jsonread_at at;

	cr_assert_str_eq(jsonread_join(&at, "", "checks"), "checks");
	cr_assert_str_eq(jsonread_join(&at, "checks[0]", "port"),
			 "checks[0].port");
	cr_assert_str_eq(jsonread_join(&at, "checks", "[2]"), "checks[2]");
	cr_assert_str_eq(jsonread_join(&at, "checks[0]", ""), "checks[0]");
	cr_assert_str_eq(jsonread_index(&at, "a.b", 12), "a.b[12]");
}

Test(jsonread, join_truncates_a_path_too_long_for_its_buffer)
{
	struct jsonread_at at;
	char *long_name = xmalloc(400);

	memset(long_name, 'x', 399);
	long_name[399] = '\0';
	jsonread_join(&at, "p", long_name);
	cr_assert_eq(strlen(at.text), JSONREAD_AT_MAX - 1);
	free(long_name);
}

Test(jsonread, type_names_every_json_type)
{
	cJSON *root = parse("[1, \"s\", true, null, [], {}]");

	cr_assert_str_eq(jsonread_type(cJSON_GetArrayItem(root, 0)),
			 "a number");
	cr_assert_str_eq(jsonread_type(cJSON_GetArrayItem(root, 1)),
			 "a string");
	cr_assert_str_eq(jsonread_type(cJSON_GetArrayItem(root, 2)),
			 "a boolean");
	cr_assert_str_eq(jsonread_type(cJSON_GetArrayItem(root, 3)), "null");
	cr_assert_str_eq(jsonread_type(cJSON_GetArrayItem(root, 4)),
			 "an array");
	cr_assert_str_eq(jsonread_type(cJSON_GetArrayItem(root, 5)),
			 "an object");
	cJSON_Delete(root);
}

Test(jsonread, text_printable_replaces_control_bytes_and_cuts_long_text)
{
	char *s = text_printable("a\tb\x7f\xc3\xa9", 40);

	cr_assert_str_eq(s, "a?b???");
	free(s);
	s = text_printable("abcdef", 3);
	cr_assert_str_eq(s, "abc...");
	free(s);
}

Test(jsonread, fail_prefixes_the_path_unless_at_the_root)
{
	char *cause = NULL;

	cr_assert_eq(jsonread_fail(&cause, "a.b", "bad %d", 7), -1);
	assert_cause(cause, "a.b: bad 7");
	cr_assert_eq(jsonread_fail(&cause, "", "bad %s", "root"), -1);
	assert_cause(cause, "bad root");
}

Test(jsonread, member_names_missing_and_wrong_type)
{
	cJSON *root = parse("{\"o\": {\"s\": 5}}");
	const cJSON *o = cJSON_GetObjectItem(root, "o"), *item;
	char *cause = NULL;

	cr_assert_eq(jsonread_member(o, "o", "x", cJSON_IsString, "a string",
				     false, &item, &cause),
		     0);
	cr_assert_null(item);
	cr_assert_eq(jsonread_member(o, "o", "x", cJSON_IsString,
				     "a string: a name", true, &item, &cause),
		     -1);
	assert_cause(cause, "o.x: missing (expected a string: a name)");
	cr_assert_eq(jsonread_member(o, "o", "x", cJSON_IsString, NULL, true,
				     &item, &cause),
		     -1);
	assert_cause(cause, "o.x: missing");
	cr_assert_eq(jsonread_member(o, "o", "s", cJSON_IsString, "a string",
				     true, &item, &cause),
		     -1);
	assert_cause(cause, "o.s: expected a string, found a number");
	cr_assert_eq(jsonread_member(root, "", "o", cJSON_IsObject, "an object",
				     true, &item, &cause),
		     0);
	cr_assert_eq(item, o);
	cJSON_Delete(root);
}

Test(jsonread, string_and_bool_getters)
{
	cJSON *root = parse("{\"s\": \"v\", \"b\": false, \"n\": null}");
	const char *s = "unset";
	bool present = true, b = true;
	char *cause = NULL;

	cr_assert_eq(
		jsonread_string(root, "", "s", "a string", true, &s, &cause),
		0);
	cr_assert_str_eq(s, "v");
	cr_assert_eq(
		jsonread_string(root, "", "t", "a string", false, &s, &cause),
		0);
	cr_assert_null(s);
	cr_assert_eq(jsonread_string(root, "", "n", "a string or nothing",
				     false, &s, &cause),
		     -1);
	assert_cause(cause, "n: expected a string or nothing, found null");
	cr_assert_eq(jsonread_bool(root, "", "b", "true or false", true,
				   &present, &b, &cause),
		     0);
	cr_assert(present);
	cr_assert(!b);
	cr_assert_eq(jsonread_bool(root, "", "c", "true or false", false,
				   &present, &b, &cause),
		     0);
	cr_assert(!present);
	cr_assert_eq(jsonread_bool(root, "", "s", "true or false", false, NULL,
				   &b, &cause),
		     -1);
	assert_cause(cause, "s: expected true or false, found a string");
	cJSON_Delete(root);
}

Test(jsonread, integer_names_range_type_and_fraction)
{
	cJSON *root = parse("{\"p\": 80, \"big\": 70000, \"half\": 1.5, "
			    "\"s\": \"80\", \"neg\": -1}");
	long long v = 0;
	bool present = false;
	char *cause = NULL;

	cr_assert_eq(jsonread_integer(root, "c", "p", 1, 65535, true, &present,
				      &v, &cause),
		     0);
	cr_assert(present);
	cr_assert_eq(v, 80);
	cr_assert_eq(jsonread_integer(root, "c", "neg", -1, 255, true, NULL, &v,
				      &cause),
		     0);
	cr_assert_eq(v, -1);
	cr_assert_eq(jsonread_integer(root, "c", "big", 1, 65535, true, NULL,
				      &v, &cause),
		     -1);
	assert_cause(cause,
		     "c.big: expected an integer from 1 to 65535, found 70000");
	cr_assert_eq(jsonread_integer(root, "c", "half", 1, 65535, true, NULL,
				      &v, &cause),
		     -1);
	assert_cause(cause,
		     "c.half: expected an integer from 1 to 65535, found 1.5");
	cr_assert_eq(jsonread_integer(root, "c", "s", 1, 65535, true, NULL, &v,
				      &cause),
		     -1);
	assert_cause(cause, "c.s: expected an integer from 1 to 65535, found "
			    "a string");
	cr_assert_eq(jsonread_integer(root, "c", "x", 1, 65535, true, NULL, &v,
				      &cause),
		     -1);
	assert_cause(cause,
		     "c.x: missing (expected an integer from 1 to 65535)");
	cr_assert_eq(jsonread_integer(root, "c", "x", 1, 65535, false, &present,
				      &v, &cause),
		     0);
	cr_assert(!present);
	cJSON_Delete(root);
}

Test(jsonread, integer_refuses_nan_and_infinity)
{
	cJSON *n = cJSON_CreateNumber(0.0 / 0.0);
	cJSON *inf = cJSON_CreateNumber(1e308 * 10);
	long long v;
	char *cause = NULL;

	cr_assert_eq(jsonread_integer_value(n, "x", 0, 10, &v, &cause), -1);
	cr_assert_not_null(strstr(cause, "x: expected an integer from 0 to "
					 "10, found "));
	free(cause);
	cr_assert_eq(jsonread_integer_value(inf, "x", 0, 10, &v, &cause), -1);
	free(cause);
	cJSON_Delete(n);
	cJSON_Delete(inf);
}

Test(jsonread, number_takes_fractions_and_names_its_range)
{
	cJSON *root = parse("{\"loss\": 0.25, \"big\": 1.5, \"s\": \"x\"}");
	bool present = false;
	char *cause = NULL;
	double v = 0;

	cr_assert_eq(jsonread_number(root, "c", "loss", 0, 1, true, &present,
				     &v, &cause),
		     0);
	cr_assert(present);
	cr_assert_float_eq(v, 0.25, 1e-12);
	cr_assert_eq(
		jsonread_number(root, "c", "big", 0, 1, true, NULL, &v, &cause),
		-1);
	assert_cause(cause, "c.big: expected a number from 0 to 1, found 1.5");
	cr_assert_eq(
		jsonread_number(root, "c", "s", 0, 1e9, true, NULL, &v, &cause),
		-1);
	assert_cause(cause,
		     "c.s: expected a number from 0 to 1e+09, found a string");
	cr_assert_eq(
		jsonread_number(root, "", "x", 0, 1, true, NULL, &v, &cause),
		-1);
	assert_cause(cause, "x: missing (expected a number from 0 to 1)");
	cr_assert_eq(jsonread_number(root, "", "x", 0, 1, false, &present, &v,
				     &cause),
		     0);
	cr_assert(!present);
	cr_assert_float_eq(v, 0.25, 1e-12, "*out was changed");
	cJSON_Delete(root);
}

Test(jsonread, keys_refuses_unknown_and_repeated_keys)
{
	static const char *const keys[] = {"a", "b", NULL};
	cJSON *ok = parse("{\"a\": 1, \"b\": 2}");
	cJSON *unknown = parse("{\"a\": 1, \"c\\u0001\": 2}");
	cJSON *twice = parse("{\"a\": 1, \"b\": 2, \"a\": 3}");
	char *cause = NULL;

	cr_assert_eq(jsonread_keys(ok, "t", keys, "a and b", &cause), 0);
	cr_assert_eq(jsonread_keys(unknown, "t", keys, "a and b", &cause), -1);
	assert_cause(cause, "t.c?: unknown key; accepted are a and b");
	cr_assert_eq(jsonread_keys(twice, "", keys, "a and b", &cause), -1);
	assert_cause(cause, "a: given twice");
	cJSON_Delete(ok);
	cJSON_Delete(unknown);
	cJSON_Delete(twice);
}

Test(jsonread, text_errors_name_file_and_position)
{
	static const char bad[] = "{\n  \"a\": [,]\n}";
	static const char nul[] = "{}\0x";
	static const char garbage[] = "{} x";
	char *cause = NULL;
	cJSON *root;

	cr_assert_null(jsonread_text("", 0, "f.json", "a plan", &cause));
	assert_cause(cause, "f.json: empty file, expected a plan");
	cr_assert_null(
		jsonread_text(bad, strlen(bad), "f.json", "a plan", &cause));
	assert_cause(cause, "f.json: not valid JSON at line 2, column 9");
	cr_assert_null(jsonread_text(nul, 4, "f.json", "a plan", &cause));
	assert_cause(cause,
		     "f.json: holds a NUL byte at offset 2: not JSON text");
	cr_assert_null(jsonread_text(garbage, strlen(garbage), "f.json",
				     "a plan", &cause));
	assert_cause(cause, "f.json: not valid JSON at line 1, column 4");
	root = jsonread_text("[1]", 3, "f.json", "a plan", &cause);
	cr_assert_not_null(root);
	cJSON_Delete(root);
}

Test(jsonread, file_reader_bounds_and_names_the_file)
{
	char *path = fixture_write_temp("[1, 2, 3]", 9), *cause = NULL, *text,
	     *expected;
	size_t len = 99;
	cJSON *root;

	text = file_read_all(path, 9, "a plan", &len, &cause);
	cr_assert_not_null(text);
	cr_assert_eq(len, 9);
	cr_assert_str_eq(text, "[1, 2, 3]");
	free(text);
	cr_assert_null(file_read_all(path, 8, "a plan", &len, &cause));
	expected = xasprintf("%s: larger than 8 bytes: not a plan", path);
	assert_cause(cause, expected);
	free(expected);
	root = jsonread_file(path, 1 << 20, "x", "a plan", &cause);
	cr_assert_not_null(root);
	cr_assert_eq(cJSON_GetArraySize(root), 3);
	cJSON_Delete(root);
	unlink(path);
	free(path);
	cr_assert_null(file_read_all("/nonexistent/p.json", 100, "a plan", &len,
				     &cause));
	assert_cause(cause, "/nonexistent/p.json: cannot open: No such file "
			    "or directory");
	cr_assert_null(file_read_all("/", 100, "a plan", &len, &cause));
	assert_cause(cause, "/: cannot read: Is a directory");
	cr_assert_str_eq(file_display_name("-"), "standard input");
	root = jsonread_file("/nonexistent/p.json", 100, "x", "y", &cause);
	cr_assert_null(root);
	free(cause);
}

/* What file_read_chunks hands on: the pieces, kept in order. */
struct chunks {
	char text[64];
	size_t len, calls;
	size_t fail_at; /* the call that refuses, 0 none */
};

static int
chunks_take(void *arg, const char *data, size_t len, char **cause)
{
	struct chunks *c = arg;

	if (++c->calls == c->fail_at) {
		*cause = xstrdup("refused");
		return -1;
	}
	cr_assert_leq(c->len + len, sizeof c->text);
	memcpy(c->text + c->len, data, len);
	c->len += len;
	return 0;
}

Test(jsonread, chunked_reader_hands_on_the_file_and_stops_when_told)
{
	char *path = fixture_write_temp("[1, 2, 3]", 9), *cause = NULL,
	     *expected;
	struct chunks c;

	memset(&c, 0, sizeof c);
	cr_assert_eq(
		file_read_chunks(path, 9, "a plan", chunks_take, &c, &cause),
		0);
	cr_assert_eq(c.len, 9);
	cr_assert_eq(memcmp(c.text, "[1, 2, 3]", 9), 0);
	memset(&c, 0, sizeof c);
	c.fail_at = 1;
	cr_assert_eq(
		file_read_chunks(path, 9, "a plan", chunks_take, &c, &cause),
		-1);
	assert_cause(cause, "refused");
	memset(&c, 0, sizeof c);
	cr_assert_eq(
		file_read_chunks(path, 8, "a plan", chunks_take, &c, &cause),
		-1);
	expected = xasprintf("%s: larger than 8 bytes: not a plan", path);
	assert_cause(cause, expected);
	free(expected);
	cr_assert_eq(c.calls, 0, "a piece past the limit was handed on");
	unlink(path);
	free(path);
}

Test(jsonread, file_reader_says_mib_for_a_whole_number_of_them)
{
	size_t size = (1 << 20) + 1, len;
	char *big = xmalloc(size), *path, *cause = NULL, *expected;

	memset(big, ' ', size);
	path = fixture_write_temp(big, size);
	cr_assert_null(
		file_read_all(path, 1 << 20, "a NACL export", &len, &cause));
	expected = xasprintf("%s: larger than 1 MiB: not a NACL export", path);
	assert_cause(cause, expected);
	free(expected);
	unlink(path);
	free(path);
	free(big);
}

Test(jsonread, file_that_is_not_json_names_the_position)
{
	char *path = fixture_write_temp("x", 1), *cause = NULL, *expected;

	cr_assert_null(jsonread_file(path, 1 << 20, "a plan",
				     "the JSON of terraform show -json",
				     &cause));
	expected = xasprintf("%s: not valid JSON at line 1, column 1", path);
	assert_cause(cause, expected);
	free(expected);
	unlink(path);
	free(path);
}
