#!/usr/bin/env bash
# The namespace testbed of docs/design.md: probe -- router -- agent joined by veth
# pairs; the router emulates a stateless NACL with nftables (no conntrack).
#
# usage: testbed.sh up | down | rules FILE|- | nft NFT-ARGS... | stateful |
#        nacl [--terraform-plan|--cloudformation] FILE PROBE-SUBNET
#             AGENT-SUBNET [NFT-OPTION...] |
#        exec probe|router|agent CMD...
# Namespace names are ${NP_PREFIX:-npt}-probe, -router and -agent.
#
# NP_PROFILE chooses the hosts' settings:
#   defaults  every sysctl as a new namespace has it: syncookies on, SYN
#             backlog and somaxconn at the kernel's defaults, ICMP rate
#             limits on, the probe's ephemeral range 32768-60999. What users
#             have; what CI runs.
#   tuned     the agent's SYN queue and listen backlog raised to 65535,
#             syncookies off, the router's ICMP rate limits off, the probe's
#             ephemeral range moved to 10000-19999. Only for a test that says
#             in its first lines why it needs it.
set -euo pipefail

PROFILE=${NP_PROFILE:-defaults}
case $PROFILE in
defaults | tuned) ;;
*)
	echo "testbed: NP_PROFILE=$PROFILE: expected defaults or tuned" >&2
	exit 2
	;;
esac

PREFIX=${NP_PREFIX:-npt}
NS_PROBE=$PREFIX-probe
NS_ROUTER=$PREFIX-router
NS_AGENT=$PREFIX-agent
ALL_NS=("$NS_PROBE" "$NS_ROUTER" "$NS_AGENT")

PROBE4=198.18.1.1
PROBE6=2001:db8:1::1
AGENT4=198.18.2.1
AGENT6=2001:db8:2::1
ROUTER_P4=198.18.1.254
ROUTER_P6=2001:db8:1::254
ROUTER_A4=198.18.2.254
ROUTER_A6=2001:db8:2::254
# The subnets as a NACL file's translation sees them (testbed.sh nacl).
PROBE_NETS=198.18.1.0/24,2001:db8:1::/64
AGENT_NETS=198.18.2.0/24,2001:db8:2::/64

# Where the router's notrack rules live. Not "notrack": that is an nft
# keyword, and nft 1.0.6 (Debian 12) can neither create nor delete a table of
# that name from its command line.
STATELESS_TABLE=stateless

# tuned: the probe's own connections (control channel, reachability checks)
# take their ports from here, outside every range the tests sweep.
TUNED_PROBE_EPHEMERAL="10000 19999"

# Set while "up" runs, so that a failure leaves no half-built testbed.
BUILDING=0

die()
{
	echo "testbed: $*" >&2
	if [ "$BUILDING" -eq 1 ]; then
		BUILDING=0
		echo "testbed: removing the half-built namespaces" >&2
		testbed_down || true
	fi
	exit 1
}

usage()
{
	cat >&2 <<'EOF'
usage: testbed.sh up              create the three namespaces (fresh)
       testbed.sh down            delete them (idempotent)
       testbed.sh rules FILE|-    replace the NACL rules (one nft rule per line)
       testbed.sh nft ARGS...     run nft in the router namespace
       testbed.sh stateful        turn conntrack on in the router (for NAT)
       testbed.sh nacl ACLS.json PROBE-SUBNET AGENT-SUBNET
                                  replace the rules with the two NACLs of an
                                  'aws ec2 describe-network-acls' file (IDs
                                  as for nacl-report explain), translated by
                                  nacl-report nft
       testbed.sh nacl --terraform-plan|--cloudformation FILE PROBE-SUBNET
                  AGENT-SUBNET [NFT-OPTION...]
                                  the same with the NACLs after a plan or
                                  template (e.g. --nacl CURRENT.json,
                                  --before)
       testbed.sh exec probe|router|agent CMD...
EOF
	exit 2
}

need_tools()
{
	local t
	for t in ip nft timeout; do
		command -v "$t" >/dev/null 2>&1 ||
			die "'$t' not found: install iproute2, nftables, coreutils"
	done
	[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces)"
}

ns_exists()
{
	[ -e "/run/netns/$1" ]
}

# Runs "$@" and dies with what failed and nft/ip's own message.
run()
{
	local err
	if ! err=$("$@" 2>&1); then
		die "failed: $* : ${err:-no message} (does the kernel lack it?)"
	fi
}

nsrun()
{
	local ns=$1
	shift
	run ip netns exec "$ns" "$@"
}

sysctl_set()
{
	local ns=$1 key=$2 value=$3
	local path=/proc/sys/${key//.//}
	ip netns exec "$ns" sh -c "[ -w '$path' ]" ||
		die "sysctl $key missing in namespace $ns (kernel lacks it?)"
	nsrun "$ns" sh -c "echo '$value' > '$path'"
}

# Stops what an earlier, crashed run left running inside our namespaces:
# those processes were started by the testbed's users, and a deleted
# namespace would otherwise live on through them.
kill_leftovers()
{
	local ns pids pid
	for ns in "${ALL_NS[@]}"; do
		ns_exists "$ns" || continue
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[ -n "$pids" ] || continue
		for pid in $pids; do
			kill -TERM "$pid" 2>/dev/null || true
		done
		for _ in $(seq 20); do
			pids=$(ip netns pids "$ns" 2>/dev/null || true)
			[ -n "$pids" ] || break
			sleep 0.1
		done
		for pid in $pids; do
			kill -KILL "$pid" 2>/dev/null || true
		done
	done
}

testbed_down()
{
	local ns
	kill_leftovers
	for ns in "${ALL_NS[@]}"; do
		if ns_exists "$ns"; then
			ip netns delete "$ns" 2>/dev/null ||
				die "cannot delete namespace $ns"
		fi
	done
}

# True when ADDR answers from the probe namespace: a TCP connection to a
# closed port comes back refused (a RST), which needs both directions.
# Uses bash's /dev/tcp because ping is not always installed.
reachable()
{
	local addr=$1 out
	out=$(ip netns exec "$NS_PROBE" timeout 0.25 bash -c \
		"exec 3<>/dev/tcp/$addr/9" 2>&1) && return 0
	case $out in
	*"Connection refused"*) return 0 ;;
	esac
	return 1
}

wait_reachable()
{
	local addr=$1
	# Each try is a new SYN; the kernel alone would retry after 1 s.
	for _ in $(seq 10); do
		reachable "$addr" && return 0
		sleep 0.05
	done
	return 1
}

# The tuned profile (see NP_PROFILE above).
testbed_tune()
{
	# Rejects answer every probe, not one per second per host.
	sysctl_set "$NS_ROUTER" net.ipv4.icmp_ratelimit 0
	sysctl_set "$NS_ROUTER" net.ipv6.icmp.ratelimit 0
	# Per namespace on recent kernels only; the per-host limits are off.
	if ip netns exec "$NS_ROUTER" test -w /proc/sys/net/ipv4/icmp_msgs_per_sec; then
		sysctl_set "$NS_ROUTER" net.ipv4.icmp_msgs_per_sec 1000000
		sysctl_set "$NS_ROUTER" net.ipv4.icmp_msgs_burst 1000000
	fi
	# Thousands of half-open connections stay visible as SYN_RECV.
	sysctl_set "$NS_AGENT" net.core.somaxconn 65535
	sysctl_set "$NS_AGENT" net.ipv4.tcp_max_syn_backlog 65535
	sysctl_set "$NS_AGENT" net.ipv4.tcp_syncookies 0
	sysctl_set "$NS_PROBE" net.ipv4.ip_local_port_range "$TUNED_PROBE_EPHEMERAL"
}

# At kernel defaults, IPv6 link-local addresses (the routes' next hops) go
# through duplicate address detection first: wait until none is tentative.
wait_no_tentative()
{
	local ns busy
	for _ in $(seq 50); do
		busy=0
		for ns in "${ALL_NS[@]}"; do
			[ -z "$(ip -n "$ns" -6 addr show tentative 2>/dev/null)" ] ||
				busy=1
		done
		[ "$busy" -eq 1 ] || return 0
		sleep 0.1
	done
	die "IPv6 addresses still tentative (duplicate address detection) after 5 s"
}

testbed_up()
{
	local ns
	testbed_down
	BUILDING=1
	for ns in "${ALL_NS[@]}"; do
		run ip netns add "$ns"
		nsrun "$ns" ip link set lo up
		if [ "$PROFILE" = tuned ]; then
			# Link-local addresses usable at once (next hops).
			sysctl_set "$ns" net.ipv6.conf.default.accept_dad 0
			sysctl_set "$ns" net.ipv6.conf.all.accept_dad 0
		fi
	done

	# Sysctls and rules before any link is up: forwarding switched on
	# after the addresses exist costs the first neighbour solicitation.
	# Forwarding is what makes the router a router, in either profile.
	sysctl_set "$NS_ROUTER" net.ipv4.ip_forward 1
	sysctl_set "$NS_ROUTER" net.ipv6.conf.default.forwarding 1
	sysctl_set "$NS_ROUTER" net.ipv6.conf.all.forwarding 1
	if [ "$PROFILE" = tuned ]; then
		testbed_tune
	fi

	nsrun "$NS_ROUTER" nft -f - <<EOF
table inet nacl {
	chain forward {
		type filter hook forward priority 0; policy accept;
	}
}
table inet $STATELESS_TABLE {
	chain prerouting {
		type filter hook prerouting priority raw; policy accept;
		notrack
	}
	chain output {
		type filter hook output priority raw; policy accept;
		notrack
	}
}
EOF

	# veth pairs created inside the namespaces: no names in the host's.
	run ip -n "$NS_PROBE" link add to-router type veth \
		peer name to-probe netns "$NS_ROUTER"
	run ip -n "$NS_AGENT" link add to-router type veth \
		peer name to-agent netns "$NS_ROUTER"
	nsrun "$NS_PROBE" ip link set to-router up
	nsrun "$NS_ROUTER" ip link set to-probe up
	nsrun "$NS_ROUTER" ip link set to-agent up
	nsrun "$NS_AGENT" ip link set to-router up

	nsrun "$NS_PROBE" ip addr add "$PROBE4/24" dev to-router
	nsrun "$NS_PROBE" ip addr add "$PROBE6/64" dev to-router nodad
	nsrun "$NS_ROUTER" ip addr add "$ROUTER_P4/24" dev to-probe
	nsrun "$NS_ROUTER" ip addr add "$ROUTER_P6/64" dev to-probe nodad
	nsrun "$NS_ROUTER" ip addr add "$ROUTER_A4/24" dev to-agent
	nsrun "$NS_ROUTER" ip addr add "$ROUTER_A6/64" dev to-agent nodad
	nsrun "$NS_AGENT" ip addr add "$AGENT4/24" dev to-router
	nsrun "$NS_AGENT" ip addr add "$AGENT6/64" dev to-router nodad

	nsrun "$NS_PROBE" ip route add default via "$ROUTER_P4"
	nsrun "$NS_PROBE" ip -6 route add default via "$ROUTER_P6"
	nsrun "$NS_AGENT" ip route add default via "$ROUTER_A4"
	nsrun "$NS_AGENT" ip -6 route add default via "$ROUTER_A6"

	[ "$PROFILE" = tuned ] || wait_no_tentative
	wait_reachable "$AGENT4" ||
		die "probe cannot reach the agent at $AGENT4 (IPv4)"
	wait_reachable "$AGENT6" ||
		die "probe cannot reach the agent at $AGENT6 (IPv6)"
	BUILDING=0
}

# Replaces the rules of chain inet nacl forward, atomically in one nft run.
testbed_rules()
{
	local src=$1 line script nft_err
	if [ "$src" = - ]; then
		src=/dev/stdin
	elif [ ! -r "$src" ]; then
		die "rules: cannot read '$src'"
	fi
	ns_exists "$NS_ROUTER" || die "rules: no testbed, run 'testbed.sh up'"
	script="flush chain inet nacl forward"$'\n'
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line#"${line%%[![:space:]]*}"}
		case $line in
		'' | '#'*) continue ;;
		esac
		script+="add rule inet nacl forward $line"$'\n'
	done <"$src"
	if ! nft_err=$(ip netns exec "$NS_ROUTER" nft -f - <<<"$script" 2>&1); then
		die "rules: nft refused them: $nft_err"
	fi
}

# Loads the NACLs of subnets probe and agent (subnet-ID or acl-ID; for a
# plan or template also an address or logical ID) from a
# describe-network-acls file, or with --terraform-plan or --cloudformation
# first from the state after a change (more nacl-report nft options, such
# as --nacl CURRENT.json or --before, may follow): nacl-report nft
# translates them, the probe side being $PROBE_NETS, the agent side
# $AGENT_NETS; one nft run, atomic.
testbed_nacl()
{
	local kind=() file probe agent bin script nft_err
	local root build
	case $1 in
	--terraform-plan | --cloudformation)
		kind=("$1")
		shift
		;;
	esac
	file=$1 probe=$2 agent=$3
	shift 3
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	build=${BUILDDIR:-build}
	case $build in
	/*) ;;
	*) build=$root/$build ;;
	esac
	bin=${NACL_REPORT:-$build/nacl-report}
	[ -x "$bin" ] || die "nacl: $bin missing: run 'make' first"
	[ -r "$file" ] || die "nacl: cannot read '$file'"
	ns_exists "$NS_ROUTER" || die "nacl: no testbed, run 'testbed.sh up'"
	case $probe in *=*) ;; *) probe=$probe=$PROBE_NETS ;; esac
	case $agent in *=*) ;; *) agent=$agent=$AGENT_NETS ;; esac
	script=$("$bin" nft "${kind[@]}" "$file" --probe-subnet "$probe" \
		--agent-subnet "$agent" "$@") ||
		die "nacl: nacl-report nft could not translate '$file'"
	if ! nft_err=$(ip netns exec "$NS_ROUTER" nft -f - <<<"$script" 2>&1); then
		die "nacl: nft refused the translation of '$file': $nft_err"
	fi
}

main()
{
	[ $# -ge 1 ] || usage
	local cmd=$1
	shift
	case $cmd in
	up)
		[ $# -eq 0 ] || usage
		need_tools
		testbed_up
		;;
	down)
		[ $# -eq 0 ] || usage
		need_tools
		testbed_down
		;;
	rules)
		[ $# -eq 1 ] || usage
		need_tools
		testbed_rules "$1"
		;;
	nft)
		[ $# -ge 1 ] || usage
		need_tools
		ns_exists "$NS_ROUTER" || die "nft: no testbed, run 'testbed.sh up'"
		exec ip netns exec "$NS_ROUTER" nft "$@"
		;;
	nacl)
		case ${1:-} in
		--terraform-plan | --cloudformation) [ $# -ge 4 ] || usage ;;
		*) [ $# -eq 3 ] || usage ;;
		esac
		need_tools
		testbed_nacl "$@"
		;;
	stateful)
		[ $# -eq 0 ] || usage
		need_tools
		ns_exists "$NS_ROUTER" || die "stateful: no testbed, run 'testbed.sh up'"
		nsrun "$NS_ROUTER" nft delete table inet "$STATELESS_TABLE"
		;;
	exec)
		[ $# -ge 2 ] || usage
		local ns
		case $1 in
		probe) ns=$NS_PROBE ;;
		router) ns=$NS_ROUTER ;;
		agent) ns=$NS_AGENT ;;
		*) usage ;;
		esac
		shift
		ns_exists "$ns" || die "exec: no namespace $ns, run 'testbed.sh up'"
		# exec all the way down: the caller's $! is the command's PID.
		exec ip netns exec "$ns" "$@"
		;;
	*)
		usage
		;;
	esac
}

main "$@"
