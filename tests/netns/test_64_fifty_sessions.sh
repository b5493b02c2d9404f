#!/usr/bin/env bash
# Scenario 64: 50 authenticated probes sweep through one agent at once, each
# its own 100 source ports over UDP and TCP; the router drops the replies to
# 44030-44059, inside probe 40's range. Every probe exits as expected with
# exactly its ranges: all ok, and probe 40 the hole.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
ip saddr 198.18.2.1 udp dport 44030-44059 drop
ip saddr 198.18.2.1 tcp dport 44030-44059 drop
RULES
agent_start --ports udp/7000,tcp/7000

pids=()
for i in $(seq 0 49); do
	from=$((40000 + i * 100))
	"$TESTBED" exec probe timeout -k 5 "$NP_PROBE_LIMIT" "$PROBE_BIN" \
		--agent "$AGENT4" --key-file "$NP_KEY" --bind "$PROBE4" \
		--ports udp/7000,tcp/7000 --sports "$from-$((from + 99))" \
		--rate 0 --timeout 2000 --attempts 2 \
		--json "$NP_TMP/fifty-$i.json" >"$NP_TMP/fifty-$i.out" 2>&1 &
	pids+=("$!")
done
for i in $(seq 0 49); do
	wait "${pids[$i]}"
	PROBE_EXIT=$?
	PROBE_CMD="probe $i of 50"
	REPORT=$NP_TMP/fifty-$i.json
	from=$((40000 + i * 100))
	if [ "$i" -eq 40 ]; then
		assert_exit 1
		expected="44000-44029 ok,44030-44059 reply_dropped,44060-44099 ok"
	else
		assert_exit 0
		expected="$from-$((from + 99)) ok"
	fi
	# Why, when it ended otherwise: its last lines and the report's error.
	if [ "$PROBE_EXIT" -gt 1 ]; then
		np_log "probe $i of 50: $(tail -n 3 "$NP_TMP/fifty-$i.out")"
		np_log "probe $i of 50: error: $(jq -r '.error // "none"' "$REPORT" 2>&1)"
	fi
	assert_ranges 0 "$expected"
	assert_ranges 1 "$expected"
done
np_alive "$AGENT_PID" || np_fail "the agent died"
assert_eq "sessions opened" 50 \
	"$(grep -c 'info: session [0-9a-f]* opened by' "$NP_TMP/agent.log")"
assert_eq "sessions closed" 50 \
	"$(grep -c 'info: session [0-9a-f]* from .* closed after' "$NP_TMP/agent.log")"
np_done
