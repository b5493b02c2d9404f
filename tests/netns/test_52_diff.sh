#!/usr/bin/env bash
# Scenario 52: nacl-report diff on reports of real sweeps: clean -> clean is
# 0, clean -> broken (UDP replies to 40500-40999 dropped) is 1 and names the
# range, broken -> clean is 0 and names the fix, garbage or reports of other
# sweeps are 2 with the reason.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000
report_sweep
assert_exit 0
clean1=$REPORT
report_sweep
assert_exit 0
clean2=$REPORT
np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp dport 40500-40999 drop
RULES
report_sweep
assert_exit 1
assert_ranges 0 '40000-40499 ok,40500-40999 reply_dropped'
broken=$REPORT

report_run diff "$clean1" "$clean2"
assert_report_exit 0
assert_contains "clean -> clean: udp unchanged" "$NR_OUT" \
	'^udp/7000 echo  sports 40000-40999: unchanged \(pass\)$'
assert_contains "clean -> clean: summary" "$NR_OUT" \
	'^Summary: 2 checks compared: 0 ports newly not ok, 0 fixed, 0 changed status: no regression$'

report_run diff "$clean2" "$broken"
assert_report_exit 1
assert_contains "clean -> broken: the check" "$NR_OUT" \
	'^udp/7000 echo  sports 40000-40999: pass -> FAIL, 1 range changed$'
assert_contains "clean -> broken: the range" "$NR_OUT" \
	'^  40500-40999  ok -> reply_dropped \(500 ports\): newly not ok$'
assert_contains "clean -> broken: tcp unchanged" "$NR_OUT" \
	'^tcp/7000 echo  sports 40000-40999: unchanged \(pass\)$'
assert_contains "clean -> broken: summary" "$NR_OUT" \
	'^Summary: 2 checks compared: 500 ports newly not ok, 0 fixed, 0 changed status: REGRESSION$'

report_run diff "$broken" "$clean2"
assert_report_exit 0
assert_contains "broken -> clean: the fix" "$NR_OUT" \
	'^  40500-40999  reply_dropped -> ok \(500 ports\): fixed$'
assert_contains "broken -> clean: summary" "$NR_OUT" \
	'^Summary: 2 checks compared: 0 ports newly not ok, 500 fixed, 0 changed status: no regression$'

# Garbage, a missing file, and a sweep of other source ports: 2.
echo 'not a report' >"$NP_TMP/garbage.json"
report_run diff "$clean1" "$NP_TMP/garbage.json"
assert_report_exit 2
assert_contains "garbage is named" "$NR_ERR" \
	'garbage.json: not valid JSON at line 1, column 1'
report_run diff "$NP_TMP/missing.json" "$clean1"
assert_report_exit 2
assert_contains "a missing file is named" "$NR_ERR" \
	'missing.json: cannot open: No such file or directory'
report_run diff "$clean1"
assert_report_exit 2
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000 \
	--sports 40000-40099 --timeout 300 --attempts 2
assert_exit 0
report_run diff "$clean1" "$REPORT"
assert_report_exit 2
assert_contains "other sports are named" "$NR_ERR" \
	'udp/7000 to 198.18.2.1 swept other source ports: 40000-40999 in the old report, 40000-40099 in the new one'
np_done
