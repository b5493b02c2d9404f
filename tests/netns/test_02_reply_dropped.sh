#!/usr/bin/env bash
# Scenario 2: the router drops the agent's replies to destination ports
# 40500-40999 (UDP, and TCP SYN-ACKs with them): the agent saw the requests,
# so exactly that range is reply_dropped, and the probe exits 1.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_drop_replies 40500-40999
agent_start --ports udp/7000,tcp/7000
echo_sweep 40000-40999

assert_echo_fail 40000-40999 \
	'40000-40499 ok,40500-40999 reply_dropped' 'ok=500 reply_dropped=500'
assert_json '.summary.probes' 2000
assert_json '.summary.verdict' fail
np_done
