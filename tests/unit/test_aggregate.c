/* Unit tests for reports/aggregate.c: sweep events in, report ranges out. */
/* Events are published on a real bus, exactly as the scheduler would. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "reports/events.h"
#include "tests/unit/fixture_report.h"

/* Each test's report, and the bus its aggregator listens on. */
static struct event_bus bus;
static struct report r;

static void
aggregate_setup(void)
{
	memset(&r, 0, sizeof r);
	aggregator_subscribe(&bus, &r);
}

static void
aggregate_teardown(void)
{
	event_bus_free(&bus);
	report_free(&r);
}

TestSuite(aggregate, .init = aggregate_setup, .fini = aggregate_teardown);

static void
add_check(enum proto proto, uint16_t port, const char *sports_text)
{
	fixture_add_check(&r, proto, port, SERVICE_ECHO, sports_text);
}

static void
publish(enum sweep_event_type type)
{
	struct sweep_event ev = {.type = type};

	event_bus_publish(&bus, &ev);
}

static void
publish_result(size_t check, uint16_t sport, enum probe_status status, bool nat)
{
	struct sweep_event ev = {.type = SWEEP_EVENT_RESULT,
				 .check = check,
				 .sport = sport,
				 .status = status,
				 .nat_translated = nat,
				 .observed_port = nat ? 1 : sport};

	event_bus_publish(&bus, &ev);
}

/* Results ok, not translated, for check's ports from to to. */
static void
publish_ok(size_t check, uint16_t from, uint16_t to)
{
	for (uint32_t p = from; p <= to; p++)
		publish_result(check, (uint16_t)p, STATUS_OK, false);
}

Test(aggregate, results_become_ranges_counts_and_verdicts_at_done)
{
	uint32_t p;

	add_check(PROTO_UDP, 7000, "40000-40009");
	add_check(PROTO_TCP, 7000, "1025-1026,49152-49153");
	publish(SWEEP_EVENT_START);
	for (p = 40000; p <= 40009; p++)
		publish_result(0, (uint16_t)p,
			       p >= 40005 ? STATUS_REPLY_DROPPED : STATUS_OK,
			       false);
	publish_ok(1, 1025, 1026);
	publish_result(1, 49152, STATUS_OK, true);
	publish_result(1, 49153, STATUS_OK, true);
	/* Nothing is decided before DONE. */
	cr_assert_eq(r.checks[0].nranges, 0);
	publish(SWEEP_EVENT_DONE);

	cr_assert_eq(r.checks[0].nranges, 2);
	fixture_assert_range(&r.checks[0], 0, 40000, 40004, STATUS_OK);
	fixture_assert_range(&r.checks[0], 1, 40005, 40009,
			     STATUS_REPLY_DROPPED);
	cr_assert_eq(r.checks[0].counts[STATUS_OK], 5);
	cr_assert_eq(r.checks[0].counts[STATUS_REPLY_DROPPED], 5);
	cr_assert_eq(r.checks[0].nat_translated, 0);
	cr_assert_not(r.checks[0].pass);

	cr_assert_eq(r.checks[1].nranges, 2);
	fixture_assert_range(&r.checks[1], 0, 1025, 1026, STATUS_OK);
	fixture_assert_range(&r.checks[1], 1, 49152, 49153, STATUS_OK);
	cr_assert_eq(r.checks[1].counts[STATUS_OK], 4);
	cr_assert_eq(r.checks[1].nat_translated, 2);
	cr_assert(r.checks[1].pass);

	report_finish(&r);
	cr_assert_eq(r.probes, 14);
	cr_assert_not(r.pass);
	cr_assert_eq(report_exit_code(&r), 1);
}

Test(aggregate, ports_without_result_are_local_error)
{
	add_check(PROTO_UDP, 53, "100-104");
	publish(SWEEP_EVENT_START);
	publish_result(0, 100, STATUS_OK, false);
	publish_result(0, 103, STATUS_REJECTED, false);
	publish(SWEEP_EVENT_DONE);
	cr_assert_eq(r.checks[0].nranges, 4);
	fixture_assert_range(&r.checks[0], 0, 100, 100, STATUS_OK);
	fixture_assert_range(&r.checks[0], 1, 101, 102, STATUS_LOCAL_ERROR);
	fixture_assert_range(&r.checks[0], 2, 103, 103, STATUS_REJECTED);
	fixture_assert_range(&r.checks[0], 3, 104, 104, STATUS_LOCAL_ERROR);
	cr_assert_eq(r.checks[0].counts[STATUS_LOCAL_ERROR], 3);
}

Test(aggregate, works_without_start_event)
{
	add_check(PROTO_UDP, 53, "100-101");
	publish_ok(0, 100, 101);
	publish(SWEEP_EVENT_DONE);
	cr_assert_eq(r.checks[0].nranges, 1);
	fixture_assert_range(&r.checks[0], 0, 100, 101, STATUS_OK);
	report_finish(&r);
	cr_assert(r.pass);
	cr_assert_eq(report_exit_code(&r), 0);
}

Test(aggregate, a_done_writes_only_the_checks_that_got_results)
{
	add_check(PROTO_TCP, 80, "32768-60999");
	add_check(PROTO_UDP, 53, "40000-40001");
	/* A sweep of another target ended: nothing of these. */
	publish(SWEEP_EVENT_DONE);
	cr_assert_eq(r.checks[0].nranges, 0);
	cr_assert_eq(r.checks[1].nranges, 0);
	/* This check's sweep: a port never given a result was not probed. */
	publish_result(1, 40000, STATUS_OK, false);
	publish(SWEEP_EVENT_DONE);
	cr_assert_eq(r.checks[0].nranges, 0);
	cr_assert_eq(r.checks[1].nranges, 2);
	fixture_assert_range(&r.checks[1], 0, 40000, 40000, STATUS_OK);
	fixture_assert_range(&r.checks[1], 1, 40001, 40001, STATUS_LOCAL_ERROR);
}

Test(aggregate, later_result_for_a_port_replaces_the_earlier)
{
	add_check(PROTO_UDP, 7000, "5-6");
	publish_result(0, 5, STATUS_DROPPED, true);
	publish_ok(0, 5, 6);
	publish(SWEEP_EVENT_DONE);
	cr_assert_eq(r.checks[0].nranges, 1);
	fixture_assert_range(&r.checks[0], 0, 5, 6, STATUS_OK);
	cr_assert_eq(r.checks[0].nat_translated, 0);
}

Test(aggregate, results_outside_the_plan_are_ignored)
{
	add_check(PROTO_UDP, 7000, "10-11");
	publish_ok(0, 10, 11);
	publish_result(0, 12, STATUS_REJECTED, false);
	publish_result(5, 10, STATUS_REJECTED, false);
	publish(SWEEP_EVENT_DONE);
	cr_assert_eq(r.checks[0].nranges, 1);
	fixture_assert_range(&r.checks[0], 0, 10, 11, STATUS_OK);
	report_finish(&r);
	cr_assert(r.pass);
}

Test(aggregate, other_event_types_change_nothing)
{
	struct sweep_event ev;

	add_check(PROTO_UDP, 7000, "10");
	memset(&ev, 0, sizeof ev);
	ev.sport = 10;
	ev.type = SWEEP_EVENT_SENT;
	event_bus_publish(&bus, &ev);
	ev.type = SWEEP_EVENT_REPLY;
	event_bus_publish(&bus, &ev);
	ev.type = SWEEP_EVENT_TIMEOUT;
	event_bus_publish(&bus, &ev);
	publish(SWEEP_EVENT_DONE);
	cr_assert_eq(r.checks[0].nranges, 0);
}
