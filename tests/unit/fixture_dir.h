/* A temporary directory per test, and reading a file back, for the tests
 * of modules that write files. */
/* Static helpers: each test file that includes it gets its own copy. */
#ifndef NACL_TEST_FIXTURE_DIR_H
#define NACL_TEST_FIXTURE_DIR_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"

static char test_dir[64];

static inline void
remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char *child;

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		child = xasprintf("%s/%s", path, e->d_name);
		remove_tree(child);
		free(child);
	}
	closedir(d);
	rmdir(path);
}

static inline void
dir_setup(void)
{
	snprintf(test_dir, sizeof test_dir, "/tmp/nacl-unit-test-XXXXXX");
	cr_assert_not_null(mkdtemp(test_dir));
}

static inline void
dir_teardown(void)
{
	remove_tree(test_dir);
}

static inline size_t
dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static inline char *
read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	int ch;

	cr_assert_not_null(f, "cannot open %s", path);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, out);
	fclose(f);
	fclose(out);
	return buf;
}

#endif
