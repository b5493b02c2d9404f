#!/usr/bin/env bash
# make bench: nacl-probe measured side by side with a bare reference sweep on
# the namespace testbed; prints one table, writes the same to results.json.
#
# usage: bench/run.sh   (root; after make and the bench binaries, which
#                        'make bench' builds into BUILDDIR/bench)
# Environment: NP_PREFIX namespace prefix (default npb), BENCH_RUNS runs per
# comparison (default 5, at least 3), BENCH_FALSE_RUNS runs per cell of the
# false-drop table (default 50; 0 leaves the table out), BENCH_RESULTS the
# JSON file (default bench/results.json), BENCH_PARTS the parts measured
# (default all: udp syscalls tcp rate four full false), BUILDDIR.
# Each comparison alternates the two sides (ABBA) and takes medians: the
# machines are shared and noisy, so ratios within one run are the figures.
# The agent runs keyed (a key made for the run), as it does by default, and
# without its per-source reply limit, which would pace nacl-probe only. The
# testbed runs at kernel defaults (NP_PROFILE=defaults): what users have.
# Exit status: 0 every target met, 1 some target not met, 2 could not measure.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# np_alive and np_stop_pid, shared with the end-to-end tests.
NP_NAME=bench
# shellcheck source=tests/netns/pid_lib.sh
. "$ROOT/tests/netns/pid_lib.sh"
TESTBED=$ROOT/tests/netns/testbed.sh
PROBE=$BUILD/nacl-probe
AGENT=$BUILD/nacl-agent
BARE_SWEEP=$BUILD/bench/bare-sweep
BARE_ECHO=$BUILD/bench/bare-echo
MEASURE=$BUILD/bench/measure
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results.json}
RUNS=${BENCH_RUNS:-5}
ALL_PARTS="udp syscalls tcp rate four full false"
# BENCH_PARTS may name make bench's other parts (plan, report) as well;
# "run" (make bench's default) is every part of this script.
PARTS=" ${BENCH_PARTS:-$ALL_PARTS} "
PARTS=${PARTS// plan / }
PARTS=${PARTS// report / }
PARTS=${PARTS// run / $ALL_PARTS }

export NP_PREFIX=${NP_PREFIX:-npb}
export NP_PROFILE=defaults

# The testbed's addresses (tests/netns/testbed.sh); nothing else is sent to.
AGENT4=198.18.2.1
PROBE4=198.18.1.1
CONTROL_PORT=7455
AGENT_PORT=7000 # nacl-agent's echo port
BARE_PORT=7001  # bare-echo's port, UDP and TCP
LINUX_SPORTS=32768-60999
LINUX_COUNT=28232
# The raw engine: at least this many times the bare sweep's speed.
RAW_TARGET=1.8
# System calls per UDP probe (strace -c -f), the default engine.
SYSCALL_TARGET=5
# TCP against an agent at kernel defaults: the bare sweep keeps this many
# in flight (more overruns a default SYN queue), nacl-probe its own pace.
TCP_BARE_WINDOW=1000
TCP_TARGET=0.90
# Four checks over every port: clean, half of every check's source ports'
# replies dropped, every other port's; the agent serves these.
FOUR_PORTS=udp/7000,tcp/7000,udp/7002,tcp/7002
FOUR_SPORTS=1024-65535
FOUR_COUNT=258048
FOUR_HALF=33280-65535
FOUR_RUNS=3
FOUR_SLACK_S=2
FOUR_FACTOR=1.5
# The full sweep: every source port over six services (387,072 probes),
# the agent capturing; per probe no slower than the 193,536-probe sweep of
# three services measured before (7.37 s and 7.60 s: 38.7 us a probe).
FULL_PORTS=udp/53,tcp/53,udp/123,tcp/80,udp/7000,tcp/7000
FULL_COUNT=387072
FULL_RUNS=3
FULL_US_TARGET=38.7
RSS_LIMIT_KB=$((64 * 1024))
# False drops: runs per cell, source ports, the real hole, loss levels.
FALSE_RUNS=${BENCH_FALSE_RUNS:-50}
FALSE_SPORTS=40000-44999
FALSE_HOLE=41500-41599
FALSE_HOLE_COUNT=100
FALSE_LOSSES="2 5"
# The paced sweep: 10 s at 2000 per second.
RATE=2000
RATE_SPORTS=32768-52767
RATE_COUNT=20000
RATE_RUNS=3
RATE_TOLERANCE=0.03
RATE_WINDOW_MS=10
# sweep_take_tokens: the bucket holds rate/100 tokens.
RATE_BUCKET=$((RATE / 100))
SPEED_TARGET=0.70
# No run may take longer than this many seconds.
RUN_LIMIT=300

TMP=""
PIDS=()
TESTBED_UP=0
AGENT_PID=""

# part NAME: is NAME among the parts measured (BENCH_PARTS)?
part()
{
	case " $PARTS " in
	*" $1 "*) return 0 ;;
	*) return 1 ;;
	esac
}

note()
{
	echo "bench: $*" >&2
}

fatal()
{
	echo "bench: ERROR: $*" >&2
	exit 2
}

cleanup()
{
	local rc=$? pid
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do
		np_stop_pid "$pid"
	done
	if [ "$TESTBED_UP" -eq 1 ]; then
		"$TESTBED" down || rc=2
	fi
	[ -n "$TMP" ] && rm -rf "$TMP"
	exit "$rc"
}

# Starts CMD... in the agent namespace in the background; sets LAST_PID.
# testbed.sh exec execs all the way down: the PID is the program's own.
start_in_agent()
{
	local log=$1
	shift
	"$TESTBED" exec agent "$@" >>"$log" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

forget_pid()
{
	local pid keep=()
	for pid in "${PIDS[@]}"; do
		[ "$pid" = "$1" ] || keep+=("$pid")
	done
	PIDS=("${keep[@]}")
}

# Waits (at most 3 s) until a TCP port of the agent opens. Asked from the
# agent's own namespace, as tests/netns/lib.sh does: a connection from the
# probe's left its ephemeral port in TIME_WAIT there, and the next sweep
# of the Linux range could not bind it (2 ports local_error in both the
# bare and nacl-probe TCP sweeps, and in the clean four-check sweep).
wait_port()
{
	local port=$1 pid=$2 log=$3
	for _ in $(seq 30); do
		np_alive "$pid" || fatal "it exited while starting: $(tail -n 5 "$log")"
		if "$TESTBED" exec agent timeout 0.3 bash -c \
			"exec 3<>/dev/tcp/$AGENT4/$port" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	fatal "port $port did not open within 3 s: $(tail -n 5 "$log")"
}

agent_start()
{
	start_in_agent "$TMP/agent.log" "$AGENT" --key-file "$KEY" \
		"${AGENT_UNLIMITED[@]}" "$@"
	AGENT_PID=$LAST_PID
	wait_port "$CONTROL_PORT" "$AGENT_PID" "$TMP/agent.log"
	[ "$(cat "/proc/$AGENT_PID/comm" 2>/dev/null)" = nacl-agent ] ||
		fatal "pid $AGENT_PID is not nacl-agent"
}

# The agent's peak RSS in kB, then stops it.
agent_stop()
{
	AGENT_HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$AGENT_PID/status")
	np_stop_pid "$AGENT_PID"
	forget_pid "$AGENT_PID"
	AGENT_PID=""
}

# Runs CMD... in the probe namespace under bench-measure; sets WALL, RSS_KB,
# EXIT. Its stdout goes to $TMP/out, stderr to $TMP/err.
measure()
{
	local line
	rm -f "$TMP/measure"
	"$TESTBED" exec probe timeout -k 5 "$RUN_LIMIT" \
		"$MEASURE" "$TMP/measure" "$@" >"$TMP/out" 2>"$TMP/err" || true
	[ -s "$TMP/measure" ] || fatal "no measurement of: $*
$(tail -n 5 "$TMP/err")"
	line=$(cat "$TMP/measure")
	WALL=$(field wall_s "$line")
	RSS_KB=$(field maxrss_kb "$line")
	EXIT=$(field exit "$line")
	if [ "$EXIT" -eq 124 ] || [ "$EXIT" -eq 137 ]; then
		fatal "ran longer than $RUN_LIMIT s: $*"
	fi
}

# field NAME "a=1 b=2": the value of NAME.
field()
{
	local word
	for word in $2; do
		case $word in
		"$1"=*)
			echo "${word#*=}"
			return 0
			;;
		esac
	done
	fatal "no '$1' in '$2'"
}

# The bare sweep of PROTO toward bare-echo, ARGS after; WALL and its counts.
bare_run()
{
	local proto=$1
	shift
	measure "$BARE_SWEEP" "$proto" "$AGENT4" "$BARE_PORT" "$LINUX_SPORTS" \
		--bind "$PROBE4" "$@"
	BARE_OK=$(field ok "$(cat "$TMP/out")")
	[ "$BARE_OK" -eq "$LINUX_COUNT" ] ||
		note "bare $proto sweep: only $BARE_OK of $LINUX_COUNT answered: $(cat "$TMP/out")"
}

# nacl-probe ARGS... toward the agent, --rate 0 unless ARGS say otherwise;
# WALL, RSS_KB, and PROBE_OK and PROBE_NOT_OK from its report; stops the
# bench unless it swept to the end (exit 0 or 1).
probe_run()
{
	rm -f "$TMP/report.json"
	measure "$PROBE" --agent "$AGENT4" --key-file "$KEY" --bind "$PROBE4" \
		-q --json "$TMP/report.json" "$@"
	PROBE_OK=$(jq '[.checks[].counts.ok] | add' "$TMP/report.json" 2>/dev/null) ||
		fatal "nacl-probe wrote no report (exit $EXIT): $(tail -n 5 "$TMP/err")"
	PROBE_NOT_OK=$(jq '[.checks[] | (.counts | add) - .counts.ok] | add' \
		"$TMP/report.json")
	# 1: holes found. Anything else means the figure is not of a sweep.
	[ "$EXIT" -le 1 ] ||
		fatal "nacl-probe exited $EXIT: $*: $(tail -n 5 "$TMP/err")"
}

# Median of the numbers given.
median()
{
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2];
		      else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

minimum()
{
	printf '%s\n' "$@" | sort -g | head -n 1
}

maximum()
{
	printf '%s\n' "$@" | sort -g | tail -n 1
}

calc()
{
	awk "BEGIN { printf \"%.6f\n\", $1 }"
}

# True when awk says the condition holds.
holds()
{
	awk "BEGIN { exit !($1) }"
}

# figure NAME LABEL VALUE SHOWN TARGET MET RUNS-JSON: one row of the table
# and of the JSON; TARGET - and MET null when the figure has no target.
figure()
{
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TMP/figures"
}

# figure_met NAME LABEL VALUE SHOWN TARGET CONDITION RUNS-JSON
figure_met()
{
	local met=false
	holds "$6" && met=true
	figure "$1" "$2" "$3" "$4" "$5" "$met" "$7"
}

json_array()
{
	local IFS=,
	echo "[$*]"
}

# figure_runs NAME LABEL FORMAT RUN...: a figure without a target, the
# median of the runs, shown through printf FORMAT.
figure_runs()
{
	local name=$1 label=$2 format=$3 m
	shift 3
	m=$(median "$@")
	# shellcheck disable=SC2059 # FORMAT is the caller's, e.g. %.3f
	figure "$name" "$label" "$m" "$(printf "$format" "$m")" - null \
		"$(json_array "$@")"
}

# figure_ratio NAME LABEL TARGET RATIO...: the median ratio, met when at
# least TARGET, shown with two decimals.
figure_ratio()
{
	local name=$1 label=$2 target=$3 m
	shift 3
	m=$(median "$@")
	figure_met "$name" "$label" "$m" "$(printf %.2f "$m")" ">= $target" \
		"$m >= $target" "$(json_array "$@")"
}

# Loads the router's rules, one per argument (none: every packet passes).
rules()
{
	printf '%s\n' "$@" | "$TESTBED" rules - >/dev/null ||
		fatal "the router refused the rules: $*"
}

# 1. A clean Linux range over UDP: the bare sweep, nacl-probe's socket
# engine and its raw engine, in turns.
compare_udp_engines()
{
	local i bare=() sock=() raw=() rsock=() rraw=() order
	local common=(--rate 0 --ports "udp/$AGENT_PORT")
	note "udp: warm-up"
	bare_run udp
	probe_run "${common[@]}" --engine socket
	for i in $(seq "$RUNS"); do
		note "udp engines: run $i of $RUNS"
		order="bare socket raw"
		[ $((i % 2)) -eq 0 ] && order="raw socket bare"
		for side in $order; do
			case $side in
			bare)
				bare_run udp
				bare+=("$WALL")
				;;
			*)
				probe_run "${common[@]}" --engine "$side"
				[ "$PROBE_OK" -eq "$LINUX_COUNT" ] ||
					note "udp $side: only $PROBE_OK of $LINUX_COUNT ok"
				if [ "$side" = socket ]; then
					sock+=("$WALL")
				else
					raw+=("$WALL")
				fi
				;;
			esac
		done
		rsock+=("$(calc "${bare[-1]} / ${sock[-1]}")")
		rraw+=("$(calc "${bare[-1]} / ${raw[-1]}")")
	done
	figure_runs udp_bare_s "udp $LINUX_COUNT ports: bare sweep (s)" %.3f \
		"${bare[@]}"
	figure_runs udp_socket_s "udp: nacl-probe --engine socket (s)" %.3f \
		"${sock[@]}"
	figure_runs udp_raw_s "udp: nacl-probe --engine raw (s)" %.3f \
		"${raw[@]}"
	figure_ratio udp_socket_ratio "udp speed, socket engine / bare" \
		"$SPEED_TARGET" "${rsock[@]}"
	figure_ratio udp_raw_ratio "udp speed, raw engine / bare" \
		"$RAW_TARGET" "${rraw[@]}"
}

# 2. System calls per UDP probe: strace -c -f over the clean range.
count_syscalls()
{
	local engine calls per
	command -v strace >/dev/null 2>&1 || fatal "strace not found (make deps)"
	for engine in socket raw; do
		note "system calls: --engine $engine under strace"
		"$TESTBED" exec probe strace -c -f -o "$TMP/strace-$engine" \
			"$PROBE" --agent "$AGENT4" --key-file "$KEY" \
			--bind "$PROBE4" -q --rate 0 --ports "udp/$AGENT_PORT" \
			--engine "$engine" >/dev/null 2>&1 || true
		calls=$(awk '$NF == "total" { print $4 }' "$TMP/strace-$engine")
		[ -n "$calls" ] || fatal "no strace total for --engine $engine"
		per=$(calc "$calls / $LINUX_COUNT")
		if [ "$engine" = raw ]; then
			figure_met syscalls_raw \
				"udp system calls per probe, raw engine" "$per" \
				"$(printf %.2f "$per")" "<= $SYSCALL_TARGET" \
				"$per <= $SYSCALL_TARGET" "[$per]"
		else
			figure syscalls_socket \
				"udp system calls per probe, socket engine" \
				"$per" "$(printf %.2f "$per")" - null "[$per]"
		fi
	done
}

# 3. TCP against the agent at kernel defaults (SYN backlog 2048, somaxconn
# 4096, syncookies on): the bare sweep with 1000 in flight.
compare_tcp()
{
	local i bare=() probe=() ratio=()
	local common=(--rate 0 --ports "tcp/$AGENT_PORT")
	note "tcp: warm-up"
	bare_run tcp --window "$TCP_BARE_WINDOW"
	probe_run "${common[@]}"
	for i in $(seq "$RUNS"); do
		note "tcp: run $i of $RUNS"
		if [ $((i % 2)) -eq 1 ]; then
			bare_run tcp --window "$TCP_BARE_WINDOW"
			bare+=("$WALL")
			probe_run "${common[@]}"
			probe+=("$WALL")
		else
			probe_run "${common[@]}"
			probe+=("$WALL")
			bare_run tcp --window "$TCP_BARE_WINDOW"
			bare+=("$WALL")
		fi
		[ "$PROBE_OK" -eq "$LINUX_COUNT" ] ||
			note "tcp: nacl-probe: only $PROBE_OK of $LINUX_COUNT ok"
		ratio+=("$(calc "${bare[-1]} / ${probe[-1]}")")
	done
	figure_runs tcp_bare_s \
		"tcp $LINUX_COUNT ports: bare, $TCP_BARE_WINDOW in flight (s)" \
		%.3f "${bare[@]}"
	figure_runs tcp_probe_s "tcp: nacl-probe, agent at kernel defaults (s)" \
		%.3f "${probe[@]}"
	figure_ratio tcp_ratio "tcp speed, nacl-probe / bare" "$TCP_TARGET" \
		"${ratio[@]}"
}

# 4. Four checks over every port: clean, half dropped, every other port
# dropped (the fragmented worst case: memory).
four_checks()
{
	local i clean=() half=() frag=() rss=() notok=() c h bound
	local common=(--rate 0 --ports "$FOUR_PORTS" --sports "$FOUR_SPORTS")
	agent_start --ports "$FOUR_PORTS"
	for i in $(seq "$FOUR_RUNS"); do
		note "four checks, clean: run $i of $FOUR_RUNS"
		rules
		probe_run "${common[@]}"
		clean+=("$WALL")
		[ "$PROBE_NOT_OK" -eq 0 ] ||
			note "four checks, clean: $PROBE_NOT_OK ports not ok:" \
				"$(jq -c '[.checks[] | "\(.proto)/\(.port)" as $c |
					.ranges[] | select(.status != "ok") |
					"\($c) \(.from)-\(.to) \(.status)"]' \
					"$TMP/report.json")"
		note "four checks, replies to $FOUR_HALF dropped: run $i of $FOUR_RUNS"
		rules "ip saddr $AGENT4 udp dport $FOUR_HALF drop" \
			"ip saddr $AGENT4 tcp dport $FOUR_HALF drop"
		probe_run "${common[@]}"
		half+=("$WALL")
		notok+=("$PROBE_NOT_OK")
		note "four checks, every other port dropped: run $i of $FOUR_RUNS"
		rules "ip saddr $AGENT4 udp dport & 1 == 0 drop" \
			"ip saddr $AGENT4 tcp dport & 1 == 0 drop"
		# The control connection from an odd port: the sweep takes
		# 1024-65535, and a random one of the ports left could be even.
		probe_run "${common[@]}" --control-sport 1023
		frag+=("$WALL")
		rss+=("$RSS_KB")
	done
	rules
	agent_stop
	c=$(median "${clean[@]}")
	h=$(median "${half[@]}")
	bound=$(calc "$FOUR_FACTOR * $c + $FOUR_SLACK_S")
	figure_runs four_clean_s "4 checks x $FOUR_COUNT/4 ports, clean (s)" %.2f \
		"${clean[@]}"
	figure_met four_half_s "  half of every check's ports dropped (s)" "$h" \
		"$(printf %.2f "$h")" "<= $(printf %.1f "$bound") (1.5 x clean + 2 s)" \
		"$h <= $bound" "$(json_array "${half[@]}")"
	figure_runs four_half_not_ok \
		"  ports not ok (the rule drops $((FOUR_COUNT / 2)))" %s \
		"${notok[@]}"
	figure_runs four_fragmented_s "  every other port dropped (s)" %.2f \
		"${frag[@]}"
	figure_met four_fragmented_rss_kb \
		"  nacl-probe peak RSS (MiB, largest run)" "$(maximum "${rss[@]}")" \
		"$(printf %.1f "$(calc "$(maximum "${rss[@]}") / 1024")")" "< 64" \
		"$(maximum "${rss[@]}") < $RSS_LIMIT_KB" "$(json_array "${rss[@]}")"
}

# 5. Every source port over six services, the agent capturing: time per
# probe and both programs' peak memory.
full_sweep()
{
	local i wall=() probe_rss=() agent_rss=() ok=() us
	for i in $(seq "$FULL_RUNS"); do
		note "full sweep of $FULL_COUNT probes: run $i of $FULL_RUNS"
		agent_start --ports "$FULL_PORTS"
		probe_run --rate 0 --ports "$FULL_PORTS" --sports all
		wall+=("$WALL")
		probe_rss+=("$RSS_KB")
		ok+=("$PROBE_OK")
		agent_stop
		agent_rss+=("$AGENT_HWM")
	done
	us=$(calc "$(median "${wall[@]}") * 1000000 / $FULL_COUNT")
	figure_runs full_wall_s \
		"full sweep, $FULL_COUNT probes (6 services): wall (s)" %.2f \
		"${wall[@]}"
	figure_met full_us_per_probe "  per probe (us)" "$us" "$(printf %.1f "$us")" \
		"<= $FULL_US_TARGET (193,536 before)" "$us <= $FULL_US_TARGET" "[$us]"
	figure full_ok "  ports ok (of $FULL_COUNT, fewest in a run)" \
		"$(minimum "${ok[@]}")" "$(minimum "${ok[@]}")" - null \
		"$(json_array "${ok[@]}")"
	figure_met full_probe_rss_kb "  nacl-probe peak RSS (MiB, largest run)" \
		"$(maximum "${probe_rss[@]}")" \
		"$(printf %.1f "$(calc "$(maximum "${probe_rss[@]}") / 1024")")" \
		"< 64" "$(maximum "${probe_rss[@]}") < $RSS_LIMIT_KB" \
		"$(json_array "${probe_rss[@]}")"
	figure_met full_agent_rss_kb "  nacl-agent peak RSS, capturing (MiB)" \
		"$(maximum "${agent_rss[@]}")" \
		"$(printf %.1f "$(calc "$(maximum "${agent_rss[@]}") / 1024")")" \
		"< 64" "$(maximum "${agent_rss[@]}") < $RSS_LIMIT_KB" \
		"$(json_array "${agent_rss[@]}")"
}

# 6. False drops: random loss and one real hole; every port the report gets
# wrong is a false drop (or a missed hole). The confirmation's cost: from
# the first attempt past the base ones to the last answer or deadline.
false_drops()
{
	local loss proto i wrong=() times=() confirm=() bad first last
	for loss in $FALSE_LOSSES; do
		for proto in udp tcp; do
			wrong=()
			times=()
			confirm=()
			rules "numgen random mod 100 < $loss drop" \
				"ip saddr $AGENT4 $proto dport $FALSE_HOLE drop"
			for i in $(seq "$FALSE_RUNS"); do
				note "false drops, $proto at $loss% loss: run $i of $FALSE_RUNS"
				probe_run --rate 0 --ports "$proto/$AGENT_PORT" \
					--sports "$FALSE_SPORTS" \
					--events "$TMP/false.jsonl"
				bad=$(jq --arg hole "$FALSE_HOLE" '
					($hole | split("-") | map(tonumber)) as $h |
					[.checks[0].ranges[] |
					 (if .status == "ok" then
						([.to, $h[1]] | min) - ([.from, $h[0]] | max) + 1
					  else
						(.to - .from + 1) -
						(([.to, $h[1]] | min) - ([.from, $h[0]] | max) + 1 |
						 if . < 0 then 0 else . end)
					  end) | if . < 0 then 0 else . end] | add' \
					"$TMP/report.json")
				wrong+=("$bad")
				times+=("$WALL")
				first=$(jq -s '[.[] | select(.event == "sent" and .attempt > 3) | .t] | min // 0' "$TMP/false.jsonl")
				last=$(jq -s '[.[] | select(.event == "reply" or .event == "timeout") | .t] | max // 0' "$TMP/false.jsonl")
				confirm+=("$(calc "$last - $first")")
			done
			figure_met "false_${proto}_${loss}" \
				"$proto, $loss% loss + a hole of $FALSE_HOLE_COUNT: ports wrong in $FALSE_RUNS runs" \
				"$(printf '%s\n' "${wrong[@]}" | awk '{ s += $1 } END { print s + 0 }')" \
				"$(printf '%s\n' "${wrong[@]}" | awk '{ s += $1 } END { print s + 0 }')" \
				"0" "$(printf '%s\n' "${wrong[@]}" | awk '{ s += $1 } END { print s + 0 }') == 0" \
				"$(json_array "${wrong[@]}")"
			figure "false_${proto}_${loss}_s" \
				"  a run (s, median) / of it confirming (s)" \
				"$(median "${times[@]}")" \
				"$(printf '%.2f / %.2f' "$(median "${times[@]}")" "$(median "${confirm[@]}")")" \
				- null "$(json_array "${times[@]}")"
		done
	done
	rules
}

# 4. --rate 2000 for 10 s: the rate achieved and the largest burst, from the
# "sent" events: sends in any 10 ms window beyond what the rate allows there.
paced_sweep()
{
	local i rates=() bursts=() peaks=() line r peak n met
	for i in $(seq "$RATE_RUNS"); do
		note "--rate $RATE over $RATE_COUNT ports: run $i of $RATE_RUNS"
		probe_run --rate "$RATE" --ports "udp/$AGENT_PORT" \
			--sports "$RATE_SPORTS" --events "$TMP/rate.jsonl"
		line=$(jq -r 'select(.event == "sent") | .t' "$TMP/rate.jsonl" |
			awk -v w="$RATE_WINDOW_MS" -v rate="$RATE" '
			{ t[NR] = $1 }
			END {
				j = 1; peak = 0
				for (i = 1; i <= NR; i++) {
					while (t[i] - t[j] >= w / 1000) j++
					if (i - j + 1 > peak) peak = i - j + 1
				}
				printf "%.3f %d %d\n", (NR - 1) / (t[NR] - t[1]),
					peak, NR
			}')
		read -r r peak n <<<"$line"
		[ "$n" -eq "$RATE_COUNT" ] ||
			note "--rate: $n sent events, expected $RATE_COUNT"
		rates+=("$r")
		peaks+=("$peak")
		bursts+=("$((peak - RATE * RATE_WINDOW_MS / 1000))")
	done
	r=$(median "${rates[@]}")
	met=false
	holds "$r >= $RATE * (1 - $RATE_TOLERANCE) && $r <= $RATE * (1 + $RATE_TOLERANCE)" &&
		met=true
	figure rate_pps "--rate $RATE over 10 s: achieved (per s)" "$r" \
		"$(printf %.1f "$r")" "$RATE +/- 3%" "$met" "$(json_array "${rates[@]}")"
	met=false
	[ "$(maximum "${bursts[@]}")" -le "$RATE_BUCKET" ] && met=true
	figure rate_burst \
		"  largest burst: sends in ${RATE_WINDOW_MS} ms over the rate" \
		"$(maximum "${bursts[@]}")" \
		"$(maximum "${bursts[@]}") (peak $(maximum "${peaks[@]}")/${RATE_WINDOW_MS} ms)" \
		"<= $RATE_BUCKET (bucket)" "$met" "$(json_array "${bursts[@]}")"
}

print_table()
{
	local label shown target met result
	printf '\nnacl-probe bench: %s runs per comparison, medians; window %s both sides\n' \
		"$RUNS" "$WINDOW"
	printf '%-56s %-22s %-26s %s\n' figure value target result
	while IFS=$'\t' read -r _ label _ shown target met _; do
		case $met in
		true) result=met ;;
		false) result="NOT MET" ;;
		*) result="" ;;
		esac
		printf '%-56s %-22s %-26s %s\n' "$label" "$shown" "$target" "$result"
	done <"$TMP/figures"
}

write_json()
{
	jq -R -s --arg prefix "$NP_PREFIX" --argjson runs "$RUNS" \
		--argjson window "$WINDOW" --argjson nofile "$NOFILE" \
		--arg kernel "$(uname -r)" --argjson cpus "$(nproc)" \
		--arg parts "$(printf '%s\n' "$PARTS" | xargs)" \
		--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '
		[split("\n")[] | select(length > 0) | split("\t") |
		 { name: .[0], label: .[1], value: (.[2] | tonumber),
		   shown: .[3], target: (if .[4] == "-" then null else .[4] end),
		   met: (.[5] | fromjson), runs: (.[6] | fromjson) }] as $f |
		{ schema: "nacl-probe/bench/v1", date: $date,
		  host: { kernel: $kernel, cpus: $cpus },
		  settings: { runs: $runs, window: $window,
			      open_files: $nofile, prefix: $prefix,
			      parts: ($parts | split(" ")) },
		  figures: $f,
		  all_met: ([$f[] | select(.met != null) | .met] | all) }' \
		"$TMP/figures" >"$RESULTS.tmp"
	mv "$RESULTS.tmp" "$RESULTS"
}

main()
{
	local bin
	[ "$(id -u)" -eq 0 ] || fatal "must run as root (network namespaces)"
	command -v jq >/dev/null 2>&1 || fatal "jq not found (make deps)"
	for bin in "$PROBE" "$AGENT" "$BARE_SWEEP" "$BARE_ECHO" "$MEASURE"; do
		[ -x "$bin" ] || fatal "$bin missing: run 'make bench'"
	done
	case $RUNS in
	'' | *[!0-9]*) fatal "BENCH_RUNS=$RUNS: expected a number >= 3" ;;
	esac
	[ "$RUNS" -ge 3 ] || fatal "BENCH_RUNS=$RUNS: expected a number >= 3"
	for bin in $PARTS; do # a part's name
		case " $ALL_PARTS " in
		*" $bin "*) ;;
		*) fatal "BENCH_PARTS: no part '$bin' (parts: plan report $ALL_PARTS)" ;;
		esac
	done
	case $FALSE_RUNS in
	'' | *[!0-9]*)
		fatal "BENCH_FALSE_RUNS=$FALSE_RUNS: expected a number (0: none)" ;;
	esac

	# Same lock as tests/netns/run.sh: one user of a prefix at a time.
	if command -v flock >/dev/null 2>&1; then
		local lockdir=/run/lock
		[ -d "$lockdir" ] && [ -w "$lockdir" ] || lockdir=/tmp
		exec 9>"$lockdir/nacl-e2e-$NP_PREFIX.lock"
		flock -w 900 9 ||
			fatal "another run with NP_PREFIX=$NP_PREFIX holds the lock"
	fi
	# The agent's per-source reply limit would pace nacl-probe (it keeps
	# below what the agent announces) and not the bare sweep: lift it.
	AGENT_UNLIMITED=()
	if "$AGENT" --help 2>/dev/null | grep -q -- --reply-rate; then
		AGENT_UNLIMITED=(--reply-rate 0)
	fi
	# Both sides and both servers get the whole open-file limit.
	ulimit -n "$(ulimit -Hn)"
	NOFILE=$(ulimit -n)
	# nacl-probe's window: its default, capped as probe_cap_window does.
	WINDOW=16384
	[ "$NOFILE" -gt $((WINDOW + 64)) ] || WINDOW=$((NOFILE - 64))

	TMP=$(mktemp -d "${TMPDIR:-/tmp}/nacl-bench.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	: >"$TMP/figures"
	# Keyed, as the agent runs by default: every probe carries its token.
	KEY=$TMP/agent.key
	"$AGENT" --gen-key "$KEY" >/dev/null || fatal "nacl-agent --gen-key failed"
	note "testbed $NP_PREFIX up; open files $NOFILE, window $WINDOW"
	TESTBED_UP=1
	"$TESTBED" up || fatal "testbed up failed"

	start_in_agent "$TMP/bare-echo.log" "$BARE_ECHO" "$AGENT4" "$BARE_PORT"
	wait_port "$BARE_PORT" "$LAST_PID" "$TMP/bare-echo.log"
	agent_start --ports "udp/$AGENT_PORT,tcp/$AGENT_PORT"

	part udp && compare_udp_engines
	part syscalls && count_syscalls
	part tcp && compare_tcp
	part rate && paced_sweep
	agent_stop
	part four && four_checks
	part full && full_sweep
	if part false && [ "$FALSE_RUNS" -gt 0 ]; then
		agent_start --ports "udp/$AGENT_PORT,tcp/$AGENT_PORT"
		false_drops
		agent_stop
	fi

	print_table
	write_json
	note "results in $RESULTS"
	jq -e .all_met "$RESULTS" >/dev/null
}

main "$@"
