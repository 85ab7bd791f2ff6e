#!/usr/bin/env bash
# t1170-load-findings.sh - what hostile testing found in dbs-load (issue
# 7): mass deletes counted against live rows and per run, --db '', names
# from a stream escaped in messages and the run log, a huge header
# refused fast and plainly, rebuilds that an append or incremental stream
# cannot do, a user's UNIQUE index, and a dry run that changes nothing.
# shellcheck disable=SC2054 # stream -c takes comma-separated fields
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

K=(-o dbo.t -k id -c id,int,int,notnull -c v,text,text,null)

# --- soft deletes, then a hard-delete merge: 6 of 4 rows (150%) before
stream "${K[@]}" -- 1,a 2,b 3,c 4,d 5,e 6,f 7,g 8,h 9,i 10,j >ten.csv
stream "${K[@]}" -- 1,a 2,b 3,c 4,d >four.csv
stream "${K[@]}" -- 1,a 2,b 3,c >three.csv
run dbs-load --db s.db ten.csv
run dbs-load --db s.db --deletes soft --max-delete 60 four.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 6 deleted, 4 unchanged (merge, soft deletes)" \
	"six rows soft-deleted"
run dbs-load --db s.db three.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 1 deleted, 3 unchanged (merge, 6 soft-deleted purged)" \
	"a hard merge after soft deletes counts only the live row it deletes"
is "$(sql s.db "SELECT count(*) FROM t")" 3 "the purged rows are gone"
run dbs-load --db s2.db ten.csv
run dbs-load --db s2.db --deletes soft --max-delete 60 four.csv
run dbs-load --db s2.db --max-delete 10 three.csv
expect 3 "" "dbs-load: three.csv: table t: would delete 1 of 4 rows (25%, more than 10%); use --max-delete or --allow-mass-delete" \
	"the share is of live rows"
run dbs-load --db s2.db --max-delete 10 --allow-mass-delete three.csv
is_status 0 "--allow-mass-delete overrides whatever the share"

# --- the rule is checked per run: two inputs of 40% each
stream "${K[@]}" -- 1,a 2,b 3,c 4,d 5,e 6, >six.csv
run dbs-load --db r.db ten.csv
run dbs-load --db r.db six.csv four.csv
expect 3 "" "dbs-load: table t: 2 inputs would together delete 6 of 10 rows (60%, more than 50%); use --max-delete or --allow-mass-delete" \
	"two inputs under the limit each, over it together"
is "$(sql r.db "SELECT count(*) FROM t")" 10 "nothing deleted"

# --- --db ''
run dbs-load --db '' ten.csv
expect 2 "" "dbs-load: --db: empty file name" "--db ''"

# --- names from a stream are escaped in messages and in the run log
stream -o $'"dbo.x\nforged"' -k id -c id,int,int,notnull \
	-c $'"_dbs_a\nok x",text,text,null' >nl.csv
run dbs-load --db e.db nl.csv
expect 1 "" 'dbs-load: nl.csv: column "_dbs_a\nok x": names starting with _dbs_ are reserved' \
	"a line break in a column name is escaped"
is "$(sql e.db "SELECT message FROM _dbs_runs")" \
	'nl.csv: column "_dbs_a\nok x": names starting with _dbs_ are reserved' \
	"... in the run log too"
stream -o "dbo._dbs_$(printf '\033')[2J" -k id -c id,int,int,notnull -- 1 \
	>esc.csv
run dbs-load --db e.db esc.csv
expect 2 "" 'dbs-load: esc.csv: table name "_dbs_\x1b[2J" is empty or reserved' \
	"ESC in a table name does not reach the terminal"

# --- a huge header: the column limit first (written by Python: stream
# takes minutes to read 100000 -c options)
python3 - <<'PY' >wide.csv
n = 100000
print('#dbs-stream,1')
print('#meta,object,dbo.w')
for i in range(n):
    print('#column,c%d,int,int,null' % i)
print(','.join('c%d' % i for i in range(n)))
print('#end,0,2d06800538d394c2')
PY
run dbs-load --db w.db wide.csv
expect 1 "" "dbs-load: wide.csv: 100000 columns: a table can have at most 1998 (SQLite's limit, less dbs-load's own columns)" \
	"100000 columns"
for n in 1998 1999; do
	cols=()
	for ((i = 0; i < n; i++)); do
		cols+=(-c "c$i,int,int,null")
	done
	stream -o "dbo.w$n" -k c0 "${cols[@]}" -- "$(seq -s, 0 $((n - 1)))" \
		>"w$n.csv"
done
run dbs-load --db w.db --quiet w1998.csv
expect 0 "" "" "1998 columns fit"
run dbs-load --db w.db w1999.csv
expect 1 "" "dbs-load: w1999.csv: 1999 columns: a table can have at most 1998 (SQLite's limit, less dbs-load's own columns)" \
	"1999 do not"
stream -o dbo.c -k id -c id,int,int,notnull -c Name,text,text,null \
	-c x,int,int,null -c name,text,text,null -- >case.csv
run dbs-load --db w.db case.csv
expect 1 "" 'dbs-load: case.csv: columns "Name" and "name" differ only in case, which SQLite ignores' \
	"names differing in case"

# --- rebuild with append or an incremental stream and a retyped column
stream "${K[@]}" -- 1,a 2,b >k1.csv
stream -o dbo.t -k id -c id,int,int,notnull -c v,int,int,null -- 2,7 >k2.csv
stream -o dbo.t -k id -s 'v,1' -c id,int,int,notnull -c v,int,int,null -- 2,7 >k3.csv
run dbs-load --db b.db k1.csv
run dbs-load --db b.db --mode append --schema-change rebuild k2.csv
expect 3 "" 'dbs-load: k2.csv: table t: cannot rebuild from an append stream: column "v" changed type from text to int, and the rows the stream does not carry would keep no value of the new type; load a full stream with --mode merge or replace' \
	"append cannot rebuild a retyped column"
run dbs-load --db b.db --schema-change rebuild k3.csv
expect 3 "" 'dbs-load: k3.csv: table t: cannot rebuild from an incremental stream: column "v" changed type from text to int, and the rows the stream does not carry would keep no value of the new type; load a full stream with --mode merge or replace' \
	"nor can an incremental stream"
is "$(sql b.db "SELECT id || v FROM t ORDER BY id")" "1a
2b" "table unchanged"
stream -o dbo.t -k id -c id,text,text,notnull -c v,text,text,null -- 1,a 2,b >k4.csv
run dbs-load --db b.db --schema-change rebuild k4.csv
expect 3 "" 'dbs-load: k4.csv: table t: cannot rebuild: key column "id" changed its storage type, so the stored rows cannot be keyed by it; use --mode replace' \
	"a key type change says so"

# --- a UNIQUE index of the user's is not a duplicate key
U=(-o dbo.u -k id -c id,int,int,notnull -c email,text,text,null)
stream "${U[@]}" -- 1,a@x 2,b@x >u1.csv
stream "${U[@]}" -- 1,a@x 2,a@x >u2.csv
run dbs-load --db u.db u1.csv
sql u.db "CREATE UNIQUE INDEX u_email ON u(email)"
run dbs-load --db u.db u2.csv
expect 1 "" "dbs-load: u2.csv: line 8: row id=2 breaks a constraint of table u that dbs-load did not make (UNIQUE constraint failed: u.email)" \
	"a UNIQUE index violated by an update"
stream "${U[@]}" -- 1,a@x 2,b@x 3,a@x >u3.csv
run dbs-load --db u.db u3.csv
expect 1 "" "dbs-load: u3.csv: line 9: row id=3 breaks a constraint of table u that dbs-load did not make (UNIQUE constraint failed: u.email)" \
	"... and by an insert"

# --- a dry run changes nothing, not even the file system
run dbs-load --db new.db --dry-run ten.csv
expect 0 "" "dbs-load: t: 10 inserted, 0 updated, 0 deleted, 0 unchanged (merge, dry run)" \
	"a dry run into a database that does not exist"
ok "... creates no file" test -z "$(ls new.db* 2>/dev/null)"
run dbs-load --db s.db --dry-run ten.csv
is_status 0 "a dry run into an existing database"
is "$(sql s.db "SELECT count(*) FROM _dbs_runs")" 3 "... records no run"
sqlite3 j.db "PRAGMA journal_mode=delete; CREATE TABLE x(a)" >/dev/null
run dbs-load --db j.db --dry-run ten.csv
is "$(sql j.db "PRAGMA journal_mode")" delete "... keeps the journal mode"
is "$(sql j.db "SELECT count(*) FROM sqlite_schema")" 1 "... and the schema"

done_testing
