#!/usr/bin/env bash
# t1230-load-merge-reader.sh - the merge walk reads the table through a
# connection of its own, whose snapshot is the table as the run found
# it (load/merge.c: then the walk's reads are not looked up among the
# pages the run has written to the WAL). That snapshot is used only
# where it is what the writing connection sees of the table: not for a
# second input of the run into the same table, not when a trigger writes
# rows the walk has yet to reach, not after the run changed the schema,
# not in the first load into a new file. Each case here merges to the
# exact content of its last snapshot.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# snap DAY ROW...: a snapshot of table "fruit" (id, name).
snap() {
	stream -o dbo.fruit -k id -t "2024-01-0${1}T00:00:00.000000Z" \
		-c id,int,int,notnull -c 'name,text,nvarchar(20),null' -- "${@:2}"
}
rows() {
	sql "$1" "SELECT group_concat(id || ':' || name, ' ') FROM (SELECT * FROM fruit ORDER BY id)"
}
snap 1 1,apple 2,pear 3,fig >s1.csv
snap 2 1,apple 2,quince 3,fig 9,kiwi >s2.csv
snap 3 1,apple 2,quince 3,fig >s3.csv
snap 4 1,apple 2,pear 3,fig 4,lime >s4.csv

# Two inputs into one table in one run: the second walk sees what the
# first wrote (the run's snapshot would still lack kiwi, and keep it).
run dbs-load --db f.db s1.csv
expect 0 "" "dbs-load: fruit: 3 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"first load"
run dbs-load --db f.db s2.csv s3.csv
expect 0 "" "dbs-load: fruit: 1 inserted, 1 updated, 0 deleted, 2 unchanged (merge)
dbs-load: fruit: 0 inserted, 0 updated, 1 deleted, 3 unchanged (merge)" \
	"two inputs into one table in one run"
is "$(rows f.db)" "1:apple 2:quince 3:fig" "the second input's rows, kiwi gone"

run dbs-load --db f.db --allow-older s2.csv s2.csv
expect 0 "" "dbs-load: fruit: 1 inserted, 0 updated, 0 deleted, 3 unchanged (merge)
dbs-load: fruit: 0 inserted, 0 updated, 0 deleted, 4 unchanged (merge)" \
	"the same snapshot twice in one run: the second finds it all there"
is "$(rows f.db)" "1:apple 2:quince 3:fig 9:kiwi" "kiwi back"

# A trigger that deletes a row the walk has yet to reach: the walk that
# writes sees the row gone and inserts it again; a walk over the run's
# snapshot would find it unchanged and leave it deleted.
sql f.db "CREATE TABLE audit(msg TEXT);
CREATE TRIGGER pear AFTER UPDATE ON fruit WHEN new.id = 2 BEGIN
	DELETE FROM fruit WHERE id = 3;
	INSERT INTO audit VALUES ('pear');
END;"
run dbs-load --db f.db s4.csv
expect 0 "" "dbs-load: fruit: 2 inserted, 1 updated, 1 deleted, 1 unchanged (merge)" \
	"a trigger deletes a row ahead of the walk"
is "$(rows f.db)" "1:apple 2:pear 3:fig 4:lime" "the table is the snapshot"
is "$(sql f.db 'SELECT group_concat(msg) FROM audit')" pear "the trigger ran"
sql f.db "DROP TRIGGER pear"

# A run that changes the schema (a new column) before its walk.
stream -o dbo.fruit -k id -t 2024-01-05T00:00:00.000000Z \
	-c id,int,int,notnull -c 'name,text,nvarchar(20),null' \
	-c qty,int,int,null -- 1,apple,5 2,pear, 4,lime,7 >s5.csv
run dbs-load --db f.db --schema-change add s5.csv
expect 0 "" "dbs-load: fruit: 0 inserted, 3 updated, 1 deleted, 0 unchanged (merge)" \
	"a new column, then the walk"
is "$(sql f.db "SELECT group_concat(id || ':' || name || ':' || ifnull(qty, '-'), ' ') FROM (SELECT * FROM fruit ORDER BY id)")" \
	"1:apple:5 2:pear:- 4:lime:7" "the table is the snapshot, with the column"

# A rebuild (a column's type changed, int to text): the run's snapshot
# still holds the old table.
snap 1 1,11 2,pear 10,12 >r1.csv
stream -o dbo.fruit -k id -t 2024-01-02T00:00:00.000000Z \
	-c id,int,int,notnull -c 'name,int,int,null' \
	-- 1,11 3,13 10,12 >r2.csv
run dbs-load --db r.db r1.csv
expect 0 "" "dbs-load: fruit: 3 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"text names"
run dbs-load --db r.db --schema-change rebuild r2.csv
expect 0 "" "dbs-load: fruit: 1 inserted, 2 updated, 1 deleted, 0 unchanged (merge)" \
	"a rebuild to int names, then the walk"
is "$(sql r.db "SELECT group_concat(typeof(name) || ':' || id || ':' || name, ' ') FROM (SELECT * FROM fruit ORDER BY id)")" \
	"integer:1:11 integer:3:13 integer:10:12" "the table is the snapshot, names as numbers"

# The walk over the run's snapshot, with a change big enough to spill
# the page cache into the WAL while it reads (20000 rows of 200 bytes):
# every row, forward and back.
# big DAY N PREFIX [DROP]: keys 2, 4, ... 2N, without multiples of DROP.
big() {
	seq "$2" | awk -v s="$3" -v d="${4:-0}" \
		'd == 0 || ($1 * 2) % d != 0 { printf "%d,%s-%0200d\n", $1 * 2, s, $1 }' |
		stream -i -o dbo.fruit -k id -t "2024-01-0${1}T00:00:00.000000Z" \
			-c id,int,int,notnull -c 'name,text,nvarchar(300),null'
}
big 6 20000 a >b1.csv
big 7 20000 b 3 >b2.csv
run dbs-load --db g.db b1.csv
expect 0 "" "dbs-load: fruit: 20000 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"a big first load"
run dbs-load --db g.db b2.csv
expect 0 "" "dbs-load: fruit: 0 inserted, 13334 updated, 6666 deleted, 0 unchanged (merge)" \
	"a big change: two thirds updated, a third deleted"
is "$(sql g.db "SELECT count(*), sum(name LIKE 'b-%'), sum(id % 3 = 0), min(id), max(id) FROM fruit")" \
	"13334|13334|0|2|40000" "the table is the big snapshot"
run dbs-load --db g.db --allow-older b1.csv
expect 0 "" "dbs-load: fruit: 6666 inserted, 13334 updated, 0 deleted, 0 unchanged (merge)" \
	"and back"
is "$(sql g.db "SELECT count(*), sum(name LIKE 'a-%'), min(id), max(id) FROM fruit; PRAGMA integrity_check" | tr '\n' ' ')" \
	"20000|20000|2|40000 ok " "the table is the first snapshot again"

done_testing
