#!/usr/bin/env bash
# Scenario 51: the HTML report of a real sweep with two holes, opened in
# headless Chromium (in a network namespace of its own): the rendered DOM
# lists the dropped and the rejected range with their statuses, and a
# 1366x900 screenshot shows the strips in the statuses' colours.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool chromium chromium
np_need_tool python3 python3
np_setup
report_two_holes_sweep

page=$NP_TMP/report.html
report_run render "$REPORT" --format html --output "$page"
assert_report_exit 0
np_log "HTML report: $(stat -c %s "$page") bytes"
# Self-contained: nothing to fetch.
if grep -qE '<script|<link|src=|https?://|url\(' "$page"; then
	np_fail "the page refers to something outside itself:
$(grep -nE '<script|<link|src=|https?://|url\(' "$page" | head -n 5)"
fi

# What the browser built from it.
chromium_run --dump-dom "file://$page" ||
	np_fail "chromium --dump-dom failed: $(tail -n 5 "$NP_TMP/chromium.err")"
dom=$CHROMIUM_OUT
cp "$dom" "$NP_TMP/dom.html"
assert_contains "DOM: the verdict" "$NP_TMP/dom.html" \
	'<h1>nacl-probe report<span class="verdict">FAIL</span></h1>'
assert_contains "DOM: the dropped range, its size and status" \
	"$NP_TMP/dom.html" \
	'<td class="ports">40500-40999</td><td class="n">500</td><td class="status"><span class="sw" style="background:#d55e00"></span>reply_dropped</td>'
assert_contains "DOM: the rejected range" "$NP_TMP/dom.html" \
	'<td class="ports">40200-40299</td><td class="n">100</td><td class="status"><span class="sw" style="background:#0072b2"></span>rejected</td>'
assert_contains "DOM: the strip's dropped rectangle" "$NP_TMP/dom.html" \
	'fill="#d55e00"><title>40500-40999: reply_dropped \(500 ports\)</title>'
assert_contains "DOM: the Linux ephemeral range on the axis" \
	"$NP_TMP/dom.html" '>Linux 32768-60999</text>'
assert_eq "DOM: two strips" 2 "$(grep -c '<svg ' "$NP_TMP/dom.html")"

# What a person sees on a laptop screen.
png=$NP_TMP/report.png
chromium_run --screenshot="$png" --window-size=1366,900 "file://$page" ||
	np_fail "chromium --screenshot failed: $(tail -n 5 "$NP_TMP/chromium.err")"
if [ ! -s "$png" ]; then
	np_fail "no screenshot written"
else
	# ok green, reply_dropped vermillion, rejected blue, the FAIL red.
	mapfile -t seen < <(png_colours "$png" 009e73 d55e00 0072b2 c62828)
	np_log "screenshot: ${seen[*]}"
	assert_eq "screenshot size" 1366x900 "${seen[0]%% *}"
	[ "${seen[0]##* }" -gt 50 ] ||
		np_fail "the screenshot looks blank: ${seen[0]##* } colours"
	for entry in "${seen[@]:1}"; do
		# A strip of 500 ports is about 580 px wide and 47 px high.
		[ "${entry#*=}" -gt 5000 ] ||
			np_fail "screenshot: too few pixels of #${entry%=*}:" \
				"${entry#*=}"
	done
fi
np_done
