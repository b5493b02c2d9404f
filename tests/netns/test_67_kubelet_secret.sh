#!/usr/bin/env bash
# Scenario 67: the agent runs as the DaemonSet runs it, without a cluster:
# uid 65534, gid 65534, no capability, its key in the kubelet's Secret
# layout (agent.key -> ..data/agent.key, ..data -> ..TIMESTAMP/, the file
# root:65534 mode 0440 through fsGroup and defaultMode); the probe sweeps it
# and every port answers. The same layout with a key others may read is
# refused, naming the file behind the links. The manifests say what the
# test reproduces (user, group, fsGroup, defaultMode, capabilities).
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool setpriv util-linux
np_need_tool python3 python3
python3 -c 'import yaml' 2>/dev/null ||
	np_die "python3 cannot import yaml: install Debian's python3-yaml"
np_setup

# The DaemonSet's own settings, so the reproduction follows the manifest.
python3 - "$NP_ROOT/contrib/kubernetes/nacl-agent-daemonset.yaml" \
	>"$NP_TMP/ds.out" <<'PY'
import sys, yaml
pod = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]
c = pod["containers"][0]
sc = pod["securityContext"]
key = [v for v in pod["volumes"] if v["name"] == "key"][0]["secret"]
print(sc["runAsUser"], sc["runAsGroup"], sc["fsGroup"], "%o" % key["defaultMode"],
      ",".join(c["securityContext"]["capabilities"]["add"]))
PY
assert_eq "DaemonSet: user group fsGroup defaultMode capabilities" \
	"65534 65534 65534 440 NET_BIND_SERVICE,NET_RAW" "$(cat "$NP_TMP/ds.out")"

# secret DIR MODE: the kubelet's layout of a Secret with agent.key.
secret()
{
	local dir=$1 stamp=..2026_11_20_10_00_00.123456789
	mkdir -p "$dir/$stamp"
	cp "$NP_KEY" "$dir/$stamp/agent.key"
	chown 0:65534 "$dir/$stamp/agent.key"
	chmod "$2" "$dir/$stamp/agent.key"
	ln -s "$stamp" "$dir/..data"
	ln -s ..data/agent.key "$dir/agent.key"
	chmod 0755 "$dir" "$dir/$stamp"
}
# The test's folder must let 65534 through to the Secret.
chmod 0711 "$NP_TMP"
secret "$NP_TMP/secret" 0440

"$TESTBED" exec agent setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all \
	"$AGENT_BIN" --key-file "$NP_TMP/secret/agent.key" \
	--ports udp/7000,tcp/7000 >>"$NP_TMP/agent.log" 2>&1 &
AGENT_PID=$!
agent_wait_control "$AGENT4"
assert_eq "the agent runs as 65534:65534" "65534 65534" \
	"$(awk '/^Uid:/ { u = $2 } /^Gid:/ { g = $2 } END { print u, g }' \
		"/proc/$AGENT_PID/status")"
assert_eq "the agent holds no capability" 0000000000000000 \
	"$(awk '/^CapEff:/ { print $2 }' "/proc/$AGENT_PID/status")"

probe_run --agent "$AGENT4" --bind "$PROBE4" --ports udp/7000,tcp/7000 \
	--sports 40000-40499 --rate 0 --timeout 300 --attempts 2 -q
assert_exit 0
assert_ranges 0 '40000-40499 ok'
assert_ranges 1 '40000-40499 ok'
agent_stop

# A key others may read: refused, the file behind the links named.
secret "$NP_TMP/loose" 0444
"$TESTBED" exec agent setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all \
	"$AGENT_BIN" --key-file "$NP_TMP/loose/agent.key" \
	>"$NP_TMP/loose.out" 2>&1
assert_eq "a Secret others may read: exit" 2 "$?"
assert_eq "a Secret others may read: message" \
	"nacl-agent: --key-file: key file $NP_TMP/loose/agent.key (reached through symlinks: $NP_TMP/loose/..2026_11_20_10_00_00.123456789/agent.key) is readable or writable by others (mode 0444): run 'chmod 600' (or 640 for a group that must read it) on it" \
	"$(head -n 1 "$NP_TMP/loose.out")"
np_done
