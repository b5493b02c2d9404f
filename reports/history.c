/* Nightly history: each run's report under a timestamped name, latest.json,
 * pruning, and the diff against the previous run. */
/* Names sort by start time: report-20261120T234800Z.json, then _01, _02. */
#include "reports/history.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"
#include "reports/diff.h"
#include "reports/atomic_file.h"
#include "reports/rfc3339.h"

/* Suffixes _01.._99 for runs that started within the same second. */
#define HISTORY_MAX_SUFFIX 99
/* A temporary file older than this was left by a killed run. */
#define HISTORY_STALE_SECONDS 3600

static int
history_mkdir(const char *path, char **cause)
{
	struct stat st;

	if (mkdir(path, 0777) == 0 || errno == EEXIST) {
		if (stat(path, &st) != 0) {
			*cause = xasprintf("cannot use directory '%s': %s",
					   path, strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			*cause = xasprintf("'%s' exists and is not a "
					   "directory",
					   path);
			return -1;
		}
		return 0;
	}
	*cause = xasprintf("cannot create directory '%s': %s", path,
			   strerror(errno));
	return -1;
}

int
history_prepare(const char *dir, char **cause)
{
	char *path = xstrdup(dir), *p;
	int rc = 0;

	/* Each parent in turn, like mkdir -p. */
	for (p = path + 1; *p != '\0' && rc == 0; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		rc = history_mkdir(path, cause);
		*p = '/';
	}
	if (rc == 0)
		rc = history_mkdir(path, cause);
	free(path);
	if (rc == 0 && access(dir, W_OK | X_OK) != 0) {
		*cause = xasprintf("cannot write into directory '%s': %s", dir,
				   strerror(errno));
		rc = -1;
	}
	return rc;
}

/* report-YYYYMMDDTHHMMSSZ.json or report-YYYYMMDDTHHMMSSZ_NN.json */
static bool
history_is_report_name(const char *name)
{
	static const char pattern[] = "report-ddddddddTddddddZ";
	size_t i, n = sizeof pattern - 1;

	for (i = 0; i < n; i++) {
		if (pattern[i] == 'd' ? name[i] < '0' || name[i] > '9'
				      : name[i] != pattern[i])
			return false;
	}
	if (name[n] == '_') {
		if (name[n + 1] < '0' || name[n + 1] > '9' ||
		    name[n + 2] < '0' || name[n + 2] > '9')
			return false;
		n += 3;
	}
	return strcmp(name + n, ".json") == 0;
}

static int
history_filter_reports(const struct dirent *e)
{
	return history_is_report_name(e->d_name);
}

/* Hidden temporary files atomic_file_write_temp made for our own names. */
static int
history_filter_temporary(const struct dirent *e)
{
	static const char report_prefix[] = ".report-";
	static const char latest_prefix[] = "." HISTORY_LATEST ".tmp.";
	const char *name = e->d_name;

	if (strncmp(name, latest_prefix, sizeof latest_prefix - 1) == 0)
		return 1;
	return strncmp(name, report_prefix, sizeof report_prefix - 1) == 0 &&
	       strstr(name, ".json.tmp.") != NULL;
}

/*
 * Writes r's JSON under the run's timestamped name without replacing any
 * file: link() fails when the name is taken, and the next suffix is tried.
 */
static char *
history_write_report(const char *dir, const struct report *r, char **cause)
{
	char stamp[32], *base, *path = NULL, *tmp;
	time_t start;
	struct tm tm;
	int suffix, saved = 0;

	if (rfc3339_parse(r->started_at, &start) != 0)
		start = time(NULL);
	gmtime_r(&start, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	base = xasprintf("%s/report-%s.json", dir, stamp);
	if (atomic_file_write_temp_with(base, "report", report_json_writer, r,
					&tmp, cause) != 0) {
		free(base);
		return NULL;
	}
	for (suffix = 0; suffix <= HISTORY_MAX_SUFFIX; suffix++) {
		path = suffix == 0 ? xstrdup(base)
				   : xasprintf("%s/report-%s_%02d.json", dir,
					       stamp, suffix);
		if (link(tmp, path) == 0)
			break;
		saved = errno;
		free(path);
		path = NULL;
		if (saved != EEXIST)
			break;
	}
	unlink(tmp);
	free(tmp);
	if (path == NULL) {
		*cause = saved == EEXIST
				 ? xasprintf("cannot store report '%s': that "
					     "name and %d more for the same "
					     "second are taken",
					     base, HISTORY_MAX_SUFFIX)
				 : xasprintf("cannot store report '%s': %s",
					     base, strerror(saved));
		free(base);
		return NULL;
	}
	atomic_file_sync_directory(path);
	free(base);
	return path;
}

/* Removes all but the newest keep reports, never stored; returns how many. */
static size_t
history_prune(const char *dir, unsigned keep, const char *stored)
{
	struct dirent **names;
	size_t removed = 0;
	int i, n, left;
	char *path;

	n = scandir(dir, &names, history_filter_reports, alphasort);
	if (n < 0) {
		log_warn("history: cannot list '%s' to prune it: %s", dir,
			 strerror(errno));
		return 0;
	}
	left = n;
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]->d_name);
		if (left > (int)keep && strcmp(path, stored) != 0) {
			if (unlink(path) == 0) {
				removed++;
				left--;
			} else
				log_warn("history: cannot remove '%s': %s",
					 path, strerror(errno));
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return removed;
}

/* Temporary files a killed run left; a running one's are younger. */
static void
history_remove_stale(const char *dir)
{
	struct dirent **names;
	struct stat st;
	time_t now = time(NULL);
	int i, n;
	char *path;

	n = scandir(dir, &names, history_filter_temporary, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    now - st.st_mtime > HISTORY_STALE_SECONDS)
			(void)unlink(path);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* The diff against the previous latest.json, or why there is none. */
static int
history_compare(const char *latest, bool had_previous, struct report *previous,
		const char *why, const struct report *r, FILE *out)
{
	struct report_diff d;
	char *cause = NULL;
	int rc;

	if (!had_previous) {
		if (out != NULL)
			fputs("History: first run here, nothing to compare "
			      "with\n",
			      out);
		return 0;
	}
	if (why != NULL) {
		if (out != NULL)
			fprintf(out,
				"History: not compared with the previous run: "
				"%s\n",
				why);
		return 0;
	}
	if (report_diff_compute(previous, r, &d, &cause) != 0) {
		if (out != NULL)
			fprintf(out,
				"History: not compared with the previous run "
				"(%s): %s\n",
				latest, cause);
		free(cause);
		return 0;
	}
	rc = report_diff_regressed(&d) ? 1 : 0;
	if (out != NULL) {
		fprintf(out, "Changes since the previous run:\n");
		report_diff_write(&d, "previous run", "this run", out);
	}
	report_diff_free(&d);
	return rc;
}

int
history_store(const char *dir_arg, const struct report *r, unsigned keep,
	      FILE *out, char **cause)
{
	struct report previous;
	char *dir = xstrdup(dir_arg), *latest, *stored, *why = NULL;
	size_t len, pruned;
	bool had_previous;
	int rc;

	/* "history/" names its files history/latest.json, not history//... */
	for (len = strlen(dir); len > 1 && dir[len - 1] == '/'; len--)
		dir[len - 1] = '\0';
	if (keep == 0)
		keep = 1;
	if (history_prepare(dir, cause) != 0) {
		free(dir);
		return -1;
	}
	latest = xasprintf("%s/%s", dir, HISTORY_LATEST);
	memset(&previous, 0, sizeof previous);
	had_previous = access(latest, F_OK) == 0;
	if (had_previous && report_read_json(latest, &previous, &why) != 0)
		report_free(&previous);

	stored = history_write_report(dir, r, cause);
	if (stored == NULL ||
	    atomic_file_replace_with(latest, "report", report_json_writer, r,
				     cause) != 0) {
		free(stored);
		free(why);
		report_free(&previous);
		free(latest);
		free(dir);
		return -1;
	}
	pruned = history_prune(dir, keep, stored);
	history_remove_stale(dir);
	if (out != NULL) {
		fprintf(out, "History: stored %s", stored);
		if (pruned > 0)
			fprintf(out, "; removed %zu older %s (--keep %u)",
				pruned, pruned == 1 ? "report" : "reports",
				keep);
		fputc('\n', out);
	}
	rc = history_compare(latest, had_previous, &previous, why, r, out);
	free(stored);
	free(why);
	report_free(&previous);
	free(latest);
	free(dir);
	return rc;
}
