#!/usr/bin/env bash
# Scenario 35: a TCP server that accepts every connection and never sends a
# byte (a stuck web server) behind an open router. A completed handshake
# proves both directions: every port is ok, never dropped, and the check
# counts them all in "no_answer"; the text names the service and the count,
# and the default expectation passes (exit 0).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
"$TESTBED" exec agent python3 "$NP_DIR/mute_server.py" "$AGENT4" 80 60 \
	>"$NP_TMP/mute.out" 2>&1 &
NP_HELPER_PIDS+=("$!")
np_wait_for 50 grep -qx ready "$NP_TMP/mute.out" ||
	np_die "mute_server.py did not start: $(cat "$NP_TMP/mute.out")"

probe_run --target "$AGENT4" --bind "$PROBE4" --ports tcp/80 \
	--sports 40000-40499 --rate 0 --timeout 300 --attempts 2
assert_exit 0
assert_outcome 0 tcp 80 40000-40499 pass '40000-40499 ok' 'ok=500'
assert_json '.checks[0].no_answer' 500
assert_contains "the text names the service and the count" "$PROBE_OUT" \
	'^  500 ports: the TCP handshake completed, the http service sent nothing \(counted ok: the path is open\)$'
np_done
