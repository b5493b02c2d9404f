/* Unit tests for reports/json_ranges.c: the checks' ranges lifted out of a
 * report's text, everything else left where it was. */
/* The texts are small reports; what is lifted is compared range by range,
 * what stays byte by byte. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonread.h"
#include "common/xmalloc.h"
#include "reports/json_ranges.h"
#include "reports/report.h"
#include "tests/unit/fixture_report.h"

TestSuite(json_ranges);

/* A report of two checks, as nacl-probe writes it (cJSON_Print). */
static char *
report_text(void)
{
	struct report r;
	cJSON *root;
	char *text;

	fixture_sample_report(&r, "2026-11-20T10:00:00Z", 40100, 40199);
	/* Over the same sports: not &r.checks[0].sports, which adding moves. */
	fixture_add_check(&r, PROTO_TCP, 80, SERVICE_HTTP, "40000-40999");
	memset(r.checks[1].counts, 0, sizeof r.checks[1].counts);
	report_mark_unfinished(&r);
	report_finish(&r);
	root = report_to_json(&r);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	report_free(&r);
	return text;
}

/* Lifts text, expecting success. */
static char *
lift(const char *text, struct json_ranges *lifted)
{
	char *cause = NULL, *out;
	size_t len;

	out = json_ranges_lift(text, strlen(text), "r.json", lifted, &len,
			       &cause);
	cr_assert_not_null(out, "%s", cause ? cause : "");
	cr_assert_eq(strlen(out), len);
	return out;
}

/* "line L, column C" of the byte at offset, as jsonread counts. */
static void
position(const char *text, size_t offset, size_t *line, size_t *column)
{
	size_t i;

	*line = *column = 1;
	for (i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*column = 1;
		} else
			(*column)++;
	}
}

Test(json_ranges, each_checks_ranges_are_lifted_and_blanked)
{
	struct json_ranges lifted;
	char *text = report_text(), *out, *cause = NULL;
	cJSON *root, *ranges;

	out = lift(text, &lifted);
	cr_assert_eq(lifted.nchecks, 2);
	cr_assert(lifted.checks[0].lifted);
	cr_assert_eq(lifted.checks[0].count, 3);
	cr_assert_eq(lifted.checks[0].ranges[0].from, 40000);
	cr_assert_eq(lifted.checks[0].ranges[0].to, 40099);
	cr_assert_eq(lifted.checks[0].ranges[0].status, STATUS_OK);
	cr_assert_eq(lifted.checks[0].ranges[1].from, 40100);
	cr_assert_eq(lifted.checks[0].ranges[1].to, 40199);
	cr_assert_eq(lifted.checks[0].ranges[1].status, STATUS_REPLY_DROPPED);
	cr_assert_eq(lifted.checks[0].ranges[2].to, 40999);
	cr_assert(lifted.checks[1].lifted);
	cr_assert_eq(lifted.checks[1].count, 1);
	cr_assert_eq(lifted.checks[1].ranges[0].status, STATUS_UNFINISHED);
	/* What stays parses; the arrays are empty, lines kept. */
	root = jsonread_text(out, strlen(out), "r.json", "a report", &cause);
	cr_assert_not_null(root, "%s", cause ? cause : "");
	ranges = cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(root, "checks"), 0),
		"ranges");
	cr_assert(cJSON_IsArray(ranges));
	cr_assert_eq(cJSON_GetArraySize(ranges), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(
			     cJSON_GetArrayItem(
				     cJSON_GetObjectItem(root, "checks"), 0),
			     "mismatches")),
		     1, "only ranges are lifted");
	/* Three objects of four newlines each; the last line's four tabs
	 * and brace before the end. */
	cr_assert_not_null(strstr(out, "\"ranges\":\t[\n\n\n\n\n\n\n\n\n\n\n"
				       "\n     ],"));
	cJSON_Delete(root);
	json_ranges_free(&lifted);
	free(out);
	free(text);
}

Test(json_ranges, an_error_after_the_ranges_keeps_its_line_and_column)
{
	struct json_ranges lifted;
	char *text = report_text(), *bad, *out, *cause = NULL, *expected;
	const char *at = strstr(text, "\"summary\"");
	size_t line, column;

	cr_assert_not_null(at);
	bad = xasprintf("%.*s\"summary\" nope %s", (int)(at - text), text,
			at + strlen("\"summary\""));
	position(bad, (size_t)(at - text) + strlen("\"summary\" "), &line,
		 &column);
	out = lift(bad, &lifted);
	cr_assert(lifted.checks[1].lifted);
	cr_assert_null(
		jsonread_text(out, strlen(out), "r.json", "a report", &cause));
	expected = xasprintf("r.json: not valid JSON at line %zu, column %zu",
			     line, column);
	cr_assert_str_eq(cause, expected);
	free(cause);
	cr_assert_null(
		jsonread_text(bad, strlen(bad), "r.json", "a report", &cause));
	cr_assert_str_eq(cause, expected, "cJSON on the whole text agrees");
	free(cause);
	free(expected);
	json_ranges_free(&lifted);
	free(out);
	free(bad);
	free(text);
}

/* text, lifted: the first check's ranges stay in the text as they were. */
static void
assert_stays(const char *text)
{
	struct json_ranges lifted;
	char *out = lift(text, &lifted);

	cr_assert_str_eq(out, text);
	cr_assert(lifted.nchecks == 0 || !lifted.checks[0].lifted, "%s", text);
	json_ranges_free(&lifted);
	free(out);
}

Test(json_ranges, any_other_shape_stays_for_cjson)
{
	static const char *const texts[] = {
		/* another member, a fraction, a leading zero, too large, a
		 * sign, an escaped or unknown status, a key twice, a member
		 * missing, not an object, a trailing comma */
		"{\"checks\":[{\"ranges\":[{\"from\":1,\"to\":2,\"status\":"
		"\"ok\",\"x\":1}]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":1.0,\"to\":2,\"status\":"
		"\"ok\"}]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":01,\"to\":2,\"status\":"
		"\"ok\"}]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":1,\"to\":65536,\"status\":"
		"\"ok\"}]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":-1,\"to\":2,\"status\":"
		"\"ok\"}]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":1,\"to\":2,\"status\":"
		"\"o\\u006b\"}]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":1,\"to\":2,\"status\":"
		"\"fine\"}]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":1,\"from\":2,\"status\":"
		"\"ok\"}]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":1,\"status\":\"ok\"}]}]}",
		"{\"checks\":[{\"ranges\":[7]}]}",
		"{\"checks\":[{\"ranges\":[{\"from\":1,\"to\":2,\"status\":"
		"\"ok\"},]}]}",
	};
	size_t i;

	for (i = 0; i < sizeof texts / sizeof *texts; i++)
		assert_stays(texts[i]);
}

Test(json_ranges, only_the_first_of_a_name_is_lifted_where_cjson_looks)
{
	struct json_ranges lifted;
	char *out;

	/* cJSON reads the first "ranges" of a check, the first "checks". */
	out = lift("{\"checks\":[{\"ranges\":[],\"ranges\":[{\"from\":1,"
		   "\"to\":1,\"status\":\"ok\"}]}],\"checks\":[{\"ranges\":[{"
		   "\"from\":2,\"to\":2,\"status\":\"ok\"}]}]}",
		   &lifted);
	cr_assert_eq(lifted.nchecks, 1);
	cr_assert(lifted.checks[0].lifted);
	cr_assert_eq(lifted.checks[0].count, 0);
	cr_assert_str_eq(out, "{\"checks\":[{\"ranges\":[],\"ranges\":[{"
			      "\"from\":1,\"to\":1,\"status\":\"ok\"}]}],"
			      "\"checks\":[{\"ranges\":[{\"from\":2,\"to\":2,"
			      "\"status\":\"ok\"}]}]}");
	json_ranges_free(&lifted);
	free(out);
	/* A key that may stand for "checks" or "ranges" stops the lifting. */
	assert_stays("{\"check\\u0073\":[],\"checks\":[{\"ranges\":[{\"from\":"
		     "1,\"to\":1,\"status\":\"ok\"}]}]}");
	assert_stays("{\"checks\":[{\"range\\u0073\":[],\"ranges\":[{\"from\":"
		     "1,\"to\":1,\"status\":\"ok\"}]}]}");
	/* Deeper, or under another name: not a check's ranges. */
	assert_stays("{\"other\":{\"checks\":[{\"ranges\":[{\"from\":1,\"to\":"
		     "1,\"status\":\"ok\"}]}]}}");
	assert_stays("{\"checks\":[{\"x\":{\"ranges\":[{\"from\":1,\"to\":1,"
		     "\"status\":\"ok\"}]}}]}");
	assert_stays("{\"checks\":[{\"x\":\"\\\"ranges\\\":[{\\\"from\\\":1,"
		     "\\\"to\\\":1,\\\"status\\\":\\\"ok\\\"}]\"}]}");
}

Test(json_ranges, checks_are_counted_as_cjson_counts_elements)
{
	struct json_ranges lifted;
	char *out;

	out = lift("{\"checks\":[7,\"s\",{\"ranges\":[{\"from\":3,\"to\":4,"
		   "\"status\":\"rejected\"}]}]}",
		   &lifted);
	cr_assert_eq(lifted.nchecks, 3);
	cr_assert_not(lifted.checks[0].lifted);
	cr_assert_not(lifted.checks[1].lifted);
	cr_assert(lifted.checks[2].lifted);
	cr_assert_eq(lifted.checks[2].ranges[0].status, STATUS_REJECTED);
	cr_assert_str_eq(out, "{\"checks\":[7,\"s\",{\"ranges\":["
			      "                                     ]}]}");
	json_ranges_free(&lifted);
	free(out);
}

Test(json_ranges, a_text_cut_inside_the_ranges_stays_whole)
{
	static const char cut[] =
		"{\"checks\":[{\"ranges\":[{\"from\":1,\"to\":1,\"status\":";

	assert_stays(cut);
}

Test(json_ranges, a_nul_byte_is_named_by_its_offset)
{
	static const char text[] = "{\"checks\":[{\"ranges\":[]}]}\0 ";
	struct json_ranges lifted;
	char *cause = NULL;
	size_t len;

	cr_assert_null(json_ranges_lift(text, sizeof text - 1, "r.json",
					&lifted, &len, &cause));
	cr_assert_str_eq(
		cause, "r.json: holds a NUL byte at offset 26: not JSON text");
	free(cause);
	json_ranges_free(&lifted);
}
