#!/usr/bin/env bash
# Scenario 42: the shipped scenarios/blocked-range.json expects UDP replies
# to source ports 4990-5010 blocked (a DENY before the broad ALLOW) and
# everything else open. Under scenarios/nacl/deny-before-allow.json, which
# has that DENY, it passes (exit 0, the blocked range listed as expected);
# under scenarios/nacl/correct.json, which lacks it, those ports answer:
# exit 1, the mismatch "ok, expected blocked", the DENY that would fix it,
# the JUnit XML exactly (expected/blocked-range-{pass,fail}.xml); nacl-report
# diff calls it a regression.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

np_need_tool xmllint libxml2-utils
SPORTS=4980-5020,60000-60009

nacl_setup deny-before-allow.json
agent_start --ports udp/7000,tcp/7000

JUNIT=$NP_TMP/blocked.xml
blocked_run()
{
	probe_run --scenario "$NP_ROOT/scenarios/blocked-range.json" \
		--key-file "$NP_KEY" --sports "$SPORTS" --rate 0 \
		--timeout 300 --attempts 2 --junit "$JUNIT"
}

blocked_run
assert_exit 0
PASSED=$REPORT
assert_check 0 udp 7000 "$SPORTS" pass
assert_ranges 0 '4980-4989 ok,4990-5010 reply_dropped,5011-5020 ok,60000-60009 ok'
assert_json '.checks[0].expect' open
assert_json '.checks[0].expectations' '[{"from":4990,"to":5010,"expect":"blocked"}]'
assert_json '.checks[0].mismatches' '[]'
assert_json '.checks[0].fixes' '[]'
assert_check 1 tcp 7000 "$SPORTS" pass
assert_ranges 1 '4980-5020 ok,60000-60009 ok'
assert_json '.summary.verdict' pass
assert_contains "the summary says the blocked range is as expected" \
	"$PROBE_OUT" '^    expected blocked: met$'
junit_masked "$JUNIT" >"$NP_TMP/pass.xml"
assert_file_eq "JUnit when the DENY is in place" \
	"$NP_DIR/expected/blocked-range-pass.xml" "$NP_TMP/pass.xml"

nacl_load correct.json
blocked_run
assert_exit 1
assert_check 0 udp 7000 "$SPORTS" fail
assert_ranges 0 '4980-5020 ok,60000-60009 ok'
assert_json '.checks[0].mismatches' \
	'[{"from":4990,"to":5010,"status":"ok","expected":"blocked"}]'
assert_json '.checks[0].fixes[0].rules' \
	'[{"subnet":"probe","nacl":"acl-0a1a1a1a1a1a1a1a1","direction":"inbound","action":"deny","protocol":17,"port_from":4990,"port_to":5010,"cidr":"198.18.2.0/24","rule_number":"<rule-number>","command":"aws ec2 create-network-acl-entry --network-acl-id acl-0a1a1a1a1a1a1a1a1 --ingress --rule-number <rule-number> --protocol 17 --port-range From=4990,To=5010 --cidr-block 198.18.2.0/24 --rule-action deny"}]'
assert_check 1 tcp 7000 "$SPORTS" pass
junit_masked "$JUNIT" >"$NP_TMP/fail.xml"
assert_file_eq "JUnit without the DENY" \
	"$NP_DIR/expected/blocked-range-fail.xml" "$NP_TMP/fail.xml"

# The blocked range met its expectation and no longer does: a regression.
report_run diff "$PASSED" "$REPORT"
assert_report_exit 1
assert_contains "diff names the range" "$NR_OUT" \
	'^  4990-5010  reply_dropped -> ok \(21 ports\): no longer as expected \(expected blocked\)$'
np_done
