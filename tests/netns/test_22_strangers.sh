#!/usr/bin/env bash
# Scenario 22: strangers at the control port. From the probe's own address,
# 500 idle unauthenticated connections, then 20 that each send a 1 MiB
# frame. Before authentication a frame may hold 4 KiB; past 64 connections
# from one source the oldest goes once silent for 2 s, past 256 in all the
# oldest goes: a keyed sweep from that same address runs exact beside them,
# and the agent's memory stays within 8 MiB of what it held at start.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000
rss_start=$(agent_rss_kib)

strangers_start idle "$AGENT4" "$CONTROL_PORT" 500 12
strangers_start big "$AGENT4" "$CONTROL_PORT" 20 10 1048576
echo_sweep 61000-61999
assert_exit 0
assert_ranges 0 '61000-61999 ok'
assert_ranges 1 '61000-61999 ok'
rss_end=$(agent_rss_kib)
np_log "agent RSS: $rss_start KiB at start, $rss_end KiB after"
[ "$rss_end" -le $((rss_start + 8192)) ] ||
	np_fail "agent RSS grew from $rss_start KiB to $rss_end KiB (more than 8 MiB)"
assert_contains "the agent refused the 1 MiB frames" "$NP_TMP/agent.log" \
	"control message of 1048576 bytes refused: accepted sizes are 1 to 4096 before authentication"
assert_contains "the agent made room by closing the oldest strangers" \
	"$NP_TMP/agent.log" \
	"closed unauthenticated to make room \\([0-9]+ unauthenticated: at most 64 per source once silent for 2000 ms, 256 in all\\)"
lines=$(grep -c . "$NP_TMP/agent.log")
[ "$lines" -le 40 ] || np_fail "the agent logged $lines lines: warnings are not rate-limited"
np_alive "$AGENT_PID" || np_fail "the agent died"
np_done
