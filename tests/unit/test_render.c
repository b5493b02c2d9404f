/* Unit tests for reports/render.c: the format table. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/render.h"

TestSuite(render);

static void
sample_report(struct report *r, const char *started_at, uint16_t hole_from,
	      uint16_t hole_to)
{
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	uint8_t statuses[1000];
	size_t i;

	memset(r, 0, sizeof *r);
	r->started_at = xstrdup(started_at);
	r->finished_at = xstrdup(started_at);
	r->probe_bind = xstrdup("198.18.1.1");
	r->target_address = xstrdup("198.18.2.1");
	r->target_agent = true;
	range_list_add(&sports, 40000, 40999);
	c = report_add_check(r, PROTO_UDP, 7000, SERVICE_ECHO, &sports);
	range_list_free(&sports);
	for (i = 0; i < 1000; i++)
		statuses[i] = 40000 + i >= hole_from && 40000 + i <= hole_to
				      ? STATUS_REPLY_DROPPED
				      : STATUS_OK;
	report_check_set_statuses(c, statuses);
	report_finish(r);
}

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

	sample_report(&r, "2026-11-20T23:48:00Z", 40500, 40999);
	f->write(&r, out);
	fclose(out);
	text = render_to_string(&r, f, &len);
	cr_assert_eq(len, size);
	cr_assert_str_eq(text, buf);
	free(text);
	free(buf);
	report_free(&r);
}
