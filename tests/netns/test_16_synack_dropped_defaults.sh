#!/usr/bin/env bash
# Scenario 16: at kernel defaults (syncookies on, SYN backlog and somaxconn
# as a fresh host has them) the router drops the SYN-ACKs to 20,000 source
# ports. The SYN queue overflows and syncookies answer, leaving no SYN_RECV
# entry to find; the agent's capture still sees every SYN arrive and every
# SYN-ACK leave, so the whole range reads exactly reply_dropped.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

NP_PROBE_LIMIT=300
np_setup
np_drop_synacks 40000-59999
agent_start --ports tcp/7000
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports tcp/7000 \
	--sports 39000-60999 --rate 0 --timeout 500 --attempts 2

assert_exit 1
assert_outcome 0 tcp 7000 39000-60999 fail \
	'39000-39999 ok,40000-59999 reply_dropped,60000-60999 ok' \
	'ok=2000 reply_dropped=20000'
np_done
