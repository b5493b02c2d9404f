#!/usr/bin/env bash
# Scenario 56: the scheduling files of contrib/ (no traffic, no testbed):
# the systemd units pass systemd-analyze verify (where systemd is installed)
# with a nightly, persistent, randomized timer; the cron line is five time
# fields, a user and a command bash can parse; the Kubernetes manifests are
# valid YAML of the expected kinds running nacl-agent and nacl-probe on the
# host network; the Prometheus alert rules pass promtool and fire on the
# metrics nacl-report renders.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

contrib=$NP_ROOT/contrib
np_need_tool python3 python3
np_need_tool promtool prometheus
python3 -c 'import yaml' 2>/dev/null ||
	np_die "python3 cannot import yaml: install Debian's python3-yaml"

# systemd: verify copies whose paths point at this build and these files.
units=$NP_TMP/units
mkdir -p "$units"
for unit in nacl-agent.service nacl-probe.service nacl-probe.timer; do
	sed -e "s|/usr/bin/|$NP_BUILD/|" \
		-e "s|/etc/default/nacl-agent|$contrib/systemd/nacl-agent.env|" \
		-e "s|/etc/default/nacl-probe|$contrib/systemd/nacl-probe.env|" \
		"$contrib/systemd/$unit" >"$units/$unit"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	(cd "$units" && systemd-analyze verify --man=no ./nacl-agent.service \
		./nacl-probe.service ./nacl-probe.timer) >"$NP_TMP/verify.out" 2>&1
	assert_eq "systemd-analyze verify: exit" 0 $?
	assert_eq "systemd-analyze verify: complaints" "" \
		"$(cat "$NP_TMP/verify.out")"
	assert_eq "the timer's calendar" "*-*-* 02:30:00" \
		"$(systemd-analyze calendar '*-*-* 02:30:00' 2>&1 |
			sed -n 's/^ *Normalized form: //p')"
else
	np_fail "systemd-analyze not installed: the units cannot be verified"
fi
# The agent: only the capabilities to bind low ports and capture, the usual
# hardening, and the key as a credential only its user reads.
for line in '^CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW$' \
	'^AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW$' \
	'^User=nacl-agent$' '^DynamicUser=yes$' \
	'^NoNewPrivileges=yes$' '^ProtectSystem=strict$' '^ProtectHome=yes$' \
	'^LoadCredential=agent.key:/etc/nacl-probe/agent.key$' \
	'^ExecStart=/usr/bin/nacl-agent --key-file %d/agent.key \$NACL_AGENT_ARGS$'; do
	assert_contains "agent unit: $line" "$contrib/systemd/nacl-agent.service" \
		"$line"
done
assert_contains "timer: nightly" "$contrib/systemd/nacl-probe.timer" \
	'^OnCalendar=\*-\*-\* 02:30:00$'
assert_contains "timer: catches up after downtime" \
	"$contrib/systemd/nacl-probe.timer" '^Persistent=true$'
assert_contains "timer: spread" "$contrib/systemd/nacl-probe.timer" \
	'^RandomizedDelaySec=30min$'
assert_contains "probe unit: arguments from its EnvironmentFile" \
	"$contrib/systemd/nacl-probe.service" \
	'^EnvironmentFile=/etc/default/nacl-probe$'
# shellcheck disable=SC2016
assert_contains "probe unit: history" "$contrib/systemd/nacl-probe.service" \
	'--history /var/lib/nacl-probe/history --keep \$NACL_PROBE_KEEP'
# The env files are shell-compatible assignments.
for env in nacl-agent.env nacl-probe.env; do
	bash -n "$contrib/systemd/$env" ||
		np_fail "$env is not a list of VAR=value lines"
done

# cron: five time fields, a user, a command bash parses (cron's \% is %).
cronline=$(grep -E '^[0-9*]' "$contrib/cron/nacl-probe")
assert_eq "cron: one job" 1 "$(echo "$cronline" | wc -l)"
read -r minute hour dom month dow user command <<<"$cronline"
assert_eq "cron: when and who" "30 2 * * * nacl" \
	"$minute $hour $dom $month $dow $user"
bash -n -c "${command//\\%/%}" 2>"$NP_TMP/cron.err" ||
	np_fail "cron: bash cannot parse the command: $(cat "$NP_TMP/cron.err")"
# shellcheck disable=SC2016
assert_eq "cron: the command runs nacl-probe with --history" 1 \
	"$(echo "$command" | grep -c 'nacl-probe \$NACL_PROBE_ARGS --history')"

# Kubernetes: valid YAML, the kinds and the essentials.
python3 - "$contrib/kubernetes" >"$NP_TMP/k8s.out" 2>&1 <<'PY'
import glob, os, sys, yaml

found = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
    for doc in yaml.safe_load_all(open(path)):
        for key in ("apiVersion", "kind", "metadata"):
            assert key in doc, "%s: no %s" % (path, key)
        found[doc["kind"]] = doc
assert sorted(found) == ["CronJob", "DaemonSet", "Namespace"], sorted(found)
agent = found["DaemonSet"]["spec"]["template"]["spec"]
probe = found["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
for name, pod in (("DaemonSet", agent), ("CronJob", probe)):
    assert pod["hostNetwork"] is True, name + ": hostNetwork"
    assert found[name]["metadata"]["namespace"] == "nacl-probe", name
print("agent:", agent["containers"][0]["command"][0])
print("probe:", probe["containers"][0]["command"][0])
args = probe["containers"][0]["args"]
print("prom:", [a for a in args if a.startswith("--prom=")][0])
mounts = {m["name"]: m["mountPath"] for m in probe["containers"][0]["volumeMounts"]}
paths = {v["name"]: v["hostPath"]["path"] for v in probe["volumes"]
         if "hostPath" in v}
print("textfile:", mounts["textfile"], "<-", paths["textfile"])
print("schedule:", found["CronJob"]["spec"]["schedule"],
      found["CronJob"]["spec"]["concurrencyPolicy"])
# Both sides read the key from a Secret only their user may read.
for name, pod in (("agent", agent), ("probe", probe)):
    key = [v for v in pod["volumes"] if v["name"] == "key"][0]["secret"]
    mount = [m for m in pod["containers"][0]["volumeMounts"]
             if m["name"] == "key"][0]
    arg = [a for a in pod["containers"][0]["args"] if "agent.key" in a][0]
    print("%s key: %s %o %s %s" % (name, key["secretName"],
                                   key["defaultMode"], mount["mountPath"],
                                   arg))
PY
assert_eq "kubernetes manifests" "agent: nacl-agent
probe: nacl-probe
prom: --prom=/textfile/nacl-probe-\$(NAME).prom
textfile: /textfile <- /var/lib/node_exporter/textfile
schedule: 30 2 * * * Forbid
agent key: nacl-probe-key 440 /etc/nacl-probe /etc/nacl-probe/agent.key
probe key: nacl-probe-key 400 /etc/nacl-probe --key-file=/etc/nacl-probe/agent.key" \
	"$(cat "$NP_TMP/k8s.out")"

# Prometheus rules: promtool accepts them, the stale alert fires, and every
# metric they use is one nacl-report renders.
rules=$contrib/prometheus/nacl-probe.rules.yml
promtool check rules "$rules" >"$NP_TMP/rules.out" 2>&1 ||
	np_fail "promtool check rules: $(cat "$NP_TMP/rules.out")"
# Staleness here (test_68 drives the others with series its runs write).
cat >"$NP_TMP/rules_test.yml" <<EOF
rule_files: ["$rules"]
evaluation_interval: 1m
tests:
  - interval: 1h
    input_series:
      - series: 'naclprobe_run_timestamp_seconds{scenario="",name="",target="198.18.2.1",instance="probe:9100"}'
        values: '0x30'
    alert_rule_test:
      - eval_time: 26h
        alertname: NaclProbeStale
        exp_alerts: []
      - eval_time: 27h
        alertname: NaclProbeStale
        exp_alerts:
          - exp_labels: {severity: warning, target: 198.18.2.1, instance: "probe:9100"}
            exp_annotations:
              summary: "nacl-probe toward 198.18.2.1 has not run for a day"
EOF
promtool test rules "$NP_TMP/rules_test.yml" >"$NP_TMP/rules_test.out" 2>&1 ||
	np_fail "promtool test rules: $(cat "$NP_TMP/rules_test.out")"
# The rules use metric names the renderer writes.
printf '%s\n' '{"schema":"nacl-probe/report/v1","started_at":"2026-11-20T02:30:00Z","finished_at":"2026-11-20T02:30:40Z","probe":{"bind":"10.0.1.5"},"target":{"address":"10.0.2.15","agent":true},"settings":{"rate":2000,"window":16384,"attempts":3,"timeout_ms":1000},"checks":[{"proto":"udp","port":7000,"service":"echo","sports":"40000-40001","counts":{"ok":1,"reply_dropped":1,"request_dropped":0,"dropped":0,"rejected":0,"local_error":0},"ranges":[{"from":40000,"to":40000,"status":"ok"},{"from":40001,"to":40001,"status":"reply_dropped"}],"nat":{"translated":0},"loss":0.1,"verdict":"fail"}],"summary":{"probes":2,"verdict":"fail"}}' \
	>"$NP_TMP/fixture.json"
report_run render "$NP_TMP/fixture.json" --format prom
assert_report_exit 0
grep -oE 'naclprobe_[a-z_]+' "$rules" | sort -u >"$NP_TMP/metrics"
while read -r metric; do
	assert_contains "the rules' $metric is rendered" "$NR_OUT" "^$metric\\{"
done <"$NP_TMP/metrics"
assert_eq "metrics the rules use" 5 "$(wc -l <"$NP_TMP/metrics")"
np_done
