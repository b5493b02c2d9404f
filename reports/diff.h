/* Comparing two reports: per check, the source-port ranges whose status
 * changed. */
/* nacl-report diff and nacl-probe --history print it; a regression fails. */
#ifndef NACL_DIFF_H
#define NACL_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/report.h"

/* Ports from-to had old_status in the old report and new_status now. */
struct diff_range {
	uint16_t from;
	uint16_t to; /* inclusive */
	enum probe_status old_status;
	enum probe_status new_status;
	enum expectation old_expect; /* what each report expected there */
	enum expectation new_expect;
};

/* A check both reports hold (same target, protocol and port). */
struct diff_check {
	const struct report_check *old;
	const struct report_check *new;
	struct diff_range *ranges; /* in port order, equal neighbours merged */
	size_t nranges;
	size_t regressed; /* ports that met their expectation, now do not */
	size_t fixed; /* ports that did not, now do */
	size_t changed; /* ports with another status, as (un)met as before */
};

struct report_diff {
	const struct report *old; /* borrowed, must outlive the diff */
	const struct report *new;
	struct diff_check *checks; /* in the new report's order */
	size_t nchecks;
	const struct report_check **only_old; /* no longer probed */
	size_t nonly_old;
	const struct report_check **only_new; /* newly probed */
	size_t nonly_new;
	size_t regressed, fixed, changed; /* ports, summed over checks */
};

/*
 * Compares old and new, matching checks by target, protocol and port.
 * Returns 0, or -1 with *cause (malloc'd) when they cannot be compared: no
 * check in common, or a check swept other source ports (named, with both).
 * Free d with report_diff_free.
 */
int report_diff_compute(const struct report *old, const struct report *new,
			struct report_diff *d, char **cause);
void report_diff_free(struct report_diff *d);
/* True when a port that met its expectation in old (by default: was ok)
 * does not in new, or a check of old is gone from new. Ports either run
 * left unfinished count as neither. */
bool report_diff_regressed(const struct report_diff *d);
/*
 * The diff for a person: a header naming both reports (old_name, new_name),
 * per check the changed ranges (regressions with the clients they hit),
 * checks only in one report, a summary line ending in REGRESSION or not.
 */
void report_diff_write(const struct report_diff *d, const char *old_name,
		       const char *new_name, FILE *out);

#endif
