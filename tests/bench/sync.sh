# sync.sh - sourced by run.sh: the syncs of issue 10 side by side, on the
# bench view dbo.big of the TDS test server, unchanged and 1% changed
# (tests/bench/change.py): a full sync (dbs-extract | dbs-load), an
# incremental one (strategy keys: the rows changed since the watermark
# and a key scan) and a change-proportional one (strategy segments: the
# server's fingerprints of parts of the key range). Bytes read from the
# server are counted by tests/bench/tcpcount.py in one run of each (the
# relay is not in the timed runs); wall time by hyperfine, in the same
# interleaved rounds as the other scenarios. Every table ends equal to a
# full extract, checked. Uses TOP, DATA, RUN, WORK, DBS_BUILD, queue,
# run_group, say, die, q, qargs, fresh and tds.sh's tds_fixture.
# shellcheck shell=bash
# shellcheck disable=SC2034 # SYNC_WHY is read by run.sh

SYNC_WHY=""  # why the sync scenarios cannot run
SYNC_PIDS=() # servers and relays started here
SRV_same="" SRV_next="" # host:port of the test servers (sync_start)

# sync_start NAME FIXTURE: a test server on FIXTURE and a counting relay
# in front of it; sets the globals SRV_<NAME> and CNT_<NAME> (host:port).
sync_start() {
	local i p
	rm -f "$RUN/$1.port" "$RUN/$1.cport" "$RUN/$1.pid" "$RUN/$1.cpid"
	python3 "$TOP/tests/tds/tdsserver.py" --fixture "$2" \
		--port-file "$RUN/$1.port" --pid-file "$RUN/$1.pid" \
		>"$RUN/$1.log" 2>&1 &
	for i in $(seq 100); do
		[ ! -s "$RUN/$1.port" ] || break
		sleep 0.1
	done
	[ -s "$RUN/$1.port" ] || return 1
	SYNC_PIDS+=("$(cat "$RUN/$1.pid")")
	p=$(cat "$RUN/$1.port")
	printf -v "SRV_$1" '127.0.0.1:%s' "$p"
	python3 "$BENCH/tcpcount.py" --upstream "127.0.0.1:$p" \
		--port-file "$RUN/$1.cport" --count-file "$RUN/$1.count" \
		--pid-file "$RUN/$1.cpid" >"$RUN/$1.clog" 2>&1 &
	for i in $(seq 100); do
		[ ! -s "$RUN/$1.cport" ] || break
		sleep 0.1
	done
	[ -s "$RUN/$1.cport" ] || return 1
	SYNC_PIDS+=("$(cat "$RUN/$1.cpid")")
	printf -v "CNT_$1" '127.0.0.1:%s' "$(cat "$RUN/$1.cport")"
}

# sync_stop: stop what sync_start started.
sync_stop() {
	local p
	for p in "${SYNC_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	SYNC_PIDS=()
}

# sync_cmd KIND SERVER DB: the sh command line of a sync of KIND (full,
# keys, segments) from SERVER into DB.
sync_cmd() {
	local x l
	x="$(q "$DBS_BUILD/dbs-extract") -S $2 -D demo -U dbs --view dbo.big --key id"
	l="$(q "$DBS_BUILD/dbs-load") --db $(q "$3") --table t --quiet"
	case "$1" in
	full) printf '%s | %s' "$x" "$l" ;;
	keys)
		printf '%s --since %s --strategy keys -- %s --db %s --serve t | %s --watermark updated_at' \
			"$x" "$(q "$SYNC_WM")" "$(q "$DBS_BUILD/dbs-load")" "$(q "$3")" "$l"
		;;
	segments)
		printf '%s --strategy segments -- %s --db %s --serve t | %s' \
			"$x" "$(q "$DBS_BUILD/dbs-load")" "$(q "$3")" "$l"
		;;
	esac
}

# sync_bytes NAME KIND SERVER BASE: run the sync once through the relay
# of SERVER into a copy of BASE; the bytes the server sent to NAME.bytes.
sync_bytes() {
	local db=$RUN/bytes.db cnt
	sh -c "$(fresh "$db")" && cp "$4" "$db"
	cnt="CNT_$3"
	: >"$RUN/$3.count"
	sh -c "$(sync_cmd "$2" "${!cnt}" "$db")" ||
		die "$1: the sync through the relay failed"
	sleep 0.2 # the relay writes its count when the connection ends
	awk '{ n += $1 } END { print n }' "$RUN/$3.count" >"$RUN/$1.bytes"
	sh -c "$(fresh "$db")"
}

# sync_check DB FLAGS...: die unless table t of DB equals a full extract
# of the changed view (with FLAGS: --fingerprint).
sync_check() {
	local out db=$1
	shift
	out=$("$DBS_BUILD/dbs-extract" -S "$SRV_next" -D demo -U dbs \
		--view dbo.big --key id "$@" |
		"$DBS_BUILD/dbs-load" --db "$db" --table t --dry-run --summary json)
	case "$out" in
	*'"inserted":0,"updated":0,"deleted":0'*) ;;
	*) die "sync: $db differs from the source: $out" ;;
	esac
}

# sync_all N: the six sync scenarios at N rows.
sync_all() {
	local n=$1 fx0 fx fxn kind st base db srv
	if [ ! -x "$DBS_BUILD/dbs-extract" ] || [ ! -x "$DBS_BUILD/dbs-load" ]; then
		SYNC_WHY="dbs-extract or dbs-load not built"
		return 1
	fi
	fx0=$(tds_fixture "$n") || { SYNC_WHY="mkfixture.py failed"; return 1; }
	fx=$DATA/tds-$n-same.db
	fxn=$DATA/tds-$n-next.db
	if [ ! -s "$fx" ] || [ "$fx0" -nt "$fx" ] ||
		[ "$BENCH/change.py" -nt "$fx" ]; then
		say "indexing the change column of the fixture of $n rows"
		rm -f "$fx"
		if ! { cp "$fx0" "$fx.tmp" &&
			python3 "$BENCH/change.py" --index-only "$fx.tmp" >&2 &&
			mv "$fx.tmp" "$fx"; }; then
			SYNC_WHY="change.py failed"
			return 1
		fi
	fi
	if [ ! -s "$fxn" ] || [ "$fx" -nt "$fxn" ]; then
		say "making the 1%-changed fixture of $n rows"
		rm -f "$fxn"
		if ! { cp "$fx" "$fxn.tmp" &&
			python3 "$BENCH/change.py" "$fxn.tmp" >&2 &&
			mv "$fxn.tmp" "$fxn"; }; then
			SYNC_WHY="change.py failed"
			return 1
		fi
	fi
	export DBS_PASSWORD=secret
	if ! { sync_start same "$fx" && sync_start next "$fxn"; }; then
		SYNC_WHY="cannot start the test servers"
		sync_stop
		return 1
	fi
	say "loading the base tables once (untimed)"
	for kind in full keys segments; do
		base=$RUN/sync-base-$kind.db
		sh -c "$(fresh "$base")"
		case $kind in
		full) "$DBS_BUILD/dbs-extract" -S "$SRV_same" -D demo -U dbs \
			--view dbo.big --key id ;;
		keys) "$DBS_BUILD/dbs-extract" -S "$SRV_same" -D demo -U dbs \
			--view dbo.big --key id ;;
		segments) "$DBS_BUILD/dbs-extract" -S "$SRV_same" -D demo -U dbs \
			--view dbo.big --key id --fingerprint ;;
		esac | "$DBS_BUILD/dbs-load" --db "$base" --table t --quiet \
			--watermark updated_at || die "sync: cannot load $base"
		sqlite3 "$base" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	done
	SYNC_WM=$("$DBS_BUILD/dbs-load" --db "$RUN/sync-base-keys.db" --state t |
		awk -F '\t' '$1 == "watermark" { print $2 "=" $3 }')
	for st in same next; do
		for kind in full keys segments; do
			base=$RUN/sync-base-$kind.db
			db=$RUN/sync-$kind-$st.db
			sync_bytes "sync-$kind-$st" "$kind" "$st" "$base"
			srv="SRV_$st"
			queue "sync-$kind-$st" "$(fresh "$db") && cp $(q "$base") $(q "$db")" \
				"sh -c $(q "$(sync_cmd "$kind" "${!srv}" "$db")")"
		done
	done
	run_group
	sync_check "$RUN/sync-full-next.db"
	sync_check "$RUN/sync-keys-next.db"
	sync_check "$RUN/sync-segments-next.db" --fingerprint
	for st in same next; do
		for kind in full keys segments; do
			printf '%s\t%s\t%s\t%s\t%s\n' "sync-$kind-$st" "$kind" "$st" \
				"$n" "sync-full-$st" >>"$RUN/syncs.tsv"
		done
	done
	for db in "$RUN"/sync-*.db; do
		sh -c "$(fresh "$db")"
	done
	sync_stop
}

# keyorder_all N: the loader's merge of N rows keyed by text and by GUIDs
# (tests/bench/keys.py), identical to the loaded table, once in SQLite's
# key order (what dbs-extract asks the server for: the merge walks the
# table) and once in the server's own order (a case-insensitive
# collation; GUIDs by their last group: point lookups).
keyorder_all() {
	local n=$1 kind base db
	[ -x "$DBS_BUILD/dbs-load" ] || return 1
	for kind in text guid; do
		if [ ! -s "$DATA/keys-$kind-$n.csv" ] ||
			[ "$BENCH/keys.py" -nt "$DATA/keys-$kind-$n.csv" ]; then
			say "generating the $kind-keyed streams of $n rows"
			python3 "$BENCH/keys.py" "$n" "$kind" \
				"$DATA/keys-$kind-$n.csv.tmp" "$DATA/keys-$kind-$n.srv" ||
				die "keys.py failed"
			mv "$DATA/keys-$kind-$n.csv.tmp" "$DATA/keys-$kind-$n.csv"
		fi
		base=$RUN/keys-base-$kind.db
		sh -c "$(fresh "$base")"
		"$DBS_BUILD/dbs-load" --db "$base" --table t --quiet \
			<"$DATA/keys-$kind-$n.csv" || die "cannot load $base"
		sqlite3 "$base" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
		db=$RUN/keys-$kind.db
		queue "korder-$kind-$n" "$(fresh "$db") && cp $(q "$base") $(q "$db")" \
			"$(q "$DBS_BUILD/dbs-load") --db $(q "$db") --table t <$(q "$DATA/keys-$kind-$n.csv")"
		queue "kserver-$kind-$n" "$(fresh "$db") && cp $(q "$base") $(q "$db")" \
			"$(q "$DBS_BUILD/dbs-load") --db $(q "$db") --table t <$(q "$DATA/keys-$kind-$n.srv")"
	done
	run_group
	for db in "$RUN"/keys-*.db; do
		sh -c "$(fresh "$db")"
	done
}
