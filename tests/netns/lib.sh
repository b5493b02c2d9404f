# shellcheck shell=bash
# Shared helpers for the end-to-end tests: testbed, agent and helper
# processes, probe runs, and exact assertions on the probe's JSON report.
#
# A test sources this file, calls np_setup, runs the agent and the probe,
# asserts, and ends with np_done. An EXIT trap always stops what was started
# (by PID) and removes the testbed. Assertions do not stop the test: every
# mismatch is printed, expected against actual, and np_done fails.
# NP_KEEP=1 keeps the reports and logs (the temporary folder) for a look.

NP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NP_ROOT=$(cd "$NP_DIR/../.." && pwd)
NP_BUILD=${BUILDDIR:-build}
case $NP_BUILD in
/*) ;;
*) NP_BUILD=$NP_ROOT/$NP_BUILD ;;
esac

TESTBED=$NP_DIR/testbed.sh
PROBE_BIN=$NP_BUILD/nacl-probe
AGENT_BIN=$NP_BUILD/nacl-agent
HOLDPORT_BIN=$NP_BUILD/tests/holdport

export NP_PREFIX=${NP_PREFIX:-npt}

# Addresses of testbed.sh; nothing else is ever sent to. Used by the tests.
# shellcheck disable=SC2034
PROBE4=198.18.1.1
# shellcheck disable=SC2034
PROBE6=2001:db8:1::1
AGENT4=198.18.2.1
# shellcheck disable=SC2034
AGENT6=2001:db8:2::1
CONTROL_PORT=7455

# How the agent authenticates probes: "key" (a key made per test, given to
# agent_start and to every probe_run with --agent) or "open" (--open).
NP_AUTH=${NP_AUTH:-key}

# Wall-clock limit of one probe run, in seconds: a bound on every sweep,
# not a speed assertion (make bench measures speed). Three times what a
# quiet machine needs at most: beside two busy loops and other builds,
# sweeps took up to five times as long and a 60 s limit killed them.
NP_PROBE_LIMIT=${NP_PROBE_LIMIT:-180}

NP_NAME=$(basename "$0" .sh)
# shellcheck source=pid_lib.sh source-path=SCRIPTDIR
source "$NP_DIR/pid_lib.sh"
NP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nacl-e2e.XXXXXX")
NP_KEY=$NP_TMP/agent.key
NP_FAILURES=0
NP_RUNS=0
NP_TESTBED_UP=0
AGENT_PID=""
AGENT_EXIT=""
NP_STOP_STATUS=""
NP_HELPER_PIDS=()
AGENT_WRAP=()

PROBE_CMD=""
PROBE_EXIT=""
PROBE_OUT=""
PROBE_ERR=""
REPORT=""

np_log()
{
	echo "[$NP_NAME] $*"
}

# Setup problems are not assertions: the test cannot go on.
np_die()
{
	echo "[$NP_NAME] ERROR: $*" >&2
	exit 1
}

np_fail()
{
	NP_FAILURES=$((NP_FAILURES + 1))
	echo "[$NP_NAME] FAILED: $*" >&2
}

np_cleanup()
{
	local rc=$? pid
	trap - EXIT INT TERM
	if [ -n "$AGENT_PID" ]; then
		np_stop_pid "$AGENT_PID"
		AGENT_PID=""
	fi
	for pid in "${NP_HELPER_PIDS[@]}"; do
		np_stop_pid "$pid"
	done
	NP_HELPER_PIDS=()
	if [ "$NP_TESTBED_UP" -eq 1 ]; then
		"$TESTBED" down || rc=1
	fi
	if [ "${NP_KEEP:-0}" = 1 ]; then
		echo "[$NP_NAME] kept reports and logs in $NP_TMP" >&2
	else
		rm -rf "$NP_TMP"
	fi
	exit "$rc"
}
trap np_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

np_require()
{
	local bin
	[ "$(id -u)" -eq 0 ] || np_die "must run as root (network namespaces)"
	command -v jq >/dev/null 2>&1 || np_die "jq not found (make deps)"
	for bin in "$PROBE_BIN" "$AGENT_BIN" "$HOLDPORT_BIN"; do
		[ -x "$bin" ] || np_die "$bin missing: run 'make' first"
	done
}

# Checks the binaries, then builds a fresh testbed (the old one is removed).
np_setup()
{
	np_require
	if [ ! -e "$NP_KEY" ]; then
		"$AGENT_BIN" --gen-key "$NP_KEY" >/dev/null ||
			np_die "nacl-agent --gen-key $NP_KEY failed"
	fi
	NP_TESTBED_UP=1
	"$TESTBED" up || np_die "testbed up failed"
}

# Replaces the router's NACL rules with the lines on stdin.
np_rules()
{
	"$TESTBED" rules - || np_die "loading the router rules failed"
}

# np_drop_replies PORTS: the router's rules drop the agent's replies (UDP,
# and TCP SYN-ACKs with them) to the probe's ports PORTS, e.g. 40500-40999.
np_drop_replies()
{
	np_rules <<-RULES
	ip saddr $AGENT4 ip daddr $PROBE4 udp dport $1 drop
	ip saddr $AGENT4 ip daddr $PROBE4 tcp dport $1 drop
	RULES
}

# np_drop_requests PORTS: the router's rules drop the probe's requests (UDP
# and TCP) from its ports PORTS.
np_drop_requests()
{
	np_rules <<-RULES
	ip saddr $PROBE4 ip daddr $AGENT4 udp sport $1 drop
	ip saddr $PROBE4 ip daddr $AGENT4 tcp sport $1 drop
	RULES
}

# np_drop_synacks PORTS: the router's rules drop only the agent's SYN-ACKs
# to the probe's ports PORTS; the rest of TCP, and UDP, pass.
np_drop_synacks()
{
	np_rules <<-RULES
	ip saddr $AGENT4 tcp dport $1 tcp flags & (syn | ack) == syn | ack drop
	RULES
}

# Runs nft in the router, e.g. np_nft 'add table ip nat'.
np_nft()
{
	"$TESTBED" nft "$@" || np_die "nft in the router failed: $*"
}

# Turns the router stateful and source-NATs the probe's subnet to
# 198.18.2.254, ports 20000-29999 picked at random, towards the agent.
np_router_snat()
{
	"$TESTBED" stateful || np_die "cannot turn conntrack on in the router"
	np_nft -f - <<-'NFT'
	table ip nat {
		chain postrouting {
			type nat hook postrouting priority srcnat; policy accept;
			ip saddr 198.18.1.0/24 oifname "to-agent" meta l4proto { tcp, udp } \
				snat to 198.18.2.254:20000-29999 random
		}
	}
	NFT
}

# True when a TCP connection to addr:port opens, asked from the agent's
# namespace for the reason agent_wait_control gives.
np_tcp_open()
{
	"$TESTBED" exec agent timeout 0.3 bash -c \
		"exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# Waits (at most ~3 s) until the agent's control port answers at addr.
# Asked from the agent's own namespace: a check from the probe's would
# leave its ephemeral port in TIME_WAIT there, which a sweep of every
# source port then cannot bind, and the NACL rules may block its replies.
agent_wait_control()
{
	local addr=${1:-$AGENT4}
	for _ in $(seq 30); do
		if [ -n "$AGENT_PID" ] && ! np_alive "$AGENT_PID"; then
			np_die "the agent exited while starting; its log:
$(tail -n 20 "$NP_TMP/agent.log")"
		fi
		"$TESTBED" exec agent timeout 0.3 bash -c \
			"exec 3<>/dev/tcp/$addr/$CONTROL_PORT" 2>/dev/null &&
			return 0
		sleep 0.1
	done
	np_die "the agent's control port $addr:$CONTROL_PORT did not answer" \
		"within 3 s; its log:
$(tail -n 20 "$NP_TMP/agent.log")"
}

# The agent's authentication option for NP_AUTH.
np_agent_auth()
{
	if [ "$NP_AUTH" = open ]; then
		echo --open
	else
		printf '%s\n' --key-file "$NP_KEY"
	fi
}

# Starts nacl-agent ARGS... (with the key of NP_AUTH, or --open) in the
# agent namespace, in the background. AGENT_WRAP (an array, e.g. setpriv
# and its options) runs it, if set; the wrapper must exec the agent.
agent_start()
{
	local auth
	[ -z "$AGENT_PID" ] || np_die "agent_start: an agent already runs"
	mapfile -t auth < <(np_agent_auth)
	np_log "agent: ${AGENT_WRAP[*]:+${AGENT_WRAP[*]} }nacl-agent ${auth[*]} $*"
	# testbed.sh exec execs all the way down: $! is the agent itself.
	"$TESTBED" exec agent "${AGENT_WRAP[@]}" "$AGENT_BIN" "${auth[@]}" "$@" \
		>>"$NP_TMP/agent.log" 2>&1 &
	AGENT_PID=$!
	agent_wait_control "$AGENT4"
	# Stopping goes by this PID: it must be the agent, not a wrapper.
	[ "$(cat "/proc/$AGENT_PID/comm" 2>/dev/null)" = nacl-agent ] ||
		np_die "pid $AGENT_PID is not nacl-agent"
}

# The agent's resident memory in KiB (VmRSS).
agent_rss_kib()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$AGENT_PID/status"
}

# The agent's CPU time (user + system) in clock ticks.
agent_cpu_ticks()
{
	sed 's/^.*) //' "/proc/$AGENT_PID/stat" | awk '{ print $12 + $13 }'
}

# Stops the agent with SIGTERM; its exit status lands in AGENT_EXIT.
agent_stop()
{
	[ -n "$AGENT_PID" ] || return 0
	np_stop_pid "$AGENT_PID"
	AGENT_EXIT=$NP_STOP_STATUS
	AGENT_PID=""
	np_log "agent: stopped, exit status $AGENT_EXIT"
}

# np_wait_ready OUT PID TENTHS: true once a helper's output file OUT holds
# the line "ready"; false when PID ends first or after TENTHS tenths of a
# second.
np_wait_ready()
{
	for _ in $(seq "$3"); do
		grep -qx ready "$1" && return 0
		np_alive "$2" || return 1
		sleep 0.1
	done
	return 1
}

# np_wait_for TENTHS CMD...: true once CMD... succeeds, tried every tenth
# of a second; false when it has not after TENTHS tries.
np_wait_for()
{
	local tries=$1
	shift
	for _ in $(seq "$tries"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Starts holdport PROTO ADDR PORT in the probe namespace; returns once the
# port is held.
holdport_start()
{
	local out=$NP_TMP/holdport-$1-$3.out pid
	"$TESTBED" exec probe "$HOLDPORT_BIN" "$@" >"$out" 2>&1 &
	pid=$!
	NP_HELPER_PIDS+=("$pid")
	np_wait_ready "$out" "$pid" 30 ||
		np_die "holdport $* did not get ready: $(cat "$out")"
}

# server_start NAME CMD...: a real server in the agent namespace, in the
# foreground (its log: $NP_TMP/NAME.log); stopped by PID at the end.
server_start()
{
	local name=$1
	shift
	"$TESTBED" exec agent "$@" >"$NP_TMP/$name.log" 2>&1 &
	NP_HELPER_PIDS+=("$!")
}

# server_wait NAME CHECK...: waits (at most ~5 s) until CHECK... succeeds
# from the router namespace. Not from the probe's: a TCP client there (curl
# closes first) leaves its ephemeral port, any of 32768-60999, in TIME_WAIT
# for 60 s, and a sweep over that port then reads it local_error, rightly
# (the port is busy on the probe's host): test 31 failed so in a stress run.
server_wait()
{
	local name=$1
	shift
	for _ in $(seq 50); do
		"$TESTBED" exec router "$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	np_die "$name did not answer within 5 s; its log:
$(tail -n 20 "$NP_TMP/$name.log")"
}

# nginx_start DIRECTIVES: nginx in the agent namespace, one worker, with one
# server block of DIRECTIVES (listen, ssl_*, location); its files in
# $NP_TMP/nginx, its log in $NP_TMP/nginx.log. Stopped by PID at the end.
nginx_start()
{
	mkdir -p "$NP_TMP/nginx"
	cat >"$NP_TMP/nginx.conf" <<CONF
daemon off;
master_process off;
user root;
worker_processes 1;
pid $NP_TMP/nginx/nginx.pid;
error_log $NP_TMP/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $NP_TMP/nginx;
	proxy_temp_path $NP_TMP/nginx;
	fastcgi_temp_path $NP_TMP/nginx;
	uwsgi_temp_path $NP_TMP/nginx;
	scgi_temp_path $NP_TMP/nginx;
	server {
$1
	}
}
CONF
	server_start nginx nginx -c "$NP_TMP/nginx.conf" -p "$NP_TMP/nginx"
}

# Starts strangers.py HOST PORT COUNT HOLD [FRAME_BYTES] in the probe
# namespace (output in $NP_TMP/strangers-NAME.out); returns once every
# connection was attempted, with its PID in STRANGERS_PID.
strangers_start()
{
	local name=$1 out pid
	shift
	out=$NP_TMP/strangers-$name.out
	"$TESTBED" exec probe python3 "$NP_DIR/strangers.py" "$@" >"$out" 2>&1 &
	pid=$!
	NP_HELPER_PIDS+=("$pid")
	STRANGERS_PID=$pid
	np_wait_ready "$out" "$pid" 600 ||
		np_die "strangers.py $* did not get ready: $(cat "$out")"
}

# The probe's --key-file for NP_AUTH=key, one word a line, unless ARGS name
# no agent or give their own key.
np_probe_auth()
{
	local arg agent=0
	for arg in "$@"; do
		case $arg in
		--agent) agent=1 ;;
		--key-file) return 0 ;;
		esac
	done
	if [ "$agent" -eq 1 ] && [ "$NP_AUTH" = key ]; then
		printf '%s\n' --key-file "$NP_KEY"
	fi
}

# Runs nacl-probe ARGS... in the probe namespace with --json; sets
# PROBE_EXIT, PROBE_OUT (stdout file), PROBE_ERR (stderr file), REPORT.
probe_run()
{
	local start end auth
	NP_RUNS=$((NP_RUNS + 1))
	REPORT=$NP_TMP/report-$NP_RUNS.json
	PROBE_OUT=$NP_TMP/probe-$NP_RUNS.out
	PROBE_ERR=$NP_TMP/probe-$NP_RUNS.err
	mapfile -t auth < <(np_probe_auth "$@")
	PROBE_CMD="nacl-probe $* ${auth[*]} --json REPORT"
	start=$EPOCHREALTIME
	"$TESTBED" exec probe timeout -k 5 "$NP_PROBE_LIMIT" \
		"$PROBE_BIN" "$@" "${auth[@]}" --json "$REPORT" \
		>"$PROBE_OUT" 2>"$PROBE_ERR"
	PROBE_EXIT=$?
	end=$EPOCHREALTIME
	np_log "probe: $PROBE_CMD -> exit $PROBE_EXIT in" \
		"$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s", b - a }')"
	if [ "$PROBE_EXIT" -eq 124 ] || [ "$PROBE_EXIT" -eq 137 ]; then
		np_fail "the probe ran longer than ${NP_PROBE_LIMIT} s and was killed"
	fi
}

# echo_sweep SPORTS [ARGS...]: probe_run of udp/7000 and tcp/7000 (the
# agent's echo) from PROBE4 to the agent at AGENT4 over source ports SPORTS,
# 300 ms timeout, 2 attempts, with any extra ARGS.
echo_sweep()
{
	local sports=$1
	shift
	probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
		--sports "$sports" --timeout 300 --attempts 2 "$@"
}

# agent_443_hole PROTO SERVICE: with the agent's replies to source ports
# 61500-61599 dropped, a sweep of PROTO/443 from 61000-61999 (the agent
# serving SERVICE there) exits 1 with exactly that range reply_dropped, no
# NAT, and a text summary that names the range and the NACL entry (protocol
# 6 or 17) that lets its replies back in.
agent_443_hole()
{
	local proto=$1 number=6
	[ "$proto" = udp ] && number=17
	np_rules <<RULES
ip saddr 198.18.2.1 ip daddr 198.18.1.1 $proto dport 61500-61599 drop
RULES
	probe_run --agent "$AGENT4" --bind "$PROBE4" --ports "$proto/443" \
		--sports 61000-61999 --rate 2000 --timeout 1000 --attempts 2
	assert_exit 1
	assert_json '.checks[0].service' "$2"
	assert_outcome 0 "$proto" 443 61000-61999 fail \
		'61000-61499 ok,61500-61599 reply_dropped,61600-61999 ok' \
		'ok=900 reply_dropped=100'
	assert_json '.checks[0].nat.translated' 0
	assert_contains "the summary names the range" "$PROBE_OUT" \
		'^  61500-61599  reply_dropped \(100 ports\): requests arrive, replies are dropped on the way back$'
	assert_contains "the summary's fix for the replies" "$PROBE_OUT" \
		"aws ec2 create-network-acl-entry --network-acl-id <probe-subnet-nacl-id> --ingress --rule-number <rule-number> --protocol $number --port-range From=61500,To=61599 --cidr-block 198.18.2.1/32 --rule-action allow\$"
}

assert_eq()
{
	local what=$1 expected=$2 actual=$3
	[ "$expected" = "$actual" ] && return 0
	np_fail "$what
    expected: $expected
    actual:   $actual"
	return 1
}

assert_exit()
{
	assert_eq "exit code of: $PROBE_CMD" "$1" "$PROBE_EXIT"
}

# Evaluates a jq expression on the last report, compact and raw.
np_jq()
{
	jq -r -c "$@" "$REPORT" 2>&1
}

np_have_report()
{
	[ -s "$REPORT" ] && return 0
	np_fail "no JSON report was written by: $PROBE_CMD"
	return 1
}

# assert_json JQ_EXPR EXPECTED: the expression's raw, compact value.
assert_json()
{
	np_have_report || return 1
	assert_eq "report $1" "$2" "$(np_jq "$1")"
}

# assert_ranges CHECK_INDEX 'from-to status,from-to status,...'
assert_ranges()
{
	local index=$1 expected actual
	# shellcheck disable=SC2001
	expected=$(echo "$2" | sed 's/[[:space:]]*,[[:space:]]*/,/g')
	np_have_report || return 1
	# shellcheck disable=SC2016
	actual=$(np_jq --argjson i "$index" \
		'.checks[$i].ranges | map("\(.from)-\(.to) \(.status)") |
		 join(",")')
	assert_eq "report .checks[$index].ranges" "$expected" "$actual"
}

# assert_counts CHECK_INDEX 'ok=N reply_dropped=N ...': statuses left out
# are expected to be 0.
assert_counts()
{
	local index=$1 expected="" actual status n
	np_have_report || return 1
	for status in ok reply_dropped request_dropped dropped rejected \
		local_error host_dropped; do
		n=$(echo " $2 " | sed -n "s/.* $status=\([0-9]*\) .*/\1/p")
		expected+="$status=${n:-0} "
	done
	# shellcheck disable=SC2016
	actual=$(np_jq --argjson i "$index" '.checks[$i].counts |
		"ok=\(.ok) reply_dropped=\(.reply_dropped) " +
		"request_dropped=\(.request_dropped) dropped=\(.dropped) " +
		"rejected=\(.rejected) local_error=\(.local_error) " +
		"host_dropped=\(.host_dropped) "')
	assert_eq "report .checks[$index].counts" "$expected" "$actual"
}

# assert_check INDEX PROTO PORT SPORTS VERDICT: the check's identity.
assert_check()
{
	local index=$1
	np_have_report || return 1
	assert_eq "report .checks[$index] proto/port/sports/verdict" \
		"$2 $3 $4 $5" \
		"$(np_jq ".checks[$index] | \"\(.proto) \(.port) \(.sports) \(.verdict)\"")"
}

# assert_outcome INDEX PROTO PORT SPORTS VERDICT RANGES COUNTS: the check's
# identity (assert_check), its ranges (assert_ranges) and its counts
# (assert_counts), each asserted on its own.
assert_outcome()
{
	assert_check "$1" "$2" "$3" "$4" "$5"
	assert_ranges "$1" "$6"
	assert_counts "$1" "$7"
}

# assert_echo_fail SPORTS UDP_RANGES UDP_COUNTS [TCP_RANGES TCP_COUNTS]: the
# sweep of udp/7000 and tcp/7000 (echo_sweep) over SPORTS exited 1 with
# exactly those two checks, both failing: assert_outcome of check 0 (udp)
# and check 1 (tcp) with these ranges and counts; the tcp check's are the
# udp check's unless given.
assert_echo_fail()
{
	assert_exit 1
	assert_json '.checks | length' 2
	assert_outcome 0 udp 7000 "$1" fail "$2" "$3"
	assert_outcome 1 tcp 7000 "$1" fail "${4:-$2}" "${5:-$3}"
}

# assert_udp_reply_fix INDEX FROM TO: the first fix of check INDEX, as aws
# commands, is the pair of NACL entries of the shipped scenarios that lets
# UDP replies to FROM-TO back: inbound from 198.18.2.0/24 on the probe
# subnet's acl-0a1a1a1a1a1a1a1a1, outbound to 198.18.1.0/24 on the agent
# subnet's acl-0b2b2b2b2b2b2b2b2.
assert_udp_reply_fix()
{
	assert_json ".checks[$1].fixes[0].rules | map(.command) | join(\"\\n\")" \
		"aws ec2 create-network-acl-entry --network-acl-id acl-0a1a1a1a1a1a1a1a1 --ingress --rule-number <rule-number> --protocol 17 --port-range From=$2,To=$3 --cidr-block 198.18.2.0/24 --rule-action allow
aws ec2 create-network-acl-entry --network-acl-id acl-0b2b2b2b2b2b2b2b2 --egress --rule-number <rule-number> --protocol 17 --port-range From=$2,To=$3 --cidr-block 198.18.1.0/24 --rule-action allow"
}

# assert_contains WHAT FILE PATTERN: grep -E PATTERN in FILE.
assert_contains()
{
	grep -qE -- "$3" "$2" && return 0
	np_fail "$1: no line matches /$3/; the file holds:
$(sed 's/^/    | /' "$2" | head -n 30)"
	return 1
}

# Ends the test: exit 0 when every assertion held, else 1 with the context.
np_done()
{
	if [ "$NP_FAILURES" -eq 0 ]; then
		np_log "all assertions held"
		exit 0
	fi
	echo "[$NP_NAME] $NP_FAILURES assertion(s) failed" >&2
	if [ -n "$PROBE_CMD" ]; then
		echo "--- last probe run: $PROBE_CMD (exit $PROBE_EXIT)" >&2
		echo "--- its stdout:" >&2
		head -n 40 "$PROBE_OUT" >&2
		echo "--- its stderr:" >&2
		head -n 40 "$PROBE_ERR" >&2
	fi
	if [ -s "$NP_TMP/agent.log" ]; then
		echo "--- agent log (last 20 lines):" >&2
		tail -n 20 "$NP_TMP/agent.log" >&2
	fi
	exit 1
}
