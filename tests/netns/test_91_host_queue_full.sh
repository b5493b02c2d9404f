#!/usr/bin/env bash
# A busy probe host: its own interface queue overflows (a token bucket on the
# probe's egress, 1 Mbit/s, 2000 bytes of queue, against a sweep at 1,800
# requests a second), so the kernel drops hundreds of requests before they
# leave and, to a socket with IP_RECVERR, says so (ENOBUFS). Such a request
# is lost on the way, like one lost by the network: tried again, every port
# reads ok. The socket engine once took the error for a port that cannot send
# and reported a third of the ports local_error. The raw engine's socket has
# no IP_RECVERR: the kernel drops in silence, and the answer is the same.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
agent_start --ports udp/7000
"$TESTBED" exec probe tc qdisc add dev to-router root tbf rate 1mbit \
	burst 2000 limit 2000 || np_die "tc refused the token bucket"

# Requests the probe's own host dropped before they left (IpOutDiscards).
out_discards()
{
	"$TESTBED" exec probe awk '/^Ip:/ { v = $12 } END { print v }' \
		/proc/net/snmp
}

for engine in socket raw; do
	before=$(out_discards)
	probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000 \
		--sports 40000-41999 --rate 1800 --engine "$engine"
	discarded=$(($(out_discards) - before))
	np_log "$engine engine: the probe host dropped $discarded requests"
	# The case this test is for: the host's queue did overflow.
	[ "$discarded" -ge 100 ] ||
		np_fail "$engine: only $discarded requests dropped by the host (want 100 or more)"
	assert_exit 0
	assert_json '.summary.probes' 2000
	assert_outcome 0 udp 7000 40000-41999 pass '40000-41999 ok' 'ok=2000'
done
np_done
