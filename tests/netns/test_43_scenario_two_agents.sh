#!/usr/bin/env bash
# Scenario 43: one scenario, three targets swept one after the other into
# one report: "app", a keyed agent (control port 7455; udp/7000 and
# tcp/7000 over other source ports, so two sessions; its key beside the
# scenario); "edge", a second agent (--open, control port 7456,
# udp+tcp/7100); "resolver", the second agent's DNS probed without agent.
# The router drops edge's UDP replies to 41050-41099, resets TCP to 7100
# (which the scenario expects: "rejected") and drops DNS replies to
# 41080-41099. Exit 1; per target its checks, verdicts and mismatches; the
# JUnit XML (one testsuite per target) exactly (expected/two-agents.xml);
# the JSON, JUnit and metrics rendered again by nacl-report are the probe's
# own; the --events stream holds one run per sweep; explain refuses a
# report of several targets.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool xmllint libxml2-utils
np_need_tool promtool prometheus
np_setup
np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp sport 7100 udp dport 41050-41099 drop
ip saddr 198.18.1.1 ip daddr 198.18.2.1 tcp dport 7100 reject with tcp reset
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp sport 53 udp dport 41080-41099 drop
RULES
agent_start --ports udp/7000,tcp/7000

# The second agent: its own control port and services, stopped by PID.
"$TESTBED" exec agent "$AGENT_BIN" --open --control-port 7456 \
	--ports udp/53,udp/7100,tcp/7100 >>"$NP_TMP/agent2.log" 2>&1 &
NP_HELPER_PIDS+=("$!")
np_wait_for 30 np_tcp_open "$AGENT4" 7456 ||
	np_die "the second agent did not open 7456: $(cat "$NP_TMP/agent2.log")"

# Written beside the key, which it names relative to itself.
SCENARIO=$NP_TMP/two-agents.json
cat >"$SCENARIO" <<'JSON'
{
  "name": "two-agents",
  "description": "two agents and an agentless resolver in one run",
  "targets": [
    { "name": "app", "agent": "198.18.2.1", "key_file": "agent.key",
      "bind": "198.18.1.1", "checks": [0, 1] },
    { "name": "edge", "agent": "198.18.2.1:7456", "bind": "198.18.1.1",
      "agent_nacl": "acl-0b2", "checks": [2, 3] },
    { "name": "resolver", "target": "198.18.2.1", "bind": "198.18.1.1",
      "probe_cidr": "198.18.1.0/24", "checks": [4] }
  ],
  "settings": { "rate": 0, "timeout_ms": 300, "attempts": 2 },
  "checks": [
    { "proto": "udp", "port": 7000, "sports": "41000-41099" },
    { "proto": "tcp", "port": 7000, "sports": "41200-41249" },
    { "proto": "udp", "port": 7100, "sports": "41000-41099" },
    { "proto": "tcp", "port": 7100, "sports": "41000-41099",
      "expect": "rejected" },
    { "proto": "udp", "port": 53, "service": "dns", "sports": "41000-41099" }
  ]
}
JSON

out=$NP_TMP/out
mkdir -p "$out"
probe_run --scenario "$SCENARIO" --junit "$out/r.xml" --prom "$out/r.prom" \
	--events "$out/events.jsonl"
assert_exit 1
# One start ... done per sweep, in the report's order, every result once.
assert_eq "--events: the sweeps and their results" \
	"start done start done start done start done 450" \
	"$(jq -r 'select(.event == "start" or .event == "done") | .event' \
		"$out/events.jsonl" | tr '\n' ' ')$(jq -s \
		'map(select(.event == "result")) | length' "$out/events.jsonl")"
assert_json '.targets | map("\(.name) \(.address) \(.agent) \(.bind)") | join(",")' \
	'app 198.18.2.1 true 198.18.1.1,edge 198.18.2.1 true 198.18.1.1,resolver 198.18.2.1 false 198.18.1.1'
assert_json '"\(.probe.bind) \(.target.address) \(.target.agent)"' \
	'198.18.1.1 198.18.2.1 true'
assert_json '[.checks[] | "\(.target) \(.proto)/\(.port) \(.service) \(.expect) \(.verdict)"] | join(",")' \
	'0 udp/7000 echo open pass,0 tcp/7000 echo open pass,1 udp/7100 echo open fail,1 tcp/7100 echo rejected pass,2 udp/53 dns open fail'
assert_ranges 2 '41000-41049 ok,41050-41099 reply_dropped'
assert_ranges 3 '41000-41099 rejected'
assert_ranges 4 '41000-41079 ok,41080-41099 dropped'
assert_json '[.checks[].mismatches[] | "\(.from)-\(.to) \(.status) \(.expected)"] | join(",")' \
	'41050-41099 reply_dropped open,41080-41099 dropped open'
# edge: its NACL id, the peers as /32; resolver: no agent, some ports
# answer, so the requests pass and only the replies need a rule.
assert_json '.checks[2].fixes[0].rules | map(.command) | join("\n")' \
'aws ec2 create-network-acl-entry --network-acl-id <probe-subnet-nacl-id> --ingress --rule-number <rule-number> --protocol 17 --port-range From=41050,To=41099 --cidr-block 198.18.2.1/32 --rule-action allow
aws ec2 create-network-acl-entry --network-acl-id acl-0b2 --egress --rule-number <rule-number> --protocol 17 --port-range From=41050,To=41099 --cidr-block 198.18.1.1/32 --rule-action allow'
assert_json '.checks[4].fixes[0].rules | map(.command) | join("\n")' \
'aws ec2 create-network-acl-entry --network-acl-id <probe-subnet-nacl-id> --ingress --rule-number <rule-number> --protocol 17 --port-range From=41080,To=41099 --cidr-block 198.18.2.1/32 --rule-action allow
aws ec2 create-network-acl-entry --network-acl-id <target-subnet-nacl-id> --egress --rule-number <rule-number> --protocol 17 --port-range From=41080,To=41099 --cidr-block 198.18.1.0/24 --rule-action allow'
assert_json '.summary | "\(.probes) \(.verdict)"' '450 fail'
assert_json '.checks[1] | "\(.sports) \(.ranges | length)"' '41200-41249 1'
# app's two sets of source ports: two sessions on its agent, one each.
assert_eq "sessions opened on the first agent" 2 \
	"$(grep -c ' opened by 198.18.1.1 (probe 198.18.1.1, 1 ports, ' "$NP_TMP/agent.log")"
assert_contains "the summary heads each target" "$PROBE_OUT" \
	'^target resolver: 198\.18\.1\.1 -> 198\.18\.2\.1 \(no agent\)$'
assert_contains "the summary counts the targets" "$PROBE_OUT" \
	'^Summary: 3 targets, 5 checks, 450 probes: FAIL \(2 checks failed\)$'

junit_masked "$out/r.xml" >"$NP_TMP/junit.xml"
assert_file_eq "JUnit of three targets" \
	"$NP_DIR/expected/two-agents.xml" "$NP_TMP/junit.xml"

for format in json:json junit:xml prom:prom; do
	report_run render "$REPORT" --format "${format%:*}"
	assert_report_exit 0
	[ "${format%:*}" = json ] && cp "$REPORT" "$out/r.json"
	assert_file_eq "nacl-report render --format ${format%:*}" \
		"$out/r.${format#*:}" "$NR_OUT"
done
promtool check metrics <"$out/r.prom" >"$NP_TMP/promtool.out" 2>&1 ||
	np_fail "promtool refuses --prom: $(cat "$NP_TMP/promtool.out")"
assert_contains "prom: the edge check fails" "$out/r.prom" \
	'^naclprobe_check_pass\{scenario="two-agents",name="edge",target="198.18.2.1",proto="udp",port="7100",service="echo"\} 0$'

report_run explain "$REPORT" --nacl "$NP_ROOT/scenarios/nacl/correct.json" \
	--probe-subnet subnet-0a1a1a1a1a1a1a1a1 \
	--agent-subnet subnet-0b2b2b2b2b2b2b2b2
assert_report_exit 2
assert_contains "explain refuses several targets" "$NR_ERR" \
	"the report holds 3 targets; explain judges one probe and one agent"
np_done
