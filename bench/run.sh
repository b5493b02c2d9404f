#!/usr/bin/env bash
# make bench: nacl-probe measured side by side with a bare reference sweep on
# the namespace testbed; prints one table, writes the same to results.json.
#
# usage: bench/run.sh   (root; after make and the bench binaries, which
#                        'make bench' builds into BUILDDIR/bench)
# Environment: NP_PREFIX namespace prefix (default npb), BENCH_RUNS runs per
# comparison (default 5, at least 3), BENCH_RESULTS the JSON file (default
# bench/results.json), BUILDDIR.
# Each comparison alternates the two sides (ABBA) and takes medians: the
# machines are shared and noisy, so ratios within one run are the figures.
# The agent runs keyed (a key made for the run), as it does by default, and
# without its per-source reply limit, which would pace nacl-probe only.
# Exit status: 0 every target met, 1 some target not met, 2 could not measure.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BUILD=${BUILDDIR:-build}
case $BUILD in
/*) ;;
*) BUILD=$ROOT/$BUILD ;;
esac
TESTBED=$ROOT/tests/netns/testbed.sh
PROBE=$BUILD/nacl-probe
AGENT=$BUILD/nacl-agent
BARE_SWEEP=$BUILD/bench/bare-sweep
BARE_ECHO=$BUILD/bench/bare-echo
MEASURE=$BUILD/bench/measure
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results.json}
RUNS=${BENCH_RUNS:-5}

export NP_PREFIX=${NP_PREFIX:-npb}

# The testbed's addresses (tests/netns/testbed.sh); nothing else is sent to.
AGENT4=198.18.2.1
PROBE4=198.18.1.1
CONTROL_PORT=7455
AGENT_PORT=7000 # nacl-agent's echo port
BARE_PORT=7001  # bare-echo's port, UDP and TCP
LINUX_SPORTS=32768-60999
LINUX_COUNT=28232
# The half-dropped sweep: the issue's settings.
DROP_TIMEOUT_MS=500
DROP_ATTEMPTS=3
DROP_SLACK_S=1.5
DROP_RUNS=3
# The replies the router drops in it: the upper half of the Linux range.
DROP_RANGE=46884-60999
DROP_COUNT=14116
# The full sweep: every source port over three services.
FULL_PORTS=udp/53,udp/123,tcp/80
FULL_COUNT=193536
FULL_RUNS=3
RSS_LIMIT_KB=$((64 * 1024))
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
RUN_LIMIT=120

TMP=""
PIDS=()
TESTBED_UP=0
AGENT_PID=""

note()
{
	echo "bench: $*" >&2
}

fatal()
{
	echo "bench: ERROR: $*" >&2
	exit 2
}

# True while pid runs (a zombie does not count).
alive()
{
	local state
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# SIGTERM to a child of this shell, SIGKILL after 3 s.
stop_pid()
{
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 60); do
		alive "$pid" || break
		sleep 0.05
	done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

cleanup()
{
	local rc=$? pid
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do
		stop_pid "$pid"
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

# Waits (at most 3 s) until a TCP port of the agent opens from the probe side.
wait_port()
{
	local port=$1 pid=$2 log=$3
	for _ in $(seq 30); do
		alive "$pid" || fatal "it exited while starting: $(tail -n 5 "$log")"
		if "$TESTBED" exec probe timeout 0.3 bash -c \
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
	stop_pid "$AGENT_PID"
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

# The bare sweep of PROTO toward bare-echo; WALL and its own counts.
bare_run()
{
	measure "$BARE_SWEEP" "$1" "$AGENT4" "$BARE_PORT" "$LINUX_SPORTS" \
		--bind "$PROBE4"
	BARE_OK=$(field ok "$(cat "$TMP/out")")
	[ "$BARE_OK" -eq "$LINUX_COUNT" ] ||
		note "bare $1 sweep: only $BARE_OK of $LINUX_COUNT answered: $(cat "$TMP/out")"
}

# nacl-probe ARGS... toward the agent, --rate 0 unless ARGS say otherwise;
# WALL, and PROBE_OK from its report.
probe_run()
{
	rm -f "$TMP/report.json"
	measure "$PROBE" --agent "$AGENT4" --key-file "$KEY" --bind "$PROBE4" \
		-q --json "$TMP/report.json" "$@"
	PROBE_OK=$(jq '[.checks[].counts.ok] | add' "$TMP/report.json" 2>/dev/null) ||
		fatal "nacl-probe wrote no report (exit $EXIT): $(tail -n 5 "$TMP/err")"
	if [ "$EXIT" -ne 0 ]; then
		note "nacl-probe exit $EXIT; not ok: $(jq -r -c '[.checks[] |
			"\(.proto)/\(.port)" as $c | .ranges[] |
			select(.status != "ok") |
			"\($c) \(.from)-\(.to) \(.status)"] |
			"\(length) ranges: \(.[0:4] | join(", "))"' \
			"$TMP/report.json")"
	fi
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

json_array()
{
	local IFS=,
	echo "[$*]"
}

# 1. The same 28232 ports, bare and nacl-probe --rate 0, alternating.
compare_speed()
{
	local proto=$1 i bare=() probe=() ratio=() speed met fetch
	note "$proto: warm-up"
	bare_run "$proto"
	probe_run --rate 0 --ports "$proto/$AGENT_PORT"
	[ "$(jq .settings.window "$TMP/report.json")" -eq "$WINDOW" ] ||
		fatal "nacl-probe ran with window $(jq .settings.window \
			"$TMP/report.json"), not $WINDOW as the bare sweep"
	for i in $(seq "$RUNS"); do
		note "$proto: run $i of $RUNS"
		if [ $((i % 2)) -eq 1 ]; then
			bare_run "$proto"
			bare+=("$WALL")
			probe_run --rate 0 --ports "$proto/$AGENT_PORT"
			probe+=("$WALL")
		else
			probe_run --rate 0 --ports "$proto/$AGENT_PORT"
			probe+=("$WALL")
			bare_run "$proto"
			bare+=("$WALL")
		fi
		[ "$PROBE_OK" -eq "$LINUX_COUNT" ] ||
			note "$proto: nacl-probe: only $PROBE_OK of $LINUX_COUNT ok"
		ratio+=("$(calc "${bare[-1]} / ${probe[-1]}")")
	done
	# Once more with --events, untimed: how long the seen-log fetch after
	# the last reply takes (the events slow the sweep, not the fetch).
	probe_run --rate 0 --ports "$proto/$AGENT_PORT" --events "$TMP/events.jsonl"
	fetch=$(jq -s '([.[] | select(.event == "done") | .t] | max) -
		([.[] | select(.event == "reply" or .event == "timeout") | .t] |
		 max)' "$TMP/events.jsonl")
	speed=$(median "${ratio[@]}")
	met=false
	holds "$speed >= $SPEED_TARGET" && met=true
	figure "${proto}_bare_s" "$proto $LINUX_COUNT ports: bare sweep (s)" \
		"$(median "${bare[@]}")" "$(printf %.3f "$(median "${bare[@]}")")" \
		- null "$(json_array "${bare[@]}")"
	figure "${proto}_probe_s" "$proto $LINUX_COUNT ports: nacl-probe --rate 0 (s)" \
		"$(median "${probe[@]}")" "$(printf %.3f "$(median "${probe[@]}")")" \
		- null "$(json_array "${probe[@]}")"
	figure "${proto}_fetch_s" \
		"  of which after its last reply: seen-log fetch (s)" \
		"$fetch" "$(printf %.3f "$fetch")" - null "[$fetch]"
	figure "${proto}_speed_ratio" "$proto speed, nacl-probe / bare" \
		"$speed" "$(printf %.2f "$speed")" ">= $SPEED_TARGET" "$met" \
		"$(json_array "${ratio[@]}")"
}

# 2. Half the replies dropped by the router, against the clean bare sweep:
# the replies to the upper half of the Linux range (46884-60999, 14,116
# ports), as a NACL that forgets part of the ephemeral range does. This is
# what the target measures: that drops do not serialize the sweep. (Random
# loss of half of all replies is another question: telling it from a rule
# takes many more attempts, and the confirmation pass rightly spends them.)
compare_half_dropped()
{
	local i bare=() probe=() excess=() slack e met notok=()
	local common=(--rate 0 --ports "udp/$AGENT_PORT"
		--timeout "$DROP_TIMEOUT_MS" --attempts "$DROP_ATTEMPTS")
	slack=$(calc "$DROP_ATTEMPTS * $DROP_TIMEOUT_MS / 1000 + $DROP_SLACK_S")
	echo "ip saddr $AGENT4 udp sport $AGENT_PORT udp dport $DROP_RANGE drop" |
		"$TESTBED" rules - >/dev/null
	for i in $(seq "$DROP_RUNS"); do
		note "half the replies dropped: run $i of $DROP_RUNS"
		if [ $((i % 2)) -eq 1 ]; then
			bare_run udp
			bare+=("$WALL")
			probe_run "${common[@]}"
			probe+=("$WALL")
		else
			probe_run "${common[@]}"
			probe+=("$WALL")
			bare_run udp
			bare+=("$WALL")
		fi
		notok+=("$((LINUX_COUNT - PROBE_OK))")
		excess+=("$(calc "${probe[-1]} - ${bare[-1]}")")
	done
	# Once more with --events, untimed: where the time goes.
	note "half the replies dropped: one run with --events for the breakdown"
	probe_run "${common[@]}" --events "$TMP/drop-events.jsonl"
	DROP_MAIN_END=$(jq -s --argjson n "$DROP_ATTEMPTS" '[.[] |
		select(.event == "sent" and .attempt > $n) | .t] | min // null' \
		"$TMP/drop-events.jsonl")
	DROP_END=$(jq -s '[.[] | select(.event == "timeout" or
		.event == "reply") | .t] | max' "$TMP/drop-events.jsonl")
	DROP_ROUNDS=$(jq -s '[.[] | select(.event == "sent") | .attempt] | max' \
		"$TMP/drop-events.jsonl")
	echo "" | "$TESTBED" rules - >/dev/null
	e=$(median "${excess[@]}")
	met=false
	holds "$e <= $slack" && met=true
	figure half_dropped_probe_s \
		"udp, half the replies dropped: nacl-probe (s)" \
		"$(median "${probe[@]}")" "$(printf %.3f "$(median "${probe[@]}")")" \
		- null "$(json_array "${probe[@]}")"
	figure half_dropped_excess_s \
		"  its time over the clean bare sweep (s)" "$e" \
		"$(printf %.3f "$e")" \
		"<= $(printf %.1f "$slack") (${DROP_ATTEMPTS} x ${DROP_TIMEOUT_MS} ms + ${DROP_SLACK_S} s)" \
		"$met" "$(json_array "${excess[@]}")"
	figure half_dropped_main_pass_s \
		"  of which: ${DROP_ATTEMPTS} attempts done at (s, --events run)" \
		"$DROP_MAIN_END" "$(printf %.3f "$DROP_MAIN_END")" - null \
		"[$DROP_MAIN_END]"
	figure half_dropped_confirmation_s \
		"  confirmation pass, up to attempt $DROP_ROUNDS (s)" \
		"$(calc "$DROP_END - $DROP_MAIN_END")" \
		"$(printf %.3f "$(calc "$DROP_END - $DROP_MAIN_END")")" - null \
		"[$(calc "$DROP_END - $DROP_MAIN_END")]"
	figure half_dropped_not_ok \
		"  ports not ok (the rule drops $DROP_COUNT)" \
		"$(median "${notok[@]}")" "$(median "${notok[@]}")" - null \
		"$(json_array "${notok[@]}")"
}

# 3. Every source port over udp/53, udp/123, tcp/80: time and peak memory.
full_sweep()
{
	local i wall=() probe_rss=() agent_rss=() ok=() met
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
	figure full_wall_s "full sweep, $FULL_COUNT probes: wall time (s)" \
		"$(median "${wall[@]}")" "$(printf %.2f "$(median "${wall[@]}")")" \
		- null "$(json_array "${wall[@]}")"
	figure full_ok "  ports ok (of $FULL_COUNT, fewest in a run)" \
		"$(minimum "${ok[@]}")" "$(minimum "${ok[@]}")" - null \
		"$(json_array "${ok[@]}")"
	met=false
	[ "$(maximum "${probe_rss[@]}")" -lt "$RSS_LIMIT_KB" ] && met=true
	figure full_probe_rss_kb "  nacl-probe peak RSS (MiB, largest run)" \
		"$(maximum "${probe_rss[@]}")" \
		"$(printf %.1f "$(calc "$(maximum "${probe_rss[@]}") / 1024")")" \
		"< 64" "$met" "$(json_array "${probe_rss[@]}")"
	met=false
	[ "$(maximum "${agent_rss[@]}")" -lt "$RSS_LIMIT_KB" ] && met=true
	figure full_agent_rss_kb "  nacl-agent peak RSS (MiB, largest run)" \
		"$(maximum "${agent_rss[@]}")" \
		"$(printf %.1f "$(calc "$(maximum "${agent_rss[@]}") / 1024")")" \
		"< 64" "$met" "$(json_array "${agent_rss[@]}")"
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
		--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '
		[split("\n")[] | select(length > 0) | split("\t") |
		 { name: .[0], label: .[1], value: (.[2] | tonumber),
		   shown: .[3], target: (if .[4] == "-" then null else .[4] end),
		   met: (.[5] | fromjson), runs: (.[6] | fromjson) }] as $f |
		{ schema: "nacl-probe/bench/v1", date: $date,
		  host: { kernel: $kernel, cpus: $cpus },
		  settings: { runs: $runs, window: $window,
			      open_files: $nofile, prefix: $prefix },
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

	compare_speed udp
	compare_speed tcp
	compare_half_dropped
	paced_sweep
	agent_stop
	full_sweep

	print_table
	write_json
	note "results in $RESULTS"
	jq -e .all_met "$RESULTS" >/dev/null
}

main "$@"
