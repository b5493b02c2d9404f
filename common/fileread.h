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

/* Takes one piece of a file as it is read: 0, or -1 with *cause to stop. */
typedef int (*file_chunk_fn)(void *arg, const char *data, size_t len,
			     char **cause);

/*
 * Reads path ("-" for standard input) piece by piece, never holding more
 * than one piece, and hands each to chunk; at most max bytes in all. Returns
 * 0, or -1 with *cause: file_read_all's errors, or the one chunk gave.
 */
int file_read_chunks(const char *path, size_t max, const char *what,
		     file_chunk_fn chunk, void *arg, char **cause);

#endif
