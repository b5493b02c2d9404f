# nacl-probe build: objects mirror sources under build/, everything but each
# program's main.c goes into a static library that binaries and tests link.

CC ?= cc
BUILDDIR ?= build
PREFIX ?= /usr/local
PKGS ?= libevent libcjson libmnl ldns libsodium yaml-0.1 libpcap
# make static asks pkg-config for the libraries' own dependencies too.
PKG_CONFIG_LIBS ?= --libs
PKG_CONFIG ?= pkg-config

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wimplicit-fallthrough
ifeq ($(CI),true)
WARNINGS += -Werror
endif

override CPPFLAGS += -D_GNU_SOURCE -I. $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
CFLAGS ?= -O2 -g
override CFLAGS += -std=c17 $(WARNINGS) -MMD -MP
override LDLIBS += $(shell $(PKG_CONFIG) $(PKG_CONFIG_LIBS) $(PKGS) 2>/dev/null) -lm \
	$(EXTRA_LIBS)

# One source of truth: VERSION; from a clone that is not at the tag
# v$(VERSION), the commit rides along as semver build metadata.
VERSION := $(shell cat VERSION)
GIT_DESCRIBE := $(shell git describe --tags --always --dirty --match 'v[0-9]*' 2>/dev/null)
FULL_VERSION := $(if $(filter-out v$(VERSION),$(GIT_DESCRIBE)),$(VERSION)+g$(subst -dirty,.dirty,$(lastword $(subst -g, ,$(GIT_DESCRIBE)))),$(VERSION))

COMMON_SRC := $(wildcard common/*.c)
REPORTS_LIB_SRC := $(filter-out reports/main.c,$(wildcard reports/*.c))
PROBE_LIB_SRC := $(filter-out probe/main.c,$(wildcard probe/*.c))
AGENT_LIB_SRC := $(filter-out agent/main.c,$(wildcard agent/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c tests/unit/fixture_*.c)

obj = $(patsubst %.c,$(BUILDDIR)/%.o,$(1))

LIBCOMMON := $(BUILDDIR)/libcommon.a
LIBREPORTS := $(BUILDDIR)/libreports.a
LIBPROBE := $(BUILDDIR)/libprobe.a
LIBAGENT := $(BUILDDIR)/libagent.a

BINS := $(BUILDDIR)/nacl-probe $(BUILDDIR)/nacl-agent $(BUILDDIR)/nacl-report
HELPERS := $(BUILDDIR)/tests/holdport $(BUILDDIR)/tests/wire
UNIT_BIN := $(BUILDDIR)/tests/unit-tests

.PHONY: all test unit e2e san demo deps format format-check install clean \
	man deb static static-probe \
	testbed-down fuzz soak bench stress-test FORCE version

all: $(BINS) $(HELPERS)
	@ln -sf $(BUILDDIR)/nacl-probe nacl-probe
	@ln -sf $(BUILDDIR)/nacl-agent nacl-agent
	@ln -sf $(BUILDDIR)/nacl-report nacl-report

# Rebuilt when the version changes, not on every make.
$(BUILDDIR)/version.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(FULL_VERSION)' | cmp -s - $@ || echo '$(FULL_VERSION)' >$@
$(BUILDDIR)/common/version.o: $(BUILDDIR)/version.stamp
$(BUILDDIR)/common/version.o: override CPPFLAGS += -DNACL_VERSION='"$(FULL_VERSION)"'
FORCE:

$(BUILDDIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(call obj,$(COMMON_SRC))
$(LIBREPORTS): $(call obj,$(REPORTS_LIB_SRC))
$(LIBPROBE): $(call obj,$(PROBE_LIB_SRC))
$(LIBAGENT): $(call obj,$(AGENT_LIB_SRC))
$(BUILDDIR)/%.a:
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILDDIR)/nacl-probe: $(call obj,probe/main.c) $(LIBPROBE) $(LIBREPORTS) $(LIBCOMMON)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILDDIR)/nacl-agent: $(call obj,agent/main.c) $(LIBAGENT) $(LIBCOMMON)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILDDIR)/nacl-report: $(call obj,reports/main.c) $(LIBREPORTS) $(LIBCOMMON)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILDDIR)/tests/holdport: $(call obj,tests/netns/holdport.c)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
$(BUILDDIR)/tests/wire: $(call obj,tests/netns/wire.c) $(LIBCOMMON)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(UNIT_BIN): $(call obj,$(UNIT_SRC)) $(LIBPROBE) $(LIBAGENT) $(LIBREPORTS) $(LIBCOMMON)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

# Installs from Debian packages only what is missing.
deps:
	@sh tests/deps.sh

unit: $(UNIT_BIN)
	$(UNIT_BIN) --jobs 2

e2e: all
	bash tests/netns/run.sh

# The e2e suite STRESS_ROUNDS times (default 5) beside a busy loop per core,
# and a tally; not part of make test (about an hour).
STRESS_ROUNDS ?= 5
stress-test: deps
	$(MAKE) all
	bash tests/netns/stress.sh $(STRESS_ROUNDS)

test: deps
	$(MAKE) unit
	$(MAKE) e2e

# Unit tests under ASan/UBSan in their own build folder; abort_on_error so a
# leak fails the test instead of being reported as passed.
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
san: deps
	$(MAKE) BUILDDIR=build/san CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" build/san/tests/unit-tests
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		build/san/tests/unit-tests --jobs 2

# The agent and the probe under ASan/LSan through many sessions (a few
# minutes: SOAK_SECONDS, default 180); not part of make test.
soak: deps
	$(MAKE) BUILDDIR=build/san CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" build/san/nacl-agent \
		build/san/nacl-probe build/san/tests/holdport build/san/tests/wire
	BUILDDIR=build/san bash tests/netns/soak.sh

# Each parser's libFuzzer target for FUZZ_SECONDS, with ASan and UBSan.
FUZZ_SECONDS ?= 60
FUZZ_DIR := build/fuzz
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz:
	@sh tests/deps.sh fuzz
	$(MAKE) CC=clang BUILDDIR=$(FUZZ_DIR) \
		CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" \
		$(FUZZ_DIR)/libreports.a $(FUZZ_DIR)/libcommon.a
	clang $(CPPFLAGS) $(FUZZ_FLAGS) -o $(FUZZ_DIR)/seed tests/fuzz/seed.c \
		$(FUZZ_DIR)/libcommon.a $(LDLIBS)
	rm -rf $(FUZZ_DIR)/corpus && mkdir -p $(FUZZ_DIR)/corpus
	$(FUZZ_DIR)/seed $(FUZZ_DIR)/corpus
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		clang $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer \
			-o $(FUZZ_DIR)/$$t tests/fuzz/$$t.c \
			$(FUZZ_DIR)/libreports.a $(FUZZ_DIR)/libcommon.a \
			$(LDLIBS); \
		mkdir -p $(FUZZ_DIR)/corpus/$${t#fuzz_}; \
		if ! $(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			$(FUZZ_DIR)/corpus/$${t#fuzz_} >$(FUZZ_DIR)/$$t.log 2>&1; \
		then \
			tail -n 60 $(FUZZ_DIR)/$$t.log; \
			echo "fuzz: $$t FAILED (log: $(FUZZ_DIR)/$$t.log)"; \
			exit 1; \
		fi; \
		grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss)' \
			$(FUZZ_DIR)/$$t.log; \
	done

demo: deps
	$(MAKE) all
	bash tests/netns/demo.sh

# The bare reference sweep, its echo server and a timer, then the measurements
# of bench/plan.sh (nacl-report plan on a large plan, files only),
# bench/report.sh (nacl-report render and diff on the fragmented worst case,
# files only) and bench/run.sh (root: it builds its own testbed). Not part of
# make test.
BENCH_BINS := $(BUILDDIR)/bench/bare-sweep $(BUILDDIR)/bench/bare-echo \
	$(BUILDDIR)/bench/measure
$(BUILDDIR)/bench/bare-sweep: $(call obj,bench/bare_sweep.c)
$(BUILDDIR)/bench/bare-echo: $(call obj,bench/bare_echo.c)
$(BUILDDIR)/bench/measure: $(call obj,bench/measure.c)
$(BENCH_BINS):
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^
# Each part runs whatever the one before found; the worst status is make's.
# BENCH_PARTS (default all) names the parts measured: plan, report, and
# bench/run.sh's udp syscalls tcp rate four full false.
bench: all $(BENCH_BINS)
	@rc=0; parts=" $${BENCH_PARTS:-plan report run} "; \
	for part in plan report run; do \
		case $$part in run) want=$$(printf '%s\n' $$parts | \
			grep -cvxE 'plan|report') ;; \
		*) want=$$(printf '%s\n' $$parts | grep -cx $$part) ;; esac; \
		[ "$$want" -gt 0 ] || continue; \
		BUILDDIR=$(BUILDDIR) bash bench/$$part.sh; \
		st=$$?; [ $$st -le $$rc ] || rc=$$st; \
	done; exit $$rc

version:
	@echo $(FULL_VERSION)

testbed-down:
	bash tests/netns/testbed.sh down

FORMAT_SRC = $(wildcard common/*.[ch] probe/*.[ch] agent/*.[ch] reports/*.[ch] tests/unit/*.[ch] tests/netns/*.c tests/fuzz/*.[ch] bench/*.[ch])
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

# Man pages from scdoc sources (Debian's scdoc); man -l reads the results.
MAN_SRC := $(wildcard docs/man/*.scd)
MANS := $(patsubst docs/man/%.scd,$(BUILDDIR)/man/%,$(MAN_SRC))
# Reproducible: the pages carry the date of the last commit, not today's.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH
$(BUILDDIR)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	scdoc <$< >$@
man: $(MANS)

# What make install and the package put where. The units name BINDIR.
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/nacl-probe
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
UNITS := contrib/systemd/nacl-agent.service contrib/systemd/nacl-probe.service \
	contrib/systemd/nacl-probe.timer
install: all man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(COMPLETIONDIR) \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(SYSCONFDIR)/default \
		$(DESTDIR)$(DATADIR)/scenarios/nacl
	install -m 0755 $(INSTALL_STRIP) $(BINS) $(DESTDIR)$(BINDIR)/
	for page in $(MANS); do \
		section=$${page##*.}; \
		gzip -9n <$$page >$(DESTDIR)$(MANDIR)/man$$section/$${page##*/}.gz; \
		chmod 0644 $(DESTDIR)$(MANDIR)/man$$section/$${page##*/}.gz; \
	done
	install -m 0644 contrib/bash-completion/nacl-probe $(DESTDIR)$(COMPLETIONDIR)/
	ln -sf nacl-probe $(DESTDIR)$(COMPLETIONDIR)/nacl-agent
	ln -sf nacl-probe $(DESTDIR)$(COMPLETIONDIR)/nacl-report
	for unit in $(UNITS); do \
		sed -e 's|/usr/bin/|$(BINDIR)/|' -e 's|/etc/default/|$(SYSCONFDIR)/default/|' \
			$$unit >$(DESTDIR)$(SYSTEMDDIR)/$${unit##*/}; \
		chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/$${unit##*/}; \
	done
	# An edited environment file is kept.
	for name in nacl-agent nacl-probe; do \
		[ -e $(DESTDIR)$(SYSCONFDIR)/default/$$name ] || \
			install -m 0644 contrib/systemd/$$name.env \
				$(DESTDIR)$(SYSCONFDIR)/default/$$name; \
	done
	install -m 0644 scenarios/*.json $(DESTDIR)$(DATADIR)/scenarios/
	install -m 0644 scenarios/nacl/*.json $(DESTDIR)$(DATADIR)/scenarios/nacl/

# The Debian package, from a staged tree (dpkg-deb; no debhelper needed):
# build/deb/nacl-probe_VERSION_ARCH.deb. Depends from dpkg-shlibdeps.
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_DIR := $(BUILDDIR)/deb
DEB_ROOT := $(DEB_DIR)/root
DEB_FILE := $(DEB_DIR)/nacl-probe_$(VERSION)_$(DEB_ARCH).deb
deb: $(DEB_FILE)
$(DEB_FILE): all man debian/control.in debian/copyright debian/changelog \
		debian/postinst debian/postrm $(UNITS) VERSION
	rm -rf $(DEB_ROOT)
	$(MAKE) install DESTDIR=$(abspath $(DEB_ROOT)) PREFIX=/usr \
		SYSTEMDDIR=/lib/systemd/system INSTALL_STRIP=-s
	install -d $(DEB_ROOT)/DEBIAN $(DEB_ROOT)/usr/share/doc/nacl-probe
	install -m 0644 debian/copyright $(DEB_ROOT)/usr/share/doc/nacl-probe/
	gzip -9n <debian/changelog >$(DEB_ROOT)/usr/share/doc/nacl-probe/changelog.gz
	install -m 0755 debian/postinst debian/postrm $(DEB_ROOT)/DEBIAN/
	cd $(DEB_ROOT) && find etc -type f -printf '/%p\n' | sort >DEBIAN/conffiles
	mkdir -p $(DEB_DIR)/shlibs/debian
	printf 'Source: nacl-probe\n\nPackage: nacl-probe\nArchitecture: any\n' \
		>$(DEB_DIR)/shlibs/debian/control
	cd $(DEB_DIR)/shlibs && dpkg-shlibdeps -O $(addprefix ../root/usr/bin/,$(notdir $(BINS))) \
		| sed -n 's/^shlibs:Depends=//p' >../depends
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' \
		-e "s/@DEPENDS@/$$(cat $(DEB_DIR)/depends)/" \
		-e "s/@SIZE@/$$(du -sk --exclude=DEBIAN $(DEB_ROOT) | cut -f1)/" \
		debian/control.in >$(DEB_ROOT)/DEBIAN/control
	cd $(DEB_ROOT) && find usr lib -type f -exec md5sum {} + | sort -k 2 \
		>DEBIAN/md5sums
	dpkg-deb --root-owner-group -Zxz --build $(DEB_ROOT) $@
	@echo "deb: $@"

# Self-contained programs for a host of another distribution: glibc and
# every library linked statically (build/static). Debian ships no libcjson.a
# or libmnl.a: build-aux/static-deps.sh builds them from Debian's source
# packages. nacl-probe and nacl-report need cJSON; nacl-agent libmnl too.
STATIC_DIR := build/static
STATIC_DEPS := $(abspath $(STATIC_DIR))/deps
STATIC_MAKE = $(MAKE) BUILDDIR=$(STATIC_DIR) LDFLAGS=-static \
	PKG_CONFIG="env PKG_CONFIG_PATH=$(STATIC_DEPS)/pkgconfig pkg-config" \
	PKG_CONFIG_LIBS="--static --libs" \
	EXTRA_LIBS="-lssl -lcrypto -ldl -lpthread"
static-probe:
	-sh build-aux/static-deps.sh $(STATIC_DEPS)
	@test -f $(STATIC_DEPS)/lib/libcjson.a || \
		{ echo "static: no libcjson.a (see above)" >&2; exit 1; }
	$(STATIC_MAKE) PKGS="libevent libcjson ldns libsodium yaml-0.1" \
		$(STATIC_DIR)/nacl-probe $(STATIC_DIR)/nacl-report
	@ls -l $(STATIC_DIR)/nacl-probe $(STATIC_DIR)/nacl-report
static: static-probe
	@test -f $(STATIC_DEPS)/lib/libmnl.a || \
		{ echo "static: nacl-agent needs libmnl.a, which Debian's" \
			"source of libmnl would give (see above); nacl-probe" \
			"and nacl-report are in $(STATIC_DIR)" >&2; exit 1; }
	$(STATIC_MAKE) $(STATIC_DIR)/nacl-agent
	@ls -l $(STATIC_DIR)/nacl-agent

clean:
	rm -rf $(BUILDDIR) nacl-probe nacl-agent nacl-report

-include $(shell find $(BUILDDIR) -name '*.d' 2>/dev/null)
