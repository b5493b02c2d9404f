#!/usr/bin/env bash
# Scenario 34: NAT seen through quic. The router turns stateful and
# source-NATs the probe to 198.18.2.254 with ports 20000-29999. The agent's
# QUIC Version Negotiation lists the source port it saw, so a sweep that is
# all ok (no seen-log fetched) counts every port in nat.translated from the
# replies alone, and the summary warns of NAT.
# Source ports 61000-61999 lie above the probe namespace's ephemeral ports
# in either profile, so no socket of the probe's own (its control
# connection) can hold one of them.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_router_snat
agent_start --ports udp/443

probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/443 \
	--sports 61000-61999 --timeout 300 --attempts 2
assert_exit 0
assert_json '.checks | length' 1
assert_outcome 0 udp 443 61000-61999 pass '61000-61999 ok' 'ok=1000'
assert_json '.checks[0].nat.translated' 1000
assert_contains "the text summary (stdout) warns about NAT" "$PROBE_OUT" NAT
np_done
