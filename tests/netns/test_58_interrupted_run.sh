#!/usr/bin/env bash
# Scenario 58: a run stopped early still reports what it measured. SIGINT
# mid-sweep: exit 130, the JSON report is "partial" with "error" naming the
# signal, the check swept before the signal keeps its exact ranges, the
# check in progress holds unfinished ports and nothing else but ok; --prom
# says naclprobe_up 0. SIGTERM: the same, exit 130. The agent killed
# mid-sweep (lost): exit 3, its checks read unfinished, the error names
# the agent.
# The sweep runs at --rate 200 so that it is still going when the signal
# comes; the test waits for the first attempt of the second check (bounded).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool promtool prometheus
report_setup
agent_start --ports udp/7000,tcp/7000

# Two checks over other source ports: two sweeps, one after the other.
SCENARIO=$NP_TMP/two-sweeps.json
cat >"$SCENARIO" <<JSON
{
  "name": "two-sweeps",
  "targets": [ { "name": "app", "agent": "$AGENT4",
                 "key_file": "$NP_KEY", "bind": "$PROBE4" } ],
  "settings": { "rate": 200, "timeout_ms": 500, "attempts": 2 },
  "checks": [
    { "proto": "udp", "port": 7000, "sports": "40000-40099" },
    { "proto": "tcp", "port": 7000, "sports": "41000-42999" }
  ]
}
JSON

# start_sweeps WHAT: runs the scenario in the background (PROBE_PID) and
# returns once the second sweep has a result; sets REPORT and the files.
start_sweeps()
{
	NP_RUNS=$((NP_RUNS + 1))
	REPORT=$out/report-$NP_RUNS.json
	PROBE_OUT=$NP_TMP/probe-$NP_RUNS.out
	PROBE_ERR=$NP_TMP/probe-$NP_RUNS.err
	PROBE_CMD="nacl-probe --scenario two-sweeps.json (then $1)"
	rm -f "$out/events.jsonl"
	"$TESTBED" exec probe "$PROBE_BIN" --scenario "$SCENARIO" -q \
		--json "$REPORT" --prom "$out/r.prom" \
		--events "$out/events.jsonl" >"$PROBE_OUT" 2>"$PROBE_ERR" &
	PROBE_PID=$!
	NP_HELPER_PIDS+=("$PROBE_PID")
	for _ in $(seq 200); do
		grep -Eq '"event":"(sent|reply)".*"sport":4[12]' "$out/events.jsonl" \
			2>/dev/null && break
		np_alive "$PROBE_PID" || break
		sleep 0.05
	done
	np_alive "$PROBE_PID" ||
		np_die "the probe ended before $1: $(cat "$PROBE_ERR")"
}

# Waits for the probe started by start_sweeps: PROBE_EXIT.
wait_sweeps()
{
	wait "$PROBE_PID"
	PROBE_EXIT=$?
	np_log "probe: $PROBE_CMD -> exit $PROBE_EXIT"
}

for signal in INT TERM; do
	start_sweeps "SIG$signal"
	kill "-$signal" "$PROBE_PID"
	wait_sweeps
	assert_exit 130
	assert_contains "SIG$signal: said on stderr" "$PROBE_ERR" \
		"^nacl-probe: interrupted by SIG$signal before the run finished; writing what was measured$"
	assert_json '.error' "interrupted by SIG$signal before the run finished"
	assert_json '.partial' true
	assert_ranges 0 '40000-40099 ok'
	assert_json '.checks[1].counts.unfinished > 0' true
	assert_json '.checks[1].counts.ok + .checks[1].counts.unfinished' 2000
	assert_json '[.checks[].verdict]' '["pass","fail"]'
	assert_contains "SIG$signal: --prom up 0" "$out/r.prom" \
		'^naclprobe_up\{scenario="two-sweeps",name="app",target="198\.18\.2\.1"\} 0$'
	promtool check metrics <"$out/r.prom" >"$NP_TMP/promtool.out" 2>&1 ||
		np_fail "promtool refuses --prom: $(cat "$NP_TMP/promtool.out")"
	assert_json '[.targets[0].name, (.checks | length)]' '["app",2]'
done
# Every event line carries its time and target.
assert_eq "events: time and target on every line" 0 \
	"$(jq -s 'map(select((.time | test("^[0-9-]+T[0-9:.]+Z$") | not) or .target != "app (198.18.2.1:7455)")) | length' "$out/events.jsonl")"

# SIGINT while the probe waits for the agent's control port (the router
# drops the SYNs): the wait ends at once, nothing was measured.
np_rules <<'RULES'
ip daddr 198.18.2.1 tcp dport 7455 drop
RULES
NP_RUNS=$((NP_RUNS + 1))
REPORT=$out/report-$NP_RUNS.json
PROBE_CMD="nacl-probe --scenario two-sweeps.json (SIGINT while connecting)"
"$TESTBED" exec probe "$PROBE_BIN" --scenario "$SCENARIO" -q \
	--json "$REPORT" >"$NP_TMP/connect.out" 2>"$NP_TMP/connect.err" &
PROBE_PID=$!
NP_HELPER_PIDS+=("$PROBE_PID")
# Bounded: the SYN is sent within a moment of the start.
for _ in $(seq 50); do
	"$TESTBED" exec probe ss -Htn state syn-sent 2>/dev/null |
		grep -q '198.18.2.1:7455' && break
	sleep 0.05
done
kill -INT "$PROBE_PID"
wait "$PROBE_PID"
PROBE_EXIT=$?
np_log "probe: $PROBE_CMD -> exit $PROBE_EXIT"
assert_exit 130
assert_json '.error' 'interrupted by SIGINT before the run finished'
assert_json '[.checks[].counts.unfinished]' '[100,2000]'
np_rules </dev/null

# The agent lost mid-sweep: killed once the second sweep has begun.
start_sweeps "the agent killed"
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
AGENT_PID=""
wait_sweeps
assert_exit 3
assert_json '.partial' true
assert_json '.error | test("agent")' true
assert_json '.targets[0].error == .error' true
assert_ranges 0 '40000-40099 ok'
assert_json '.checks[1].counts.unfinished > 0' true

np_done
