#!/bin/bash
# t0020-install.sh - make install and make uninstall with PREFIX and
# DESTDIR: the programs, dbs-sync and the man pages, with their modes;
# the installed programs run.
. "$(dirname "$0")/lib.sh"

inst=$SCRATCH/root
run make -s -C "$TOP" O="$DBS_BUILD" PREFIX=/opt/dbs DESTDIR="$inst" install
is_status 0 "make install"
is "$(cd "$inst" && find . -type f -printf '%m %p\n' | sort)" \
	"644 ./opt/dbs/share/man/man1/dbs-extract.1
644 ./opt/dbs/share/man/man1/dbs-load.1
644 ./opt/dbs/share/man/man1/dbs-sync.1
644 ./opt/dbs/share/man/man5/dbs-stream.5
644 ./opt/dbs/share/man/man5/dbs.conf.5
755 ./opt/dbs/bin/dbs-extract
755 ./opt/dbs/bin/dbs-load
755 ./opt/dbs/bin/dbs-sync" "installed files and modes"
run "$inst/opt/dbs/bin/dbs-load" --version
expect 0 "dbs-load 0.1.0" "" "installed dbs-load runs"
run "$inst/opt/dbs/bin/dbs-sync" --version
expect 0 "dbs-sync 0.1.0" "" "installed dbs-sync runs"

run make -s -C "$TOP" O="$DBS_BUILD" PREFIX=/opt/dbs DESTDIR="$inst" uninstall
is_status 0 "make uninstall"
is "$(find "$inst" -type f | wc -l)" 0 "nothing left after uninstall"

done_testing
