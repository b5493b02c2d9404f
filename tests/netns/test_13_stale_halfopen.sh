#!/usr/bin/env bash
# Scenario 13: a NACL change between two sweeps. The first sweep loses the
# SYN-ACKs of 40500-40599, leaving half-open connections on the agent that
# the kernel keeps retrying for a minute; then the rule changes to drop the
# requests of the same ports instead. The second sweep must not inherit the
# first one's half-open entries: exactly request_dropped, not reply_dropped.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports tcp/7000
np_rules <<'RULES'
ip saddr 198.18.2.1 tcp dport 40500-40599 drop
RULES
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports tcp/7000 \
	--sports 40000-40999 --timeout 300 --attempts 2
assert_exit 1
assert_ranges 0 '40000-40499 ok,40500-40599 reply_dropped,40600-40999 ok'
assert_counts 0 'ok=900 reply_dropped=100'

np_rules <<'RULES'
ip daddr 198.18.2.1 tcp sport 40500-40599 drop
RULES
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports tcp/7000 \
	--sports 40000-40999 --timeout 300 --attempts 2
assert_exit 1
assert_ranges 0 '40000-40499 ok,40500-40599 request_dropped,40600-40999 ok'
assert_counts 0 'ok=900 request_dropped=100'
np_done
