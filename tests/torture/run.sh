#!/usr/bin/env bash
# run.sh - the torture harness of dbs (make torture; its --smoke runs in
# make check). Prints TAP: one test per iteration of a scenario, each
# iteration randomised from its own seed; a failure prints its checks,
# the seed and the command that repeats it.
#
#	bash tests/torture/run.sh [--smoke] [--seconds N] [--seed S]
#	    [--scenario NAME[,NAME...]] [--once] [--keep]
#
# --smoke      every scenario at small scale, a fixed number of iterations
#              and a fixed seed (1): about 15 s
# --seconds N  full run: cycle through the scenarios at full scale until N
#              seconds have passed (default 600)
# --seed S     master seed (default: fixed for --smoke, else random); each
#              iteration's seed is derived from it
# --scenario   only these: crash, damage, concurrency, extract, types,
#              sync
# --once       run one iteration of each scenario with --seed as the
#              iteration's own seed (what the reproduction commands use)
# --keep       keep the scratch directory of a failed iteration
#
# DBS_BUILD names the build directory (default build/) with dbs-load,
# dbs-extract and libdbs.a; CC and DBS_TEST_CFLAGS compile the generator
# (gen.c) like the build (set them for a sanitizer build). Needs python3,
# sqlite3, mkfifo; GNU time for the memory check. See tests/torture/README.
# shellcheck disable=SC2317 # functions called indirectly (scenario table)

set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
case ${DBS_BUILD:-} in
"") ;;
/*) ;;
*) DBS_BUILD=$PWD/$DBS_BUILD ;;
esac

smoke=0 seconds=600 seed="" only="" once=0 keep=0
usage() {
	echo "usage: run.sh [--smoke] [--seconds N] [--seed S]" \
		"[--scenario NAME[,NAME...]] [--once] [--keep]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ;;
	--seconds) [ $# -ge 2 ] || usage; seconds=$2; shift ;;
	--seed) [ $# -ge 2 ] || usage; seed=$2; shift ;;
	--scenario) [ $# -ge 2 ] || usage; only=$2; shift ;;
	--once) once=1 ;;
	--keep) keep=1 ;;
	*) usage ;;
	esac
	shift
done
case $seconds$seed in *[!0-9]*) usage ;; esac
if [ -z "$seed" ]; then
	if [ "$smoke" = 1 ]; then seed=1; else seed=$((${EPOCHREALTIME/./} % 1000000007)); fi
fi
[ "$once" = 0 ] || [ -n "$only" ] || only=crash,damage,concurrency,extract,types,sync

# shellcheck source=tests/lib.sh
. "$here/../lib.sh"
trap 'exit 130' INT TERM # so that lib.sh's exit trap stops the servers
# shellcheck source=tests/fixtures/extract/tds.sh
. "$TOP/tests/fixtures/extract/tds.sh"
# shellcheck source=tests/torture/scenarios.sh
. "$here/scenarios.sh"

# Sanitizer reports must not pass for an ordinary failure (status 1).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86:print_stacktrace=1"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}exitcode=86"

for p in python3 sqlite3 mkfifo; do
	command -v "$p" >/dev/null || skip_all "no $p"
done
for f in dbs-load dbs-extract libdbs.a; do
	[ -f "$DBS_BUILD/$f" ] || { echo "Bail out! no $DBS_BUILD/$f"; exit 1; }
done
# the interpreter itself, not a wrapper (a pyenv shim costs 50 ms a call)
PY=$(python3 -c 'import sys; print(sys.executable)')
GEN=$SCRATCH/dbs-torture-gen
read -r -a _cflags <<<"${DBS_TEST_CFLAGS:--O2 -g}"
if ! "${CC:-cc}" -std=c11 -Wall -Wextra -Wpedantic -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Werror \
	"${_cflags[@]}" -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-I"$TOP/common" -I"$TOP/load" -o "$GEN" "$here/gen.c" \
	"$here/gen_typed.c" "$here/gen_value.c" "$TOP/load/storage.c" \
	"$DBS_BUILD/libdbs.a" \
	-lcsv -lyajl -lxxhash 2>"$SCRATCH/gen.err"; then
	echo "Bail out! cannot build the generator: $(head -3 "$SCRATCH/gen.err")"
	exit 1
fi
TIME=/usr/bin/time
[ -x "$TIME" ] || { TIME=""; diag "no GNU time: memory is not checked"; }
# Peak RSS of a damaged load: at most RSS_FACTOR times that of the clean
# load plus RSS_SLACK KiB. ASan's quarantine and shadow memory make RSS
# follow what was freed, so a sanitizer build gets a looser bound (LSan
# finds its leaks instead).
RSS_FACTOR=2 RSS_SLACK=16384
if grep -q -a __asan_init "$DBS_BUILD/dbs-load"; then
	RSS_FACTOR=4 RSS_SLACK=65536
fi

diag "seed $seed ($([ "$smoke" = 1 ] && echo smoke || echo "full, $seconds s"))" \
	"build $DBS_BUILD"

# iteration NAME SEED: run one iteration of scenario NAME in its own
# directory and report it as one test.
iter_n=0
iteration() {
	local name=$1 s=$2 dir what
	iter_n=$((iter_n + 1))
	dir=$SCRATCH/$name.$iter_n
	mkdir "$dir" && cd "$dir" || exit 1
	FAILS=() WHAT=""
	"sc_$name" "$s"
	cd "$SCRATCH" || exit 1
	what="$name (seed $s)${WHAT:+: $WHAT}"
	if [ "${#FAILS[@]}" -eq 0 ]; then
		_t_report 0 "$what"
		rm -rf "$dir"
		return 0
	fi
	_t_report 1 "$what"
	diag "${FAILS[@]}"
	diag "reproduce: DBS_BUILD=$DBS_BUILD bash $TOP/tests/torture/run.sh$(
		[ "$smoke" = 1 ] && printf ' --smoke') --scenario $name --seed $s --once" \
		"(kills and faults land at the same byte or delay, not always the same instant)"
	if [ "$keep" = 1 ]; then
		kept=$(mktemp -d "${TMPDIR:-/tmp}/dbs-torture-fail.XXXXXX")
		cp -a "$dir/." "$kept/" && diag "kept in $kept"
	fi
	rm -rf "$dir"
}

# iseed NAME I: the seed of iteration I of scenario NAME.
iseed() {
	local k=0 c
	for ((c = 0; c < ${#1}; c++)); do
		k=$((k * 31 + $(printf '%d' "'${1:c:1}")))
	done
	echo $(((seed * 6364136223846793005 + $2 * 1442695040888963407 + k) &
		0x7fffffffffff))
}

scenarios=(crash damage concurrency extract types sync)
# per scenario: iterations in a smoke run, and per round of a full run
declare -A smoke_n=([crash]=2 [damage]=3 [concurrency]=2 [extract]=5 [types]=4
	[sync]=1)
declare -A round_n=([crash]=1 [damage]=2 [concurrency]=1 [extract]=2 [types]=2
	[sync]=1)
wanted() {
	[ -z "$only" ] || [[ ",$only," == *",$1,"* ]]
}
for s in ${only//,/ }; do
	[ -n "${smoke_n[$s]:-}" ] || { echo "unknown scenario: $s" >&2; exit 2; }
done

start=$SECONDS
if [ "$once" = 1 ]; then
	for s in "${scenarios[@]}"; do
		wanted "$s" && iteration "$s" "$seed"
	done
elif [ "$smoke" = 1 ]; then
	for s in "${scenarios[@]}"; do
		wanted "$s" || continue
		first=$(iseed "$s" 1)
		for ((i = 0; i < smoke_n[$s]; i++)); do
			iteration "$s" $((first + i))
		done
	done
else
	round=0
	while [ $((SECONDS - start)) -lt "$seconds" ]; do
		round=$((round + 1))
		for s in "${scenarios[@]}"; do
			wanted "$s" || continue
			for ((i = 1; i <= round_n[$s]; i++)); do
				[ $((SECONDS - start)) -lt "$seconds" ] || break 2
				iteration "$s" "$(iseed "$s" $((round * 10 + i)))"
			done
		done
	done
fi
diag "$iter_n iterations in $((SECONDS - start)) s, $_t_fail failed (seed $seed)"
done_testing
