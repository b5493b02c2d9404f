#!/usr/bin/env bash
# Scenario 63: the control port under garbage. Random bytes, a 4 GiB length
# prefix, JSON nested 100,000 deep (over the 4 KiB allowed before
# authentication), a small frame of bad JSON and a message that never
# finishes each get refused or dropped (the slow one at the 5 s hello
# deadline, while an authenticated sweep runs beside it), and the agent goes
# on serving the next authenticated sweep with the exact ranges.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000

# control_send NAME: sends stdin to the control port, then reads until the
# agent closes (at most 12 s: a length prefix that random bytes make small
# waits for the 5 s deadline); the agent must close first.
control_send()
{
	local name=$1 start end
	start=$EPOCHREALTIME
	if "$TESTBED" exec probe timeout 12 bash -c \
		"exec 3<>/dev/tcp/$AGENT4/$CONTROL_PORT; cat >&3; cat <&3 \
		>/dev/null" 2>/dev/null; then
		end=$EPOCHREALTIME
		np_log "$name: the agent closed after" \
			"$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s", b - a }')"
	else
		np_fail "$name: the agent did not close the connection in 12 s"
	fi
}

head -c 4096 /dev/urandom | control_send "random bytes"
printf '\xff\xff\xff\xff{"v":2}' | control_send "4 GiB length prefix"
printf '\0\0\0\x08{"v":2,]' | control_send "bad JSON"
{
	n=$((100000 * 2 + 8))
	printf "\\x$(printf %02x $((n >> 24 & 255)))\\x$(printf %02x $((n >> 16 & 255)))"
	printf "\\x$(printf %02x $((n >> 8 & 255)))\\x$(printf %02x $((n & 255)))"
	printf '{"v":2,'
	head -c 100000 /dev/zero | tr '\0' '['
	head -c 100000 /dev/zero | tr '\0' ']'
	printf '}'
} | control_send "JSON nested 100000 deep"

# A message that never finishes: 100 bytes announced, 10 sent, then silence.
slow_start=$EPOCHREALTIME
"$TESTBED" exec probe timeout 15 bash -c \
	"exec 3<>/dev/tcp/$AGENT4/$CONTROL_PORT; printf '\\0\\0\\0\\x64{\"v\":1,\"ty' >&3;
	 cat <&3 >/dev/null" >/dev/null 2>&1 &&
	echo "$EPOCHREALTIME" >"$NP_TMP/slow.end" &
slow_pid=$!
NP_HELPER_PIDS+=("$slow_pid")

# Beside it, from source ports outside the kernel's ephemeral range
# 32768-60999: the slow connection holds one of those, and a swept port it
# holds is rightly local_error (it was, once in a CI run: 40156).
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 61000-61999 --rate 0 --timeout 300 --attempts 2
assert_exit 0
assert_ranges 0 '61000-61999 ok'
assert_ranges 1 '61000-61999 ok'

wait "$slow_pid"
slow_exit=$?
NP_HELPER_PIDS=()
# When the agent closed it, as the helper saw it: the sweep beside it may
# end later on a busy host.
slow_end=$(cat "$NP_TMP/slow.end" 2>/dev/null || echo "$EPOCHREALTIME")
slow=$(awk -v a="$slow_start" -v b="$slow_end" 'BEGIN { printf "%d", b - a }')
assert_eq "never-finishing message: the agent closed it (not the 15 s timeout)" \
	0 "$slow_exit"
if [ "$slow" -lt 4 ] || [ "$slow" -gt 7 ]; then
	np_fail "never-finishing message dropped after $slow s, not about 5 s"
fi

probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 41000-41999 --rate 0 --timeout 300 --attempts 2
assert_exit 0
assert_ranges 0 '41000-41999 ok'
assert_ranges 1 '41000-41999 ok'
np_alive "$AGENT_PID" || np_fail "the agent died"
assert_contains "agent log: oversize refused" "$NP_TMP/agent.log" \
	"control message of [0-9]+ bytes refused: accepted sizes are 1 to 4096 before authentication; closing"
assert_contains "agent log: bad JSON refused" "$NP_TMP/agent.log" \
	"control message is not valid JSON; closing"
assert_contains "agent log: slow client dropped" "$NP_TMP/agent.log" \
	"not authenticated within 5 s; closing"
np_done
