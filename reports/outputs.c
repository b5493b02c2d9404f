/* What nacl-probe writes after a run: every output file and the history. */
/* Checked before the first probe, written once at the end, even a failed one.
 */
#include "reports/outputs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "reports/atomic_file.h"
#include "reports/history.h"
#include "reports/render.h"

struct outputs_file {
	const char *option;
	const char *path;
	const char *format; /* a name of the render table; NULL: not ours */
	const char *what;
};

static size_t
outputs_list(const struct report_outputs *o, struct outputs_file *list)
{
	const struct outputs_file all[] = {
		{"--json", o->json, "json", "report"},
		{"--junit", o->junit, "junit", "JUnit report"},
		{"--prom", o->prom, "prom", "metrics"},
		{"--html", o->html, "html", "HTML report"},
		{"--events", o->events, NULL, "events file"},
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof all / sizeof *all; i++)
		if (all[i].path != NULL)
			list[n++] = all[i];
	return n;
}

/* Makes and removes a temporary file beside f's path: what writing it takes. */
static int
outputs_try_file(const struct outputs_file *f, char **cause)
{
	struct stat st;
	char *tmp, *inner;

	if (stat(f->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*cause = xasprintf("%s %s: is a directory: give a file name",
				   f->option, f->path);
		return -1;
	}
	if (atomic_file_write_temp(f->path, f->what, "", 0, &tmp, &inner) !=
	    0) {
		*cause = xasprintf("%s: %s", f->option, inner);
		free(inner);
		return -1;
	}
	unlink(tmp);
	free(tmp);
	return 0;
}

bool
report_outputs_use_stdout(const struct report_outputs *o)
{
	struct outputs_file list[5];
	size_t i, n = outputs_list(o, list);

	for (i = 0; i < n; i++)
		if (strcmp(list[i].path, "-") == 0)
			return true;
	return false;
}

int
report_outputs_check(const struct report_outputs *o, char **cause)
{
	struct outputs_file list[5];
	const char *on_stdout = NULL;
	size_t i, n = outputs_list(o, list);

	for (i = 0; i < n; i++) {
		if (*list[i].path == '\0') {
			*cause = xasprintf("%s: empty file name: give a path, "
					   "or - for standard output",
					   list[i].option);
			return -1;
		}
		if (strcmp(list[i].path, "-") != 0) {
			if (outputs_try_file(&list[i], cause) != 0)
				return -1;
			continue;
		}
		if (on_stdout != NULL) {
			*cause = xasprintf("%s - and %s -: only one output "
					   "can go to standard output",
					   on_stdout, list[i].option);
			return -1;
		}
		on_stdout = list[i].option;
	}
	if (o->history == NULL)
		return 0;
	if (*o->history == '\0') {
		*cause = xstrdup("--history: empty directory name");
		return -1;
	}
	if (history_prepare(o->history, cause) != 0) {
		char *inner = *cause;

		*cause = xasprintf("--history: %s", inner);
		free(inner);
		return -1;
	}
	return 0;
}

static void
outputs_add_cause(char **all, const char *option, char *cause)
{
	char *next = *all == NULL
			     ? xasprintf("%s: %s", option, cause)
			     : xasprintf("%s; %s: %s", *all, option, cause);

	free(*all);
	free(cause);
	*all = next;
}

int
report_write_outputs(const struct report *r, const struct report_outputs *o,
		     FILE *out, char **cause)
{
	struct outputs_file list[5];
	size_t i, n = outputs_list(o, list);
	char *failed = NULL, *inner = NULL;
	int rc = 0, stored;

	for (i = 0; i < n; i++) {
		if (list[i].format == NULL)
			continue;
		if (strcmp(list[i].path, "-") == 0) {
			render_format_find(list[i].format)->write(r, stdout);
			if (fflush(stdout) != 0 || ferror(stdout))
				outputs_add_cause(
					&failed, list[i].option,
					xasprintf("cannot write to standard "
						  "output: %s",
						  strerror(errno)));
			continue;
		}
		if (render_to_file(r, render_format_find(list[i].format),
				   list[i].path, list[i].what, &inner) != 0)
			outputs_add_cause(&failed, list[i].option, inner);
	}
	if (o->history != NULL) {
		stored = history_store(o->history, r,
				       o->keep ? o->keep : HISTORY_DEFAULT_KEEP,
				       out, &inner);
		if (stored < 0)
			outputs_add_cause(&failed, "--history", inner);
		else
			rc = stored;
	}
	if (failed != NULL) {
		*cause = failed;
		return -1;
	}
	return rc;
}
