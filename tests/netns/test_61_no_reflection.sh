#!/usr/bin/env bash
# Scenario 61: a keyed agent answers only its sessions' own probes. Random
# datagrams to the echo, DNS and NTP ports, plain dig, ntpdig and curl, a
# probe of session A replayed into session B, and session A's probes
# replayed once A has ended all get no reply; the same replay while A is
# open does (the control that shows the replay itself works).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

WIRE_BIN=$NP_BUILD/tests/wire
command -v tcpdump >/dev/null 2>&1 || np_die "tcpdump not found (make deps)"

np_setup
agent_start --ports udp/7000,udp/53,udp/123,tcp/80

# wire_send ARGS...: sets WIRE_EXIT (0 reply, 1 none) and WIRE_OUT.
wire_send()
{
	WIRE_OUT=$("$TESTBED" exec probe "$WIRE_BIN" send udp "$AGENT4" "$@" \
		--timeout 500)
	WIRE_EXIT=$?
}

# The UDP payload (hex) and source port of the first captured packet to
# PORT, as "SPORT HEX".
captured()
{
	tcpdump -r "$NP_TMP/cap.pcap" -nn -x "udp and dst port $1" -c 1 \
		2>/dev/null | awk '
		NR == 1 { n = split($3, a, "."); sport = a[n]; next }
		{ for (i = 2; i <= NF; i++) hex = hex $i }
		END {
			ihl = substr(hex, 2, 1) + 0
			print sport, substr(hex, (ihl * 4 + 8) * 2 + 1)
		}'
}

session_ids()
{
	sed -n 's/.*info: session \([0-9a-f]\{8\}\) opened by.*/\1/p' \
		"$NP_TMP/agent.log"
}

"$TESTBED" exec agent tcpdump -i to-router -nn -U -w "$NP_TMP/cap.pcap" \
	"udp and dst host $AGENT4" 2>"$NP_TMP/tcpdump.log" &
tcpdump_pid=$!
NP_HELPER_PIDS+=("$tcpdump_pid")
np_wait_for 50 grep -q "listening on" "$NP_TMP/tcpdump.log"

# Session A sweeps slowly so that it is still open for the control replay.
"$TESTBED" exec probe "$PROBE_BIN" --agent "$AGENT4" --key-file "$NP_KEY" \
	--bind "$PROBE4" --ports udp/7000,udp/53,udp/123 --sports 41000-41099 \
	--rate 20 --quiet >"$NP_TMP/probe-a.log" 2>&1 &
probe_a=$!
NP_HELPER_PIDS+=("$probe_a")
# Until session A has sent to every port (at most ~10 s), then stop the
# capture; -U writes each packet out at once.
for _ in $(seq 100); do
	np_alive "$probe_a" ||
		np_die "session A's probe ended early: $(cat "$NP_TMP/probe-a.log")"
	n=0
	for port in 7000 53 123; do
		tcpdump -r "$NP_TMP/cap.pcap" -nn "udp and dst port $port" \
			2>/dev/null | grep -q . && n=$((n + 1))
	done
	[ "$n" -eq 3 ] && break
	sleep 0.1
done
np_stop_pid "$tcpdump_pid"
session_a=$(session_ids | head -n 1)
[ -n "$session_a" ] || np_die "session A did not open"

read -r echo_sport echo_hex < <(captured 7000)
read -r dns_sport dns_hex < <(captured 53)
read -r ntp_sport ntp_hex < <(captured 123)
[ -n "$echo_hex" ] && [ -n "$dns_hex" ] && [ -n "$ntp_hex" ] ||
	np_die "capture holds no probe for every port: $(cat "$NP_TMP/tcpdump.log")"
assert_eq "captured echo probe names session A" "$session_a" \
	"${echo_hex:16:8}"

wire_send 7000 --sport "$echo_sport" --hex "$echo_hex"
assert_eq "session A's probe replayed while A is open: answered" 0 \
	"$WIRE_EXIT"
assert_eq "the answer's size" 48 "$WIRE_OUT"

"$TESTBED" exec probe "$PROBE_BIN" --agent "$AGENT4" --key-file "$NP_KEY" \
	--bind "$PROBE4" --ports udp/7000 --sports 45000-45999 --rate 20 \
	--quiet >/dev/null 2>&1 &
probe_b=$!
NP_HELPER_PIDS+=("$probe_b")
for _ in $(seq 30); do
	[ "$(session_ids | wc -l)" -ge 2 ] && break
	sleep 0.1
done
session_b=$(session_ids | sed -n 2p)
[ -n "$session_b" ] || np_die "session B did not open"
wire_send 7000 --sport "$echo_sport" \
	--hex "${echo_hex:0:16}$session_b${echo_hex:24}"
assert_eq "session A's probe replayed into session B: $WIRE_OUT" 1 \
	"$WIRE_EXIT"

np_stop_pid "$probe_a"
np_wait_for 30 grep -Eq \
	"session $session_a from .* (ended with its connection|closed after)" \
	"$NP_TMP/agent.log"
assert_contains "agent log: session A ended" "$NP_TMP/agent.log" \
	"session $session_a from 198\.18\.1\.1 (ended with its connection|closed after)"
wire_send 7000 --sport "$echo_sport" --hex "$echo_hex"
assert_eq "echo probe of ended session A replayed: $WIRE_OUT" 1 "$WIRE_EXIT"
wire_send 53 --sport "$dns_sport" --hex "$dns_hex"
assert_eq "DNS probe of ended session A replayed: $WIRE_OUT" 1 "$WIRE_EXIT"
wire_send 123 --sport "$ntp_sport" --hex "$ntp_hex"
assert_eq "NTP probe of ended session A replayed: $WIRE_OUT" 1 "$WIRE_EXIT"

for port in 7000 53 123; do
	for size in 1 48 200 1400; do
		wire_send "$port" --random "$size"
		assert_eq "$size random bytes to udp/$port: $WIRE_OUT" 1 \
			"$WIRE_EXIT"
	done
done

"$TESTBED" exec probe dig +tries=1 +time=1 @"$AGENT4" example.test \
	>/dev/null 2>&1
assert_eq "dig without a session: exit (9: no reply)" 9 $?
"$TESTBED" exec probe ntpdig -t 1 "$AGENT4" >/dev/null 2>&1
assert_eq "ntpdig without a session: exit" 1 $?
code=$("$TESTBED" exec probe curl -s -m 2 -o /dev/null -w '%{http_code}' \
	"http://$AGENT4/")
assert_eq "curl without a session: HTTP status (000: none)" 000 "$code"
np_stop_pid "$probe_b"
np_done
