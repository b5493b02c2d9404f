/* Writing a JSON document to a FILE a member at a time, as cJSON_Print would.
 */
/*
 * For documents too large to hold as one cJSON tree (a fragmented sweep's
 * report: hundreds of thousands of ranges). Containers are opened and
 * closed here; each value in them is a small cJSON item printed by cJSON
 * itself, so numbers, strings and indentation come out byte for byte as
 * cJSON_Print of the whole tree gives them.
 */
#ifndef NACL_JSONSTREAM_H
#define NACL_JSONSTREAM_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Containers open at once; the report opens at most four. */
#define JSONSTREAM_MAX_DEPTH 16

struct jsonstream {
	FILE *out;
	/* cJSON's depth: the tabs before a member of the innermost object. */
	int depth;
	/* Per open container: an array (else an object), nothing in it yet. */
	bool array[JSONSTREAM_MAX_DEPTH];
	bool empty[JSONSTREAM_MAX_DEPTH];
	/* cJSON_PrintPreallocated's buffer, grown as needed. */
	char *buf;
	size_t size;
};

void jsonstream_init(struct jsonstream *js, FILE *out);
/* Frees the buffer; every container must have been closed. */
void jsonstream_free(struct jsonstream *js);
/*
 * Opens an object or array as member name of the open object, or as the
 * next element of the open array (name NULL), or as the document (nothing
 * open, name NULL). Names are written as given: plain ASCII identifiers.
 */
void jsonstream_object(struct jsonstream *js, const char *name);
void jsonstream_array(struct jsonstream *js, const char *name);
/* Closes the innermost open object or array. */
void jsonstream_close(struct jsonstream *js);
/* Writes item (any cJSON value, nested or not) as member or element and
 * cJSON_Deletes it. */
void jsonstream_item(struct jsonstream *js, const char *name, cJSON *item);
/* Shorthands for jsonstream_item of one scalar; value NULL writes "". */
void jsonstream_number(struct jsonstream *js, const char *name, double value);
void jsonstream_string(struct jsonstream *js, const char *name,
		       const char *value);
void jsonstream_bool(struct jsonstream *js, const char *name, bool value);
/* value as a string member when it is set; nothing when it is NULL. */
void jsonstream_optional_string(struct jsonstream *js, const char *name,
				const char *value);

#endif
