/* Reading JSON documents: typed getters that name a bad value by its path. */
/* Every error reads "PATH: what is wrong (what is accepted)", e.g.
 * "checks[2].port: expected an integer from 1 to 65535, found 70000". */
#ifndef NACL_JSONREAD_H
#define NACL_JSONREAD_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Room for a path like "NetworkAcls[3].Entries[12].PortRange.From". */
#define JSONREAD_AT_MAX 256

/* A path built on the stack. */
struct jsonread_at {
	char text[JSONREAD_AT_MAX];
};

/* "parent.name", "parent[3]" when name is "[3]", name alone at the root,
 * parent alone when name is empty. Returns buf->text. */
const char *jsonread_join(struct jsonread_at *buf, const char *parent,
			  const char *name);
/* "parent[index]". */
const char *jsonread_index(struct jsonread_at *buf, const char *parent,
			   size_t index);

/* "a number", "a string", "a boolean", "null", "an array", "an object". */
const char *jsonread_type(const cJSON *item);

/* Sets *cause (malloc'd) to "AT: message", or the message alone when at is
 * empty. Returns -1, so that callers can return it. */
int jsonread_fail(char **cause, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets *cause (malloc'd) to "NAME: INNER" and frees inner: an error found
 * inside a document, said with the document's name. */
void jsonread_fail_in(char **cause, const char *name, char *inner);

/*
 * The value at (the whole path) must pass test, else "AT: expected WHAT,
 * found a string". Returns 0 or -1.
 */
int jsonread_expect(const cJSON *item, const char *at,
		    cJSON_bool (*test)(const cJSON *), const char *what,
		    char **cause);

/*
 * Member name of obj (at is obj's path), which must pass test (what names
 * what it accepts). Absent: *out NULL and 0, or when required -1 with
 * "AT.NAME: missing (expected WHAT)" ("missing" alone when what is NULL).
 */
int jsonread_member(const cJSON *obj, const char *at, const char *name,
		    cJSON_bool (*test)(const cJSON *), const char *what,
		    bool required, const cJSON **out, char **cause);

/*
 * Member name of obj (at is obj's path) into *item and its path into
 * *where; *present (may be NULL) says whether it is there. Returns 1 when
 * it is, 0 when it is absent and not required (*item NULL), -1 when it is
 * absent and required: "AT.NAME: missing (expected EXPECTED)", the
 * expectation formatted from fmt.
 */
int jsonread_find(const cJSON *obj, const char *at, const char *name,
		  bool required, bool *present, struct jsonread_at *where,
		  const cJSON **item, char **cause, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));

/* A walk over the elements of an array member, each with its path. */
struct jsonread_array {
	const cJSON *list; /* the array; NULL when absent */
	const cJSON *item; /* the element jsonread_array_next found */
	size_t index; /* item's index */
	struct jsonread_at at; /* item's path, "AT.NAME[INDEX]" */
	size_t list_len; /* at's first bytes: the array's path, "AT.NAME" */
};

/*
 * Member name of obj (at is obj's path) as an array (what names what it
 * accepts), as jsonread_member reads it; on 0 a is set to walk it (an
 * absent optional one walks nothing). Returns 0 or -1.
 */
int jsonread_array(struct jsonread_array *a, const cJSON *obj, const char *at,
		   const char *name, const char *what, bool required,
		   char **cause);
/* The next element into a->item, a->index and a->at; false past the end. */
bool jsonread_array_next(struct jsonread_array *a);

/* A string member: *out points into obj (NULL when absent, not required). */
int jsonread_string(const cJSON *obj, const char *at, const char *name,
		    const char *what, bool required, const char **out,
		    char **cause);

/* A boolean member; *present says whether it was given (may be NULL). */
int jsonread_bool(const cJSON *obj, const char *at, const char *name,
		  const char *what, bool required, bool *present, bool *out,
		  char **cause);

/*
 * The value at must be a whole number from min to max: "AT: expected an
 * integer from MIN to MAX, found 1.5" (or "found a string").
 */
int jsonread_integer_value(const cJSON *item, const char *at, long long min,
			   long long max, long long *out, char **cause);
/* The same as a member; *present (may be NULL) says whether it was given. */
int jsonread_integer(const cJSON *obj, const char *at, const char *name,
		     long long min, long long max, bool required, bool *present,
		     long long *out, char **cause);

/*
 * A number member from min to max, fractions allowed: "AT: expected a number
 * from MIN to MAX, found 1.5" (or "found a string"); *present (may be NULL)
 * says whether it was given.
 */
int jsonread_number(const cJSON *obj, const char *at, const char *name,
		    double min, double max, bool required, bool *present,
		    double *out, char **cause);

/*
 * Refuses a member of obj not in keys (NULL-terminated), naming those
 * accepted ("AT.KEY: unknown key; accepted are ACCEPTED"), and a member
 * given twice ("AT.KEY: given twice").
 */
int jsonread_keys(const cJSON *obj, const char *at, const char *const *keys,
		  const char *accepted, char **cause);

/*
 * Parses len bytes of text (which must have a NUL at text[len]) from the
 * file name names in errors: "NAME: empty file, expected EXPECTED",
 * "NAME: holds a NUL byte at offset 19: not JSON text", "NAME: not valid
 * JSON at line 2, column 19" (trailing garbage included). Returns the tree
 * (cJSON_Delete it) or NULL with *cause (malloc'd).
 */
cJSON *jsonread_text(const char *text, size_t len, const char *name,
		     const char *expected, char **cause);
/* "NAME: holds a NUL byte at offset N: not JSON text", for a reader that
 * meets it first. Returns -1. */
int jsonread_refuse_nul(const char *name, size_t offset, char **cause);

/*
 * Reads and parses file path ("-" for standard input) of at most max bytes;
 * errors as file_read_all and jsonread_text, what saying what a too large
 * file is not ("a NACL export"). Returns the tree or NULL with *cause.
 */
cJSON *jsonread_file(const char *path, size_t max, const char *what,
		     const char *expected, char **cause);

#endif
