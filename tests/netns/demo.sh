#!/usr/bin/env bash
# make demo: a NACL whose inbound rule lets replies back to ports 1024-60999
# only, which forgets Windows clients (49152-65535); one sweep finds the hole.
#
# Runs on the namespace testbed, as root; tears everything down on exit.
# Exits 0 when the probe ran (its own exit code, 1 here, is shown), else 1.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# The report outlives the testbed here.
DEMO_JSON=$NP_BUILD/demo-report.json

np_setup
np_log "router: replies from the agent to ports 61000-65535 are dropped"
np_rules <<'RULES'
# Inbound NACL rule of the probe's subnet: return traffic from the agent's
# subnet is allowed to 1024-60999 only; anything else is dropped.
ip saddr 198.18.2.0/24 ip daddr 198.18.1.0/24 udp dport 61000-65535 drop
ip saddr 198.18.2.0/24 ip daddr 198.18.1.0/24 tcp dport 61000-65535 drop
RULES
agent_start --ports udp/7000,tcp/7000

# All of 32768-65535 (Linux and Windows ephemeral ports), unthrottled, with
# the default timeout and attempts: about 6 s on the testbed.
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 32768-65535 --rate 0

echo
echo "==== nacl-probe summary (stdout) ===="
cat "$PROBE_OUT"
if [ -s "$PROBE_ERR" ]; then
	echo "==== nacl-probe stderr (last lines) ===="
	tail -n 5 "$PROBE_ERR"
fi
echo "===================================="
echo "nacl-probe exit code: $PROBE_EXIT (0 all ok, 1 holes found, 2 usage," \
	"3 runtime failure)"
if [ -s "$REPORT" ]; then
	mkdir -p "$(dirname "$DEMO_JSON")"
	cp "$REPORT" "$DEMO_JSON"
	echo "JSON report: $DEMO_JSON"
	echo "  e.g.: jq '.checks[] | {proto, port, ranges}' $DEMO_JSON"
fi

case $PROBE_EXIT in
0 | 1) exit 0 ;;
*) exit 1 ;;
esac
