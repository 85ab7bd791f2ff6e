#!/usr/bin/env bash
# t1000-load-merge.sh - dbs-load's default mode: the ordered merge. Exact
# counts for insert/update/delete/unchanged, the table content after each
# run, that unchanged rows are not written (a trigger logs every write),
# and a merge of many rows whose inserts fall between existing keys (the
# cursor must never see them).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# orders DAY [OPTION...] [ROW...]: a snapshot of the test table "orders"
# extracted on 2024-01-DAY (more options of stream, then the rows).
orders() {
	stream -m server,srv -m database,sales -o dbo.orders -k id \
		-t "2024-01-${1}T00:00:00.000000Z" -c id,int,int,notnull \
		-c 'name,text,nvarchar(20),null' -c qty,int,int,null "${@:2}"
}

orders 01 1,apple,3 2,pear,5 3,plum, >s1.csv
orders 02 1,apple,3 2,pear,6 4,fig,1 >s2.csv

run dbs-load --db t.db s1.csv
expect 0 "" "dbs-load: orders: 3 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"initial load"
is "$(sql t.db 'SELECT id, name, qty, typeof(qty) FROM orders ORDER BY id')" \
	"1|apple|3|integer
2|pear|5|integer
3|plum||null" "initial rows"
is "$(sql t.db 'PRAGMA journal_mode')" wal "database left in WAL mode"

# Log every write to the table from now on.
sql t.db "CREATE TABLE wlog(op TEXT, id INTEGER);
CREATE TRIGGER wi AFTER INSERT ON orders BEGIN INSERT INTO wlog VALUES('i', new.id); END;
CREATE TRIGGER wu AFTER UPDATE ON orders BEGIN INSERT INTO wlog VALUES('u', new.id); END;
CREATE TRIGGER wd AFTER DELETE ON orders BEGIN INSERT INTO wlog VALUES('d', old.id); END;"

run_in s1.csv dbs-load --db t.db
expect 0 "" "dbs-load: orders: 0 inserted, 0 updated, 0 deleted, 3 unchanged (merge)" \
	"same snapshot again, from stdin"
is "$(sql t.db 'SELECT count(*) FROM wlog')" 0 "unchanged rows are not written"

run dbs-load --db t.db - <s2.csv
expect 0 "" "dbs-load: orders: 1 inserted, 1 updated, 1 deleted, 1 unchanged (merge)" \
	"next snapshot (- is stdin)"
is "$(sql t.db 'SELECT op, id FROM wlog ORDER BY rowid')" "u|2
i|4
d|3" "exactly the changed rows were written"
is "$(sql t.db 'SELECT id, name, qty FROM orders ORDER BY id')" \
	"1|apple|3
2|pear|6
4|fig|1" "rows after the merge"

# --quiet: no summary line.
run dbs-load --db t.db --quiet s2.csv
expect 0 "" "" "--quiet"

# Many rows: the table holds the even keys, the stream all keys 1..600
# with every third row changed, so every insert lands between two keys
# the cursor has still to visit, and the last 100 table keys vanish.
seq 2 2 700 | awk '{ printf "%d,n%d,%d\n", $1, $1, $1 }' | orders 03 -i >even.csv
seq 1 600 | awk '{ printf "%d,n%d,%d\n", $1, $1, ($1 % 3 == 0 ? -$1 : $1) }' |
	orders 04 -i >all.csv
run dbs-load --db m.db even.csv
expect 0 "" "dbs-load: orders: 350 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"350 even keys"
run dbs-load --db m.db --max-delete 30 all.csv
# odd keys 1..599 are new (300); even keys 2..600 remain (300), of which
# multiples of 6 changed (100); even keys 602..700 are gone (50).
expect 0 "" "dbs-load: orders: 300 inserted, 100 updated, 50 deleted, 200 unchanged (merge)" \
	"interleaved inserts, updates and deletes"
grep -v '^#' all.csv | tail -n +2 >want.txt
sql m.db "SELECT id || ',' || name || ',' || qty FROM orders ORDER BY id" >got.txt
ok "table equals the snapshot" cmp -s got.txt want.txt
run dbs-load --db m.db all.csv
expect 0 "" "dbs-load: orders: 0 inserted, 0 updated, 0 deleted, 600 unchanged (merge)" \
	"then nothing changes"
is "$(sql m.db 'PRAGMA integrity_check')" ok "integrity_check"

done_testing
