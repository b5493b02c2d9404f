#!/usr/bin/env bash
# Scenario 85: a Terraform plan that narrows the probe subnet's inbound
# ephemeral rule from 1024-65535 to 32768-60999, judged before apply (no
# testbed: nacl-report only reads files). plan exits 1 and names the two
# ranges it breaks, 1024-32767 and 61000-65535, for both protocols, with
# the clients they hit, the rule and hop that drops them and the inline
# block that would fix them; predict before and after gives the exact
# ranges; a plan that changes nothing relevant exits 0.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

[ -x "$REPORT_BIN" ] || np_die "$REPORT_BIN missing: run 'make' first"
SCENARIO=$NP_TMP/scenario.json
plan_scenario "$SCENARIO" 1024-65535
PLAN=$TF_DIR/narrow-ephemeral.json

nr_run plan "$PLAN" --scenario "$SCENARIO" --json "$NP_TMP/after.json" \
	--junit "$NP_TMP/after.xml"
assert_nr_exit 1
assert_nr_line 'NACL changes in the Terraform plan:'
assert_nr_line '  aws_network_acl.probe: update'
assert_nr_line 'Newly broken (met their expectation before, not after):'
assert_nr_line '  target app udp/7000 echo:'
assert_nr_line '  target app tcp/7000 echo:'
assert_nr_line '    1024-32767 ok -> reply_dropped — hits Windows XP/2003 clients (100% of their range), NAT gateway/ELB 49.2%'
assert_nr_line '    61000-65535 ok -> reply_dropped — hits Windows Vista+ clients (27.7% of their range), NAT gateway/ELB 7.0%, Linux (legacy) <0.1%'
assert_nr_line "      dropped by probe subnet inbound: $PROBE_NACL rule * (default deny)"
assert_nr_line "      fix ($PROBE_NACL inbound, rule 120, before the final deny):"
assert_nr_line '        in aws_network_acl.probe, add:'
assert_nr_line '            from_port  = 1024'
assert_nr_line '            to_port    = 32767'
assert_nr_line 'Verdict: FAIL: after the change some ports miss their expectations (72560 newly broken, 0 fixed)'
assert_eq "newly broken ranges, in order" \
	'1024-32767 61000-65535 1024-32767 61000-65535' \
	"$(sed -n 's/^    \([0-9]*-[0-9]*\) ok -> reply_dropped.*/\1/p' "$NR_OUT" | tr '\n' ' ' | sed 's/ $//')"
# --json is the predicted report after the change, --junit its JUnit.
assert_eq "after.json predicted" true "$(jq -r .predicted "$NP_TMP/after.json")"
for i in 0 1; do
	assert_file_ranges "$NP_TMP/after.json" "$i" \
		'1024-32767 reply_dropped,32768-60999 ok,61000-65535 reply_dropped'
done
assert_eq "after.xml: failures" 2 \
	"$(sed -n 's/.*<testsuites [^>]*failures="\([0-9]*\)".*/\1/p' "$NP_TMP/after.xml")"

# predict of each state: the exact ranges, the deciding rule and hop.
nr_run predict --scenario "$SCENARIO" --terraform-plan "$PLAN" --before \
	--json "$NP_TMP/before.json"
assert_nr_exit 0
for i in 0 1; do
	assert_file_ranges "$NP_TMP/before.json" "$i" '1024-65535 ok'
done
nr_run predict --scenario "$SCENARIO" --terraform-plan "$PLAN" \
	--json "$NP_TMP/predicted.json"
assert_nr_exit 1
for i in 0 1; do
	assert_file_ranges "$NP_TMP/predicted.json" "$i" \
		'1024-32767 reply_dropped,32768-60999 ok,61000-65535 reply_dropped'
done
assert_eq "predicted.json: what decides udp's ranges" \
	'1024-32767 probe-in/32767 32768-60999 - 61000-65535 probe-in/32767' \
	"$(jq -r '[.checks[0].predicted_by[] | "\(.from)-\(.to) " +
		(if .drop == null then "-" else "\(.drop.hop)/\(.drop.rule)" end)]
		| join(" ")' "$NP_TMP/predicted.json")"
assert_nr_line "    32768-60999  ok (28232 ports): allowed by probe-out rule 100, agent-in rule 120, agent-out rule 110, probe-in rule 110"
# The renderers and diff take the predicted reports as they are.
nr_run render "$NP_TMP/predicted.json"
assert_nr_exit 0
assert_nr_line 'udp/7000 echo  sports 1024-65535 (64512 ports): FAIL'
nr_run diff "$NP_TMP/before.json" "$NP_TMP/predicted.json"
assert_nr_exit 1

# A plan that changes nothing the scenario crosses: exit 0.
nr_run plan "$TF_DIR/unrelated-change.json" --scenario "$SCENARIO"
assert_nr_exit 0
assert_nr_line '  aws_network_acl.probe: update'
assert_nr_line 'No source port of the scenario changes its fate.'
assert_nr_line 'Verdict: pass: after the change every check meets its expectations (0 ports newly broken, 0 fixed)'
np_done
