#!/usr/bin/env bash
# make bench, nacl-report plan: a Terraform plan of 50 NACLs of 40 entries
# each, judged for a scenario of 5 targets and 6 checks over every
# ephemeral port (1024-65535); the target is under a second.
#
# usage: bench/plan.sh   (after make and BUILDDIR/bench/measure; no root,
#                         no testbed: nacl-report only reads files)
# Environment: BENCH_RUNS runs (default 5, at least 3), BUILDDIR.
# Prints one line: figure, median wall time, target, met or NOT MET.
# Exit status: 0 met, 1 not met, 2 could not measure.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TARGET_S=1
NACLS=50
ENTRIES=40 # per NACL: 20 inbound, 20 outbound
TARGETS=5

fatal()
{
	echo "bench/plan: $*" >&2
	exit 2
}

bench_files_setup plan

# The plan: NACL i covers subnet i (10.i.0.0/16); each has 20 rules per
# direction over ten /24 peers, tcp and udp, service ports and ephemeral
# ranges, and the last allows the ephemeral range from anywhere. The plan
# narrows the inbound ephemeral rule of the first five (the probes' side).
python3 - "$TMP" "$NACLS" "$ENTRIES" "$TARGETS" <<'PY'
import json, sys
tmp, nacls, entries, targets = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
half = entries // 2

def block(no, action, proto, lo, hi, cidr):
    return {"action": action, "cidr_block": cidr, "from_port": lo,
            "icmp_code": 0, "icmp_type": 0, "ipv6_cidr_block": "",
            "protocol": proto, "rule_no": no, "to_port": hi}

def rules(i, egress, narrow):
    out = []
    for k in range(half - 1):
        proto = "6" if k % 2 == 0 else "17"
        peer = "10.%d.%d.0/24" % ((i + k + 1) % 250, k)
        if k % 5 == 4:
            out.append(block(100 + 10 * k, "deny", proto, 6000 + k, 6000 + k, peer))
        else:
            lo = [53, 123, 80, 443, 7000][k % 5]
            out.append(block(100 + 10 * k, "allow", proto, lo, lo, peer))
    lo, hi = (32768, 60999) if narrow else (1024, 65535)
    out.append(block(100 + 10 * (half - 1), "allow", "-1" if egress else "6",
                     0 if egress else lo, 0 if egress else hi, "0.0.0.0/0"))
    return out

changes = []
for i in range(nacls):
    before = {"id": "acl-%017x" % (i + 1), "subnet_ids": ["subnet-%017x" % (i + 1)],
              "ingress": rules(i, False, False), "egress": rules(i, True, False),
              "tags": {"Name": "n%02d" % i}, "vpc_id": "vpc-1"}
    after = json.loads(json.dumps(before))
    if i < targets:
        after["ingress"] = rules(i, False, True)
    changes.append({"address": "aws_network_acl.n%02d" % i, "mode": "managed",
                    "type": "aws_network_acl", "name": "n%02d" % i,
                    "change": {"actions": ["update" if i < targets else "no-op"],
                               "before": before, "after": after,
                               "after_unknown": {}}})
json.dump({"format_version": "1.2", "resource_changes": changes},
          open(tmp + "/plan.json", "w"))
checks = [{"proto": p, "port": n, "sports": "1024-65535"} for p, n in
          [("udp", 53), ("udp", 123), ("tcp", 80), ("tcp", 443), ("udp", 7000), ("tcp", 7000)]]
json.dump({"name": "bench", "checks": checks, "targets": [
    {"name": "t%d" % t, "agent": "10.%d.0.10" % (t + 10), "bind": "10.%d.0.10" % t,
     "probe_nacl": "aws_network_acl.n%02d" % t,
     "agent_nacl": "subnet-%017x" % (t + 11)} for t in range(targets)]},
    open(tmp + "/scenario.json", "w"))
PY

times=()
for _ in $(seq "$RUNS"); do
	"$MEASURE" "$TMP/measure" "$REPORT" plan "$TMP/plan.json" \
		--scenario "$TMP/scenario.json" >"$TMP/out" 2>"$TMP/err" || true
	exit_code=$(sed -n 's/.*exit=\([0-9]*\).*/\1/p' "$TMP/measure")
	# The narrowed rules break the scenario: exit 1 is the answer.
	[ "$exit_code" = 1 ] ||
		fatal "nacl-report plan exited $exit_code, not 1: $(head -n 3 "$TMP/err")"
	times+=("$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$TMP/measure")")
done
median=$(bench_files_median "${times[@]}")
broken=$(sed -n 's/.*(\([0-9]*\) newly broken.*/\1/p' "$TMP/out")
result=met
awk -v m="$median" -v t="$TARGET_S" 'BEGIN { exit !(m < t) }' ||
	result="NOT MET"
printf '%-56s %-22s %-26s %s\n' figure value target result
printf '%-56s %-22s %-26s %s\n' \
	"nacl-report plan: $NACLS NACLs x $ENTRIES entries, $TARGETS x 6 checks" \
	"$(printf '%.3f s' "$median") (median of $RUNS)" "< $TARGET_S s" "$result"
echo "  ($broken ports newly broken over $((TARGETS * 6)) checks of 64512 source ports; runs: ${times[*]} s)"
[ "$result" = met ]
