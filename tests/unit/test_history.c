/* Unit tests for reports/history.c: names, latest.json, pruning, the diff
 * against the previous run, and runs killed while writing. */
/* Each test works in its own temporary directory. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "common/xmalloc.h"
#include "reports/history.h"
#include "reports/render.h"
#include "tests/unit/fixture_dir.h"
#include "tests/unit/fixture_report.h"

TestSuite(history);

/* The directory's names, sorted, hidden ones too, joined by spaces. */
static char *
dir_listing(void)
{
	struct dirent **names;
	char *out = xstrdup(""), *next;
	int i, n = scandir(test_dir, &names, NULL, alphasort);

	cr_assert_geq(n, 0);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 &&
		    strcmp(names[i]->d_name, "..") != 0) {
			next = xasprintf("%s%s%s", out, *out ? " " : "",
					 names[i]->d_name);
			free(out);
			out = next;
		}
		free(names[i]);
	}
	free(names);
	return out;
}

static char *
read_file(const char *name)
{
	char *path = xasprintf("%s/%s", test_dir, name), *buf;

	buf = read_all(path);
	free(path);
	return buf;
}

static void
write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", test_dir, name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

/*
 * A report of udp/7000 over sports from-to whose ports are ok, except
 * [hole_from, hole_to] (reply_dropped), and every step-th port when step is
 * not 0 (dropped: makes big, fragmented reports).
 */
static void
make_report(struct report *r, const char *started_at, uint16_t from,
	    uint16_t to, uint16_t hole_from, uint16_t hole_to, unsigned step)
{
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	uint8_t *statuses;
	size_t i, n;

	fixture_report_init(r, started_at, started_at);
	range_list_add(&sports, from, to);
	c = report_add_check(r, PROTO_UDP, 7000, SERVICE_ECHO, &sports);
	range_list_free(&sports);
	n = range_list_size(&c->sports);
	statuses = xmalloc(n);
	for (i = 0; i < n; i++) {
		unsigned p = from + (unsigned)i;

		statuses[i] = p >= hole_from && p <= hole_to
				      ? STATUS_REPLY_DROPPED
			      : step && i % step == 0 ? STATUS_DROPPED
						      : STATUS_OK;
	}
	report_check_set_statuses(c, statuses);
	free(statuses);
	report_finish(r);
}

/* Stores r, expecting rc, and returns what was printed. */
static char *
store(const struct report *r, unsigned keep, int expected_rc)
{
	char *cause = NULL, *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	int rc;

	rc = history_store(test_dir, r, keep, out, &cause);
	fclose(out);
	cr_assert_eq(rc, expected_rc, "history_store: %d: %s", rc,
		     cause ? cause : buf);
	return buf;
}

static void
assert_json_of(const char *name, const struct report *r)
{
	char *text = read_file(name), *expected;
	size_t len;

	expected = render_to_string(r, render_format_find("json"), &len);
	cr_assert_str_eq(text, expected, "%s", name);
	free(expected);
	free(text);
}

Test(history, three_runs_leave_three_reports_and_the_last_as_latest,
     .init = dir_setup, .fini = dir_teardown)
{
	struct report r1, r2, r3;
	char *printed, *listing, *want;

	make_report(&r1, "2026-11-18T23:48:00Z", 40000, 40999, 0, 0, 0);
	make_report(&r2, "2026-11-19T23:48:00Z", 40000, 40999, 40500, 40999, 0);
	make_report(&r3, "2026-11-20T23:48:00Z", 40000, 40999, 0, 0, 0);

	printed = store(&r1, 30, 0);
	want = xasprintf("History: stored %s/report-20261118T234800Z.json\n"
			 "History: first run here, nothing to compare with\n",
			 test_dir);
	cr_assert_str_eq(printed, want);
	free(want);
	free(printed);

	printed = store(&r2, 30, 1);
	want = xasprintf(
		"History: stored %s/report-20261119T234800Z.json\n"
		"Changes since the previous run:\n"
		"--- previous run  2026-11-18T23:48:00Z  198.18.1.1 -> "
		"198.18.2.1  pass\n"
		"+++ this run  2026-11-19T23:48:00Z  198.18.1.1 -> 198.18.2.1  "
		"FAIL\n"
		"udp/7000 echo  sports 40000-40999: pass -> FAIL, 1 range "
		"changed\n"
		"  40500-40999  ok -> reply_dropped (500 ports): newly not ok\n"
		"    hits Linux clients (1.8%% of their range), Linux (legacy) "
		"1.8%%, NAT gateway/ELB 0.8%%\n"
		"Summary: 1 check compared: 500 ports newly not ok, 0 fixed, 0 "
		"changed status: REGRESSION\n",
		test_dir);
	cr_assert_str_eq(printed, want);
	free(want);
	free(printed);

	printed = store(&r3, 30, 0);
	cr_assert_not_null(strstr(printed, "  40500-40999  reply_dropped -> ok "
					   "(500 ports): fixed\n"));
	cr_assert_not_null(strstr(printed, ": no regression\n"));
	free(printed);

	listing = dir_listing();
	cr_assert_str_eq(listing, "latest.json report-20261118T234800Z.json "
				  "report-20261119T234800Z.json "
				  "report-20261120T234800Z.json");
	free(listing);
	assert_json_of("latest.json", &r3);
	assert_json_of("report-20261118T234800Z.json", &r1);
	assert_json_of("report-20261119T234800Z.json", &r2);
	assert_json_of("report-20261120T234800Z.json", &r3);
	report_free(&r1);
	report_free(&r2);
	report_free(&r3);
}

Test(history, a_trailing_slash_is_not_doubled, .init = dir_setup,
     .fini = dir_teardown)
{
	char *dir = xasprintf("%s//", test_dir), *cause = NULL, *buf = NULL;
	char *want;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	struct report r;

	make_report(&r, "2026-11-20T23:48:00Z", 40000, 40009, 0, 0, 0);
	cr_assert_eq(history_store(dir, &r, 30, out, &cause), 0);
	fclose(out);
	want = xasprintf("History: stored %s/report-20261120T234800Z.json\n",
			 test_dir);
	cr_assert_eq(strncmp(buf, want, strlen(want)), 0, "%s", buf);
	free(want);
	free(buf);
	free(dir);
	report_free(&r);
}

Test(history, runs_in_the_same_second_get_sortable_suffixes, .init = dir_setup,
     .fini = dir_teardown)
{
	struct report r;
	char *listing;
	int i;

	make_report(&r, "2026-11-20T23:48:00.5Z", 40000, 40009, 0, 0, 0);
	for (i = 0; i < 3; i++)
		free(store(&r, 30, 0));
	listing = dir_listing();
	cr_assert_str_eq(listing, "latest.json report-20261120T234800Z.json "
				  "report-20261120T234800Z_01.json "
				  "report-20261120T234800Z_02.json");
	free(listing);
	report_free(&r);
}

Test(history, keep_removes_the_oldest_reports_only, .init = dir_setup,
     .fini = dir_teardown)
{
	static const char *const days[] = {
		"2026-11-17T23:48:00Z", "2026-11-18T23:48:00Z",
		"2026-11-19T23:48:00Z", "2026-11-20T23:48:00Z"};
	struct report r;
	char *printed = NULL, *listing, *want;
	size_t i;

	write_file("notes.txt", "mine\n");
	write_file("report-latest.json", "{}\n");
	for (i = 0; i < 4; i++) {
		free(printed);
		make_report(&r, days[i], 40000, 40009, 0, 0, 0);
		printed = store(&r, 2, 0);
		report_free(&r);
	}
	want = xasprintf("History: stored %s/report-20261120T234800Z.json; "
			 "removed 1 older report (--keep 2)\n",
			 test_dir);
	cr_assert_eq(strncmp(printed, want, strlen(want)), 0, "%s", printed);
	free(want);
	free(printed);
	listing = dir_listing();
	cr_assert_str_eq(listing,
			 "latest.json notes.txt report-20261119T234800Z.json "
			 "report-20261120T234800Z.json report-latest.json");
	free(listing);
}

Test(history, the_report_just_stored_is_never_pruned, .init = dir_setup,
     .fini = dir_teardown)
{
	struct report newer, older;
	char *listing;

	/* The clock went back: the new run sorts first. */
	make_report(&newer, "2026-11-20T23:48:00Z", 40000, 40009, 0, 0, 0);
	make_report(&older, "2026-11-18T23:48:00Z", 40000, 40009, 0, 0, 0);
	free(store(&newer, 1, 0));
	free(store(&older, 1, 0));
	listing = dir_listing();
	cr_assert_str_eq(listing, "latest.json report-20261118T234800Z.json");
	free(listing);
	assert_json_of("latest.json", &older);
	report_free(&newer);
	report_free(&older);
}

Test(history, an_unreadable_latest_is_replaced_without_a_diff,
     .init = dir_setup, .fini = dir_teardown)
{
	struct report r;
	char *printed, *want;

	write_file("latest.json", "{\"half\": [1, 2");
	make_report(&r, "2026-11-20T23:48:00Z", 40000, 40009, 0, 0, 0);
	printed = store(&r, 30, 0);
	want = xasprintf("History: stored %s/report-20261120T234800Z.json\n"
			 "History: not compared with the previous run: "
			 "%s/latest.json: not valid JSON at line 1, column "
			 "15\n",
			 test_dir, test_dir);
	cr_assert_str_eq(printed, want);
	assert_json_of("latest.json", &r);
	free(want);
	free(printed);
	report_free(&r);
}

Test(history, a_previous_run_of_other_ports_is_not_compared, .init = dir_setup,
     .fini = dir_teardown)
{
	struct report before, now;
	char *printed, *want;

	make_report(&before, "2026-11-19T23:48:00Z", 40000, 40009, 0, 0, 0);
	make_report(&now, "2026-11-20T23:48:00Z", 40000, 40019, 40010, 40019,
		    0);
	free(store(&before, 30, 0));
	printed = store(&now, 30, 0);
	want = xasprintf("History: stored %s/report-20261120T234800Z.json\n"
			 "History: not compared with the previous run "
			 "(%s/latest.json): udp/7000 to 198.18.2.1 swept "
			 "other source ports: 40000-40009 in the old report, "
			 "40000-40019 in the new one; compare reports of the "
			 "same sweep\n",
			 test_dir, test_dir);
	cr_assert_str_eq(printed, want);
	free(want);
	free(printed);
	report_free(&before);
	report_free(&now);
}

Test(history, stale_temporary_files_of_killed_runs_are_removed,
     .init = dir_setup, .fini = dir_teardown)
{
	struct utimbuf old = {.actime = time(NULL) - 7200,
			      .modtime = time(NULL) - 7200};
	struct report r;
	char *path, *listing;

	write_file(".latest.json.tmp.AAAAAA", "{");
	write_file(".report-20261119T234800Z.json.tmp.BBBBBB", "{");
	write_file(".latest.json.tmp.CCCCCC", "{");
	write_file(".other.tmp.DDDDDD", "{");
	path = xasprintf("%s/.latest.json.tmp.AAAAAA", test_dir);
	cr_assert_eq(utime(path, &old), 0);
	free(path);
	path = xasprintf("%s/.report-20261119T234800Z.json.tmp.BBBBBB",
			 test_dir);
	cr_assert_eq(utime(path, &old), 0);
	free(path);
	path = xasprintf("%s/.other.tmp.DDDDDD", test_dir);
	cr_assert_eq(utime(path, &old), 0);
	free(path);
	make_report(&r, "2026-11-20T23:48:00Z", 40000, 40009, 0, 0, 0);
	free(store(&r, 30, 0));
	/* A young one may belong to a run in progress; others are not ours. */
	listing = dir_listing();
	cr_assert_str_eq(listing, ".latest.json.tmp.CCCCCC .other.tmp.DDDDDD "
				  "latest.json report-20261120T234800Z.json");
	free(listing);
	report_free(&r);
}

Test(history, missing_parents_are_created_and_files_refused, .init = dir_setup,
     .fini = dir_teardown)
{
	char *dir = xasprintf("%s/x", test_dir), *deep, *cause = NULL, *want;
	struct stat st;

	deep = xasprintf("%s/x/y//z/", test_dir);
	cr_assert_eq(history_prepare(deep, &cause), 0, "%s",
		     cause ? cause : "");
	cr_assert_eq(stat(deep, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	free(deep);
	deep = xasprintf("%s/x/y/z", test_dir);
	rmdir(deep);
	free(deep);
	deep = xasprintf("%s/x/y", test_dir);
	rmdir(deep);
	free(deep);
	rmdir(dir);
	write_file("x", "a file\n");
	deep = xasprintf("%s/x/y", test_dir);
	cr_assert_eq(history_prepare(deep, &cause), -1);
	want = xasprintf("'%s' exists and is not a directory", dir);
	cr_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(deep);
	free(dir);
}

static bool
equals_one_of(const char *text, char *const *texts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(text, texts[i]) == 0)
			return true;
	return false;
}

/*
 * Waits (at most 5 s) until a file whose name holds needle is created or
 * written in the watched directory: the child is then writing it.
 */
static bool
wait_for_write(int fd, const char *needle)
{
	char buf[4096]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	const struct inotify_event *ev;
	ssize_t n;
	char *p;

	while (poll(&pfd, 1, 5000) == 1) {
		n = read(fd, buf, sizeof buf);
		for (p = buf; n > 0 && p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->len > 0 && strstr(ev->name, needle) != NULL)
				return true;
		}
	}
	return false;
}

/*
 * A child stores big reports in a loop and is killed (SIGKILL): a third of
 * the time while it writes latest.json, a third while it writes the
 * timestamped report, a third at a random moment. latest.json, and every
 * report-*.json, must always be one whole report that was stored.
 */
Test(history, runs_killed_mid_write_never_leave_half_a_report,
     .init = dir_setup, .fini = dir_teardown, .timeout = 120)
{
	enum { NREPORTS = 3, NKILLS = 24 };
	static const char *const starts[NREPORTS] = {"2026-11-18T23:48:00Z",
						     "2026-11-19T23:48:00Z",
						     "2026-11-20T23:48:00Z"};
	struct report reports[NREPORTS], back;
	char *texts[NREPORTS], *text, *cause = NULL, *latest;
	struct dirent **names;
	size_t i, len, temporaries = 0, mid_write = 0;
	int k, n, status, watch;
	pid_t pid;

	/* Fragmented reports of about a MB: writing them takes a while. */
	for (i = 0; i < NREPORTS; i++) {
		make_report(&reports[i], starts[i], 32768, 60999, 0, 0,
			    (unsigned)(2 + i));
		texts[i] = render_to_string(&reports[i],
					    render_format_find("json"), &len);
	}
	free(store(&reports[0], 5, 0));
	watch = inotify_init1(IN_CLOEXEC);
	cr_assert_geq(watch, 0);
	cr_assert_geq(inotify_add_watch(watch, test_dir, IN_CREATE | IN_MODIFY),
		      0);
	srand((unsigned)getpid());
	for (k = 0; k < NKILLS; k++) {
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			close(watch);
			for (i = 0;; i++)
				(void)history_store(test_dir,
						    &reports[i % NREPORTS], 5,
						    NULL, &cause);
		}
		if (k % 3 != 2 &&
		    wait_for_write(watch,
				   k % 3 ? ".report-" : HISTORY_LATEST)) {
			mid_write++;
			usleep((useconds_t)(rand() % 500));
		} else
			usleep((useconds_t)(rand() % 200000));
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFSIGNALED(status));
		text = read_file("latest.json");
		cr_assert(equals_one_of(text, texts, NREPORTS),
			  "latest.json is not a whole report after kill %d "
			  "(%zu bytes)",
			  k, strlen(text));
		free(text);
		/* Drop the events of this child's later files. */
		while (fcntl(watch, F_SETFL, O_NONBLOCK) == 0 &&
		       read(watch, (char[4096]){0}, 4096) > 0)
			;
		fcntl(watch, F_SETFL, 0);
	}
	close(watch);
	cr_assert_eq(mid_write, NKILLS / 3 * 2);
	latest = xasprintf("%s/latest.json", test_dir);
	cr_assert_eq(report_read_json(latest, &back, &cause), 0, "%s",
		     cause ? cause : "");
	free(latest);
	report_free(&back);
	n = scandir(test_dir, &names, NULL, alphasort);
	cr_assert_geq(n, 0);
	for (k = 0; k < n; k++) {
		if (strncmp(names[k]->d_name, "report-", 7) == 0) {
			text = read_file(names[k]->d_name);
			cr_assert(equals_one_of(text, texts, NREPORTS), "%s",
				  names[k]->d_name);
			free(text);
		} else if (names[k]->d_name[0] == '.' &&
			   strstr(names[k]->d_name, ".tmp.") != NULL)
			temporaries++;
		free(names[k]);
	}
	free(names);
	/* Each is a write a kill cut short; young ones are kept. */
	cr_assert_gt(temporaries, 0);
	cr_log_info("%zu of %d kills left a temporary file behind", temporaries,
		    NKILLS);
	for (i = 0; i < NREPORTS; i++) {
		free(texts[i]);
		report_free(&reports[i]);
	}
}
