#!/bin/sh
# Installs the Debian packages the build and the tests need, only those that
# are missing, so `make test` and `make demo` work on a fresh machine.
set -eu
pkgs="gcc make pkg-config libc6-dev libevent-dev libcjson-dev libmnl-dev
libcriterion-dev nftables iproute2 jq clang-format"
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
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
