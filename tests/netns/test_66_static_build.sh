#!/usr/bin/env bash
# Scenario 66: make static-probe gives a nacl-probe and a nacl-report that
# ldd calls not dynamic (glibc and every library inside; cJSON built from
# Debian's source package); the static nacl-probe says its version, sweeps
# the testbed's agent (every port ok) and the static nacl-report renders the
# report. The static nacl-agent (make static) also needs libmnl.a, which
# Debian ships only as a shared library: see the README.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool ldd libc-bin
make -C "$NP_ROOT" static-probe >"$NP_TMP/make.out" 2>&1 ||
	np_die "make static-probe failed: $(tail -n 20 "$NP_TMP/make.out")"
static=$NP_ROOT/build/static
version=$(make -s --no-print-directory -C "$NP_ROOT" version)
for program in nacl-probe nacl-report; do
	assert_eq "ldd $program" "	not a dynamic executable" \
		"$(ldd "$static/$program" 2>&1)"
	assert_eq "$program --version" "$program $version" \
		"$("$static/$program" --version)"
done

np_setup
agent_start --ports udp/7000,tcp/7000
PROBE_BIN=$static/nacl-probe
probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 40000-40499 --rate 0 --timeout 300 --attempts 2 -q
assert_exit 0
assert_ranges 0 '40000-40499 ok'
assert_ranges 1 '40000-40499 ok'
"$static/nacl-report" render "$REPORT" >"$NP_TMP/render.out" 2>&1
assert_eq "static nacl-report render: exit" 0 "$?"
assert_contains "static nacl-report render: the summary" "$NP_TMP/render.out" \
	'^Summary: 2 checks, 1000 probes: pass$'
np_done
