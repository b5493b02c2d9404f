#!/usr/bin/env bash
# Scenario 59: one target of a scenario cannot be reached (no agent on
# 7456): the other is swept and reported, the unreachable one carries its
# error, its checks read unfinished, exit 3; --prom says naclprobe_up 1 for
# the one and 0 for the other. Two scenarios against one agent write
# series that never collide: their expositions, merged as node_exporter's
# textfile collector merges them, pass promtool and hold no series twice.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool promtool prometheus
report_setup
agent_start --ports udp/7000,tcp/7000

# scenario NAME EXTRA_TARGET: writes $NP_TMP/NAME.json.
scenario()
{
	cat >"$NP_TMP/$1.json" <<JSON
{
  "name": "$1",
  "targets": [ { "name": "app", "agent": "$AGENT4", "key_file": "$NP_KEY",
                 "bind": "$PROBE4", "checks": [0, 1] }$2 ],
  "settings": { "rate": 0, "timeout_ms": 300, "attempts": 2 },
  "checks": [
    { "proto": "udp", "port": 7000, "sports": "40000-40099" },
    { "proto": "tcp", "port": 7000, "sports": "40000-40099" },
    { "proto": "udp", "port": 7100, "sports": "40000-40099" }
  ]
}
JSON
}

scenario nightly-a ', { "name": "edge", "agent": "198.18.2.1:7456", "bind": "198.18.1.1", "checks": [2] }'
probe_run --scenario "$NP_TMP/nightly-a.json" -q --prom "$out/a.prom"
assert_exit 3
assert_contains "the target's error on stderr" "$PROBE_ERR" \
	"^nacl-probe: target edge \(198\.18\.2\.1:7456\): cannot reach the agent's control port at 198\.18\.2\.1:7456 from source port [0-9]+: Connection refused"
assert_json '.error' null
assert_json '.partial' true
assert_json '.targets[0].error' null
assert_json '.targets[1].error | test("^cannot reach the agent.s control port at 198[.]18[.]2[.]1:7456 from source port [0-9]+: Connection refused")' true
assert_ranges 0 '40000-40099 ok'
assert_ranges 1 '40000-40099 ok'
assert_ranges 2 '40000-40099 unfinished'
assert_json '[.checks[].verdict]' '["pass","pass","fail"]'
assert_contains "--prom: app is up" "$out/a.prom" \
	'^naclprobe_up\{scenario="nightly-a",name="app",target="198\.18\.2\.1"\} 1$'
assert_contains "--prom: edge is down" "$out/a.prom" \
	'^naclprobe_up\{scenario="nightly-a",name="edge",target="198\.18\.2\.1"\} 0$'

scenario nightly-b ''
probe_run --scenario "$NP_TMP/nightly-b.json" -q --prom "$out/b.prom"
assert_exit 0
assert_contains "--prom: nightly-b is up" "$out/b.prom" \
	'^naclprobe_up\{scenario="nightly-b",name="app",target="198\.18\.2\.1"\} 1$'

# Merged as the textfile collector does: each family's metadata once, its
# samples from every file.
awk '
/^# (HELP|TYPE) / { if (!(($2, $3) in meta)) { meta[$2, $3] = $0 }
	if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 }; next }
{ name = $0; sub(/[{ ].*/, "", name); samples[name] = samples[name] $0 "\n" }
END { for (i = 1; i <= n; i++) { f = order[i]
	print meta["HELP", f]; print meta["TYPE", f]; printf "%s", samples[f] } }
' "$out/a.prom" "$out/b.prom" >"$out/merged.prom"
promtool check metrics <"$out/merged.prom" >"$NP_TMP/promtool.out" 2>&1 ||
	np_fail "promtool refuses the merged files: $(cat "$NP_TMP/promtool.out")"
for f in a b; do
	promtool check metrics <"$out/$f.prom" >"$NP_TMP/promtool.out" 2>&1 ||
		np_fail "promtool refuses $f.prom: $(cat "$NP_TMP/promtool.out")"
done
assert_eq "no series in both scenarios' files" "" \
	"$(grep -v '^#' "$out/merged.prom" | sed 's/ [^ ]*$//' | sort | uniq -d)"
assert_eq "naclprobe_up series in the merge" 3 \
	"$(grep -c '^naclprobe_up{' "$out/merged.prom")"

np_done
