#!/usr/bin/env bash
# Scenario 80: the classic mistake, loaded from a describe-network-acls file:
# the probe subnet's inbound rules let replies back to 32768-60999 only, the
# agent subnet's outbound rules to 1024-65535 only. The sweep finds the holes
# around every boundary, and explain attributes each one to the NACL,
# direction and rule that drops it: 1000-1023 to the agent subnet's outbound
# default deny (it comes first on the way back), the rest to the probe
# subnet's inbound default deny. Everything agrees: exit 0.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

SPORTS=1000-1050,4990-5010,32760-32780,60990-61010,65500-65535

nacl_setup classic-mistake.json
agent_start --ports udp/7000,tcp/7000
echo_sweep "$SPORTS" --rate 0
assert_exit 1
assert_json '.checks | length' 2
ranges='1000-1050 reply_dropped, 4990-5010 reply_dropped,'
ranges+=' 32760-32767 reply_dropped, 32768-32780 ok, 60990-60999 ok,'
ranges+=' 61000-61010 reply_dropped, 65500-65535 reply_dropped'
for i in 0 1; do
	assert_ranges "$i" "$ranges"
	assert_counts "$i" 'ok=23 reply_dropped=127'
done

explain_run "$REPORT" classic-mistake.json
assert_explain_exit 0
assert_explain_json '.summary.verdict' agree
assert_explain_json '.probe | "\(.address) \(.subnet) \(.nacl)"' \
	"198.18.1.1 $PROBE_SUBNET $PROBE_NACL"
assert_explain_json '.agent | "\(.address) \(.subnet) \(.nacl)"' \
	"198.18.2.1 $AGENT_SUBNET $AGENT_NACL"
for i in 0 1; do
	assert_explained "$i" '1000-1023 reply_dropped explained agent-out/*,
		1024-1050 reply_dropped explained probe-in/*,
		4990-5010 reply_dropped explained probe-in/*,
		32760-32767 reply_dropped explained probe-in/*,
		61000-61010 reply_dropped explained probe-in/*,
		65500-65535 reply_dropped explained probe-in/*'
	assert_explain_json ".checks[$i].ports |
		\"\(.agree) \(.explained) \(.unexplained) \(.contradicted)\"" \
		'23 127 0 0'
done
# The ok ranges are allowed by the rules that let them through.
assert_allowed_by 0 32768 'probe-out/100,agent-in/120,agent-out/110,probe-in/110'
assert_allowed_by 1 32768 'probe-out/100,agent-in/110,agent-out/100,probe-in/100'
assert_explain_line '  1000-1023  reply_dropped (24 ports): explained'
assert_explain_line "    dropped by agent subnet outbound: $AGENT_NACL rule * (default deny)"
assert_explain_line '  61000-61010  reply_dropped (11 ports): explained'
assert_explain_line "    dropped by probe subnet inbound: $PROBE_NACL rule * (default deny)"
assert_explain_line 'Verdict: agree: the NACLs explain every measurement (ports: 46 agree, 254 explained)'
np_done
