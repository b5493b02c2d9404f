#!/usr/bin/env bash
# Scenario 15: the nightly full sweep at kernel defaults. Six services (udp/53
# dns, tcp/53 dns, udp/123 ntp, tcp/80 http, udp/7000 echo, tcp/7000 echo)
# over every source port 1024-65535 (387,072 probes) against an agent at its
# defaults, with the replies to 60000-60999 dropped. The agent's seen-log
# holds the whole plan, so every check reads exactly 60000-60999
# reply_dropped. The control connection must use a port outside the sweep
# (below 1024).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

NP_PROBE_LIMIT=480
np_setup
np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp dport 60000-60999 drop
ip saddr 198.18.2.1 ip daddr 198.18.1.1 tcp dport 60000-60999 drop
RULES
ports=udp/53,tcp/53,udp/123,tcp/80,udp/7000,tcp/7000
agent_start --ports "$ports"
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports "$ports" \
	--sports all --rate 0 --timeout 500 --attempts 2

assert_exit 1
assert_json '.checks | length' 6
assert_json '.summary.probes' 387072
expected='1024-59999 ok,60000-60999 reply_dropped,61000-65535 ok'
for i in 0 1 2 3 4 5; do
	assert_ranges "$i" "$expected"
	assert_counts "$i" 'ok=63512 reply_dropped=1000'
done
assert_json '[.checks[] | "\(.proto)/\(.port)"] | join(",")' \
	"udp/53,tcp/53,udp/123,tcp/80,udp/7000,tcp/7000"
assert_contains "the agent logged the plan it holds" "$NP_TMP/agent.log" \
	'opened by 198\.18\.1\.1 \(probe 198\.18\.1\.1, 6 ports, 387072 planned, capture evidence\)'
np_done
