/* Unit tests for reports/diff.c: changed ranges, regressions, mismatches. */
/* Reports are built in memory; the printed diff is compared byte for byte. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "reports/diff.h"
#include "reports/report.h"
#include "tests/unit/fixture_assert.h"
#include "tests/unit/fixture_report.h"

static void
report_init(struct report *r, const char *started_at)
{
	fixture_report_init(r, started_at, started_at);
}

/* The two reports each test compares: old started at A, new at B. */
static struct report old, new;

static void
diff_setup(void)
{
	report_init(&old, "A");
	report_init(&new, "B");
}

static void
diff_teardown(void)
{
	report_free(&old);
	report_free(&new);
}

TestSuite(diff, .init = diff_setup, .fini = diff_teardown);

/* Makes old and new the runs of two days in a row. */
static void
daily_runs(void)
{
	diff_teardown();
	report_init(&old, "2026-11-19T23:48:00Z");
	report_init(&new, "2026-11-20T23:48:00Z");
}

/*
 * Adds a check whose ports are ok except those in spec, a list of
 * "FROM-TO=STATUS" items separated by spaces.
 */
static struct report_check *
add_check(struct report *r, enum proto proto, uint16_t port,
	  enum service service, const char *sports_text, const char *spec)
{
	struct report_check *c =
		fixture_add_check(r, proto, port, service, sports_text);

	fixture_set_statuses(c, spec);
	return c;
}

static char *
render(const struct report_diff *d)
{
	struct fixture_text t;

	report_diff_write(d, "old.json", "new.json", fixture_text_open(&t));
	return fixture_text_take(&t);
}

/* Diffs old against new, expecting success, and checks the text. */
static void
assert_diff(bool regressed, const char *expected)
{
	struct report_diff d;

	report_finish(&old);
	report_finish(&new);
	FIXTURE_OK(report_diff_compute, &old, &new, &d);
	cr_assert_eq(report_diff_regressed(&d), regressed);
	fixture_assert_text(render(&d), expected);
	report_diff_free(&d);
}

static void
assert_mismatch(const char *expected)
{
	struct report_diff d;
	char *cause = NULL;

	report_finish(&old);
	report_finish(&new);
	cr_assert_eq(report_diff_compute(&old, &new, &d, &cause), -1);
	cr_assert_str_eq(cause, expected);
	free(cause);
}

Test(diff, clean_to_broken_is_a_regression_naming_the_range)
{
	daily_runs();
	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40999", "");
	add_check(&old, PROTO_TCP, 7000, SERVICE_ECHO, "40000-40999", "");
	add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40999",
		  "40500-40999=reply_dropped");
	add_check(&new, PROTO_TCP, 7000, SERVICE_ECHO, "40000-40999", "");
	assert_diff(true,
		    "--- old.json  2026-11-19T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  pass\n"
		    "+++ new.json  2026-11-20T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  FAIL\n"
		    "udp/7000 echo  sports 40000-40999: pass -> FAIL, 1 range "
		    "changed\n"
		    "  40500-40999  ok -> reply_dropped (500 ports): newly not "
		    "ok\n"
		    "    hits Linux clients (1.8% of their range), Linux "
		    "(legacy) 1.8%, NAT gateway/ELB 0.8%\n"
		    "tcp/7000 echo  sports 40000-40999: unchanged (pass)\n"
		    "Summary: 2 checks compared: 500 ports newly not ok, 0 "
		    "fixed, 0 changed status: REGRESSION\n");
}

Test(diff, broken_to_clean_is_a_fix_and_no_regression)
{
	daily_runs();
	add_check(&old, PROTO_UDP, 53, SERVICE_DNS, "32768-60999",
		  "49152-60999=reply_dropped");
	add_check(&new, PROTO_UDP, 53, SERVICE_DNS, "32768-60999", "");
	assert_diff(false,
		    "--- old.json  2026-11-19T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  FAIL\n"
		    "+++ new.json  2026-11-20T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  pass\n"
		    "udp/53 dns  sports 32768-60999: FAIL -> pass, 1 range "
		    "changed\n"
		    "  49152-60999  reply_dropped -> ok (11848 ports): fixed\n"
		    "Summary: 1 check compared: 0 ports newly not ok, 11848 "
		    "fixed, 0 changed status: no regression\n");
}

Test(diff, a_hole_that_moves_is_named_piece_by_piece)
{
	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "100-399",
		  "100-199=reply_dropped 300-300=rejected");
	add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "100-399",
		  "100-149=request_dropped 200-249=reply_dropped "
		  "300-300=rejected 399-399=local_error");
	assert_diff(true,
		    "--- old.json  A  198.18.1.1 -> 198.18.2.1  FAIL\n"
		    "+++ new.json  B  198.18.1.1 -> 198.18.2.1  FAIL\n"
		    "udp/7000 echo  sports 100-399: FAIL -> FAIL, 4 ranges "
		    "changed\n"
		    "  100-149  reply_dropped -> request_dropped (50 ports): "
		    "still not ok\n"
		    "    hits no common client range\n"
		    "  150-199  reply_dropped -> ok (50 ports): fixed\n"
		    "  200-249  ok -> reply_dropped (50 ports): newly not ok\n"
		    "    hits no common client range\n"
		    "  399  ok -> local_error (1 port): newly not ok\n"
		    "Summary: 1 check compared: 51 ports newly not ok, 50 "
		    "fixed, 50 changed status: REGRESSION\n");
}

Test(diff, changes_are_never_merged_across_a_sports_gap)
{
	add_check(&old, PROTO_TCP, 7000, SERVICE_ECHO, "1025-5000,49152-65535",
		  "");
	add_check(&new, PROTO_TCP, 7000, SERVICE_ECHO, "1025-5000,49152-65535",
		  "4991-5000=dropped 49152-49161=dropped");
	assert_diff(true,
		    "--- old.json  A  198.18.1.1 -> 198.18.2.1  pass\n"
		    "+++ new.json  B  198.18.1.1 -> 198.18.2.1  FAIL\n"
		    "tcp/7000 echo  sports 1025-5000,49152-65535: pass -> "
		    "FAIL, 2 ranges changed\n"
		    "  4991-5000  ok -> dropped (10 ports): newly not ok\n"
		    "    hits Windows XP/2003 clients (0.3% of their range), "
		    "NAT gateway/ELB <0.1%\n"
		    "  49152-49161  ok -> dropped (10 ports): newly not ok\n"
		    "    hits Windows Vista+ clients (0.1% of their range), "
		    "Linux <0.1%, Linux (legacy) <0.1%, NAT gateway/ELB "
		    "<0.1%\n"
		    "Summary: 1 check compared: 20 ports newly not ok, 0 "
		    "fixed, 0 changed status: REGRESSION\n");
}

Test(diff, checks_in_one_report_only_are_listed)
{
	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "100-199", "");
	add_check(&old, PROTO_UDP, 53, SERVICE_DNS, "100-199", "");
	add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "100-199", "");
	add_check(&new, PROTO_TCP, 80, SERVICE_HTTP, "100-199",
		  "100-100=rejected");
	assert_diff(true,
		    "--- old.json  A  198.18.1.1 -> 198.18.2.1  pass\n"
		    "+++ new.json  B  198.18.1.1 -> 198.18.2.1  FAIL\n"
		    "udp/7000 echo  sports 100-199: unchanged (pass)\n"
		    "no longer probed: udp/53 dns  sports 100-199 (vanished: "
		    "it may no longer be checked)\n"
		    "newly probed: tcp/80 http  sports 100-199 (FAIL)\n"
		    "Summary: 1 check compared: 0 ports newly not ok, 0 fixed, "
		    "0 changed status, 1 check vanished: REGRESSION\n");
}

Test(diff, a_changed_service_is_shown)
{
	add_check(&old, PROTO_UDP, 53, SERVICE_ECHO, "100-101", "");
	add_check(&new, PROTO_UDP, 53, SERVICE_DNS, "100-101", "");
	assert_diff(false,
		    "--- old.json  A  198.18.1.1 -> 198.18.2.1  pass\n"
		    "+++ new.json  B  198.18.1.1 -> 198.18.2.1  pass\n"
		    "udp/53 echo -> dns  sports 100-101: unchanged (pass)\n"
		    "Summary: 1 check compared: 0 ports newly not ok, 0 fixed, "
		    "0 changed status: no regression\n");
}

Test(diff, many_changed_ranges_are_cut_after_fifty)
{
	struct report_diff d;
	char *cause = NULL, *text;

	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "1000-1199", "");
	fixture_add_check_every_other(&new, 1000, 1199, STATUS_DROPPED);
	report_finish(&old);
	report_finish(&new);
	cr_assert_eq(report_diff_compute(&old, &new, &d, &cause), 0);
	cr_assert_eq(d.checks[0].nranges, 100);
	text = render(&d);
	cr_assert_not_null(strstr(text, "\n  1099  ok -> dropped (1 port)"));
	cr_assert_null(strstr(text, "\n  1101  ok -> dropped"));
	cr_assert_not_null(strstr(text, "\n  ... and 50 more changed ranges\n"
					"Summary: 1 check compared: 100 ports "
					"newly not ok, 0 fixed, 0 changed "
					"status: REGRESSION\n"));
	free(text);
	report_diff_free(&d);
}

Test(diff, other_sports_for_a_check_cannot_be_compared)
{
	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40999", "");
	add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "40000-41999", "");
	assert_mismatch("udp/7000 to 198.18.2.1 swept other source ports: "
			"40000-40999 in the old report, 40000-41999 in the "
			"new one; compare reports of the same sweep");
}

Test(diff, reports_of_other_targets_have_no_check_in_common)
{
	free(new.target_address);
	new.target_address = xstrdup("198.18.2.9");
	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40999", "");
	add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40999", "");
	assert_mismatch("no check in common: the old report probed "
			"198.18.2.1, the new one 198.18.2.9");
}

Test(diff, reports_of_other_ports_have_no_check_in_common)
{
	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "40000-40999", "");
	add_check(&old, PROTO_TCP, 7000, SERVICE_ECHO, "40000-40999", "");
	add_check(&new, PROTO_UDP, 53, SERVICE_DNS, "40000-40999", "");
	assert_mismatch("no check in common: the old report holds udp/7000, "
			"tcp/7000, the new one udp/53");
}

Test(diff, free_of_a_zeroed_diff_is_harmless)
{
	struct report_diff d;

	memset(&d, 0, sizeof d);
	report_diff_free(&d);
	report_diff_free(NULL);
}

Test(diff, a_blocked_range_that_opens_is_a_regression)
{
	static const struct expect_range blocked[] = {
		{4990, 5010, EXPECT_BLOCKED}};
	struct report_check *c;

	daily_runs();
	c = add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "4980-5020",
		      "4990-5010=reply_dropped 5020-5020=reply_dropped");
	report_check_set_expectations(c, EXPECT_OPEN, blocked, 1);
	c = add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "4980-5020", "");
	report_check_set_expectations(c, EXPECT_OPEN, blocked, 1);
	assert_diff(true,
		    "--- old.json  2026-11-19T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  FAIL\n"
		    "+++ new.json  2026-11-20T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  FAIL\n"
		    "udp/7000 echo  sports 4980-5020: FAIL -> FAIL, 2 ranges "
		    "changed\n"
		    "  4990-5010  reply_dropped -> ok (21 ports): no longer as "
		    "expected (expected blocked)\n"
		    "  5020  reply_dropped -> ok (1 port): fixed\n"
		    "Summary: 1 check compared: 21 ports no longer as "
		    "expected, 1 now as expected, 0 changed status: "
		    "REGRESSION\n");
}

Test(diff, a_blocked_range_that_closes_is_no_regression)
{
	static const struct expect_range blocked[] = {
		{4990, 5010, EXPECT_DROPPED}};
	struct report_check *c;

	daily_runs();
	c = add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "4980-5020", "");
	report_check_set_expectations(c, EXPECT_OPEN, blocked, 1);
	c = add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "4980-5020",
		      "4990-5000=rejected 5001-5010=reply_dropped");
	report_check_set_expectations(c, EXPECT_OPEN, blocked, 1);
	assert_diff(false,
		    "--- old.json  2026-11-19T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  FAIL\n"
		    "+++ new.json  2026-11-20T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  FAIL\n"
		    "udp/7000 echo  sports 4980-5020: FAIL -> FAIL, 2 ranges "
		    "changed\n"
		    "  4990-5000  ok -> rejected (11 ports): still not as "
		    "expected (expected dropped)\n"
		    "    hits Windows XP/2003 clients (0.3% of their range), "
		    "NAT gateway/ELB <0.1%\n"
		    "  5001-5010  ok -> reply_dropped (10 ports): now as "
		    "expected (expected dropped)\n"
		    "    hits NAT gateway/ELB clients (<0.1% of their range)\n"
		    "Summary: 1 check compared: 0 ports no longer as expected, "
		    "10 now as expected, 11 changed status: no regression\n");
}

Test(diff, checks_match_by_their_own_target)
{
	struct report_check *c;

	daily_runs();
	report_add_target(&old, "a", "198.18.2.1", true, "198.18.1.1");
	report_add_target(&old, "b", "198.18.2.2", true, "198.18.1.1");
	report_add_target(&new, "a", "198.18.2.1", true, "198.18.1.1");
	report_add_target(&new, "b", "198.18.2.2", true, "198.18.1.1");
	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "1-2", "");
	c = add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "1-2", "");
	c->target = 1;
	/* The new report lists them the other way round. */
	c = add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "1-2",
		      "2-2=reply_dropped");
	c->target = 1;
	add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "1-2", "");
	assert_diff(true,
		    "--- old.json  2026-11-19T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  pass\n"
		    "+++ new.json  2026-11-20T23:48:00Z  198.18.1.1 -> "
		    "198.18.2.1  FAIL\n"
		    "udp/7000 echo  sports 1-2: pass -> FAIL, 1 range changed\n"
		    "  2  ok -> reply_dropped (1 port): newly not ok\n"
		    "    hits no common client range\n"
		    "udp/7000 echo  sports 1-2: unchanged (pass)\n"
		    "Summary: 2 checks compared: 1 port newly not ok, 0 fixed, "
		    "0 changed status: REGRESSION\n");
}

Test(diff, unfinished_ports_are_neither_regressed_nor_fixed)
{
	add_check(&old, PROTO_UDP, 7000, SERVICE_ECHO, "100-109",
		  "105-109=unfinished");
	add_check(&new, PROTO_UDP, 7000, SERVICE_ECHO, "100-109",
		  "100-101=unfinished");
	assert_diff(
		false,
		"--- old.json  A  198.18.1.1 -> 198.18.2.1  FAIL\n"
		"+++ new.json  B  198.18.1.1 -> 198.18.2.1  FAIL\n"
		"udp/7000 echo  sports 100-109: FAIL -> FAIL, 2 ranges "
		"changed\n"
		"  100-101  ok -> unfinished (2 ports): not measured in one "
		"run\n"
		"  105-109  unfinished -> ok (5 ports): not measured in one "
		"run\n"
		"Summary: 1 check compared: 0 ports newly not ok, 0 fixed, "
		"7 changed status: no regression\n");
}
