#!/usr/bin/env bash
# t1070-load-order.sh - key order. The merge expects the stream in
# SQLite's ascending key order (integers numerically, text and blobs by
# bytes); a stream that is not (a server sorting case-insensitively, or
# decimals as numbers) switches to keyed lookups for the rest of the
# stream and must give the same table and the same counts, and still
# catch duplicates on both sides of the switch. Text and composite keys
# use WITHOUT ROWID tables, where SQLite may return an updated row
# twice to the merge cursor.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# ints DAY ROW...: table "n" (id int key, v text), extracted on DAY.
ints() {
	stream -o dbo.n -k id -t "2024-01-${1}T00:00:00.000000Z" \
		-c id,int,int,notnull -c 'v,text,varchar(9),null' -- "${@:2}"
}
nrows() {
	sql "$1" "SELECT group_concat(id || v, ' ') FROM (SELECT * FROM n ORDER BY id)"
}

ints 01 1,a 2,a 3,a 4,a 5,a 6,a 7,a 8,a 9,a 10,a >base.csv
ints 02 1,a 2,a 3,a 7,a 5,b 4,a 6,a 8,a 11,a >fb.csv
run dbs-load --db f.db base.csv
run dbs-load --db f.db fb.csv
expect 0 "" "dbs-load: n: 1 inserted, 1 updated, 2 deleted, 7 unchanged (merge)" \
	"fallback: exact counts"
is "$(nrows f.db)" "1a 2a 3a 4a 5b 6a 7a 8a 11a" "fallback: rows"
cp f.db before.db

for dup in "1,a 2,a 5,a 3,a 5,a" "1,a 5,a 3,a 3,a" "1,a 5,a 4,a 5,a 2,a" \
	"1,a 12,a 2,a 12,a"; do
	# shellcheck disable=SC2086 # one row per word
	ints 03 $dup >dup.csv
	run dbs-load --db f.db dup.csv
	is "$status" 3 "duplicate after the switch refused: $dup"
	ok "  ... with a duplicate key message" grep -q ': duplicate key id=' stderr
done
is "$(nrows f.db)" "$(nrows before.db)" "nothing changed by the refusals"

ints 01 1,a 2,a 3,a 4,a 5,a >s5.csv
ints 02 1,a 4,a 2,a >s2.csv
run dbs-load --db s.db --deletes soft s5.csv
run dbs-load --db s.db --deletes soft --max-delete 60 s2.csv
expect 0 "" "dbs-load: n: 0 inserted, 0 updated, 2 deleted, 3 unchanged (merge, soft deletes)" \
	"soft deletes after the switch"
is "$(sql s.db "SELECT group_concat(id, ' ') FROM n WHERE _dbs_deleted_at IS NOT NULL")" \
	"3 5" "3 and 5 soft-deleted"
run dbs-load --db k.db --deletes keep s5.csv
run dbs-load --db k.db --deletes keep s2.csv
expect 0 "" "dbs-load: n: 0 inserted, 0 updated, 0 deleted, 3 unchanged (merge, deletes kept)" \
	"keep after the switch"

# Text keys: BINARY order is by bytes, so "B" < "a" < "b"; a server that
# sorts case-insensitively sends a, B, b.
# words DAY [OPTION...] [ROW...]: table "w" (k text key, v int), extracted
# on DAY (more options of stream, then the rows).
words() {
	stream -o dbo.w -k k -t "2024-01-${1}T00:00:00.000000Z" \
		-c 'k,text,varchar(9),notnull' -c v,int,int,null "${@:2}"
}
words 01 B,1 a,1 b,1 >w1.csv
words 02 a,2 B,1 b,1 c,1 >w2.csv
run dbs-load --db w.db w1.csv
expect 0 "" "dbs-load: w: 3 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"text keys in byte order"
run dbs-load --db w.db w2.csv
expect 0 "" "dbs-load: w: 1 inserted, 1 updated, 0 deleted, 2 unchanged (merge)" \
	"text keys in case-insensitive order"
is "$(sql w.db "SELECT group_concat(k || v, ' ') FROM (SELECT * FROM w ORDER BY k)")" \
	"B1 a2 b1 c1" "text keys: rows"

# Many text keys in a WITHOUT ROWID table: inserts between the keys the
# cursor has still to visit, updates of the cursor's row, deletions.
seq 2 2 700 | awk '{ printf "k%04d,%d\n", $1, $1 }' | words 03 -i >weven.csv
seq 1 600 | awk '{ printf "k%04d,%d\n", $1, ($1 % 3 == 0 ? -$1 : $1) }' |
	words 04 -i >wall.csv
run dbs-load --db ww.db weven.csv
run dbs-load --db ww.db --max-delete 30 wall.csv
expect 0 "" "dbs-load: w: 300 inserted, 100 updated, 50 deleted, 200 unchanged (merge)" \
	"many text keys"
grep -v '^#' wall.csv | tail -n +2 >want.txt
sql ww.db "SELECT k || ',' || v FROM w ORDER BY k" >got.txt
ok "many text keys: table equals the snapshot" cmp -s got.txt want.txt

# Composite key (region, id), sent ordered by id first.
comp() {
	stream -o dbo.c -k region,id -t "2024-01-${1}T00:00:00.000000Z" \
		-c 'region,text,char(2),notnull' -c id,int,int,notnull \
		-c v,int,int,null -- "${@:2}"
}
comp 01 EU,1,1 EU,2,1 US,1,1 US,2,1 >c1.csv
comp 02 EU,1,1 US,1,2 EU,2,1 US,3,1 >c2.csv
comp 03 EU,1,1 US,1,2 EU,1,5 >c3.csv
run dbs-load --db c.db c1.csv
run dbs-load --db c.db c2.csv
expect 0 "" "dbs-load: c: 1 inserted, 1 updated, 1 deleted, 2 unchanged (merge)" \
	"composite key, out of order"
is "$(sql c.db "SELECT group_concat(region || id || '=' || v, ' ') FROM (SELECT * FROM c ORDER BY region, id)")" \
	"EU1=1 EU2=1 US1=2 US3=1" "composite key: rows"
run dbs-load --db c.db c3.csv
expect 3 "" "dbs-load: c3.csv: line 11: duplicate key (region,id)=(EU,1)" \
	"composite key: duplicate"

# Blob keys order by bytes (lowercase hex sorts the same way).
stream -o dbo.b -k k -c 'k,blob,varbinary(4),notnull' -c v,int,int,null -- \
	'"",1' 00,1 000a,1 0a,1 ff,1 >b.csv
run dbs-load --db b.db b.csv
expect 0 "" "dbs-load: b: 5 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"blob keys, the empty one first"
run dbs-load --db b.db b.csv
expect 0 "" "dbs-load: b: 0 inserted, 0 updated, 0 deleted, 5 unchanged (merge)" \
	"blob keys: the same again"
is "$(sql b.db "SELECT group_concat(hex(k), ' ') FROM (SELECT k FROM b ORDER BY k)")" \
	" 00 000A 0A FF" "blob keys: rows"

done_testing
