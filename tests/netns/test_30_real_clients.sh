#!/usr/bin/env bash
# Scenario 30: real clients accept nacl-agent's DNS, NTP and HTTP answers:
# dig over UDP and TCP gets NOERROR with an A record (the client's own
# address), ntpdig accepts the NTP reply (exit 0), curl gets 200 naming the
# source it was seen from. Then nacl-probe sweeps all four services through
# the agent with the replies to one range dropped: exactly that range. The
# agent runs --open: a keyed one answers none of these clients (test 61).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

NP_AUTH=open
np_setup
agent_start --ports udp/53,tcp/53,udp/123,tcp/80

# The TCP clients take source ports outside the sweep's 40000-40999 (and
# outside the ephemeral range they would be given): one that closed first
# leaves its port in TIME_WAIT, which the sweep would then rightly read
# local_error.
for transport in +notcp +tcp; do
	out=$("$TESTBED" exec probe dig "$transport" +tries=1 +time=2 \
		-b "$PROBE4#62053" @"$AGENT4" www.example.test A)
	assert_eq "dig $transport status" "status: NOERROR" \
		"$(echo "$out" | grep -o 'status: [A-Z]*')"
	assert_eq "dig $transport answer" "www.example.test. 0 IN A 198.18.1.1" \
		"$(echo "$out" | awk '/^www\.example\.test\..*IN[[:space:]]+A/ \
			{ print $1, $2, $3, $4, $5 }')"
done
out=$("$TESTBED" exec probe dig +short +tries=1 +time=2 @"$AGENT4" \
	probe.example.test AAAA)
assert_eq "dig AAAA answer" "::ffff:198.18.1.1" "$out"

if "$TESTBED" exec probe ntpdig -t 2 "$AGENT4" >"$NP_TMP/ntpdig.out" 2>&1
then
	ntpdig_exit=0
else
	ntpdig_exit=$?
fi
assert_eq "ntpdig exit code (output: $(cat "$NP_TMP/ntpdig.out"))" 0 \
	"$ntpdig_exit"
assert_contains "ntpdig output" "$NP_TMP/ntpdig.out" "198\.18\.2\.1"

code=$("$TESTBED" exec probe curl -s -m 3 -o "$NP_TMP/curl.body" \
	--local-port 62080-62089 -w '%{http_code}' "http://$AGENT4/")
assert_eq "curl status" 200 "$code"
assert_contains "curl body" "$NP_TMP/curl.body" \
	"^seen from 198\.18\.1\.1 port [0-9]+$"

np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp dport 40500-40599 drop
ip saddr 198.18.2.1 ip daddr 198.18.1.1 tcp dport 40500-40599 drop
RULES
probe_run --agent "$AGENT4" --bind "$PROBE4" \
	--ports udp/53,tcp/53,udp/123,tcp/80 --sports 40000-40999 \
	--rate 0 --timeout 300 --attempts 2
assert_exit 1
assert_check 0 udp 53 40000-40999 fail
assert_check 1 tcp 53 40000-40999 fail
assert_check 2 udp 123 40000-40999 fail
assert_check 3 tcp 80 40000-40999 fail
assert_json '[.checks[].service] | join(",")' dns,dns,ntp,http
for check in 0 1 2 3; do
	assert_ranges "$check" \
		'40000-40499 ok,40500-40599 reply_dropped,40600-40999 ok'
	assert_counts "$check" 'ok=900 reply_dropped=100'
	assert_json ".checks[$check].nat.translated" 0
done
np_done
