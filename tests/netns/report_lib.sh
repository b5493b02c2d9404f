# shellcheck shell=bash
# Helpers for the report end-to-end tests (test_5*.sh), sourced after lib.sh:
# nacl-report runs, the tools that judge each format (xmllint, promtool,
# headless Chromium), and a sweep that leaves two kinds of hole.

REPORT_BIN=$NP_BUILD/nacl-report

NR_CMD=""
NR_EXIT=""
NR_OUT=""
NR_ERR=""
NP_REPORT_RUNS=0

# The tests of nacl-probe's own output flags need them wired in: fail fast,
# saying so, rather than after a sweep.
np_need_output_flags()
{
	"$PROBE_BIN" --help 2>/dev/null | grep -q -- '--history DIR' ||
		np_die "$PROBE_BIN has no --junit/--prom/--html/--history/--keep" \
			"yet: wire report_write_outputs (reports/outputs.h) into" \
			"probe/main.c"
}

# report_setup: np_setup, and an empty folder for the outputs, its path in
# out ($NP_TMP/out).
report_setup()
{
	np_setup
	out=$NP_TMP/out
	mkdir -p "$out"
}

# np_need_tool COMMAND PACKAGE: the test cannot judge its format without it.
np_need_tool()
{
	command -v "$1" >/dev/null 2>&1 ||
		np_die "'$1' not found: install Debian's $2 (make deps)"
}

# Runs nacl-report ARGS... (no traffic: outside the namespaces); sets
# NR_EXIT, NR_OUT (stdout file) and NR_ERR (stderr file).
report_run()
{
	[ -x "$REPORT_BIN" ] || np_die "$REPORT_BIN missing: run 'make' first"
	NP_REPORT_RUNS=$((NP_REPORT_RUNS + 1))
	NR_OUT=$NP_TMP/nacl-report-$NP_REPORT_RUNS.out
	NR_ERR=$NP_TMP/nacl-report-$NP_REPORT_RUNS.err
	NR_CMD="nacl-report $*"
	timeout -k 5 30 "$REPORT_BIN" "$@" >"$NR_OUT" 2>"$NR_ERR"
	NR_EXIT=$?
	np_log "report: $NR_CMD -> exit $NR_EXIT"
}

assert_report_exit()
{
	assert_eq "exit code of: $NR_CMD (stderr: $(head -c 300 "$NR_ERR"))" \
		"$1" "$NR_EXIT"
}

# assert_file_eq WHAT EXPECTED_FILE ACTUAL_FILE: byte for byte.
assert_file_eq()
{
	cmp -s "$2" "$3" && return 0
	np_fail "$1: $3 differs from $2:
$(diff "$2" "$3" | head -n 20 | sed 's/^/    | /')"
	return 1
}

# junit_masked FILE: the JUnit file, valid XML, with what changes run to
# run masked: times, the version, the measured loss and round-trip times
# (asserted from the JSON report where a test needs them), and the note of a
# pace cut (a busy host makes replies late, and the probe rightly slows).
junit_masked()
{
	xmllint --noout "$1" 2>"$NP_TMP/xmllint.err" ||
		np_fail "xmllint refuses the JUnit report: $(cat "$NP_TMP/xmllint.err")"
	sed -E -e 's/ time="[0-9.]+"/ time="T"/g' \
		-e 's/ timestamp="[^"]*"/ timestamp="TS"/' \
		-e 's/(name="(started|finished)_at" value=)"[^"]*"/\1"TIME"/' \
		-e 's/(name="tool\.version" value=)"[^"]*"/\1"VERSION"/' \
		-e 's/loss [0-9.]+%, rtt p50 [0-9.]+ ms, p99 [0-9.]+ ms/loss L, rtt p50 P ms, p99 P ms/' \
		-e '/note: slowed to [0-9]+ attempts at once: /d' \
		"$1"
}

# report_two_holes_sweep [ARGS...]: the two-hole router of the report tests
# (replies to UDP source ports 40500-40999 dropped, TCP connections from
# 40200-40299 reset), the agent, report_sweep ARGS, and what that sweep
# must measure: exit 1, the two holes exactly.
# shellcheck disable=SC2120
report_two_holes_sweep()
{
	np_rules <<'RULES'
ip saddr 198.18.2.1 ip daddr 198.18.1.1 udp dport 40500-40999 drop
ip saddr 198.18.1.1 tcp sport 40200-40299 reject with tcp reset
RULES
	agent_start --ports udp/7000,tcp/7000
	report_sweep "$@"
	assert_exit 1
	assert_ranges 0 '40000-40499 ok,40500-40999 reply_dropped'
	assert_ranges 1 '40000-40199 ok,40200-40299 rejected,40300-40999 ok'
}

# A sweep of udp/7000 and tcp/7000 over 40000-40999 (about a second) with
# any extra ARGS; the report lands in REPORT.
# shellcheck disable=SC2120
report_sweep()
{
	echo_sweep 40000-40999 "$@"
}

# Headless Chromium in a network namespace of its own (loopback only), so
# that nothing it might try leaves the machine. chromium_run ARGS... URL;
# its stdout lands in CHROMIUM_OUT. Every compositor stage runs before a
# frame is drawn: on a busy host a screenshot otherwise shows tiles not yet
# rastered as blank rectangles (found by make stress-test: the rejected
# range's strip missing, 264 blue pixels of some 5,000).
chromium_run()
{
	local profile=$NP_TMP/chromium-profile
	np_need_tool chromium chromium
	np_need_tool unshare util-linux
	mkdir -p "$profile"
	CHROMIUM_OUT=$NP_TMP/chromium.out
	timeout -k 5 60 unshare --net chromium --headless --no-sandbox \
		--disable-gpu --run-all-compositor-stages-before-draw \
		--disable-quic --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@" \
		>"$CHROMIUM_OUT" 2>"$NP_TMP/chromium.err"
}

# png_colours FILE HEX...: prints "WIDTHxHEIGHT DISTINCT" and, per HEX
# colour (rrggbb), how many pixels have it, e.g. "d55e00=48213".
png_colours()
{
	python3 - "$@" <<'PY'
import struct, sys, zlib

path, wanted = sys.argv[1], [c.lower() for c in sys.argv[2:]]
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG")
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
if depth != 8 or ctype not in (2, 6):
    sys.exit("unsupported PNG: depth %d colour type %d" % (depth, ctype))
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
prev, counts, i = bytearray(stride), {}, 0
for _ in range(height):
    kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if kind == 1:
            line[x] = (line[x] + a) & 255
        elif kind == 2:
            line[x] = (line[x] + b) & 255
        elif kind == 3:
            line[x] = (line[x] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[x] = (line[x] + pred) & 255
    for x in range(0, stride, bpp):
        key = bytes(line[x:x + 3]).hex()
        counts[key] = counts.get(key, 0) + 1
    prev = line
print("%dx%d %d" % (width, height, len(counts)))
for c in wanted:
    print("%s=%d" % (c, counts.get(c, 0)))
PY
}

# kill_on_create DIR NEEDLE CMD...: runs CMD and kills it (SIGKILL) as soon
# as a file whose name holds NEEDLE is created in DIR (inotify): the moment
# it starts writing that file. Prints "killed NAME" or "exited STATUS" when
# CMD ended first; gives up after 60 s.
kill_on_create()
{
	python3 - "$@" <<'PY'
import ctypes, os, select, signal, struct, subprocess, sys, time

directory, needle, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_CLOEXEC)
IN_CREATE = 0x100
if fd < 0 or libc.inotify_add_watch(fd, directory.encode(), IN_CREATE) < 0:
    sys.exit("inotify: %s" % os.strerror(ctypes.get_errno()))
proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    if proc.poll() is not None:
        print("exited %d" % proc.returncode)
        sys.exit(0)
    ready, _, _ = select.select([fd], [], [], 0.05)
    if not ready:
        continue
    data, pos = os.read(fd, 65536), 0
    while pos < len(data):
        _, _, _, length = struct.unpack_from("iIII", data, pos)
        name = data[pos + 16:pos + 16 + length].rstrip(b"\0").decode()
        pos += 16 + length
        if needle in name:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            print("killed %s" % name)
            sys.exit(0)
proc.kill()
proc.wait()
sys.exit("gave up after 60 s")
PY
}
