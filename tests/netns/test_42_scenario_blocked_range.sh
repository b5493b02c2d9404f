#!/usr/bin/env bash
# Scenario 42: the shipped scenarios/blocked-range.json expects UDP replies
# to source ports 4990-5010 blocked (a DENY before the broad ALLOW) and
# everything else open. Under scenarios/nacl/deny-before-allow.json, which
# has that DENY, it passes (exit 0, the blocked range listed as expected);
# under scenarios/nacl/correct.json, which lacks it, those ports answer:
# exit 1, the mismatch "ok, expected blocked", the DENY that would fix it,
# the JUnit XML exactly; nacl-report diff calls it a regression.
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
cat >"$NP_TMP/pass.expected" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nacl-probe blocked-range" tests="2" failures="0" errors="0" time="T">
  <testsuite name="nacl-probe app 198.18.2.1" tests="2" failures="0" errors="0" skipped="0" time="T" timestamp="TS" hostname="198.18.1.1">
    <properties>
      <property name="scenario" value="blocked-range"/>
      <property name="target.name" value="app"/>
      <property name="target.address" value="198.18.2.1"/>
      <property name="target.agent" value="true"/>
      <property name="probe.bind" value="198.18.1.1"/>
      <property name="started_at" value="TIME"/>
      <property name="finished_at" value="TIME"/>
      <property name="tool.version" value="VERSION"/>
      <property name="settings.rate" value="0"/>
      <property name="settings.window" value="16384"/>
      <property name="settings.attempts" value="2"/>
      <property name="settings.timeout_ms" value="300"/>
    </properties>
    <testcase name="udp/7000 echo sports 4980-5020,60000-60009" classname="nacl-probe.app">
      <system-out>4990-5010 reply_dropped, expected blocked (21 ports): requests arrive, replies are dropped on the way back; hits Windows XP/2003 clients (0.3% of their range), NAT gateway/ELB &lt;0.1%
loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="tcp/7000 echo sports 4980-5020,60000-60009" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
  </testsuite>
</testsuites>
XML
assert_file_eq "JUnit when the DENY is in place" "$NP_TMP/pass.expected" \
	"$NP_TMP/pass.xml"

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
cat >"$NP_TMP/fail.expected" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nacl-probe blocked-range" tests="2" failures="1" errors="0" time="T">
  <testsuite name="nacl-probe app 198.18.2.1" tests="2" failures="1" errors="0" skipped="0" time="T" timestamp="TS" hostname="198.18.1.1">
    <properties>
      <property name="scenario" value="blocked-range"/>
      <property name="target.name" value="app"/>
      <property name="target.address" value="198.18.2.1"/>
      <property name="target.agent" value="true"/>
      <property name="probe.bind" value="198.18.1.1"/>
      <property name="started_at" value="TIME"/>
      <property name="finished_at" value="TIME"/>
      <property name="tool.version" value="VERSION"/>
      <property name="settings.rate" value="0"/>
      <property name="settings.window" value="16384"/>
      <property name="settings.attempts" value="2"/>
      <property name="settings.timeout_ms" value="300"/>
    </properties>
    <testcase name="udp/7000 echo sports 4980-5020,60000-60009" classname="nacl-probe.app">
      <failure message="21 of 51 source ports not as expected: 4990-5010 ok (expected blocked)" type="ok">4990-5010 ok, expected blocked (21 ports): a valid reply came back
  fix: these source ports must be blocked but get replies: deny the replies (udp 4990-5010) in the probe subnet's NACL inbound, numbered below the entry that allows them (a NACL cannot match a request's source port: the replies' destination port is where it shows)
    probe subnet NACL acl-0a1a1a1a1a1a1a1a1 inbound: deny udp 4990-5010 from 198.18.2.0/24
      aws ec2 create-network-acl-entry --network-acl-id acl-0a1a1a1a1a1a1a1a1 --ingress --rule-number &lt;rule-number&gt; --protocol 17 --port-range From=4990,To=5010 --cidr-block 198.18.2.0/24 --rule-action deny
Note: &lt;rule-number&gt;: a free rule number below the entry that now decides these packets (nacl-report explain names it); the commands are printed, never run
loss L, rtt p50 P ms, p99 P ms
</failure>
    </testcase>
    <testcase name="tcp/7000 echo sports 4980-5020,60000-60009" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
  </testsuite>
</testsuites>
XML
assert_file_eq "JUnit without the DENY" "$NP_TMP/fail.expected" \
	"$NP_TMP/fail.xml"

# The blocked range met its expectation and no longer does: a regression.
report_run diff "$PASSED" "$REPORT"
assert_report_exit 1
assert_contains "diff names the range" "$NR_OUT" \
	'^  4990-5010  reply_dropped -> ok \(21 ports\): no longer as expected \(expected blocked\)$'
np_done
