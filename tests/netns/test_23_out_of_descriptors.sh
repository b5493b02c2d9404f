#!/usr/bin/env bash
# Scenario 23: an agent limited to 1,024 descriptors (ulimit -n) gets 1,100
# idle connections on its served tcp/7000, which it holds up to 10 s each
# waiting for a request, and 1,100 on its control port. Out of descriptors it
# sheds the newest connection with its reserve descriptor instead of
# spinning on accept(): over the 8 s it is under load it uses at most 2 s of
# CPU (a busy loop takes all 8 s of a core: 800 ticks) and logs at most 30
# lines (one per kind of warning per 10 s; the old agent logged 556,000),
# and then sweeps exactly.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
# shellcheck disable=SC2016
AGENT_WRAP=(bash -c 'ulimit -n 1024 && exec "$0" "$@"')
agent_start --ports udp/7000,tcp/7000
assert_eq "the agent's open-file limit" 1024 \
	"$(awk '/^Max open files/ { print $4 }' "/proc/$AGENT_PID/limits")"
cpu_start=$(agent_cpu_ticks)
lines_start=$(grep -c . "$NP_TMP/agent.log")

holders=()
for port in 7000 "$CONTROL_PORT"; do
	strangers_start "$port" "$AGENT4" "$port" 1100 8
	holders+=("$STRANGERS_PID")
done
for pid in "${holders[@]}"; do
	wait "$pid" || np_fail "strangers.py (pid $pid) failed"
done
NP_HELPER_PIDS=()
cpu_used=$(($(agent_cpu_ticks) - cpu_start))
lines=$(($(grep -c . "$NP_TMP/agent.log") - lines_start))
np_log "under 2,200 idle connections: $cpu_used CPU ticks, $lines log lines;" \
	"$(cat "$NP_TMP"/strangers-*.out | tr '\n' ' ')"
[ "$cpu_used" -le 200 ] ||
	np_fail "the agent used $cpu_used ticks of CPU in 8 s: a busy loop?"
[ "$lines" -le 30 ] ||
	np_fail "the agent logged $lines lines in 8 s: warnings are not rate-limited"
assert_contains "the agent says it shed connections" "$NP_TMP/agent.log" \
	"tcp/7000: out of file descriptors \\(Too many open files\\): closed the newest connection"
np_alive "$AGENT_PID" || np_die "the agent died"

# The held connections time out (10 s without a request); then a sweep,
# above the ephemeral ports whose TIME_WAIT the strangers left behind.
sleep 3
echo_sweep 61000-61999
assert_exit 0
assert_ranges 0 '61000-61999 ok'
assert_ranges 1 '61000-61999 ok'
np_done
