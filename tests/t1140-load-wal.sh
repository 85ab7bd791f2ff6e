#!/usr/bin/env bash
# t1140-load-wal.sh - dbs-load leaves the database in WAL mode and does
# not checkpoint when it exits (dbs-load(1), FILES): a run's changes stay
# in the -wal file, where every reader, also a read-only one, sees them;
# after PRAGMA wal_checkpoint(TRUNCATE) the database file alone holds
# them. The next run works on top of the log. A run that leaves 1000
# frames or more in the log copies them into the file and empties the
# log, unless a reader is in the way (it does not wait for one): before,
# SQLite's own checkpoint left the frames in the log, the next run took
# them for new ones, and the log grew by every run's pages.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# snap DAY ROW...: a snapshot of table "fruit" (id, name).
snap() {
	stream -o dbo.fruit -k id -t "2024-01-0${1}T00:00:00.000000Z" \
		-c id,int,int,notnull -c 'name,text,nvarchar(20),null' -- "${@:2}"
}
snap 1 1,apple 2,pear >s1.csv
snap 2 1,apple 2,quince 3,fig >s2.csv

run dbs-load --db f.db s1.csv
expect 0 "" "dbs-load: fruit: 2 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"first load"
is "$(sql f.db 'PRAGMA journal_mode')" wal "the new database is in WAL mode"

run dbs-load --db f.db s2.csv
expect 0 "" "dbs-load: fruit: 1 inserted, 1 updated, 0 deleted, 1 unchanged (merge)" \
	"second load"
ok "the run's changes are left in the -wal file" test -s f.db-wal
cp f.db copy.db
is "$(sql copy.db 'SELECT count(*) FROM fruit')" 2 \
	"the database file alone does not hold them yet"
is "$(sqlite3 -readonly f.db 'SELECT group_concat(name) FROM (SELECT name FROM fruit ORDER BY id)')" \
	"apple,quince,fig" "a read-only reader sees the new state"

run dbs-load --db f.db s2.csv
expect 0 "" "dbs-load: fruit: 0 inserted, 0 updated, 0 deleted, 3 unchanged (merge)" \
	"a run on top of the log"

# The FILES section of dbs-load(1): checkpoint, then copy the file alone.
is "$(sql f.db 'PRAGMA wal_checkpoint(TRUNCATE)')" "0|0|0" "checkpoint"
cp f.db copy2.db
is "$(sql copy2.db 'SELECT group_concat(name) FROM (SELECT name FROM fruit ORDER BY id);
	SELECT count(*) FROM _dbs_runs; PRAGMA integrity_check')" "apple,quince,fig
3
ok" "after a checkpoint the file alone holds every run"

# big DAY N SUFFIX: a snapshot of N fruits, names padded so that a run
# writes more than 1000 pages.
big() {
	seq "$2" | awk -v s="$3" '{ printf "%d,%s-%0200d\n", $1, s, $1 }' |
		stream -i -o dbo.fruit -k id -t "2024-01-0${1}T00:00:00.000000Z" \
			-c id,int,int,notnull -c 'name,text,nvarchar(300),null'
}
big 3 20000 a >b1.csv
big 4 20000 b >b2.csv
wal_frames() {
	sqlite3 -readonly "$1" 'PRAGMA wal_checkpoint' | cut -d'|' -f2
}
run dbs-load --db g.db b1.csv
expect 0 "" "dbs-load: fruit: 20000 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"a big first load"
for i in 1 2 3; do
	run dbs-load --db g.db --allow-older b2.csv
	expect 0 "" "dbs-load: fruit: 0 inserted, 20000 updated, 0 deleted, 0 unchanged (merge)" \
		"big change $i"
	ok "big change $i: the -wal file is empty after it" test ! -s g.db-wal
	run dbs-load --db g.db --allow-older b1.csv
	expect 0 "" "dbs-load: fruit: 0 inserted, 20000 updated, 0 deleted, 0 unchanged (merge)" \
		"big change $i back"
	ok "big change $i back: the -wal file is empty after it" test ! -s g.db-wal
done
cp g.db g-copy.db
is "$(sql g-copy.db "SELECT count(*), sum(name LIKE 'a-%') FROM fruit;
	PRAGMA integrity_check")" "20000|20000
ok" "the database file alone holds the last big change"

# A reader in a read transaction: the run does not wait for it (with a
# busy timeout of a minute, timeout(1) would end the run), and leaves
# the log for a later run.
mkfifo hold
sqlite3 g.db <hold >reader.out 2>&1 &
reader=$!
exec 7>hold
printf 'BEGIN; SELECT count(*) FROM fruit;\n' >&7
for _ in $(seq 100); do [ -s reader.out ] && break; sleep 0.1; done
is "$(cat reader.out)" 20000 "the reader is in its transaction"
run timeout 30 "$DBS_BUILD/dbs-load" --db g.db --busy-timeout 60000 \
	--allow-older b2.csv
expect 0 "" "dbs-load: fruit: 0 inserted, 20000 updated, 0 deleted, 0 unchanged (merge)" \
	"a big change beside a reader"
ok "the log stays while the reader reads" test -s g.db-wal
printf 'SELECT count(*) FROM fruit WHERE name LIKE %s;\nCOMMIT;\n' "'b-%'" >&7
exec 7>&-
wait "$reader"
is "$(tail -n 1 reader.out)" 0 "the reader saw the state it began with"
run dbs-load --db g.db --allow-older b1.csv
expect 0 "" "dbs-load: fruit: 0 inserted, 20000 updated, 0 deleted, 0 unchanged (merge)" \
	"the next big change, the reader gone"
ok "then the -wal file is empty" test ! -s g.db-wal
is "$(wal_frames g.db)" 0 "and the log holds no frame"

done_testing
