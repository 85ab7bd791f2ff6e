#!/bin/bash
# t2090-extract-freetds-prefix.sh - make FREETDS_PREFIX=DIR builds
# dbs-extract against the FreeTDS under DIR (for example 1.4 or later,
# for --encrypt strict): its headers at compile time, its library at link
# and run time (RUNPATH). The prefix here holds the system's FreeTDS,
# copied and linked, so the test needs no second FreeTDS. Built at -O0,
# which also shows that the link has every library (-lm: floor()).
. "$(dirname "$0")/lib.sh"

ft=$SCRATCH/freetds
mkdir -p "$ft/include" "$ft/lib"
for h in sybdb.h sybfront.h syberror.h tds_sysdep_public.h; do
	cp "/usr/include/$h" "$ft/include/"
done
lib=$(cc -print-file-name=libsybdb.so)
ln -s "$(readlink -f "$lib")" "$ft/lib/libsybdb.so"

run make -s -C "$TOP" O="$SCRATCH/build" OPT=-O0 FREETDS_PREFIX="$ft" \
	"$SCRATCH/build/dbs-extract"
is_status 0 "make FREETDS_PREFIX=DIR: exit status"
ok "compiled with the prefix's sybdb.h" \
	grep -q "^$ft/include/sybdb.h:$" "$SCRATCH/build/extract/conn.d"
is "$(readelf -d "$SCRATCH/build/dbs-extract" |
	sed -n 's/.*(RUNPATH).*\[\(.*\)\]$/\1/p')" "$ft/lib" \
	"linked with the prefix's lib as RUNPATH"
run "$SCRATCH/build/dbs-extract" --version
is_status 0 "the program runs"
is "$(cut -d' ' -f1,2 stdout)" "dbs-extract 0.1.0" "its version"

done_testing
