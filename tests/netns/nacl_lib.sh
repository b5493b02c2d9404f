# shellcheck shell=bash
# Helpers for the NACL end-to-end tests (test_8*.sh), sourced after lib.sh:
# load a shipped describe-network-acls example into the router, run
# nacl-report explain on the probe's report, assert on its JSON and text.

NACL_DIR=$NP_ROOT/scenarios/nacl
REPORT_BIN=$NP_BUILD/nacl-report
# The IDs the examples in scenarios/nacl use.
PROBE_SUBNET=subnet-0a1a1a1a1a1a1a1a1
AGENT_SUBNET=subnet-0b2b2b2b2b2b2b2b2
# shellcheck disable=SC2034
PROBE_NACL=acl-0a1a1a1a1a1a1a1a1
# shellcheck disable=SC2034
AGENT_NACL=acl-0b2b2b2b2b2b2b2b2

EXPLAIN_CMD=""
EXPLAIN_EXIT=""
EXPLAIN_JSON=""
EXPLAIN_TEXT=""
EXPLAIN_ERR=""
NP_EXPLAINS=0

# A fresh testbed whose router runs the NACLs of scenarios/nacl/FILE. The
# probe's own connections (the control channel) take their source ports from
# 40000-40999, inside Linux's 32768-60999 as on a real client, outside every
# swept range: the examples let replies back to them, as a real deployment
# must, or the probe cannot reach its agent.
nacl_setup()
{
	[ -x "$REPORT_BIN" ] || np_die "$REPORT_BIN missing: run 'make' first"
	np_setup
	"$TESTBED" exec probe sh -c \
		'echo "40000 40999" >/proc/sys/net/ipv4/ip_local_port_range' ||
		np_die "cannot set the probe's ephemeral port range"
	nacl_load "$1"
}

# Replaces the router's rules with the NACLs of scenarios/nacl/FILE.
nacl_load()
{
	np_log "router: NACLs of scenarios/nacl/$1"
	"$TESTBED" nacl "$NACL_DIR/$1" "$PROBE_SUBNET" "$AGENT_SUBNET" ||
		np_die "loading scenarios/nacl/$1 into the router failed"
}

# Runs nacl-report explain REPORT --nacl scenarios/nacl/FILE with the
# example subnets (or ARGS... instead of them) twice: --json into
# EXPLAIN_JSON, text into EXPLAIN_TEXT; EXPLAIN_EXIT is the exit code (both
# runs must agree on it).
explain_run()
{
	local report=$1 file=$2 text_exit
	shift 2
	[ $# -gt 0 ] || set -- --probe-subnet "$PROBE_SUBNET" \
		--agent-subnet "$AGENT_SUBNET"
	NP_EXPLAINS=$((NP_EXPLAINS + 1))
	EXPLAIN_JSON=$NP_TMP/explain-$NP_EXPLAINS.json
	EXPLAIN_TEXT=$NP_TMP/explain-$NP_EXPLAINS.txt
	EXPLAIN_ERR=$NP_TMP/explain-$NP_EXPLAINS.err
	EXPLAIN_CMD="nacl-report explain $(basename "$report") --nacl $file $*"
	"$REPORT_BIN" explain "$report" --nacl "$NACL_DIR/$file" "$@" \
		>"$EXPLAIN_TEXT" 2>"$EXPLAIN_ERR"
	text_exit=$?
	"$REPORT_BIN" explain "$report" --nacl "$NACL_DIR/$file" "$@" --json \
		>"$EXPLAIN_JSON" 2>>"$EXPLAIN_ERR"
	EXPLAIN_EXIT=$?
	np_log "explain: $EXPLAIN_CMD -> exit $EXPLAIN_EXIT"
	assert_eq "exit code of $EXPLAIN_CMD, text against --json" \
		"$EXPLAIN_EXIT" "$text_exit"
}

assert_explain_exit()
{
	assert_eq "exit code of: $EXPLAIN_CMD" "$1" "$EXPLAIN_EXIT" && return 0
	sed 's/^/    | /' "$EXPLAIN_ERR" "$EXPLAIN_TEXT" | head -n 40 >&2
	return 1
}

# assert_explain_json JQ_EXPR EXPECTED on the last --json output.
assert_explain_json()
{
	assert_eq "explain $1" "$2" "$(jq -r -c "$1" "$EXPLAIN_JSON" 2>&1)"
}

# assert_allowed_by CHECK_INDEX FROM 'HOP/RULE,...': the rules that let the
# check's range starting at port FROM through, one per NACL direction.
assert_allowed_by()
{
	assert_explain_json ".checks[$1].ranges[] | select(.from == $2) |
	.allowed_by | map(\"\\(.hop)/\\(.rule)\") | join(\",\")" "$3"
}

# assert_explained CHECK_INDEX 'FROM-TO MEASURED OUTCOME HOP/RULE, ...'
# (the list may span lines):
# every range of the check that is not "agree", in order; HOP/RULE is the
# dropping NACL direction and rule number (* for the default deny), or -
# when nothing drops it.
assert_explained()
{
	local index=$1 expected actual
	# shellcheck disable=SC2001
	expected=$(echo "$2" | tr '\n' ' ' |
		sed 's/[[:space:]]*,[[:space:]]*/,/g; s/^[[:space:]]*//; s/[[:space:]]*$//')
	# shellcheck disable=SC2016
	actual=$(jq -r -c --argjson i "$index" '.checks[$i].ranges |
		map(select(.outcome != "agree") |
		    "\(.from)-\(.to) \(.measured) \(.outcome) " +
		    (if .drop == null then "-"
		     elif .drop.default then "\(.drop.hop)/*"
		     else "\(.drop.hop)/\(.drop.rule)" end)) |
		join(",")' "$EXPLAIN_JSON" 2>&1)
	assert_eq "explain .checks[$index] ranges that are not agree" \
		"$expected" "$actual"
}

# assert_explain_line LINE: the text output holds exactly this line.
assert_explain_line()
{
	grep -qxF -- "$1" "$EXPLAIN_TEXT" && return 0
	np_fail "explain text: no line is exactly
    $1
  the text holds:
$(sed 's/^/    | /' "$EXPLAIN_TEXT" | head -n 40)"
	return 1
}

# The plan and template examples, for test_85 to test_89.
# shellcheck disable=SC2034
TF_DIR=$NP_ROOT/scenarios/terraform
# shellcheck disable=SC2034
CFN_DIR=$NP_ROOT/scenarios/cloudformation

NR_CMD=""
NR_EXIT=""
NR_OUT=""
NR_ERR=""
NP_REPORTS=0

# nr_run ARGS...: nacl-report ARGS; output in NR_OUT and NR_ERR (files),
# the exit code in NR_EXIT.
nr_run()
{
	NP_REPORTS=$((NP_REPORTS + 1))
	NR_OUT=$NP_TMP/nacl-report-$NP_REPORTS.out
	NR_ERR=$NP_TMP/nacl-report-$NP_REPORTS.err
	NR_CMD="nacl-report $*"
	"$REPORT_BIN" "$@" >"$NR_OUT" 2>"$NR_ERR"
	NR_EXIT=$?
	np_log "report: $NR_CMD -> exit $NR_EXIT"
}

assert_nr_exit()
{
	assert_eq "exit code of: $NR_CMD" "$1" "$NR_EXIT" && return 0
	sed 's/^/    | /' "$NR_ERR" "$NR_OUT" | head -n 40 >&2
	return 1
}

# assert_nr_line LINE: the last nacl-report printed exactly this line.
assert_nr_line()
{
	grep -qxF -- "$1" "$NR_OUT" && return 0
	np_fail "$NR_CMD: no line is exactly
    $1
  it printed:
$(sed 's/^/    | /' "$NR_OUT" | head -n 60)"
	return 1
}

# assert_nr_err LINE: the first line of its standard error.
assert_nr_err()
{
	assert_eq "first line of stderr of: $NR_CMD" "$1" "$(head -n 1 "$NR_ERR")"
}

# assert_file_ranges FILE CHECK_INDEX 'from-to status,...' on a report.
assert_file_ranges()
{
	local file=$1 index=$2 expected actual
	# shellcheck disable=SC2001
	expected=$(echo "$3" | sed 's/[[:space:]]*,[[:space:]]*/,/g')
	# shellcheck disable=SC2016
	actual=$(jq -r -c --argjson i "$index" \
		'.checks[$i].ranges | map("\(.from)-\(.to) \(.status)") |
		 join(",")' "$file" 2>&1)
	assert_eq "$(basename "$file") .checks[$index].ranges" "$expected" \
		"$actual"
}

# plan_scenario FILE SPORTS: the example subnets' scenario, udp and tcp
# 7000 from SPORTS, the agent's key beside it.
plan_scenario()
{
	cat >"$1" <<JSON
{ "name": "echo through the NACLs",
  "description": "udp and tcp 7000 from the probe's subnet to the agent's",
  "targets": [ { "name": "app", "agent": "$AGENT4", "bind": "$PROBE4",
                 "key_file": "$NP_KEY",
                 "probe_cidr": "198.18.1.0/24", "agent_cidr": "198.18.2.0/24",
                 "probe_nacl": "$PROBE_SUBNET", "agent_nacl": "$AGENT_SUBNET" } ],
  "settings": { "rate": 0, "timeout_ms": 300, "attempts": 2 },
  "checks": [ { "proto": "udp", "port": 7000, "sports": "$2" },
              { "proto": "tcp", "port": 7000, "sports": "$2" } ] }
JSON
}

# sweep_as_predicted SCENARIO PREDICTED EXPECTED: once the router holds the
# NACLs after a change, the agent answers udp and tcp 7000 and the scenario
# that plan emitted is swept: it passes, both checks measure the ranges
# EXPECTED, as the PREDICTED report has them, and nacl-report diff of the
# predicted and the measured report finds no regression.
sweep_as_predicted()
{
	local i
	agent_start --ports udp/7000,tcp/7000
	probe_run --scenario "$1"
	assert_exit 0
	assert_json '.summary.verdict' pass
	for i in 0 1; do
		assert_ranges "$i" "$3"
		assert_file_ranges "$2" "$i" "$3"
	done
	# shellcheck disable=SC2153 # REPORT: the sweep's, set by lib.sh
	nr_run diff "$2" "$REPORT"
	assert_nr_exit 0
	assert_nr_line 'Summary: 2 checks compared: 0 ports no longer as expected, 0 now as expected, 0 changed status: no regression'
}

# The narrow-ephemeral change (scenarios/terraform and scenarios/cloudformation
# narrow the probe subnet's inbound ephemeral rule) over correct.json, swept
# around every boundary: NARROW_SPORTS, and NARROW_EXPECTED, the ranges each
# check measures after the change (1000-1023 falls to the agent subnet's
# outbound rule, before and after). narrow_setup: a fresh testbed whose
# router runs correct.json, the scenario of NARROW_SPORTS in SCENARIO, and
# PREDICTED, where the prediction of the change is to go.
NARROW_SPORTS=1000-1100,32700-32800,60950-61050,65500-65535
NARROW_EXPECTED='1000-1100 reply_dropped,32700-32767 reply_dropped,'
NARROW_EXPECTED+='32768-32800 ok,60950-60999 ok,61000-61050 reply_dropped,'
NARROW_EXPECTED+='65500-65535 reply_dropped'
# shellcheck disable=SC2034 # PREDICTED: the caller's
narrow_setup()
{
	SCENARIO=$NP_TMP/scenario.json
	PREDICTED=$NP_TMP/predicted.json
	nacl_setup correct.json
	plan_scenario "$SCENARIO" "$NARROW_SPORTS"
}
