#!/usr/bin/env bash
# make bench, nacl-report render and diff on the fragmented worst case: six
# checks over 1024-65535 with every other source port dropped (387,072
# ports, as many ranges, a JSON report of about 30 MB); each format and diff
# must stay under 64 MiB peak RSS.
#
# usage: bench/report.sh   (after make and BUILDDIR/bench/measure; no root,
#                           no testbed: nacl-report only reads files)
# Environment: BENCH_RUNS runs (default 5, at least 3), BUILDDIR.
# Prints one line per figure: figure, median wall time and the largest peak
# RSS of the runs, target, met or NOT MET.
# Exit status: 0 met, 1 not met, 2 could not measure.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RSS_LIMIT_KB=$((64 * 1024))
FORMATS="text json junit prom html"

fatal()
{
	echo "bench/report: $*" >&2
	exit 2
}

bench_files_setup report

# Two reports of one six-check sweep over 1024-65535 in nacl-probe's layout
# (cJSON's indentation): in old.json the odd source ports drop their
# replies, in new.json the even ones, so that diff finds every port changed.
python3 - "$TMP" <<'PY'
import sys
tmp = sys.argv[1]
CHECKS = [("udp", 53, "dns"), ("tcp", 53, "dns"), ("udp", 123, "ntp"),
          ("tcp", 80, "http"), ("tcp", 443, "tls"), ("udp", 443, "quic")]
STATUSES = ["ok", "reply_dropped", "request_dropped", "dropped", "rejected",
            "local_error", "host_dropped", "unfinished"]
LO, HI = 1024, 65535

def report(path, dropped_parity):
    out = open(path, "w")
    w = out.write
    w('{\n\t"schema":\t"nacl-probe/report/v1",\n'
      '\t"tool":\t{\n\t\t"name":\t"nacl-probe",\n\t\t"version":\t"0.2.0"\n\t},\n'
      '\t"started_at":\t"2026-11-20T10:00:00Z",\n'
      '\t"finished_at":\t"2026-11-20T10:01:00Z",\n'
      '\t"probe":\t{\n\t\t"bind":\t"198.18.1.1"\n\t},\n'
      '\t"target":\t{\n\t\t"address":\t"198.18.2.1",\n\t\t"agent":\ttrue\n\t},\n'
      '\t"targets":\t[{\n\t\t\t"name":\t"",\n\t\t\t"address":\t"198.18.2.1",\n'
      '\t\t\t"agent":\ttrue,\n\t\t\t"bind":\t"198.18.1.1"\n\t\t}],\n'
      '\t"settings":\t{\n\t\t"rate":\t0,\n\t\t"window":\t16384,\n'
      '\t\t"attempts":\t3,\n\t\t"timeout_ms":\t1000\n\t},\n'
      '\t"checks":\t[')
    for n, (proto, port, service) in enumerate(CHECKS):
        counts = dict.fromkeys(STATUSES, 0)
        w('%s{\n\t\t\t"proto":\t"%s",\n\t\t\t"port":\t%d,\n'
          '\t\t\t"service":\t"%s",\n\t\t\t"sports":\t"%d-%d",\n'
          % (", " if n else "", proto, port, service, LO, HI))
        ranges = []
        for p in range(LO, HI + 1):
            s = "reply_dropped" if p % 2 == dropped_parity else "ok"
            counts[s] += 1
            ranges.append('{\n\t\t\t\t\t"from":\t%d,\n\t\t\t\t\t"to":\t%d,\n'
                          '\t\t\t\t\t"status":\t"%s"\n\t\t\t\t}' % (p, p, s))
        w('\t\t\t"counts":\t{\n%s\n\t\t\t},\n' % ",\n".join(
            '\t\t\t\t"%s":\t%d' % (s, counts[s]) for s in STATUSES))
        w('\t\t\t"ranges":\t[%s],\n' % ", ".join(ranges))
        w('\t\t\t"nat":\t{\n\t\t\t\t"translated":\t0\n\t\t\t},\n'
          '\t\t\t"target":\t0,\n\t\t\t"expect":\t"open",\n'
          '\t\t\t"verdict":\t"fail"\n\t\t}')
    w('],\n\t"summary":\t{\n\t\t"probes":\t%d,\n\t\t"verdict":\t"fail"\n\t}\n}\n'
      % (len(CHECKS) * (HI - LO + 1)))
    out.close()

report(tmp + "/old.json", 1)
report(tmp + "/new.json", 0)
PY

printf '%-44s %-30s %-10s %s\n' figure value target result
failed=0
# One figure: runs the command RUNS times; the median time, the largest
# peak RSS. $1 the figure's name, $2 the exit status expected, the rest the
# command.
figure()
{
	local name=$1 expect=$2 times=() rss=0 exit_code kb median result
	shift 2
	for _ in $(seq "$RUNS"); do
		"$MEASURE" "$TMP/measure" "$@" >"$TMP/out" 2>"$TMP/err" || true
		exit_code=$(sed -n 's/.*exit=\([0-9]*\).*/\1/p' "$TMP/measure")
		[ "$exit_code" = "$expect" ] ||
			fatal "$name exited $exit_code, not $expect: $(head -n 3 "$TMP/err")"
		times+=("$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$TMP/measure")")
		kb=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' "$TMP/measure")
		[ "$kb" -gt "$rss" ] && rss=$kb
	done
	median=$(bench_files_median "${times[@]}")
	result=met
	if [ "$rss" -ge "$RSS_LIMIT_KB" ]; then
		result="NOT MET"
		failed=1
	fi
	printf '%-44s %-30s %-10s %s\n' "$name" \
		"$(printf '%.3f s, %.1f MiB' "$median" "$(echo "$rss / 1024" | bc -l)")" \
		"< 64 MiB" "$result"
}

for format in $FORMATS; do
	figure "nacl-report render --format $format" 0 \
		"$REPORT" render "$TMP/old.json" --format "$format"
	# The rendering must be whole: the last line of each format.
	case $format in
	text) grep -q '^Summary: 6 checks, 387072 probes: FAIL (6 checks failed)$' "$TMP/out" ;;
	json) python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert sum(len(c["ranges"]) for c in r["checks"]) == 387072' "$TMP/out" ;;
	junit) tail -n 1 "$TMP/out" | grep -qx '</testsuites>' ;;
	prom) grep -q '^naclprobe_check_failing_ranges{.*port="443",service="quic"} 32256$' "$TMP/out" ;;
	html) tail -n 1 "$TMP/out" | grep -qx '</html>' ;;
	esac || fatal "render --format $format: the output is not whole"
done
figure "nacl-report diff" 1 "$REPORT" diff "$TMP/old.json" "$TMP/new.json"
grep -q '^Summary: 6 checks compared: 193536 ports newly not ok, 193536 fixed, 0 changed status: REGRESSION$' "$TMP/out" ||
	fatal "diff: unexpected summary: $(tail -n 1 "$TMP/out")"
echo "  (six checks x 64512 source ports, every other one reply_dropped:" \
	"$(($(stat -c %s "$TMP/old.json") / 1000)) kB of JSON; $RUNS runs each)"
[ "$failed" = 0 ] || exit 1
