#!/usr/bin/env bash
# Scenario 28: the agent is stopped (SIGTERM, as systemd stops it) while a
# probe's session is open mid-sweep. The agent ends the session and exits 0
# (it once read freed memory here: it freed its packet capture before the
# sessions that drain it); the probe notices the closed connection and
# exits 3 with a partial report naming the agent.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000
out=$NP_TMP/stopped.out
"$TESTBED" exec probe timeout -k 5 "$NP_PROBE_LIMIT" "$PROBE_BIN" \
	--agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 40000-47999 --rate 1000 --timeout 300 --attempts 2 \
	--key-file "$NP_KEY" --json "$NP_TMP/stopped.json" >"$out" 2>&1 &
probe_pid=$!
NP_HELPER_PIDS+=("$probe_pid")
# Bounded: the session opens within a moment of the start.
np_wait_for 50 grep -q "opened by" "$NP_TMP/agent.log"
sleep 1
np_alive "$probe_pid" || np_fail "the probe ended before the agent stopped"
agent_stop
assert_eq "agent exit status after SIGTERM mid-session" 0 "$AGENT_EXIT"
assert_contains "the agent ended the session" "$NP_TMP/agent.log" \
	'info: session [0-9a-f]{8} from 198\.18\.1\.1 ended with its connection'
wait "$probe_pid"
PROBE_EXIT=$?
PROBE_CMD="nacl-probe (agent stopped mid-session)"
REPORT=$NP_TMP/stopped.json
assert_exit 3
assert_json '.partial' true
assert_json '.error | test("agent")' true
np_done
