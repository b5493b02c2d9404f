#!/usr/bin/env bash
# Scenario 89: explain --security-groups. The NACLs (scenarios/nacl/
# correct.json) let udp/7000 through, but the router also drops the
# probe's udp/7000 requests to the agent, as the agent's security group
# does when it lacks the rule: the sweep measures request_dropped, the
# NACLs do not explain it (UNEXPLAINED, exit 1), and with the agent's
# groups (describe-security-groups, tcp 7455 and tcp 7000 only) explain
# names the group that drops it and says a NACL fix will not help; tcp,
# which the group admits, agrees.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=nacl_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/nacl_lib.sh"

SPORTS=32768-32799
SGS=$NP_TMP/security-groups.json
cat >"$SGS" <<'JSON'
{ "SecurityGroups": [
  { "Description": "nacl-agent", "GroupName": "agent", "GroupId": "sg-0a1a1a1a1a1a1a1a1",
    "IpPermissions": [
      { "FromPort": 7455, "IpProtocol": "tcp", "ToPort": 7455,
        "IpRanges": [ { "CidrIp": "198.18.1.0/24" } ], "Ipv6Ranges": [],
        "PrefixListIds": [], "UserIdGroupPairs": [] },
      { "FromPort": 7000, "IpProtocol": "tcp", "ToPort": 7000,
        "IpRanges": [ { "CidrIp": "198.18.1.0/24" } ], "Ipv6Ranges": [],
        "PrefixListIds": [], "UserIdGroupPairs": [] } ],
    "IpPermissionsEgress": [
      { "IpProtocol": "-1", "IpRanges": [ { "CidrIp": "0.0.0.0/0" } ] } ],
    "OwnerId": "111122223333", "VpcId": "vpc-0f0f0f0f0f0f0f0f0" } ] }
JSON

nacl_setup correct.json
# What the security group does: no udp/7000 request reaches the agent.
np_nft insert rule inet nacl forward ip saddr "$PROBE4" ip daddr "$AGENT4" \
	udp dport 7000 drop
agent_start --ports udp/7000,tcp/7000
echo_sweep "$SPORTS" --rate 0
assert_exit 1
assert_ranges 0 '32768-32799 request_dropped'
assert_ranges 1 '32768-32799 ok'

explain_run "$REPORT" correct.json --probe-subnet "$PROBE_SUBNET" \
	--agent-subnet "$AGENT_SUBNET" --security-groups "$SGS"
assert_explain_exit 1
assert_explained 0 '32768-32799 request_dropped unexplained -'
assert_explained 1 ''
assert_explain_json '.checks[0].ranges[0].security_groups |
	"\(.verdict) \(.group)"' 'deny null'
assert_explain_line '  32768-32799  request_dropped (32 ports): UNEXPLAINED'
assert_explain_line "    the NACLs allow it (probe-out rule 100, agent-in rule 120, agent-out rule 110, probe-in rule 110); the agent's security groups drop it: no inbound rule of sg-0a1a1a1a1a1a1a1a1 (agent) allows udp 7000 from 198.18.1.1; a NACL fix will not help: allow it in a security group"

# Without the groups, the same range points at the path in general.
explain_run "$REPORT" correct.json
assert_explain_exit 1
assert_explain_json '.checks[0].ranges[0].security_groups' null
assert_explain_line "    the NACLs allow it (probe-out rule 100, agent-in rule 120, agent-out rule 110, probe-in rule 110): something else on the path drops it (a security group, a host firewall)"

# A bad export is named.
echo '{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcpx"}]}]}' >"$NP_TMP/bad-sgs.json"
explain_run "$REPORT" correct.json --probe-subnet "$PROBE_SUBNET" \
	--agent-subnet "$AGENT_SUBNET" --security-groups "$NP_TMP/bad-sgs.json"
assert_explain_exit 2
assert_eq "stderr on a bad security group export" \
	"nacl-report explain: $NP_TMP/bad-sgs.json: SecurityGroups[0].IpPermissions[0].IpProtocol: unknown protocol 'tcpx' (expected tcp, udp, icmp, icmpv6, -1 or a number 0-255)" \
	"$(head -n 1 "$EXPLAIN_ERR")"
np_done
