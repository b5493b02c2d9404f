/* The output formats of a report, as one table: a name and a writer each. */
/* nacl-report render and the probe's outputs look formats up here. */
#ifndef NACL_RENDER_H
#define NACL_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "reports/report.h"

/* One output format: its name on the command line and its writer. */
struct render_format {
	const char *name; /* "text", "json", "junit", "prom", "html" */
	void (*write)(const struct report *r, FILE *out);
};

/* The format called name, or NULL. */
const struct render_format *render_format_find(const char *name);
/* "text, json, junit, prom or html", for messages. */
const char *render_format_names(void);
/* The rendering as one string; *len gets its length. free() it. */
char *render_to_string(const struct report *r, const struct render_format *f,
		       size_t *len);
/*
 * Writes the rendering to path atomically (atomic_file_replace_with) as it
 * is made, never held whole in memory. what names the file in errors.
 * Returns 0, or -1 with *cause (malloc'd).
 */
int render_to_file(const struct report *r, const struct render_format *f,
		   const char *path, const char *what, char **cause);

#endif
