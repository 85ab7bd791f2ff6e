#!/usr/bin/env bash
# run.sh - the dbs benchmark (issue 4; `make bench`). Generates a
# deterministic business-like view (tests/bench/gen.c), then times, side
# by side in one run with hyperfine, dbs-load against the anchor
# `sqlite3 .import` (initial load, merge of the identical snapshot, merge
# of a 1%-changed snapshot, replace), measures dbs-load's peak RSS at
# each size, and dbs-extract against freebcp through the TDS test server
# (client CPU time) and `dbs-extract | dbs-load` against dbs-extract
# alone, and what a zstd-compressed snapshot of dbs-sync costs (size,
# the tee step's CPU, a replay). Prints a table and writes tests/bench/RESULTS.md and plot.png.
#
# usage: run.sh [--smoke | --quick] [--runs N] [--strict]
#
#   --smoke   tiny sizes, one run each, results in a scratch directory
#             (for `make check`: fails if any command fails, no targets)
#   --quick   100k and 1M rows only
#   (default) 100k, 1M and 5M rows
#   --runs N  timed runs per scenario (default 5; --smoke: 1)
#   --strict  exit 1 if a target is missed
#
# Environment: DBS_BUILD (directory with dbs-load and dbs-extract;
# default build/ at the top of the repo), BENCH_WORK (scratch directory;
# default tests/bench/work), BENCH_CC and BENCH_CFLAGS (compiler and
# extra flags for the bench helpers, e.g. the sanitizer flags of the
# build whose libdbs.a read.c links with), BENCH_OUT (where RESULTS.md
# and plot.png go; default tests/bench; --smoke: the scratch directory),
# BENCH_COMMIT (what the build is of, for RESULTS.md; default: git HEAD,
# flagged if common/ load/ extract/ have uncommitted changes). A program
# that is not built, or a missing TDS test server, skips its scenarios
# with a line saying so.
set -eu

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/../.." && pwd)
: "${DBS_BUILD:=$TOP/build}"
DBS_BUILD=$(cd "$DBS_BUILD" 2>/dev/null && pwd || echo "$DBS_BUILD")
export LC_ALL=C.UTF-8 TZ=UTC

mode=full
runs=""
strict=0
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) mode=smoke ;;
	--quick) mode=quick ;;
	--full) mode=full ;;
	--strict) strict=1 ;;
	--runs)
		[ $# -ge 2 ] || { echo "run.sh: --runs needs a number" >&2; exit 2; }
		runs=$2
		shift
		;;
	*)
		echo "usage: run.sh [--smoke | --quick] [--runs N] [--strict]" >&2
		exit 2
		;;
	esac
	shift
done
case "$runs" in
'') if [ "$mode" = smoke ]; then runs=1; else runs=5; fi ;;
*[!0-9]* | 0) echo "run.sh: --runs: not a positive number: $runs" >&2; exit 2 ;;
esac
warmup=1
[ "$mode" != smoke ] || warmup=0

case "$mode" in
smoke) sizes="1000 3000"; target_n=3000 ;;
quick) sizes="100000 1000000"; target_n=1000000 ;;
full) sizes="100000 1000000 5000000"; target_n=1000000 ;;
esac

# shellcheck source=SCRIPTDIR/lib.sh
. "$BENCH/lib.sh"
# shellcheck source=SCRIPTDIR/tds.sh
. "$BENCH/tds.sh"
# shellcheck source=SCRIPTDIR/sync.sh
. "$BENCH/sync.sh"

for tool in hyperfine sqlite3 cc python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run make deps)"
done

smoke_dir=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	tds_stop
	sync_stop
	[ -z "$smoke_dir" ] || rm -rf "$smoke_dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if [ "$mode" = smoke ]; then
	mkdir -p "${BENCH_WORK:-$BENCH/work}"
	WORK=$(mktemp -d "${BENCH_WORK:-$BENCH/work}/smoke.XXXXXX")
	smoke_dir=$WORK
	DATA=$WORK/data
	OUT=$WORK
else
	WORK=${BENCH_WORK:-$BENCH/work}
	DATA=$WORK/data
	OUT=${BENCH_OUT:-$BENCH}
fi
RUN=$WORK/run
rm -rf "$RUN"
mkdir -p "$DATA" "$RUN" "$WORK/bin"
SCEN=$RUN/scenarios.tsv
: >"$SCEN"

# ---- the workload ----

# The anchor's table: the columns and the SQLite storage dbs-load gives
# them (dbs-stream(5): integers, numbers, text; the decimal amount a
# REAL, as dbs-load stores a decimal of at most 15 significant digits),
# keyed by id.
SCHEMA='CREATE TABLE t(id INTEGER PRIMARY KEY NOT NULL, code TEXT NOT NULL,
name TEXT NOT NULL, amount REAL NOT NULL, qty INTEGER NOT NULL,
ratio REAL NOT NULL, flag INTEGER NOT NULL, created TEXT NOT NULL,
note TEXT, guid TEXT NOT NULL);'
printf '%s\n' "$SCHEMA" >"$RUN/schema.sql"

# ---- timing ----

G_NAME=() # the group of commands queued for run_group
G_PREP=()
G_CMD=()

# queue NAME PREPARE COMMAND: add COMMAND (a sh command line) to the
# group timed by the next run_group, PREPARE to run before each of its
# runs. Every run goes through rusage.c, appending "wall user sys
# maxrss_kib" to NAME.time, so the report gets CPU time and peak RSS per
# run. %WRAP% in COMMAND marks where the wrapper goes (default: at the
# start).
queue() {
	local cmd=$3 wrap
	wrap="$(q "$WORK/bin/dbs-bench-rusage") $(q "$RUN/$1.time")"
	case "$cmd" in
	*%WRAP%*) cmd=${cmd//%WRAP%/$wrap} ;;
	*) cmd="$wrap $cmd" ;;
	esac
	G_NAME+=("$1")
	G_PREP+=("$2")
	G_CMD+=("$cmd")
}

# run_group: time the queued commands with hyperfine in interleaved
# rounds (round r runs each command once, round 1 after a warm-up run
# of each), so that a change in the load of the shared machine hits the
# dbs command and its anchor alike. Writes NAME.rR.json per round and
# empties the group; dies if a command fails.
run_group() {
	local r i w
	for ((r = 1; r <= runs; r++)); do
		say "round $r of $runs: ${G_NAME[*]}"
		w=0
		[ "$r" -gt 1 ] || w=$warmup
		for i in "${!G_NAME[@]}"; do
			hyperfine --style basic --runs 1 --warmup "$w" \
				--prepare "${G_PREP[i]}" -n "${G_NAME[i]}" \
				--export-json "$RUN/${G_NAME[i]}.r$r.json" \
				"${G_CMD[i]}" >"$RUN/${G_NAME[i]}.out" 2>&1 ||
				group_fail "$i"
		done
	done
	G_NAME=()
	G_PREP=()
	G_CMD=()
}

# group_fail I: show why command I of the group failed, and die.
group_fail() {
	cat "$RUN/${G_NAME[$1]}.out" >&2
	say "${G_NAME[$1]}: a command failed; once more, with its messages:"
	sh -c "${G_PREP[$1]}" >&2 || true
	sh -c "${G_CMD[$1]}" >/dev/null || true
	die "${G_NAME[$1]}: a command failed"
}

# scenario ID LABEL N DBS ANCHOR METRIC TARGET: a line of the table.
# DBS and ANCHOR name bench results ("-" for none); METRIC is wall or
# cpu; TARGET the ratio to meet ("-" for none).
scenario() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$SCEN"
}

# skip ID LABEL WHY: a scenario that cannot run here.
skip() {
	say "skip $2: $3"
	printf '%s\t%s\t-\tSKIP\t%s\t-\t-\n' "$1" "$2" "$3" >>"$SCEN"
}

# ---- the loader ----

# import_plain PLAIN DB: the anchor's result, untimed (for checks).
import_plain() {
	rm -f "$2"
	sqlite3 "$2" <"$RUN/schema.sql"
	sqlite3 "$2" ".import --csv $(q "$1") t"
}

# same_rows DB ANCHOR WHAT: die unless table t of DB holds the rows of
# the anchor's (NULL notes compare equal to the anchor's empty ones,
# since .import cannot load NULL; amounts by their text with the scale,
# since SQLite's conversion of .import's text may differ from the
# nearest double in the last bit; soft-deleted rows are left out).
same_rows() {
	local cols filter="" out
	cols="id,code,name,printf('%.4f',amount),typeof(amount),qty,ratio,flag,"
	cols="${cols}created,coalesce(note,''),guid"
	if sqlite3 "$1" 'PRAGMA table_info(t)' | grep -q '|_dbs_deleted_at|'; then
		filter="WHERE _dbs_deleted_at IS NULL"
	fi
	out=$(sqlite3 "$1" "ATTACH $(sqlq "$2") AS a;
		SELECT (SELECT count(*) FROM main.t $filter) = (SELECT count(*)
		FROM a.t) AND NOT EXISTS (SELECT $cols FROM main.t $filter
		EXCEPT SELECT $cols FROM a.t);") ||
		die "$3: cannot compare with the anchor"
	[ "$out" = 1 ] || die "$3: table differs from the anchor's import"
}

# sqlq STRING: STRING as an SQL string literal.
sqlq() {
	printf "'%s'" "${1//\'/\'\'}"
}

# load_size N: every loader scenario at N rows, timed in one group.
load_size() {
	local n=$1 load base a an db ai s
	load="$(q "$DBS_BUILD/dbs-load") --db"
	base=$RUN/base-$n.db
	a=$RUN/anchor-$n.db
	an=$RUN/anchor-next-$n.db
	ai=$RUN/import.db

	queue "import-$n" "$(fresh "$ai") && sqlite3 $(q "$ai") <$(q "$RUN/schema.sql")" \
		"sqlite3 $(q "$ai") $(q ".import --csv $DATA/base-$n.plain t")"
	scenario "import-$n" "anchor alone" "$n" - "import-$n" wall -
	if [ "$n" = "$target_n" ]; then
		if build_reader; then
			queue "read-$n" true "$(q "$WORK/bin/dbs-bench-read") \
<$(q "$DATA/base-$n.csv") >/dev/null"
			scenario "read-$n" "libdbs stream reader alone" "$n" \
				"read-$n" "import-$n" wall -
		else
			skip "read-$n" "libdbs stream reader alone" "$READER_WHY"
		fi
	fi
	if [ ! -x "$DBS_BUILD/dbs-load" ]; then
		run_group
		skip "load-$n" "dbs-load scenarios" "$DBS_BUILD/dbs-load not built"
		return 0
	fi

	say "loading the base snapshot of $n rows once (untimed)"
	import_plain "$DATA/base-$n.plain" "$a"
	import_plain "$DATA/next-$n.plain" "$an"
	rm -f "$base" "$base-wal" "$base-shm"
	"$DBS_BUILD/dbs-load" --db "$base" --table t <"$DATA/base-$n.csv" ||
		die "dbs-load of the base snapshot failed"
	same_rows "$base" "$a" "initial load of $n rows"
	sqlite3 "$base" '.schema' >"$RUN/dbs-schema.sql"
	sqlite3 "$base" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null

	queue "load-$n" "$(fresh "$RUN/load.db")" \
		"$load $(q "$RUN/load.db") --table t <$(q "$DATA/base-$n.csv")"
	scenario "load-$n" "initial load" "$n" "load-$n" "import-$n" wall 0.8
	for s in same merge replace; do
		[ "$s" != replace ] || [ "$n" = "$target_n" ] || continue
		db=$RUN/$s.db
		queue "$s-$n" "$(fresh "$db") && cp $(q "$base") $(q "$db")" \
			"$load $(q "$db") --table t$(snap_args "$s" "$n")"
	done
	scenario "same-$n" "merge, identical snapshot" "$n" "same-$n" \
		"import-$n" wall 0.4
	scenario "merge-$n" "merge, 1% changed" "$n" "merge-$n" "import-$n" \
		wall 0.5
	[ "$n" != "$target_n" ] || scenario "replace-$n" \
		"replace (next snapshot)" "$n" "replace-$n" "import-$n" wall 1.0
	run_group

	same_rows "$RUN/load.db" "$a" "initial load of $n rows"
	same_rows "$RUN/same.db" "$a" "merge of the identical $n rows"
	same_rows "$RUN/merge.db" "$an" "merge of the changed $n rows"
	[ "$n" != "$target_n" ] ||
		same_rows "$RUN/replace.db" "$an" "replace with $n rows"
	for db in "$a" "$an" "$ai" "$base" "$RUN"/{load,same,merge,replace}.db; do
		rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
	done
}

# snap_args SCENARIO N: the rest of dbs-load's command line: the mode and
# the input of a merge-like scenario.
snap_args() {
	case "$1" in
	same) printf ' <%s' "$(q "$DATA/base-$2.csv")" ;;
	merge) printf ' <%s' "$(q "$DATA/next-$2.csv")" ;;
	replace) printf ' --mode replace <%s' "$(q "$DATA/next-$2.csv")" ;;
	esac
}

# ---- snapshots ----

# snapshot_size N: what a compressed snapshot costs dbs-sync at N rows:
# its size against the plain stream's, the CPU of the tee step that
# writes it (compress = zstd and none) against tee(1), which dbs-sync
# ran before, and a replay of the .csv.zst against one of the .csv.
snapshot_size() {
	local n=$1 load tee zst=$RUN/snap.csv.zst base=$RUN/snap-base.db db
	if [ ! -x "$DBS_BUILD/dbs-load" ]; then
		skip "snap-$n" "snapshot scenarios" "$DBS_BUILD/dbs-load not built"
		return 0
	fi
	load="$(q "$DBS_BUILD/dbs-load")"
	tee="$load --sync tee"
	: >"$zst.part"
	"$DBS_BUILD/dbs-load" --sync tee "$zst.part" -- \
		<"$DATA/base-$n.csv" >/dev/null || die "the tee step failed"
	mv "$zst.part" "$zst"
	printf '%s %s\n' "$(wc -c <"$DATA/base-$n.csv")" "$(wc -c <"$zst")" \
		>"$RUN/snapsize-$n"
	rm -f "$base" "$base-wal" "$base-shm"
	"$DBS_BUILD/dbs-load" --db "$base" --table t --quiet \
		<"$DATA/base-$n.csv" || die "dbs-load of the base snapshot failed"
	sqlite3 "$base" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	db=$RUN/replay.db
	queue "teecore-$n" "rm -f $(q "$RUN/t.part")" \
		"tee $(q "$RUN/t.part") <$(q "$DATA/base-$n.csv") >/dev/null"
	queue "teenone-$n" ": >$(q "$RUN/t.csv.snapshot.part")" \
		"$tee $(q "$RUN/t.csv.snapshot.part") -- <$(q "$DATA/base-$n.csv") >/dev/null"
	queue "teezstd-$n" ": >$(q "$RUN/t.csv.zst.part")" \
		"$tee $(q "$RUN/t.csv.zst.part") -- <$(q "$DATA/base-$n.csv") >/dev/null"
	queue "replaycsv-$n" "$(fresh "$db") && cp $(q "$base") $(q "$db")" \
		"$load --db $(q "$db") --table t --quiet $(q "$DATA/base-$n.csv")"
	queue "replayzst-$n" "$(fresh "$db") && cp $(q "$base") $(q "$db")" \
		"$load --db $(q "$db") --table t --quiet --allow-older $(q "$zst")"
	scenario "teezstd-$n" "snapshot: the tee step, compress = zstd (CPU)" \
		"$n" "teezstd-$n" "teecore-$n" cpu -
	scenario "teenone-$n" "snapshot: the tee step, compress = none (CPU)" \
		"$n" "teenone-$n" "teecore-$n" cpu -
	scenario "replayzst-$n" "replay of the .csv.zst (merge, identical)" \
		"$n" "replayzst-$n" "replaycsv-$n" wall -
	run_group
	for db in "$base" "$db"; do
		rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
	done
	rm -f "$zst" "$RUN"/t.part "$RUN"/t.csv.*.part
}

# ---- the extractor ----

# extract_all: dbs-extract vs freebcp and the end-to-end sync.
extract_all() {
	local n=$target_n ex load db base
	if [ ! -x "$DBS_BUILD/dbs-extract" ]; then
		skip extract "dbs-extract scenarios" "$DBS_BUILD/dbs-extract not built"
		return 0
	fi
	if ! tds_available; then
		skip extract "dbs-extract scenarios" "$TDS_WHY"
		return 0
	fi
	tds_start "$n" || die "cannot start the TDS test server: $TDS_WHY"
	ex="$(q "$DBS_BUILD/dbs-extract")$(qargs "${TDS_ARGS[@]}")"

	queue "extract-$n" true "$ex >/dev/null"
	if command -v freebcp >/dev/null 2>&1; then
		queue "freebcp-$n" true "$(tds_freebcp_cmd) >/dev/null"
		scenario "extract-$n" "dbs-extract to /dev/null (client CPU)" "$n" \
			"extract-$n" "freebcp-$n" cpu 1.0
	else
		skip "extract-$n" "dbs-extract vs freebcp" "freebcp not installed"
	fi

	if [ -x "$DBS_BUILD/dbs-load" ]; then
		load="$(q "$DBS_BUILD/dbs-load") --db"
		db=$RUN/target.db
		base=$RUN/e2e-base.db
		rm -f "$base" "$base-wal" "$base-shm"
		say "loading the server's view once (untimed)"
		set -o pipefail
		"$DBS_BUILD/dbs-extract" "${TDS_ARGS[@]}" |
			"$DBS_BUILD/dbs-load" --db "$base" --table t ||
			die "dbs-extract | dbs-load failed"
		set +o pipefail
		sqlite3 "$base" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
		queue "e2e-$n" "$(fresh "$db") && cp $(q "$base") $(q "$db")" \
			"$ex | %WRAP% $load $(q "$db") --table t"
		scenario "e2e-$n" "dbs-extract | dbs-load, no change" "$n" \
			"e2e-$n" "extract-$n" pipe 1.15
		queue "pipe-$n" true "$ex | %WRAP% cat >/dev/null"
		scenario "pipe-$n" "dbs-extract | cat (pipe cost)" "$n" \
			"pipe-$n" "extract-$n" pipe -
	else
		skip "e2e-$n" "dbs-extract | dbs-load" "dbs-load not built"
	fi
	run_group
	rm -f "$base" "$db" "$db-wal" "$db-shm"
	tds_stop
}

# ---- the syncs (issue 10) ----

# syncs: full, incremental (keys) and change-proportional (segments)
# syncs of the bench view, unchanged and 1% changed (sync.sh).
syncs() {
	local n=$target_n st kind label t
	if ! tds_available; then
		skip sync "sync scenarios" "$TDS_WHY"
		return 0
	fi
	sync_all "$n" || {
		skip sync "sync scenarios" "$SYNC_WHY"
		return 0
	}
	for st in same next; do
		for kind in full keys segments; do
			case $st in
			same) label="no change" ;;
			next) label="1% changed" ;;
			esac
			t=-
			[ "$st" != same ] || [ "$kind" = full ] || t=0.25
			scenario "sync-$kind-$st" "sync $kind, $label (wall)" "$n" \
				"sync-$kind-$st" "sync-full-$st" pipe "$t"
		done
	done
}

# keyorder: the merge of text and GUID keys in SQLite's order against
# the server's own order (sync.sh).
keyorder() {
	local n=$target_n kind
	if ! keyorder_all "$n"; then
		skip korder "key order scenarios" "$DBS_BUILD/dbs-load not built"
		return 0
	fi
	for kind in text guid; do
		scenario "kserver-$kind-$n" \
			"merge, $kind keys in the server's order, no change" "$n" \
			"kserver-$kind-$n" "korder-$kind-$n" wall -
	done
}

# ---- main ----

say "mode $mode, sizes $sizes, $runs run(s) each, build $DBS_BUILD"
# What is measured: BENCH_COMMIT if set (e.g. for a build of an export),
# else HEAD at the start, flagged when the product's sources differ.
commit=${BENCH_COMMIT:-}
if [ -z "$commit" ]; then
	commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
	if [ -n "$(git -C "$TOP" status --porcelain -- common load extract \
		2>/dev/null)" ]; then
		commit="$commit + uncommitted changes in common/ load/ extract/"
	fi
fi
cut -d' ' -f1-3 /proc/loadavg >"$RUN/loadavg.start"
say "load average: $(cat "$RUN/loadavg.start")"
build_gen
build_rusage
for n in $sizes; do
	gen_data "$n"
done
for n in $sizes; do
	load_size "$n"
done
snapshot_size "$target_n"
extract_all
rm -f "$RUN/target.db" "$RUN/target.db-wal" "$RUN/target.db-shm"
syncs
keyorder

cut -d' ' -f1-3 /proc/loadavg >"$RUN/loadavg.end"
report_args=(--mode "$mode" --runs "$runs" --sizes "$sizes"
	--target-n "$target_n" --build "$DBS_BUILD" --out "$OUT/RESULTS.md"
	--plot-data "$RUN/plot.dat" --commit "$commit")
[ "$strict" = 0 ] || report_args+=(--strict)
status=0
python3 "$BENCH/report.py" "${report_args[@]}" "$SCEN" "$RUN" || status=$?
if [ "$status" -le 1 ] && command -v gnuplot >/dev/null 2>&1 &&
	[ -s "$RUN/plot.dat" ]; then
	gnuplot -e "datafile='$RUN/plot.dat'; outfile='$OUT/plot.png'" \
		"$BENCH/plot.gp" || die "gnuplot failed"
	say "wrote $OUT/RESULTS.md and $OUT/plot.png"
else
	say "wrote $OUT/RESULTS.md (no plot: nothing of dbs-load measured)"
fi
exit "$status"
