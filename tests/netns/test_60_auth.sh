#!/usr/bin/env bash
# Scenario 60: keys. --gen-key writes a 0600 key and never overwrites one;
# an agent needs --key-file or --open and refuses a key file others may
# read; a probe without the key and one with another key exit 3 saying so;
# with the key, a sweep over every service passes with the exact ranges; the
# agent warns about refused authentication and never logs the key.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

np_setup
other_key=$NP_TMP/other.key

out=$("$AGENT_BIN" --gen-key "$other_key")
assert_eq "--gen-key exit" 0 $?
assert_eq "--gen-key mode" 600 "$(stat -c %a "$other_key")"
assert_eq "--gen-key size (64 hex digits and a newline)" 65 \
	"$(stat -c %s "$other_key")"
assert_eq "--gen-key message" \
	"wrote a new 256-bit key to $other_key (mode 0600); copy it to the probe host and give both sides --key-file $other_key" \
	"$out"
before=$(sha256sum "$other_key")
err=$("$AGENT_BIN" --gen-key "$other_key" 2>&1)
assert_eq "--gen-key over a key: exit" 3 $?
assert_eq "--gen-key over a key: message" \
	"nacl-agent: --gen-key: cannot create key file $other_key: File exists (an existing key is never overwritten)" \
	"$err"
assert_eq "--gen-key over a key: key unchanged" "$before" \
	"$(sha256sum "$other_key")"

err=$("$AGENT_BIN" --ports udp/7000 2>&1)
assert_eq "agent without --key-file or --open: exit" 2 $?
assert_eq "agent without --key-file or --open: message" \
	"nacl-agent: give exactly one of --key-file FILE (probes must hold the same key; make one with --gen-key FILE) or --open (answer everyone, on networks you trust)" \
	"$(echo "$err" | head -n 1)"
cp "$NP_KEY" "$NP_TMP/loose.key"
chmod 644 "$NP_TMP/loose.key"
err=$("$AGENT_BIN" --key-file "$NP_TMP/loose.key" 2>&1)
assert_eq "agent with a 0644 key: exit" 2 $?
assert_eq "agent with a 0644 key: message" \
	"nacl-agent: --key-file: key file $NP_TMP/loose.key is readable or writable by others (mode 0644): run 'chmod 600' (or 640 for a group that must read it) on it" \
	"$(echo "$err" | head -n 1)"
printf 'short\n' >"$NP_TMP/short.key"
chmod 600 "$NP_TMP/short.key"
err=$("$PROBE_BIN" --agent "$AGENT4" --key-file "$NP_TMP/short.key" 2>&1)
assert_eq "probe with a 5-byte key: exit" 2 $?
assert_eq "probe with a 5-byte key: message" \
	"nacl-probe: --key-file: key file $NP_TMP/short.key holds 5 bytes: a key is 32 to 4096 bytes; make one with 'nacl-agent --gen-key FILE'" \
	"$(echo "$err" | head -n 1)"

agent_start --ports udp/7000,tcp/7000,udp/53,tcp/53,udp/123,tcp/80
args=(--agent "$AGENT4" --bind "$PROBE4" --sports 40000-40199
	--ports udp/7000,tcp/7000,udp/53,tcp/53,udp/123,tcp/80
	--rate 0 --timeout 300 --attempts 1)

# A probe without the key: the hello names no nonce, the agent refuses.
NP_AUTH=open probe_run "${args[@]}"
assert_exit 3
assert_contains "keyless probe stderr" "$PROBE_ERR" \
	"^nacl-probe: the agent at 198\.18\.2\.1:7455 refused: this agent requires authentication: run nacl-probe with --key-file$"

probe_run "${args[@]}" --key-file "$other_key"
assert_exit 3
assert_contains "wrong-key probe stderr" "$PROBE_ERR" \
	"^nacl-probe: authentication failed: the key did not match \(the agent at 198\.18\.2\.1:7455 could not prove it holds our key\)$"

probe_run "${args[@]}"
assert_exit 0
for check in 0 1 2 3 4 5; do
	assert_ranges "$check" '40000-40199 ok'
done
assert_json '[.checks[].service] | join(",")' echo,echo,dns,dns,ntp,http

agent_stop
assert_eq "agent exit status after SIGTERM" 0 "$AGENT_EXIT"
assert_contains "agent log: refused keyless hello" "$NP_TMP/agent.log" \
	"warning: control 198\.18\.1\.1: hello without a nonce: this agent needs a probe with --key-file"
assert_contains "agent log: refused wrong key" "$NP_TMP/agent.log" \
	"warning: control 198\.18\.1\.1: left without proving the key: authentication refused"
# Every (protocol, port, source port) seen; the canaries that watch for an
# outage add probes to ports already seen.
assert_contains "agent log: one line for the session" "$NP_TMP/agent.log" \
	"info: session [0-9a-f]{8} from 198\.18\.1\.1 closed after [0-9.]+ s: [0-9]+ probes seen on 1200 \(protocol, port, source port\)$"
for key in "$NP_KEY" "$other_key"; do
	if grep -qF "$(head -c 64 "$key")" "$NP_TMP/agent.log" "$PROBE_ERR"; then
		np_fail "a key appears in a log"
	fi
done
np_done
