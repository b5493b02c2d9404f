/* Assertions shared by the tests of the NACL reports (nacl, explain, diff,
 * tfplan, predict, secgroup, report_json): a call that must succeed, a text
 * that must match, a test's JSON that must parse. */
/* Both assert with Criterion, so use them from tests only. */
#ifndef NACL_TEST_FIXTURE_ASSERT_H
#define NACL_TEST_FIXTURE_ASSERT_H

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdlib.h>

/*
 * Calls fn(args..., &cause), fn being one that returns 0 or sets cause to
 * why not, and fails the test with that cause unless it returns 0.
 */
#define FIXTURE_OK(fn, ...)                                                    \
	do {                                                                   \
		char *fixture_cause_ = NULL;                                   \
		int fixture_rc_ = fn(__VA_ARGS__, &fixture_cause_);            \
                                                                               \
		cr_assert_eq(fixture_rc_, 0, "%s",                             \
			     fixture_cause_ ? fixture_cause_ : "");            \
		free(fixture_cause_);                                          \
	} while (0)

/* Asserts that actual, a text to free, is expected; frees it. */
void fixture_assert_text(char *actual, const char *expected);

/* Parses json, a test's own JSON text; fails the test when it does not
 * parse. cJSON_Delete the tree. */
cJSON *fixture_json(const char *json);

#endif
