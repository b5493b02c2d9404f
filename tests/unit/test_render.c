/* Unit tests for reports/render.c: formats, RFC 3339 times, atomic files,
 * and report_write_outputs, the one call nacl-probe makes. */
/* Each file test works in its own temporary directory. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "reports/render.h"

TestSuite(render);

static char test_dir[64];

static void
remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char *child;

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		child = xasprintf("%s/%s", path, e->d_name);
		remove_tree(child);
		free(child);
	}
	closedir(d);
	rmdir(path);
}

static void
dir_setup(void)
{
	snprintf(test_dir, sizeof test_dir, "/tmp/nacl-render-test-XXXXXX");
	cr_assert_not_null(mkdtemp(test_dir));
}

static void
dir_teardown(void)
{
	remove_tree(test_dir);
}

static size_t
dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	int ch;

	cr_assert_not_null(f, "cannot open %s", path);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, out);
	fclose(f);
	fclose(out);
	return buf;
}

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

Test(render, format_names_parse_both_ways)
{
	static const char *const names[] = {"text", "json", "junit", "prom",
					    "html"};
	enum render_format f;
	size_t i;

	for (i = 0; i < 5; i++) {
		cr_assert_eq(render_format_parse(names[i], &f), 0);
		cr_assert_eq((size_t)f, i);
		cr_assert_str_eq(render_format_name(f), names[i]);
	}
	cr_assert_eq(render_format_parse("pdf", &f), -1);
	cr_assert_eq(render_format_parse("HTML", &f), -1);
}

Test(render, rfc3339_times_parse_with_fractions_and_offsets)
{
	time_t t;

	cr_assert_eq(render_parse_time("2026-11-20T23:48:00Z", &t), 0);
	cr_assert_eq(t, 1795218480);
	cr_assert_eq(render_parse_time("2026-11-20t23:48:00.123456z", &t), 0);
	cr_assert_eq(t, 1795218480);
	cr_assert_eq(render_parse_time("2026-11-21T01:48:00+02:00", &t), 0);
	cr_assert_eq(t, 1795218480);
	cr_assert_eq(render_parse_time("2026-11-20T20:18:00-03:30", &t), 0);
	cr_assert_eq(t, 1795218480);
}

Test(render, malformed_times_are_refused)
{
	static const char *const bad[] = {
		"",
		"2026-11-20",
		"2026-11-20T23:48:00",
		"2026-11-20 23:48:00Z",
		"2026-13-20T23:48:00Z",
		"2026-11-20T24:00:00Z",
		"2026-11-20T23:48:00Zjunk",
		"2026-11-20T23:48:00.Z",
		"2026-11-20T23:48:00+0200",
		"soon",
	};
	time_t t;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_assert_eq(render_parse_time(bad[i], &t), -1, "%s", bad[i]);
	cr_assert_eq(render_parse_time(NULL, &t), -1);
}

Test(render, replace_file_writes_whole_file_with_umask_mode, .init = dir_setup,
     .fini = dir_teardown)
{
	char *path = xasprintf("%s/out.prom", test_dir), *cause = NULL, *back;
	mode_t old = umask(027);
	struct stat st;

	cr_assert_eq(render_replace_file(path, "metrics", "old\n", 4, &cause),
		     0);
	cr_assert_eq(render_replace_file(path, "metrics", "new\n", 4, &cause),
		     0);
	umask(old);
	back = read_all(path);
	cr_assert_str_eq(back, "new\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640);
	cr_assert_eq(dir_entries(test_dir), 1, "a temporary file was left");
	free(back);
	free(path);
}

Test(render, replace_file_errors_name_the_file_and_step, .init = dir_setup,
     .fini = dir_teardown)
{
	char *path = xasprintf("%s/sub", test_dir), *cause = NULL, *want;

	cr_assert_eq(render_replace_file("/nonexistent-nacl-dir/m.prom",
					 "metrics", "x", 1, &cause),
		     -1);
	cr_assert_str_eq(cause, "cannot write metrics "
				"'/nonexistent-nacl-dir/m.prom': creating a "
				"temporary file beside it: No such file or "
				"directory");
	free(cause);
	/* A directory in the way: the rename fails, the temporary goes. */
	cr_assert_eq(mkdir(path, 0755), 0);
	cr_assert_eq(render_replace_file(path, "HTML report", "x", 1, &cause),
		     -1);
	want = xasprintf("cannot write HTML report '%s': renaming the "
			 "temporary file into place: Is a directory",
			 path);
	cr_assert_str_eq(cause, want);
	cr_assert_eq(dir_entries(test_dir), 1);
	free(want);
	free(cause);
	free(path);
}

Test(render, outputs_check_refuses_two_outputs_on_stdout)
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

Test(render, outputs_check_prepares_the_history_directory, .init = dir_setup,
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

Test(render, write_outputs_writes_every_format_atomically, .init = dir_setup,
     .fini = dir_teardown)
{
	static const enum render_format formats[] = {RENDER_JSON, RENDER_JUNIT,
						     RENDER_PROM, RENDER_HTML};
	char *paths[4], *cause = NULL, *back, *expected;
	struct report_outputs o = {0};
	struct report r;
	size_t i, len;

	sample_report(&r, "2026-11-20T23:48:00Z", 40500, 40999);
	for (i = 0; i < 4; i++)
		paths[i] = xasprintf("%s/out.%s", test_dir,
				     render_format_name(formats[i]));
	o.json = paths[0];
	o.junit = paths[1];
	o.prom = paths[2];
	o.html = paths[3];
	cr_assert_eq(report_write_outputs(&r, &o, NULL, &cause), 0, "%s",
		     cause ? cause : "");
	for (i = 0; i < 4; i++) {
		back = read_all(paths[i]);
		expected = render_to_string(&r, formats[i], &len);
		cr_assert_str_eq(back, expected, "%s", paths[i]);
		free(back);
		free(expected);
		free(paths[i]);
	}
	cr_assert_eq(dir_entries(test_dir), 4);
	report_free(&r);
}

Test(render, a_failed_output_does_not_stop_the_others, .init = dir_setup,
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

	sample_report(&r, "2026-11-20T23:48:00Z", 0, 0);
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

Test(render, write_outputs_returns_one_on_a_history_regression,
     .init = dir_setup, .fini = dir_teardown)
{
	struct report_outputs o = {.history = test_dir, .keep = 5};
	struct report clean, broken;
	char *cause = NULL, *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	sample_report(&clean, "2026-11-19T23:48:00Z", 0, 0);
	sample_report(&broken, "2026-11-20T23:48:00Z", 40500, 40999);
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
