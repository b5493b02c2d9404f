#!/usr/bin/env bash
# Scenario 7: the router turns stateful and source-NATs the probe to
# 198.18.2.254 with ports 20000-29999, picked at random. Everything is
# reachable, but the agent saw every probe under another source port: the
# report counts them in nat.translated and the text summary warns of NAT.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_router_snat
agent_start --ports udp/7000,tcp/7000
echo_sweep 40000-40999

assert_exit 0
assert_json '.checks | length' 2
assert_outcome 0 udp 7000 40000-40999 pass '40000-40999 ok' 'ok=1000'
assert_json '.checks[0].nat.translated' 1000
assert_outcome 1 tcp 7000 40000-40999 pass '40000-40999 ok' 'ok=1000'
assert_json '.checks[1].nat.translated' 1000
assert_contains "the text summary (stdout) warns about NAT" "$PROBE_OUT" NAT
np_done
