#!/usr/bin/env bash
# Scenario 44: the shipped client-family scenarios, each narrowed with
# --sports to a few dozen ports of its range. Linux clients against an open
# router: exit 0. Windows clients when HTTP requests never get out: exit 1,
# every port request_dropped, and the fix allows tcp/80 in the probe
# subnet's outbound and the agent subnet's inbound. Older Windows and NAT
# gateway clients when the router lets replies back only to 32768-65535
# (the classic mistake): exit 1, exactly the ports below 32768 fail, each
# check with the NACL entries that would let its replies back.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/53,tcp/53,udp/123,tcp/80,tcp/443,udp/443
SCENARIOS=$NP_ROOT/scenarios

family_run()
{
	probe_run --scenario "$SCENARIOS/$1" --key-file "$NP_KEY" \
		--sports "$2" --rate 0 --timeout 300 --attempts 2
}

verdicts()
{
	np_jq '[.checks[] | "\(.proto)/\(.port) \(.sports) \(.verdict)"] | join(",")'
}

family_run linux-clients.json 40000-40049
assert_exit 0
assert_json '.scenario.name' linux-clients
assert_eq "linux-clients verdicts" \
	'udp/53 40000-40049 pass,tcp/53 40000-40049 pass,udp/123 40000-40049 pass,tcp/80 40000-40049 pass,tcp/443 40000-40049 pass,udp/443 40000-40049 pass' \
	"$(verdicts)"

np_rules <<'RULES'
ip saddr 198.18.1.1 ip daddr 198.18.2.1 tcp dport 80 drop
RULES
family_run windows-clients.json 50000-50049
assert_exit 1
assert_eq "windows-clients verdicts" \
	'udp/53 50000-50049 pass,tcp/53 50000-50049 pass,udp/123 50000-50049 pass,tcp/80 50000-50049 fail,tcp/443 50000-50049 pass,udp/443 50000-50049 pass' \
	"$(verdicts)"
assert_ranges 3 '50000-50049 request_dropped'
assert_json '.checks[3].fixes[0].rules | map("\(.subnet) \(.direction) \(.action) \(.protocol) \(.port_from)-\(.port_to) \(.cidr) \(.nacl)") | join(",")' \
	'probe outbound allow 6 80-80 198.18.2.0/24 acl-0a1a1a1a1a1a1a1a1,agent inbound allow 6 80-80 198.18.1.0/24 acl-0b2b2b2b2b2b2b2b2'
assert_contains "the request fix, in the summary" "$PROBE_OUT" \
	'^     aws ec2 create-network-acl-entry --network-acl-id acl-0a1a1a1a1a1a1a1a1 --egress --rule-number <rule-number> --protocol 6 --port-range From=80,To=80 --cidr-block 198.18.2.0/24 --rule-action allow$'
assert_contains "and the other side" "$PROBE_OUT" \
	'^  [0-9]+\. agent subnet NACL acl-0b2b2b2b2b2b2b2b2 inbound: allow tcp 80 from 198.18.1.0/24$'

# Replies from the services get back only to 32768-65535.
np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp sport { 53, 123, 443 } udp dport 1-32767 drop
ip saddr 198.18.2.1 ip daddr 198.18.1.1 tcp sport { 53, 80, 443 } tcp dport 1-32767 drop
RULES
family_run legacy-windows-clients.json 1025-1049
assert_exit 1
assert_eq "legacy-windows-clients verdicts" \
	'udp/53 1025-1049 fail,tcp/53 1025-1049 fail,udp/123 1025-1049 fail,tcp/80 1025-1049 fail,tcp/443 1025-1049 fail,udp/443 1025-1049 fail' \
	"$(verdicts)"
assert_json '[.checks[].mismatches[] | "\(.from)-\(.to) \(.status) \(.expected)"] | unique | join(",")' \
	'1025-1049 reply_dropped open'
assert_udp_reply_fix 2 1025 1049
assert_json '.checks[0].impact[0].summary' \
	'hits Windows XP/2003 clients (0.6% of their range), NAT gateway/ELB <0.1%'

family_run nat-gateway.json 1024-1033,65526-65535
assert_exit 1
for i in 0 1 2 3 4 5; do
	assert_ranges "$i" '1024-1033 reply_dropped,65526-65535 ok'
done
assert_json '.checks[3].fixes | map("\(.from)-\(.to) \(.rules | map(.command | split(" --port-range ")[1] | split(" ")[0]) | join(" "))") | join(",")' \
	'1024-1033 From=1024,To=1033 From=1024,To=1033'
np_done
