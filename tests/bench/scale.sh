#!/usr/bin/env bash
# scale.sh - `make bench-scale` (issue 10): dbs-load at 5M, 20M and 50M
# rows against the anchor `sqlite3 .import` of the same rows, to show
# where time and memory go as the table grows. The tables are what a
# view synced with strategy segments keeps (tests/bench/gen.c --fp: the
# bench view's 10 columns and each row's fingerprint, _dbs_fp).
#
# usage: scale.sh [--sizes "N ..."] [--runs N] [--dir DIR] [--keep]
#                 [--cache bounded|cold|warm]
#
#   --sizes  row counts, ascending (default "5000000 20000000 50000000")
#   --runs   timed runs per scenario (default 3; no warm-up: each run is
#            long)
#   --dir    where the data and the databases go (default
#            $BENCH_SCALE_DIR or /var/tmp/dbs-bench-scale: outside the
#            repository; about 900 bytes a row of the largest size)
#   --keep   keep each size's data (default: removed before the next)
#   --cache  bounded: as cold, and every timed run is held to a page
#            cache of BENCH_CACHE_MIB (default 512) MiB in a memory
#            cgroup of its own, filled just before the run (outside the
#            time) with a file of that size, so that every size outgrows
#            the cache alike and the pages a run reads into it are ones
#            the kernel has just taken back, not fresh memory (on a VM
#            that gives free memory back to its host, such as this
#            Firecracker machine with page_reporting, the first touch of
#            a page after a few idle seconds costs about 10 us: 8 s of
#            system time to read 3.3 GB, against 0.7 s right after a
#            drop). Needs root and a cgroup memory controller (v1, or v2
#            with memory in the current cgroup's subtree_control).
#            cold: before every timed run, write back dirty pages and
#            drop the kernel's page cache (needs root: writes
#            /proc/sys/vm/drop_caches), so that every run of every size
#            reads its input and its database from the disk. warm:
#            leave the cache alone (what a run sees then depends on what
#            the machine did before). Default bounded where it can be
#            set up, else cold as root, else warm.
#
# Per size, timed in interleaved rounds (one run of each per round):
#   import   sqlite3 .import --csv of the rows into a typed table (anchor)
#   load     dbs-load of the snapshot into a new database
# then over the loaded table (each round leaves it as it was):
#   same     dbs-load of the identical snapshot (a no-change merge)
#   merge    dbs-load of the next snapshot (1% changed, 0.5% deleted,
#            0.5% new), and merge back, dbs-load of the base snapshot
#   delta    dbs-load of what a segments sync sends for a change of the
#            same size at every N (1% of the first million rows changed,
#            0.5% deleted, 5000 new: a stream of version 2 with the
#            ranges it covers, gen.c delta), and undo, its way back
#   serve    dbs-load --serve answering what dbs-extract --strategy
#            segments asks when nothing changed (span, the grid of 256
#            cells that counts the rows, the grid of cells of 16 rows that
#            is compared with the server's) - the local side of a
#            no-change segments sync
# Ratios are to the import of the same size. Writes a table to stdout,
# and with BENCH_OUT (default tests/bench) SCALE.md. Environment as
# run.sh: DBS_BUILD, BENCH_CC, BENCH_CFLAGS, BENCH_COMMIT.
set -eu

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/../.." && pwd)
: "${DBS_BUILD:=$TOP/build}"
export LC_ALL=C.UTF-8 TZ=UTC

sizes="5000000 20000000 50000000"
runs=3
WORK=${BENCH_SCALE_DIR:-/var/tmp/dbs-bench-scale}
keep=0
cache=
while [ $# -gt 0 ]; do
	case "$1" in
	--sizes | --runs | --dir | --cache)
		[ $# -ge 2 ] || { echo "scale.sh: $1 needs a value" >&2; exit 2; }
		case "$1" in
		--sizes) sizes=$2 ;;
		--runs) runs=$2 ;;
		--dir) WORK=$2 ;;
		--cache) cache=$2 ;;
		esac
		shift
		;;
	--keep) keep=1 ;;
	*)
		echo 'usage: scale.sh [--sizes "N ..."] [--runs N] [--dir DIR] [--keep] [--cache bounded|cold|warm]' >&2
		exit 2
		;;
	esac
	shift
done
case "$runs" in
*[!0-9]* | '' | 0) echo "scale.sh: --runs: not a positive number: $runs" >&2; exit 2 ;;
esac
DROP=/proc/sys/vm/drop_caches
CACHE_MIB=${BENCH_CACHE_MIB:-512}
case "$CACHE_MIB" in
*[!0-9]* | '' | 0) echo "scale.sh: BENCH_CACHE_MIB: not a positive number: $CACHE_MIB" >&2; exit 2 ;;
esac
CG='' CG_LIMIT='' # the memory cgroup of --cache bounded, and its limit file

# cg_make: make the cgroup of --cache bounded, a child of this shell's
# memory cgroup (v1, or v2 with the memory controller enabled for its
# children), or fail.
cg_make() {
	local parent
	if [ -d /sys/fs/cgroup/memory ]; then
		parent=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
		CG_LIMIT=memory.limit_in_bytes
	elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		parent=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
		grep -qw memory "$parent/cgroup.subtree_control" 2>/dev/null || return 1
		CG_LIMIT=memory.max
	else
		return 1
	fi
	CG=${parent%/}/dbs-bench-scale.$$
	mkdir "$CG" 2>/dev/null || { CG=''; return 1; }
	if ! echo $((CACHE_MIB << 20)) >"$CG/$CG_LIMIT" 2>/dev/null; then
		rmdir "$CG"
		CG=''
		return 1
	fi
}

case "$cache" in
'')
	if [ -w "$DROP" ] && cg_make; then
		cache=bounded
	elif [ -w "$DROP" ]; then
		cache=cold
	else
		cache=warm
	fi
	;;
bounded)
	[ -w "$DROP" ] || { echo "scale.sh: --cache bounded: $DROP is not writable (run as root)" >&2; exit 2; }
	cg_make || { echo "scale.sh: --cache bounded: cannot make a memory cgroup (needs a cgroup memory controller this shell may use)" >&2; exit 2; }
	;;
cold) [ -w "$DROP" ] || { echo "scale.sh: --cache cold: $DROP is not writable (run as root)" >&2; exit 2; } ;;
warm) ;;
*) echo "scale.sh: --cache: not bounded, cold or warm: $cache" >&2; exit 2 ;;
esac
# The cgroup goes when the script does; its processes are gone by then.
[ -z "$CG" ] || trap 'rmdir "$CG" 2>/dev/null || true' EXIT

DATA=$WORK/data
RUN=$WORK/run
# shellcheck source=SCRIPTDIR/lib.sh
. "$BENCH/lib.sh"
for tool in sqlite3 cc python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run make deps)"
done
[ -x "$DBS_BUILD/dbs-load" ] || die "$DBS_BUILD/dbs-load not built"
case "$(cd "$WORK" 2>/dev/null && pwd || echo "$WORK")/" in
"$TOP"/*) die "--dir $WORK is inside the repository; put the data elsewhere" ;;
esac
mkdir -p "$DATA" "$RUN" "$WORK/bin"
rm -f "$RUN"/*.time "$RUN"/*.db "$RUN"/*.db-*
LOAD=$DBS_BUILD/dbs-load

SCHEMA='CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, code TEXT NOT NULL,
name TEXT NOT NULL, amount TEXT NOT NULL, qty INTEGER NOT NULL,
ratio REAL NOT NULL, flag INTEGER NOT NULL, created TEXT NOT NULL,
note TEXT, guid TEXT NOT NULL, _dbs_fp INTEGER NOT NULL);'
printf '%s\n' "$SCHEMA" >"$RUN/schema.sql"

# need_disk N: die unless DIR's file system has room for size N (the
# bytes per row measured on the data of an earlier size, else 170).
need_disk() {
	local n=$1 per=170 avail need f m
	for f in "$DATA"/base-*.csv; do
		[ -s "$f" ] || continue
		m=${f##*/base-}
		per=$(($(stat -c %s "$f") / ${m%.csv} + 1))
	done
	# base.csv, base.plain, next.csv, two databases, a WAL and slack
	need=$((n * per * 11 / 2))
	avail=$(($(df -Pk "$WORK" | awk 'NR == 2 { print $4 }') * 1024))
	[ "$avail" -ge "$need" ] ||
		die "$n rows need about $((need >> 30)) GiB in $WORK, $((avail >> 30)) GiB free"
}

# timed NAME COMMAND: run the sh command line (a simple command) once
# through rusage.c, appending "wall user sys maxrss_kib anon_kib" to
# NAME.time; die if it fails. sh execs the command, so that rusage.c
# samples the command's own memory, not sh's.
# With --cache cold or bounded the page cache is emptied first, and with
# bounded the run's cgroup is filled with the filler file (both outside
# the time); then rusage.c and the command run in the cgroup.
timed() {
	local enter=
	if [ "$cache" != warm ]; then
		sync
		echo 3 >"$DROP" || die "cannot drop the page cache ($DROP)"
	fi
	if [ "$cache" = bounded ]; then
		enter="echo \$\$ >$(q "$CG/cgroup.procs") && "
		sh -c "${enter}exec cat $(q "$FILLER")" >/dev/null ||
			die "cannot fill the cgroup $CG"
	fi
	sh -c "${enter}exec $(q "$WORK/bin/dbs-bench-rusage") $(q "$RUN/$1.time") sh -c $(q "exec $2")" ||
		die "$1: failed: $2"
}

# gen N VARIANT [PLAIN]: the stream of VARIANT at N rows (and its plain
# CSV), unless there.
gen() {
	local f=$DATA/$2-$1.csv
	[ -s "$f" ] && { [ -z "${3:-}" ] || [ -s "$3" ]; } && return 0
	say "generating $2 of $1 rows"
	"$WORK/bin/dbs-bench-gen" --fp "$1" "$2" "$f.tmp" "${3:-/dev/null}"
	mv "$f.tmp" "$f"
}

# unchanged DB N: die unless table t of DB holds the base snapshot.
unchanged() {
	local out
	out=$("$LOAD" --db "$1" --table t --dry-run --allow-older \
		--summary json <"$DATA/base-$2.csv")
	case "$out" in
	*'"inserted":0,"updated":0,"deleted":0'*) ;;
	*) die "$2 rows: the table is not the base snapshot after the runs: $out" ;;
	esac
}

# size N: every scenario at N rows.
size() {
	local n=$1 r db=$RUN/load.db ai=$RUN/import.db top w
	need_disk "$n"
	gen "$n" base "$DATA/base-$n.plain"
	for ((r = 1; r <= runs; r++)); do
		say "$n rows, round $r of $runs: import load"
		sh -c "$(fresh "$ai")"
		sqlite3 "$ai" <"$RUN/schema.sql"
		timed "import-$n" "sqlite3 $(q "$ai") $(q ".import --csv $DATA/base-$n.plain t")"
		sh -c "$(fresh "$ai")"
		sh -c "$(fresh "$db")"
		timed "load-$n" "$(q "$LOAD") --db $(q "$db") --table t --quiet <$(q "$DATA/base-$n.csv")"
	done
	rm -f "$DATA/base-$n.plain"
	gen "$n" next
	gen "$n" delta
	gen "$n" undo
	# The grids of a segments sync: 256 cells of 16^k keys covering the
	# span from the first key (1), then cells of 16 keys (dense keys).
	w=1
	while [ $((w * 256)) -lt "$n" ]; do w=$((w * 16)); done
	top=$((1 + 256 * w))
	printf '5:hello\n4:span\n4:grid1:1%d:%d%d:%d\n4:grid1:1%d:%d2:16\n3:bye\n' \
		"${#top}" "$top" "${#w}" "$w" "${#top}" "$top" >"$RUN/serve.req"
	for ((r = 1; r <= runs; r++)); do
		say "$n rows, round $r of $runs: same merge delta serve"
		timed "same-$n" "$(q "$LOAD") --db $(q "$db") --table t --quiet --allow-older <$(q "$DATA/base-$n.csv")"
		timed "merge-$n" "$(q "$LOAD") --db $(q "$db") --table t --quiet --allow-older <$(q "$DATA/next-$n.csv")"
		timed "mergeback-$n" "$(q "$LOAD") --db $(q "$db") --table t --quiet --allow-older <$(q "$DATA/base-$n.csv")"
		timed "delta-$n" "$(q "$LOAD") --db $(q "$db") --table t --quiet --allow-older <$(q "$DATA/delta-$n.csv")"
		timed "undo-$n" "$(q "$LOAD") --db $(q "$db") --table t --quiet --allow-older <$(q "$DATA/undo-$n.csv")"
		timed "serve-$n" "$(q "$LOAD") --db $(q "$db") --serve t <$(q "$RUN/serve.req") >$(q "$RUN/serve.out")"
	done
	[ "$(grep -c '^4:cell' "$RUN/serve.out")" -gt $((n / 16)) ] ||
		die "serve: too few cells: $(head -c 300 "$RUN/serve.out")"
	rm -f "$RUN/serve.out"
	unchanged "$db" "$n"
	sh -c "$(fresh "$db")"
	[ "$keep" = 1 ] || rm -f "$DATA"/*-"$n".csv
}

FILLER=$WORK/filler
if [ "$cache" = bounded ] &&
	[ "$(stat -c %s "$FILLER" 2>/dev/null || echo 0)" != $((CACHE_MIB << 20)) ]; then
	head -c $((CACHE_MIB << 20)) /dev/zero >"$FILLER" || die "cannot write $FILLER"
fi
say "sizes $sizes, $runs run(s) each, $cache cache${CG:+ ($CACHE_MIB MiB)}, data in $WORK, build $DBS_BUILD"
commit=${BENCH_COMMIT:-$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)}
cut -d' ' -f1-3 /proc/loadavg >"$RUN/loadavg.start"
build_gen
build_rusage
for n in $sizes; do
	size "$n"
done
cut -d' ' -f1-3 /proc/loadavg >"$RUN/loadavg.end"
python3 "$BENCH/scale_report.py" --sizes "$sizes" --runs "$runs" \
	--cache "$cache" --cache-mib "$CACHE_MIB" --commit "$commit" --out "${BENCH_OUT:-$BENCH}/SCALE.md" "$RUN"
