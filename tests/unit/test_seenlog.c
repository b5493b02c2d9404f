/* Unit tests for common/seenlog.c: the seen-log's bitmaps on the wire. */
/* The full nightly sweep (6 checks x 64,512 ports) round-trips in one
 * message; truncated and hostile members are refused with their cause. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/control.h"
#include "common/seenlog.h"

static struct check_list checks;

static void
setup(void)
{
	char *cause = NULL;

	cr_assert_eq(check_list_parse("udp/53,tcp/53,udp/123,tcp/80,udp/7000,"
				      "tcp/7000",
				      &checks, &cause),
		     0);
}

static void
teardown(void)
{
	check_list_free(&checks);
}

TestSuite(seenlog, .init = setup, .fini = teardown);

/* A report where every set holds a different pattern. */
static void
fill(struct seen_report *r)
{
	size_t c, i;

	for (c = 0; c < r->nchecks; c++)
		for (i = 0; i < r->nsports; i++) {
			if ((i + c) % 3 == 0)
				seen_report_set(r, c, SEEN_WIRE_IN, i);
			if ((i * 7 + c) % 5 == 1)
				seen_report_set(r, c, SEEN_SOCKET, i);
			if (i % 11 == c)
				seen_report_set(r, c, SEEN_WIRE_OUT, i);
			if (i == r->nsports - 1)
				seen_report_set(r, c, SEEN_NAT, i);
		}
}

Test(seenlog, full_sweep_round_trips_in_one_message)
{
	struct seen_expect expect = {&checks, 64512};
	struct seen_report r, out;
	size_t c, i, set, len, entries = 0;
	char *cause = NULL;
	uint8_t *frame;
	cJSON *json = control_message_new("seen");

	seen_report_init(&r, &checks, 64512);
	r.session = 0xdeadbeef;
	r.evidence = EVIDENCE_CAPTURE;
	r.checks[2].socket_overflows = 17;
	r.losses.capture_drops = 3;
	r.losses.withheld = (uint64_t)1 << 40;
	r.has_nat_sample = true;
	strcpy(r.nat_addr, "198.18.2.254");
	r.nat_port = 20001;
	fill(&r);
	seen_report_to_json(&r, json);
	frame = control_frame_encode(json, &len, &cause);
	cr_assert_not_null(frame, "%s", cause);
	/* 6 x 4 bitmaps of 8,064 bytes in base64: about 260 KB. */
	cr_assert_lt(len, 270000);
	cr_assert_gt(len, 200000);
	cr_assert_eq(seen_report_from_json(json, &expect, &out, &cause), 0,
		     "%s", cause);
	cr_assert_eq(out.session, 0xdeadbeef);
	cr_assert_eq(out.evidence, EVIDENCE_CAPTURE);
	cr_assert_eq(out.nchecks, 6);
	cr_assert_eq(out.nsports, 64512);
	for (c = 0; c < 6; c++) {
		cr_assert_eq(out.checks[c].proto, checks.checks[c].proto);
		cr_assert_eq(out.checks[c].port, checks.checks[c].port);
		for (i = 0; i < 64512; i++) {
			entries++;
			for (set = 0; set < SEEN_SETS; set++)
				if (seen_report_get(&out, c, set, i) !=
				    seen_report_get(&r, c, set, i))
					cr_assert_fail("check %zu port %zu "
						       "set %s differs",
						       c, i,
						       seen_set_name(set));
		}
	}
	cr_assert_eq(entries, 387072);
	cr_assert_eq(out.checks[2].socket_overflows, 17);
	cr_assert_eq(out.losses.capture_drops, 3);
	cr_assert_eq(out.losses.withheld, (uint64_t)1 << 40);
	cr_assert(out.has_nat_sample);
	cr_assert_str_eq(out.nat_addr, "198.18.2.254");
	cr_assert_eq(out.nat_port, 20001);
	seen_report_free(&out);
	seen_report_free(&r);
	cJSON_Delete(json);
	free(frame);
}

Test(seenlog, trailing_zero_bytes_are_left_out)
{
	struct seen_report r;
	cJSON *json = cJSON_CreateObject();
	const cJSON *check;

	seen_report_init(&r, &checks, 64512);
	seen_report_set(&r, 0, SEEN_WIRE_IN, 0);
	seen_report_set(&r, 0, SEEN_WIRE_IN, 9);
	seen_report_to_json(&r, json);
	check = cJSON_GetArrayItem(cJSON_GetObjectItem(json, "checks"), 0);
	cr_assert_str_eq(cJSON_GetObjectItem(check, "wire_in")->valuestring,
			 "AQI=");
	cr_assert_str_eq(cJSON_GetObjectItem(check, "socket")->valuestring, "");
	seen_report_free(&r);
	cJSON_Delete(json);
}

Test(seenlog, set_and_get_refuse_out_of_range)
{
	struct seen_report r;

	seen_report_init(&r, &checks, 10);
	cr_assert(seen_report_set(&r, 5, SEEN_NAT, 9));
	cr_assert_not(seen_report_set(&r, 6, SEEN_NAT, 0));
	cr_assert_not(seen_report_set(&r, 0, SEEN_NAT, 10));
	cr_assert_not(seen_report_get(&r, 0, SEEN_NAT, 10));
	cr_assert(seen_report_get(&r, 5, SEEN_NAT, 9));
	seen_report_clear(&r);
	cr_assert_not(seen_report_get(&r, 5, SEEN_NAT, 9));
	seen_report_free(&r);
}

/* A valid two-check message over 10 ports, with one member replaced. */
static void
expect_refused(const char *member, const char *value, const char *expected)
{
	static const char *base =
		"{\"session\":1,\"evidence\":\"capture\",\"nsports\":10,"
		"\"checks\":[{\"proto\":\"udp\",\"port\":53,\"wire_in\":\"/"
		"wI=\","
		"\"socket\":\"\",\"wire_out\":\"AQ==\",\"nat\":\"\","
		"\"socket_overflows\":0},{\"proto\":\"tcp\",\"port\":53,"
		"\"wire_in\":\"\",\"socket\":\"\",\"wire_out\":\"\",\"nat\":"
		"\"\","
		"\"socket_overflows\":0}],\"losses\":{\"socket_overflows\":0,"
		"\"listen_overflows\":0,\"listen_drops\":0,\"syncookies_sent\":"
		"0,"
		"\"capture_drops\":0,\"not_kept\":0,\"withheld\":0}}";
	struct check_list two = {checks.checks, 2};
	struct seen_expect expect = {&two, 10};
	cJSON *json = cJSON_Parse(base), *check;
	struct seen_report r;
	char *cause = NULL;

	cr_assert_not_null(json);
	if (member != NULL) {
		check = cJSON_GetArrayItem(cJSON_GetObjectItem(json, "checks"),
					   0);
		cJSON *target =
			strncmp(member, "check.", 6) == 0 ? check : json;
		const char *name = target == check ? member + 6 : member;

		cJSON_DeleteItemFromObject(target, name);
		if (value != NULL)
			cJSON_AddItemToObject(target, name, cJSON_Parse(value));
	}
	if (expected == NULL) {
		cr_assert_eq(seen_report_from_json(json, &expect, &r, &cause),
			     0, "%s", cause);
		cr_assert(seen_report_get(&r, 0, SEEN_WIRE_IN, 9));
		cr_assert_not(seen_report_get(&r, 0, SEEN_WIRE_IN, 8));
		cr_assert(seen_report_get(&r, 0, SEEN_WIRE_OUT, 0));
		seen_report_free(&r);
	} else {
		cr_assert_eq(seen_report_from_json(json, &expect, &r, &cause),
			     -1, "%s=%s was accepted", member, value);
		cr_assert_str_eq(cause, expected);
		cr_assert_null(r.checks);
		free(cause);
	}
	cJSON_Delete(json);
}

Test(seenlog, a_valid_message_decodes)
{
	expect_refused(NULL, NULL, NULL);
}

Test(seenlog, bitmaps_longer_than_the_session_are_refused)
{
	expect_refused("check.wire_in", "\"AAAA\"",
		       "'seen' check member \"wire_in\" is longer than a "
		       "bitmap of 10 ports (2 bytes)");
	expect_refused("check.socket", "\"AAAB\"",
		       "'seen' check member \"socket\" is longer than a "
		       "bitmap of 10 ports (2 bytes)");
}

Test(seenlog, bits_past_the_last_port_are_refused)
{
	expect_refused("check.nat", "\"AAQ=\"",
		       "'seen' check member \"nat\" marks ports past the "
		       "session's 10");
}

Test(seenlog, bad_base64_is_refused)
{
	expect_refused("check.wire_out", "\"A*==\"",
		       "'seen' check member \"wire_out\" is not valid base64");
	expect_refused("check.wire_out", "\"AQ\"",
		       "'seen' check member \"wire_out\" is not valid base64");
	expect_refused("check.wire_out", "7",
		       "'seen' check member \"wire_out\" must be a base64 "
		       "string");
}

Test(seenlog, missing_members_are_named)
{
	expect_refused("check.socket", NULL,
		       "'seen' check member \"socket\" must be a base64 "
		       "string");
	expect_refused("losses", NULL,
		       "'seen' member \"losses\" must be an object of counts");
	expect_refused("checks", "{}",
		       "'seen' member \"checks\" must be an array of checks");
	expect_refused("session", "-1",
		       "'seen' member \"session\" must be a whole number from "
		       "0 to 4294967295");
	expect_refused("evidence", "\"pcap\"",
		       "'seen' member \"evidence\" is 'pcap': expected "
		       "\"capture\" or \"socket\"");
}

Test(seenlog, unknown_or_doubled_checks_are_refused)
{
	expect_refused("check.port", "7000",
		       "'seen' check udp/7000 is not one of the session's "
		       "checks");
	expect_refused("check.proto", "\"tcp\"",
		       "'seen' check tcp/53 is given twice");
	expect_refused("check.proto", "\"icmp\"",
		       "'seen' check icmp/53: expected \"udp\" or \"tcp\" and "
		       "a port from 1 to 65535");
}

Test(seenlog, another_size_of_session_is_refused)
{
	expect_refused("nsports", "11",
		       "'seen' covers 11 source ports; the session has 10");
	expect_refused("nsports", "65537",
		       "'seen' member \"nsports\" must be a whole number from "
		       "0 to 65536");
}

Test(seenlog, bad_losses_and_nat_sample_are_refused)
{
	expect_refused("losses", "{\"socket_overflows\":0}",
		       "'seen losses' member \"listen_overflows\" must be a "
		       "whole number from 0 to 9007199254740992");
	expect_refused("nat_sample", "[\"198.18.2.254\"]",
		       "'seen' member \"nat_sample\" must be [ADDRESS, PORT]");
	expect_refused("nat_sample", "[\"198.18.2.254\",70000]",
		       "'seen' member \"nat_sample\" must be [ADDRESS, PORT]");
}

Test(seenlog, without_expect_the_declared_size_is_bounded)
{
	cJSON *json = cJSON_Parse("{\"session\":1,\"evidence\":\"socket\","
				  "\"nsports\":65536,\"checks\":[],"
				  "\"losses\":{}}");
	struct seen_report r;
	char *cause = NULL;
	int i;

	cJSON *checks_json = cJSON_GetObjectItem(json, "checks");
	for (i = 0; i < 257; i++)
		cJSON_AddItemToArray(checks_json, cJSON_CreateObject());
	cr_assert_eq(seen_report_from_json(json, NULL, &r, &cause), -1);
	cr_assert_str_eq(cause, "'seen' holds 257 checks of 65536 ports: more "
				"than 16777216 entries");
	free(cause);
	cJSON_Delete(json);
}
