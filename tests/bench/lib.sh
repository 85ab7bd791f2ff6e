# lib.sh - sourced by run.sh and profile.sh: messages, quoting, the
# workload generator and its data. The caller sets TOP, BENCH, WORK,
# DATA and DBS_BUILD.
# shellcheck shell=bash
# shellcheck disable=SC2034 # READER_WHY is read by the caller

READER_WHY="" # why build_reader failed

# say MSG: progress on stderr.
say() {
	printf 'bench: %s\n' "$*" >&2
}

# die MSG: say MSG and exit 1.
die() {
	say "$*"
	exit 1
}

# q STRING: STRING quoted for a shell command line (hyperfine runs sh -c).
q() {
	printf '%q' "$1"
}

# qargs ARG...: each ARG quoted, each preceded by a space.
qargs() {
	local a
	for a in "$@"; do
		printf ' %q' "$a"
	done
}

# cc_dbs ARG...: the C compiler with the project's flags.
cc_dbs() {
	local extra
	# BENCH_CFLAGS is a list of flags, split on blanks like make does.
	read -r -a extra <<<"${BENCH_CFLAGS:-}"
	"${BENCH_CC:-cc}" -std=c11 -Wall -Wextra -Wpedantic -Wshadow \
		-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
		-Werror -O2 -g -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
		-I"$TOP/common" "${extra[@]}" "$@"
}

# build_gen: compile the workload generator.
build_gen() {
	local gen=$WORK/bin/dbs-bench-gen
	if [ -x "$gen" ] && [ "$gen" -nt "$BENCH/gen.c" ] &&
		[ "$gen" -nt "$TOP/common/util.c" ] &&
		[ "$gen" -nt "$TOP/common/dtype.c" ]; then
		return 0
	fi
	say "building the workload generator"
	cc_dbs -o "$gen" "$BENCH/gen.c" "$TOP/common/util.c" \
		"$TOP/common/dtype.c" -lxxhash -lm
	# Data made by an older generator may differ: make it again.
	rm -f "$DATA"/*.csv "$DATA"/*.plain
}

# build_rusage: compile the timing wrapper (rusage.c).
build_rusage() {
	local bin=$WORK/bin/dbs-bench-rusage
	if [ -x "$bin" ] && [ "$bin" -nt "$BENCH/rusage.c" ] &&
		[ "$bin" -nt "$TOP/common/util.c" ] &&
		[ "$bin" -nt "$TOP/common/dtype.c" ]; then
		return 0
	fi
	cc_dbs -o "$bin" "$BENCH/rusage.c" "$TOP/common/util.c" \
		"$TOP/common/dtype.c" -lm
}

# build_reader: link read.c with $DBS_BUILD/libdbs.a into
# $WORK/bin/dbs-bench-read (0), or set READER_WHY (1).
build_reader() {
	if [ ! -f "$DBS_BUILD/libdbs.a" ]; then
		READER_WHY="$DBS_BUILD/libdbs.a not built"
		return 1
	fi
	if ! cc_dbs -o "$WORK/bin/dbs-bench-read" "$BENCH/read.c" \
		"$DBS_BUILD/libdbs.a" -lcsv -lyajl -lxxhash 2>"$WORK/bin/read.err"; then
		READER_WHY="read.c does not link with libdbs.a: $(grep -m1 -E \
			'undefined|error:' "$WORK/bin/read.err" || true)"
		return 1
	fi
}

# gen_data N: the base and next snapshots of N rows (kept between runs).
gen_data() {
	local n=$1 v
	for v in base next; do
		if [ ! -s "$DATA/$v-$n.csv" ] || [ ! -s "$DATA/$v-$n.plain" ]; then
			say "generating $v snapshot of $n rows"
			"$WORK/bin/dbs-bench-gen" "$n" "$v" "$DATA/$v-$n.csv" \
				"$DATA/$v-$n.plain"
		fi
	done
}

# fresh DB: the commands that remove database DB and its side files.
fresh() {
	local d
	d=$(q "$1")
	printf 'rm -f %s %s-wal %s-shm %s-journal' "$d" "$d" "$d" "$d"
}
