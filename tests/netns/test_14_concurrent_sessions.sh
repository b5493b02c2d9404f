#!/usr/bin/env bash
# Scenario 14: three probes sweep through one agent at the same time, each
# in its own session and source-port range; the router drops the replies to
# one sub-range of the second and the requests from one sub-range of the
# third. Each report holds exactly its own ranges: sessions do not bleed.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
ip saddr 198.18.2.1 udp dport 41800-41899 drop
ip saddr 198.18.2.1 tcp dport 41800-41899 drop
ip daddr 198.18.2.1 udp sport 43500-43599 drop
ip daddr 198.18.2.1 tcp sport 43500-43599 drop
RULES
agent_start --ports udp/7000,tcp/7000

# Probe i sweeps 40000+1500i .. +999, all three at once.
pids=()
for i in 0 1 2; do
	from=$((40000 + i * 1500))
	"$TESTBED" exec probe timeout -k 5 "$NP_PROBE_LIMIT" "$PROBE_BIN" \
		--agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
		--sports "$from-$((from + 999))" --rate 0 --timeout 300 \
		--attempts 2 --key-file "$NP_KEY" \
		--json "$NP_TMP/concurrent-$i.json" \
		>"$NP_TMP/concurrent-$i.out" 2>&1 &
	pids+=("$!")
done
expected_exit=(0 1 1)
expected_ranges=(
	'40000-40999 ok'
	'41500-41799 ok,41800-41899 reply_dropped,41900-42499 ok'
	'43000-43499 ok,43500-43599 request_dropped,43600-43999 ok'
)
expected_counts=(
	'ok=1000'
	'ok=900 reply_dropped=100'
	'ok=900 request_dropped=100'
)
for i in 0 1 2; do
	wait "${pids[$i]}"
	PROBE_EXIT=$?
	PROBE_CMD="concurrent probe $i"
	REPORT=$NP_TMP/concurrent-$i.json
	assert_exit "${expected_exit[$i]}"
	for check in 0 1; do
		assert_ranges "$check" "${expected_ranges[$i]}"
		assert_counts "$check" "${expected_counts[$i]}"
	done
done
np_done
