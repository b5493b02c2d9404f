#!/bin/sh
# Installs the Debian packages the build and the tests need, only those that
# are missing, so `make test` and `make demo` work on a fresh machine.
# usage: deps.sh [fuzz]   (fuzz: also clang and libFuzzer for make fuzz)
set -eu
pkgs="gcc make pkg-config libc6-dev libevent-dev libcjson-dev libmnl-dev
libldns-dev libsodium-dev libyaml-dev libpcap-dev libcriterion-dev nftables iproute2 jq clang-format
libxml2-utils
tcpdump
chromium prometheus python3 python3-yaml bind9-dnsutils ntpsec-ntpdig curl dnsmasq-base chrony
nginx-light caddy scdoc lintian man-db dpkg-dev"
if [ "${1:-}" = fuzz ]; then
	pkgs="$pkgs clang libclang-rt-14-dev"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Packages that ship services (prometheus) must not start them here: a
# policy-rc.d that exits 101 forbids it, removed again unless it was ours.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	own_policy=1
	trap 'rm -f "$policy"' EXIT
	trap 'exit 1' INT TERM
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
if [ "$own_policy" -eq 1 ]; then
	rm -f "$policy"
	trap - EXIT
fi
