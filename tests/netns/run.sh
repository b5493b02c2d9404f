#!/usr/bin/env bash
# Runs the end-to-end tests (tests/netns/test_*.sh, or those named on the
# command line) one after another, each on a fresh testbed; builds nothing.
#
# usage: run.sh [NAME...]   NAME: test_05_rejected, test_05_rejected.sh,
#                           05_rejected, a unique prefix like 05, or a path
# Prints PASS name / FAIL name (with the test's output), then one line
# "N passed, N failed". Exit 1 when any failed or could not run.
set -uo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
testbed=$dir/testbed.sh
# Wall-clock limit of one test, in seconds: a bound, not a speed assertion;
# loaded hosts take several times as long as quiet ones (see lib.sh).
test_limit=${NP_TEST_LIMIT:-600}

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: the end-to-end tests need root (network namespaces);" \
		"run them as root, e.g. sudo make e2e" >&2
	exit 1
fi

export NP_PREFIX=${NP_PREFIX:-npt}

# Two runs with the same namespace names would tear each other's testbed
# down: wait for the other one (bounded) instead.
if command -v flock >/dev/null 2>&1; then
	lockdir=/run/lock
	[ -d "$lockdir" ] && [ -w "$lockdir" ] || lockdir=/tmp
	exec 9>"$lockdir/nacl-e2e-$NP_PREFIX.lock"
	if ! flock -w 900 9; then
		echo "run.sh: another run with NP_PREFIX=$NP_PREFIX holds" \
			"the lock for 15 min; giving up" >&2
		exit 1
	fi
fi

tests=()
missing=()
if [ $# -eq 0 ]; then
	for t in "$dir"/test_*.sh; do
		[ -e "$t" ] && tests+=("$t")
	done
	if [ ${#tests[@]} -eq 0 ]; then
		echo "run.sh: no tests/netns/test_*.sh found" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
else
	for name in "$@"; do
		found=""
		for candidate in "$name" "$dir/$name" "$dir/$name.sh" \
			"$dir/test_$name.sh"; do
			if [ -f "$candidate" ]; then
				found=$candidate
				break
			fi
		done
		if [ -z "$found" ]; then
			# A unique prefix, e.g. "07" or "07_nat".
			matches=("$dir"/test_"$name"*.sh)
			if [ ${#matches[@]} -eq 1 ] && [ -f "${matches[0]}" ]; then
				found=${matches[0]}
			fi
		fi
		if [ -n "$found" ]; then
			tests+=("$found")
		else
			missing+=("$name")
		fi
	done
fi

passed=0
failed=0
started=$EPOCHREALTIME

for name in "${missing[@]}"; do
	echo "FAIL $name"
	echo "    no such test in $dir"
	failed=$((failed + 1))
done

for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	# A crashed earlier test or run must not leak into this one.
	"$testbed" down >/dev/null 2>&1
	t0=$EPOCHREALTIME
	output=$(timeout -k 10 "$test_limit" bash "$t" 2>&1 </dev/null)
	rc=$?
	took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	if [ "$rc" -eq 0 ]; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "    killed after ${test_limit} s"
		fi
		echo "    exit $rc after $took s; its output:"
		printf '%s\n' "$output" | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
done

"$testbed" down >/dev/null 2>&1
awk -v a="$started" -v b="$EPOCHREALTIME" \
	'BEGIN { printf "e2e: %.1f s in all\n", b - a }'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
