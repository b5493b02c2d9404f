#!/usr/bin/env bash
# Scenario 55: a nacl-probe --history run killed (SIGKILL) never leaves a
# half-written latest.json. Replies to every odd source port are dropped, so
# the report is large (28232 ranges, about 2 MB). Runs are killed across the
# sweep, at random moments while the history is written, and (inotify) the
# moment they start writing the stored report and latest.json; after each
# kill latest.json is still the last complete report, byte for byte, and
# every stored report is whole. A final run replaces latest.json.
# Needs the nacl-probe flags --junit/--prom/--html/--history/--keep.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_output_flags
np_need_tool python3 python3

hist=$NP_TMP/history
args=(--agent "$AGENT4" --key-file "$NP_KEY" --bind "$PROBE4" --ports udp/7000
	--sports 32768-60999 --rate 0 --timeout 300 --attempts 1 --quiet)
np_setup
np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp dport & 1 == 1 drop
RULES
agent_start --ports udp/7000

t0=$EPOCHREALTIME
probe_run "${args[@]}" --history "$hist"
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
assert_exit 1
assert_json '.checks[0].ranges | length' 28232
assert_file_eq "latest.json after a complete run" "$REPORT" "$hist/latest.json"
complete=$REPORT
np_log "a run takes $took s; its report is $(stat -c %s "$REPORT") bytes"

# kill_run DELAY [after-json]: starts a run (which also writes --json), kills
# it after DELAY seconds, counted from when its --json file appeared with
# after-json: the history is written just after. latest.json must then be
# the last complete report: the one before, or this run's when it got that
# far.
NP_KILLS=0
kill_run()
{
	local pid status json=$NP_TMP/killed-$NP_KILLS.json
	NP_KILLS=$((NP_KILLS + 1))
	"$TESTBED" exec probe "$PROBE_BIN" "${args[@]}" --history "$hist" \
		--json "$json" >>"$NP_TMP/killed.out" 2>&1 &
	pid=$!
	if [ "${2:-}" = after-json ]; then
		# Bounded by the run: it ends within seconds.
		while [ ! -e "$json" ] && np_alive "$pid"; do
			:
		done
	fi
	sleep "$1"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	status=$?
	np_log "killed a run $1 s ${2:-after its start}: exit status $status;" \
		"temporary files: $(find "$hist" -name '.*' | wc -l)"
	if cmp -s "$complete" "$hist/latest.json"; then
		return 0
	elif [ -s "$json" ] && cmp -s "$json" "$hist/latest.json"; then
		complete=$json
		return 0
	fi
	np_fail "latest.json after a kill at $1 s is neither the last complete" \
		"report nor this run's: $(head -c 200 "$hist/latest.json")"
}

# Across the sweep, then at random moments while the history is written.
for f in 0.2 0.5 0.8; do
	kill_run "$(awk -v t="$took" -v f="$f" 'BEGIN { printf "%.3f", t * f }')"
done
# It takes about 60-110 ms after --json: the previous latest.json is read,
# the report stored, latest.json replaced.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	kill_run "$(printf '0.%03d' $((RANDOM % 130)))" after-json
done

# Killed the moment it starts writing the stored report, then latest.json:
# their temporary files stay behind, latest.json stays whole.
for needle in .report- .latest.json.tmp.; do
	got=$(kill_on_create "$hist" "$needle" "$TESTBED" exec probe \
		"$PROBE_BIN" "${args[@]}" --history "$hist")
	np_log "killed while writing $needle: $got"
	assert_eq "the run was killed writing $needle" "killed $needle" \
		"$(echo "$got" | cut -c 1-$((7 + ${#needle})))"
	assert_file_eq "latest.json after a kill writing $needle" "$complete" \
		"$hist/latest.json"
done
temporaries=$(find "$hist" -name '.*.tmp.*' | wc -l)
[ "$temporaries" -ge 2 ] ||
	np_fail "the two kills while writing left $temporaries temporary files"

probe_run "${args[@]}" --history "$hist"
assert_exit 1
assert_file_eq "latest.json after the final run" "$REPORT" "$hist/latest.json"
for f in "$hist"/report-*.json; do
	jq -e .summary "$f" >/dev/null ||
		np_fail "$f is not a whole report"
done
np_done
