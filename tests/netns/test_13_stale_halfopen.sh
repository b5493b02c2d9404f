#!/usr/bin/env bash
# Scenario 13: a NACL change between two sweeps. The first sweep loses the
# SYN-ACKs of 40500-40599, leaving half-open connections on the agent that
# the kernel keeps retrying for a minute; then the rule changes to drop the
# requests of the same ports instead. The second sweep must not inherit the
# first one's half-open entries: exactly request_dropped, not reply_dropped.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# sweep_with RULE STATUS: with the router's one RULE, a sweep of tcp/7000
# from 40000-40999 exits 1 with exactly 40500-40599 STATUS.
sweep_with()
{
	np_rules <<<"$1"
	probe_run --agent "$AGENT4" --bind "$PROBE4" --ports tcp/7000 \
		--sports 40000-40999 --timeout 300 --attempts 2
	assert_exit 1
	assert_ranges 0 "40000-40499 ok,40500-40599 $2,40600-40999 ok"
	assert_counts 0 "ok=900 $2=100"
}

np_setup
agent_start --ports tcp/7000
sweep_with 'ip saddr 198.18.2.1 tcp dport 40500-40599 drop' reply_dropped
sweep_with 'ip daddr 198.18.2.1 tcp sport 40500-40599 drop' request_dropped
np_done
