#!/usr/bin/env bash
# Scenario 24: the NACL drops every reply to 1024-60999, the probe host's own
# ephemeral ports among them: the control connection's SYN-ACK is lost too.
# The probe tries source ports in other ranges, 2 s each, reaches its agent
# from 61000-65535, says which ports failed, and reports the hole exactly.
# With --control-sport in an open range it goes there first; when every
# reply from the control port is dropped it exits 3 within about 10 s,
# naming the ports it tried. Two sessions in a row from one --control-sport
# both get through. A sweep of 32768-65535 leaves one unswept
# candidate (below 32768); with replies to every port below 32768 dropped,
# as a NACL that lets back only 32768-65535 does, the probe goes on to a
# swept port and sweeps every port ok.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_drop_replies 1024-60999
agent_start --ports udp/7000,tcp/7000
echo_sweep 60500-61499
assert_exit 1
assert_ranges 0 '60500-60999 reply_dropped,61000-61499 ok'
assert_ranges 1 '60500-60999 reply_dropped,61000-61499 ok'
assert_contains "stderr names the failed control ports and the one that worked" \
	"$PROBE_ERR" \
	"warning: control connection to 198\\.18\\.2\\.1:7455: no SYN-ACK came back to source ports ([0-9]+), ([0-9]+); port (6[1-5][0-9]{3}) worked: the return path to [0-9]+, [0-9]+ is blocked"
port=$(sed -n 's/.*; port \([0-9]*\) worked.*/\1/p' "$PROBE_ERR")
if [ -z "$port" ] || [ "$port" -lt 61500 ] || [ "$port" -gt 65535 ]; then
	np_fail "the control port that worked ($port) is not in 61500-65535, outside the sweep"
fi

probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000 \
	--sports 60900-60999 --timeout 300 --attempts 2 --control-sport 62000
assert_exit 1
assert_ranges 0 '60900-60999 reply_dropped'
if grep -q "no SYN-ACK" "$PROBE_ERR"; then
	np_fail "--control-sport 62000 was not tried first: $(cat "$PROBE_ERR")"
fi

# Two source-port groups, two sessions one after the other, both from
# --control-sport 62000: the first one's connection may still be closing
# when the second connects (EADDRNOTAVAIL: the same 4-tuple), which ended
# the run with exit 3 in 3 of 5 tries; the probe now moves to another port.
cat >"$NP_TMP/two-groups.json" <<JSON
{ "name": "two-groups",
  "targets": [ { "name": "app", "agent": "$AGENT4", "key_file": "$NP_KEY",
                 "bind": "$PROBE4" } ],
  "settings": { "timeout_ms": 300, "attempts": 2 },
  "checks": [ { "proto": "udp", "port": 7000, "sports": "61000-61099" },
              { "proto": "tcp", "port": 7000, "sports": "61100-61199" } ] }
JSON
for run in 1 2 3; do
	probe_run --scenario "$NP_TMP/two-groups.json" --control-sport 62000
	assert_exit 0
	assert_ranges 0 '61000-61099 ok'
	assert_ranges 1 '61100-61199 ok'
done

np_drop_replies 1-32767
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000 \
	--sports 32768-65535
assert_exit 0
assert_ranges 0 '32768-65535 ok'
assert_contains "stderr names the unswept port that failed and the swept one that worked" \
	"$PROBE_ERR" \
	"warning: control connection to 198\\.18\\.2\\.1:7455: no SYN-ACK came back to source port ([0-9]+); port ([0-9]+) worked"
failed=$(sed -n 's/.*came back to source port \([0-9]*\); port.*/\1/p' "$PROBE_ERR")
port=$(sed -n 's/.*; port \([0-9]*\) worked.*/\1/p' "$PROBE_ERR")
if [ -z "$failed" ] || [ "$failed" -ge 32768 ] || [ -z "$port" ] ||
	[ "$port" -lt 32768 ]; then
	np_fail "the control connection failed from $failed (expected below 32768) and worked from $port (expected a swept port, 32768-65535)"
fi

np_rules <<'RULES'
ip saddr 198.18.2.1 tcp sport 7455 drop
RULES
start=$EPOCHREALTIME
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000 \
	--sports 40000-40099 --timeout 300 --attempts 2
took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
assert_exit 3
[ "$took" -le 12 ] || np_fail "the probe gave up after $took s, not about 10 s"
assert_contains "stderr names the ports tried and what the NACLs must allow" \
	"$PROBE_ERR" \
	"cannot reach the agent's control port at 198\\.18\\.2\\.1:7455: no SYN-ACK came back to source ports [0-9]+, [0-9]+, [0-9]+ within 2 s each\\. The forward path may drop the SYN, or the return path the SYN-ACK"
np_done
