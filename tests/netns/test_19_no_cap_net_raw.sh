#!/usr/bin/env bash
# Scenario 19: an agent started without CAP_NET_RAW (setpriv drops it from
# every set) says so at start, tells every session (evidence "socket"), and
# falls back to its sockets: a small sweep with replies dropped for one
# range and requests for another is still exact.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp dport 40100-40199 drop
ip saddr 198.18.2.1 ip daddr 198.18.1.1 tcp dport 40100-40199 drop
ip daddr 198.18.2.1 udp sport 40300-40399 drop
ip daddr 198.18.2.1 tcp sport 40300-40399 drop
RULES
AGENT_WRAP=(setpriv --inh-caps=-net_raw --ambient-caps=-net_raw
	--bounding-set=-net_raw)
agent_start --ports udp/7000,tcp/7000 -v
assert_eq "the agent's effective capabilities lack CAP_NET_RAW (bit 13)" 0 \
	$(($(awk '/^CapEff:/ { print "0x" $2 }' "/proc/$AGENT_PID/status") >> 13 & 1))
echo_sweep 40000-40499 -v

assert_exit 1
expected='40000-40099 ok,40100-40199 reply_dropped,40200-40299 ok,40300-40399 request_dropped,40400-40499 ok'
assert_ranges 0 "$expected"
assert_counts 0 'ok=300 reply_dropped=100 request_dropped=100'
assert_ranges 1 "$expected"
assert_counts 1 'ok=300 reply_dropped=100 request_dropped=100'
assert_contains "the agent says at start that it lacks CAP_NET_RAW" \
	"$NP_TMP/agent.log" \
	"warning: no packet capture: packet capture needs CAP_NET_RAW, which this agent lacks"
assert_contains "the agent's session uses socket evidence" \
	"$NP_TMP/agent.log" "planned, socket evidence\\)"
assert_contains "the probe reports the agent's fallback" "$PROBE_ERR" \
	"has no packet capture \\(packet capture needs CAP_NET_RAW, which this agent lacks"
np_done
