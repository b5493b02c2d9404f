# What the bench scripts share: where the build is, and for the file
# benchmarks (plan.sh, report.sh) their inputs, runs and median. Sourced.
# Sets BENCH_DIR, ROOT and BUILD (BUILDDIR, relative to the top or
# absolute; default build).

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BUILD=${BUILDDIR:-build}
case $BUILD in
/*) ;;
*) BUILD=$ROOT/$BUILD ;;
esac

# bench_files_setup NAME: nacl-report and measure built, python3, at least
# three runs; sets REPORT, MEASURE, RUNS and TMP (removed on exit). The
# caller's fatal says what is missing.
bench_files_setup()
{
	REPORT=$BUILD/nacl-report
	MEASURE=$BUILD/bench/measure
	RUNS=${BENCH_RUNS:-5}
	[ -x "$REPORT" ] || fatal "$REPORT missing: run 'make'"
	[ -x "$MEASURE" ] || fatal "$MEASURE missing: run 'make bench'"
	command -v python3 >/dev/null 2>&1 ||
		fatal "python3 not found (make deps)"
	case $RUNS in
	'' | *[!0-9]*) fatal "BENCH_RUNS=$RUNS: expected a number >= 3" ;;
	esac
	[ "$RUNS" -ge 3 ] || fatal "BENCH_RUNS=$RUNS: expected a number >= 3"
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/nacl-bench-$1.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
}

# The median of the numbers given, the lower one of an even count.
bench_files_median()
{
	printf '%s\n' "$@" | sort -g |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
