#!/usr/bin/env bash
# Scenario 65: make deb gives nacl-probe_VERSION_ARCH.deb that lintian
# passes without errors; extracted into a throw-away root, its programs say
# their version, its man pages render with man -l, its bash completion
# completes subcommands, flags, presets and services, its systemd units
# start /usr/bin and its environment files are conffiles. No traffic, no
# testbed: make deb builds into the build folder the tests use.
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=report_lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/report_lib.sh"

np_need_tool lintian lintian
np_need_tool scdoc scdoc
np_need_tool man man-db
np_need_tool dpkg-shlibdeps dpkg-dev

version=$(cat "$NP_ROOT/VERSION")
arch=$(dpkg --print-architecture)
deb=$NP_BUILD/deb/nacl-probe_${version}_$arch.deb
make -C "$NP_ROOT" BUILDDIR="$NP_BUILD" deb >"$NP_TMP/make.out" 2>&1 ||
	np_die "make deb failed: $(tail -n 20 "$NP_TMP/make.out")"
[ -f "$deb" ] || np_die "make deb made no $deb"

lintian --tag-display-limit 0 "$deb" >"$NP_TMP/lintian.out" 2>&1
assert_eq "lintian: errors" "" "$(grep '^E:' "$NP_TMP/lintian.out")"
assert_eq "package name and version" "nacl-probe $version $arch" \
	"$(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ' |
		sed 's/Package: //; s/ Version: / /; s/ Architecture: / /; s/ $//')"
for lib in libcjson1 libevent libsodium23 libldns3 adduser; do
	assert_contains "Depends names $lib" <(dpkg-deb -f "$deb" Depends) "$lib"
done
assert_eq "conffiles" "/etc/default/nacl-agent /etc/default/nacl-probe" \
	"$(dpkg-deb -I "$deb" conffiles | tr '\n' ' ' | sed 's/ $//')"

root=$NP_TMP/root
dpkg-deb -x "$deb" "$root"
built=$("$PROBE_BIN" --version | sed 's/^nacl-probe //')
for program in nacl-probe nacl-agent nacl-report; do
	assert_eq "$program --version from the package" "$program $built" \
		"$("$root/usr/bin/$program" --version)"
done
for page in man1/nacl-probe.1 man1/nacl-report.1 man8/nacl-agent.8; do
	name=$(basename "$page" | cut -d. -f1)
	MANWIDTH=80 man -l "$root/usr/share/man/$page.gz" \
		>"$NP_TMP/man.out" 2>"$NP_TMP/man.err"
	assert_eq "man -l $page: exit and warnings" "0 " \
		"$? $(cat "$NP_TMP/man.err")"
	assert_contains "man -l $page: its NAME" "$NP_TMP/man.out" "^ +$name - "
done
MANWIDTH=80 man -l "$root/usr/share/man/man1/nacl-probe.1.gz" >"$NP_TMP/man.out" 2>&1
assert_contains "nacl-probe(1): exit 130" "$NP_TMP/man.out" '^ +130 +interrupted by SIGINT or SIGTERM'

# Completion: what bash offers for a few command lines.
complete_words()
{
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		"$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/")"
		printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$root/usr/share/bash-completion/completions/nacl-probe" "$@" |
		sort | tr '\n' ' ' | sed 's/ $//'
}
assert_eq "completion: nacl-probe --sports w" "windows windows-legacy" \
	"$(complete_words nacl-probe --sports w)"
assert_eq "completion: nacl-probe --sports linux,n" "linux,nat-gateway" \
	"$(complete_words nacl-probe --sports linux,n)"
assert_eq "completion: nacl-probe --ports udp/53=" \
	"udp/53=dns udp/53=echo udp/53=http udp/53=ntp udp/53=quic udp/53=tls" \
	"$(complete_words nacl-probe --ports udp/53=)"
assert_eq "completion: nacl-probe --h" "--help --history --html" \
	"$(complete_words nacl-probe --h)"
assert_eq "completion: nacl-report subcommands" \
	"--help --version diff explain nft render" \
	"$(complete_words nacl-report '')"
assert_eq "completion: nacl-report render --format j" "json junit" \
	"$(complete_words nacl-report render r.json --format j)"
assert_eq "completion: nacl-agent --o" "--open" \
	"$(complete_words nacl-agent --o)"
for link in nacl-agent nacl-report; do
	assert_eq "completion link $link" nacl-probe \
		"$(readlink "$root/usr/share/bash-completion/completions/$link")"
done

# The units start the packaged programs.
assert_contains "agent unit: /usr/bin" "$root/lib/systemd/system/nacl-agent.service" \
	'^ExecStart=/usr/bin/nacl-agent --key-file %d/agent.key \$NACL_AGENT_ARGS$'
assert_contains "probe unit: /usr/bin" "$root/lib/systemd/system/nacl-probe.service" \
	'^ExecStart=/usr/bin/nacl-probe '
assert_contains "the timer" "$root/lib/systemd/system/nacl-probe.timer" \
	'^OnCalendar=\*-\*-\* 02:30:00$'
assert_contains "the agent's user is made on install" \
	<(dpkg-deb -I "$deb" postinst) '^\s+adduser --system --group '

# make install honours PREFIX and DESTDIR, units naming that BINDIR.
make -C "$NP_ROOT" BUILDDIR="$NP_BUILD" install DESTDIR="$NP_TMP/staged" \
	PREFIX=/opt/np >"$NP_TMP/install.out" 2>&1 ||
	np_fail "make install failed: $(tail -n 20 "$NP_TMP/install.out")"
assert_contains "make install: the unit names PREFIX" \
	"$NP_TMP/staged/opt/np/lib/systemd/system/nacl-agent.service" \
	'^ExecStart=/opt/np/bin/nacl-agent '
assert_eq "make install: the same files as the package" \
	"$(cd "$root" && find usr/bin usr/share/man usr/share/bash-completion \
		usr/share/nacl-probe lib etc -type f -o -type l | sed 's|^usr/||; s|^lib/|lib/|' | sort | tr '\n' ' ')" \
	"$(cd "$NP_TMP/staged" && { (cd opt/np && find bin share/man \
		share/bash-completion share/nacl-probe lib -type f -o -type l); find etc -type f; } |
		sed 's|^bin/|bin/|' | sort | tr '\n' ' ')"
np_done
