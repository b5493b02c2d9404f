#!/usr/bin/env bash
# Scenario 68: the alert rules and the Grafana dashboard of contrib/ meet the
# series nacl-probe really writes. Three runs of one scenario write --prom:
# a clean sweep, one whose UDP replies the router drops to half the ports,
# one whose agent is gone. Their samples become promtool's input series (a
# day of the first, then two hours of each other), and promtool test rules
# expects exactly: nothing on the clean day, NaclProbeHole and
# NaclProbeRegression on the broken run, NaclProbeDown (and no hole) on the
# failed one. The dashboard is valid JSON whose queries use only metric
# families the exposition declares.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool promtool prometheus
np_need_tool python3 python3
report_setup
agent_start --ports udp/7000,tcp/7000

SCENARIO=$NP_TMP/nightly.json
cat >"$SCENARIO" <<JSON
{
  "name": "nightly",
  "targets": [ { "name": "app", "agent": "$AGENT4", "key_file": "$NP_KEY",
                 "bind": "$PROBE4" } ],
  "settings": { "rate": 0, "timeout_ms": 300, "attempts": 2 },
  "checks": [
    { "proto": "udp", "port": 7000, "sports": "40000-40199" },
    { "proto": "tcp", "port": 7000, "sports": "40000-40199" }
  ]
}
JSON
probe_run --scenario "$SCENARIO" -q --prom "$out/clean.prom"
assert_exit 0
np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp sport 7000 udp dport 40100-40199 drop
RULES
probe_run --scenario "$SCENARIO" -q --prom "$out/hole.prom"
assert_exit 1
agent_stop
probe_run --scenario "$SCENARIO" -q --prom "$out/down.prom"
assert_exit 3
for f in clean hole down; do
	promtool check metrics <"$out/$f.prom" >"$NP_TMP/promtool.out" 2>&1 ||
		np_fail "promtool refuses $f.prom: $(cat "$NP_TMP/promtool.out")"
done

# The input series: 25 hourly samples of the clean run, 2 of each other.
python3 - "$out/clean.prom" "$out/hole.prom" "$out/down.prom" \
	>"$NP_TMP/series.yml" <<'PY'
import re, sys
runs = []
for path in sys.argv[1:]:
    samples = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        key, value = line.rsplit(" ", 1)
        samples[key] = value.strip()
    runs.append(samples)
keys = sorted(set().union(*runs))
for key in keys:
    name, labels = re.match(r"([^{]+)\{(.*)\}", key).groups()
    series = "%s{%s,instance=\"probe:9100\"}" % (name, labels)
    values = " ".join("%sx%d" % (run.get(key, "_"), n)
                      for run, n in zip(runs, (24, 1, 1)))
    print("      - series: '%s'\n        values: '%s'" % (series, values))
PY
rules=$NP_ROOT/contrib/prometheus/nacl-probe.rules.yml
labels='scenario: nightly, name: app, target: 198.18.2.1'
check='proto: udp, port: "7000", service: echo, instance: "probe:9100"'
{
	cat <<EOF
rule_files: ["$rules"]
evaluation_interval: 1m
tests:
  - interval: 1h
    input_series:
EOF
	cat "$NP_TMP/series.yml"
	cat <<EOF
    alert_rule_test:
      - {eval_time: 24h, alertname: NaclProbeHole, exp_alerts: []}
      - {eval_time: 24h, alertname: NaclProbeDown, exp_alerts: []}
      - {eval_time: 24h, alertname: NaclProbeRegression, exp_alerts: []}
      - eval_time: 25h
        alertname: NaclProbeHole
        exp_alerts:
          - exp_labels: {severity: warning, $labels, $check}
            exp_annotations:
              summary: "udp/7000 to 198.18.2.1 fails from probe:9100"
              description: "Some source ports of udp/7000 (echo) toward 198.18.2.1 did not show what the scenario nightly expects in the last nacl-probe run; see the run's HTML report or nacl-report render latest.json on the probe host."
      - eval_time: 25h
        alertname: NaclProbeRegression
        exp_alerts:
          - exp_labels: {severity: critical, $labels, $check, status: ok}
            exp_annotations:
              summary: "New hole: udp/7000 to 198.18.2.1"
              description: "100 source ports answer now, fewer than a day ago: a change to the NACL broke return traffic."
      - {eval_time: 25h, alertname: NaclProbeDown, exp_alerts: []}
      - eval_time: 27h
        alertname: NaclProbeDown
        exp_alerts:
          - exp_labels: {severity: warning, $labels, instance: "probe:9100"}
            exp_annotations:
              summary: "nacl-probe could not finish its run toward app 198.18.2.1 (nightly)"
              description: "The last nacl-probe run toward 198.18.2.1 from probe:9100 failed (agent unreachable, authentication refused, the agent lost) or was interrupted; its report says why (\"error\") and which ports it did not finish."
      - {eval_time: 27h, alertname: NaclProbeHole, exp_alerts: []}
      - {eval_time: 27h, alertname: NaclProbeRegression, exp_alerts: []}
EOF
} >"$NP_TMP/rules_test.yml"
promtool check rules "$rules" >"$NP_TMP/rules.out" 2>&1 ||
	np_fail "promtool check rules: $(cat "$NP_TMP/rules.out")"
promtool test rules "$NP_TMP/rules_test.yml" >"$NP_TMP/rules_test.out" 2>&1 ||
	np_fail "promtool test rules: $(cat "$NP_TMP/rules_test.out")"
assert_eq "input series from the three runs" \
	"$(grep -vc '^#' "$out/clean.prom")" "$(grep -c 'series:' "$NP_TMP/series.yml")"

# The dashboard: JSON, and every metric it queries is declared.
dashboard=$NP_ROOT/contrib/grafana/nacl-probe.json
jq -e . "$dashboard" >/dev/null 2>"$NP_TMP/jq.err" ||
	np_fail "the dashboard is not JSON: $(cat "$NP_TMP/jq.err")"
jq -r '[.panels[].targets[].expr, .templating.list[].query.query? // empty] | .[]' \
	"$dashboard" | grep -oE 'naclprobe_[a-z0-9_]+' | sort -u >"$NP_TMP/dash.metrics"
while read -r metric; do
	assert_contains "the dashboard's $metric is written" "$out/clean.prom" \
		"^# TYPE $metric gauge$"
done <"$NP_TMP/dash.metrics"
assert_eq "metrics the dashboard shows" 9 "$(wc -l <"$NP_TMP/dash.metrics")"
np_done
