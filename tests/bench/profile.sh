#!/usr/bin/env bash
# profile.sh - where does dbs-load spend its time? Runs one loader
# scenario of the bench workload under perf (software cpu-clock sampling,
# which works without hardware counters) or callgrind (instruction counts,
# repeatable), and prints the top functions and the share per library.
#
# usage: profile.sh [--callgrind] [load|same|merge|replace|read] [N]
#
#   load     initial load into an empty database (default)
#   same     merge of the identical snapshot over the loaded base
#   merge    merge of the 1%-changed snapshot
#   replace  --mode replace with the changed snapshot
#   read     the libdbs stream reader alone (tests/bench/read.c)
#   N        rows (default 1000000; with --callgrind 100000)
#
# Environment: DBS_BUILD, BENCH_WORK, BENCH_CC, BENCH_CFLAGS as for
# run.sh. Output files stay in $BENCH_WORK/prof/.
set -eu

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/../.." && pwd)
: "${DBS_BUILD:=$TOP/build}"
WORK=${BENCH_WORK:-$BENCH/work}
DATA=$WORK/data
PROF=$WORK/prof
export LC_ALL=C.UTF-8 TZ=UTC

# shellcheck source=SCRIPTDIR/lib.sh
. "$BENCH/lib.sh"

tool=perf
if [ "${1:-}" = --callgrind ]; then
	tool=callgrind
	shift
fi
scen=${1:-load}
if [ "$tool" = callgrind ]; then n=${2:-100000}; else n=${2:-1000000}; fi
case "$scen" in
load | same | merge | replace | read) ;;
*)
	echo "usage: profile.sh [--callgrind] [load|same|merge|replace|read] [N]" >&2
	exit 2
	;;
esac
case "$n" in
'' | *[!0-9]* | 0) die "N: not a positive number: $n" ;;
esac
if [ "$tool" = perf ]; then need=perf; else need=valgrind; fi
command -v "$need" >/dev/null 2>&1 || die "$need not found"

mkdir -p "$DATA" "$PROF" "$WORK/bin"
build_gen
gen_data "$n"
db=$PROF/target.db
rm -f "$db" "$db-wal" "$db-shm" "$db-journal"

prog=("$DBS_BUILD/dbs-load" --db "$db" --table t)
input=$DATA/base-$n.csv
case "$scen" in
read)
	build_reader || die "$READER_WHY"
	prog=("$WORK/bin/dbs-bench-read")
	;;
load) ;;
*)
	say "loading the base snapshot of $n rows"
	"${prog[@]}" <"$input" || die "loading the base failed"
	[ "$scen" = same ] || input=$DATA/next-$n.csv
	[ "$scen" != replace ] || prog+=(--mode replace)
	;;
esac
[ -x "${prog[0]}" ] || die "${prog[0]} not built"

out=$PROF/$scen-$n.$tool
say "profiling $scen of $n rows with $tool into $out"
if [ "$tool" = perf ]; then
	perf record -q -e cpu-clock -F 1999 -g -o "$out" -- "${prog[@]}" \
		<"$input" >/dev/null
	echo "== share per library (self time) =="
	perf report -i "$out" --stdio --no-children -g none --sort dso \
		2>/dev/null |
		grep -E '^ +[0-9]' | head -12
	echo "== top functions (self time) =="
	perf report -i "$out" --stdio --no-children -g none \
		--sort dso,symbol 2>/dev/null | grep -E '^ +[0-9]' | head -30
else
	valgrind --tool=callgrind --callgrind-out-file="$out" "${prog[@]}" \
		<"$input" >/dev/null 2>"$out.log" ||
		{ cat "$out.log" >&2; die "callgrind run failed"; }
	echo "== top functions (instructions, self) =="
	callgrind_annotate "$out" 2>/dev/null | sed -n '1,45p'
	echo "== inclusive =="
	callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
		grep -E '^ *[0-9,]+ ' | head -30
fi
