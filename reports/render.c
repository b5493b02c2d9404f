/* Every output format behind one call, and the atomic file write they share. */
/* A reader (node_exporter, a browser, a CI job) never sees half a file. */
#include "reports/render.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "reports/history.h"

static const char *const render_format_names[] = {
	[RENDER_TEXT] = "text",	  [RENDER_JSON] = "json",
	[RENDER_JUNIT] = "junit", [RENDER_PROM] = "prom",
	[RENDER_HTML] = "html",
};

#define RENDER_NFORMATS                                                        \
	(sizeof render_format_names / sizeof *render_format_names)

int
render_format_parse(const char *name, enum render_format *format)
{
	size_t i;

	for (i = 0; i < RENDER_NFORMATS; i++) {
		if (strcmp(name, render_format_names[i]) == 0) {
			*format = (enum render_format)i;
			return 0;
		}
	}
	return -1;
}

const char *
render_format_name(enum render_format format)
{
	return (size_t)format < RENDER_NFORMATS ? render_format_names[format]
						: "?";
}

static void
render_write_json(const struct report *r, FILE *out)
{
	cJSON *root = report_to_json(r);
	char *text = xcheck(cJSON_Print(root));

	cJSON_Delete(root);
	fputs(text, out);
	fputc('\n', out);
	free(text);
}

void
render_write(const struct report *r, enum render_format format, FILE *out)
{
	switch (format) {
	case RENDER_TEXT:
		report_write_text(r, out);
		break;
	case RENDER_JSON:
		render_write_json(r, out);
		break;
	case RENDER_JUNIT:
		report_write_junit(r, out);
		break;
	case RENDER_PROM:
		report_write_prom(r, out);
		break;
	case RENDER_HTML:
		report_write_html(r, out);
		break;
	}
}

char *
render_to_string(const struct report *r, enum render_format format, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = xcheck(open_memstream(&buf, &size));

	render_write(r, format, out);
	if (fclose(out) != 0)
		buf = NULL;
	*len = size;
	return xcheck(buf);
}

static int
render_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
render_write_temp(const char *path, const char *what, const char *data,
		  size_t len, char **tmp_out, char **cause)
{
	char *dir_copy = xstrdup(path), *base_copy = xstrdup(path), *tmp;
	const char *step;
	mode_t mask;
	int fd, saved;

	/* Hidden, and not ending in .json or .prom: globs never pick it up. */
	tmp = xasprintf("%s/.%s.tmp.XXXXXX", dirname(dir_copy),
			basename(base_copy));
	free(dir_copy);
	free(base_copy);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf("cannot write %s '%s': creating a "
				   "temporary file beside it: %s",
				   what, path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* mkstemp makes the file 0600; an output gets the usual umask mode. */
	mask = umask(0);
	umask(mask);
	step = "setting its mode";
	if (fchmod(fd, 0666 & ~mask) != 0)
		goto fail;
	step = "writing";
	if (render_write_all(fd, data, len) != 0)
		goto fail;
	step = "syncing";
	if (fsync(fd) != 0)
		goto fail;
	step = "closing";
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	*tmp_out = tmp;
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	*cause = xasprintf("cannot write %s '%s': %s: %s", what, path, step,
			   strerror(saved));
	free(tmp);
	return -1;
}

void
render_sync_directory(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int
render_replace_file(const char *path, const char *what, const char *data,
		    size_t len, char **cause)
{
	char *tmp;
	int saved;

	if (render_write_temp(path, what, data, len, &tmp, cause) != 0)
		return -1;
	if (rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		*cause = xasprintf("cannot write %s '%s': renaming the "
				   "temporary file into place: %s",
				   what, path, strerror(saved));
		free(tmp);
		return -1;
	}
	render_sync_directory(path);
	free(tmp);
	return 0;
}

static int
render_digits(const char **p, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	*out = v;
	return 0;
}

int
render_parse_time(const char *text, time_t *t)
{
	const char *p = text;
	int year, month, day, hour, minute, second, oh = 0, om = 0, sign = 0;
	struct tm tm;

	if (text == NULL || render_digits(&p, 4, &year) != 0 || *p++ != '-' ||
	    render_digits(&p, 2, &month) != 0 || *p++ != '-' ||
	    render_digits(&p, 2, &day) != 0)
		return -1;
	if (*p != 'T' && *p != 't')
		return -1;
	p++;
	if (render_digits(&p, 2, &hour) != 0 || *p++ != ':' ||
	    render_digits(&p, 2, &minute) != 0 || *p++ != ':' ||
	    render_digits(&p, 2, &second) != 0)
		return -1;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (render_digits(&p, 2, &oh) != 0 || *p++ != ':' ||
		    render_digits(&p, 2, &om) != 0 || oh > 23 || om > 59)
			return -1;
	} else
		return -1;
	if (*p != '\0' || month < 1 || month > 12 || day < 1 || day > 31 ||
	    hour > 23 || minute > 59 || second > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	*t = timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

struct render_output {
	const char *option;
	const char *path;
	enum render_format format;
	const char *what;
};

static size_t
render_outputs_list(const struct report_outputs *o, struct render_output *list)
{
	const struct render_output all[] = {
		{"--json", o->json, RENDER_JSON, "report"},
		{"--junit", o->junit, RENDER_JUNIT, "JUnit report"},
		{"--prom", o->prom, RENDER_PROM, "metrics"},
		{"--html", o->html, RENDER_HTML, "HTML report"},
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof all / sizeof *all; i++)
		if (all[i].path != NULL)
			list[n++] = all[i];
	return n;
}

int
report_outputs_check(const struct report_outputs *o, char **cause)
{
	struct render_output list[4];
	const char *on_stdout = NULL;
	size_t i, n = render_outputs_list(o, list);

	for (i = 0; i < n; i++) {
		if (*list[i].path == '\0') {
			*cause = xasprintf("%s: empty file name: give a path, "
					   "or - for standard output",
					   list[i].option);
			return -1;
		}
		if (strcmp(list[i].path, "-") != 0)
			continue;
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
render_add_cause(char **all, const char *option, char *cause)
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
	struct render_output list[4];
	size_t i, n = render_outputs_list(o, list), len;
	char *failed = NULL, *inner = NULL, *data;
	int rc = 0, stored;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i].path, "-") == 0) {
			render_write(r, list[i].format, stdout);
			if (fflush(stdout) != 0 || ferror(stdout))
				render_add_cause(
					&failed, list[i].option,
					xasprintf("cannot write to standard "
						  "output: %s",
						  strerror(errno)));
			continue;
		}
		data = render_to_string(r, list[i].format, &len);
		if (render_replace_file(list[i].path, list[i].what, data, len,
					&inner) != 0)
			render_add_cause(&failed, list[i].option, inner);
		free(data);
	}
	if (o->history != NULL) {
		stored = history_store(o->history, r,
				       o->keep ? o->keep : HISTORY_DEFAULT_KEEP,
				       out, &inner);
		if (stored < 0)
			render_add_cause(&failed, "--history", inner);
		else
			rc = stored;
	}
	if (failed != NULL) {
		*cause = failed;
		return -1;
	}
	return rc;
}
