/* Unit tests for probe/classify.c: attempt outcomes and the seen-log into a
 * status. */
/* The precedence rules are DESIGN.md's: ok beats rejected beats silence. */
#include <criterion/criterion.h>

#include "probe/sweep.h"

TestSuite(classify);

Test(classify, ok_when_any_attempt_answered)
{
	cr_assert_eq(classify_port(PORT_OK | PORT_TIMEOUT | PORT_REJECTED, true,
				   false),
		     STATUS_OK);
	cr_assert_eq(classify_port(PORT_OK, false, false), STATUS_OK);
}

Test(classify, rejected_beats_timeouts)
{
	cr_assert_eq(classify_port(PORT_REJECTED | PORT_TIMEOUT, true, true),
		     STATUS_REJECTED);
	cr_assert_eq(classify_port(PORT_REJECTED, false, false),
		     STATUS_REJECTED);
}

Test(classify, reply_dropped_when_agent_saw_request)
{
	cr_assert_eq(classify_port(PORT_TIMEOUT, true, true),
		     STATUS_REPLY_DROPPED);
}

Test(classify, request_dropped_when_agent_never_saw_it)
{
	cr_assert_eq(classify_port(PORT_TIMEOUT, true, false),
		     STATUS_REQUEST_DROPPED);
}

Test(classify, dropped_without_agent)
{
	cr_assert_eq(classify_port(PORT_TIMEOUT, false, false), STATUS_DROPPED);
	cr_assert_eq(classify_port(PORT_TIMEOUT, false, true), STATUS_DROPPED);
}

Test(classify, local_error_when_nothing_was_sent)
{
	cr_assert_eq(classify_port(PORT_LOCAL_ERROR, true, false),
		     STATUS_LOCAL_ERROR);
	cr_assert_eq(classify_port(0, true, false), STATUS_LOCAL_ERROR);
}

Test(classify, timeouts_beat_local_errors)
{
	cr_assert_eq(
		classify_port(PORT_LOCAL_ERROR | PORT_TIMEOUT, true, false),
		STATUS_REQUEST_DROPPED);
}
