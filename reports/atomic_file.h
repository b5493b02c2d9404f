/* Replacing a file so that a reader sees the old one or the whole new one. */
/* Used by every output file and the history directory. */
#ifndef NACL_ATOMIC_FILE_H
#define NACL_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Writes a file's contents to out; arg is the caller's. Errors show in
 * ferror(out). */
typedef void atomic_file_writer(FILE *out, const void *arg);

/*
 * Replaces path with data so that a reader sees either the old file or the
 * whole new one, even across a crash: a hidden temporary file beside it,
 * fsync, rename over path, fsync of the directory. The file gets the usual
 * umask mode. what names the file in errors ("report", "metrics"). Returns 0,
 * or -1 with *cause (malloc'd) naming path and the step that failed.
 */
int atomic_file_replace(const char *path, const char *what, const char *data,
			size_t len, char **cause);
/* The same, the contents written by writer(out, arg) as they are made: for
 * files too large to hold in memory first. */
int atomic_file_replace_with(const char *path, const char *what,
			     atomic_file_writer *writer, const void *arg,
			     char **cause);

/*
 * The first half of atomic_file_replace: writes data to a new hidden
 * temporary file beside path, synced and closed, and hands back its name in
 * *tmp (free() it). Returns 0, or -1 with *cause.
 */
int atomic_file_write_temp(const char *path, const char *what, const char *data,
			   size_t len, char **tmp, char **cause);
int atomic_file_write_temp_with(const char *path, const char *what,
				atomic_file_writer *writer, const void *arg,
				char **tmp, char **cause);
/* Syncs the directory holding path, so that a rename there is durable. */
void atomic_file_sync_directory(const char *path);

#endif
