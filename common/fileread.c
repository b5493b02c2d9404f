/* Reading a whole input file into memory, bounded, for the parsers. */
/* One slurper for scenarios, NACL exports, plans and templates. */
#include "common/fileread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

const char *
file_display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "standard input" : path;
}

/* "64 MiB", or the bytes when max is not a whole number of MiB. */
static char *
file_size_text(size_t max)
{
	if (max >= (1u << 20) && max % (1u << 20) == 0)
		return xasprintf("%zu MiB", max >> 20);
	return xasprintf("%zu bytes", max);
}

char *
file_read_all(const char *path, size_t max, const char *what, size_t *len,
	      char **cause)
{
	const char *name = file_display_name(path);
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t size = 65536, n;
	char *buf, *limit;
	int failed, saved;

	*len = 0;
	if (f == NULL) {
		*cause =
			xasprintf("%s: cannot open: %s", name, strerror(errno));
		return NULL;
	}
	buf = xmalloc(size + 1);
	/* One byte past max tells a file of exactly max bytes from more. */
	while ((n = fread(buf + *len, 1, size - *len, f)) > 0) {
		*len += n;
		if (*len > max)
			break;
		if (*len == size) {
			size *= 2;
			buf = xreallocarray(buf, size + 1, 1);
		}
	}
	failed = ferror(f);
	saved = errno;
	if (f != stdin)
		fclose(f);
	if (failed) {
		*cause =
			xasprintf("%s: cannot read: %s", name, strerror(saved));
		free(buf);
		return NULL;
	}
	if (*len > max) {
		limit = file_size_text(max);
		*cause = xasprintf("%s: larger than %s: not %s", name, limit,
				   what);
		free(limit);
		free(buf);
		*len = 0;
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}
