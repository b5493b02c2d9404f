/* Unit tests for common/version.c: the VERSION file is the one source. */
/* make unit runs from the top of the tree, where VERSION lives. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/version.h"

TestSuite(version);

Test(version, is_the_version_file_with_at_most_a_commit_after_it)
{
	char want[64] = "";
	const char *v = nacl_version();
	FILE *f = fopen("VERSION", "r");
	size_t n;

	cr_assert_not_null(f, "run from the top of the tree");
	cr_assert_not_null(fgets(want, sizeof want, f));
	fclose(f);
	want[strcspn(want, "\n")] = '\0';
	n = strlen(want);
	cr_assert_eq(strncmp(v, want, n), 0, "%s does not start with %s", v,
		     want);
	cr_assert(v[n] == '\0' || strncmp(v + n, "+g", 2) == 0,
		  "%s: expected %s or %s+gCOMMIT", v, want, want);
}
