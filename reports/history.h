/* Nightly history: each run's report under a timestamped name, latest.json,
 * pruning. */
/* Every file is written atomically, so a killed run never leaves half a
 * report. */
#ifndef NACL_HISTORY_H
#define NACL_HISTORY_H

#include <stdio.h>

#include "reports/report.h"

#define HISTORY_LATEST "latest.json"

/*
 * Creates dir (and its parents) when missing. Returns 0, or -1 with *cause
 * (malloc'd) naming dir and why it cannot hold the history.
 */
int history_prepare(const char *dir, char **cause);

/*
 * Stores r in dir as report-YYYYMMDDTHHMMSSZ.json (its start time in UTC;
 * _01, _02... when that name is taken) and replaces dir/latest.json with it,
 * both atomically; then removes all but the newest keep reports (never the
 * one just stored) and temporary files a killed run left behind. Prints to
 * out where the report went and the diff against the previous latest.json
 * (or why there is none). Returns 0; 1 when that diff shows a regression;
 * -1 with *cause (malloc'd).
 */
int history_store(const char *dir, const struct report *r, unsigned keep,
		  FILE *out, char **cause);

#endif
