#!/usr/bin/env bash
# Scenario 41: the shipped scenarios/vpc-baseline.json (DNS over UDP and
# TCP, NTP, HTTP, TLS, QUIC; every port must answer), narrowed to 200 source
# ports with --sports. An open router meets it: exit 0, six passing
# testcases. A router
# that drops UDP DNS replies to 40100-40199 and HTTP requests from
# 40000-40049 breaks it: exit 1, the mismatches with their expectation, the
# fixes (a NACL rule for the replies; none for a request drop that depends on
# the source port), and the JUnit XML exactly.
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
cat >"$NP_TMP/pass.expected" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nacl-probe vpc-baseline" tests="6" failures="0" errors="0" time="T">
  <testsuite name="nacl-probe app 198.18.2.1" tests="6" failures="0" errors="0" skipped="0" time="T" timestamp="TS" hostname="198.18.1.1">
    <properties>
      <property name="scenario" value="vpc-baseline"/>
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
    <testcase name="udp/53 dns sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="tcp/53 dns sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="udp/123 ntp sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="tcp/80 http sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="tcp/443 tls sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="udp/443 quic sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
  </testsuite>
</testsuites>
XML
assert_file_eq "JUnit of the passing baseline" "$NP_TMP/pass.expected" \
	"$NP_TMP/pass.xml"

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
assert_json '.checks[0].fixes[0].rules | map(.command) | join("\n")' \
'aws ec2 create-network-acl-entry --network-acl-id acl-0a1a1a1a1a1a1a1a1 --ingress --rule-number <rule-number> --protocol 17 --port-range From=40100,To=40199 --cidr-block 198.18.2.0/24 --rule-action allow
aws ec2 create-network-acl-entry --network-acl-id acl-0b2b2b2b2b2b2b2b2 --egress --rule-number <rule-number> --protocol 17 --port-range From=40100,To=40199 --cidr-block 198.18.1.0/24 --rule-action allow'
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
cat >"$NP_TMP/fail.expected" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nacl-probe vpc-baseline" tests="6" failures="2" errors="0" time="T">
  <testsuite name="nacl-probe app 198.18.2.1" tests="6" failures="2" errors="0" skipped="0" time="T" timestamp="TS" hostname="198.18.1.1">
    <properties>
      <property name="scenario" value="vpc-baseline"/>
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
    <testcase name="udp/53 dns sports 40000-40199" classname="nacl-probe.app">
      <failure message="100 of 200 source ports not as expected: 40100-40199 reply_dropped (expected open)" type="reply_dropped">40100-40199 reply_dropped, expected open (100 ports): requests arrive, replies are dropped on the way back; hits Linux clients (0.4% of their range), Linux (legacy) 0.4%, NAT gateway/ELB 0.2%
  fix: the requests arrive, the replies (udp 40100-40199) are dropped by the probe subnet's NACL inbound or the agent subnet's NACL outbound: allow them in the one that lacks it (nacl-report explain names it)
    probe subnet NACL acl-0a1a1a1a1a1a1a1a1 inbound: allow udp 40100-40199 from 198.18.2.0/24
      aws ec2 create-network-acl-entry --network-acl-id acl-0a1a1a1a1a1a1a1a1 --ingress --rule-number &lt;rule-number&gt; --protocol 17 --port-range From=40100,To=40199 --cidr-block 198.18.2.0/24 --rule-action allow
    agent subnet NACL acl-0b2b2b2b2b2b2b2b2 outbound: allow udp 40100-40199 to 198.18.1.0/24
      aws ec2 create-network-acl-entry --network-acl-id acl-0b2b2b2b2b2b2b2b2 --egress --rule-number &lt;rule-number&gt; --protocol 17 --port-range From=40100,To=40199 --cidr-block 198.18.1.0/24 --rule-action allow
Note: &lt;rule-number&gt;: a free rule number below the entry that now decides these packets (nacl-report explain names it); the commands are printed, never run
loss L, rtt p50 P ms, p99 P ms
</failure>
    </testcase>
    <testcase name="tcp/53 dns sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="udp/123 ntp sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="tcp/80 http sports 40000-40199" classname="nacl-probe.app">
      <failure message="50 of 200 source ports not as expected: 40000-40049 request_dropped (expected open)" type="request_dropped">40000-40049 request_dropped, expected open (50 ports): requests are dropped on the way to the agent; hits Linux clients (0.2% of their range), Linux (legacy) 0.2%, NAT gateway/ELB 0.1%
  fix: requests to tcp 80 from other source ports reach the agent, and a NACL cannot single out source ports: something else drops these (a host firewall, a router ACL that matches source ports); no NACL entry fixes it
loss L, rtt p50 P ms, p99 P ms
</failure>
    </testcase>
    <testcase name="tcp/443 tls sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
    <testcase name="udp/443 quic sports 40000-40199" classname="nacl-probe.app">
      <system-out>loss L, rtt p50 P ms, p99 P ms
</system-out>
    </testcase>
  </testsuite>
</testsuites>
XML
assert_file_eq "JUnit of the broken baseline" "$NP_TMP/fail.expected" \
	"$NP_TMP/fail.xml"
# nacl-report renders the same JUnit from the JSON report.
report_run render "$REPORT" --format junit
assert_report_exit 0
assert_file_eq "nacl-report render --format junit" "$JUNIT" "$NR_OUT"
np_done
