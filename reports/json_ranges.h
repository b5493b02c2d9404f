/* Reading a report's JSON text with each check's ranges lifted out of it, so
 * that cJSON builds a tree of the rest only. */
/* A fragmented sweep writes hundreds of thousands of ranges: as cJSON nodes
 * they would take ten times the file; lifted, 8 bytes each. */
#ifndef NACL_JSON_RANGES_H
#define NACL_JSON_RANGES_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/report.h"

/* The ranges array of one check, as the text wrote it (not yet checked
 * against sports). */
struct json_ranges_check {
	bool lifted; /* false: the text kept the array, for cJSON to read */
	struct status_range *ranges;
	size_t count;
};

/* The lifted arrays, indexed like the elements of the report's "checks". */
struct json_ranges {
	struct json_ranges_check *checks;
	size_t nchecks;
};

/*
 * Reads path ("-" for standard input; at most max bytes, what saying what a
 * larger file is not) as file_read_chunks does and returns its text with the
 * first "ranges" array of each element of the root's first "checks" array
 * lifted into *lifted: its contents become white space that keeps every
 * later line and column where it was, so cJSON's errors point into the
 * file. An array of any other shape than objects of exactly "from" and "to"
 * (whole numbers up to 65535) and "status" (a status name) stays in the
 * text, and so does anything the scanner is not sure of: cJSON and the
 * reader then judge it as before. Returns the text (NUL after *len bytes;
 * free() it), or NULL with *cause: the file's errors, or a NUL byte named by
 * its offset. Free *lifted with json_ranges_free, on error too.
 */
char *json_ranges_read(const char *path, size_t max, const char *what,
		       struct json_ranges *lifted, size_t *len, char **cause);
/*
 * The same over text already in memory (len bytes; name for errors): for
 * tests and for a caller that holds the text.
 */
char *json_ranges_lift(const char *text, size_t len, const char *name,
		       struct json_ranges *lifted, size_t *out_len,
		       char **cause);
void json_ranges_free(struct json_ranges *lifted);

#endif
