#!/usr/bin/env bash
# Scenario 82: DENY entries placed before the broad ALLOW. The probe subnet
# denies all from a malicious network (198.51.100.0/24, rule 50: not on our
# path, so our packets fall through it) and UDP to 4990-5010 (rule 90)
# before allowing 1024-65535 (rules 100, 110); the agent subnet denies UDP
# 7001 (rule 60) before allowing 7000-7001 from the probe's subnet (rule
# 120). First match wins: UDP replies to 4990-5010 are dropped by probe-in
# rule 90, every request to udp/7001 by agent-in rule 60 (request_dropped),
# and replies to 1000-1023 by the agent subnet's outbound default deny.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

SPORTS=1000-1030,4980-5020,65500-65535

nacl_setup deny-before-allow.json
agent_start --ports udp/7000,tcp/7000,udp/7001
probe_run --agent "$AGENT4" --bind "$PROBE4" \
	--ports udp/7000,tcp/7000,udp/7001 --sports "$SPORTS" \
	--timeout 300 --attempts 2 --rate 0
assert_exit 1
assert_json '.checks | length' 3
assert_check 0 udp 7000 "$SPORTS" fail
assert_ranges 0 '1000-1023 reply_dropped,1024-1030 ok,4980-4989 ok,4990-5010 reply_dropped,5011-5020 ok,65500-65535 ok'
assert_check 1 tcp 7000 "$SPORTS" fail
assert_ranges 1 '1000-1023 reply_dropped,1024-1030 ok,4980-5020 ok,65500-65535 ok'
assert_check 2 udp 7001 "$SPORTS" fail
assert_ranges 2 '1000-1030 request_dropped,4980-5020 request_dropped,65500-65535 request_dropped'

explain_run "$REPORT" deny-before-allow.json
assert_explain_exit 0
assert_explain_json '.summary.verdict' agree
assert_explained 0 '1000-1023 reply_dropped explained agent-out/*,
	4990-5010 reply_dropped explained probe-in/90'
assert_explained 1 '1000-1023 reply_dropped explained agent-out/*'
assert_explained 2 '1000-1030 request_dropped explained agent-in/60,
	4980-5020 request_dropped explained agent-in/60,
	65500-65535 request_dropped explained agent-in/60'
assert_explain_json '.checks[0].ranges[] | select(.from == 4990) | .drop |
	"\(.nacl) \(.direction) \(.action) \(.entry)"' \
	"$PROBE_NACL inbound deny deny udp 4990-5010 from 0.0.0.0/0"
assert_explain_json '.checks[2].ranges[0].drop |
	"\(.nacl) \(.direction) \(.action) \(.entry)"' \
	"$AGENT_NACL inbound deny deny udp 7001 from 0.0.0.0/0"
# tcp/7000 to 4990-5010 is not matched by the UDP deny: rule 100 allows it.
assert_explain_json '.checks[1].ranges[] | select(.from == 4980) |
	"\(.to) \(.outcome) " + (.allowed_by | map("\(.hop)/\(.rule)") |
	join(","))' '5020 agree probe-out/100,agent-in/110,agent-out/100,probe-in/100'
assert_explain_line "    dropped by probe subnet inbound: $PROBE_NACL rule 90 (deny udp 4990-5010 from 0.0.0.0/0)"
assert_explain_line "    dropped by agent subnet inbound: $AGENT_NACL rule 60 (deny udp 7001 from 0.0.0.0/0)"
np_done
