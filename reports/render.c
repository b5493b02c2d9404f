/* The output formats of a report, as one table: a name and a writer each. */
/* Adding a format is one writer and one row here. */
#include "reports/render.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/atomic_file.h"

static const struct render_format render_formats[] = {
	{"text", report_write_text},   {"json", report_write_json_stream},
	{"junit", report_write_junit}, {"prom", report_write_prom},
	{"html", report_write_html},
};

#define RENDER_NFORMATS (sizeof render_formats / sizeof *render_formats)

const struct render_format *
render_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < RENDER_NFORMATS; i++)
		if (strcmp(name, render_formats[i].name) == 0)
			return &render_formats[i];
	return NULL;
}

const char *
render_format_names(void)
{
	return "text, json, junit, prom or html";
}

char *
render_to_string(const struct report *r, const struct render_format *f,
		 size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = xcheck(open_memstream(&buf, &size));

	f->write(r, out);
	if (fclose(out) != 0)
		buf = NULL;
	*len = size;
	return xcheck(buf);
}

/* What render_to_file hands atomic_file_replace_with's writer. */
struct render_job {
	const struct report *report;
	const struct render_format *format;
};

static void
render_job_write(FILE *out, const void *arg)
{
	const struct render_job *job = arg;

	job->format->write(job->report, out);
}

int
render_to_file(const struct report *r, const struct render_format *f,
	       const char *path, const char *what, char **cause)
{
	struct render_job job = {r, f};

	return atomic_file_replace_with(path, what, render_job_write, &job,
					cause);
}
