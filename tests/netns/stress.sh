#!/usr/bin/env bash
# make stress-test: the whole end-to-end suite ROUNDS times in a row (default
# 5) while a CPU hog keeps every core busy, then a tally per test. A test that
# fails here has found a defect in the product or in the test: never retried.
#
# usage: stress.sh [ROUNDS]   (root; after make)
# The hog is one busy loop per core at normal priority, bounded twice: it is
# stopped by PID when the rounds end, and by timeout after STRESS_LIMIT
# seconds (default 5400) whatever happens.
set -uo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rounds=${1:-5}
limit=${STRESS_LIMIT:-5400}
case $rounds in
'' | *[!0-9]* | 0)
	echo "stress.sh: ROUNDS must be a whole number above 0, not '$rounds'" >&2
	exit 2
	;;
esac
[ "$(id -u)" -eq 0 ] || {
	echo "stress.sh: needs root (network namespaces), e.g. sudo make stress-test" >&2
	exit 2
}

hogs=()
stop_hogs()
{
	local pid
	for pid in "${hogs[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${hogs[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	hogs=()
}
trap stop_hogs EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cores=$(nproc 2>/dev/null || echo 2)
for _ in $(seq "$cores"); do
	timeout "$limit" sh -c 'while :; do :; done' &
	hogs+=("$!")
done
echo "stress: $cores busy loops (pids ${hogs[*]}), $rounds rounds of the e2e suite"

declare -A passed
tests=()
for t in "$dir"/test_*.sh; do
	name=$(basename "$t" .sh)
	tests+=("$name")
	passed[$name]=0
done
clean_rounds=0
for round in $(seq "$rounds"); do
	log=$(mktemp "${TMPDIR:-/tmp}/nacl-stress.XXXXXX")
	bash "$dir/run.sh" >"$log" 2>&1
	failed=0
	for name in "${tests[@]}"; do
		if grep -qx "PASS $name" "$log"; then
			passed[$name]=$((passed[$name] + 1))
		else
			failed=$((failed + 1))
			echo "stress: round $round: $name failed; its output:"
			sed -n "/^FAIL $name\$/,/^\(PASS\|FAIL\) /p" "$log" |
				sed '$d' | head -n 60
		fi
	done
	[ "$failed" -eq 0 ] && clean_rounds=$((clean_rounds + 1))
	echo "stress: round $round of $rounds: $(grep -c '^PASS' "$log") passed, $failed failed ($(grep '^e2e:' "$log"))"
	rm -f "$log"
done
stop_hogs

echo
echo "test                                         passed"
for name in "${tests[@]}"; do
	printf '%-44s %d of %d\n' "$name" "${passed[$name]}" "$rounds"
done
echo "stress: $clean_rounds of $rounds rounds passed every test, beside $cores busy loops"
[ "$clean_rounds" -eq "$rounds" ]
