#!/usr/bin/env bash
# make soak: the agent and the probe built with ASan and LeakSanitizer, many
# authenticated sessions (sweeps over every service, with hostile control
# connections and random datagrams between them) for SOAK_SECONDS. Passes
# when every sweep is exact, the agent's heap stays flat (its SIGUSR1 count,
# the last third's median within 10% of the first third's after a warm-up)
# and
# LeakSanitizer reports no leak when the agent and each probe exit.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

SOAK_SECONDS=${SOAK_SECONDS:-180}
WIRE_BIN=$NP_BUILD/tests/wire
# A small quarantine keeps ASan's own memory from looking like growth.
export ASAN_OPTIONS="detect_leaks=1:quarantine_size_mb=8:malloc_context_size=8:log_path=$NP_TMP/asan"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

np_setup
agent_start --ports udp/7000,tcp/7000,udp/53,tcp/53,udp/123,tcp/80

# The agent's heap in use (its SIGUSR1 status line), with ASan's count.
heap_bytes()
{
	local before
	before=$(grep -c "info: status:" "$NP_TMP/agent.log")
	kill -USR1 "$AGENT_PID"
	for _ in $(seq 50); do
		[ "$(grep -c "info: status:" "$NP_TMP/agent.log")" -gt "$before" ] &&
			break
		sleep 0.05
	done
	grep "info: status:" "$NP_TMP/agent.log" | tail -n 1 |
		sed 's/.*status: \([0-9]*\) bytes of heap.*/\1/'
}

samples=()
round=0
end=$((SECONDS + SOAK_SECONDS))
while [ "$SECONDS" -lt "$end" ]; do
	round=$((round + 1))
	from=$((40000 + (round % 20) * 1000))
	probe_run --agent "$AGENT4" --bind "$PROBE4" \
		--ports udp/7000,tcp/7000,udp/53,tcp/53,udp/123,tcp/80 \
		--sports "$from-$((from + 999))" --rate 0 --timeout 1000 \
		--attempts 2 --quiet
	assert_exit 0
	for check in 0 1 2 3 4 5; do
		assert_ranges "$check" "$from-$((from + 999)) ok"
	done
	# Garbage between sessions: it must cost nothing that stays.
	head -c 512 /dev/urandom | "$TESTBED" exec probe timeout 2 bash -c \
		"exec 3<>/dev/tcp/$AGENT4/$CONTROL_PORT; cat >&3; cat <&3" \
		>/dev/null 2>&1
	"$TESTBED" exec probe "$WIRE_BIN" send udp "$AGENT4" 7000 \
		--random 64 --timeout 50 >/dev/null
	samples+=("$(heap_bytes)")
	np_log "round $round: agent heap ${samples[-1]} bytes, VmRSS" \
		"$(awk '/^VmRSS:/ { print $2 }' "/proc/$AGENT_PID/status") KiB"
done

n=${#samples[@]}
[ "$n" -ge 6 ] || np_die "only $n rounds in $SOAK_SECONDS s: too few to judge"
third=$(((n - 1) / 3))
first=$(printf '%s\n' "${samples[@]:1:$third}" | sort -n |
	awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
last=$(printf '%s\n' "${samples[@]:$((n - third)):$third}" | sort -n |
	awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
np_log "agent heap median: first third $first bytes, last third $last" \
	"bytes, over $n rounds"
if [ "$last" -gt $((first + first / 10)) ]; then
	np_fail "agent heap grew from $first to $last bytes (over 10%)"
fi

agent_stop
assert_eq "agent exit status" 0 "$AGENT_EXIT"
if ls "$NP_TMP"/asan.* >/dev/null 2>&1; then
	np_fail "sanitizer reports:
$(cat "$NP_TMP"/asan.*)"
fi
np_done
