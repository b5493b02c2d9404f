#!/usr/bin/env bash
# Scenario 20: the NACL drops every request (the most basic inbound
# mistake) and the sweep lasts longer than the agent's --idle-timeout of 5 s.
# No probe reaches the agent, but the session lives on its control
# connection's keepalives: every port reads exactly request_dropped.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
ip daddr 198.18.2.1 udp dport 7000 drop
ip daddr 198.18.2.1 tcp dport 7000 drop
RULES
agent_start --ports udp/7000,tcp/7000 --idle-timeout 5
# 4,000 attempts at 400 per second, then their confirmation: over 10 s.
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 40000-41999 --rate 400 --timeout 300 --attempts 1

assert_exit 1
assert_ranges 0 '40000-41999 request_dropped'
assert_counts 0 'request_dropped=2000'
assert_ranges 1 '40000-41999 request_dropped'
assert_counts 1 'request_dropped=2000'
started=$(sed -n 's/^\([0-9T:-]*\)Z nacl-agent: info: session .* opened by.*/\1/p' \
	"$NP_TMP/agent.log" | head -n 1)
closed=$(sed -n 's/^\([0-9T:-]*\)Z nacl-agent: info: session .* closed after.*/\1/p' \
	"$NP_TMP/agent.log" | head -n 1)
[ -n "$started" ] && [ -n "$closed" ] ||
	np_fail "the agent log lacks the session's open or close"
took=$(($(date -d "${closed}Z" +%s) - $(date -d "${started}Z" +%s)))
[ "$took" -gt 5 ] ||
	np_fail "the sweep took $took s, not longer than --idle-timeout 5"
if grep -q "silent for" "$NP_TMP/agent.log"; then
	np_fail "the agent ended a connection for silence: $(grep 'silent for' "$NP_TMP/agent.log")"
fi
np_done
