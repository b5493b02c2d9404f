#!/usr/bin/env bash
# Scenario 5: the router actively refuses: a TCP reset for source ports
# 40200-40299 and ICMP port unreachable for UDP source ports 40600-40699.
# Exactly those ranges are rejected (not dropped).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
ip saddr 198.18.1.1 tcp sport 40200-40299 reject with tcp reset
ip saddr 198.18.1.1 udp sport 40600-40699 reject with icmp type port-unreachable
RULES
agent_start --ports udp/7000,tcp/7000
echo_sweep 40000-40999

assert_echo_fail 40000-40999 \
	'40000-40599 ok,40600-40699 rejected,40700-40999 ok' \
	'ok=900 rejected=100' \
	'40000-40199 ok,40200-40299 rejected,40300-40999 ok' \
	'ok=900 rejected=100'
assert_json '.summary.verdict' fail
np_done
