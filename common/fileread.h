/* Reading a whole input file into memory, bounded, for the parsers. */
/* Errors name the file ("standard input" for "-") and the system's reason. */
#ifndef NACL_FILEREAD_H
#define NACL_FILEREAD_H

#include <stddef.h>

/* What path names in errors: "standard input" for "-", else path. */
const char *file_display_name(const char *path);

/*
 * Reads all of path ("-" for standard input), at most max bytes, into a
 * malloc'd buffer with a NUL after the *len bytes read. Returns it, or NULL
 * with *cause (malloc'd): "NAME: cannot open: REASON", "NAME: cannot read:
 * REASON", "NAME: larger than 64 MiB: not WHAT".
 */
char *file_read_all(const char *path, size_t max, const char *what, size_t *len,
		    char **cause);

#endif
