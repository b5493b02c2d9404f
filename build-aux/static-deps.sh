#!/bin/sh
# Static archives that Debian does not ship, built from Debian's own source
# packages (apt-get source: the same code and patches as libcjson1), for
# make static. Debian 12 ships libevent, ldns, libsodium, OpenSSL and
# libpcap as .a files; cJSON and libmnl only as shared libraries.
# usage: static-deps.sh DIR   -> DIR/lib/libNAME.a, DIR/pkgconfig/NAME.pc
# It touches no system configuration: the source list and apt's package
# lists live under DIR.
set -eu
dir=$(mkdir -p "$1" && cd "$1" && pwd)
cc=${CC:-cc}
mkdir -p "$dir/apt/lists/partial" "$dir/src" "$dir/lib" "$dir/pkgconfig" \
	"$dir/include"
. /etc/os-release
printf 'deb-src http://deb.debian.org/debian %s main\n' "$VERSION_CODENAME" \
	>"$dir/apt/sources.list"
apt_get()
{
	apt-get -q -o Dir::Etc::SourceList="$dir/apt/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/apt/lists" "$@"
}

# name SOURCE-PACKAGE: fetched and unpacked (patches applied) once.
fetch()
{
	[ -d "$dir/src/$1" ] && return 0
	[ -f "$dir/apt/updated" ] ||
		{ apt_get update >/dev/null && touch "$dir/apt/updated"; }
	rm -rf "$dir/src/tmp" && mkdir -p "$dir/src/tmp"
	if ! (cd "$dir/src/tmp" && apt_get source "$1" >"$dir/src/$1.log" 2>&1)
	then
		echo "static-deps: cannot fetch Debian's source of $1:" \
			"$(grep '^E:' "$dir/src/$1.log" | head -n 1)" >&2
		return 1
	fi
	mv "$(find "$dir/src/tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)" \
		"$dir/src/$1"
	rm -rf "$dir/src/tmp"
}

if [ ! -f "$dir/lib/libcjson.a" ]; then
	fetch cjson
	$cc -O2 -fPIC -c -o "$dir/src/cJSON.o" "$dir/src/cjson/cJSON.c"
	ar rcs "$dir/lib/libcjson.a" "$dir/src/cJSON.o"
	mkdir -p "$dir/include/cjson"
	cp "$dir/src/cjson/cJSON.h" "$dir/include/cjson/"
	printf 'Name: libcjson\nDescription: cJSON (static, Debian source)\nVersion: 1\nCflags: -I%s/include\nLibs: %s/lib/libcjson.a\n' \
		"$dir" "$dir" >"$dir/pkgconfig/libcjson.pc"
fi
if [ ! -f "$dir/lib/libmnl.a" ]; then
	fetch libmnl
	for f in "$dir"/src/libmnl/src/*.c; do
		$cc -O2 -fPIC -I"$dir/src/libmnl/include" -c \
			-o "$dir/src/$(basename "$f" .c).o" "$f"
	done
	ar rcs "$dir/lib/libmnl.a" "$dir"/src/socket.o "$dir"/src/callback.o \
		"$dir"/src/nlattr.o
	mkdir -p "$dir/include/libmnl"
	cp "$dir/src/libmnl/include/libmnl/libmnl.h" "$dir/include/libmnl/"
	printf 'Name: libmnl\nDescription: libmnl (static, Debian source)\nVersion: 1\nCflags: -I%s/include\nLibs: %s/lib/libmnl.a\n' \
		"$dir" "$dir" >"$dir/pkgconfig/libmnl.pc"
fi
