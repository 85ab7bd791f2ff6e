#!/usr/bin/env bash
# t1090-load-cli.sh - dbs-load's options and the failures a user can
# cause: each has one line on stderr, a documented status, and leaves the
# database unchanged (bad flags, unreadable files, not a database, a
# read-only database, a full disk, stdout that cannot be written).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2054 # stream -c takes comma-separated fields
T=(-o dbo.t -k id -c id,int,int,notnull -c v,text,text,null)
stream "${T[@]}" -- 1,a 2,b >s.csv

run dbs-load --help
is "$status" 0 "--help: status"
is "$(head -1 stdout)" "usage: dbs-load --db file [--table name] [--key columns]" \
	"--help: usage on stdout"
run dbs-load -h
is "$(sed -n '/^$/q;p' stdout | wc -l)" 12 "-h: the whole usage"
while read -r o; do
	case "$o" in --help | --version | --) continue ;; esac
	grep -q -- "^  $o" stdout
	_t_report $? "--help describes $o"
done < <(sed -n 's/^\.It Fl -\([a-z-]*\).*/--\1/p' "$TOP/man/dbs-load.1")
run dbs-load --version
expect 0 "dbs-load 0.1.0" "" "--version"

run dbs-load s.csv
expect 2 "" "dbs-load: --db file is required (see dbs-load --help)" "no --db"
run dbs-load --db t.db --frob s.csv
expect 2 "" "dbs-load: unknown option --frob (see dbs-load --help)" "unknown option"
run dbs-load --db
expect 2 "" "dbs-load: option --db needs an argument" "missing argument"
run dbs-load --db t.db --mode upsert s.csv
expect 2 "" 'dbs-load: --mode: "upsert" is not merge, append or replace' "bad --mode"
run dbs-load --db t.db --deletes maybe s.csv
expect 2 "" 'dbs-load: --deletes: "maybe" is not hard, soft or keep' "bad --deletes"
run dbs-load --db t.db --schema-change drop s.csv
expect 2 "" 'dbs-load: --schema-change: "drop" is not fail, add or rebuild' \
	"bad --schema-change"
run dbs-load --db t.db --summary xml s.csv
expect 2 "" 'dbs-load: --summary: "xml" is not text or json' "bad --summary"
run dbs-load --db t.db --max-delete 101 s.csv
expect 2 "" 'dbs-load: --max-delete: "101" is not a percentage 0-100' "bad --max-delete"
run dbs-load --db t.db --busy-timeout -5 s.csv
expect 2 "" 'dbs-load: --busy-timeout: "-5" is not a number of milliseconds' \
	"bad --busy-timeout"
run dbs-load --db t.db --key 'id,,v' s.csv
expect 2 "" 'dbs-load: --key: "id,,v": empty name' "bad --key"
run dbs-load --db t.db --busy-timeout -0 s.csv
expect 2 "" 'dbs-load: --busy-timeout: "-0" is not a number of milliseconds' \
	"--busy-timeout -0"
run dbs-load --db t.db --max-delete 0x10 s.csv
expect 2 "" 'dbs-load: --max-delete: "0x10" is not a percentage 0-100' \
	"--max-delete 0x10"
stream -o dbo.k -c '"a,b",int,int,notnull' -c v,int,int,null -- 1,2 >k.csv
run dbs-load --db k.db --key ' [a,b] ' --quiet k.csv
expect 0 "" "" "--key takes a bracketed name with a comma, blanks around it"
is "$(sql k.db "SELECT key_columns FROM _dbs_tables")" '["a,b"]' \
	"... the key is that column"
run dbs-load --db t.db --decimals exact s.csv
expect 2 "" 'dbs-load: --decimals: "exact" is not auto, text or real' \
	"bad --decimals"
run dbs-load --db t.db --index 'v,[w' s.csv
is "$status" 2 "bad --index: status"
like_usage=$(grep -c '^dbs-load: --index: "v,\[w": ' stderr)
is "$like_usage" 1 "bad --index: one message naming the option and the value"
run dbs-load --db t.db --index 'v,v' s.csv
expect 2 "" 'dbs-load: --index: "v,v": column "v" named twice' \
	"--index names a column twice"
run dbs-load --db t.db --state t s.csv
expect 2 "" "dbs-load: --state takes no FILE operands and no load options" \
	"--state with an operand"
run dbs-load --db t.db --state t --mode append
is "$status" 2 "--state with a load option"
ok "no database created by usage errors" test ! -e t.db
run dbs-load --db t.db --watermark nope s.csv
expect 2 "" 'dbs-load: s.csv: watermark column "nope" is not in the stream' \
	"--watermark names a missing column"
run dbs-load --db t.db --index nope s.csv
expect 2 "" 'dbs-load: s.csv: --index: no column "nope" in the stream' \
	"--index names a missing column"

run dbs-load --db t.db s.csv
expect 0 "" "dbs-load: t: 2 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" "load"
state() {
	sql t.db 'SELECT * FROM t ORDER BY id; SELECT * FROM _dbs_tables; PRAGMA integrity_check'
}
before=$(state)

run dbs-load --db t.db nosuch.csv
expect 1 "" "dbs-load: nosuch.csv: No such file or directory" "missing file"
mkdir adir
run dbs-load --db t.db adir
expect 1 "" "dbs-load: adir: Is a directory" "a directory"
run dbs-load --db t.db s.csv nosuch.csv
expect 1 "" "dbs-load: nosuch.csv: No such file or directory" \
	"a missing second file: the first is not committed either"
is "$(state)" "$before" "unchanged"
is "$(sql t.db "SELECT input || ' ' || status FROM _dbs_runs WHERE id > (SELECT max(id) FROM _dbs_runs WHERE status = 'ok') ORDER BY id")" \
	"nosuch.csv failed
adir failed
s.csv failed
nosuch.csv failed" "failed runs logged, one row per input"

printf 'not a database, not at all, no. %.0s' $(seq 1 40) >junk.db
run dbs-load --db junk.db s.csv
expect 1 "" "dbs-load: junk.db: file is not a database" "not a database"
run dbs-load --db nodir/t.db s.csv
expect 1 "" "dbs-load: nodir/t.db: unable to open database file" "no such directory"

# stdout that cannot be written: the summary is written after the
# COMMIT (it reports the outcome), so the run is committed and the
# message says so.
stream "${T[@]}" -- 1,A 2,b >s2.csv
dbs-load --db t.db --summary json s2.csv >/dev/full 2>stderr
status=$?
is "$status" 1 "--summary json to /dev/full: status"
is_file stderr "dbs-load: stdout: No space left on device (the run was committed)" \
	"  ... message"
is "$(sql t.db "SELECT id, v FROM t")" "1|A
2|b" "  ... committed"
is "$(sql t.db "SELECT status, message FROM _dbs_runs ORDER BY id DESC LIMIT 1")" \
	"ok|" "  ... logged as ok"
run dbs-load --db t.db --summary json s.csv
expect 0 '{"status":"ok","exit":0,"message":null,"inputs":[{"input":"s.csv","table":"t","mode":"merge","deletes":"hard","stream":"full","rows":2,"inserted":0,"updated":1,"deleted":0,"unchanged":1,"revived":0,"purged":0,"extracted_at":null,"watermark":null}]}' "" \
	"--summary json"
dbs-load --db t.db --state t >/dev/full 2>stderr
status=$?
is "$status" 1 "--state to /dev/full: status"
is_file stderr "dbs-load: stdout: No space left on device" "  ... message"

# A database the user cannot write: run as nobody when root.
as=()
if [ "$(id -u)" = 0 ]; then
	as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chmod 755 "$SCRATCH"
fi
for f in "" -wal -shm; do
	cp "t.db$f" "ro.db$f"
	chmod 444 "ro.db$f"
done
run "${as[@]}" "$DBS_BUILD/dbs-load" --db ro.db s2.csv
expect 1 "" "dbs-load: ro.db: database is read-only" "read-only database"
run "${as[@]}" "$DBS_BUILD/dbs-load" --db ro.db --state t
expect 0 "table	t
key	id" "" "--state reads a read-only database (dbs-load keeps -wal and -shm)"

# A full disk (a small tmpfs in a private mount namespace, when allowed).
seq 1 3000 | awk '{ printf "%d,%0300d\n", $1, $1 }' | stream -i "${T[@]}" >big.csv
mkdir full
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	unshare -m bash -c '
		mount -t tmpfs -o size=300k tmpfs full || exit 99
		dbs-load --db full/t.db s.csv 2>/dev/null || exit 98
		sqlite3 full/t.db "SELECT * FROM t" >before.txt
		dbs-load --db full/t.db big.csv >full.out 2>full.err
		echo $? >full.status
		dbs-load --db full/t.db --summary json big.csv >json.out \
			2>/dev/null
		echo $? >>full.status
		sqlite3 full/t.db "SELECT * FROM t; PRAGMA integrity_check" >after.txt
		sqlite3 full/t.db "SELECT count(*) FROM _dbs_runs" >runs.txt'
	is "$?" 0 "disk full: set up"
	is "$(cat full.status)" "1
1" "disk full: status"
	is "$(sed 's/"message":"[^"]*"/"message":M/' json.out)" \
		'{"status":"failed","exit":1,"message":M,"inputs":[{"input":"big.csv","table":"t","mode":"merge","deletes":"hard","stream":"full","rows":3000,"inserted":2998,"updated":2,"deleted":0,"unchanged":0,"revived":0,"purged":0,"extracted_at":null,"watermark":null}]}' \
		"disk full: --summary json writes exactly one object, failed"
	is "$(cat full.err)" "dbs-load: full/t.db: database or disk is full" \
		"disk full: message"
	is "$(cat after.txt)" "$(cat before.txt)
ok" "disk full: database unchanged and intact"
	is "$(cat runs.txt)" 1 "disk full: the failed runs could not be logged"
else
	diag "skipping the full-disk test (needs root and unshare -m)"
fi

done_testing
