/* Unit tests for common/status: the outcome names the report schema uses. */
/* The names are part of the v1 schema, so they are pinned here exactly. */
#include <criterion/criterion.h>

#include "common/status.h"

TestSuite(status);

Test(status, names_match_the_schema)
{
	cr_assert_str_eq(status_name(STATUS_OK), "ok");
	cr_assert_str_eq(status_name(STATUS_REPLY_DROPPED), "reply_dropped");
	cr_assert_str_eq(status_name(STATUS_REQUEST_DROPPED),
			 "request_dropped");
	cr_assert_str_eq(status_name(STATUS_DROPPED), "dropped");
	cr_assert_str_eq(status_name(STATUS_REJECTED), "rejected");
	cr_assert_str_eq(status_name(STATUS_LOCAL_ERROR), "local_error");
	cr_assert_str_eq(status_name(STATUS_HOST_DROPPED), "host_dropped");
	cr_assert_str_eq(status_name(STATUS_UNFINISHED), "unfinished");
	cr_assert_eq(STATUS_COUNT, 8);
}

Test(status, out_of_range_status_is_named_question_mark)
{
	cr_assert_str_eq(status_name(STATUS_COUNT), "?");
	cr_assert_str_eq(status_name((enum probe_status) - 1), "?");
}

Test(status, parse_inverts_name)
{
	enum probe_status s;
	int i;

	for (i = 0; i < STATUS_COUNT; i++) {
		cr_assert_eq(
			status_parse(status_name((enum probe_status)i), &s), 0);
		cr_assert_eq(s, i);
	}
}

Test(status, parse_refuses_unknown_names)
{
	enum probe_status s = STATUS_REJECTED;

	cr_assert_eq(status_parse("OK", &s), -1);
	cr_assert_eq(status_parse("", &s), -1);
	cr_assert_eq(status_parse("drop", &s), -1);
	cr_assert_eq(s, STATUS_REJECTED);
}

Test(status, only_silent_losses_are_drops)
{
	cr_assert_eq(status_is_drop(STATUS_OK), 0);
	cr_assert_neq(status_is_drop(STATUS_REPLY_DROPPED), 0);
	cr_assert_neq(status_is_drop(STATUS_REQUEST_DROPPED), 0);
	cr_assert_neq(status_is_drop(STATUS_DROPPED), 0);
	cr_assert_eq(status_is_drop(STATUS_REJECTED), 0);
	cr_assert_eq(status_is_drop(STATUS_LOCAL_ERROR), 0);
}
