#!/usr/bin/env bash
# Scenario 8: the router drops IPv6 replies to ports 40500-40999 and leaves
# IPv4 alone. The IPv6 sweep shows exactly the hole; an IPv4 sweep of the
# same ports right after is all ok.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
ip6 saddr 2001:db8:2::1 udp dport 40500-40999 drop
ip6 saddr 2001:db8:2::1 tcp dport 40500-40999 drop
RULES
agent_start --ports udp/7000,tcp/7000
agent_wait_control "$AGENT6"

probe_run --agent "[$AGENT6]" --bind "$PROBE6" --ports udp/7000,tcp/7000 \
	--sports 40000-40999 --timeout 300 --attempts 2
assert_echo_fail 40000-40999 \
	'40000-40499 ok,40500-40999 reply_dropped' 'ok=500 reply_dropped=500'
assert_json '.probe.bind' "$PROBE6"
assert_json '.target.address' "$AGENT6"

echo_sweep 40000-40999
assert_exit 0
assert_json '.target.address' "$AGENT4"
assert_outcome 0 udp 7000 40000-40999 pass '40000-40999 ok' 'ok=1000'
assert_outcome 1 tcp 7000 40000-40999 pass '40000-40999 ok' 'ok=1000'
np_done
