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

static int
atomic_file_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
atomic_file_write_temp(const char *path, const char *what, const char *data,
		       size_t len, char **tmp_out, char **cause)
{
	char *dir_copy = xstrdup(path), *base_copy = xstrdup(path), *tmp;
	const char *step;
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
	step = "writing";
	if (atomic_file_write_all(fd, data, len) != 0)
		goto fail;
	step = "syncing";
	if (fsync(fd) != 0)
		goto fail;
	step = "closing";
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	*tmp_out = tmp;
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	*cause = xasprintf("cannot write %s '%s': %s: %s", what, path, step,
			   strerror(saved));
	free(tmp);
	return -1;
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
atomic_file_replace(const char *path, const char *what, const char *data,
		    size_t len, char **cause)
{
	char *tmp;
	int saved;

	if (atomic_file_write_temp(path, what, data, len, &tmp, cause) != 0)
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
