# scenarios.sh - sourced by run.sh: the scenarios of the torture harness
# and their helpers. Each scenario is a function sc_NAME SEED, run in an
# empty directory of its own; it records each failed check with fail()
# (in FAILS) and may describe the iteration in WHAT. Every random choice
# comes from bash's RANDOM, seeded with SEED, so an iteration repeats
# (apart from the exact instant a process is killed).
#
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # shares variables with run.sh

TT=$here/tt.py

# fail LINE...: record a failed check of this iteration.
fail() {
	local IFS=$'\n'
	FAILS+=("$*")
}

# rnd LO HI: set R to a random integer in [LO, HI].
rnd() {
	R=$(($1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1)))
}

# pick WORD...: set P to one of the words.
pick() {
	local a=("$@")
	rnd 0 $(($# - 1))
	P=${a[R]}
}

# scale SMOKE LO HI: set R to SMOKE in a smoke run, else random in LO..HI.
scale() {
	if [ "$smoke" = 1 ]; then R=$1; else rnd "$2" "$3"; fi
}

# ms_sleep MS: sleep MS milliseconds.
ms_sleep() {
	sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

# now_ms: milliseconds since the epoch.
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# alive PID: is the process running (not a zombie)?
alive() {
	local st=""
	[ -r "/proc/$1/stat" ] || return 1
	read -r _ _ st _ <"/proc/$1/stat" 2>/dev/null || return 1
	[ "$st" != Z ]
}

# reap PID: wait for a child and set RC to its status, without bash's
# "Killed" notice on stderr.
reap() {
	exec 9>&2 2>/dev/null
	wait "$1"
	RC=$?
	exec 2>&9 9>&-
}

# wait_for_file FILE PID: wait until FILE exists (0) or PID has ended
# (1); give up after 120 s (1).
wait_for_file() {
	local i
	for ((i = 0; i < 24000; i++)); do
		[ -e "$1" ] && return 0
		alive "$2" || { [ -e "$1" ]; return; }
		sleep 0.005
	done
	return 1
}

# state DB TABLE OUT: write the database's state text (tt.py state).
state() {
	"$PY" "$TT" state "$1" "$2" >"$3" 2>"$3.err" ||
		{ fail "cannot read the state of $1: $(head -3 "$3.err")"; echo "unreadable" >"$3"; }
}

# digest FILE TABLE: the content line of TABLE in a state text.
digest() {
	grep "^$2 " "$1"
}

# sane WHAT STATUS ERRFILE: no death by a signal, no sanitizer report.
sane() {
	if [ "$2" -gt 128 ]; then
		fail "$1: killed by signal $(($2 - 128)): $(head -3 "$3")"
	elif [ "$2" -eq 86 ] || grep -q -e 'Sanitizer' -e 'runtime error:' "$3"; then
		fail "$1: sanitizer report (status $2): $(grep -m3 -e Sanitizer -e 'runtime error' -e '#[0-4] ' "$3")"
	fi
}

# load WHAT DB INPUT [OPTION...]: a load that must succeed (stdin from
# INPUT, like every load of the harness, so run logs compare equal).
load() {
	local what=$1 db=$2 in=$3
	shift 3
	dbs-load --db "$db" --quiet "$@" <"$in" >load.out 2>load.err
	RC=$?
	sane "$what" "$RC" load.err
	[ "$RC" -eq 0 ] || fail "$what: exit status $RC: $(head -3 load.err)"
}

# copy_db FROM TO: copy a database (and its WAL, if any) that no process
# has open; if there is none, TO is none either.
copy_db() {
	rm -f "$2" "$2-wal" "$2-shm" "$2-journal"
	[ -e "$1" ] || return 0 # a database not made yet
	cp "$1" "$2"
	[ ! -s "$1-wal" ] || cp "$1-wal" "$2-wal"
}

# unchanged WHAT BEFORE AFTER: a failed run changed nothing but (maybe)
# added its own "failed" or "refused" row to the run log.
unchanged() {
	local d
	d=$(diff "$2" "$3" | grep '^[<>]')
	[ -n "$d" ] || return 0
	if [ "$(printf '%s\n' "$d" | wc -l)" -eq 1 ] &&
		[[ $d == "> _dbs_runs: "* ]] &&
		[[ $d == *"|'failed'|"* || $d == *"|'refused'|"* ]]; then
		return 0
	fi
	fail "$1: the database changed:" "$(printf '%s\n' "$d" | head -5)"
}

# snapshots SEED N FORMAT [shuffled]: a.s and b.s, two snapshots of
# dbo.t (the rows not in key order if shuffled).
snapshots() {
	if ! "$GEN" snap "$1" "$2" a "$3" dbo.t ${4:+"$4"} >a.s ||
		! "$GEN" snap "$1" "$2" b "$3" dbo.t ${4:+"$4"} >b.s; then
		fail "the generator failed"
	fi
}

# variant: pick at random the load options (LOPTS: merge, soft deletes,
# append or replace) and the row order (ORDER: ordered or shuffled) of an
# iteration; sets VARIANT to their description.
variant() {
	pick "" "--deletes soft" "--mode append" "--mode replace"
	read -r -a LOPTS <<<"$P"
	pick ordered shuffled
	ORDER=$P
	VARIANT="${LOPTS[*]:-merge}, $ORDER"
}

# ---- 1. crash consistency ----

# crash_merge METHOD SEED: kill a merge of b.s over state A; the
# database must then be state A or state B, whole.
crash_merge() {
	local how=$1 fs=$2 lpid fpid k size st
	copy_db refA.db w.db
	rm -f ready in.fifo
	if [ "$how" = delay ]; then
		rnd 0 $((merge_ms * 12 / 10 + 5))
		k=$R
		dbs-load --db w.db --quiet "${LOPTS[@]}" <b.s >load.out 2>load.err &
		lpid=$!
		ms_sleep "$k"
		how="after $k ms"
	else
		size=$(stat -c %s b.s)
		rnd 0 "$size"
		k=$R
		rnd 0 3
		[ "$R" != 0 ] || { rnd $((size - size / 20)) "$size"; k=$R; }
		mkfifo in.fifo
		"$GEN" feed "$fs" "$k" ready <b.s >in.fifo &
		fpid=$!
		dbs-load --db w.db --quiet "${LOPTS[@]}" <in.fifo >load.out 2>load.err &
		lpid=$!
		wait_for_file ready "$lpid"
		rnd 0 5
		ms_sleep "$R"
		how="after $k of $size bytes"
	fi
	kill -9 "$lpid" 2>/dev/null
	reap "$lpid"
	st=$RC
	if [ -n "${fpid:-}" ]; then
		kill -9 "$fpid" 2>/dev/null
		reap "$fpid"
	fi
	crash_check "merge killed $how" "$st"
}

# crash_check WHAT STATUS: after a killed merge.
crash_check() {
	local what=$1 st=$2 got
	case $st in
	137) ;;
	0) ;; # finished before the kill
	*) fail "$what: exit status $st: $(head -3 load.err)" ;;
	esac
	state w.db t w.state
	if cmp -s w.state stA; then
		got=A
	elif cmp -s w.state stB; then
		got=B
	else
		fail "$what: neither state A nor state B:" \
			"$(diff stA w.state | head -4)" "$(diff stB w.state | head -4)"
		return
	fi
	[ "$st" != 0 ] || [ "$got" = B ] || fail "$what: exit 0 but state A"
	KILLS="$KILLS $got"
	load "$what: the next load" w.db b.s "${LOPTS[@]}"
	state w.db t w.state2
	[ "$(digest w.state2 t)" = "$(digest stB t)" ] ||
		fail "$what: the next load does not give state B"
}

# crash_initial METHOD SEED: kill the first load into a new database; it
# must then have no table, or the complete one.
crash_initial() {
	local how=$1 fs=$2 lpid fpid="" k size st
	rm -f w.db w.db-* ready in.fifo
	if [ "$how" = delay ]; then
		rnd 0 $((initial_ms * 12 / 10 + 5))
		k=$R
		dbs-load --db w.db --quiet "${LOPTS[@]}" <a.s >load.out 2>load.err &
		lpid=$!
		ms_sleep "$k"
		how="after $k ms"
	else
		size=$(stat -c %s a.s)
		rnd 0 "$size"
		k=$R
		mkfifo in.fifo
		"$GEN" feed "$fs" "$k" ready <a.s >in.fifo &
		fpid=$!
		dbs-load --db w.db --quiet "${LOPTS[@]}" <in.fifo >load.out 2>load.err &
		lpid=$!
		wait_for_file ready "$lpid"
		how="after $k of $size bytes"
	fi
	kill -9 "$lpid" 2>/dev/null
	reap "$lpid"
	st=$RC
	if [ -n "$fpid" ]; then
		kill -9 "$fpid" 2>/dev/null
		reap "$fpid"
	fi
	[ "$st" = 137 ] || [ "$st" = 0 ] ||
		fail "initial load killed $how: exit status $st: $(head -3 load.err)"
	state w.db t w.state
	if cmp -s w.state stA; then
		KILLS="$KILLS A"
	elif [ "$st" = 0 ]; then
		fail "initial load killed $how: exit 0 but not state A:" \
			"$(diff stA w.state | head -4)"
	elif [ "$(grep -v -e ' absent$' -e '^integrity ok$' -e '^no database$' \
		w.state)" = "" ]; then
		KILLS="$KILLS 0"
	else
		fail "initial load killed $how: neither empty nor state A:" \
			"$(head -4 w.state)"
	fi
	load "initial load killed $how: loading again" w.db a.s "${LOPTS[@]}"
	state w.db t w.state2
	[ "$(digest w.state2 t)" = "$(digest stA t)" ] ||
		fail "initial load killed $how: loading again does not give state A"
}

sc_crash() {
	local n fmt j t0 kills
	RANDOM=$1
	scale 4000 50000 200000
	n=$R
	pick csv ndjson
	fmt=$P
	variant
	snapshots "$1" "$n" "$fmt" "${ORDER#ordered}"
	t0=$(now_ms)
	load "state A" refA.db a.s "${LOPTS[@]}"
	initial_ms=$(($(now_ms) - t0))
	state refA.db t stA
	copy_db refA.db refB.db
	t0=$(now_ms)
	load "state B" refB.db b.s "${LOPTS[@]}"
	merge_ms=$(($(now_ms) - t0))
	state refB.db t stB
	[ "$(digest stA t)" != "$(digest stB t)" ] ||
		fail "the snapshots give the same table"
	[ "${#FAILS[@]}" -eq 0 ] || return
	KILLS=""
	scale 4 4 8
	kills=$R
	for ((j = 1; j <= kills; j++)); do
		pick delay bytes
		if [ $((j % 4)) = 0 ]; then
			crash_initial "$P" $(($1 + j))
		else
			crash_merge "$P" $(($1 + j))
		fi
	done
	WHAT="$n rows, $fmt, $VARIANT, load $merge_ms ms; states after kills:$KILLS"
}

# ---- 2. damaged streams ----

# damage_one SEED: load a damaged copy of b.s over state A.
damage_one() {
	local kind want what st rss="" d
	read -r kind want what < <("$PY" "$TT" damage "$1" b.s d.s)
	d="$kind ($what)"
	copy_db refA.db w.db
	if [ -n "$TIME" ]; then
		"$TIME" -f '%M' -o rss dbs-load --db w.db "${LOPTS[@]}" <d.s \
			>load.out 2>load.err
		st=$?
		rss=$(tail -1 rss)
	else
		dbs-load --db w.db "${LOPTS[@]}" <d.s >load.out 2>load.err
		st=$?
	fi
	sane "$d" "$st" load.err
	DAMAGES="$DAMAGES $kind:$st"
	[ -z "$rss" ] || [ "$rss" -le "$rss_cap" ] ||
		fail "$d: peak RSS $rss KiB, more than $rss_cap KiB"
	state w.db t w.state
	[ "$st" = 0 ] || damage_message "$d" "$st"
	case $want:$st in
	ok:0 | either:0)
		[ "$(digest w.state t)" = "$(digest stB t)" ] ||
			fail "$d: loaded, but the table does not hold the stream's rows"
		grep -q '^integrity ok$' w.state || fail "$d: integrity: $(head -2 w.state)"
		;;
	any:0) # e.g. the object name changed: another table was loaded
		[ "$(digest w.state t)" = "$(digest stB t)" ] ||
			[ "$(digest w.state t)" = "$(digest stA t)" ] ||
			fail "$d: loaded, but the table is neither the stream's nor the old one"
		grep -q '^integrity ok$' w.state || fail "$d: integrity: $(head -2 w.state)"
		;;
	fail:1 | either:1 | usage:2 | body:1 | any:[123])
		unchanged "$d" stA w.state
		;;
	body:3)
		grep -q -e 'duplicate key' -e 'NULL in a key' load.err ||
			fail "$d: refused (3) for another reason: $(head -2 load.err)"
		unchanged "$d" stA w.state
		;;
	*)
		fail "$d: exit status $st, want $want: $(head -2 load.err)"
		[ "$st" = 0 ] || unchanged "$d" stA w.state
		;;
	esac
}

# damage_message WHAT STATUS: a failed load says why in one line.
damage_message() {
	if [ "$(wc -l <load.err)" != 1 ] || ! grep -q '^dbs-load: ' load.err; then
		fail "$1: exit $2 without a one-line message:" "$(head -3 load.err)"
	fi
}

sc_damage() {
	local n fmt j count
	RANDOM=$1
	scale 300 500 20000
	n=$R
	pick csv ndjson
	fmt=$P
	variant
	snapshots "$1" "$n" "$fmt" "${ORDER#ordered}"
	load "state A" refA.db a.s "${LOPTS[@]}"
	state refA.db t stA
	copy_db refA.db refB.db
	if [ -n "$TIME" ]; then
		"$TIME" -f '%M' -o rss dbs-load --db refB.db --quiet "${LOPTS[@]}" \
			<b.s 2>load.err
		RC=$?
		sane "state B" "$RC" load.err
		[ "$RC" = 0 ] || fail "state B: exit status $RC: $(head -3 load.err)"
		rss_cap=$(($(tail -1 rss) * RSS_FACTOR + RSS_SLACK))
	else
		load "state B" refB.db b.s "${LOPTS[@]}"
	fi
	state refB.db t stB
	[ "$(digest stA t)" != "$(digest stB t)" ] ||
		fail "the snapshots give the same table"
	[ "${#FAILS[@]}" -eq 0 ] || return
	DAMAGES=""
	scale 8 10 30
	count=$R
	for ((j = 1; j <= count; j++)); do
		rnd 0 999999
		damage_one $((R + $1 % 1000000 * 1000000))
	done
	WHAT="$n rows, $fmt, $VARIANT:$DAMAGES"
}

# ---- 3. concurrency ----

# loader_check WHAT STATUS ERRFILE: a concurrent load ends 0 or 4.
loader_check() {
	sane "$1" "$2" "$3"
	case $2 in
	0) ;;
	4) [ "$(cat "$3")" = "dbs-load: w.db: database is locked" ] ||
		fail "$1: busy, but the message is: $(head -3 "$3")" ;;
	*) fail "$1: exit status $2: $(head -3 "$3")" ;;
	esac
}

# concurrency_refs SEED N FORMAT: the snapshots and the four states the
# reader may see (base, refT, refU, refTU: .db, .st, .su; all in
# "allowed"); sets IN1, IN2 (what the loaders load) and NBASE (run-log
# rows of base).
concurrency_refs() {
	snapshots "$1" "$2" "$3" "${ORDER#ordered}"
	if ! "$GEN" snap $(($1 + 1)) $(($2 / 2 + 7)) a "$3" dbo.u >ua.s ||
		! "$GEN" snap $(($1 + 1)) $(($2 / 2 + 7)) b "$3" dbo.u >ub.s; then
		fail "the generator failed"
	fi
	# from a loaded database (A, A') to B, B', or from none to A, A'
	pick loaded loaded loaded new
	if [ "$P" = new ]; then
		IN1=a.s IN2=ua.s NBASE=0
	else
		IN1=b.s IN2=ub.s NBASE=2
		load "base" base.db a.s "${LOPTS[@]}"
		load "base" base.db ua.s "${LOPTS[@]}"
	fi
	VARIANT="$VARIANT, $P database"
	copy_db base.db refT.db
	load "t" refT.db "$IN1" "${LOPTS[@]}"
	copy_db refT.db refTU.db
	load "u" refTU.db "$IN2" "${LOPTS[@]}"
	copy_db base.db refU.db
	load "u" refU.db "$IN2" "${LOPTS[@]}"
	[ "${#FAILS[@]}" -eq 0 ] || return
	for db in base refT refU refTU; do
		"$PY" "$TT" observe "$db.db" t u
		state "$db.db" t "$db.st"
		state "$db.db" u "$db.su"
	done >allowed
	[ "$NBASE" != 0 ] || { echo "t absent" >base.st; echo "u absent" >base.su; }
	[ "$(sort -u allowed | wc -l)" = 4 ] ||
		fail "the four states are not all different: $(cat allowed)"
}

# concurrency_end SAME S1 S2: check the end state after loaders that
# exited S1 and S2 (SAME: "same" or "other" table for loader 2).
concurrency_end() {
	local wantT=base wantU=base ok
	while read -r line; do
		grep -qxF -- "$line" allowed ||
			fail "the reader saw a state that is none of the four: $line"
	done <obs
	[ -s obs ] || fail "the reader saw nothing"
	if [ "$2" = 0 ] || { [ "$1" = same ] && [ "$3" = 0 ]; }; then
		wantT=refT
	fi
	[ "$1" = same ] || [ "$3" != 0 ] || wantU=refU
	state w.db t w.st
	state w.db u w.su
	grep -q '^integrity ok$' w.st || fail "integrity: $(head -3 w.st)"
	[ "$(digest w.st t)" = "$(digest "$wantT.st" t)" ] ||
		fail "table t is not as in $wantT (statuses $2, $3)"
	[ "$(digest w.su u)" = "$(digest "$wantU.su" u)" ] ||
		fail "table u is not as in $wantU (statuses $2, $3)"
	ok=$(grep -c "^_dbs_runs: .*|'ok'|" w.st)
	[ "$ok" = $((NBASE + ($2 == 0) + ($3 == 0))) ] ||
		fail "$ok runs logged ok, for statuses $2 and $3"
}

sc_concurrency() {
	local n fmt same t1 t2 p1 p2 rp s1 s2 in2
	RANDOM=$1
	scale 10000 20000 100000
	n=$R
	pick csv ndjson
	fmt=$P
	variant
	concurrency_refs "$1" "$n" "$fmt"
	[ "${#FAILS[@]}" -eq 0 ] || return
	pick same other
	same=$P
	pick 0 50 500 30000
	t1=$P
	pick 0 50 500 30000
	t2=$P
	copy_db base.db w.db
	"$PY" "$TT" reader w.db stop t u >obs 2>reader.err &
	rp=$!
	wait_for_file stop.ready "$rp"
	"$GEN" feed "$1" <"$IN1" 2>/dev/null |
		dbs-load --db w.db --busy-timeout "$t1" "${LOPTS[@]}" >l1.out 2>l1.err &
	p1=$!
	rnd 0 30
	ms_sleep "$R"
	in2=$IN2
	[ "$same" = other ] || in2=$IN1
	"$GEN" feed $(($1 + 1)) <"$in2" 2>/dev/null |
		dbs-load --db w.db --busy-timeout "$t2" "${LOPTS[@]}" >l2.out 2>l2.err &
	p2=$!
	reap "$p1"
	s1=$RC
	reap "$p2"
	s2=$RC
	touch stop
	reap "$rp"
	[ "$RC" = 0 ] || fail "the reader failed: $(head -3 reader.err)"
	loader_check "loader 1 (t, timeout $t1 ms)" "$s1" l1.err
	loader_check "loader 2 ($same table, timeout $t2 ms)" "$s2" l2.err
	concurrency_end "$same" "$s1" "$s2"
	WHAT="$n rows, $fmt, $VARIANT, $same table, timeouts $t1/$t2 ms, exits $s1/$s2,"
	WHAT="$WHAT $(wc -l <obs) states seen in $(sed -n 's/^polls //p' reader.err) polls"
}

# ---- 4. extraction faults ----

EX_ROWS=0   # rows of the view dbo.t of the TDS test server, once started
EX_SETUP="" # why the setup failed, if it did
EX_MS=0     # how long a clean extract | load of the whole view takes

# extract_setup: start the TDS test server on a generated view dbo.t,
# load its first half into exbase.db (the state every iteration starts
# from) and check that a clean extract of the whole view loads (its
# state: exfull.st).
extract_setup() {
	local t0
	if [ "$EX_ROWS" != 0 ]; then
		[ -z "$EX_SETUP" ] || fail "$EX_SETUP"
		return
	fi
	EX_ROWS=20000
	[ "$smoke" = 0 ] || EX_ROWS=2000
	tds_fixture "$SCRATCH/fx.db" --generate dbo.t --rows "$EX_ROWS"
	tds_start "$SCRATCH/fx.db"
	DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.t \
		--key id --where "id <= $((EX_ROWS / 2))" >half.s 2>ex.err ||
		fail "setup: extracting half the view: $(head -3 ex.err)"
	load "setup: loading half the view" "$SCRATCH/exbase.db" half.s
	state "$SCRATCH/exbase.db" t "$SCRATCH/exbase.st"
	copy_db "$SCRATCH/exbase.db" full.db
	t0=$(now_ms)
	DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.t \
		--key id >full.s 2>ex.err ||
		fail "setup: extracting the view: $(head -3 ex.err)"
	load "setup: loading the whole view" full.db full.s
	EX_MS=$(($(now_ms) - t0))
	[ "$(sql full.db 'SELECT count(*) FROM t' 2>&1)" = "$EX_ROWS" ] ||
		fail "setup: the whole view does not load"
	state full.db t "$SCRATCH/exfull.st"
	[ "${#FAILS[@]}" -eq 0 ] || EX_SETUP="the setup of the first iteration failed"
}

# one_line WHAT PROG FILE: FILE is one message line of PROG.
one_line() {
	if [ "$(wc -l <"$3")" != 1 ] || ! grep -q "^$2: " "$3"; then
		fail "$1: not one message line of $2:" "$(head -3 "$3")"
	fi
}

# extract_kill FORMAT MS: dbs-extract | dbs-load with dbs-extract
# killed by SIGKILL after MS milliseconds; sets ST to the statuses.
extract_kill() {
	local gpid
	{
		sh -c 'echo $$ >ex.pid && exec "$@"' sh dbs-extract -S "$TDS_SERVER" \
			-U dbs --view dbo.t --key id --format "$1" 2>ex.err |
			tee s.out | dbs-load --db w.db >load.out 2>load.err
		echo "${PIPESTATUS[*]}" >st
	} &
	gpid=$!
	wait_for_file ex.pid "$gpid"
	ms_sleep "$2"
	kill -9 "$(cat ex.pid)" 2>/dev/null
	reap "$gpid"
	read -r -a ST <st
}

sc_extract() {
	local fault n fmt opts=() faults
	RANDOM=$1
	extract_setup
	[ "${#FAILS[@]}" -eq 0 ] || return
	rnd 0 $((EX_ROWS - 1))
	n=$R
	rnd 0 $((EX_MS * 2))
	faults=("drop-after=$n" "error-after=$n" "error-after=$n,error=50000"
		"stall=2" "kill after $R ms")
	fault=${faults[$1 % ${#faults[@]}]} # (the smoke's seeds are consecutive)
	pick csv ndjson
	fmt=$P
	copy_db "$SCRATCH/exbase.db" w.db
	if [ "${fault#kill}" != "$fault" ]; then
		DBS_PASSWORD=secret extract_kill "$fmt" "$R"
	else
		[ "$fault" != stall=2 ] || opts=(--query-timeout 1)
		DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.t \
			--key id --format "$fmt" --app-name "tdsfault:$fault" \
			"${opts[@]}" 2>ex.err | tee s.out |
			dbs-load --db w.db >load.out 2>load.err
		ST=("${PIPESTATUS[@]}")
	fi
	WHAT="$fault, $fmt, exits ${ST[*]}"
	sane "dbs-load" "${ST[2]}" load.err
	state w.db t w.st
	if [ "${ST[0]}" = 0 ] && [ "${fault#kill}" != "$fault" ]; then
		# dbs-extract was done before the kill: all must have loaded
		[ "${ST[2]}" = 0 ] || fail "dbs-load: exit status ${ST[2]}, want 0"
		[ "$(digest w.st t)" = "$(digest "$SCRATCH/exfull.st" t)" ] ||
			fail "the whole view did not load"
		return
	fi
	[ "${fault#kill}" != "$fault" ] || extract_failed
	[ "${ST[2]}" = 1 ] || fail "dbs-load: exit status ${ST[2]}, want 1"
	one_line "dbs-load" dbs-load load.err
	! grep -q -a -e '^#end' -e '"#dbs-end"' s.out ||
		fail "the stream has a trailer: $(tail -1 s.out | head -c 200)"
	unchanged "the faulted pipeline" "$SCRATCH/exbase.st" w.st
}

# extract_failed: dbs-extract (ST[0]) failed cleanly, with one message.
extract_failed() {
	sane "dbs-extract" "${ST[0]}" ex.err
	[ "${ST[0]}" = 1 ] || fail "dbs-extract: exit status ${ST[0]}, want 1"
	one_line "dbs-extract" dbs-extract ex.err
}

# ---- 5. typed values round trip ----

# feed_load WHAT SEED STREAM WANT: load STREAM through a pipe written in
# random pieces; the summary must be WANT.
feed_load() {
	local st
	"$GEN" feed "$2" <"$3" | dbs-load --db w.db >load.out 2>load.err
	st=("${PIPESTATUS[@]}")
	sane "$1" "${st[1]}" load.err
	[ "${st[*]}" = "0 0" ] || fail "$1: exit statuses ${st[*]}: $(head -3 load.err)"
	[ "$(cat load.err)" = "$4" ] ||
		fail "$1: summary: $(head -3 load.err)" "want: $4"
}

sc_types() {
	local n f1 f2 rows
	RANDOM=$1
	scale 150 200 3000
	n=$R
	pick csv,ndjson ndjson,csv
	f1=${P%,*} f2=${P#*,}
	if ! "$GEN" typed "$1" "$n" "$f1" s1 e1 ||
		! "$GEN" typed "$1" "$n" "$f2" s2 e2; then
		fail "the generator failed"
		return
	fi
	cmp -s e1 e2 || fail "the generator wrote other values in $f2"
	rows=$(($(wc -l <e1) - 1))
	feed_load "$f1" "$1" s1 \
		"dbs-load: typed: $rows inserted, 0 updated, 0 deleted, 0 unchanged (merge)"
	"$PY" "$TT" verify w.db typed e1 >verify.out 2>&1 ||
		fail "stored values differ from the generated ones:" "$(head -10 verify.out)"
	feed_load "$f2 over $f1" $(($1 + 1)) s2 \
		"dbs-load: typed: 0 inserted, 0 updated, 0 deleted, $rows unchanged (merge)"
	[ "$(sql w.db 'PRAGMA integrity_check' 2>&1)" = ok ] || fail "integrity check"
	WHAT="$rows rows, $(head -1 e1 | wc -w) columns ($(head -1 e1 | tr '\t' ' ')), $f1 then $f2"
}

# sync: the model-based random test of dbs-sync (syncmodel.py): random
# source changes and runs, each compared with the model; 12 steps in a
# smoke run, 60 in a full one.
sc_sync() {
	local steps=60
	[ "$smoke" = 0 ] || steps=12
	if ! "$PY" "$here/syncmodel.py" --build "$DBS_BUILD" --seed "$1" \
		--steps "$steps" --dir "$PWD" >model.out 2>&1; then
		fail "$(grep -v '^syncmodel:' model.out | head -5)"
	fi
	WHAT=$(tail -1 model.out)
}
