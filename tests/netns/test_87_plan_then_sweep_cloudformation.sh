#!/usr/bin/env bash
# Scenario 87: the CI flow with a CloudFormation template (YAML with !Ref
# and !GetAtt, as written by hand; cdk synth writes the same in JSON). The
# template gives the probe's subnet a NACL of its own whose inbound
# ephemeral rule is narrowed; --nacl supplies the deployed NACLs (its
# before, and the agent's subnet it does not touch). plan exits 1 naming
# the broken ranges and an AWS::EC2::NetworkAclEntry that would fix them;
# the router takes the NACLs after deploy (testbed.sh nacl
# --cloudformation), the emitted scenario is swept and passes, and diff of
# the predicted and the measured report exits 0.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

TEMPLATE=$CFN_DIR/narrow-ephemeral.yaml
CURRENT=$NACL_DIR/correct.json
EMITTED=$NP_TMP/after-deploy.json

narrow_setup
nr_run plan --cloudformation "$TEMPLATE" --nacl "$CURRENT" \
	--scenario "$SCENARIO" --emit-scenario "$EMITTED"
assert_nr_exit 1
assert_nr_line 'NACL changes in the CloudFormation template:'
assert_nr_line '  ProbeNacl: create'
assert_nr_line "  ProbeSubnetAssociation: create (subnet $PROBE_SUBNET with ProbeNacl)"
assert_nr_line '    61000-61050 ok -> reply_dropped — hits Windows Vista+ clients (0.3% of their range), NAT gateway/ELB 0.1%, Linux (legacy) <0.1%'
assert_nr_line '      dropped by probe subnet inbound: ProbeNacl rule * (default deny)'
assert_nr_line '          ProbeNaclInUdp6100061050:'
assert_nr_line '              NetworkAclId: !Ref ProbeNacl'
assert_nr_line 'Verdict: FAIL: after the change some ports miss their expectations (464 newly broken, 0 fixed)'
nr_run predict --scenario "$EMITTED" --cloudformation "$TEMPLATE" \
	--nacl "$CURRENT" --json "$PREDICTED"
assert_nr_exit 0
assert_nr_line "  probe 198.18.1.1: NACL ProbeNacl of $PROBE_SUBNET"

# Deploy: the router takes the NACLs after the template.
np_log "router: NACLs after $(basename "$TEMPLATE") over correct.json"
"$TESTBED" nacl --cloudformation "$TEMPLATE" "$PROBE_SUBNET" \
	"$AGENT_SUBNET" --nacl "$CURRENT" ||
	np_die "loading the template's NACLs failed"
sweep_as_predicted "$EMITTED" "$PREDICTED" "$NARROW_EXPECTED"
np_done
