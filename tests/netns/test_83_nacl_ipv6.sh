#!/usr/bin/env bash
# Scenario 83: a dual-stack NACL pair where IPv4 replies may return to
# 1024-65535 but the IPv6 entries repeat the classic mistake (32768-60999).
# An IPv6 sweep finds the holes and explain puts them on the probe subnet's
# IPv6 default deny (rule 32767, ::/0): the IPv4 entries that would allow
# them never match an IPv6 packet. An IPv4 sweep of the same ports is all
# ok, allowed by the IPv4 entries.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

SPORTS=1024-1050,32760-32780,60990-61010,65500-65535

nacl_setup ipv6.json
agent_start --ports udp/7000,tcp/7000
agent_wait_control "$AGENT6"

probe_run --agent "[$AGENT6]" --bind "$PROBE6" --ports udp/7000,tcp/7000 \
	--sports "$SPORTS" --timeout 300 --attempts 2 --rate 0
assert_exit 1
assert_json '.probe.bind' "$PROBE6"
ranges='1024-1050 reply_dropped,32760-32767 reply_dropped,32768-32780 ok,'
ranges+='60990-60999 ok,61000-61010 reply_dropped,65500-65535 reply_dropped'
assert_ranges 0 "$ranges"
assert_ranges 1 "$ranges"
V6_REPORT=$REPORT

explain_run "$V6_REPORT" ipv6.json
assert_explain_exit 0
assert_explain_json '.probe.address' "$PROBE6"
assert_explain_json '.agent.address' "$AGENT6"
for i in 0 1; do
	assert_explained "$i" '1024-1050 reply_dropped explained probe-in/*,
		32760-32767 reply_dropped explained probe-in/*,
		61000-61010 reply_dropped explained probe-in/*,
		65500-65535 reply_dropped explained probe-in/*'
done
assert_explain_json '.checks[0].ranges[0].drop.entry' 'deny all from ::/0'
assert_allowed_by 1 32768 'probe-out/101,agent-in/111,agent-out/101,probe-in/101'

# The subnets' CIDRs may be given too; the addresses must lie in them.
explain_run "$V6_REPORT" ipv6.json \
	--probe-subnet "$PROBE_SUBNET=198.18.1.0/24,2001:db8:1::/64" \
	--agent-subnet "$AGENT_SUBNET=198.18.2.0/24,2001:db8:2::/64"
assert_explain_exit 0
explain_run "$V6_REPORT" ipv6.json \
	--probe-subnet "$PROBE_SUBNET=2001:db8:9::/64" \
	--agent-subnet "$AGENT_SUBNET"
assert_explain_exit 2
assert_contains "explain names the address outside the CIDR" \
	"$EXPLAIN_ERR" \
	"probe\.bind: address 2001:db8:1::1 is not in --probe-subnet $PROBE_SUBNET \(2001:db8:9::/64\)"

echo_sweep "$SPORTS" --rate 0
assert_exit 0
assert_ranges 0 '1024-1050 ok,32760-32780 ok,60990-61010 ok,65500-65535 ok'
assert_ranges 1 '1024-1050 ok,32760-32780 ok,60990-61010 ok,65500-65535 ok'
explain_run "$REPORT" ipv6.json
assert_explain_exit 0
assert_explained 0 ''
assert_explained 1 ''
assert_explain_json '.checks[1].ranges | length' 4
assert_explain_json '.checks[1].ranges[0].allowed_by |
	map("\(.hop)/\(.rule)") | join(",")' \
	'probe-out/100,agent-in/110,agent-out/100,probe-in/100'
np_done
