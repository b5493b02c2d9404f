#!/usr/bin/env bash
# Scenario 18: a second agent started beside a running one, on another
# control port but serving udp/7000 (then tcp/7000) too, refuses to start:
# exit 2, naming protocol and port. The first agent's sweep stays exact.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000,tcp/7000

for spec in udp/7000 tcp/7000; do
	out=$NP_TMP/second-${spec%/*}.log
	"$TESTBED" exec agent timeout 10 "$AGENT_BIN" --key-file "$NP_KEY" \
		--ports "$spec" --control-port 7456 >"$out" 2>&1
	rc=$?
	assert_eq "exit code of a second agent on $spec" 2 "$rc"
	assert_contains "the second agent names $spec" "$out" \
		"error: $spec is already served on 0\\.0\\.0\\.0 by another socket \\(another nacl-agent\\?\\): one agent per port"
done

echo_sweep 40000-40999
assert_exit 0
assert_ranges 0 '40000-40999 ok'
assert_ranges 1 '40000-40999 ok'
np_done
