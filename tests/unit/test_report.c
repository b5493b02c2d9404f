/* Unit tests for reports/report.c: statuses into ranges, counts, verdicts. */
/* Ranges must cover every swept port once, in order, never across a gap. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "tests/unit/fixture_report.h"

/* Each test's report, freed after the test. */
static struct report r;

static void
report_setup(void)
{
	memset(&r, 0, sizeof r);
}

static void
report_teardown(void)
{
	report_free(&r);
}

TestSuite(report, .init = report_setup, .fini = report_teardown);

static struct report_check *
add_check(enum proto proto, uint16_t port, const char *sports_text)
{
	return fixture_add_check(&r, proto, port, SERVICE_ECHO, sports_text);
}

/* One status per port of c, filled with s. */
static uint8_t *
statuses_filled(const struct report_check *c, enum probe_status s)
{
	size_t n = range_list_size(&c->sports);
	uint8_t *statuses = malloc(n);

	memset(statuses, s, n);
	return statuses;
}

/* Sets c's statuses: ok, but status for the ports at index first to
 * end - 1. */
static void
set_ok_except(struct report_check *c, size_t first, size_t end,
	      enum probe_status status)
{
	uint8_t *statuses = statuses_filled(c, STATUS_OK);
	size_t i;

	for (i = first; i < end; i++)
		statuses[i] = (uint8_t)status;
	report_check_set_statuses(c, statuses);
	free(statuses);
}

Test(report, add_check_copies_sports_and_starts_empty)
{
	struct range_list sports = {NULL, 0};
	struct report_check *c;
	char *text;

	range_list_add(&sports, 32768, 60999);
	c = report_add_check(&r, PROTO_UDP, 53, SERVICE_DNS, &sports);
	range_list_add(&sports, 1025, 5000);
	range_list_free(&sports);
	cr_assert_eq(r.nchecks, 1);
	cr_assert_eq(c->proto, PROTO_UDP);
	cr_assert_eq(c->port, 53);
	cr_assert_eq(c->service, SERVICE_DNS);
	text = range_list_format(&c->sports);
	cr_assert_str_eq(text, "32768-60999");
	free(text);
	cr_assert_eq(c->nranges, 0);
	cr_assert_null(c->ranges);
	cr_assert_eq(c->nat_translated, 0);
}

Test(report, all_ok_is_one_range_and_passes)
{
	struct report_check *c = add_check(PROTO_UDP, 7000, "32768-65535");

	set_ok_except(c, 0, 0, STATUS_OK);
	fixture_assert_ranges(c, "32768-65535=ok");
	cr_assert_eq(c->counts[STATUS_OK], 32768);
	cr_assert(c->pass);
}

Test(report, upper_half_dropped_gives_two_ranges_and_fails)
{
	struct report_check *c = add_check(PROTO_UDP, 7000, "32768-65535");

	set_ok_except(c, 49152 - 32768, 32768, STATUS_REPLY_DROPPED);
	fixture_assert_ranges(c, "32768-49151=ok 49152-65535=reply_dropped");
	cr_assert_eq(c->counts[STATUS_OK], 16384);
	cr_assert_eq(c->counts[STATUS_REPLY_DROPPED], 16384);
	cr_assert_eq(c->counts[STATUS_REQUEST_DROPPED], 0);
	cr_assert_eq(c->counts[STATUS_DROPPED], 0);
	cr_assert_eq(c->counts[STATUS_REJECTED], 0);
	cr_assert_eq(c->counts[STATUS_LOCAL_ERROR], 0);
	cr_assert_not(c->pass);
}

Test(report, status_range_never_spans_the_gap_between_sports_ranges)
{
	struct report_check *c =
		add_check(PROTO_TCP, 53, "1025-5000,49152-65535");

	set_ok_except(c, 0, 0, STATUS_OK);
	fixture_assert_ranges(c, "1025-5000=ok 49152-65535=ok");
	cr_assert_eq(c->counts[STATUS_OK], 3976 + 16384);
	cr_assert(c->pass);
}

Test(report, status_change_at_the_gap_splits_there)
{
	struct report_check *c =
		add_check(PROTO_UDP, 123, "1025-5000,49152-65535");

	/* Last 1000 of the first range and first 10 of the second drop. */
	set_ok_except(c, 3976 - 1000, 3976 + 10, STATUS_REQUEST_DROPPED);
	fixture_assert_ranges(c, "1025-4000=ok 4001-5000=request_dropped "
				 "49152-49161=request_dropped 49162-65535=ok");
	cr_assert_eq(c->counts[STATUS_REQUEST_DROPPED], 1010);
	cr_assert_eq(c->counts[STATUS_OK], 3976 + 16384 - 1010);
}

Test(report, every_port_is_covered_exactly_once_in_order)
{
	struct report_check *c;
	uint8_t *statuses;
	size_t i, n, covered = 0, index = 0;

	c = add_check(PROTO_UDP, 7000, "100-199,300,1000-1099");
	n = range_list_size(&c->sports);
	statuses = malloc(n);
	for (i = 0; i < n; i++)
		statuses[i] = (uint8_t)((i / 7) % STATUS_COUNT);
	report_check_set_statuses(c, statuses);
	for (i = 0; i < c->nranges; i++) {
		const struct status_range *sr = &c->ranges[i];
		uint32_t p;

		cr_assert_leq(sr->from, sr->to);
		if (i > 0) {
			cr_assert_gt(sr->from, c->ranges[i - 1].to);
			/* Equal neighbours are merged unless a gap parts them.
			 */
			if (sr->from == c->ranges[i - 1].to + 1)
				cr_assert_neq(sr->status,
					      c->ranges[i - 1].status);
		}
		for (p = sr->from; p <= sr->to; p++, index++) {
			cr_assert_eq(range_list_port_at(&c->sports, index), p);
			cr_assert_eq(statuses[index], sr->status);
		}
		covered += (size_t)sr->to - sr->from + 1;
	}
	cr_assert_eq(covered, n);
	cr_assert_eq(index, n);
	free(statuses);
}

Test(report, alternating_statuses_give_one_range_per_run)
{
	static const uint8_t statuses[6] = {
		STATUS_OK,	 STATUS_OK, STATUS_REJECTED,
		STATUS_REJECTED, STATUS_OK, STATUS_LOCAL_ERROR,
	};
	struct report_check *c;

	c = add_check(PROTO_TCP, 7000, "40000-40005");
	report_check_set_statuses(c, statuses);
	fixture_assert_ranges(c, "40000-40001=ok 40002-40003=rejected "
				 "40004-40004=ok 40005-40005=local_error");
	cr_assert_eq(c->counts[STATUS_OK], 3);
	cr_assert_eq(c->counts[STATUS_REJECTED], 2);
	cr_assert_eq(c->counts[STATUS_LOCAL_ERROR], 1);
	cr_assert_not(c->pass);
}

Test(report, unknown_status_value_counts_as_local_error)
{
	static const uint8_t statuses[2] = {STATUS_OK, 200};
	struct report_check *c;

	c = add_check(PROTO_UDP, 7000, "1-2");
	report_check_set_statuses(c, statuses);
	cr_assert_eq(c->nranges, 2);
	fixture_assert_range(c, 1, 2, 2, STATUS_LOCAL_ERROR);
	cr_assert_eq(c->counts[STATUS_LOCAL_ERROR], 1);
}

Test(report, setting_statuses_again_replaces_ranges_and_counts)
{
	static const uint8_t first[3] = {STATUS_OK, STATUS_DROPPED, STATUS_OK};
	static const uint8_t second[3] = {STATUS_OK, STATUS_OK, STATUS_OK};
	struct report_check *c;

	c = add_check(PROTO_UDP, 7000, "10-12");
	report_check_set_statuses(c, first);
	cr_assert_eq(c->nranges, 3);
	cr_assert_not(c->pass);
	report_check_set_statuses(c, second);
	fixture_assert_ranges(c, "10-12=ok");
	cr_assert_eq(c->counts[STATUS_OK], 3);
	cr_assert_eq(c->counts[STATUS_DROPPED], 0);
	cr_assert(c->pass);
}

Test(report, single_port_sports_gives_single_port_range)
{
	static const uint8_t statuses[1] = {STATUS_REJECTED};
	struct report_check *c;

	c = add_check(PROTO_TCP, 80, "65535");
	report_check_set_statuses(c, statuses);
	fixture_assert_ranges(c, "65535-65535=rejected");
}

/* Finishes r and checks its probes, its verdict and its exit code. */
static void
assert_finished(size_t probes, bool pass, int exit_code)
{
	report_finish(&r);
	cr_assert_eq(r.probes, probes);
	cr_assert_eq(r.pass, pass);
	cr_assert_eq(report_exit_code(&r), exit_code);
}

Test(report, finish_sums_probes_and_fails_when_one_check_fails)
{
	add_check(PROTO_UDP, 7000, "32768-65535");
	add_check(PROTO_TCP, 7000, "32768-65535");
	set_ok_except(&r.checks[0], 0, 0, STATUS_OK);
	set_ok_except(&r.checks[1], 100, 101, STATUS_REPLY_DROPPED);
	assert_finished(65536, false, 1);
}

Test(report, finish_passes_when_every_check_passes)
{
	add_check(PROTO_UDP, 53, "1025-5000,49152-65535");
	set_ok_except(&r.checks[0], 0, 0, STATUS_OK);
	assert_finished(20360, true, 0);
}

Test(report, finish_of_empty_report_passes)
{
	assert_finished(0, true, 0);
}

Test(report, check_passes_only_when_every_port_is_ok)
{
	static const uint8_t ok[2] = {STATUS_OK, STATUS_OK};
	static const uint8_t local[2] = {STATUS_OK, STATUS_LOCAL_ERROR};
	struct report_check *c;

	c = add_check(PROTO_UDP, 7000, "1-2");
	report_check_set_statuses(c, ok);
	cr_assert(report_check_passes(c));
	report_check_set_statuses(c, local);
	cr_assert_not(report_check_passes(c));
}

Test(report, free_of_null_is_a_no_op_and_free_twice_is_safe)
{
	report_free(NULL);
	r.started_at = strdup("2026-11-20T10:00:00Z");
	add_check(PROTO_UDP, 1, "1");
	report_free(&r);
	cr_assert_null(r.checks);
	cr_assert_eq(r.nchecks, 0);
	cr_assert_null(r.started_at);
	report_free(&r);
}

static void
assert_mismatch(const struct report_check *c, size_t i, uint16_t from,
		uint16_t to, enum probe_status status,
		enum expectation expected)
{
	cr_assert_lt(i, c->nmismatches);
	cr_assert_eq(c->mismatches[i].from, from, "mismatch %zu from %u", i,
		     c->mismatches[i].from);
	cr_assert_eq(c->mismatches[i].to, to, "mismatch %zu to %u", i,
		     c->mismatches[i].to);
	cr_assert_eq(c->mismatches[i].status, status);
	cr_assert_eq(c->mismatches[i].expected, expected);
}

Test(report, every_status_meets_exactly_its_expectations)
{
	/* Rows: statuses in enum order; columns: open, blocked, dropped,
	 * rejected. */
	static const bool meets[STATUS_COUNT][EXPECT_COUNT] = {
		{true, false, false, false}, /* ok */
		{false, true, true, false}, /* reply_dropped */
		{false, true, true, false}, /* request_dropped */
		{false, true, true, false}, /* dropped */
		{false, true, false, true}, /* rejected */
		{false, false, false, false}, /* local_error */
		{false, true, true, false}, /* host_dropped */
		{false, false, false, false}, /* unfinished */
	};
	int s, e;

	for (s = 0; s < STATUS_COUNT; s++)
		for (e = 0; e < EXPECT_COUNT; e++)
			cr_assert_eq(report_status_meets((enum probe_status)s,
							 (enum expectation)e),
				     meets[s][e], "%s expected %s",
				     status_name((enum probe_status)s),
				     expectation_name((enum expectation)e));
}

Test(report, open_checks_mismatch_where_not_ok)
{
	struct report_check *c;

	c = add_check(PROTO_UDP, 7000, "100-109,200-204");
	fixture_set_statuses(c, "103-109=reply_dropped 200-201=reply_dropped "
				"204-204=local_error");
	cr_assert_not(c->pass);
	cr_assert_eq(c->nmismatches, 3);
	/* Never merged across the gap between 109 and 200. */
	assert_mismatch(c, 0, 103, 109, STATUS_REPLY_DROPPED, EXPECT_OPEN);
	assert_mismatch(c, 1, 200, 201, STATUS_REPLY_DROPPED, EXPECT_OPEN);
	assert_mismatch(c, 2, 204, 204, STATUS_LOCAL_ERROR, EXPECT_OPEN);
	cr_assert_not(report_check_has_expectations(c));
}

Test(report, expectations_decide_the_verdict_port_by_port)
{
	static const struct expect_range ranges[] = {
		{100, 104, EXPECT_OPEN},
		{105, 106, EXPECT_DROPPED},
		{107, 109, EXPECT_REJECTED},
	};
	struct report_check *c;
	uint16_t last;

	c = add_check(PROTO_TCP, 7000, "95-112");
	fixture_set_statuses(
		c, "95-99=reply_dropped 105-106=request_dropped "
		   "107-108=rejected 109-109=dropped 110-112=local_error");
	cr_assert_not(c->pass);
	report_check_set_expectations(c, EXPECT_BLOCKED, ranges, 3);
	cr_assert(report_check_has_expectations(c));
	cr_assert_eq(report_check_expect_at(c, 95, &last), EXPECT_BLOCKED);
	cr_assert_eq(last, 99);
	cr_assert_eq(report_check_expect_at(c, 106, &last), EXPECT_DROPPED);
	cr_assert_eq(last, 106);
	cr_assert_eq(report_check_expect_at(c, 110, &last), EXPECT_BLOCKED);
	cr_assert_eq(last, 65535);
	/* 109 dropped where rejected is expected; local_error never meets. */
	cr_assert_eq(c->nmismatches, 2);
	assert_mismatch(c, 0, 109, 109, STATUS_DROPPED, EXPECT_REJECTED);
	assert_mismatch(c, 1, 110, 112, STATUS_LOCAL_ERROR, EXPECT_BLOCKED);
	cr_assert_not(c->pass);
}

Test(report, a_check_meeting_every_expectation_passes)
{
	static const struct expect_range ranges[] = {
		{4990, 5010, EXPECT_BLOCKED}};
	struct report_check *c;
	struct mismatch_range *segments;
	size_t n;

	c = add_check(PROTO_UDP, 7000, "4980-5020");
	report_check_set_expectations(c, EXPECT_OPEN, ranges, 1);
	/* Not measured yet: no verdict of pass. */
	cr_assert_not(c->pass);
	fixture_set_statuses(c, "4990-5010=reply_dropped");
	cr_assert(c->pass);
	cr_assert_eq(c->nmismatches, 0);
	n = report_check_segments(c, &segments);
	cr_assert_eq(n, 3);
	cr_assert_eq(segments[1].from, 4990);
	cr_assert_eq(segments[1].to, 5010);
	cr_assert_eq(segments[1].status, STATUS_REPLY_DROPPED);
	cr_assert_eq(segments[1].expected, EXPECT_BLOCKED);
	free(segments);
	report_finish(&r);
	cr_assert(r.pass);
	cr_assert_eq(report_exit_code(&r), 0);
}

Test(report, adjacent_expectations_split_segments_not_mismatches)
{
	static const struct expect_range ranges[] = {{10, 14, EXPECT_BLOCKED},
						     {15, 19, EXPECT_BLOCKED}};
	struct report_check *c;
	struct mismatch_range *segments;

	c = add_check(PROTO_UDP, 7000, "10-19");
	report_check_set_expectations(c, EXPECT_OPEN, ranges, 2);
	fixture_set_statuses(c, "");
	/* Equal neighbours merge: one mismatch, one segment. */
	cr_assert_eq(c->nmismatches, 1);
	assert_mismatch(c, 0, 10, 19, STATUS_OK, EXPECT_BLOCKED);
	cr_assert_eq(report_check_segments(c, &segments), 1);
	free(segments);
}

Test(report, targets_fill_the_top_level_fields_from_the_first)
{
	struct report_check *c;
	struct report_target scratch;
	const struct report_target *t;

	c = add_check(PROTO_UDP, 7000, "1");
	t = report_check_target(&r, c, &scratch);
	cr_assert_eq(t, &scratch);
	cr_assert_str_eq(t->address, "");
	cr_assert_eq(report_add_target(&r, "app", "198.18.2.1", true, ""), 0);
	cr_assert_eq(report_add_target(&r, "dns", "198.18.2.53", false,
				       "198.18.1.1"),
		     1);
	cr_assert_str_eq(r.target_address, "198.18.2.1");
	cr_assert(r.target_agent);
	cr_assert_str_eq(r.probe_bind, "");
	report_set_target_bind(&r, 0, "198.18.1.1");
	cr_assert_str_eq(r.probe_bind, "198.18.1.1");
	report_set_target_bind(&r, 1, "198.18.1.2");
	cr_assert_str_eq(r.probe_bind, "198.18.1.1");
	cr_assert_str_eq(r.targets[1].bind, "198.18.1.2");
	c->target = 1;
	cr_assert_eq(report_check_target(&r, c, &scratch), &r.targets[1]);
	cr_assert_eq(report_check_target(&r, NULL, &scratch), &r.targets[0]);
}

Test(report, a_stopped_run_marks_what_it_never_measured_unfinished)
{
	struct report_check *done, *open;

	add_check(PROTO_UDP, 7000, "100-109");
	add_check(PROTO_TCP, 7000, "100-104,200-204");
	/* Only the first was measured before the run stopped. */
	set_ok_except(&r.checks[0], 0, 0, STATUS_OK);
	report_set_error(&r, "interrupted by SIGINT before the run finished");
	report_mark_unfinished(&r);
	report_finish(&r);
	done = &r.checks[0];
	open = &r.checks[1];
	fixture_assert_ranges(done, "100-109=ok");
	cr_assert(done->pass);
	fixture_assert_ranges(open, "100-104=unfinished 200-204=unfinished");
	cr_assert_eq(open->counts[STATUS_UNFINISHED], 10);
	cr_assert_not(open->pass);
	cr_assert(r.partial);
	cr_assert_not(r.pass);
	cr_assert_eq(report_exit_code(&r), 1);
}

Test(report, an_error_fails_a_run_whose_ports_all_passed)
{
	set_ok_except(add_check(PROTO_UDP, 7000, "100-101"), 0, 0, STATUS_OK);
	report_finish(&r);
	cr_assert(r.pass);
	cr_assert_not(r.partial);
	report_set_error(&r, "the agent was lost");
	report_finish(&r);
	cr_assert_not(r.pass);
}

/* The probe's own outputs and those rendered from its JSON must agree: a
 * round trip of 0.150144 ms (an RTT bucket) printed "0.2 ms" from memory
 * and "0.1 ms" from the JSON's 0.150. */
Test(report, measures_are_held_at_the_json_precision)
{
	struct report_check *c = add_check(PROTO_UDP, 7000, "40000-40999");
	char mem[32], json[32];

	report_check_set_measures(c, true, 0.000049, true, 0.150144,
				  15468.74984);
	cr_assert(c->has_loss);
	cr_assert(c->has_rtt);
	cr_assert_float_eq(c->loss, 0.0, 1e-12);
	cr_assert_float_eq(c->rtt_p50_ms, 0.150, 1e-12);
	cr_assert_float_eq(c->rtt_p99_ms, 15468.750, 1e-9);
	snprintf(mem, sizeof mem, "%.1f", c->rtt_p50_ms);
	snprintf(json, sizeof json, "%.1f",
		 report_round(c->rtt_p50_ms, REPORT_TIME_DECIMALS));
	cr_assert_str_eq(mem, json);
	report_check_set_measures(c, false, 0.5, false, 1, 2);
	cr_assert_not(c->has_loss);
	cr_assert_not(c->has_rtt);
	cr_assert_float_eq(c->rtt_p50_ms, 0.0, 1e-12);
}
