#!/usr/bin/env bash
# Both UDP engines give the same exact answers: two UDP checks (echo and DNS)
# over 40000-44999 with 2% random loss both ways, the replies to 41500-41599
# dropped, the requests from 42000-42099 dropped and those from 43000-43099
# refused with port unreachable, which the router rate-limits (kernel
# defaults), so the rejected block's edges are probed again in passes of
# their own. Sockets kept from one pass serve the next (the socket engine's
# silent ports, the raw engine's packet socket): a pass that did not watch
# them read neither replies nor ICMP errors, and the edges came out
# request_dropped. Under the loss, each paced probe of an edge is tried as
# often as the loss needs (one try missed a reject some 4% of the time, and
# the edge port came out request_dropped).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
np_rules <<'RULES'
numgen random mod 100 < 2 drop
ip saddr 198.18.2.1 udp dport 41500-41599 drop
ip saddr 198.18.1.1 udp sport 42000-42099 drop
ip saddr 198.18.1.1 udp sport 43000-43099 reject with icmp type port-unreachable
RULES
agent_start --ports udp/7000,udp/53
expected='40000-41499 ok,41500-41599 reply_dropped,41600-41999 ok,'
expected+='42000-42099 request_dropped,42100-42999 ok,'
expected+='43000-43099 rejected,43100-44999 ok'
counts='ok=4700 reply_dropped=100 request_dropped=100 rejected=100'
for engine in socket raw; do
	probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,udp/53 \
		--sports 40000-44999 --timeout 300 --engine "$engine" -v
	assert_exit 1
	if [ "$engine" = raw ]; then
		assert_contains "the probe's log ($engine)" "$PROBE_ERR" \
			'raw engine: UDP requests from one raw socket'
	fi
	assert_json '.checks | length' 2
	assert_json '.summary.probes' 10000
	assert_outcome 0 udp 7000 40000-44999 fail "$expected" "$counts"
	assert_outcome 1 udp 53 40000-44999 fail "$expected" "$counts"
done
np_done
