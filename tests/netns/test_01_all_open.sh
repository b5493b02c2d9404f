#!/usr/bin/env bash
# Scenario 1: nothing is filtered. Every source port of a UDP and a TCP echo
# check comes back ok: one range per check, exit 0, the agent stops cleanly.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000
echo_sweep 40000-40999

assert_exit 0
assert_json '.schema' 'nacl-probe/report/v1'
assert_json '.probe.bind' "$PROBE4"
assert_json '.target.address' "$AGENT4"
assert_json '.target.agent' true
assert_json '.settings.attempts' 2
assert_json '.settings.timeout_ms' 300
assert_json '.checks | length' 2
assert_outcome 0 udp 7000 40000-40999 pass '40000-40999 ok' 'ok=1000'
assert_json '.checks[0].nat.translated' 0
assert_outcome 1 tcp 7000 40000-40999 pass '40000-40999 ok' 'ok=1000'
assert_json '.checks[1].nat.translated' 0
assert_json '.summary.probes' 2000
assert_json '.summary.verdict' pass

agent_stop
assert_eq "agent exit status after SIGTERM" 0 "$AGENT_EXIT"
np_done
