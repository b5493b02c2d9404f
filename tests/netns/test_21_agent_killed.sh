#!/usr/bin/env bash
# Scenario 21: the agent is killed (SIGKILL) 3 s into a sweep that needs
# about 12 s more. The probe watches its control connection and gives up
# at once: exit 3 within 5 s of the kill, naming the lost agent.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000
out=$NP_TMP/killed.out
err=$NP_TMP/killed.err
"$TESTBED" exec probe timeout -k 5 "$NP_PROBE_LIMIT" "$PROBE_BIN" \
	--agent "$AGENT4" --bind "$PROBE4" --ports udp/7000 \
	--sports 40000-47999 --rate 500 --timeout 300 --attempts 2 \
	--key-file "$NP_KEY" --json "$NP_TMP/killed.json" >"$out" 2>"$err" &
probe_pid=$!
sleep 3
np_alive "$probe_pid" || np_fail "the probe ended before the kill"
kill -KILL "$AGENT_PID"
killed=$EPOCHREALTIME
wait "$AGENT_PID" 2>/dev/null
AGENT_PID=""
wait "$probe_pid"
PROBE_EXIT=$?
took=$(awk -v a="$killed" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
np_log "the probe exited $PROBE_EXIT, $took ms after the kill"
PROBE_CMD="probe swept while its agent was killed"
PROBE_OUT=$out
PROBE_ERR=$err
assert_exit 3
[ "$took" -le 5000 ] || np_fail "the probe noticed the lost agent after $took ms, not within 5 s"
assert_contains "stderr names the lost agent" "$err" \
	"lost the agent mid-sweep: the agent at 198\\.18\\.2\\.1:7455 (closed the control connection|answered no keepalive)"
np_done
