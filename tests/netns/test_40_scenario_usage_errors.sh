#!/usr/bin/env bash
# Scenario 40: a scenario that cannot run is refused before any packet with
# exit 2 and a message naming the file, the JSON path, the bad value and
# what is accepted: an unknown key, bad JSON, a missing file, a key file
# beside the scenario that is not there, --scenario with --agent, --sports
# that leaves a check no port. A scenario whose agent does not answer is a
# runtime failure: exit 3, naming the target.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
SCENARIOS=$NP_ROOT/scenarios

# assert_stderr EXPECTED: the probe's whole stderr, exactly.
assert_stderr()
{
	assert_eq "stderr of: $PROBE_CMD" "$1" "$(cat "$PROBE_ERR")"
}

bad=$NP_TMP/bad.json
cat >"$bad" <<'JSON'
{ "name": "bad", "targets": [ { "name": "app", "agent": "198.18.2.1" } ],
  "checks": [ { "proto": "udp", "port": 53, "sports": "linux",
                "prot": "tcp" } ] }
JSON
probe_run --scenario "$bad"
assert_exit 2
assert_stderr "nacl-probe: $bad: checks[0].prot: unknown key; accepted are proto, port, service, sports, expect and ranges"

printf '{ "name": "bad",\n  "targets": [\n  }\n' >"$bad"
probe_run --scenario "$bad"
assert_exit 2
assert_stderr "nacl-probe: $bad: not valid JSON at line 3, column 3"

probe_run --scenario "$NP_TMP/none.json"
assert_exit 2
assert_stderr "nacl-probe: $NP_TMP/none.json: cannot open: No such file or directory"

cat >"$bad" <<'JSON'
{ "name": "bad",
  "targets": [ { "name": "app", "agent": "198.18.2.1",
                 "key_file": "missing.key" } ],
  "checks": [ { "proto": "udp", "port": 7000, "sports": "40000-40009",
                "ranges": [ { "sports": "39990-40000",
                              "expect": "blocked" } ] } ] }
JSON
probe_run --scenario "$bad"
assert_exit 2
assert_stderr "nacl-probe: $bad: checks[0].ranges[0].sports: 39990-40000 is not inside the check's sports 40000-40009 (39990-39999 are not swept)"
sed -i 's/39990-40000/40000-40004/' "$bad"
probe_run --scenario "$bad"
assert_exit 2
assert_stderr "nacl-probe: $bad: targets[0].key_file: cannot open key file $NP_TMP/missing.key: No such file or directory"

probe_run --scenario "$SCENARIOS/vpc-baseline.json" --agent "$AGENT4"
assert_exit 2
assert_stderr "nacl-probe: --scenario FILE names the targets and the checks: leave out --agent, --target and --ports (--sports narrows the scenario's source ports)
Try 'nacl-probe --help'."

probe_run --scenario "$SCENARIOS/legacy-windows-clients.json" \
	--key-file "$NP_KEY" --sports 40000-40099
assert_exit 2
assert_stderr "nacl-probe: --sports: $SCENARIOS/legacy-windows-clients.json: checks[0] (udp/53, sports 1025-5000) has no source port in 40000-40099"

# Nothing listens on the control port: a runtime failure, the target named.
probe_run --scenario "$SCENARIOS/linux-clients.json" --key-file "$NP_KEY" \
	--sports 40000-40009 --timeout 300 --attempts 2
assert_exit 3
assert_contains "the unreachable target is named" "$PROBE_ERR" \
	'^nacl-probe: target app \(198\.18\.2\.1:7455\): .*198\.18\.2\.1'
# The failed run is still reported: its target's error, every port
# unfinished.
assert_json '.error | startswith("cannot reach the agent'"'"'s control port at 198.18.2.1:7455")' true
assert_json '[.partial, .targets[0].error == .error]' '[true,true]'
assert_json '[.checks[].counts.unfinished] | unique' '[10]'
np_done
