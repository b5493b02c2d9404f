#!/usr/bin/env bash
# Scenario 31: no agent. Real servers from Debian packages run in the agent
# namespace (dnsmasq for DNS over UDP and TCP, chronyd for NTP, nginx for
# HTTP); the router drops their UDP replies to source ports 40500-40599.
# nacl-probe --target at --rate 0 (the probe adapts its pace to what each
# server sustains) reports exactly that range as dropped (direction unknown)
# for UDP 53 and UDP 123, and everything else ok; with the router open, a
# second sweep right after is all ok.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup

server_start dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null \
	--no-resolv --no-hosts --user=root --group=root --pid-file= \
	--listen-address="$AGENT4" --bind-interfaces --port=53 \
	--address=/nacl-probe.test/"$AGENT4" --log-facility=-

cat >"$NP_TMP/chrony.conf" <<CONF
bindaddress $AGENT4
port 123
cmdport 0
allow all
local stratum 10
pidfile $NP_TMP/chronyd.pid
CONF
server_start chronyd chronyd -d -x -u root -f "$NP_TMP/chrony.conf"

nginx_start "		listen $AGENT4:80 backlog=4096;
		location / { return 200 \"ok\\n\"; }"

server_wait dnsmasq dig +short +tries=1 +time=1 @"$AGENT4" nacl-probe.test
server_wait chronyd ntpdig -t 1 "$AGENT4"
server_wait nginx curl -s -m 1 -o /dev/null "http://$AGENT4/"

np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp dport 40500-40599 drop
RULES
probe_run --target "$AGENT4" --bind "$PROBE4" --dns-name nacl-probe.test \
	--ports udp/53,tcp/53,udp/123,tcp/80 --sports 40000-40999 \
	--rate 0 --timeout 1000 --attempts 2
assert_exit 1
assert_json '.target.agent' false
assert_outcome 0 udp 53 40000-40999 fail \
	'40000-40499 ok,40500-40599 dropped,40600-40999 ok' 'ok=900 dropped=100'
assert_check 1 tcp 53 40000-40999 pass
assert_ranges 1 '40000-40999 ok'
assert_outcome 2 udp 123 40000-40999 fail \
	'40000-40499 ok,40500-40599 dropped,40600-40999 ok' 'ok=900 dropped=100'
assert_check 3 tcp 80 40000-40999 pass
assert_ranges 3 '40000-40999 ok'

# The router open, right after: every port of every server ok (no TIME_WAIT
# of the first sweep on the probe side, no server overrun at --rate 0).
np_rules </dev/null
probe_run --target "$AGENT4" --bind "$PROBE4" --dns-name nacl-probe.test \
	--ports udp/53,tcp/53,udp/123,tcp/80 --sports 40000-40999 --rate 0 \
	--timeout 1000 --attempts 2
assert_exit 0
for check in 0 1 2 3; do
	assert_ranges "$check" '40000-40999 ok'
done
np_done
