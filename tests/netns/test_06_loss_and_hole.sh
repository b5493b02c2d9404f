#!/usr/bin/env bash
# Scenario 6: 2% random loss in both directions plus one real hole (replies
# to ports 41500-41599 dropped), with the default 3 attempts: about 0.6 ports
# of the 10000 would stay silent through loss alone, so the confirmation pass
# must re-probe them; exactly the hole is reported, a stray non-ok port fails.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
numgen random mod 100 < 2 drop
ip saddr 198.18.2.1 udp dport 41500-41599 drop
ip saddr 198.18.2.1 tcp dport 41500-41599 drop
RULES
agent_start --ports udp/7000,tcp/7000
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 40000-44999 --timeout 300

assert_echo_fail 40000-44999 \
	'40000-41499 ok,41500-41599 reply_dropped,41600-44999 ok' \
	'ok=4900 reply_dropped=100'
assert_json '.summary.probes' 10000
np_done
