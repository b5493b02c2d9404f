/* Unit tests for reports/atomic_file.c: whole files or none, errors that
 * name the file and the step. */
/* Each test works in its own temporary directory. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/xmalloc.h"
#include "reports/atomic_file.h"
#include "tests/unit/fixture_dir.h"

TestSuite(atomic_file);

Test(atomic_file, replace_file_writes_whole_file_with_umask_mode,
     .init = dir_setup, .fini = dir_teardown)
{
	char *path = xasprintf("%s/out.prom", test_dir), *cause = NULL, *back;
	mode_t old = umask(027);
	struct stat st;

	cr_assert_eq(atomic_file_replace(path, "metrics", "old\n", 4, &cause),
		     0);
	cr_assert_eq(atomic_file_replace(path, "metrics", "new\n", 4, &cause),
		     0);
	umask(old);
	back = read_all(path);
	cr_assert_str_eq(back, "new\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640);
	cr_assert_eq(dir_entries(test_dir), 1, "a temporary file was left");
	free(back);
	free(path);
}

Test(atomic_file, replace_file_errors_name_the_file_and_step, .init = dir_setup,
     .fini = dir_teardown)
{
	char *path = xasprintf("%s/sub", test_dir), *cause = NULL, *want;

	cr_assert_eq(atomic_file_replace("/nonexistent-nacl-dir/m.prom",
					 "metrics", "x", 1, &cause),
		     -1);
	cr_assert_str_eq(cause, "cannot write metrics "
				"'/nonexistent-nacl-dir/m.prom': creating a "
				"temporary file beside it: No such file or "
				"directory");
	free(cause);
	/* A directory in the way: the rename fails, the temporary goes. */
	cr_assert_eq(mkdir(path, 0755), 0);
	cr_assert_eq(atomic_file_replace(path, "HTML report", "x", 1, &cause),
		     -1);
	want = xasprintf("cannot write HTML report '%s': renaming the "
			 "temporary file into place: Is a directory",
			 path);
	cr_assert_str_eq(cause, want);
	cr_assert_eq(dir_entries(test_dir), 1);
	free(want);
	free(cause);
	free(path);
}
