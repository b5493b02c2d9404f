#!/usr/bin/env bash
# Scenario 54: nacl-probe --history DIR over real sweeps: clean, broken (UDP
# replies to 40500-40999 dropped), clean again. DIR then holds three reports
# under their start times and latest.json, each the run's --json report byte
# for byte; each run prints the diff against the previous one (the new drop,
# then the fix); a fourth run with --keep 3 removes the oldest report.
# Needs the nacl-probe flags --junit/--prom/--html/--history/--keep.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_output_flags

hist=$NP_TMP/history/nightly
np_setup
agent_start --ports udp/7000,tcp/7000

report_sweep --history "$hist"
assert_exit 0
run1=$REPORT
assert_contains "run 1: stored" "$PROBE_OUT" \
	"^History: stored $hist/report-[0-9]{8}T[0-9]{6}Z(_[0-9]{2})?\\.json\$"
assert_contains "run 1: nothing to compare" "$PROBE_OUT" \
	'^History: first run here, nothing to compare with$'

np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp dport 40500-40999 drop
RULES
report_sweep --history "$hist"
assert_exit 1
run2=$REPORT
assert_contains "run 2: the new drop" "$PROBE_OUT" \
	'^  40500-40999  ok -> reply_dropped \(500 ports\): newly not ok$'
assert_contains "run 2: regression" "$PROBE_OUT" \
	'^Summary: 2 checks compared: 500 ports newly not ok, 0 fixed, 0 changed status: REGRESSION$'

np_rules </dev/null
report_sweep --history "$hist"
assert_exit 0
run3=$REPORT
assert_contains "run 3: the fix" "$PROBE_OUT" \
	'^  40500-40999  reply_dropped -> ok \(500 ports\): fixed$'
assert_contains "run 3: no regression" "$PROBE_OUT" \
	'^Summary: 2 checks compared: 0 ports newly not ok, 500 fixed, 0 changed status: no regression$'

# Three reports in start order, and latest.json.
mapfile -t stored < <(cd "$hist" && ls -A)
assert_eq "history holds" "4: latest.json report- report- report-" \
	"${#stored[@]}: ${stored[0]} ${stored[1]:0:7} ${stored[2]:0:7} ${stored[3]:0:7}"
assert_file_eq "latest.json is run 3" "$run3" "$hist/latest.json"
assert_file_eq "oldest report is run 1" "$run1" "$hist/${stored[1]}"
assert_file_eq "second report is run 2" "$run2" "$hist/${stored[2]}"
assert_file_eq "newest report is run 3" "$run3" "$hist/${stored[3]}"
started=$(jq -r .started_at "$run1" | tr -d ':-')
assert_eq "run 1's name is its start time" "report-$started" \
	"$(basename "${stored[1]}" .json | sed 's/_[0-9][0-9]$//')"

# --keep 3: the fourth run removes the first.
report_sweep --history "$hist" --keep 3
assert_exit 0
assert_contains "run 4: pruned" "$PROBE_OUT" \
	"^History: stored $hist/report-.*; removed 1 older report \\(--keep 3\\)\$"
assert_contains "run 4: unchanged" "$PROBE_OUT" \
	'^udp/7000 echo  sports 40000-40999: unchanged \(pass\)$'
mapfile -t kept < <(cd "$hist" && ls -A)
assert_eq "after --keep 3" "4 ${stored[2]} ${stored[3]}" \
	"${#kept[@]} ${kept[1]} ${kept[2]}"
assert_file_eq "latest.json is run 4" "$REPORT" "$hist/latest.json"
np_done
