#!/usr/bin/env bash
# Scenario 86: the CI flow with a Terraform plan. plan judges the plan that
# narrows the probe subnet's inbound ephemeral rule, writes the predicted
# report after it and the scenario that proves it (--emit-scenario); the
# router then takes the NACLs after the plan (testbed.sh nacl
# --terraform-plan), the emitted scenario is swept and passes, the measured
# ranges are the predicted ones (predict of the emitted scenario), and
# nacl-report diff of the predicted and the measured report exits 0. The
# sweep is bounded to the ranges around every boundary (1000-1023 falls to
# the agent subnet's outbound rule, before and after the plan).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

PLAN=$TF_DIR/narrow-ephemeral.json
EMITTED=$NP_TMP/after-apply.json

narrow_setup
nr_run plan "$PLAN" --scenario "$SCENARIO" --emit-scenario "$EMITTED"
assert_nr_exit 1
assert_nr_line '    1024-1100 ok -> reply_dropped — hits Windows XP/2003 clients (1.9% of their range), NAT gateway/ELB 0.1%'
assert_nr_line '    61000-61050 ok -> reply_dropped — hits Windows Vista+ clients (0.3% of their range), NAT gateway/ELB 0.1%, Linux (legacy) <0.1%'
assert_nr_line 'Still broken (before and after):'
assert_nr_line '    1000-1023 reply_dropped — hits no common client range'
assert_nr_line "      dropped by agent subnet outbound: $AGENT_NACL rule * (default deny)"
assert_nr_line 'Verdict: FAIL: after the change some ports miss their expectations (464 newly broken, 0 fixed)'
# What the sweep after apply must show, predicted on its own terms.
nr_run predict --scenario "$EMITTED" --terraform-plan "$PLAN" \
	--json "$PREDICTED"
assert_nr_exit 0
assert_eq "the emitted scenario's expectations" \
	'1000-1100,32700-32767,61000-61050,65500-65535 dropped|1000-1100,32700-32767,61000-61050,65500-65535 dropped' \
	"$(jq -r '[.checks[] | .ranges[0] | "\(.sports) \(.expect)"] | join("|")' "$EMITTED")"

# Apply: the router takes the NACLs after the plan.
np_log "router: NACLs after $(basename "$PLAN")"
"$TESTBED" nacl --terraform-plan "$PLAN" "$PROBE_SUBNET" \
	aws_network_acl.agent || np_die "loading the plan's NACLs failed"
sweep_as_predicted "$EMITTED" "$PREDICTED" "$NARROW_EXPECTED"
assert_json '.scenario.name' 'echo through the NACLs, after narrow-ephemeral.json'
# The diff's lines of the two checks.
assert_nr_line 'udp/7000 echo  sports 1000-1100,32700-32800,60950-61050,65500-65535: unchanged (pass)'
assert_nr_line 'tcp/7000 echo  sports 1000-1100,32700-32800,60950-61050,65500-65535: unchanged (pass)'
np_done
