#!/usr/bin/env bash
# Scenario 12: the probe's own control connection to the agent takes its
# source port from the kernel's ephemeral range, which a real sweep covers.
# Narrowing that range to 40000 forces the clash: sweeping 40000-40009 must
# still be all ok, port 40000 included, exit 0.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000
# After agent_start: its readiness checks must not leave 40000 in TIME_WAIT.
"$TESTBED" exec probe sh -c \
	'echo "40000 40000" >/proc/sys/net/ipv4/ip_local_port_range' ||
	np_die "cannot narrow the probe's ephemeral port range"
echo_sweep 40000-40009

assert_exit 0
assert_json '.checks | length' 2
assert_outcome 0 udp 7000 40000-40009 pass '40000-40009 ok' 'ok=10'
assert_outcome 1 tcp 7000 40000-40009 pass '40000-40009 ok' 'ok=10'
np_done
