#!/usr/bin/env bash
# Scenario 10: two TCP sweeps over the same source ports, one right after the
# other. The first must not leave anything (TIME_WAIT, half-closed sockets)
# that makes the second fail: both all ok, exit 0.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports tcp/7000
for run in 1 2; do
	probe_run --agent "$AGENT4" --bind "$PROBE4" --ports tcp/7000 \
		--sports 40000-40999 --timeout 300 --attempts 2
	assert_exit 0
	assert_json '.checks | length' 1
	assert_check 0 tcp 7000 40000-40999 pass
	assert_ranges 0 '40000-40999 ok'
	assert_counts 0 'ok=1000'
	np_log "sweep $run checked"
done
np_done
