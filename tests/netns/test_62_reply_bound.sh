#!/usr/bin/env bash
# Scenario 62: no amplification. Against an --open agent (it answers
# anyone: the worst case), requests of every service from 1 to 1400 bytes
# get either no reply or one at most 64 bytes larger; the exact sizes are
# asserted, so a change in any reply's size shows here.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

WIRE_BIN=$NP_BUILD/tests/wire

np_setup
NP_AUTH=open agent_start --ports udp/7000,tcp/7000,udp/53,tcp/53,udp/123,tcp/80

# sizes PROTO SERVICE PORT EXPECTED: "request reply" pairs, -1: no reply.
sizes()
{
	local out
	out=$("$TESTBED" exec probe "$WIRE_BIN" sizes "$1" "$2" "$AGENT4" \
		"$3" --timeout 200)
	assert_eq "wire sizes $1 $2: exit (1: a reply over the bound)" 0 $?
	assert_eq "$1/$3 $2 request and reply sizes" "$4" \
		"$(echo "$out" | tr '\n' ' ' | sed 's/ $//')"
}

sizes udp echo 7000 "1 -1 8 -1 12 -1 17 -1 18 -1 30 -1 35 -1 47 -1 48 48 64 64 100 100 200 200 512 512 1000 1000 1232 1232 1400 1400"
sizes tcp echo 7000 "1 -1 8 -1 12 -1 17 -1 18 -1 30 -1 35 -1 47 -1 48 48 64 64 100 100 200 200 512 512 1000 1000 1232 1232 1400 1400"
sizes udp dns 53 "1 -1 8 -1 12 -1 17 -1 18 -1 30 45 35 45 47 45 48 45 64 45 100 45 200 45 512 45 1000 45 1232 45 1400 45"
sizes tcp dns 53 "1 -1 8 -1 12 -1 17 -1 18 -1 30 -1 35 47 47 47 48 47 64 47 100 47 200 47 512 47 1000 47 1232 47 1400 47"
sizes udp ntp 123 "1 -1 8 -1 12 -1 17 -1 18 -1 30 -1 35 -1 47 -1 48 48 64 48 100 48 200 48 512 48 1000 48 1232 48 1400 48"
sizes tcp http 80 "1 -1 8 -1 12 -1 17 -1 18 57 30 57 35 57 47 57 48 57 64 116 100 116 200 116 512 116 1000 116 1232 116 1400 116"
np_done
