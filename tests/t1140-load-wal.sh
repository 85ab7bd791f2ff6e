#!/usr/bin/env bash
# t1140-load-wal.sh - dbs-load leaves the database in WAL mode and does
# not checkpoint when it exits (dbs-load(1), FILES): a run's changes stay
# in the -wal file, where every reader, also a read-only one, sees them;
# after PRAGMA wal_checkpoint(TRUNCATE) the database file alone holds
# them. The next run works on top of the log.
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

done_testing
