/* Unit tests for reports/outputs.c: the checks before a run and
 * report_write_outputs, the one call nacl-probe makes after it. */
/* Each file test works in its own temporary directory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xmalloc.h"
#include "reports/outputs.h"
#include "reports/render.h"
#include "tests/unit/fixture_dir.h"
#include "tests/unit/fixture_report.h"

TestSuite(outputs);

Test(outputs, outputs_check_refuses_two_outputs_on_stdout)
{
	struct report_outputs o = {.json = "-", .html = "-"};
	char *cause = NULL;

	cr_assert_eq(report_outputs_check(&o, &cause), -1);
	cr_assert_str_eq(cause, "--json - and --html -: only one output can go "
				"to standard output");
	free(cause);
	o.html = "";
	cr_assert_eq(report_outputs_check(&o, &cause), -1);
	cr_assert_str_eq(cause, "--html: empty file name: give a path, or - "
				"for standard output");
	free(cause);
	o.html = "page.html";
	cr_assert_eq(report_outputs_check(&o, &cause), 0);
}

Test(outputs, outputs_check_prepares_the_history_directory, .init = dir_setup,
     .fini = dir_teardown)
{
	char *dir = xasprintf("%s/a/b/history", test_dir), *cause = NULL;
	char *file = xasprintf("%s/file", test_dir), *want;
	struct report_outputs o = {.history = dir};
	struct stat st;
	FILE *f;

	cr_assert_eq(report_outputs_check(&o, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
	o.history = file;
	cr_assert_eq(report_outputs_check(&o, &cause), -1);
	want = xasprintf("--history: '%s' exists and is not a directory", file);
	cr_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(file);
	free(dir);
}

Test(outputs, write_outputs_writes_every_format_atomically, .init = dir_setup,
     .fini = dir_teardown)
{
	static const char *const formats[] = {"json", "junit", "prom", "html"};
	char *paths[4], *cause = NULL, *back, *expected;
	struct report_outputs o = {0};
	struct report r;
	size_t i, len;

	fixture_sample_report(&r, "2026-11-20T23:48:00Z", 40500, 40999);
	for (i = 0; i < 4; i++)
		paths[i] = xasprintf("%s/out.%s", test_dir, formats[i]);
	o.json = paths[0];
	o.junit = paths[1];
	o.prom = paths[2];
	o.html = paths[3];
	cr_assert_eq(report_write_outputs(&r, &o, NULL, &cause), 0, "%s",
		     cause ? cause : "");
	for (i = 0; i < 4; i++) {
		back = read_all(paths[i]);
		expected = render_to_string(&r, render_format_find(formats[i]),
					    &len);
		cr_assert_str_eq(back, expected, "%s", paths[i]);
		free(back);
		free(expected);
		free(paths[i]);
	}
	cr_assert_eq(dir_entries(test_dir), 4);
	report_free(&r);
}

Test(outputs, a_failed_output_does_not_stop_the_others, .init = dir_setup,
     .fini = dir_teardown)
{
	char *prom = xasprintf("%s/m.prom", test_dir), *cause = NULL, *want;
	struct report_outputs o = {
		.junit = "/nonexistent-nacl-dir/j.xml",
		.prom = prom,
		.html = "/nonexistent-nacl-dir/h.html",
	};
	struct report r;
	struct stat st;

	fixture_sample_report(&r, "2026-11-20T23:48:00Z", 0, 0);
	cr_assert_eq(report_write_outputs(&r, &o, NULL, &cause), -1);
	want = xstrdup("--junit: cannot write JUnit report "
		       "'/nonexistent-nacl-dir/j.xml': creating a temporary "
		       "file beside it: No such file or directory; --html: "
		       "cannot write HTML report '/nonexistent-nacl-dir/"
		       "h.html': creating a temporary file beside it: No such "
		       "file or directory");
	cr_assert_str_eq(cause, want);
	cr_assert_eq(stat(prom, &st), 0);
	free(want);
	free(cause);
	free(prom);
	report_free(&r);
}

Test(outputs, write_outputs_returns_one_on_a_history_regression,
     .init = dir_setup, .fini = dir_teardown)
{
	struct report_outputs o = {.history = test_dir, .keep = 5};
	struct report clean, broken;
	char *cause = NULL, *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	fixture_sample_report(&clean, "2026-11-19T23:48:00Z", 0, 0);
	fixture_sample_report(&broken, "2026-11-20T23:48:00Z", 40500, 40999);
	cr_assert_eq(report_write_outputs(&clean, &o, out, &cause), 0);
	cr_assert_eq(report_write_outputs(&broken, &o, out, &cause), 1);
	cr_assert_eq(report_write_outputs(&clean, &o, out, &cause), 0);
	fclose(out);
	cr_assert_eq(dir_entries(test_dir), 3 + 1);
	cr_assert_not_null(strstr(buf, "  40500-40999  ok -> reply_dropped "
				       "(500 ports): newly not ok\n"));
	cr_assert_not_null(strstr(buf, "  40500-40999  reply_dropped -> ok "
				       "(500 ports): fixed\n"));
	free(buf);
	report_free(&clean);
	report_free(&broken);
}

Test(outputs, check_tries_every_file_before_the_run, .init = dir_setup,
     .fini = dir_teardown)
{
	char *ok = xasprintf("%s/r.json", test_dir), *cause = NULL, *want;
	struct report_outputs o = {.json = ok,
				   .prom = "/nonexistent-nacl-dir/m.prom"};

	cr_assert_eq(report_outputs_check(&o, &cause), -1);
	cr_assert_str_eq(cause, "--prom: cannot write metrics "
				"'/nonexistent-nacl-dir/m.prom': creating a "
				"temporary file beside it: No such file or "
				"directory");
	free(cause);
	/* Nothing is left behind by the try. */
	cr_assert_eq(dir_entries(test_dir), 0);
	o.prom = NULL;
	o.events = "/nonexistent-nacl-dir/e.jsonl";
	cr_assert_eq(report_outputs_check(&o, &cause), -1);
	cr_assert_str_eq(cause, "--events: cannot write events file "
				"'/nonexistent-nacl-dir/e.jsonl': creating a "
				"temporary file beside it: No such file or "
				"directory");
	free(cause);
	o.events = "-";
	o.json = "-";
	cr_assert_eq(report_outputs_check(&o, &cause), -1);
	cr_assert_str_eq(cause, "--json - and --events -: only one output "
				"can go to standard output");
	free(cause);
	o.json = test_dir;
	o.events = NULL;
	cr_assert_eq(report_outputs_check(&o, &cause), -1);
	want = xasprintf("--json %s: is a directory: give a file name",
			 test_dir);
	cr_assert_str_eq(cause, want);
	free(want);
	free(cause);
	o.json = ok;
	cr_assert_eq(report_outputs_check(&o, &cause), 0);
	cr_assert_eq(dir_entries(test_dir), 0);
	free(ok);
}

Test(outputs, events_on_stdout_take_it)
{
	struct report_outputs o = {.events = "-"};

	cr_assert(report_outputs_use_stdout(&o));
	o.events = "e.jsonl";
	cr_assert_not(report_outputs_use_stdout(&o));
}
