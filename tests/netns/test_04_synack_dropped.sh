#!/usr/bin/env bash
# Scenario 4: only SYN-ACKs towards ports 40500-40999 are dropped. The agent
# holds the half-open connections (SYN_RECV), so TCP shows reply_dropped
# there; UDP, untouched, is all ok.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_drop_synacks 40500-40999
agent_start --ports udp/7000,tcp/7000
echo_sweep 40000-40999

assert_exit 1
assert_json '.checks | length' 2
assert_outcome 0 udp 7000 40000-40999 pass '40000-40999 ok' 'ok=1000'
assert_outcome 1 tcp 7000 40000-40999 fail \
	'40000-40499 ok,40500-40999 reply_dropped' 'ok=500 reply_dropped=500'
assert_json '.summary.verdict' fail
np_done
