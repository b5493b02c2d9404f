#!/usr/bin/env bash
# Scenario 27: the router refuses UDP from source ports 40000-40999 with ICMP
# port unreachable, at the kernel's default ICMP rate limits (after a burst,
# about one per second to the probe): most of the 1,000 probes meet silence,
# a few get their ICMP. The block's requests never reach the agent, its
# rejects come interleaved with silence: the probe reads one rejected range
# (never shards of rejected and request_dropped), counts the ports whose
# ICMP never came in "rejected_inferred", and the text says the rejecting
# device rate-limits ICMP.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
[ "$("$TESTBED" exec router sysctl -n net.ipv4.icmp_ratelimit)" -gt 0 ] ||
	np_die "the router's ICMP rate limit is off: this test needs kernel defaults"
np_rules <<'RULES'
ip saddr 198.18.1.1 udp sport 40000-40999 reject with icmp type port-unreachable
RULES
agent_start --ports udp/7000
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000 \
	--sports 39500-41499 --timeout 300 --attempts 2
assert_exit 1
assert_outcome 0 udp 7000 39500-41499 fail \
	'39500-39999 ok,40000-40999 rejected,41000-41499 ok' \
	'ok=1000 rejected=1000'
assert_json '.checks[0].rejected_inferred > 0 and .checks[0].rejected_inferred < 1000' true
inferred=$(jq -r '.checks[0].rejected_inferred' "$REPORT")
assert_contains "the text says the device rate-limits ICMP" "$PROBE_OUT" \
	"^  $inferred rejected ports counted without an ICMP error each: the rejecting device rate-limits ICMP$"
np_done
