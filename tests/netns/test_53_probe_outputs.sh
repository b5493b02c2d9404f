#!/usr/bin/env bash
# Scenario 53: nacl-probe writes --junit, --prom and --html itself after a
# real sweep with two holes, each file exactly what nacl-report renders from
# its --json report (and well-formed, promtool-clean); --prom - puts the
# metrics alone on stdout; conflicting or impossible outputs are refused with
# exit 2 before the sweep, and an output that cannot be written is exit 3
# while the others are still written.
# Needs the nacl-probe flags --junit/--prom/--html/--history/--keep.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_output_flags

np_need_tool xmllint libxml2-utils
np_need_tool promtool prometheus
report_setup
report_two_holes_sweep --junit "$out/r.xml" --prom "$out/r.prom" \
	--html "$out/r.html"
for format in junit:xml prom:prom html:html; do
	report_run render "$REPORT" --format "${format%:*}"
	assert_report_exit 0
	assert_file_eq "nacl-probe --${format%:*}" "$NR_OUT" "$out/r.${format#*:}"
done
xmllint --noout "$out/r.xml" 2>"$NP_TMP/xmllint.err" ||
	np_fail "xmllint refuses --junit: $(cat "$NP_TMP/xmllint.err")"
promtool check metrics <"$out/r.prom" >"$NP_TMP/promtool.out" 2>&1 ||
	np_fail "promtool refuses --prom: $(cat "$NP_TMP/promtool.out")"
assert_eq "no temporary file is left" "" \
	"$(find "$out" -name '.*' -type f)"
# The summary still goes to stdout.
assert_contains "summary on stdout" "$PROBE_OUT" \
	'^  40500-40999  reply_dropped \(500 ports\)'

# --prom -: stdout is the metrics alone.
report_sweep --prom -
assert_exit 1
promtool check metrics <"$PROBE_OUT" >"$NP_TMP/promtool.out" 2>&1 ||
	np_fail "promtool refuses --prom - output: $(cat "$NP_TMP/promtool.out")"
assert_eq "--prom -: the first line" \
	"# HELP naclprobe_build_info The nacl-probe version that wrote these series; always 1." \
	"$(head -n 1 "$PROBE_OUT")"
assert_contains "--prom -: the udp hole" "$PROBE_OUT" \
	'^naclprobe_ports\{scenario="",name="",target="198.18.2.1",proto="udp",port="7000",service="echo",status="reply_dropped"\} 500$'

# Refused before any probe is sent: exit 2, naming the options.
report_sweep --junit - --html -
assert_exit 2
assert_contains "two outputs on stdout" "$PROBE_ERR" \
	'--junit - and --html -: only one output can go to standard output'
report_sweep --keep 3
assert_exit 2
assert_contains "--keep without --history" "$PROBE_ERR" \
	'--keep .*--history DIR'
report_sweep --history "$out/r.prom"
assert_exit 2
assert_contains "--history on a file" "$PROBE_ERR" \
	"--history: '.*' exists and is not a directory"

# An output that cannot be written is refused before the sweep: exit 2,
# naming it; nothing is written.
report_sweep --html /nonexistent-nacl-dir/r.html --prom "$out/again.prom"
assert_exit 2
assert_contains "the failed output is named" "$PROBE_ERR" \
	"^nacl-probe: --html: cannot write HTML report '/nonexistent-nacl-dir/r.html': creating a temporary file beside it: No such file or directory$"
[ ! -e "$out/again.prom" ] || np_fail "--prom was written although the run was refused"
[ ! -e "$REPORT" ] || np_fail "a report was written although the run was refused"
np_done
