#!/usr/bin/env bash
# Scenario 57: outputs never go stale. A run whose agent cannot be reached
# still writes --prom (naclprobe_up 0 and build_info), --junit (an <error>
# naming the cause), --history (the failed run is recorded) and --json
# ("error" set, "partial": true, every port unfinished), and exits 3. An
# output path that cannot be written is refused with exit 2 before the first
# probe: no events file is ever created.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool xmllint libxml2-utils
np_need_tool promtool prometheus
report_setup
version=$("$PROBE_BIN" --version | sed 's/^nacl-probe //')

# No agent runs: the control port refuses the connection.
probe_run --agent "$AGENT4" --ports udp/7000,tcp/7000 --sports 40000-40099 \
	--prom "$out/r.prom" --junit "$out/r.xml" --history "$out/history" -q
assert_exit 3
assert_contains "the cause on stderr" "$PROBE_ERR" \
	"^nacl-probe: cannot reach the agent's control port at 198\.18\.2\.1:7455 from source port [0-9]+: Connection refused"
# Every output names that cause, word for word.
cause=$(sed -n 's/^nacl-probe: //p' "$PROBE_ERR" | head -n 1)
assert_json '.error' "$cause"
assert_json '.partial' true
assert_json '.targets[0].error' "$cause"
assert_json '.tool' "{\"name\":\"nacl-probe\",\"version\":\"$version\"}"
assert_ranges 0 '40000-40099 unfinished'
assert_ranges 1 '40000-40099 unfinished'
assert_json '[.checks[].counts.unfinished]' '[100,100]'
assert_json '.summary.verdict' fail

assert_contains "--prom: up is 0" "$out/r.prom" \
	'^naclprobe_up\{scenario="",name="",target="198\.18\.2\.1"\} 0$'
assert_eq "--prom: build_info" "naclprobe_build_info{scenario=\"\",version=\"$version\"} 1" \
	"$(grep '^naclprobe_build_info{' "$out/r.prom")"
assert_contains "--prom: the ports unfinished" "$out/r.prom" \
	'^naclprobe_ports\{scenario="",name="",target="198\.18\.2\.1",proto="udp",port="7000",service="echo",status="unfinished"\} 100$'
promtool check metrics <"$out/r.prom" >"$NP_TMP/promtool.out" 2>&1 ||
	np_fail "promtool refuses --prom: $(cat "$NP_TMP/promtool.out")"

xmllint --noout "$out/r.xml" 2>"$NP_TMP/xmllint.err" ||
	np_fail "xmllint refuses --junit: $(cat "$NP_TMP/xmllint.err")"
assert_eq "--junit: errors, failures" "2 0" \
	"$(xmllint --xpath 'concat(/testsuites/@errors, " ", /testsuites/@failures)' "$out/r.xml")"
assert_eq "--junit: the error names the cause" "$cause" \
	"$(xmllint --xpath 'string((//testcase/error)[1]/@message)' "$out/r.xml")"

assert_eq "--history: the failed run and latest.json" 2 \
	"$(find "$out/history" -name '*.json' | wc -l)"
assert_eq "--history: latest.json holds the error" "$cause" \
	"$(jq -r .error "$out/history/latest.json")"

# An output that cannot be written: exit 2 naming it, before any probe (the
# events file would be created by the first one).
probe_run --agent "$AGENT4" --ports udp/7000 --sports 40000-40099 \
	--prom /nonexistent/r.prom --events "$out/events.jsonl"
assert_exit 2
assert_contains "--prom names the path" "$PROBE_ERR" \
	"^nacl-probe: --prom: cannot write metrics '/nonexistent/r\.prom': creating a temporary file beside it: No such file or directory$"
assert_eq "no events file: nothing was probed" no \
	"$([ -e "$out/events.jsonl" ] && echo yes || echo no)"
"$TESTBED" exec probe "$PROBE_BIN" --agent "$AGENT4" --ports udp/7000 \
	--sports 40000-40099 --json /nonexistent/r.json \
	--events "$out/events.jsonl" >"$NP_TMP/json.out" 2>&1
assert_eq "--json /nonexistent/r.json: exit" 2 "$?"
assert_contains "--json names the path" "$NP_TMP/json.out" \
	"^nacl-probe: --json: cannot write report '/nonexistent/r\.json': creating a temporary file beside it: No such file or directory$"
assert_eq "no events file after --json /nonexistent" no \
	"$([ -e "$out/events.jsonl" ] && echo yes || echo no)"
# -vv adds debug lines, -v does not.
probe_run --agent "$AGENT4" --ports udp/7000,tcp/7000 --sports 40000-40099 -vv
assert_exit 3
assert_contains "-vv: the plan" "$PROBE_ERR" \
	' nacl-probe: debug: plan: 1 target, 2 checks, 200 source ports; rate 2000, window 16384, timeout 1000 ms, attempts 3$'
probe_run --agent "$AGENT4" --ports udp/7000,tcp/7000 --sports 40000-40099 -v
assert_exit 3
assert_eq "-v: no debug line" 0 "$(grep -c ': debug: ' "$PROBE_ERR")"

# The real cause, before any probe: exit 2.
probe_run --agent "$AGENT4" --ports udp/7000 --bind 198.18.9.9
assert_exit 2
assert_contains "--bind not local" "$PROBE_ERR" \
	'^nacl-probe: --bind 198\.18\.9\.9: not an address of this host: give one of its addresses \(ip -brief address\)$'
probe_run --agent "$AGENT4" --ports udp/7000 --rate 10 --rate 20
assert_exit 2
assert_contains "an option given twice" "$PROBE_ERR" \
	'^nacl-probe: --rate given twice: give it once$'
# Below 1024 without CAP_NET_BIND_SERVICE (the probe's namespace keeps the
# kernel's ip_unprivileged_port_start, 1024).
"$TESTBED" exec probe setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all "$PROBE_BIN" --agent "$AGENT4" \
	--ports udp/7000 --sports 900-1100 >"$NP_TMP/low.out" 2>&1
assert_eq "source ports below 1024 unprivileged: exit" 2 "$?"
assert_contains "source ports below 1024: the cause" "$NP_TMP/low.out" \
	'^nacl-probe: source port 900: binding ports below 1024 is not permitted: run nacl-probe as root or with CAP_NET_BIND_SERVICE \(setcap cap_net_bind_service=ep\), or sweep from 1024 up \(--sports\)$'

# A directory is not a file name.
probe_run --agent "$AGENT4" --ports udp/7000 --junit "$out"
assert_exit 2
assert_contains "--junit DIR" "$PROBE_ERR" \
	"^nacl-probe: --junit $out: is a directory: give a file name$"

np_done
