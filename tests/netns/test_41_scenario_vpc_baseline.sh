#!/usr/bin/env bash
# Scenario 41: the shipped scenarios/vpc-baseline.json (DNS over UDP and
# TCP, NTP, HTTP, TLS, QUIC; every port must answer), narrowed to 200 source
# ports with --sports. An open router meets it: exit 0, six passing
# testcases. A router
# that drops UDP DNS replies to 40100-40199 and HTTP requests from
# 40000-40049 breaks it: exit 1, the mismatches with their expectation, the
# fixes (a NACL rule for the replies; none for a request drop that depends on
# the source port), and the JUnit XML exactly
# (expected/vpc-baseline-{pass,fail}.xml).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool xmllint libxml2-utils
np_setup
agent_start --ports udp/53,tcp/53,udp/123,tcp/80,tcp/443,udp/443

JUNIT=$NP_TMP/vpc.xml
baseline_run()
{
	probe_run --scenario "$NP_ROOT/scenarios/vpc-baseline.json" \
		--key-file "$NP_KEY" --sports 40000-40199 --rate 0 \
		--timeout 300 --attempts 2 --junit "$JUNIT"
}

baseline_run
assert_exit 0
assert_json '.scenario.name' vpc-baseline
assert_json '.targets | map(del(.control))' '[{"name":"app","address":"198.18.2.1","agent":true,"bind":"198.18.1.1","probe_cidr":"198.18.1.0/24","agent_cidr":"198.18.2.0/24","probe_nacl":"acl-0a1a1a1a1a1a1a1a1","agent_nacl":"acl-0b2b2b2b2b2b2b2b2"}]'
# The control connection went through at its first source port.
assert_json '.targets[0].control.failed' '[]'
assert_json '[.checks[] | "\(.proto)/\(.port) \(.sports) \(.target) \(.expect) \(.verdict)"] | join(",")' \
	'udp/53 40000-40199 0 open pass,tcp/53 40000-40199 0 open pass,udp/123 40000-40199 0 open pass,tcp/80 40000-40199 0 open pass,tcp/443 40000-40199 0 open pass,udp/443 40000-40199 0 open pass'
assert_json '[.checks[].mismatches | length] | add' 0
assert_json '.summary.verdict' pass
junit_masked "$JUNIT" >"$NP_TMP/pass.xml"
assert_file_eq "JUnit of the passing baseline" \
	"$NP_DIR/expected/vpc-baseline-pass.xml" "$NP_TMP/pass.xml"

np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp sport 53 udp dport 40100-40199 drop
ip saddr 198.18.1.1 ip daddr 198.18.2.1 tcp sport 40000-40049 tcp dport 80 drop
RULES
baseline_run
assert_exit 1
assert_json '[.checks[] | "\(.proto)/\(.port) \(.verdict)"] | join(",")' \
	'udp/53 fail,tcp/53 pass,udp/123 pass,tcp/80 fail,tcp/443 pass,udp/443 pass'
assert_ranges 0 '40000-40099 ok,40100-40199 reply_dropped'
assert_ranges 3 '40000-40049 request_dropped,40050-40199 ok'
assert_json '[.checks[].mismatches[] | "\(.from)-\(.to) \(.status) \(.expected)"] | join(",")' \
	'40100-40199 reply_dropped open,40000-40049 request_dropped open'
assert_udp_reply_fix 0 40100 40199
# A request drop that depends on the source port is no NACL's doing.
assert_json '.checks[3].fixes | map("\(.status) \(.rules | length)") | join(",")' \
	'request_dropped 0'
assert_json '.checks[0].impact[0].clients | map("\(.family) \(.ports)/\(.of)") | join(",")' \
	'Linux 100/28232,Linux (legacy) 100/28233,NAT gateway/ELB 100/64512'
assert_json '.summary.verdict' fail
assert_contains "the summary prints the fix" "$PROBE_OUT" \
	'^     aws ec2 create-network-acl-entry --network-acl-id acl-0b2b2b2b2b2b2b2b2 --egress --rule-number <rule-number> --protocol 17 --port-range From=40100,To=40199 --cidr-block 198.18.1.0/24 --rule-action allow$'
assert_contains "the summary's last line" "$PROBE_OUT" \
	'^Summary: 6 checks, 1200 probes: FAIL \(2 checks failed\)$'
junit_masked "$JUNIT" >"$NP_TMP/fail.xml"
assert_file_eq "JUnit of the broken baseline" \
	"$NP_DIR/expected/vpc-baseline-fail.xml" "$NP_TMP/fail.xml"
# nacl-report renders the same JUnit from the JSON report.
report_run render "$REPORT" --format junit
assert_report_exit 0
assert_file_eq "nacl-report render --format junit" "$JUNIT" "$NR_OUT"
np_done
