#!/usr/bin/env bash
# Scenario 36: a sweep against 169.254.169.123 (Amazon Time Sync's address,
# which NACLs never filter) is an all-clear that proves nothing about NACLs.
# The test gives that address to the agent's namespace (a /32 on its veth,
# routed by the testbed's router; no traffic leaves the testbed) and sweeps
# NTP there: every port ok, and every output says the result says nothing
# about NACLs: stderr, the text, the JSON target's notes, the JUnit
# properties.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

TIMESYNC=169.254.169.123
np_setup
"$TESTBED" exec agent ip addr add "$TIMESYNC/32" dev to-router
"$TESTBED" exec router ip route add "$TIMESYNC/32" via "$AGENT4"
agent_start --ports udp/123

note="$TIMESYNC is the Amazon Time Sync Service: NACLs never filter traffic to it, so this result says nothing about NACLs"
probe_run --agent "$TIMESYNC" --bind "$PROBE4" --ports udp/123 \
	--sports 40000-40099 --rate 0 --timeout 300 --attempts 2 \
	--junit "$NP_TMP/r.xml"
assert_exit 0
assert_ranges 0 '40000-40099 ok'
assert_contains "stderr warns" "$PROBE_ERR" "warning: $note\$"
assert_contains "the text says so" "$PROBE_OUT" "^  note: $note\$"
assert_json '.targets[0].notes' "[\"$note\"]"
assert_contains "the JUnit says so" "$NP_TMP/r.xml" \
	"<property name=\"target.note\" value=\"$note\"/>"
np_done
