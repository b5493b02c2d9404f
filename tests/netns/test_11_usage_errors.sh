#!/usr/bin/env bash
# Scenario 11: bad input exits 2 with a message naming the bad value; an
# agent that does not run exits 3 (runtime failure), naming the agent.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup

probe_run --agent "$AGENT4" --ports udp/7000 --sports 70000
assert_exit 2
assert_contains "stderr names the bad --sports value" "$PROBE_ERR" 70000

probe_run --agent "$AGENT4" --ports udp/7000 --sports windowz
assert_exit 2
assert_contains "stderr names the unknown preset" "$PROBE_ERR" windowz

# No agent runs: its control port is closed.
probe_run --agent "$AGENT4" --ports udp/7000 --sports 40000-40099 \
	--timeout 300 --attempts 2
assert_exit 3
assert_contains "stderr names the unreachable agent" "$PROBE_ERR" \
	'198\.18\.2\.1'
np_done
