/* Unit tests for reports/render.c: the format table. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/render.h"
#include "tests/unit/fixture_report.h"

TestSuite(render);

Test(render, the_table_holds_every_format_by_name)
{
	static const char *const names[] = {"text", "json", "junit", "prom",
					    "html"};
	const struct render_format *f;
	size_t i;

	for (i = 0; i < 5; i++) {
		f = render_format_find(names[i]);
		cr_assert_not_null(f, "%s", names[i]);
		cr_assert_str_eq(f->name, names[i]);
	}
	cr_assert_null(render_format_find("pdf"));
	cr_assert_null(render_format_find("HTML"));
	cr_assert_str_eq(render_format_names(),
			 "text, json, junit, prom or html");
}

Test(render, to_string_is_what_the_writer_writes)
{
	const struct render_format *f = render_format_find("prom");
	char *buf = NULL, *text;
	size_t size = 0, len;
	FILE *out = open_memstream(&buf, &size);
	struct report r;

	fixture_sample_report(&r, "2026-11-20T23:48:00Z", 40500, 40999);
	f->write(&r, out);
	fclose(out);
	text = render_to_string(&r, f, &len);
	cr_assert_eq(len, size);
	cr_assert_str_eq(text, buf);
	free(text);
	free(buf);
	report_free(&r);
}
