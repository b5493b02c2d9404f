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

/* The size of one piece file_read_chunks hands on. */
#define FILE_CHUNK_SIZE 65536

int
file_read_chunks(const char *path, size_t max, const char *what,
		 file_chunk_fn chunk, void *arg, char **cause)
{
	const char *name = file_display_name(path);
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *buf, *limit;
	size_t n, total = 0;
	int rc = 0, saved;

	if (f == NULL) {
		*cause =
			xasprintf("%s: cannot open: %s", name, strerror(errno));
		return -1;
	}
	buf = xmalloc(FILE_CHUNK_SIZE);
	while (rc == 0 && (n = fread(buf, 1, FILE_CHUNK_SIZE, f)) > 0) {
		total += n;
		if (total > max) {
			limit = file_size_text(max);
			*cause = xasprintf("%s: larger than %s: not %s", name,
					   limit, what);
			free(limit);
			rc = -1;
		} else
			rc = chunk(arg, buf, n, cause);
	}
	saved = errno;
	if (rc == 0 && ferror(f)) {
		*cause =
			xasprintf("%s: cannot read: %s", name, strerror(saved));
		rc = -1;
	}
	if (f != stdin)
		fclose(f);
	free(buf);
	return rc;
}

/* Everything read so far, with room for a NUL after it. */
struct file_buffer {
	char *data;
	size_t len, size;
};

static int
file_buffer_append(void *arg, const char *data, size_t len, char **cause)
{
	struct file_buffer *b = arg;

	(void)cause;
	if (b->len + len + 1 > b->size) {
		while (b->len + len + 1 > b->size)
			b->size = b->size ? b->size * 2 : FILE_CHUNK_SIZE + 1;
		b->data = xreallocarray(b->data, b->size, 1);
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

char *
file_read_all(const char *path, size_t max, const char *what, size_t *len,
	      char **cause)
{
	struct file_buffer b = {NULL, 0, 0};

	*len = 0;
	if (file_read_chunks(path, max, what, file_buffer_append, &b, cause) !=
	    0) {
		free(b.data);
		return NULL;
	}
	if (b.data == NULL)
		b.data = xmalloc(1);
	b.data[b.len] = '\0';
	*len = b.len;
	return b.data;
}
