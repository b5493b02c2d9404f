/* Rendering a report in every format, and writing output files atomically. */
/* nacl-probe calls report_write_outputs once after the sweep; nacl-report too.
 */
#ifndef NACL_RENDER_H
#define NACL_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "reports/report.h"

#define HISTORY_DEFAULT_KEEP 30

enum render_format {
	RENDER_TEXT,
	RENDER_JSON,
	RENDER_JUNIT,
	RENDER_PROM,
	RENDER_HTML,
};

/* "text", "json", "junit", "prom", "html"; -1 for another name. */
int render_format_parse(const char *name, enum render_format *format);
const char *render_format_name(enum render_format format);
/* Writes r to out in format. */
void render_write(const struct report *r, enum render_format format, FILE *out);
/* The rendering as one string; *len gets its length. free() it. */
char *render_to_string(const struct report *r, enum render_format format,
		       size_t *len);

/*
 * Replaces path with data so that a reader sees either the old file or the
 * whole new one, even across a crash: a hidden temporary file beside it,
 * fsync, rename over path, fsync of the directory. The file gets the usual
 * umask mode. what names the file in errors ("report", "metrics"). Returns 0,
 * or -1 with *cause (malloc'd) naming path and the step that failed.
 */
int render_replace_file(const char *path, const char *what, const char *data,
			size_t len, char **cause);

/*
 * The first half of render_replace_file: writes data to a new hidden
 * temporary file beside path, synced and closed, and hands back its name in
 * *tmp (free() it). Returns 0, or -1 with *cause.
 */
int render_write_temp(const char *path, const char *what, const char *data,
		      size_t len, char **tmp, char **cause);
/* Syncs the directory holding path, so that a rename there is durable. */
void render_sync_directory(const char *path);

/*
 * Parses an RFC 3339 time ("2026-11-20T23:48:00Z", fractions and offsets
 * allowed) into *t. Returns 0, or -1 when text is not one.
 */
int render_parse_time(const char *text, time_t *t);

/* What nacl-probe was asked to write; NULL means not wanted. */
struct report_outputs {
	const char *json; /* v1 JSON; "-" for stdout */
	const char *junit; /* "-" for stdout, for each file format */
	const char *prom;
	const char *html;
	const char *history; /* directory of past reports */
	unsigned keep; /* reports kept in history; 0: HISTORY_DEFAULT_KEEP */
};

/*
 * Checks o before a sweep, so that a bad option fails fast: no empty file
 * name, at most one output on stdout, the history directory usable (it is
 * created, with its parents, when missing). Returns 0, or -1 with *cause
 * (malloc'd) naming the option.
 */
int report_outputs_check(const struct report_outputs *o, char **cause);

/*
 * Writes every output o asks for, each atomically (render_replace_file);
 * with o->history stores the run there (history_store) and prints to out
 * the diff against the previous run. A failed output does not stop the
 * others. Returns 0; 1 when the history shows a regression (a source port
 * that was ok in the previous run is not ok now); or -1 with *cause
 * (malloc'd) naming each option that failed.
 */
int report_write_outputs(const struct report *r, const struct report_outputs *o,
			 FILE *out, char **cause);

#endif
