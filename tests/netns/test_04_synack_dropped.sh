#!/usr/bin/env bash
# Scenario 4: only SYN-ACKs towards ports 40500-40999 are dropped. The agent
# holds the half-open connections (SYN_RECV), so TCP shows reply_dropped
# there; UDP, untouched, is all ok.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
ip saddr 198.18.2.1 tcp dport 40500-40999 tcp flags & (syn | ack) == syn | ack drop
RULES
agent_start --ports udp/7000,tcp/7000
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 40000-40999 --timeout 300 --attempts 2

assert_exit 1
assert_json '.checks | length' 2
assert_check 0 udp 7000 40000-40999 pass
assert_ranges 0 '40000-40999 ok'
assert_counts 0 'ok=1000'
assert_check 1 tcp 7000 40000-40999 fail
assert_ranges 1 '40000-40499 ok,40500-40999 reply_dropped'
assert_counts 1 'ok=500 reply_dropped=500'
assert_json '.summary.verdict' fail
np_done
