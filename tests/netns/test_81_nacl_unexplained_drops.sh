#!/usr/bin/env bash
# Scenario 81: a correct NACL pair (replies allowed to 1024-65535): the sweep
# is all ok and explain agrees. The same report explained against the classic
# mistake's export is CONTRADICTED where that export would drop (a stale
# export). Then two drops that are in no NACL are injected into the router:
# UDP replies to 5000-5005 and TCP requests from source ports 32770-32772 (a
# NACL cannot even match a source port); explain reports both UNEXPLAINED,
# names the rules that allow them, and exits 1.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

SPORTS=1024-1100,4990-5010,32760-32780,60990-61010,65500-65535

nacl_setup correct.json
agent_start --ports udp/7000,tcp/7000
echo_sweep "$SPORTS" --rate 0
assert_exit 0
assert_ranges 0 '1024-1100 ok,4990-5010 ok,32760-32780 ok,60990-61010 ok,65500-65535 ok'
assert_ranges 1 '1024-1100 ok,4990-5010 ok,32760-32780 ok,60990-61010 ok,65500-65535 ok'
CLEAN_REPORT=$REPORT

explain_run "$CLEAN_REPORT" correct.json
assert_explain_exit 0
assert_explain_json '.summary.verdict' agree
assert_explain_json '.summary.ports | "\(.agree) \(.explained)"' '352 0'
assert_explained 0 ''
assert_explained 1 ''

# A stale export: the classic mistake would drop what came back fine.
explain_run "$CLEAN_REPORT" classic-mistake.json
assert_explain_exit 1
assert_explain_json '.summary.verdict' disagree
for i in 0 1; do
	assert_explained "$i" '1024-1100 ok contradicted probe-in/*,
		4990-5010 ok contradicted probe-in/*,
		32760-32767 ok contradicted probe-in/*,
		61000-61010 ok contradicted probe-in/*,
		65500-65535 ok contradicted probe-in/*'
done
assert_explain_line '  32760-32767  ok (8 ports): CONTRADICTED'
assert_explain_line "    the NACLs should have dropped it, by probe subnet inbound: $PROBE_NACL rule * (default deny); is the export stale?"

# Drops that no NACL holds: a host firewall, a security group.
np_nft insert rule inet nacl forward ip saddr "$AGENT4" ip daddr "$PROBE4" \
	udp dport 5000-5005 drop
np_nft insert rule inet nacl forward ip saddr "$PROBE4" ip daddr "$AGENT4" \
	tcp sport 32770-32772 drop
echo_sweep "$SPORTS" --rate 0
assert_exit 1
assert_ranges 0 '1024-1100 ok,4990-4999 ok,5000-5005 reply_dropped,5006-5010 ok,32760-32780 ok,60990-61010 ok,65500-65535 ok'
assert_ranges 1 '1024-1100 ok,4990-5010 ok,32760-32769 ok,32770-32772 request_dropped,32773-32780 ok,60990-61010 ok,65500-65535 ok'

explain_run "$REPORT" correct.json
assert_explain_exit 1
assert_explain_json '.summary.verdict' disagree
assert_explain_json '.summary.ranges | "\(.unexplained) \(.contradicted)"' \
	'2 0'
assert_explained 0 '5000-5005 reply_dropped unexplained -'
assert_explained 1 '32770-32772 request_dropped unexplained -'
assert_explain_json '.checks[0].ranges[] | select(.from == 5000) |
	.allowed_by | map("\(.nacl) \(.hop)/\(.rule)") | join(",")' \
	"$PROBE_NACL probe-out/100,$AGENT_NACL agent-in/120,$AGENT_NACL agent-out/110,$PROBE_NACL probe-in/110"
assert_explain_line '  5000-5005  reply_dropped (6 ports): UNEXPLAINED'
assert_explain_line '    the NACLs allow it (probe-out rule 100, agent-in rule 120, agent-out rule 110, probe-in rule 110): something else on the path drops it (a security group, a host firewall)'
assert_explain_line '  32770-32772  request_dropped (3 ports): UNEXPLAINED'
assert_explain_line 'Verdict: disagree: 2 ranges where the NACLs and the measurement differ (ranges: 12 agree, 2 unexplained)'
np_done
