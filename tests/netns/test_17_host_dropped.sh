#!/usr/bin/env bash
# Scenario 17: the agent host's own firewall (nftables input chain in the
# agent's namespace) drops requests from 41000-41099, UDP and TCP. The
# capture saw them arrive at the interface, the socket never did, and
# nothing overflowed: exactly host_dropped, never a NACL direction.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
"$TESTBED" exec agent nft -f - <<'NFT' || np_die "nft in the agent failed"
table inet hostfw {
	chain input {
		type filter hook input priority 0; policy accept;
		udp sport 41000-41099 udp dport 7000 drop
		tcp sport 41000-41099 tcp dport 7000 drop
	}
}
NFT
agent_start --ports udp/7000,tcp/7000
echo_sweep 40500-41499

assert_exit 1
expected='40500-40999 ok,41000-41099 host_dropped,41100-41499 ok'
assert_ranges 0 "$expected"
assert_counts 0 'ok=900 host_dropped=100'
assert_ranges 1 "$expected"
assert_counts 1 'ok=900 host_dropped=100'
np_done
