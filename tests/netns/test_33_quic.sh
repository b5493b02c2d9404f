#!/usr/bin/env bash
# Scenario 33: QUIC on udp/443, the default service there. nacl-probe
# --agent sends 1,200-byte long-header packets of a reserved version with
# its identity in the connection IDs; with the replies to source ports
# 61500-61599 dropped, exactly those are reply_dropped and the text summary
# names the NACL entries for udp 61500-61599. An --open agent answers every
# size of request with Version Negotiation of 31 bytes from 1,200 bytes on,
# and nothing below. Without agent, caddy (HTTP/3, quic-go) answers the
# probe's packets with Version Negotiation: every port ok but the dropped
# range (direction unknown).
# Source ports 61000-61999 lie above the probe namespace's ephemeral ports
# in either profile, so no socket of the probe's own (its control
# connection) can hold one of them.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

WIRE_BIN=$NP_BUILD/tests/wire
np_need_caddy()
{
	command -v caddy >/dev/null 2>&1 ||
		np_die "caddy not found: install Debian's caddy (make deps)"
}

np_need_caddy
np_setup

agent_start --ports udp/443
assert_contains "the agent serves quic on udp/443" "$NP_TMP/agent.log" \
	'udp/443.*quic'
agent_443_hole udp quic
agent_stop

# Replies never exceed their request: none below 1,200 bytes, 31 above.
NP_AUTH=open
agent_start --ports udp/443
"$TESTBED" exec probe "$WIRE_BIN" sizes udp quic "$AGENT4" 443 \
	>"$NP_TMP/sizes.out" 2>&1
assert_eq "wire sizes udp quic: exit code" 0 $?
assert_eq "wire sizes udp quic: reply sizes" \
	"1 -1,8 -1,12 -1,17 -1,18 -1,30 -1,35 -1,47 -1,48 -1,64 -1,100 -1,200 -1,512 -1,1000 -1,1232 31,1400 31" \
	"$(paste -sd, "$NP_TMP/sizes.out")"
agent_stop

cat >"$NP_TMP/Caddyfile" <<CONF
{
	admin off
	auto_https disable_redirects
	skip_install_trust
	storage file_system $NP_TMP/caddy
	servers {
		protocols h1 h2 h3
	}
}
https://$AGENT4:443 {
	bind $AGENT4
	tls internal
	respond "ok"
}
CONF
server_start caddy env HOME="$NP_TMP" XDG_DATA_HOME="$NP_TMP/caddy" \
	XDG_CONFIG_HOME="$NP_TMP/caddy" \
	caddy run --config "$NP_TMP/Caddyfile" --adapter caddyfile
server_wait caddy curl -sk -m 1 -o /dev/null "https://$AGENT4/"
assert_contains "caddy serves HTTP/3" "$NP_TMP/caddy.log" \
	'enabling HTTP/3 listener'

probe_run --target "$AGENT4" --bind "$PROBE4" --ports udp/443 \
	--sports 61000-61999 --rate 2000 --timeout 1000 --attempts 2
assert_exit 1
assert_json '.target.agent' false
assert_json '.checks[0].service' quic
assert_outcome 0 udp 443 61000-61999 fail \
	'61000-61499 ok,61500-61599 dropped,61600-61999 ok' 'ok=900 dropped=100'
np_done
