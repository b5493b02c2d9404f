#!/usr/bin/env bash
# Scenario 88: what plan checks beyond the scenario, and how nacl-report
# plan and predict refuse bad input (no testbed: files only). A plan that
# adds rules to the probe subnet's NACL: one repeats a rule number, one is
# a deny the broad allow before it shadows, none has an IPv6 twin though
# the subnet has IPv6, and with --rule-quota 3 the direction is over quota.
# Each is a warning line; the scenario still passes (exit 0). Bad input
# exits 2 naming the file, the JSON path and the value, or the option.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

[ -x "$REPORT_BIN" ] || np_die "$REPORT_BIN missing: run 'make' first"
SCENARIO=$NP_TMP/scenario.json
plan_scenario "$SCENARIO" 32768-32800
PLAN=$NP_TMP/plan.json
# The narrow plan's probe NACL after, with three more inbound blocks, and
# the probe subnet (IPv6) in the plan.
jq '(.resource_changes[] | select(.address == "aws_network_acl.probe") |
	.change.after.ingress) += [
	{"action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 53,
	 "icmp_code": 0, "icmp_type": 0, "ipv6_cidr_block": "",
	 "protocol": "udp", "rule_no": 110, "to_port": 53},
	{"action": "deny", "cidr_block": "203.0.113.0/24", "from_port": 40000,
	 "icmp_code": 0, "icmp_type": 0, "ipv6_cidr_block": "",
	 "protocol": "tcp", "rule_no": 200, "to_port": 40100}] |
    .resource_changes += [{"address": "aws_subnet.probe", "mode": "managed",
	"type": "aws_subnet", "name": "probe", "change": {"actions": ["no-op"],
	"before": {"id": "subnet-0a1a1a1a1a1a1a1a1",
		   "ipv6_cidr_block": "2001:db8:1::/64"}}}]' \
	"$TF_DIR/narrow-ephemeral.json" >"$PLAN" || np_die "jq failed"

nr_run plan "$PLAN" --scenario "$SCENARIO" --rule-quota 3
assert_nr_exit 0
assert_nr_line "warning: $PROBE_NACL (aws_network_acl.probe) inbound: 4 rules, more than the quota of 3 per direction assumed (AWS's default; --rule-quota N for a raised one): apply will fail"
assert_nr_line "warning: $PROBE_NACL (aws_network_acl.probe) inbound: rule 110 (allow udp 32768-60999 from 0.0.0.0/0, in aws_network_acl.probe ingress) and rule 110 (allow udp 53 from 0.0.0.0/0, in aws_network_acl.probe ingress) share a rule number: AWS refuses the second, and which one holds is not yours to choose"
assert_nr_line "warning: $PROBE_NACL (aws_network_acl.probe) inbound: rule 100 (allow tcp 32768-60999 from 0.0.0.0/0, in aws_network_acl.probe ingress) has no IPv6 twin (allow tcp 32768-60999 from ::/0), yet subnet $PROBE_SUBNET has an IPv6 block: its IPv6 traffic falls to the final deny"
assert_nr_line "warning: $PROBE_NACL (aws_network_acl.probe) inbound: rule 200 (deny tcp 40000-40100 from 203.0.113.0/24, in aws_network_acl.probe ingress) never matches: rule 100 (allow tcp 32768-60999 from 0.0.0.0/0, in aws_network_acl.probe ingress) comes first and allows all it would deny; number the deny below 100"
assert_eq "warnings: quota, duplicate, four twins, shadowed" 7 "$(grep -c '^warning: ' "$NR_OUT")"
nr_run plan "$PLAN" --scenario "$SCENARIO"
assert_nr_exit 0
assert_eq "warnings at the default quota of 20" 6 \
	"$(grep -c '^warning: ' "$NR_OUT")"

# Bad input: exit 2, named.
nr_run plan --scenario "$SCENARIO"
assert_nr_exit 2
assert_nr_err "nacl-report plan: missing PLAN.json: give 'terraform show -json PLAN' (or --cloudformation TEMPLATE)"
nr_run plan "$PLAN" --scenario "$SCENARIO" --rule-quota 0
assert_nr_exit 2
assert_nr_err "nacl-report plan: --rule-quota: bad value '0': expected a whole number from 1 to 1000 (AWS's default is 20, at most 40 on request)"
BAD=$NP_TMP/bad.json
jq '.resource_changes[1].change.after.ingress[0].protocol = "tcpp"' \
	"$TF_DIR/narrow-ephemeral.json" >"$BAD"
nr_run plan "$BAD" --scenario "$SCENARIO"
assert_nr_exit 2
assert_nr_err "nacl-report plan: $BAD: resource_changes[1].change.after.ingress[0].protocol: unknown protocol 'tcpp' (expected tcp, udp, icmp, icmpv6, all, -1 or a number 0-255)"
echo '{"format_version": "1.0", "values": {"root_module": {}}}' >"$BAD"
nr_run plan "$BAD" --scenario "$SCENARIO"
assert_nr_exit 2
assert_nr_err "nacl-report plan: $BAD: this is 'terraform show -json' of a state, not of a plan: run 'terraform plan -out PLAN' and 'terraform show -json PLAN'"
printf 'Resources:\n  A: [1,\n' >"$BAD"
nr_run plan --cloudformation "$BAD" --nacl "$NACL_DIR/correct.json" \
	--scenario "$SCENARIO"
assert_nr_exit 2
assert_nr_err "nacl-report plan: $BAD: not valid YAML at line 3, column 1: did not find expected node content"
nr_run predict --scenario "$SCENARIO" --nacl "$NACL_DIR/correct.json" --before
assert_nr_exit 2
assert_nr_err "nacl-report predict: --before goes with --terraform-plan: a template or an export has one state"
nr_run predict --scenario "$SCENARIO"
assert_nr_exit 2
assert_nr_err "nacl-report predict: missing the NACLs: give --nacl ACLS.json (aws ec2 describe-network-acls), --terraform-plan PLAN.json (terraform show -json) or --cloudformation TEMPLATE"
sed 's/"agent_nacl": "[^"]*"/"agent_nacl": "aws_network_acl.gone"/' \
	"$SCENARIO" >"$NP_TMP/gone.json"
nr_run predict --scenario "$NP_TMP/gone.json" --terraform-plan \
	"$TF_DIR/narrow-ephemeral.json"
assert_nr_exit 2
assert_nr_err "nacl-report predict: $NP_TMP/gone.json: targets[0].agent_nacl: aws_network_acl.gone names no NACL or subnet of $TF_DIR/narrow-ephemeral.json; known: $AGENT_NACL (aws_network_acl.agent), $AGENT_SUBNET (in $AGENT_NACL), $PROBE_NACL (aws_network_acl.probe), $PROBE_SUBNET (in $PROBE_NACL)"
nr_run plan --help
assert_nr_exit 0
assert_contains "plan --help names the quota option" "$NR_OUT" '--rule-quota N'
nr_run predict --help
assert_nr_exit 0
np_done
