/* Replacing a file atomically: a temporary file beside it, fsync, rename. */
/* A reader (node_exporter, a browser, a CI job) never sees half a file. */
#include "reports/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xmalloc.h"

/* The writer of atomic_file_write_temp: len bytes of data. */
struct atomic_file_data {
	const char *data;
	size_t len;
};

static void
atomic_file_write_data(FILE *out, const void *arg)
{
	const struct atomic_file_data *d = arg;

	fwrite(d->data, 1, d->len, out);
}

int
atomic_file_write_temp_with(const char *path, const char *what,
			    atomic_file_writer *writer, const void *arg,
			    char **tmp_out, char **cause)
{
	char *dir_copy = xstrdup(path), *base_copy = xstrdup(path), *tmp;
	const char *step;
	FILE *out = NULL;
	mode_t mask;
	int fd, saved;

	/* Hidden, and not ending in .json or .prom: globs never pick it up. */
	tmp = xasprintf("%s/.%s.tmp.XXXXXX", dirname(dir_copy),
			basename(base_copy));
	free(dir_copy);
	free(base_copy);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf("cannot write %s '%s': creating a "
				   "temporary file beside it: %s",
				   what, path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* mkstemp makes the file 0600; an output gets the usual umask mode. */
	mask = umask(0);
	umask(mask);
	step = "setting its mode";
	if (fchmod(fd, 0666 & ~mask) != 0)
		goto fail;
	out = fdopen(fd, "w");
	if (out == NULL)
		goto fail;
	step = "writing";
	errno = 0;
	writer(out, arg);
	if (fflush(out) != 0 || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		goto fail;
	}
	step = "syncing";
	if (fsync(fd) != 0)
		goto fail;
	step = "closing";
	fd = -1;
	if (fclose(out) != 0) {
		out = NULL;
		goto fail;
	}
	*tmp_out = tmp;
	return 0;
fail:
	saved = errno;
	if (out != NULL)
		fclose(out);
	else if (fd >= 0)
		close(fd);
	unlink(tmp);
	*cause = xasprintf("cannot write %s '%s': %s: %s", what, path, step,
			   strerror(saved));
	free(tmp);
	return -1;
}

int
atomic_file_write_temp(const char *path, const char *what, const char *data,
		       size_t len, char **tmp_out, char **cause)
{
	struct atomic_file_data d = {data, len};

	return atomic_file_write_temp_with(path, what, atomic_file_write_data,
					   &d, tmp_out, cause);
}

void
atomic_file_sync_directory(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int
atomic_file_replace_with(const char *path, const char *what,
			 atomic_file_writer *writer, const void *arg,
			 char **cause)
{
	char *tmp;
	int saved;

	if (atomic_file_write_temp_with(path, what, writer, arg, &tmp, cause) !=
	    0)
		return -1;
	if (rename(tmp, path) != 0) {
		saved = errno;
		unlink(tmp);
		*cause = xasprintf("cannot write %s '%s': renaming the "
				   "temporary file into place: %s",
				   what, path, strerror(saved));
		free(tmp);
		return -1;
	}
	atomic_file_sync_directory(path);
	free(tmp);
	return 0;
}

int
atomic_file_replace(const char *path, const char *what, const char *data,
		    size_t len, char **cause)
{
	struct atomic_file_data d = {data, len};

	return atomic_file_replace_with(path, what, atomic_file_write_data, &d,
					cause);
}
