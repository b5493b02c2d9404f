#!/usr/bin/env bash
# Scenario 84: nacl-report explain and nft on bad input (no testbed needed):
# exit 2 with a message naming the file, the JSON path or the option and
# the bad value, and what is accepted; --help exits 0.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

[ -x "$REPORT_BIN" ] || np_die "$REPORT_BIN missing: run 'make' first"
CLASSIC=$NACL_DIR/classic-mistake.json
GOOD=$NP_TMP/report.json
cat >"$GOOD" <<'JSON'
{ "schema": "nacl-probe/report/v1",
  "started_at": "2026-11-20T10:00:00Z", "finished_at": "2026-11-20T10:00:01Z",
  "probe": { "bind": "198.18.1.1" },
  "target": { "address": "198.18.2.1", "agent": true },
  "settings": { "rate": 0, "window": 16384, "attempts": 2, "timeout_ms": 300 },
  "checks": [
    { "proto": "udp", "port": 7000, "service": "echo", "sports": "60990-61010",
      "counts": { "ok": 10, "reply_dropped": 11, "request_dropped": 0,
                  "dropped": 0, "rejected": 0, "local_error": 0 },
      "ranges": [ { "from": 60990, "to": 60999, "status": "ok" },
                  { "from": 61000, "to": 61010, "status": "reply_dropped" } ],
      "nat": { "translated": 0 }, "verdict": "fail" } ],
  "summary": { "probes": 21, "verdict": "fail" } }
JSON

# run_report EXPECTED_EXIT ARGS...: nacl-report ARGS, output in OUT and ERR.
OUT=$NP_TMP/out
ERR=$NP_TMP/err
run_report()
{
	local expected=$1 rc
	shift
	"$REPORT_BIN" "$@" >"$OUT" 2>"$ERR"
	rc=$?
	assert_eq "exit code of nacl-report $*" "$expected" "$rc" ||
		sed 's/^/    | /' "$ERR" >&2
}

assert_first_err()
{
	assert_eq "$1: first line of stderr" "$2" "$(head -n 1 "$ERR")"
}

run_report 0 explain "$GOOD" --nacl "$CLASSIC" \
	--probe-subnet "$PROBE_SUBNET" --agent-subnet "$AGENT_SUBNET"
assert_contains "explain attributes 61000-61010" "$OUT" \
	"^    dropped by probe subnet inbound: $PROBE_NACL rule \* \(default deny\)$"

run_report 0 explain --help
assert_contains "explain --help names the four directions" "$OUT" \
	'probe-out.*agent-in'
run_report 0 nft --help

run_report 2 explain "$GOOD" --nacl "$CLASSIC" \
	--probe-subnet subnet-0000 --agent-subnet "$AGENT_SUBNET"
assert_first_err "unknown subnet" \
	"nacl-report explain: --probe-subnet subnet-0000: no NACL in $CLASSIC is associated with subnet-0000; known subnets: subnet-0a1a1a1a1a1a1a1a1 (acl-0a1a1a1a1a1a1a1a1), subnet-0b2b2b2b2b2b2b2b2 (acl-0b2b2b2b2b2b2b2b2), subnet-0c3c3c3c3c3c3c3c3 (acl-0c3c3c3c3c3c3c3c3)"

run_report 2 explain "$GOOD" --probe-subnet "$PROBE_SUBNET" \
	--agent-subnet "$AGENT_SUBNET"
assert_first_err "missing --nacl" \
	"nacl-report explain: missing --nacl ACLS.json: the output of 'aws ec2 describe-network-acls'"

BAD=$NP_TMP/bad-protocol.json
sed '0,/"Protocol": "6"/s//"Protocol": "tcpp"/' "$CLASSIC" >"$BAD"
run_report 2 explain "$GOOD" --nacl "$BAD" \
	--probe-subnet "$PROBE_SUBNET" --agent-subnet "$AGENT_SUBNET"
assert_first_err "bad protocol" \
	"nacl-report explain: $BAD: NetworkAcls[0].Entries[2].Protocol: unknown protocol 'tcpp' (expected a protocol number as a string: \"-1\" for all, \"6\" tcp, \"17\" udp, or 0-255)"

printf '{"NetworkAcls": [\n  {"NetworkAclId": "acl-1",,}\n]}\n' >"$BAD"
run_report 2 explain "$GOOD" --nacl "$BAD" \
	--probe-subnet acl-1 --agent-subnet acl-1
assert_first_err "invalid JSON" \
	"nacl-report explain: $BAD: not valid JSON at line 2, column 29"

run_report 2 explain "$NP_TMP/none.json" --nacl "$CLASSIC" \
	--probe-subnet "$PROBE_SUBNET" --agent-subnet "$AGENT_SUBNET"
assert_first_err "missing report" \
	"nacl-report explain: $NP_TMP/none.json: cannot open: No such file or directory"

run_report 2 explain "$GOOD" --nacl "$CLASSIC" \
	--probe-subnet "$PROBE_SUBNET=10.0.1.0/24" --agent-subnet "$AGENT_SUBNET"
assert_first_err "address outside the given CIDR" \
	"nacl-report explain: $GOOD: probe.bind: address 198.18.1.1 is not in --probe-subnet $PROBE_SUBNET (10.0.1.0/24); is that the right subnet?"

run_report 2 nft "$CLASSIC" --probe-subnet "$PROBE_SUBNET" \
	--agent-subnet "$AGENT_SUBNET=198.18.2.0/24"
assert_first_err "nft without CIDRs" \
	"nacl-report nft: --probe-subnet needs its CIDRs: give ID=CIDR[,CIDR], e.g. subnet-0abc=198.18.1.0/24,2001:db8:1::/64"

run_report 0 nft "$CLASSIC" --probe-subnet "$PROBE_SUBNET=198.18.1.0/24" \
	--agent-subnet "$AGENT_SUBNET=198.18.2.0/24"
assert_eq "nft: the jump to the probe subnet's inbound chain" \
	"add rule inet nacl forward ip saddr 198.18.2.0/24 ip daddr 198.18.1.0/24 jump probe_in" \
	"$(tail -n 1 "$OUT")"
np_done
