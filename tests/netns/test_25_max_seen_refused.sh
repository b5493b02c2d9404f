#!/usr/bin/env bash
# Scenario 25: an agent whose --max-seen (1024) cannot hold the plan (2
# checks x 1,000 source ports) refuses the session at open, naming both
# numbers and --max-seen; the probe exits 3 before sending a probe, and
# its report says why ("error", "partial", every port unfinished).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000 --max-seen 1024
echo_sweep 40000-40999

assert_exit 3
assert_contains "stderr names the plan and --max-seen" "$PROBE_ERR" \
	"the agent at 198\\.18\\.2\\.1:7455 refused: this session plans 2000 \\(check, source port\\) pairs over 2000 entries, more than this agent's --max-seen 1024: start nacl-agent with --max-seen 2000 or more"
assert_contains "the agent logged the refusal" "$NP_TMP/agent.log" \
	"session refused: this session plans 2000"
if grep -q "opened by" "$NP_TMP/agent.log"; then
	np_fail "a session was opened"
fi
cause="the agent at 198.18.2.1:7455 refused: this session plans 2000 (check, source port) pairs over 2000 entries, more than this agent's --max-seen 1024: start nacl-agent with --max-seen 2000 or more, or sweep fewer ports"
assert_json '.error' "$cause"
assert_json '.partial' true
assert_json '.targets[0].error' "$cause"
assert_ranges 0 '40000-40999 unfinished'
assert_ranges 1 '40000-40999 unfinished'
np_done
