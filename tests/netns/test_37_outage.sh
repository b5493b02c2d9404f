#!/usr/bin/env bash
# Scenario 37: the path goes out for 3 s in the middle of a sweep (the
# router drops every packet, the control connection's too) and comes back.
# Time never becomes a range: the canaries to ports that answered before
# notice, the probe waits the outage out and re-probes, and every port is
# ok (exit 0); the report keeps the outage (JSON, text, JUnit, Prometheus).
# The sweep runs at --rate 1000 so that it is still going 1 s in; the
# outage starts at the first reply of the TCP check (bounded waits).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000

events=$NP_TMP/events.jsonl
# The outage, in the background: all traffic dropped for 3 s once the sweep
# is under way; "restored" in $NP_TMP/outage when it ends.
(
	for _ in $(seq 200); do
		grep -q '"event":"reply"' "$events" 2>/dev/null && break
		sleep 0.05
	done
	sleep 0.5
	echo drop | "$TESTBED" rules - && echo "out $EPOCHREALTIME" >"$NP_TMP/outage"
	sleep 3
	"$TESTBED" rules - </dev/null && echo "restored $EPOCHREALTIME" >>"$NP_TMP/outage"
) &
outage_pid=$!
NP_HELPER_PIDS+=("$outage_pid")

probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 40000-44999 --rate 1000 --timeout 300 --attempts 2 \
	--events "$events" --junit "$NP_TMP/r.xml" --prom "$NP_TMP/r.prom"
wait "$outage_pid"
assert_contains "the outage happened and ended" "$NP_TMP/outage" '^restored '
assert_exit 0
assert_ranges 0 '40000-44999 ok'
assert_ranges 1 '40000-44999 ok'
assert_json '[.checks[].counts.ok]' '[5000,5000]'
# One outage of about 3 s (canaries notice it within a second, and see the
# path back within a second).
assert_json '.targets[0].outages | length' 1
assert_json '.targets[0].outages[0].seconds | . >= 2 and . <= 5' true
assert_contains "the text names the outage" "$PROBE_OUT" \
	'^  outage: no answer for [0-9.]+ s from [0-9.]+ s after the start$'
assert_contains "the JUnit names the outage" "$NP_TMP/r.xml" \
	'<property name="target.outage" value="no answer for [0-9.]+ s from [0-9.]+ s after the start"/>'
assert_contains "Prometheus counts its seconds" "$NP_TMP/r.prom" \
	'^naclprobe_outage_seconds\{scenario="",name="",target="198\.18\.2\.1"\} [2-5](\.[0-9]+)?$'
np_done
