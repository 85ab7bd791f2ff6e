#!/usr/bin/env bash
# t1040-load-truncated.sh - nothing is committed unless the trailer is
# present and verified: a valid stream cut at every byte offset fails
# with status 1 and leaves the table and its metadata exactly as they
# were (each failure is logged in _dbs_runs); so do a wrong row count,
# a wrong checksum and rows after the trailer. (Cutting only the final
# newline leaves a complete trailer line, which dbs-stream(5) accepts.)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# snap DAY [OPTION...] [ROW...]: a snapshot of "orders" extracted on
# 2024-01-DAY (more options of stream, then the rows).
snap() {
	stream -o dbo.orders -k id -t "2024-01-${1}T00:00:00.000000Z" \
		-c id,int,int,notnull -c 'name,text,nvarchar(20),null' "${@:2}"
}
snap 01 1,apple 2,pear 3,plum >s1.csv
rows2=('1,apple' '2,"pear, ripe"' '4,fig')
snap 02 "${rows2[@]}" >s2.csv

state() {
	sql t.db "SELECT * FROM orders ORDER BY id; SELECT * FROM _dbs_tables;
		SELECT * FROM _dbs_columns; PRAGMA integrity_check;"
}

run dbs-load --db t.db s1.csv
is "$status" 0 "first snapshot loads"
before=$(state)

size=$(wc -c <s2.csv)
bad=0
nrun=0
for ((n = 0; n < size - 1; n++)); do
	head -c "$n" s2.csv >cut.csv
	run dbs-load --db t.db cut.csv
	nrun=$((nrun + 1))
	if [ "$status" -ne 1 ] || [ "$(wc -l <stderr)" -ne 1 ] ||
		! grep -q '^dbs-load: cut\.csv: ' stderr; then
		bad=$((bad + 1))
		diag "cut at $n: status $status: $(cat stderr)"
	fi
done
is "$bad" 0 "every cut of the $size bytes fails with status 1 and one message"
is "$(state)" "$before" "the database is unchanged"
is "$(sql t.db "SELECT count(*) FROM _dbs_runs WHERE status = 'failed' AND input = 'cut.csv'")" \
	"$nrun" "every failed run is logged"

head -c 0 s2.csv >cut.csv
run dbs-load --db t.db cut.csv
expect 1 "" "dbs-load: cut.csv: line 1: empty input: not a dbs stream" "empty input"

snap 02 -r 4 "${rows2[@]}" >count.csv
run dbs-load --db t.db count.csv
expect 1 "" "dbs-load: count.csv: line 11: row count mismatch: the trailer says 4, the stream has 3" \
	"wrong row count"
sed 's/^4,fig$/4,fog/' s2.csv >sum.csv
run dbs-load --db t.db sum.csv
is "$status" 1 "wrong checksum: status"
ok "wrong checksum: message" grep -q '^dbs-load: sum.csv: line 11: checksum mismatch' stderr
{
	cat s2.csv
	echo 5,kiwi
} >after.csv
run dbs-load --db t.db after.csv
is "$status" 1 "a row after the trailer: status"
is "$(state)" "$before" "still unchanged"

head -c "$((size - 1))" s2.csv >nolf.csv
run dbs-load --db t.db nolf.csv
expect 0 "" "dbs-load: orders: 1 inserted, 1 updated, 1 deleted, 1 unchanged (merge)" \
	"the whole stream, without its final newline, loads"

done_testing
