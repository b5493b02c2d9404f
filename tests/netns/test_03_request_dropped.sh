#!/usr/bin/env bash
# Scenario 3: the router drops the probe's requests from source ports
# 40500-40999: the agent never saw them, so that range is request_dropped.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_drop_requests 40500-40999
agent_start --ports udp/7000,tcp/7000
echo_sweep 40000-40999

assert_echo_fail 40000-40999 \
	'40000-40499 ok,40500-40999 request_dropped' \
	'ok=500 request_dropped=500'
assert_json '.summary.verdict' fail
np_done
