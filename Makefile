# dbs - keep a SQLite database in step with a SQL Server or Sybase view.
#
#   make            build bin/dbs-extract and bin/dbs-load (into $(O)/)
#   make check      install missing Debian packages, build, run all tests,
#                   then run them again under ASan+UBSan
#   make lint       clang-format, cppcheck, shellcheck, mandoc -Tlint
#   make check-server  the end-to-end tests against a real server named by
#                   DBS_TEST_SERVER & co. (tests/server/README); skipped
#                   when none is named
#   make bench-server  the syncs of make bench against that server
#                   (tests/bench/server.sh)
#   make demo       sync the bundled demo source into demo.db, twice
#   make install    PREFIX=/usr/local DESTDIR=: the programs, man pages,
#                   systemd units and bash completion
#   make deb        the Debian package, $(O)/dbs_VERSION_ARCH.deb
#   make FREETDS_PREFIX=/opt/freetds O=build-ftds
#                   build against a FreeTDS installed there (1.4 or later
#                   for --encrypt strict) instead of the system's

VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MAN1DIR = $(PREFIX)/share/man/man1
MAN5DIR = $(PREFIX)/share/man/man5
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
O ?= build

CC ?= cc
SANCC ?= clang
WARN = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Werror
OPT ?= -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
SANOPT = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
DBS_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DDBS_VERSION='"$(VERSION)"' -Icommon $(FREETDS_CPPFLAGS)
DBS_CFLAGS = $(WARN) $(OPT) $(CFLAGS) -MMD -MP

COMMON_LIBS = -lcsv -lyajl -lxxhash -linih
LOAD_LIBS = -lsqlite3 -lzstd $(COMMON_LIBS)
# FREETDS_PREFIX: the headers in $(FREETDS_PREFIX)/include, the library in
# $(FREETDS_PREFIX)/lib, found at run time through the RUNPATH. Use a
# build directory of its own (O=...): objects are not rebuilt when only
# the prefix changes.
FREETDS_PREFIX ?=
FREETDS_CPPFLAGS = $(if $(FREETDS_PREFIX),-I$(FREETDS_PREFIX)/include)
comma := ,
FREETDS_LIBS = $(if $(FREETDS_PREFIX),-L$(FREETDS_PREFIX)/lib \
	-Wl$(comma)-rpath$(comma)$(FREETDS_PREFIX)/lib) -lsybdb
EXTRACT_LIBS = $(FREETDS_LIBS) $(COMMON_LIBS) -lm

COMMON_SRC = $(sort $(wildcard common/*.c))
LOAD_SRC = $(sort $(wildcard load/*.c))
EXTRACT_SRC = $(sort $(wildcard extract/*.c))
UNIT_SRC = $(sort $(filter-out tests/unit/tap.c,$(wildcard tests/unit/*.c)))

COMMON_OBJ = $(COMMON_SRC:%.c=$(O)/%.o)
LOAD_OBJ = $(LOAD_SRC:%.c=$(O)/%.o)
EXTRACT_OBJ = $(EXTRACT_SRC:%.c=$(O)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(O)/tests/unit-%)
# dbs-load with out of memory on demand, where the tests are (not in the
# sources of the Debian package)
OOM_BIN = $(if $(wildcard tests/oom/oom.c),$(O)/tests/dbs-load-oom)

PROGS = $(O)/dbs-load $(O)/dbs-extract
SCRIPTS = scripts/dbs-sync
UNITS = $(O)/dbs-sync@.service scripts/dbs-sync@.timer
COMPLETION = dbs-extract dbs-load dbs-sync
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)

all: $(PROGS) $(O)/dbs-sync $(UNIT_BIN) $(OOM_BIN)

# dbs-sync runs the dbs-extract and dbs-load beside it: a copy in $(O)
# finds the ones built with it.
$(O)/dbs-sync: scripts/dbs-sync
	@mkdir -p $(@D)
	cp scripts/dbs-sync $@
	chmod 755 $@

# the service runs the dbs-sync installed beside it; $(O)/bindir holds
# the BINDIR it was made for, rewritten when that changes, so that an
# install under another PREFIX makes the unit again
$(O)/dbs-sync@.service: scripts/dbs-sync@.service.in Makefile $(O)/bindir
	@mkdir -p $(@D)
	sed 's|@BINDIR@|$(BINDIR)|g' scripts/dbs-sync@.service.in >$@

$(O)/bindir: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(BINDIR)' | cmp -s - $@ || printf '%s\n' '$(BINDIR)' >$@

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(DBS_CPPFLAGS) $(CPPFLAGS) $(DBS_CFLAGS) -c -o $@ $<

$(O)/libdbs.a: $(COMMON_OBJ)
	rm -f $@
	$(AR) rcs $@ $(COMMON_OBJ)

$(O)/dbs-load: $(LOAD_OBJ) $(O)/libdbs.a
	$(CC) $(DBS_CFLAGS) $(LDFLAGS) -o $@ $(LOAD_OBJ) $(O)/libdbs.a $(LOAD_LIBS)

$(O)/dbs-extract: $(EXTRACT_OBJ) $(O)/libdbs.a
	$(CC) $(DBS_CFLAGS) $(LDFLAGS) -o $@ $(EXTRACT_OBJ) $(O)/libdbs.a \
		$(EXTRACT_LIBS)

$(O)/tests/unit-%: $(O)/tests/unit/%.o $(O)/tests/unit/tap.o $(O)/libdbs.a
	$(CC) $(DBS_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/tests/unit/tap.o \
		$(O)/libdbs.a $(LOAD_LIBS)

# the unit test of a loader module links that module too
$(O)/tests/unit/storage.o: DBS_CPPFLAGS += -Iload
$(O)/tests/unit-storage: $(O)/tests/unit/storage.o $(O)/tests/unit/tap.o \
		$(O)/load/storage.o $(O)/libdbs.a
	$(CC) $(DBS_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/tests/unit/tap.o \
		$(O)/load/storage.o $(O)/libdbs.a $(LOAD_LIBS)

# dbs-load with out of memory on demand (tests/oom/oom.c), for the tests
OOM_WRAP = -Wl,--wrap=sqlite3_vmprintf,--wrap=sqlite3_mprintf \
	-Wl,--wrap=sqlite3_str_finish
$(O)/tests/dbs-load-oom: $(LOAD_OBJ) $(O)/tests/oom/oom.o $(O)/libdbs.a
	$(CC) $(DBS_CFLAGS) $(LDFLAGS) $(OOM_WRAP) -o $@ $(LOAD_OBJ) \
		$(O)/tests/oom/oom.o $(O)/libdbs.a $(LOAD_LIBS)

-include $(wildcard $(O)/*/*.d $(O)/tests/unit/*.d $(O)/tests/oom/*.d)

# ---- tests ----

deps:
	sh scripts/deps.sh

# test: run every test against the build in $(O) (no package installs).
test: all
	DBS_BUILD=$(CURDIR)/$(O) CC='$(CC)' DBS_TEST_CFLAGS='$(OPT)' sh tests/run

demo: deps all
	DBS_BUILD=$(CURDIR)/$(O) bash scripts/demo.sh

check: deps
	$(MAKE) test
	$(MAKE) O=build-san CC=$(SANCC) OPT='$(SANOPT)' test
	$(MAKE) fuzz-smoke
	$(MAKE) bench-smoke

# check-server: the end-to-end tests against the real server named by
# DBS_TEST_SERVER, DBS_TEST_DATABASE, DBS_TEST_USER, DBS_TEST_PASSWORD_FILE
# (tests/server/README); one line and success when none is named. Never
# part of check.
check-server:
	@if [ -n "$${DBS_TEST_SERVER-}" ]; then \
		$(MAKE) --no-print-directory all $(O)/tests/dbsql; fi
	@DBS_BUILD=$(CURDIR)/$(O) bash tests/server/run

$(O)/tests/dbsql: tests/server/dbsql.c
	@mkdir -p $(@D)
	$(CC) $(DBS_CPPFLAGS) $(CPPFLAGS) $(DBS_CFLAGS) $(LDFLAGS) -o $@ \
		tests/server/dbsql.c -lsybdb

# ---- benchmarks and torture (long runs; their smokes are in check) ----

# bench: the issue-4 scenarios side by side with their anchors; writes
# tests/bench/RESULTS.md and plot.png. BENCH_ARGS=--quick: 100k and 1M.
bench: deps all
	DBS_BUILD=$(CURDIR)/$(O) bash tests/bench/run.sh $(BENCH_ARGS)

bench-smoke: all
	DBS_BUILD=$(CURDIR)/$(O) bash tests/bench/run.sh --smoke

# bench-scale: dbs-load at 5M, 20M and 50M rows against sqlite3 .import
# (issue 10); writes tests/bench/SCALE.md. The data goes outside the
# repository: BENCH_SCALE_DIR (default /var/tmp/dbs-bench-scale), about
# 50 GB at 50M rows. As root every timed run starts with the page cache
# dropped and is held to a page cache of 512 MiB in a memory cgroup,
# filled just before it (--cache bounded; --cache cold without the
# cgroup), so that no size gains from what stayed cached.
# SCALE_ARGS: e.g. --sizes "1000000 2000000" --runs 1 --cache warm.
bench-scale: deps all
	DBS_BUILD=$(CURDIR)/$(O) bash tests/bench/scale.sh $(SCALE_ARGS)

# bench-server: the syncs of bench (full, keys, segments; no change and 1%
# changed) against the real server of check-server (DBS_TEST_SERVER & co.,
# tests/server/README); writes tests/bench/RESULTS-server.md. A schema
# dbs_bench_<random> is made and dropped. Never part of check.
# SERVER_BENCH_ARGS: e.g. --rows 100000 --runs 3.
bench-server: all $(O)/tests/dbsql
	DBS_BUILD=$(CURDIR)/$(O) bash tests/bench/server.sh $(SERVER_BENCH_ARGS)

# torture: crashes, damaged streams, concurrency, extraction faults and
# random typed round trips for TORTURE_SECONDS (its smoke runs in
# tests/run through tests/torture/smoke.sh).
TORTURE_SECONDS ?= 600
torture: deps all
	DBS_BUILD=$(CURDIR)/$(O) CC='$(CC)' DBS_TEST_CFLAGS='$(OPT)' \
		bash tests/torture/run.sh --seconds $(TORTURE_SECONDS)

# ---- fuzzing (libFuzzer; the library is compiled in to be instrumented) ----

FUZZCC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_ARGS = -dict=tests/fuzz/stream.dict -max_len=4096 -artifact_prefix=$(O)/

$(O)/fuzz_reader: tests/fuzz/fuzz_reader.c $(COMMON_SRC) $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(FUZZCC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(DBS_CPPFLAGS) -o $@ \
		tests/fuzz/fuzz_reader.c $(COMMON_SRC) $(COMMON_LIBS)

# fuzz: FUZZ_SECONDS of fuzzing, growing the corpus in $(O)/fuzz-corpus.
fuzz: deps $(O)/fuzz_reader
	mkdir -p $(O)/fuzz-corpus
	$(O)/fuzz_reader $(FUZZ_ARGS) -max_total_time=$(FUZZ_SECONDS) \
		$(O)/fuzz-corpus tests/fixtures/stream

# fuzz-smoke: a short deterministic run from the fixtures alone.
fuzz-smoke: $(O)/fuzz_reader
	rm -rf $(O)/fuzz-smoke && mkdir -p $(O)/fuzz-smoke
	$(O)/fuzz_reader $(FUZZ_ARGS) -seed=1 -runs=200000 \
		$(O)/fuzz-smoke tests/fixtures/stream

# ---- lint ----

C_FILES = $(wildcard common/*.[ch] load/*.[ch] extract/*.[ch] tests/unit/*.[ch] \
	tests/oom/*.c tests/fuzz/*.c tests/bench/*.c tests/torture/*.[ch] tests/tds/*.c \
	tests/fixtures/extract/*.c tests/server/*.c)
SH_FILES = $(wildcard scripts/*.sh tests/*.sh tests/*/*.sh tests/run .ci/run \
	tests/server/run) $(SCRIPTS) scripts/completion.bash

lint: deps
	clang-format --dry-run --Werror $(C_FILES)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -D__GNUC__ -Icommon \
		--suppress=missingIncludeSystem $(C_FILES)
	shellcheck -x $(wildcard $(SH_FILES))
	mandoc -Tlint -Wwarning $(MAN1) $(MAN5)

# ---- install ----

install: all $(UNITS)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(MAN5DIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(PROGS) $(SCRIPTS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(MAN1) $(DESTDIR)$(MAN1DIR)/
	install -m 644 $(MAN5) $(DESTDIR)$(MAN5DIR)/
	install -m 644 $(UNITS) $(DESTDIR)$(UNITDIR)/
	for f in $(COMPLETION); do \
		install -m 644 scripts/completion.bash \
			$(DESTDIR)$(COMPLETIONDIR)/$$f || exit; done

uninstall:
	for f in $(notdir $(PROGS) $(SCRIPTS)); do rm -f $(DESTDIR)$(BINDIR)/$$f; done
	for f in $(notdir $(MAN1)); do rm -f $(DESTDIR)$(MAN1DIR)/$$f; done
	for f in $(notdir $(MAN5)); do rm -f $(DESTDIR)$(MAN5DIR)/$$f; done
	for f in $(notdir $(UNITS)); do rm -f $(DESTDIR)$(UNITDIR)/$$f; done
	for f in $(COMPLETION); do rm -f $(DESTDIR)$(COMPLETIONDIR)/$$f; done

# ---- the Debian package ----

# deb: dpkg-buildpackage on a copy of the sources in $(O)/deb (the build
# there does not touch this tree's build directories); the package is
# copied to $(O). debian/changelog must name $(VERSION).
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_SRC = Makefile README.md common extract load man scripts debian

deb:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "deb: debian/changelog says $$v, the Makefile $(VERSION)" >&2; \
		exit 1; fi
	rm -rf $(O)/deb
	mkdir -p $(O)/deb/dbs-$(VERSION)
	tar -cf - $(DEB_SRC) | tar -xf - -C $(O)/deb/dbs-$(VERSION)
	cd $(O)/deb/dbs-$(VERSION) && DEB_BUILD_OPTIONS=parallel=2 \
		dpkg-buildpackage -b -us -uc
	cp $(O)/deb/dbs_$(VERSION)_$(DEB_ARCH).deb $(O)/
	@echo "deb: $(O)/dbs_$(VERSION)_$(DEB_ARCH).deb"

clean:
	rm -rf build build-san build-*

FORCE:

.PHONY: FORCE all deps demo test check check-server fuzz fuzz-smoke bench bench-smoke bench-scale bench-server torture lint install uninstall deb clean
.SECONDARY:
