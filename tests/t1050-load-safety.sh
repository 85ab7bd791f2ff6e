#!/usr/bin/env bash
# t1050-load-safety.sh - the safety rules and their overrides: an empty
# snapshot over a non-empty table (--allow-empty), deleting more than
# --max-delete PCT (default 50; --allow-mass-delete), a snapshot older
# than the last one applied (--allow-older; the same one again is fine),
# duplicate and NULL keys (always refused). Each refusal is status 3,
# one message, nothing changed, and a "refused" row in _dbs_runs.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# snap DAY ROW...: table "t" (key id), extracted 2024-01-DAY.
snap() {
	stream -o dbo.t -k id -t "2024-01-${1}T00:00:00.000000Z" \
		-c id,int,int,null -c 'v,text,varchar(9),null' -- "${@:2}"
}

rows() {
	sql t.db "SELECT group_concat(id || v, ' ') FROM (SELECT * FROM t ORDER BY id)"
}

snap 01 1,a 2,b 3,c 4,d >s01.csv
snap 02 >empty.csv
snap 03 1,a 2,b >half.csv
snap 04 1,a >quarter.csv
snap 08 >empty8.csv
snap 09 1,a 2,b 2,c >dup.csv
snap 10 1,a 3,c 2,b >unordered.csv
snap 11 1,a ,b 3,c >null.csv

run dbs-load --db t.db s01.csv
is "$status" 0 "load four rows"

run dbs-load --db t.db empty.csv
expect 3 "" "dbs-load: empty.csv: table t: empty snapshot would delete all 4 rows; use --allow-empty" \
	"empty snapshot refused"
is "$(rows)" "1a 2b 3c 4d" "nothing deleted"
run dbs-load --db t.db --deletes keep empty.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 0 deleted, 0 unchanged (merge, deletes kept)" \
	"an empty snapshot that deletes nothing is fine"

run dbs-load --db t.db half.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 2 deleted, 2 unchanged (merge)" \
	"deleting exactly 50% is allowed"
run dbs-load --db t.db s01.csv
expect 3 "" "dbs-load: s01.csv: table t: snapshot extracted at 2024-01-01T00:00:00.000000Z is older than the last one applied (2024-01-03T00:00:00.000000Z); use --allow-older" \
	"older snapshot refused"
run dbs-load --db t.db half.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 0 deleted, 2 unchanged (merge)" \
	"the same snapshot again is allowed"
run dbs-load --db t.db --allow-older s01.csv
expect 0 "" "dbs-load: t: 2 inserted, 0 updated, 0 deleted, 2 unchanged (merge)" \
	"--allow-older"
is "$(sql t.db 'SELECT extracted_at FROM _dbs_tables')" 2024-01-01T00:00:00.000000Z \
	"extracted-at is that of the snapshot applied last"

run dbs-load --db t.db quarter.csv
expect 3 "" "dbs-load: quarter.csv: table t: would delete 3 of 4 rows (75%, more than 50%); use --max-delete or --allow-mass-delete" \
	"mass delete refused"
run dbs-load --db t.db --max-delete 70% quarter.csv
expect 3 "" "dbs-load: quarter.csv: table t: would delete 3 of 4 rows (75%, more than 70%); use --max-delete or --allow-mass-delete" \
	"--max-delete 70% is not enough"
is "$(rows)" "1a 2b 3c 4d" "nothing deleted"
run dbs-load --db t.db --allow-mass-delete --dry-run quarter.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 3 deleted, 1 unchanged (merge, dry run)" \
	"--allow-mass-delete, dry run"
is "$(rows)" "1a 2b 3c 4d" "a dry run changes nothing"
run dbs-load --db t.db --max-delete 75 quarter.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 3 deleted, 1 unchanged (merge)" \
	"--max-delete 75"
run dbs-load --db t.db --allow-empty --summary json empty8.csv
is "$status" 0 "--allow-empty: status"
is "$(rows)" "" "--allow-empty: the table is empty"

run dbs-load --db t.db --allow-older s01.csv
run dbs-load --db t.db dup.csv
expect 3 "" "dbs-load: dup.csv: line 10: duplicate key id=2" "duplicate key refused"
run dbs-load --db t.db unordered.csv
expect 0 "" "dbs-load: t: 0 inserted, 0 updated, 1 deleted, 3 unchanged (merge)" \
	"an unordered stream without duplicates loads"
run dbs-load --db t.db null.csv
expect 3 "" 'dbs-load: null.csv: line 9, column "id": NULL in a key column' \
	"NULL key refused"
is "$(rows)" "1a 2b 3c" "nothing changed"
is "$(sql t.db "SELECT status || ': ' || message FROM _dbs_runs ORDER BY id DESC LIMIT 1")" \
	'refused: null.csv: line 9, column "id": NULL in a key column' \
	"the refusal is logged"
is "$(sql t.db "SELECT status, count(*) FROM _dbs_runs GROUP BY status ORDER BY status")" \
	"ok|9
refused|6" "run log statuses"

done_testing
