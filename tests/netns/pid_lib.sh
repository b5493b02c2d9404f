# shellcheck shell=bash
# Processes started in the background, checked and stopped by PID: shared by
# the end-to-end tests (lib.sh) and the benchmark (bench/run.sh). Safe under
# set -e. NP_NAME names the caller in the one message it prints.

# True while pid runs (a zombie does not count).
np_alive()
{
	local state
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# Sends SIGTERM to pid (a child of this shell), waits up to 3 s, then
# SIGKILL. Its exit status lands in NP_STOP_STATUS.
# shellcheck disable=SC2034 # NP_STOP_STATUS: read by the caller
np_stop_pid()
{
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 60); do
		np_alive "$pid" || break
		sleep 0.05
	done
	if np_alive "$pid"; then
		echo "[$NP_NAME] pid $pid ignored SIGTERM for 3 s: SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	NP_STOP_STATUS=0
	wait "$pid" 2>/dev/null || NP_STOP_STATUS=$?
}
