/* What nacl-probe writes after a run: every output file and the history. */
/* Checked before the first probe, written once when the run ends, however it
 * ends. */
#ifndef NACL_OUTPUTS_H
#define NACL_OUTPUTS_H

#include <stdio.h>

#include "reports/report.h"

#define HISTORY_DEFAULT_KEEP 30

/* What nacl-probe was asked to write; NULL means not wanted. */
struct report_outputs {
	const char *json; /* v1 JSON; "-" for stdout */
	const char *junit; /* "-" for stdout, for each file format */
	const char *prom;
	const char *html;
	const char *history; /* directory of past reports */
	/* JSON lines as the run goes (events_file_subscribe opens it); only
	 * checked here. */
	const char *events;
	unsigned keep; /* reports kept in history; 0: HISTORY_DEFAULT_KEEP */
};

/*
 * Checks o before a sweep, so that a bad option fails fast: no empty file
 * name, at most one output on stdout, every file writable where it is (a
 * temporary file is made beside it and removed), the history directory
 * usable (it is created, with its parents, when missing). Returns 0, or -1
 * with *cause (malloc'd) naming the option and the path.
 */
int report_outputs_check(const struct report_outputs *o, char **cause);

/* True when one of o's outputs goes to standard output. */
bool report_outputs_use_stdout(const struct report_outputs *o);

/*
 * Writes every output o asks for, each atomically (atomic_file_replace);
 * with o->history stores the run there (history_store) and prints to out
 * the diff against the previous run. A failed output does not stop the
 * others. Returns 0; 1 when the history shows a regression (a source port
 * that was ok in the previous run is not ok now); or -1 with *cause
 * (malloc'd) naming each option that failed.
 */
int report_write_outputs(const struct report *r, const struct report_outputs *o,
			 FILE *out, char **cause);

#endif
