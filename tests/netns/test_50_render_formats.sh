#!/usr/bin/env bash
# Scenario 50: one real sweep with two holes (UDP replies to 40500-40999
# dropped, TCP from 40200-40299 reset), its report rendered by nacl-report in
# every format: JUnit well-formed (xmllint) with exact testcases and failure
# messages, Prometheus clean under promtool with exact values, JSON equal to
# the probe's own, --output written atomically, bad input exit 2.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool xmllint libxml2-utils
np_need_tool promtool prometheus
np_setup
report_two_holes_sweep

# JUnit: well-formed, one testsuite, one testcase per check, both failing.
report_run render "$REPORT" --format junit
assert_report_exit 0
junit=$NP_TMP/report.xml
cp "$NR_OUT" "$junit"
if ! xmllint --noout "$junit" 2>"$NP_TMP/xmllint.err"; then
	np_fail "xmllint refuses the JUnit report: $(cat "$NP_TMP/xmllint.err")"
fi
xpath()
{
	xmllint --xpath "$1" "$junit" 2>&1
}
assert_eq "JUnit testsuites" 1 "$(xpath 'count(/testsuites/testsuite)')"
assert_eq "JUnit tests/failures" "2 2" \
	"$(xpath 'string(/testsuites/@tests)') $(xpath 'string(/testsuites/@failures)')"
assert_eq "JUnit suite name" "nacl-probe 198.18.2.1" \
	"$(xpath 'string(/testsuites/testsuite/@name)')"
assert_eq "JUnit testcase 1" "udp/7000 echo sports 40000-40999" \
	"$(xpath 'string(//testcase[1]/@name)')"
assert_eq "JUnit failure 1" \
	"500 of 1000 source ports not ok: 40500-40999 reply_dropped" \
	"$(xpath 'string(//testcase[1]/failure/@message)')"
assert_eq "JUnit failure 1 type" reply_dropped \
	"$(xpath 'string(//testcase[1]/failure/@type)')"
assert_eq "JUnit testcase 2" "tcp/7000 echo sports 40000-40999" \
	"$(xpath 'string(//testcase[2]/@name)')"
assert_eq "JUnit failure 2" \
	"100 of 1000 source ports not ok: 40200-40299 rejected" \
	"$(xpath 'string(//testcase[2]/failure/@message)')"
assert_contains "JUnit failure 1 body names the direction" "$junit" \
	'type="reply_dropped">40500-40999 reply_dropped \(500 ports\): requests arrive, replies are dropped on the way back; hits Linux clients'

# Prometheus: promtool finds nothing to say; the values are the report's.
report_run render "$REPORT" --format prom
assert_report_exit 0
prom=$NP_TMP/report.prom
cp "$NR_OUT" "$prom"
if ! promtool check metrics <"$prom" >"$NP_TMP/promtool.out" 2>&1; then
	np_fail "promtool check metrics failed: $(cat "$NP_TMP/promtool.out")"
fi
assert_eq "promtool check metrics output" "" "$(cat "$NP_TMP/promtool.out")"
labels='scenario="",name="",target="198.18.2.1",proto="udp",port="7000",service="echo"'
assert_contains "prom: udp reply_dropped ports" "$prom" \
	"^naclprobe_ports\\{$labels,status=\"reply_dropped\"\\} 500\$"
assert_contains "prom: udp ok ports" "$prom" \
	"^naclprobe_ports\\{$labels,status=\"ok\"\\} 500\$"
assert_contains "prom: tcp rejected ports" "$prom" \
	'^naclprobe_ports\{scenario="",name="",target="198.18.2.1",proto="tcp",port="7000",service="echo",status="rejected"\} 100$'
assert_contains "prom: udp check fails" "$prom" \
	"^naclprobe_check_pass\\{$labels\\} 0\$"
assert_contains "prom: run fails" "$prom" \
	'^naclprobe_run_pass\{scenario="",name="",target="198.18.2.1"\} 0$'
started=$(date -u -d "$(jq -r .started_at "$REPORT")" +%s)
assert_contains "prom: run timestamp is the report's start" "$prom" \
	"^naclprobe_run_timestamp_seconds\\{scenario=\"\",name=\"\",target=\"198.18.2.1\"\\} $started\$"
# 8 statuses x 2 checks, 5 per-check gauges x 2, loss and the two RTT
# quantiles x 2 (both checks measured them), build_info, up, outage and 3 run
# gauges.
assert_eq "prom: samples" 38 "$(grep -vc '^#' "$prom")"
assert_json '[.checks[] | (.loss != null) and (.rtt_ms != null)]' '[true,true]'


# JSON re-rendered is the probe's own report, byte for byte.
report_run render "$REPORT" --format json
assert_report_exit 0
assert_file_eq "render --format json" "$REPORT" "$NR_OUT"

# Text by default; --output writes a file and nothing on stdout.
report_run render "$REPORT"
assert_report_exit 0
assert_contains "text names the dropped range" "$NR_OUT" \
	'^  40500-40999  reply_dropped \(500 ports\)'
report_run render "$REPORT" --format html --output "$NP_TMP/page.html"
assert_report_exit 0
assert_eq "render --output: stdout" "" "$(cat "$NR_OUT")"
assert_contains "render --output html" "$NP_TMP/page.html" \
	'<td class="ports">40500-40999</td>'
assert_eq "render --output leaves no temporary file" "" \
	"$(find "$NP_TMP" -maxdepth 1 -name '.*.tmp.*')"

# Bad input: exit 2, naming it.
report_run render "$REPORT" --format pdf
assert_report_exit 2
assert_contains "unknown format is named" "$NR_ERR" \
	"unknown format 'pdf' for --format: expected text, json, junit, prom or html"
echo '{"schema": "nacl-probe/report/v1"' >"$NP_TMP/cut.json"
report_run render "$NP_TMP/cut.json" --format prom
assert_report_exit 2
assert_contains "a cut report is refused" "$NR_ERR" 'cut.json: not valid JSON'
np_done
