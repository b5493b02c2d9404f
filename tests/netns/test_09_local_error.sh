#!/usr/bin/env bash
# Scenario 9: a source port is already taken on the probe's machine (UDP
# 40007 bound, TCP 40993 listening). The probe cannot send from it: that one
# port is local_error, every other port ok, exit 1.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
holdport_start udp "$PROBE4" 40007
holdport_start tcp "$PROBE4" 40993
agent_start --ports udp/7000,tcp/7000
echo_sweep 40000-40999

assert_echo_fail 40000-40999 \
	'40000-40006 ok,40007-40007 local_error,40008-40999 ok' \
	'ok=999 local_error=1' \
	'40000-40992 ok,40993-40993 local_error,40994-40999 ok' \
	'ok=999 local_error=1'
np_done
